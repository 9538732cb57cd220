"""Export of attendance (one row per official and session), scoped like every export of the mapping."""

from django.utils.translation import gettext_lazy as _
from import_export import fields

from authorities.enums import ExportKind
from authorities.resources import ChoiceLabelWidget, IsoDateTimeWidget, MinutesWidget, OfficialRowResource, column

from .enums import AttendanceSource, AttendanceStatus
from .models import Attendance, Event, Session


class AttendanceResource(OfficialRowResource):
    kind = ExportKind.ATTENDANCE

    initiative = column(Event, "initiative", attribute="session__event__initiative__name")
    event = column(Session, "event", attribute="session__event__title")
    session = column(Attendance, "session", attribute="session__title")
    starts_at = column(Session, "starts_at", attribute="session__starts_at", widget=IsoDateTimeWidget())
    status = column(Attendance, "status", widget=ChoiceLabelWidget(AttendanceStatus))
    # Whole minutes for the people who read the sheet; the stored fact is seconds.
    minutes = fields.Field(attribute="seconds", column_name=_("minutes"), widget=MinutesWidget(), readonly=True)
    source = column(Attendance, "source", widget=ChoiceLabelWidget(AttendanceSource))

    class Meta:
        model = Attendance
        fields = (
            "initiative",
            "event",
            "session",
            "starts_at",
            "first_name",
            "last_name",
            "email",
            "local_government",
            "country",
            "status",
            "minutes",
            "source",
        )
        export_order = fields

    def get_queryset(self):
        return Attendance.objects.all()

    def filter_export(self, queryset, **kwargs):
        return (
            super()
            .filter_export(queryset, **kwargs)
            .select_related("official__local_government", "session__event__initiative")
        )
