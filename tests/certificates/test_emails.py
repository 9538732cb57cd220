"""The certificates' e-mails reach each recipient in the language of their own profile: a government's officials
may speak different languages from their country's (issue 11.8)."""

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from certificates.emails import send_recognition_email
from certificates.revocation import revoke_recognition
from tests import factories as f

pytestmark = pytest.mark.django_db

ISSUED = "%(name)s is recognized as a Champion Local Authority"
REVOKED = "Recognition %(code)s has been revoked"


def translated(language, text, **values):
    with translation.override(language):
        return gettext(text) % values


@pytest.fixture
def recife():
    """Recife (Brazil: its recognition is in Portuguese), whose recognized officials read Portuguese, Spanish
    and English; a third Portuguese reader only invited."""
    initiative = f.make_initiative(name="ALP Andes 2027")
    government = f.make_government("BR", name="Recife")
    people = {
        language: f.make_official(government, email=f"{language}@recife.example.org", language=language)
        for language in ("pt-br", "es", "en")
    }
    for official in people.values():
        f.make_recognition(initiative, official=official)
    recognition = f.make_recognition(initiative, local_government=government, language="pt-br")
    return recognition


def test_government_recognition_email_in_each_officials_language(recife):
    assert send_recognition_email(recife, b"%PDF-1.7 test") is True

    sent = sorted((m.extra_headers["Content-Language"], m.to, m.subject) for m in mail.outbox)
    assert sent == [
        ("en", ["en@recife.example.org"], translated("en", ISSUED, name="Recife")),
        ("es", ["es@recife.example.org"], translated("es", ISSUED, name="Recife")),
        ("pt-br", ["pt-br@recife.example.org"], translated("pt-br", ISSUED, name="Recife")),
    ]
    assert len({subject for _l, _to, subject in sent}) == 3  # three languages, not one
    assert all(m.attachments[0].filename == f"{recife.code}.pdf" for m in mail.outbox)


def test_officials_of_one_language_share_one_message(recife):
    f.make_recognition(
        recife.initiative,
        official=f.make_official(recife.local_government, email="outra@recife.example.org", language="es"),
    )
    send_recognition_email(recife, b"%PDF-1.7 test")
    assert sorted(m.to for m in mail.outbox) == [
        ["en@recife.example.org"],
        ["es@recife.example.org", "outra@recife.example.org"],
        ["pt-br@recife.example.org"],
    ]


def test_person_recognition_email_in_holders_language_not_certificates(django_capture_on_commit_callbacks):
    initiative = f.make_initiative(name="ALP Andes 2027")
    official = f.make_official(f.make_government("AR"), email="ana@example.org", language="en")
    recognition = f.make_recognition(initiative, official=official, language="es")  # a Spanish certificate
    with django_capture_on_commit_callbacks(execute=True):
        revoke_recognition(recognition=recognition, reason="Duplicado", by=f.make_regional_staff())
    [message] = mail.outbox
    assert (message.to, message.subject) == (
        ["ana@example.org"],
        translated("en", REVOKED, code=recognition.code),
    )


def test_government_revocation_email_in_each_officials_language(recife, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        revoke_recognition(recognition=recife, reason="Error", by=f.make_regional_staff())
    assert sorted((m.to, m.subject) for m in mail.outbox) == [
        (["en@recife.example.org"], translated("en", REVOKED, code=recife.code)),
        (["es@recife.example.org"], translated("es", REVOKED, code=recife.code)),
        (["pt-br@recife.example.org"], translated("pt-br", REVOKED, code=recife.code)),
    ]
