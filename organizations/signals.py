"""Hooks for the apps built on organisations (organisations never import them)."""

from django.dispatch import Signal

# Sent with organization= once a customer organisation is created (apps seed their defaults).
organization_created = Signal()

# Sent with user= and organization= when someone accepts an invitation; a receiver may return the
# URL of what the newcomer should do first (e.g. enrol in a programme).
member_joined = Signal()

# Sent when a person loses access, with user=, reason=, organization= and roles_left= (the roles they
# still hold there, a frozenset). organization=None means everywhere at once (the account was
# deactivated, erased or deprovisioned), with roles_left empty. Each app revokes what it issued that the
# remaining roles no longer justify (calendar feeds, survey links, pending e-mails); open sign-ins end
# on every announcement, since a session serves all the person's organisations at once.
# Receivers must be idempotent: the same end may be announced twice (a role removed, then the account
# erased), and nothing is wrong with a second announcement.
access_ended = Signal()

# Sent with organization= and invitation_ids= each time invitations are issued (or one is issued again,
# with a fresh link), inside the transaction that issued them. The outbox receives it and plans one
# e-mail per invitation, to its address; the e-mail goes out once the transaction commits and records
# the invitation's sent_at as it leaves.
invitations_issued = Signal()
