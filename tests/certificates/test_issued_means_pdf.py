"""Issued means the PDF exists (issue 11.3): a recognition is pending, and visible nowhere, until its PDF is
stored and recorded with its SHA-256 in the same transaction that makes it valid. Storage and the database are
made to fail in the middle of an issuance; what failed stays pending, and resuming the issuance finishes it.
Run on SQLite and on PostgreSQL (DATABASE_URL)."""

import hashlib

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.db import OperationalError, connection
from django.test import override_settings
from django.urls import reverse

from certificates.emails import recipients
from certificates.enums import FailureKind, ItemStatus, RecognitionStatus
from certificates.models import IssuanceItem, Recognition
from certificates.queries import has_issued_recognitions, recognized_figures
from certificates.revocation import revoke_recognition
from certificates.services import CertificateError, process_issuance, resume_issuance, start_issuance
from initiative.dissemination import recognized_governments
from initiative.enums import Stage
from initiative.home import expected_of
from initiative.models import Initiative
from initiative.services import dissemination_recipients
from tests import factories as f
from tests.certificates.storages import FlakyStorage
from tests.certificates.test_issuance import world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

FLAKY = {
    "default": {"BACKEND": "tests.certificates.storages.FlakyStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@pytest.fixture
def flaky():
    FlakyStorage.failing, FlakyStorage.saves = set(), 0
    with override_settings(STORAGES=FLAKY):
        yield FlakyStorage


def verify_status(client, recognition):
    return client.get(reverse("certificates:verify", args=[recognition.code])).status_code


def assert_each_valid_has_its_stored_pdf():
    for recognition in Recognition.objects.all():
        assert recognition.status == RecognitionStatus.ISSUED, recognition
        with default_storage.open(recognition.pdf.name, "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == recognition.pdf_sha256


def test_storage_failing_mid_chunk_leaves_that_recognition_pending_then_resume_issues_it(
    world,  # noqa: F811
    flaky,
    client,
    django_capture_on_commit_callbacks,
):
    flaky.failing = {2}  # the second PDF of the chunk cannot be written
    batch = start_issuance(initiative=world["initiative"], by=world["regional"])

    batch = process_issuance(batch_id=batch.pk)

    assert (batch.done, batch.failed) == (3, 1)
    failed = IssuanceItem.objects.get(status=ItemStatus.FAILED)
    assert (failed.failure, failed.error) == (FailureKind.STORE, "[Errno 28] No space left on device")
    lost = failed.recognition
    assert (lost.status, lost.pdf.name, lost.pdf_sha256) == (RecognitionStatus.PENDING, "", "")
    assert verify_status(client, lost) == 404  # its code answers nothing yet
    assert sorted(r.status for r in Recognition.objects.all()) == ["issued", "issued", "issued", "pending"]
    assert len(mail.outbox) == 3  # nobody told of what does not exist

    with django_capture_on_commit_callbacks(execute=True):
        resume_issuance(batch=batch, by=world["regional"])

    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (4, 0)
    assert_each_valid_has_its_stored_pdf()
    assert verify_status(client, lost) == 200
    assert len(mail.outbox) == 4


class FailingUpdate:
    """The database refuses the n-th statement that records PDFs (`UPDATE ... "pdf" ...` on recognitions), as a
    locked SQLite file or a PostgreSQL lock timeout does: a real error from the connection, mid-issuance."""

    def __init__(self, failing):
        self.failing, self.seen = failing, 0

    def __call__(self, execute, sql, params, many, context):
        if sql.startswith('UPDATE "certificates_recognition"') and '"pdf_sha256"' in sql:
            self.seen += 1
            if self.seen in self.failing:
                raise OperationalError("database is locked")
        return execute(sql, params, many, context)


def test_database_failing_mid_chunk_leaves_its_recognitions_pending_then_resume_issues_them(
    world,  # noqa: F811
    client,
    django_capture_on_commit_callbacks,
):
    batch = start_issuance(initiative=world["initiative"], by=world["regional"])

    with connection.execute_wrapper(FailingUpdate({2})):  # chunks of two: the second chunk's record fails
        batch = process_issuance(batch_id=batch.pk, chunk_size=2)

    assert (batch.done, batch.failed) == (2, 2)
    failed = list(IssuanceItem.objects.filter(status=ItemStatus.FAILED).select_related("recognition"))
    assert [(item.failure, item.error) for item in failed] == [(FailureKind.UNEXPECTED, "database is locked")] * 2
    for item in failed:
        assert (item.recognition.status, item.recognition.pdf.name) == (RecognitionStatus.PENDING, "")
        assert verify_status(client, item.recognition) == 404
    assert Recognition.objects.valid().count() == 2
    assert len(mail.outbox) == 2

    with django_capture_on_commit_callbacks(execute=True):
        resume_issuance(batch=batch, by=world["regional"])

    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (4, 0)
    assert_each_valid_has_its_stored_pdf()
    assert len(mail.outbox) == 4


def test_database_failing_while_claiming_leaves_nothing_then_resume_issues_all(
    world,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    def refuse_inserts(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "certificates_recognition"'):
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    batch = start_issuance(initiative=world["initiative"], by=world["regional"])
    with connection.execute_wrapper(refuse_inserts):
        batch = process_issuance(batch_id=batch.pk)

    assert (batch.done, batch.failed, Recognition.objects.count()) == (0, 4, 0)
    with django_capture_on_commit_callbacks(execute=True):
        resume_issuance(batch=batch, by=world["regional"])
    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (4, 0)
    assert_each_valid_has_its_stored_pdf()


@pytest.fixture
def pending_world():
    """Quilmes with one valid certificate (Ana's) and, still being issued, Beto's and the government's own."""
    initiative = f.make_initiative(name="ALP Andes 2027")
    Initiative.objects.filter(pk=initiative.pk).update(stage=Stage.CERTIFICATION)
    initiative.refresh_from_db()
    quilmes = f.make_government("AR", name="Quilmes", public_consent=True)
    ana = f.make_official_user(quilmes, first_name="Ana", public_consent=True)
    beto = f.make_official_user(quilmes, first_name="Beto", public_consent=True)
    return {
        "initiative": initiative,
        "ana": ana,
        "beto": beto,
        "valid": f.make_recognition(initiative, official=ana),
        "person": f.make_recognition(initiative, official=beto, status=RecognitionStatus.PENDING),
        "government": f.make_recognition(initiative, local_government=quilmes, status=RecognitionStatus.PENDING),
    }


def test_pending_recognition_is_visible_nowhere(pending_world, client):
    w = pending_world
    initiative = w["initiative"]

    assert verify_status(client, w["person"]) == 404
    assert verify_status(client, w["government"]) == 404
    client.force_login(w["beto"].user)
    assert list(client.get(reverse("certificates:mine")).context["recognitions"]) == []
    assert client.get(reverse("certificates:pdf", args=[w["person"].code])).status_code == 404
    assert [task.key for task in expected_of(w["beto"], initiative)] == []  # no "download it" at home
    assert recognized_figures(initiative).people == 1  # Ana
    assert recognized_governments(initiative).total == 0  # the government's own is still being issued
    assert [email for _name, email, _language in dissemination_recipients(initiative)] == [w["ana"].email]
    assert recipients(w["government"]) == [(w["ana"].email, "es")]
    assert has_issued_recognitions(initiative) is True
    Recognition.objects.filter(pk=w["valid"].pk).update(
        status=RecognitionStatus.REVOKED, revoked_at=w["valid"].issued_at, revocation_reason="Error"
    )
    assert has_issued_recognitions(initiative) is False


def test_pending_recognition_cannot_be_revoked(pending_world, english):
    with pytest.raises(CertificateError, match="is still being issued: it can be revoked once it is issued"):
        revoke_recognition(recognition=pending_world["person"], reason="Error", by=f.make_regional_staff())
    assert Recognition.objects.get(pk=pending_world["person"].pk).status == RecognitionStatus.PENDING
