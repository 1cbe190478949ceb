"""Second factors for tests, made with allauth's own code (as the setup pages would)."""

import pyotp
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP


def enrol_totp(user):
    """An authenticator app and its recovery codes; returns the TOTP secret."""
    secret = pyotp.random_base32()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def set_policy(organization, policy):
    organization.mfa_required_for = policy
    organization.save(update_fields=["mfa_required_for"])
    return organization
