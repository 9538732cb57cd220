"""The admin lists' media (alp_portal/templatetags/admin_media.py) are the HTML Django writes, with each request's
own CSP nonce, rendered once per set of files."""

import re

import pytest
from django.contrib import admin as django_admin
from django.forms import Media
from django.template import Context
from django.urls import reverse
from django.utils import csp

from alp_portal.templatetags import admin_media
from tests import factories as f
from workshops.models import Attendance

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_rendered(monkeypatch):
    monkeypatch.setattr(admin_media, "_RENDERED", {})


def djangos(media, nonce):
    return csp.nonce_attr(Context({csp.CONTEXT_KEY: nonce} if nonce else {}), media)


def test_the_media_are_djangos_with_each_requests_nonce():
    media = django_admin.site._registry[Attendance].media["js"]
    first = admin_media.kept_media(Context({csp.CONTEXT_KEY: "first-nonce"}), media)
    second = admin_media.kept_media(Context({csp.CONTEXT_KEY: "second-nonce"}), media)
    assert first == djangos(media, "first-nonce") and second == djangos(media, "second-nonce")
    assert first.count('nonce="first-nonce"') == len(media._js) > 3
    assert len(admin_media._RENDERED) == 1  # rendered once, the nonce put in each time
    assert admin_media.kept_media(Context({}), media) == djangos(media, None)
    assert "nonce" not in admin_media.kept_media(Context({}), media)


def test_each_set_of_files_has_its_own_elements():
    one = Media(js=["admin/js/core.js"])
    two = Media(js=["admin/js/core.js", "admin/js/actions.js"], css={"all": ["admin/css/forms.css"]})
    context = Context({csp.CONTEXT_KEY: "n"})
    assert admin_media.kept_media(context, one) == djangos(one, "n")
    assert admin_media.kept_media(context, two) == djangos(two, "n")
    assert "actions.js" in admin_media.kept_media(context, two) and len(admin_media._RENDERED) == 2


def test_a_list_page_gives_its_scripts_the_nonce_of_its_policy(client):
    client.force_login(f.make_regional_staff())
    response = client.get(reverse("admin:workshops_attendance_changelist"))
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    media = response.context["media"]["js"]
    assert djangos(media, nonce) in html
    assert f'src="/static/admin/js/filters.js" defer nonce="{nonce}"' in html
    assert len(admin_media._RENDERED) == 1
