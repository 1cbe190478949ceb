"""Hooks for the apps built on organisations (organisations never import them)."""

from django.dispatch import Signal

# Sent with organization= once a customer organisation is created (apps seed their defaults).
organization_created = Signal()

# Sent with user= and organization= when someone accepts an invitation; a receiver may return the
# URL of what the newcomer should do first (e.g. enrol in a programme).
member_joined = Signal()
