"""The Automapeo de gestión: drafts on the server, submission, concurrent edits, closed stages."""

import zoneinfo
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from initiative.models import GuidingPrinciple, Objective, StageTransition
from tests import factories as f
from workshops.enums import SubmissionStatus
from workshops.models import Automapeo, AutomapeoAction
from workshops.services import ActionInput, StaleAutomapeo, save_automapeo

from .conftest import automapeo_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def gov_a(portal):
    a = portal["a"]
    return {"portal": portal, "initiative": portal["initiative"], **a, "user": a["official"].user}


def objective(number):
    return Objective.objects.get(number=number).pk


def principle(number):
    return GuidingPrinciple.objects.get(number=number).pk


def test_automapeo_first_visit_shows_empty_form_without_creating_rows(client):
    initiative = f.make_workshop_initiative()
    official = f.make_portal_official(initiative)
    client.force_login(official.user)
    response = client.get(reverse("automapeo"))
    assert response.status_code == 200
    assert response.context["revision"] == 0
    assert len(response.context["formset"].forms) == 1
    assert Automapeo.objects.count() == 0


def test_automapeo_save_draft_creates_and_shows_actions(client):
    initiative = f.make_workshop_initiative()
    official = f.make_portal_official(initiative)
    client.force_login(official.user)
    data = automapeo_data(
        0,
        [
            {
                "title": "Mesa de atención a migrantes",
                "description": "Orientación legal",
                "objectives": [objective(3), objective(15)],
                "principles": [principle(1)],
                "status": "in_place",
                "to_strengthen": "Datos desglosados",
            }
        ],
        save="1",
    )
    response = client.post(reverse("automapeo"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("automapeo")
    automapeo = Automapeo.objects.get()
    assert automapeo.local_government == official.local_government
    assert automapeo.status == SubmissionStatus.DRAFT
    assert automapeo.revision == 1
    assert automapeo.last_saved_by == official.user
    action = automapeo.actions.get()
    assert (action.title, action.description, action.status, action.to_strengthen, action.position) == (
        "Mesa de atención a migrantes",
        "Orientación legal",
        "in_place",
        "Datos desglosados",
        1,
    )
    assert sorted(action.objectives.values_list("number", flat=True)) == [3, 15]
    assert list(action.principles.values_list("number", flat=True)) == [1]
    # Another device, or a reload: the draft is there.
    page = client.get(reverse("automapeo"))
    assert page.context["revision"] == 1
    first = page.context["formset"].forms[0]
    assert first["title"].value() == "Mesa de atención a migrantes"
    assert first.objectives_checked == {str(objective(3)), str(objective(15))}
    assert "Draft saved." in page.content.decode()


def test_automapeo_colleague_sees_the_same_draft(client, gov_a):
    colleague = f.make_portal_official(gov_a["initiative"], gov_a["government"])
    client.force_login(colleague.user)
    page = client.get(reverse("automapeo"))
    assert [form["title"].value() for form in page.context["formset"].forms] == ["Acción a", None]


def test_automapeo_edit_and_remove_actions(client, gov_a):
    automapeo = gov_a["automapeo"]
    second = f.make_action(automapeo, title="Segunda")
    client.force_login(gov_a["user"])
    data = automapeo_data(
        automapeo.revision,
        [
            {"id": gov_a["action"].pk, "title": "Acción a, cambiada", "objectives": [objective(1)]},
            {"id": second.pk, "title": "Segunda", "DELETE": True},
            {"title": "Tercera", "status": "in_progress"},
        ],
        save="1",
    )
    assert client.post(reverse("automapeo"), data).status_code == 302
    assert list(automapeo.actions.order_by("position").values_list("title", "status", "position")) == [
        ("Acción a, cambiada", "planned", 1),
        ("Tercera", "in_progress", 2),
    ]
    automapeo.refresh_from_db()
    assert automapeo.revision == 2


def test_automapeo_submit_then_edit_again(client, gov_a):
    automapeo = gov_a["automapeo"]
    client.force_login(gov_a["user"])
    data = automapeo_data(
        automapeo.revision,
        [{"id": gov_a["action"].pk, "title": "Acción a", "objectives": [objective(2)]}],
        submit="1",
    )
    response = client.post(reverse("automapeo"), data)
    assert response.status_code == 302
    automapeo.refresh_from_db()
    assert automapeo.status == SubmissionStatus.SUBMITTED
    assert automapeo.submitted_by == gov_a["user"]
    assert automapeo.submitted_at is not None
    page = client.get(reverse("automapeo"))
    assert "Thank you: the Automapeo of Gobierno A is submitted." in page.content.decode()
    assert page.context["submitted"] is True
    assert page.context["formset"] is not None  # still editable while the stage is open
    data = automapeo_data(
        automapeo.revision,
        [{"id": gov_a["action"].pk, "title": "Acción a+", "objectives": [objective(2)]}],
        save="1",
    )
    assert client.post(reverse("automapeo"), data).status_code == 302
    automapeo.refresh_from_db()
    assert (automapeo.status, automapeo.actions.get().title) == (SubmissionStatus.SUBMITTED, "Acción a+")


def test_automapeo_submit_incomplete_keeps_draft_and_shows_errors(client, gov_a):
    automapeo = gov_a["automapeo"]
    client.force_login(gov_a["user"])
    data = automapeo_data(
        automapeo.revision,
        [{"id": gov_a["action"].pk, "title": "Acción a"}, {"title": "", "description": "Sin título todavía"}],
        submit="1",
    )
    response = client.post(reverse("automapeo"), data)
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert forms[0].errors == {"objectives": ["Choose at least one GCM objective this action relates to."]}
    assert forms[1].errors == {
        "title": ["Give this action a title before submitting."],
        "objectives": ["Choose at least one GCM objective this action relates to."],
    }
    content = response.content.decode()
    assert "Give this action a title before submitting." in content
    assert "Your changes are saved as a draft." in content
    automapeo.refresh_from_db()
    assert automapeo.status == SubmissionStatus.DRAFT
    assert automapeo.revision == 2
    new = automapeo.actions.get(title="")
    assert new.description == "Sin título todavía"
    # The form again carries the id of the action it created and the new revision: saving again adds nothing.
    assert response.context["revision"] == 2
    assert forms[1]["id"].value() == str(new.pk)


def test_automapeo_submit_without_actions_is_refused(client):
    initiative = f.make_workshop_initiative()
    official = f.make_portal_official(initiative)
    client.force_login(official.user)
    response = client.post(reverse("automapeo"), automapeo_data(0, [{}], submit="1"))
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors() == ["Add at least one action before submitting the Automapeo."]
    assert Automapeo.objects.filter(status=SubmissionStatus.SUBMITTED).count() == 0


def test_automapeo_title_too_long_is_an_error_next_to_the_field(client, gov_a):
    client.force_login(gov_a["user"])
    data = automapeo_data(gov_a["automapeo"].revision, [{"title": "x" * 301}], save="1")
    response = client.post(reverse("automapeo"), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors == {
        "title": ["Ensure this value has at most 300 characters (it has 301)."]
    }
    assert gov_a["automapeo"].actions.count() == 1


def test_automapeo_double_submit_creates_one_row(client, gov_a):
    automapeo = gov_a["automapeo"]
    client.force_login(gov_a["user"])
    data = automapeo_data(
        automapeo.revision,
        [
            {"id": gov_a["action"].pk, "title": "Acción a", "objectives": [objective(1)]},
            {"title": "Nueva", "objectives": [objective(4)]},
        ],
        submit="1",
    )
    first = client.post(reverse("automapeo"), data)
    second = client.post(reverse("automapeo"), data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert list(automapeo.actions.values_list("title", flat=True)) == ["Acción a", "Nueva"]
    automapeo.refresh_from_db()
    submitted_at = automapeo.submitted_at
    assert automapeo.revision == 2
    client.post(reverse("automapeo"), data)
    automapeo.refresh_from_db()
    assert automapeo.submitted_at == submitted_at


def test_automapeo_stale_save_is_refused_showing_both_versions(client, gov_a):
    automapeo = gov_a["automapeo"]
    loaded = automapeo.revision
    colleague = f.make_portal_official(gov_a["initiative"], gov_a["government"], first_name="Ana", last_name="Paz")
    theirs = automapeo_data(loaded, [{"id": gov_a["action"].pk, "title": "Versión de Ana"}], save="1")
    client.force_login(colleague.user)
    assert client.post(reverse("automapeo"), theirs).status_code == 302

    client.force_login(gov_a["user"])
    mine = automapeo_data(
        loaded, [{"id": gov_a["action"].pk, "title": "Mi versión"}, {"title": "Mi acción nueva"}], save="1"
    )
    response = client.post(reverse("automapeo"), mine)
    assert response.status_code == 409
    content = response.content.decode()
    conflict = response.context["conflict"]
    assert [a.title for a in conflict["theirs"]] == ["Versión de Ana"]
    assert [a.title for a in conflict["yours"]] == ["Mi versión", "Mi acción nueva"]
    assert conflict["saved_by"] == "Ana Paz"
    assert "Your changes were not saved: someone else saved first" in content
    # Nothing is lost: theirs is stored; mine is in the form, which now stands on the current revision.
    assert list(automapeo.actions.values_list("title", flat=True)) == ["Versión de Ana"]
    forms = response.context["formset"].forms
    assert [form["title"].value() for form in forms] == ["Mi versión", "Mi acción nueva"]
    assert response.context["revision"] == loaded + 1
    # Saving again, having seen both, keeps mine.
    again = automapeo_data(
        loaded + 1,
        [{"id": gov_a["action"].pk, "title": "Mi versión"}, {"title": "Mi acción nueva"}],
        save="1",
    )
    assert client.post(reverse("automapeo"), again).status_code == 302
    assert list(automapeo.actions.order_by("position").values_list("title", flat=True)) == [
        "Mi versión",
        "Mi acción nueva",
    ]


def test_automapeo_stale_save_of_action_removed_by_colleague_keeps_it_in_the_form(client, gov_a):
    automapeo = gov_a["automapeo"]
    loaded = automapeo.revision
    colleague = f.make_portal_official(gov_a["initiative"], gov_a["government"])
    client.force_login(colleague.user)
    removal = automapeo_data(loaded, [{"id": gov_a["action"].pk, "title": "Acción a", "DELETE": True}], save="1")
    assert client.post(reverse("automapeo"), removal).status_code == 302
    client.force_login(gov_a["user"])
    mine = automapeo_data(loaded, [{"id": gov_a["action"].pk, "title": "Acción a, mejorada"}], save="1")
    response = client.post(reverse("automapeo"), mine)
    assert response.status_code == 409
    assert response.context["formset"].forms[0]["id"].value() == ""
    assert response.context["formset"].forms[0]["title"].value() == "Acción a, mejorada"


def test_automapeo_autosave_returns_ids_and_revision(client, gov_a):
    automapeo = gov_a["automapeo"]
    client.force_login(gov_a["user"])
    data = automapeo_data(automapeo.revision, [{"id": gov_a["action"].pk, "title": "Acción a"}, {"title": "Nueva"}])
    response = client.post(reverse("automapeo_autosave"), data)
    assert response.status_code == 200
    new = automapeo.actions.get(title="Nueva")
    body = response.json()
    assert body["revision"] == 2
    assert body["ids"] == {"actions-0": gov_a["action"].pk, "actions-1": new.pk}
    assert body["message"].startswith("Draft saved at ")
    # The script puts the ids and the revision into the form: the next autosave changes, not adds.
    data = automapeo_data(2, [{"id": gov_a["action"].pk, "title": "Acción a"}, {"id": new.pk, "title": "Nueva 2"}])
    assert client.post(reverse("automapeo_autosave"), data).json()["revision"] == 3
    assert list(automapeo.actions.values_list("title", flat=True)) == ["Acción a", "Nueva 2"]


def test_automapeo_autosave_stale_is_409_and_changes_nothing(client, gov_a):
    client.force_login(gov_a["user"])
    data = automapeo_data(0, [{"id": gov_a["action"].pk, "title": "Vieja"}])
    response = client.post(reverse("automapeo_autosave"), data)
    assert response.status_code == 409
    assert "press “Save draft” to compare both versions" in response.json()["message"]
    assert gov_a["automapeo"].actions.get().title == "Acción a"


def test_automapeo_autosave_invalid_is_400_with_field_errors(client, gov_a):
    client.force_login(gov_a["user"])
    data = automapeo_data(gov_a["automapeo"].revision, [{"title": "x" * 301}])
    response = client.post(reverse("automapeo_autosave"), data)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "actions-0-title": ["Ensure this value has at most 300 characters (it has 301)."]
    }


def test_automapeo_closed_by_date_refuses_with_the_date_and_keeps_the_draft(client, gov_a):
    initiative = gov_a["initiative"]
    initiative.submissions_close_at = timezone.now() - timedelta(hours=2)
    initiative.save(update_fields=["submissions_close_at"])
    client.force_login(gov_a["user"])
    data = automapeo_data(gov_a["automapeo"].revision, [{"id": gov_a["action"].pk, "title": "Tarde"}], submit="1")
    response = client.post(reverse("automapeo"), data)
    assert response.status_code == 403
    date = formats.date_format(timezone.localtime(initiative.submissions_close_at), "DATETIME_FORMAT")
    content = response.content.decode()
    assert f"The Automapeo and the ALMI closed on {date}" in content
    assert 'value="Tarde"' in content  # what was typed is still on the page
    assert gov_a["automapeo"].actions.get().title == "Acción a"
    gov_a["automapeo"].refresh_from_db()
    assert gov_a["automapeo"].status == SubmissionStatus.DRAFT
    autosave = client.post(reverse("automapeo_autosave"), data)
    assert autosave.status_code == 403
    assert autosave.json()["message"].startswith(f"The Automapeo and the ALMI closed on {date}")
    page = client.get(reverse("automapeo"))
    assert page.context["formset"] is None
    assert [s.title for s in page.context["summaries"]] == ["Acción a"]


def test_automapeo_closed_by_stage_move_says_when(client, gov_a):
    initiative = gov_a["initiative"]
    initiative.stage = "certification"
    initiative.save(update_fields=["stage"])
    moved = StageTransition.objects.create(
        initiative=initiative, from_stage="workshop", to_stage="certification", by=f.make_regional_staff()
    )
    client.force_login(gov_a["user"])
    data = automapeo_data(gov_a["automapeo"].revision, [{"title": "Tarde"}], save="1")
    response = client.post(reverse("automapeo"), data)
    assert response.status_code == 403
    date = formats.date_format(timezone.localtime(moved.at), "DATETIME_FORMAT")
    assert f"closed on {date}" in response.content.decode()
    assert gov_a["automapeo"].actions.count() == 1


def test_automapeo_not_open_before_the_workshop(client):
    initiative = f.make_initiative(stage="launch")
    official = f.make_portal_official(initiative)
    client.force_login(official.user)
    page = client.get(reverse("automapeo"))
    assert "Not open yet: it opens with the workshop stage." in page.content.decode()
    response = client.post(reverse("automapeo"), automapeo_data(0, [{"title": "Pronto"}], save="1"))
    assert response.status_code == 403
    assert "The Automapeo and the ALMI are not open yet: nothing was saved." in response.content.decode()
    assert Automapeo.objects.count() == 0


def test_save_automapeo_stale_revision_with_same_content_is_a_no_op(gov_a):
    same = [ActionInput(key="actions-0", id=gov_a["action"].pk, title="Acción a")]
    result = save_automapeo(
        official=gov_a["official"],
        initiative=gov_a["initiative"],
        user=gov_a["user"],
        revision=0,
        actions=same,
    )
    assert (result.changed, result.automapeo.revision, result.ids) == (
        False,
        1,
        {"actions-0": gov_a["action"].pk},
    )
    with pytest.raises(StaleAutomapeo):
        save_automapeo(
            official=gov_a["official"],
            initiative=gov_a["initiative"],
            user=gov_a["user"],
            revision=0,
            actions=[ActionInput(key="actions-0", id=gov_a["action"].pk, title="Otra")],
        )
    assert AutomapeoAction.objects.get(pk=gov_a["action"].pk).title == "Acción a"


@pytest.mark.parametrize("count", [1, 30])
def test_automapeo_page_queries_do_not_grow_with_actions(client, django_assert_num_queries, count):
    initiative = f.make_workshop_initiative()
    official = f.make_portal_official(initiative)
    automapeo = f.make_automapeo(official.local_government, initiative, last_saved_by=official.user)
    for _ in range(count):
        f.make_action(automapeo, objectives=[objective(1), objective(2)], principles=[principle(3)])
    client.force_login(official.user)
    # The official and their initiative: one query; who saved it, with their official: one; the session comes
    # from the cache (issue 14).
    with django_assert_num_queries(9) as queries:
        response = client.get(reverse("automapeo"))
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == count + 1
    assert response.context["saved_by"] == official.full_name
    # The government's Automapeo is looked up without the default ordering's joins (issue 14, item 2).
    (lookup,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "workshops_automapeo"')]
    assert "initiative_initiative" not in lookup and "authorities_localgovernment" not in lookup


def test_automapeo_page_before_the_first_save_reads_no_one(client, django_assert_num_queries):
    """No Automapeo yet (every government's first visit): one plain lookup, no join to who saved or submitted."""
    initiative = f.make_workshop_initiative()
    official = f.make_portal_official(initiative)
    client.force_login(official.user)
    with django_assert_num_queries(5) as queries:  # user, official and initiative, reference x2, lookup
        response = client.get(reverse("automapeo"))
    assert response.status_code == 200 and response.context["automapeo"] is None
    (lookup,) = [q["sql"] for q in queries.captured_queries if 'FROM "workshops_automapeo"' in q["sql"]]
    assert "JOIN" not in lookup


def test_automapeo_submitted_names_who_submitted_it(client):
    initiative = f.make_workshop_initiative(submissions_close_at=timezone.now() - timedelta(days=1))
    official = f.make_portal_official(initiative, first_name="Ana", last_name="Paz")
    colleague = f.make_official_user(official.local_government, first_name="Luis", last_name="Rojas")
    f.make_automapeo(
        official.local_government,
        initiative,
        status=SubmissionStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=colleague.user,
        last_saved_by=official.user,
    )
    client.force_login(official.user)
    response = client.get(reverse("automapeo"))
    assert (response.context["submitted_by"], response.context["saved_by"]) == ("Luis Rojas", "Ana Paz")
    assert "Luis Rojas" in response.content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_automapeo_closed_page_queries_do_not_grow_with_actions(client, django_assert_num_queries, count):
    initiative = f.make_workshop_initiative(submissions_close_at=timezone.now() - timedelta(days=1))
    official = f.make_portal_official(initiative)
    automapeo = f.make_automapeo(official.local_government, initiative)
    for _ in range(count):
        f.make_action(automapeo, objectives=[objective(1)], principles=[principle(3)])
    client.force_login(official.user)
    with django_assert_num_queries(8):  # the official and their initiative: one query; the session cached (issue 14)
        response = client.get(reverse("automapeo"))
    assert len(response.context["summaries"]) == count


def test_automapeo_field_errors_follow_the_user_language(client, gov_a):
    client.cookies["django_language"] = "es"
    client.force_login(gov_a["user"])
    data = automapeo_data(gov_a["automapeo"].revision, [{"title": "x" * 301}], save="1")
    response = client.post(reverse("automapeo"), data)
    assert response.context["formset"].forms[0].errors == {
        "title": ["Asegúrese de que este valor tenga menos de 300 caracteres (tiene 301)."]
    }
    assert '<html lang="es">' in response.content.decode()


def test_automapeo_change_in_admin_makes_officials_forms_stale(client, gov_a):
    automapeo = gov_a["automapeo"]
    loaded = automapeo.revision
    regional = gov_a["portal"]["users"]["regional"]
    client.force_login(regional)
    url = reverse("admin:workshops_automapeo_change", args=[automapeo.pk])
    page = client.get(url)
    data = {}
    inline_forms = [
        form
        for inline in page.context["inline_admin_formsets"]
        for form in [inline.formset.management_form, *inline.formset]
    ]
    for form in [page.context["adminform"].form, *inline_forms]:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            key = form.add_prefix(name)
            data[key] = [str(v) for v in value] if isinstance(value, list) else str(value)
    data["actions-0-title"] = "Corregida por la OIM"
    response = client.post(url, data)
    assert response.status_code == 302
    automapeo.refresh_from_db()
    assert (automapeo.revision, automapeo.last_saved_by) == (loaded + 1, regional)
    client.force_login(gov_a["user"])
    stale = automapeo_data(loaded, [{"id": gov_a["action"].pk, "title": "Mía"}], save="1")
    assert client.post(reverse("automapeo"), stale).status_code == 409
    assert automapeo.actions.get().title == "Corregida por la OIM"


def test_automapeo_dates_in_the_official_time_zone(client, gov_a):
    official = gov_a["official"]
    official.time_zone = "America/Lima"
    official.save(update_fields=["time_zone"])
    initiative = gov_a["initiative"]
    initiative.submissions_close_at = timezone.now() - timedelta(hours=1)
    initiative.save(update_fields=["submissions_close_at"])
    client.force_login(gov_a["user"])
    response = client.post(reverse("automapeo"), automapeo_data(1, [{"title": "Tarde"}], save="1"))
    lima = zoneinfo.ZoneInfo("America/Lima")
    date = formats.date_format(timezone.localtime(initiative.submissions_close_at, lima), "DATETIME_FORMAT")
    assert f"closed on {date}" in response.content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_automapeo_autosave_queries_do_not_grow_with_actions(client, django_assert_num_queries, count):
    # The script saves every few seconds: only the changed action is written, whatever the length of the list.
    initiative = f.make_workshop_initiative()
    official = f.make_portal_official(initiative)
    automapeo = f.make_automapeo(official.local_government, initiative)
    actions = [f.make_action(automapeo, objectives=[objective(1)], principles=[principle(2)]) for _ in range(count)]
    client.force_login(official.user)
    posted = [
        {"id": a.pk, "title": a.title, "objectives": [objective(1)], "principles": [principle(2)]} for a in actions
    ]
    posted[-1]["title"] = "Cambiada"
    with django_assert_num_queries(15):  # the official and their initiative: one query; the session cached (issue 14)
        response = client.post(reverse("automapeo_autosave"), automapeo_data(automapeo.revision, posted))
    assert response.status_code == 200
    assert automapeo.actions.filter(title="Cambiada").count() == 1
