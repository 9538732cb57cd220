"""The changelists' rows (alp_portal/templatetags/admin_rows.py) are the HTML Django's `items_for_result` writes:
on every changelist of the back office, sorted, searched and filtered, and on columns of every kind."""

import datetime
import re

import pytest
from django.contrib import admin as django_admin
from django.contrib.admin.templatetags import admin_list
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation

from alp_portal.templatetags import admin_rows
from authorities.models import Official
from tests import factories as f
from tests.test_admin_scoping import world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def changelist(model_admin, user, query=""):
    opts = model_admin.model._meta
    path = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    request = RequestFactory().get(f"{path}?{query}" if query else path)
    request.user = user
    request.resolver_match = resolve(path)  # as in a real request: the list's filters are kept in its links
    return model_admin.get_changelist_instance(request)


def rows(results):
    """Each row's HTML (the cells of a row are written one after the other)."""
    return ["".join(row) for row in results]


def queries_for(model_admin):
    """The list plain, sorted by its second column downwards, searched, and filtered by its first filter."""
    queries = ["", "o=-2.1"]
    if model_admin.search_fields:
        queries.append("q=e")
    return queries


def test_every_changelist_writes_djangos_rows(world):  # noqa: F811
    superuser = f.make_user("root@example.org", is_staff=True, is_superuser=True)
    checked = cells = 0
    for language in ("es", "en"):
        with translation.override(language):
            for model, model_admin in django_admin.site._registry.items():
                user = world["regional"] if model._meta.app_label in {"initiative", "authorities", "workshops",
                                                                      "certificates"} else superuser  # fmt: skip
                for query in queries_for(model_admin):
                    cl = changelist(model_admin, user, query)
                    ours = rows(admin_rows.results(cl))
                    assert ours == rows(admin_list.results(cl)), (model, query)
                    checked += 1
                    cells += sum(row.count("</td>") + row.count("</th>") for row in ours)
    assert checked > 100 and cells > 500


def test_filtered_list_keeps_its_filters_in_every_row_link(world):  # noqa: F811
    model_admin = django_admin.site._registry[Official]
    cl = changelist(model_admin, world["regional"], "q=example.org&o=1")
    ours = rows(admin_rows.results(cl))
    assert ours == rows(admin_list.results(cl))
    links = re.findall(r'href="([^"]+)"', "".join(ours))
    assert len(links) == len(cl.result_list) >= 2
    assert all(link.endswith("/change/?_changelist_filters=q%3Dexample.org%26o%3D1") for link in links)


class ManyKindsAdmin(django_admin.ModelAdmin):
    """Columns of every kind the admin writes differently."""

    list_display = [
        "first_name",
        "email",
        "role_kind",  # choices
        "public_consent",  # a BooleanField
        "created",  # a DateTimeField
        "user",  # a ForeignKey, empty here
        "local_government",  # a ForeignKey
        "local_government__country",  # a path to a field with choices
        "local_government__latitude",  # a path to an empty number
        "joined",  # a date from a method
        "has_account",  # a boolean from a method, True, False or None
        "note",  # a method with its own empty mark
        "full_name",  # a property of the model
        "missing_user_email",  # a related row that does not exist
    ]
    list_display_links = ["first_name", "email"]
    actions = ["delete_selected"]

    @django_admin.display(description="joined")
    def joined(self, obj):
        return datetime.date(2026, 1, obj.pk % 28 + 1)

    @django_admin.display(boolean=True)
    def has_account(self, obj):
        return [True, False, None][obj.pk % 3]

    @django_admin.display(empty_value="(none)")
    def note(self, obj):
        return "<b>escaped</b>" if obj.pk % 2 else None

    def missing_user_email(self, obj):
        if obj.user_id is None:
            raise Official.DoesNotExist  # as a missing related row raises it: the cell shows the empty mark
        return obj.user.email


@pytest.mark.parametrize(
    "links, query", [(["first_name", "email"], ""), (None, ""), ([], "o=1"), (["first_name"], "_popup=1")]
)
def test_columns_of_every_kind_are_written_as_django_writes_them(links, query):
    site = django_admin.AdminSite(name="admin")  # the default site's URLs, a list of its own
    model_admin = ManyKindsAdmin(Official, site)
    model_admin.list_display_links = links
    government = f.make_government("PE", name="Lima & <Callao>")
    f.make_official_user(government, first_name="Ana <i>", public_consent=True)
    for i in range(4):
        f.make_official(government, first_name=f"Luis {i}", role_kind="technical", public_consent=False)
    user = f.make_user("root@example.org", is_staff=True, is_superuser=True)
    cl = changelist(model_admin, user, query)
    ours = rows(admin_rows.results(cl))
    assert ours == rows(admin_list.results(cl))
    checkbox = 0 if cl.is_popup else 1  # a pop-up list has no actions
    assert len(ours) == 5
    assert ours[0].count("</td>") + ours[0].count("</th>") == len(ManyKindsAdmin.list_display) + checkbox


def test_the_changelist_page_shows_these_rows(world, client):  # noqa: F811
    client.force_login(world["regional"])
    model_admin = django_admin.site._registry[Official]
    response = client.get(reverse("admin:authorities_official_changelist"))
    assert response.status_code == 200
    cl = response.context["cl"]
    html = response.content.decode()
    written = rows(admin_list.results(cl))
    assert len(written) == len(cl.result_list) >= 2
    for row in written:
        assert "<tr>" + row + "</tr>" in html
    assert isinstance(model_admin, django_admin.ModelAdmin)


def test_lists_that_read_only_their_columns_write_the_same_rows_with_no_more_queries(world, monkeypatch):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alp_portal.admin import ScopedAdmin

    narrowed = [ma for ma in django_admin.site._registry.values() if isinstance(ma, ScopedAdmin) and ma.list_only]
    assert {ma.model._meta.model_name for ma in narrowed} >= {"attendance", "official"}
    for model_admin in narrowed:
        changelist(model_admin, world["regional"])  # the user's role read once, as on any page
        with CaptureQueriesContext(connection) as narrow:
            written = rows(admin_rows.results(changelist(model_admin, world["regional"])))
        monkeypatch.setattr(model_admin, "list_only", None)
        changelist(model_admin, world["regional"])  # what the list keeps (admin_reads.py) read once, as above
        with CaptureQueriesContext(connection) as whole:
            assert rows(admin_rows.results(changelist(model_admin, world["regional"]))) == written
        assert len(narrow) == len(whole) and written
        monkeypatch.undo()
        fetched = narrow.captured_queries[-1]["sql"]  # the page's rows, read by their ids
        assert '"updated"' not in fetched and '"created"' not in fetched, fetched
