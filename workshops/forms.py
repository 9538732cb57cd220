"""Forms of the officials' portal. They validate; the services in services.py write."""

import secrets
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from alp_portal.admin import ReasonForm

from .enums import ActionStatus, AttendanceStatus, ContributionKind, QuestionnaireKind
from .models import QuestionnaireResponse
from .reports import MAX_REPORT_BYTES
from .services import ActionInput


@dataclass(frozen=True)
class Choice:
    """A GCM objective or guiding principle as the forms show it: number and title in the user's language."""

    pk: int
    number: int
    title: str
    # The same as strings, for templates that print them hundreds of times on a long Automapeo.
    key: str = ""
    num: str = ""


def reference_choices(queryset):
    return [
        Choice(item.pk, item.number, item.title, str(item.pk), str(item.number)) for item in queryset.order_by("number")
    ]


class ReferenceChoicesMixin:
    """Objectives and principles are read once per request and shared by every form of a page."""

    def set_reference_choices(self, name, choices):
        field = self.fields[name]
        field.choices = [(c.pk, f"{c.number}. {c.title}") for c in choices]

    def checked(self, name):
        return {str(value) for value in (self[name].value() or [])}

    def chosen_numbers(self, name, choices):
        checked = self.checked(name)
        return [c.number for c in choices if c.key in checked]


class ActionForm(ReferenceChoicesMixin, forms.Form):
    """One action of the Automapeo. Everything is optional in a draft; submitting asks for more."""

    id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title of the action"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the action does, for whom, and since when."),
    )
    objectives = forms.TypedMultipleChoiceField(label=_("GCM objectives it relates to"), coerce=int, required=False)
    principles = forms.TypedMultipleChoiceField(label=_("Guiding principles it relates to"), coerce=int, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.PLANNED)
    to_strengthen = forms.CharField(
        label=_("What could be strengthened"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the action could take up more of the GCM's objectives and principles."),
    )

    def __init__(self, *args, objective_choices, principle_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.objective_choices = objective_choices
        self.principle_choices = principle_choices
        self.set_reference_choices("objectives", objective_choices)
        self.set_reference_choices("principles", principle_choices)

    @property
    def objectives_checked(self):
        return self.checked("objectives")

    @property
    def principles_checked(self):
        return self.checked("principles")

    @property
    def objective_numbers(self):
        return self.chosen_numbers("objectives", self.objective_choices)

    @property
    def principle_numbers(self):
        return self.chosen_numbers("principles", self.principle_choices)

    @property
    def status_value(self):
        return str(self["status"].value() or ActionStatus.PLANNED)


class BaseActionFormSet(forms.BaseFormSet):
    def __init__(self, *args, submitting=False, **kwargs):
        self.submitting = submitting
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(self.errors) or not self.submitting:
            return
        kept = 0
        for form in self.forms:
            if not form.cleaned_data or self._should_delete_form(form):
                continue
            kept += 1
            if not form.cleaned_data.get("title", "").strip():
                form.add_error("title", _("Give this action a title before submitting."))
            if not form.cleaned_data.get("objectives"):
                form.add_error("objectives", _("Choose at least one GCM objective this action relates to."))
        if not kept:
            raise forms.ValidationError(_("Add at least one action before submitting the Automapeo."))
        if any(self.errors):
            raise forms.ValidationError(_("Some actions need more before the Automapeo can be submitted."))

    def action_inputs(self):
        """The actions the form shows, in order, for services.save_automapeo."""
        inputs = []
        for form in self.forms:
            data = form.cleaned_data
            if not data:
                continue  # an empty new action
            inputs.append(
                ActionInput(
                    key=form.prefix,
                    id=data.get("id"),
                    title=data.get("title", ""),
                    description=data.get("description", ""),
                    objectives=tuple(data.get("objectives", ())),
                    principles=tuple(data.get("principles", ())),
                    status=data.get("status") or ActionStatus.PLANNED,
                    to_strengthen=data.get("to_strengthen", ""),
                    delete=self._should_delete_form(form),
                )
            )
        return inputs


ActionFormSet = forms.formset_factory(
    ActionForm, formset=BaseActionFormSet, extra=1, can_delete=True, max_num=100, absolute_max=100
)


def action_formset(data=None, *, actions=(), objective_choices, principle_choices, submitting=False):
    initial = [
        {
            "id": action.pk,
            "title": action.title,
            "description": action.description,
            "objectives": [o.pk for o in action.objectives.all()],
            "principles": [p.pk for p in action.principles.all()],
            "status": action.status,
            "to_strengthen": action.to_strengthen,
        }
        for action in actions
    ]
    return ActionFormSet(
        data,
        initial=None if data is not None else initial,
        prefix="actions",
        submitting=submitting,
        form_kwargs={"objective_choices": objective_choices, "principle_choices": principle_choices},
    )


class RevisionForm(forms.Form):
    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


def new_form_key():
    return secrets.token_urlsafe(16)


class ContributionForm(ReferenceChoicesMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContributionKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Your contribution"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A challenge or concern of your government, or an action it has taken."),
    )
    objectives = forms.TypedMultipleChoiceField(
        label=_("GCM objectives it relates to"),
        coerce=int,
        error_messages={"required": _("Choose at least one GCM objective.")},
    )
    form_key = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, objective_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.objective_choices = objective_choices
        self.set_reference_choices("objectives", objective_choices)

    @property
    def objectives_checked(self):
        return self.checked("objectives")

    @property
    def objective_numbers(self):
        return self.chosen_numbers("objectives", self.objective_choices)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write your contribution."))
        return text


SCALE = [(n, str(n)) for n in range(1, 6)]


class QuestionnaireForm(forms.ModelForm):
    knowledge = forms.TypedChoiceField(
        label=_("How would you rate your knowledge of local migration governance?"),
        help_text=_("From 1 (none) to 5 (very good)."),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    satisfaction = forms.TypedChoiceField(
        label=_("How far did the workshop meet your expectations?"),
        help_text=_("From 1 (not at all) to 5 (completely)."),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = QuestionnaireResponse
        fields = ["knowledge", "expectations", "satisfaction", "use_of_learning", "comments"]
        labels = {
            "expectations": _("What do you expect from this initiative?"),
            "use_of_learning": _("How will you use what you learned in your daily work?"),
            "comments": _("Anything else you want to tell us (optional)"),
        }
        widgets = {
            "expectations": forms.Textarea(attrs={"rows": 4}),
            "use_of_learning": forms.Textarea(attrs={"rows": 4}),
            "comments": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = QuestionnaireKind(kind)
        if self.kind == QuestionnaireKind.ENTRY:
            del self.fields["satisfaction"]
            del self.fields["use_of_learning"]
            self.fields["expectations"].required = True
        else:
            del self.fields["expectations"]
            self.fields["knowledge"].label = _(
                "After the workshop, how would you rate your knowledge of local migration governance?"
            )
            self.fields["use_of_learning"].required = True
        for name in ("expectations", "use_of_learning", "comments"):
            if name in self.fields:
                self.fields[name].help_text = ""


class RegistrationForm(forms.Form):
    event = forms.TypedChoiceField(
        label=_("Workshop edition"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one edition."),
            "invalid_choice": _("Choose one of the editions listed."),
        },
    )

    def __init__(self, *args, editions, **kwargs):
        super().__init__(*args, **kwargs)
        self.editions = {edition.pk: edition for edition in editions}
        self.fields["event"].choices = [(edition.pk, edition.title) for edition in editions]

    def clean_event(self):
        return self.editions[self.cleaned_data["event"]]


class ReportUploadForm(forms.Form):
    report = forms.FileField(
        label=_("Participant report"),
        allow_empty_file=True,  # the report reader says what an empty file should have held
        help_text=_(
            "The file as the meeting tool exports it: Zoom (Reports, Usage, Participants: CSV), Microsoft "
            "Teams (attendance report, CSV) or Google Meet (attendance, CSV). Nothing is recorded until you "
            "check the matches and confirm."
        ),
    )

    def clean_report(self):
        upload = self.cleaned_data["report"]
        if upload.size > MAX_REPORT_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)d KB; at most %(limit)d KB). Upload the report as exported."),
                params={"size": upload.size // 1024, "limit": MAX_REPORT_BYTES // 1024},
            )
        return upload


class SendInvitationsForm(forms.Form):
    officials = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label=_("Officials"),
        help_text=_("Those who already received this schedule get nothing; those with an older one get an update."),
    )

    def __init__(self, *args, officials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officials"].queryset = officials


class AttendanceCorrectionForm(ReasonForm):
    """A correction of attendance by hand: the new status, the minutes attended (empty: not measured), why."""

    status = forms.ChoiceField(label=_("status"), choices=AttendanceStatus.choices)
    minutes = forms.IntegerField(
        label=_("minutes attended"),
        required=False,
        min_value=0,
        max_value=24 * 60,
        help_text=_("Leave empty when the time was not measured."),
    )
    field_order = ["status", "minutes", "reason"]
