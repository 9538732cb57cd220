"""The actions form's fields (alp_portal/templatetags/admin_action_form.py) are the HTML Django's admin/actions.html
writes, rendered once per language and set of actions; a submitted form is rendered as Django renders it."""

import pytest
from django.contrib import admin as django_admin
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from alp_portal.templatetags import admin_action_form
from tests import factories as f
from workshops.models import Attendance

pytestmark = pytest.mark.django_db

DJANGOS = engines["django"].from_string(
    "{% for field in action_form %}{% if field.label %}<label>{{ field.label }} {{ field }}</label>"
    "{% else %}{{ field }}{% endif %}{% endfor %}"
)


def action_form(user, data=None):
    model_admin = django_admin.site._registry[Attendance]
    request = RequestFactory().get("/")
    request.user = user
    form = model_admin.action_form(data, auto_id=None)
    form.fields["action"].choices = model_admin.get_action_choices(request)
    return form


@pytest.fixture(autouse=True)
def nothing_rendered(monkeypatch):
    monkeypatch.setattr(admin_action_form, "_RENDERED", {})


def test_the_fields_are_djangos_in_every_language_and_kept():
    regional = f.make_regional_staff()
    seen = set()
    for language, label in (("es", "Acción:"), ("pt", "Ação:"), ("en", "Action:")):
        with translation.override(language):
            ours = admin_action_form.action_form_fields(action_form(regional))
            assert ours == DJANGOS.render({"action_form": action_form(regional)})
            assert f"<label>{label} <select" in ours and 'value="correct_attendance"' in ours
            assert admin_action_form.action_form_fields(action_form(regional)) is ours  # kept
            seen.add(ours)
    assert len(seen) == 3 and len(admin_action_form._RENDERED) == 3


def test_each_set_of_actions_has_its_own_fields():
    # Country office staff may not correct attendance: their list offers no such action.
    country = f.make_country_staff("AR")
    regional = f.make_regional_staff()
    theirs = admin_action_form.action_form_fields(action_form(country))
    ours = admin_action_form.action_form_fields(action_form(regional))
    assert "correct_attendance" not in theirs and "correct_attendance" in ours


def test_a_submitted_form_is_rendered_as_django_does_and_not_kept():
    regional = f.make_regional_staff()
    data = {"action": "correct_attendance", "select_across": "1"}
    ours = admin_action_form.action_form_fields(action_form(regional, data))
    assert ours == DJANGOS.render({"action_form": action_form(regional, data)})
    assert '<option value="correct_attendance" selected>' in ours
    assert not admin_action_form._RENDERED
    assert "selected>" not in admin_action_form.action_form_fields(action_form(regional)).replace(
        '<option value="" selected>', ""
    )


def test_the_list_page_shows_djangos_fields_at_the_top_and_bottom(client):
    regional = f.make_regional_staff()
    f.attend(f.make_official(), f.make_session(f.make_event(f.make_initiative())))
    client.force_login(regional)
    with translation.override("es"):
        expected = DJANGOS.render({"action_form": action_form(regional)})
    response = client.get(reverse("admin:workshops_attendance_changelist"), headers={"accept-language": "es"})
    assert response.status_code == 200
    bars = [response.context["actions_on_top"], response.context["actions_on_bottom"]]
    assert response.content.decode().count(expected) == bars.count(True) >= 1
    assert len(admin_action_form._RENDERED) == 1  # the page's bars, rendered once
