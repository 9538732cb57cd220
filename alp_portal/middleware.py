"""Staff reach the admin only with a second factor: a staff user without an authenticator app or security key
is sent to set one up first (allauth's MFA pages, where they choose either). The admin's login itself goes
through allauth (`secure_admin_login` in urls.py), so its rate limits and MFA stage apply there too."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# Recovery codes alone are a fallback, not a second factor: TOTP or WebAuthn must be there.
SECOND_FACTORS = ("totp", "webauthn")


def has_second_factor(user):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix = None

    def __call__(self, request):
        if self._admin_prefix is None:
            self._admin_prefix = reverse("admin:index")
        user = getattr(request, "user", None)
        if (
            request.path.startswith(self._admin_prefix)
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and not has_second_factor(user)
        ):
            messages.warning(
                request,
                _(
                    "Set up two-factor authentication to reach the back office: an authenticator app on your "
                    "phone, or a security key."
                ),
            )
            return redirect("mfa_index")  # both choices, not only the app
        return self.get_response(request)
