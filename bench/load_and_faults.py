"""Benchmark: the portal as it runs in production, on loopback, under load and under faults.

Starts everything itself and stops by itself: a private PostgreSQL cluster (bench/processes.py), the
2,000-government synthetic region (`manage.py generate_region`), two gunicorn processes of 2 workers each
(alp_portal/gunicorn_conf.py, ports chosen at random on 127.0.0.1) and two `db_worker`s. The clients are
threads of this process behind a small "load balancer" of its own: each request goes to the next gunicorn in
turn with an X-Forwarded-For of its own visitor (DJANGO_BEHIND_PROXY=true, one trusted proxy, as behind the
TLS proxy), and a GET that finds a gunicorn gone is tried on the other, as nginx's proxy_next_upstream does.

1. Load: 32 clients for 60 s over the public home, /verify/<code>/, an official's home and Automapeo, and the
   admin's local governments changelist (2,000 rows): requests/s, p50/p95/p99, errors.
2. PostgreSQL stopped for 10 s under that load: the answers meanwhile (the 503 page?), how soon answers are 200
   again once it is back, and whether every row committed before is still there.
3. One gunicorn SIGKILLed under load: the other keeps answering; errors seen by the balancer and by clients.
4. One db_worker SIGKILLed during a batch of 2,000 certificates: the other finishes it; each recognition exactly
   once, with its PDF (and the PDF's SHA-256).

Run as root from the project root (about ten minutes): .venv/bin/python bench/load_and_faults.py
"""

import argparse
import atexit
import hashlib
import http.client
import itertools
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.issuance_workers import queued_batch, setup_django
from bench.processes import (
    ROOT,
    load_average,
    portal_environment,
    postgres_cluster,
    start_worker,
    stop,
    wait_until,
)
from bench.region import staff_and_official

OUTAGE_MARK = "El portal no está disponible por un momento"  # the 503 page's heading (Spanish, the default)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(environment, port, log_path, tree=ROOT):
    """A gunicorn of 2 workers with the project's config, serving the code in `tree` (a worktree of another
    commit, for bench/page_ab.py)."""
    env = {
        **environment,
        "PYTHONPATH": str(tree),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": "off",  # the portal's own request lines are in the log
        "GUNICORN_PROC_NAME": f"alp-bench-{port}",
    }
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "python:alp_portal.gunicorn_conf", "alp_portal.wsgi"],
            cwd=tree,
            env=env,
            stdout=log,
            stderr=log,
        )


def answers(port, path="/healthz"):
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        return connection.getresponse().status
    except OSError:
        return None


class Balancer:
    """Round robin over the gunicorns; a backend that refuses a connection is left out for 5 s."""

    def __init__(self, ports):
        self.ports = ports
        self.down_until = dict.fromkeys(ports, 0.0)
        self.turn = itertools.count()
        self.lock = threading.Lock()
        self.failovers = 0

    def order(self):
        now = time.monotonic()
        start = next(self.turn)
        ports = [self.ports[(start + i) % len(self.ports)] for i in range(len(self.ports))]
        return [p for p in ports if self.down_until[p] <= now] or ports

    def mark_down(self, port):
        with self.lock:
            self.down_until[port] = time.monotonic() + 5
            self.failovers += 1


class Client(threading.Thread):
    def __init__(self, balancer, targets, until, results, number):
        super().__init__(daemon=True)
        self.balancer, self.targets, self.until, self.results = balancer, targets, until, results
        self.connections = {}
        self.turn = itertools.cycle(random.Random(number).sample(targets, len(targets)))
        self.random = random.Random(number)

    def connection(self, port):
        if port not in self.connections:
            self.connections[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        return self.connections[port]

    def request(self, port, path, cookie):
        r = self.random
        headers = {
            "Host": "127.0.0.1",
            "Accept-Language": "es",
            # The TLS proxy appends the visitor's address: every request comes from a visitor of its own (an
            # address of the benchmarking range 198.18.0.0/15, written in a header only: nothing is sent there).
            "X-Forwarded-For": f"198.{18 + r.randrange(2)}.{r.randrange(256)}.{r.randrange(1, 255)}",
        }
        if cookie:
            headers["Cookie"] = f"sessionid={cookie}"
        connection = self.connection(port)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            self.connections.pop(port, None)
            raise
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            self.connections.pop(port, None)
        return response.status, body

    def run(self):
        while time.monotonic() < self.until:
            name, path, cookie = next(self.turn)
            started = time.monotonic()
            status, body, error = None, b"", None
            for port in self.balancer.order():
                try:
                    status, body = self.request(port, path, cookie)
                    break
                except (OSError, http.client.HTTPException) as exc:
                    error = type(exc).__name__
                    self.balancer.mark_down(port)
            finished = time.monotonic()
            self.results.append((started, finished, name, status, OUTAGE_MARK.encode() in body, error))


def run_load(balancer, targets, seconds, clients=32):
    results, until = [], time.monotonic() + seconds
    threads = [Client(balancer, targets, until, results, n) for n in range(clients)]
    for thread in threads:
        thread.start()
    return threads, results


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def summarize(results, seconds):
    latencies = [(finished - started) * 1000 for started, finished, *_ in results]
    statuses = Counter(status for *_, status, _mark, _error in results)
    lines = [
        f"  {len(results)} requests in {seconds:.0f} s = {len(results) / seconds:.1f} requests/s; "
        f"p50 {percentile(latencies, 0.5):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms, "
        f"p99 {percentile(latencies, 0.99):.0f} ms; statuses {dict(sorted(statuses.items(), key=str))}"
    ]
    by_page = defaultdict(list)
    for started, finished, name, status, *_ in results:
        by_page[name].append(((finished - started) * 1000, status))
    for name, rows in by_page.items():
        values = [ms for ms, _ in rows]
        errors = sum(1 for _, status in rows if status != 200)
        lines.append(
            f"    {name}: {len(rows)} requests, p50 {percentile(values, 0.5):.0f} ms, "
            f"p95 {percentile(values, 0.95):.0f} ms, p99 {percentile(values, 0.99):.0f} ms, errors {errors}"
        )
    return lines


def prepare(args):
    """The region, the people whose pages are loaded, a recognition to verify; returns the targets."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.test.utils import override_settings

    from certificates.services import process_issuance
    from initiative.models import Initiative

    with open(os.devnull, "w") as quiet:
        call_command("generate_region", "--governments", str(args.governments), stdout=quiet)
    Initiative.objects.filter(slug="synthetic-region").update(stage="workshop")  # the Automapeo open

    def session_for(user):
        session = import_module(settings.SESSION_ENGINE).SessionStore()  # as the servers read it
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    staff, official = staff_and_official()
    # One recognition to verify, issued as issuance does it.
    batch = queued_batch("verify", [official.pk], staff)
    with override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}):
        process_issuance(batch_id=batch.pk)
    code = batch.items.get().recognition.code
    staff_cookie, official_cookie = session_for(staff), session_for(official.user)
    return staff, [
        ("public home", "/", None),
        ("verify", f"/verify/{code}/", None),
        ("official's home", "/", official_cookie),
        ("Automapeo", "/automapeo/", official_cookie),
        ("admin changelist", "/admin/authorities/localgovernment/", staff_cookie),
    ]


@contextmanager
def region_in_process(args, workdir):
    """For the in-process benchmarks: a private cluster holding `prepare`'s region (analyzed, as autovacuum would
    have after its bulk inserts), this process's Django set up on it; yields the session cookies of the official
    and of regional staff, {"official": ..., "staff": ...}."""
    with postgres_cluster() as cluster:
        os.environ.update(portal_environment(cluster, Path(workdir) / "media", DJANGO_LOG_LEVEL="WARNING"))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", "--no-input", verbosity=0)
        _staff, targets = prepare(args)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        yield {
            "official": next(cookie for name, _path, cookie in targets if name == "official's home"),
            "staff": next(cookie for name, _path, cookie in targets if name == "admin changelist"),
        }


def committed_rows():
    from django.db import connection

    tables = ["authorities_official", "authorities_localgovernment", "workshops_attendance", "certificates_recognition"]
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*), md5(string_agg(id::text, ',' ORDER BY id)) FROM {table}")
            counts[table] = cursor.fetchone()
    return counts


def phase_outage(cluster, balancer, targets, lines):
    from django.db import connection

    before = committed_rows()
    connection.close()
    threads, results = run_load(balancer, targets, 35)
    time.sleep(10)
    stopped_at = time.monotonic()
    cluster.stop("fast")
    time.sleep(10)
    back_at = time.monotonic()
    cluster.start()
    for thread in threads:
        thread.join()
    during = [r for r in results if r[0] >= stopped_at + 0.5 and r[1] <= back_at]
    statuses = Counter((status, mark) for _s, _f, _n, status, mark, _e in during)
    after = [r for r in results if r[0] >= back_at]
    not_ok_after = [r for r in after if r[3] != 200]
    recovered = max((r[1] for r in not_ok_after), default=back_at) - back_at
    around = [r for r in results if stopped_at - 0.5 <= r[0] < stopped_at + 0.5]
    lines += [
        "2. PostgreSQL stopped for 10 s under the load of 32 clients:",
        f"  answers while it was down: {len(during)}, of which our 503 page: "
        f"{sum(n for (status, mark), n in statuses.items() if status == 503 and mark)}; "
        f"every answer by (status, 503 page): {dict(statuses)}",
        f"  in the half second around the stop: {dict(Counter(r[3] for r in around))}",
        f"  answers after it was back: {len(after)}, not 200: {len(not_ok_after)}; the last one not 200 came "
        f"{recovered:.1f} s after the restart began (target: 200 again within 5 s)",
    ]
    connection.close()
    wait_until(lambda: _database_answers(), 30, "the database")
    after_rows = committed_rows()
    lines.append(
        f"  rows committed before the outage: {sum(c for c, _ in before.values())} in "
        f"{len(before)} tables, all still there and the same: {after_rows == before}"
    )


def _database_answers():
    from django.db import OperationalError, connection

    try:
        connection.ensure_connection()
        return True
    except OperationalError:
        connection.close()
        return False


def phase_web_kill(gunicorns, balancer, targets, lines):
    threads, results = run_load(balancer, targets, 20)
    time.sleep(5)
    killed_at = time.monotonic()
    victim_port, victim = next(iter(gunicorns.items()))
    os.kill(victim.pid, signal.SIGKILL)  # the master: its workers see their parent gone and exit
    for thread in threads:
        thread.join()
    before = [r for r in results if r[0] < killed_at]
    after = [r for r in results if r[0] >= killed_at]
    errors_after = [r for r in after if r[3] != 200]
    lines += [
        f"3. One gunicorn (port {victim_port}) killed with SIGKILL under the load of 32 clients:",
        f"  before: {len(before)} answers in 5 s; after: {len(after)} answers in 15 s, errors seen by clients "
        f"{len(errors_after)} {dict(Counter((r[3], r[5]) for r in errors_after))}; requests the balancer moved to "
        f"the other gunicorn after a refused or broken connection: {balancer.failovers}",
    ]


def phase_worker_kill(environment, workdir, staff, lines, count):
    from django.conf import settings

    from authorities.models import Official
    from certificates.enums import BatchStatus, RecognitionStatus
    from certificates.models import IssuanceBatch, IssuanceItem, Recognition
    from certificates.services import enqueue_issuance
    from certificates.tasks import run_issuance

    officials = list(Official.objects.order_by("pk").values_list("pk", flat=True)[:count])
    batch = queued_batch("worker-kill", officials, staff)
    logs = [workdir / "kill-worker-1.log", workdir / "kill-worker-2.log"]
    workers = [start_worker(environment, log) for log in logs]
    try:
        wait_until(lambda: all("Starting worker" in log.read_text() for log in logs), 120, "the workers")
        started = time.monotonic()
        enqueue_issuance(run_issuance, batch.pk)
        wait_until(lambda: IssuanceBatch.objects.get(pk=batch.pk).done >= count // 5, 600, "a fifth of the batch")
        done_at_kill = IssuanceBatch.objects.get(pk=batch.pk).done
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait()
        wait_until(
            lambda: IssuanceBatch.objects.get(pk=batch.pk).status == BatchStatus.FINISHED, 1200, "the batch's end"
        )
        seconds = time.monotonic() - started
    finally:
        for worker in workers:
            stop(worker)
    batch.refresh_from_db()
    recognitions = list(Recognition.objects.filter(initiative=batch.initiative))
    holders = {r.official_id for r in recognitions}
    media = Path(settings.MEDIA_ROOT)
    intact = sum(
        1
        for r in recognitions
        if r.status == RecognitionStatus.ISSUED
        and r.pdf
        and hashlib.sha256((media / r.pdf.name).read_bytes()).hexdigest() == r.pdf_sha256
    )
    items = IssuanceItem.objects.filter(batch=batch)
    lines += [
        f"4. A batch of {count} certificates on two db_workers, one killed with SIGKILL after {done_at_kill} were "
        f"issued (chunks held by a stopped worker are taken again after "
        f"ALP_ISSUANCE_LEASE_SECONDS={environment['ALP_ISSUANCE_LEASE_SECONDS']}):",
        f"  the other finished it: {batch.status}, {batch.done} issued, {batch.failed} failed, in {seconds:.0f} s; "
        f"{len(recognitions)} recognitions for {len(holders)} holders (once each: {len(recognitions) == count}); "
        f"valid with their PDF and its SHA-256: {intact}; items e-mailed: {items.exclude(emailed_at=None).count()}",
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--governments", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "load_and_faults.txt"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="alp-bench-load-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    lines = []
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)  # the PDFs and logs, in memory
    with postgres_cluster() as cluster:
        environment = portal_environment(
            cluster,
            workdir / "media",
            DJANGO_BEHIND_PROXY="true",
            DJANGO_TRUSTED_PROXY_COUNT="1",
            ALP_ISSUANCE_LEASE_SECONDS="20",
        )
        setup_django(environment)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", "--no-input", verbosity=0)
        setup_started = time.monotonic()
        staff, targets = prepare(args)
        lines.append(
            f"setup: generate_region --governments {args.governments} and the accounts in "
            f"{time.monotonic() - setup_started:.0f} s"
        )
        ports = [free_port(), free_port()]
        gunicorns = {port: start_gunicorn(environment, port, workdir / f"gunicorn-{port}.log") for port in ports}
        workers = [start_worker(environment, workdir / f"worker-{i}.log") for i in (1, 2)]
        try:
            wait_until(lambda: all(answers(port) == 200 for port in ports), 120, "the gunicorns")
            balancer = Balancer(ports)
            warm_threads, _ = run_load(balancer, targets, 5, clients=4)  # every worker's first request
            for thread in warm_threads:
                thread.join()
            threads, results = run_load(balancer, targets, args.seconds)
            for thread in threads:
                thread.join()
            lines.append(
                f"1. Load: 32 clients for {args.seconds} s over 5 pages, two gunicorns of 2 workers each "
                f"(load average at the end {load_average()}):"
            )
            lines += summarize(results, args.seconds)
            phase_outage(cluster, balancer, targets, lines)
            wait_until(lambda: all(w.poll() is None for w in workers), 5, "the workers to survive the outage")
            lines.append(f"  both db_workers still running after the outage: {all(w.poll() is None for w in workers)}")
            phase_web_kill(gunicorns, balancer, targets, lines)
        finally:
            for process in [*gunicorns.values(), *workers]:
                stop(process)
        phase_worker_kill(environment, workdir, staff, lines, args.batch)

    header = [
        "Load and faults: two gunicorns (2 workers each) and two db_workers on one PostgreSQL, loopback only",
        f"machine: {os.cpu_count()} cores shared with other work, Python {platform.python_version()}, PostgreSQL 15 "
        "(private cluster, unix socket, fsync off); the load clients run on the same 2 cores as the servers",
    ]
    lines = [*header, *lines, f"load average at the end: {load_average()}"]
    lines.append("command: python bench/load_and_faults.py")
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)


if __name__ == "__main__":
    main()
