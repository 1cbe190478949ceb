"""Isolation samples for the account pages that take an object: allauth's security-key pages (``pk``)."""

from allauth.mfa.models import Authenticator

from organizations.roles import Role
from tests.factories import member
from tests.isolation import FOREIGN_MARKER


def _security_key_pk(organization):
    """A security key of one of the other organisation's members: no one else may edit or remove it."""
    owner = member(organization, Role.MENTEE, email=f"{FOREIGN_MARKER.lower()}-key@globex.example")
    return Authenticator.objects.create(
        user=owner, type=Authenticator.Type.WEBAUTHN, data={"name": FOREIGN_MARKER, "credential": {}}
    ).pk


SAMPLES = {"pk": _security_key_pk}
