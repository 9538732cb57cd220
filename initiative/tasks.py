from django.contrib.auth import get_user_model
from django.tasks import task

from .models import Initiative
from .services import send_dissemination_email


@task
def send_dissemination_email_task(initiative_id, user_id):
    return send_dissemination_email(
        initiative=Initiative.objects.get(pk=initiative_id), by=get_user_model().objects.get(pk=user_id)
    )
