"""django_tasks_db's `db_worker`, with a heartbeat (/readyz reports how long ago a worker was last heard of) and
patience: when the database goes away (restarted, failed over), django_tasks_db's worker stops with an
OperationalError; ours logs one line, waits and starts again, so that the workers come back with the database
without anyone restarting them. A task cut short that way is left running in the queue: an issuance's chunk is
taken again once its hold expires (certificates/chunks.py).

alp_portal is listed before django_tasks_db in INSTALLED_APPS, so `manage.py db_worker` is this command;
everything else (options, claiming tasks, graceful stop on SIGTERM) is django_tasks_db's.
"""

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

from alp_portal.health import start_heartbeat

logger = logging.getLogger("alp.worker")
RETRY_SECONDS = 2


class Command(db_worker.Command):
    help = "Run a database background worker, recording a heartbeat every few seconds (see /readyz)."

    def handle(self, *args, **options):
        start_heartbeat()
        while True:
            try:
                return super().handle(*args, **options)
            except (OperationalError, InterfaceError) as error:
                name = type(error).__name__
                logger.error("Database unavailable (%s): the worker starts again in %ss", name, RETRY_SECONDS)
                connections.close_all()
                time.sleep(RETRY_SECONDS)
