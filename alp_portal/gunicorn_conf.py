"""gunicorn's configuration for the portal: `gunicorn --config python:alp_portal.gunicorn_conf alp_portal.wsgi`.

Every value comes from the environment through the strict readers of alp_portal/env.py (a value that cannot be
read stops the start-up). Graceful restarts: `kill -HUP <master pid>` starts new workers with the new code and
lets the old ones finish their requests (up to GUNICORN_GRACEFUL_TIMEOUT seconds); SIGTERM does the same and
exits. Workers are also replaced after GUNICORN_MAX_REQUESTS requests, so that memory cannot creep.
"""

import gc
import os

from alp_portal.env import env_bool, env_int, env_str

bind = env_str("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Sync workers (one request at a time each) unless GUNICORN_THREADS > 1 (then gthread). PDFs and reports are
# CPU-bound: more processes, not threads, use the cores.
workers = env_int("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1))
threads = env_int("GUNICORN_THREADS", 1)
timeout = env_int("GUNICORN_TIMEOUT", 60)  # a worker silent this long is killed and replaced
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)  # on HUP/TERM, time to finish what runs
keepalive = env_int("GUNICORN_KEEPALIVE", 5)  # the TLS proxy in front keeps connections open
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)  # so the workers do not all restart at once
# Addresses whose X-Forwarded-Proto gunicorn believes (the TLS proxy). The client's own address for rate limits
# is decided by the portal (alp_portal.client.client_address), not by gunicorn.
forwarded_allow_ips = env_str("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The heartbeat files of the workers: in memory, not on a disk that may stall.
worker_tmp_dir = env_str("GUNICORN_WORKER_TMP_DIR", "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp")

# One access line per request on stdout ("-"), or to a file; GUNICORN_ACCESS_LOG=off turns it off when the
# portal's own request log (logger alp.requests) is enough. %(D)s is the duration in microseconds.
_access_log = env_str("GUNICORN_ACCESS_LOG", "-")
accesslog = None if _access_log == "off" else _access_log
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'
errorlog = env_str("GUNICORN_ERROR_LOG", "-")
loglevel = env_str("GUNICORN_LOG_LEVEL", "info")

# gunicorn's control socket lives at one fixed path in the home directory by default, so a second gunicorn on
# the same machine would take it over: off unless asked for.
control_socket_disable = not env_bool("GUNICORN_CONTROL_SOCKET", False)
proc_name = env_str("GUNICORN_PROC_NAME", "alp-portal")


def post_worker_init(worker):
    """The application is loaded: its modules, classes, URL patterns and templates live as long as the worker.
    Frozen, they are left out of the garbage collector's full passes, which walked all 170,000 of them every few
    seconds under load (the attendance list's full collections: 0.49 ms a request in-process, 0.03 ms frozen;
    issue 14). What requests allocate is collected as before."""
    gc.freeze()
