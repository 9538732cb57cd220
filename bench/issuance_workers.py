"""Benchmark: one issuance of 10,000 certificates on PostgreSQL with one, then two `db_worker` processes.

End to end as in production: the batch is queued (`run_issuance`, which splits it into chunk tasks), the
workers take the chunks, render each certificate with WeasyPrint, store it (file system), sign its Open Badges
credential, write its e-mail (console backend, to /dev/null) and record the progress; the clock runs from the
enqueue to the batch's end. The workers are started and warm (Django loaded) before the clock starts;
WeasyPrint's first import and fonts are inside the measure, as in a worker's first batch. Eligibility is not:
the batch's items are created directly (one per official).

Reports certificates per second, the speed-up from one worker to two, each worker's peak resident memory
(VmHWM) and its resident memory at a quarter, half, three quarters and the end of the batch (flat means the
chunks free what they use), and the workers' CPU seconds (on a shared machine, certificates per CPU-second
is the steadier figure).

Starts its own PostgreSQL cluster (bench/processes.py) and stops it; run as root from the project root:

    .venv/bin/python bench/issuance_workers.py [--count 10000] [--workers 1,2]
"""

import argparse
import atexit
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.processes import (
    ROOT,
    load_average,
    memory_mib,
    portal_environment,
    postgres_cluster,
    start_worker,
    stop,
    wait_until,
)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def setup_django(environment):
    for name in (
        "DJANGO_SETTINGS_MODULE",
        "DATABASE_URL",
        "DJANGO_DEBUG",
        "DJANGO_SECRET_KEY",
        "SITE_URL",
        "DJANGO_TASKS_BACKEND",
        "DJANGO_MEDIA_ROOT",
        "ALP_CREDENTIAL_SIGNING_KEY",
        "DJANGO_ALLOWED_HOSTS",
    ):
        os.environ[name] = environment[name]
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()


def make_people(count):
    from django.contrib.auth import get_user_model

    from authorities.models import LocalGovernment, Official

    staff = get_user_model().objects.create_user(username="bench", email="bench@iom.test", is_staff=True)
    governments = LocalGovernment.objects.bulk_create(
        LocalGovernment(name=f"Municipalidad de San José de las Piñas {i}", country=c, region="Región")
        for i, c in enumerate(["AR", "BR", "CL", "CO", "PE"] * 20)
    )
    languages = ["es", "pt-br", "en"]
    Official.objects.bulk_create(
        (
            Official(
                first_name=f"María José {i}",
                last_name="Gonçalves Núñez",
                position="Secretaria de Asuntos Migratorios",
                email=f"p{i}@example.org",
                language=languages[i % 3],
                local_government=governments[i % len(governments)],
            )
            for i in range(count)
        ),
        batch_size=2000,
    )
    return staff, list(Official.objects.order_by("pk").values_list("pk", flat=True))


def queued_batch(label, official_ids, staff):
    from bench.issue_certificates import bench_initiative
    from certificates.enums import RecognitionKind
    from certificates.models import IssuanceBatch, IssuanceItem

    initiative = bench_initiative(f"ALP {label}", f"bench-{label}")
    batch = IssuanceBatch.objects.create(initiative=initiative, requested_by=staff, total=len(official_ids))
    IssuanceItem.objects.bulk_create(
        (IssuanceItem(batch=batch, kind=RecognitionKind.PERSON, official_id=pk) for pk in official_ids),
        batch_size=2000,
    )
    return batch


def run(workers, official_ids, staff, environment, workdir):
    from certificates.enums import BatchStatus
    from certificates.models import IssuanceBatch, IssuanceItem, Recognition
    from certificates.services import enqueue_issuance
    from certificates.tasks import run_issuance

    batch = queued_batch(f"{workers}-workers", official_ids, staff)
    logs = [workdir / f"worker-{workers}-{i}.log" for i in range(workers)]
    processes = [start_worker(environment, log) for log in logs]
    try:
        wait_until(lambda: all("Starting worker" in log.read_text() for log in logs), 120, "the workers")
        cpu_before = [cpu_seconds(p.pid) for p in processes]
        marks, samples = [0.25, 0.5, 0.75], {p.pid: [] for p in processes}
        started = time.perf_counter()
        enqueue_issuance(run_issuance, batch.pk)
        total = len(official_ids)
        while True:
            row = IssuanceBatch.objects.values("status", "done", "failed").get(pk=batch.pk)
            if marks and row["done"] >= marks[0] * total:
                marks.pop(0)
                for p in processes:
                    samples[p.pid].append(memory_mib(p.pid)[0])
            if row["status"] == BatchStatus.FINISHED:
                break
            if time.perf_counter() - started > 3600:
                raise TimeoutError("the batch did not finish within an hour")
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        memory = [memory_mib(p.pid) for p in processes]
        cpu = [cpu_seconds(p.pid) - before for p, before in zip(processes, cpu_before, strict=True)]
    finally:
        for p in processes:
            stop(p)
    batch.refresh_from_db()
    recognitions = Recognition.objects.filter(initiative=batch.initiative)
    valid = recognitions.valid().count()
    emailed = IssuanceItem.objects.filter(batch=batch).exclude(emailed_at=None).count()
    return {
        "workers": workers,
        "seconds": seconds,
        "done": batch.done,
        "failed": batch.failed,
        "recognitions": recognitions.count(),
        "valid": valid,
        "emailed": emailed,
        "rate": batch.done / seconds,
        "cpu": cpu,
        "memory": [(samples[p.pid], now, peak) for p, (now, peak) in zip(processes, memory, strict=True)],
        "load": load_average(),
    }


def describe(result):
    lines = [
        f"{result['workers']} worker(s): {result['done']} issued, {result['failed']} failed in "
        f"{result['seconds']:.1f} s = {result['rate']:.1f} certificates/s; {result['recognitions']} recognitions, "
        f"{result['valid']} valid with their PDF, {result['emailed']} e-mailed",
        f"  CPU seconds per worker: {', '.join(f'{c:.1f}' for c in result['cpu'])} "
        f"({result['done'] / sum(result['cpu']):.1f} certificates per worker CPU-second)",
    ]
    for i, (samples, now, peak) in enumerate(result["memory"], 1):
        lines.append(
            f"  worker {i} resident memory at 25/50/75 % (MiB): {', '.join(f'{s:.0f}' for s in samples)}; "
            f"at the end {now:.0f}; peak {peak:.0f} MiB"
        )
    lines.append(f"  load average at the end: {result['load']}")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "issuance_workers.txt"))
    args = parser.parse_args()
    shm = Path("/dev/shm")
    workdir = Path(tempfile.mkdtemp(prefix="alp-bench-workers-", dir=shm if shm.is_dir() else None))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)  # the PDFs and logs, in memory
    with postgres_cluster() as cluster:
        environment = portal_environment(cluster, workdir / "media")
        setup_django(environment)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", "--no-input", verbosity=0)  # DEBUG off: the manifest the credentials name
        staff, official_ids = make_people(args.count)
        results = [run(int(n), official_ids, staff, environment, workdir) for n in args.workers.split(",")]

    lines = [
        f"Issue {args.count} certificates in one batch with db_worker processes (render, store, sign the "
        "credential, e-mail, record)",
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL 15 (private cluster, "
        "unix socket, fsync off), file system storage in memory (/dev/shm)",
    ]
    for result in results:
        lines += describe(result)
    if len(results) >= 2:
        one, two = results[0], results[1]
        lines.append(
            f"speed-up from {one['workers']} to {two['workers']} workers: {two['rate'] / one['rate']:.2f}x by the "
            f"clock (target >= 1.8x), {two['rate']:.1f} certificates/s with {two['workers']} (target >= 100)"
        )
    lines.append(
        "caveat: the machine's 2 cores are shared with other work (see the load averages); two workers need both."
    )
    lines.append(f"command: python bench/issuance_workers.py --count {args.count} --workers {args.workers}")
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)


if __name__ == "__main__":
    main()
