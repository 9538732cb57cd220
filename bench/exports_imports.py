"""Benchmark of the spreadsheet exports and imports on a synthetic region, through the admin views.

    python bench/exports_imports.py [--participants 20000] [--import-rows 5000]

Builds a throw-away SQLite database (a temporary file) with a region of 10 countries, local governments,
officials, one initiative with a launch and two workshop editions of three sessions, invitations, attendance,
questionnaires, Automapeos and recognitions; then, as regional staff through the Django test client:
- exports the participant list (one row per invited official) to CSV and to XLSX;
- imports officials from a CSV (four in five new, one in five updates): upload with preview, then confirm.
Prints rows per second and the number of queries of each step, and writes bench/results/exports_imports.txt.
Targets (issue 6): CSV >= 15,000 rows/s, XLSX >= 5,000 rows/s, import >= 3,000 rows/s including the preview.
"""

import argparse
import io
import os
import platform
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(db_path):
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alp_portal.test_settings")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test.utils import setup_test_environment

    setup_test_environment()  # responses carry their template context, as in the tests


COUNTRIES = ["AR", "BO", "BR", "CL", "CO", "EC", "PY", "PE", "UY", "VE"]


def build_region(participants):
    from django.utils import timezone

    from authorities.enums import InvitationStatus, RoleKind
    from authorities.models import Invitation, LocalGovernment, Official
    from certificates.enums import RecognitionKind, RecognitionStatus
    from certificates.models import Recognition
    from initiative.models import Initiative
    from tests import factories as f
    from workshops.enums import AttendanceStatus, EventKind, QuestionnaireKind, SubmissionStatus
    from workshops.models import Attendance, Automapeo, Event, QuestionnaireResponse, Session

    rng = random.Random(2023)
    regional = f.make_regional_staff("regional@iom.test")
    initiative = Initiative.objects.create(
        name="ALP Synthetic", slug="alp-synthetic", year=2025, region="South America"
    )
    governments_per_country = max(1, participants // (len(COUNTRIES) * 20))
    LocalGovernment.objects.bulk_create(
        LocalGovernment(
            name=f"Municipio {code} {i}",
            country=code,
            region=f"Región {i % 7}",
            has_local_mgi=i % 3 == 0,
            mercociudades_member=i % 4 == 0,
        )
        for code in COUNTRIES
        for i in range(governments_per_country)
    )
    governments = list(LocalGovernment.objects.order_by("pk"))
    roles = list(RoleKind.values)
    Official.objects.bulk_create(
        (
            Official(
                first_name=f"Nombre{i}",
                last_name=f"Apellido{i}",
                email=f"persona{i}@example.org",
                position=rng.choice(["Secretaria de Gobierno", '=HYPERLINK("x")', "Director", "Asesora"]),
                role_kind=rng.choice(roles),
                local_government=governments[i % len(governments)],
            )
            for i in range(participants)
        ),
        batch_size=2000,
    )
    officials = list(Official.objects.order_by("pk").values_list("pk", "local_government_id"))
    now = timezone.now()
    Invitation.objects.bulk_create(
        (
            Invitation(official_id=pk, initiative=initiative, status=InvitationStatus.SENT, sent_at=now)
            for pk, _g in officials
        ),
        batch_size=2000,
    )
    start = now - timedelta(days=120)
    launch = Event.objects.create(initiative=initiative, kind=EventKind.LAUNCH, title="Lanzamiento")
    sessions = [
        Session.objects.create(event=launch, title="Conversatorio", starts_at=start, ends_at=start + timedelta(hours=2))
    ]
    for edition in (1, 2):
        event = Event.objects.create(
            initiative=initiative, kind=EventKind.WORKSHOP, edition=edition, title=f"Taller {edition}"
        )
        for day in range(3):
            begins = start + timedelta(days=14 * edition + day)
            sessions.append(
                Session.objects.create(
                    event=event,
                    title=f"Sesión {day + 1}",
                    starts_at=begins,
                    ends_at=begins + timedelta(hours=2),
                )
            )
    attendance = []
    for index, (pk, _g) in enumerate(officials):
        if rng.random() < 0.8:
            attendance.append(
                Attendance(
                    official_id=pk,
                    session=sessions[0],
                    status=AttendanceStatus.PRESENT,
                    seconds=rng.randint(60, 120) * 60,
                )
            )
        edition_sessions = sessions[1:4] if index % 2 else sessions[4:7]
        for session in edition_sessions:
            if rng.random() < 0.5:
                attendance.append(
                    Attendance(
                        official_id=pk,
                        session=session,
                        seconds=rng.randint(0, 120) * 60,
                        status=rng.choice(list(AttendanceStatus.values)),
                    )
                )
    Attendance.objects.bulk_create(attendance, batch_size=5000)
    QuestionnaireResponse.objects.bulk_create(
        (
            QuestionnaireResponse(official_id=pk, initiative=initiative, kind=QuestionnaireKind.ENTRY, knowledge=3)
            for pk, _g in officials[::3]
        ),
        batch_size=5000,
    )
    Automapeo.objects.bulk_create(
        Automapeo(
            local_government=government,
            initiative=initiative,
            status=SubmissionStatus.SUBMITTED,
            submitted_at=now,
        )
        for government in governments[::2]
    )
    Recognition.objects.bulk_create(
        (
            Recognition(
                initiative=initiative,
                kind=RecognitionKind.PERSON,
                official_id=pk,
                holder_name=f"P {pk}",
                issued_at=now,
                issued_by=regional,
                code=f"BEN-{pk:08d}",
                status=RecognitionStatus.ISSUED,  # valid: with a PDF recorded (not stored: never read here)
                pdf=f"recognitions/bench/{pk}.pdf",
                pdf_sha256="0" * 64,
            )
            for pk, _g in officials[::4]
        ),
        batch_size=5000,
    )
    return regional, initiative, len(attendance)


def timed(function):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        began, began_cpu = time.perf_counter(), time.process_time()
        result = function()
        elapsed, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    return result, (elapsed, cpu), len(queries)


def import_file(rows):
    header = "Nombre;Apellido;Correo electrónico;Cargo;Gobierno local;País\r\n"
    lines = [header]
    for i in range(rows):
        if i % 5 == 0:  # an update of an official already mapped, e-mail written in capitals
            number = i
            email = f"PERSONA{number}@EXAMPLE.ORG"
        else:
            number = 1_000_000 + i
            email = f"nueva{number}@example.org"
        lines.append(f"Nueva{number};Apellido{number};{email};Coordinadora;Municipio AR {i % 10};Argentina\r\n")
    return "".join(lines).encode("cp1252")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--import-rows", type=int, default=5_000)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "exports_imports.txt"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        setup(Path(folder) / "bench.sqlite3")
        from django.test import Client
        from django.urls import reverse

        from authorities.models import Official

        began = time.perf_counter()
        regional, initiative, attendance_rows = build_region(args.participants)
        built = time.perf_counter() - began
        client = Client()
        client.force_login(regional)
        url = reverse("admin:certificates_participants_export")
        client.get(url)  # warm the templates and the role caches

        lines = [
            "Benchmark: bench/exports_imports.py (issue 6), through the admin views (Django's test client)",
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite",
            f"Synthetic region: {len(COUNTRIES)} countries, {args.participants:,} officials invited to one "
            f"initiative, 7 sessions (launch + 2 workshop editions x 3), {attendance_rows:,} attendance rows "
            f"(built in {built:.1f} s)",
            "",
        ]

        def report(label, rows, seconds, queries, target):
            wall, cpu = seconds
            verdict = "meets" if rows / cpu >= target else "BELOW"
            line = (
                f"{label:<44} {rows:>6,} rows  wall {wall:5.2f} s = {rows / wall:>7,.0f} rows/s  "
                f"cpu {cpu:5.2f} s = {rows / cpu:>7,.0f} rows/s  {queries:>3} queries  "
                f"(target {target:,} rows/s: {verdict} on CPU time)"
            )
            print(line, flush=True)
            lines.append(line)

        for file_format, label, target in (("0", "CSV", 15_000), ("1", "XLSX", 5_000)):
            best = None
            for _attempt in range(3):
                response, seconds, queries = timed(
                    lambda ff=file_format: client.post(url, {"initiative": initiative.pk, "country": "", "format": ff})
                )
                assert response.status_code == 200, response.status_code
                if best is None or seconds[1] < best[0][1]:
                    best = (seconds, queries, len(response.content))
            rows = args.participants
            report(f"participant list export, {label} (best of 3)", rows, best[0], best[1], target)
            lines.append(f"    file size {best[2] / 1024 / 1024:.1f} MB")

        content = import_file(args.import_rows)
        upload_url = reverse("admin:authorities_official_import")
        confirm_url = reverse("admin:authorities_official_import_confirm")
        before = Official.objects.count()

        def preview():
            upload = io.BytesIO(content)
            upload.name = "oficiales.csv"
            return client.post(upload_url, {"import_file": upload})

        response, preview_seconds, preview_queries = timed(preview)
        counts = response.context["counts"]
        assert counts["invalid"] == 0, [str(issue) for issue in response.context["plan"].issues[:5]]
        token = response.context["confirm_form"].initial["token"]
        response, confirm_seconds, confirm_queries = timed(lambda: client.post(confirm_url, {"token": token}))
        assert response.status_code == 302, response.status_code
        created = Official.objects.count() - before
        assert created == counts["new"], (created, counts)
        rows = args.import_rows
        lines.append("")
        lines.append(
            f"Import of {rows:,} officials (CSV, Windows-1252, semicolons, Spanish headers): "
            f"{counts['new']:,} new, {counts['updated']:,} updated"
        )
        for label, seconds, queries in (
            ("preview (upload, read, check)", preview_seconds, preview_queries),
            ("confirm (read, check again, write)", confirm_seconds, confirm_queries),
        ):
            line = f"  {label:<42} wall {seconds[0]:5.2f} s  cpu {seconds[1]:5.2f} s  {queries:>3} queries"
            print(line, flush=True)
            lines.append(line)
        total = (preview_seconds[0] + confirm_seconds[0], preview_seconds[1] + confirm_seconds[1])
        report("import, preview + confirm", rows, total, preview_queries + confirm_queries, 3_000)
        lines.append("")
        lines.append(
            f"Load average during the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on "
            f"{os.cpu_count()} cores (the machine is shared; CPU time is this process's own, SQLite "
            "included, and is what the targets are judged on; wall time is what a user waited here)."
        )

        output = Path(args.output)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"written to {output}")


if __name__ == "__main__":
    main()
