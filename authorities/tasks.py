from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task

from .models import Invitation


@task
def send_invitation_email(invitation_pk):
    from .services import invitation_email

    invitation = Invitation.objects.select_related("official", "initiative").get(pk=invitation_pk)
    subject, body = invitation_email(invitation)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.official.email])


@task
def send_invitation_emails(invitation_pks):
    """The e-mails of a chunk of invitations made in bulk (authorities/bulk_invitations.py), over one connection."""
    from django.core.mail import EmailMessage, mailers

    from .services import invitation_email

    invitations = Invitation.objects.select_related("official", "initiative").filter(pk__in=invitation_pks)
    messages = []
    for invitation in invitations.order_by("pk"):
        subject, body = invitation_email(invitation)
        messages.append(EmailMessage(subject=subject, body=body, to=[invitation.official.email]))
    mailers.default.send_messages(messages)  # one connection to the mail server for the chunk
