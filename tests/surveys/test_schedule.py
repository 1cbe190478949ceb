"""When surveys go out: baseline, pulse after a logged session, midpoint, final, reminders."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from organizations.tenancy import tenant_context
from pairing.models import Pair
from sessions.models import Session
from surveys.models import SurveyResponse, SurveyTemplate
from surveys.notifications import SURVEY_REMINDER
from tests.factories import PairFactory, ProgrammeFactory, SessionFactory
from tests.notifications.helpers import rows, run_hourly

Moment = SurveyTemplate.Moment
START = dt.date(2026, 3, 2)
DAY_ONE = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def pair(organization):
    with time_machine.travel(DAY_ONE, tick=False):
        programme = ProgrammeFactory(
            organization=organization, start_date=START, end_date=dt.date(2026, 6, 29)
        )
        return PairFactory(organization=organization, programme=programme, started_at=DAY_ONE)


def _responses(organization, **filters):
    with tenant_context(organization):
        return list(SurveyResponse.objects.filter(**filters).select_related("template"))


def test_the_baseline_goes_to_every_enrolled_participant_once_with_their_audiences_questions(
    pair, organization
):
    with time_machine.travel(DAY_ONE, tick=False):
        run_hourly()
        run_hourly()
    baseline = _responses(organization, template__moment=Moment.BASELINE)
    assert sorted(r.template.audience for r in baseline) == ["mentee", "mentor"]
    assert len(mail.outbox) == 2
    assert all(re.search(r"/s/\S+/", message.body) for message in mail.outbox)


def test_a_logged_session_brings_a_one_question_pulse(pair, organization):
    with time_machine.travel(DAY_ONE + dt.timedelta(days=5), tick=False):
        SessionFactory(
            organization=organization,
            pair=pair,
            starts_at=DAY_ONE + dt.timedelta(days=4),
            status=Session.Status.HELD,
            logged_at=DAY_ONE + dt.timedelta(days=4, hours=2),
        )
        run_hourly()
    pulses = _responses(organization, template__moment=Moment.PULSE)
    assert len(pulses) == 2
    with tenant_context(organization):
        # One question to rate the session; the mentor's pulse also asks, until answered once, how they
        # see the mentee's skills (left out of the form once rated).
        assert all(
            response.template.questions.exclude(type="mentee_skills").count() == 1 for response in pulses
        )


def test_the_midpoint_survey_waits_for_half_the_programme(pair, organization):
    with time_machine.travel(DAY_ONE + dt.timedelta(days=57), tick=False):
        run_hourly()
    assert _responses(organization, template__moment=Moment.MIDPOINT) == []
    with time_machine.travel(DAY_ONE + dt.timedelta(days=60), tick=False):
        run_hourly()
    assert len(_responses(organization, template__moment=Moment.MIDPOINT)) == 2


def test_an_ended_pair_gets_the_final_survey_and_mentors_answer_their_own_questions(pair, organization):
    with tenant_context(organization):
        Pair.objects.filter(pk=pair.pk).update(
            status=Pair.Status.ENDED, ended_at=DAY_ONE + dt.timedelta(days=20)
        )
    with time_machine.travel(DAY_ONE + dt.timedelta(days=21), tick=False):
        run_hourly()
    finals = {r.template.audience: r for r in _responses(organization, template__moment=Moment.FINAL)}
    assert set(finals) == {"mentor", "mentee"}
    with tenant_context(organization):
        mentor_questions = list(finals["mentor"].template.questions.values_list("text", flat=True))
        mentee_questions = list(finals["mentee"].template.questions.values_list("text", flat=True))
    # Default templates are written in the organisation's language (Acme's is French).
    assert "Le mentorat a-t-il développé votre leadership\u00a0?" in mentor_questions
    assert "Le mentorat a-t-il développé votre leadership\u00a0?" not in mentee_questions


def test_whoever_withdrew_gets_no_final_survey_but_their_partner_does(pair, organization):
    from programmes.models import Participant

    with tenant_context(organization):
        Participant.objects.filter(pk=pair.mentee_id).update(status=Participant.Status.WITHDRAWN)
        Pair.objects.filter(pk=pair.pk).update(
            status=Pair.Status.ENDED, ended_at=DAY_ONE + dt.timedelta(days=20)
        )
    with time_machine.travel(DAY_ONE + dt.timedelta(days=21), tick=False):
        run_hourly()
    finals = _responses(organization, template__moment=Moment.FINAL)
    assert [response.participant_id for response in finals] == [pair.mentor_id]


def test_an_unanswered_survey_is_reminded_once_after_n_days(pair, organization, settings):
    settings.SURVEY_REMINDER_AFTER_DAYS = 4
    with time_machine.travel(DAY_ONE, tick=False):
        run_hourly()
    with time_machine.travel(DAY_ONE + dt.timedelta(days=3, hours=23), tick=False):
        run_hourly()
    assert rows(organization, kind=SURVEY_REMINDER) == []
    with time_machine.travel(DAY_ONE + dt.timedelta(days=4), tick=False):
        run_hourly()
        run_hourly()
    reminders = [message for message in mail.outbox if message.subject.startswith("Acme · Reminder:")]
    assert len(reminders) == 2


def test_an_answered_survey_is_not_reminded(pair, organization):
    with time_machine.travel(DAY_ONE, tick=False):
        run_hourly()
    with tenant_context(organization):
        SurveyResponse.objects.update(answered_at=DAY_ONE)
    with time_machine.travel(DAY_ONE + dt.timedelta(days=10), tick=False):
        run_hourly()
    assert {row.status for row in rows(organization, kind=SURVEY_REMINDER)} <= {"skipped"}
    assert not [message for message in mail.outbox if "Reminder:" in message.subject]
