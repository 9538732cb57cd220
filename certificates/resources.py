"""The participant list of an initiative: one row per invited official, from invitation to recognition.

It spans the three apps (authorities, workshops, certificates), so it lives here, where the dependency rule
lets it read them all. One query reads every row, whatever their number: attendance at each session, the
questionnaires, the Automapeo and the recognition are correlated subqueries of that query, and the columns
of attendance are built from the initiative's launch and workshop sessions (one more query).
"""

import tablib
from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries as all_countries
from import_export import fields

from authorities.enums import ExportKind, InvitationStatus, RoleKind
from authorities.models import Invitation, LocalGovernment, Official
from authorities.resources import ScopedExportResource, column
from workshops.enums import AttendanceStatus, EventKind, QuestionnaireKind, SubmissionStatus
from workshops.models import Attendance, Automapeo, QuestionnaireResponse, Session

from .enums import RecognitionKind, RecognitionStatus
from .models import Recognition


def _field(name):
    return fields.Field(column_name=name, readonly=True)


class ParticipantResource(ScopedExportResource):
    kind = ExportKind.PARTICIPANTS
    country_path = "official__local_government__country"

    name = _field(pgettext_lazy("person", "name"))
    position = column(Official, "position")
    role_kind = column(Official, "role_kind")
    email = column(Official, "email")
    local_government = column(Official, "local_government")
    region = column(LocalGovernment, "region")
    country = column(LocalGovernment, "country")
    invitation_status = _field(_("invitation status"))
    entry_questionnaire = _field(_("entry questionnaire answered"))
    exit_questionnaire = _field(_("exit questionnaire answered"))
    automapeo_submitted = _field(_("Automapeo submitted"))
    recognition_status = _field(_("recognition status"))
    recognition_code = _field(_("recognition code"))

    BEFORE_SESSIONS = (
        "name",
        "position",
        "role_kind",
        "email",
        "local_government",
        "region",
        "country",
        "invitation_status",
    )
    AFTER_SESSIONS = (
        "entry_questionnaire",
        "exit_questionnaire",
        "automapeo_submitted",
        "recognition_status",
        "recognition_code",
    )

    class Meta:
        model = Invitation
        fields = (
            "name",
            "position",
            "role_kind",
            "email",
            "local_government",
            "region",
            "country",
            "invitation_status",
            "entry_questionnaire",
            "exit_questionnaire",
            "automapeo_submitted",
            "recognition_status",
            "recognition_code",
        )

    def __init__(self, *, user, initiative, country="", **kwargs):
        super().__init__(user=user, country=country, **kwargs)
        self.initiative = initiative
        self.sessions = list(
            Session.objects.filter(event__initiative=initiative, event__kind__in=[EventKind.LAUNCH, EventKind.WORKSHOP])
            .select_related("event")
            .order_by("event__kind", "event__edition", "starts_at", "pk")
        )

    def get_queryset(self):
        return Invitation.objects.all()

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).filter(initiative=self.initiative)

    def session_label(self, session):
        return f"{session.event.title} · {session.title} ({session.starts_at.date().isoformat()})"

    def get_export_headers(self, selected_fields=None):
        headers = [str(self.fields[name].column_name) for name in self.BEFORE_SESSIONS]
        for session in self.sessions:
            label = self.session_label(session)
            headers += [f"{label}: {gettext('attendance')}", f"{label}: {gettext('minutes')}"]
        headers += [str(self.fields[name].column_name) for name in self.AFTER_SESSIONS]
        return headers

    def rows_queryset(self, queryset):
        """One row per invitation: the official, their government, and what they submitted and received."""
        initiative = self.initiative
        official = OuterRef("official_id")
        # order_by(): the models' default orderings would join and sort inside every subquery.
        questionnaires = QuestionnaireResponse.objects.filter(official=official, initiative=initiative).order_by()
        recognition = Recognition.objects.filter(
            official=official, initiative=initiative, kind=RecognitionKind.PERSON
        ).order_by()
        annotations = {
            "entry": Exists(questionnaires.filter(kind=QuestionnaireKind.ENTRY)),
            "exit": Exists(questionnaires.filter(kind=QuestionnaireKind.EXIT)),
            "automapeo": Exists(
                Automapeo.objects.filter(
                    local_government=OuterRef("official__local_government_id"),
                    initiative=initiative,
                    status=SubmissionStatus.SUBMITTED,
                ).order_by()
            ),
            "recognition_status": Subquery(recognition.values("status")[:1]),
            "recognition_code": Subquery(recognition.values("code")[:1]),
        }
        return (
            queryset.annotate(**annotations)
            .order_by()  # sorted in Python: cheaper than sorting the joined rows in the database
            .values_list(
                "official_id",
                "official__first_name",
                "official__last_name",
                "official__position",
                "official__role_kind",
                "official__email",
                "official__local_government__name",
                "official__local_government__region",
                "official__local_government__country",
                "status",
                *annotations,
            )
        )

    def attendance_queryset(self, queryset):
        """Attendance of the exported officials at the launch and workshop sessions: one query."""
        return (
            Attendance.objects.filter(
                session_id__in=[session.pk for session in self.sessions],
                official_id__in=queryset.order_by().values("official_id"),
            )
            .order_by()
            .values_list("official_id", "session_id", "status", "seconds")
        )

    def export(self, queryset=None, **kwargs):
        """The rows as plain values, read in two queries (no model instances: 20,000 rows in a second)."""
        queryset = self.filter_export(queryset if queryset is not None else self.get_queryset())
        yes, no = gettext("yes"), gettext("no")
        roles = {value: str(label) for value, label in RoleKind.choices}
        invitation = {value: str(label) for value, label in InvitationStatus.choices}
        attendance_labels = {value: str(label) for value, label in AttendanceStatus.choices}
        recognition = {value: str(label) for value, label in RecognitionStatus.choices}
        attended = {}
        if self.sessions:
            for official_id, session_id, status, seconds in self.attendance_queryset(queryset):
                minutes = None if seconds is None else seconds // 60  # whole minutes, for people to read
                attended[official_id, session_id] = (attendance_labels.get(status, status), minutes)
        session_ids = [session.pk for session in self.sessions]
        missing = ("", None)
        country_names = {}
        records = list(self.rows_queryset(queryset))
        records.sort(key=lambda record: (record[8], record[6], record[2], record[1]))
        rows = []
        for (
            official_id,
            first,
            last,
            position,
            role,
            email,
            government,
            region,
            country,
            status,
            entry,
            exit_,
            automapeo,
            recognition_status,
            code,
        ) in records:
            if country not in country_names:
                country_names[country] = str(all_countries.name(country))
            row = [
                f"{first} {last}",
                position,
                roles.get(role, role),
                email,
                government,
                region,
                country_names[country],
                invitation.get(status, status),
            ]
            for session_id in session_ids:
                row.extend(attended.get((official_id, session_id), missing))
            row += [
                yes if entry else no,
                yes if exit_ else no,
                yes if automapeo else no,
                recognition.get(recognition_status, ""),
                code or "",
            ]
            rows.append(row)
        return fast_dataset(self.get_export_headers(), rows)


def fast_dataset(headers, rows):
    """A tablib Dataset of rows known to be of the headers' width (tablib's append checks each row)."""
    dataset = tablib.Dataset(headers=headers)
    dataset._data = [tablib.core.Row(row) for row in rows]
    return dataset
