import hashlib

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import translation

from certificates.enums import BatchStatus, FailureKind, ItemStatus, RecognitionKind
from certificates.models import IssuanceBatch, IssuanceItem, Recognition
from certificates.services import CertificateError, process_issuance, start_issuance
from tests import factories as f
from tests.certificates.helpers import cohort, flat, pdf_text, qualify

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    initiative, launch, sessions = cohort()
    government_ar = f.make_government("AR", name="Rosario")
    government_br = f.make_government("BR", name="São Paulo")
    ana = qualify(f.make_official(government_ar, first_name="Ana", last_name="Núñez"), launch, sessions, initiative)
    joao = qualify(
        f.make_official(government_br, first_name="João", last_name="Conceição", language="pt-br"),
        launch,
        sessions,
        initiative,
    )
    absent = f.make_official(government_ar, first_name="Pedro", last_name="Ausente")
    f.invite(absent, initiative)
    return {
        "initiative": initiative,
        "ana": ana,
        "joao": joao,
        "absent": absent,
        "ar": government_ar,
        "br": government_br,
        "regional": f.make_regional_staff(),
    }


def issue(world, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        batch = start_issuance(initiative=world["initiative"], by=world["regional"], **kwargs)
    batch.refresh_from_db()
    return batch


def test_issuance_issues_people_and_governments_with_pdf_hash_and_email(
    world, django_capture_on_commit_callbacks, tmp_path
):
    batch = issue(world, django_capture_on_commit_callbacks)
    assert (batch.status, batch.total, batch.done, batch.skipped, batch.failed) == (
        BatchStatus.FINISHED,
        4,
        4,
        0,
        0,
    )
    recognitions = Recognition.objects.order_by("kind", "holder_name")
    assert [(r.kind, r.holder_name, r.language) for r in recognitions] == [
        (RecognitionKind.GOVERNMENT, "Rosario", "es"),
        (RecognitionKind.GOVERNMENT, "São Paulo", "pt-br"),
        (RecognitionKind.PERSON, "Ana Núñez", "es"),
        (RecognitionKind.PERSON, "João Conceição", "pt-br"),
    ]
    for recognition in recognitions:
        with default_storage.open(recognition.pdf.name, "rb") as handle:
            stored = handle.read()
        assert hashlib.sha256(stored).hexdigest() == recognition.pdf_sha256
        assert recognition.code in flat(pdf_text(stored, tmp_path))
    assert len(mail.outbox) == 4
    to_joao = next(m for m in mail.outbox if m.to == [world["joao"].email] and "São Paulo" not in m.subject)
    joao_recognition = recognitions.get(official=world["joao"])
    assert to_joao.attachments[0].filename == f"{joao_recognition.code}.pdf"
    assert to_joao.attachments[0].mimetype == "application/pdf"
    assert f"http://localhost:8000/verify/{joao_recognition.code}/" in to_joao.body


def test_issuance_run_twice_issues_nothing_twice(world, django_capture_on_commit_callbacks):
    batch = issue(world, django_capture_on_commit_callbacks)
    with pytest.raises(CertificateError):
        issue(world, django_capture_on_commit_callbacks)
    process_issuance(batch_id=batch.pk)  # the same batch again
    assert Recognition.objects.count() == 4
    assert len(mail.outbox) == 4
    assert IssuanceBatch.objects.count() == 1


def test_issuance_to_a_selection_issues_only_them_and_their_government(world, django_capture_on_commit_callbacks):
    batch = issue(world, django_capture_on_commit_callbacks, official_ids=[world["joao"].pk])
    assert batch.total == 2
    assert sorted(Recognition.objects.values_list("holder_name", flat=True)) == [
        "João Conceição",
        "São Paulo",
    ]


@pytest.mark.usefixtures("english")
def test_issuance_of_nobody_eligible_in_selection_is_refused(world, django_capture_on_commit_callbacks):
    with pytest.raises(CertificateError) as error:
        issue(world, django_capture_on_commit_callbacks, official_ids=[world["absent"].pk])
    assert str(error.value) == (
        "Nobody is left to recognize: every eligible person and government already has a recognition."
    )
    assert IssuanceBatch.objects.count() == 0


def test_issuance_in_another_language_uses_it_for_everyone(world, django_capture_on_commit_callbacks):
    issue(world, django_capture_on_commit_callbacks, language="en")
    assert set(Recognition.objects.values_list("language", flat=True)) == {"en"}


def test_issuance_interrupted_resumes_without_duplicates(world, django_capture_on_commit_callbacks, monkeypatch):
    """A worker killed after recording two recognitions but before their PDFs: the next run finishes them."""
    from certificates import services

    batch = start_issuance(initiative=world["initiative"], by=world["regional"])  # queued: no on_commit run
    items = list(IssuanceItem.objects.filter(batch=batch).order_by("pk"))
    for item in items[:2]:
        services._claim_recognition(batch, item)  # what the killed worker had done
    assert Recognition.objects.filter(pdf="").count() == 2

    process_issuance(batch_id=batch.pk)

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.skipped, batch.failed) == (BatchStatus.FINISHED, 4, 0, 0)
    assert Recognition.objects.count() == 4
    assert Recognition.objects.filter(pdf="").count() == 0
    assert len(mail.outbox) == 4


def test_issuance_records_the_reason_of_each_failure(world, django_capture_on_commit_callbacks, monkeypatch):
    from certificates import pdf

    real = pdf.render_recognition_pdf

    def broken_for_ana(recognition, language=None):
        if recognition.holder_name == "Ana Núñez":
            raise OSError("disk full")
        return real(recognition, language)

    def batch_fails(recognitions):
        raise OSError("batch failed")

    monkeypatch.setattr(pdf, "render_recognition_pdfs", batch_fails)
    monkeypatch.setattr(pdf, "render_recognition_pdf", broken_for_ana)
    batch = issue(world, django_capture_on_commit_callbacks)
    assert (batch.done, batch.failed) == (3, 1)
    failed = IssuanceItem.objects.get(status=ItemStatus.FAILED)
    assert failed.official == world["ana"]
    assert (failed.failure, failed.error) == (FailureKind.RENDER, "disk full")
    with translation.override("es"):
        assert failed.reason == "No se pudo generar el PDF: disk full"
    with translation.override("en"):
        assert failed.reason == "The PDF could not be made: disk full"

    monkeypatch.setattr(pdf, "render_recognition_pdf", real)
    from certificates.services import resume_issuance

    with django_capture_on_commit_callbacks(execute=True):
        resume_issuance(batch=batch, by=world["regional"])
    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (4, 0)
    assert Recognition.objects.filter(pdf="").count() == 0
    assert Recognition.objects.count() == 4


def test_issuance_second_batch_skips_holders_issued_meanwhile(world, django_capture_on_commit_callbacks):
    """Two batches queued for the same people: the database allows one recognition each; the later skips."""
    first = start_issuance(initiative=world["initiative"], by=world["regional"])
    second = start_issuance(initiative=world["initiative"], by=world["regional"])
    process_issuance(batch_id=first.pk)
    process_issuance(batch_id=second.pk)
    second.refresh_from_db()
    assert (second.done, second.skipped, second.failed) == (0, 4, 0)
    assert Recognition.objects.count() == 4
    assert len(mail.outbox) == 4


def test_issuance_by_country_staff_is_refused(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        start_issuance(initiative=world["initiative"], by=f.make_country_staff("AR"))


def test_resume_issuances_command_finishes_what_a_killed_worker_left(world):
    from io import StringIO

    from django.core.management import call_command

    batch = start_issuance(initiative=world["initiative"], by=world["regional"])  # queued, never run
    IssuanceBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)  # as a killed worker leaves it
    out = StringIO()
    call_command("resume_issuances", stdout=out)
    batch.refresh_from_db()
    assert out.getvalue() == "1 unfinished issuances queued again.\n"
    assert (batch.status, batch.done) == (BatchStatus.FINISHED, 4)
    assert Recognition.objects.count() == 4


def test_issuance_unexpected_error_fails_the_chunk_with_its_reason(world, monkeypatch):
    from certificates import services

    def broken(batch, items):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_claim_chunk", broken)
    batch = start_issuance(initiative=world["initiative"], by=world["regional"])
    batch = process_issuance(batch_id=batch.pk)
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.FINISHED, 0, 4)
    assert set(IssuanceItem.objects.values_list("failure", "error")) == {(FailureKind.UNEXPECTED, "database went away")}


def test_resume_refused_while_the_batch_makes_progress_allowed_once_stalled(
    world, django_capture_on_commit_callbacks, english
):
    from datetime import timedelta

    from django.utils import timezone

    from certificates.services import resume_issuance

    batch = start_issuance(initiative=world["initiative"], by=world["regional"])  # queued, its task not run
    with pytest.raises(CertificateError, match="This issuance is queued or running: its last progress was at"):
        resume_issuance(batch=batch, by=world["regional"])  # a second click on a queued batch
    IssuanceBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, updated=timezone.now())
    with pytest.raises(CertificateError, match="Resume it only if it makes no progress for five minutes"):
        resume_issuance(batch=batch, by=world["regional"])

    # Five minutes without progress: its worker is gone (killed, machine restarted); resuming finishes it.
    IssuanceBatch.objects.filter(pk=batch.pk).update(updated=timezone.now() - timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        resume_issuance(batch=batch, by=world["regional"])
    batch.refresh_from_db()
    assert (batch.status, batch.done) == (BatchStatus.FINISHED, 4)
    assert Recognition.objects.count() == 4


def test_an_item_is_announced_once_even_by_two_workers(world, django_capture_on_commit_callbacks, monkeypatch):
    """Two workers on one batch each hold the item with no e-mail sent yet: the first claims it, the second
    sends nothing."""
    from certificates import services

    monkeypatch.setattr(services, "send_recognition_email", lambda recognition, pdf: 1 / 0)
    batch = issue(world, django_capture_on_commit_callbacks)
    assert (batch.done, batch.failed) == (0, 4)  # issued, but every e-mail failed: retried on resume
    monkeypatch.undo()
    item = IssuanceItem.objects.select_related("recognition").filter(batch=batch).first()
    assert item.emailed_at is None and len(mail.outbox) == 0
    first, second = IssuanceItem.objects.get(pk=item.pk), IssuanceItem.objects.get(pk=item.pk)
    assert services._announce(first, item.recognition, None) is True
    assert services._announce(second, item.recognition, None) is False  # the other worker's copy: claimed
    assert len(mail.outbox) == 1
    assert IssuanceItem.objects.get(pk=item.pk).emailed_at is not None


def test_a_failed_email_lets_the_item_be_announced_on_resume(world, django_capture_on_commit_callbacks, monkeypatch):
    from certificates import services
    from certificates.services import resume_issuance

    monkeypatch.setattr(services, "send_recognition_email", lambda recognition, pdf: 1 / 0)
    batch = issue(world, django_capture_on_commit_callbacks)
    assert set(IssuanceItem.objects.values_list("failure", "emailed_at")) == {(FailureKind.EMAIL, None)}
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        resume_issuance(batch=batch, by=world["regional"])
    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (4, 0)
    assert len(mail.outbox) == 4
    assert Recognition.objects.count() == 4


def test_resumed_issuance_skips_what_another_issuance_issued_meanwhile(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    """Two issuances for the same people: the second claims the recognitions, fails to render, the first
    issues and announces them; resuming the second must not announce or count them again."""
    from certificates import pdf as pdf_module
    from certificates.services import resume_issuance

    first = start_issuance(initiative=world["initiative"], by=world["regional"])
    second = start_issuance(initiative=world["initiative"], by=world["regional"])

    def broken(recognitions):
        raise OSError("renderer down")

    monkeypatch.setattr(pdf_module, "render_recognition_pdfs", broken)
    monkeypatch.setattr(pdf_module, "render_recognition_pdf", lambda recognition, language=None: 1 / 0)
    process_issuance(batch_id=second.pk)  # claims the 4 recognitions, every PDF fails
    monkeypatch.undo()
    process_issuance(batch_id=first.pk)
    first.refresh_from_db()
    assert (first.done, len(mail.outbox)) == (4, 4)

    with django_capture_on_commit_callbacks(execute=True):
        resume_issuance(batch=second, by=world["regional"])
    second.refresh_from_db()
    assert (second.done, second.skipped, second.failed) == (0, 4, 0)
    assert len(mail.outbox) == 4  # nobody e-mailed twice
    assert Recognition.objects.count() == 4
