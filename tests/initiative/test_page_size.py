"""The public pages at the size of a large region (issue 14, item 1): generated with `generate_region` at 1,500
governments (beyond every threshold where a page turns to countries and pages), everyone recognized and
consenting, every piece published, each page and a country's drill-down stays a few dozen kilobytes and costs
the same queries as at a tenth of the size. (bench/public_pages.py measures them at 13,400 governments.)"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from authorities.models import LocalGovernment, Official
from certificates.enums import RecognitionKind
from certificates.models import Recognition
from initiative.enums import Piece, Stage
from initiative.models import Initiative, Publication
from tests.factories import VALID_RECOGNITION

pytestmark = pytest.mark.django_db

PAGES = ["initiative:detail", "initiative:automapeo", "initiative:almi", "initiative:recognized"]
LIMIT = 64 * 1024  # bytes of HTML; the issue asks 300 KB at 20,000 governments


def recognized_region(governments):
    call_command("generate_region", governments=governments, reset=True, verbosity=0)
    initiative = Initiative.objects.get(slug="synthetic-region")
    Initiative.objects.filter(pk=initiative.pk).update(stage=Stage.DISSEMINATION)
    staff = get_user_model().objects.create_user(username=f"staff{governments}", email=f"s{governments}@iom.test")
    common = {"initiative": initiative, "issued_at": timezone.now(), "issued_by": staff, **VALID_RECOGNITION}
    # Read into Python first: nested IN subqueries over rows just inserted (no statistics yet) are planned as a
    # subquery per row on PostgreSQL (minutes), and this is the test's set-up, not what it measures.
    invited = list(LocalGovernment.objects.filter(officials__invitations__initiative=initiative).distinct())
    Recognition.objects.bulk_create(
        Recognition(kind=RecognitionKind.GOVERNMENT, local_government=g, holder_name=g.name, **common) for g in invited
    )
    Recognition.objects.bulk_create(
        Recognition(kind=RecognitionKind.PERSON, official=o, holder_name=o.full_name, **common)
        for o in Official.objects.filter(local_government__in=[g.pk for g in invited])
    )
    Official.objects.update(public_consent=True)
    LocalGovernment.objects.update(public_consent=True)
    Publication.objects.bulk_create(
        Publication(
            initiative=initiative, piece=piece, is_published=True, published_at=timezone.now(), changed_by=staff
        )
        for piece in Piece.values
    )
    if connection.vendor == "postgresql":
        # As autovacuum does in production soon after a bulk insert: without statistics, PostgreSQL plans the
        # figures' nested IN subqueries as a subquery per row (minutes).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return initiative


def read(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(response.content), len(queries.captured_queries)


def test_public_pages_of_a_large_region_stay_small_and_cost_the_same_queries(client):
    sizes, counts = {}, {}
    for governments in (150, 1500):
        initiative = recognized_region(governments)
        assert LocalGovernment.objects.count() == governments
        slug = initiative.slug
        country = LocalGovernment.objects.values_list("country", flat=True).order_by("country").first()
        urls = [reverse(name, args=[slug]) for name in PAGES] + [
            reverse("initiative:automapeo", args=[slug]) + f"?country={country}",
            reverse("initiative:recognized", args=[slug]) + f"?country={country}",
        ]
        for url in urls:
            sizes[governments, url], counts[governments, url] = read(client, url)
    for (governments, url), size in sizes.items():
        assert size <= LIMIT, (governments, url, size)
    for governments, url in sizes:
        if governments == 1500:
            assert counts[governments, url] == counts[150, url], url
