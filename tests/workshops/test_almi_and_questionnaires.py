"""ALMI contributions and the entry and exit questionnaires."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from initiative.models import Objective
from tests import factories as f
from workshops.models import AlmiContribution, QuestionnaireResponse

pytestmark = pytest.mark.django_db


def objective(number):
    return Objective.objects.get(number=number).pk


@pytest.fixture
def official_a(portal, client):
    client.force_login(portal["a"]["official"].user)
    return portal["a"]["official"]


def test_almi_lists_government_contributions_by_kind(client, portal, official_a):
    colleague = f.make_portal_official(portal["initiative"], official_a.local_government)
    f.make_contribution(
        colleague, portal["initiative"], kind="action", text="Feria de empleo", objectives=[objective(6)]
    )
    response = client.get(reverse("almi"))
    assert response.status_code == 200
    groups = {kind: [c.text for c in items] for kind, _label, items in response.context["groups"]}
    assert groups == {"challenge": ["Desafío a"], "concern": [], "action": ["Feria de empleo"]}
    assert response.context["count"] == 2


def test_almi_add_contribution(client, portal, official_a):
    page = client.get(reverse("almi"))
    key = page.context["form"]["form_key"].value()
    data = {
        "kind": "concern",
        "text": "  Falta de datos  ",
        "objectives": [objective(1), objective(3)],
        "form_key": key,
    }
    response = client.post(reverse("almi"), data)
    assert response.status_code == 302
    contribution = AlmiContribution.objects.get(text="Falta de datos")
    assert (contribution.kind, contribution.author, contribution.local_government) == (
        "concern",
        official_a,
        official_a.local_government,
    )
    assert sorted(contribution.objectives.values_list("number", flat=True)) == [1, 3]


def test_almi_double_submit_creates_one_row(client, portal, official_a):
    data = {"kind": "concern", "text": "Una vez", "objectives": [objective(1)], "form_key": "k-123"}
    assert client.post(reverse("almi"), data).status_code == 302
    assert client.post(reverse("almi"), data).status_code == 302
    assert AlmiContribution.objects.filter(text="Una vez").count() == 1


def test_almi_add_invalid_shows_errors_next_to_fields(client, portal, official_a):
    response = client.post(reverse("almi"), {"kind": "rumour", "text": "   ", "form_key": "k"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"kind", "text", "objectives"}
    assert errors["objectives"] == ["Choose at least one GCM objective."]
    assert AlmiContribution.objects.count() == 2


def test_almi_edit_own_contribution(client, portal, official_a):
    contribution = portal["a"]["contribution"]
    url = reverse("almi_edit", args=[contribution.pk])
    page = client.get(url)
    assert page.context["form"]["text"].value() == "Desafío a"
    response = client.post(url, {"kind": "action", "text": "Hecho", "objectives": [objective(7)]})
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert (contribution.kind, contribution.text) == ("action", "Hecho")
    assert list(contribution.objectives.values_list("number", flat=True)) == [7]


def test_almi_closed_refuses_with_date_and_keeps_text(client, portal, official_a):
    initiative = portal["initiative"]
    initiative.submissions_close_at = timezone.now() - timedelta(minutes=5)
    initiative.save(update_fields=["submissions_close_at"])
    date = formats.date_format(timezone.localtime(initiative.submissions_close_at), "DATETIME_FORMAT")
    data = {"kind": "concern", "text": "Tarde", "objectives": [objective(1)], "form_key": "k"}
    response = client.post(reverse("almi"), data)
    assert response.status_code == 403
    assert f"The ALMI closed on {date}" in response.content.decode()
    assert not AlmiContribution.objects.filter(text="Tarde").exists()
    edit = client.post(reverse("almi_edit", args=[portal["a"]["contribution"].pk]), data)
    assert edit.status_code == 403
    assert "Tarde</textarea>" in edit.content.decode()
    portal["a"]["contribution"].refresh_from_db()
    assert portal["a"]["contribution"].text == "Desafío a"
    page = client.get(reverse("almi"))
    assert page.context["form"] is not None
    assert "Add a contribution" not in page.content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_almi_page_queries_do_not_grow_with_contributions(client, django_assert_num_queries, count):
    initiative = f.make_workshop_initiative()
    official = f.make_portal_official(initiative)
    for _ in range(count):
        f.make_contribution(official, initiative, objectives=[objective(1), objective(2)])
    client.force_login(official.user)
    with django_assert_num_queries(5):  # the official and their initiative: one query; the session cached (issue 14)
        response = client.get(reverse("almi"))
    assert response.context["count"] == count


def test_almi_edit_page_queries(client, django_assert_num_queries):
    initiative = f.make_workshop_initiative()
    official = f.make_portal_official(initiative)
    contribution = f.make_contribution(official, initiative, objectives=[objective(1), objective(2)])
    client.force_login(official.user)
    with django_assert_num_queries(5):  # the official and their initiative: one query; the session cached (issue 14)
        assert client.get(reverse("almi_edit", args=[contribution.pk])).status_code == 200


def test_questionnaire_entry_answer_once(client, portal, official_a):
    url = reverse("questionnaire", args=["entry"])
    data = {"knowledge": "2", "expectations": "Aprender de otras ciudades", "comments": ""}
    assert client.post(url, data).status_code == 302
    second = client.post(url, {**data, "knowledge": "5"}, follow=True)
    assert "You had already answered this questionnaire" in second.content.decode()
    response = QuestionnaireResponse.objects.get(official=official_a, kind="entry")
    assert (response.knowledge, response.expectations, response.satisfaction) == (
        2,
        "Aprender de otras ciudades",
        None,
    )
    page = client.get(url)
    assert page.context["response"] == response
    assert "Aprender de otras ciudades" in page.content.decode()


def test_questionnaire_exit_asks_satisfaction_and_use(client, portal, official_a):
    url = reverse("questionnaire", args=["exit"])
    page = client.get(url)
    assert list(page.context["form"].fields) == ["knowledge", "satisfaction", "use_of_learning", "comments"]
    response = client.post(url, {"knowledge": "4", "satisfaction": "5", "use_of_learning": "En el plan local"})
    assert response.status_code == 302
    answer = QuestionnaireResponse.objects.get(official=official_a, kind="exit")
    assert (answer.knowledge, answer.satisfaction, answer.use_of_learning) == (4, 5, "En el plan local")


def test_questionnaire_invalid_scale_is_an_error_next_to_the_field(client, portal, official_a):
    response = client.post(reverse("questionnaire", args=["exit"]), {"knowledge": "7", "satisfaction": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"knowledge", "satisfaction", "use_of_learning"}
    assert QuestionnaireResponse.objects.count() == 0


def test_questionnaire_entry_open_at_launch_exit_not(client):
    initiative = f.make_initiative(stage="launch")
    official = f.make_portal_official(initiative)
    client.force_login(official.user)
    assert (
        client.post(reverse("questionnaire", args=["entry"]), {"knowledge": "3", "expectations": "x"}).status_code
        == 302
    )
    refused = client.post(
        reverse("questionnaire", args=["exit"]),
        {"knowledge": "3", "satisfaction": "3", "use_of_learning": "x"},
    )
    assert refused.status_code == 403
    assert "The questionnaires are not open yet" in refused.content.decode()
    assert list(QuestionnaireResponse.objects.values_list("kind", flat=True)) == ["entry"]


@pytest.mark.parametrize("answered", [False, True])
def test_questionnaire_page_queries(client, django_assert_num_queries, answered):
    initiative = f.make_workshop_initiative()
    official = f.make_portal_official(initiative)
    if answered:
        QuestionnaireResponse.objects.create(official=official, initiative=initiative, kind="entry", knowledge=3)
    client.force_login(official.user)
    with django_assert_num_queries(3):  # the official and their initiative: one query; the session cached (issue 14)
        assert client.get(reverse("questionnaire", args=["entry"])).status_code == 200


def test_questionnaire_exit_not_open_during_launch_says_so(client):
    initiative = f.make_initiative(stage="launch")
    official = f.make_portal_official(initiative)
    client.force_login(official.user)
    page = client.get(reverse("questionnaire", args=["exit"]))
    assert "This questionnaire is not open yet." in page.content.decode()
    assert page.context["accepts"] is False


def test_current_initiative_is_the_newest_invitation_sent_or_accepted():
    from authorities.enums import InvitationStatus
    from authorities.queries import current_initiative

    official = f.make_official_user()
    older, newer, declined = (
        f.make_initiative(year=2023),
        f.make_initiative(year=2025),
        f.make_initiative(year=2026),
    )
    f.invite(official, older, status=InvitationStatus.ACCEPTED)
    f.invite(official, newer, status=InvitationStatus.SENT)
    f.invite(official, declined, status=InvitationStatus.DECLINED)
    assert current_initiative(official) == newer
