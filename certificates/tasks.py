"""Background work of the certificates app. Tasks take primary keys and call a service, nothing more."""

from django.tasks import task

from .models import Recognition


@task
def run_issuance(batch_id):
    """Split the batch: queue the tasks that issue its chunks, which any worker takes (chunks.py)."""
    from .chunks import queue_chunk_tasks

    return {"tasks": queue_chunk_tasks(batch_id=batch_id)}


@task
def issue_chunks(batch_id):
    from .services import process_issuance

    batch = process_issuance(batch_id=batch_id)
    return {"done": batch.done, "skipped": batch.skipped, "failed": batch.failed, "status": batch.status}


@task
def notify_revocation(recognition_id):
    from .emails import send_revocation_email

    recognition = Recognition.objects.select_related("initiative", "official", "local_government").get(
        pk=recognition_id
    )
    return send_revocation_email(recognition)
