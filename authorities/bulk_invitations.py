"""Invitations in bulk (issue 15, item 1): the officials selected in the admin (or a whole filtered list)
invited to an initiative at once, after a preview of who will be invited, who already is and who cannot be.

The invitations are created in one transaction with their personal links (status "sent"), and the e-mails go
out in the background, in chunks of CHUNK per task (`tasks.send_invitation_emails`), once it commits. One
invitation per official and initiative stays the database's rule (`invitation_once_per_initiative`): sending
again is the invitation list's "Send the invitation e-mail" action, which keeps the same invitation.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from alp_portal.audit import record
from alp_portal.generations import written_in_bulk

from .enums import InvitationStatus
from .models import Invitation, link_token, new_invitation_nonce, token_digest

CHUNK = 100
# An e-mail still waiting after this long is not just queued: the worker or the mail server is failing.
STALLED_AFTER = timedelta(minutes=10)


@dataclass
class InvitationPlan:
    to_invite: list
    already: list
    no_email: list


def plan_invitations(officials, initiative):
    """Who of `officials` (a queryset, already scoped to the user) will be invited to `initiative`, who already is,
    who cannot be (no e-mail address). One query, whatever their number."""
    rows = officials.select_related("local_government").annotate(
        invited=Exists(Invitation.objects.filter(initiative=initiative, official=OuterRef("pk")))
    )
    plan = InvitationPlan([], [], [])
    for official in rows.order_by("local_government__name", "last_name", "first_name", "pk"):
        if official.invited:
            plan.already.append(official)
        elif not official.email:
            plan.no_email.append(official)
        else:
            plan.to_invite.append(official)
    return plan


@dataclass
class Sending:
    """How the invitation e-mails of an initiative are going out (the bulk invitation's progress)."""

    total: int
    emailed: int
    stalled: int  # waiting for longer than STALLED_AFTER

    @property
    def waiting(self):
        return self.total - self.emailed

    def __str__(self):
        if self.waiting:
            return _("%(emailed)s of %(total)s e-mails sent; %(waiting)s waiting to go out.") % self.as_dict()
        return _("All %(total)s e-mails sent.") % self.as_dict()

    def as_dict(self):
        return {"total": self.total, "emailed": self.emailed, "waiting": self.waiting, "stalled": self.stalled}


def sending_progress(invitations, *, initiative, since=None):
    """The e-mails of `invitations` (a queryset, already scoped to the user) of `initiative` sent since `since`
    (all of them when None): how many the mail server took, how many wait. One query."""
    sent = invitations.filter(initiative=initiative).exclude(status=InvitationStatus.PENDING)
    if since is not None:
        sent = sent.filter(sent_at__gte=since)
    counts = sent.aggregate(
        total=Count("pk"),
        emailed=Count("pk", filter=Q(emailed_at__isnull=False)),
        stalled=Count("pk", filter=Q(emailed_at__isnull=True, sent_at__lt=timezone.now() - STALLED_AFTER)),
    )
    return Sending(**counts)


@transaction.atomic
def invite_officials(*, officials, initiative, by):
    """Invite those of `officials` who can be to `initiative`; the e-mails follow in the background. Returns the
    plan that was carried out. A fixed number of queries (the e-mail tasks aside)."""
    plan = plan_invitations(officials, initiative)
    now = timezone.now()
    invitations = []
    for official in plan.to_invite:
        nonce = new_invitation_nonce()
        invitations.append(
            Invitation(
                official=official,
                initiative=initiative,
                status=InvitationStatus.SENT,
                sent_at=now,
                expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
                token_nonce=nonce,
                token_hash=token_digest(link_token(nonce)),
            )
        )
    created = Invitation.objects.bulk_create(invitations)
    written_in_bulk(Invitation)
    if created:
        record(event="bulk-invitation", by=by, obj=initiative, count=len(created))
        pks = [invitation.pk for invitation in created]

        def send():
            from .tasks import send_invitation_emails

            for start in range(0, len(pks), CHUNK):
                send_invitation_emails.enqueue(pks[start : start + CHUNK])

        transaction.on_commit(send)
    return plan
