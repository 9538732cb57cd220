"""The one audit trail: who did what, to which object, when, and why.

Every consequential act (a stage move or override, an import, an export, an issuance, a revocation, an
eligibility override, an attendance correction, an invitation declined, an Automapeo reopened, a publication)
is recorded by `record()` as one entry of Django's admin log (`LogEntry`), the log that already holds every
addition, change and deletion made in the admin. So there is one trail: the admin's "Audit trail" list
(filterable by act, user, kind of object and date) and each object's History page show them all.

Why Django's admin log and not django-auditlog or django-pghistory: those record row changes as field diffs,
automatically. What must be kept here are acts with a reason (a revocation, an override), many of which touch
hundreds of rows at once (an import, an issuance): a row-diff log would bury each of them under hundreds of
entries with no reason, next to a second log of the admin's own changes. One more kind of entry in the admin
log keeps one trail, with its History pages and their scoping, at the cost of nothing new to install.

An entry's message is stored as JSON ({"audit": {"event", "params", "reason"}}) and put into words when it is
shown, in the reader's language, like Django's own entries.
"""

import json

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MARK = "audit"

# The acts, each with the sentence that tells it (its %(name)s are the entry's params).
EVENTS = {
    "stage": (_("Stage move"), _("Moved from “%(from)s” to “%(to)s”.")),
    "stage-override": (_("Stage override"), _("Moved from “%(from)s” to “%(to)s” although: %(missing)s")),
    "import": (_("Import"), _("Imported %(what)s from %(file)s: %(created)s new, %(updated)s updated.")),
    "attendance-import": (_("Import"), _("Participant report %(file)s imported: %(present)s people counted.")),
    "export": (_("Export"), _("Exported %(rows)s rows of %(what)s (%(format)s).")),
    "issuance": (_("Issuance"), _("Issuance of %(total)s recognitions started.")),
    "revocation": (_("Revocation"), _("Revoked: %(reason)s")),
    "eligibility-override": (_("Eligibility override"), _("%(decision)s for %(initiative)s")),
    "attendance-correction": (_("Attendance correction"), _("Attendance changed from %(before)s to %(after)s.")),
    "invitation-declined": (_("Invitation declined"), _("Invitation marked as declined.")),
    "automapeo-reopened": (_("Automapeo reopened"), _("Automapeo reopened for changes.")),
    "publication": (_("Publication"), _("%(decision)s: %(piece)s")),
    "bulk-invitation": (_("Invitations"), _("%(count)s officials invited at once.")),
    "cloned": (_("New cohort"), _("Created from “%(source)s”: %(events)s events and %(sessions)s sessions copied.")),
}


def record(*, event, by, obj=None, reason="", **params):
    """Write one entry of the trail: `by` (a user) did `event` (a key of EVENTS) to `obj` (a model instance, or
    None for an act on no one object, such as an import), because of `reason`; `params` fill the event's
    sentence (pass labels lazily, e.g. a choice's `.label`, and they are kept in every language). Returns
    the LogEntry. Call it inside the act's transaction, so that the act and its entry are stored together or
    not at all."""
    if event not in EVENTS:
        raise ValueError(f"Unknown audit event {event!r}.")
    payload = {"event": event, "params": {name: _stored(value) for name, value in params.items()}, "reason": reason}
    return LogEntry.objects.create(
        user_id=by.pk,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else None,
        object_repr=str(obj)[:200] if obj is not None else "",
        action_flag=CHANGE,
        change_message=json.dumps([{MARK: payload}]),
    )


def _stored(value):
    """A param as stored: text as it is; a translatable one (a lazy string, a choice's label) in every
    language of the interface, so that the entry reads in the reader's language, not the writer's."""
    if isinstance(value, Promise):
        stored = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                stored[language] = str(value)
        return stored
    return str(value)


def _shown(value):
    if isinstance(value, dict):
        return value.get(translation.get_language()) or value.get(settings.LANGUAGE_CODE) or next(iter(value.values()))
    return value


def payload_of(entry):
    """The audit payload of a LogEntry, or None for the admin's own entries."""
    message = entry.change_message or ""
    if not message.startswith("[{"):
        return None
    try:
        parts = json.loads(message)
    except json.JSONDecodeError:
        return None
    if len(parts) == 1 and isinstance(parts[0], dict) and isinstance(parts[0].get(MARK), dict):
        return parts[0][MARK]
    return None


def event_label(entry):
    """What kind of act the entry is: an audit event's name, or the admin's "Addition", "Change", "Deletion"."""
    payload = payload_of(entry)
    if payload is None:
        return {1: gettext("Addition"), 2: gettext("Change"), 3: gettext("Deletion")}.get(entry.action_flag, "")
    return str(EVENTS.get(payload["event"], (payload["event"], ""))[0])


def describe(entry):
    """The entry in words, in the current language: the act's sentence and its reason, if any."""
    payload = payload_of(entry)
    if payload is None:
        return entry.get_change_message() or entry.change_message
    _label, sentence = EVENTS.get(payload["event"], ("", "%(event)s"))
    reason = payload.get("reason", "")
    try:
        params = {name: _shown(value) for name, value in payload.get("params", {}).items()}
        text = str(sentence) % {**params, "reason": reason}
    except (KeyError, TypeError, ValueError):
        text = str(sentence)
    if reason and "%(reason)s" not in str(sentence):
        text = gettext("%(text)s Reason: %(reason)s") % {"text": text, "reason": payload["reason"]}
    return text
