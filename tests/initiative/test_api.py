"""The open read-only API (/api/v1/) and the open-data downloads: what they show, what they never show, their
headers, and a property-based run of schemathesis against the API's own OpenAPI schema."""

import csv
import io
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, settings

from alp_portal.wsgi import application
from certificates.revocation import revoke_recognition
from initiative.api import api
from initiative.enums import Piece
from initiative.models import Initiative
from initiative.services import set_publication
from tests import factories as f

from .dissemination_world import build

pytestmark = pytest.mark.django_db


def publish(world, *pieces):
    for piece in pieces or Piece.values:
        set_publication(initiative=world.initiative, piece=piece, published=True, by=world.staff)


@pytest.fixture
def world():
    return build()


@pytest.fixture
def published(world):
    publish(world)
    return world


def api_urls(slug):
    return [
        "/api/v1/initiatives",
        f"/api/v1/initiatives/{slug}",
        f"/api/v1/initiatives/{slug}/recognized",
        f"/api/v1/initiatives/{slug}/automapeo",
        f"/api/v1/initiatives/{slug}/almi",
        f"/api/v1/initiatives/{slug}/knowledge",
    ]


def open_data_urls(slug):
    return [reverse("initiative:open_data_json", args=[slug])] + [
        reverse("initiative:open_data_csv", args=[slug, dataset])
        for dataset in ("figures", "recognized", "automapeo", "almi", "knowledge")
    ]


def test_api_lists_only_published_initiatives(client, published):
    response = client.get("/api/v1/initiatives")

    assert [row["slug"] for row in response.json()] == ["alp-2023"]
    assert response.json()[0]["licence"] == {
        "id": "CC-BY-4.0",
        "name": "Creative Commons Attribution 4.0 (CC BY 4.0)",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert response.json()[0]["published_pieces"] == ["almi", "automapeo", "knowledge", "recognized"]


def test_api_initiative_figures_in_three_languages(client, published):
    data = client.get("/api/v1/initiatives/alp-2023").json()

    held = data["figures"][-1]
    assert (held["people"], held["governments"], held["countries"]) == (4, 3, 2)
    assert held["sentence"] == {
        "es": "4 autoridades locales en representación de 3 gobiernos locales de 2 países",
        "pt-br": "4 autoridades locais representando 3 governos locais de 2 países",
        "en": "4 local authorities representing 3 local governments of 2 countries",
    }
    assert held["title"]["en"] == "Hold a valid certificate"
    assert [s["stage"] for s in data["stages"]] == ["dissemination"]


def test_api_recognized_governments_only_with_consent(client, published):
    data = client.get("/api/v1/initiatives/alp-2023/recognized").json()

    assert data == {
        "named": 2,
        "unnamed": 1,
        "governments": [
            {
                "name": "Rosario",
                "region": "",
                "country": "AR",
                "latitude": -32.95,
                "longitude": -60.65,
                "recognized_officials": ["Ana Consiente"],
            },
            {
                "name": "São Paulo",
                "region": "",
                "country": "BR",
                "latitude": -23.55,
                "longitude": -46.63,
                "recognized_officials": ["Bruno Silva"],
            },
        ],
    }


def test_api_automapeo_and_almi(client, published):
    automapeo = client.get("/api/v1/initiatives/alp-2023/automapeo").json()
    almi = client.get("/api/v1/initiatives/alp-2023/almi").json()

    assert automapeo["governments"] == 2
    assert [(r["number"], r["actions"], r["governments"]) for r in automapeo["objectives"][:3]] == [
        (1, 2, 1),
        (2, 2, 2),
        (3, 0, 0),
    ]
    assert 1 not in automapeo["uncovered_objectives"]
    assert len(automapeo["uncovered_objectives"]) == 21
    assert [(t["theme"], [i["title"] for i in t["items"]]) for t in almi["themes"]] == [
        ("Datos", ["Datos locales", "Datos (duplicado)"]),
        ("Vivienda", ["Vivienda digna"]),
    ]
    assert almi["themes"][0]["items"][0] == {
        "title": "Datos locales",
        "summary": "",
        "kind": "challenge",
        "objectives": [1],
        "governments": 2,
        "countries": 2,
    }


def test_api_piece_unpublished_is_404(client, world):
    publish(world, Piece.ALMI)

    assert client.get("/api/v1/initiatives/alp-2023/almi").status_code == 200
    assert client.get("/api/v1/initiatives/alp-2023/recognized").status_code == 404
    assert client.get("/api/v1/initiatives/alp-2023/automapeo").status_code == 404
    assert client.get("/api/v1/initiatives/alp-otra").status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "official", "country_staff_ar", "country_staff_cl", "regional"])
def test_api_and_open_data_never_leak(client, published, role):
    """Whoever asks, the API and the downloads show the public pages' data only: no e-mail, no government or
    person without consent, no unpublished initiative."""
    w = published
    users = {
        "official": w.o1.user,
        "country_staff_ar": w.country_staff_ar,
        "country_staff_cl": w.country_staff_cl,
        "regional": w.staff,
    }
    if role != "anonymous":
        client.force_login(users[role])
    forbidden = [o.email.lower() for o in (w.o1, w.o2, w.o3, w.o4, w.outsider)] + [
        "@",
        "Municipio Reservado",
        "Carla",
        "Privada",
        "Diego",
        "Oculto",
        "alp-otra",
        "ALP Otra",
        "Valparaíso",
    ]
    for url in api_urls("alp-2023") + open_data_urls("alp-2023"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert [word for word in forbidden if word.lower() in body.lower()] == [], url
    for url in api_urls("alp-otra")[1:] + open_data_urls("alp-otra"):
        assert client.get(url).status_code == 404, url


def test_api_verification_by_code(client, published):
    recognition = published.o1.recognitions.get()
    url = f"/api/v1/verify/{recognition.code}"

    valid = client.get(url).json()
    revoke_recognition(recognition=recognition, reason="Registro duplicado.", by=published.staff)
    revoked = client.get(url.lower().replace("-", "")).json()
    unknown = client.get("/api/v1/verify/2222-2222-2222").json()

    assert valid["status"] == "valid"
    assert valid["holder_name"] == "Ana Consiente"
    assert valid["initiative"] == "ALP Sudamérica 2023"
    assert valid["revoked_at"] is None
    assert revoked["status"] == "revoked"
    assert revoked["revocation_reason"] == "Registro duplicado."
    assert revoked["revoked_at"] is not None
    assert unknown == {"code": "2222-2222-2222", "status": "unknown"} | dict.fromkeys(
        [
            "holder_name",
            "kind",
            "initiative",
            "issued_at",
            "pdf_sha256",
            "revoked_at",
            "revocation_reason",
            "credential_url",
        ]
    )


def test_api_headers_cors_cache_and_get_only(client, published):
    response = client.get("/api/v1/initiatives", HTTP_ORIGIN="https://example.net")
    preflight = client.options(
        "/api/v1/initiatives", HTTP_ORIGIN="https://example.net", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )

    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert client.post("/api/v1/initiatives").status_code == 405
    assert "Access-Control-Allow-Origin" not in client.get("/", HTTP_ORIGIN="https://example.net")


def test_api_rate_limit_per_client(client, published, monkeypatch):
    throttle = api.throttle[0]
    monkeypatch.setattr(throttle, "num_requests", 2)

    codes = [client.get("/api/v1/initiatives", REMOTE_ADDR="10.0.0.1").status_code for _ in range(3)]
    other = client.get("/api/v1/initiatives", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.0.0.1")

    assert codes == [200, 200, 429]
    assert other.status_code == 200  # another client; a forged X-Forwarded-For is not believed


def test_api_list_costs_the_same_queries_for_one_or_many(client, published, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert len(client.get("/api/v1/initiatives").json()) == 1
    for i in range(5):
        initiative = f.make_initiative(slug=f"extra-{i}", stage="dissemination")
        set_publication(initiative=initiative, piece=Piece.ALMI, published=True, by=published.staff)
    with django_assert_num_queries(2):
        assert len(client.get("/api/v1/initiatives").json()) == 6


def test_api_docs_and_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    docs = client.get("/api/v1/docs")

    assert schema["openapi"] == "3.1.0"
    assert sorted(schema["paths"]) == [
        "/api/v1/initiatives",
        "/api/v1/initiatives/{slug}",
        "/api/v1/initiatives/{slug}/almi",
        "/api/v1/initiatives/{slug}/automapeo",
        "/api/v1/initiatives/{slug}/knowledge",
        "/api/v1/initiatives/{slug}/recognized",
        "/api/v1/verify/{code}",
    ]
    assert b"swagger-ui-bundle.js" in docs.content
    assert b"cdn." not in docs.content


def test_open_data_json_and_csv(client, published):
    initiative = published.initiative
    Initiative.objects.filter(pk=initiative.pk).update(data_licence="CC0-1.0")

    as_json = client.get(reverse("initiative:open_data_json", args=["alp-2023"]))
    as_csv = client.get(reverse("initiative:open_data_csv", args=["alp-2023", "recognized"]))
    page = client.get(reverse("initiative:detail", args=["alp-2023"]))

    data = json.loads(as_json.content)
    assert data["licence"]["id"] == "CC0-1.0"
    assert data["recognized"]["named"] == 2
    assert as_json["Link"] == '<https://creativecommons.org/publicdomain/zero/1.0/>; rel="license"'
    assert as_json["Content-Disposition"] == 'attachment; filename="alp-2023.json"'
    assert list(csv.reader(io.StringIO(as_csv.content.decode()))) == [
        ["country", "region", "government", "latitude", "longitude", "recognized_officials"],
        ["AR", "", "Rosario", "-32.95", "-60.65", "Ana Consiente"],
        ["BR", "", "São Paulo", "-23.55", "-46.63", "Bruno Silva"],
    ]
    assert reverse("initiative:open_data_csv", args=["alp-2023", "almi"]).encode() in page.content
    assert b'rel="license"' in page.content


def test_open_data_csv_of_unpublished_piece_is_404(client, world):
    publish(world, Piece.ALMI)

    assert client.get(reverse("initiative:open_data_csv", args=["alp-2023", "almi"])).status_code == 200
    assert client.get(reverse("initiative:open_data_csv", args=["alp-2023", "recognized"])).status_code == 404
    assert client.get(reverse("initiative:open_data_csv", args=["alp-2023", "nothing"])).status_code == 404


# Property-based: every operation of the schema, with generated paths and parameters; no answer may be a server
# error, and every answer must match the schema (status code, content type, body).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def api_world(db):
    """The world, with the WSGI application kept from closing the test's database connection at the end of
    each request (as Django's own test client does)."""
    world = build()
    publish(world)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield world
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_schemathesis(case, api_world):
    case.call_and_validate()
