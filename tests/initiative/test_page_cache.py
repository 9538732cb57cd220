"""Public pages flat (issue 14, item 1, in part): what a public page computes from the data is kept in the
cache under the fingerprint of the data (initiative/freshness.py), so that a page read again costs a fixed few
queries, and any change of the data (a revocation, say) shows at once, with nothing to invalidate by hand."""

import re

import pytest
from django.urls import reverse

from certificates.enums import RecognitionKind
from certificates.models import Recognition
from certificates.revocation import revoke_recognition
from initiative.enums import Piece
from initiative.models import Objective
from initiative.services import set_publication

from .dissemination_world import build

pytestmark = pytest.mark.django_db

PAGES = ["initiative:detail", "initiative:recognized", "initiative:automapeo", "initiative:almi"]


@pytest.fixture
def world():
    world = build()
    for piece in Piece.values:
        set_publication(initiative=world.initiative, piece=piece, published=True, by=world.staff)
    return world


@pytest.mark.parametrize("name", PAGES)
def test_a_page_read_again_is_served_from_the_cache(world, client, name, django_assert_num_queries):
    url = reverse(name, args=[world.initiative.slug])
    first = client.get(url)
    # The initiative, its publications and the fingerprint (the detail adds its stages and published datasets).
    with django_assert_num_queries(5 if name == "initiative:detail" else 3):
        again = client.get(url)
    assert without_token(again) == without_token(first)


def without_token(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_a_revocation_shows_at_once(world, client):
    url = reverse("initiative:recognized", args=[world.initiative.slug])
    assert "Rosario" in client.get(url).content.decode()
    recognition = Recognition.objects.get(
        initiative=world.initiative, kind=RecognitionKind.GOVERNMENT, local_government=world.g1
    )
    revoke_recognition(recognition=recognition, reason="Datos falsos", by=world.staff)
    assert "Rosario" not in client.get(url).content.decode()


def test_each_language_is_kept_apart(world, client):
    url = reverse("initiative:detail", args=[world.initiative.slug])
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Invitadas" in spanish and "Invited" in english


def test_the_automapeo_matrix_is_by_country_with_each_country_by_government_in_pages(world, client, monkeypatch):
    from django.utils import timezone

    from initiative import views
    from tests.factories import make_action, make_automapeo, make_government

    córdoba = make_government("AR", "Córdoba")
    make_action(
        make_automapeo(córdoba, world.initiative, status="submitted", submitted_at=timezone.now()),
        objectives=[Objective.objects.get(number=1)],
        status="in_progress",
    )
    url = reverse("initiative:automapeo", args=[world.initiative.slug])
    region = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    rows = {row.objective.number: row for row in region.context["matrix"].rows}
    # Argentina: Rosario's two actions and Córdoba's one on objective 1; Brazil: none.
    assert rows[1].by_country == [(3, {"in_place": 1, "in_progress": 1, "planned": 1}), (0, {})]
    page = region.content.decode()
    assert '<a href="?country=AR">Argentina</a> <span class="muted">(2)</span>' in page
    assert ">Córdoba</th>" not in page  # the governments are one click away, in their country

    monkeypatch.setattr(views, "MATRIX_COLUMNS_PER_PAGE", 1)
    first = client.get(url + "?country=AR", HTTP_ACCEPT_LANGUAGE="en")
    assert [column.name for column in first.context["page"]] == ["Córdoba"]
    assert first.context["government_rows"][0][1] == [(1, {"in_progress": 1})]
    assert 'href="?country=AR&amp;page=2" rel="next"' in first.content.decode()
    second = client.get(url + "?country=AR&page=2", HTTP_ACCEPT_LANGUAGE="en")
    assert [column.name for column in second.context["page"]] == ["Rosario"]
    assert second.context["government_rows"][0][1] == [(2, {"in_place": 1, "planned": 1})]


def test_a_large_recognized_list_is_by_country_each_country_in_pages(world, client, monkeypatch):
    from initiative import views
    from tests.factories import make_government

    from .dissemination_world import recognize

    recognize(
        world.initiative, government=make_government("AR", "Córdoba", latitude=-31.4, longitude=-64.2), by=world.staff
    )
    url = reverse("initiative:recognized", args=[world.initiative.slug])
    small = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="g{world.g1.pk}">Rosario' in small and f'href="#g{world.g1.pk}"' in small  # all of it, as it was

    monkeypatch.setattr(views, "FULL_LIST_UP_TO", 2)  # three named governments: beyond it
    region = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="g' not in region and "#g" not in region  # no government listed nor marked: their countries
    assert '<li><a href="?country=AR">Argentina</a> (2)' in region
    assert '<a href="?country=AR"><title>Argentina: 2 local governments</title>' in region

    monkeypatch.setattr(views, "RECOGNIZED_PER_PAGE", 1)
    argentina = client.get(url + "?country=AR", HTTP_ACCEPT_LANGUAGE="en")
    page = argentina.content.decode()
    assert "Córdoba" in page and "Rosario" not in page.split('id="list-heading"')[1]
    assert [(link, label) for link, label, _x, _y in argentina.context["markers"]] == [
        (f"#g{argentina.context['page'][0].pk}", "Córdoba")
    ]
    assert 'href="?country=AR&amp;page=2" rel="next"' in page
    second = client.get(url + "?country=AR&page=2", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="g{world.g1.pk}">Rosario \u2013 Ana Consiente' in second


def test_figures_of_rows_count_each_official_once():
    from django.utils import translation

    from authorities.queries import figures_of

    rows = [
        (1, 10, "AR", "female"),
        (1, 10, "AR", "female"),  # read twice (two sessions): one person
        (2, 10, "AR", ""),
        (3, 20, "BR", "male"),
        (4, 30, "AR", "female"),
    ]
    with translation.override("en"):
        figures = figures_of(rows)
        by_gender = [(code, str(label), people) for code, label, people in figures.by_gender]
    assert (figures.people, figures.governments, figures.countries) == (4, 3, 2)
    assert figures.by_country == [("AR", "Argentina", 3, 2), ("BR", "Brazil", 1, 1)]
    assert by_gender == [("", "Not given", 1), ("female", "Female", 2), ("male", "Male", 1)]
