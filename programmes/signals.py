"""Signals other apps listen to; programmes never imports them."""

from django.dispatch import Signal

# Sent with ``participant`` (already saved as withdrawn) inside the withdrawal's transaction, so that
# what hangs on the participation (their pairs) ends with it, or not at all.
participant_withdrawn = Signal()

# Sent with ``participant`` (saved as enrolled) inside the enrolment's transaction: what a receiver records
# (a webhook event in the outbox) commits with the enrolment, or not at all.
participant_enrolled = Signal()
