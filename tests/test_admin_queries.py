"""Every admin changelist costs the same number of queries with one row and with many, for each staff role;
every change page loads with a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alp_portal.generations import everything_written
from authorities.models import CountryOffice, Invitation, LocalGovernment, Official
from certificates.enums import RecognitionKind
from certificates.models import EligibilityOverride, Recognition
from initiative.models import GoodPractice, Initiative, Resource, StageTransition
from tests import factories as f
from tests.test_admin_scoping import MODELS, world  # noqa: F401  (the fixture)
from workshops.enums import ContributionKind, EventKind, QuestionnaireKind
from workshops.models import (
    AlmiAgendaItem,
    AlmiContribution,
    Attendance,
    Automapeo,
    Event,
    QuestionnaireResponse,
    Registration,
    Session,
)

pytestmark = pytest.mark.django_db

MANY = 500


def _officials(w, count, prefix):
    government = w["a"]["localgovernment"]
    return Official.objects.bulk_create(
        Official(
            first_name=f"{prefix}{i}",
            last_name="Pérez",
            email=f"{prefix}{i}@example.org",
            local_government=government,
        )
        for i in range(count)
    )


def _sessions(w, count):
    start = timezone.now() - timedelta(days=400)
    return Session.objects.bulk_create(
        Session(
            event=w["event"],
            title=f"S{i}",
            starts_at=start + timedelta(hours=3 * i),
            ends_at=start + timedelta(hours=3 * i + 2),
        )
        for i in range(count)
    )


def add_rows(model, w, count):
    """Add `count` rows of `model`, visible to regional staff and to the country office of Argentina, in bulk as
    a bulk writer does: announced (alp_portal/generations.py)."""
    _add_rows(model, w, count)
    everything_written()


def _add_rows(model, w, count):
    initiative, regional = w["initiative"], w["regional"]
    if model == "initiative":
        Initiative.objects.bulk_create(
            Initiative(name=f"I{i}", slug=f"i-{i}", year=2024, region="Sur") for i in range(count)
        )
    elif model == "stagetransition":
        initiatives = Initiative.objects.bulk_create(
            Initiative(name=f"I{i}", slug=f"i-{i}", year=2024, region="Sur") for i in range(count)
        )
        StageTransition.objects.bulk_create(
            StageTransition(initiative=i, from_stage="mapping", to_stage="launch", by=regional) for i in initiatives
        )
    elif model in ("objective", "guidingprinciple"):
        pytest.skip("fixed reference data: 23 objectives and 10 principles")
    elif model == "goodpractice":
        GoodPractice.objects.bulk_create(GoodPractice(title=f"Práctica {i}", description="-") for i in range(count))
    elif model == "resource":
        Resource.objects.bulk_create(Resource(title=f"R{i}", url="https://example.org/r") for i in range(count))
    elif model == "countryoffice":
        pytest.skip("one office per country: a country office sees one row")
    elif model == "localgovernment":
        LocalGovernment.objects.bulk_create(LocalGovernment(name=f"Municipio {i}", country="AR") for i in range(count))
    elif model == "official":
        _officials(w, count, "o")
    elif model == "invitation":
        Invitation.objects.bulk_create(
            Invitation(official=o, initiative=initiative, status="sent", sent_at=timezone.now())
            for o in _officials(w, count, "i")
        )
    elif model == "event":
        Event.objects.bulk_create(
            Event(initiative=initiative, kind=EventKind.OTHER, title=f"E{i}") for i in range(count)
        )
    elif model == "session":
        _sessions(w, count)
    elif model == "registration":
        event = w["b"]["registration"].event
        Registration.objects.bulk_create(
            Registration(official=o, event=event, initiative=initiative) for o in _officials(w, count, "r")
        )
    elif model == "attendance":
        session = w["session"]
        Attendance.objects.bulk_create(
            Attendance(official=o, session=session, status="present", seconds=90 * 60, confirmed_by=regional)
            for o in _officials(w, count, "a")
        )
    elif model == "automapeo":
        governments = LocalGovernment.objects.bulk_create(
            LocalGovernment(name=f"Municipio {i}", country="AR") for i in range(count)
        )
        Automapeo.objects.bulk_create(Automapeo(local_government=g, initiative=initiative) for g in governments)
    elif model == "almicontribution":
        AlmiContribution.objects.bulk_create(
            AlmiContribution(
                initiative=initiative,
                local_government=w["a"]["localgovernment"],
                author=w["a"]["official"],
                kind=ContributionKind.ACTION,
                text=f"Acción {i}",
            )
            for i in range(count)
        )
    elif model == "almiagendaitem":
        AlmiAgendaItem.objects.bulk_create(
            AlmiAgendaItem(initiative=initiative, title=f"Ítem {i}", kind=ContributionKind.ACTION) for i in range(count)
        )
    elif model == "questionnaireresponse":
        QuestionnaireResponse.objects.bulk_create(
            QuestionnaireResponse(official=o, initiative=initiative, kind=QuestionnaireKind.ENTRY, knowledge=2)
            for o in _officials(w, count, "q")
        )
    elif model == "recognition":
        Recognition.objects.bulk_create(
            Recognition(
                initiative=initiative,
                kind=RecognitionKind.PERSON,
                official=o,
                holder_name=o.full_name,
                issued_at=timezone.now(),
                issued_by=regional,
                code=f"CODE-{o.pk}",
            )
            for o in _officials(w, count, "c")
        )
    elif model == "eligibilityoverride":
        EligibilityOverride.objects.bulk_create(
            EligibilityOverride(initiative=initiative, official=o, eligible=False, reason="-", decided_by=regional)
            for o in _officials(w, count, "e")
        )
    else:  # pragma: no cover - a new model must be added here
        raise AssertionError(f"no builder for {model}")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("role", ["country_x", "regional"])
@pytest.mark.parametrize("model", sorted(MODELS))
def test_admin_changelist_queries_do_not_grow_with_rows(client, world, model, role):  # noqa: F811
    app = MODELS[model][0]
    client.force_login(world["users"][role])
    url = reverse(f"admin:{app}_{model}_changelist")
    client.get(url)  # warm the per-process caches (content types, translations)
    few, _ = count_queries(client, url)
    add_rows(model, world, MANY)
    client.get(url)  # the first page after a change reads what the list keeps again (alp_portal/admin_reads.py)
    many, response = count_queries(client, url)
    assert len(response.context["cl"].result_list) == 50  # a full page: the many rows are there
    assert many == few


@pytest.mark.parametrize("role", ["country_x", "regional"])
@pytest.mark.parametrize("model", sorted(MODELS))
def test_admin_change_page_query_count_is_fixed(client, world, model, role):  # noqa: F811
    app, scoped, _ = MODELS[model]
    obj = world["a"][model] if scoped else world[model]
    client.force_login(world["users"][role])
    url = reverse(f"admin:{app}_{model}_change", args=[obj.pk])
    client.get(url)
    first, _ = count_queries(client, url)
    again, _ = count_queries(client, url)
    assert first == again
    assert first <= 40


def test_admin_initiative_page_queries_do_not_grow_with_participants(client, world):  # noqa: F811
    client.force_login(world["regional"])
    initiative = world["initiative"]
    url = reverse("admin:initiative_initiative_change", args=[initiative.pk])
    client.get(url)
    few, _ = count_queries(client, url)
    session = world["session"]
    for official in _officials(world, 200, "p"):
        f.invite(official, initiative)
        f.attend(official, session, minutes=100)
    many, response = count_queries(client, url)
    assert many == few
    launch = next(row for row in response.context["stage_figures"] if row.stage == "launch")
    assert launch.figures.people == 202
    assert CountryOffice.objects.count() == 2


@pytest.mark.parametrize("role", ["regional", "country_x"])
@pytest.mark.parametrize("params", [{}, {"country": "AR"}, {"p": "2"}])
def test_attendance_changelist_reads_an_index_not_a_sort_of_every_joined_row(client, world, role, params):  # noqa: F811
    """Issue 14, item 3: the list's order is the (session, official) index's, and the country filter's choices
    come from the local governments, not from a DISTINCT over every attendance row."""
    session = world["a"]["attendance"].session
    officials = _officials(world, 60, "Orden")
    Attendance.objects.bulk_create(
        Attendance(official=official, session=session, status="present", seconds=60) for official in officials
    )
    client.force_login(world["users"][role])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:workshops_attendance_changelist"), params)
    assert response.status_code == 200
    on_attendance = [q["sql"] for q in queries.captured_queries if 'FROM "workshops_attendance"' in q["sql"]]
    assert on_attendance, "the list was not read"
    assert [sql for sql in on_attendance if "DISTINCT" in sql] == []
    listing = [sql for sql in on_attendance if "ORDER BY" in sql]
    assert listing
    for sql in listing:
        order = sql.split("ORDER BY", 1)[1].split("LIMIT")[0]
        assert order.split() == [
            '"workshops_attendance"."session_id"',
            "ASC,",
            '"workshops_attendance"."official_id"',
            "ASC",
        ]
    shown = list(response.context["cl"].result_list)
    assert [(a.session_id, a.official_id) for a in shown] == sorted((a.session_id, a.official_id) for a in shown)


def test_changelist_checkbox_and_country_column_are_the_admins_own_html():
    """ScopedAdmin writes the row's checkbox and a country column directly (the admin renders a widget template
    and builds 250 translated choices for every row): the same HTML and text as the admin's own."""
    from django.contrib import admin as django_admin
    from django.contrib.admin.utils import display_for_field
    from django.utils import translation

    from alp_portal.admin import _country_column

    model_admin = django_admin.site._registry[LocalGovernment]
    government = f.make_government("BR", name='São João "del-Rei" <&>')
    field = LocalGovernment._meta.get_field("country")
    for language in ("es", "pt-br", "en"):
        with translation.override(language):
            assert model_admin.action_checkbox(government) == django_admin.ModelAdmin.action_checkbox(
                model_admin, government
            )
            assert _country_column(field)(government) == display_for_field(government.country, field, "-")
    government.country = ""
    assert _country_column(field)(government) is None  # shown as the admin's empty mark


def test_country_columns_of_every_changelist_are_cheap(client):
    from django.contrib import admin as django_admin
    from django.test import RequestFactory
    from django_countries.fields import CountryField

    request = RequestFactory().get("/")
    request.user = f.make_regional_staff()
    seen = 0
    for model, model_admin in django_admin.site._registry.items():
        for item in model_admin.get_list_display(request):
            if isinstance(item, str) and item in {field.name for field in model._meta.fields}:
                assert not isinstance(model._meta.get_field(item), CountryField), (model, item)
            seen += callable(item) and getattr(item, "admin_order_field", "") == "country"
    assert seen >= 3  # local governments, country offices, export log, good practices


def test_a_scope_of_everything_adds_no_condition_and_a_narrower_one_does(world):  # noqa: F811
    """alp_portal.models.within: regional staff see every row, so their lists carry no subquery of every official
    (it kept PostgreSQL from reading a deep page by its index); a country office's lists keep their scope."""
    for model in (Attendance, Invitation, EligibilityOverride, Registration):
        regional = str(model.objects.for_user(world["users"]["regional"]).query)
        country = str(model.objects.for_user(world["users"]["country_x"]).query)
        assert "IN (SELECT" not in regional, model
        assert "IN (SELECT" in country, model
    regional = world["users"]["regional"]
    assert Attendance.objects.for_user(regional).count() == Attendance.objects.count()
    assert Resource.objects.for_user(regional).count() == Resource.objects.count()  # an OR with everything


def test_changelist_row_links_are_the_admins_own(client):
    """PageByIdsChangeList reverses one change address per list, not one per row: the same links as the admin's,
    on every scoped changelist and under a script prefix."""
    from django.contrib import admin as django_admin
    from django.contrib.admin.views.main import ChangeList
    from django.test import RequestFactory
    from django.urls import set_script_prefix

    from alp_portal.admin import PageByIdsChangeList, ScopedAdmin

    request = RequestFactory().get("/admin/")
    request.user = f.make_regional_staff()
    f.make_official()
    checked = 0
    for prefix in ("/", "/portal/"):
        set_script_prefix(prefix)
        try:
            for model, model_admin in django_admin.site._registry.items():
                if not isinstance(model_admin, ScopedAdmin):
                    continue
                changelist = model_admin.get_changelist_instance(request)
                assert isinstance(changelist, PageByIdsChangeList)
                for row in [*changelist.result_list, model(pk=12345)]:
                    assert changelist.url_for_result(row) == ChangeList.url_for_result(changelist, row)
                    checked += 1
        finally:
            set_script_prefix("/")
    assert checked > 40
