from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.access import organizations_of
from organizations.models import Organization
from organizations.timezones import TimeZoneField
from organizations.validators import no_control_characters

from .models import User


class PreferencesForm(forms.ModelForm):
    time_zone = TimeZoneField()

    class Meta:
        model = User
        fields = ["first_name", "last_name", "language", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            zones = organizations_of(self.instance).order_by().values_list("time_zone", flat=True)
            self.fields["time_zone"].suggest(list(zones.distinct()))


class DeleteAccountForm(forms.Form):
    """Erasure is for good: the person confirms it with their password."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password


class MfaPolicyForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["mfa_required_for"]
        widgets = {"mfa_required_for": forms.RadioSelect}


class MfaResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        max_length=300,
        validators=[no_control_characters],
        help_text=_("Kept in the organisation's record, for instance: lost phone, confirmed by a call."),
    )
