"""The one way the dashboards app loads a pair from a URL: within the member's organisation, or 404."""

from django.shortcuts import get_object_or_404

from organizations.access import Member
from pairing.models import Pair
from programmes.models import Programme


def access_pair(member: Member, pair_id: int) -> Pair:
    """The pair of the member's organisation with that id; 404 if missing or another organisation's."""
    return get_object_or_404(
        Pair.objects.filter(organization=member.organization).select_related(
            "mentor__user", "mentee__user", "programme"
        ),
        pk=pair_id,
    )


def access_programme(member: Member, programme_id: int) -> Programme:
    """A programme of the member's organisation, for the dashboard's readers; 404 if missing or another's."""
    return get_object_or_404(Programme.objects.filter(organization=member.organization), pk=programme_id)
