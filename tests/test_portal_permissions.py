"""The officials' pages as a matrix: every URL they add against every role (see tests/portal_world.py).
Pages about "me" answer 404 to signed-in users who are not officials; another government's session is 404."""

import pytest
from django.urls import reverse

from tests.portal_world import ROLES, portal  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

LOGIN = "login"  # a redirect to the login page


def _urls(w):
    a = w["a"]
    invitation = a["official"].invitations.get()
    return {
        "home": reverse("home"),
        "invitation_new_link": reverse("invitation_new_link"),
        "invitation_accept": reverse("invitation_accept", args=[invitation.link_token()]),
        "profile": reverse("profile"),
        "my_sessions": reverse("my_sessions"),
        "my_sessions_calendar": reverse("my_sessions_calendar"),
        "session_calendar": reverse("session_calendar", args=[a["launch_session"].pk]),
        "session_calendar_other_edition": reverse("session_calendar", args=[a["other_session"].pk]),
        "registration": reverse("registration"),
        "healthz": reverse("healthz"),
        "readyz": reverse("readyz"),
    }


EXPECTED = {
    #                                 anonymous official_a official_b country_x country_y regional
    "home":                           (200,   200,  200,  200,  200,  200),
    "invitation_new_link":            (200,   200,  200,  200,  200,  200),
    "invitation_accept":              (200,   302,  200,  200,  200,  200),
    "profile":                        (LOGIN, 200,  200,  404,  404,  404),
    "my_sessions":                    (LOGIN, 200,  200,  404,  404,  404),
    "my_sessions_calendar":           (LOGIN, 200,  200,  404,  404,  404),
    "session_calendar":               (LOGIN, 200,  404,  404,  404,  404),
    "session_calendar_other_edition": (LOGIN, 404,  404,  404,  404,  404),
    "registration":                   (LOGIN, 200,  200,  404,  404,  404),
    "healthz":                        (200,   200,  200,  200,  200,  200),
    "readyz":                         (200,   200,  200,  200,  200,  200),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_portal_page_permissions(client, portal, page, role):  # noqa: F811
    user = portal["users"][role]
    if user is not None:
        client.force_login(user)
    url = _urls(portal)[page]
    response = client.get(url)
    expected = EXPECTED[page][ROLES.index(role)]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url == f"{reverse('account_login')}?next={url}"
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("page", "own_text"),
    [
        ("home", "Gobierno A"),
        ("profile", "Gobierno A"),
        ("my_sessions", "Launch a"),
        ("my_sessions_calendar", "Launch a"),
        ("registration", "Edition 1 a"),
    ],
)
def test_portal_page_shows_nothing_of_other_government(client, portal, page, own_text):  # noqa: F811
    client.force_login(portal["users"]["official_a"])
    content = client.get(_urls(portal)[page]).content.decode()
    for text in (
        "Gobierno B",
        "ALP B",
        "Launch b",
        "Edition 1 b",
        "official-b@example.org",
        "meet.example.org/w1-b",
    ):
        assert text not in content
    assert own_text in content


def test_portal_post_registration_of_other_initiative_edition_refused(client, portal):  # noqa: F811
    client.force_login(portal["users"]["official_a"])
    response = client.post(reverse("registration"), {"event": portal["b"]["edition_2"].pk})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["event"]
    portal["a"]["registration"].refresh_from_db()
    assert portal["a"]["registration"].event == portal["a"]["edition_1"]
