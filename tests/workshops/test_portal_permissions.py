"""The officials' forms as a matrix: every URL of the workshops portal against every role.

Officials see their own government only (another government's ids answer 404); staff use the admin and get
404 here; anonymous visitors go to the login page.
"""

import pytest
from django.urls import reverse

from tests.workshops.conftest import ROLES

pytestmark = pytest.mark.django_db

OFFICIAL_OWN = {"official_a": "a", "official_b": "b"}


def url_for(portal, name):
    return {
        "automapeo": reverse("automapeo"),
        "almi": reverse("almi"),
        "almi_edit_a": reverse("almi_edit", args=[portal["a"]["contribution"].pk]),
        "almi_edit_b": reverse("almi_edit", args=[portal["b"]["contribution"].pk]),
        "questionnaire_entry": reverse("questionnaire", args=["entry"]),
        "questionnaire_exit": reverse("questionnaire", args=["exit"]),
    }[name]


PAGES = ["automapeo", "almi", "almi_edit_a", "almi_edit_b", "questionnaire_entry", "questionnaire_exit"]


def expected_get(role, page):
    if role == "anonymous":
        return 302
    if role not in OFFICIAL_OWN:
        return 404  # staff use the admin
    if page.startswith("almi_edit_"):
        return 200 if page.endswith(OFFICIAL_OWN[role]) else 404
    return 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_portal_page_by_role(client, portal, page, role):
    user = portal["users"][role]
    if user is not None:
        client.force_login(user)
    url = url_for(portal, page)
    response = client.get(url)
    assert response.status_code == expected_get(role, page)
    if role == "anonymous":
        assert response["Location"] == f"{reverse('account_login')}?next={url}"
    if response.status_code == 200:
        own, other = OFFICIAL_OWN[role], "b" if OFFICIAL_OWN[role] == "a" else "a"
        content = response.content.decode()
        assert portal[own]["government"].name in content
        assert portal[other]["government"].name not in content
        assert f"Acción {other}" not in content
        assert f"Desafío {other}" not in content


@pytest.mark.parametrize("role", ROLES)
def test_portal_autosave_by_role(client, portal, role):
    user = portal["users"][role]
    if user is not None:
        client.force_login(user)
    response = client.post(reverse("automapeo_autosave"), {})
    expected = {"anonymous": 302, "official_a": 400, "official_b": 400}.get(role, 404)
    assert response.status_code == expected
    assert client.get(reverse("automapeo_autosave")).status_code == (405 if role in OFFICIAL_OWN else expected)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["automapeo", "almi", "almi_edit_a", "questionnaire_entry"])
def test_portal_post_by_role_changes_nothing_outside_scope(client, portal, page, role):
    from workshops.models import AlmiContribution, AutomapeoAction, QuestionnaireResponse

    user = portal["users"][role]
    if user is not None:
        client.force_login(user)
    before = (
        AutomapeoAction.objects.count(),
        AlmiContribution.objects.count(),
        QuestionnaireResponse.objects.count(),
    )
    response = client.post(url_for(portal, page), {})
    if role == "anonymous":
        assert response.status_code == 302
    elif role not in OFFICIAL_OWN or (page == "almi_edit_a" and role == "official_b"):
        assert response.status_code == 404
    after = (
        AutomapeoAction.objects.count(),
        AlmiContribution.objects.count(),
        QuestionnaireResponse.objects.count(),
    )
    assert after == before


def test_portal_official_without_invitation_gets_404(client):
    from tests import factories as f

    official = f.make_official_user()
    client.force_login(official.user)
    assert client.get(reverse("automapeo")).status_code == 404


def test_portal_unknown_questionnaire_kind_is_404(client, portal):
    client.force_login(portal["users"]["official_a"])
    assert client.get("/questionnaire/middle/").status_code == 404


def test_portal_automapeo_post_with_other_government_action_is_404(client, portal):
    from workshops.models import AutomapeoAction

    from .conftest import automapeo_data

    client.force_login(portal["users"]["official_a"])
    action_b = portal["b"]["action"]
    data = automapeo_data(
        portal["a"]["automapeo"].revision,
        [{"id": portal["a"]["action"].pk, "title": "Acción a"}, {"id": action_b.pk, "title": "Robada"}],
    )
    assert client.post(reverse("automapeo"), data).status_code == 404
    assert client.post(reverse("automapeo_autosave"), data).status_code == 404
    deleting = automapeo_data(
        portal["a"]["automapeo"].revision,
        [
            {"id": portal["a"]["action"].pk, "title": "Acción a"},
            {"id": action_b.pk, "title": "x", "DELETE": True},
        ],
    )
    assert client.post(reverse("automapeo"), deleting).status_code == 404
    action_b.refresh_from_db()
    assert action_b.title == "Acción b"
    assert AutomapeoAction.objects.filter(automapeo=portal["a"]["automapeo"]).count() == 1


def test_portal_almi_edit_of_colleague_contribution_is_404(client, portal):
    from tests import factories as f

    colleague = f.make_portal_official(portal["initiative"], portal["a"]["government"])
    client.force_login(colleague.user)
    url = reverse("almi_edit", args=[portal["a"]["contribution"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "concern", "text": "Cambio", "objectives": ["1"]}).status_code == 404
    portal["a"]["contribution"].refresh_from_db()
    assert portal["a"]["contribution"].text == "Desafío a"
    # The colleague sees it in the government's list, without an edit link.
    content = client.get(reverse("almi")).content.decode()
    assert "Desafío a" in content
    assert url not in content
