from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from alp_portal.admin import ReasonForm, ScopedAdmin, ScopedStackedInline, ScopedTabularInline, country_filter
from alp_portal.content_language import translation_form_fields, translations_form
from alp_portal.generations import written_in_bulk
from alp_portal.roles import is_regional_staff
from authorities.enums import InvitationStatus
from authorities.models import Official
from authorities.spreadsheet_admin import ScopedExportMixin

from .attendance import (
    AttendanceError,
    confirm_attendance_import,
    discard_attendance_import,
    import_preview,
    record_attendance,
    roster,
    upload_attendance_report,
)
from .enums import AttendanceStatus, EventKind
from .forms import AttendanceCorrectionForm, ReportUploadForm, SendInvitationsForm
from .invitations import send_event_invitations
from .models import (
    AgendaItem,
    AlmiAgendaItem,
    AlmiContribution,
    Attendance,
    AttendanceImport,
    Automapeo,
    AutomapeoAction,
    Event,
    EventInvitation,
    QuestionnaireResponse,
    Registration,
    Session,
)
from .resources import AttendanceResource
from .services import AlmiMergeError, group_almi_contributions, merge_almi_items


class SessionInline(ScopedTabularInline):
    model = Session
    fields = ["title", "starts_at", "ends_at", "time_zone", "meeting_url", "recording_url"]
    show_change_link = True


@admin.register(Event)
class EventAdmin(ScopedAdmin):
    form = translations_form(Event)
    list_display = ["title", "initiative", "kind", "edition", "is_virtual"]
    list_select_related = ["initiative"]
    list_filter = ["initiative", "kind"]
    search_fields = ["title"]
    autocomplete_fields = ["initiative"]
    inlines = [SessionInline]
    actions = ["send_invitations"]

    def has_send_invitations_permission(self, request):
        return is_regional_staff(request.user)

    @admin.action(
        description=_("Send invitations with calendar files to the selected event"), permissions=["send_invitations"]
    )
    def send_invitations(self, request, queryset):
        if not is_regional_staff(request.user):
            raise PermissionDenied
        events = list(queryset.select_related("initiative")[:2])
        if len(events) != 1:
            self.message_user(request, gettext("Choose one event at a time."), messages.ERROR)
            return None
        event = events[0]
        invited = Official.objects.filter(
            invitations__initiative_id=event.initiative_id, invitations__status__in=InvitationStatus.sent_values()
        )
        # Preselected: those expected at the event (registered for a workshop edition; everyone invited to
        # the launch) who have not received this event's invitation yet.
        expected = invited.filter(registrations__event=event) if event.kind == EventKind.WORKSHOP else invited
        choices = (
            Official.objects.filter(
                pk__in=invited.values("pk") | Official.objects.filter(registrations__event=event).values("pk")
            )
            .select_related("local_government")
            .order_by("local_government__country", "last_name", "first_name")
        )
        if "apply" in request.POST:
            form = SendInvitationsForm(request.POST, officials=choices)
            if form.is_valid():
                try:
                    outcome = send_event_invitations(
                        event=event, officials=list(form.cleaned_data["officials"]), by=request.user
                    )
                except AttendanceError as error:
                    for message in error.messages:
                        self.message_user(request, message, messages.ERROR)
                else:
                    self.message_user(
                        request,
                        gettext(
                            "Invitations to “%(event)s”: %(sent)d sent, %(updated)d updates, "
                            "%(skipped)d already had this schedule."
                        )
                        % {"event": event, **outcome},
                        messages.SUCCESS,
                    )
                return None
        else:
            already = EventInvitation.objects.filter(event=event).values("official")
            form = SendInvitationsForm(
                officials=choices,
                initial={"officials": list(expected.exclude(pk__in=already).values_list("pk", flat=True))},
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Send invitations to “%(event)s”") % {"event": event},
            "event": event,
            "form": form,
            "sessions": event.sessions.order_by("starts_at"),
            "action_fields": self.action_repost_fields(request, [event.pk]),
        }
        return TemplateResponse(request, "admin/workshops/event/send_invitations.html", context)


class AgendaItemInline(ScopedTabularInline):
    model = AgendaItem
    form = translations_form(AgendaItem)
    fields = ["starts_at", "activity", *translation_form_fields(AgendaItem), "facilitator"]


@admin.register(Session)
class SessionAdmin(ScopedAdmin):
    form = translations_form(Session)
    list_display = ["title", "event", "starts_at", "ends_at", "attendance_links"]
    list_select_related = ["event"]
    list_filter = ["event__initiative", "event__kind"]
    search_fields = ["title", "event__title"]
    autocomplete_fields = ["event"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline]
    change_form_template = "admin/workshops/session/change_form.html"

    @admin.display(description=_("attendance"))
    def attendance_links(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:workshops_session_roster", args=[obj.pk]), gettext("Roster")
        )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/roster/", view(self.roster_view), name="{}_{}_roster".format(*info)),
            path("<int:object_id>/import/", view(self.import_view), name="{}_{}_import".format(*info)),
            path(
                "<int:object_id>/import/<int:import_id>/",
                view(self.import_preview_view),
                name="{}_{}_import_preview".format(*info),
            ),
            *super().get_urls(),
        ]

    def _session(self, request, object_id):
        return get_object_or_404(self.get_queryset(request).select_related("event__initiative"), pk=object_id)

    def _context(self, request, session, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": session,
            "session": session,
            "title": title,
            **extra,
        }

    def roster_view(self, request, object_id):
        """Everyone expected at the session with a present / absent / excused choice. Regional staff record;
        country office staff see their country's officials. Works as a plain form; roster.js saves each
        choice as it is made and answers JSON when asked for it."""
        session = self._session(request, object_id)
        can_edit = is_regional_staff(request.user)
        rows = list(roster(session, request.user))
        if request.method == "POST":
            if not can_edit:
                raise PermissionDenied
            wants_json = "application/json" in request.headers.get("Accept", "")
            known = {row.pk for row in rows}
            statuses, unknown = {}, False
            for key, value in request.POST.items():
                if key.startswith("status-"):
                    pk = key.removeprefix("status-")
                    if not pk.isdigit() or int(pk) not in known:
                        unknown = True
                    else:
                        statuses[int(pk)] = value
            try:
                if unknown:
                    raise AttendanceError(gettext("An official is not on this session's roster: reload the page."))
                changed = record_attendance(session=session, statuses=statuses, by=request.user)
            except AttendanceError as error:
                if wants_json:
                    return JsonResponse({"ok": False, "errors": error.messages}, status=400)
                for message in error.messages:
                    messages.error(request, message)
            else:
                if wants_json:
                    return JsonResponse({"ok": True, "changed": changed, "message": gettext("Saved")})
                messages.success(
                    request,
                    ngettext("%(count)d attendance saved.", "%(count)d attendances saved.", changed)
                    % {"count": changed},
                )
            return redirect(reverse("admin:workshops_session_roster", args=[session.pk]))
        counts = dict.fromkeys(AttendanceStatus.values, 0)
        for row in rows:
            if row.attendance_status:
                counts[row.attendance_status] += 1
        return TemplateResponse(
            request,
            "admin/workshops/session/roster.html",
            self._context(
                request,
                session,
                gettext("Roster of “%(session)s”") % {"session": session},
                rows=rows,
                can_edit=can_edit,
                choices=AttendanceStatus.choices,
                counts=[(label, counts[value]) for value, label in AttendanceStatus.choices],
                unrecorded=sum(1 for row in rows if not row.attendance_status),
            ),
        )

    def import_view(self, request, object_id):
        session = self._session(request, object_id)
        if not is_regional_staff(request.user):
            raise PermissionDenied
        form = ReportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["report"]
            try:
                attendance_import = upload_attendance_report(
                    session=session, file_name=upload.name, data=upload.read(), by=request.user
                )
            except AttendanceError as error:
                for message in error.messages:
                    form.add_error("report", message)
            else:
                return redirect(
                    reverse("admin:workshops_session_import_preview", args=[session.pk, attendance_import.pk])
                )
        imports = AttendanceImport.objects.filter(session=session).select_related("uploaded_by", "confirmed_by")[:20]
        return TemplateResponse(
            request,
            "admin/workshops/session/import.html",
            self._context(
                request,
                session,
                gettext("Import a participant report for “%(session)s”") % {"session": session},
                form=form,
                imports=imports,
                threshold=session.event.initiative.attendance_threshold_percent,
            ),
        )

    def import_preview_view(self, request, object_id, import_id):
        session = self._session(request, object_id)
        if not is_regional_staff(request.user):
            raise PermissionDenied
        attendance_import = get_object_or_404(
            AttendanceImport.objects.for_user(request.user).select_related("uploaded_by", "confirmed_by"),
            pk=import_id,
            session=session,
        )
        errors, choices = [], {row["n"]: row["decision"] for row in attendance_import.rows}
        if request.method == "POST":
            if "discard" in request.POST:
                try:
                    discard_attendance_import(attendance_import=attendance_import, by=request.user)
                except AttendanceError as error:
                    errors = error.messages
                else:
                    messages.success(request, gettext("The report was discarded; nothing was recorded."))
                    return redirect(reverse("admin:workshops_session_import", args=[session.pk]))
            else:
                choices = {
                    int(key.removeprefix("row-")): value
                    for key, value in request.POST.items()
                    if key.startswith("row-") and key.removeprefix("row-").isdigit()
                }
                try:
                    outcome = confirm_attendance_import(
                        attendance_import=attendance_import, decisions=choices, by=request.user
                    )
                except AttendanceError as error:
                    errors = error.messages
                else:
                    messages.success(
                        request,
                        gettext(
                            "Attendance recorded from “%(file)s”: %(created)d new, %(updated)d updated, "
                            "%(unchanged)d unchanged."
                        )
                        % {"file": attendance_import.file_name, **outcome},
                    )
                    return redirect(reverse("admin:workshops_session_roster", args=[session.pk]))
        return TemplateResponse(
            request,
            "admin/workshops/session/import_preview.html",
            self._context(
                request,
                session,
                gettext("Check the participant report “%(file)s”") % {"file": attendance_import.file_name},
                attendance_import=attendance_import,
                errors=errors,
                **import_preview(session, attendance_import, choices),
            ),
        )


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
    change_list_template = "admin/workshops/attendance/change_list.html"
    keep_counts = True
    list_display = ["official", "session", "status", "attended_minutes", "source", "confirmed_by"]
    list_select_related = ["official", "confirmed_by"]
    # A page's 50 rows share a few sessions: each read once and kept, not joined to every row (bench/page_load.py).
    list_kept_related = ["session__event"]
    # Not the event's description and translations, nor the other fields of the official and the session: a
    # fifth of the rows' reading (bench/profile_page.py).
    list_only = [
        *["official", "session", "status", "seconds", "source", "confirmed_by"],
        *["official__first_name", "official__last_name", "session__title", "session__event__title"],
        "confirmed_by__username",
    ]
    list_filter = [
        "session__event__initiative",
        "session__event",
        "status",
        "source",
        country_filter("official__local_government__country"),
    ]
    search_fields = ["official__first_name", "official__last_name", "official__email"]
    # By ids, which the index (session, official) serves: the model's order (by session start, then name)
    # sorted every joined row of the table on each page, 319 ms for the last of 44,749 rows.
    ordering = ["session_id", "official_id"]
    # Attendance is written by the report import, the roster and the correction action only (their
    # services keep the trail): the admin shows it.
    fields = ["official", "session", "status", "seconds", "source", "source_reference", "confirmed_by", "confirmed_at"]
    readonly_fields = fields
    actions = ["correct_attendance"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_correct_permission(self, request):
        return is_regional_staff(request.user)

    @admin.display(description=_("minutes"), ordering="seconds")
    def attended_minutes(self, obj):
        return obj.minutes

    @admin.action(description=_("Correct the attendance (with a reason)"), permissions=["correct"])
    def correct_attendance(self, request, queryset):
        from .attendance import AttendanceError, correct_attendance

        def apply(attendance, data):
            minutes = data["minutes"]
            try:
                correct_attendance(
                    attendance=attendance,
                    status=data["status"],
                    seconds=None if minutes is None else minutes * 60,
                    reason=data["reason"],
                    by=request.user,
                )
            except AttendanceError as error:
                raise ValidationError(error.messages) from error

        return self.reason_action(
            request,
            list(queryset.select_related("official", "session__event")),
            form_class=AttendanceCorrectionForm,
            title=_("Correct attendance"),
            intro=_("The new status and time replace what the report or the roster recorded, for each of these."),
            submit=_("Correct"),
            apply=apply,
        )


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
    # The status changes by the officials' submission and the reopen action only (workshops.services).
    readonly_fields = ["status", "submitted_at", "submitted_by", "revision", "last_saved_by"]
    inlines = [AutomapeoActionInline]
    actions = ["reopen"]

    def has_reopen_permission(self, request):
        return is_regional_staff(request.user)

    @admin.action(description=_("Reopen for changes (with a reason)"), permissions=["reopen"])
    def reopen(self, request, queryset):
        from .services import AutomapeoError, reopen_automapeo

        def apply(automapeo, data):
            try:
                reopen_automapeo(automapeo=automapeo, reason=data["reason"], by=request.user)
            except AutomapeoError as error:
                raise ValidationError(str(error)) from error

        return self.reason_action(
            request,
            list(queryset.select_related("local_government", "initiative")),
            form_class=ReasonForm,
            title=_("Reopen Automapeos"),
            intro=_("Their officials can change them and submit them again."),
            submit=_("Reopen"),
            apply=apply,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A change made here is newer work too: an official's form loaded before it must not overwrite it.
        Automapeo.objects.filter(pk=form.instance.pk).update(revision=F("revision") + 1, last_saved_by=request.user)
        written_in_bulk(Automapeo)


class InAgendaItemFilter(admin.SimpleListFilter):
    title = _("in an agenda item")
    parameter_name = "in_item"

    def lookups(self, request, model_admin):
        return [("no", _("Not yet in any agenda item")), ("yes", _("In an agenda item"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(agenda_items__isnull=True)
        if self.value() == "yes":
            return queryset.filter(agenda_items__isnull=False).distinct()
        return queryset


@admin.register(AlmiContribution)
class AlmiContributionAdmin(ScopedAdmin):
    list_display = ["short_text", "kind", "local_government", "initiative", "author"]
    list_select_related = ["local_government", "initiative", "author"]
    list_filter = ["initiative", "kind", InAgendaItemFilter, country_filter("local_government__country")]
    search_fields = ["text", "local_government__name"]
    autocomplete_fields = ["local_government", "initiative", "author", "objectives"]

    actions = ["group_into_item"]

    @admin.action(description=_("Group the selected into a new ALMI agenda item"))
    def group_into_item(self, request, queryset):
        try:
            item = group_almi_contributions(contributions=list(queryset), by=request.user)
        except AlmiMergeError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        self.message_user(
            request, gettext("Agenda item “%(item)s” made: give it its title and summary.") % {"item": item}
        )
        return redirect(reverse("admin:workshops_almiagendaitem_change", args=[item.pk]))

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
    actions = ["merge_items"]

    @admin.action(description=_("Merge the selected duplicates into the first"))
    def merge_items(self, request, queryset):
        try:
            kept = merge_almi_items(items=list(queryset), by=request.user)
        except AlmiMergeError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, gettext("Merged into “%(item)s”.") % {"item": kept}, messages.SUCCESS)


@admin.register(QuestionnaireResponse)
class QuestionnaireResponseAdmin(ScopedAdmin):
    list_display = ["official", "initiative", "kind", "knowledge", "satisfaction", "created"]
    list_select_related = ["official", "initiative"]
    list_filter = ["initiative", "kind", country_filter("official__local_government__country")]
    search_fields = ["official__first_name", "official__last_name"]
    autocomplete_fields = ["official", "initiative"]


@admin.register(EventInvitation)
class EventInvitationAdmin(ScopedAdmin):
    list_display = ["official", "event", "email", "language", "sequence", "sent_at", "sent_by"]
    list_select_related = ["official", "event", "sent_by"]
    list_filter = ["event__initiative", "event", country_filter("official__local_government__country")]
    search_fields = ["official__first_name", "official__last_name", "email"]
    readonly_fields = ["event", "official", "email", "language", "sequence", "schedule_digest", "sent_at", "sent_by"]

    def has_add_permission(self, request, *args):
        return False  # written by the "send invitations" action only

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AttendanceImport)
class AttendanceImportAdmin(ScopedAdmin):
    list_display = ["file_name", "session", "tool", "status", "rows_read", "uploaded_by", "created", "confirmed_by"]
    list_select_related = ["session__event", "uploaded_by", "confirmed_by"]
    list_filter = ["status", "tool", "session__event__initiative"]
    fields = [
        "session",
        "tool",
        "file_name",
        "digest",
        "title",
        "rows_read",
        "status",
        "uploaded_by",
        "confirmed_by",
        "confirmed_at",
        "outcome",
    ]
    readonly_fields = fields

    def has_module_permission(self, request):
        return is_regional_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_regional_staff(request.user)

    def has_add_permission(self, request, *args):
        return False  # imports start from a session's "Import a participant report"

    def has_change_permission(self, request, obj=None):
        return False
