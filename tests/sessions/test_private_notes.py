"""A private note is read by its author and by nobody else, through any door."""

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from organizations.tenancy import tenant_context
from sessions import services
from sessions.models import PrivateNote
from tests.factories import SessionFactory, in_days

SECRET = "I have never understood what a hashtag is for"


@pytest.fixture
def logged_session(pair, organization, mentee_user):
    with tenant_context(organization):
        session = SessionFactory(organization=organization, pair=pair, starts_at=in_days(-2))
        services.log_session(
            session=session,
            by=mentee_user,
            log=services.SessionLog(
                held=True, shared_notes="We covered LinkedIn", private_note=SECRET, usefulness=5
            ),
        )
    return session


def _urls(pair, session):
    kwargs = {"org_slug": "acme", "pair_id": pair.pk}
    return [
        reverse("pair_space", kwargs=kwargs),
        reverse("session_list", kwargs=kwargs),
        reverse("session_detail", kwargs={**kwargs, "session_id": session.pk}),
        reverse("session_log", kwargs={**kwargs, "session_id": session.pk}),
        reverse("session_ics", kwargs={**kwargs, "session_id": session.pk}),
        reverse("pairs_overview", kwargs={"org_slug": "acme"}),
    ]


def test_the_author_reads_their_note_on_the_session_and_in_the_log_form(
    pair, logged_session, mentee_user, client_for
):
    client = client_for(mentee_user)
    kwargs = {"org_slug": "acme", "pair_id": pair.pk, "session_id": logged_session.pk}
    assert SECRET in client.get(reverse("session_detail", kwargs=kwargs)).content.decode()
    assert SECRET in client.get(reverse("session_log", kwargs=kwargs)).content.decode()


def test_the_other_person_never_sees_it_but_sees_the_shared_notes(
    pair, logged_session, mentor_user, client_for
):
    client = client_for(mentor_user)
    detail = reverse(
        "session_detail", kwargs={"org_slug": "acme", "pair_id": pair.pk, "session_id": logged_session.pk}
    )
    assert "We covered LinkedIn" in client.get(detail).content.decode()
    for url in _urls(pair, logged_session):
        assert SECRET not in client.get(url).content.decode(), url


def test_the_other_person_logging_again_keeps_both_notes_apart(
    pair, organization, logged_session, mentor_user, mentee_user, client_for
):
    with tenant_context(organization):
        services.log_session(
            session=logged_session,
            by=mentor_user,
            log=services.SessionLog(held=True, private_note="Mentor's own thoughts"),
        )
        notes = dict(PrivateNote.objects.values_list("author__email", "text"))
    assert notes == {"mentee@acme.example": SECRET, "mentor@acme.example": "Mentor's own thoughts"}
    page = client_for(mentee_user).get(
        reverse(
            "session_detail", kwargs={"org_slug": "acme", "pair_id": pair.pk, "session_id": logged_session.pk}
        )
    )
    assert "Mentor's own thoughts" not in page.content.decode()


def test_hr_and_executives_never_see_it(pair, logged_session, hr_admin, executive, client_for):
    for user in (hr_admin, executive):
        client = client_for(user)
        for url in _urls(pair, logged_session):
            response = client.get(url)
            assert SECRET not in response.content.decode(), url
            assert "We covered LinkedIn" not in response.content.decode(), url


def test_the_calendar_feed_never_carries_it(pair, organization, logged_session, mentee_user, client):
    with tenant_context(organization):
        feed = services.create_calendar_feed(organization=organization, user=mentee_user)
    body = client.get(reverse("calendar_feed", kwargs={"token": feed.token})).content.decode()
    assert SECRET not in body and "LinkedIn" not in body


def test_the_django_admin_does_not_list_it(pair, logged_session, client, db):
    staff = User.objects.create_superuser("root@binome.example", "pw-admin-123456")
    client.force_login(staff)
    index = client.get("/admin/").content.decode()
    assert "rivate note" not in index
    assert client.get("/admin/mentoring_sessions/privatenote/").status_code == 404
    session_page = client.get(f"/admin/mentoring_sessions/session/{logged_session.pk}/change/")
    assert session_page.status_code == 200
    assert SECRET not in session_page.content.decode()
    assert "LinkedIn" not in session_page.content.decode()
    listing = client.get("/admin/mentoring_sessions/session/")
    assert listing.status_code == 200 and SECRET not in listing.content.decode()


def test_clearing_the_note_deletes_it(pair, organization, logged_session, mentee_user):
    with tenant_context(organization), time_machine.travel(in_days(0)):
        services.save_private_note(session=logged_session, author=mentee_user, text="  ")
        assert not PrivateNote.objects.exists()
