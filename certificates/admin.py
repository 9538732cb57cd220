from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from alp_portal.admin import ScopedAdmin, country_filter
from alp_portal.roles import is_staff_member
from authorities.spreadsheet_admin import allowed_export_country, country_choices, spreadsheet_response
from authorities.spreadsheets import EXPORT_FORMATS
from initiative.models import Initiative

from .models import EligibilityOverride, Recognition
from .resources import ParticipantResource


class ParticipantExportForm(forms.Form):
    initiative = forms.ModelChoiceField(label=_("Initiative"), queryset=Initiative.objects.none())
    country = forms.ChoiceField(label=_("Country"), required=False)
    format = forms.ChoiceField(
        label=_("Format"), choices=[(str(i), f().get_title().upper()) for i, f in enumerate(EXPORT_FORMATS)]
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
    readonly_fields = ["code", "pdf_sha256", "issued_at", "issued_by", "revoked_at", "revoked_by"]
    change_list_template = "admin/certificates/recognition/change_list.html"

    def get_urls(self):
        return [
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
