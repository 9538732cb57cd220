from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alp_portal.models import TimeStampedModel, within
from alp_portal.roles import is_regional_staff, is_staff_member
from authorities.models import LocalGovernment, Official
from initiative.models import Initiative

from .enums import (
    ActionStatus,
    AttendanceSource,
    AttendanceStatus,
    ContributionKind,
    EventKind,
    ImportStatus,
    QuestionnaireKind,
    SubmissionStatus,
)


def _official_scope(user, prefix="official"):
    """Rows that belong to officials the user may see (their country, themselves, or all for regional staff)."""
    return within(prefix, Official.objects.for_user(user))


def _government_scope(user, prefix="local_government"):
    return within(prefix, LocalGovernment.objects.for_user(user))


def _initiative_scope(user, prefix="initiative"):
    return within(prefix, Initiative.objects.for_user(user))


class EventQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        if is_staff_member(user):
            return self.all()
        return self.filter(_initiative_scope(user))


class Event(TimeStampedModel):
    """The launch, a workshop edition, or another meeting of an initiative."""

    initiative = models.ForeignKey(
        "initiative.Initiative", on_delete=models.CASCADE, related_name="events", verbose_name=_("initiative")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    edition = models.PositiveSmallIntegerField(
        _("edition"), null=True, blank=True, help_text=_("Number of the workshop edition (1, 2, ...).")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_virtual = models.BooleanField(_("virtual"), default=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    # Its words in Portuguese and English (alp_portal/content_language.py); Spanish stays in the fields.
    TRANSLATED_FIELDS = ("title", "description")
    translations = models.JSONField(_("translations"), default=dict, blank=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["initiative", "kind", "edition"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative"],
                condition=Q(kind=EventKind.LAUNCH),
                name="event_one_launch_per_initiative",
                violation_error_message=_("This initiative has its launch already: edit that event instead."),
            ),
            models.UniqueConstraint(
                fields=["initiative", "edition"],
                condition=Q(kind=EventKind.WORKSHOP),
                name="event_workshop_edition_unique",
                violation_error_message=_(
                    "This initiative has a workshop with this edition number already: choose another number."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind=EventKind.WORKSHOP) | Q(edition__isnull=False),
                name="event_workshop_has_edition",
                violation_error_message=_("A workshop needs its edition number (1, 2, …)."),
            ),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid"),
        ]

    def __str__(self):
        return self.title


class SessionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(within("event", Event.objects.for_user(user)))


class Session(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event"))
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="America/Argentina/Buenos_Aires",
        help_text=_("The organisers' time zone."),
    )
    meeting_url = models.URLField(_("meeting link"), blank=True, help_text=_("Shown only to registered participants."))
    recording_url = models.URLField(_("recording link"), blank=True)
    # Its words in Portuguese and English (alp_portal/content_language.py); Spanish stays in the fields.
    TRANSLATED_FIELDS = ("title",)
    translations = models.JSONField(_("translations"), default=dict, blank=True, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("The session must end after it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.event} · {self.title}"

    @property
    def duration_minutes(self):
        return (self.ends_at - self.starts_at).total_seconds() / 60


class AgendaItemQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(within("session", Session.objects.for_user(user)))


class AgendaItem(models.Model):
    """A line of a session's agenda: time, activity, facilitator (as in the CRM programme)."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("session")
    )
    starts_at = models.TimeField(_("time"))
    activity = models.CharField(_("activity"), max_length=300)
    facilitator = models.CharField(_("facilitator"), max_length=200, blank=True)
    # Its words in Portuguese and English (alp_portal/content_language.py); Spanish stays in the fields.
    TRANSLATED_FIELDS = ("activity",)
    translations = models.JSONField(_("translations"), default=dict, blank=True, editable=False)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "starts_at"]

    def __str__(self):
        return f"{self.starts_at:%H:%M} {self.activity}"


class RegistrationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(_official_scope(user))


class Registration(TimeStampedModel):
    """An official registered for one workshop edition. One edition per official and initiative."""

    official = models.ForeignKey(
        "authorities.Official",
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("official"),
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event"))
    # Repeats event.initiative so that the database can enforce one edition per initiative.
    initiative = models.ForeignKey(
        "initiative.Initiative", on_delete=models.CASCADE, related_name="+", verbose_name=_("initiative")
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["official", "initiative"], name="registration_one_edition_per_initiative"),
        ]

    def __str__(self):
        return f"{self.official} · {self.event}"

    def save(self, *args, **kwargs):
        # `initiative` is a copy of the event's, kept only for the constraint: it can never disagree.
        self.initiative_id = self.event.initiative_id
        super().save(*args, **kwargs)


class AttendanceQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(_official_scope(user))

    def present(self):
        return self.filter(status=AttendanceStatus.PRESENT)


class Attendance(TimeStampedModel):
    """Whether an official took part in a session, for how long, and where that fact comes from.

    A fact, not a verdict: whether it is enough for a recognition is decided by `certificates.eligibility`."""

    official = models.ForeignKey(
        "authorities.Official",
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("official"),
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    status = models.CharField(_("status"), max_length=20, choices=AttendanceStatus.choices)
    seconds = models.PositiveIntegerField(
        _("seconds"),
        null=True,
        blank=True,
        help_text=_("Seconds attended, as a participant report measured them; empty when recorded by hand."),
    )
    source = models.CharField(
        _("source"), max_length=20, choices=AttendanceSource.choices, default=AttendanceSource.MANUAL
    )
    source_reference = models.CharField(
        _("source reference"),
        max_length=200,
        blank=True,
        help_text=_("The imported report (file name and digest)."),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "official"]
        # Serves the admin list's order (session, then official, by id): a page at any depth reads the index
        # instead of sorting every row joined to its session and official.
        indexes = [models.Index(fields=["session", "official"], name="attendance_session_official")]
        constraints = [
            models.UniqueConstraint(fields=["official", "session"], name="attendance_once_per_session"),
            models.CheckConstraint(condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"),
        ]

    def __str__(self):
        # The label from the enum: get_status_display() builds and hashes the translated choices at every call,
        # and every row of the attendance list names itself (its checkbox's label).
        status = AttendanceStatus(self.status).label if self.status in AttendanceStatus.values else self.status
        return f"{self.official} · {self.session}: {status}"

    @property
    def minutes(self):
        """Whole minutes attended, for people to read (the fact is `seconds`)."""
        return None if self.seconds is None else self.seconds // 60


class EventInvitationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(_official_scope(user))


class EventInvitation(TimeStampedModel):
    """The record of an invitation e-mail (with its calendar file) sent to an official for an event.

    Sending again sends nothing unless the schedule changed since (then an update goes out, with a higher
    sequence number so that calendars replace the old entries)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("event"))
    official = models.ForeignKey(
        "authorities.Official", on_delete=models.CASCADE, related_name="event_invitations", verbose_name=_("official")
    )
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    email = models.EmailField(_("sent to"))
    language = models.CharField(_("language"), max_length=5)
    sequence = models.PositiveIntegerField(
        _("sequence"), default=0, help_text=_("0 for the first invitation, raised by each update of the schedule.")
    )
    schedule_digest = models.CharField(
        _("schedule digest"), max_length=64, help_text=_("Fingerprint of the sessions as they were sent.")
    )

    objects = EventInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("event invitation")
        verbose_name_plural = _("event invitations")
        ordering = ["event", "official"]
        constraints = [
            models.UniqueConstraint(fields=["event", "official"], name="event_invitation_once_per_official"),
        ]

    def __str__(self):
        return f"{self.official} · {self.event}"


class AttendanceImportQuerySet(models.QuerySet):
    def for_user(self, user):
        # A report lists people of every country: only regional staff see it.
        return self.all() if is_regional_staff(user) else self.none()


class AttendanceImport(TimeStampedModel):
    """An uploaded participant report of a session, kept while staff check its matches.

    Nothing reaches `Attendance` until the import is confirmed; `rows` holds the parsed participants with
    their matches and the staff's decisions."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="imports", verbose_name=_("session"))
    tool = models.CharField(_("meeting tool"), max_length=20, choices=AttendanceSource.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    digest = models.CharField(_("SHA-256"), max_length=64)
    title = models.CharField(_("meeting title in the report"), max_length=300, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows = models.JSONField(_("participants"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)

    objects = AttendanceImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance import")
        verbose_name_plural = _("attendance imports")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ImportStatus.CONFIRMED) | Q(confirmed_at__isnull=False),
                name="attendance_import_confirmed_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.file_name} · {self.session}"

    @property
    def source_reference(self):
        return f"{self.file_name[:120]} · sha256:{self.digest[:16]}"


class AutomapeoQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(_government_scope(user))


class Automapeo(TimeStampedModel):
    """The self-assessment (Automapeo de gestión) of one local government in one initiative."""

    local_government = models.ForeignKey(
        "authorities.LocalGovernment",
        on_delete=models.CASCADE,
        related_name="automapeos",
        verbose_name=_("local government"),
    )
    initiative = models.ForeignKey(
        "initiative.Initiative",
        on_delete=models.CASCADE,
        related_name="automapeos",
        verbose_name=_("initiative"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    revision = models.PositiveIntegerField(
        _("revision"), default=1, help_text=_("Raised on every save, so that concurrent edits are detected.")
    )
    last_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last saved by"),
    )

    objects = AutomapeoQuerySet.as_manager()

    class Meta:
        verbose_name = _("Automapeo")
        verbose_name_plural = _("Automapeos")
        ordering = ["initiative", "local_government"]
        constraints = [
            models.UniqueConstraint(fields=["local_government", "initiative"], name="automapeo_one_per_government"),
            models.CheckConstraint(
                condition=~Q(status=SubmissionStatus.SUBMITTED) | Q(submitted_at__isnull=False),
                name="automapeo_submitted_has_date",
            ),
        ]

    def __str__(self):
        return f"Automapeo · {self.local_government} · {self.initiative}"


class AutomapeoActionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(within("automapeo", Automapeo.objects.for_user(user)))


class AutomapeoAction(TimeStampedModel):
    """An action of a local government, linked to the GCM objectives and guiding principles it relates to."""

    automapeo = models.ForeignKey(
        Automapeo, on_delete=models.CASCADE, related_name="actions", verbose_name=_("Automapeo")
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("order in a list", "position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    objectives = models.ManyToManyField(
        "initiative.Objective", related_name="automapeo_actions", blank=True, verbose_name=_("GCM objectives")
    )
    principles = models.ManyToManyField(
        "initiative.GuidingPrinciple",
        related_name="automapeo_actions",
        blank=True,
        verbose_name=_("guiding principles"),
    )
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    to_strengthen = models.TextField(
        _("what could be strengthened"),
        blank=True,
        help_text=_("How the action could be strengthened by including the GCM's objectives and principles."),
    )

    objects = AutomapeoActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Automapeo action")
        verbose_name_plural = _("Automapeo actions")
        ordering = ["automapeo", "position", "id"]

    def __str__(self):
        return self.title


class AlmiContributionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(_government_scope(user))


class AlmiContribution(TimeStampedModel):
    """A challenge, concern or action of a local government for the Integrated Local Migration Agenda."""

    initiative = models.ForeignKey(
        "initiative.Initiative",
        on_delete=models.CASCADE,
        related_name="almi_contributions",
        verbose_name=_("initiative"),
    )
    local_government = models.ForeignKey(
        "authorities.LocalGovernment",
        on_delete=models.CASCADE,
        related_name="almi_contributions",
        verbose_name=_("local government"),
    )
    author = models.ForeignKey(
        "authorities.Official",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="almi_contributions",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ContributionKind.choices)
    text = models.TextField(_("text"))
    objectives = models.ManyToManyField(
        "initiative.Objective",
        related_name="almi_contributions",
        blank=True,
        verbose_name=_("GCM objectives"),
    )
    form_key = models.CharField(
        _("form key"),
        max_length=40,
        blank=True,
        default="",
        editable=False,
        help_text=_("A random key of the form it was sent from, so that a form sent twice adds one row."),
    )

    objects = AlmiContributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("ALMI contribution")
        verbose_name_plural = _("ALMI contributions")
        ordering = ["initiative", "local_government", "created"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ContributionKind.values), name="almi_contribution_kind_valid"),
            models.UniqueConstraint(
                fields=["author", "form_key"], condition=~Q(form_key=""), name="almi_contribution_sent_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.local_government}: {self.text[:60]}"


class AlmiAgendaItemQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        if is_staff_member(user):
            return self.all()
        return self.filter(_initiative_scope(user))


class AlmiAgendaItem(TimeStampedModel):
    """An item of the systematized ALMI: contributions grouped by staff under a title and a theme."""

    initiative = models.ForeignKey(
        "initiative.Initiative",
        on_delete=models.CASCADE,
        related_name="almi_items",
        verbose_name=_("initiative"),
    )
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ContributionKind.choices)
    objectives = models.ManyToManyField(
        "initiative.Objective", related_name="almi_items", blank=True, verbose_name=_("GCM objectives")
    )
    contributions = models.ManyToManyField(
        AlmiContribution, related_name="agenda_items", blank=True, verbose_name=_("contributions")
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("order in a list", "position"), default=0)

    objects = AlmiAgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("ALMI agenda item")
        verbose_name_plural = _("ALMI agenda items")
        ordering = ["initiative", "theme", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "title"], name="almi_item_title_unique"),
        ]

    def __str__(self):
        return self.title


class QuestionnaireResponseQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(_official_scope(user))


class QuestionnaireResponse(TimeStampedModel):
    """An entry or exit questionnaire (CRM programme): knowledge before and after, expectations, satisfaction."""

    official = models.ForeignKey(
        "authorities.Official",
        on_delete=models.CASCADE,
        related_name="questionnaires",
        verbose_name=_("official"),
    )
    initiative = models.ForeignKey(
        "initiative.Initiative",
        on_delete=models.CASCADE,
        related_name="questionnaires",
        verbose_name=_("initiative"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionnaireKind.choices)
    knowledge = models.PositiveSmallIntegerField(
        _("knowledge of the subject"), help_text=_("From 1 (none) to 5 (very good).")
    )
    expectations = models.TextField(_("expectations"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), null=True, blank=True, help_text=_("Exit questionnaire only: from 1 to 5.")
    )
    use_of_learning = models.TextField(_("how I will use what I learned"), blank=True)
    comments = models.TextField(_("comments"), blank=True)

    objects = QuestionnaireResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")
        ordering = ["initiative", "official", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["official", "initiative", "kind"], name="questionnaire_one_per_kind"),
            models.CheckConstraint(
                condition=Q(knowledge__gte=1, knowledge__lte=5), name="questionnaire_knowledge_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="questionnaire_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(kind=QuestionnaireKind.EXIT) | Q(satisfaction__isnull=True),
                name="questionnaire_satisfaction_on_exit_only",
            ),
            models.CheckConstraint(condition=Q(kind__in=QuestionnaireKind.values), name="questionnaire_kind_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.official}"
