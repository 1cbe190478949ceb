"""Rules that a lower app must name again because it cannot import the app that owns them."""

from pairing.models import Pair
from pairing.services import a_programme_runs_with_a_pair
from programmes import selectors as programme_selectors
from programmes.services import START_REQUIREMENTS


def test_programmes_counts_unmatched_people_with_pairings_own_live_statuses():
    assert set(programme_selectors.LIVE_PAIR_STATUSES) == {str(status) for status in Pair.LIVE}


def test_pairing_tells_programmes_that_a_programme_needs_a_pair_to_run():
    assert a_programme_runs_with_a_pair in START_REQUIREMENTS


def test_a_programme_starts_running_only_once_it_has_a_pair(organization, in_organization):
    from programmes.models import Programme
    from programmes.services import transition_refusal
    from tests.factories import PairFactory, ProgrammeFactory

    programme = ProgrammeFactory(organization=organization, matching=True)
    assert transition_refusal(programme, Programme.Status.RUNNING) == (
        "The programme cannot start running with no pair: match people first."
    )
    PairFactory(organization=organization, programme=programme, proposed=True)
    assert transition_refusal(programme, Programme.Status.RUNNING) is None
