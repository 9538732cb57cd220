"""Writes of the workshops app that officials make: registering for a workshop edition."""

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from authorities.enums import InvitationStatus
from authorities.models import Official

from .enums import EventKind
from .models import Event, Registration, Session


class RegistrationError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _edition_start(event):
    return (
        Session.objects.filter(event=event).order_by("starts_at").values_list("starts_at", flat=True).first()
    )


def _started(start, now):
    return start is not None and start <= now


def register_for_edition(*, official, event):
    """Register an official for one workshop edition of an initiative, or move them to another edition.
    Allowed until the edition (the one left and the one chosen) starts, and within its capacity.
    A repeated submission changes nothing: the database keeps one registration per official and initiative.
    Returns the registration."""
    now = timezone.now()
    with transaction.atomic():
        # Serialises concurrent registrations of this official (a double click, two tabs).
        official = Official.objects.select_for_update().get(pk=official.pk)
        event = Event.objects.select_for_update().select_related("initiative").get(pk=event.pk)
        if event.kind != EventKind.WORKSHOP:
            raise RegistrationError(_("Only workshop editions take registrations."))
        invited = official.invitations.filter(
            initiative=event.initiative_id, status__in=[InvitationStatus.SENT, InvitationStatus.ACCEPTED]
        ).exists()
        if not invited:
            raise RegistrationError(_("You are not invited to this initiative."))
        current = Registration.objects.filter(official=official, initiative=event.initiative_id).first()
        if current is not None and current.event_id == event.pk:
            return current
        start = _edition_start(event)
        if _started(start, now):
            raise RegistrationError(
                _("%(edition)s started on %(date)s: registration is closed.")
                % {
                    "edition": event.title,
                    "date": formats.date_format(timezone.localtime(start), "DATE_FORMAT"),
                }
            )
        if current is not None:
            current_start = _edition_start(current.event)
            if _started(current_start, now):
                raise RegistrationError(
                    _("Your edition, %(edition)s, has already started: your registration can't change.")
                    % {"edition": current.event.title}
                )
        if event.capacity is not None and event.registrations.count() >= event.capacity:
            raise RegistrationError(
                _("%(edition)s is full. Please choose another edition.") % {"edition": event.title}
            )
        if current is None:
            return Registration.objects.create(
                official=official, event=event, initiative_id=event.initiative_id
            )
        current.event = event
        current.save(update_fields=["event", "updated"])
        return current
