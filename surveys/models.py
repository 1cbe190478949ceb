import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentoring.l10n import localized, pick
from organizations.tenancy import TenantModel
from organizations.validators import no_control_characters
from pairing.models import Pair
from programmes.models import Participant, Phase, Programme, Skill


class SurveyTemplate(TenantModel):
    """The questions one audience (mentors or mentees) of a programme answers at one moment.

    Its wording is versioned (``SurveyVersion``): the title and questions here and on the questions of
    ``version`` are the current ones, which new surveys are answered with; once a version has answers,
    an edit starts the next version and the answered one stays as it was asked.
    """

    class Moment(models.TextChoices):
        BASELINE = "baseline", _("Baseline, at the start")
        PULSE = "pulse", _("Pulse, after each logged session")
        MIDPOINT = "midpoint", _("Mid-programme progress")
        FINAL = "final", _("Final progress")

    class Audience(models.TextChoices):
        MENTOR = "mentor", _("Mentors")
        MENTEE = "mentee", _("Mentees")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="survey_templates")
    moment = models.CharField(_("moment"), max_length=20, choices=Moment.choices)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    # The programme's phase the survey belongs to: a cross phase has its own surveys, sent on its dates.
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices, default=Phase.REVERSE)
    # French/English pairs (mentoring.l10n.localized): the product seeds both, HR may write both.
    title = models.CharField(_("title (French)"), max_length=200, validators=[no_control_characters])
    title_en = models.CharField(
        _("title (English)"), max_length=200, blank=True, validators=[no_control_characters]
    )
    introduction = models.TextField(_("introduction (French)"), blank=True)
    introduction_en = models.TextField(_("introduction (English)"), blank=True)
    is_active = models.BooleanField(_("sent"), default=True)
    # The number of the current ``SurveyVersion``.
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "phase", "moment", "audience"]
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "phase", "moment", "audience"], name="survey_template_once_per_moment"
            ),
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="survey_template_phase_valid"),
        ]

    def __str__(self):
        return localized(self, "title")

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            # Every template has its first version from the start, whoever creates it.
            SurveyVersion.objects.create(
                organization=self.organization,
                template=self,
                number=self.version,
                title=self.title,
                title_en=self.title_en,
                introduction=self.introduction,
                introduction_en=self.introduction_en,
            )

    @property
    def current_questions(self):
        return self.questions.filter(version=self.version)


class SurveyVersion(TenantModel):
    """One wording of a survey template: its title and introduction then, and its questions
    (``Question.version``). A version answered by someone is never changed again."""

    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title (French)"), max_length=200, validators=[no_control_characters])
    title_en = models.CharField(
        _("title (English)"), max_length=200, blank=True, validators=[no_control_characters]
    )
    introduction = models.TextField(_("introduction (French)"), blank=True)
    introduction_en = models.TextField(_("introduction (English)"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="survey_version_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="survey_version_from_one"),
        ]

    def __str__(self):
        return f"{localized(self, 'title')} · v{self.number}"


class Question(TenantModel):
    class Type(models.TextChoices):
        SCALE = "scale", _("Scale from 1 to 5")
        RECOMMEND = "recommend", _("Recommendation score from 0 to 10")
        YES_NO = "yes_no", _("Yes or no")
        CHOICE = "choice", _("One choice in a list")
        MULTIPLE = "multiple", _("Several choices in a list")
        TEXT = "text", _("Free text")
        SKILLS = "skills", _("Self-assessment of the pair's skills (1 to 5)")
        MENTEE_SKILLS = (
            "mentee_skills",
            _("The mentor rates the mentee's level on the pair's skills (1 to 5)"),
        )

    # Types whose answers offer the options of ``choices``.
    WITH_CHOICES = (Type.CHOICE, Type.MULTIPLE)
    # Types answered once per skill of the pair: one's own level, or (a mentor) the mentee's.
    PER_SKILL = (Type.SKILLS, Type.MENTEE_SKILLS)
    # The numbers each numeric type accepts.
    NUMBERS = {
        Type.SCALE: range(1, 6),
        Type.RECOMMEND: range(0, 11),
        Type.YES_NO: range(0, 2),
        Type.SKILLS: range(1, 6),
        Type.MENTEE_SKILLS: range(1, 6),
    }

    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="questions")
    # The template's version this question belongs to; a question of an answered version never changes.
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    # The same in every version where the question was asked with the same wording and type: figures
    # compare versions through it, and never a question whose wording changed.
    identity = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question (French)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    # The options of a choice question in French, and the same options in English in the same order
    # (empty: English readers read the French). A choice answer stores the French option and its number.
    choices = models.JSONField(_("choices (French)"), default=list, blank=True)
    choices_en = models.JSONField(_("choices (English)"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "version", "identity"], name="question_identity_once_per_version"
            ),
        ]
        indexes = [models.Index(fields=["template", "version", "position"], name="question_of_version")]

    def __str__(self):
        return localized(self, "text")

    def options(self, language=None):
        """[(French option, the reader's option)]: the value an answer stores, and what the reader reads."""
        english = self.choices_en if len(self.choices_en) == len(self.choices) else []
        return [
            (french, pick(french, english[index] if english else "", language))
            for index, french in enumerate(self.choices)
        ]

    def wording(self):
        """What makes two questions the same question: their type and every word a respondent reads."""
        return (self.type, self.text, self.text_en, list(self.choices), list(self.choices_en))


class SurveyResponse(TenantModel):
    """One survey sent to one participant: answered once, through a signed and expiring link."""

    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="responses")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="survey_responses")
    pair = models.ForeignKey(Pair, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    session_id = models.BigIntegerField(null=True, blank=True)
    # Natural key, e.g. "pulse:session:12:participant:7": a survey is sent once per person and occasion.
    key = models.CharField(max_length=120)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    # The version of the template that was answered (set with the answers): its wording is what was asked.
    version = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="survey_response_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["organization", "template", "answered_at"], name="survey_response_rate"),
            models.Index(
                fields=["organization", "sent_at"],
                condition=Q(answered_at__isnull=True),
                name="survey_response_unanswered",
            ),
        ]

    def __str__(self):
        return self.key


class Answer(TenantModel):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    number = models.SmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    text = models.TextField(blank=True)
    # For a choice question: the number (from 1) of the option chosen, whose French text is ``text``.
    # A multiple-choice question has one answer per option chosen.
    option = models.PositiveSmallIntegerField(null=True, blank=True)
    # The respondent's own opt-in, given with the answer on the survey form: executives and HR may then
    # read the text, without a name. Not editable, so that no form or admin page can give it for them.
    shared_anonymously = models.BooleanField(_("shared anonymously"), default=False, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=Q(skill__isnull=True, option__isnull=True),
                name="answer_once_per_question",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "option"],
                condition=Q(option__isnull=False),
                name="answer_once_per_option",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "skill"],
                condition=Q(skill__isnull=False),
                name="answer_once_per_skill",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=0, number__lte=10),
                name="answer_number_range",
            ),
            models.CheckConstraint(
                condition=Q(shared_anonymously=False) | ~Q(text=""), name="answer_shared_has_text"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "response"],
                condition=Q(shared_anonymously=True),
                name="answer_shared",
            ),
        ]


class SkillProgress(TenantModel):
    """One participant's level (1-5) of one skill at baseline, mid-programme and final, as they rate
    themselves and, for a mentee, as their mentor rates them.

    A read model of the skills answers, written when a survey is answered, so that the dashboard reads
    one row per person and skill instead of re-aggregating every answer. Who rated is in the column:
    ``baseline``, ``midpoint``, ``final`` are the person's own rating (a ``skills`` question);
    ``mentor_baseline`` (from the first sessions), ``mentor_midpoint``, ``mentor_final`` are the mentor's
    rating of the mentee (a ``mentee_skills`` question of a mentor's survey sent for the pair). Each keeps
    its latest level and when it was given, so a figure "as of" an earlier date stays exact. It holds
    nothing the answers do not, and follows them: rebuilt from them by ``services.rebuild_skill_progress``.
    """

    MOMENTS = (SurveyTemplate.Moment.BASELINE, SurveyTemplate.Moment.MIDPOINT, SurveyTemplate.Moment.FINAL)
    # Where the mentor's rating of a survey at each moment is kept. The pulse surveys after the pair's
    # first sessions ask it until the mentor has answered it once: that is the mentor's starting point.
    MENTOR_MOMENTS = {
        SurveyTemplate.Moment.BASELINE: "mentor_baseline",
        SurveyTemplate.Moment.PULSE: "mentor_baseline",
        SurveyTemplate.Moment.MIDPOINT: "mentor_midpoint",
        SurveyTemplate.Moment.FINAL: "mentor_final",
    }

    class Rater(models.TextChoices):
        SELF = "self", _("Self-assessment")
        MENTOR = "mentor", _("Rated by the mentor")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    # The side the person answered from: the audience of their surveys.
    audience = models.CharField(max_length=10, choices=SurveyTemplate.Audience.choices)
    baseline = models.PositiveSmallIntegerField(null=True)
    baseline_at = models.DateTimeField(null=True)
    midpoint = models.PositiveSmallIntegerField(null=True)
    midpoint_at = models.DateTimeField(null=True)
    final = models.PositiveSmallIntegerField(null=True)
    final_at = models.DateTimeField(null=True)
    mentor_baseline = models.PositiveSmallIntegerField(null=True)
    mentor_baseline_at = models.DateTimeField(null=True)
    mentor_midpoint = models.PositiveSmallIntegerField(null=True)
    mentor_midpoint_at = models.DateTimeField(null=True)
    mentor_final = models.PositiveSmallIntegerField(null=True)
    mentor_final_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "skill"], name="skill_progress_once_per_skill"),
        ]

    def __str__(self):
        return f"{self.participant_id} · {self.skill_id}"

    @staticmethod
    def column(moment, rater=Rater.SELF):
        """The column holding a rating given at ``moment`` by ``rater`` (None: that moment keeps none)."""
        if rater == SkillProgress.Rater.MENTOR:
            return SkillProgress.MENTOR_MOMENTS.get(moment)
        return moment if moment in SkillProgress.MOMENTS else None
