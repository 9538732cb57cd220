"""Export of attendance (one row per official and session), scoped like every export of the mapping."""

from authorities.enums import ExportKind
from authorities.models import LocalGovernment, Official
from authorities.resources import (
    CountryNameWidget,
    IsoDateTimeWidget,
    NumberWidget,
    ScopedExportResource,
    column,
)

from .models import Attendance, Event, Session


class AttendanceResource(ScopedExportResource):
    kind = ExportKind.ATTENDANCE
    country_path = "official__local_government__country"

    initiative = column(Event, "initiative", attribute="session__event__initiative__name")
    event = column(Session, "event", attribute="session__event__title")
    session = column(Attendance, "session", attribute="session__title")
    starts_at = column(Session, "starts_at", attribute="session__starts_at", widget=IsoDateTimeWidget())
    first_name = column(Official, "first_name", attribute="official__first_name")
    last_name = column(Official, "last_name", attribute="official__last_name")
    email = column(Official, "email", attribute="official__email")
    local_government = column(Official, "local_government", attribute="official__local_government__name")
    country = column(
        LocalGovernment,
        "country",
        attribute="official__local_government__country",
        widget=CountryNameWidget(),
    )
    status = column(Attendance, "status", attribute="get_status_display")
    minutes = column(Attendance, "minutes", widget=NumberWidget())
    source = column(Attendance, "source", attribute="get_source_display")

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
