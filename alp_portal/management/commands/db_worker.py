"""django_tasks_db's `db_worker`, with a heartbeat: /readyz reports how long ago a worker was last heard of.

alp_portal is listed before django_tasks_db in INSTALLED_APPS, so `manage.py db_worker` is this command;
everything else (options, claiming tasks, graceful stop on SIGTERM) is django_tasks_db's.
"""

from django_tasks_db.management.commands import db_worker

from alp_portal.health import start_heartbeat


class Command(db_worker.Command):
    help = "Run a database background worker, recording a heartbeat every few seconds (see /readyz)."

    def handle(self, *args, **options):
        start_heartbeat()
        return super().handle(*args, **options)
