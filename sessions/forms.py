from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentoring.l10n import localized
from organizations.timezones import TimeZoneField, zones_in_use
from organizations.validators import no_control_characters
from programmes.models import CurriculumModule, Participant, Skill

from . import services
from .models import (
    COHORT_MINUTES_CEILING,
    COHORT_MINUTES_FLOOR,
    CohortAttendance,
    CohortSession,
    Goal,
    RecurringSlot,
    Session,
    SharedResource,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _duration_field(pair, initial):
    programme = pair.programme
    return forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=programme.session_min_minutes,
        max_value=programme.session_max_minutes,
        initial=initial,
        help_text=_("Between %(min)s and %(max)s minutes.")
        % {"min": programme.session_min_minutes, "max": programme.session_max_minutes},
    )


def _pair_zones(pair):
    """The two people's zones first, then the organisation's."""
    return [pair.mentor.user.time_zone, pair.mentee.user.time_zone, *zones_in_use(pair.organization)]


def _default_duration(pair):
    programme = pair.programme
    return max(programme.session_min_minutes, min(45, programme.session_max_minutes))


def set_local_start(form, data) -> bool:
    """``data["starts_at"]`` from the form's date, start time and time zone; False, with the form's error,
    when that time does not exist that day (the clocks go forward): calendars would each move it their own
    way, so the person decides."""
    if not (data.get("date") and data.get("start_time") and data.get("time_zone")):
        return True
    shifted = services.skipped_to(data["date"], data["start_time"], data["time_zone"])
    if shifted is not None:
        form.add_error(
            "start_time",
            _(
                "%(time)s does not exist on that day in this time zone: the clocks go forward "
                "an hour that night. Choose %(shifted)s or another time."
            )
            % {
                "time": formats.time_format(data["start_time"], "TIME_FORMAT"),
                "shifted": formats.time_format(shifted.time(), "TIME_FORMAT"),
            },
        )
        return False
    data["starts_at"] = services.local_datetime(data["date"], data["start_time"], data["time_zone"])
    return True


class SessionForm(forms.Form):
    """When and where; the start is read in the chosen time zone (by default the person's own)."""

    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("Start time"), widget=TIME_INPUT)
    time_zone = TimeZoneField()
    format = forms.ChoiceField(label=_("Format"), choices=Session.Format.choices, widget=forms.RadioSelect)
    location = forms.CharField(
        label=_("Place or video link"),
        max_length=300,
        required=False,
        validators=[no_control_characters],
        help_text=_("A meeting room for an in-person session, a link for a video call."),
    )

    def __init__(self, *args, pair, user, session=None, **kwargs):
        self.pair = pair
        initial = kwargs.setdefault("initial", {})
        if session is not None:
            local = timezone.localtime(session.starts_at, services.zone_or_error(session.time_zone))
            initial.update(
                date=local.date(),
                start_time=local.time().replace(second=0),
                time_zone=session.time_zone,
                format=session.format,
                location=session.location,
                duration_minutes=session.duration_minutes,
            )
        else:
            initial.setdefault("time_zone", user.time_zone)
            initial.setdefault("format", Session.Format.VIDEO)
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].suggest(_pair_zones(pair))
        self.fields["duration_minutes"] = _duration_field(pair, _default_duration(pair))
        self.order_fields(["date", "start_time", "duration_minutes", "time_zone", "format", "location"])

    def when_and_where(self) -> dict:
        """What the scheduling services take from this form: the same for the pair and for an assistant."""
        data = self.cleaned_data
        return {
            name: data[name] for name in ("starts_at", "duration_minutes", "time_zone", "format", "location")
        }

    def clean(self):
        data = super().clean()
        set_local_start(self, data)
        return data


class GoalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, goal):
        return goal.title  # str(goal) is a neutral "Goal #12", for staff tools


class AgendaItemForm(forms.Form):
    text = forms.CharField(label=_("Agenda item"), max_length=300, required=False)
    goal = GoalChoiceField(label=_("Related goal"), queryset=None, required=False)

    def __init__(self, *args, goals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals


AgendaFormSet = forms.formset_factory(AgendaItemForm, extra=3, max_num=12)


def agenda_formset(pair, data=None, initial=None):
    return AgendaFormSet(
        data, prefix="agenda", initial=initial, form_kwargs={"goals": Goal.objects.filter(pair=pair)}
    )


def agenda_entries(formset):
    return [
        services.AgendaEntry(text=form.cleaned_data["text"], goal=form.cleaned_data.get("goal"))
        for form in formset
        if form.cleaned_data.get("text")
    ]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


def _owner_choices(pair):
    return [
        (pair.mentee.user_id, f"{pair.mentee.user.display_name} ({_('mentee')})"),
        (pair.mentor.user_id, f"{pair.mentor.user.display_name} ({_('mentor')})"),
    ]


class LogForm(forms.Form):
    held = forms.TypedChoiceField(
        label=_("Did the session take place?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    actual_minutes = forms.IntegerField(
        label=_("Actual duration (minutes)"), min_value=1, max_value=600, required=False
    )
    topics = forms.CharField(
        label=_("Topics covered"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    shared_notes = forms.CharField(
        label=_("Shared notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Both of you read these."),
    )
    private_note = forms.CharField(
        label=_("My private note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only you will ever read this: not your partner, not HR, not the executives."),
    )
    usefulness = forms.TypedChoiceField(
        label=_("How useful was it?"),
        choices=[("", "—")] + [(str(value), str(value)) for value in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("1 not useful, 5 very useful."),
    )

    def __init__(self, *args, session, goals, private_note=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("actual_minutes", session.actual_minutes or session.duration_minutes)
        if session.logged_at:
            initial.update(
                held="yes" if session.status == Session.Status.HELD else "no",
                topics=session.topics,
                shared_notes=session.shared_notes,
                usefulness=session.usefulness,
            )
        if private_note is not None:
            initial["private_note"] = private_note.text
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:
            low = 1 if goal.scale == Goal.Scale.LEVEL else 0
            self.fields[f"goal_{goal.pk}"] = forms.IntegerField(
                label=_("Progress on “%(goal)s” (%(low)s-%(high)s)")
                % {"goal": goal.title, "low": low, "high": goal.maximum},
                min_value=low,
                max_value=goal.maximum,
                required=False,
            )
            self.fields[f"goal_{goal.pk}_note"] = forms.CharField(
                label=_("Note on this progress"), max_length=500, required=False
            )

    def progress_entries(self):
        return [
            services.ProgressEntry(
                goal=goal,
                value=self.cleaned_data[f"goal_{goal.pk}"],
                note=self.cleaned_data[f"goal_{goal.pk}_note"],
            )
            for goal in self.goals
            if self.cleaned_data.get(f"goal_{goal.pk}") is not None
        ]


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300, required=False)
    owner = forms.TypedChoiceField(label=_("Who"), coerce=int, required=False)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair = pair
        self.fields["owner"].choices = _owner_choices(pair)

    def clean(self):
        data = super().clean()
        if data.get("title") and not data.get("owner"):
            self.add_error("owner", _("Say who will do it."))
        return data

    def owner_user(self):
        owner_id = self.cleaned_data["owner"]
        return self.pair.mentor.user if owner_id == self.pair.mentor.user_id else self.pair.mentee.user


class RequiredActionItemForm(ActionItemForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        self.fields["owner"].required = True


ActionFormSet = forms.formset_factory(ActionItemForm, extra=2, max_num=10)


def action_formset(pair, data=None):
    return ActionFormSet(data, prefix="actions", form_kwargs={"pair": pair})


def action_entries(formset):
    return [
        services.ActionEntry(
            title=form.cleaned_data["title"],
            owner=form.owner_user(),
            due_date=form.cleaned_data.get("due_date"),
        )
        for form in formset
        if form.cleaned_data.get("title")
    ]


class GoalForm(forms.Form):
    objective = forms.ModelChoiceField(
        label=_("Programme objective"),
        queryset=None,
        required=False,
        help_text=_("The programme objective this goal makes concrete."),
    )
    title = forms.CharField(label=_("Goal"), max_length=200, validators=[no_control_characters])
    description = forms.CharField(
        label=_("What success looks like"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DATE_INPUT)
    scale = forms.ChoiceField(
        label=_("Measured as"), choices=Goal.Scale.choices, widget=forms.RadioSelect, initial=Goal.Scale.LEVEL
    )

    def __init__(self, *args, pair, goal=None, **kwargs):
        if goal is not None:
            kwargs.setdefault("initial", {}).update(
                objective=goal.objective,
                title=goal.title,
                description=goal.description,
                skills=list(goal.skills.all()),
                target_date=goal.target_date,
                scale=goal.scale,
            )
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = pair.programme.objectives.all()
        self.fields["skills"].queryset = Skill.objects.filter(is_active=True)
        if goal is not None:
            del self.fields["scale"]


class ProgressForm(forms.Form):
    value = forms.IntegerField(label=_("Progress"))
    recorded_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, goal, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("recorded_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        low = 1 if goal.scale == Goal.Scale.LEVEL else 0
        self.fields["value"] = forms.IntegerField(
            label=_("Level (1-5)") if goal.scale == Goal.Scale.LEVEL else _("Percentage (0-100)"),
            min_value=low,
            max_value=goal.maximum,
        )
        self.order_fields(["value", "recorded_on", "note"])

    def clean_recorded_on(self):
        day = self.cleaned_data["recorded_on"]
        if day > timezone.localdate():
            raise ValidationError(_("Progress is recorded for today or a past day."))
        return day


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=SharedResource.Kind.choices,
        widget=forms.RadioSelect,
        initial=SharedResource.Kind.TAKEAWAY,
    )
    title = forms.CharField(label=_("Title"), max_length=200, validators=[no_control_characters])
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    body = forms.CharField(
        label=_("What we learnt"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == SharedResource.Kind.LINK and not data.get("url"):
            self.add_error("url", _("A link needs its address."))
        return data


class SlotForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"),
        choices=RecurringSlot.Weekday.choices,
        coerce=int,
        initial=RecurringSlot.Weekday.TUESDAY,
    )
    start_time = forms.TimeField(label=_("Start time"), widget=TIME_INPUT)
    interval_weeks = forms.TypedChoiceField(
        label=_("How often"),
        coerce=int,
        initial=2,
        choices=[
            (1, _("Every week")),
            (2, _("Every second week")),
            (3, _("Every third week")),
            (4, _("Every fourth week")),
        ],
    )
    time_zone = TimeZoneField()
    starts_on = forms.DateField(
        label=pgettext_lazy("first date of a weekly series", "From"), widget=DATE_INPUT
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=Session.Format.choices,
        widget=forms.RadioSelect,
        initial=Session.Format.VIDEO,
    )
    location = forms.CharField(
        label=_("Place or video link"), max_length=300, required=False, validators=[no_control_characters]
    )

    def __init__(self, *args, pair, user, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("time_zone", user.time_zone)
        initial.setdefault("starts_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].suggest(_pair_zones(pair))
        self.fields["duration_minutes"] = _duration_field(pair, _default_duration(pair))
        self.order_fields(
            [
                "weekday",
                "start_time",
                "interval_weeks",
                "duration_minutes",
                "time_zone",
                "starts_on",
                "format",
                "location",
            ]
        )


class EndorsementForm(forms.Form):
    text = forms.CharField(
        label=_("What your mentor brought you"),
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "It appears on your mentor's attestation, with your name and job title, for them to show in "
            "their reviews. You can change or withdraw it at any time."
        ),
    )
    show_topics = forms.BooleanField(
        label=_("Show the topics we covered on the attestation"),
        required=False,
        help_text=_("Otherwise the attestation counts the sessions without saying what they were about."),
    )


# The curriculum and "try it" challenges -------------------------------------------------------------------


class ModuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return localized(obj, "title")


class TopicForm(forms.Form):
    """What a session is on: one of the programme's modules, or a free topic."""

    module = ModuleChoiceField(
        label=_("Curriculum module"),
        queryset=None,
        required=False,
        empty_label=_("A free topic"),
        help_text=_("A session on a module starts from its suggested agenda."),
    )

    def __init__(self, *args, pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = CurriculumModule.objects.filter(programme=pair.programme).order_by(
            "position", "pk"
        )


def agenda_formset_from(pair, lines, data=None):
    """The agenda formset opened on ``lines`` (a session's starting agenda, or its current items)."""
    return AgendaFormSet(
        data,
        prefix="agenda",
        initial=[{"text": text, "goal": goal} for text, goal in lines],
        form_kwargs={"goals": Goal.objects.filter(pair=pair)},
    )


class ChallengeForm(forms.Form):
    text = forms.CharField(
        label=_("What I will try"),
        max_length=300,
        validators=[no_control_characters],
        help_text=_("A concrete practice, e.g. “publish a post on the internal network”."),
    )
    due_date = forms.DateField(label=_("By"), widget=DATE_INPUT)


class ChallengeAnswerForm(forms.Form):
    done = forms.TypedChoiceField(
        label=_("Did you do it?"),
        choices=[("yes", _("Yes, I did it")), ("no", _("Not this time"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reflection = forms.CharField(
        label=_("A line of reflection"),
        max_length=500,
        required=False,
        validators=[no_control_characters],
        help_text=_("What worked, what got in the way. Your mentor reads it."),
    )


# An executive's assistant ---------------------------------------------------------------------------------


class DelegationForm(forms.Form):
    """Whom an executive lets plan their sessions: an e-mail, and a name for someone not yet a member."""

    email = forms.EmailField(label=_("The assistant's e-mail"))
    first_name = forms.CharField(
        label=_("First name"), max_length=150, required=False, validators=[no_control_characters]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, required=False, validators=[no_control_characters]
    )


class ExecutiveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.display_name} <{user.email}>"


class HrDelegationForm(DelegationForm):
    """HR sets up a delegation for any mentee of the organisation's programmes."""

    executive = ExecutiveChoiceField(label=_("Executive"), queryset=None)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        User = get_user_model()
        self.fields["executive"].queryset = (
            User.objects.filter(
                participations__organization=organization, participations__role=Participant.Role.MENTEE
            )
            .distinct()
            .order_by("last_name", "first_name", "email")
        )
        self.order_fields(["executive", "email", "first_name", "last_name"])


# The mentors' cohort ---------------------------------------------------------------------------------------


class CohortSessionForm(forms.Form):
    """A group session of the programme's mentors; on creation, once or every few months to the end."""

    ONCE = ""
    REPEAT_CHOICES = [
        (ONCE, _("Once")),
        ("1", _("Every month")),
        ("2", _("Every 2 months")),
        ("3", _("Every 3 months (quarterly)")),
        ("6", _("Every 6 months")),
    ]

    kind = forms.ChoiceField(label=_("Kind"), choices=CohortSession.Kind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200, validators=[no_control_characters])
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("Start time"), widget=TIME_INPUT)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=COHORT_MINUTES_FLOOR,
        max_value=COHORT_MINUTES_CEILING,
        initial=90,
        help_text=_("Between %(min)s and %(max)s minutes.")
        % {"min": COHORT_MINUTES_FLOOR, "max": COHORT_MINUTES_CEILING},
    )
    time_zone = TimeZoneField()
    location = forms.CharField(
        label=_("Place or video link"),
        max_length=300,
        required=False,
        validators=[no_control_characters],
        help_text=_("A meeting room, or the link of the video call."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the mentors will do and what to bring. Never a pair's content."),
    )
    repeat = forms.ChoiceField(
        label=_("Repeat"),
        choices=REPEAT_CHOICES,
        required=False,
        help_text=_("A series goes on at the same time until the programme's end."),
    )

    def __init__(self, *args, user, organization, cohort_session=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if cohort_session is not None:
            local = timezone.localtime(
                cohort_session.starts_at, services.zone_or_error(cohort_session.time_zone)
            )
            initial.update(
                kind=cohort_session.kind,
                title=cohort_session.title,
                date=local.date(),
                start_time=local.time().replace(second=0),
                duration_minutes=cohort_session.duration_minutes,
                time_zone=cohort_session.time_zone,
                location=cohort_session.location,
                description=cohort_session.description,
            )
        else:
            initial.setdefault("time_zone", user.time_zone)
            initial.setdefault("kind", CohortSession.Kind.DEBRIEF)
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].suggest([user.time_zone, *zones_in_use(organization)])
        if cohort_session is not None:
            del self.fields["repeat"]

    def clean(self):
        data = super().clean()
        if not set_local_start(self, data):
            return data
        repeat = data.get("repeat")
        data["every_months"] = int(repeat) if repeat else None
        return data


class AttendanceForm(forms.Form):
    """One choice per mentor: present, absent or excused (a mentor's excuse given in advance comes first)."""

    def __init__(self, *args, candidates, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for mentor in self.candidates:
            self.fields[f"mentor_{mentor.pk}"] = forms.ChoiceField(
                label=(mentor.person.full_name if mentor.person else "") or mentor.user.email,
                choices=CohortAttendance.Status.choices,
                widget=forms.RadioSelect,
                initial=current.get(mentor.pk, CohortAttendance.Status.PRESENT),
            )

    def statuses(self):
        return {mentor.pk: self.cleaned_data[f"mentor_{mentor.pk}"] for mentor in self.candidates}

    def rows(self):
        return [(mentor, self[f"mentor_{mentor.pk}"]) for mentor in self.candidates]
