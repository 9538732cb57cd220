"""How allauth fits the portal: nobody signs up (officials arrive by invitation), and the interface follows
the official's language from the moment they log in."""

from allauth.account.adapter import DefaultAccountAdapter

from .preferences import set_language_cookie


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        official = getattr(user, "official", None)
        if official is not None:
            set_language_cookie(response, official.language)
        return response
