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
