import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_anonymous_shows_initiative(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b'<html lang="es">' in response.content
    assert response.context["request"].LANGUAGE_CODE == "es"


def test_home_page_language_switch_sets_cookie(client):
    response = client.post(reverse("set_language"), {"language": "pt-br", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "pt-br"
    assert b'<html lang="pt-br">' in client.get(reverse("home")).content
