from django import forms
from django.utils.translation import gettext_lazy as _

from .registry import mutable_kind_choices, mutable_kind_values


class PreferencesForm(forms.Form):
    wanted = forms.MultipleChoiceField(
        label=_("E-mails I receive"),
        # Invitations and calendar invitations are not offered: nobody can mute them.
        choices=mutable_kind_choices,
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
        return sorted(set(mutable_kind_values()) - set(self.cleaned_data["wanted"]))
