from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.validators import no_control_characters

from .events import Event


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https:// address on the internet; Binôme POSTs each event there as JSON."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        validators=[no_control_characters],
        help_text=_("What receives it, for your colleagues (e.g. the HRIS sync)."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )


class EndpointChangeForm(EndpointForm):
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("A paused endpoint receives nothing; events meanwhile are not kept for it."),
    )
