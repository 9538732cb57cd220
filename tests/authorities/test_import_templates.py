"""Each import page offers a template (issue 15, item 3): XLSX and CSV, the columns in the reader's language and
one example row, and lists the columns it understands; the template, uploaded back as it is, imports its
example row with no column left unused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

HEADERS = {
    ("official", "es"): ["nombre", "apellido", "correo electrónico"],
    ("official", "pt-br"): ["primeiro nome", "sobrenome"],
    ("official", "en"): ["first name", "last name", "e-mail"],
    ("localgovernment", "es"): ["nombre", "país", "región"],
    ("localgovernment", "en"): ["name", "country", "region"],
}


@pytest.mark.parametrize("model", ["official", "localgovernment"])
@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_template_imports_back_as_it_is(client, model, language, file_format):
    f.make_government("AR", name="Rosario", region="Santa Fe") if model == "official" else None
    client.force_login(f.make_regional_staff())
    url = reverse(f"admin:authorities_{model}_import_template", args=[file_format])
    template = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert template.status_code == 200
    assert template["Content-Disposition"].startswith("attachment;")
    assert template["Content-Disposition"].endswith(f'.{file_format}"')
    if file_format == "csv":
        header = template.content.decode("utf-8-sig").splitlines()[0].split(",")
        for name in HEADERS.get((model, language), []):
            assert name in header, (name, header)

    upload = SimpleUploadedFile(f"template.{file_format}", template.content)
    page = client.post(
        reverse(f"admin:authorities_{model}_import"), {"import_file": upload}, HTTP_ACCEPT_LANGUAGE=language
    )
    plan = page.context["plan"]
    assert plan.ignored_columns == []
    assert plan.issues == []
    assert plan.counts["new"] == 1


def test_the_import_page_lists_its_columns_and_templates(client):
    client.force_login(f.make_regional_staff())
    page = client.get(reverse("admin:authorities_official_import"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "first name*" in page and "position" in page
    for file_format in ("xlsx", "csv"):
        assert reverse("admin:authorities_official_import_template", args=[file_format]) in page
    assert client.get(reverse("admin:authorities_official_import_template", args=["pdf"])).status_code == 400
