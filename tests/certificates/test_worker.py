"""Issuance in a real background worker: django_tasks_db's `db_worker`, a process of its own on the test
database, killed (SIGKILL) in the middle of a batch, then `resume_issuances` and a worker again. Every
recognition comes out once, with its PDF on disk and the SHA-256 of that PDF.

PostgreSQL only: the worker is another process and the SQLite test database lives in this one's memory.
"""

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from certificates.chunks import CHUNK_SIZE
from certificates.enums import BatchStatus, ItemStatus, RecognitionStatus
from certificates.models import IssuanceItem, Recognition
from certificates.services import start_issuance
from tests import factories as f
from tests.certificates.helpers import cohort, qualify

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a database it can share"),
]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
PEOPLE = 2 * CHUNK_SIZE + 20  # three chunks: time to kill the worker while it is on the second one


@pytest.fixture(autouse=True)
def shared_cache_table():
    """The workers run on the production settings, whose cache is a table of the database: created with the schema
    under those settings (alp_portal/migrations/0002), not under the tests' (a cache in memory). Issuing announces
    the recognitions it writes there (alp_portal/generations.py)."""
    from alp_portal import settings as production

    with override_settings(CACHES=production.CACHES):
        call_command("createcachetable", verbosity=0)


def worker_environment(media_root):
    database = connection.settings_dict
    credentials = quote(database["USER"]) + (f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else "")
    host = database["HOST"]
    if host.startswith("/"):  # a unix socket directory
        url = f"postgres://{credentials}@/{database['NAME']}?host={quote(host)}"
    else:
        url = f"postgres://{credentials}@{host}:{database['PORT'] or 5432}/{database['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alp_portal.settings",  # the production settings, not the tests'
        "DATABASE_URL": url,
        "DJANGO_TASKS_BACKEND": "database",
        "DJANGO_MEDIA_ROOT": str(media_root),
        "DJANGO_EMAIL_BACKEND": "console",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "worker-test-" + "x" * 50,
        "SITE_URL": settings.SITE_URL,
    }


def start_worker(environment, log, *arguments):
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}")
        time.sleep(0.02)


def eligible_cohort(people):
    """An initiative with `people` eligible officials of three governments, and a regional staff member."""
    initiative, launch, sessions = cohort()
    governments = [f.make_government(country, name=f"Gobierno {country}") for country in ("AR", "BR", "CL")]
    for i in range(people):
        official = f.make_official(governments[i % 3], first_name=f"Persona {i}", last_name="Núñez")
        qualify(official, launch, sessions, initiative)
    return initiative, people + len(governments), f.make_regional_staff()


def assert_issued_once_each(initiative, total, media_root):
    recognitions = list(Recognition.objects.filter(initiative=initiative))
    assert len(recognitions) == total  # one each: nothing issued twice
    assert {r.status for r in recognitions} == {RecognitionStatus.ISSUED}
    for recognition in recognitions:
        path = Path(media_root, recognition.pdf.name)
        assert path.read_bytes()[:5] == b"%PDF-"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == recognition.pdf_sha256
    return recognitions


def test_worker_killed_in_the_middle_of_a_batch_resumes_and_issues_each_once(tmp_path):
    initiative, total, regional = eligible_cohort(PEOPLE)
    media_root = tmp_path / "media"
    environment = worker_environment(media_root)

    with override_settings(TASKS=DATABASE_TASKS):
        batch = start_issuance(initiative=initiative, by=regional)  # queued in the database, not run here
    assert batch.total == total

    def progress():
        batch.refresh_from_db()
        return batch.done

    with open(tmp_path / "worker-1.log", "wb") as log:
        worker = start_worker(environment, log)
        try:
            wait_for(lambda: progress() >= CHUNK_SIZE, 120, "the first chunk")
            os.kill(worker.pid, signal.SIGKILL)  # no chance to clean up, as when a machine goes down
        finally:
            worker.kill()
            worker.wait(10)
    assert worker.returncode == -signal.SIGKILL
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RUNNING
    assert CHUNK_SIZE <= batch.done < total, (tmp_path / "worker-1.log").read_text()

    with override_settings(TASKS=DATABASE_TASKS):
        out = io.StringIO()
        call_command("resume_issuances", stdout=out)
    assert out.getvalue() == "1 unfinished issuances queued again.\n"
    with open(tmp_path / "worker-2.log", "wb") as log:
        worker = start_worker(environment, log, "--batch")  # works through the queue, then exits
        assert worker.wait(180) == 0, (tmp_path / "worker-2.log").read_text()

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.skipped, batch.failed) == (BatchStatus.FINISHED, total, 0, 0)
    assert not IssuanceItem.objects.filter(batch=batch).exclude(status=ItemStatus.ISSUED).exists()
    assert not IssuanceItem.objects.filter(batch=batch, emailed_at=None).exists()
    recognitions = assert_issued_once_each(initiative, total, media_root)
    # The killed worker may have stored PDFs it had no time to record: they stay as files nobody points to
    # (deleting "ours" could delete what another worker is about to record), at most one chunk of them.
    stored = {path.relative_to(media_root).as_posix() for path in media_root.rglob("*.pdf")}
    assert {r.pdf.name for r in recognitions} <= stored
    assert len(stored) - total <= CHUNK_SIZE


def test_two_workers_on_two_issuances_of_the_same_people_issue_and_announce_each_once(tmp_path):
    # Staff pressed "issue" twice (two batches for the same people) and two workers take one each, at once.
    initiative, total, regional = eligible_cohort(CHUNK_SIZE + 10)
    media_root = tmp_path / "media"
    environment = worker_environment(media_root)
    with override_settings(TASKS=DATABASE_TASKS):
        batches = [start_issuance(initiative=initiative, by=regional) for _ in range(2)]
    assert [batch.total for batch in batches] == [total, total]

    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = []
    for path in logs:
        with open(path, "wb") as log:
            workers.append(start_worker(environment, log, "--batch"))
    for worker, path in zip(workers, logs, strict=True):
        assert worker.wait(180) == 0, path.read_text()

    for batch in batches:
        batch.refresh_from_db()
        assert (batch.status, batch.failed) == (BatchStatus.FINISHED, 0), batch.pk
        assert batch.done + batch.skipped == total
    assert sum(batch.done for batch in batches) == total  # each recognition issued by one item
    assert_issued_once_each(initiative, total, media_root)
    emailed = IssuanceItem.objects.filter(batch__in=batches).exclude(emailed_at=None).count()
    sent = sum(path.read_text().count("\nMessage-ID: ") for path in logs)  # the console mail backend's output
    assert emailed == sent == total


def mails_in(path):
    return path.read_text().count("\nMessage-ID: ")  # the console mail backend's output


def test_one_batch_is_shared_by_two_workers(tmp_path):
    """A batch is split into chunk tasks: two workers issue parts of the same batch."""
    initiative, total, regional = eligible_cohort(3 * CHUNK_SIZE + 20)
    media_root = tmp_path / "media"
    environment = worker_environment(media_root)
    with override_settings(TASKS=DATABASE_TASKS):
        batch = start_issuance(initiative=initiative, by=regional)
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = []
    for path in logs:
        with open(path, "wb") as log:
            workers.append(start_worker(environment, log))  # both wait for tasks
    try:
        wait_for(lambda: IssuanceItem.objects.filter(batch=batch, emailed_at=None).count() == 0, 240, "the batch")
        wait_for(lambda: batch.__class__.objects.get(pk=batch.pk).status == BatchStatus.FINISHED, 30, "the end")
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)  # graceful: each finishes its task
        for worker in workers:
            worker.wait(60)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.skipped, batch.failed) == (BatchStatus.FINISHED, total, 0, 0)
    assert_issued_once_each(initiative, total, media_root)
    sent = [mails_in(path) for path in logs]
    assert sum(sent) == total
    assert min(sent) > 0, sent  # each worker issued (and announced) a share of the one batch


def test_a_killed_workers_chunk_is_finished_by_the_other_worker(tmp_path):
    """No resume: the chunk the killed worker held is taken by the other once its hold expires."""
    initiative, total, regional = eligible_cohort(3 * CHUNK_SIZE + 20)
    media_root = tmp_path / "media"
    environment = {**worker_environment(media_root), "ALP_ISSUANCE_LEASE_SECONDS": "3"}
    with override_settings(TASKS=DATABASE_TASKS):
        batch = start_issuance(initiative=initiative, by=regional)

    def done():
        batch.refresh_from_db()
        return batch.done

    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    with open(logs[0], "wb") as log_1, open(logs[1], "wb") as log_2:
        victim = start_worker(environment, log_1)
        survivor = start_worker(environment, log_2)
        try:
            wait_for(lambda: done() >= CHUNK_SIZE, 120, "the first chunk")
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait(10)
            wait_for(lambda: done() + batch.failed == total, 180, "the survivor to finish the batch")
            wait_for(lambda: batch.__class__.objects.get(pk=batch.pk).status == BatchStatus.FINISHED, 30, "the end")
        finally:
            victim.kill()
            survivor.send_signal(signal.SIGTERM)
            survivor.wait(60)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.skipped, batch.failed) == (BatchStatus.FINISHED, total, 0, 0)
    assert_issued_once_each(initiative, total, media_root)
    assert not IssuanceItem.objects.filter(batch=batch, emailed_at=None).exists()
