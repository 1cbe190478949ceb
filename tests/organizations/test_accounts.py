import re

from django.core import mail

from tests.factories import DEFAULT_PASSWORD, UserFactory

NEW_PASSWORD = "a-brand-new-passphrase-7"


def test_sign_up_requires_verifying_the_email_before_signing_in(client, db, settings):
    settings.PUBLIC_SIGNUP = True
    response = client.post(
        "/accounts/signup/",
        {"email": "new@acme.example", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session, "not signed in before verification"
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    client.post(link.replace("http://testserver", ""))
    assert client.login(username="new@acme.example", password=NEW_PASSWORD)


def test_an_unverified_address_cannot_sign_in(client, db, settings):
    settings.PUBLIC_SIGNUP = True
    client.post(
        "/accounts/signup/",
        {"email": "new@acme.example", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    response = client.post("/accounts/login/", {"login": "new@acme.example", "password": NEW_PASSWORD})
    assert response["Location"].startswith("/accounts/confirm-email/")
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, db):
    user = UserFactory(email="forgetful@acme.example")
    client.post("/accounts/password/reset/", {"email": "forgetful@acme.example"})
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body).group(0)
    form_page = client.get(link.replace("http://testserver", ""), follow=True)
    client.post(form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_sign_in_with_email_then_sign_out(client, organization, mentor_user):
    response = client.post("/accounts/login/", {"login": "mentor@acme.example", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 302, "a member of one organisation goes straight to it"
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session
