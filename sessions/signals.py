"""Signals other apps listen to; sessions never imports them.

Each is sent inside the transaction that changed the sessions (all of the current organisation), so that
what a receiver records (a webhook event in the outbox) commits with the change, or not at all. A
receiver treats ``sessions`` in a fixed number of queries, whatever their number.
"""

from django.dispatch import Signal

# Planned (one session, a recurring slot's occurrences) or moved (``sequence`` went up).
sessions_scheduled = Signal()
# Cancelled, one by a person or all the upcoming ones of pairs that ended.
sessions_cancelled = Signal()
# Logged as held.
sessions_held = Signal()
