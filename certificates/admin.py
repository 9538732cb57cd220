from django.contrib import admin

from alp_portal.admin import ScopedAdmin, country_filter

from .models import EligibilityOverride, Recognition


@admin.register(Recognition)
class RecognitionAdmin(ScopedAdmin):
    list_display = ["holder_name", "kind", "initiative", "code", "status", "issued_at", "revoked_at"]
    list_select_related = ["initiative"]
    list_filter = ["initiative", "kind", "status"]
    search_fields = ["holder_name", "code"]
    autocomplete_fields = ["official", "local_government", "initiative"]
    readonly_fields = ["code", "pdf_sha256", "issued_at", "issued_by", "revoked_at", "revoked_by"]


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
