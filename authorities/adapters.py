"""How allauth fits the portal: nobody signs up (officials arrive by invitation), and the interface follows
the official's language from the moment they log in."""

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from alp_portal.client import client_address

from .preferences import set_language_cookie


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        """The address allauth's rate limits count: the portal's one rule for it, behind a proxy or not."""
        return client_address(request)

    def is_open_for_signup(self, request):
        return False

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        official = getattr(user, "official", None)
        if official is not None:
            set_language_cookie(response, official.language)
        return response

    def send_mail(self, template_prefix, email, context):
        """allauth's e-mails (sign-in codes, password reset) in the recipient official's language, not the
        language of the browser that asked for them."""
        from .models import Official

        language = Official.objects.filter(email__iexact=email).values_list("language", flat=True).first()
        if language is None:
            return super().send_mail(template_prefix, email, context)
        with translation.override(language):
            return super().send_mail(template_prefix, email, context)
