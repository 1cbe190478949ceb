from django import forms
from django.conf.locale import LANG_INFO
from django.contrib.auth import get_user_model
from django.utils.html import escape
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mentoring import spreadsheets
from mentoring.l10n import localized
from organizations import uploads
from organizations.models import Membership
from organizations.tenancy import current_organization
from organizations.timezones import TimeZoneField, zones_in_use
from organizations.validators import no_control_characters

from .models import (
    AVAILABILITY_SLOTS,
    DAY_PARTS,
    CurriculumModule,
    Objective,
    OutcomeBaseline,
    Participant,
    Programme,
    Resource,
    Skill,
)

DAY_LABELS = {
    "mon": _("Monday"),
    "tue": _("Tuesday"),
    "wed": _("Wednesday"),
    "thu": _("Thursday"),
    "fri": _("Friday"),
}
PART_LABELS = {"morning": _("morning"), "lunch": _("lunchtime"), "afternoon": _("afternoon")}
AVAILABILITY_CHOICES = [
    (slot, format_lazy("{} {}", DAY_LABELS[slot.split("-")[0]], PART_LABELS[slot.split("-")[1]]))
    for slot in AVAILABILITY_SLOTS
]
COMMON_LANGUAGES = ["fr", "en", "de", "es", "it", "pt", "nl", "ar", "zh-hans", "ja", "pl", "ro", "tr", "ru"]
LANGUAGE_CHOICES = [
    (code.split("-")[0], _(LANG_INFO[code]["name"]))
    for code in COMMON_LANGUAGES  # Django translates the names
]
LEVEL_CHOICES = {
    Participant.Role.MENTOR: [("", _("—")), ("1", _("Basics")), ("2", _("Confident")), ("3", _("Expert"))],
    Participant.Role.MENTEE: [
        ("", _("—")),
        ("1", _("Nice to have")),
        ("2", _("Important")),
        ("3", _("Priority")),
    ],
}
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeForm(forms.ModelForm):
    # The queryset is set per request: tenant rows cannot be listed before an organisation is known.
    objectives = forms.ModelMultipleChoiceField(
        label=_("Objectives"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    new_objectives = forms.CharField(
        label=_("Other objectives"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line; they are added to your organisation's list."),
    )

    class Meta:
        model = Programme
        fields = [
            "name",
            "description",
            "objectives",
            "new_objectives",
            "start_date",
            "end_date",
            "session_min_minutes",
            "session_max_minutes",
            "cadence_days",
            "rotation_months",
            "mentor_capacity",
            "charter",
            "charter_en",
            "scheduled_by",
            "agenda_by",
            "cross_phase",
            "cross_start_date",
            "cross_end_date",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "cross_start_date": DATE_WIDGET,
            "cross_end_date": DATE_WIDGET,
            "charter": forms.Textarea(attrs={"rows": 10}),
            "charter_en": forms.Textarea(attrs={"rows": 10}),
        }
        help_texts = {
            "rotation_months": _("Pairs change after this many months. Leave empty to keep pairs all along."),
            "charter": _(
                "Participants read and accept it when they enrol. Markdown: **bold**, lists, links."
            ),
            "charter_en": _(
                "For English-speaking participants; leave it empty and they read the French one."
            ),
            "session_min_minutes": _("Between 15 and 120 minutes."),
            "scheduled_by": _(
                "The senior mentee by default, as in the programmes where the executive owns the diary; "
                "an executive can let an assistant plan for them."
            ),
            "agenda_by": _("The junior mentor by default: they bring what to show and try."),
            "cross_phase": _(
                "After the reverse phase, the senior mentors the junior on career and leadership, in the same "
                "pair space, with its own goals and surveys. Who plans and who writes the agenda turn round."
            ),
            "cross_start_date": _("After the end date of the reverse phase."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objectives"].queryset = Objective.objects.all()
        # Left out (an older form, an API client), who does what stays as it was: the defaults when new.
        for name in ("scheduled_by", "agenda_by"):
            self.fields[name].required = False

    def clean_scheduled_by(self):
        return self.cleaned_data.get("scheduled_by") or self.instance.scheduled_by

    def clean_agenda_by(self):
        return self.cleaned_data.get("agenda_by") or self.instance.agenda_by

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        duplicates = Programme.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise forms.ValidationError(_("A programme with this name already exists."))
        return name

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("The end date must come after the start date."))
        self._clean_cross_phase(cleaned)
        shortest, longest = cleaned.get("session_min_minutes"), cleaned.get("session_max_minutes")
        if shortest and longest and shortest > longest:
            self.add_error(
                "session_max_minutes", _("The longest session cannot be shorter than the shortest.")
            )
        return cleaned

    def _clean_cross_phase(self, cleaned):
        if not cleaned.get("cross_phase"):
            return
        end, cross_start, cross_end = (
            cleaned.get("end_date"),
            cleaned.get("cross_start_date"),
            cleaned.get("cross_end_date"),
        )
        if "cross_start_date" in cleaned and cross_start is None:
            self.add_error("cross_start_date", _("Give the start date of the cross phase."))
        if "cross_end_date" in cleaned and cross_end is None:
            self.add_error("cross_end_date", _("Give the end date of the cross phase."))
        if end and cross_start and cross_start <= end:
            self.add_error(
                "cross_start_date", _("The cross phase starts after the reverse phase: after its end date.")
            )
        if cross_start and cross_end and cross_end <= cross_start:
            self.add_error("cross_end_date", _("The end of the cross phase must come after its start."))

    def clean_new_objectives(self):
        text = self.cleaned_data.get("new_objectives", "")
        # One name per line: the line breaks are the separators, anything else invisible is refused.
        for line in text.splitlines():
            no_control_characters(line.strip())
        return text

    def new_objective_names(self):
        return [
            line.strip() for line in self.cleaned_data.get("new_objectives", "").splitlines() if line.strip()
        ]


class DuplicateForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new programme"), max_length=200, validators=[no_control_characters]
    )
    start_date = forms.DateField(label=_("Start date"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("End date"), widget=DATE_WIDGET)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("start_date")
            and cleaned.get("end_date")
            and cleaned["end_date"] <= cleaned["start_date"]
        ):
            self.add_error("end_date", _("The end date must come after the start date."))
        return cleaned


class ResourceForm(forms.ModelForm):
    url = forms.URLField(label=_("link"), required=False, assume_scheme="https")

    class Meta:
        model = Resource
        fields = ["title", "audience", "url", "file"]
        help_texts = {
            "url": _("A link, or upload a file below (not both)."),
            "file": _("PDF, Office or OpenDocument files, images (PNG, JPEG, GIF, WebP), text or CSV."),
        }
        widgets = {
            "file": forms.ClearableFileInput(
                attrs={"accept": ",".join(ext for fmt in uploads.RESOURCE.formats for ext in fmt.extensions)}
            )
        }

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("url")) == bool(cleaned.get("file")):
            raise forms.ValidationError(_("Give either a link or a file."))
        return cleaned


class SkillForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["name", "name_en", "description", "description_en", "is_active"]
        help_texts = {"is_active": _("Inactive skills stay on existing profiles but are no longer offered.")}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Skill.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This skill already exists."))
        return name


class AddPersonForm(forms.Form):
    """One person added by HR; the import's checks decide what is valid (see imports.add_person)."""

    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(
        label=_("First name"), max_length=150, required=False, validators=[no_control_characters]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, required=False, validators=[no_control_characters]
    )
    role = forms.ChoiceField(label=_("Role"), choices=Participant.Role.choices)
    department = forms.CharField(
        label=_("Department"), max_length=120, required=False, validators=[no_control_characters]
    )
    job_title = forms.CharField(
        label=_("Job title"), max_length=120, required=False, validators=[no_control_characters]
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    manager_email = forms.EmailField(
        label=_("Manager's e-mail"),
        required=False,
        help_text=_("Optional: the matching never pairs someone with their own reporting line."),
    )

    def import_values(self):
        values = dict(self.cleaned_data)
        values["languages"] = ",".join(values["languages"])
        return values


class ParticipantRecordForm(forms.Form):
    """What the organisation holds about a participant; the person's own account is never touched."""

    first_name = forms.CharField(
        label=_("First name"), max_length=150, required=False, validators=[no_control_characters]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, required=False, validators=[no_control_characters]
    )
    department = forms.CharField(
        label=_("Department"), max_length=120, required=False, validators=[no_control_characters]
    )
    job_title = forms.CharField(
        label=_("Job title"), max_length=120, required=False, validators=[no_control_characters]
    )
    location = forms.CharField(
        label=_("Location"), max_length=120, required=False, validators=[no_control_characters]
    )

    @classmethod
    def for_participant(cls, participant, data=None):
        person = participant.person
        initial = {
            "first_name": person.first_name if person else "",
            "last_name": person.last_name if person else "",
            "department": participant.department,
            "job_title": participant.job_title,
            "location": participant.location,
        }
        return cls(data, initial=initial)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "Columns: email, first_name, last_name, role, department, job_title, location, languages, "
            "skills, manager_email, interests, time_zone (or their French names). Skills as "
            "“AI tools:3; Data literacy:2” (level 1 to 3)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limits = spreadsheets.Limits.from_settings()
        if upload.size > limits.upload_bytes:
            raise forms.ValidationError(spreadsheets.too_large_message(upload.size, limits))
        # Before any parsing: a file that is not really CSV or XLSX never reaches the readers.
        uploads.validate_participant_file(upload)
        upload.name = uploads.clean_filename(upload.name)
        return upload


class ProfileForm(forms.ModelForm):
    """A participant's profile; the skill fields depend on the role (offered or wanted)."""

    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    interests_text = forms.CharField(
        label=_("Interests"), required=False, help_text=_("Comma-separated, e.g. running, photography, jazz.")
    )
    availability = forms.MultipleChoiceField(
        label=_("When are you usually available?"),
        choices=AVAILABILITY_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )
    time_zone = TimeZoneField()
    manager_email = forms.EmailField(
        label=_("Your manager's e-mail"),
        required=False,
        help_text=_("Optional: we never pair you with someone in your own reporting line."),
    )

    class Meta:
        model = Participant
        fields = ["department", "job_title", "location", "languages", "hopes", "availability", "time_zone"]
        widgets = {"hopes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, role, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        organization = current_organization()
        if organization is not None:
            self.fields["time_zone"].suggest(zones_in_use(organization))
        self.skills = list(Skill.objects.filter(is_active=True))
        levels = {}
        if self.instance.pk:
            levels = {ps.skill_id: ps.level for ps in self.instance.skills.all()}
            self.fields["interests_text"].initial = ", ".join(self.instance.interests)
            if self.instance.manager_id:
                self.fields["manager_email"].initial = self.instance.manager.email
        extra = [code for code in self.instance.languages if code not in dict(LANGUAGE_CHOICES)]
        self.fields["languages"].choices = LANGUAGE_CHOICES + [(code, code) for code in extra]
        for skill in self.skills:
            self.fields[f"skill_{skill.pk}"] = forms.ChoiceField(
                label=localized(skill, "name"),
                choices=LEVEL_CHOICES[role],
                required=False,
                initial=str(levels.get(skill.pk, "")),
                # Django and crispy render help texts as HTML: the description HR typed must stay text.
                help_text=escape(localized(skill, "description")),
            )
        if role == Participant.Role.MENTOR:
            self.skills_heading = _("Skills you can share")
        else:
            self.skills_heading = _("Skills you want to develop")

    def availability_grid(self):
        """The availability boxes as rows of days and columns of day parts."""
        boxes = {box.data["value"]: box for box in self["availability"].subwidgets}
        return [(DAY_LABELS[day], [boxes[f"{day}-{part}"] for part in DAY_PARTS]) for day in DAY_LABELS]

    def day_parts(self):
        return [PART_LABELS[part] for part in DAY_PARTS]

    def skill_fields(self):
        return [self[f"skill_{skill.pk}"] for skill in self.skills]

    def clean_manager_email(self):
        email = self.cleaned_data["manager_email"].strip().lower()
        if not email:
            return None
        manager = get_user_model().objects.filter(email__iexact=email).first()
        if manager is None or not Membership.objects.filter(user=manager).exists():
            raise forms.ValidationError(_("Nobody in your organisation has this address."))
        if self.instance.user_id and manager == self.instance.user:
            raise forms.ValidationError(_("You cannot be your own manager."))
        return manager

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"skill_{skill.pk}") for skill in self.skills) and self.skills:
            self.add_error(None, _("Choose at least one skill."))
        return cleaned

    def skill_levels(self):
        return {
            skill: int(self.cleaned_data[f"skill_{skill.pk}"])
            for skill in self.skills
            if self.cleaned_data.get(f"skill_{skill.pk}")
        }

    def fill(self, participant):
        participant.department = self.cleaned_data["department"]
        participant.job_title = self.cleaned_data["job_title"]
        participant.location = self.cleaned_data["location"]
        participant.languages = self.cleaned_data["languages"]
        participant.hopes = self.cleaned_data["hopes"]
        participant.availability = self.cleaned_data["availability"]
        participant.time_zone = self.cleaned_data["time_zone"]
        participant.interests = self.cleaned_data["interests_text"].split(",")
        participant.manager = self.cleaned_data["manager_email"]
        return participant


class EnrolmentForm(ProfileForm):
    accept_charter = forms.BooleanField(
        label=_("I have read the charter and I accept it."),
        error_messages={"required": _("You need to accept the charter to enrol.")},
    )


class ModuleForm(forms.ModelForm):
    class Meta:
        model = CurriculumModule
        fields = [
            "title",
            "title_en",
            "objectives",
            "objectives_en",
            "agenda",
            "agenda_en",
            "resources",
            "resources_en",
            "challenge",
            "challenge_en",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ["objectives", "objectives_en", "agenda", "agenda_en", "resources", "resources_en"]
        }
        help_texts = {
            "objectives": _("What the mentee will be able to do, one a line."),
            "agenda": _("One item a line: a session planned on this module starts with this agenda."),
            "resources": _("Links and texts to read before or after the session, one a line."),
            "challenge": _("A concrete practice the mentee can commit to at the end of the session."),
            "title_en": _("Left empty, English readers see the French."),
        }


# Junior mentors' outcomes ------------------------------------------------------------------------------

OUTCOME_CHOICES = (("", _("Not known yet")), ("yes", _("Yes")), ("no", _("No")))


def _outcome_value(text):
    return {"yes": True, "no": False}.get(text)


class MentorOutcomeForm(forms.Form):
    """One mentor's row of the outcomes table (prefixed by the participant's id)."""

    promoted = forms.TypedChoiceField(
        label=_("Promoted"), choices=OUTCOME_CHOICES, coerce=_outcome_value, empty_value=None, required=False
    )
    internal_mobility = forms.TypedChoiceField(
        label=_("Internal mobility"),
        choices=OUTCOME_CHOICES,
        coerce=_outcome_value,
        empty_value=None,
        required=False,
    )
    retained_6_months = forms.TypedChoiceField(
        label=_("Still with the company at 6 months"),
        choices=OUTCOME_CHOICES,
        coerce=_outcome_value,
        empty_value=None,
        required=False,
    )
    retained_12_months = forms.TypedChoiceField(
        label=_("Still with the company at 12 months"),
        choices=OUTCOME_CHOICES,
        coerce=_outcome_value,
        empty_value=None,
        required=False,
    )
    recognition = forms.CharField(
        label=_("Recognition"), max_length=200, required=False, validators=[no_control_characters]
    )

    @classmethod
    def for_mentor(cls, participant, data=None):
        outcome = getattr(participant, "outcome", None)
        initial = {}
        if outcome is not None:
            for name in ("promoted", "internal_mobility", "retained_6_months", "retained_12_months"):
                value = getattr(outcome, name)
                initial[name] = "" if value is None else ("yes" if value else "no")
            initial["recognition"] = outcome.recognition
        return cls(data, initial=initial, prefix=f"mentor-{participant.pk}")


class OutcomeBaselineForm(forms.ModelForm):
    class Meta:
        model = OutcomeBaseline
        fields = ["population", "promoted", "internal_mobility", "retained_6_months", "retained_12_months"]


class OutcomeImportForm(ImportForm):
    """The participants import's file checks, for the mentors' outcomes file."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Columns: email, then any of promoted, internal_mobility, retained_6_months, "
            "retained_12_months, recognition (or their French names). Write yes or no; an empty cell "
            "means not known yet."
        )
