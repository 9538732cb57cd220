from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CODE_ALPHABET, CODE_LENGTH, Recognition


def normalize_code(value):
    """A code as typed (any case, spaces or hyphens anywhere) in its printed form, or "" if it is none."""
    raw = "".join(ch for ch in value.upper() if ch.isalnum())
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return ""
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("The code printed under the QR code, for example 7KQ4-MZ2P-X9RT."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(
                _("A code has 12 letters and digits, in three groups of four, for example 7KQ4-MZ2P-X9RT.")
            )
        return code


class GovernmentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.holder_name} · {obj.initiative} · {obj.code}"


class RevokeForm(forms.Form):
    """The reason for revoking the selected recognitions and, when revoking them leaves government recognitions
    without any valid person recognition (`governments`), the offer to revoke those too: checked, with a
    reason of their own, prefilled and editable."""

    reason = forms.CharField(
        label=_("Reason for revocation"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Shown on the public verification page and sent to the holder."),
    )
    governments = GovernmentChoiceField(
        label=_("Revoke these local governments' recognitions too"),
        queryset=Recognition.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "None of their people would hold a valid recognition of the initiative any more: a local government "
            "is recognized for its people. Uncheck a government to keep its recognition."
        ),
    )
    government_reason = forms.CharField(
        label=_("Reason for revoking the governments' recognitions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Shown on their verification pages and sent to their officials."),
    )

    def __init__(self, *args, governments=None, **kwargs):
        super().__init__(*args, **kwargs)
        offered = [government.pk for government in governments] if governments is not None else []
        if not offered:
            del self.fields["governments"], self.fields["government_reason"]
            return
        self.fields["governments"].queryset = governments
        self.fields["governments"].initial = offered
        self.fields["government_reason"].initial = _(
            "None of the people of this local government holds a valid recognition of the initiative any more."
        )

    def clean(self):
        data = super().clean()
        if data.get("governments") and not (data.get("government_reason") or "").strip():
            self.add_error("government_reason", _("Say why the governments' recognitions are revoked."))
        return data


class OverrideForm(forms.Form):
    official = forms.IntegerField(widget=forms.HiddenInput)
    eligible = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[
            ("1", _("Eligible")),
            ("0", _("Not eligible")),
            ("", _("Follow the rule (remove the override)")),
        ],
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 40}))

    def clean(self):
        data = super().clean()
        if data.get("eligible") is not None and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why: the reason is recorded and shown with the decision."))
        return data
