"""Health checks for a load balancer or an orchestrator, answering JSON that reveals no secret.

- /healthz: the process is alive and answers. Touches no database, so a database outage does not make every
  web process look dead (they would be restarted for nothing).
- /readyz: the process can serve: the database answers, the cache works, every migration is applied. 503 when
  not. It also reports the age of the last background worker's heartbeat: workers beat every
  HEARTBEAT_SECONDS (alp_portal/management/commands/db_worker.py); a silent one is reported ("degraded"),
  but does not take web processes out of the load balancer, since pages do not wait for workers.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "alp:worker-heartbeat"
HEARTBEAT_SECONDS = 10
WORKER_SILENT_AFTER = 60  # seconds: a few missed beats


@require_safe
@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request):
    checks = {"database": _database(), "cache": _cache(), "migrations": _migrations(), "workers": _workers()}
    ready = all(checks[name]["ok"] for name in ("database", "cache", "migrations"))
    status = ("ok" if checks["workers"]["ok"] else "degraded") if ready else "unavailable"
    return JsonResponse({"status": status, "checks": checks}, status=200 if ready else 503)


def _failed(error):
    # The kind of error only: its message may name hosts, users or paths.
    return {"ok": False, "error": type(error).__name__}


def _database():
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return _failed(error)
    return {"ok": True}


def _cache():
    try:
        key = "alp:readyz"
        cache.set(key, 1, timeout=30)
        if cache.get(key) != 1:
            return {"ok": False, "error": "value not kept"}
    except Exception as error:
        return _failed(error)
    return {"ok": True}


_migrations_applied = False  # once all are applied, a running process's code cannot gain new ones


def _migrations():
    global _migrations_applied
    if not _migrations_applied:
        try:
            executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
            unapplied = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        except Exception as error:
            return _failed(error)
        if unapplied:
            return {"ok": False, "unapplied": unapplied}
        _migrations_applied = True
    return {"ok": True, "unapplied": 0}


def _workers():
    backend = getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", "")
    if backend != "django_tasks_db.DatabaseBackend":
        return {"ok": True, "used": False}  # tasks run in the web process itself
    try:
        last = cache.get(HEARTBEAT_KEY)
    except Exception as error:
        return _failed(error)
    if last is None:
        return {"ok": False, "used": True, "last_heartbeat_seconds": None}
    age = max(0.0, round(time.time() - last, 1))
    return {"ok": age <= WORKER_SILENT_AFTER, "used": True, "last_heartbeat_seconds": age}


def beat():
    """Record that a worker is alive (in the shared cache: every web process reads it)."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=None)


def start_heartbeat(interval=HEARTBEAT_SECONDS, stop=None):
    """Beat every `interval` seconds from a thread of this worker process, whatever task it runs meanwhile,
    until `stop` (a threading.Event) is set or the process ends."""
    stop = stop or threading.Event()

    def loop():
        while not stop.is_set():
            close_old_connections()  # this thread's own connection: a broken one is replaced
            try:
                beat()
            except Exception as error:  # the database may be down for a while: beat again later
                logger.warning("Worker heartbeat not recorded: %s", type(error).__name__)
            stop.wait(interval)
        connections.close_all()

    thread = threading.Thread(target=loop, name="alp-heartbeat", daemon=True)
    thread.start()
    return thread
