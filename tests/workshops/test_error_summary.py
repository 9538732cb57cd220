"""A refused form is heard: an error summary (role="alert", focusable) links to each field, and every error is
tied to its field by aria-describedby pointing at an element that exists. Checked on the HTML of every portal
and allauth form in its error state; tests/workshops/test_error_summary_browser.py checks focus in a browser."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from .conftest import automapeo_data
from .test_html_validity import collect_pages

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    """The ids of a page, its aria-describedby references, the elements marked invalid and the summary's links."""

    def __init__(self, html):
        super().__init__()
        self.ids, self.described, self.invalid, self.summary, self.links = {}, [], [], None, []
        self._in_summary = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids[attrs["id"]] = tag
        if attrs.get("aria-describedby"):
            self.described.append((tag, attrs.get("id") or attrs.get("name"), attrs["aria-describedby"].split()))
        if attrs.get("aria-invalid") == "true":
            self.invalid.append(attrs.get("name"))
        if attrs.get("id") == "error-summary":
            self.summary = attrs
            self._in_summary = 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if self._in_summary and tag == "a":
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if self._in_summary and tag == "div":
            self._in_summary -= 1


def assert_heard(name, html, *, fields):
    page = Page(html)
    assert page.summary is not None, f"{name}: no error summary"
    assert page.summary["role"] == "alert" and page.summary["tabindex"] == "-1", name
    for href in page.links:
        assert href.startswith("#") and href[1:] in page.ids, f"{name}: the summary links to {href}, not on the page"
    for field in fields:
        assert any(page.ids.get(href[1:]) for href in page.links if field in href), f"{name}: no link to {field}"
    for tag, who, references in page.described:
        for reference in references:
            assert reference in page.ids, f"{name}: <{tag} {who}> is described by #{reference}, not on the page"
    # Each field marked invalid is described by its error: on itself, or on the fieldset of its group.
    described_errors = {ref for _tag, _who, refs in page.described for ref in refs if ref.endswith("_error")}
    assert len(described_errors) >= len(fields), f"{name}: {described_errors} for {fields}"
    return page


def test_the_officials_forms_are_heard_when_refused(client, portal):
    pages = dict(collect_pages(client, portal))
    assert_heard("automapeo", pages["automapeo-errors"].decode(), fields=["id_actions-0-title"])
    assert_heard("almi", pages["almi-errors"].decode(), fields=["id_kind", "id_text", "id_objectives"])
    assert_heard("questionnaire", pages["questionnaire-exit-errors"].decode(), fields=["id_knowledge"])


def test_a_refused_submission_of_the_automapeo_links_to_the_group_of_choices(client, portal):
    a = portal["a"]
    client.force_login(a["official"].user)
    data = automapeo_data(a["automapeo"].revision, [{"id": a["action"].pk, "title": "Acción", "status": "nope"}])
    response = client.post(reverse("automapeo"), data | {"submit": "1"})
    page = assert_heard("automapeo", response.content.decode(), fields=["id_actions-0-status"])
    assert page.ids["id_actions-0-status"] == "fieldset"
    assert "1. Status: " in response.content.decode()  # the action's place in the list, then the field


def test_nothing_to_correct_no_summary(client, portal):
    client.force_login(portal["a"]["official"].user)
    for url in (reverse("automapeo"), reverse("almi"), reverse("questionnaire", args=["entry"]), reverse("profile")):
        assert 'id="error-summary"' not in client.get(url).content.decode(), url


def test_the_account_forms_are_heard_when_refused(client, portal):
    official = portal["a"]["official"]
    login = client.post(reverse("account_login"), {"login": official.user.email, "password": "wrong"})
    page = assert_heard("login", login.content.decode(), fields=[])
    assert page.summary and "The email address and/or password you specified are not correct." in login.content.decode()
    code = client.post(reverse("account_request_login_code"), {"email": "not an address"})
    assert_heard("login code", code.content.decode(), fields=["id_email"])
    verify = client.get(reverse("certificates:verify_form"), {"code": "nope"})
    assert_heard("verify", verify.content.decode(), fields=["id_code"])

    client.force_login(official.user)
    profile = client.post(reverse("profile"), {"first_name": "", "last_name": "", "language": "xx"})
    assert_heard("profile", profile.content.decode(), fields=["id_first_name", "id_language"])


def test_the_summary_speaks_the_readers_language(client, portal):
    client.force_login(portal["a"]["official"].user)
    client.cookies["django_language"] = "pt-br"
    response = client.post(reverse("almi"), {"kind": "", "text": "", "form_key": "k"}, HTTP_ACCEPT_LANGUAGE="pt-br")
    assert "Corrija estes 3 erros:" in response.content.decode()
