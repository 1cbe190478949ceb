import datetime

import pytest
from django.core.exceptions import ValidationError

from pairing.models import Pair
from programmes.models import Participant, Programme
from programmes.services import transition_programme
from tests.factories import ParticipantFactory, ProgrammeFactory

Status = Programme.Status


def _programme(organization, status, **fields):
    return ProgrammeFactory(organization=organization, status=status, **fields)


def _enrolled(programme, role):
    return ParticipantFactory(
        organization=programme.organization,
        programme=programme,
        role=role,
        status=Participant.Status.ENROLLED,
    )


def _pair(programme, status="accepted"):
    with_mentor = _enrolled(programme, Participant.Role.MENTOR)
    with_mentee = _enrolled(programme, Participant.Role.MENTEE)
    return Pair.objects.create(programme=programme, mentor=with_mentor, mentee=with_mentee, status=status)


def _refusal(programme, status):
    with pytest.raises(ValidationError) as caught:
        transition_programme(programme=programme, to_status=status)
    programme.refresh_from_db()
    return " ".join(caught.value.messages)


def test_a_draft_with_a_charter_opens_for_enrolment(in_organization):
    programme = _programme(in_organization, Status.DRAFT)
    assert transition_programme(programme=programme, to_status=Status.OPEN).status == Status.OPEN


def test_it_refuses_to_open_a_programme_without_a_charter(in_organization):
    programme = _programme(in_organization, Status.DRAFT, charter="  ")
    assert "charter" in _refusal(programme, Status.OPEN)
    assert programme.status == Status.DRAFT


def test_it_refuses_to_open_a_programme_that_has_ended(in_organization):
    programme = _programme(
        in_organization,
        Status.DRAFT,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2020, 6, 1),
    )
    assert "ended" in _refusal(programme, Status.OPEN)


def test_an_open_programme_with_a_mentor_and_a_mentee_moves_to_matching(in_organization):
    programme = _programme(in_organization, Status.OPEN)
    _enrolled(programme, Participant.Role.MENTOR)
    _enrolled(programme, Participant.Role.MENTEE)
    assert transition_programme(programme=programme, to_status=Status.MATCHING).status == Status.MATCHING


def test_it_refuses_matching_without_an_enrolled_mentee(in_organization):
    programme = _programme(in_organization, Status.OPEN)
    _enrolled(programme, Participant.Role.MENTOR)
    ParticipantFactory(
        organization=in_organization, programme=programme, role=Participant.Role.MENTEE, invited=True
    )
    assert "one enrolled mentee" in _refusal(programme, Status.MATCHING)
    assert programme.status == Status.OPEN


def test_an_open_programme_with_nobody_goes_back_to_draft(in_organization):
    programme = _programme(in_organization, Status.OPEN)
    assert transition_programme(programme=programme, to_status=Status.DRAFT).status == Status.DRAFT


def test_it_refuses_to_go_back_to_draft_once_people_are_invited(in_organization):
    programme = _programme(in_organization, Status.OPEN)
    ParticipantFactory(organization=in_organization, programme=programme, invited=True)
    assert "back to draft" in _refusal(programme, Status.DRAFT)


def test_matching_with_a_pair_starts_running(in_organization):
    programme = _programme(in_organization, Status.MATCHING)
    _pair(programme, status="proposed")
    assert transition_programme(programme=programme, to_status=Status.RUNNING).status == Status.RUNNING


def test_it_refuses_to_start_running_with_no_pair(in_organization):
    programme = _programme(in_organization, Status.MATCHING)
    _enrolled(programme, Participant.Role.MENTOR)
    assert "no pair" in _refusal(programme, Status.RUNNING)
    assert programme.status == Status.MATCHING


def test_declined_and_ended_pairs_do_not_count_to_start_running(in_organization):
    programme = _programme(in_organization, Status.MATCHING)
    _pair(programme, status="declined")
    _pair(programme, status="ended")
    assert "no pair" in _refusal(programme, Status.RUNNING)


def test_matching_can_reopen_enrolment(in_organization):
    programme = _programme(in_organization, Status.MATCHING)
    assert transition_programme(programme=programme, to_status=Status.OPEN).status == Status.OPEN


def test_a_running_programme_closes(in_organization):
    programme = _programme(in_organization, Status.RUNNING)
    assert transition_programme(programme=programme, to_status=Status.CLOSED).status == Status.CLOSED


def test_a_closed_programme_cannot_be_reopened(in_organization):
    programme = _programme(in_organization, Status.CLOSED)
    for status in (Status.DRAFT, Status.OPEN, Status.MATCHING, Status.RUNNING):
        assert "duplicate it" in _refusal(programme, status)
    assert programme.status == Status.CLOSED


@pytest.mark.parametrize(
    "current,target",
    [
        (Status.DRAFT, Status.MATCHING),
        (Status.DRAFT, Status.RUNNING),
        (Status.DRAFT, Status.CLOSED),
        (Status.OPEN, Status.RUNNING),
        (Status.OPEN, Status.CLOSED),
        (Status.MATCHING, Status.CLOSED),
        (Status.MATCHING, Status.DRAFT),
        (Status.RUNNING, Status.MATCHING),
        (Status.RUNNING, Status.OPEN),
        (Status.RUNNING, Status.DRAFT),
    ],
)
def test_it_refuses_a_skipped_or_backward_step_with_its_reason(in_organization, current, target):
    programme = _programme(in_organization, current)
    assert "cannot go from" in _refusal(programme, target)
    assert programme.status == current


def test_it_refuses_an_unknown_status(in_organization):
    programme = _programme(in_organization, Status.DRAFT)
    with pytest.raises(ValidationError):
        transition_programme(programme=programme, to_status="launched")
