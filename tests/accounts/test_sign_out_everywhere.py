"""Preferences → Security: when each open sign-in began, and "Sign out everywhere", this browser included."""

import datetime as dt
from importlib import import_module

import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone

from accounts.models import SignedInSession
from tests.factories import DEFAULT_PASSWORD, UserFactory

PREFERENCES = "/accounts/preferences/"
SIGN_OUT_EVERYWHERE = "/accounts/sign-out-everywhere/"
SECRET_AGENT = "Mozilla/5.0 (Binome-Test-Device 42)"


def _browser(user, *, agent="Mozilla/5.0"):
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR="198.51.100.23")
    assert (
        client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD}).status_code
        == 302
    )
    return client


def _signed_in(client):
    return client.get("/accounts/my-data/").status_code == 200


def _key(client):
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_security_lists_each_open_sign_in_and_marks_this_browser(db):
    user = UserFactory(email="ada@acme.example")
    yesterday = timezone.now() - dt.timedelta(days=1)
    with time_machine.travel(yesterday, tick=False):
        _browser(user)
    laptop = _browser(user)
    page = laptop.get(PREFERENCES).content.decode()
    assert page.count("Signed in on") == 2
    assert formats.date_format(timezone.localtime(yesterday), "DATETIME_FORMAT") in page
    assert page.count("This browser") == 1
    assert "Sign out everywhere" in page


def test_it_never_shows_an_address_or_a_device(db):
    user = UserFactory(email="ada@acme.example")
    _browser(user, agent=SECRET_AGENT)
    page = _browser(user).get(PREFERENCES).content.decode()
    assert "198.51.100.23" not in page
    assert "Binome-Test-Device" not in page


def test_a_sign_in_that_ended_on_its_own_is_not_listed(db):
    user = UserFactory(email="ada@acme.example")
    old = _browser(user)
    import_module(settings.SESSION_ENGINE).SessionStore().delete(_key(old))  # expired, or clearsessions
    page = _browser(user).get(PREFERENCES).content.decode()
    assert page.count("Signed in on") == 1


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_number_of_sign_ins(db):
    user = UserFactory(email="ada@acme.example")
    browser = _browser(user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(PREFERENCES).status_code == 200
        return len(queries)

    once = count()
    for _ in range(4):
        _browser(user)
    assert count() == once


def test_sign_out_everywhere_ends_every_session_of_the_person_this_one_included(db):
    user, other = UserFactory(email="ada@acme.example"), UserFactory(email="bob@acme.example")
    laptop, phone, bobs = _browser(user), _browser(user), _browser(other)
    response = laptop.post(SIGN_OUT_EVERYWHERE)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert not _signed_in(laptop) and not _signed_in(phone)
    assert not SignedInSession.objects.filter(user=user).exists()
    assert _signed_in(bobs), "nobody else is signed out"


def test_the_sign_in_page_says_what_happened(db):
    user = UserFactory(email="ada@acme.example")
    laptop = _browser(user)
    page = laptop.post(SIGN_OUT_EVERYWHERE, follow=True)
    assert page.redirect_chain[-1][0] == "/accounts/login/"
    assert "You are signed out everywhere" in page.content.decode()


def test_it_is_a_post_only(db):
    user = UserFactory(email="ada@acme.example")
    laptop = _browser(user)
    assert laptop.get(SIGN_OUT_EVERYWHERE).status_code == 405
    assert _signed_in(laptop)


def test_a_visitor_is_sent_to_sign_in(client, db):
    response = client.post(SIGN_OUT_EVERYWHERE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_button_asks_for_confirmation(db):
    user = UserFactory(email="ada@acme.example")
    page = _browser(user).get(PREFERENCES).content.decode()
    assert f'action="{SIGN_OUT_EVERYWHERE}"' in page
    assert 'data-confirm="Sign out of Binôme on every browser and device, this one included?"' in page
