"""The reminders and nudges follow who plans and who writes the agenda (roles inverted), in the phase the
programme is in: each is sent to whoever has the thing to do, and says to each side what is theirs."""

import datetime

import pytest
from django.utils import timezone

from dashboards.models import Nudge
from dashboards.notifications import HR_NUDGE, render_nudge
from notifications.models import Notification
from programmes.models import Side
from sessions.models import Delegation
from sessions.notifications import (
    AGENDA_TO_PREPARE,
    ASSISTANT_PAIR_INACTIVE,
    PAIR_INACTIVE,
    SESSION_REMINDER_1H,
    SESSION_REMINDER_24H,
    plan_agenda_reminders,
    plan_inactivity_nudges,
    render_agenda_to_prepare,
    render_assistant_pair_inactive,
    render_pair_inactive,
    render_session_reminder,
)
from tests.factories import AgendaItemFactory, DelegationFactory, SessionFactory, in_days
from tests.sessions.test_cross_phase import _set, in_cross_phase

DEFAULTS = {"scheduled_by": Side.MENTEE, "agenda_by": Side.MENTOR}
SWAPPED = {"scheduled_by": Side.MENTOR, "agenda_by": Side.MENTEE}
SETTINGS = {"defaults": DEFAULTS, "swapped": SWAPPED}


def _people(pair):
    return {"mentor": pair.mentor.user, "mentee": pair.mentee.user}


def _row(kind, recipient, session=None, **fields):
    if session is not None:
        fields.update(object_id=session.pk, planned_sequence=session.sequence, planned_for=session.starts_at)
    return Notification(kind=kind, recipient=recipient, **fields)


def _quiet(pair):
    """A pair whose last session was held forty days ago, with nothing planned."""
    SessionFactory(
        organization=pair.organization,
        pair=pair,
        held=True,
        starts_at=timezone.now() - datetime.timedelta(days=40),
    )


def _recipients(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


# Who receives them -----------------------------------------------------------------------------------

# In the reverse phase, as the programme says; in the cross phase, the mirror.
PLANS = {("defaults", False): "mentee", ("swapped", False): "mentor", ("defaults", True): "mentor"}
PLANS[("swapped", True)] = "mentee"
WRITES = {("defaults", False): "mentor", ("swapped", False): "mentee", ("defaults", True): "mentee"}
WRITES[("swapped", True)] = "mentor"


@pytest.mark.parametrize("setting,cross", list(PLANS))
def test_the_schedule_your_next_session_nudge_goes_to_whoever_plans_in_the_phase(
    setting, cross, in_organization, pair
):
    (in_cross_phase if cross else _set)(pair, **SETTINGS[setting])
    _quiet(pair)
    plan_inactivity_nudges(pair.organization, timezone.now())
    assert _recipients(PAIR_INACTIVE) == {_people(pair)[PLANS[(setting, cross)]].pk}


@pytest.mark.parametrize("setting,cross", list(WRITES))
def test_the_prepare_the_agenda_reminder_goes_to_the_agenda_owner_in_the_phase(
    setting, cross, in_organization, pair
):
    (in_cross_phase if cross else _set)(pair, **SETTINGS[setting])
    SessionFactory(organization=pair.organization, pair=pair, starts_at=in_days(2))
    plan_agenda_reminders(pair.organization, timezone.now())
    assert _recipients(AGENDA_TO_PREPARE) == {_people(pair)[WRITES[(setting, cross)]].pk}


def test_the_agenda_reminder_of_the_cross_phase_says_why_the_senior_writes_it(in_organization, pair):
    in_cross_phase(pair)
    session = SessionFactory(organization=pair.organization, pair=pair, starts_at=in_days(2))
    message = render_agenda_to_prepare(_row(AGENDA_TO_PREPARE, pair.mentee.user, session))
    assert "in the cross phase you are the one who writes it" in " ".join(message.paragraphs)
    # The junior no longer writes it: a row planned for them before the phase changed is skipped.
    assert render_agenda_to_prepare(_row(AGENDA_TO_PREPARE, pair.mentor.user, session)) is None


# The executive's assistant ---------------------------------------------------------------------------


@pytest.fixture
def delegation(organization, pair):
    return DelegationFactory(organization=organization, executive=pair.mentee.user)


def test_the_assistant_of_the_executive_who_plans_is_nudged_too(in_organization, pair, delegation):
    _set(pair, **DEFAULTS)
    _quiet(pair)
    plan_inactivity_nudges(pair.organization, timezone.now())
    assert _recipients(PAIR_INACTIVE) == {pair.mentee.user_id}
    assert _recipients(ASSISTANT_PAIR_INACTIVE) == {delegation.assistant_id}
    message = render_assistant_pair_inactive(
        _row(ASSISTANT_PAIR_INACTIVE, delegation.assistant, object_id=pair.pk)
    )
    assert message.subject == f"Time to plan a session for {pair.mentee.user.display_name}"
    assert message.action_url.endswith(f"/o/{pair.organization.slug}/assisting/")


@pytest.mark.parametrize("cross,setting", [(False, "swapped"), (True, "defaults")])
def test_no_assistant_is_nudged_when_the_junior_plans(cross, setting, in_organization, pair, delegation):
    (in_cross_phase if cross else _set)(pair, **SETTINGS[setting])
    _quiet(pair)
    plan_inactivity_nudges(pair.organization, timezone.now())
    assert _recipients(ASSISTANT_PAIR_INACTIVE) == set()
    assert _recipients(PAIR_INACTIVE) == {pair.mentor.user_id}


def test_an_assistant_whose_delegation_ended_gets_no_nudge(in_organization, pair, delegation):
    _set(pair, **DEFAULTS)
    _quiet(pair)
    row = _row(ASSISTANT_PAIR_INACTIVE, delegation.assistant, object_id=pair.pk)
    Delegation.objects.filter(pk=delegation.pk).delete()
    assert render_assistant_pair_inactive(row) is None


def test_a_scheduler_nudge_is_skipped_once_the_other_side_plans(in_organization, pair):
    _set(pair, **DEFAULTS)
    _quiet(pair)
    row = _row(PAIR_INACTIVE, pair.mentee.user, object_id=pair.pk)
    assert render_pair_inactive(row) is not None
    in_cross_phase(pair)
    assert render_pair_inactive(row) is None


# What each side reads before a session -------------------------------------------------------------


def _reminder(pair, person, kind=SESSION_REMINDER_24H, agenda=False):
    session = SessionFactory(organization=pair.organization, pair=pair, starts_at=in_days(1))
    if agenda:
        AgendaItemFactory(organization=pair.organization, session=session)
    return " ".join(render_session_reminder(_row(kind, _people(pair)[person], session)).paragraphs)


@pytest.mark.parametrize("kind", [SESSION_REMINDER_24H, SESSION_REMINDER_1H])
@pytest.mark.parametrize("setting,cross", list(PLANS))
def test_the_session_reminders_tell_each_side_what_is_theirs(kind, setting, cross, in_organization, pair):
    (in_cross_phase if cross else _set)(pair, **SETTINGS[setting])
    planner, writer = PLANS[(setting, cross)], WRITES[(setting, cross)]
    other = {"mentor": "mentee", "mentee": "mentor"}
    partner_of = {"mentor": pair.mentee.user, "mentee": pair.mentor.user}

    text = _reminder(pair, writer, kind)
    assert "You write the agenda of this session and it is still empty" in text
    text = _reminder(pair, other[writer], kind)
    assert f"{partner_of[other[writer]].display_name} writes the agenda: read it" in text

    text = _reminder(pair, planner, kind)
    assert "move it in Binôme: you plan the sessions" in text
    text = _reminder(pair, other[planner], kind)
    assert f"tell {partner_of[other[planner]].display_name}, who plans the sessions" in text


def test_the_agenda_owner_with_an_agenda_is_asked_to_bring_it(in_organization, pair):
    _set(pair, **DEFAULTS)
    assert "You wrote the agenda" in _reminder(pair, "mentor", agenda=True)


# HR's nudge -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("setting,cross", list(PLANS))
def test_hr_s_nudge_asks_the_one_who_plans_to_pick_the_date(setting, cross, in_organization, pair):
    (in_cross_phase if cross else _set)(pair, **SETTINGS[setting])
    nudge = Nudge.objects.create(pair=pair, reasons=["no_recent_session"])
    planner = PLANS[(setting, cross)]
    people = _people(pair)
    for role, person in people.items():
        text = render_nudge(_row(HR_NUDGE, person, object_id=nudge.pk)).text
        if role == planner:
            assert "you plan the sessions, pick a date" in text
        else:
            partner = people[planner]
            assert f"{partner.get_full_name()} plans the sessions, agree on a date together" in text
