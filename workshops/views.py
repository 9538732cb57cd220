"""An official's workshop pages: their sessions (with calendar files) and their registration."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from authorities.mixins import OfficialRequiredMixin
from authorities.preferences import time_zone_name
from authorities.queries import current_initiative

from . import calendar
from .forms import RegistrationForm
from .models import Registration
from .queries import my_sessions, workshop_editions
from .services import RegistrationError, register_for_edition


class MySessionsView(OfficialRequiredMixin, TemplateView):
    template_name = "workshops/my_sessions.html"

    def get_context_data(self, **kwargs):
        initiative = current_initiative(self.official)
        return {
            **super().get_context_data(**kwargs),
            "initiative": initiative,
            "entries": my_sessions(self.official, initiative),
            "time_zone": time_zone_name(self.official),
        }


def _ics_response(text, filename):
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class MySessionsCalendarView(OfficialRequiredMixin, View):
    """All the official's sessions as one calendar file."""

    def get(self, request):
        initiative = current_initiative(self.official)
        entries = my_sessions(self.official, initiative)
        name = initiative.name if initiative else _("My sessions")
        return _ics_response(
            calendar.calendar(entries, host=request.get_host(), name=name), "alp-sessions.ics"
        )


class SessionCalendarView(OfficialRequiredMixin, View):
    """One session as a calendar file; a session that is not the official's answers 404."""

    def get(self, request, pk):
        initiative = current_initiative(self.official)
        entry = next((e for e in my_sessions(self.official, initiative) if e.session.pk == pk), None)
        if entry is None:
            raise Http404("Not one of your sessions.")
        text = calendar.calendar([entry], host=request.get_host(), name=entry.session.title)
        return _ics_response(text, f"alp-session-{pk}.ics")


class RegistrationView(OfficialRequiredMixin, FormView):
    """Register for one workshop edition, or change it until the editions start."""

    template_name = "workshops/registration.html"
    form_class = RegistrationForm

    def setup_official_data(self):
        self.initiative = current_initiative(self.official)
        self.editions = workshop_editions(self.initiative)
        now = timezone.now()
        for edition in self.editions:
            edition.started = edition.first_start is not None and edition.first_start <= now
        self.registration = (
            Registration.objects.filter(official=self.official, initiative=self.initiative).first()
            if self.initiative
            else None
        )

    def get_form_kwargs(self):
        self.setup_official_data()
        kwargs = {**super().get_form_kwargs(), "editions": self.editions}
        if self.registration is not None:
            kwargs["initial"] = {"event": self.registration.event_id}
        return kwargs

    def form_valid(self, form):
        try:
            registration = register_for_edition(official=self.official, event=form.cleaned_data["event"])
        except RegistrationError as error:
            form.add_error("event", error.message)
            return self.form_invalid(form)
        messages.success(
            self.request, _("You are registered for %(edition)s.") % {"edition": registration.event.title}
        )
        return redirect("registration")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "initiative": self.initiative,
            "editions": self.editions,
            "registration": self.registration,
            "time_zone": time_zone_name(self.official),
        }
