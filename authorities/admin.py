from datetime import UTC, datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alp_portal.admin import ReasonForm, ScopedAdmin, ScopedTabularInline, country_filter
from alp_portal.roles import is_regional_staff, is_staff_member

from .enums import InvitationStatus
from .forms import InviteForm
from .models import CountryOffice, ExportLog, Invitation, LocalGovernment, Official
from .resources import InvitationResource, LocalGovernmentResource, OfficialResource
from .spreadsheet_admin import MappingImportMixin, ScopedExportMixin


@admin.register(CountryOffice)
class CountryOfficeAdmin(ScopedAdmin):
    list_display = ["name", "country"]
    search_fields = ["name"]
    list_filter = [country_filter("country")]
    filter_horizontal = ["staff"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "staff":
            kwargs["queryset"] = db_field.related_model.objects.filter(is_staff=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class OfficialInline(ScopedTabularInline):
    model = Official
    fields = ["first_name", "last_name", "position", "role_kind", "email", "language"]
    country_staff_can_edit = True
    show_change_link = True


@admin.register(LocalGovernment)
class LocalGovernmentAdmin(MappingImportMixin, ScopedExportMixin, ScopedAdmin):
    resource_classes = [LocalGovernmentResource]
    import_kind = "local_governments"
    country_staff_can_edit = True
    keep_counts = True
    list_display = ["name", "country", "region", "kind", "criteria_count"]
    list_filter = [
        country_filter("country"),
        "kind",
        "has_local_mgi",
        "in_hub_repository",
        "mercociudades_member",
        "has_gcm_pledge",
        "in_mayors_mechanism",
        "signed_marrakech_declaration",
    ]
    search_fields = ["name", "region"]
    inlines = [OfficialInline]
    fieldsets = [
        (
            None,
            {"fields": ["name", "country", "region", "kind", ("latitude", "longitude"), "public_consent"]},
        ),
        (_("Selection criteria"), {"fields": list(LocalGovernment.CRITERIA)}),
    ]

    @admin.display(description=_("criteria met"))
    def criteria_count(self, obj):
        return len(obj.criteria_met)


@admin.register(Official)
class OfficialAdmin(MappingImportMixin, ScopedExportMixin, ScopedAdmin):
    resource_classes = [OfficialResource]
    import_kind = "officials"
    country_staff_can_edit = True
    keep_counts = True
    list_display = [
        "full_name",
        "position",
        "role_kind",
        "email",
        "local_government",
        "language",
        "has_account",
    ]
    list_select_related = ["local_government"]
    list_only = [
        *["first_name", "last_name", "position", "role_kind", "email", "language", "user"],
        *["local_government", "local_government__name", "local_government__country"],
    ]
    list_filter = [country_filter("local_government__country"), "role_kind", "gender", "language"]
    search_fields = ["first_name", "last_name", "email", "local_government__name"]
    autocomplete_fields = ["local_government"]
    readonly_fields = ["user"]
    actions = ["invite_to_initiative"]
    fields = [
        ("first_name", "last_name"),
        "position",
        "role_kind",
        "email",
        "local_government",
        ("language", "time_zone"),
        "gender",
        "public_consent",
        "user",
    ]

    def has_invite_permission(self, request):
        return is_staff_member(request.user)  # country offices too: the list holds only their country's officials

    @admin.action(description=_("Invite to an initiative"), permissions=["invite"])
    def invite_to_initiative(self, request, queryset):
        """Invite the selected officials (or the whole filtered list) to an initiative: choose it, see who will be
        invited, who already is and who cannot be, then confirm (authorities/bulk_invitations.py)."""
        from .bulk_invitations import invite_officials, plan_invitations

        form = InviteForm(request.POST if "initiative" in request.POST else None)
        plan = None
        if form.is_bound and form.is_valid():
            initiative = form.cleaned_data["initiative"]
            if "apply" in request.POST:
                started = timezone.now()
                try:
                    plan = invite_officials(officials=queryset, initiative=initiative, by=request.user)
                except IntegrityError:
                    messages.error(
                        request,
                        _("Someone invited some of these officials meanwhile: nothing was sent. Look again."),
                    )
                    return None
                messages.success(
                    request,
                    ngettext(
                        "%(count)d official invited to “%(initiative)s”: the e-mail goes out in the background.",
                        "%(count)d officials invited to “%(initiative)s”: the e-mails go out in the background.",
                        len(plan.to_invite),
                    )
                    % {"count": len(plan.to_invite), "initiative": initiative},
                )
                return redirect(sending_url(initiative, since=started))
            plan = plan_invitations(queryset, initiative)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Invite to an initiative"),
            "opts": self.opts,
            "form": form,
            "plan": plan,
            "selected": queryset.count(),
            "action_fields": self.action_repost_fields(request, list(queryset.values_list("pk", flat=True))),
        }
        return TemplateResponse(request, "admin/authorities/official/invite.html", context)

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=_("account"), boolean=True)
    def has_account(self, obj):
        return obj.user_id is not None


def sending_url(initiative, *, since=None):
    """The page that follows the invitation e-mails of `initiative` going out (those sent since `since`)."""
    url = reverse("admin:authorities_invitation_sending", args=[initiative.pk])
    return f"{url}?since={int(since.timestamp())}" if since else url


class EmailedFilter(admin.SimpleListFilter):
    title = _("e-mail")
    parameter_name = "emailed"

    def lookups(self, request, model_admin):
        return [("sent", _("sent")), ("waiting", _("waiting to go out"))]

    def queryset(self, request, queryset):
        if self.value() == "sent":
            return queryset.filter(emailed_at__isnull=False)
        if self.value() == "waiting":
            return queryset.filter(emailed_at__isnull=True).exclude(status=InvitationStatus.PENDING)
        return queryset


@admin.register(Invitation)
class InvitationAdmin(MappingImportMixin, ScopedExportMixin, ScopedAdmin):
    resource_classes = [InvitationResource]
    import_kind = "invitations"
    list_display = ["official", "local_government", "initiative", "status", "sent_at", "emailed_at", "accepted_at"]
    list_select_related = ["official__local_government", "initiative"]
    list_filter = ["initiative", "status", EmailedFilter, country_filter("official__local_government__country")]
    search_fields = ["official__first_name", "official__last_name", "official__email"]
    autocomplete_fields = ["official", "initiative"]
    # The status changes only through the services (sent, accepted, declined): shown, never edited.
    readonly_fields = ["status", "sent_at", "emailed_at", "accepted_at"]
    date_hierarchy = "sent_at"
    actions = ["send_invitation_emails", "decline_invitations"]

    def has_import_permission(self, request):
        return is_staff_member(request.user)  # country offices too: only their country's officials can be named

    def import_done_url(self, plan, started):
        """The e-mails' progress, when the file invited to one initiative; else the invitations still waiting."""
        initiatives = {row.values["initiative"] for row in plan.rows if row.action == "new"}
        if len(initiatives) == 1:
            initiative = Invitation._meta.get_field("initiative").related_model(pk=initiatives.pop())
            return sending_url(initiative, since=started)
        return reverse("admin:authorities_invitation_changelist") + "?emailed=waiting"

    def get_urls(self):
        return [
            path(
                "sending/<int:initiative_id>/",
                self.admin_site.admin_view(self.sending_view),
                name="authorities_invitation_sending",
            ),
            *super().get_urls(),
        ]

    def sending_view(self, request, initiative_id):
        """How the invitation e-mails of an initiative go out, after a bulk invitation or an import: a page that
        updates itself (static/js/sending.js reads its JSON), of the user's officials only."""
        from .bulk_invitations import STALLED_AFTER, sending_progress

        if not is_staff_member(request.user):
            raise PermissionDenied
        initiative = get_object_or_404(Invitation._meta.get_field("initiative").related_model, pk=initiative_id)
        since = request.GET.get("since", "")
        since = datetime.fromtimestamp(int(since), tz=UTC) if since.isdigit() else None
        progress = sending_progress(self.get_queryset(request), initiative=initiative, since=since)
        if request.GET.get("format") == "json":
            return JsonResponse({**progress.as_dict(), "status": str(progress)})
        waiting_url = reverse("admin:authorities_invitation_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Invitation e-mails of “%(initiative)s”") % {"initiative": initiative},
            "initiative": initiative,
            "progress": progress,
            "stalled_minutes": int(STALLED_AFTER.total_seconds() // 60),
            "waiting_url": f"{waiting_url}?initiative__id__exact={initiative.pk}&emailed=waiting",
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/authorities/invitation/sending.html", context)

    def has_decline_permission(self, request):
        return is_regional_staff(request.user)

    @admin.action(description=_("Mark as declined (the official said no)"), permissions=["decline"])
    def decline_invitations(self, request, queryset):
        from .services import InvitationError, decline_invitation

        def apply(invitation, data):
            try:
                decline_invitation(invitation=invitation, reason=data["reason"], by=request.user)
            except InvitationError as error:
                raise ValidationError(error.message) from error

        return self.reason_action(
            request,
            list(queryset.select_related("official", "initiative")),
            form_class=ReasonForm,
            title=_("Mark invitations as declined"),
            intro=_("Their links stop working. The reason is kept in the audit trail."),
            submit=_("Mark as declined"),
            apply=apply,
        )

    @admin.action(description=_("Send the invitation e-mail (a new personal link)"), permissions=["change"])
    def send_invitation_emails(self, request, queryset):
        from .services import InvitationError, send_invitation

        sent, refused = 0, []
        for invitation in queryset.select_related("official"):
            try:
                send_invitation(invitation=invitation)
            except InvitationError as error:
                refused.append(error.message)
            else:
                sent += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d invitation e-mail is on its way.",
                    "%(count)d invitation e-mails are on their way.",
                    sent,
                )
                % {"count": sent},
            )
        for message in refused:
            self.message_user(request, message, level=messages.WARNING)

    @admin.display(description=_("local government"), ordering="official__local_government__name")
    def local_government(self, obj):
        return obj.official.local_government


@admin.register(ExportLog)
class ExportLogAdmin(ScopedAdmin):
    """Read only: the log is written by the exports themselves."""

    list_display = ["created", "user", "kind", "country", "initiative", "file_format", "rows"]
    list_select_related = ["user", "initiative"]
    list_filter = ["kind", country_filter("country"), "file_format"]
    date_hierarchy = "created"

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
