"""Revocation in the admin, from the list and from a recognition's own page: each form posted back as the page
renders it (tests/html_forms.py), so that a field the page names wrongly fails here as it did in the browser."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.urls import reverse

from certificates.enums import RecognitionKind, RecognitionStatus
from tests import factories as f
from tests.html_forms import find_form, post_data, select_offering

pytestmark = pytest.mark.django_db


@pytest.fixture
def regional():
    return f.make_regional_staff()


@pytest.fixture
def staff_client(client, regional):
    client.force_login(regional)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def recognition(regional):
    initiative = f.make_initiative(name="ALP Andes 2027")
    official = f.make_official(f.make_government("AR", name="Quilmes"), email="ana@quilmes.example.org")
    return f.make_recognition(initiative, official=official, issued_by=regional)


def change_url(recognition):
    return reverse("admin:certificates_recognition_change", args=[recognition.pk])


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_revoke_from_change_page_revokes_like_the_list(
    staff_client, recognition, regional, django_capture_on_commit_callbacks
):
    page = staff_client.get(change_url(recognition))
    form = find_form(page.content, containing="_selected_action")
    action = select_offering(form, "revoke_this")

    asked = staff_client.post(change_url(recognition), post_data(form, button="index", **{action: "revoke_this"}))

    assert asked.status_code == 200
    assert asked.template_name == "admin/certificates/recognition/revoke.html"
    confirm = find_form(asked.content, containing="reason")
    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(change_url(recognition), post_data(confirm, reason="Issued twice"), follow=True)

    recognition.refresh_from_db()
    assert (recognition.status, recognition.revocation_reason, recognition.revoked_by) == (
        RecognitionStatus.REVOKED,
        "Issued twice",
        regional,
    )
    assert done.redirect_chain == [(change_url(recognition), 302)]
    assert messages_of(done) == ["1 recognitions revoked; their holders are told by e-mail."]
    assert [m.to for m in mail.outbox] == [["ana@quilmes.example.org"]]
    assert list(LogEntry.objects.filter(object_id=str(recognition.pk)).values_list("change_message", flat=True)) == [
        "Revoked: Issued twice"
    ]
    verify = staff_client.get(reverse("certificates:verify", args=[recognition.code]))
    assert verify.context["revoked"] is True


def test_revoke_from_list_posts_back_the_list_action(staff_client, recognition, django_capture_on_commit_callbacks):
    url = reverse("admin:certificates_recognition_changelist")
    page = staff_client.get(url)
    form = find_form(page.content, containing="select_across")
    action = select_offering(form, "revoke_selected")

    asked = staff_client.post(
        url, post_data(form, button="index", _selected_action=[str(recognition.pk)], **{action: "revoke_selected"})
    )
    confirm = find_form(asked.content, containing="reason")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, post_data(confirm, reason="Wrong person"))

    recognition.refresh_from_db()
    assert (recognition.status, recognition.revocation_reason) == (RecognitionStatus.REVOKED, "Wrong person")
    assert len(mail.outbox) == 1


def test_change_page_of_recognition_saves_nothing(staff_client, recognition):
    """A recognition is a record: a plain POST of its page (no action) is refused, never "changed successfully"."""
    before = recognition.updated
    page = staff_client.get(change_url(recognition))
    form = find_form(page.content, containing="_selected_action")

    response = staff_client.post(change_url(recognition), post_data(form, _save="Save"))

    assert response.status_code == 403
    recognition.refresh_from_db()
    assert (recognition.status, recognition.updated) == (RecognitionStatus.ISSUED, before)
    assert LogEntry.objects.count() == 0


def test_revoke_from_change_page_of_revoked_recognition_says_so(staff_client, recognition, regional):
    from certificates.services import revoke_recognition

    revoke_recognition(recognition=recognition, reason="Duplicate", by=regional)
    page = staff_client.get(change_url(recognition))
    form = find_form(page.content, containing="_selected_action")
    action = select_offering(form, "revoke_this")

    response = staff_client.post(
        change_url(recognition), post_data(form, button="index", **{action: "revoke_this"}), follow=True
    )

    assert messages_of(response) == ["None of the selected recognitions is valid: nothing to revoke."]
    assert recognition.kind == RecognitionKind.PERSON
