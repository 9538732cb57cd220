"""Benchmark: import a 2,000-row Zoom participant report, from bytes to confirmed attendance.

    python bench/import_zoom.py [--rows 2000] [--officials 1500]

Builds a throw-away SQLite database (or uses DATABASE_URL if set to something else), creates a synthetic
cohort of officials with Spanish and Portuguese names, writes a Zoom "Participants" CSV in which people
reconnect, change case and accents, or join without their e-mail, and times each step: reading the file,
matching and storing the preview, building the preview page's tables, and confirming. Writes the figures
to bench/results/import_zoom.txt.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST = [
    "María José",
    "Ana",
    "João",
    "Luis",
    "Camila",
    "Pedro",
    "Fernanda",
    "José Luis",
    "Valentina",
    "Thiago",
    "Lucía",
    "Rafael",
    "Gabriela",
    "Mateus",
    "Sofía",
    "Andrés",
    "Beatriz",
    "Diego",
    "Mariana",
    "Gonzalo",
]
SURNAMES = [
    "Pérez",
    "Gutiérrez",
    "da Silva",
    "Gonçalves",
    "Rodríguez",
    "Souza",
    "Fernández",
    "Oliveira",
    "López",
    "Santos",
    "Martínez",
    "Pereira",
    "González",
    "Costa",
    "Sánchez",
    "Almeida",
    "Ramírez",
    "Carvalho",
    "Núñez",
    "Ribeiro",
    "Díaz",
    "Araújo",
    "Torres",
    "Barbosa",
    "Flores",
    "Rocha",
    "Castillo",
    "Lima",
    "Morales",
    "Moreira",
]


def strip(text):
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--officials", type=int, default=1500)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp.name}/bench.sqlite3")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-not-used-anywhere-else-0123456789")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "alp_portal.settings"

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from authorities.models import Invitation, LocalGovernment, Official
    from initiative.models import Initiative
    from tests.workshops.reportfiles import zoom_report
    from workshops.attendance import confirm_attendance_import, import_preview, upload_attendance_report
    from workshops.models import Attendance, Event, Session
    from workshops.reports import parse_report

    call_command("migrate", verbosity=0)
    staff = get_user_model().objects.create_superuser("bench@iom.test", "bench@iom.test", "x")
    initiative = Initiative.objects.create(name="Bench", slug="bench", year=2026, region="South America")
    event = Event.objects.create(initiative=initiative, kind="launch", title="Launch")
    start = datetime(2023, 10, 18, 10, 0).astimezone()
    session = Session.objects.create(event=event, title="S1", starts_at=start, ends_at=start + timedelta(hours=2))
    governments = LocalGovernment.objects.bulk_create(
        LocalGovernment(name=f"Municipio {i}", country=random.choice(["AR", "BR", "CL", "PE", "UY"]))
        for i in range(200)
    )
    rng = random.Random(2023)
    combos = set()
    while len(combos) < args.officials:
        combos.add((rng.choice(FIRST), rng.choice(SURNAMES), rng.choice(SURNAMES)))
    officials = Official.objects.bulk_create(
        Official(
            first_name=first,
            last_name=f"{s1} {s2}",
            email=f"person{i}@gob.example",
            local_government=governments[i % len(governments)],
        )
        for i, (first, s1, s2) in enumerate(sorted(combos))
    )
    Invitation.objects.bulk_create(
        Invitation(official=o, initiative=initiative, status="sent", sent_at=start, token=f"t{o.pk}") for o in officials
    )

    day = datetime(2023, 10, 18, 9, 55)
    rows = []
    for i, official in enumerate(officials):
        join = day + timedelta(seconds=rng.randint(0, 1800))
        leave = join + timedelta(seconds=rng.randint(600, 7200))
        style = i % 4
        if style == 0:
            rows.append((official.full_name, official.email, join, leave, False))
        elif style == 1:
            rows.append((strip(official.full_name).upper(), official.email.upper(), join, leave, False))
        elif style == 2:
            rows.append((f"{official.last_name}, {official.first_name}", "", join, leave, True))
        else:
            rows.append((strip(official.full_name).lower(), "", join, leave, False))
    while len(rows) < args.rows:  # reconnections, some overlapping the first connection
        name, email, join, leave, guest = rows[rng.randrange(len(officials))]
        again = leave - timedelta(seconds=rng.randint(-600, 600))
        rows.append((name, email, again, again + timedelta(seconds=rng.randint(60, 1800)), guest))
    rng.shuffle(rows)
    data = zoom_report(rows[: args.rows])

    timings = {}
    t0 = time.perf_counter()
    report = parse_report(data)
    timings["read the file"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    imp = upload_attendance_report(session=session, file_name="zoom.csv", data=data, by=staff)
    timings["read, match and store the preview"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    preview = import_preview(session, imp, {row["n"]: row["decision"] for row in imp.rows})
    timings["build the preview tables"] = time.perf_counter() - t0

    decisions = {row["n"]: row["candidates"][0] for row in imp.rows if row["match"] == "ambiguous"}
    t0 = time.perf_counter()
    outcome = confirm_attendance_import(attendance_import=imp, decisions=decisions, by=staff)
    timings["confirm (write attendance)"] = time.perf_counter() - t0

    total = timings["read, match and store the preview"] + timings["confirm (write attendance)"]
    lines = [
        f"Zoom participant report: {report.rows_read} rows, {len(report.participants)} participants after merging "
        f"reconnections, {len(data) // 1024} KB; {args.officials} officials invited.",
        f"Database: {connection.vendor}. Machine: {os.cpu_count()} cores. Python {sys.version.split()[0]}.",
        f"Matched {len(preview['matched'])}, ambiguous {len(preview['ambiguous'])}, "
        f"unmatched {len(preview['unmatched'])}; outcome {outcome}.",
        "",
    ]
    for step, seconds in timings.items():
        lines.append(f"{step:<40} {seconds * 1000:8.1f} ms  {report.rows_read / seconds:10.0f} rows/s")
    lines += ["", f"upload + confirm: {total:.3f} s = {report.rows_read / total:.0f} rows/second"]
    text = "\n".join(lines) + "\n"
    out = ROOT / "bench" / "results" / "import_zoom.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(text, end="")
    Attendance.objects.all().delete()
    tmp.cleanup()


if __name__ == "__main__":
    main()
