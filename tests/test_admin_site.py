"""The admin's list of apps, kept per kind of visitor (alp_portal/admin_site.py): the same list as Django builds,
built once per role, permissions and language, and never another visitor's."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.test import RequestFactory
from django.utils import translation

from alp_portal import admin_site
from alp_portal.roles import REGIONAL_STAFF_GROUP
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    """Counts the lists Django builds (the cache emptied first)."""
    monkeypatch.setattr(admin_site, "_APP_LISTS", {})
    calls = []
    build = admin.AdminSite._build_app_dict

    def counted(self, request, label=None):
        calls.append(request.user.pk)
        return build(self, request, label)

    monkeypatch.setattr(admin.AdminSite, "_build_app_dict", counted)
    return calls


def request_of(user):
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=user.pk)  # a fresh user object, as each request has
    return request


def models_of(app_list):
    return sorted(model["object_name"] for app in app_list for model in app["models"])


def test_the_list_is_djangos_and_built_once_per_kind_of_visitor(builds):
    regional, other_regional = f.make_regional_staff(), f.make_regional_staff()
    with translation.override("en"):
        first = admin.site.get_app_list(request_of(regional))
        assert first == admin.AdminSite.get_app_list(admin.site, request_of(regional))  # what Django builds
        again = admin.site.get_app_list(request_of(other_regional))  # another person, the same role: kept
    assert again == first and len(builds) == 2  # (one of them by Django's own method above)
    again[0]["models"].clear()  # a page's copy is its own
    with translation.override("en"):
        assert admin.site.get_app_list(request_of(regional)) == first


def test_roles_permissions_and_languages_have_lists_of_their_own(builds):
    regional, country = f.make_regional_staff(), f.make_country_staff("AR")
    with translation.override("en"):
        everything = models_of(admin.site.get_app_list(request_of(regional)))
        countrys = models_of(admin.site.get_app_list(request_of(country)))
    assert "AuditEntry" in everything and "IssuanceBatch" in everything
    assert "AuditEntry" not in countrys and "Official" in countrys  # never the regional staff's list
    assert len(builds) == 2

    # The country officer joins the regional staff: a new role, a new list at the next page.
    country.groups.add(Group.objects.get(name=REGIONAL_STAFF_GROUP))
    with translation.override("en"):
        assert models_of(admin.site.get_app_list(request_of(country))) == everything

    # A Django permission shows a library's admin (Django's users) to whoever holds it, and to no one else.
    holder = f.make_country_staff("AR")
    holder.user_permissions.add(Permission.objects.get(codename="view_user"))
    with translation.override("en"):
        assert "User" in models_of(admin.site.get_app_list(request_of(holder)))
        assert "User" not in models_of(admin.site.get_app_list(request_of(f.make_country_staff("AR"))))

    with translation.override("es"):  # the names, and their order, in the reader's language
        names = [str(app["name"]) for app in admin.site.get_app_list(request_of(regional))]
    with translation.override("en"):
        assert names != [str(app["name"]) for app in admin.site.get_app_list(request_of(regional))]


def _sidebar(html):
    start = html.index('<nav class="sticky" id="nav-sidebar"')
    return html[start : html.index("</nav>", start)]


def _current(sidebar):
    """The models the sidebar marks as the page's (aria-current)."""
    import re

    return re.findall(r'<a href="([^"]+)" aria-current="page">', sidebar)


def test_sidebar_rendered_once_per_visitor_and_page_marks_the_right_model(client, monkeypatch):
    from alp_portal.templatetags import admin_sidebar

    monkeypatch.setattr(admin_sidebar, "_SIDEBARS", {})
    official = f.make_official()
    regional, country = f.make_regional_staff(), f.make_country_staff(official.local_government.country.code)
    pages = {
        "/admin/authorities/official/": ["/admin/authorities/official/"],
        f"/admin/authorities/official/{official.pk}/change/": ["/admin/authorities/official/"],
        "/admin/authorities/localgovernment/": ["/admin/authorities/localgovernment/"],
        "/admin/workshops/attendance/": ["/admin/workshops/attendance/"],
    }
    client.cookies["django_language"] = "en"
    client.force_login(regional)
    rendered = {}
    for path, current in pages.items():
        sidebar = _sidebar(client.get(path).text)
        assert _current(sidebar) == current
        rendered[path] = sidebar
    # The list and an official's page share the list's sidebar: rendered once for both.
    assert rendered["/admin/authorities/official/"] == rendered[f"/admin/authorities/official/{official.pk}/change/"]
    assert len(admin_sidebar._SIDEBARS) == 3
    # Django's own sidebar, as its template renders it for this page.
    assert "/admin/certificates/issuancebatch/" in rendered["/admin/workshops/attendance/"]

    client.force_login(country)  # another role after it: its own sidebar, never the regional staff's
    sidebar = _sidebar(client.get("/admin/authorities/official/").text)
    assert _current(sidebar) == ["/admin/authorities/official/"]
    assert "/admin/certificates/issuancebatch/" not in sidebar and "/admin/alp_portal/auditentry/" not in sidebar

    client.cookies["django_language"] = "es"  # another language: its own
    assert "Start typing to filter" not in _sidebar(client.get("/admin/authorities/official/").text)
