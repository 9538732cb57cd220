from functools import reduce
from operator import or_

from django.conf import settings
from django.core.mail import EmailMessage, mailers, send_mail
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from alp_portal.generations import written_in_bulk

from .models import Invitation


def mark_emailed(invitations):
    """Note that the mail server took these invitations' e-mails: each only if its link is still the one the
    e-mail holds (sending again meanwhile made a new link, whose own e-mail is still on its way)."""
    if invitations:
        links = reduce(or_, (Q(pk=i.pk, token_nonce=i.token_nonce) for i in invitations))
        Invitation.objects.filter(links).update(emailed_at=timezone.now())
        written_in_bulk(Invitation)


@task
def send_invitation_email(invitation_pk):
    from .services import invitation_email

    invitation = Invitation.objects.select_related("official", "initiative").get(pk=invitation_pk)
    subject, body = invitation_email(invitation)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.official.email])
    mark_emailed([invitation])


@task
def send_invitation_emails(invitation_pks):
    """The e-mails of a chunk of invitations made in bulk (authorities/bulk_invitations.py), over one connection."""
    from .services import invitation_email

    invitations = list(Invitation.objects.select_related("official", "initiative").filter(pk__in=invitation_pks))
    messages = []
    for invitation in sorted(invitations, key=lambda i: i.pk):
        subject, body = invitation_email(invitation)
        messages.append(EmailMessage(subject=subject, body=body, to=[invitation.official.email]))
    mailers.default.send_messages(messages)  # one connection to the mail server for the chunk
    mark_emailed(invitations)
