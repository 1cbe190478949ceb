"""What pairing holds about a person: their pairs, in the export and in the erasure.

What hangs on a pair (goals, sessions, action items, the shared space) belongs to the apps above pairing:
they register it with ``@pair_export``; ``load(user, pair_ids)`` reads it in a fixed number of queries
(``pair_ids``: a subquery of the person's pairs) and returns ``extra(pair)``, the keys it adds to the pair.
"""

from django.db.models import Q

from accounts import privacy

from .models import MatchingRound, Pair, PairingRule
from .services import end_live_pairs

PAIR_EXPORTS = []


def pair_export(*, covers):
    def register(load):
        if load not in PAIR_EXPORTS:
            PAIR_EXPORTS.append(load)
        privacy.covered(covers, by="pairs")
        return load

    return register


@privacy.export("pairs", position=50, covers=[Pair])
def _pairs(user):
    pairs_of_user = Pair.objects.filter(Q(mentor__user=user) | Q(mentee__user=user))
    pairs = list(
        pairs_of_user.select_related("programme", "mentor__user", "mentee__user").order_by("created_at", "pk")
    )
    extras = [load(user, pairs_of_user.values("pk")) for load in PAIR_EXPORTS]

    def entry(pair):
        mine, partner = (
            (pair.mentor, pair.mentee) if pair.mentor.user_id == user.pk else (pair.mentee, pair.mentor)
        )
        data = {
            "programme": pair.programme.name,
            "my_role": mine.role,
            # The partner appears by name only.
            "partner": partner.user.display_name,
            "status": pair.status,
            "proposed_at": pair.created_at,
            "started_at": pair.started_at,
            "ended_at": pair.ended_at,
            "end_reason": pair.end_reason,
            "decline_reason": pair.decline_reason if pair.declined_by_id == user.pk else "",
        }
        for extra in extras:
            data.update(extra(pair))
        return data

    return pairs, entry


# First of the leaving steps: the pairs end as an erased account's before the withdrawal from programmes
# would end them as a withdrawal's. Ending a pair cancels its planned sessions (sessions listen to pairs_ended).
@privacy.leave(order=10)
def _end_live_pairs(*, organization, user, reason):
    end_live_pairs(user=user, reason=reason)


for _model in (MatchingRound, PairingRule):
    privacy.not_exported(
        _model, why="who in HR opened a round or wrote a rule is the organisation's record of its own work"
    )
