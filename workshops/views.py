"""The officials' long forms: the Automapeo de gestión, the ALMI and the entry and exit questionnaires.

Every page starts from the official behind the request and the initiative they are invited to now; a user
who is not an official (anonymous: to the login page; staff: 404, they use the admin) never reaches them.
"""

import zoneinfo
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from alp_portal.generations import reads_only
from authorities.mixins import OfficialRequiredMixin, official_and_initiative
from authorities.preferences import time_zone_name
from initiative.models import GuidingPrinciple, Objective

from . import calendar
from .enums import ActionStatus, ContributionKind, QuestionnaireKind, SubmissionStatus
from .forms import (
    ContributionForm,
    QuestionnaireForm,
    RegistrationForm,
    RevisionForm,
    action_formset,
    new_form_key,
    reference_choices,
)
from .models import AlmiContribution, Registration
from .queries import (
    automapeo_for,
    government_contributions,
    my_sessions,
    questionnaire_of,
    submissions_closed_at,
    workshop_editions,
)
from .rules import questionnaire_accepts_answers, stage_accepts_submissions
from .services import (
    ActionNotFound,
    RegistrationError,
    StaleAutomapeo,
    SubmissionsClosed,
    add_almi_contribution,
    answer_questionnaire,
    change_almi_contribution,
    register_for_edition,
    save_automapeo,
)


def official_time_zone(official):
    """The official's time zone (authorities.preferences.time_zone_name); dates on these pages are shown in it."""
    return zoneinfo.ZoneInfo(time_zone_name(official))


class OfficialPortalMixin(AccessMixin):
    """Loads `self.official` (with their government) and `self.initiative` (one query), or refuses."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.official, self.initiative = official_and_initiative(request.user, kept=reads_only(request))
        if self.official is None:
            raise Http404("Not an official.")
        if self.initiative is None:
            raise Http404("Not invited to an initiative.")
        self.government = self.official.local_government
        zone = official_time_zone(self.official)
        if zone is None:
            return super().dispatch(request, *args, **kwargs)
        with timezone.override(zone):
            return super().dispatch(request, *args, **kwargs)

    def stage_context(self, accepts):
        return {
            "official": self.official,
            "government": self.government,
            "initiative": self.initiative,
            "accepts": accepts,
            "closes_at": self.initiative.submissions_close_at if accepts else None,
            "closed_at": None if accepts else submissions_closed_at(self.initiative),
        }


def display_name(user):
    if user is None:
        return _("someone")
    official = getattr(user, "official", None)
    return official.full_name if official else user.get_full_name() or user.email


@dataclass
class ActionSummary:
    """An action as the read-only lists and the side-by-side comparison show it."""

    title: str
    description: str
    objectives: list
    principles: list
    status: str
    to_strengthen: str


def summarize_stored(action):
    return ActionSummary(
        title=action.title,
        description=action.description,
        objectives=[(o.number, o.title) for o in action.objectives.all()],
        principles=[(p.number, p.title) for p in action.principles.all()],
        status=action.get_status_display(),
        to_strengthen=action.to_strengthen,
    )


def summarize_input(data, objectives_by_pk, principles_by_pk):
    return ActionSummary(
        title=data.title,
        description=data.description,
        objectives=[
            (c.number, c.title)
            for pk in sorted(data.objectives, key=lambda pk: objectives_by_pk[pk].number)
            for c in [objectives_by_pk[pk]]
        ],
        principles=[
            (c.number, c.title)
            for pk in sorted(data.principles, key=lambda pk: principles_by_pk[pk].number)
            for c in [principles_by_pk[pk]]
        ],
        status=ActionStatus(data.status).label,
        to_strengthen=data.to_strengthen,
    )


def rebind(data, *, revision, ids=None, blank_ids=()):
    """The posted form again, with the revision it now stands on and the ids of actions it created."""
    data = data.copy()
    data["revision"] = str(revision)
    for key, pk in (ids or {}).items():
        data[f"{key}-id"] = str(pk)
    total = int(data.get("actions-TOTAL_FORMS") or 0)
    for index in range(total):
        name = f"actions-{index}-id"
        if data.get(name) and data[name] in blank_ids:
            data[name] = ""
    return data


class AutomapeoView(OfficialPortalMixin, View):
    template_name = "workshops/automapeo.html"

    def load_reference(self):
        self.objective_choices = reference_choices(Objective.objects.all())
        self.principle_choices = reference_choices(GuidingPrinciple.objects.all())

    def render_page(self, request, *, formset, revision, automapeo, actions, status=200, **extra):
        accepts = stage_accepts_submissions(self.initiative)
        context = {
            **self.stage_context(accepts),
            "automapeo": automapeo,
            "submitted": automapeo is not None and automapeo.status == SubmissionStatus.SUBMITTED,
            "saved_by": display_name(automapeo.last_saved_by) if automapeo and automapeo.last_saved_by_id else "",
            "submitted_by": display_name(automapeo.submitted_by) if automapeo and automapeo.submitted_by_id else "",
            "formset": formset,
            "empty_form": formset.empty_form if formset is not None else None,
            "revision": revision,
            "summaries": [summarize_stored(a) for a in actions] if formset is None else [],
            "objective_choices": self.objective_choices,
            "principle_choices": self.principle_choices,
            "status_choices": ActionStatus.choices,
            **extra,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        self.load_reference()
        automapeo, actions = automapeo_for(self.government, self.initiative)
        formset = None
        if stage_accepts_submissions(self.initiative):
            formset = action_formset(
                actions=actions,
                objective_choices=self.objective_choices,
                principle_choices=self.principle_choices,
            )
        return self.render_page(
            request,
            formset=formset,
            revision=automapeo.revision if automapeo else 0,
            automapeo=automapeo,
            actions=actions,
        )

    def post(self, request):
        self.load_reference()
        submitting = "submit" in request.POST
        revision_form = RevisionForm(request.POST)
        if not revision_form.is_valid():
            return HttpResponseBadRequest("Missing revision.")
        revision = revision_form.cleaned_data["revision"]
        formset = self.bound(request.POST, submitting)
        automapeo, actions = automapeo_for(self.government, self.initiative)
        page = {"automapeo": automapeo, "actions": actions}

        if not stage_accepts_submissions(self.initiative):
            formset.is_valid()
            return self.render_page(
                request,
                formset=formset,
                revision=revision,
                status=403,
                alert=SubmissionsClosed(self.initiative).message,
                **page,
            )
        if not formset.is_valid():
            return self.invalid(request, formset, revision, submitting, page)
        try:
            save_automapeo(
                official=self.official,
                initiative=self.initiative,
                user=request.user,
                revision=revision,
                actions=formset.action_inputs(),
                submit=submitting,
            )
        except ActionNotFound:
            raise Http404("No such action.") from None
        except StaleAutomapeo as stale:
            return self.conflict(request, formset, stale, page)
        except SubmissionsClosed as closed:
            return self.render_page(
                request, formset=formset, revision=revision, status=403, alert=closed.message, **page
            )
        if submitting:
            messages.success(
                request,
                _("Thank you: the Automapeo of %(government)s is submitted.") % {"government": self.government.name},
            )
        else:
            messages.success(request, _("Draft saved."))
        return redirect("automapeo")

    def bound(self, data, submitting):
        return action_formset(
            data,
            objective_choices=self.objective_choices,
            principle_choices=self.principle_choices,
            submitting=submitting,
        )

    def invalid(self, request, formset, revision, submitting, page):
        """Errors next to the fields. When only submitting needs more, what was typed is saved as a draft."""
        draft = self.bound(request.POST, False) if submitting else None
        if draft is None or not draft.is_valid():
            return self.render_page(request, formset=formset, revision=revision, **page)
        try:
            result = save_automapeo(
                official=self.official,
                initiative=self.initiative,
                user=request.user,
                revision=revision,
                actions=draft.action_inputs(),
            )
        except ActionNotFound:
            raise Http404("No such action.") from None
        except StaleAutomapeo as stale:
            return self.conflict(request, formset, stale, page)
        formset = self.bound(rebind(request.POST, revision=result.automapeo.revision, ids=result.ids), True)
        formset.is_valid()
        automapeo, actions = automapeo_for(self.government, self.initiative)
        return self.render_page(
            request,
            formset=formset,
            revision=result.automapeo.revision,
            automapeo=automapeo,
            actions=actions,
            alert=_("Your changes are saved as a draft. To submit, complete what is marked below."),
        )

    def conflict(self, request, formset, stale, page):
        """Refuse a stale save: show their version and ours side by side, and keep ours in the form."""
        current = stale.automapeo
        current_ids = {str(a.pk) for a in stale.actions}
        posted_ids = {request.POST.get(f"{form.prefix}-id") for form in formset.forms} - {None, ""}
        data = rebind(request.POST, revision=current.revision, blank_ids=posted_ids - current_ids)
        objectives = {c.pk: c for c in self.objective_choices}
        principles = {c.pk: c for c in self.principle_choices}
        theirs = [summarize_stored(a) for a in stale.actions]
        yours = [summarize_input(a, objectives, principles) for a in formset.action_inputs() if not a.delete]
        automapeo, actions = automapeo_for(self.government, self.initiative)
        return self.render_page(
            request,
            formset=self.bound(data, False),
            revision=current.revision,
            status=409,
            automapeo=automapeo,
            actions=actions,
            conflict={
                "theirs": theirs,
                "yours": yours,
                "saved_by": display_name(automapeo.last_saved_by) if automapeo.last_saved_by_id else "",
                "saved_at": automapeo.updated,
            },
        )


class AutomapeoAutosaveView(OfficialPortalMixin, View):
    """The same save as the page's "Save draft" button, answering JSON for the autosave script."""

    http_method_names = ["post"]

    def post(self, request):
        revision_form = RevisionForm(request.POST)
        if not revision_form.is_valid():
            return JsonResponse({"message": _("The page is out of date: reload it.")}, status=400)
        if not stage_accepts_submissions(self.initiative):
            return JsonResponse({"message": SubmissionsClosed(self.initiative).message}, status=403)
        formset = action_formset(
            request.POST,
            objective_choices=reference_choices(Objective.objects.all()),
            principle_choices=reference_choices(GuidingPrinciple.objects.all()),
        )
        if not formset.is_valid():
            errors = {
                f"{form.prefix}-{name}": [str(e) for e in errs]
                for form in formset.forms
                for name, errs in form.errors.items()
            }
            return JsonResponse(
                {
                    "message": _("Not saved: check the fields marked in red, then save the draft."),
                    "errors": errors,
                },
                status=400,
            )
        try:
            result = save_automapeo(
                official=self.official,
                initiative=self.initiative,
                user=request.user,
                revision=revision_form.cleaned_data["revision"],
                actions=formset.action_inputs(),
            )
        except ActionNotFound:
            raise Http404("No such action.") from None
        except StaleAutomapeo:
            return JsonResponse(
                {
                    "message": _(
                        "Someone else from your government saved this Automapeo after you opened it. "
                        "Your latest changes are not saved yet: press “Save draft” to compare both versions."
                    )
                },
                status=409,
            )
        except SubmissionsClosed as closed:
            return JsonResponse({"message": closed.message}, status=403)
        saved_at = formats.time_format(timezone.localtime(result.automapeo.updated), "TIME_FORMAT")
        return JsonResponse(
            {
                "revision": result.automapeo.revision,
                "ids": result.ids,
                "message": _("Draft saved at %(time)s.") % {"time": saved_at},
            }
        )


class AlmiView(OfficialPortalMixin, View):
    template_name = "workshops/almi.html"

    def render_page(self, request, form, status=200, **extra):
        accepts = stage_accepts_submissions(self.initiative)
        contributions = government_contributions(self.government, self.initiative)
        groups = [
            (kind, label, [c for c in contributions if c.kind == kind]) for kind, label in ContributionKind.choices
        ]
        context = {
            **self.stage_context(accepts),
            "form": form,
            "groups": groups,
            "count": len(contributions),
            **extra,
        }
        return render(request, self.template_name, context, status=status)

    def new_form(self, data=None):
        return ContributionForm(
            data,
            initial={"form_key": new_form_key()},
            objective_choices=reference_choices(Objective.objects.all()),
        )

    def get(self, request):
        return self.render_page(request, self.new_form())

    def post(self, request):
        form = self.new_form(request.POST)
        if not form.is_valid():
            return self.render_page(request, form)
        try:
            add_almi_contribution(
                official=self.official,
                initiative=self.initiative,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                objectives=form.cleaned_data["objectives"],
                form_key=form.cleaned_data["form_key"],
            )
        except SubmissionsClosed as closed:
            return self.render_page(request, form, status=403, alert=closed.message)
        messages.success(
            request,
            _("Your contribution is added to the ALMI of %(government)s.") % {"government": self.government.name},
        )
        return redirect("almi")


class AlmiEditView(OfficialPortalMixin, View):
    template_name = "workshops/almi_edit.html"

    def get_object(self, pk):
        # Only one's own contributions are editable; anything else, of this government or another, is a 404.
        return get_object_or_404(
            AlmiContribution.objects.filter(
                author=self.official, local_government=self.government, initiative=self.initiative
            ).prefetch_related("objectives"),
            pk=pk,
        )

    def render_page(self, request, form, contribution, status=200, **extra):
        accepts = stage_accepts_submissions(self.initiative)
        context = {**self.stage_context(accepts), "form": form, "contribution": contribution, **extra}
        return render(request, self.template_name, context, status=status)

    def make_form(self, contribution, data=None):
        return ContributionForm(
            data,
            initial={
                "kind": contribution.kind,
                "text": contribution.text,
                "objectives": [o.pk for o in contribution.objectives.all()],
            },
            objective_choices=reference_choices(Objective.objects.all()),
        )

    def get(self, request, pk):
        contribution = self.get_object(pk)
        return self.render_page(request, self.make_form(contribution), contribution)

    def post(self, request, pk):
        contribution = self.get_object(pk)
        form = self.make_form(contribution, request.POST)
        if not form.is_valid():
            return self.render_page(request, form, contribution)
        try:
            change_almi_contribution(
                contribution=contribution,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                objectives=form.cleaned_data["objectives"],
            )
        except SubmissionsClosed as closed:
            return self.render_page(request, form, contribution, status=403, alert=closed.message)
        messages.success(request, _("Your contribution is saved."))
        return redirect("almi")


class QuestionnaireView(OfficialPortalMixin, View):
    template_name = "workshops/questionnaire.html"

    def dispatch(self, request, *args, kind, **kwargs):
        if kind not in QuestionnaireKind.values:
            raise Http404("No such questionnaire.")
        self.kind = QuestionnaireKind(kind)
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, request, form, response=None, status=200, **extra):
        accepts = questionnaire_accepts_answers(self.initiative, self.kind)
        context = {
            **self.stage_context(accepts),
            "kind": self.kind,
            "form": form,
            "response": response,
            **extra,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        response = questionnaire_of(self.official, self.initiative, self.kind)
        return self.render_page(request, QuestionnaireForm(kind=self.kind), response)

    def post(self, request):
        form = QuestionnaireForm(request.POST, kind=self.kind)
        if not form.is_valid():
            return self.render_page(request, form, questionnaire_of(self.official, self.initiative, self.kind))
        try:
            _response, created = answer_questionnaire(
                official=self.official, initiative=self.initiative, kind=self.kind, **form.cleaned_data
            )
        except SubmissionsClosed as closed:
            return self.render_page(request, form, status=403, alert=closed.message)
        if created:
            messages.success(request, _("Thank you for your answers."))
        else:
            messages.info(request, _("You had already answered this questionnaire: your first answers are kept."))
        return redirect("questionnaire", kind=self.kind.value)


class MySessionsView(OfficialRequiredMixin, TemplateView):
    template_name = "workshops/my_sessions.html"

    def get_context_data(self, **kwargs):
        initiative = self.initiative
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
        initiative = self.initiative
        entries = my_sessions(self.official, initiative)
        name = initiative.name if initiative else _("My sessions")
        return _ics_response(calendar.calendar(entries, host=request.get_host(), name=name), "alp-sessions.ics")


class SessionCalendarView(OfficialRequiredMixin, View):
    """One session as a calendar file; a session that is not the official's answers 404."""

    def get(self, request, pk):
        initiative = self.initiative
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
        messages.success(self.request, _("You are registered for %(edition)s.") % {"edition": registration.event.title})
        return redirect("registration")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "initiative": self.initiative,
            "editions": self.editions,
            "registration": self.registration,
            "time_zone": time_zone_name(self.official),
        }
