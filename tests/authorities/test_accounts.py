"""allauth's flows as the portal configures them: no sign-up, password and code login, password reset, e-mail
change behind re-authentication, our layout on every page, and staff held to two-factor authentication."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "password"


def _official_account(language="pt-br"):
    official = f.make_official_user(language=language, email="rosa@example.org")
    EmailAddress.objects.create(user=official.user, email=official.email, primary=True, verified=True)
    return official


def test_signup_closed_creates_no_user(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": "x-Strong-9", "password2": "x-Strong-9"},
    )
    assert response.status_code == 200
    assert response.templates[0].name == "account/signup_closed.html"
    assert get_user_model().objects.filter(email="new@example.org").exists() is False


def test_login_by_password_sets_officials_language(client):
    _official_account("pt-br")
    response = client.post(reverse("account_login"), {"login": "rosa@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "pt-br"
    assert b'<html lang="pt-br">' in client.get(reverse("home")).content


def test_login_wrong_password_error_and_no_session(client):
    _official_account()
    client.cookies["django_language"] = "en"
    response = client.post(reverse("account_login"), {"login": "rosa@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The email address and/or password you specified are not correct."
    ]
    assert "_auth_user_id" not in client.session


def test_login_by_code_emails_a_code_that_logs_in(client):
    official = _official_account()
    response = client.post(reverse("account_request_login_code"), {"email": "rosa@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    # allauth's mails go out in the official's language (pt-br here), whatever the browser's.
    assert mail.outbox[0].body.startswith("Olá da testserver!")
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[0].body, re.M).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == official.user.pk


def test_password_reset_emails_a_link(client):
    _official_account()
    response = client.post(reverse("account_reset_password"), {"email": "rosa@example.org"})
    assert response.status_code == 302
    assert mail.outbox[0].to == ["rosa@example.org"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_email_change_requires_reauthentication(client):
    official = _official_account()
    client.force_login(official.user)  # no password typed in this session
    response = client.post(reverse("account_email"), {"action_add": "", "email": "rosa.new@example.org"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert EmailAddress.objects.filter(email="rosa.new@example.org").exists() is False


@pytest.mark.parametrize(
    "url_name",
    [
        "account_login",
        "account_request_login_code",
        "account_reset_password",
        "account_signup",
        "account_logout",
    ],
)
@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_allauth_pages_use_our_layout(client, url_name, language):
    client.cookies["django_language"] = language
    response = client.get(reverse(url_name), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert '<main id="main">' in html
    assert 'class="language-switcher"' in html


def test_allauth_manage_pages_use_our_layout(client):
    official = _official_account()
    client.force_login(official.user)
    for name in ("account_email", "account_change_password", "mfa_index"):
        html = client.get(reverse(name)).content.decode()
        assert '<main id="main">' in html
        assert 'class="nav nav-account"' in html


# ---- Staff and two-factor authentication ----


def test_admin_staff_without_mfa_sent_to_mfa_setup(client):
    staff = f.make_regional_staff(mfa=False)
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_index")
    response = client.get(reverse("admin:authorities_official_changelist"))
    assert response.url == reverse("mfa_index")
    # There, both second factors are offered: an authenticator app and a security key.
    page = client.get(reverse("mfa_index")).content.decode()
    assert reverse("mfa_activate_totp") in page
    assert reverse("mfa_add_webauthn") in page
    assert "una aplicación de autenticación en su teléfono o una llave de seguridad" in page


def test_admin_country_staff_without_mfa_sent_to_mfa_setup(client):
    client.force_login(f.make_country_staff("AR", mfa=False))
    assert client.get(reverse("admin:index")).url == reverse("mfa_index")


def test_admin_staff_with_recovery_codes_only_sent_to_mfa_setup(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    staff = f.make_regional_staff(mfa=False)
    RecoveryCodes.activate(staff)
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 302


def test_admin_staff_with_totp_reaches_admin(client):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    staff = f.make_regional_staff(mfa=False)
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=%2Fadmin%2F"


def test_admin_login_of_staff_asks_for_totp_code_then_admin_loads(client):

    staff = f.make_regional_staff("boss@iom.test", mfa=False)
    secret = f.give_mfa(staff)
    response = client.post(
        reverse("account_login"), {"login": "boss@iom.test", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    code = f.totp_code(secret)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_official_cannot_reach_admin(client):
    client.force_login(f.make_official_user().user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_sets_up_totp_then_reaches_admin(client):

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    staff = f.make_country_staff("AR", "co@iom.test", mfa=False)
    client.post(reverse("account_login"), {"login": "co@iom.test", "password": PASSWORD})
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[0] == (reverse("mfa_index"), 302)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert '<main id="main">' in response.content.decode()
    secret = client.session[SECRET_SESSION_KEY]
    code = f.totp_code(secret)
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff, type="totp").count() == 1
    assert client.get(reverse("admin:index")).status_code == 200


def test_email_change_after_reauthentication_and_verification_updates_official(client):
    official = _official_account("en")
    client.post(reverse("account_login"), {"login": "rosa@example.org", "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("account_email"), {"action_add": "", "email": "rosa.new@example.org"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["rosa.new@example.org"]
    confirm = re.search(r"(/accounts/confirm-email/[^\s]+)", mail.outbox[-1].body).group(1)
    client.post(confirm)
    official.refresh_from_db()
    official.user.refresh_from_db()
    assert (official.email, official.user.email, official.user.username) == (
        "rosa.new@example.org",
        "rosa.new@example.org",
        "rosa.new@example.org",
    )
    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"), {"login": "rosa.new@example.org", "password": PASSWORD})
    assert response.status_code == 302


def test_admin_login_rate_limited_by_allauth(client):
    f.make_regional_staff("boss@iom.test")
    client.cookies["django_language"] = "en"
    login_url = client.get(reverse("admin:login")).url  # the admin's login is allauth's
    for _ in range(5):
        client.post(login_url, {"login": "boss@iom.test", "password": "wrong"})
    response = client.post(login_url, {"login": "boss@iom.test", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors() == ["Too many failed login attempts. Try again later."]
