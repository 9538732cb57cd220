from django import forms
from django.utils.translation import gettext_lazy as _


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
