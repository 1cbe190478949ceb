"""Nothing says whether an address has an account: sign-up, password reset and sign-in answer alike."""

import re

import pytest
from django.core import mail
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, UserFactory

KNOWN = "ada@acme.example"
UNKNOWN = "nobody@acme.example"
WRONG = "not-the-password-at-all"


@pytest.fixture
def ada(db):
    return UserFactory(email=KNOWN)


def _page(response):
    """The page without what differs on every request (the CSRF token) or names the address typed."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return text.replace(KNOWN, "ADDRESS").replace(UNKNOWN, "ADDRESS")


def _answer(path, data):
    response = Client().post(path, data, follow=True)
    return response.status_code, response.redirect_chain, _page(response)


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(ada):
    known = _answer("/accounts/password/reset/", {"email": KNOWN})
    unknown = _answer("/accounts/password/reset/", {"email": UNKNOWN})
    assert known == unknown
    assert known[1] == [("/accounts/password/reset/done/", 302)]
    assert [message.to for message in mail.outbox] == [[KNOWN], [UNKNOWN]], "only the inbox tells"


def test_sign_up_answers_the_same_for_known_and_unknown_addresses(ada, settings):
    settings.PUBLIC_SIGNUP = True
    form = {"password1": "a-brand-new-passphrase-7", "password2": "a-brand-new-passphrase-7"}
    known = _answer("/accounts/signup/", {**form, "email": KNOWN})
    unknown = _answer("/accounts/signup/", {**form, "email": UNKNOWN})
    assert known == unknown
    assert known[1] == [("/accounts/confirm-email/", 302)]
    assert [message.to for message in mail.outbox] == [[KNOWN], [UNKNOWN]]
    assert "already" in mail.outbox[0].body.lower()


def test_closed_sign_up_answers_the_same_for_known_and_unknown_addresses(ada):
    form = {"password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD}
    assert _answer("/accounts/signup/", {**form, "email": KNOWN}) == _answer(
        "/accounts/signup/", {**form, "email": UNKNOWN}
    )
    assert mail.outbox == []


def test_a_failed_sign_in_says_the_same_for_an_unknown_address_and_a_wrong_password(ada):
    known = _answer("/accounts/login/", {"login": KNOWN, "password": WRONG})
    unknown = _answer("/accounts/login/", {"login": UNKNOWN, "password": WRONG})
    assert known == unknown
    assert "The email address and/or password you specified are not correct." in known[2]


def test_a_deactivated_account_with_a_wrong_password_looks_like_any_other_failure(db):
    UserFactory(email=KNOWN, is_active=False)
    deactivated = _answer("/accounts/login/", {"login": KNOWN, "password": WRONG})
    unknown = _answer("/accounts/login/", {"login": UNKNOWN, "password": WRONG})
    assert deactivated == unknown


def test_the_failed_sign_in_limit_bites_unknown_addresses_alike(ada):
    """Otherwise the limit itself would tell which addresses exist."""
    answers = {}
    for address in (KNOWN, UNKNOWN):
        client = Client(REMOTE_ADDR=f"192.0.2.{len(answers) + 1}")
        for _attempt in range(5):
            client.post("/accounts/login/", {"login": address, "password": WRONG})
        response = client.post("/accounts/login/", {"login": address, "password": WRONG})
        answers[address] = (response.status_code, _page(response))
    assert answers[KNOWN] == answers[UNKNOWN]
    assert "Too many failed login attempts" in answers[KNOWN][1]
