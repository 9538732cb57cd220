"""Benchmark: invite 5,000 officials in one action (issue 15, item 1).

On a throw-away SQLite database: the preview (`plan_invitations`) of 5,000 officials, its seconds and queries;
the invitations made (`invite_officials`, one transaction); then the background sending, chunk by chunk as the
worker runs it (`tasks.send_invitation_emails`), through Django's file-backed mail backend: invitations per
second. Run from the project root:

    SITE_URL=http://localhost:8000 python bench/invite_officials.py [--count 5000]
"""

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "invite_officials.txt"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="alp-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alp_portal.settings")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from authorities import tasks
    from authorities.bulk_invitations import invite_officials, plan_invitations
    from authorities.models import LocalGovernment, Official
    from initiative.models import Initiative

    call_command("migrate", verbosity=0)
    staff = get_user_model().objects.create_user(username="staff", email="staff@iom.test", is_staff=True)
    initiative = Initiative.objects.create(name="ALP 2027", slug="alp-2027", year=2027, region="Sur")
    governments = LocalGovernment.objects.bulk_create(
        [LocalGovernment(name=f"Municipio {i}", country="AR") for i in range(args.count // 5)]
    )
    Official.objects.bulk_create(
        [
            Official(
                local_government=governments[i % len(governments)],
                first_name=f"N{i}",
                last_name="A",
                email=f"p{i}@example.org",
                language="es",
            )
            for i in range(args.count)
        ]
    )
    officials = Official.objects.all()

    with CaptureQueriesContext(connection) as preview_queries:
        began = time.perf_counter()
        plan = plan_invitations(officials, initiative)
        preview_seconds = time.perf_counter() - began
    assert len(plan.to_invite) == args.count

    # The dummy task backend keeps what is queued instead of running it: the worker's queue, run below.
    dummy = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy), CaptureQueriesContext(connection) as invite_queries:
        from django.tasks import default_task_backend

        began = time.perf_counter()
        invite_officials(officials=officials, initiative=initiative, by=staff)
        invite_seconds = time.perf_counter() - began
        chunks = [result.args[0] for result in default_task_backend.results]

    mail_dir = workdir / "mail"
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(mail_dir)},
        }
    }
    with override_settings(MAILERS=mailers):
        began = time.perf_counter()
        for chunk in chunks:
            tasks.send_invitation_emails.call(chunk)
        send_seconds = time.perf_counter() - began
    sent = sum(
        path.read_text().count("\nSubject: ") + path.read_text().startswith("Subject: ") for path in mail_dir.iterdir()
    )

    lines = [
        f"Invite {args.count} officials to one initiative in one action",
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, database SQLite (file)",
        f"preview: {preview_seconds:.2f} s, {len(preview_queries)} queries",
        f"invitations made: {invite_seconds:.2f} s, {len(invite_queries)} queries (one transaction), "
        f"{len(chunks)} chunks queued",
        f"sending (file-backed mail backend, chunk by chunk as the worker runs them): {sent} e-mails in "
        f"{send_seconds:.1f} s = {sent / send_seconds:.0f} invitations/s",
        "command: SITE_URL=http://localhost:8000 python bench/invite_officials.py --count " + str(args.count),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
