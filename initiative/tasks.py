from django.contrib.auth import get_user_model
from django.tasks import task

from .models import Initiative
from .services import send_dissemination_email


@task
def send_dissemination_email_task(initiative_id, user_id):
    return send_dissemination_email(
        initiative=Initiative.objects.get(pk=initiative_id), by=get_user_model().objects.get(pk=user_id)
    )


@task
def render_report(report_pk):
    """Render a report's PDF in the background and keep it in the storage (initiative/report.py)."""
    from .report import render_stored_report

    render_stored_report(report_pk)


@task
def warm_public_pages(initiative_id):
    """Compute the public pages' data in the background once they changed (initiative/views.py)."""
    from .views import warm_public_pages as warm

    warm(Initiative.objects.get(pk=initiative_id))
