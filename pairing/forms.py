from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.models import Participant

from .models import MatchingSettings, PairingRule


class MatchingSettingsForm(forms.ModelForm):
    class Meta:
        model = MatchingSettings
        fields = [
            "mode",
            "weight_skills",
            "weight_interests",
            "weight_languages",
            "weight_availability",
            "weight_time_zone",
            "weight_diversity",
            "across_departments_only",
        ]
        widgets = {
            name: forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "10"})
            for name in fields
            if name.startswith("weight_")
        }


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, participant):
        department = f" · {participant.department}" if participant.department else ""
        return f"{participant.user}{department}"


class PairingRuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Rule"), choices=PairingRule.Kind.choices)
    mentor = ParticipantChoiceField(label=_("Mentor"), queryset=None)
    mentee = ParticipantChoiceField(label=_("Mentee"), queryset=None)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        enrolled = Participant.objects.filter(
            programme=programme, status=Participant.Status.ENROLLED
        ).select_related("user")
        self.fields["mentor"].queryset = enrolled.filter(role=Participant.Role.MENTOR)
        self.fields["mentee"].queryset = enrolled.filter(role=Participant.Role.MENTEE)


class SwapForm(forms.Form):
    first = forms.TypedChoiceField(label=_("First proposal"), coerce=int)
    second = forms.TypedChoiceField(label=_("Second proposal"), coerce=int)

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(pair.pk, f"{pair.mentor.user} ↔ {pair.mentee.user}") for pair in proposals]
        self.fields["first"].choices = choices
        self.fields["second"].choices = choices
        if len(choices) > 1:
            self.fields["second"].initial = choices[1][0]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("first") and cleaned.get("first") == cleaned.get("second"):
            raise forms.ValidationError(_("Choose two different proposals."))
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class ChooseMentorForm(forms.Form):
    mentor = forms.TypedChoiceField(label=_("Your mentor"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, suggestions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].choices = [
            (suggestion.mentor.pk, str(suggestion.mentor.user)) for suggestion in suggestions
        ]
