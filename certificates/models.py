import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alp_portal.models import TimeStampedModel, within
from alp_portal.roles import is_regional_staff, staff_countries
from authorities.models import LocalGovernment, Official
from initiative.enums import Language

from .enums import BatchStatus, FailureKind, ItemStatus, RecognitionKind, RecognitionStatus

# No look-alike characters (0/O, 1/I/L), so that a code read off paper can be typed back.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31**12 ≈ 7.9e17 codes: not guessable, short enough to type.


def new_recognition_code():
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class StatusListQuerySet(models.QuerySet):
    def for_user(self, user):
        # A status list is public by design: anyone who holds a credential must be able to check it.
        return self.all()


class StatusList(TimeStampedModel):
    """A W3C Bitstring Status List of revocations: its slots, how many are given out, and the signed
    BitstringStatusListCredential published at a stable address. Written by certificates/status_list.py only."""

    size = models.PositiveIntegerField(
        _("size"), default=131072, help_text=_("Slots in the list; 131,072 (16 KB) is the specification's minimum.")
    )
    allocated = models.PositiveIntegerField(_("slots given out"), default=0)
    credential = models.JSONField(
        _("signed status list credential"),
        null=True,
        blank=True,
        help_text=_("Regenerated whenever a recognition in the list is revoked."),
    )

    objects = StatusListQuerySet.as_manager()

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        constraints = [
            models.CheckConstraint(condition=Q(allocated__lte=models.F("size")), name="status_list_not_overfull"),
        ]

    def __str__(self):
        return f"{self.pk}: {self.allocated}/{self.size}"


class RecognitionQuerySet(models.QuerySet):
    def for_user(self, user):
        """Regional staff: all; country staff: their countries; an official: their own and their government's."""
        if not user.is_authenticated:
            return self.none()
        if is_regional_staff(user):
            return self.all()
        countries = staff_countries(user)
        if countries:
            return self.filter(
                Q(official__local_government__country__in=countries) | Q(local_government__country__in=countries)
            )
        own_governments = LocalGovernment.objects.filter(officials__user=user)
        return self.filter(Q(official__user=user) | Q(local_government__in=own_governments))

    def valid(self):
        """THE definition of a valid recognition, for every page, figure, list and e-mail: issued and not
        revoked. The database guarantees that such a recognition has its PDF and digest
        (recognition_valid_has_pdf): a recognition still being issued is not valid anywhere."""
        return self.filter(status=RecognitionStatus.ISSUED)

    def published(self):
        """What a verification code answers for: valid or revoked; one still being issued is nobody's yet."""
        return self.exclude(status=RecognitionStatus.PENDING)


class Recognition(TimeStampedModel):
    """A person's certificate or a local government's recognition as Autoridad Local Precursora."""

    initiative = models.ForeignKey(
        "initiative.Initiative",
        on_delete=models.PROTECT,
        related_name="recognitions",
        verbose_name=_("initiative"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RecognitionKind.choices)
    official = models.ForeignKey(
        "authorities.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recognitions",
        verbose_name=_("official"),
    )
    local_government = models.ForeignKey(
        "authorities.LocalGovernment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recognitions",
        verbose_name=_("local government"),
    )
    code = models.CharField(
        _("verification code"), max_length=20, unique=True, default=new_recognition_code, editable=False
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.SPANISH)
    holder_name = models.CharField(
        _("holder's name"),
        max_length=301,  # an official's full name: first (150) and last (150) names and a space
        help_text=_("As printed on the certificate at the time of issue."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RecognitionStatus.choices, default=RecognitionStatus.PENDING
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    pdf = models.FileField(_("PDF"), upload_to="recognitions/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    # The Open Badges 3.0 credential (certificates/credentials.py): signed once, kept as issued.
    credential = models.JSONField(
        _("Open Badges credential"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The signed Open Badges 3.0 credential, as issued."),
    )
    status_list = models.ForeignKey(
        StatusList,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recognitions",
        verbose_name=_("status list"),
    )
    status_list_index = models.PositiveIntegerField(_("status list index"), null=True, blank=True, editable=False)

    objects = RecognitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["-issued_at"]
        # One recognition per holder, valid or being issued: a revoked one stays on record and a corrected one
        # can be issued.
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "official"],
                condition=Q(kind=RecognitionKind.PERSON, status__in=RecognitionStatus.held_values()),
                name="recognition_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["initiative", "local_government"],
                condition=Q(kind=RecognitionKind.GOVERNMENT, status__in=RecognitionStatus.held_values()),
                name="recognition_one_per_government",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=RecognitionKind.PERSON, official__isnull=False, local_government__isnull=True)
                    | Q(kind=RecognitionKind.GOVERNMENT, official__isnull=True, local_government__isnull=False)
                ),
                name="recognition_holder_matches_kind",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status__in=RecognitionStatus.held_values(), revoked_at__isnull=True)
                    | (Q(status=RecognitionStatus.REVOKED, revoked_at__isnull=False) & ~Q(revocation_reason=""))
                ),
                name="recognition_revocation_complete",
            ),
            # Issued means the PDF exists: valid only together with the stored file and its SHA-256.
            models.CheckConstraint(
                condition=~Q(status=RecognitionStatus.ISSUED) | (~Q(pdf="") & ~Q(pdf_sha256="")),
                name="recognition_valid_has_pdf",
            ),
            models.UniqueConstraint(fields=["status_list", "status_list_index"], name="recognition_status_slot_once"),
            models.CheckConstraint(
                condition=Q(credential__isnull=True) | Q(status_list__isnull=False, status_list_index__isnull=False),
                name="recognition_credential_has_status_slot",
            ),
        ]

    def __str__(self):
        return f"{self.holder_name} · {self.initiative} ({self.code})"


class EligibilityOverrideQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(within("official", Official.objects.for_user(user)))


class EligibilityOverride(TimeStampedModel):
    """A staff decision that a person is (or is not) eligible, whatever attendance says, and why."""

    initiative = models.ForeignKey(
        "initiative.Initiative",
        on_delete=models.CASCADE,
        related_name="eligibility_overrides",
        verbose_name=_("initiative"),
    )
    official = models.ForeignKey(
        "authorities.Official",
        on_delete=models.CASCADE,
        related_name="eligibility_overrides",
        verbose_name=_("official"),
    )
    eligible = models.BooleanField(_("eligible"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )

    objects = EligibilityOverrideQuerySet.as_manager()

    class Meta:
        verbose_name = _("eligibility override")
        verbose_name_plural = _("eligibility overrides")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "official"], name="eligibility_override_once"),
            models.CheckConstraint(condition=~Q(reason=""), name="eligibility_override_has_reason"),
        ]

    def __str__(self):
        return f"{self.official} · {self.initiative}"


class IssuanceBatchQuerySet(models.QuerySet):
    def for_user(self, user):
        """Issuing is the regional office's: nobody else sees the batches (they span countries)."""
        return self.all() if is_regional_staff(user) else self.none()


class IssuanceBatch(TimeStampedModel):
    """One request to issue recognitions, worked through by a background task; its progress, kept."""

    initiative = models.ForeignKey(
        "initiative.Initiative",
        on_delete=models.PROTECT,
        related_name="issuance_batches",
        verbose_name=_("initiative"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=Language.choices,
        blank=True,
        help_text=_("Empty: each holder's own language."),
    )
    status = models.CharField(_("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("issued"), default=0)
    skipped = models.PositiveIntegerField(_("already issued"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    recheck_at = models.DateTimeField(
        _("next look at items held by a stopped worker"),
        null=True,
        blank=True,
    )

    objects = IssuanceBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("issuance")
        verbose_name_plural = _("issuances")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=BatchStatus.values), name="issuance_batch_status_valid"),
        ]

    def __str__(self):
        return f"{self.initiative} · {timezone.localtime(self.created):%Y-%m-%d %H:%M}"  # the portal's time

    @property
    def remaining(self):
        return self.total - self.done - self.skipped - self.failed


class IssuanceItemQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(within("batch", IssuanceBatch.objects.for_user(user)))


class IssuanceItem(models.Model):
    """One recognition to issue within a batch: a person's certificate or a government's recognition."""

    batch = models.ForeignKey(IssuanceBatch, on_delete=models.CASCADE, related_name="items", verbose_name=_("issuance"))
    kind = models.CharField(_("kind"), max_length=20, choices=RecognitionKind.choices)
    official = models.ForeignKey(
        "authorities.Official",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("official"),
    )
    local_government = models.ForeignKey(
        "authorities.LocalGovernment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("local government"),
    )
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    recognition = models.ForeignKey(
        Recognition,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recognition"),
    )
    failure = models.CharField(_("failure"), max_length=20, choices=FailureKind.choices, blank=True)
    error = models.TextField(_("details of the failure"), blank=True, help_text=_("The error, as the system gave it."))
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    claimed_at = models.DateTimeField(
        _("taken by a worker at"),
        null=True,
        blank=True,
        help_text=_(
            "While the item is pending, another worker may take it once this is older than the hold "
            "(a minute by default)."
        ),
    )

    objects = IssuanceItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("issuance item")
        verbose_name_plural = _("issuance items")
        ordering = ["batch", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "official"],
                condition=Q(kind=RecognitionKind.PERSON),
                name="issuance_item_person_once",
            ),
            models.UniqueConstraint(
                fields=["batch", "local_government"],
                condition=Q(kind=RecognitionKind.GOVERNMENT),
                name="issuance_item_government_once",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=RecognitionKind.PERSON, official__isnull=False, local_government__isnull=True)
                    | Q(kind=RecognitionKind.GOVERNMENT, official__isnull=True, local_government__isnull=False)
                ),
                name="issuance_item_holder_matches_kind",
            ),
            models.CheckConstraint(condition=Q(status__in=ItemStatus.values), name="issuance_item_status_valid"),
            models.CheckConstraint(
                condition=Q(failure__in=["", *FailureKind.values]), name="issuance_item_failure_valid"
            ),
        ]

    def __str__(self):
        return str(self.official or self.local_government)

    @property
    def reason(self):
        """Why the item failed, in the language of whoever reads it."""
        if not self.failure:
            return self.error
        return f"{self.get_failure_display()}: {self.error}" if self.error else self.get_failure_display()
