import hashlib

import pytest
from django.core import mail
from django.core.files.storage import default_storage

from certificates.enums import BatchStatus, ItemStatus, RecognitionKind
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
        launch, sessions, initiative,
    )
    absent = f.make_official(government_ar, first_name="Pedro", last_name="Ausente")
    f.invite(absent, initiative)
    return {"initiative": initiative, "ana": ana, "joao": joao, "absent": absent,
            "ar": government_ar, "br": government_br, "regional": f.make_regional_staff()}


def issue(world, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        batch = start_issuance(initiative=world["initiative"], by=world["regional"], **kwargs)
    batch.refresh_from_db()
    return batch


def test_issuance_issues_people_and_governments_with_pdf_hash_and_email(world, django_capture_on_commit_callbacks,
                                                                       tmp_path):
    batch = issue(world, django_capture_on_commit_callbacks)
    assert (batch.status, batch.total, batch.done, batch.skipped, batch.failed) == (BatchStatus.FINISHED, 4, 4, 0, 0)
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
