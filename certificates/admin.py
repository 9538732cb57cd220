from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from alp_portal.admin import ScopedAdmin, ScopedTabularInline, country_filter
from alp_portal.roles import is_regional_staff, is_staff_member
from authorities.models import Official
from authorities.spreadsheet_admin import allowed_export_country, country_choices, spreadsheet_response
from authorities.spreadsheets import EXPORT_FORMATS
from initiative.enums import Language
from initiative.models import Initiative

from .eligibility import eligibility_rows, eligible_governments
from .enums import ItemStatus, RecognitionKind
from .forms import OverrideForm, RevokeForm
from .models import EligibilityOverride, IssuanceBatch, IssuanceItem, Recognition
from .queries import governments_left_without_people
from .resources import ParticipantResource
from .revocation import revoke_recognitions
from .services import CertificateError, resume_issuance, set_eligibility_override, start_issuance


class ParticipantExportForm(forms.Form):
    initiative = forms.ModelChoiceField(label=gettext_lazy("Initiative"), queryset=Initiative.objects.none())
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=[(str(i), f().get_title().upper()) for i, f in enumerate(EXPORT_FORMATS)]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = Initiative.objects.for_user(user)
        self.fields["country"].choices = country_choices(user)


@admin.register(Recognition)
class RecognitionAdmin(ScopedAdmin):
    list_display = ["holder_name", "kind", "initiative", "code", "status", "issued_at", "revoked_at"]
    list_select_related = ["initiative"]
    list_filter = ["initiative", "kind", "status"]
    search_fields = ["holder_name", "code"]
    autocomplete_fields = ["official", "local_government", "initiative"]
    actions = ["revoke_selected", "revoke_this"]
    change_form_template = "admin/certificates/recognition/change_form.html"
    change_list_template = "admin/certificates/recognition/change_list.html"

    def has_add_permission(self, request):
        return False  # made by issuance only: eligibility (or an override), its PDF, its e-mail

    def has_change_permission(self, request, obj=None):
        # A recognition is a record: it changes only through revocation (an action, which needs no change
        # permission), so that a plain POST of its page is refused instead of "saved" with nothing done.
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the code must keep verifying as revoked

    def has_revoke_permission(self, request):
        return is_regional_staff(request.user)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "eligibility/",
                view(self.eligibility_index_view),
                name="{}_{}_eligibility_index".format(*info),
            ),
            path(
                "eligibility/<int:initiative_id>/",
                view(self.eligibility_view),
                name="{}_{}_eligibility".format(*info),
            ),
            path(
                "eligibility/<int:initiative_id>/override/<int:official_id>/",
                view(self.override_view),
                name="{}_{}_override".format(*info),
            ),
            path(
                "eligibility/<int:initiative_id>/issue/",
                view(require_POST(self.issue_view)),
                name="{}_{}_issue".format(*info),
            ),
            path("<int:object_id>/copy/<str:language>/", view(self.copy_view), name="{}_{}_copy".format(*info)),
            path(
                "participants/",
                self.admin_site.admin_view(self.participants_view),
                name="certificates_participants_export",
            ),
            *super().get_urls(),
        ]

    def participants_view(self, request):
        """The participant list of an initiative, in CSV or XLSX, of one country or all the user may see."""
        if not is_staff_member(request.user):
            raise PermissionDenied
        form = ParticipantExportForm(request.POST or None, user=request.user, initial=request.GET.dict())
        if request.method == "POST" and form.is_valid():
            initiative = form.cleaned_data["initiative"]
            country = allowed_export_country(request.user, form.cleaned_data["country"])
            resource = ParticipantResource(user=request.user, initiative=initiative, country=country)
            return spreadsheet_response(
                user=request.user,
                resource=resource,
                queryset=resource.get_queryset(),
                file_format=EXPORT_FORMATS[int(form.cleaned_data["format"])](),
                country=country,
                initiative=initiative,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Export the participant list"),
            "form": form,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/certificates/participants_export.html", context)

    # Revocation

    @admin.action(description=gettext_lazy("Revoke the selected recognitions"), permissions=["revoke"])
    def revoke_selected(self, request, queryset):
        return self._revoke(request, queryset)

    @admin.action(
        description=gettext_lazy("Revoke this recognition"),
        permissions=["revoke"],
        location=ActionLocation.CHANGE_FORM,
    )
    def revoke_this(self, request, queryset):
        return self._revoke(request, queryset)

    def _revoke(self, request, queryset):
        """The revocation page of the list's action and of a recognition's own page: the reason and, for the
        governments it would leave without a recognized person, the offer to revoke theirs too."""
        recognitions = list(queryset.valid().select_related("initiative", "official"))
        if not recognitions:
            messages.warning(request, _("None of the selected recognitions is valid: nothing to revoke."))
            return None
        orphans = governments_left_without_people(recognitions)
        form = RevokeForm(request.POST if "apply" in request.POST else None, governments=orphans)
        if form.is_bound and form.is_valid():
            try:
                revoked, refused = revoke_recognitions(
                    recognitions=recognitions,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    governments=form.cleaned_data.get("governments") or [],
                    government_reason=form.cleaned_data.get("government_reason", ""),
                )
            except CertificateError as error:
                refused, revoked = [str(error)], []
            for message in refused:
                messages.error(request, message)
            if revoked:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s recognition revoked; its holder is told by e-mail.",
                        "%(count)s recognitions revoked; their holders are told by e-mail.",
                        len(revoked),
                    )
                    % {"count": len(revoked)},
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revoke recognitions"),
            "opts": self.opts,
            "form": form,
            "recognitions": recognitions,
            "action_fields": self.action_repost_fields(request, [recognition.pk for recognition in recognitions]),
        }
        return TemplateResponse(request, "admin/certificates/recognition/revoke.html", context)

    # A copy in another language

    def copy_view(self, request, object_id, language):
        from .pdf import render_recognition_pdf

        recognition = get_object_or_404(
            self.get_queryset(request).select_related("initiative", "official__local_government", "local_government"),
            pk=object_id,
        )
        if language not in Language.values:
            raise Http404
        pdf = render_recognition_pdf(recognition, language=language)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{recognition.code}-{language}.pdf"'
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "copy_languages": Language.choices}
        return super().change_view(request, object_id, form_url, extra_context)

    # Eligibility

    def _initiative(self, request, initiative_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Initiative.objects.for_user(request.user), pk=initiative_id)

    def eligibility_index_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Eligibility for recognition"),
            "opts": self.opts,
            "initiatives": Initiative.objects.for_user(request.user).order_by("-year", "name"),
        }
        return TemplateResponse(request, "admin/certificates/eligibility_index.html", context)

    def eligibility_view(self, request, initiative_id):
        initiative = self._initiative(request, initiative_id)
        officials = Official.objects.for_user(request.user)
        if request.GET.get("official", "").isdigit():  # one person's, from their admin page
            officials = officials.filter(pk=request.GET["official"])
        rows = eligibility_rows(initiative, officials)
        governments = eligible_governments(rows)
        recognized = {
            recognition.local_government_id: recognition
            for recognition in Recognition.objects.filter(
                initiative=initiative, kind=RecognitionKind.GOVERNMENT, local_government__in=list(governments)
            )
        }
        government_rows = [
            {"government": government, "people": people, "recognition": recognized.get(government.pk)}
            for government, people in governments.items()
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Eligibility: %(initiative)s") % {"initiative": initiative},
            "opts": self.opts,
            "initiative": initiative,
            "rows": rows,
            "government_rows": government_rows,
            "eligible_count": sum(1 for row in rows if row.eligible),
            "to_issue": sum(1 for row in rows if row.eligible and row.recognition is None)
            + sum(1 for row in government_rows if row["recognition"] is None),
            "can_issue": is_regional_staff(request.user),
            "languages": Language.choices,
            "batches": IssuanceBatch.objects.for_user(request.user).filter(initiative=initiative)[:5],
        }
        return TemplateResponse(request, "admin/certificates/eligibility.html", context)

    def override_view(self, request, initiative_id, official_id):
        initiative = self._initiative(request, initiative_id)
        official = get_object_or_404(Official.objects.for_user(request.user), pk=official_id)
        if not is_regional_staff(request.user):
            raise PermissionDenied
        existing = EligibilityOverride.objects.filter(initiative=initiative, official=official).first()
        if request.method == "POST":
            form = OverrideForm(request.POST)
            if form.is_valid():
                try:
                    set_eligibility_override(
                        initiative=initiative,
                        official=official,
                        eligible=form.cleaned_data["eligible"],
                        reason=form.cleaned_data["reason"],
                        by=request.user,
                    )
                except CertificateError as error:
                    form.add_error("reason", str(error))
                else:
                    messages.success(request, _("The decision on %(name)s is recorded.") % {"name": official})
                    return redirect(reverse("admin:certificates_recognition_eligibility", args=[initiative.pk]))
        else:
            initial = {"official": official.pk, "eligible": "", "reason": ""}
            if existing:
                initial.update(eligible="1" if existing.eligible else "0", reason=existing.reason)
            form = OverrideForm(initial=initial)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Override the eligibility of %(name)s") % {"name": official},
            "opts": self.opts,
            "initiative": initiative,
            "official": official,
            "existing": existing,
            "form": form,
        }
        return TemplateResponse(request, "admin/certificates/override.html", context)

    def issue_view(self, request, initiative_id):
        initiative = self._initiative(request, initiative_id)
        if not is_regional_staff(request.user):
            raise PermissionDenied
        official_ids = None
        if request.POST.get("scope") == "selected":
            official_ids = [int(value) for value in request.POST.getlist("officials") if value.isdigit()]
            if not official_ids:
                messages.error(request, _("Select at least one person, or issue to everyone eligible."))
                return redirect(reverse("admin:certificates_recognition_eligibility", args=[initiative.pk]))
        try:
            batch = start_issuance(
                initiative=initiative,
                by=request.user,
                official_ids=official_ids,
                language=request.POST.get("language", ""),
            )
        except CertificateError as error:
            messages.error(request, str(error))
            return redirect(reverse("admin:certificates_recognition_eligibility", args=[initiative.pk]))
        messages.success(
            request,
            _("Issuing %(count)s recognitions in the background: this page shows the progress.")
            % {"count": batch.total},
        )
        return redirect(reverse("admin:certificates_issuancebatch_change", args=[batch.pk]))


@admin.register(EligibilityOverride)
class EligibilityOverrideAdmin(ScopedAdmin):
    list_display = ["official", "initiative", "eligible", "decided_by", "created"]
    list_select_related = ["official", "initiative", "decided_by"]
    list_filter = ["initiative", "eligible", country_filter("official__local_government__country")]
    search_fields = ["official__first_name", "official__last_name", "reason"]
    autocomplete_fields = ["official", "initiative"]
    readonly_fields = ["decided_by"]

    def save_model(self, request, obj, form, change):
        obj.decided_by = request.user
        super().save_model(request, obj, form, change)


class IssuanceItemInline(ScopedTabularInline):
    model = IssuanceItem
    fields = ["kind", "official", "local_government", "status", "recognition", "reason", "emailed_at"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = gettext_lazy("Not issued (pending, failed or already issued)")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .exclude(status=ItemStatus.ISSUED)
            .select_related("official", "local_government", "recognition__initiative")
        )

    @admin.display(description=gettext_lazy("reason of the failure"))
    def reason(self, item):
        return item.reason

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IssuanceBatch)
class IssuanceBatchAdmin(ScopedAdmin):
    list_display = ["__str__", "initiative", "requested_by", "status", "total", "done", "skipped", "failed"]
    list_select_related = ["initiative", "requested_by"]
    list_filter = ["initiative", "status"]
    fields = [
        "initiative",
        "requested_by",
        "language",
        "status",
        "total",
        "done",
        "skipped",
        "failed",
        "started_at",
        "finished_at",
        "task_id",
    ]
    readonly_fields = fields
    inlines = [IssuanceItemInline]
    change_form_template = "admin/certificates/issuancebatch/change_form.html"

    # Issuance spans countries and is the regional office's alone.
    def has_module_permission(self, request):
        return is_regional_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_regional_staff(request.user)

    def has_add_permission(self, request, *args):
        return False  # started from the eligibility page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/resume/",
                self.admin_site.admin_view(require_POST(self.resume_view)),
                name="{}_{}_resume".format(*info),
            ),
            *super().get_urls(),
        ]

    def resume_view(self, request, object_id):
        if not is_regional_staff(request.user):
            raise PermissionDenied
        batch = get_object_or_404(self.get_queryset(request), pk=object_id)
        try:
            resume_issuance(batch=batch, by=request.user)
        except CertificateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The issuance is queued again."))
        return redirect(reverse("admin:certificates_issuancebatch_change", args=[batch.pk]))
