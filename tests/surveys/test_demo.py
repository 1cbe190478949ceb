import datetime as dt

import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db.models import Avg
from django.utils import timezone

from organizations.models import Organization
from organizations.tenancy import tenant_context
from programmes.models import Programme
from sessions.models import Session
from surveys.models import Answer, Question, SurveyResponse
from surveys.notifications import plan_surveys

PILOT = "Programme pilote 2026"
RANGES = {
    Question.Type.SCALE: range(1, 6),
    Question.Type.SKILLS: range(1, 6),
    Question.Type.RECOMMEND: range(0, 11),
    Question.Type.YES_NO: range(0, 2),
}


def _seed():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    return Organization.objects.get(slug="demo")


def test_the_pilot_has_a_baseline_and_a_midpoint_for_everyone_and_a_pulse_after_each_logged_session(db):
    organization = _seed()
    now = timezone.now()
    with tenant_context(organization):
        pilot = Programme.objects.get(name=PILOT)
        enrolled = pilot.participants.filter(status="enrolled").count()
        responses = SurveyResponse.objects.filter(template__programme=pilot)
        logged = Session.objects.filter(
            pair__programme=pilot, status="held", logged_at__lt=now - dt.timedelta(hours=1)
        )
        pulsed = responses.filter(template__moment="pulse").values_list("session_id", flat=True)
        assert responses.filter(template__moment="baseline").count() == enrolled
        assert responses.filter(template__moment="midpoint").count() == enrolled
        assert sorted(pulsed) == sorted(2 * list(logged.values_list("pk", flat=True)))
        for moment in ("baseline", "midpoint", "pulse"):
            sent = responses.filter(template__moment=moment)
            assert 0.5 < sent.filter(answered_at__isnull=False).count() / sent.count() < 1
        assert responses.filter(answered_at=None, expires_at__gt=now).exists()  # some still open


def test_every_answer_was_given_once_within_its_links_lifetime_and_within_its_questions_range(db):
    organization = _seed()
    now = timezone.now()
    with tenant_context(organization):
        pilot = Programme.objects.get(name=PILOT)
        start = dt.datetime.combine(pilot.start_date, dt.time.min, tzinfo=dt.UTC)
        for response in SurveyResponse.objects.all():
            assert start <= response.sent_at < now
            assert response.expires_at == response.sent_at + dt.timedelta(
                days=settings.SURVEY_LINK_MAX_AGE_DAYS
            )
            if response.answered_at:
                assert response.sent_at < response.answered_at < min(response.expires_at, now)
        assert not Answer.objects.filter(response__answered_at=None).exists()
        for answer in Answer.objects.select_related("question"):
            if answer.question.type == Question.Type.CHOICE:
                assert answer.text in answer.question.choices
            elif answer.question.type in RANGES:
                assert answer.number in RANGES[answer.question.type]
            assert (answer.skill_id is not None) == (answer.question.type in Question.PER_SKILL)


def test_mentees_rate_their_skills_higher_at_midpoint_than_at_the_start(db):
    organization = _seed()
    with tenant_context(organization):
        skills = Answer.objects.filter(question__type="skills", question__template__audience="mentee")
        baseline = skills.filter(question__template__moment="baseline").aggregate(level=Avg("number"))
        midpoint = skills.filter(question__template__moment="midpoint").aggregate(level=Avg("number"))
    assert midpoint["level"] >= baseline["level"] + 0.5


def test_the_planners_never_send_the_demos_surveys_again(db):
    organization = _seed()
    with tenant_context(organization):
        pilot = Programme.objects.get(name=PILOT)
        midpoint = pilot.start_date + (pilot.end_date - pilot.start_date) / 2
        later = max(timezone.now(), dt.datetime.combine(midpoint, dt.time(10), tzinfo=dt.UTC))
        before = SurveyResponse.objects.filter(template__moment__in=["baseline", "midpoint"]).count()
        with time_machine.travel(later + dt.timedelta(days=1), tick=False):
            plan_surveys(organization, timezone.now())
        after = SurveyResponse.objects.filter(template__moment__in=["baseline", "midpoint"]).count()
    assert after == before


def test_some_demo_comments_are_shared_anonymously_and_others_kept_private(db):
    organization = _seed()
    with tenant_context(organization):
        comments = Answer.objects.filter(
            question__type=Question.Type.TEXT, question__template__moment="midpoint"
        )
        texts = list(comments.values_list("text", flat=True))
        assert len(set(texts)) == len(texts)  # nobody writes the same sentence twice
        assert comments.filter(shared_anonymously=True).count() >= 5
        assert comments.filter(shared_anonymously=False).exists()
        assert (
            not Answer.objects.filter(shared_anonymously=True)
            .exclude(question__type=Question.Type.TEXT)
            .exists()
        )
        assert not Answer.objects.filter(
            question__template__moment="baseline", shared_anonymously=True
        ).exists()
