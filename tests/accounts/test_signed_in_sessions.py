"""Every sign-in is recorded, so that ending the person's access can sign them out of all of them."""

from importlib import import_module

from django.conf import settings
from django.test import Client

from accounts import services
from accounts.models import SignedInSession
from tests.factories import DEFAULT_PASSWORD, UserFactory


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore()


def _key(client):
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _sign_in(email):
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client


def test_it_records_each_sign_in_through_the_login_page(db):
    user = UserFactory(email="ada@acme.example")
    laptop, phone = _sign_in(user.email), _sign_in(user.email)
    keys = set(SignedInSession.objects.filter(user=user).values_list("session_key", flat=True))
    assert keys == {_key(laptop), _key(phone)}


def test_signing_out_forgets_the_session(db):
    user = UserFactory(email="ada@acme.example")
    client = _sign_in(user.email)
    client.post("/accounts/logout/")
    assert not SignedInSession.objects.filter(user=user).exists()


def test_sign_out_everywhere_ends_every_session_of_the_person_and_no_other(db):
    user, other = UserFactory(email="ada@acme.example"), UserFactory(email="bob@acme.example")
    laptop, phone, bobs = _sign_in(user.email), _sign_in(user.email), _sign_in(other.email)
    assert services.sign_out_everywhere(user=user) == 2
    assert not _store().exists(_key(laptop)) and not _store().exists(_key(phone))
    assert laptop.get("/accounts/my-data/").status_code == 302
    assert bobs.get("/accounts/my-data/").status_code == 200
    assert services.sign_out_everywhere(user=user) == 0


def test_a_new_sign_in_forgets_the_sessions_that_ended_on_their_own(db):
    user = UserFactory(email="ada@acme.example")
    old = _sign_in(user.email)
    _store().delete(_key(old))  # expired, or cleared by clearsessions
    new = _sign_in(user.email)
    assert list(SignedInSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        _key(new)
    ]
