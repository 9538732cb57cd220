import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from authorities.enums import InvitationStatus
from authorities.models import Invitation
from authorities.services import (
    InvitationAlreadyAccepted,
    InvitationExpired,
    accept_invitation,
    send_invitation,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "migracion-local-2024"


@pytest.fixture
def invitation(django_capture_on_commit_callbacks):
    official = f.make_official(f.make_government("AR", name="Rosario"), email="ana@rosario.example", first_name="Ana")
    invitation = f.invite(official, f.make_initiative(name="ALP Sudamérica 2025"), status=InvitationStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        return send_invitation(invitation=invitation)


def _link(invitation):
    return reverse("invitation_accept", args=[invitation.link_token()])


def test_send_invitation_emails_personal_link_in_officials_language(invitation):
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@rosario.example"]
    # The official's language was left at its default, Spanish: the e-mail is in Spanish.
    assert message.subject == "Invitación a ALP Sudamérica 2025"
    assert f"http://localhost:8000/invitation/{invitation.link_token()}/" in message.body
    # The date is formatted by Django's Spanish locale: the body was rendered in translation.override("es").
    expires = timezone.localtime(invitation.expires_at)
    assert f"{expires.day} de " in message.body
    assert invitation.status == InvitationStatus.SENT
    assert invitation.expires_at - invitation.sent_at == timedelta(days=30)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "The link is valid until Jan. 15, 2031."),
        ("pt-br", "O link é válido até 15 de janeiro de 2031."),
        ("es", "El enlace es válido hasta el 15 de enero de 2031."),
    ],
)
def test_send_invitation_date_follows_officials_language(django_capture_on_commit_callbacks, language, sentence):
    official = f.make_official(language=language)
    invitation = f.invite(official, f.make_initiative(), status=InvitationStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = send_invitation(invitation=invitation)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=datetime(2031, 1, 15, 15, tzinfo=UTC))
    from authorities.services import invitation_email

    _, body = invitation_email(Invitation.objects.get(pk=invitation.pk))
    # The portal's catalogue words the sentence and Django's own locale data formats the date: proof that the
    # e-mail is rendered in the official's language.
    assert sentence in body


def test_invitation_page_shows_password_form(client, invitation):
    response = client.get(_link(invitation))
    assert response.status_code == 200
    assert b'name="password1"' in response.content
    assert "ana@rosario.example" in response.content.decode()


def test_accept_invitation_creates_account_and_logs_in(client, invitation):
    response = client.post(_link(invitation), {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/"
    user = get_user_model().objects.get()
    assert (user.username, user.email, user.first_name) == (
        "ana@rosario.example",
        "ana@rosario.example",
        "Ana",
    )
    assert user.check_password(PASSWORD)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.official.user == user
    assert list(EmailAddress.objects.values_list("email", "verified", "primary")) == [
        ("ana@rosario.example", True, True)
    ]
    assert response.cookies["django_language"].value == "es"
    assert client.get("/").context["user"] == user


def test_accept_invitation_twice_creates_one_account(invitation):
    first = accept_invitation(token=invitation.link_token(), password=PASSWORD)
    with pytest.raises(InvitationAlreadyAccepted):
        accept_invitation(token=invitation.link_token(), password="another-password-9")
    assert get_user_model().objects.count() == 1
    first.refresh_from_db()
    assert first.check_password(PASSWORD)


def test_accept_invitation_double_post_keeps_one_account(client, invitation):
    client.post(_link(invitation), {"password1": PASSWORD, "password2": PASSWORD})
    response = client.post(_link(invitation), {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302  # the same person, already signed in: home
    assert response.url == "/"
    assert get_user_model().objects.count() == 1


def test_accept_invitation_links_existing_account(invitation):
    existing = f.make_user("ANA@rosario.example")
    user = accept_invitation(token=invitation.link_token(), password=PASSWORD)
    assert user == existing
    assert get_user_model().objects.count() == 1
    invitation.official.refresh_from_db()
    assert invitation.official.user == existing


def test_accept_second_initiative_invitation_reuses_account(invitation, django_capture_on_commit_callbacks):
    user = accept_invitation(token=invitation.link_token(), password=PASSWORD)
    second = f.invite(invitation.official, f.make_initiative(), status=InvitationStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        second = send_invitation(invitation=second)
    assert accept_invitation(token=second.link_token(), password=PASSWORD) == user
    assert get_user_model().objects.count() == 1


def test_accept_invitation_password_errors_next_to_field(client, invitation):
    client.cookies["django_language"] = "en"
    response = client.post(_link(invitation), {"password1": "abc", "password2": "abd"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"password2": ["The two passwords differ. Type the same password twice."]}
    assert get_user_model().objects.count() == 0
    response = client.post(_link(invitation), {"password1": "ana12", "password2": "ana12"})
    assert (
        "This password is too short. It must contain at least 8 characters."
        in response.context["form"].errors["password2"]
    )


def test_expired_invitation_says_so_and_offers_new_link(client, invitation):
    client.cookies["django_language"] = "en"
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(_link(invitation))
    assert response.status_code == 200
    assert "expired on" in response.context["error"].message
    assert response.context["form"].initial == {"email": "ana@rosario.example"}
    response = client.post(_link(invitation), {"password1": PASSWORD, "password2": PASSWORD})
    assert get_user_model().objects.count() == 0
    with pytest.raises(InvitationExpired):
        accept_invitation(token=invitation.link_token(), password=PASSWORD)


def test_new_link_sends_fresh_token_and_old_link_stops(client, invitation, django_capture_on_commit_callbacks):
    old_token = invitation.link_token()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("invitation_new_link"), {"email": "Ana@Rosario.example"})
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.link_token() != old_token
    assert len(mail.outbox) == 2
    assert f"/invitation/{invitation.link_token()}/" in mail.outbox[1].body
    assert client.get(reverse("invitation_accept", args=[old_token])).status_code == 404
    assert client.get(_link(invitation)).status_code == 200


def test_new_link_unknown_address_same_answer_no_mail(client, invitation):
    response = client.post(reverse("invitation_new_link"), {"email": "nobody@example.org"})
    assert response.status_code == 200
    assert response.templates[0].name == "authorities/invitation_new_link_sent.html"
    assert len(mail.outbox) == 1


def test_new_link_is_rate_limited(client, invitation):
    statuses = [
        client.post(reverse("invitation_new_link"), {"email": "ana@rosario.example"}).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_new_link_invalid_email_error_next_to_field(client):
    client.cookies["django_language"] = "en"
    response = client.post(reverse("invitation_new_link"), {"email": "not-an-address"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}


def test_used_invitation_says_so_and_offers_sign_in(client, invitation):
    client.cookies["django_language"] = "en"
    accept_invitation(token=invitation.link_token(), password=PASSWORD)
    response = client.get(_link(invitation))
    assert response.status_code == 200
    assert response.context["accepted"] is True
    assert "already accepted on" in response.context["error"].message
    assert reverse("account_reset_password").encode() in response.content


def test_unknown_invitation_token_is_404_with_new_link_form(client):
    response = client.get(reverse("invitation_accept", args=["no-such-token"]))
    assert response.status_code == 404
    assert b'action="/invitation/new-link/"' in response.content


def test_admin_action_sends_invitations_of_scope_only(client, django_capture_on_commit_callbacks):
    initiative = f.make_initiative()
    pending = f.invite(f.make_official(language="en"), initiative, status=InvitationStatus.PENDING)
    accepted = f.invite(f.make_official(), initiative, status=InvitationStatus.ACCEPTED)
    client.force_login(f.make_regional_staff())
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:authorities_invitation_changelist"),
            {"action": "send_invitation_emails", "_selected_action": [pending.pk, accepted.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [[pending.official.email]]
    pending.refresh_from_db()
    assert pending.status == InvitationStatus.SENT
    assert f"/invitation/{pending.link_token()}/" in mail.outbox[0].body
    assert [str(m) for m in response.context["messages"]][-1].endswith("already accepted this invitation.")


@pytest.mark.django_db(transaction=True)
def test_accept_invitation_concurrently_creates_one_account(django_capture_on_commit_callbacks):
    """Two submissions at the same moment (two tabs, a double click): select_for_update makes the second wait
    for the first and then find the invitation accepted. Needs row locks: PostgreSQL, as in CI."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL: run with DATABASE_URL=postgres://...")
    official = f.make_official(email="race@example.org")
    invitation = f.invite(official, f.make_initiative(), status=InvitationStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = send_invitation(invitation=invitation)
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(password):
        try:
            barrier.wait()
            accept_invitation(token=invitation.link_token(), password=password)
            outcomes.append("accepted")
        except InvitationAlreadyAccepted:
            outcomes.append("already accepted")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(p,)) for p in ("first-password-1", "second-password-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["accepted", "already accepted"]
    assert get_user_model().objects.filter(email="race@example.org").count() == 1
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED


def _link_token_from(message):
    return message.body.split("/invitation/", 1)[1].split("/", 1)[0]


def test_invitation_link_secret_is_only_in_the_email(invitation):
    token = _link_token_from(mail.outbox[0])
    row = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert [name for name, value in row.items() if token in str(value)] == []
    assert Invitation.objects.with_link_token(token).get() == invitation


def test_invitation_link_is_refused_for_the_digest_itself(client, invitation):
    # Someone who read the database has the digest only: it opens nothing.
    response = client.get(reverse("invitation_accept", args=[invitation.token_hash]))
    assert response.status_code == 404


def test_every_invitation_has_an_expiry_even_before_it_is_sent():
    before = timezone.now()
    pending = f.invite(f.make_official(), f.make_initiative(), status=InvitationStatus.PENDING)
    assert before + timedelta(days=30) <= pending.expires_at <= timezone.now() + timedelta(days=30)
    assert Invitation._meta.get_field("expires_at").null is False


def test_invitation_email_of_an_invitation_never_sent_is_refused_not_sent_with_a_dead_link():
    from authorities.services import InvitationError, invitation_email

    pending = Invitation.objects.create(official=f.make_official(), initiative=f.make_initiative())
    with pytest.raises(InvitationError) as error:
        invitation_email(pending)
    assert error.value.message == f"Invitation {pending.pk} has no link to send: send the invitation again."
