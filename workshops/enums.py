from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    LAUNCH = "launch", _("Launch")
    WORKSHOP = "workshop", _("Workshop edition")
    OTHER = "other", _("Other")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class AttendanceSource(models.TextChoices):
    MANUAL = "manual", _("Recorded by hand")
    ZOOM = "zoom", _("Zoom participant report")
    TEAMS = "teams", _("Microsoft Teams attendance report")
    MEET = "meet", _("Google Meet attendance report")


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ActionStatus(models.TextChoices):
    IN_PLACE = "in_place", _("In place")
    IN_PROGRESS = "in_progress", _("In progress")
    PLANNED = "planned", _("Planned")


class ContributionKind(models.TextChoices):
    CHALLENGE = "challenge", _("Challenge")
    CONCERN = "concern", _("Concern")
    ACTION = "action", _("Action taken")


class QuestionnaireKind(models.TextChoices):
    ENTRY = "entry", _("Entry questionnaire")
    EXIT = "exit", _("Exit questionnaire")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    DISCARDED = "discarded", _("Discarded")


class MatchKind(models.TextChoices):
    """How a row of a participant report was matched to an official."""

    MATCHED = "matched", _("Matched")
    AMBIGUOUS = "ambiguous", _("Ambiguous")
    UNMATCHED = "unmatched", _("Not matched")
