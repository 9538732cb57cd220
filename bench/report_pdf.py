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

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.region import main_by_size, recognized_region, setup_django  # noqa: E402


def measure(governments, postgres):
    setup_django(postgres, prefix="alp-report-bench-")
    from django.db import connection, reset_queries
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from authorities.models import LocalGovernment, Official
    from certificates.models import Recognition
    from initiative.enums import Piece
    from initiative.freshness import data_fingerprint
    from initiative.models import Initiative, ReportFile
    from initiative.report import pieces_key, render_stored_report

    initiative, _staff = recognized_region(governments)

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
    main_by_size(
        __file__,
        __doc__,
        measure,
        "report",
        lambda system: [
            f"Cohort report, rendered in the background and served from the storage ({system}; every piece "
            "published, every invited government and official recognized)",
            "governments officials recognitions | fingerprint       | rendering (es), PDF size | reader: stored "
            "report | reader: being rendered",
        ],
        lambda stdout: stdout.strip().splitlines()[-1:],
    )


if __name__ == "__main__":
    main()
