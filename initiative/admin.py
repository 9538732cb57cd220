from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from alp_portal.admin import ScopedAdmin, ScopedTabularInline
from alp_portal.content_language import translation_form_fields, translations_form
from alp_portal.roles import is_regional_staff

from .cloning import clone_initiative, plan_clone
from .enums import Piece, Stage
from .forms import NewCohortForm
from .models import (
    GoodPractice,
    GuidingPrinciple,
    Initiative,
    Objective,
    Publication,
    Resource,
    StageTransition,
    Stakeholder,
)
from .services import PublicationError, set_publication
from .stages import StageError, advance_stage, initiative_figures, stage_overview

ADVANCE_DRAFT = "initiative-advance-draft"  # session key: the note and reason of a refused move
OVERRIDE_LABEL = gettext_lazy("Why move on although something is still missing?")


def override_html(transition):
    """The guards a transition overrode and the reason, for the stage log; "-" for an ordinary move."""
    if not transition.is_override:
        return "-"
    return format_html(
        '<ul class="alp-overridden">{}</ul><p>{}</p>',
        format_html_join("", "<li>{}</li>", ((message,) for message in transition.overridden)),
        _("Reason: %(reason)s") % {"reason": transition.override_reason},
    )


class StageTransitionInline(ScopedTabularInline):
    model = StageTransition
    fields = ["from_stage", "to_stage", "by", "at", "note", "override"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by", "initiative")  # both shown in each row

    @admin.display(description=gettext_lazy("moved on although missing"))
    def override(self, obj):
        return override_html(obj)

    def has_add_permission(self, request, obj=None):
        return False  # written by advance_stage only

    def has_change_permission(self, request, obj=None):
        return False


class PublicationInline(ScopedTabularInline):
    model = Publication
    fields = ["piece", "is_published", "published_at", "changed_by"]
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False  # written by the publish and withdraw actions only

    def has_change_permission(self, request, obj=None):
        return False


def _publication_action(piece, published):
    def action(modeladmin, request, queryset):
        for initiative in queryset:
            try:
                set_publication(initiative=initiative, piece=piece, published=published, by=request.user)
            except PublicationError as error:
                modeladmin.message_user(request, str(error), messages.ERROR)
            else:
                text = (
                    _("“%(piece)s” of “%(initiative)s” is published.")
                    if published
                    else _("“%(piece)s” of “%(initiative)s” is withdrawn: only staff and participants see it.")
                )
                modeladmin.message_user(
                    request, text % {"piece": Piece(piece).label, "initiative": initiative}, messages.SUCCESS
                )

    verb = "publish" if published else "withdraw"
    action.__name__ = f"{verb}_{piece}"
    # Put into words when shown, in the reader's language: a lazy string formatted here would be frozen in
    # the language of whoever imported this module first.
    if published:
        action.short_description = lazy(lambda: _("Publish: %(piece)s") % {"piece": Piece(piece).label}, str)()
    else:
        action.short_description = lazy(lambda: _("Withdraw: %(piece)s") % {"piece": Piece(piece).label}, str)()
    action.allowed_permissions = ("publish",)
    return action


@admin.register(Initiative)
class InitiativeAdmin(ScopedAdmin):
    form = translations_form(Initiative)
    list_display = ["name", "year", "region", "stage"]
    list_filter = ["stage", "year"]
    search_fields = ["name", "region"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["stage", "dissemination_pages"]
    inlines = [StageTransitionInline, PublicationInline]
    actions = [
        *[_publication_action(piece, published) for piece in Piece.values for published in (True, False)],
        "send_dissemination_email",
    ]

    @admin.display(description=gettext_lazy("dissemination pages"))
    def dissemination_pages(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        links = [
            (reverse(name, args=[obj.slug]), label)
            for name, label in [
                ("initiative:detail", _("Figures and stages")),
                *[(piece.url_name, piece.label) for piece in Piece],
                ("initiative:report", _("Report (PDF)")),
            ]
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def has_publish_permission(self, request):
        return is_regional_staff(request.user)

    @admin.action(description=gettext_lazy("Send the dissemination e-mail"), permissions=["publish"])
    def send_dissemination_email(self, request, queryset):
        from .tasks import send_dissemination_email_task

        for initiative in queryset:
            if not Publication.objects.filter(initiative=initiative).published().exists():
                self.message_user(
                    request,
                    _("Nothing of “%(initiative)s” is published: publish something first.")
                    % {"initiative": initiative},
                    messages.ERROR,
                )
                continue
            send_dissemination_email_task.enqueue(initiative.pk, request.user.pk)
            self.message_user(
                request,
                _("The dissemination e-mail of “%(initiative)s” is on its way.") % {"initiative": initiative},
                messages.SUCCESS,
            )

    change_form_template = "admin/initiative/initiative/change_form.html"
    fieldsets = [
        (None, {"fields": ["name", "slug", "year", "region", "description", "stage", "dissemination_pages"]}),
        (
            gettext_lazy("Certification rule"),
            {"fields": ["require_launch", "min_workshop_sessions", "attendance_threshold_percent"]},
        ),
        (gettext_lazy("Workshop stage"), {"fields": ["submissions_close_at"]}),
        (gettext_lazy("Certificates"), {"fields": ["signatory_name", "signatory_title"]}),
        (gettext_lazy("Open data"), {"fields": ["data_licence"]}),
        (gettext_lazy("In Portuguese and English"), {"fields": translation_form_fields(Initiative)}),
    ]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/new-cohort/",
                self.admin_site.admin_view(self.new_cohort_view),
                name="{}_{}_new_cohort".format(*info),
            ),
            path(
                "<int:object_id>/advance/",
                self.admin_site.admin_view(require_POST(self.advance_view)),
                name="{}_{}_advance".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        initiative = self.get_object(request, object_id)
        if initiative is not None:
            overview = stage_overview(initiative)
            # What was typed into a refused move comes back, so that only the missing part must be added.
            draft = request.session.pop(ADVANCE_DRAFT, {}) if request.method == "GET" else {}
            if draft.get("initiative") != initiative.pk:
                draft = {}
            extra_context.update(
                advance_note=draft.get("note", ""),
                override_reason=draft.get("override_reason", ""),
                stage_overview=overview,
                next_missing=next((row["missing"] for row in overview if row["state"] == "next"), []),
                override_label=OVERRIDE_LABEL,
                stage_figures=initiative_figures(initiative),
                next_stage=initiative.stage_enum.next(),
                can_advance=is_regional_staff(request.user),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def advance_view(self, request, object_id):
        initiative = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not is_regional_staff(request.user):
            raise PermissionDenied
        note, reason = request.POST.get("note", ""), request.POST.get("override_reason", "")
        try:
            transition = advance_stage(
                initiative=initiative, to=request.POST.get("to", ""), by=request.user, note=note, override_reason=reason
            )
        except ValueError:
            messages.error(request, _("Choose a stage to move to."))
        except StageError as error:
            request.session[ADVANCE_DRAFT] = {"initiative": initiative.pk, "note": note, "override_reason": reason}
            for message in error.messages:
                messages.error(request, message)
            if error.overridable:
                messages.error(
                    request,
                    _(
                        "To move on anyway, give the reason under “%(label)s”: it is recorded in the stage log "
                        "with what was missing."
                    )
                    % {"label": OVERRIDE_LABEL},
                )
        else:
            text = _("“%(initiative)s” moved to the stage “%(stage)s”.")
            if transition.is_override:
                text = _(
                    "“%(initiative)s” moved to the stage “%(stage)s” although something was missing: the stage "
                    "log records what, with your reason."
                )
            messages.success(request, text % {"initiative": initiative, "stage": Stage(transition.to_stage).label})
        return redirect(reverse("admin:initiative_initiative_change", args=[initiative.pk]))

    def new_cohort_view(self, request, object_id):
        """Start a new cohort from this one: a form, a preview of what will be created, then the copy."""
        source = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not is_regional_staff(request.user):
            raise PermissionDenied
        form = NewCohortForm(request.POST or None, initial={"region": source.region, "year": source.year + 1})
        plan = None
        if request.method == "POST" and form.is_valid():
            if "confirm" in request.POST:
                new = clone_initiative(source=source, by=request.user, **form.cleaned_data)
                messages.success(
                    request, _("“%(new)s” is created from “%(old)s”.") % {"new": new.name, "old": source.name}
                )
                return redirect(reverse("admin:initiative_initiative_change", args=[new.pk]))
            plan = plan_clone(source, form.cleaned_data["launch_date"])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": source,
            "title": _("Start a new cohort from “%(initiative)s”") % {"initiative": source.name},
            "form": form,
            "plan": plan,
        }
        return TemplateResponse(request, "admin/initiative/initiative/new_cohort.html", context)


class OverrideFilter(admin.SimpleListFilter):
    title = gettext_lazy("moved on although something was missing")
    parameter_name = "override"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(overridden=[])
        if self.value() == "no":
            return queryset.filter(overridden=[])
        return queryset


@admin.register(StageTransition)
class StageTransitionAdmin(ScopedAdmin):
    list_display = ["initiative", "from_stage", "to_stage", "by", "at", "override"]
    list_select_related = ["initiative", "by"]
    list_filter = ["initiative", "to_stage", OverrideFilter]
    fields = ["initiative", "from_stage", "to_stage", "by", "at", "note", "override"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("moved on although missing"))
    def override(self, obj):
        return override_html(obj)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Objective)
class ObjectiveAdmin(ScopedAdmin):
    list_display = ["number", "title_es", "title_pt", "title_en"]
    search_fields = ["title_es", "title_pt", "title_en", "label_es", "=number"]

    def has_add_permission(self, request, *args):
        return False  # the 23 objectives are fixed by the Global Compact

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GuidingPrinciple)
class GuidingPrincipleAdmin(ScopedAdmin):
    list_display = ["number", "title_es", "title_pt", "title_en"]
    search_fields = ["title_es", "title_pt", "title_en", "=number"]

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GoodPractice)
class GoodPracticeAdmin(ScopedAdmin):
    list_display = ["title", "place", "country", "period", "from_handbook"]
    list_filter = ["from_handbook", "objectives"]
    search_fields = ["title", "place", "description"]
    autocomplete_fields = ["objectives"]


@admin.register(Resource)
class ResourceAdmin(ScopedAdmin):
    form = translations_form(Resource)
    list_display = ["title", "kind", "language", "initiative", "is_public"]
    list_select_related = ["initiative"]
    list_filter = ["kind", "language", "is_public", "initiative"]
    search_fields = ["title"]


@admin.register(Stakeholder)
class StakeholderAdmin(ScopedAdmin):
    list_display = ["name", "organization", "email", "language", "initiative", "last_emailed_at"]
    list_select_related = ["initiative"]
    list_filter = ["initiative", "language"]
    search_fields = ["name", "organization", "email"]

    def has_module_permission(self, request):
        return is_regional_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_regional_staff(request.user)

    def has_add_permission(self, request, *args):
        return is_regional_staff(request.user)

    def has_change_permission(self, request, obj=None):
        return is_regional_staff(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_regional_staff(request.user)
