import secrets
import uuid
from datetime import UTC, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import TenantModel
from organizations.validators import no_control_characters
from pairing.models import Pair
from programmes.models import (
    SESSION_MINUTES_CEILING,
    SESSION_MINUTES_FLOOR,
    CurriculumModule,
    Objective,
    Participant,
    Phase,
    Programme,
    Skill,
)


def row_name(row):
    """A name for a row that says nothing of what the pair wrote in it, e.g. "Goal #12".

    ``str()`` of a pair's goals, agenda, actions and shared resources reaches platform staff: the Django
    admin's titles, history (``LogEntry.object_repr``) and deletion lists, logs. Pages show the fields.
    """
    return f"{capfirst(row._meta.verbose_name)} #{row.pk}"


class Goal(TenantModel):
    """A pair's own measurable goal, usually derived from one of the programme's objectives."""

    class Scale(models.TextChoices):
        LEVEL = "level", _("Level from 1 to 5")
        PERCENT = "percent", _("Percentage")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="goals")
    objective = models.ForeignKey(
        Objective,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("programme objective"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    description = models.TextField(_("description"), blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="+", verbose_name=_("skills"))
    target_date = models.DateField(_("target date"), null=True, blank=True)
    scale = models.CharField(_("measured as"), max_length=10, choices=Scale.choices, default=Scale.LEVEL)
    # The phase the goal was set in (the programme's on the day): a past phase's goals stay readable only.
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices, default=Phase.REVERSE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [models.CheckConstraint(condition=Q(phase__in=Phase.values), name="goal_phase_valid")]

    def __str__(self):
        return row_name(self)

    @property
    def maximum(self):
        return 5 if self.scale == self.Scale.LEVEL else 100


class GoalProgress(TenantModel):
    """One point of a goal's curve: a level (1-5) or a percentage, on a date, with a note both see."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress", db_index=False)
    recorded_on = models.DateField(_("date"))
    value = models.PositiveSmallIntegerField(_("progress"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    session = models.ForeignKey(
        "Session", null=True, blank=True, on_delete=models.SET_NULL, related_name="goal_progress"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_on", "created_at"]
        verbose_name = _("goal progress")
        verbose_name_plural = _("goal progress")
        constraints = [
            models.CheckConstraint(condition=Q(value__lte=100), name="goal_progress_value_range"),
        ]
        indexes = [
            # A goal's latest point up to a date (the dashboard's goal figures, the goal pages): a few
            # entries per goal. It also serves every lookup by goal alone, so the goal has no index of its own.
            models.Index(fields=["goal", "recorded_on"], name="goal_progress_by_date"),
        ]

    def __str__(self):
        return row_name(self)

    @property
    def percent(self):
        return round(self.value * 100 / self.goal.maximum)


class RecurringSlot(TenantModel):
    """A pair's regular meeting time, e.g. every second Tuesday at 12:30 Paris time for 45 minutes."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="recurring_slots")
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    start_time = models.TimeField(_("start time"))
    interval_weeks = models.PositiveSmallIntegerField(_("every (weeks)"), default=2)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    starts_on = models.DateField(_("first date"))
    # The series' iCalendar UID: its sessions reach calendars as one recurring event. Slots planned
    # before the series existed have none; their sessions keep an event each, as calendars hold them.
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True, null=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recurring slot")
        verbose_name_plural = _("recurring slots")
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_weeks__gte=1) & Q(interval_weeks__lte=8), name="slot_interval_range"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=SESSION_MINUTES_FLOOR)
                & Q(duration_minutes__lte=SESSION_MINUTES_CEILING),
                name="slot_duration_within_bounds",
            ),
        ]


class Session(TenantModel):
    """A meeting of a pair. ``starts_at`` is stored in UTC; ``time_zone`` is the one it was planned in."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        NOT_HELD = "not_held", _("Not held")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIDEO = "video", _("Video call")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    logged_at = models.DateTimeField(null=True, blank=True)
    # The iCalendar UID: stable across reschedules so calendars update the event instead of adding one.
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.VIDEO)
    location = models.CharField(
        _("place or video link"), max_length=300, blank=True, validators=[no_control_characters]
    )
    recurring_slot = models.ForeignKey(
        RecurringSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    # Where the slot's rule put this session, moved or not: its RECURRENCE-ID in the series.
    occurrence_starts_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # What the log says; both people see it.
    actual_minutes = models.PositiveSmallIntegerField(_("actual duration (minutes)"), null=True, blank=True)
    topics = models.TextField(_("topics covered"), blank=True)
    shared_notes = models.TextField(_("shared notes"), blank=True)
    usefulness = models.PositiveSmallIntegerField(_("usefulness (1-5)"), null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The curriculum module the session is on; none is a free topic. A held session on a module is what
    # makes the module done for the pair (sessions.selectors.curriculum_progress).
    module = models.ForeignKey(
        CurriculumModule,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
        verbose_name=_("curriculum module"),
    )
    # The phase of the programme on the session's date (set whenever it is planned or moved).
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices, default=Phase.REVERSE)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=SESSION_MINUTES_FLOOR)
                & Q(duration_minutes__lte=SESSION_MINUTES_CEILING),
                name="session_duration_within_bounds",
            ),
            models.CheckConstraint(
                condition=Q(usefulness__isnull=True) | (Q(usefulness__gte=1) & Q(usefulness__lte=5)),
                name="session_usefulness_range",
            ),
            models.CheckConstraint(
                condition=Q(actual_minutes__isnull=True) | Q(actual_minutes__lte=600),
                name="session_actual_minutes_range",
            ),
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="session_phase_valid"),
        ]
        indexes = [
            models.Index(fields=["organization", "pair", "starts_at"]),
            # The dispatcher's two session scans, every minute across organisations (reminders for the
            # next 25 hours, log reminders for the last week): a range of starts_at among the few
            # scheduled rows. Without it both read the whole table (docs/scaling.md, section 4).
            # The columns both scans read are in it (an index-only scan): the day's sessions are spread
            # over the whole table, one heap page each.
            models.Index(
                fields=["starts_at"],
                include=["id", "organization", "sequence", "logged_at"],
                condition=Q(status="scheduled"),
                name="session_scheduled_starts",
            ),
        ]

    def __str__(self):
        return f"{self.pair} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        # In UTC: Python adds to an aware local time on the wall clock, which would make a session
        # started in the repeated autumn hour an hour longer.
        return self.starts_at.astimezone(UTC) + timedelta(minutes=self.duration_minutes)

    @property
    def is_open(self):
        return self.status == self.Status.SCHEDULED

    @property
    def is_video(self):
        return self.format == self.Format.VIDEO


class AgendaItem(TenantModel):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="agenda_items")
    text = models.CharField(_("agenda item"), max_length=300)
    goal = models.ForeignKey(
        Goal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
        verbose_name=_("goal"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return row_name(self)


class PrivateNote(TenantModel):
    """What one person wrote for themselves about a session.

    Only the author ever reads it: no page, export, feed or admin list shows it to anyone else, HR and
    executives included. This is what lets a senior write down what they do not know.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("private note"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="private_note_once_per_author"),
        ]

    def __str__(self):
        return row_name(self)


class ActionItem(TenantModel):
    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="action_items")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner")
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "due_date", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self):
        return row_name(self)


class SharedResource(TenantModel):
    """The pair's shared space: useful links and the key take-aways of what they learnt."""

    class Kind(models.TextChoices):
        TAKEAWAY = "takeaway", _("Key take-away")
        LINK = "link", _("Link")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TAKEAWAY)
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    url = models.URLField(_("link"), blank=True)
    body = models.TextField(_("what we learnt"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("shared resource")
        verbose_name_plural = _("shared resources")
        constraints = [
            models.CheckConstraint(condition=~Q(kind="link") | ~Q(url=""), name="resource_link_has_url"),
        ]

    def __str__(self):
        return row_name(self)


def new_feed_token():
    return secrets.token_urlsafe(32)


class Endorsement(TenantModel):
    """The senior mentee's word about their junior mentor, for the mentor's attestation.

    Given by the mentee only, and theirs to change or withdraw. It is also their consent to appear on the
    attestation by name, and, if they tick it, to show the topics the pair covered.
    """

    pair = models.OneToOneField(Pair, on_delete=models.CASCADE, related_name="endorsement")
    text = models.TextField(_("endorsement"), max_length=1500)
    show_topics = models.BooleanField(
        _("show the topics we covered on the attestation"),
        default=False,
        help_text=_("Otherwise the attestation counts the sessions without saying what they were about."),
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    given_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")

    def __str__(self):
        return f"{self.pair} · {self.given_at:%Y-%m-%d}"


class CalendarFeed(TenantModel):
    """A person's private calendar subscription URL for one organisation; the token is the credential."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], condition=Q(revoked_at=None), name="calendar_feed_one_active"
            ),
        ]


class Challenge(TenantModel):
    """A "try it" challenge: a concrete practice the mentee commits to at the end of a session, with a date.

    By that date the mentee says whether they did it, with a line of reflection; the mentor reads it, and
    the next session planned opens with it (``reviewed_in``). It is the mentee's: exported with their data.
    Dashboards only ever count them, above the organisation's privacy threshold.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("To do")
        DONE = "done", _("Done")
        NOT_DONE = "not_done", _("Not done")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="challenges")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="challenges"
    )
    module = models.ForeignKey(
        CurriculumModule, null=True, blank=True, on_delete=models.SET_NULL, related_name="challenges"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("what I will try"), max_length=300, validators=[no_control_characters])
    due_date = models.DateField(_("by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reflection = models.CharField(
        _("a line of reflection"), max_length=500, blank=True, validators=[no_control_characters]
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # The session whose agenda opened with it, so that a challenge is reviewed once.
    reviewed_in = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewed_challenges"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("“try it” challenge")
        verbose_name_plural = _("“try it” challenges")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", answered_at=None)
                | (~Q(status="pending") & ~Q(answered_at=None)),
                name="challenge_answered_when_not_pending",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="challenge_by_status")]

    def __str__(self):
        return row_name(self)

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING


class Delegation(TenantModel):
    """An executive lets their assistant plan, move and cancel their sessions.

    The assistant acts with the executive's scheduling rights, never more: on the pairs where the
    programme lets the executive's side plan. They see dates and places only (``access.delegated_pairs``).
    Deleting the row ends the assistant's access at once: every request checks it.
    """

    executive = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("executive")
    )
    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("assistant")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("delegation to an assistant")
        verbose_name_plural = _("delegations to assistants")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "executive", "assistant"], name="delegation_once_per_pair_of_people"
            ),
            models.CheckConstraint(
                condition=~Q(executive=models.F("assistant")), name="delegation_not_to_self"
            ),
        ]

    def __str__(self):
        return row_name(self)


COHORT_MINUTES_FLOOR = 15
COHORT_MINUTES_CEILING = 480


class CohortSession(TenantModel):
    """A group session of a programme's junior mentors: a training before the start, a debrief at a cadence.

    It belongs to the programme, never to a pair: nothing a pair wrote (goals, agenda, notes, challenges,
    answers) is shown with it. ``sequence`` grows at each change so that calendars update the invitation
    they hold (``uid``); ``series`` ties the debriefs planned together ("every 3 months").
    """

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        DEBRIEF = "debrief", _("Debrief")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohort_sessions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DEBRIEF)
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    location = models.CharField(
        _("place or video link"), max_length=300, blank=True, validators=[no_control_characters]
    )
    description = models.TextField(_("description"), blank=True, max_length=3000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    sequence = models.PositiveIntegerField(default=0)
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    series = models.UUIDField(null=True, blank=True, editable=False)
    # When HR recorded who came: the session's attendance rate counts from then on.
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("cohort session")
        verbose_name_plural = _("cohort sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=COHORT_MINUTES_FLOOR)
                & Q(duration_minutes__lte=COHORT_MINUTES_CEILING),
                name="cohort_session_duration_within_bounds",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "programme", "starts_at"], name="cohort_session_by_start")
        ]

    def __str__(self):
        return self.title

    @property
    def ends_at(self):
        return self.starts_at.astimezone(UTC) + timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED


class CohortAttendance(TenantModel):
    """Whether a junior mentor came to a cohort session: recorded by HR afterwards, or excused by the
    mentor beforehand (``in_advance``)."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    cohort_session = models.ForeignKey(CohortSession, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="cohort_attendance")
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    in_advance = models.BooleanField(_("said in advance"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cohort_session", "pk"]
        verbose_name = _("cohort attendance")
        verbose_name_plural = _("cohort attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort_session", "participant"], name="cohort_attendance_once_per_mentor"
            ),
        ]

    def __str__(self):
        return row_name(self)
