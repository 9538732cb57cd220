"""The navigation and the language switcher (alp_portal/templatetags/site_header.py) are rendered once per kind of
reader and page, with the request's own CSRF token and address written in: the HTML of the templates themselves,
for every reader, page and language."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from alp_portal.templatetags import site_header
from tests import factories as f

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def masked(html):
    """Each CSRF token replaced by one mark (Django masks the token anew every time it is written)."""
    return TOKEN.sub('name="csrfmiddlewaretoken" value="TOKEN"', html)


def as_templates_write_it(response):
    """The navigation's lists and the language switcher rendered by their templates for the response's request,
    without the memo, as the page holds them."""
    request = response.wsgi_request
    with translation.override(request.LANGUAGE_CODE):
        nav = render_to_string("includes/nav.html", request=request)
        switcher = render_to_string("includes/language_switcher.html", request=request)
    return masked(f'<div id="site-nav-lists" class="nav-lists">{nav}</div>'), masked(f"</nav>\n    {switcher}")


@pytest.fixture
def readers():
    initiative = f.make_workshop_initiative()
    official = f.make_portal_official(initiative)
    staff = f.make_regional_staff()
    account = f.make_user()  # signed in, neither an official nor staff: the navigation without the official's pages
    return {"anonymous": None, "official": official.user, "account": account, "staff": staff}


PAGES = [
    ("home", {}),
    ("my_sessions", {}),
    ("questionnaire", {"kind": "entry"}),
    ("questionnaire", {"kind": "exit"}),
    ("profile", {}),
    ("certificates:verify_form", {}),
]


@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_every_reader_page_and_language_gets_the_header_its_templates_write(readers, language):
    checked = 0
    for who, user in readers.items():
        client = Client(headers={"accept-language": language})
        if user is not None:
            client.force_login(user)
        for name, kwargs in PAGES:
            response = client.get(reverse(name, kwargs=kwargs), {"q": "<b>&x"})
            if response.status_code != 200:
                continue  # a page this reader may not see
            html = response.content.decode()
            nav, switcher = as_templates_write_it(response)
            assert nav in masked(html) and switcher in masked(html), (who, name, kwargs)
            # The language switcher comes back to this very page, its query escaped.
            assert f'name="next" type="hidden" value="{reverse(name, kwargs=kwargs)}?q=%3Cb%3E%26x"' in html
            checked += 1
    assert checked >= 10


def test_the_token_in_the_navigation_is_the_requests_own(readers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(readers["official"])
    client.get(reverse("home"))  # the first page sets the CSRF cookie
    html = client.get(reverse("home")).content.decode()
    tokens = TOKEN.findall(html)
    assert len(tokens) == 2 and site_header.CSRF_MARK not in html and site_header.PATH_MARK not in html
    response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302  # signed out: the token was accepted
    assert "_auth_user_id" not in client.session


def test_rendered_once_per_kind_of_reader_and_page(readers, monkeypatch):
    site_header._RENDERED.clear()
    rendered = []
    real = site_header.get_template

    def counting(name):
        rendered.append(name)
        return real(name)

    monkeypatch.setattr(site_header, "get_template", counting)
    client = Client()
    client.force_login(readers["official"])
    for _ in range(3):
        client.get(reverse("home"))
    assert rendered == ["includes/nav.html", "includes/language_switcher.html"]
    client.get(reverse("my_sessions"))  # another page: the navigation marks it, so a navigation of its own
    client.get(reverse("home"), headers={"accept-language": "en"})  # another language: both of their own
    staff = Client()
    staff.force_login(readers["staff"])
    staff.get(reverse("certificates:verify_form"))  # another kind of reader
    assert rendered.count("includes/nav.html") == 4
    assert rendered.count("includes/language_switcher.html") == 4


def test_the_templates_read_only_what_the_key_holds():
    """What the two templates read of the user and of the request is in `reader_key` (or written in afterwards):
    anything else (a name, an e-mail) would be shown to every reader of the same kind."""
    from pathlib import Path

    from django.conf import settings

    read = set()
    for name in ("nav.html", "language_switcher.html"):
        text = (Path(settings.BASE_DIR) / "templates" / "includes" / name).read_text()
        read |= set(re.findall(r"\b(user|request)((?:\.\w+)+)", text))
    assert {f"{who}{attribute}" for who, attribute in read} == {
        "user.is_authenticated",
        "user.official",
        "user.is_staff",
        "request.resolver_match.url_name",
        "request.resolver_match.kwargs.kind",
        "request.get_full_path",  # written in for each request
    }
