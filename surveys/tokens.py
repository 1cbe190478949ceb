"""The survey link: signed, expiring, and enough on its own (no password) to answer one survey once."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "surveys.response"


def response_token(response):
    return signing.dumps({"o": response.organization_id, "r": response.pk}, salt=SALT)


def response_url(response):
    return settings.SITE_URL + reverse("survey_answer", kwargs={"token": response_token(response)})


def read_response_token(token):
    """``(organization_id, response_id)``; ``None`` if forged; raises ``signing.SignatureExpired`` if old."""
    max_age = settings.SURVEY_LINK_MAX_AGE_DAYS * 24 * 3600
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise
    except signing.BadSignature:
        return None
    try:
        return int(payload["o"]), int(payload["r"])
    except (KeyError, TypeError, ValueError):
        return None
