"""Benchmark: the cohort report at three region sizes (issue 14, item 5): the background rendering, and what a
reader waits for (the stored PDF served, the page of a report being rendered).

For each size, generates the synthetic region (`manage.py generate_region --governments N`) in a throw-away
SQLite database, recognizes every invited government and official, publishes every piece, and measures:
the data fingerprint (one query), the rendering of the Spanish report (`render_stored_report`, as the worker
runs it), the reader's request when the stored report is current (median of 7), and when it is being rendered
(the database backend's worker not having run: the page that offers the previous version).

    python bench/report_pdf.py [--governments 200 2000 13400] [--out bench/results/report_pdf.txt]
    python bench/report_pdf.py --postgres postgres://postgres@/alp?host=/tmp/pg.X   # a database per size in it
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(governments, postgres):
    workdir = Path(tempfile.mkdtemp(prefix="alp-report-bench-"))
    os.environ["DATABASE_URL"] = postgres or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alp_portal.settings")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_DEBUG"] = "true"  # static files without collectstatic
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from authorities.models import LocalGovernment, Official
    from certificates.enums import RecognitionKind
    from certificates.models import Recognition
    from initiative.enums import Piece, Stage
    from initiative.freshness import data_fingerprint
    from initiative.models import Initiative, Publication, ReportFile
    from initiative.report import pieces_key, render_stored_report
    from tests.factories import VALID_RECOGNITION as VALID

    call_command("migrate", verbosity=0)
    call_command("generate_region", governments=governments, verbosity=0)
    initiative = Initiative.objects.get(slug="synthetic-region")
    Initiative.objects.filter(pk=initiative.pk).update(stage=Stage.DISSEMINATION)
    initiative.refresh_from_db()
    staff = get_user_model().objects.create_superuser("bench@iom.test", "bench@iom.test", "x")
    now = timezone.now()
    invited = LocalGovernment.objects.filter(officials__invitations__initiative=initiative).distinct()
    Recognition.objects.bulk_create(
        Recognition(
            initiative=initiative,
            kind=RecognitionKind.GOVERNMENT,
            local_government=g,
            holder_name=g.name,
            issued_at=now,
            issued_by=staff,
            **VALID,
        )
        for g in invited
    )
    Recognition.objects.bulk_create(
        Recognition(
            initiative=initiative,
            kind=RecognitionKind.PERSON,
            official=o,
            holder_name=o.full_name,
            issued_at=now,
            issued_by=staff,
            **VALID,
        )
        for o in Official.objects.filter(local_government__in=invited)
    )
    # Published directly: set_publication would queue the three languages' renderings, run at once here.
    Publication.objects.bulk_create(
        Publication(initiative=initiative, piece=piece, is_published=True, published_at=now, changed_by=staff)
        for piece in Piece.values
    )

    fingerprints = []
    for _ in range(7):
        reset_queries()  # the log keeps 9,000 queries: full after the generation, it would count none
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            data_fingerprint(initiative)
            fingerprints.append(time.perf_counter() - started)
    report, _ = ReportFile.objects.get_or_create(initiative=initiative, language="es", pieces=pieces_key(Piece.values))
    started = time.perf_counter()
    report = render_stored_report(report.pk)
    render_seconds = time.perf_counter() - started
    size = report.pdf.size

    client = Client()
    url = reverse("initiative:report", args=[initiative.slug]) + "?lang=es"
    served = []
    for _ in range(7):
        reset_queries()
        with CaptureQueriesContext(connection) as serve_queries:
            started = time.perf_counter()
            response = client.get(url, secure=True)
            body = b"".join(response.streaming_content)
            served.append(time.perf_counter() - started)
        assert response.status_code == 200 and len(body) == size
    Initiative.objects.filter(pk=initiative.pk).update(updated=timezone.now())  # the data change
    with override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}):
        pending = []
        for _ in range(7):
            started = time.perf_counter()
            waiting = client.get(url, secure=True)
            pending.append(time.perf_counter() - started)
        assert waiting.status_code == 202
    counts = (
        LocalGovernment.objects.count(),
        Official.objects.count(),
        Recognition.objects.filter(initiative=initiative).count(),
    )
    return (
        f"{counts[0]:>7,} {counts[1]:>9,} {counts[2]:>12,} | {statistics.median(fingerprints) * 1000:>8.1f} ms "
        f"({len(queries.captured_queries)} query) | {render_seconds:>8.2f} s {size / 1024:>8.0f} KiB | "
        f"{statistics.median(served) * 1000:>7.1f} ms ({len(serve_queries.captured_queries)} queries) | "
        f"{statistics.median(pending) * 1000:>7.1f} ms"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--governments", type=int, nargs="+", default=[200, 2000, 13400])
    parser.add_argument("--out", default="")
    parser.add_argument("--postgres", default="", help="A PostgreSQL URL whose server may create databases.")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a size, measured in its own process
    args = parser.parse_args()
    if args.one:
        print(measure(args.one, args.postgres))
        return
    lines = [
        f"Cohort report, rendered in the background and served from the storage ({platform.python_version()}, "
        f"{platform.machine()}, {'PostgreSQL' if args.postgres else 'SQLite'}; every piece published, every invited "
        "government and official recognized)",
        "governments officials recognitions | fingerprint       | rendering (es), PDF size | reader: stored "
        "report | reader: being rendered",
    ]
    for governments in args.governments:
        postgres = ""
        if args.postgres:  # a fresh database for each size, on the server given
            database = f"alp_report_bench_{governments}_{os.getpid()}"
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {database}")
            postgres = urlsplit(args.postgres)._replace(path=f"/{database}").geturl()
        command = [sys.executable, __file__, "--one", str(governments), "--postgres", postgres]
        run = subprocess.run(command, capture_output=True, text=True, check=True)
        lines.append(run.stdout.strip().splitlines()[-1])
        print(lines[-1], flush=True)
    print("\n".join(lines))
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
