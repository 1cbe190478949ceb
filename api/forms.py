from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.validators import no_control_characters

from .scopes import READ_SCOPES, Scope


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        validators=[no_control_characters],
        help_text=_("Which tool or script will hold it, e.g. “Power BI reporting”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        initial=READ_SCOPES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Give the key only what the tool needs."),
    )
