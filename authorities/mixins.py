"""The one mixin every page of an official starts from: who is asking, as an Official, or 404."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404

from alp_portal.generations import Generation, reads_only

from .models import Invitation, LocalGovernment, Official
from .queries import current_invitations

# Who an official is and the initiative they take part in now, asked by every page an official reads: kept in
# the shared cache until an official, a government, an invitation or an initiative changes (one cache read
# instead of a query of four tables, about 2 ms of the official's home; issue 14). Followed from
# AuthoritiesConfig.ready; pages that write read the rows themselves (see `official_and_initiative`).
OFFICIALS = Generation("official-and-initiative")


def follow_officials():
    OFFICIALS.follow(Official, LocalGovernment, Invitation, Invitation.initiative.field.related_model)


def _remember_official(user, official):
    """Keeps `official` (or that there is none) on the user: the navigation asks `user.official` on every page,
    which would read it again. (Assigning `user.official = None` would not remember the None.)"""
    Official.user.field.remote_field.set_cached_value(user, official)


def official_and_initiative(user, kept=False):
    """The Official linked to `user` (with their government) and the initiative they take part in now (as
    `current_initiative` decides), for the official's pages: one query for an official invited somewhere, two
    for one who is not; (None, None) for anyone else (anonymous, staff, an account not linked).

    `kept`: as kept in the shared cache since the last change of those rows (no query when it is), for a page
    that only reads. A page that writes reads the rows: what it decides (the stage that accepts a form, the
    official it saves) never rests on a copy, even one that a writer forgot to announce had gone stale."""
    if not user.is_authenticated:
        return None, None
    if kept:
        official, initiative = OFFICIALS.kept(str(user.pk), lambda: _read_official_and_initiative(user))
    else:
        official, initiative = _read_official_and_initiative(user)
    _remember_official(user, official)
    return official, initiative


def _read_official_and_initiative(user):
    invitation = current_invitations().filter(official__user=user).select_related("official__local_government").first()
    if invitation is None:
        return Official.objects.select_related("local_government").filter(user=user).first(), None
    return invitation.official, invitation.initiative


class OfficialRequiredMixin(LoginRequiredMixin):
    """Anonymous visitors go to the login page; a signed-in user who is not an official gets 404. Loads
    `self.official` and `self.initiative`, the one they take part in now (None when not invited)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.official, self.initiative = official_and_initiative(request.user, kept=reads_only(request))
            if self.official is None:
                raise Http404("No official is linked to this account.")
        return super().dispatch(request, *args, **kwargs)
