"""The one mixin every page of an official starts from: who is asking, as an Official, or 404."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404

from .models import Official
from .queries import current_invitations


def official_for(user):
    """The Official linked to this user account, or None (staff, or an account not linked yet)."""
    if not user.is_authenticated:
        return None
    official = Official.objects.select_related("local_government").filter(user=user).first()
    _remember_official(user, official)
    return official


def _remember_official(user, official):
    """Keeps `official` (or that there is none) on the user: the navigation asks `user.official` on every page,
    which would read it again. (Assigning `user.official = None` would not remember the None.)"""
    Official.user.field.remote_field.set_cached_value(user, official)


def official_and_initiative(user):
    """The Official linked to `user` (with their government) and the initiative they take part in now (as
    `current_initiative` decides), for the official's pages: one query for an official invited somewhere, two
    for one who is not; (None, None) for anyone else (anonymous, staff, an account not linked)."""
    if not user.is_authenticated:
        return None, None
    invitation = current_invitations().filter(official__user=user).select_related("official__local_government").first()
    if invitation is None:
        return official_for(user), None
    _remember_official(user, invitation.official)
    return invitation.official, invitation.initiative


class OfficialRequiredMixin(LoginRequiredMixin):
    """Anonymous visitors go to the login page; a signed-in user who is not an official gets 404. Loads
    `self.official` and `self.initiative`, the one they take part in now (None when not invited)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.official, self.initiative = official_and_initiative(request.user)
            if self.official is None:
                raise Http404("No official is linked to this account.")
        return super().dispatch(request, *args, **kwargs)
