import io
import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from initiative.dissemination import (
    almi_agenda,
    automapeo_matrix,
    peer_learning,
)
from initiative.enums import Piece
from initiative.models import GoodPractice, Objective, Publication, Stakeholder
from initiative.services import PublicationError, send_dissemination_email, set_publication
from tests.factories import VALID_RECOGNITION as VALID
from tests.factories import make_government, make_official
from workshops.models import AlmiAgendaItem, AlmiContribution
from workshops.services import merge_almi_items

from .dissemination_world import build, recognize

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build()


def test_automapeo_matrix_equals_hand_counts(world):
    with translation.override("en"):  # country names are translated
        matrix = automapeo_matrix(world.initiative)
    assert [(g.code, [c.name for c in g.columns]) for g in matrix.groups] == [
        ("AR", ["Rosario"]),
        ("BR", ["São Paulo"]),
    ]
    rows = {row.objective.number: row for row in matrix.rows}
    assert len(rows) == 23
    assert rows[1].cells == [(2, {"in_place": 1, "planned": 1}), (0, {})]
    assert (rows[1].actions, rows[1].governments) == (2, 1)
    assert rows[2].cells == [(1, {"in_place": 1}), (1, {"in_progress": 1})]
    assert (rows[2].actions, rows[2].governments) == (2, 2)
    assert rows[5].actions == 0  # only in a draft
    assert [o.number for o in matrix.uncovered] == [n for n in range(1, 24) if n not in (1, 2)]
    principles = {p.number: (actions, governments) for p, actions, governments in matrix.principles}
    assert principles[1] == (2, 1)
    assert principles[2] == (2, 2)
    assert principles[3] == (0, 0)
    assert matrix.countries == [("AR", "Argentina"), ("BR", "Brazil")]


def test_automapeo_matrix_country_filter_keeps_one_country(world):
    matrix = automapeo_matrix(world.initiative, country="BR")
    assert [c.name for c in matrix.columns] == ["São Paulo"]
    rows = {row.objective.number: row for row in matrix.rows}
    assert (rows[1].actions, rows[2].actions) == (0, 1)
    assert {p.number: a for p, a, _g in matrix.principles}[1] == 0


def test_almi_agenda_counts_governments_and_countries(world):
    themes = almi_agenda(world.initiative)
    assert [(t.theme, [(i.title, i.governments, i.countries) for i in t.items]) for t in themes] == [
        ("Datos", [("Datos locales", 2, 2), ("Datos (duplicado)", 1, 1)]),
        ("Vivienda", [("Vivienda digna", 0, 0)]),
    ]
    assert list(AlmiContribution.objects.filter(initiative=world.initiative, agenda_items__isnull=True)) == [
        world.contributions[3]
    ]


def test_merge_almi_items_keeps_first_with_all_contributions(world):
    x, y, _z = world.items
    kept = merge_almi_items(items=[y, x], by=world.staff)
    assert kept == x
    assert set(kept.contributions.all()) == set(world.contributions[:3])
    assert AlmiAgendaItem.objects.filter(pk=y.pk).exists() is False


def test_peer_learning_lists_practices_of_objectives_without_action(world):
    objectives = {o.number: o for o in Objective.objects.all()}
    on_1 = GoodPractice.objects.create(title="Práctica sobre datos", description="d")
    on_1.objectives.set([objectives[1]])
    on_2 = GoodPractice.objects.create(title="Práctica sobre el objetivo 2", description="d")
    on_2.objectives.set([objectives[2]])
    learning = dict(peer_learning(world.g2, world.initiative))  # São Paulo works on objective 2 only
    assert on_1 in learning[objectives[1]]
    assert objectives[2] not in learning
    assert peer_learning(make_government("PE"), world.initiative) == []


def test_peer_learning_shows_on_official_home(world, client):
    objectives = {o.number: o for o in Objective.objects.all()}
    practice = GoodPractice.objects.create(title="Práctica única de prueba", description="d")
    practice.objectives.set([objectives[1]])
    client.force_login(world.o2.user)
    response = client.get("/")
    assert response.status_code == 200
    assert "Práctica única de prueba" in response.text


# Publication


def test_set_publication_refused_before_dissemination(world):
    with pytest.raises(PublicationError):
        set_publication(initiative=world.other_initiative, piece=Piece.ALMI, published=True, by=world.staff)


def test_set_publication_refused_to_country_staff(world):
    with pytest.raises(PublicationError):
        set_publication(initiative=world.initiative, piece=Piece.ALMI, published=True, by=world.country_staff_ar)


def test_set_publication_withdraw_keeps_date(world):
    published = set_publication(initiative=world.initiative, piece=Piece.ALMI, published=True, by=world.staff)
    withdrawn = set_publication(initiative=world.initiative, piece=Piece.ALMI, published=False, by=world.staff)
    assert withdrawn.pk == published.pk
    assert (withdrawn.is_published, withdrawn.published_at) == (False, published.published_at)


PIECE_URLS = {
    Piece.AUTOMAPEO: "initiative:automapeo",
    Piece.ALMI: "initiative:almi",
    Piece.RECOGNIZED: "initiative:recognized",
    Piece.KNOWLEDGE: "initiative:questionnaires",
}
ROLES = ["anonymous", "official_a", "official_b", "outsider", "country_x", "country_y", "regional"]


def _login(client, world, role):
    users = {
        "official_a": world.o1.user,
        "official_b": world.o2.user,
        "outsider": world.outsider.user,
        "country_x": world.country_staff_ar,
        "country_y": world.country_staff_cl,
        "regional": world.staff,
    }
    if role in users:
        client.force_login(users[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("piece", list(PIECE_URLS))
def test_unpublished_piece_reachable_only_inside(world, client, role, piece):
    _login(client, world, role)
    status = client.get(reverse(PIECE_URLS[piece], args=[world.initiative.slug])).status_code
    assert status == (404 if role in ("anonymous", "outsider") else 200)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("piece", list(PIECE_URLS))
def test_published_piece_reachable_by_everyone(world, client, role, piece):
    set_publication(initiative=world.initiative, piece=piece, published=True, by=world.staff)
    _login(client, world, role)
    assert client.get(reverse(PIECE_URLS[piece], args=[world.initiative.slug])).status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["initiative:detail", "initiative:questionnaires", "initiative:report"])
def test_initiative_pages_nothing_published(world, client, role, name):
    _login(client, world, role)
    status = client.get(reverse(name, args=[world.initiative.slug])).status_code
    assert status == (404 if role in ("anonymous", "outsider") else 200)


@pytest.mark.parametrize("piece", list(PIECE_URLS))
def test_withdrawn_piece_unreachable_again(world, client, piece):
    url = reverse(PIECE_URLS[piece], args=[world.initiative.slug])
    set_publication(initiative=world.initiative, piece=piece, published=True, by=world.staff)
    assert client.get(url).status_code == 200
    set_publication(initiative=world.initiative, piece=piece, published=False, by=world.staff)
    assert client.get(url).status_code == 404


# Consent


def test_recognized_page_names_only_consenting(world, client):
    set_publication(initiative=world.initiative, piece=Piece.RECOGNIZED, published=True, by=world.staff)
    text = client.get(reverse("initiative:recognized", args=[world.initiative.slug])).text
    assert "Rosario" in text
    assert "São Paulo" in text
    assert "Ana Consiente" in text
    assert "Bruno Silva" in text
    assert "Carla" not in text and "Privada" not in text  # the person did not consent
    assert "Municipio Reservado" not in text and "Diego" not in text  # the government did not consent
    assert text.count('<a href="#g') == 2


def _pdf_text(pdf):
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_of(response):
    """The bytes of a report: served from the storage, it streams."""
    return b"".join(response.streaming_content)


def test_public_pdf_names_only_consenting(world, client):
    for piece in Piece.values:
        set_publication(initiative=world.initiative, piece=piece, published=True, by=world.staff)
    response = client.get(reverse("initiative:report", args=[world.initiative.slug]) + "?lang=en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf_of(response))
    assert "Rosario" in text
    assert "Ana Consiente" in text
    assert "Privada" not in text
    assert "Municipio Reservado" not in text
    assert "Oculto" not in text
    assert "Datos locales" in text
    assert "Recognized Champion Local Authorities" in text


@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_report_pdf_in_three_languages(world, client, language):
    client.force_login(world.staff)
    response = client.get(reverse("initiative:report", args=[world.initiative.slug]) + f"?lang={language}")
    assert response["Content-Language"] == language
    assert "ALP Sudamérica 2023" in _pdf_text(pdf_of(response))


def test_public_pdf_leaves_out_unpublished_pieces(world, client):
    set_publication(initiative=world.initiative, piece=Piece.AUTOMAPEO, published=True, by=world.staff)
    text = _pdf_text(pdf_of(client.get(reverse("initiative:report", args=[world.initiative.slug]) + "?lang=es")))
    assert "Datos locales" not in text
    assert "Rosario" not in text


def test_report_pdf_is_rendered_once_until_its_content_changes(world, client, monkeypatch):
    from initiative import report

    rendered = []
    write_pdf = report._write_pdf
    monkeypatch.setattr(report, "_write_pdf", lambda html: rendered.append(html) or write_pdf(html))
    url = reverse("initiative:report", args=[world.initiative.slug]) + "?lang=es"
    set_publication(initiative=world.initiative, piece=Piece.AUTOMAPEO, published=True, by=world.staff)
    first = pdf_of(client.get(url))
    assert pdf_of(client.get(url)) == first
    assert len(rendered) == 1
    set_publication(initiative=world.initiative, piece=Piece.RECOGNIZED, published=True, by=world.staff)
    assert "Rosario" in _pdf_text(pdf_of(client.get(url)))
    assert len(rendered) == 2


# Query counts


def _add_recognized(world, count):
    for i in range(count):
        government = make_government("PE", f"Extra {i}", latitude=-12, longitude=-77)
        recognize(world.initiative, government=government, by=world.staff)
        recognize(world.initiative, official=make_official(government, public_consent=True), by=world.staff)


@pytest.mark.parametrize(
    "name", ["initiative:recognized", "initiative:automapeo", "initiative:almi", "initiative:detail"]
)
def test_public_pages_fixed_query_count(world, client, django_assert_num_queries, name):
    for piece in Piece.values:
        set_publication(initiative=world.initiative, piece=piece, published=True, by=world.staff)
    url = reverse(name, args=[world.initiative.slug])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _add_recognized(world, 12)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_public_home_fixed_query_count(world, client, django_assert_num_queries):
    set_publication(initiative=world.initiative, piece=Piece.ALMI, published=True, by=world.staff)
    with django_assert_num_queries(2):
        client.get("/")
    for piece in (Piece.AUTOMAPEO, Piece.RECOGNIZED):
        set_publication(initiative=world.initiative, piece=piece, published=True, by=world.staff)
    with django_assert_num_queries(2):
        response = client.get("/")
    assert "ALP Sudamérica 2023" in response.text
    assert reverse("initiative:almi", args=[world.initiative.slug]) in response.text


# E-mail


def test_dissemination_email_in_each_language(world):
    set_publication(initiative=world.initiative, piece=Piece.RECOGNIZED, published=True, by=world.staff)
    Stakeholder.objects.create(initiative=world.initiative, name="Red X", email="red@example.org", language="en")
    sent = send_dissemination_email(initiative=world.initiative, by=world.staff)
    assert sent == 5
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["red@example.org"].extra_headers["Content-Language"] == "en"
    assert "are published" in by_address["red@example.org"].subject
    assert by_address[world.o2.email].extra_headers["Content-Language"] == "pt-br"
    assert "/initiatives/alp-2023/recognized/" in by_address[world.o2.email].body
    assert "/almi/" not in by_address[world.o2.email].body
    assert Stakeholder.objects.get().last_emailed_at is not None


def test_dissemination_email_refused_when_nothing_published(world):
    with pytest.raises(PublicationError):
        send_dissemination_email(initiative=world.initiative, by=world.staff)
    assert mail.outbox == []


def test_publication_admin_action_publishes(world, client):
    client.force_login(world.staff)
    response = client.post(
        reverse("admin:initiative_initiative_changelist"),
        {"action": "publish_almi", "_selected_action": [world.initiative.pk]},
    )
    assert response.status_code == 302
    assert Publication.objects.get(initiative=world.initiative, piece="almi").is_published is True


def test_official_home_peer_learning_fixed_query_count(world, client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    objectives = {o.number: o for o in Objective.objects.all()}
    client.force_login(world.o2.user)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for i in range(10):
        practice = GoodPractice.objects.create(title=f"Práctica extra {i}", description="d")
        practice.objectives.set([objectives[3 + i]])
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/")
    assert response.text.count("Práctica extra") == 10


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("official_a", 302),
        ("official_b", 302),
        ("country_x", 403),
        ("country_y", 403),
        ("regional", 200),
    ],
)
def test_stakeholder_admin_for_regional_staff_only(world, client, role, expected):
    Stakeholder.objects.create(initiative=world.initiative, name="Red X", email="red@example.org")
    _login(client, world, role)
    assert client.get(reverse("admin:initiative_stakeholder_changelist")).status_code == expected


def test_publication_admin_action_refused_to_country_staff(world, client):
    client.force_login(world.country_staff_ar)
    client.post(
        reverse("admin:initiative_initiative_changelist"),
        {"action": "publish_almi", "_selected_action": [world.initiative.pk]},
    )
    assert Publication.objects.filter(initiative=world.initiative).exists() is False


def test_almi_admin_lists_contributions_not_in_any_item(world, client):
    client.force_login(world.staff)
    response = client.get(reverse("admin:workshops_almicontribution_changelist") + "?in_item=no")
    assert response.status_code == 200
    assert "Moradia" in response.text
    assert "Falta de datos" not in response.text


def test_initiative_admin_links_dissemination_pages(world, client):
    client.force_login(world.staff)
    response = client.get(reverse("admin:initiative_initiative_change", args=[world.initiative.pk]))
    assert response.status_code == 200
    assert reverse("initiative:recognized", args=[world.initiative.slug]) in response.text


def test_dissemination_email_admin_action_sends(world, client):
    set_publication(initiative=world.initiative, piece=Piece.ALMI, published=True, by=world.staff)
    client.force_login(world.staff)
    response = client.post(
        reverse("admin:initiative_initiative_changelist"),
        {"action": "send_dissemination_email", "_selected_action": [world.initiative.pk]},
    )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(o.email for o in (world.o1, world.o2, world.o3, world.o4))


def test_map_page_extrapolates_under_300_kb_for_2000_governments(world, client):
    """The measure itself is bench/map_page.py (2,000 governments of generate_region: 287,401 bytes); this
    guards it on a region of the same shape (names of about 24 characters, three consenting officials named
    for every four governments, as generate_region's 3,017 officials half of whom consent): what each
    government adds, times 2,000, stays under 300 KB."""
    from django.utils import timezone

    from authorities.models import LocalGovernment, Official
    from certificates.enums import RecognitionKind
    from certificates.models import Recognition

    set_publication(initiative=world.initiative, piece=Piece.RECOGNIZED, published=True, by=world.staff)
    url = reverse("initiative:recognized", args=[world.initiative.slug])
    before = len(client.get(url).content)
    count = 200
    governments = LocalGovernment.objects.bulk_create(
        LocalGovernment(name=f"Municipio de Prueba {i:04d}", country="PE", latitude=-12 - i / 100, longitude=-77)
        for i in range(count)
    )
    officials = Official.objects.bulk_create(
        Official(
            first_name="Nombre",
            last_name=f"Apellido {i:04d}",
            email=f"p{i}@example.org",
            local_government=g,
            public_consent=True,
        )
        for i, g in enumerate(governments)
        if i % 4
    )
    now = timezone.now()
    Recognition.objects.bulk_create(
        [
            Recognition(
                initiative=world.initiative,
                kind=RecognitionKind.GOVERNMENT,
                local_government=g,
                holder_name=g.name,
                issued_at=now,
                issued_by=world.staff,
                code=f"G{i:011d}",
                **VALID,
            )
            for i, g in enumerate(governments)
        ]
        + [
            Recognition(
                initiative=world.initiative,
                kind=RecognitionKind.PERSON,
                official=o,
                holder_name=o.full_name,
                issued_at=now,
                issued_by=world.staff,
                code=f"P{i:011d}",
                **VALID,
            )
            for i, o in enumerate(officials)
        ]
    )
    after = len(client.get(url).content)
    per_government = (after - before) / count
    assert before + per_government * 2000 < 300_000, before + per_government * 2000


def test_group_contributions_admin_action_makes_item(world, client):
    c4 = world.contributions[3]
    client.force_login(world.staff)
    response = client.post(
        reverse("admin:workshops_almicontribution_changelist"),
        {"action": "group_into_item", "_selected_action": [c4.pk]},
    )
    item = AlmiAgendaItem.objects.get(contributions=c4)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:workshops_almiagendaitem_change", args=[item.pk])
    assert (item.title, item.kind, item.initiative) == ("Moradia", "challenge", world.initiative)
    assert list(AlmiContribution.objects.filter(initiative=world.initiative, agenda_items__isnull=True)) == []


def test_group_contributions_refused_to_country_staff(world, client):
    client.force_login(world.country_staff_ar)
    client.post(
        reverse("admin:workshops_almicontribution_changelist"),
        {"action": "group_into_item", "_selected_action": [world.contributions[0].pk]},  # of Argentina
    )
    assert AlmiAgendaItem.objects.filter(contributions=world.contributions[0]).count() == 2  # as before


def test_report_pdf_is_tagged_in_the_readers_language_with_the_maps_text(world, client):
    """Issue 16, item 6: the report is a tagged PDF in its language; the map is a figure whose alternative text
    is the map's title, and its country outlines stand out at 3:1 at least from the land and the paper."""
    import pikepdf

    for piece in Piece.values:
        set_publication(initiative=world.initiative, piece=piece, published=True, by=world.staff)
    pdf = pdf_of(client.get(reverse("initiative:report", args=[world.initiative.slug]) + "?lang=pt-br"))
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert document.Root.MarkInfo.Marked is True
        assert str(document.Root.Lang) == "pt-br"
        tree = [document.Root.StructTreeRoot.K[0]]
        found = []
        while tree:
            element = tree.pop()
            kids = element.get("/K")
            tree += [k for k in (kids if isinstance(kids, pikepdf.Array) else []) if isinstance(k, pikepdf.Dictionary)]
            found.append((str(element.get("/S")), str(element.get("/Alt", ""))))
    assert ("/Figure", "Mapa da América do Sul com os governos locais reconhecidos") in found
    assert ("/H1", "") in found and ("/Table", "") in found

    svg = (settings.BASE_DIR / "templates/initiative/includes/map.svg").read_text()
    land = re.search(r'class="land" fill="(#\w+)" stroke="(#\w+)"', svg)
    assert contrast(land[2], land[1]) >= 3 and contrast(land[2], "#ffffff") >= 3


def contrast(one, two):
    """WCAG's contrast ratio of two colours."""

    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(one), luminance(two)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
