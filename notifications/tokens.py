"""Signed unsubscribe links: the link is the credential, one per organisation, person and kind."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "notifications.unsubscribe"


def unsubscribe_token(*, organization_id, user_id, kind):
    return signing.dumps({"o": organization_id, "u": user_id, "k": kind}, salt=SALT, compress=True)


def unsubscribe_url(*, organization_id, user_id, kind):
    token = unsubscribe_token(organization_id=organization_id, user_id=user_id, kind=kind)
    return settings.SITE_URL + reverse("notification_unsubscribe", kwargs={"token": token})


def read_unsubscribe_token(token):
    """``(organization_id, user_id, kind)`` or ``None`` for a forged or damaged token."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    try:
        return int(payload["o"]), int(payload["u"]), str(payload["k"])
    except (KeyError, TypeError, ValueError):
        return None
