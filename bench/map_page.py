"""Benchmark: the public map and list of recognized authorities for the synthetic region of 2,000 governments.

Generates the region (`manage.py generate_region --governments N`) in a throw-away SQLite database, gives every
government with coordinates and every official a valid recognition (most consent to appear by name), publishes
the list, and measures the page: bytes of HTML with its inline SVG, queries and time; then the PDF report.

    python bench/map_page.py [--governments 2000] [--out bench/results/map_page.txt]
"""

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.region import setup_django  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--governments", type=int, default=2000)
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    setup_django(prefix="alp-map-bench-")
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from authorities.models import LocalGovernment, Official
    from certificates.enums import RecognitionKind
    from certificates.models import Recognition
    from initiative.enums import Piece, Stage
    from initiative.models import Initiative
    from initiative.services import set_publication
    from tests.factories import VALID_RECOGNITION as VALID

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the public pages keep what they compute in the cache
    call_command("generate_region", governments=args.governments, verbosity=0)
    initiative = Initiative.objects.get(slug="synthetic-region")
    Initiative.objects.filter(pk=initiative.pk).update(stage=Stage.DISSEMINATION)
    initiative.refresh_from_db()
    staff = get_user_model().objects.create_superuser("bench@iom.test", "bench@iom.test", "x")
    now = timezone.now()
    governments = list(LocalGovernment.objects.filter(officials__invitations__initiative=initiative).distinct())
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
        for g in governments
    )
    officials = list(Official.objects.filter(local_government__in=governments))
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
        for o in officials
    )
    Official.objects.filter(pk__in=[o.pk for o in officials[::2]]).update(public_consent=True)
    set_publication(initiative=initiative, piece=Piece.RECOGNIZED, published=True, by=staff)
    named = LocalGovernment.objects.filter(pk__in=[g.pk for g in governments], public_consent=True).count()
    with_coordinates = LocalGovernment.objects.filter(
        pk__in=[g.pk for g in governments], public_consent=True, latitude__isnull=False
    ).count()

    client = Client()
    url = reverse("initiative:recognized", args=[initiative.slug])
    client.get(url, secure=True)  # warm
    reset_queries()  # the log keeps 9,000 queries: full after the generation, it would count none
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url, secure=True)
        elapsed = time.perf_counter() - started
    html = response.content
    svg_start, svg_end = html.find(b"<svg"), html.find(b"</svg>") + 6
    started = time.perf_counter()
    pdf = b"".join(client.get(reverse("initiative:report", args=[initiative.slug]) + "?lang=es", secure=True))
    pdf_seconds = time.perf_counter() - started
    lines = [
        f"Map page of the synthetic region ({platform.python_version()}, {platform.machine()}, SQLite)",
        f"recognized governments: {len(governments)}; named (consented): {named}; markers: {with_coordinates}; "
        f"recognized officials: {len(officials)}",
        f"HTML with inline SVG: {len(html)} bytes ({len(html) / 1024:.1f} KiB); SVG alone: {svg_end - svg_start} bytes",
        f"status {response.status_code}; {len(queries.captured_queries)} queries; {elapsed * 1000:.0f} ms",
        f"PDF report (es) with map and list: {len(pdf)} bytes in {pdf_seconds:.1f} s",
    ]
    print("\n".join(lines))
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
