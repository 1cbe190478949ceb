from django.db.models import Avg, Case, Count, Exists, OuterRef, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from organizations.models import Membership
from organizations.roles import Role
from programmes.models import Participant, ParticipantSkill

from .models import Answer, Question, SurveyResponse, SurveyTemplate


def access_template(member, template_id):
    """The survey template of the member's organisation with that id, or 404."""
    try:
        template_id = int(template_id)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(
        SurveyTemplate.objects.filter(organization=member.organization).select_related("programme"),
        pk=template_id,
    )


# The membership role that keeps a participation's survey links working.
MEMBERSHIP_ROLE_OF = {Participant.Role.MENTOR: Role.MENTOR, Participant.Role.MENTEE: Role.MENTEE}


def recipient_has_access(response):
    """Whether the person a survey link was sent to may still answer it: an active account that still
    holds, in the organisation, the role they take part with. Checked at every use of the link."""
    participant = response.participant
    return (
        participant.user.is_active
        and Membership.objects.filter(
            user_id=participant.user_id, role=MEMBERSHIP_ROLE_OF.get(participant.role)
        ).exists()
    )


def templates_with_rates():
    """Every template with how many were sent and answered, for HR's response-rate table."""
    return (
        SurveyTemplate.objects.select_related("programme")
        .annotate(
            sent=Count("responses"),
            answered=Count("responses", filter=Q(responses__answered_at__isnull=False)),
        )
        .annotate(
            moment_order=Case(
                *[
                    When(moment=moment, then=Value(index))
                    for index, moment in enumerate(SurveyTemplate.Moment)
                ]
            )
        )
        .order_by("programme__name", "moment_order", "audience")
    )


def response_rate(template):
    return round(100 * template.answered / template.sent) if template.sent else None


def question_results(template, *, minimum_group_size):
    """Aggregates per question, never per person; hidden when fewer people answered than the minimum."""
    results = []
    questions = template.questions.annotate(
        respondents=Count("answers__response", distinct=True), average=Avg("answers__number")
    )
    for question in questions:
        hidden = question.respondents < minimum_group_size
        entry = {"question": question, "respondents": question.respondents, "hidden": hidden}
        if not hidden and question.type == Question.Type.CHOICE:
            counts = dict(
                Answer.objects.filter(question=question).values_list("text").annotate(n=Count("pk"))
            )
            entry["choices"] = [(choice, counts.get(choice, 0)) for choice in question.choices]
        elif not hidden and question.type in (
            Question.Type.SCALE,
            Question.Type.RECOMMEND,
            Question.Type.YES_NO,
        ):
            entry["average"] = question.average
        results.append(entry)
    return results


def skills_for(response):
    """Skills a self-assessment lists: the pair's (mentor's offer, mentee's wish), else one's own."""
    participant_ids = [response.participant_id]
    if response.pair_id:
        participant_ids = [response.pair.mentor_id, response.pair.mentee_id]
    skills = {}
    for link in ParticipantSkill.objects.filter(participant_id__in=participant_ids).select_related("skill"):
        skills[link.skill.pk] = link.skill
    return sorted(skills.values(), key=lambda skill: skill.name)


def unanswered_for_reminder(*, sent_before, now):
    """Open responses sent before ``sent_before``, not expired, with no reminder planned yet."""
    from notifications.models import Notification

    from .notifications import SURVEY_REMINDER

    reminded = Notification.objects.filter(kind=SURVEY_REMINDER, object_id=OuterRef("pk"))
    return (
        SurveyResponse.objects.filter(answered_at=None, sent_at__lte=sent_before, expires_at__gt=now)
        .exclude(Exists(reminded))
        .select_related("participant__user")
    )


def pending_count(*, now):
    return SurveyResponse.objects.filter(answered_at=None, expires_at__gt=now).count()


def pairs_with_declining_ratings():
    """Active pairs whose latest pulse rating is lower than the one before (averaged over both people)."""
    from itertools import groupby

    from django.db.models import Max

    from pairing.models import Pair

    rows = (
        Answer.objects.filter(
            question__template__moment=SurveyTemplate.Moment.PULSE,
            question__type=Question.Type.SCALE,
            response__pair__status=Pair.Status.ACTIVE,
            response__session_id__isnull=False,
        )
        .values("response__pair_id", "response__session_id")
        .annotate(rating=Avg("number"), at=Max("response__sent_at"))
        .order_by("response__pair_id", "at")
    )
    declining = []
    for pair_id, group in groupby(rows, key=lambda row: row["response__pair_id"]):
        ratings = [row["rating"] for row in group]
        if len(ratings) >= 2 and ratings[-1] < ratings[-2]:
            declining.append(pair_id)
    return Pair.objects.filter(pk__in=declining).select_related("mentor__user", "mentee__user")
