from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CODE_ALPHABET, CODE_LENGTH


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


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Shown on the public verification page and sent to the holder."),
    )


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
