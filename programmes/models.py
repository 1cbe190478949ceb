import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.l10n import localized
from organizations import uploads
from organizations.models import person_record
from organizations.tenancy import TenantModel
from organizations.validators import no_control_characters

SESSION_MINUTES_FLOOR = 15
SESSION_MINUTES_CEILING = 120

# Availability is a list of these slots ("mon-lunch"...): the profile form writes them, matching reads them.
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
DAY_PARTS = ["morning", "lunch", "afternoon"]
AVAILABILITY_SLOTS = [f"{day}-{part}" for day in WEEKDAYS for part in DAY_PARTS]


class Skill(TenantModel):
    """A topic of the organisation's taxonomy: what mentors offer and mentees want."""

    # Text HR writes is a French/English pair (mentoring.l10n.localized): each reader gets theirs.
    name = models.CharField(_("name (French)"), max_length=100, validators=[no_control_characters])
    name_en = models.CharField(
        _("name (English)"), max_length=100, blank=True, validators=[no_control_characters]
    )
    description = models.CharField(_("description (French)"), max_length=300, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="skill_unique_name_per_org")
        ]

    def __str__(self):
        return localized(self, "name")


class Objective(TenantModel):
    """A programme objective HR can pick (defaults are seeded; HR adds its own)."""

    name = models.CharField(_("name (French)"), max_length=200, validators=[no_control_characters])
    name_en = models.CharField(
        _("name (English)"), max_length=200, blank=True, validators=[no_control_characters]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="objective_unique_name_per_org")
        ]

    def __str__(self):
        return localized(self, "name")


class Side(models.TextChoices):
    """Which side of a pair holds a responsibility (planning the sessions, writing the agenda)."""

    MENTEE = "mentee", _("The mentee")
    MENTOR = "mentor", _("The mentor")
    BOTH = "both", _("Both")


class Phase(models.TextChoices):
    """The phases of a programme: reverse mentoring (the junior mentors the senior), then, where HR turns it
    on, a cross phase where the senior mentors the junior on career and leadership."""

    REVERSE = "reverse", _("Reverse mentoring")
    CROSS = "cross", _("Cross phase")


# In the cross phase the roles turn round: whatever side held a responsibility, the other side holds it.
MIRRORED = {Side.MENTOR: Side.MENTEE, Side.MENTEE: Side.MENTOR, Side.BOTH: Side.BOTH}


class Programme(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for enrolment")
        MATCHING = "matching", _("Matching")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200, validators=[no_control_characters])
    description = models.TextField(_("description"), blank=True)
    objectives = models.ManyToManyField(Objective, blank=True, verbose_name=_("objectives"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    session_min_minutes = models.PositiveSmallIntegerField(
        _("shortest session (minutes)"),
        default=30,
        validators=[MinValueValidator(SESSION_MINUTES_FLOOR), MaxValueValidator(SESSION_MINUTES_CEILING)],
    )
    session_max_minutes = models.PositiveSmallIntegerField(
        _("longest session (minutes)"),
        default=60,
        validators=[MinValueValidator(SESSION_MINUTES_FLOOR), MaxValueValidator(SESSION_MINUTES_CEILING)],
    )
    cadence_days = models.PositiveSmallIntegerField(
        _("target cadence (days between sessions)"), default=14, validators=[MinValueValidator(1)]
    )
    rotation_months = models.PositiveSmallIntegerField(
        _("rotation period (months)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    mentor_capacity = models.PositiveSmallIntegerField(
        _("mentees per mentor"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    charter = models.TextField(_("charter (French)"), blank=True)
    charter_en = models.TextField(_("charter (English)"), blank=True)
    # Roles inverted: by default the senior mentee plans (as at BNY) and the junior mentor writes the agenda.
    scheduled_by = models.CharField(
        _("who plans the sessions"), max_length=10, choices=Side.choices, default=Side.MENTEE
    )
    agenda_by = models.CharField(
        _("who writes the agenda"), max_length=10, choices=Side.choices, default=Side.MENTOR
    )
    # The optional cross phase, after the reverse phase (``start_date`` to ``end_date``).
    cross_phase = models.BooleanField(_("cross phase"), default=False)
    cross_start_date = models.DateField(_("cross phase start date"), null=True, blank=True)
    cross_end_date = models.DateField(_("cross phase end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(session_min_minutes__gte=SESSION_MINUTES_FLOOR)
                & Q(session_max_minutes__lte=SESSION_MINUTES_CEILING)
                & Q(session_min_minutes__lte=F("session_max_minutes")),
                name="programme_session_bounds",
            ),
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="programme_dates_ordered"),
            models.UniqueConstraint(fields=["organization", "name"], name="programme_unique_name_per_org"),
            models.CheckConstraint(
                condition=Q(scheduled_by__in=Side.values), name="programme_scheduled_by_valid"
            ),
            models.CheckConstraint(condition=Q(agenda_by__in=Side.values), name="programme_agenda_by_valid"),
            models.CheckConstraint(
                condition=Q(cross_phase=False)
                | Q(cross_start_date__gt=F("end_date"), cross_end_date__gt=F("cross_start_date")),
                name="programme_cross_phase_after_reverse",
            ),
        ]

    def __str__(self):
        return self.name

    def phase_on(self, day: datetime.date) -> str:
        """The phase the programme is in on ``day``: the cross phase from its start date, if it is on."""
        if self.cross_phase and self.cross_start_date is not None and day >= self.cross_start_date:
            return Phase.CROSS
        return Phase.REVERSE

    @property
    def current_phase(self) -> str:
        return self.phase_on(timezone.localdate())

    @property
    def last_day(self) -> datetime.date:
        """The programme's last day: the end of its cross phase when there is one."""
        if self.cross_phase and self.cross_end_date is not None:
            return self.cross_end_date
        return self.end_date

    def phase_dates(self, phase: str) -> tuple[datetime.date, datetime.date]:
        if phase == Phase.CROSS and self.cross_start_date and self.cross_end_date:
            return self.cross_start_date, self.cross_end_date
        return self.start_date, self.end_date

    def holder(self, responsibility: str, phase: str | None = None) -> str:
        """The side holding ``responsibility`` ("scheduled_by", "agenda_by") in ``phase`` (today's if not
        given): the programme's setting in the reverse phase, its mirror in the cross phase."""
        side = getattr(self, responsibility)
        return MIRRORED[side] if (phase or self.current_phase) == Phase.CROSS else side

    def side_holds(self, responsibility: str, role: str, phase: str | None = None) -> bool:
        """Whether the ``role`` side (mentor or mentee) holds ``responsibility`` ("scheduled_by", "agenda_by")."""
        holder = self.holder(responsibility, phase)
        return holder == Side.BOTH or holder == role


class Participant(TenantModel):
    """A person's enrolment in a programme as mentor or mentee, with the profile used for matching."""

    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ENROLLED = "enrolled", _("Enrolled")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    department = models.CharField(
        _("department"), max_length=120, blank=True, validators=[no_control_characters]
    )
    job_title = models.CharField(
        _("job title"), max_length=120, blank=True, validators=[no_control_characters]
    )
    location = models.CharField(_("location"), max_length=120, blank=True, validators=[no_control_characters])
    # ISO 639-1 codes, e.g. ["fr", "en"]; no shared language makes a pair impossible.
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # Lower-case free tags, e.g. ["running", "photography"].
    interests = models.JSONField(_("interests"), default=list, blank=True)
    hopes = models.TextField(_("what I hope for"), blank=True)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("manager"),
    )
    person = person_record()  # the names the organisation holds for this person
    # Preparation before the first session: the charter, the module for the person's side, the pledge.
    charter_accepted_at = models.DateTimeField(null=True, blank=True)
    module_read_at = models.DateTimeField(null=True, blank=True)
    pledge_accepted_at = models.DateTimeField(null=True, blank=True)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person__last_name", "person__first_name", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="participant_once_per_programme"),
        ]
        indexes = [models.Index(fields=["organization", "programme", "role", "status"])]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"

    @property
    def is_prepared(self) -> bool:
        return None not in (self.charter_accepted_at, self.module_read_at, self.pledge_accepted_at)

    @property
    def preparation_steps_done(self) -> int:
        return sum(
            step is not None
            for step in (self.charter_accepted_at, self.module_read_at, self.pledge_accepted_at)
        )


class ParticipantSkill(TenantModel):
    """A skill a mentor offers, or a mentee wants, with a level from 1 to 3.

    For a mentor the level is proficiency (1 basics, 2 confident, 3 expert); for a mentee it is how
    much they want it (1 nice to have, 2 important, 3 priority).
    """

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(
        _("level"), default=2, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "skill"], name="participant_skill_once"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3), name="participant_skill_level_range"
            ),
        ]


class Resource(TenantModel):
    """Preparation material for a programme: a link or an uploaded file, for mentors, mentees or both."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        MENTORS = "mentors", _("Mentors")
        MENTEES = "mentees", _("Mentees")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="resources")
    audience = models.CharField(_("for"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(
        _("file"),
        upload_to=uploads.RandomName("programmes/resources/%Y/%m/", uploads.RESOURCE.name),
        blank=True,
        validators=[uploads.validate_resource_file],
    )
    # What the person called the file (cleaned): shown and offered back on download, never a path.
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["audience", "title"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="resource_link_or_file",
            ),
        ]

    def __str__(self):
        return self.title

    def is_for(self, role):
        return self.audience == self.Audience.EVERYONE or self.audience == f"{role}s"


class ParticipantImport(TenantModel):
    """An uploaded participant file, parsed and checked, waiting for HR to confirm it: all or nothing, or
    only its valid rows if HR chooses so."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Awaiting confirmation")
        APPLIED = "applied", _("Imported")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255, validators=[no_control_characters])
    # Each row: {"line": n, "values": {...}, "errors": [...], "cells": [...]}: "line" is the number the
    # person's spreadsheet shows beside it, "cells" the row as written, for the rejected-rows download.
    rows = models.JSONField(default=list)
    notice = models.CharField(max_length=300, blank=True)
    # What the file looked like, so that the preview and the rejected rows speak of it as HR sees it.
    sheet = models.CharField(_("sheet"), max_length=31, blank=True)
    delimiter = models.CharField(max_length=1, default=",")
    headers = models.JSONField(default=list, blank=True)
    ignored_columns = models.JSONField(default=list, blank=True)
    merged_cells = models.JSONField(default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def invalid_rows(self):
        return [row for row in self.rows if row["errors"]]

    @property
    def is_valid(self):
        return bool(self.rows) and not self.invalid_rows


class MentorOutcome(TenantModel):
    """What became of a junior mentor since the programme, as HR records it, by hand or by import.

    Each outcome is yes, no or not known yet (None): rates are computed over the mentors whose outcome
    is known, so that a half-filled table does not read as "nobody was promoted".
    """

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="outcome")
    promoted = models.BooleanField(_("promoted"), null=True, blank=True)
    internal_mobility = models.BooleanField(_("internal mobility"), null=True, blank=True)
    retained_6_months = models.BooleanField(_("still with the company at 6 months"), null=True, blank=True)
    retained_12_months = models.BooleanField(_("still with the company at 12 months"), null=True, blank=True)
    recognition = models.CharField(
        _("recognition"),
        max_length=200,
        blank=True,
        validators=[no_control_characters],
        help_text=_("An award, a talk, a mention in a review: in a few words."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("mentor outcome")
        verbose_name_plural = _("mentor outcomes")


def _rate_field(label):
    return models.DecimalField(
        label,
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )


class OutcomeBaseline(TenantModel):
    """The organisation's own rates for the population the programme's mentors come from, as HR gives
    them (for instance: employees of the same grades and seniority, over the same year)."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="outcome_baseline")
    promoted = _rate_field(_("promotion rate (%)"))
    internal_mobility = _rate_field(_("internal mobility rate (%)"))
    retained_6_months = _rate_field(_("retention at 6 months (%)"))
    retained_12_months = _rate_field(_("retention at 12 months (%)"))
    population = models.CharField(
        _("population compared"),
        max_length=200,
        blank=True,
        validators=[no_control_characters],
        help_text=_("Who the rates describe, e.g. “employees under 30, 2025”."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outcome baseline")
        verbose_name_plural = _("outcome baselines")
        constraints = [
            models.CheckConstraint(
                condition=(
                    (models.Q(promoted__isnull=True) | models.Q(promoted__gte=0, promoted__lte=100))
                    & (
                        models.Q(internal_mobility__isnull=True)
                        | models.Q(internal_mobility__gte=0, internal_mobility__lte=100)
                    )
                    & (
                        models.Q(retained_6_months__isnull=True)
                        | models.Q(retained_6_months__gte=0, retained_6_months__lte=100)
                    )
                    & (
                        models.Q(retained_12_months__isnull=True)
                        | models.Q(retained_12_months__gte=0, retained_12_months__lte=100)
                    )
                ),
                name="outcome_baseline_rates_are_percentages",
            )
        ]


# The outcomes HR records, in the order pages and exports show them; each is a field of both models.
OUTCOMES = ("promoted", "internal_mobility", "retained_6_months", "retained_12_months")


class CurriculumModule(TenantModel):
    """One topic of a programme's curriculum, e.g. "Réseaux sociaux": what to learn, a suggested agenda for
    the session on it, resources, and a "try it" challenge the mentee can commit to afterwards.

    The rows belong to the programme: HR copies the product's default curriculum (``programmes.curriculum``)
    and adapts it, and a change here never touches another programme's modules.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title (French)"), max_length=200, validators=[no_control_characters])
    title_en = models.CharField(
        _("title (English)"), max_length=200, blank=True, validators=[no_control_characters]
    )
    objectives = models.TextField(_("learning objectives (French)"), blank=True)
    objectives_en = models.TextField(_("learning objectives (English)"), blank=True)
    # One agenda item a line: a session planned on the module starts with these items.
    agenda = models.TextField(_("suggested agenda (French)"), blank=True)
    agenda_en = models.TextField(_("suggested agenda (English)"), blank=True)
    resources = models.TextField(_("resources (French)"), blank=True)
    resources_en = models.TextField(_("resources (English)"), blank=True)
    challenge = models.CharField(
        _("“try it” challenge (French)"), max_length=300, blank=True, validators=[no_control_characters]
    )
    challenge_en = models.CharField(
        _("“try it” challenge (English)"), max_length=300, blank=True, validators=[no_control_characters]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("curriculum module")
        verbose_name_plural = _("curriculum modules")
        indexes = [models.Index(fields=["organization", "programme", "position"])]

    def __str__(self):
        return localized(self, "title")

    def agenda_lines(self, language=None):
        """The suggested agenda in the reader's language, one item a line, blank lines dropped."""
        return [line.strip() for line in localized(self, "agenda", language).splitlines() if line.strip()]
