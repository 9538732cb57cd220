"""Benchmark: start a new cohort from one like 2023's (issue 15, item 4: "in under a second").

The 2023 cohort: a launch with one session, two workshop editions of five sessions each, six agenda lines a session,
40 stakeholders, 10 resources, 40 invited officials with their attendance (which must not be copied). The copy
(`initiative.cloning.clone_initiative`) runs five times on a throw-away SQLite database; the median and the
number of queries are written out. Run from the project root:

    SITE_URL=http://localhost:8000 python bench/clone_cohort.py [--out bench/results/clone_cohort.txt]
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build():
    from django.contrib.auth import get_user_model

    from authorities.models import LocalGovernment, Official
    from initiative.models import Initiative, Resource, Stakeholder
    from workshops.enums import EventKind
    from workshops.models import AgendaItem, Attendance, Event, Session

    staff = get_user_model().objects.create_user(username="staff", email="staff@iom.test", is_staff=True)
    old = Initiative.objects.create(name="ALP Sudamérica 2023", slug="alp-2023", year=2023, region="América del Sur")
    start = datetime(2023, 8, 15, 15, tzinfo=UTC)
    sessions = []
    launch = Event.objects.create(initiative=old, kind=EventKind.LAUNCH, title="Lanzamiento")
    sessions.append(Session(event=launch, title="Apertura", starts_at=start, ends_at=start + timedelta(hours=2)))
    for edition in (1, 2):
        event = Event.objects.create(
            initiative=old, kind=EventKind.WORKSHOP, edition=edition, title=f"Taller {edition}"
        )
        for day in range(5):
            at = start + timedelta(days=20 * edition + day)
            sessions.append(Session(event=event, title=f"Día {day + 1}", starts_at=at, ends_at=at + timedelta(hours=3)))
    sessions = Session.objects.bulk_create(sessions)
    AgendaItem.objects.bulk_create(
        [AgendaItem(session=s, starts_at=clock(9 + i), activity=f"Módulo {i}") for s in sessions for i in range(6)]
    )
    Stakeholder.objects.bulk_create(
        [Stakeholder(initiative=old, name=f"Actor {i}", email=f"actor{i}@example.org") for i in range(40)]
    )
    Resource.objects.bulk_create(
        [Resource(initiative=old, title=f"Recurso {i}", url=f"https://example.org/{i}.pdf") for i in range(10)]
    )
    government = LocalGovernment.objects.create(name="Rosario", country="AR")
    officials = Official.objects.bulk_create(
        [
            Official(local_government=government, first_name=f"P{i}", last_name="X", email=f"p{i}@example.org")
            for i in range(40)
        ]
    )
    Attendance.objects.bulk_create(
        [Attendance(official=o, session=s, seconds=7200, status="present") for o in officials for s in sessions]
    )
    return old, staff


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "clone_cohort.txt"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="alp-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alp_portal.settings")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from initiative.cloning import clone_initiative

    call_command("migrate", verbosity=0)
    old, staff = build()
    times, queries = [], []
    for run in range(5):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            clone_initiative(
                source=old, name=f"Copia {run}", year=2027, region="Sur", launch_date=date(2027, 8, 10), by=staff
            )
            times.append(time.perf_counter() - began)
        queries.append(len(captured))
    lines = [
        "Start a new cohort from one like 2023's: 3 events, 11 sessions, 66 agenda lines, "
        "40 stakeholders, 10 resources",
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, database SQLite (file)",
        f"clone_initiative: median {statistics.median(times) * 1000:.1f} ms, slowest {max(times) * 1000:.1f} ms "
        f"of 5 runs; {queries[0]} queries each ({sorted(set(queries))})",
        "command: SITE_URL=http://localhost:8000 python bench/clone_cohort.py",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
