"""Permission and state predicates of the workshops app. Plain functions: no queries unless said."""

from django.utils import timezone

from initiative.enums import Stage

from .enums import QuestionnaireKind


def stage_accepts_submissions(initiative, *, now=None):
    """The Automapeo and ALMI accept changes while the initiative is in its workshop stage and the closing
    moment set by staff (if any) has not passed."""
    if initiative.stage != Stage.WORKSHOP:
        return False
    closes = initiative.submissions_close_at
    return closes is None or closes > (now or timezone.now())


def submissions_not_open_yet(initiative):
    """True before the workshop stage: the forms exist but cannot be filled yet."""
    return Stage(initiative.stage).position() < Stage.WORKSHOP.position()


def questionnaire_accepts_answers(initiative, kind, *, now=None):
    """The entry questionnaire opens with the launch (before the workshop sessions); the exit questionnaire
    with the workshop. Both close with the Automapeo and ALMI."""
    if kind == QuestionnaireKind.ENTRY and initiative.stage == Stage.LAUNCH:
        return True
    return stage_accepts_submissions(initiative, now=now)
