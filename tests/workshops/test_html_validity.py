"""The Nu HTML checker finds no error on the officials' form pages, in every state they can be in."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from workshops.models import QuestionnaireResponse

from .conftest import automapeo_data
from .tools import vnu_jar

pytestmark = pytest.mark.django_db


def collect_pages(client, portal):
    """(name, HTML) of every page and state: open, with errors, in conflict, answered, closed."""
    a = portal["a"]
    client.force_login(a["official"].user)
    pages = []

    def keep(name, response):
        assert response.status_code in (200, 403, 409), name
        pages.append((name, response.content))

    keep("automapeo", client.get(reverse("automapeo")))
    keep(
        "automapeo-errors",
        client.post(reverse("automapeo"), automapeo_data(a["automapeo"].revision, [{"title": "x" * 301}], save="1")),
    )
    keep(
        "automapeo-conflict",
        client.post(reverse("automapeo"), automapeo_data(0, [{"id": a["action"].pk, "title": "Vieja"}], save="1")),
    )
    keep("almi", client.get(reverse("almi")))
    keep("almi-errors", client.post(reverse("almi"), {"kind": "", "text": "", "form_key": "k"}))
    keep("almi-edit", client.get(reverse("almi_edit", args=[a["contribution"].pk])))
    keep("questionnaire-entry", client.get(reverse("questionnaire", args=["entry"])))
    keep("questionnaire-exit-errors", client.post(reverse("questionnaire", args=["exit"]), {"knowledge": "9"}))
    QuestionnaireResponse.objects.create(
        official=a["official"],
        initiative=portal["initiative"],
        kind="entry",
        knowledge=2,
        expectations="Aprender",
    )
    keep("questionnaire-entry-answered", client.get(reverse("questionnaire", args=["entry"])))
    initiative = portal["initiative"]
    initiative.submissions_close_at = timezone.now() - timedelta(hours=1)
    initiative.save(update_fields=["submissions_close_at"])
    keep("automapeo-closed", client.get(reverse("automapeo")))
    keep(
        "automapeo-refused",
        client.post(reverse("automapeo"), automapeo_data(a["automapeo"].revision, [{"title": "Tarde"}], save="1")),
    )
    keep("almi-closed", client.get(reverse("almi")))
    keep("questionnaire-exit-closed", client.get(reverse("questionnaire", args=["exit"])))
    return pages


def test_portal_forms_have_no_html_errors(client, portal, tmp_path):
    jar = vnu_jar()
    if jar is None or shutil.which("java") is None:
        pytest.skip("the Nu HTML checker needs Java and vnu.jar (npm vnu-jar, or $VNU_JAR)")
    pages = collect_pages(client, portal)
    files = []
    for name, content in pages:
        path = tmp_path / f"{name}.html"
        path.write_bytes(content)
        files.append(str(path))
    result = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", *files],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stderr == ""
    assert result.returncode == 0
    assert len(files) == 13


def test_portal_forms_collect_every_state(client, portal):
    # Runs without Java too: every page and state the checker above reads renders.
    assert [name for name, _ in collect_pages(client, portal)][:3] == [
        "automapeo",
        "automapeo-errors",
        "automapeo-conflict",
    ]
