"""What accounts announces to the apps above it (they connect in their AppConfig.ready)."""

from django.dispatch import Signal

# An organisation's HR admin reset a member's second factors: ``reset`` is the MfaReset row. Sent inside
# the reset's transaction; the outbox (notifications.mfa) tells the person, who may not have asked.
mfa_reset = Signal()
