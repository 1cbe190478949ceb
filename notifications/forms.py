from django import forms
from django.utils.translation import gettext_lazy as _

from .models import mutable_kinds


class PreferencesForm(forms.Form):
    wanted = forms.MultipleChoiceField(
        label=_("E-mails I receive"),
        # Invitations and calendar invitations are not offered: nobody can mute them (see models).
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Unticked messages still appear in your notifications here."),
    )
    quiet_start = forms.TimeField(
        label=_("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("In your own time zone. E-mails due in quiet hours wait until they end."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wanted"].choices = [(kind.value, kind.label) for kind in mutable_kinds()]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("quiet_start"), cleaned.get("quiet_end")
        if (start is None) != (end is None):
            raise forms.ValidationError(_("Give both ends of the quiet hours, or neither."))
        if start is not None and start == end:
            raise forms.ValidationError(_("Quiet hours must start and end at different times."))
        return cleaned

    @property
    def muted_kinds(self):
        return sorted({kind.value for kind in mutable_kinds()} - set(self.cleaned_data["wanted"]))
