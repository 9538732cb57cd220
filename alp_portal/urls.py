from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import health

admin.site.site_header = _("ALP Portal · back office")
admin.site.site_title = _("ALP Portal")
admin.site.index_title = _("Champion Local Authorities")
# The admin's login is allauth's: its rate limits and the MFA stage apply to staff as well.
admin.site.login = secure_admin_login(admin.site.login)

handler500 = "alp_portal.errors.server_error"  # a database outage outside a view: the 503 page

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("initiative.site_urls")),  # the home page and the open API (api/v1/)
    path("", include("authorities.urls")),
    path("", include("workshops.urls")),
    path("", include("certificates.urls")),
    path("", include("initiative.urls")),
]
