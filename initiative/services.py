"""Writes of the dissemination stage: publishing and withdrawing its pieces, and its e-mail."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alp_portal import audit
from alp_portal.roles import is_regional_staff

from .enums import Piece, Stage
from .models import Initiative, Publication, Stakeholder


class PublicationError(Exception):
    """A publication change that cannot happen, with a message a person can act on."""


def set_publication(*, initiative, piece, published, by):
    """Publish or withdraw one piece of the initiative's dissemination.

    Side effects: creates or updates the Publication row (published_at is the moment of the latest
    publication). Raises PublicationError when the user is not regional staff or the initiative has not
    reached the dissemination stage.
    """
    piece = Piece(piece)
    if not is_regional_staff(by):
        raise PublicationError(_("Only regional staff can publish or withdraw material."))
    with transaction.atomic():
        locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
        if published and locked.stage != Stage.DISSEMINATION:
            raise PublicationError(
                _("“%(initiative)s” is not in the dissemination stage: move it there before publishing.")
                % {"initiative": locked}
            )
        publication, _created = Publication.objects.get_or_create(
            initiative=locked, piece=piece, defaults={"changed_by": by}
        )
        publication.is_published = published
        publication.changed_by = by
        if published:
            publication.published_at = timezone.now()
        publication.save()
        audit.record(
            event="publication",
            by=by,
            obj=locked,
            decision=gettext_lazy("Published") if published else gettext_lazy("Withdrawn"),
            piece=piece.label,
        )
        from .report import refresh_public_reports_on_commit

        refresh_public_reports_on_commit(locked.pk)
    return publication


def published_links(initiative):
    """[(piece label, absolute url)] of the published pieces, in the current language."""
    base = settings.SITE_URL.rstrip("/")
    published = set(Publication.objects.filter(initiative=initiative).published().values_list("piece", flat=True))
    return [
        (piece.label, base + reverse(piece.url_name, args=[initiative.slug])) for piece in Piece if piece in published
    ]


def dissemination_recipients(initiative):
    """[(name, e-mail, language)]: the officials holding a valid certificate, then the stakeholders; one
    message per e-mail address."""
    from certificates.enums import RecognitionKind
    from certificates.models import Recognition

    recipients, seen = [], set()
    officials = (
        Recognition.objects.valid()
        .filter(initiative=initiative, kind=RecognitionKind.PERSON)
        .values_list("official__first_name", "official__last_name", "official__email", "official__language")
        .order_by("official__last_name")
    )
    for first, last, email, language in officials:
        if email.lower() not in seen:
            seen.add(email.lower())
            recipients.append((f"{first} {last}", email, language))
    for name, email, language in Stakeholder.objects.filter(initiative=initiative).values_list(
        "name", "email", "language"
    ):
        if email.lower() not in seen:
            seen.add(email.lower())
            recipients.append((name, email, language))
    return recipients


def send_dissemination_email(*, initiative, by):
    """E-mail the recognized officials and the stakeholders, each in their language, with links to the
    published pages and the report. Returns the number of messages sent.

    Side effects: sends one message per recipient; sets Stakeholder.last_emailed_at. Raises
    PublicationError when the user is not regional staff or nothing is published.
    """
    if not is_regional_staff(by):
        raise PublicationError(_("Only regional staff can send the dissemination e-mail."))
    if not Publication.objects.filter(initiative=initiative).published().exists():
        raise PublicationError(
            _("Nothing of “%(initiative)s” is published: publish something first.") % {"initiative": initiative}
        )
    base = settings.SITE_URL.rstrip("/")
    messages = []
    for name, email, language in dissemination_recipients(initiative):
        with translation.override(language):
            context = {
                "name": name,
                "initiative": initiative,
                "links": published_links(initiative),
                "page_url": base + reverse("initiative:detail", args=[initiative.slug]),
                "report_url": base + reverse("initiative:report", args=[initiative.slug]) + f"?lang={language}",
            }
            subject = _("%(initiative)s: the results are published") % {"initiative": initiative}
            body = render_to_string("initiative/email/dissemination.txt", context)
        messages.append(EmailMessage(subject=subject, body=body, to=[email], headers={"Content-Language": language}))
    sent = sum(message.send() for message in messages)
    Stakeholder.objects.filter(initiative=initiative).update(last_emailed_at=timezone.now())
    return sent
