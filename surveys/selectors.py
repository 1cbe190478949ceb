from django.db.models import Avg, Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from organizations.models import Membership
from organizations.roles import Role
from programmes.models import Participant, ParticipantSkill, Skill

from .models import Answer, Question, SkillProgress, SurveyResponse, SurveyTemplate


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


def templates_with_rates(phase=None):
    """Every template (of ``phase``, if given) with how many were sent and answered, for HR's
    response-rate table."""
    templates = SurveyTemplate.objects.all() if phase is None else SurveyTemplate.objects.filter(phase=phase)
    return (
        templates.select_related("programme")
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
        .order_by("programme__name", "phase", "moment_order", "audience")
    )


def response_rate(template):
    return round(100 * template.answered / template.sent) if template.sent else None


def access_question(template, question_id):
    """A question of ``template`` (from ``access_template``, so of the member's organisation), or 404."""
    try:
        question_id = int(question_id)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(Question.objects.filter(template=template), pk=question_id)


def questions_of(template, version=None):
    """The questions of one version of ``template`` (the current one by default), in order."""
    return template.questions.filter(version=version or template.version).order_by("position", "pk")


def versions_with_counts(template):
    """The template's versions, latest first, each with its questions and how many answered it."""
    questions = (
        Question.objects.filter(template=OuterRef("template"), version=OuterRef("number"))
        .order_by()
        .values("template")
        .annotate(n=Count("pk"))
        .values("n")
    )
    answered = (
        SurveyResponse.objects.filter(
            template=OuterRef("template"), version=OuterRef("number"), answered_at__isnull=False
        )
        .order_by()
        .values("template")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return template.versions.annotate(
        question_count=Coalesce(Subquery(questions, output_field=IntegerField()), 0),
        answered=Coalesce(Subquery(answered, output_field=IntegerField()), 0),
    ).order_by("-number")


def comparable_questions(question):
    """The same question in the template's other versions: same identity, so the same wording and type.

    Figures across versions compare a question only with these; a question whose wording changed has
    none before the change.
    """
    return (
        Question.objects.filter(template_id=question.template_id, identity=question.identity)
        .exclude(pk=question.pk)
        .order_by("version")
    )


def question_results(template, *, minimum_group_size, version=None):
    """Aggregates per question of one version, never per person; hidden when fewer people answered than
    the minimum. Choice counts are one query for the whole version."""
    results = []
    questions = list(
        questions_of(template, version).annotate(
            respondents=Count("answers__response", distinct=True), average=Avg("answers__number")
        )
    )
    with_choices = [question.pk for question in questions if question.type in Question.WITH_CHOICES]
    counts = {}
    if with_choices:
        rows = (
            Answer.objects.filter(question_id__in=with_choices, option__isnull=False)
            .values_list("question_id", "option")
            .annotate(n=Count("pk"))
        )
        counts = {(question_id, option): n for question_id, option, n in rows}
    for question in questions:
        hidden = question.respondents < minimum_group_size
        entry = {"question": question, "respondents": question.respondents, "hidden": hidden}
        if not hidden and question.type in Question.WITH_CHOICES:
            entry["choices"] = [
                (label, counts.get((question.pk, number), 0))
                for number, (_value, label) in enumerate(question.options(), start=1)
            ]
        elif not hidden and question.type in (
            Question.Type.SCALE,
            Question.Type.RECOMMEND,
            Question.Type.YES_NO,
        ):
            entry["average"] = question.average
        results.append(entry)
    return results


def programme_skills(programme):
    """The skills a preview lists: those the programme's participants offer or want, else the
    organisation's active skills (a programme still without participants)."""
    skills = Skill.objects.filter(
        pk__in=ParticipantSkill.objects.filter(participant__programme=programme).values("skill")
    )
    if not skills.exists():
        skills = Skill.objects.filter(is_active=True)
    return list(skills.order_by("name"))


def skills_for(response):
    """Skills a self-assessment lists: the pair's (mentor's offer, mentee's wish), else one's own."""
    participant_ids = [response.participant_id]
    if response.pair_id:
        participant_ids = [response.pair.mentor_id, response.pair.mentee_id]
    skills = {}
    for link in ParticipantSkill.objects.filter(participant_id__in=participant_ids).select_related("skill"):
        skills[link.skill.pk] = link.skill
    return sorted(skills.values(), key=lambda skill: skill.name)


def mentee_skills_for(response, skills):
    """The skills a mentor rates their mentee on in ``response``: the pair's ``skills``, or none (the
    question is left out) when the survey is no mentor's, is about no pair, or is a pulse after the
    mentor has given their starting rating of this mentee (it is asked at the first sessions only)."""
    if not response.pair_id or response.template.audience != SurveyTemplate.Audience.MENTOR:
        return []
    if response.template.moment == SurveyTemplate.Moment.PULSE:
        rated = SkillProgress.objects.filter(
            participant_id=response.pair.mentee_id, mentor_baseline__isnull=False
        ).exists()
        if rated:
            return []
    return skills


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
    """Active pairs whose last rated session was rated lower than the one before, in their pulse surveys.

    The two sessions are compared on the questions asked in both (the same ``identity``: a pulse question
    reworded in a new version is another question), each averaged over the people who answered it; two
    sessions with no question in common are not compared.
    """
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
        .values("response__pair_id", "response__session_id", "question__identity")
        .annotate(rating=Avg("number"), at=Max("response__sent_at"))
        .order_by("response__pair_id", "response__session_id", "question__identity")
    )
    declining = []
    for pair_id, pair_rows in groupby(rows, key=lambda row: row["response__pair_id"]):
        sessions: dict[int, dict] = {}
        for row in pair_rows:
            session = sessions.setdefault(row["response__session_id"], {"at": row["at"], "ratings": {}})
            session["at"] = max(session["at"], row["at"])
            session["ratings"][row["question__identity"]] = row["rating"]
        ordered = sorted(sessions.values(), key=lambda session: session["at"])
        if len(ordered) < 2:
            continue
        before, last = ordered[-2]["ratings"], ordered[-1]["ratings"]
        common = before.keys() & last.keys()
        if common and sum(last[key] for key in common) < sum(before[key] for key in common):
            declining.append(pair_id)
    return Pair.objects.filter(pk__in=declining).select_related("mentor__user", "mentee__user")
