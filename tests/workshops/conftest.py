import pytest

from tests import factories as f
from workshops.models import Automapeo

ROLES = ["anonymous", "official_a", "official_b", "country_x", "country_y", "regional"]


@pytest.fixture
def portal():
    """An initiative in its workshop stage; government A (Argentina) and B (Brazil), each with an invited
    official, an Automapeo with one action and one ALMI contribution; the country offices and regional staff."""
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
