from django.db import models
from django.utils.translation import gettext_lazy as _


class GovernmentKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    METROPOLITAN = "metropolitan", _("Metropolitan area")
    PROVINCE = "province", _("Province, department or state")
    OTHER = "other", _("Other")


class RoleKind(models.TextChoices):
    """The kind of role an official holds, for disaggregated figures."""

    MAYOR = "mayor", _("Mayor or governor")
    SECRETARY = "secretary", _("Secretary or director")
    TECHNICAL = "technical", _("Technical staff")
    COUNCIL = "council", _("Council member")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Not sent yet")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")

    @classmethod
    def sent_values(cls):
        """The states of an invitation that went out."""
        return [cls.SENT, cls.ACCEPTED, cls.DECLINED]


class ExportKind(models.TextChoices):
    """What a spreadsheet export holds, as recorded in the export log."""

    PARTICIPANTS = "participants", _("Participant list")
    LOCAL_GOVERNMENTS = "local_governments", _("Local governments")
    OFFICIALS = "officials", _("Officials")
    INVITATIONS = "invitations", _("Invitations")
    ATTENDANCE = "attendance", _("Attendance")
