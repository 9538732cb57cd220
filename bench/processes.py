"""What the multi-process benchmarks share: a private PostgreSQL cluster they start and stop themselves, the
production-like environment of the portal's processes, and reading a process's memory.

The cluster is the one of /work/tools/pg-start and .ci/run: initdb in a temporary directory, owned by the
postgres user (the benchmarks run as root, as CI does), listening on its unix socket only, fsync off (a
benchmark's cluster is thrown away; the figures are the portal's, not the disk's).
"""

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def as_postgres(*command, **kwargs):
    return subprocess.run(["runuser", "-u", "postgres", "--", *map(str, command)], check=True, **kwargs)


class Cluster:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.data = self.directory / "data"
        self.url = f"postgres://postgres@/alp?host={self.directory}"

    def start(self):
        as_postgres(
            PG_BIN / "pg_ctl", "-D", self.data, "-l", self.directory / "log", "-w", "-o",
            f"-c listen_addresses='' -k {self.directory} -c fsync=off -c max_connections=200",
            "start", stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def stop(self, mode="fast"):
        as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", stdout=subprocess.DEVNULL)

    def is_running(self):
        return (self.data / "postmaster.pid").exists()


@contextmanager
def postgres_cluster():
    """A fresh PostgreSQL 15 cluster with an empty database `alp`; stopped and removed at the end."""
    if not (PG_BIN / "initdb").exists():
        sys.exit(f"PostgreSQL 15 is needed ({PG_BIN}): apt-get install postgresql-15")
    directory = Path(tempfile.mkdtemp(prefix="alp-bench-pg-"))
    shutil.chown(directory, "postgres")
    cluster = Cluster(directory)
    try:
        as_postgres(
            PG_BIN / "initdb", "-D", cluster.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C.UTF-8", stdout=subprocess.DEVNULL,
        )  # fmt: skip
        cluster.start()
        as_postgres(PG_BIN / "createdb", "-h", directory, "-U", "postgres", "alp")
        yield cluster
    finally:
        if cluster.is_running():
            cluster.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)


def portal_environment(cluster, media_root, **extra):
    """The environment of a production process of the portal, on loopback."""
    from certificates.keys import new_private_key, private_multibase

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alp_portal.settings",
        "DATABASE_URL": cluster.url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "https://alp.example.org",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback: no TLS proxy in front
        "DJANGO_TASKS_BACKEND": "database",
        "DJANGO_MEDIA_ROOT": str(media_root),
        "DJANGO_EMAIL_BACKEND": "console",  # mails are written to the process's stdout (sent to /dev/null)
        "DJANGO_LOG_LEVEL": "INFO",
        "ALP_CREDENTIAL_SIGNING_KEY": private_multibase(new_private_key()),
        **extra,
    }


def memory_mib(pid):
    """(resident now, peak resident) of a process, in MiB."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", float("nan")), values.get("VmHWM", float("nan"))


def start_worker(environment, log_path):
    """A `manage.py db_worker` process: its log (stderr) to `log_path`, its stdout (the e-mails) discarded."""
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def stop(process, timeout=30):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def load_average():
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def wait_until(condition, timeout, what, interval=0.2):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(interval)
