from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import Kind
from notifications.services import enqueue_delivery, natural_key, plan

from .models import Answer, Question, SurveyResponse


@transaction.atomic
def send_survey(*, template, participant, key, pair=None, session_id=None, now=None):
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
    response = SurveyResponse.objects.get(key=key)
    plan(
        organization=template.organization,
        recipient=participant.user,
        kind=Kind.SURVEY_INVITATION,
        key=natural_key(Kind.SURVEY_INVITATION, "response", response.pk, recipient=participant.user),
        due_at=now,
        object_id=response.pk,
    )
    enqueue_delivery(template.organization_id)
    return response


class AlreadyAnswered(Exception):
    pass


@transaction.atomic
def submit_answers(*, response, answers):
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
    return locked


@transaction.atomic
def add_question(*, template, text, type, choices=None, required=True):
    """Append a question to a template; a choice question needs at least two choices."""
    choices = [choice.strip() for choice in (choices or []) if choice.strip()]
    if type == Question.Type.CHOICE and len(choices) < 2:
        raise ValidationError(_("A choice question needs at least two choices, one a line."))
    if type != Question.Type.CHOICE:
        choices = []
    last = template.questions.order_by("-position").values_list("position", flat=True).first() or 0
    return Question.objects.create(
        template=template, position=last + 1, text=text, type=type, choices=choices, required=required
    )
