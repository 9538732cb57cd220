from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from alp_portal.admin import ScopedAdmin, ScopedStackedInline, ScopedTabularInline, country_filter
from authorities.spreadsheet_admin import ScopedExportMixin

from .models import (
    AgendaItem,
    AlmiAgendaItem,
    AlmiContribution,
    Attendance,
    Automapeo,
    AutomapeoAction,
    Event,
    QuestionnaireResponse,
    Registration,
    Session,
)
from .resources import AttendanceResource


class SessionInline(ScopedTabularInline):
    model = Session
    fields = ["title", "starts_at", "ends_at", "time_zone", "meeting_url", "recording_url"]
    show_change_link = True


@admin.register(Event)
class EventAdmin(ScopedAdmin):
    list_display = ["title", "initiative", "kind", "edition", "is_virtual"]
    list_select_related = ["initiative"]
    list_filter = ["initiative", "kind"]
    search_fields = ["title"]
    autocomplete_fields = ["initiative"]
    inlines = [SessionInline]


class AgendaItemInline(ScopedTabularInline):
    model = AgendaItem
    fields = ["starts_at", "activity", "facilitator"]


@admin.register(Session)
class SessionAdmin(ScopedAdmin):
    list_display = ["title", "event", "starts_at", "ends_at"]
    list_select_related = ["event"]
    list_filter = ["event__initiative", "event__kind"]
    search_fields = ["title", "event__title"]
    autocomplete_fields = ["event"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline]


@admin.register(Registration)
class RegistrationAdmin(ScopedAdmin):
    list_display = ["official", "event", "created"]
    list_select_related = ["official", "event"]
    list_filter = ["initiative", "event", country_filter("official__local_government__country")]
    search_fields = ["official__first_name", "official__last_name", "official__email"]
    autocomplete_fields = ["official", "event", "initiative"]


@admin.register(Attendance)
class AttendanceAdmin(ScopedExportMixin, ScopedAdmin):
    resource_classes = [AttendanceResource]
    list_display = ["official", "session", "status", "minutes", "source", "confirmed_by"]
    list_select_related = ["official", "session__event", "confirmed_by"]
    list_filter = [
        "session__event__initiative",
        "session__event",
        "status",
        "source",
        country_filter("official__local_government__country"),
    ]
    search_fields = ["official__first_name", "official__last_name", "official__email"]
    autocomplete_fields = ["official", "session"]
    readonly_fields = ["confirmed_by", "confirmed_at"]


class AutomapeoActionInline(ScopedStackedInline):
    model = AutomapeoAction
    fields = ["position", "title", "description", "status", "objectives", "principles", "to_strengthen"]
    autocomplete_fields = ["objectives", "principles"]


@admin.register(Automapeo)
class AutomapeoAdmin(ScopedAdmin):
    list_display = ["local_government", "initiative", "status", "submitted_at", "revision"]
    list_select_related = ["local_government", "initiative"]
    list_filter = ["initiative", "status", country_filter("local_government__country")]
    search_fields = ["local_government__name"]
    autocomplete_fields = ["local_government", "initiative"]
    readonly_fields = ["submitted_at", "submitted_by", "revision"]
    inlines = [AutomapeoActionInline]


@admin.register(AlmiContribution)
class AlmiContributionAdmin(ScopedAdmin):
    list_display = ["short_text", "kind", "local_government", "initiative", "author"]
    list_select_related = ["local_government", "initiative", "author"]
    list_filter = ["initiative", "kind", country_filter("local_government__country")]
    search_fields = ["text", "local_government__name"]
    autocomplete_fields = ["local_government", "initiative", "author", "objectives"]

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return obj.text[:80]


@admin.register(AlmiAgendaItem)
class AlmiAgendaItemAdmin(ScopedAdmin):
    list_display = ["title", "theme", "kind", "initiative", "position"]
    list_select_related = ["initiative"]
    list_filter = ["initiative", "kind"]
    search_fields = ["title", "summary", "theme"]
    autocomplete_fields = ["initiative", "objectives", "contributions"]


@admin.register(QuestionnaireResponse)
class QuestionnaireResponseAdmin(ScopedAdmin):
    list_display = ["official", "initiative", "kind", "knowledge", "satisfaction", "created"]
    list_select_related = ["official", "initiative"]
    list_filter = ["initiative", "kind", country_filter("official__local_government__country")]
    search_fields = ["official__first_name", "official__last_name"]
    autocomplete_fields = ["official", "initiative"]
