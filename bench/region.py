"""What the benchmarks of a synthetic region share: a throw-away database (SQLite, or one of its own on a PostgreSQL
server), the region generated and recognized with every piece published, and one process per region size."""

import argparse
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def setup_django(postgres="", prefix="alp-bench-"):
    """Settings for a benchmark process, then django.setup(): the database at `postgres` or a new SQLite file."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["DATABASE_URL"] = postgres or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alp_portal.settings")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_DEBUG"] = "true"  # static files without collectstatic
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    return workdir


def recognized_region(governments, *, consenting=False):
    """Generate the region of `governments` (`manage.py generate_region`), move it to dissemination, recognize
    every invited government and official (all consenting to appear by name, if `consenting`) and publish every
    piece. Returns (initiative, staff)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from authorities.models import LocalGovernment, Official
    from certificates.enums import RecognitionKind
    from certificates.models import Recognition
    from initiative.enums import Piece, Stage
    from initiative.models import Initiative, Publication
    from tests.factories import VALID_RECOGNITION as VALID

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("generate_region", governments=governments, verbosity=0)
    Initiative.objects.filter(slug="synthetic-region").update(stage=Stage.DISSEMINATION)
    initiative = Initiative.objects.get(slug="synthetic-region")
    staff = get_user_model().objects.create_superuser("bench@iom.test", "bench@iom.test", "x")
    now = timezone.now()
    invited = LocalGovernment.objects.filter(officials__invitations__initiative=initiative).distinct()
    common = {"initiative": initiative, "issued_at": now, "issued_by": staff, **VALID}
    Recognition.objects.bulk_create(
        Recognition(kind=RecognitionKind.GOVERNMENT, local_government=g, holder_name=g.name, **common) for g in invited
    )
    Recognition.objects.bulk_create(
        Recognition(kind=RecognitionKind.PERSON, official=o, holder_name=o.full_name, **common)
        for o in Official.objects.filter(local_government__in=invited)
    )
    if consenting:
        Official.objects.update(public_consent=True)
    # Published directly: set_publication would queue the reports' renderings, run at once here.
    Publication.objects.bulk_create(
        Publication(initiative=initiative, piece=piece, is_published=True, published_at=now, changed_by=staff)
        for piece in Piece.values
    )
    return initiative, staff


def run_size(script, governments, postgres, tag):
    """Run `script --one governments` in a process of its own (a fresh Django, a fresh database: of its own on
    the PostgreSQL server `postgres`, when given); returns what it printed."""
    database_url = ""
    if postgres:
        import psycopg

        database = f"alp_{tag}_bench_{governments}_{os.getpid()}"
        with psycopg.connect(postgres, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {database}")
        database_url = urlsplit(postgres)._replace(path=f"/{database}").geturl()
    command = [sys.executable, script, "--one", str(governments), "--postgres", database_url]
    return subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT).stdout


def main_by_size(script, description, measure, tag, header, keep):
    """The command line the benchmarks by region size share: `--governments` (the sizes), `--postgres`, `--out`,
    and `--one` (one size, measured by `measure(governments, postgres)` in a process of its own, run_size).
    `header(system)` gives the table's first lines (`system`: Python, machine and database), `keep(stdout)` the
    lines of one size's output that go in the table (not generate_region's)."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--governments", type=int, nargs="+", default=[200, 2000, 13400])
    parser.add_argument("--postgres", default="", help="A PostgreSQL URL whose server may create databases.")
    parser.add_argument("--out", default="")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(measure(args.one, args.postgres))
        return
    system = f"{platform.python_version()}, {platform.machine()}, {'PostgreSQL' if args.postgres else 'SQLite'}"
    lines = header(system)
    for governments in args.governments:
        measured = keep(run_size(script, governments, args.postgres, tag))
        lines.extend(measured)
        print("\n".join(measured), flush=True)
    print("\n".join(lines))
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n")


def staff_and_official():
    """Regional staff with a second factor (the admin asks for one) and an invited official of the generated
    region with an account: the people whose pages the benchmarks read. Returns (staff, official)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from alp_portal.roles import REGIONAL_STAFF_GROUP
    from authorities.models import Official

    users = get_user_model()
    staff = users.objects.create_user(username="regional", email="regional@bench.alp", is_staff=True)
    staff.groups.add(Group.objects.get_or_create(name=REGIONAL_STAFF_GROUP)[0])
    TOTP.activate(staff, generate_totp_secret())
    official = Official.objects.filter(invitations__isnull=False).order_by("pk").first()
    official.user = users.objects.create_user(username="official", email=official.email)
    official.save(update_fields=["user"])
    return staff, official
