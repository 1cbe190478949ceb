from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import TenantModel
from programmes.models import Participant, Programme


class MatchingRound(TenantModel):
    """One run of matching for a programme: proposals HR reviews, then publishes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Proposals under review")
        PUBLISHED = "published", _("Published")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="matching_rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_rotation = models.BooleanField(_("rotation round"), default=False)
    # The engine's report of the people left without a partner: [{"participant_id", "role", "reason"}].
    unmatched = models.JSONField(default=list, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="matching_round_number_unique"),
        ]

    def __str__(self):
        return f"{self.programme} · {self.number}"


class Pair(TenantModel):
    """A mentor and a mentee, from proposal to the end of their relationship."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pairs")
    matching_round = models.ForeignKey(
        MatchingRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="pairs"
    )
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="pairs_as_mentor")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="pairs_as_mentee")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    score = models.FloatField(_("score"), default=0)
    score_breakdown = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    locked = models.BooleanField(_("locked"), default=False)
    mentor_accepted_at = models.DateTimeField(null=True, blank=True)
    mentee_accepted_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    # Chosen by the mentee among their suggestions (self-service programmes) rather than by HR.
    chosen_by_mentee = models.BooleanField(default=False)
    # HR let this pair plan its first session before both people finished their preparation.
    preparation_waived_at = models.DateTimeField(null=True, blank=True)
    preparation_waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # The named sets of statuses, each one rule used everywhere:
    # someone's current match (at most one per mentee and programme; no other is proposed to them);
    LIVE = (Status.PROPOSED, Status.ACCEPTED, Status.ACTIVE)
    # a match both people confirmed at some point (the dashboard's "matched");
    MATCHED = (Status.ACCEPTED, Status.ACTIVE, Status.ENDED)
    # both said yes and it has not ended (HR can still remind it);
    CONFIRMED = (Status.ACCEPTED, Status.ACTIVE)
    # the pair has a workspace: sessions, goals and notes, read-only once ended;
    WITH_A_WORKSPACE = (Status.ACTIVE, Status.ENDED)
    # over: the two were partners or one declined the other (the engine never proposes them again).
    OVER = (Status.DECLINED, Status.ENDED)

    class Meta:
        verbose_name = _("pair")
        verbose_name_plural = _("pairs")
        indexes = [models.Index(fields=["organization", "programme", "status"])]
        constraints = [
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="pair_two_different_people"),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "accepted", "active", "declined", "ended"]),
                name="pair_status_known",
            ),
            models.UniqueConstraint(
                fields=["programme", "mentee"],
                condition=Q(status__in=["proposed", "accepted", "active"]),
                name="pair_one_live_pair_per_mentee",
            ),
        ]

    def __str__(self):
        return f"{self.mentor.user} ↔ {self.mentee.user}"

    def people(self):
        """The two people's accounts: the mentor's, then the mentee's."""
        return [self.mentor.user, self.mentee.user]

    def partner_of(self, user):
        """The other person of the pair, seen from ``user``."""
        return self.mentee.user if self.mentor.user_id == user.pk else self.mentor.user


class MatchingSettings(TenantModel):
    """How a programme's couples are scored and who decides: HR assigns, or mentees choose."""

    class Mode(models.TextChoices):
        HR = "hr", _("HR assigns the pairs")
        SELF_SERVICE = "self_service", _("Mentees choose among their top 3 suggested mentors")

    WEIGHT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(10)]

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="matching_settings")
    mode = models.CharField(_("who decides"), max_length=20, choices=Mode.choices, default=Mode.HR)
    weight_skills = models.FloatField(_("skills offered and wanted"), default=4, validators=WEIGHT_VALIDATORS)
    weight_interests = models.FloatField(_("shared interests"), default=1, validators=WEIGHT_VALIDATORS)
    weight_languages = models.FloatField(_("shared languages"), default=1, validators=WEIGHT_VALIDATORS)
    weight_availability = models.FloatField(
        _("availability overlap"), default=2, validators=WEIGHT_VALIDATORS
    )
    weight_time_zone = models.FloatField(_("close time zones"), default=1, validators=WEIGHT_VALIDATORS)
    weight_diversity = models.FloatField(
        _("different departments"),
        default=1,
        validators=WEIGHT_VALIDATORS,
        help_text=_("0 ignores departments; higher values prefer pairs across departments."),
    )
    across_departments_only = models.BooleanField(
        _("pair across departments only"),
        default=False,
        help_text=_(
            "A hard rule: a mentor and a mentee of the same department are never paired. "
            "People whose department is unknown can be paired with anyone."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("matching settings")
        verbose_name_plural = _("matching settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_skills__gte=0)
                & Q(weight_interests__gte=0)
                & Q(weight_languages__gte=0)
                & Q(weight_availability__gte=0)
                & Q(weight_time_zone__gte=0)
                & Q(weight_diversity__gte=0),
                name="matching_weights_not_negative",
            ),
        ]

    def __str__(self):
        return str(self.programme)


class PairingRule(TenantModel):
    """An HR decision the engine must respect: never pair these two, or always pair them."""

    class Kind(models.TextChoices):
        NEVER = "never", _("Never together")
        MUST = "must", _("Must pair")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pairing_rules")
    kind = models.CharField(_("rule"), max_length=10, choices=Kind.choices)
    mentor = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("mentor")
    )
    mentee = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("mentee")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("pairing rule")
        verbose_name_plural = _("pairing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "mentor", "mentee"], name="pairing_rule_once_per_couple"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.mentor.user} / {self.mentee.user}"
