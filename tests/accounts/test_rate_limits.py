"""Every password action is rate-limited (allauth's limits, counted in the cache), and each limit frees
itself once its window has passed. Beyond a limit the person reads a clear page (HTTP 429)."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.factories import DEFAULT_PASSWORD, UserFactory

WRONG = "not-the-password-at-all"


@pytest.fixture
def clock():
    """The rate limits read time.time(): travelling moves every window (and the cache's expiry) at once."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def _after(clock, seconds):
    clock.shift(dt.timedelta(seconds=seconds))


def _is_429(response):
    page = response.content.decode()
    return response.status_code == 429 and "Too many attempts" in page and "Wait a few minutes" in page


def test_every_password_action_has_a_limit():
    limits = settings.ACCOUNT_RATE_LIMITS
    for action in (
        "login",
        "login_failed",
        "signup",
        "reset_password",
        "reset_password_from_key",
        "confirm_email",
        "reauthenticate",
        "change_password",
    ):
        assert limits.get(action), action


def test_sign_in_attempts_are_limited_per_address_and_the_limit_resets(db, clock):
    client = Client()
    for _attempt in range(30):
        assert client.post("/accounts/login/", {}).status_code == 200
    limited = client.post("/accounts/login/", {})
    assert _is_429(limited)
    assert Client(REMOTE_ADDR="192.0.2.7").post("/accounts/login/", {}).status_code == 200, "others are not"
    _after(clock, 61)
    assert client.post("/accounts/login/", {}).status_code == 200


def test_the_429_page_is_one_of_ours(db, clock):
    client = Client()
    for _attempt in range(31):
        response = client.post("/accounts/login/", {})
    page = response.content.decode()
    assert '<html lang="en">' in page and "Skip to content" in page, "the base layout"
    assert 'href="/accounts/login/"' in page


def test_failed_sign_ins_for_one_address_are_limited_then_reset(db, clock):
    user = UserFactory(email="ada@acme.example")
    client = Client()
    for _attempt in range(5):
        client.post("/accounts/login/", {"login": user.email, "password": WRONG})
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert "Too many failed login attempts" in response.content.decode(), "even with the right password"
    assert "_auth_user_id" not in client.session
    _after(clock, 5 * 60 + 1)
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_failed_sign_ins_from_one_address_are_limited_across_accounts(db, clock):
    client = Client()
    for number in range(10):
        client.post("/accounts/login/", {"login": f"guess{number}@acme.example", "password": WRONG})
    response = client.post("/accounts/login/", {"login": "guess-last@acme.example", "password": WRONG})
    assert "Too many failed login attempts" in response.content.decode()
    _after(clock, 61)
    response = client.post("/accounts/login/", {"login": "guess-last@acme.example", "password": WRONG})
    assert "Too many failed login attempts" not in response.content.decode()


@pytest.mark.parametrize("public_signup", [False, True])
def test_sign_up_attempts_are_limited_open_or_closed(db, clock, settings, public_signup):
    settings.PUBLIC_SIGNUP = public_signup
    client = Client()
    for number in range(20):
        assert client.post("/accounts/signup/", {"email": f"new{number}@acme.example"}).status_code == 200
    assert _is_429(client.post("/accounts/signup/", {"email": "one-more@acme.example"}))
    _after(clock, 61)
    assert client.post("/accounts/signup/", {"email": "one-more@acme.example"}).status_code == 200


def test_password_resets_for_one_address_are_limited_then_reset(db, clock):
    UserFactory(email="ada@acme.example")
    client = Client()
    for _attempt in range(5):
        assert client.post("/accounts/password/reset/", {"email": "ada@acme.example"}).status_code == 302
    assert _is_429(client.post("/accounts/password/reset/", {"email": "ada@acme.example"}))
    assert len(mail.outbox) == 5
    _after(clock, 61)
    assert client.post("/accounts/password/reset/", {"email": "ada@acme.example"}).status_code == 302


def test_password_resets_from_one_address_are_limited_across_emails(db, clock):
    client = Client()
    for number in range(20):
        client.post("/accounts/password/reset/", {"email": f"someone{number}@acme.example"})
    assert _is_429(client.post("/accounts/password/reset/", {"email": "another@acme.example"}))


def test_the_reset_link_page_is_limited(db, clock):
    client = Client()
    for _attempt in range(20):
        client.post("/accounts/password/reset/key/1-set-password/", {})
    assert _is_429(client.post("/accounts/password/reset/key/1-set-password/", {}))
    _after(clock, 61)
    assert client.post("/accounts/password/reset/key/1-set-password/", {}).status_code != 429


def test_confirmation_emails_go_out_once_per_three_minutes(db, clock, settings):
    settings.PUBLIC_SIGNUP = True
    form = {"email": "new@acme.example", "password1": "a-brand-new-passphrase-7"}
    form["password2"] = form["password1"]
    Client().post("/accounts/signup/", form)
    sign_in = {"login": "new@acme.example", "password": form["password1"]}
    for _attempt in range(3):
        Client().post("/accounts/login/", sign_in)
    assert len(mail.outbox) == 1, "the first link still works: no more e-mails"
    _after(clock, 3 * 60 + 1)
    Client().post("/accounts/login/", sign_in)
    assert len(mail.outbox) == 2
    assert re.search(r"/accounts/confirm-email/\S+/", mail.outbox[-1].body)


def test_reauthentication_is_limited_per_person_then_reset(db, clock):
    user = UserFactory(email="ada@acme.example")
    client = Client()
    client.force_login(user)
    for _attempt in range(10):
        assert client.post("/accounts/delete/", {"password": WRONG}).status_code == 200
    assert _is_429(client.post("/accounts/delete/", {"password": WRONG}))
    assert _is_429(client.post("/accounts/reauthenticate/", {"password": WRONG}))
    _after(clock, 61)
    assert client.post("/accounts/delete/", {"password": WRONG}).status_code == 200


def test_the_429_page_speaks_french(db, clock, settings):
    """Reads French once the catalogues hold this branch's strings (/work/translations/h13-access.po)."""
    settings.LANGUAGE_CODE = "fr"
    client = Client()
    for _attempt in range(31):
        response = client.post("/accounts/login/", {})
    page = response.content.decode()
    assert response.status_code == 429
    assert "Trop de tentatives" in page and "Patientez quelques minutes" in page
