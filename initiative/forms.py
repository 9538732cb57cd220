from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from .models import Initiative


class NewCohortForm(forms.Form):
    """What a new cohort does not take from the old one: its name, year, region and launch date."""

    name = forms.CharField(label=_("Name"), max_length=Initiative._meta.get_field("name").max_length)
    year = forms.IntegerField(label=_("Year"), validators=[MinValueValidator(2000)])
    region = forms.CharField(label=_("Region"), max_length=Initiative._meta.get_field("region").max_length)
    launch_date = forms.DateField(
        label=_("Launch date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Every session moves by the days between the old launch and this one, at the same local time."),
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Initiative.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("An initiative with this name exists already: choose another name."))
        return name
