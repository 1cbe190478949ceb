"""Wrong second-factor codes are rate-limited per person: a six-digit code cannot be walked."""

import pyotp
from django.urls import reverse

from organizations.roles import Role
from tests.factories import DEFAULT_PASSWORD, member

from .mfa_helpers import enrol_totp


def _sign_in_with_password(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")


def test_an_enrolled_person_signs_in_with_the_code(client, organization):
    person = member(organization, Role.MENTEE)
    secret = enrol_totp(person)
    _sign_in_with_password(client, person)
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_wrong_codes_are_limited_then_even_the_right_one_is_refused(client, organization, settings):
    person = member(organization, Role.MENTEE)
    secret = enrol_totp(person)
    _sign_in_with_password(client, person)
    for _ in range(5):
        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert response.status_code == 200
        assert b"Incorrect code." in response.content

    response = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(secret).now()})

    assert "_auth_user_id" not in client.session
    assert b"Too many failed login attempts" in response.content


def test_the_limit_is_the_persons_not_the_browsers(organization):
    from django.test import Client

    person = member(organization, Role.MENTEE)
    secret = enrol_totp(person)
    first = Client(REMOTE_ADDR="10.0.0.1")
    _sign_in_with_password(first, person)
    for _ in range(5):
        first.post(reverse("mfa_authenticate"), {"code": "000000"})
    second = Client(REMOTE_ADDR="10.0.0.2")
    _sign_in_with_password(second, person)
    second.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(secret).now()})
    assert "_auth_user_id" not in second.session


def test_the_password_asked_again_before_adding_a_factor_is_limited(client_for, organization):
    person = member(organization, Role.MENTEE)
    client = client_for(person)
    for _ in range(10):
        response = client.post(reverse("account_reauthenticate"), {"password": "not-the-password"})
        assert response.status_code == 200
    response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 429
