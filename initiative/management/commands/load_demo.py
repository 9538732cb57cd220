"""Load the demo cohort: the 2023 ALP cohort of South America, with real city names and fictional people.

The cohort is described in fixtures/demo_cohort.json: 40 officials of 28 local governments in 10 countries,
the launch of 18 October 2023, two workshop editions in November, some Automapeos, ALMI contributions and
questionnaires. The initiative is left in the certification stage, with no recognition issued, so that the
eligibility review and the bulk issuance can be tried at once. The figures of the report are computed from
this data, never stored.

Demo accounts, all with the password ``demo-alp-2023``:

- regional@demo.alp: regional staff (sees everything, moves stages, issues recognitions);
- oficina.ar@demo.alp: staff of the Argentina country office;
- escritorio.br@demo.alp: staff of the Brazil country office;
- maria.perez@quilmes.demo.alp: an official of Quilmes (Argentina), invitation accepted;
- joao.silva@saopaulo.demo.alp: an official of São Paulo (Brazil), invitation accepted.

Running the command again when the demo initiative exists changes nothing. ``--reset`` deletes the demo
initiative with all its rows, and the demo officials and governments nobody else uses, then loads it again;
the accounts are kept and their passwords reset.
"""

import json
from datetime import datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError

from alp_portal.generations import everything_written
from alp_portal.roles import REGIONAL_STAFF_GROUP
from authorities.enums import InvitationStatus
from authorities.models import CountryOffice, Invitation, LocalGovernment, Official
from certificates.models import IssuanceBatch, Recognition
from initiative.enums import Stage
from initiative.models import GuidingPrinciple, Initiative, Objective, StageTransition
from initiative.stages import initiative_figures
from workshops.enums import AttendanceSource, AttendanceStatus, EventKind, SubmissionStatus
from workshops.models import (
    AgendaItem,
    AlmiContribution,
    Attendance,
    Automapeo,
    AutomapeoAction,
    Event,
    QuestionnaireResponse,
    Registration,
    Session,
)

DEMO_FILE = settings.BASE_DIR / "fixtures" / "demo_cohort.json"
DEMO_PASSWORD = "demo-alp-2023"
ORGANISERS_TIME_ZONE = "America/Argentina/Buenos_Aires"


def read_demo():
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def official_email(government, official):
    return f"{official['email']}@{government['key']}.demo.alp"


def present_minutes(duration, index):
    """Minutes of a present participant: varied, and always above a 75 % threshold of a two-hour session."""
    return int(duration) - (index * 7) % 29


class Command(BaseCommand):
    help = "Load the 2023 demo cohort (real cities, fictional people). Does nothing if loaded; --reset reloads."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo initiative and its rows, then load it again."
        )

    def handle(self, *args, reset=False, **options):
        data = read_demo()
        slug = data["initiative"]["slug"]
        with transaction.atomic():
            existing = Initiative.objects.filter(slug=slug).first()
            if existing and not reset:
                self.stdout.write(
                    f"The demo initiative “{existing}” ({slug}) is already loaded. Use --reset to reload it."
                )
                return
            if existing:
                delete_demo(data, existing)
                self.stdout.write(f"Deleted the demo initiative “{existing}” and its rows.")
            loader = DemoLoader(data)
            initiative = loader.load()
            everything_written()  # it creates and updates rows in bulk
        self.summary(initiative, loader.accounts)

    def summary(self, initiative, accounts):
        officials = Official.objects.filter(invitations__initiative=initiative)
        governments = LocalGovernment.objects.filter(officials__in=officials).distinct()
        sessions = Session.objects.filter(event__initiative=initiative)
        attendance = Attendance.objects.filter(session__in=sessions)
        self.stdout.write(
            self.style.SUCCESS(f"Loaded “{initiative}” ({initiative.slug}), stage: {initiative.stage_enum.label}.")
        )
        self.stdout.write(
            f"  {governments.count()} local governments, {officials.count()} officials, "
            f"{initiative.events.count()} events, {sessions.count()} sessions, "
            f"{attendance.count()} attendance rows."
        )
        for row in initiative_figures(initiative):
            self.stdout.write(f"  {row.title}: {row.figures.sentence('es')}")
        self.stdout.write(f"  Demo accounts (password “{DEMO_PASSWORD}”): {', '.join(accounts)}.")


def delete_demo(data, initiative):
    """Delete the demo initiative and the demo people and places that nothing else uses."""
    try:
        # Recognitions and issuances protect their initiative: those made while trying the demo go with it,
        # their PDFs too.
        IssuanceBatch.objects.filter(initiative=initiative).delete()
        recognitions = Recognition.objects.filter(initiative=initiative)
        pdfs = list(recognitions.exclude(pdf="").values_list("pdf", flat=True))
        recognitions.delete()
        # The files go once the rows are gone for good: should the reset fail and roll back, they stay.
        transaction.on_commit(lambda: [default_storage.delete(name) for name in pdfs])
        initiative.delete()
        emails = [official_email(g, o) for g in data["governments"] for o in g["officials"]]
        Official.objects.filter(email__in=emails).delete()
        for government in data["governments"]:
            LocalGovernment.objects.filter(
                country=government["country"],
                region=government["region"],
                name__iexact=government["name"],
                officials__isnull=True,
            ).delete()
    except ProtectedError as error:
        raise CommandError(
            f"The demo cannot be deleted: other data refers to it ({error.protected_objects})."
        ) from error


class DemoLoader:
    """Turns the compact description of the cohort into rows."""

    def __init__(self, data):
        self.data = data
        self.password = make_password(DEMO_PASSWORD)  # hashed once: every demo account shares it
        self.accounts = []
        self.objectives = {o.number: o for o in Objective.objects.all()}
        self.principles = {p.number: p for p in GuidingPrinciple.objects.all()}
        if len(self.objectives) != 23 or len(self.principles) != 10:
            raise CommandError("The GCM reference data is missing: run `manage.py migrate` first.")

    def load(self):
        self.regional = self.load_staff()
        self.initiative = self.load_initiative()
        self.officials = self.load_mapping()
        self.load_launch()
        self.load_workshop()
        self.load_automapeos()
        self.load_almi()
        self.load_questionnaires()
        self.load_history()
        return self.initiative

    # Accounts and offices

    def account(self, email, first_name, last_name, *, is_staff):
        user, _ = get_user_model().objects.update_or_create(
            username=email,
            defaults={
                "email": email,
                "first_name": first_name,
                "last_name": last_name,
                "is_staff": is_staff,
                "is_active": True,
                "password": self.password,
            },
        )
        # allauth signs in by e-mail address: the address must be known to it, verified and primary.
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        self.accounts.append(email)
        return user

    def load_staff(self):
        offices = {}
        for code, country in self.data["countries"].items():
            office, _ = CountryOffice.objects.update_or_create(country=code, defaults={"name": country["office"]})
            offices[code] = office
        regional = None
        for person in self.data["staff"]:
            user = self.account(person["email"], person["first_name"], person["last_name"], is_staff=True)
            if person.get("regional"):
                user.groups.add(Group.objects.get(name=REGIONAL_STAFF_GROUP))
                regional = regional or user
            if person.get("country"):
                offices[person["country"]].staff.add(user)
        return regional

    # Mapping: the initiative, governments, officials, invitations

    def load_initiative(self):
        fields = dict(self.data["initiative"])
        self.invitations_sent_at = datetime.fromisoformat(fields.pop("invitations_sent_at"))
        self.invitations_accepted_at = datetime.fromisoformat(fields.pop("invitations_accepted_at"))
        fields["submissions_close_at"] = datetime.fromisoformat(fields["submissions_close_at"])
        return Initiative.objects.create(**fields)

    def load_mapping(self):
        """Every official of the cohort in the order of the file, paired with the description it came from."""
        officials = []
        self.governments = {}
        for government_data in self.data["governments"]:
            country = self.data["countries"][government_data["country"]]
            criteria = set(government_data["criteria"])
            unknown = criteria - set(LocalGovernment.CRITERIA)
            if unknown:
                raise CommandError(f"Unknown selection criteria in the demo file: {sorted(unknown)}.")
            # Names are unique ignoring case: a government mapped before as "quilmes" is the same one.
            government, _ = LocalGovernment.objects.update_or_create(
                country=government_data["country"],
                region=government_data["region"],
                name__iexact=government_data["name"],
                defaults={
                    "name": government_data["name"],
                    "kind": government_data["kind"],
                    "latitude": Decimal(government_data["lat"]),
                    "longitude": Decimal(government_data["lng"]),
                    **{name: name in criteria for name in LocalGovernment.CRITERIA},
                },
            )
            self.governments[government_data["key"]] = government
            for person in government_data["officials"]:
                email = official_email(government_data, person)
                user = None
                if person.get("account"):
                    user = self.account(email, person["first_name"], person["last_name"], is_staff=False)
                official, _ = Official.objects.update_or_create(
                    email__iexact=email,
                    defaults={
                        "email": email,
                        "first_name": person["first_name"],
                        "last_name": person["last_name"],
                        "position": person["position"],
                        "role_kind": person["role"],
                        "gender": person["gender"],
                        "language": country["language"],
                        "time_zone": government_data.get("time_zone", country["time_zone"]),
                        "local_government": government,
                        "user": user,
                    },
                )
                officials.append((official, person))
        Invitation.objects.bulk_create(
            [
                Invitation(
                    official=official,
                    initiative=self.initiative,
                    status=InvitationStatus.ACCEPTED if official.user else InvitationStatus.SENT,
                    sent_at=self.invitations_sent_at,
                    # The cohort's links expired long ago; staff send a new one from the admin (the e-mail,
                    # printed on the console, holds the link: its secret is stored nowhere).
                    expires_at=self.invitations_sent_at + timedelta(days=settings.INVITATION_VALID_DAYS),
                    accepted_at=self.invitations_accepted_at if official.user else None,
                )
                for official, _ in officials
            ]
        )
        return officials

    # Events

    def session(self, event, title, starts_at, ends_at, agenda):
        session = Session.objects.create(
            event=event, title=title, starts_at=starts_at, ends_at=ends_at, time_zone=ORGANISERS_TIME_ZONE
        )
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(session=session, starts_at=time.fromisoformat(at), activity=activity, facilitator=by)
                for at, activity, by in agenda
            ]
        )
        return session

    def attendance(self, official, session, status, index, **fields):
        present = status == AttendanceStatus.PRESENT
        return Attendance(
            official=official,
            session=session,
            status=status,
            seconds=present_minutes(session.duration_minutes, index) * 60 if present else None,
            confirmed_by=self.regional,
            confirmed_at=session.ends_at + timedelta(days=1),
            **fields,
        )

    def load_launch(self):
        launch = self.data["launch"]
        event = Event.objects.create(
            initiative=self.initiative,
            kind=EventKind.LAUNCH,
            title=launch["title"],
            description=launch["description"],
            is_virtual=True,
            location=launch["location"],
        )
        spec = launch["session"]
        session = self.session(
            event,
            spec["title"],
            datetime.fromisoformat(spec["starts_at"]),
            datetime.fromisoformat(spec["ends_at"]),
            spec["agenda"],
        )
        rows = []
        for index, (official, person) in enumerate(self.officials):
            status = person.get("launch", AttendanceStatus.PRESENT)
            if status is None:  # never joined and nobody recorded it
                continue
            rows.append(
                self.attendance(
                    official,
                    session,
                    status,
                    index,
                    source=launch["attendance_source"],
                    source_reference=launch["attendance_reference"],
                )
            )
        Attendance.objects.bulk_create(rows)

    def load_workshop(self):
        workshop = self.data["workshop"]
        sessions_by_edition = {}
        for edition in workshop["editions"]:
            number = edition["edition"]
            event = Event.objects.create(
                initiative=self.initiative,
                kind=EventKind.WORKSHOP,
                edition=number,
                title=f"{workshop['title']} · Edición {number}",
                description=workshop["description"],
                is_virtual=True,
                location=workshop["location"],
            )
            sessions = []
            for day, spec in zip(edition["dates"], workshop["sessions"], strict=True):
                starts_at = datetime.fromisoformat(f"{day}T{workshop['start']}:00{workshop['offset']}")
                ends_at = datetime.fromisoformat(f"{day}T{workshop['end']}:00{workshop['offset']}")
                sessions.append(self.session(event, spec["title"], starts_at, ends_at, spec["agenda"]))
            sessions_by_edition[number] = (event, sessions)

        registrations, rows = [], []
        for index, (official, person) in enumerate(self.officials):
            if "workshop" not in person:
                continue
            event, sessions = sessions_by_edition[person["workshop"]]
            registrations.append(Registration(official=official, event=event, initiative=self.initiative))
            status = person.get("workshop_attendance", AttendanceStatus.PRESENT)
            for offset, session in enumerate(sessions):
                rows.append(self.attendance(official, session, status, index + offset, source=AttendanceSource.MANUAL))
        Registration.objects.bulk_create(registrations)
        Attendance.objects.bulk_create(rows)

    # Submissions of the workshop stage

    def government(self, key):
        try:
            return self.governments[key]
        except KeyError:
            raise CommandError(f"The demo file refers to an unknown government “{key}”.") from None

    def official(self, email):
        found = next((official for official, _ in self.officials if official.email == email), None)
        if found is None:
            raise CommandError(f"The demo file refers to an unknown official “{email}”.")
        return found

    def load_automapeos(self):
        for spec in self.data["automapeos"]:
            government = self.government(spec["government"])
            submitted = spec["status"] == SubmissionStatus.SUBMITTED
            account = next((o.user for o, _ in self.officials if o.local_government == government and o.user), None)
            automapeo = Automapeo.objects.create(
                local_government=government,
                initiative=self.initiative,
                status=spec["status"],
                submitted_at=datetime.fromisoformat(spec["submitted_at"]) if submitted else None,
                submitted_by=account if submitted else None,
                revision=len(spec["actions"]) + 1,  # one save per action, plus the one that created it
            )
            for position, item in enumerate(spec["actions"], start=1):
                action = AutomapeoAction.objects.create(
                    automapeo=automapeo,
                    position=position,
                    title=item["title"],
                    description=item["description"],
                    status=item["status"],
                    to_strengthen=item["to_strengthen"],
                )
                action.objectives.set([self.objectives[n] for n in item["objectives"]])
                action.principles.set([self.principles[n] for n in item["principles"]])

    def load_almi(self):
        for spec in self.data["almi"]:
            contribution = AlmiContribution.objects.create(
                initiative=self.initiative,
                local_government=self.government(spec["government"]),
                author=self.official(spec["author"]),
                kind=spec["kind"],
                text=spec["text"],
            )
            contribution.objectives.set([self.objectives[n] for n in spec["objectives"]])

    def load_questionnaires(self):
        QuestionnaireResponse.objects.bulk_create(
            [
                QuestionnaireResponse(
                    official=self.official(spec["official"]),
                    initiative=self.initiative,
                    kind=spec["kind"],
                    knowledge=spec["knowledge"],
                    expectations=spec.get("expectations", ""),
                    satisfaction=spec.get("satisfaction"),
                    use_of_learning=spec.get("use_of_learning", ""),
                    comments=spec.get("comments", ""),
                )
                for spec in self.data["questionnaires"]
            ]
        )

    # Stage history

    def load_history(self):
        # The demo reconstructs a cohort that already happened. The stage runner (initiative.stages) is the
        # only code that moves a live initiative; here the stage and its log are written directly, with the
        # dates of 2023, because the runner's guards compare with "now" and stamp each move with the present.
        current = Stage.MAPPING
        for move in self.data["transitions"]:
            to = Stage(move["to"])
            if current.next() != to:
                raise CommandError(f"The demo's stages must move forward one at a time: {current} → {to}.")
            StageTransition.objects.create(
                initiative=self.initiative,
                from_stage=current,
                to_stage=to,
                by=self.regional,
                note=move["note"],
                at=datetime.fromisoformat(move["at"]),
            )
            current = to
        Initiative.objects.filter(pk=self.initiative.pk).update(stage=current)
        self.initiative.stage = current
