"""The official's account pages: accepting the invitation, asking for a new link, the profile."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.generic import FormView

from alp_portal.client import client_address

from .forms import AcceptInvitationForm, NewInvitationLinkForm, ProfileForm
from .mixins import OfficialRequiredMixin
from .models import Invitation
from .preferences import set_language_cookie
from .services import (
    PROFILE_FIELDS,
    InvitationAlreadyAccepted,
    InvitationError,
    InvitationExpired,
    InvitationNotFound,
    accept_invitation,
    invitation_state,
    request_new_invitation_link,
    update_profile,
)

LOGIN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


# Personal though anonymous (the link is the key): kept by no cache, like every page of a signed-in user
# (alp_portal.middleware.PrivateResponseMiddleware).
@method_decorator(cache_control(private=True, no_store=True), name="dispatch")
class InvitationAcceptView(View):
    """The personal link of the invitation e-mail: choose a password, and the account exists."""

    template_name = "authorities/invitation_accept.html"

    def dispatch(self, request, token):
        self.token = token
        self.invitation = (
            Invitation.objects.select_related("official__local_government", "initiative").with_link_token(token).first()
        )
        return super().dispatch(request, token)

    def get(self, request, token):
        try:
            invitation_state(self.invitation)
        except InvitationError as error:
            return self.problem(error)
        return self.show(AcceptInvitationForm(official=self.invitation.official))

    def post(self, request, token):
        try:
            invitation_state(self.invitation)
        except InvitationError as error:
            return self.problem(error)
        official = self.invitation.official
        form = AcceptInvitationForm(request.POST, official=official)
        if not form.is_valid():
            return self.show(form)
        try:
            user = accept_invitation(token=token, password=form.cleaned_data["password2"])
        except InvitationError as error:
            return self.problem(error)
        login(request, user, backend=LOGIN_BACKEND)
        response = redirect("home")
        set_language_cookie(response, official.language)
        messages.success(request, _("Welcome, %(name)s. Your account is ready.") % {"name": official.first_name})
        return response

    def show(self, form):
        return render(
            self.request,
            self.template_name,
            {"form": form, "invitation": self.invitation, "official": self.invitation.official},
        )

    def problem(self, error):
        if isinstance(error, InvitationAlreadyAccepted):
            official = error.invitation.official
            if self.request.user.is_authenticated and official.user_id == self.request.user.pk:
                # A double click, or the link opened again: the account is there and in use.
                return redirect("home")
        offer_new_link = isinstance(error, InvitationExpired | InvitationNotFound)
        initial = {"email": error.invitation.official.email} if isinstance(error, InvitationExpired) else {}
        return render(
            self.request,
            "authorities/invitation_problem.html",
            {
                "error": error,
                "accepted": isinstance(error, InvitationAlreadyAccepted),
                "form": NewInvitationLinkForm(initial=initial) if offer_new_link else None,
            },
            status=404 if isinstance(error, InvitationNotFound) else 200,
        )


# A new link costs an e-mail: at most this many requests per hour from one address and for one e-mail address.
NEW_LINK_LIMITS = (("ip", 10), ("email", 3))
NEW_LINK_WINDOW = 60 * 60


def _over_limit(kind, value, limit):
    key = f"alp:new-invitation-link:{kind}:{value}"
    if cache.add(key, 1, NEW_LINK_WINDOW):
        return False
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add() and incr()
        return False


class NewInvitationLinkView(FormView):
    """Ask for a fresh invitation link. The answer is the same whether or not the address was invited."""

    template_name = "authorities/invitation_new_link.html"
    form_class = NewInvitationLinkForm

    def form_valid(self, form):
        email = form.cleaned_data["email"].lower()
        ip = client_address(self.request)
        if any(
            _over_limit(kind, value, limit)
            for kind, value, limit in ((k, ip if k == "ip" else email, n) for k, n in NEW_LINK_LIMITS)
        ):
            form.add_error(None, _("Too many requests for a new link. Please try again in an hour."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        request_new_invitation_link(email=email)
        return render(self.request, "authorities/invitation_new_link_sent.html", {"email": email})


class ProfileView(OfficialRequiredMixin, FormView):
    template_name = "authorities/profile.html"
    form_class = ProfileForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.official}

    def form_valid(self, form):
        official = update_profile(official=self.official, **{name: form.cleaned_data[name] for name in PROFILE_FIELDS})
        response = redirect(reverse("profile"))
        set_language_cookie(response, official.language)  # also activates it, for the message below
        messages.success(self.request, _("Your profile is saved."))
        return response

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "official": self.official}
