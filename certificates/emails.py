"""The certificates' e-mails: a recognition issued or revoked, to its holder or its government's officials,
each in the language of their own profile."""

from django.core.mail import EmailMessage, mailers
from django.template.loader import render_to_string
from django.utils import translation

from authorities.models import Official

from .enums import RecognitionKind
from .models import Recognition


def recipients(recognition):
    """[(e-mail, language)]: who hears of a recognition, each in their own profile's language: the person; for a
    government, its recognized (else invited) officials."""
    if recognition.kind == RecognitionKind.PERSON:
        return [(recognition.official.email, recognition.official.language)]
    officials = Official.objects.filter(local_government=recognition.local_government)
    recognized = officials.filter(
        pk__in=Recognition.objects.valid()
        .filter(initiative=recognition.initiative, kind=RecognitionKind.PERSON)
        .values("official")
    )
    chosen = recognized if recognized.exists() else officials.filter(invitations__initiative=recognition.initiative)
    return sorted(set(chosen.values_list("email", "language")))


def _mail_context(recognition):
    from .pdf import verification_url

    context = {"recognition": recognition, "verify_url": verification_url(recognition.code)}
    if recognition.credential is not None:
        from .credentials import badge_url, credential_url

        context.update(credential_url=credential_url(recognition.code), badge_url=badge_url(recognition.code))
    return context


def _send_in_each_language(recognition, template, attachment=None):
    """One message per language among the recipients (colleagues of one government share a message, as they
    always did), each rendered in that language; the attachment, if any, on each. False when nobody is left
    to write to."""
    by_language = {}
    for email, language in recipients(recognition):
        by_language.setdefault(language, []).append(email)
    messages = []
    for language, to in sorted(by_language.items()):
        with translation.override(language):
            context = _mail_context(recognition)
            subject = render_to_string(f"certificates/email/{template}_subject.txt", context).strip()
            body = render_to_string(f"certificates/email/{template}_body.txt", context)
        message = EmailMessage(subject=subject, body=body, to=to, headers={"Content-Language": language})
        if attachment is not None:
            message.attach(*attachment)
        messages.append(message)
    if not messages:
        return False
    mailers.default.send_messages(messages)  # one connection to the mail server for them all
    return True


def send_recognition_email(recognition, pdf):
    """E-mail `recognition` (with its PDF) to its holder, or to its government's officials, each in their
    language. Side effects: sends the messages. Returns False when there is nobody to write to."""
    return _send_in_each_language(recognition, "issued", (f"{recognition.code}.pdf", pdf, "application/pdf"))


def send_revocation_email(recognition):
    """Tell the holder (or the government's officials) that `recognition` was revoked, each in their language.
    Side effects: sends the messages. Returns False when there is nobody to write to."""
    return _send_in_each_language(recognition, "revoked")
