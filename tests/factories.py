"""Factories for tests: plain functions that create valid rows with sensible defaults. Pass what matters."""

import hashlib
import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from alp_portal.roles import REGIONAL_STAFF_GROUP
from authorities.enums import InvitationStatus
from authorities.models import (
    CountryOffice,
    Invitation,
    LocalGovernment,
    Official,
    link_token,
    new_invitation_nonce,
    token_digest,
)
from initiative.models import Initiative
from workshops.enums import AttendanceStatus, EventKind
from workshops.models import Attendance, Event, Session

_seq = itertools.count(1)


def n():
    return next(_seq)


def make_user(email=None, *, is_staff=False, password="password", **extra):
    email = email or f"user{n()}@example.org"
    return get_user_model().objects.create_user(
        username=email, email=email, password=password, is_staff=is_staff, **extra
    )


def give_mfa(user):
    """A TOTP authenticator app and recovery codes, as after the staff member set up two-factor authentication
    (the admin refuses staff without them). Returns the TOTP secret, for tests that type a code."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_code(secret, *, margin=5):
    """The authenticator app's current code for `secret`, taken early enough in its 30-second period that the
    server still accepts it when the form arrives (the portal allows no tolerance): within `margin` seconds of
    the period's end, wait for the next one."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if 30 - time.time() % 30 < margin:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def make_regional_staff(email=None, *, mfa=True):
    user = make_user(email or f"regional{n()}@iom.test", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=REGIONAL_STAFF_GROUP)[0])
    if mfa:
        give_mfa(user)
    return user


def make_country_office(country="AR", name=None):
    office, _ = CountryOffice.objects.get_or_create(country=country, defaults={"name": name or f"OIM {country}"})
    return office


def make_country_staff(country="AR", email=None, *, mfa=True):
    user = make_user(email or f"co-{country.lower()}{n()}@iom.test", is_staff=True)
    make_country_office(country).staff.add(user)
    if mfa:
        give_mfa(user)
    return user


def make_initiative(**fields):
    i = n()
    defaults = {"name": f"ALP {i}", "slug": f"alp-{i}", "year": 2023, "region": "South America"}
    defaults.update(fields)
    return Initiative.objects.create(**defaults)


def make_government(country="AR", name=None, **fields):
    return LocalGovernment.objects.create(name=name or f"Municipio {n()}", country=country, **fields)


def make_official(government=None, *, user=None, email=None, **fields):
    i = n()
    government = government or make_government()
    defaults = {
        "first_name": f"Nombre{i}",
        "last_name": f"Apellido{i}",
        "email": email or f"official{i}@example.org",
    }
    defaults.update(fields)
    return Official.objects.create(local_government=government, user=user, **defaults)


def make_official_user(government=None, **fields):
    """An official with a user account, as after accepting the invitation."""
    official = make_official(government, **fields)
    official.user = make_user(official.email)
    official.save(update_fields=["user"])
    return official


def invite(official, initiative, status=InvitationStatus.SENT):
    """An invitation whose personal link works as if sent: `invitation.link_token()` is the link's secret."""
    sent_at = None if status == InvitationStatus.PENDING else timezone.now()
    accepted_at = timezone.now() if status == InvitationStatus.ACCEPTED else None
    nonce = new_invitation_nonce()
    return Invitation.objects.create(
        official=official,
        initiative=initiative,
        status=status,
        sent_at=sent_at,
        emailed_at=sent_at,  # as if the e-mail had gone out
        accepted_at=accepted_at,
        token_nonce=nonce,
        token_hash=token_digest(link_token(nonce)),
    )


def make_event(initiative, kind=EventKind.LAUNCH, edition=None, **fields):
    if kind == EventKind.WORKSHOP and edition is None:
        edition = Event.objects.filter(initiative=initiative, kind=kind).count() + 1
    title = fields.pop("title", f"{kind} {edition or ''}".strip())
    return Event.objects.create(initiative=initiative, kind=kind, edition=edition, title=title, **fields)


def make_session(event, *, starts_at=None, minutes=120, **fields):
    starts_at = starts_at or timezone.now() - timedelta(days=30)
    return Session.objects.create(
        event=event,
        title=fields.pop("title", f"Session {n()}"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        **fields,
    )


def attend(official, session, status=AttendanceStatus.PRESENT, minutes=None, *, seconds=None):
    """An attendance row; `minutes` is a shorthand for whole minutes measured (seconds = minutes * 60)."""
    if minutes is not None:
        seconds = minutes * 60
    return Attendance.objects.create(official=official, session=session, status=status, seconds=seconds)


# The officials' portal (workshops): Automapeo, ALMI, questionnaires.


def make_workshop_initiative(**fields):
    """An initiative in its workshop stage, open for the Automapeo and ALMI."""
    fields.setdefault("stage", "workshop")
    return make_initiative(**fields)


def make_portal_official(initiative, government=None, **fields):
    """An official with an account, invited to `initiative` and having accepted."""
    official = make_official_user(government, **fields)
    invite(official, initiative, status=InvitationStatus.ACCEPTED)
    return official


def make_automapeo(government, initiative, **fields):
    from workshops.models import Automapeo

    return Automapeo.objects.create(local_government=government, initiative=initiative, **fields)


def make_action(automapeo, *, objectives=(), principles=(), **fields):
    from workshops.models import AutomapeoAction

    fields.setdefault("title", f"Acción {n()}")
    fields.setdefault("position", automapeo.actions.count() + 1)
    action = AutomapeoAction.objects.create(automapeo=automapeo, **fields)
    action.objectives.set(objectives)
    action.principles.set(principles)
    return action


def make_contribution(official, initiative, *, objectives=(), **fields):
    from workshops.enums import ContributionKind
    from workshops.models import AlmiContribution

    fields.setdefault("kind", ContributionKind.CHALLENGE)
    fields.setdefault("text", f"Aporte {n()}")
    contribution = AlmiContribution.objects.create(
        initiative=initiative, local_government=official.local_government, author=official, **fields
    )
    contribution.objectives.set(objectives)
    return contribution


FAKE_PDF = b"%PDF-1.7 test"
# For recognitions made in bulk (bulk_create): valid, with a PDF recorded (no file stored) and its digest.
VALID_RECOGNITION = {
    "status": "issued",
    "pdf": "recognitions/bulk.pdf",
    "pdf_sha256": hashlib.sha256(FAKE_PDF).hexdigest(),
}


def make_recognition(initiative, *, official=None, local_government=None, **fields):
    """A valid recognition of `official` (a person's certificate) or of `local_government`, issued now, with its
    PDF stored and its digest, as issuance leaves it (a valid recognition always has both). `status="pending"`
    makes one still being issued: no PDF yet. `pdf="name"` records a name without storing a file."""
    from django.core.files.base import ContentFile

    from certificates.enums import RecognitionKind, RecognitionStatus
    from certificates.models import Recognition

    defaults = {
        "kind": RecognitionKind.PERSON if official is not None else RecognitionKind.GOVERNMENT,
        "holder_name": official.full_name if official is not None else local_government.name,
        "issued_at": timezone.now(),
        "status": RecognitionStatus.ISSUED,
    }
    defaults.update(fields)
    if "issued_by" not in defaults:
        defaults["issued_by"] = make_regional_staff()
    recognition = Recognition(initiative=initiative, official=official, local_government=local_government, **defaults)
    if recognition.status != RecognitionStatus.PENDING:
        if not recognition.pdf:
            recognition.pdf.save(f"{recognition.code}.pdf", ContentFile(FAKE_PDF), save=False)
        if not recognition.pdf_sha256:
            recognition.pdf_sha256 = hashlib.sha256(FAKE_PDF).hexdigest()
    recognition.save()
    return recognition
