"""Files on an S3-compatible object store (DJANGO_STORAGE=s3, django-storages), tested against a real S3 API:
moto's server on loopback, started by the tests. Issuance stores each PDF in the bucket, the official downloads
it from there, the stray-PDF sweep lists and deletes there, and a mapping import's preview and confirmation
touch no local disk."""

import hashlib
import io
import uuid
from io import StringIO

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.urls import reverse

from alp_portal.env import default_storage_from_env
from authorities.models import Official
from certificates.models import Recognition
from certificates.services import start_issuance
from tests import factories as f
from tests.certificates.helpers import cohort, qualify

pytestmark = pytest.mark.django_db
KEY, SECRET = "alp-test-key", "alp-test-secret"


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh bucket, and the portal's default storage pointed at it through the environment, as in production."""
    name = f"alp-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name="us-east-1"
    )
    client.create_bucket(Bucket=name)
    for variable, value in {
        "DJANGO_STORAGE": "s3",
        "DJANGO_S3_BUCKET": name,
        "DJANGO_S3_ENDPOINT_URL": s3_endpoint,
        "DJANGO_S3_REGION": "us-east-1",
        "DJANGO_S3_ACCESS_KEY_ID": KEY,
        "DJANGO_S3_SECRET_ACCESS_KEY": SECRET,
    }.items():
        monkeypatch.setenv(variable, value)
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_from_env()}
    return client, name


def stored(client, name):
    listing = client.list_objects_v2(Bucket=name).get("Contents", [])
    return {item["Key"]: client.get_object(Bucket=name, Key=item["Key"])["Body"].read() for item in listing}


def test_s3_settings_from_the_environment(bucket, s3_endpoint):
    _client, name = bucket
    assert default_storage_from_env() == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": name,
            "endpoint_url": s3_endpoint,
            "region_name": "us-east-1",
            "access_key": KEY,
            "secret_key": SECRET,
            "location": "",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    assert (type(storages["default"]).__name__, storages["default"].bucket_name) == ("S3Storage", name)


def test_s3_issuance_stores_pdfs_in_the_bucket_and_the_official_downloads_them(
    bucket, client, django_capture_on_commit_callbacks
):
    s3, name = bucket
    initiative, launch, sessions = cohort()
    ana = qualify(f.make_official_user(f.make_government("AR", name="Rosario")), launch, sessions, initiative)
    with django_capture_on_commit_callbacks(execute=True):
        start_issuance(initiative=initiative, by=f.make_regional_staff())
    recognitions = list(Recognition.objects.order_by("kind"))
    assert len(recognitions) == 2  # Ana's certificate and Rosario's recognition
    objects = stored(s3, name)
    assert sorted(objects) == sorted(r.pdf.name for r in recognitions)
    for recognition in recognitions:
        assert recognition.pdf.name == f"recognitions/{initiative.pk}/{recognition.code}.pdf"
        assert hashlib.sha256(objects[recognition.pdf.name]).hexdigest() == recognition.pdf_sha256

    client.force_login(ana.user)
    person = next(r for r in recognitions if r.official_id == ana.pk)
    response = client.get(reverse("certificates:pdf", args=[person.code]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == objects[person.pdf.name]


def test_s3_stray_pdf_sweep_works_on_the_bucket(bucket):
    s3, name = bucket
    initiative = f.make_initiative()
    recorded = f.make_recognition(initiative, official=f.make_official()).pdf.name  # stored in the bucket
    stray = default_storage.save(f"recognitions/{initiative.pk}/STRAY-0000-0000.pdf", ContentFile(b"%PDF-2"))
    out = StringIO()
    call_command("remove_stray_pdfs", "--older-than", "0", stdout=out)
    assert out.getvalue().splitlines() == [stray, "1 stray PDFs deleted; 1 PDFs of recognitions kept."]
    assert sorted(stored(s3, name)) == [recorded]
    assert stray != recorded


def test_s3_mapping_import_preview_and_confirmation(bucket, client, tmp_path, monkeypatch):
    """Nothing of the preview goes to local disk: with the temporary folder unwritable, it still works."""
    monkeypatch.setenv("TMPDIR", str(tmp_path / "missing"))
    f.make_government("AR", name="Rosario")
    client.force_login(f.make_regional_staff())
    content = io.BytesIO(
        "Nombre,Apellido,Correo electrónico,Cargo,Gobierno local,País\r\n"
        "Ana,Ruiz,ana@example.org,,Rosario,AR\r\n".encode()
    )
    content.name = "officials.csv"
    preview = client.post(reverse("admin:authorities_official_import"), {"import_file": content})
    token = preview.context["confirm_form"].initial["token"]
    assert client.post(reverse("admin:authorities_official_import_confirm"), {"token": token}).status_code == 302
    assert Official.objects.filter(email="ana@example.org").count() == 1
