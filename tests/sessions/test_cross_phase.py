"""The optional cross phase: after the reverse phase, the senior mentors the junior on career and
leadership, in the same pair space, with its own goals and sessions; who plans and who writes the agenda
turn round (the mirror of the programme's split)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from organizations.access import Member
from organizations.roles import Role
from organizations.tenancy import tenant_context
from programmes.forms import ProgrammeForm
from programmes.models import Phase, Programme, Side
from sessions import access, services
from tests.factories import DelegationFactory, GoalFactory, PairFactory, SessionFactory, in_days

DAY = datetime.timedelta(days=1)
ALL_SIDES = [Side.MENTEE, Side.MENTOR, Side.BOTH]
MIRROR = {Side.MENTEE: Side.MENTOR, Side.MENTOR: Side.MENTEE, Side.BOTH: Side.BOTH}


def _defaults(sides):
    # The programme's real defaults (the factory lets both sides do everything): the senior mentee plans,
    # the junior mentor writes the agenda.
    return {"scheduled_by": Side.MENTEE, "agenda_by": Side.MENTOR, **sides}


def in_cross_phase(pair, **sides):
    """The reverse phase ended ten days ago, the cross phase started five days ago."""
    today = timezone.localdate()
    sides = _defaults(sides)
    return _set(
        pair,
        end_date=today - 10 * DAY,
        cross_phase=True,
        cross_start_date=today - 5 * DAY,
        cross_end_date=today + 200 * DAY,
        **sides,
    )


def cross_phase_ahead(pair, **sides):
    """Still in the reverse phase; the cross phase starts in thirty days."""
    today = timezone.localdate()
    sides = _defaults(sides)
    return _set(
        pair,
        end_date=today + 20 * DAY,
        cross_phase=True,
        cross_start_date=today + 30 * DAY,
        cross_end_date=today + 200 * DAY,
        **sides,
    )


def _set(pair, **fields):
    with tenant_context(pair.organization):
        Programme.objects.filter(pk=pair.programme_id).update(**fields)
        pair.programme.refresh_from_db()
    return pair


def _plan(pair, by, days=5):
    return services.schedule_session(
        pair=pair, by=by, starts_at=in_days(days), duration_minutes=45, time_zone="Europe/Paris"
    )


# The programme's phases ------------------------------------------------------------------------------


def test_a_programme_without_a_cross_phase_stays_in_the_reverse_phase():
    today = datetime.date(2031, 6, 1)
    programme = Programme(start_date=today - 100 * DAY, end_date=today - DAY)
    assert programme.phase_on(today + 300 * DAY) == Phase.REVERSE
    assert programme.last_day == programme.end_date


def test_the_cross_phase_begins_on_its_start_date_and_the_programme_ends_with_it():
    start = datetime.date(2031, 9, 1)
    programme = Programme(
        start_date=datetime.date(2031, 1, 1),
        end_date=datetime.date(2031, 8, 1),
        cross_phase=True,
        cross_start_date=start,
        cross_end_date=datetime.date(2031, 12, 1),
    )
    assert programme.phase_on(start - DAY) == Phase.REVERSE
    assert programme.phase_on(start) == Phase.CROSS
    assert programme.last_day == datetime.date(2031, 12, 1)
    assert programme.phase_dates(Phase.CROSS) == (start, datetime.date(2031, 12, 1))


@pytest.mark.parametrize("side", ALL_SIDES)
def test_in_the_cross_phase_each_responsibility_goes_to_the_other_side(side):
    programme = Programme(scheduled_by=side, agenda_by=side)
    assert programme.holder("scheduled_by", Phase.REVERSE) == side
    assert programme.holder("scheduled_by", Phase.CROSS) == MIRROR[side]
    assert programme.holder("agenda_by", Phase.CROSS) == MIRROR[side]


def _form(organization, **overrides):
    data = {
        "name": "Cohorte 2031",
        "start_date": "2031-01-15",
        "end_date": "2031-06-30",
        "session_min_minutes": "30",
        "session_max_minutes": "60",
        "cadence_days": "14",
        "mentor_capacity": "1",
        "cross_phase": "on",
        "cross_start_date": "2031-07-01",
        "cross_end_date": "2031-12-15",
        **overrides,
    }
    with tenant_context(organization):
        form = ProgrammeForm(data=data)
        form.is_valid()
    return form


def test_the_programme_form_accepts_a_cross_phase_after_the_reverse_phase(organization):
    assert _form(organization).errors == {}


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"cross_start_date": "2031-06-30"}, "cross_start_date", "starts after the reverse phase"),
        ({"cross_start_date": "2031-03-01"}, "cross_start_date", "starts after the reverse phase"),
        ({"cross_end_date": "2031-07-01"}, "cross_end_date", "must come after its start"),
        ({"cross_start_date": ""}, "cross_start_date", "Give the start date"),
        ({"cross_end_date": ""}, "cross_end_date", "Give the end date"),
    ],
)
def test_the_programme_form_refuses_cross_dates_that_do_not_follow_the_reverse_phase(
    organization, overrides, field, message
):
    errors = _form(organization, **overrides).errors
    assert message in " ".join(errors[field])


def test_the_dates_of_a_phase_turned_off_are_not_checked(organization):
    assert _form(organization, cross_phase="", cross_start_date="2031-02-01").errors == {}


def test_the_database_refuses_a_cross_phase_inside_the_reverse_phase(in_organization, pair):
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=pair.programme_id).update(
            cross_phase=True,
            cross_start_date=pair.programme.start_date,
            cross_end_date=pair.programme.end_date,
        )


def test_hr_turns_the_cross_phase_on_and_a_bad_date_re_renders_the_form(client_for, hr_admin, pair):
    programme = pair.programme
    client = client_for(hr_admin)
    url = f"/o/{programme.organization.slug}/programmes/{programme.pk}/edit/"
    data = {
        "name": programme.name,
        "start_date": programme.start_date.isoformat(),
        "end_date": programme.end_date.isoformat(),
        "session_min_minutes": "30",
        "session_max_minutes": "60",
        "cadence_days": "14",
        "mentor_capacity": "1",
        "cross_phase": "on",
        "cross_start_date": (programme.end_date - DAY).isoformat(),
        "cross_end_date": (programme.end_date + 90 * DAY).isoformat(),
    }
    page = client.post(url, data)
    assert page.status_code == 200
    assert "The cross phase starts after the reverse phase" in page.content.decode()
    data["cross_start_date"] = (programme.end_date + DAY).isoformat()
    assert client.post(url, data).status_code == 302
    with tenant_context(programme.organization):
        programme.refresh_from_db()
    assert programme.cross_phase and programme.cross_start_date == programme.end_date + DAY


def test_a_mentee_cannot_open_the_programme_form(client_for, mentee_user, pair):
    programme = pair.programme
    page = client_for(mentee_user).get(f"/o/{programme.organization.slug}/programmes/{programme.pk}/edit/")
    assert page.status_code == 403


# Who does what ---------------------------------------------------------------------------------------


def test_with_the_defaults_the_junior_plans_and_the_senior_writes_the_agenda_in_the_cross_phase(
    in_organization, pair, mentor_user, mentee_user
):
    in_cross_phase(pair)
    assert access.can_schedule(pair, mentor_user) and not access.can_schedule(pair, mentee_user)
    assert access.can_edit_agenda(pair, mentee_user) and not access.can_edit_agenda(pair, mentor_user)


@pytest.mark.parametrize("side", ALL_SIDES)
def test_the_cross_phase_mirrors_the_programme_split(side, in_organization, pair, mentor_user, mentee_user):
    in_cross_phase(pair, scheduled_by=side, agenda_by=side)
    mirrored = MIRROR[side]
    assert access.can_schedule(pair, mentee_user) is (mirrored in (Side.MENTEE, Side.BOTH))
    assert access.can_schedule(pair, mentor_user) is (mirrored in (Side.MENTOR, Side.BOTH))
    assert access.can_edit_agenda(pair, mentee_user) is (mirrored in (Side.MENTEE, Side.BOTH))
    assert access.can_edit_agenda(pair, mentor_user) is (mirrored in (Side.MENTOR, Side.BOTH))


def test_before_the_cross_phase_starts_the_programme_split_holds(in_organization, pair, mentee_user):
    cross_phase_ahead(pair)
    assert access.can_schedule(pair, mentee_user)


def test_the_senior_is_refused_planning_in_the_cross_phase_with_a_reason(in_organization, pair, mentee_user):
    in_cross_phase(pair)
    with pytest.raises(ValidationError, match="In the cross phase, the junior plans the sessions"):
        _plan(pair, mentee_user)


def test_the_executive_s_assistant_plans_only_while_the_executive_does(
    in_organization, organization, pair, mentee_user
):
    assistant = DelegationFactory(organization=organization, executive=mentee_user).assistant
    member = Member(organization=organization, user=assistant, roles=frozenset({Role.ASSISTANT}))
    _set(pair, **_defaults({}))
    assert access.delegated_pairs(member).filter(pk=pair.pk).exists()
    in_cross_phase(pair)
    assert not access.delegated_pairs(member).filter(pk=pair.pk).exists()
    assert not access.can_schedule(pair, assistant)
    # A programme where the junior plans in the reverse phase lets the senior (and their assistant) plan
    # in the cross phase.
    _set(pair, scheduled_by=Side.MENTOR)
    assert access.delegated_pairs(member).filter(pk=pair.pk).exists()
    assert access.can_schedule(pair, assistant)


# Sessions and goals belong to a phase ----------------------------------------------------------------


def test_a_session_belongs_to_the_phase_of_its_date(in_organization, pair, mentee_user):
    cross_phase_ahead(pair)
    before = _plan(pair, mentee_user, days=5)
    after = _plan(pair, mentee_user, days=40)
    assert (before.phase, after.phase) == (Phase.REVERSE, Phase.CROSS)


def test_moving_a_session_into_the_cross_phase_moves_it_to_that_phase(in_organization, pair, mentee_user):
    cross_phase_ahead(pair)
    session = _plan(pair, mentee_user, days=5)
    services.reschedule_session(
        session=session,
        by=mentee_user,
        starts_at=in_days(35),
        duration_minutes=45,
        time_zone="Europe/Paris",
        format=session.format,
        location="",
    )
    session.refresh_from_db()
    assert session.phase == Phase.CROSS


def test_sessions_can_be_planned_until_the_end_of_the_cross_phase(in_organization, pair, mentor_user):
    in_cross_phase(pair)
    assert _plan(pair, mentor_user, days=150).phase == Phase.CROSS
    with pytest.raises(ValidationError, match="The programme ends before this date"):
        _plan(pair, mentor_user, days=230)


def test_a_session_of_a_programme_without_cross_phase_stays_in_the_reverse_phase(
    in_organization, pair, mentee_user
):
    assert _plan(pair, mentee_user).phase == Phase.REVERSE


def test_a_goal_set_in_the_cross_phase_belongs_to_it(in_organization, pair, mentee_user):
    in_cross_phase(pair)
    goal = services.create_goal(pair=pair, by=mentee_user, title="Prendre la parole en comité")
    assert goal.phase == Phase.CROSS


def test_a_goal_of_the_reverse_phase_stays_as_it_was_in_the_cross_phase(in_organization, pair, mentee_user):
    goal = GoalFactory(organization=pair.organization, pair=pair, title="Maîtriser Teams")
    in_cross_phase(pair)
    with pytest.raises(ValidationError, match="belongs to a phase that is over"):
        services.record_progress(goal=goal, by=mentee_user, value=3)
    with pytest.raises(ValidationError, match="belongs to a phase that is over"):
        services.update_goal(goal=goal, by=mentee_user, title="Autre chose")


# The pair page ---------------------------------------------------------------------------------------


def _pair_page(client_for, user, pair):
    return client_for(user).get(f"/o/{pair.organization.slug}/pairs/{pair.pk}/").content.decode()


def test_the_pair_page_says_the_cross_phase_and_who_mentors_whom(client_for, pair, mentor_user, mentee_user):
    in_cross_phase(pair)
    page = _pair_page(client_for, mentor_user, pair)
    assert 'id="pair-phase"' in page
    assert f"{mentee_user.display_name} mentors {mentor_user.display_name} on career and leadership" in page
    # The junior plans now: the planning buttons are theirs.
    assert "Plan a session" in page
    assert "Plan a session" not in _pair_page(client_for, mentee_user, pair)


def test_before_the_cross_phase_the_pair_page_announces_it(client_for, pair, mentor_user, mentee_user):
    cross_phase_ahead(pair)
    page = _pair_page(client_for, mentor_user, pair)
    assert f"{mentor_user.display_name} mentors {mentee_user.display_name}; from" in page


def test_a_pair_page_without_cross_phase_says_nothing_of_phases(client_for, pair, mentor_user):
    assert 'id="pair-phase"' not in _pair_page(client_for, mentor_user, pair)


def test_the_reverse_phase_goals_stay_readable_apart_in_the_cross_phase(client_for, pair, mentor_user):
    with tenant_context(pair.organization):
        old = GoalFactory(organization=pair.organization, pair=pair, title="Maîtriser Teams")
        new = GoalFactory(
            organization=pair.organization, pair=pair, title="Négocier une promotion", phase=Phase.CROSS
        )
    in_cross_phase(pair)
    page = _pair_page(client_for, mentor_user, pair)
    earlier = page.split('id="earlier-goals"')[1]
    assert old.title in earlier and new.title not in earlier
    assert new.title in page.split('id="earlier-goals"')[0]
    detail = client_for(mentor_user).get(f"/o/{pair.organization.slug}/pairs/{pair.pk}/goals/{old.pk}/")
    assert b'id="goal-of-earlier-phase"' in detail.content and b"progress-heading" not in detail.content


def test_the_session_log_offers_the_goals_of_the_current_phase_only(client_for, pair, mentor_user):
    with tenant_context(pair.organization):
        old = GoalFactory(organization=pair.organization, pair=pair, title="Maîtriser Teams")
        new = GoalFactory(organization=pair.organization, pair=pair, title="Négocier", phase=Phase.CROSS)
        session = SessionFactory(
            organization=pair.organization, pair=pair, starts_at=timezone.now() - datetime.timedelta(hours=3)
        )
    in_cross_phase(pair)
    page = client_for(mentor_user).get(
        f"/o/{pair.organization.slug}/pairs/{pair.pk}/sessions/{session.pk}/log/"
    )
    assert f"goal_{new.pk}".encode() in page.content and f"goal_{old.pk}".encode() not in page.content


def test_an_outsider_gets_404_on_a_pair_in_its_cross_phase(client_for, pair, outsider):
    in_cross_phase(pair)
    assert client_for(outsider).get(f"/o/{pair.organization.slug}/pairs/{pair.pk}/").status_code == 404


@pytest.fixture
def other_pair(organization):
    return PairFactory(organization=organization)


def test_a_member_of_another_pair_gets_404_in_the_cross_phase(client_for, pair, other_pair):
    in_cross_phase(pair)
    page = client_for(other_pair.mentor.user).get(f"/o/{pair.organization.slug}/pairs/{pair.pk}/")
    assert page.status_code == 404
