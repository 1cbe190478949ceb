from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.services import enqueue_delivery, natural_key, plan
from organizations.tenancy import unscoped

from .models import Answer, Question, SkillProgress, SurveyResponse

if TYPE_CHECKING:
    from accounts.models import User
    from pairing.models import Pair
    from programmes.models import Participant, Skill

    from .models import SurveyTemplate

    # (question, skill or None, number, text, shared): see submit_answers
    AnswerInput = tuple[Question, Skill | None, int | None, str | None, bool]


@transaction.atomic
def send_survey(
    *,
    template: SurveyTemplate,
    participant: Participant,
    key: str,
    pair: Pair | None = None,
    session_id: int | None = None,
    now: datetime | None = None,
) -> SurveyResponse:
    """Send ``template`` to ``participant`` once per natural ``key``; returns the response row.

    The response and its invitation e-mail row are written together; the e-mail goes out on commit
    (or with the next dispatcher run if the broker is down).
    """
    now = now or timezone.now()
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                organization=template.organization,
                template=template,
                participant=participant,
                pair=pair,
                session_id=session_id,
                key=key,
                sent_at=now,
                expires_at=now + timedelta(days=settings.SURVEY_LINK_MAX_AGE_DAYS),
            )
        ],
        ignore_conflicts=True,
    )
    # Declared with the survey e-mails' renderers, in a module that imports this one.
    from .notifications import SURVEY_INVITATION

    response = SurveyResponse.objects.get(key=key)
    plan(
        organization=template.organization,
        recipient=participant.user,
        kind=SURVEY_INVITATION,
        key=natural_key(SURVEY_INVITATION, "response", response.pk, recipient=participant.user),
        due_at=now,
        object_id=response.pk,
    )
    enqueue_delivery(template.organization_id)
    return response


def withdraw_survey_links(*, user: User, roles: Iterable[str] | None = None) -> int:
    """Make the person's unanswered survey links stop working: those of the current organisation sent to
    them as one of ``roles`` (mentor, mentee), or with ``roles=None`` every link of theirs everywhere.

    The link expires now: the unanswered survey stays in the response rates as unanswered.
    """
    now = timezone.now()
    if roles is None:
        with unscoped("an account's access ended in every organisation"):
            responses = SurveyResponse.objects.filter(participant__user=user)
            return responses.filter(answered_at=None, expires_at__gt=now).update(expires_at=now)
    responses = SurveyResponse.objects.filter(participant__user=user, participant__role__in=roles)
    return responses.filter(answered_at=None, expires_at__gt=now).update(expires_at=now)


class AlreadyAnswered(Exception):
    pass


@transaction.atomic
def submit_answers(*, response: SurveyResponse, answers: Iterable[AnswerInput]) -> SurveyResponse:
    """Store the answers of ``response`` once.

    ``answers``: [(question, skill or None, number, text, shared)], ``shared`` being the respondent's
    consent to show a free-text answer anonymously to the programme's sponsors; it counts for a non-empty
    free-text answer only. The response row is locked so two submissions of the same link never both count.
    """
    locked = SurveyResponse.objects.select_for_update().get(pk=response.pk)
    if locked.answered_at is not None:
        raise AlreadyAnswered
    if locked.expires_at <= timezone.now():
        raise ValidationError(_("This survey link has expired."))
    Answer.objects.bulk_create(
        [
            Answer(
                organization=locked.organization,
                response=locked,
                question=question,
                skill=skill,
                number=number,
                text=text or "",
                shared_anonymously=bool(shared and text and question.type == Question.Type.TEXT),
            )
            for question, skill, number, text, shared in answers
            if number is not None or text
        ]
    )
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answered_at"])
    record_skill_levels(
        response=locked,
        levels={
            skill.pk: number
            for question, skill, number, _text, _shared in answers
            if question.type == Question.Type.SKILLS and skill is not None and number is not None
        },
    )
    return locked


def record_skill_levels(*, response: SurveyResponse, levels: Mapping[int, int]) -> None:
    """Keep the participant's ``SkillProgress`` in step with an answered survey: {skill id: level}.

    Only the baseline, mid-programme and final surveys assess skills; each answer replaces the level the
    person gave earlier at the same moment and leaves the other moments as they were.
    """
    moment = response.template.moment
    if moment not in SkillProgress.MOMENTS or not levels:
        return
    SkillProgress.objects.bulk_create(
        [
            SkillProgress(
                organization_id=response.organization_id,
                participant_id=response.participant_id,
                skill_id=skill_id,
                audience=response.template.audience,
                **{moment: level, f"{moment}_at": response.answered_at},
            )
            for skill_id, level in levels.items()
        ],
        update_conflicts=True,
        unique_fields=["participant", "skill"],
        update_fields=["audience", moment, f"{moment}_at"],
    )


@transaction.atomic
def rebuild_skill_progress() -> None:
    """Recompute the current organisation's ``SkillProgress`` from its answers, in one read and one write.

    For answers written without ``submit_answers`` (the demo's survey history, the bench), or to repair
    the read model. Later answers at the same moment win, as they do when answered one by one.
    """
    progress: dict[tuple[int, int], SkillProgress] = {}
    answers = (
        Answer.objects.filter(
            question__type=Question.Type.SKILLS,
            question__template__moment__in=SkillProgress.MOMENTS,
            skill__isnull=False,
            number__isnull=False,
            response__answered_at__isnull=False,
        )
        .order_by("response__answered_at", "pk")
        .values_list(
            "organization_id",
            "response__participant_id",
            "skill_id",
            "question__template__audience",
            "question__template__moment",
            "number",
            "response__answered_at",
        )
    )
    for organization_id, participant_id, skill_id, audience, moment, level, answered_at in answers.iterator(
        chunk_size=5000
    ):
        row = progress.get((participant_id, skill_id))
        if row is None:
            row = progress[participant_id, skill_id] = SkillProgress(
                organization_id=organization_id, participant_id=participant_id, skill_id=skill_id
            )
        row.audience = audience
        setattr(row, moment, level)
        setattr(row, f"{moment}_at", answered_at)
    SkillProgress.objects.all().delete()
    SkillProgress.objects.bulk_create(progress.values(), batch_size=2000)


@transaction.atomic
def add_question(
    *,
    template: SurveyTemplate,
    text: str,
    type: str,
    choices: Iterable[str] | None = None,
    required: bool = True,
    text_en: str = "",
) -> Question:
    """Append a question to a template, in French and (optionally) English; a choice question needs at
    least two choices."""
    choices = [choice.strip() for choice in (choices or []) if choice.strip()]
    if type == Question.Type.CHOICE and len(choices) < 2:
        raise ValidationError(_("A choice question needs at least two choices, one a line."))
    if type != Question.Type.CHOICE:
        choices = []
    last = template.questions.order_by("-position").values_list("position", flat=True).first() or 0
    return Question.objects.create(
        template=template,
        position=last + 1,
        text=text,
        text_en=text_en,
        type=type,
        choices=choices,
        required=required,
    )
