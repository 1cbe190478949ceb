"""Accounts come from invitations, imports and SSO: public sign-up is off unless PUBLIC_SIGNUP says so."""

import re

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from organizations import services
from organizations.roles import Role
from tests.factories import DEFAULT_PASSWORD, ProgrammeFactory

STRANGER = {
    "email": "stranger@elsewhere.example",
    "password1": DEFAULT_PASSWORD,
    "password2": DEFAULT_PASSWORD,
}


def _accounts():
    return get_user_model().objects.count()


def test_sign_up_is_closed_by_default(db):
    assert get_adapter().is_open_for_signup(RequestFactory().get("/accounts/signup/")) is False


def test_public_signup_opens_it(settings, db):
    settings.PUBLIC_SIGNUP = True
    assert get_adapter().is_open_for_signup(RequestFactory().get("/accounts/signup/")) is True


def test_a_stranger_at_the_sign_up_page_is_told_to_ask_for_an_invitation(client, db):
    response = client.get("/accounts/signup/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Accounts come by invitation" in page
    assert "Ask your HR team for an invitation" in page
    assert 'name="password1"' not in page, "no sign-up form"
    assert 'href="/accounts/login/"' in page


def test_posting_the_sign_up_form_creates_no_account_and_sends_nothing(client, db):
    before = _accounts()
    response = client.post("/accounts/signup/", STRANGER)
    assert response.status_code == 200
    assert "Accounts come by invitation" in response.content.decode()
    assert _accounts() == before
    assert not EmailAddress.objects.filter(email=STRANGER["email"]).exists()
    assert mail.outbox == []
    assert "_auth_user_id" not in client.session


def test_the_sign_in_page_offers_no_sign_up_while_closed(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/signup/' not in page
    assert "invitation your HR team sends you" in page


def test_the_sign_in_page_offers_sign_up_when_open(client, db, settings):
    settings.PUBLIC_SIGNUP = True
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/signup/"' in page


def test_no_page_of_a_visitor_links_to_sign_up(client, db):
    for url in ("/", "/accounts/login/", "/accounts/password/reset/", "/accounts/signup/"):
        assert 'href="/accounts/signup/' not in client.get(url, follow=True).content.decode(), url


def test_the_unknown_address_email_offers_no_sign_up_while_closed(client, db):
    client.post("/accounts/password/reset/", {"email": "nobody@elsewhere.example"})
    body = mail.outbox[-1].body
    assert "/accounts/signup/" not in body
    assert "ask your HR team" in body


def test_the_unknown_address_email_offers_sign_up_when_open(client, db, settings):
    settings.PUBLIC_SIGNUP = True
    client.post("/accounts/password/reset/", {"email": "nobody@elsewhere.example"})
    assert "/accounts/signup/" in mail.outbox[-1].body


def test_an_invitation_still_creates_the_account(client, organization, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_member(organization=organization, email="claire@acme.example", role=Role.MENTOR)
    link = re.search(r"/invitations/[^/\s]+/", mail.outbox[-1].body).group(0)
    response = client.post(
        link,
        {
            "first_name": "Claire",
            "last_name": "Dubois",
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
        },
    )
    assert response["Location"] == f"/o/{organization.slug}/"
    assert get_user_model().objects.get(email="claire@acme.example").check_password(DEFAULT_PASSWORD)


def test_hr_adding_a_person_still_creates_their_account(client_for, hr_admin, organization):
    """Imports and "add a person" create accounts themselves, with no password until the invitation."""
    programme = ProgrammeFactory(organization=organization, status="running")
    response = client_for(hr_admin).post(
        reverse("participant_add", kwargs={"org_slug": organization.slug, "programme_id": programme.pk}),
        {"email": "zoe@acme.example", "role": "mentor", "languages": ["fr"]},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(email="zoe@acme.example").exists()


def test_the_closed_page_speaks_french(client, db, settings):
    """Reads French once the catalogues hold this branch's strings (/work/translations/h13-access.po)."""
    settings.LANGUAGE_CODE = "fr"
    page = client.get("/accounts/signup/").content.decode()
    assert (
        "Les comptes s&#x27;obtiennent sur invitation" in page
        or "Les comptes s'obtiennent sur invitation" in page
    )
    assert "Demandez une invitation à votre équipe RH" in page
