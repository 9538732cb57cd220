"""The admin lists' filters (alp_portal/templatetags/admin_filter_html.py) are the HTML Django writes, rendered once
per set of choices, selection and language."""

import pytest
from django.contrib import admin as django_admin
from django.contrib.admin.templatetags.admin_list import admin_list_filter
from django.urls import reverse
from django.utils import translation

from alp_portal.templatetags import admin_filter_html
from alp_portal.templatetags.admin_filter_html import kept_list_filter
from tests.test_admin_scoping import world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_rendered(monkeypatch):
    monkeypatch.setattr(admin_filter_html, "_RENDERED", {})


def changelist(client, model, query="", language="es"):
    response = client.get(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") + query,
        headers={"accept-language": language},
        follow=True,  # a filter another list does not have: Django's page that says so
    )
    return response, response.context["cl"] if response.status_code == 200 else None


def filters(response):
    html = response.content.decode()
    return html[html.index('<search id="changelist-filter"') : html.index("</search>")]


@pytest.mark.parametrize("query", ["", "?status__exact=present", "?q=Gobierno&o=2", "?_facets=1"])
@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_every_lists_filters_are_djangos(client, world, query, language):  # noqa: F811
    client.force_login(world["regional"])
    lists = 0
    for model, model_admin in django_admin.site._registry.items():
        if not model_admin.list_filter:
            continue
        response, cl = changelist(client, model, query, language)
        if cl is None:
            continue  # not regional staff's (the accounts)
        with translation.override(language):
            for spec in cl.filter_specs:
                djangos = admin_list_filter(cl, spec)
                assert kept_list_filter(cl, spec) == djangos  # rendered, or kept by the page
                assert kept_list_filter(cl, spec) == djangos  # kept
                assert djangos in response.content.decode()
        lists += 1
    assert lists > 10


def test_a_filter_is_rendered_once_per_selection_and_language(client, world):  # noqa: F811
    from workshops.models import Attendance

    client.force_login(world["regional"])
    response, cl = changelist(client, Attendance)
    first = filters(response)
    rendered = len(admin_filter_html._RENDERED)
    assert rendered == len(cl.filter_specs) == 4  # event, status, source, country (one initiative: not shown)
    assert filters(changelist(client, Attendance)[0]) == first
    assert len(admin_filter_html._RENDERED) == rendered
    absent = filters(changelist(client, Attendance, "?status__exact=absent")[0])
    assert '<li class="selected">\n    <a href="?status__exact=absent">' in absent  # its own selection
    changelist(client, Attendance, language="en")
    assert len(admin_filter_html._RENDERED) == 3 * rendered


def test_a_renamed_choice_is_shown_on_the_next_page(client, world):  # noqa: F811
    from workshops.models import Attendance

    client.force_login(world["regional"])
    assert world["event"].title in changelist(client, Attendance)[0].content.decode()
    world["event"].title = "Lanzamiento renombrado"
    world["event"].save()
    assert "Lanzamiento renombrado" in changelist(client, Attendance)[0].content.decode()


def test_filters_with_counts_are_left_to_django(client, world):  # noqa: F811
    from workshops.models import Attendance

    client.force_login(world["regional"])
    html = changelist(client, Attendance, "?_facets=1")[0].content.decode()
    assert "(2)" in html and not admin_filter_html._RENDERED
