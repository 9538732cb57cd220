import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from alp_portal.models import TimeStampedModel, within
from alp_portal.roles import is_regional_staff, staff_countries
from initiative.enums import Language

from .enums import ExportKind, Gender, GovernmentKind, InvitationStatus, RoleKind


class CountryOfficeQuerySet(models.QuerySet):
    def for_user(self, user):
        if is_regional_staff(user):
            return self.all()
        return self.filter(country__in=staff_countries(user))


class CountryOffice(TimeStampedModel):
    """An IOM country office. Its staff see and export the people of its country only."""

    country = CountryField(_("country"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="country_offices", blank=True, verbose_name=_("staff")
    )

    objects = CountryOfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("country office")
        verbose_name_plural = _("country offices")
        ordering = ["country"]

    def __str__(self):
        return self.name


class LocalGovernmentQuerySet(models.QuerySet):
    def for_user(self, user):
        """Regional staff: all; country office staff: their countries; an official: their own government."""
        if not user.is_authenticated:
            return self.none()
        if is_regional_staff(user):
            return self.all()
        countries = staff_countries(user)
        if countries:
            return self.filter(country__in=countries)
        return self.filter(officials__user=user)


class LocalGovernment(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"))
    region = models.CharField(
        _("region"),
        max_length=200,
        blank=True,
        help_text=_("State, province or department within the country."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=GovernmentKind.choices, default=GovernmentKind.MUNICIPALITY
    )
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    # The selection criteria of the regional mapping (report, January 2024; Call to Local Action).
    has_local_mgi = models.BooleanField(
        _("local MGI"),
        default=False,
        help_text=_("Has carried out a local Migration Governance Indicators assessment."),
    )
    in_hub_repository = models.BooleanField(
        _("practice in the Hub repository"),
        default=False,
        help_text=_("Has a practice in the Migration Network Hub's repository of good practices."),
    )
    mercociudades_member = models.BooleanField(_("MERCOCIUDADES member"), default=False)
    has_gcm_pledge = models.BooleanField(_("GCM pledge"), default=False, help_text=_("Made a pledge under the GCM."))
    in_mayors_mechanism = models.BooleanField(_("Mayors Mechanism"), default=False)
    signed_marrakech_declaration = models.BooleanField(_("signed the Marrakech Mayors Declaration"), default=False)
    public_consent = models.BooleanField(
        _("appears in public lists"),
        default=True,
        help_text=_("Whether the government may appear by name on the public map and list."),
    )

    objects = LocalGovernmentQuerySet.as_manager()

    CRITERIA = (
        "has_local_mgi",
        "in_hub_repository",
        "mercociudades_member",
        "has_gcm_pledge",
        "in_mayors_mechanism",
        "signed_marrakech_declaration",
    )

    class Meta:
        verbose_name = _("local government")
        verbose_name_plural = _("local governments")
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "country",
                "region",
                name="local_government_unique_name",
                violation_error_message=_(
                    "A local government with this name already exists in this country and region: use that one, "
                    "or tell them apart by their region."
                ),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="local_government_latitude_range",
                violation_error_message=_("The latitude is a number between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="local_government_longitude_range",
                violation_error_message=_("The longitude is a number between -180 and 180."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="local_government_coordinates_together",
                violation_error_message=_("Give both the latitude and the longitude, or neither."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.country.code})"

    @property
    def criteria_met(self):
        return [name for name in self.CRITERIA if getattr(self, name)]


class OfficialQuerySet(models.QuerySet):
    def for_user(self, user):
        """Regional staff: all; country office staff: their countries; an official: only themselves."""
        if not user.is_authenticated:
            return self.none()
        if is_regional_staff(user):
            return self.all()
        countries = staff_countries(user)
        if countries:
            return self.filter(local_government__country__in=countries)
        return self.filter(user=user)


class Official(TimeStampedModel):
    """A person who represents a local government in the initiative."""

    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    position = models.CharField(_("position"), max_length=200, blank=True)
    role_kind = models.CharField(_("kind of role"), max_length=20, choices=RoleKind.choices, default=RoleKind.OTHER)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.SPANISH)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("For example America/Lima. Empty: the capital's of the official's country."),
    )
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    local_government = models.ForeignKey(
        LocalGovernment,
        on_delete=models.PROTECT,
        related_name="officials",
        verbose_name=_("local government"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="official",
        verbose_name=_("user account"),
        help_text=_("Set when the official accepts the invitation."),
    )
    public_consent = models.BooleanField(
        _("appears in public lists"),
        default=False,
        help_text=_("The official agreed to appear by name in the public list of recognized authorities."),
    )

    objects = OfficialQuerySet.as_manager()

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="official_email_unique_ci",
                violation_error_message=_(
                    "Another official already has this e-mail address (capitals aside): edit that official instead."
                ),
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        if not self.time_zone and self.local_government_id:
            from .time_zones import country_time_zone

            self.time_zone = country_time_zone(self.local_government.country)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "time_zone"}
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


class InvitationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(within("official", Official.objects.for_user(user)))

    def sent(self):
        return self.filter(status__in=InvitationStatus.sent_values())

    def with_link_token(self, token):
        """The invitation whose personal link carries `token` (found by its digest; none if unknown)."""
        return self.filter(token_hash=token_digest(token))


# A personal link's secret is never stored. Each sending draws a random nonce; the link's token is derived from it
# with SECRET_KEY (like Django's password-reset tokens), so that the e-mail task, which gets the invitation's
# primary key only, can write the link; the row keeps the token's SHA-256 to find the invitation when the link
# is followed. A copy of the database opens no invitation.
LINK_TOKEN_SALT = "authorities.Invitation.link_token"


def new_invitation_nonce():
    return secrets.token_urlsafe(24)


def link_token(nonce):
    return salted_hmac(LINK_TOKEN_SALT, nonce, algorithm="sha256").hexdigest()


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def unusable_token_digest():
    """The digest of a token nobody knows: an invitation not sent yet has no working link."""
    return token_digest(secrets.token_urlsafe(32))


def new_invitation_token():
    """The raw token the first migration stored (0003 hashed them); kept because 0001 names it."""
    return secrets.token_urlsafe(32)


def invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


class Invitation(TimeStampedModel):
    """An official invited to an initiative."""

    official = models.ForeignKey(
        Official, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("official")
    )
    initiative = models.ForeignKey(
        "initiative.Initiative",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("initiative"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    token_hash = models.CharField(
        _("link digest"),
        max_length=64,
        unique=True,
        default=unusable_token_digest,
        editable=False,
        help_text=_("SHA-256 of the personal link's secret, which only the e-mail holds."),
    )
    token_nonce = models.CharField(max_length=32, default=new_invitation_nonce, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(
        _("expires at"), default=invitation_expiry, help_text=_("The personal link works until then.")
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    emailed_at = models.DateTimeField(
        _("e-mail sent at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the mail server took the e-mail with the current link; empty while it waits to go out."),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["initiative", "official"]
        constraints = [
            models.UniqueConstraint(fields=["official", "initiative"], name="invitation_once_per_initiative"),
            models.CheckConstraint(
                condition=Q(status=InvitationStatus.PENDING) | Q(sent_at__isnull=False),
                name="invitation_sent_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=InvitationStatus.ACCEPTED) | Q(accepted_at__isnull=False),
                name="invitation_accepted_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.official} · {self.initiative}"

    def link_token(self):
        """The secret of the personal link sent last (valid only if `token_hash` is its digest)."""
        return link_token(self.token_nonce)


class ExportLogQuerySet(models.QuerySet):
    def for_user(self, user):
        """Regional staff: every export; country office staff: the exports of their countries."""
        if is_regional_staff(user):
            return self.all()
        return self.filter(country__in=staff_countries(user))


class ExportLog(models.Model):
    """Who exported what: one row per spreadsheet a staff member downloaded."""

    created = models.DateTimeField(_("exported at"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("exported by")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ExportKind.choices)
    country = CountryField(_("country"), blank=True, help_text=_("Empty: every country the user may see."))
    initiative = models.ForeignKey(
        "initiative.Initiative",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("initiative"),
    )
    file_format = models.CharField(_("format"), max_length=10)
    rows = models.PositiveIntegerField(_("rows"))

    objects = ExportLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.country.code or '*'} · {self.rows}"


class PendingMappingImport(TimeStampedModel):
    """An uploaded mapping spreadsheet waiting for its uploader to confirm the preview.

    Kept in the database, not on one server's disk: the preview and the confirmation may reach different web
    processes. `manage.py expire_previews` deletes those never confirmed."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    kind = models.CharField(_("kind of import"), max_length=20)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    # Only the browser session that saw the preview confirms it (sessions live in the database too).
    session_key = models.CharField(_("session"), max_length=40)

    class Meta:
        verbose_name = _("pending mapping import")
        verbose_name_plural = _("pending mapping imports")

    def __str__(self):
        return self.file_name
