"""Two-factor authentication in Chromium: an HR admin held at the door enrols an authenticator app
(codes computed with pyotp, as the app would), signs in with a code and with a recovery code; a passkey
made by Chromium's virtual authenticator is added, used as the second factor, then to sign in alone."""

import re
import time

import pyotp
import pytest

from organizations.models import MfaPolicy
from organizations.roles import Role
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory, member

from .conftest import sign_in


@pytest.fixture
def acme(live_server):
    return OrganizationFactory(
        name="Acme Industries", slug="acme", default_language="en", mfa_required_for=MfaPolicy.HR_ADMINS
    )


@pytest.fixture
def claire(acme):
    return member(acme, Role.HR_ADMIN, email="claire@acme.example", first_name="Claire", language="en")


def _localhost(page):
    """WebAuthn wants a secure context: http://localhost is one, http://127.0.0.1 may not be."""
    url = page.live_server_url.replace("127.0.0.1", "localhost")
    page.live_server_url = url
    return url


def _sign_out(page):
    page.locator("#account-menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def _confirm_password(page):
    """allauth asks for the password again before a factor is added, however recent the sign-in."""
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Confirm").click()


def _fresh_code(secret, used):
    """The app's current code, waiting for the next period if this one was spent (allauth refuses reuse)."""
    totp = pyotp.TOTP(secret)
    while totp.now() in used:
        time.sleep(1)
    code = totp.now()
    used.add(code)
    return code


def test_an_hr_admin_enrols_an_authenticator_app_and_signs_in_with_codes(page, acme, claire, screenshot):
    sign_in(page, claire.email, DEFAULT_PASSWORD)
    page.goto("/o/acme/members/")
    page.wait_for_url(re.compile(r"/accounts/two-factor/required/$"))
    assert page.get_by_text("Acme Industries").is_visible()

    page.get_by_role("link", name="Use an authenticator app").click()
    _confirm_password(page)
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    secret = page.locator("#authenticator_secret").input_value()
    used = set()
    page.fill("input[name=code]", _fresh_code(secret, used))
    screenshot("totp-activate")
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10

    page.goto("/accounts/two-factor/required/")
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url(re.compile(r"/o/acme/members/$"))

    # Signing in now takes the second factor: first a recovery code (the phone is lost)...
    _sign_out(page)
    sign_in(page, claire.email, DEFAULT_PASSWORD)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.fill("input[name=code]", codes[0])
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/o/acme/$"))

    # ...which works once only, then the app's code.
    _sign_out(page)
    sign_in(page, claire.email, DEFAULT_PASSWORD)
    page.fill("input[name=code]", codes[0])
    page.get_by_role("button", name="Sign In").click()
    assert page.get_by_text("Incorrect code.").is_visible()
    page.fill("input[name=code]", _fresh_code(secret, used))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/o/acme/$"))
    page.goto("/o/acme/members/")
    assert page.get_by_role("heading", name="Members").is_visible()


@pytest.fixture
def virtual_authenticator(page):
    """Chromium's virtual authenticator: a platform passkey that verifies its user (a fingerprint)."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    created = session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    yield session, created["authenticatorId"]
    session.send("WebAuthn.disable")


def test_a_passkey_is_added_used_as_second_factor_then_to_sign_in_alone(
    page, acme, claire, virtual_authenticator, screenshot
):
    session, authenticator_id = virtual_authenticator
    base = _localhost(page)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", claire.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.goto(f"{base}/o/acme/")
    page.wait_for_url(re.compile(r"/accounts/two-factor/required/$"))

    page.get_by_role("link", name="Use a passkey or a security key").click()
    _confirm_password(page)
    page.wait_for_url(re.compile(r"/accounts/2fa/webauthn/add/$"))
    page.fill("input[name=name]", "Laptop")
    page.get_by_label("Passwordless").check()
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    credentials = session.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})[
        "credentials"
    ]
    assert len(credentials) == 1 and credentials[0]["isResidentCredential"]
    page.goto(f"{base}/o/acme/")
    assert page.get_by_role("heading", name=re.compile("Welcome")).is_visible()

    # The key as a second factor after the password.
    _sign_out(page)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", claire.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(re.compile(r"/o/acme/$"))

    # The passkey alone: no e-mail, no password.
    _sign_out(page)
    page.goto(f"{base}/accounts/login/")
    screenshot("login-with-passkey")
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(re.compile(r"/o/acme/$"))
    assert page.locator("#account-menu").inner_text().strip() == "Claire " + claire.last_name


def test_hr_resets_the_factors_of_a_member_who_lost_their_phone(page, acme, screenshot):
    from tests.accounts.mfa_helpers import enrol_totp

    acme.mfa_required_for = MfaPolicy.NOBODY
    acme.save()
    hr = member(acme, Role.HR_ADMIN, email="rh@acme.example", language="en")
    lost = member(acme, Role.MENTEE, email="jean@acme.example", first_name="Jean", language="en")
    enrol_totp(lost)

    sign_in(page, hr.email, DEFAULT_PASSWORD)
    page.goto("/o/acme/members/")
    page.get_by_role("row", name=re.compile("jean@acme.example")).get_by_role(
        "link", name="Reset two-factor"
    ).click()
    page.wait_for_url(re.compile(r"/o/acme/security/mfa/members/\d+/reset/$"))
    page.fill("input[name=reason]", "Phone lost, checked by a call")
    screenshot("reset-confirm")
    page.get_by_role("button", name="Reset two-factor authentication").click()
    page.wait_for_url(re.compile(r"/o/acme/security/mfa/$"))
    assert page.get_by_role("cell", name="Phone lost, checked by a call").is_visible()

    # Jean signs in with the password alone again, and may add a new factor.
    _sign_out(page)
    sign_in(page, lost.email, DEFAULT_PASSWORD)
    page.wait_for_url(re.compile(r"/o/acme/$"))
