from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.validators import no_control_characters


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        validators=[no_control_characters],
        help_text=_("Which directory uses it, e.g. “Entra ID production”."),
    )
