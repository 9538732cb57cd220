"""Benchmark: the staff's deep admin lists and an official's pages at three region sizes (issue 14, items 2 and 3):
server time and queries of each page, first, middle and last page of the longest lists, a filter and a search,
against a trivial page measured in the same run.

For each size, generates the synthetic region (`manage.py generate_region --governments N`, the Automapeo
open) in a throw-away database (SQLite, or a database of its own on the PostgreSQL server given) and reads each
page through Django's test client as regional staff (with a second factor) or as an invited official (medians
of 5, after one read that warms the process).

    python bench/staff_pages.py [--governments 200 2000 13400] [--postgres URL] [--out FILE]
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.region import main_by_size, setup_django, staff_and_official  # noqa: E402

RUNS = 5


def pages(official, staff):
    """(label, url, client user) of every page measured."""
    from authorities.models import Official
    from workshops.models import Attendance

    per_page = 50  # alp_portal.admin.ScopedAdmin.list_per_page
    attendance_pages = max(1, -(-Attendance.objects.count() // per_page))
    official_pages = max(1, -(-Official.objects.count() // per_page))
    attendance = "/admin/workshops/attendance/"
    officials = "/admin/authorities/official/"
    return [
        ("official's home", "/", official),
        ("Automapeo", "/automapeo/", official),
        ("officials list, page 1", officials, staff),
        (f"officials list, last page ({official_pages})", f"{officials}?p={official_pages}", staff),
        ("officials list, search", f"{officials}?q=garcia", staff),
        ("governments list, page 1", "/admin/authorities/localgovernment/", staff),
        ("attendance list, page 1", attendance, staff),
        (f"attendance list, middle page ({attendance_pages // 2})", f"{attendance}?p={attendance_pages // 2}", staff),
        (f"attendance list, last page ({attendance_pages})", f"{attendance}?p={attendance_pages}", staff),
        ("attendance list, country filter", f"{attendance}?country=BR", staff),
        ("attendance list, country filter, last page", f"{attendance}?country=BR&p=last", staff),
        ("attendance list, search", f"{attendance}?q=silva", staff),
    ]


def measure(governments, postgres):
    setup_django(postgres, prefix="alp-staff-bench-")
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from authorities.models import Official
    from initiative.models import Initiative
    from workshops.models import Attendance

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("generate_region", governments=governments, verbosity=0)
    Initiative.objects.filter(slug="synthetic-region").update(stage="workshop")  # the Automapeo open
    staff, official = staff_and_official()
    clients = {None: Client()}
    for user in (staff, official.user):
        clients[user] = Client()
        clients[user].force_login(user)

    def timed(url, user):
        reset_queries()  # the query log is full after the generation: it would count none
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = clients[user].get(url, secure=True)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, len(queries.captured_queries)

    def median(url, user):
        timed(url, user)
        runs = [timed(url, user) for _ in range(RUNS)]
        return statistics.median(run[0] for run in runs), runs[-1][1]

    trivial, _queries = median("/verify/", None)
    rows = [
        f"{governments:>7,} governments, {Official.objects.count():,} officials, "
        f"{Attendance.objects.count():,} attendance rows; trivial page (/verify/) {trivial * 1000:.1f} ms"
    ]
    for label, url, user in pages(official.user, staff):
        url = url.replace("p=last", f"p={last_filtered_page()}")
        seconds, queries = median(url, user)
        rows.append(f"  {label:<48} | {seconds * 1000:>7.0f} ms | {queries:>3} q | {trivial / seconds:>5.3f}x")
    return "\n".join(rows)


def last_filtered_page():
    from workshops.models import Attendance

    return max(1, -(-Attendance.objects.filter(official__local_government__country="BR").count() // 50))


def main():
    main_by_size(
        __file__,
        __doc__,
        measure,
        "staff",
        lambda system: [
            f"Staff lists at depth and an official's pages ({system}; server time through Django's test client, "
            f"medians of {RUNS}; the last column is the trivial page's time over the page's: the speed relative "
            "to it)",
        ],
        lambda stdout: [line for line in stdout.splitlines() if " q |" in line or "trivial page" in line],
    )


if __name__ == "__main__":
    main()
