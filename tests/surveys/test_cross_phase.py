"""A programme's cross phase has its own surveys: their templates, sent from the cross phase's dates, apart
from the reverse phase's; HR's survey list tells them apart."""

import datetime as dt

import pytest
import time_machine

from organizations.tenancy import tenant_context
from pairing.models import Pair
from programmes.models import Phase
from sessions.models import Session
from surveys.defaults import ensure_default_templates
from surveys.models import Question, SkillProgress, SurveyResponse, SurveyTemplate
from surveys.services import record_skill_levels
from tests.factories import PairFactory, ProgrammeFactory, SessionFactory, SkillFactory
from tests.notifications.helpers import run_hourly

Moment = SurveyTemplate.Moment
START = dt.date(2026, 3, 2)
REVERSE_END = dt.date(2026, 6, 29)
CROSS_START = dt.date(2026, 7, 6)
CROSS_END = dt.date(2026, 9, 28)
DAY_ONE = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
CROSS_DAY_ONE = dt.datetime(2026, 7, 6, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def pair(organization):
    with time_machine.travel(DAY_ONE, tick=False):
        programme = ProgrammeFactory(
            organization=organization,
            start_date=START,
            end_date=REVERSE_END,
            cross_phase=True,
            cross_start_date=CROSS_START,
            cross_end_date=CROSS_END,
        )
        return PairFactory(organization=organization, programme=programme, started_at=DAY_ONE)


def _responses(organization, **filters):
    with tenant_context(organization):
        return list(SurveyResponse.objects.filter(**filters).select_related("template"))


def test_a_programme_with_a_cross_phase_gets_the_cross_phase_s_own_surveys(in_organization, pair):
    ensure_default_templates(pair.programme, "fr")
    cross = SurveyTemplate.objects.filter(programme=pair.programme, phase=Phase.CROSS)
    assert (
        cross.count() == SurveyTemplate.objects.filter(programme=pair.programme, phase=Phase.REVERSE).count()
    )
    # The pair's skills are measured in the reverse phase: the cross phase asks no skills self-assessment.
    assert not Question.objects.filter(template__in=cross, type=Question.Type.SKILLS).exists()


def test_a_programme_without_a_cross_phase_has_reverse_surveys_only(in_organization):
    programme = ProgrammeFactory(organization=in_organization)
    ensure_default_templates(programme, "fr")
    assert set(SurveyTemplate.objects.filter(programme=programme).values_list("phase", flat=True)) == {
        Phase.REVERSE
    }


def test_the_cross_phase_baseline_waits_for_the_cross_phase_start(pair, organization):
    with time_machine.travel(DAY_ONE, tick=False):
        run_hourly()
    assert {r.template.phase for r in _responses(organization, template__moment=Moment.BASELINE)} == {
        Phase.REVERSE
    }
    with time_machine.travel(CROSS_DAY_ONE, tick=False):
        run_hourly()
        run_hourly()
    cross = _responses(organization, template__moment=Moment.BASELINE, template__phase=Phase.CROSS)
    assert sorted(r.template.audience for r in cross) == ["mentee", "mentor"]
    assert all(r.key.startswith("cross:baseline:") for r in cross)


def test_the_cross_phase_midpoint_comes_halfway_through_the_cross_phase(pair, organization):
    halfway = CROSS_START + (CROSS_END - CROSS_START) / 2
    with time_machine.travel(
        dt.datetime.combine(halfway, dt.time(10), dt.UTC) - dt.timedelta(days=2), tick=False
    ):
        run_hourly()
    assert not _responses(organization, template__moment=Moment.MIDPOINT, template__phase=Phase.CROSS)
    # The reverse phase's midpoint went out on its own dates.
    assert _responses(organization, template__moment=Moment.MIDPOINT, template__phase=Phase.REVERSE)
    with time_machine.travel(dt.datetime.combine(halfway, dt.time(10), dt.UTC), tick=False):
        run_hourly()
    assert len(_responses(organization, template__moment=Moment.MIDPOINT, template__phase=Phase.CROSS)) == 2


def test_a_session_of_the_cross_phase_brings_the_cross_phase_s_pulse(pair, organization):
    held_at = CROSS_DAY_ONE + dt.timedelta(days=4)
    with time_machine.travel(held_at + dt.timedelta(days=1), tick=False):
        SessionFactory(
            organization=organization,
            pair=pair,
            starts_at=held_at,
            status=Session.Status.HELD,
            logged_at=held_at + dt.timedelta(hours=2),
            phase=Phase.CROSS,
        )
        run_hourly()
    pulses = _responses(organization, template__moment=Moment.PULSE)
    assert {r.template.phase for r in pulses} == {Phase.CROSS} and len(pulses) == 2


def test_the_reverse_final_goes_out_at_its_end_and_the_cross_final_at_the_cross_end(pair, organization):
    with time_machine.travel(dt.datetime.combine(REVERSE_END, dt.time(10), dt.UTC), tick=False):
        run_hourly()
    finals = _responses(organization, template__moment=Moment.FINAL)
    assert {r.template.phase for r in finals} == {Phase.REVERSE}
    with time_machine.travel(dt.datetime.combine(CROSS_END, dt.time(10), dt.UTC), tick=False):
        run_hourly()
    cross = _responses(organization, template__moment=Moment.FINAL, template__phase=Phase.CROSS)
    assert len(cross) == 2


def test_a_pair_ended_in_the_cross_phase_gets_the_cross_final_only(pair, organization):
    ended_at = CROSS_DAY_ONE + dt.timedelta(days=10)
    with tenant_context(organization):
        Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.ENDED, ended_at=ended_at)
    with time_machine.travel(ended_at + dt.timedelta(days=1), tick=False):
        run_hourly()
    finals = _responses(organization, template__moment=Moment.FINAL)
    # A pair that ends closes the phase it ended in: the cross phase's final, once per person.
    assert {r.template.phase for r in finals} == {Phase.CROSS}
    assert all(r.key.startswith("cross:final:") for r in finals) and len(finals) == 2


def test_a_skills_answer_in_a_cross_phase_survey_does_not_move_the_skills(in_organization, pair):
    ensure_default_templates(pair.programme, "fr")
    template = SurveyTemplate.objects.get(
        programme=pair.programme, phase=Phase.CROSS, moment=Moment.FINAL, audience="mentee"
    )
    with time_machine.travel(CROSS_DAY_ONE, tick=False):
        response = SurveyResponse.objects.create(
            template=template,
            participant=pair.mentee,
            key="cross:test",
            sent_at=CROSS_DAY_ONE,
            expires_at=CROSS_DAY_ONE + dt.timedelta(days=30),
            answered_at=CROSS_DAY_ONE,
        )
    skill = SkillFactory(organization=pair.organization)
    record_skill_levels(response=response, levels={skill.pk: 4})
    assert not SkillProgress.objects.exists()


# HR's list --------------------------------------------------------------------------------------------


def test_hr_s_survey_list_tells_the_phases_apart_and_filters_them(client_for, hr_admin, organization, pair):
    with tenant_context(organization):
        ensure_default_templates(pair.programme, "fr")
    client = client_for(hr_admin)
    page = client.get("/o/acme/surveys/").content.decode()
    assert 'id="survey-phases"' in page and "Cross phase" in page
    cross = client.get("/o/acme/surveys/?phase=cross")
    assert {template.phase for template in cross.context["templates"]} == {Phase.CROSS}
    everything = client.get("/o/acme/surveys/?phase=nonsense")
    assert {template.phase for template in everything.context["templates"]} == {Phase.REVERSE, Phase.CROSS}


def test_the_survey_list_of_programmes_without_cross_phase_shows_no_phase(client_for, hr_admin, organization):
    with tenant_context(organization):
        ensure_default_templates(ProgrammeFactory(organization=organization), "fr")
    page = client_for(hr_admin).get("/o/acme/surveys/").content.decode()
    assert 'id="survey-phases"' not in page


def test_a_mentee_cannot_open_the_survey_list_and_an_outsider_gets_404(
    client_for, mentee_user, outsider, pair
):
    assert client_for(mentee_user).get("/o/acme/surveys/?phase=cross").status_code == 403
    assert client_for(outsider).get("/o/acme/surveys/?phase=cross").status_code == 404
