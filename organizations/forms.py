from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from . import audit
from .roles import Role
from .validators import no_control_characters


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    # An assistant is invited by the delegation that gives them someone to plan for (sessions), not here.
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(value, label) for value, label in Role.choices if value != Role.ASSISTANT],
        initial=Role.MENTEE,
    )


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, validators=[no_control_characters])
    last_name = forms.CharField(label=_("Last name"), max_length=150, validators=[no_control_characters])
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            candidate = get_user_model()(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                validate_password(password1, user=candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AuditFilterForm(forms.Form):
    """The audit trail's filters, read from the query string (an export takes the same)."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *audit.Category.choices]
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *audit.Action.choices]
    )
    actor_kind = forms.ChoiceField(
        label=_("Acting as"), required=False, choices=[("", _("Anyone")), *audit.ActorKind.choices]
    )
    who = forms.CharField(label=_("Who"), required=False, max_length=254, validators=[no_control_characters])
    target = forms.CharField(
        label=_("Object"), required=False, max_length=254, validators=[no_control_characters]
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period comes before its start."))
        return cleaned

    def chosen(self) -> dict[str, Any]:
        """The filters given, valid ones only (an invalid field filters nothing rather than everything)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class AuditRetentionForm(forms.ModelForm):
    class Meta:
        from .models import Organization

        model = Organization
        fields = ["audit_retention_months"]
