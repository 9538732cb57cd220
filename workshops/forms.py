from django import forms
from django.utils.translation import gettext_lazy as _

from .reports import MAX_REPORT_BYTES


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
