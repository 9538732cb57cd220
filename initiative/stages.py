"""The stage runner: the only code that changes `Initiative.stage`.

This is the initiative's top floor: it reads the other apps through their query modules.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from alp_portal import audit
from alp_portal.roles import is_regional_staff
from authorities.models import Invitation
from authorities.queries import invited_figures
from certificates.eligibility import participation_figures
from certificates.queries import has_issued_recognitions, recognized_figures
from workshops.queries import stage_readiness

from .enums import Stage
from .models import Initiative, StageTransition


class StageError(Exception):
    """A stage move that cannot happen, with messages a person can act on. `overridable` is true when only
    guards failed: regional staff may then move on by giving a reason."""

    def __init__(self, messages, *, overridable=False):
        self.messages = list(messages)
        self.overridable = overridable
        super().__init__(" ".join(self.messages))


def _moment(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def missing_for(initiative, to):
    """What must still be true before `initiative` can move to stage `to` (empty when nothing is missing)."""
    to = Stage(to)
    missing = []
    if to == Stage.LAUNCH:
        facts = stage_readiness(initiative)
        if not facts["launch_scheduled"]:
            missing.append(_("No launch event with a session is scheduled: add the launch event and its session."))
        if not Invitation.objects.filter(initiative=initiative).sent().exists():
            missing.append(_("No invitation has been sent: send the invitations to the mapped officials."))
    elif to == Stage.WORKSHOP:
        facts = stage_readiness(initiative)
        launch_end = facts["launch_last_end"]
        if launch_end is not None and launch_end > timezone.now():
            missing.append(_("The launch has not ended yet: it ends on %(date)s.") % {"date": _moment(launch_end)})
        if not facts["launch_attendance"]:
            missing.append(_("No attendance is recorded for the launch: record or import it first."))
        if not facts["workshop_editions"]:
            missing.append(_("No workshop edition with a session is scheduled: add at least one edition."))
    elif to == Stage.CERTIFICATION:
        facts = stage_readiness(initiative)
        last_end = facts["workshop_last_end"]
        if last_end is None:
            missing.append(_("No workshop session is scheduled."))
        elif last_end > timezone.now():
            missing.append(
                _("The last workshop session ends on %(date)s: wait until it has ended.") % {"date": _moment(last_end)}
            )
        for session in facts["workshop_sessions_without_attendance"]:
            missing.append(_("No attendance is recorded for the session “%(session)s”.") % {"session": session})
        closes = initiative.submissions_close_at
        if closes and closes > timezone.now():
            missing.append(
                _("The Automapeo and ALMI forms are open until %(date)s: wait, or bring the closing date forward.")
                % {"date": _moment(closes)}
            )
    elif to == Stage.DISSEMINATION and not has_issued_recognitions(initiative):
        missing.append(_("No recognition has been issued: issue the recognitions first."))
    return missing


def advance_stage(*, initiative, to, by, note="", override_reason=""):
    """Move `initiative` to stage `to`, the one after its current stage.

    When guards fail, the move happens only with an `override_reason`: the transition then records the
    failing guards' messages and the reason, so that the stage log shows who moved on against what, and why.
    A reason given when every guard passes is not an override and is not kept.

    Side effects: saves the new stage and writes a StageTransition row (who, when, why, what was overridden),
    in one transaction. Raises StageError, changing nothing, when the move is not the next one, the user may
    not make it, or a guard fails and no reason is given (then `overridable` is true).
    """
    to = Stage(to)
    if not is_regional_staff(by):
        raise StageError([_("Only regional staff can move an initiative to another stage.")])
    override_reason = override_reason.strip()
    with transaction.atomic():
        locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
        current = Stage(locked.stage)
        if current.next() != to:
            if current.next() is None:
                raise StageError([_("“%(initiative)s” is in its last stage already.") % {"initiative": locked}])
            raise StageError(
                [
                    _("“%(initiative)s” is in the stage “%(current)s”: it can only move to “%(next)s”.")
                    % {"initiative": locked, "current": current.label, "next": current.next().label}
                ]
            )
        missing = missing_for(locked, to)
        if missing and not override_reason:
            raise StageError(missing, overridable=True)
        locked.stage = to
        locked.save(update_fields=["stage", "updated"])
        transition = StageTransition.objects.create(
            initiative=locked,
            from_stage=current,
            to_stage=to,
            by=by,
            note=note.strip(),
            overridden=missing,
            override_reason=override_reason if missing else "",
        )
        audit.record(
            event="stage-override" if missing else "stage",
            by=by,
            obj=locked,
            reason=override_reason if missing else note.strip(),
            missing=" ".join(str(message) for message in missing),  # in the mover's language
            **{"from": current.label, "to": to.label},
        )
    initiative.stage = to
    return transition


@dataclass(frozen=True)
class StageFigures:
    stage: Stage
    title: str
    figures: object


def initiative_figures(initiative):
    """The figures of every stage of the initiative, computed from invitations, attendance and recognitions."""
    took_part = participation_figures(initiative)
    return [
        StageFigures(Stage.MAPPING, _("Invited"), invited_figures(initiative)),
        StageFigures(Stage.LAUNCH, _("Took part in the launch"), took_part["launch"]),
        StageFigures(Stage.WORKSHOP, _("Took part in the workshop"), took_part["workshop"]),
        StageFigures(Stage.CERTIFICATION, _("Took part in both (the certification rule)"), took_part["both"]),
        StageFigures(Stage.CERTIFICATION, _("Hold a valid certificate"), recognized_figures(initiative)),
    ]


def stage_overview(initiative):
    """Every stage with its state (done / current / to come), the transition that began it (with what it
    overrode) and, for the next one, what it still lacks."""
    current = initiative.stage_enum
    began = {t.to_stage: t for t in initiative.transitions.select_related("by")}
    rows = []
    for stage in Stage:
        if stage.position() < current.position():
            state = "done"
        elif stage == current:
            state = "current"
        else:
            state = "next" if stage == current.next() else "later"
        rows.append(
            {
                "stage": stage,
                "state": state,
                "transition": began.get(stage),
                "missing": missing_for(initiative, stage) if state == "next" else [],
            }
        )
    return rows
