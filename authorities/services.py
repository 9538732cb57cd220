"""Writes of the authorities app: sending invitations and accepting them."""

import logging
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from alp_portal import audit
from alp_portal.generations import written_in_bulk
from alp_portal.roles import is_regional_staff

from .enums import ExportKind, InvitationStatus
from .imports import NewGovernment
from .models import (
    ExportLog,
    Invitation,
    LocalGovernment,
    Official,
    PendingMappingImport,
    link_token,
    new_invitation_nonce,
    token_digest,
)
from .preferences import time_zone_name
from .time_zones import country_time_zone

logger = logging.getLogger(__name__)


class InvitationError(Exception):
    """An invitation that cannot be used; `message` tells the person what happened and what to do."""

    def __init__(self, message, *, invitation=None):
        super().__init__(message)
        self.message = message
        self.invitation = invitation


class InvitationNotFound(InvitationError):
    pass


class InvitationExpired(InvitationError):
    pass


class InvitationAlreadyAccepted(InvitationError):
    pass


def invitation_state(invitation, *, now=None):
    """Raise the InvitationError that keeps this invitation from being accepted, if any."""
    now = now or timezone.now()
    if invitation is None or invitation.status in (InvitationStatus.PENDING, InvitationStatus.DECLINED):
        raise InvitationNotFound(
            _("This invitation link is not valid. It may have been replaced by a newer one."),
            invitation=invitation,
        )
    if invitation.status == InvitationStatus.ACCEPTED:
        when = formats.date_format(timezone.localtime(invitation.accepted_at), "DATE_FORMAT")
        raise InvitationAlreadyAccepted(
            _("This invitation was already accepted on %(date)s. Sign in with your e-mail address.") % {"date": when},
            invitation=invitation,
        )
    if invitation.expires_at <= now:
        when = formats.date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT")
        raise InvitationExpired(
            _("This invitation link expired on %(date)s. Ask for a new one below.") % {"date": when},
            invitation=invitation,
        )


def send_invitation(*, invitation):
    """Send (or send again) an invitation with a fresh personal link.

    Side effects: a new link (an older one stops working; only its digest is stored), status "sent", `sent_at`
    and `expires_at` set, and the e-mail queued as a task once the transaction commits.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status == InvitationStatus.ACCEPTED:
            raise InvitationAlreadyAccepted(
                _("%(official)s already accepted this invitation.") % {"official": invitation.official},
                invitation=invitation,
            )
        now = timezone.now()
        invitation.token_nonce = new_invitation_nonce()
        invitation.token_hash = token_digest(link_token(invitation.token_nonce))
        invitation.status = InvitationStatus.SENT
        invitation.sent_at = now
        invitation.expires_at = now + timedelta(days=settings.INVITATION_VALID_DAYS)
        invitation.emailed_at = None  # until the task hands the new link to the mail server
        invitation.save(
            update_fields=["token_nonce", "token_hash", "status", "sent_at", "expires_at", "emailed_at", "updated"]
        )

        from .tasks import send_invitation_email

        transaction.on_commit(lambda: send_invitation_email.enqueue(invitation.pk))
    return invitation


def decline_invitation(*, invitation, reason, by):
    """Mark an invitation declined, for an official who said no outside the portal (by e-mail, by phone): its
    link stops working. Only regional staff; the reason goes to the audit trail.

    Side effects: saves the status and writes the audit entry, together. Raises InvitationError when the
    invitation was accepted already (the official has an account: deactivate it instead) or is declined."""
    if not is_regional_staff(by):
        raise InvitationError(_("Only regional staff can mark an invitation declined."))
    reason = (reason or "").strip()
    if not reason:
        raise InvitationError(_("Say why: the reason is kept in the audit trail."))
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status == InvitationStatus.ACCEPTED:
            raise InvitationError(_("This invitation was accepted already: it cannot be declined."), invitation=locked)
        if locked.status == InvitationStatus.DECLINED:
            raise InvitationError(_("This invitation is declined already."), invitation=locked)
        locked.status = InvitationStatus.DECLINED
        locked.save(update_fields=["status", "updated"])
        audit.record(event="invitation-declined", by=by, obj=locked, reason=reason)
    return locked


def request_new_invitation_link(*, email):
    """Send a fresh link to an official whose invitation went out but was not accepted. Returns the invitation
    re-sent, or None when that address has nothing to renew (the caller must not tell the difference)."""
    invitation = (
        Invitation.objects.filter(official__email__iexact=email.strip(), status=InvitationStatus.SENT)
        .order_by("-sent_at", "-pk")
        .first()
    )
    if invitation is None:
        return None
    return send_invitation(invitation=invitation)


def accept_invitation(*, token, password):
    """Accept an invitation: create or link the official's account (the e-mail address is the login) and set
    its password. Safe against a double submission: the second one finds the invitation accepted.

    Side effects: a user (username = e-mail) and a verified primary allauth EmailAddress when missing,
    `Official.user` set, the invitation marked accepted. Returns the user.
    """
    User = get_user_model()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().with_link_token(token).first()
        invitation_state(invitation)
        official = Official.objects.select_for_update().get(pk=invitation.official_id)
        email = official.email.strip()
        user = official.user or User.objects.filter(email__iexact=email).first()
        if user is not None and Official.objects.filter(user=user).exclude(pk=official.pk).exists():
            raise InvitationError(
                _("The account of %(email)s belongs to another official. Write to the organisers.") % {"email": email},
                invitation=invitation,
            )
        if user is None:
            user = User(username=email.lower(), email=email)
        user.first_name = user.first_name or official.first_name
        user.last_name = user.last_name or official.last_name
        user.set_password(password)
        user.save()
        _ensure_verified_address(user, email)
        if official.user_id != user.pk:
            official.user = user
            official.save(update_fields=["user", "updated"])
        invitation.status = InvitationStatus.ACCEPTED
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["status", "accepted_at", "updated"])
    return user


def _ensure_verified_address(user, email):
    """Following the e-mailed link proved the address: record it as allauth's verified primary address."""
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(user=user, email=email, primary=not has_primary, verified=True)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


def invitation_email(invitation):
    """Subject and body of the invitation e-mail, in the official's language."""
    from django.template.loader import render_to_string
    from django.urls import reverse

    official = invitation.official
    token = invitation.link_token()
    if token_digest(token) != invitation.token_hash:  # never sent, or SECRET_KEY changed since: no dead link
        raise InvitationError(f"Invitation {invitation.pk} has no link to send: send the invitation again.")
    with translation.override(official.language):
        context = {
            "official": official,
            "initiative": invitation.initiative,
            "link": settings.SITE_URL.rstrip("/") + reverse("invitation_accept", args=[token]),
            "expires_at": invitation.expires_at,
            "time_zone": time_zone_name(official),
        }
        subject = render_to_string("authorities/email/invitation_subject.txt", context).strip()
        body = render_to_string("authorities/email/invitation_body.txt", context)
    return subject, body


PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "position",
    "role_kind",
    "language",
    "time_zone",
    "gender",
    "public_consent",
)


def update_profile(
    *, official, first_name, last_name, position, role_kind, language, time_zone, gender, public_consent
):
    """Save what an official says about themselves; their account's name follows."""
    with transaction.atomic():
        official = Official.objects.select_for_update().get(pk=official.pk)
        official.first_name = first_name
        official.last_name = last_name
        official.position = position
        official.role_kind = role_kind
        official.language = language
        # Left empty: their country's (the one rule: time_zones.country_time_zone), not the portal's.
        official.time_zone = time_zone or country_time_zone(official.local_government.country)
        official.gender = gender
        official.public_consent = public_consent
        official.full_clean(exclude=["user", "local_government", "email"])
        official.save(update_fields=[*PROFILE_FIELDS, "updated"])
        if official.user_id:
            get_user_model().objects.filter(pk=official.user_id).update(first_name=first_name, last_name=last_name)
            written_in_bulk(get_user_model())
    return official


def sync_official_email(*, user, email):
    """After an official changed their login address (allauth, verified), the official's e-mail follows, so
    that invitations and e-mails reach the address they use. Left alone when another official has it."""
    with transaction.atomic():
        official = Official.objects.select_for_update().filter(user=user).first()
        if official is None or official.email.lower() == email.lower():
            return official
        if Official.objects.filter(email__iexact=email).exclude(pk=official.pk).exists():
            return official
        official.email = email
        official.save(update_fields=["email", "updated"])
        get_user_model().objects.filter(pk=user.pk).update(email=email, username=email.lower())
        written_in_bulk(get_user_model())
    return official


class ImportRefused(Exception):
    """An import that cannot be stored; the message says what to fix. Nothing was written."""


def record_export(*, user, kind, country="", rows, file_format, initiative=None):
    """Log who exported what: the kind of list, the country (empty: all the user may see), the rows."""
    with transaction.atomic():
        log = ExportLog.objects.create(
            user=user, kind=kind, country=country or "", rows=rows, file_format=file_format, initiative=initiative
        )
        audit.record(event="export", by=user, obj=log, rows=rows, what=ExportKind(kind).label, format=file_format)
    return log


def import_mapping(*, plan, by=None, file_name=""):
    """Store the new and updated rows of a checked `authorities.imports.ImportPlan`, all of them or none.

    The plan's rows are already checked and converted by `authorities.imports` (the preview staff confirmed),
    so they are written as they are: new rows in one INSERT, updated ones loaded in one query and written in
    one executemany (`update_each`), whatever the number of rows.
    Side effects: creates and updates LocalGovernment or Official rows.
    Returns (created, updated). Raises ImportRefused, with nothing written, when the plan has invalid rows or
    the database refuses a row (the message names the row and the rule it breaks, see `_refused_row`).
    """
    if not plan.is_valid:
        raise ImportRefused(_("The file has rows with errors: correct them and upload the file again."))
    if plan.kind == "invitations":
        return _import_invitations(plan, by=by, file_name=file_name), 0
    model, new, updated = plan.writes()
    try:
        with transaction.atomic():
            _create_new_governments(plan.new_governments, [*new, *updated])
            created = [model(**values) for values, _pk, _row in new]
            if model is Official:
                fill_time_zones(created)
            model.objects.bulk_create(created)
            written_in_bulk(model)
            stored = model.objects.in_bulk([pk for _values, pk, _row in updated])
            changed, names = [], set()
            for values, pk, _row in updated:
                instance = stored[pk]
                for attribute, value in values.items():
                    setattr(instance, attribute, value)
                changed.append(instance)
                names.update(values)
            if changed:
                update_each(model, changed, sorted(names))
            if by is not None and plan.new_governments:
                audit.record(
                    event="import",
                    by=by,
                    what=LocalGovernment._meta.verbose_name_plural,
                    file=file_name or "-",
                    created=len(plan.new_governments),
                    updated=0,
                )
            if by is not None:
                audit.record(
                    event="import",
                    by=by,
                    what=model._meta.verbose_name_plural,
                    file=file_name or "-",
                    created=len(new),
                    updated=len(updated),
                )
    except DatabaseError as error:  # the database refused a row: nothing was stored
        row, message = _refused_row(model, new, updated, plan.new_governments)
        if row is None:
            logger.exception("The database refused a %s import that passed its checks", model._meta.model_name)
            message = _(
                "Nothing was imported: the database refused the file although every row passed the checks. "
                "Nothing was stored; upload it again, and if it is refused again, send it to the regional office."
            )
        else:
            message = _("Nothing was imported: row %(row)s: %(message)s Correct the row and upload the file again.") % {
                "row": row,
                "message": message,
            }
        raise ImportRefused(message) from error
    return len(new), len(updated)


def _import_invitations(plan, *, by, file_name):
    """Invite the officials of a checked invitations import, all or none: one bulk invitation per initiative
    (authorities/bulk_invitations.py), whose e-mails go out in the background once everything is stored."""
    from .bulk_invitations import invite_officials

    by_initiative = {}
    for row in plan.rows:
        if row.action == "new":
            by_initiative.setdefault(row.values["initiative"], []).append(row.values["official"])
    initiatives = Invitation._meta.get_field("initiative").related_model.objects.in_bulk(by_initiative)
    invited = 0
    try:
        with transaction.atomic():
            for initiative_pk, official_pks in by_initiative.items():
                officials = Official.objects.filter(pk__in=official_pks)
                invited += len(
                    invite_officials(officials=officials, initiative=initiatives[initiative_pk], by=by).to_invite
                )
            if by is not None:
                audit.record(
                    event="import",
                    by=by,
                    what=Invitation._meta.verbose_name_plural,
                    file=file_name or "-",
                    created=invited,
                    updated=0,
                )
    except DatabaseError as error:  # someone invited one of them since the preview: nothing was stored
        raise ImportRefused(
            _("Nothing was imported: some of these officials were invited meanwhile. Upload the file again to see who.")
        ) from error
    return invited


def _create_new_governments(governments, rows):
    """Create the local governments an officials import names for the first time, and point its rows at them."""
    if not governments:
        return
    stored = LocalGovernment.objects.bulk_create(
        [LocalGovernment(name=g.name, region=g.region, country=g.country) for g in governments]
    )
    written_in_bulk(LocalGovernment)
    for government, row in zip(governments, stored, strict=True):
        government.pk = row.pk
    for values, _pk, _row in rows:
        if isinstance(values.get("local_government_id"), NewGovernment):
            values["local_government_id"] = values["local_government_id"].pk


def _refused_row(model, new, updated, new_governments):
    """(row number, what is wrong) of the first row of an import that breaks a rule of the database (a constraint,
    in its sentence, or a field's limit), else (None, None). Checked one row at a time, a query or a few each:
    this runs only after the database refused the whole import, when someone changed the same records since the
    preview, say. The local governments a row points at were found by the checks: they are not looked up again."""
    for government in new_governments:
        try:
            LocalGovernment(name=government.name, region=government.region, country=government.country).full_clean()
        except ValidationError as error:
            return government.row, " ".join(error.messages)
    stored = model.objects.in_bulk([pk for _values, pk, _row in updated])
    for values, pk, row in [*new, *updated]:
        instance = stored[pk] if pk else model(**values)
        for attribute, value in values.items():
            setattr(instance, attribute, value)
        written = {model._meta.get_field(attribute).name for attribute in values} - {"local_government"}
        try:
            instance.clean_fields(exclude={f.name for f in model._meta.fields} - written)
            instance.validate_constraints()
        except ValidationError as error:
            return row, " ".join(error.messages)
    return None, None


def fill_time_zones(officials):
    """Give each new official without a time zone their country's (bulk writes skip Official.save)."""
    missing = [official for official in officials if not official.time_zone]
    governments = LocalGovernment.objects.in_bulk({official.local_government_id for official in missing})
    for official in missing:
        official.time_zone = country_time_zone(governments[official.local_government_id].country)


def update_each(model, instances, names):
    """UPDATE every instance's `names` columns (and its `updated` time) in one executemany.

    Django's bulk_update writes one UPDATE with a CASE per column, which SQLite evaluates for every row
    against every case: about 5 s for 1,000 officials of nine columns, against some 20 ms here.
    """
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    stamp = timezone.now()
    if any(f.name == "updated" for f in model._meta.concrete_fields):
        fields.append(model._meta.get_field("updated"))
        for instance in instances:
            instance.updated = stamp
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in fields),
        quote(model._meta.pk.column),
    )
    params = [
        [field.get_db_prep_save(getattr(instance, field.attname), connection) for field in fields] + [instance.pk]
        for instance in instances
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    written_in_bulk(model)


# Mapping imports waiting for confirmation


def stash_mapping_upload(*, kind, file_name, content, by, session_key):
    """Keep an uploaded spreadsheet until `by` confirms its preview in the same browser session (`session_key`);
    returns the token the confirmation carries.

    Side effects: stores the bytes in the database (any web process may take the confirmation) and deletes
    `by`'s earlier pending upload of the same kind (one preview at a time)."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        PendingMappingImport.objects.filter(uploaded_by=by, kind=kind).delete()
        PendingMappingImport.objects.create(
            token=token, kind=kind, file_name=file_name[:255], content=content, uploaded_by=by, session_key=session_key
        )
    return token


def take_mapping_upload(*, kind, token, by, session_key):
    """The pending upload (file name, bytes) that `by` confirms with `token` in the session that saw the preview,
    once: it is deleted. None when expired, already confirmed, of another kind, person or session."""
    with transaction.atomic():
        pending = (
            PendingMappingImport.objects.select_for_update()
            .filter(token=token, kind=kind, uploaded_by=by, session_key=session_key)
            .first()
        )
        if pending is None:
            return None
        pending.delete()
    return pending.file_name, bytes(pending.content)


def expire_mapping_uploads(*, older_than):
    """Delete the uploads waiting for a confirmation since before `older_than` (a datetime); returns how many."""
    deleted, _by_model = PendingMappingImport.objects.filter(created__lt=older_than).delete()
    return deleted
