"""Signals other apps listen to; pairing never imports them."""

from django.dispatch import Signal

# Sent once for each batch of pairs that end together (a rotation ends a programme's pairs, a withdrawal a
# person's, HR one pair), with ``pairs`` already saved as ended, all of the current organisation. A
# receiver treats the batch in a fixed number of queries: a rotation of 500 pairs costs what one costs.
# The sessions app cancels their planned sessions here; ``pair.started_at`` tells a pair that ever met
# from a proposal that was ended before it started.
pairs_ended = Signal()

# Sent inside the transaction that changed the pairs (all of the current organisation), so that what a
# receiver records (a webhook event in the outbox) commits with the change, or not at all:
# ``pairs_published`` with a round's proposals, once it is published;
pairs_published = Signal()
# ``pair_accepted`` with a pair both sides accepted (``status`` accepted, or active if the programme runs).
pair_accepted = Signal()
