"""Benchmark: the public pages of an initiative at three region sizes (issue 14, item 1): server time, queries and
bytes of HTML of each page when its data were just changed (computed) and when read again (from the cache,
initiative/freshness.py), against a trivial page measured in the same run.

For each size, generates the synthetic region (`manage.py generate_region --governments N`) in a throw-away
database (SQLite, or a database of its own on the PostgreSQL server given), recognizes every invited government
and official, publishes every piece, and reads each page through Django's test client (medians of 5).

    python bench/public_pages.py [--governments 200 2000 13400] [--postgres URL] [--out bench/results/public_pages.txt]
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.region import main_by_size, recognized_region, setup_django  # noqa: E402

PAGES = [
    "initiative:detail",
    "initiative:automapeo",
    "initiative:almi",
    "initiative:recognized",
    "initiative:questionnaires",
]


def measure(governments, postgres):
    setup_django(postgres, prefix="alp-pages-bench-")
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from initiative.models import Initiative

    initiative, _staff = recognized_region(governments, consenting=True)
    client = Client()

    def timed(url):
        reset_queries()  # the log keeps 9,000 queries: full after the generation, it would count none
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, secure=True)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, len(queries.captured_queries), len(response.content)

    trivial = statistics.median(timed(reverse("certificates:verify_form"))[0] for _ in range(5))
    rows = []
    for name in PAGES:
        url = reverse(name, args=[initiative.slug])
        computed = []
        for _ in range(5):
            Initiative.objects.filter(pk=initiative.pk).update(updated=timezone.now())  # the data change
            computed.append(timed(url))
        cached = [timed(url) for _ in range(5)]
        rows.append(
            f"{governments:>7,} {name.split(':')[1]:<15} | "
            f"{statistics.median(c[0] for c in computed) * 1000:>8.0f} ms {computed[-1][1]:>3} q | "
            f"{statistics.median(c[0] for c in cached) * 1000:>8.0f} ms {cached[-1][1]:>3} q | "
            f"{cached[-1][2] / 1024:>7.0f} KiB | {trivial * 1000:>5.1f} ms"
        )
    return "\n".join(rows)


def main():
    main_by_size(
        __file__,
        __doc__,
        measure,
        "pages",
        lambda system: [
            f"Public pages of an initiative ({system}; every piece published, everyone recognized and consenting; "
            "medians of 5)",
            "governments page            | data just changed  | read again (cache) |    HTML | trivial page",
        ],
        lambda stdout: [line for line in stdout.splitlines() if " q |" in line],
    )


if __name__ == "__main__":
    main()
