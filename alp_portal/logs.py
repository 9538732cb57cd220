"""Logs an operator can use: one line per request, task start/finish/failure lines, JSON on demand.

- RequestLogMiddleware (first in MIDDLEWARE, so it sees the final status, 503s included): logger
  `alp.requests`, one line per request with method, path, status, duration and the user's id (never the e-mail
  address; only when the request had already loaded the user, so that logging costs no query). The query
  string is left out and the secrets some paths carry (invitation tokens, password reset keys) are replaced.
  Health probes log at DEBUG.
- Task lines (logger `alp.tasks`): started, finished or failed, with the task's arguments by name (primary
  keys: `batch_id=17`) and its duration. Django's own task lines say less; its failure line, which carries the
  traceback, stays.
- JsonFormatter: with DJANGO_LOG_FORMAT=json every line is a JSON object (time, level, logger, message and the
  fields above), for a log collector.
"""

import inspect
import json
import logging
import time
from datetime import UTC, datetime

from django.tasks.base import TaskResultStatus
from django.tasks.signals import task_finished, task_started
from django.utils.functional import empty

request_logger = logging.getLogger("alp.requests")
task_logger = logging.getLogger("alp.tasks")

# URL keyword arguments that are credentials: never written to a log.
SECRET_KWARGS = {"token", "key", "uidb36", "uidb64"}
PROBES = {"/healthz", "/readyz"}
REDACTED = "[redacted]"
# The fields a line may carry besides its message (JsonFormatter writes each as a key).
FIELDS = ("method", "path", "status", "duration_ms", "user_id", "task", "task_id", "arguments", "worker_id")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration = round((time.perf_counter() - started) * 1000, 1)
        path = loggable_path(request)
        user_id = loaded_user_id(request)
        level = logging.DEBUG if request.path in PROBES and response.status_code == 200 else logging.INFO
        request_logger.log(
            level,
            "%s %s %s %.1fms user=%s",
            request.method,
            path,
            response.status_code,
            duration,
            user_id if user_id is not None else "-",
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration,
                "user_id": user_id,
            },
        )
        return response


def loggable_path(request):
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if name in SECRET_KWARGS and value:
                path = path.replace(str(value), REDACTED)
    return path


def loaded_user_id(request):
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None  # never loaded: loading it now would cost a query (or fail, the database being down)
    return user.pk if user.is_authenticated else None


def task_arguments(task_result):
    """The task's arguments by parameter name (tasks take primary keys: `batch_id=17`)."""
    try:
        bound = inspect.signature(task_result.task.func).bind(*task_result.args, **task_result.kwargs)
    except TypeError:
        return {"args": list(task_result.args), **task_result.kwargs}
    return dict(bound.arguments)


def _task_fields(task_result):
    arguments = task_arguments(task_result)
    text = " ".join(f"{name}={value}" for name, value in arguments.items())
    return text, {
        "task": task_result.task.module_path,
        "task_id": str(task_result.id),
        "arguments": arguments,
        "worker_id": (task_result.worker_ids or [None])[-1],
    }


def log_task_started(sender, task_result, **kwargs):
    text, fields = _task_fields(task_result)
    task_logger.info("Task %s started: %s", fields["task"], text, extra=fields)


def log_task_finished(sender, task_result, **kwargs):
    text, fields = _task_fields(task_result)
    duration = None
    if task_result.started_at and task_result.finished_at:
        duration = round((task_result.finished_at - task_result.started_at).total_seconds() * 1000, 1)
    fields["duration_ms"] = duration
    if task_result.status == TaskResultStatus.FAILED:
        error = task_result.errors[-1].exception_class_path.rsplit(".", 1)[-1] if task_result.errors else "error"
        task_logger.error("Task %s failed (%s): %s after %sms", fields["task"], error, text, duration, extra=fields)
    else:
        task_logger.info("Task %s finished: %s in %sms", fields["task"], text, duration, extra=fields)


def connect():
    task_started.connect(log_task_started, dispatch_uid="alp.tasks.started")
    task_finished.connect(log_task_finished, dispatch_uid="alp.tasks.finished")


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in FIELDS:
            if field in record.__dict__:
                line[field] = record.__dict__[field]
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)
