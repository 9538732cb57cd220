"""The ground floor: the initiative, its stage log and the GCM reference data. Imports no other app."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from alp_portal.models import TimeStampedModel, within
from alp_portal.roles import is_staff_member

from .enums import DataLicence, Language, Piece, ResourceKind, Stage


class InitiativeQuerySet(models.QuerySet):
    def for_user(self, user):
        """Staff see every initiative; an official sees those they are invited to."""
        if not user.is_authenticated:
            return self.none()
        if is_staff_member(user):
            return self.all()
        return self.filter(invitations__official__user=user).distinct()


class Initiative(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    region = models.CharField(_("region"), max_length=100, help_text=_("For example: South America."))
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=Stage.choices,
        default=Stage.MAPPING,
        editable=False,
        help_text=_("Changed only by moving the initiative to its next stage."),
    )
    submissions_close_at = models.DateTimeField(
        _("Automapeo and ALMI close at"),
        null=True,
        blank=True,
        help_text=_("Officials can submit the Automapeo and ALMI until this moment of the workshop stage."),
    )
    # The certification rule of the report, as parameters.
    require_launch = models.BooleanField(
        _("launch required"), default=True, help_text=_("A person must have attended the launch.")
    )
    min_workshop_sessions = models.PositiveSmallIntegerField(
        _("minimum workshop sessions"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Workshop sessions (of any edition) a person must have attended."),
    )
    attendance_threshold_percent = models.PositiveSmallIntegerField(
        _("attendance threshold (%)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of a session's length a person must attend to count as present."),
    )
    signatory_name = models.CharField(_("signatory name"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory title"), max_length=200, blank=True)
    data_licence = models.CharField(
        _("licence of the open data"),
        max_length=20,
        choices=DataLicence.choices,
        default=DataLicence.CC_BY_4,
        help_text=_("The licence under which the published data can be downloaded and reused (CSV, JSON, API)."),
    )
    # Its words in Portuguese and English (alp_portal/content_language.py); Spanish stays in the fields.
    TRANSLATED_FIELDS = ("name", "description", "signatory_title")
    translations = models.JSONField(_("translations"), default=dict, blank=True, editable=False)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(attendance_threshold_percent__gte=1, attendance_threshold_percent__lte=100),
                name="initiative_threshold_is_a_percentage",
                violation_error_message=_("The attendance threshold is a percentage: a number from 1 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(min_workshop_sessions__gte=1),
                name="initiative_min_sessions_positive",
                violation_error_message=_("At least one workshop session must be required."),
            ),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="initiative_stage_valid"),
            models.CheckConstraint(
                condition=Q(data_licence__in=DataLicence.values), name="initiative_data_licence_valid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def stage_enum(self):
        return Stage(self.stage)


class StageTransitionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(within("initiative", Initiative.objects.for_user(user)))


class StageTransition(models.Model):
    """One move of an initiative from a stage to the next: who, when and why. Written by `advance_stage` only."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("initiative")
    )
    from_stage = models.CharField(_("from stage"), max_length=20, choices=Stage.choices)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    overridden = models.JSONField(
        _("failing guards overridden"),
        default=list,
        blank=True,
        help_text=_("What was still missing when staff moved on anyway, in the words they were shown."),
    )
    override_reason = models.TextField(
        _("reason for moving on anyway"),
        blank=True,
        help_text=_("Required when the initiative moved on although guards failed."),
    )

    objects = StageTransitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage transition")
        verbose_name_plural = _("stage transitions")
        ordering = ["initiative", "at"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "to_stage"], name="transition_once_per_stage"),
            models.CheckConstraint(condition=~Q(from_stage=models.F("to_stage")), name="transition_changes_stage"),
            # An override has its reason, and a reason is kept only for an override.
            models.CheckConstraint(
                condition=Q(overridden=[], override_reason="") | (~Q(overridden=[]) & ~Q(override_reason="")),
                name="transition_override_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.initiative}: {self.get_from_stage_display()} → {self.get_to_stage_display()}"

    @property
    def is_override(self):
        return bool(self.overridden)


def _translated(obj, prefix="title"):
    language = (translation.get_language() or "es").lower()
    if language.startswith("pt"):
        return getattr(obj, f"{prefix}_pt")
    if language.startswith("en"):
        return getattr(obj, f"{prefix}_en")
    return getattr(obj, f"{prefix}_es")


class ReferenceQuerySet(models.QuerySet):
    def for_user(self, user):
        # Reference data of the Global Compact is public.
        return self.all()


class Objective(models.Model):
    """One of the 23 objectives of the Global Compact for Migration (GCM / PMM)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    label_es = models.CharField(_("short label (Spanish)"), max_length=100, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=300)
    title_pt = models.CharField(_("title (Portuguese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("GCM objective")
        verbose_name_plural = _("GCM objectives")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=23),
                name="objective_number_1_to_23",
                violation_error_message=_("The Global Compact has 23 objectives: give a number from 1 to 23."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def title(self):
        return _translated(self)


class GuidingPrinciple(models.Model):
    """One of the 10 guiding principles of the Global Compact for Migration."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200)
    title_pt = models.CharField(_("title (Portuguese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("guiding principle")
        verbose_name_plural = _("guiding principles")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=10),
                name="principle_number_1_to_10",
                violation_error_message=_("The Global Compact has 10 guiding principles: give a number from 1 to 10."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def title(self):
        return _translated(self)


class GoodPractice(TimeStampedModel):
    """A good practice from South America (the handbook's annex, or added by staff), linked to objectives."""

    title = models.CharField(_("title"), max_length=300)
    place = models.CharField(_("place"), max_length=300, blank=True, help_text=_("Local governments involved."))
    country = CountryField(_("country"), blank=True)
    period = models.CharField(_("period"), max_length=50, blank=True, help_text=_("For example: 2020-2022."))
    description = models.TextField(_("description"))
    url = models.URLField(_("link"), blank=True)
    objectives = models.ManyToManyField(Objective, related_name="good_practices", verbose_name=_("objectives"))
    from_handbook = models.BooleanField(_("from the handbook"), default=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["title"], name="good_practice_title_unique")]

    def __str__(self):
        return self.title


class ResourceQuerySet(models.QuerySet):
    def for_user(self, user):
        if is_staff_member(user):
            return self.all()
        return self.filter(Q(is_public=True) | within("initiative", Initiative.objects.for_user(user)))


class Resource(TimeStampedModel):
    """Material for participants: the handbook, presentations, recordings, reports."""

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="resources",
        null=True,
        blank=True,
        verbose_name=_("initiative"),
        help_text=_("Leave empty for material that belongs to every initiative."),
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices, default=ResourceKind.OTHER)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.SPANISH)
    file = models.FileField(_("file"), upload_to="resources/", blank=True)
    url = models.URLField(_("link"), blank=True)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Visible to anyone, not only participants.")
    )
    # Its words in Portuguese and English (alp_portal/content_language.py); Spanish stays in the fields.
    TRANSLATED_FIELDS = ("title",)
    translations = models.JSONField(_("translations"), default=dict, blank=True, editable=False)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""),
                name="resource_has_file_or_link",
                violation_error_message=_("Give the resource a file or a link."),
            ),
        ]

    def __str__(self):
        return self.title


class PublicationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Publication(TimeStampedModel):
    """Whether one piece of an initiative's dissemination is public. Written by `set_publication` only."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="publications", verbose_name=_("initiative")
    )
    piece = models.CharField(_("piece"), max_length=20, choices=Piece.choices)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(
        _("published at"), null=True, blank=True, help_text=_("When it was last published.")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["initiative", "piece"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "piece"], name="publication_once_per_piece"),
            models.CheckConstraint(condition=Q(piece__in=Piece.values), name="publication_piece_valid"),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False),
                name="publication_published_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.initiative}: {self.get_piece_display()}"

    @property
    def url_name(self):
        return Piece(self.piece).url_name


class StakeholderQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.all() if is_staff_member(user) else self.none()


class Stakeholder(TimeStampedModel):
    """Someone outside the initiative who receives its dissemination e-mail (a partner, a network, a ministry)."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="stakeholders", verbose_name=_("initiative")
    )
    name = models.CharField(_("name"), max_length=200)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.SPANISH)
    last_emailed_at = models.DateTimeField(_("last e-mailed at"), null=True, blank=True, editable=False)

    objects = StakeholderQuerySet.as_manager()

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["initiative", "name"]
        constraints = [
            models.UniqueConstraint(
                "initiative",
                Lower("email"),
                name="stakeholder_email_once_per_initiative",
                violation_error_message=_(
                    "This e-mail address already receives this initiative's e-mails: edit that stakeholder instead."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"


class ReportFile(TimeStampedModel):
    """The latest rendered PDF of an initiative's report in one language with one set of pieces, kept in the
    default storage: readers are served this file, never a rendering (initiative/report.py). `fingerprint` says
    which data it was made from (initiative/freshness.py); `requested` is the fingerprint a rendering was last
    asked for, so that many readers of a stale report queue one rendering, not one each."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="report_files", verbose_name=_("initiative")
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    pieces = models.CharField(_("pieces"), max_length=100, help_text=_("The pieces it shows, comma-separated."))
    fingerprint = models.CharField(_("data fingerprint"), max_length=40, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/", blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    requested = models.CharField(_("rendering asked for"), max_length=40, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "language", "pieces"], name="report_file_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.initiative} ({self.language}: {self.pieces})"
