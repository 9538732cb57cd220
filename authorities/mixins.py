"""The one mixin every page of an official starts from: who is asking, as an Official, or 404."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404

from .models import Official


def official_for(user):
    """The Official linked to this user account, or None (staff, or an account not linked yet)."""
    if not user.is_authenticated:
        return None
    official = Official.objects.select_related("local_government").filter(user=user).first()
    # Kept on the user too (assigning a reverse one-to-one caches it, saves nothing): the navigation asks
    # `user.official` on every page, which would read it again.
    user.official = official
    return official


class OfficialRequiredMixin(LoginRequiredMixin):
    """Anonymous visitors go to the login page; a signed-in user who is not an official gets 404."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.official = official_for(request.user)
            if self.official is None:
                raise Http404("No official is linked to this account.")
        return super().dispatch(request, *args, **kwargs)
