"""Skills before and after, seen from both sides: statistics on hand-made data, the threshold under every
filter combination, the query pin, the cache, the exports and the API.

Six mentees of one programme, one skill "IA" (levels given in May, the final in June), each with a mentor:

    mentee  department  round  self start  self end  d   mentor start  mentor end
    e0      Finance     r1     1           3         2   1             3
    e1      Finance     r1     2           3         1   1             2
    e2      Finance     r1     2           2         0   2             2
    e3      IT          r1     3           4         1   2             4
    e4      IT          r2     1           4         3   1             3
    e5      IT          r2     2           2         0   1             (none)

By hand: n = 6, mean change = 7/6 = 1.17; the d's squares sum to 15, so s² = (15 − 6 · (7/6)²) / 5 = 41/30,
s = 1.16905, s/√6 = 0.47726, t(0.975, 5) = 2.57058, margin = 1.22684: interval [−0.06 ; 2.39].
Improved: 4 of 6 = 66.7 %. Gap at the start (self − mentor): 0, 1, 0, 1, 0, 1 → 0.5 over 6. Gap at the end:
0, 1, 0, 0, 1 → 0.4 over 5. Change seen by the mentor: 2, 1, 0, 2, 2 → 1.4 over 5.
"""

import csv
import datetime
import io
import itertools
from dataclasses import fields

import pytest

from dashboards import skills
from dashboards.filters import DashboardFilters
from dashboards.privacy import Figure
from organizations.tenancy import tenant_context
from pairing.models import Pair
from surveys.models import Answer, Question, SkillProgress, SurveyResponse, SurveyTemplate
from tests.factories import (
    ChallengeFactory,
    MatchingRoundFactory,
    PairFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SkillFactory,
    member,
)

MAY = datetime.datetime(2026, 5, 4, 9, tzinfo=datetime.UTC)
JUNE = datetime.datetime(2026, 6, 8, 9, tzinfo=datetime.UTC)
NOW = datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC)
TABLE = [
    # department, round, self start, self end, mentor start, mentor end
    ("Finance", 0, 1, 3, 1, 3),
    ("Finance", 0, 2, 3, 1, 2),
    ("Finance", 0, 2, 2, 2, 2),
    ("IT", 0, 3, 4, 2, 4),
    ("IT", 1, 1, 4, 1, 3),
    ("IT", 1, 2, 2, 1, None),
]


@pytest.fixture
def data(organization):
    programme = ProgrammeFactory(
        organization=organization,
        name="Digital 2026",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    other = ProgrammeFactory(organization=organization, name="Data 2026")
    rounds = [MatchingRoundFactory(organization=organization, programme=programme, number=n) for n in (1, 2)]
    skill = SkillFactory(organization=organization, name="IA", name_en="AI")
    with tenant_context(organization):
        final = SurveyTemplate.objects.create(
            programme=programme, moment="final", audience="mentee", title="Final"
        )
        practice = Question.objects.create(
            template=final, position=1, text="Pratique", type="choice", choices=["Assistant IA", "Aucune"]
        )
    mentees = []
    for index, (department, round_index, start, end, mentor_start, mentor_end) in enumerate(TABLE):
        mentee = ParticipantFactory(
            organization=organization, programme=programme, role="mentee", department=department
        )
        mentor = ParticipantFactory(
            organization=organization, programme=programme, role="mentor", department=department
        )
        pair = PairFactory(
            organization=organization,
            programme=programme,
            matching_round=rounds[round_index],
            mentor=mentor,
            mentee=mentee,
        )
        mentees.append(mentee)
        with tenant_context(organization):
            SkillProgress.objects.create(
                participant=mentee,
                skill=skill,
                audience="mentee",
                baseline=start,
                baseline_at=MAY,
                final=end,
                final_at=JUNE,
                mentor_baseline=mentor_start,
                mentor_baseline_at=MAY,
                mentor_final=mentor_end,
                mentor_final_at=JUNE if mentor_end else None,
            )
            response = SurveyResponse.objects.create(
                template=final,
                participant=mentee,
                pair=pair,
                key=f"final:{index}",
                sent_at=JUNE,
                expires_at=JUNE + datetime.timedelta(days=14),
                answered_at=JUNE,
            )
            choice = "Assistant IA" if index % 3 else "Aucune"
            Answer.objects.create(response=response, question=practice, text=choice)
        due = datetime.date(2026, 6, 1)
        ChallengeFactory(organization=organization, pair=pair, session__pair=pair, due_date=due)
    # A mentor's self-assessment is no mentee's before/after.
    with tenant_context(organization):
        SkillProgress.objects.create(
            participant=ParticipantFactory(organization=organization, programme=other, role="mentor"),
            skill=skill,
            audience="mentor",
            baseline=1,
            baseline_at=MAY,
            final=5,
            final_at=JUNE,
        )
    return {"programme": programme, "rounds": rounds, "skill": skill, "mentees": mentees}


def figures(organization, minimum, **chosen):
    chosen.setdefault("end", NOW.date())
    filters = DashboardFilters.default(organization, now=NOW, **chosen)
    with tenant_context(organization):
        return skills.before_after(filters=filters, minimum=minimum)


def test_the_statistics_are_those_computed_by_hand(organization, data):
    (programme,) = figures(organization, minimum=5)
    assert programme.programme == "Digital 2026"
    (entry,) = programme.skills
    assert entry.skill == "AI"  # the skill's English name, for an English reader
    assert entry.respondents == 6
    assert entry.start == 1.83 and entry.end == 3.0
    assert entry.change == 1.17
    assert (entry.low, entry.high) == (-0.06, 2.39)
    assert entry.improved == 66.7
    assert entry.gap_start == Figure(value=0.5, people=6)
    assert entry.gap_end == Figure(value=0.4, people=5)
    assert entry.mentor_change == Figure(value=1.4, people=5)


def test_the_interval_is_student_s_t_for_paired_differences():
    """d = 1, 2, 3: mean 2, s = 1, t(0.975, 2) = 4.30265, margin 4.30265 / √3 = 2.48414."""
    mean, low, high = skills.interval(n=3, total=6, squares=14)
    assert mean == 2
    assert round(low, 4) == -0.4841 and round(high, 4) == 4.4841
    assert skills.interval(n=1, total=2, squares=4) == (2, None, None)
    assert skills.interval(n=0, total=0, squares=0) == (None, None, None)


def test_each_figure_is_hidden_below_its_own_group(organization, data):
    """Six mentees behind the change and the gap at the start, five behind the rest."""
    (entry,) = figures(organization, minimum=6)[0].skills
    assert not entry.hidden and entry.change == 1.17
    assert entry.gap_start.shown and entry.gap_end.hidden and entry.mentor_change.hidden
    assert entry.gap_end.value is None and entry.mentor_change.value is None
    (entry,) = figures(organization, minimum=7)[0].skills
    assert entry.hidden and entry.respondents is None
    assert (entry.start, entry.end, entry.change, entry.low, entry.high, entry.improved) == (None,) * 6
    assert entry.gap_start.hidden and entry.gap_start.value is None


def test_a_level_given_after_the_period_s_end_is_not_counted(organization, data):
    """Up to the end of May, no end level has been given yet: no change, but the gap at the start."""
    (entry,) = figures(organization, minimum=5, end=datetime.date(2026, 5, 31))[0].skills
    assert entry.hidden and entry.respondents is None
    assert entry.gap_start == Figure(value=0.5, people=6)


def test_a_programmes_practices_count_one_wording_the_most_answered(organization, data):
    """Four of the six answer a reworded version of the question too: its answers are another question's."""
    with tenant_context(organization):
        reworded = Question.objects.create(
            template=SurveyTemplate.objects.get(title="Final"),
            position=2,
            text="Pratique adoptée",
            type="choice",
            choices=["Assistant IA", "Aucune"],
        )
        for response in SurveyResponse.objects.order_by("key")[:4]:
            Answer.objects.create(response=response, question=reworded, text="Aucune")
    programme = figures(organization, minimum=3)[0]
    assert programme.practices.respondents == 6
    assert [(choice.label, choice.share) for choice in programme.practices.choices] == [
        ("Assistant IA", 66.7),
        ("Aucune", 33.3),
    ]


def test_practices_and_challenges_sit_beside_the_skills(organization, data):
    """Practices: e1, e2, e4, e5 "Assistant IA" (4 of 6), e0, e3 "Aucune". Six challenges, none answered."""
    programme = figures(organization, minimum=5)[0]
    assert programme.practices.respondents == 6
    assert [(choice.label, choice.share) for choice in programme.practices.choices] == [
        ("Assistant IA", 66.7),
        ("Aucune", 33.3),
    ]
    assert programme.challenges.committed == 6 and programme.challenges.done_share is None
    hidden = figures(organization, minimum=7)[0]
    assert hidden.practices.hidden and hidden.practices.respondents is None
    assert hidden.practices.choices == []
    assert hidden.challenges.hidden and hidden.challenges.committed is None


# --- The threshold under every filter combination -------------------------------------------------------

PERIODS = {"year": {}, "until May": {"end": datetime.date(2026, 5, 31)}}
DEPARTMENTS = ["", "Finance", "IT"]
ROUNDS = [None, 0, 1]
PROGRAMMES = [False, True]
# Skills are assessed in the reverse phase only: the cross phase shows no before/after.
PHASES = ["", "reverse", "cross"]
# The filters of dashboards/filters.py this test walks: a new one must join the combinations below.
WALKED = {"start", "end", "programme_id", "round_id", "department", "phase"}


def test_every_dashboard_filter_is_walked_by_the_threshold_test():
    chosen = {f.name for f in fields(DashboardFilters)} - {"time_zone", "now"}
    assert chosen == WALKED


def _expected_people(department, round_index, period, phase=""):
    """How many mentees of TABLE each figure is computed over, under these filters."""
    if phase == "cross":
        return {"change": 0, "gap_start": 0, "gap_end": 0, "mentor_change": 0}
    rows = [
        row
        for row in TABLE
        if (not department or row[0] == department) and (round_index is None or row[1] == round_index)
    ]
    if period != "year":  # before June: baselines only
        return {"change": 0, "gap_start": len(rows), "gap_end": 0, "mentor_change": 0}
    return {
        "change": len(rows),
        "gap_start": len(rows),
        "gap_end": sum(1 for row in rows if row[5] is not None),
        "mentor_change": sum(1 for row in rows if row[5] is not None),
    }


@pytest.mark.parametrize(
    ("programme", "round_index", "department", "period", "phase"),
    list(itertools.product(PROGRAMMES, ROUNDS, DEPARTMENTS, PERIODS, PHASES)),
)
def test_no_figure_is_shown_over_fewer_people_than_the_threshold(
    organization, data, programme, round_index, department, period, phase
):
    chosen = dict(PERIODS[period], department=department, phase=phase)
    if programme:
        chosen["programme_id"] = data["programme"].pk
    if round_index is not None:
        chosen["round_id"] = data["rounds"][round_index].pk
    expected = _expected_people(department, round_index, period, phase)
    for minimum in (2, 3, 4):
        _check_threshold(figures(organization, minimum=minimum, **chosen), expected, minimum)


def _check_threshold(result, expected, minimum):
    if not any(expected.values()):
        assert result == []
        return
    (shown,) = result
    (entry,) = shown.skills
    assert entry.hidden == (expected["change"] < minimum)
    if entry.hidden:
        assert entry.respondents is None
        assert {entry.start, entry.end, entry.change, entry.low, entry.high, entry.improved} == {None}
        # The exports' rows of a hidden change name no figure of it.
        assert not any(
            "mean change" in figure for _section, figure, _value in skills.rows(result, hidden="-")
        )
    else:
        assert entry.respondents == expected["change"] >= minimum
        assert None not in (entry.start, entry.end, entry.change, entry.improved)
    for name in ("gap_start", "gap_end", "mentor_change"):
        figure = getattr(entry, name)
        assert figure.hidden == (expected[name] < minimum), name
        assert (figure.value is None) if figure.hidden else (figure.people == expected[name] >= minimum)
    practices, challenges = shown.practices, shown.challenges
    assert practices.hidden or practices.respondents >= minimum
    assert not practices.hidden or (practices.respondents is None and practices.choices == [])
    assert challenges.hidden or challenges.people >= minimum
    assert not challenges.hidden or challenges.committed is None


# --- The dashboard page, its cache, exports and API ------------------------------------------------------


def url(organization):
    return f"/o/{organization.slug}/dashboard/"


def test_the_dashboard_shows_the_before_after_table(client_for, organization, data):
    organization.minimum_group_size = 5
    organization.save()
    executive = member(organization, "executive", email="boss@acme.example")
    page = client_for(executive).get(url(organization), {"end": "2026-06-15"})
    html = page.content.decode()
    assert "Skills before and after, seen by mentees and by their mentors" in html
    assert "+1.17" in html and "[-0.06 ; 2.39]" in html
    assert "66.7%" in html
    assert "<svg" in html.split("before-after-programme")[1]


def test_a_mentor_s_rating_drops_the_cached_figures(client_for, organization, data):
    """A new mentor rating lands through an answered survey; the cached board is computed again."""
    from surveys.services import record_skill_levels

    organization.minimum_group_size = 5
    organization.save()
    executive = member(organization, "executive", email="boss@acme.example")
    client = client_for(executive)
    board = client.get(url(organization), {"end": "2026-06-15"}).context["board"]
    assert board.impact["before_after"][0].skills[0].gap_end.people == 5
    with tenant_context(organization):
        pair = Pair.objects.get(mentee=data["mentees"][5])
        template = SurveyTemplate.objects.create(
            programme=data["programme"], moment="final", audience="mentor", title="Final"
        )
        response = SurveyResponse.objects.create(
            template=template,
            participant=pair.mentor,
            pair=pair,
            key="final:mentor:e5",
            sent_at=JUNE,
            expires_at=JUNE + datetime.timedelta(days=14),
        )
        response.answered_at = JUNE
        response.save()
        record_skill_levels(response=response, levels={}, mentee_levels={data["skill"].pk: 3})
    board = client.get(url(organization), {"end": "2026-06-15"}).context["board"]
    assert board.impact["before_after"][0].skills[0].gap_end.people == 6


def test_the_exports_carry_the_figures_and_hide_what_is_hidden(client_for, organization, data):
    organization.minimum_group_size = 6
    organization.save()
    executive = member(organization, "executive", email="boss@acme.example")
    export = client_for(executive).get(f"{url(organization)}export.csv", {"end": "2026-06-15"})
    rows = {
        (section, figure): value
        for section, figure, value in csv.reader(io.StringIO(export.content.decode("utf-8-sig")))
    }
    section = "Skills before and after · Digital 2026"
    assert rows[section, "AI · mean change"] == "1.17"
    assert rows[section, "AI · 95% confidence interval, low"] == "-0.06"
    assert rows[section, "AI · 95% confidence interval, high"] == "2.39"
    assert rows[section, "AI · mentees who improved (%)"] == "66.7"
    assert rows[section, "AI · self-rating minus mentor rating, at the end"].startswith("hidden")


def test_the_api_gives_the_figures_under_the_same_threshold(organization, data):
    from api import figures as api_figures
    from dashboards import reports, selectors

    organization.minimum_group_size = 6
    organization.save()
    filters = DashboardFilters.default(organization, now=NOW, end=NOW.date())
    with tenant_context(organization):
        board = reports.build(organization=organization, filters=filters, options=selectors.filter_options())
        payload = api_figures.as_json(board)
    (programme,) = payload["surveys"]["before_after"]
    (entry,) = programme["skills"]
    assert entry["change"] == 1.17 and entry["low"] == -0.06 and entry["respondents"] == 6
    assert entry["gap_end"] == {"value": None, "hidden": True}
    assert entry["gap_start"] == {"value": 0.5, "hidden": False}
