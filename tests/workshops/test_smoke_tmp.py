import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_render(client, portal):
    client.force_login(portal["users"]["official_a"])
    for url in [reverse("automapeo"), reverse("almi"), reverse("almi_edit", args=[portal["a"]["contribution"].pk]),
                reverse("questionnaire", args=["entry"]), reverse("questionnaire", args=["exit"])]:
        r = client.get(url)
        assert r.status_code == 200, url
        with open(f"/tmp/wt3b_{url.strip('/').replace('/', '_')}.html", "wb") as fh:
            fh.write(r.content)
