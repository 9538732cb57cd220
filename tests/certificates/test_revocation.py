"""Revocation in the admin, from the list and from a recognition's own page: each form posted back as the page
renders it (tests/html_forms.py), so that a field the page names wrongly fails here as it did in the browser."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.urls import reverse
from django.utils import translation

from alp_portal.audit import describe
from certificates.enums import RecognitionKind, RecognitionStatus
from certificates.models import Recognition
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
    assert messages_of(done) == ["1 recognition revoked; its holder is told by e-mail."]
    assert [m.to for m in mail.outbox] == [["ana@quilmes.example.org"]]
    with translation.override("en"):
        assert [describe(entry) for entry in LogEntry.objects.filter(object_id=str(recognition.pk))] == [
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
    from certificates.revocation import revoke_recognition

    revoke_recognition(recognition=recognition, reason="Duplicate", by=regional)
    page = staff_client.get(change_url(recognition))
    form = find_form(page.content, containing="_selected_action")
    action = select_offering(form, "revoke_this")

    response = staff_client.post(
        change_url(recognition), post_data(form, button="index", **{action: "revoke_this"}), follow=True
    )

    assert messages_of(response) == ["None of the selected recognitions is valid: nothing to revoke."]
    assert recognition.kind == RecognitionKind.PERSON


# The governments left without a recognized person (issue 11.4)


@pytest.fixture
def quilmes(regional, recognition):
    """`recognition` is Ana's, the only recognized person of Quilmes, which holds its own recognition too."""
    government = recognition.official.local_government
    f.invite(recognition.official, recognition.initiative)
    return f.make_recognition(recognition.initiative, local_government=government, issued_by=regional)


def ask_from_list(client, *recognitions):
    url = reverse("admin:certificates_recognition_changelist")
    page = client.get(url)
    form = find_form(page.content, containing="select_across")
    action = select_offering(form, "revoke_selected")
    selected = [str(r.pk) for r in recognitions]
    return client.post(url, post_data(form, button="index", _selected_action=selected, **{action: "revoke_selected"}))


def test_revocation_page_offers_the_government_left_without_people_checked_with_a_reason(
    staff_client, recognition, quilmes, django_capture_on_commit_callbacks
):
    asked = ask_from_list(staff_client, recognition)

    form = asked.context["form"]
    assert list(form.fields["governments"].queryset) == [quilmes]
    confirm = find_form(asked.content, containing="reason")
    assert ("governments", str(quilmes.pk)) in confirm["fields"]  # checked
    prefilled = "None of the people of this local government holds a valid recognition of the initiative any more."
    assert ("government_reason", prefilled) in [(n, v.strip()) for n, v in confirm["fields"]]
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:certificates_recognition_changelist"),
            post_data(confirm, reason="Issued twice", government_reason="Ana was its only recognized person"),
        )

    recognition.refresh_from_db()
    quilmes.refresh_from_db()
    assert (recognition.status, recognition.revocation_reason) == (RecognitionStatus.REVOKED, "Issued twice")
    assert (quilmes.status, quilmes.revocation_reason) == (
        RecognitionStatus.REVOKED,
        "Ana was its only recognized person",
    )
    with translation.override("en"):
        entries = [(entry.object_id, describe(entry)) for entry in LogEntry.objects.all()]
    assert sorted(entries) == sorted(
        [
            (str(recognition.pk), "Revoked: Issued twice"),
            (str(quilmes.pk), "Revoked: Ana was its only recognized person"),
        ]
    )
    told = sorted((m.to, [code for code in (recognition.code, quilmes.code) if code in m.subject]) for m in mail.outbox)
    assert told == sorted(
        [(["ana@quilmes.example.org"], [recognition.code]), (["ana@quilmes.example.org"], [quilmes.code])]
    )


def test_revocation_unchecked_government_keeps_its_recognition(staff_client, recognition, quilmes):
    asked = ask_from_list(staff_client, recognition)
    confirm = find_form(asked.content, containing="reason")

    staff_client.post(
        reverse("admin:certificates_recognition_changelist"), post_data(confirm, reason="Error", governments=[])
    )

    recognition.refresh_from_db()
    quilmes.refresh_from_db()
    assert (recognition.status, quilmes.status) == (RecognitionStatus.REVOKED, RecognitionStatus.ISSUED)


def test_revocation_of_government_with_empty_reason_changes_nothing(staff_client, recognition, quilmes):
    asked = ask_from_list(staff_client, recognition)
    confirm = find_form(asked.content, containing="reason")

    response = staff_client.post(
        reverse("admin:certificates_recognition_changelist"), post_data(confirm, reason="Error", government_reason=" ")
    )

    assert response.context["form"].errors == {
        "government_reason": ["Say why the governments' recognitions are revoked."]
    }
    assert sorted(Recognition.objects.values_list("status", flat=True)) == ["issued", "issued"]


def test_revocation_offers_no_government_that_keeps_a_recognized_person(staff_client, recognition, quilmes):
    colleague = f.make_official(recognition.official.local_government)
    f.make_recognition(recognition.initiative, official=colleague)

    asked = ask_from_list(staff_client, recognition)

    assert "governments" not in asked.context["form"].fields
    assert "governments" not in [name for name, _v in find_form(asked.content, containing="reason")["fields"]]


def test_revocation_offers_no_government_already_selected(staff_client, recognition, quilmes):
    asked = ask_from_list(staff_client, recognition, quilmes)
    assert "governments" not in asked.context["form"].fields
    assert sorted(r.pk for r in asked.context["recognitions"]) == sorted([recognition.pk, quilmes.pk])


def test_revocation_from_change_page_offers_the_government_too(
    staff_client, recognition, quilmes, django_capture_on_commit_callbacks
):
    page = staff_client.get(change_url(recognition))
    form = find_form(page.content, containing="_selected_action")
    action = select_offering(form, "revoke_this")
    asked = staff_client.post(change_url(recognition), post_data(form, button="index", **{action: "revoke_this"}))
    confirm = find_form(asked.content, containing="reason")
    assert ("governments", str(quilmes.pk)) in confirm["fields"]

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(change_url(recognition), post_data(confirm, reason="Issued twice"))

    assert sorted(Recognition.objects.values_list("status", flat=True)) == ["revoked", "revoked"]
