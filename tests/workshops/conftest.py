import pytest
from django.utils import translation

from tests import factories as f
from workshops.models import Automapeo


@pytest.fixture(autouse=True)
def _english(client):
    """These tests read the interface in English, its source text, whatever catalogues exist."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


ROLES = ["anonymous", "official_a", "official_b", "country_x", "country_y", "regional"]


@pytest.fixture
def portal():
    """An initiative in its workshop stage; government A (Argentina) and B (Brazil), each with an invited
    official, an Automapeo with one action and one ALMI contribution; country offices; regional staff."""
    initiative = f.make_workshop_initiative()
    w = {"initiative": initiative}
    for side, country in (("a", "AR"), ("b", "BR")):
        government = f.make_government(country, name=f"Gobierno {side.upper()}")
        official = f.make_portal_official(initiative, government, email=f"official-{side}@example.org")
        automapeo = f.make_automapeo(government, initiative)
        w[side] = {
            "government": government,
            "official": official,
            "automapeo": automapeo,
            "action": f.make_action(automapeo, title=f"Acción {side}"),
            "contribution": f.make_contribution(official, initiative, text=f"Desafío {side}"),
        }
    w["users"] = {
        "anonymous": None,
        "official_a": w["a"]["official"].user,
        "official_b": w["b"]["official"].user,
        "country_x": f.make_country_staff("AR"),
        "country_y": f.make_country_staff("BR"),
        "regional": f.make_regional_staff(),
    }
    assert Automapeo.objects.count() == 2
    return w


def automapeo_data(revision, actions, **extra):
    """The POST of the Automapeo form: `actions` are dicts of the fields of each action form."""
    data = {
        "revision": str(revision),
        "actions-TOTAL_FORMS": str(len(actions)),
        "actions-INITIAL_FORMS": str(sum(1 for a in actions if a.get("id"))),
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "100",
    }
    for index, action in enumerate(actions):
        fields = {"id": "", "title": "", "description": "", "status": "planned", "to_strengthen": ""}
        fields.update(action)
        for name, value in fields.items():
            if name in ("objectives", "principles"):
                data[f"actions-{index}-{name}"] = [str(v) for v in value]
            elif name == "DELETE":
                if value:
                    data[f"actions-{index}-DELETE"] = "on"
            else:
                data[f"actions-{index}-{name}"] = "" if value is None else str(value)
    data.update(extra)
    return data


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
