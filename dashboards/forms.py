from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.models import Phase


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, read from the query string; choices are the organisation's own."""

    programme = forms.TypedChoiceField(label=_("Programme"), coerce=int, required=False, empty_value=None)
    round = forms.TypedChoiceField(label=_("Cohort (round)"), coerce=int, required=False, empty_value=None)
    department = forms.ChoiceField(label=_("Department"), required=False)
    phase = forms.ChoiceField(
        label=_("Phase"), required=False, choices=[("", _("All phases")), *Phase.choices]
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data=None, *, options):
        super().__init__(data)
        self.fields["programme"].choices = [("", _("All programmes"))] + [
            (p["id"], p["name"]) for p in options.programmes
        ]
        self.fields["round"].choices = [("", _("All rounds"))] + [
            (
                r["id"],
                _("%(programme)s · round %(number)s")
                % {"programme": r["programme__name"], "number": r["number"]},
            )
            for r in options.rounds
        ]
        self.fields["department"].choices = [("", _("All departments"))] + [
            (d, d) for d in options.departments
        ]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "no-print"
        self.helper.form_id = "dashboard-filters"
        columns = [
            Column("programme", css_class="col-md-3"),
            Column("round", css_class="col-md-3"),
            Column("department", css_class="col-md-2"),
            Column("start", css_class="col-md-2"),
            Column("end", css_class="col-md-2"),
        ]
        # Offered once a programme has a cross phase: sessions held, goals and surveys by phase.
        self.with_phases = any(programme.get("cross_phase") for programme in options.programmes)
        if self.with_phases:
            columns.append(Column("phase", css_class="col-md-3"))
        else:
            del self.fields["phase"]
        self.helper.layout = Layout(Row(*columns))
        self.helper.add_input(Submit("apply", _("Apply the filters"), css_class="btn-primary"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period comes before its start."))
        if start and end and (end - start).days > 3 * 366:
            self.add_error("start", _("Choose a period of three years at most."))
        return cleaned

    def chosen(self):
        """The valid filters only: a field with an error is left out (its figures are not narrowed)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        values = {
            "programme_id": self.cleaned_data.get("programme"),
            "round_id": self.cleaned_data.get("round"),
            "department": self.cleaned_data.get("department") or "",
            "phase": self.cleaned_data.get("phase") or "",
        }
        if not self.errors:
            values["start"] = self.cleaned_data.get("start")
            values["end"] = self.cleaned_data.get("end")
        return values


class ReportSubscriptionForm(forms.Form):
    """Subscribe to, or stop, the monthly e-mail of a programme's report (no programme: the whole
    organisation's); the programmes offered are the organisation's own."""

    SUBSCRIBE, UNSUBSCRIBE = "subscribe", "unsubscribe"

    programme = forms.TypedChoiceField(label=_("Programme"), coerce=int, required=False, empty_value=None)
    action = forms.ChoiceField(choices=[(SUBSCRIBE, SUBSCRIBE), (UNSUBSCRIBE, UNSUBSCRIBE)])

    def __init__(self, data=None, *, options):
        super().__init__(data)
        self.fields["programme"].choices = [("", _("All programmes"))] + [
            (p["id"], p["name"]) for p in options.programmes
        ]
