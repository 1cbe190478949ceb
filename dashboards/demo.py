"""The demo's notification history: each person who can sign in finds real messages in their list.

Runs last (dashboards comes last in INSTALLED_APPS), once pairs, sessions and surveys exist. The rows are
the ones the product itself plans, under the same natural keys (so the planners never send them again):
HR's weekly digest, the executives' monthly summary, each pair's "accepted" (or "announced") news to
its two people, and the assistant's delegation. They are rendered and marked sent through the outbox, in each person's language, but no
e-mail leaves: they are history, not news, and a demo's console should not fill with them.
"""

import zoneinfo

from django.test import override_settings
from django.utils import timezone

from notifications import services
from notifications.handlers import HR_DIGEST
from notifications.models import Notification
from organizations import demo
from organizations.roles import Role
from pairing.models import Pair
from pairing.notifications import PAIR_ACCEPTED, PAIR_PUBLISHED
from sessions.models import Delegation
from sessions.notifications import DELEGATION_GRANTED

from .notifications import EXECUTIVE_SUMMARY, executive_summary_key

# Delivery renders every row and records it as sent; this backend sends nothing.
HISTORY_EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


def _plan(organization, user, kind, key, now, object_id=None):
    services.plan(
        organization=organization, recipient=user, kind=kind, key=key, due_at=now, object_id=object_id
    )


def seed_demo(organization, people):
    now = timezone.now()
    local = now.astimezone(zoneinfo.ZoneInfo(organization.time_zone))
    year, week, _day = local.isocalendar()
    for email, _first, _last, roles, _language in demo.PEOPLE:
        user = people[email]
        if Role.HR_ADMIN in roles:
            key = services.natural_key(HR_DIGEST, f"{year}-W{week:02d}", recipient=user)
            _plan(organization, user, HR_DIGEST, key, now)
        if Role.EXECUTIVE in roles:
            _plan(organization, user, EXECUTIVE_SUMMARY, executive_summary_key(user, local), now)
    printed = {email for email, *_rest in demo.PEOPLE}
    pairs = Pair.objects.filter(status__in=Pair.LIVE).select_related("mentor__user", "mentee__user")
    for pair in pairs:
        kind = PAIR_PUBLISHED if pair.status == Pair.Status.PROPOSED else PAIR_ACCEPTED
        for user in pair.people():
            if user.email in printed:
                key = services.natural_key(kind, f"pair:{pair.pk}", recipient=user)
                _plan(organization, user, kind, key, now, object_id=pair.pk)
    # The assistant's news: whose sessions they plan.
    for delegation in Delegation.objects.select_related("assistant"):
        user = delegation.assistant
        if user.email in printed:
            key = services.natural_key(DELEGATION_GRANTED, f"delegation:{delegation.pk}", recipient=user)
            _plan(organization, user, DELEGATION_GRANTED, key, now, object_id=delegation.pk)
    with override_settings(EMAIL_BACKEND=HISTORY_EMAIL_BACKEND):
        while Notification.objects.filter(status=Notification.Status.PENDING, due_at__lte=now).exists():
            if not services.deliver_due(organization=organization):
                break
