"""The admin as a matrix: every admin URL of our apps against every role.

Roles: anonymous, an official of government A (Argentina), an official of government B (Brazil), the country
office of Argentina (X) and of Brazil (Y), and regional staff. A row of the other country answers 404.
"""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import EligibilityOverride
from initiative.models import GoodPractice, GuidingPrinciple, Objective, Resource, StageTransition
from tests import factories as f
from workshops.enums import ContributionKind, EventKind, QuestionnaireKind
from workshops.models import (
    AgendaItem,
    AlmiAgendaItem,
    AlmiContribution,
    Automapeo,
    AutomapeoAction,
    QuestionnaireResponse,
    Registration,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "official_a", "official_b", "country_x", "country_y", "regional"]


@pytest.fixture
def world():
    """Two countries, each with a government, an official with an account, and a row of every kind."""
    regional = f.make_regional_staff()
    initiative = f.make_initiative()
    launch = f.make_event(initiative, EventKind.LAUNCH)
    session = f.make_session(launch)
    workshop = f.make_event(initiative, EventKind.WORKSHOP)
    agenda = AgendaItem.objects.create(session=session, starts_at=time(15), activity="Bienvenida")
    StageTransition.objects.create(initiative=initiative, from_stage="mapping", to_stage="launch", by=regional)
    Resource.objects.create(title="Handbook", url="https://example.org/handbook.pdf")
    w = {
        "regional": regional,
        "initiative": initiative,
        "event": launch,
        "session": session,
        "agendaitem": agenda,
        "stagetransition": StageTransition.objects.get(),
        "objective": Objective.objects.get(number=1),
        "guidingprinciple": GuidingPrinciple.objects.get(number=1),
        "goodpractice": GoodPractice.objects.first(),
        "resource": Resource.objects.get(),
        "almiagendaitem": AlmiAgendaItem.objects.create(
            initiative=initiative, title="Datos locales", kind=ContributionKind.CHALLENGE
        ),
    }
    for side, country in (("a", "AR"), ("b", "BR")):
        government = f.make_government(country, name=f"Gobierno {side.upper()}")
        official = f.make_official_user(government, email=f"official-{side}@example.org")
        automapeo = Automapeo.objects.create(local_government=government, initiative=initiative)
        w[side] = {
            "localgovernment": government,
            "official": official,
            "invitation": f.invite(official, initiative),
            "registration": Registration.objects.create(official=official, event=workshop, initiative=initiative),
            "attendance": f.attend(official, session, minutes=100),
            "automapeo": automapeo,
            "automapeoaction": AutomapeoAction.objects.create(automapeo=automapeo, title=f"Acción {side}"),
            "almicontribution": AlmiContribution.objects.create(
                initiative=initiative,
                local_government=government,
                author=official,
                kind=ContributionKind.CONCERN,
                text=f"Inquietud {side}",
            ),
            "questionnaireresponse": QuestionnaireResponse.objects.create(
                official=official, initiative=initiative, kind=QuestionnaireKind.ENTRY, knowledge=3
            ),
            "recognition": f.make_recognition(initiative, official=official, issued_by=regional),
            "eligibilityoverride": EligibilityOverride.objects.create(
                initiative=initiative,
                official=official,
                eligible=True,
                reason="Asistió por teléfono",
                decided_by=regional,
            ),
            "countryoffice": f.make_country_office(country),
        }
    w["users"] = {
        "anonymous": None,
        "official_a": w["a"]["official"].user,
        "official_b": w["b"]["official"].user,
        "country_x": f.make_country_staff("AR"),
        "country_y": f.make_country_staff("BR"),
        "regional": regional,
    }
    return w


# model name → (app label, scoped by country, country staff may add)
MODELS = {
    "initiative": ("initiative", False, False),
    "stagetransition": ("initiative", False, False),
    "objective": ("initiative", False, False),
    "guidingprinciple": ("initiative", False, False),
    "goodpractice": ("initiative", False, False),
    "resource": ("initiative", False, False),
    "countryoffice": ("authorities", True, False),
    "localgovernment": ("authorities", True, True),
    "official": ("authorities", True, True),
    "invitation": ("authorities", True, False),
    "event": ("workshops", False, False),
    "session": ("workshops", False, False),
    "registration": ("workshops", True, False),
    "attendance": ("workshops", True, False),
    "automapeo": ("workshops", True, False),
    "almicontribution": ("workshops", True, False),
    "almiagendaitem": ("workshops", False, False),
    "questionnaireresponse": ("workshops", True, False),
    "recognition": ("certificates", True, False),
    "eligibilityoverride": ("certificates", True, False),
}
# Rows that nobody adds by hand: the stage runner writes transitions; the GCM fixes its objectives; issuance
# makes recognitions; attendance comes from the reports, the roster and the correction action.
NO_ADD = {"stagetransition", "objective", "guidingprinciple", "recognition", "attendance"}


def login(client, user):
    if user is not None:
        client.force_login(user)


def expected(role, *, scoped, own_side, allowed_for_country):
    if role in ("anonymous", "official_a", "official_b"):
        return 302  # to the admin login: officials are not staff
    if role == "regional":
        return 200
    if scoped and not own_side:
        return 404
    return 200 if allowed_for_country else 403


def own_side_of(role):
    return {"country_x": "a", "country_y": "b"}.get(role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", sorted(MODELS))
def test_admin_changelist_by_role(client, world, model, role):
    app, scoped, _ = MODELS[model]
    login(client, world["users"][role])
    response = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == expected(role, scoped=False, own_side=True, allowed_for_country=True)
    if response.status_code == 200 and scoped and role != "regional":
        own, other = world[own_side_of(role)][model], world["b" if own_side_of(role) == "a" else "a"][model]
        shown = list(response.context["cl"].result_list)
        assert shown == [own]
        assert other not in shown


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", ["a", "b"])
@pytest.mark.parametrize("model", sorted(MODELS))
def test_admin_change_and_history_by_role(client, world, model, side, role):
    app, scoped, _ = MODELS[model]
    obj = world[side][model] if scoped else world[model]
    login(client, world["users"][role])
    own_side = not scoped or own_side_of(role) in (None, side)
    status = expected(role, scoped=scoped, own_side=own_side, allowed_for_country=True)
    assert client.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk])).status_code == status
    assert client.get(reverse(f"admin:{app}_{model}_history", args=[obj.pk])).status_code == status


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", sorted(set(MODELS) - NO_ADD))
def test_admin_add_by_role(client, world, model, role):
    app, _, country_may_add = MODELS[model]
    login(client, world["users"][role])
    response = client.get(reverse(f"admin:{app}_{model}_add"))
    assert response.status_code == expected(role, scoped=False, own_side=True, allowed_for_country=country_may_add)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", sorted(NO_ADD))
def test_admin_add_refused_to_everyone_for_rows_nobody_adds(client, world, model, role):
    app, _, _ = MODELS[model]
    login(client, world["users"][role])
    response = client.get(reverse(f"admin:{app}_{model}_add"))
    assert response.status_code == (302 if role in ("anonymous", "official_a", "official_b") else 403)


@pytest.mark.parametrize(("role", "visible"), [("country_x", ["a"]), ("country_y", ["b"]), ("regional", ["a", "b"])])
def test_admin_autocomplete_shows_only_scope(client, world, role, visible):
    login(client, world["users"][role])
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "authorities", "model_name": "invitation", "field_name": "official", "term": "Nombre"},
    )
    assert response.status_code == 200
    ids = sorted(int(item["id"]) for item in response.json()["results"])
    assert ids == sorted(world[side]["official"].pk for side in visible)


def test_admin_country_staff_cannot_attach_official_to_other_country(client, world):
    login(client, world["users"]["country_x"])
    response = client.post(
        reverse("admin:authorities_official_add"),
        {
            "first_name": "Intrusa",
            "last_name": "Pérez",
            "email": "intrusa@example.org",
            "local_government": world["b"]["localgovernment"].pk,
            "role_kind": "other",
            "language": "es",
            "position": "",
            "time_zone": "",
            "gender": "",
        },
    )
    assert response.status_code == 200
    assert "local_government" in response.context["adminform"].form.errors
    assert not world["b"]["localgovernment"].officials.filter(email="intrusa@example.org").exists()


def test_admin_country_staff_cannot_create_government_in_other_country(client, world):
    login(client, world["users"]["country_x"])
    response = client.post(
        reverse("admin:authorities_localgovernment_add"),
        {
            "name": "Ciudad ajena",
            "country": "BR",
            "region": "",
            "kind": "municipality",
            "officials-TOTAL_FORMS": "0",
            "officials-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "country" in response.context["adminform"].form.errors
    assert not world["b"]["localgovernment"].__class__.objects.filter(name="Ciudad ajena").exists()


def test_admin_country_filter_lists_only_own_country(client, world):
    login(client, world["users"]["country_x"])
    response = client.get(reverse("admin:authorities_official_changelist"))
    country_filter = next(spec for spec in response.context["cl"].filter_specs if spec.parameter_name == "country")
    assert [code for code, _ in country_filter.lookup_choices] == ["AR"]


def test_admin_stage_panel_is_read_only_for_country_staff(client, world):
    login(client, world["users"]["country_x"])
    initiative = world["initiative"]
    response = client.get(reverse("admin:initiative_initiative_change", args=[initiative.pk]))
    assert response.status_code == 200
    assert response.context["can_advance"] is False
    assert b'id="advance-form"' not in response.content


def test_admin_history_lists_no_other_country_object_log(client, world):
    # The admin's own log of changes is reached through the object's page, which is scoped: 404 above.
    login(client, world["users"]["country_x"])
    official_b = world["b"]["official"]
    url = reverse("admin:authorities_official_history", args=[official_b.pk])
    assert client.get(url).status_code == 404
    assert timezone.now() - timedelta(seconds=5) < timezone.now()


@pytest.mark.parametrize("role", ROLES)
def test_admin_advance_with_override_by_role(client, world, role):
    """The stage move, with a reason to move on although the launch's attendance is missing: only regional
    staff move; country offices are refused (they see the initiative, so 403); the others are sent to log in."""
    initiative = f.make_initiative(stage="launch")
    f.make_session(f.make_event(initiative, EventKind.LAUNCH))
    f.make_session(f.make_event(initiative, EventKind.WORKSHOP), starts_at=timezone.now() + timedelta(days=3))
    login(client, world["users"][role])
    url = reverse("admin:initiative_initiative_advance", args=[initiative.pk])

    response = client.post(url, {"to": "workshop", "override_reason": "The report is lost."})

    initiative.refresh_from_db()
    if role == "regional":
        assert (response.status_code, response.url) == (
            302,
            reverse("admin:initiative_initiative_change", args=[initiative.pk]),
        )
        assert initiative.stage == "workshop"
        assert list(initiative.transitions.values_list("override_reason", flat=True)) == ["The report is lost."]
    else:
        assert response.status_code == (403 if role.startswith("country") else 302)
        if response.status_code == 302:
            assert response.url.startswith(reverse("admin:login"))
        assert (initiative.stage, initiative.transitions.count()) == ("launch", 0)
