"""Titles that tell pages apart (issue 16, item 8): the sign-in pages and the verification results each have
their own, and a refused form's title starts with "Error:" in the reader's language."""

import re

import pytest
from django.urls import reverse

from certificates.revocation import revoke_recognition
from tests import factories as f

pytestmark = pytest.mark.django_db


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)[1].strip()


def test_the_sign_in_pages_have_titles_of_their_own(client):
    staff = f.make_regional_staff(email="staff@iom.example")
    login = title(client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en"))
    by_code = title(client.get(reverse("account_request_login_code"), HTTP_ACCEPT_LANGUAGE="en"))
    client.post(reverse("account_login"), {"login": staff.email, "password": "password"}, HTTP_ACCEPT_LANGUAGE="en")
    second_step = title(client.get(reverse("mfa_authenticate"), HTTP_ACCEPT_LANGUAGE="en"))
    assert len({login, by_code, second_step}) == 3
    assert second_step.startswith("Second step of the sign-in")


def test_the_verification_results_have_titles_of_their_own(client):
    regional = f.make_regional_staff()
    initiative = f.make_initiative()
    valid = f.make_recognition(initiative, official=f.make_official())
    revoked = f.make_recognition(initiative, official=f.make_official())
    revoke_recognition(recognition=revoked, reason="Duplicado", by=regional)
    titles = [
        title(client.get(reverse("certificates:verify_form"), HTTP_ACCEPT_LANGUAGE="en")),
        title(client.get(reverse("certificates:verify", args=[valid.code]), HTTP_ACCEPT_LANGUAGE="en")),
        title(client.get(reverse("certificates:verify", args=[revoked.code]), HTTP_ACCEPT_LANGUAGE="en")),
        title(client.get(reverse("certificates:verify", args=["AAAA-AAAA-AAAA"]), HTTP_ACCEPT_LANGUAGE="en")),
    ]
    assert len(set(titles)) == 4
    assert titles[1].startswith(f"Valid recognition {valid.code}")
    assert titles[2].startswith(f"Revoked recognition {revoked.code}")
    assert titles[3].startswith("Unknown code AAAA-AAAA-AAAA")


@pytest.mark.parametrize(("language", "error"), [("es", "Error:"), ("pt-br", "Erro:"), ("en", "Error:")])
def test_a_refused_form_says_error_first(client, language, error):
    shown = title(client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE=language))
    assert not shown.startswith(error)
    refused = client.post(
        reverse("account_login"), {"login": "nobody@example.org", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert refused.status_code == 200
    assert title(refused) == f"{error} {shown}"
    official = f.make_official_user(f.make_government("AR"))
    client.force_login(official.user)
    page = client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE=language)
    data = {name: page.context["form"][name].value() or "" for name in page.context["form"].fields}
    data["first_name"] = ""
    assert title(client.post(reverse("profile"), data, HTTP_ACCEPT_LANGUAGE=language)).startswith(error)


def test_the_password_comes_right_after_the_email_in_tab_order(client):
    """Issue 16, item 4: the password's hint holds a link ("Forgot your password?"); it is rendered after the
    password input, so that tabbing from the e-mail reaches the password first."""
    html = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    form = html[html.index('class="stacked-form"') :]
    form = form[: form.index("</form>")]
    focusable = re.findall(r'<(?:input(?![^>]*type="hidden")|a|button|select|textarea)\b[^>]*>', form)
    names = [re.search(r'(?:name|href)="([^"]+)"', tag)[1] for tag in focusable[:3]]
    assert names[:3] == ["login", "password", reverse("account_reset_password")]
    assert 'aria-describedby="id_password_helptext"' in form and 'id="id_password_helptext"' in form
