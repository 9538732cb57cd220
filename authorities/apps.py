from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthoritiesConfig(AppConfig):
    name = "authorities"
    verbose_name = _("Local authorities")

    def ready(self):
        from allauth.account.signals import email_changed

        from .mixins import follow_officials

        follow_officials()  # in every process: a worker's change is seen by the web's next page

        email_changed.connect(_official_email_follows, dispatch_uid="authorities.official_email_follows")


def _official_email_follows(sender, request, user, from_email_address, to_email_address, **kwargs):
    from .services import sync_official_email

    sync_official_email(user=user, email=to_email_address.email)
