from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from .enums import Gender
from .models import Invitation, Official


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, official, **kwargs):
        super().__init__(*args, **kwargs)
        self.official = official

    def clean_password2(self):
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data["password2"]
        if password1 and password1 != password2:
            raise forms.ValidationError(_("The two passwords differ. Type the same password twice."))
        return password2

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password2")
        if password:
            # The similarity check compares with who the official is, before the account exists.
            someone = get_user_model()(
                username=self.official.email,
                email=self.official.email,
                first_name=self.official.first_name,
                last_name=self.official.last_name,
            )
            try:
                password_validation.validate_password(password, someone)
            except forms.ValidationError as error:
                self.add_error("password2", error)


class NewInvitationLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The address the invitation was sent to."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def time_zone_choices():
    import zoneinfo

    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return [
        ("", _("My country's (its capital's)")),
        *((z, z.replace("_", " ")) for z in zones),
    ]


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        choices=time_zone_choices,
        help_text=_("Dates and times of sessions are shown in this time zone."),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=[("", _("Not given")), *Gender.choices],
        help_text=_("Optional. Used only for figures by gender, never shown with your name."),
    )

    class Meta:
        model = Official
        fields = [
            "first_name",
            "last_name",
            "position",
            "role_kind",
            "language",
            "time_zone",
            "gender",
            "public_consent",
        ]
        labels = {"public_consent": _("I agree to appear by name in the public list of recognized authorities")}
        help_texts = {
            "language": _("The portal and its e-mails use this language."),
            "public_consent": _(
                "Only your name, position and government are shown, and only once you are recognized. "
                "You can change your mind here at any time."
            ),
        }


class InviteForm(forms.Form):
    """The initiative to invite officials to (the admin's bulk invitation)."""

    initiative = forms.ModelChoiceField(
        label=_("Initiative"),
        queryset=Invitation._meta.get_field("initiative").related_model.objects.order_by("-year", "name"),
    )
