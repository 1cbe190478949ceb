import icalendar
from django.urls import reverse

from organizations.models import Membership
from organizations.roles import Role
from organizations.tenancy import tenant_context
from sessions import selectors, services
from sessions.models import CalendarFeed
from tests.factories import AgendaItemFactory, PairFactory, PrivateNoteFactory, SessionFactory, in_days


def _feed_url(feed):
    return reverse("calendar_feed", kwargs={"token": feed.token})


def test_the_feed_lists_the_persons_sessions_and_nothing_private(pair, organization, mentee_user, client):
    with tenant_context(organization):
        session = SessionFactory(organization=organization, pair=pair, shared_notes="Shared secret")
        AgendaItemFactory(organization=organization, session=session, text="Agenda secret")
        PrivateNoteFactory(
            organization=organization, session=session, author=mentee_user, text="Private secret"
        )
        SessionFactory(organization=organization)  # someone else's
        feed = services.create_calendar_feed(organization=organization, user=mentee_user)
    response = client.get(_feed_url(feed))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "secret" not in body
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["UID"]) for event in events] == [f"{session.uid}@binome"]


def test_a_revoked_token_gets_404(pair, organization, mentee_user, client):
    with tenant_context(organization):
        feed = services.create_calendar_feed(organization=organization, user=mentee_user)
        services.revoke_calendar_feed(organization=organization, user=mentee_user)
    assert client.get(_feed_url(feed)).status_code == 404


def test_a_new_address_replaces_the_old_one(pair, organization, mentee_user, client):
    with tenant_context(organization):
        old = services.create_calendar_feed(organization=organization, user=mentee_user)
        new = services.create_calendar_feed(organization=organization, user=mentee_user)
    assert client.get(_feed_url(old)).status_code == 404
    assert client.get(_feed_url(new)).status_code == 200


def test_an_unknown_token_gets_404(client, db):
    assert client.get(reverse("calendar_feed", kwargs={"token": "nope"})).status_code == 404


def test_the_feed_stays_within_its_organisation(pair, organization, other_organization, mentee_user, client):
    foreign_pair = PairFactory(organization=other_organization, mentee__user=mentee_user)
    SessionFactory(organization=other_organization, pair=foreign_pair, starts_at=in_days(2))
    with tenant_context(organization):
        feed = services.create_calendar_feed(organization=organization, user=mentee_user)
    events = icalendar.Calendar.from_ical(client.get(_feed_url(feed)).content).walk("VEVENT")
    assert events == []


def test_the_settings_page_creates_renews_and_revokes_the_address(
    pair, organization, mentee_user, client_for
):
    client = client_for(mentee_user)
    url = reverse("calendar_settings", kwargs={"org_slug": "acme"})
    assert client.get(url).status_code == 200
    client.post(url, {"action": "create"})
    with tenant_context(organization):
        feed = CalendarFeed.objects.get(revoked_at=None)
    assert feed.token in client.get(url).content.decode()
    client.post(url, {"action": "revoke"})
    with tenant_context(organization):
        assert not CalendarFeed.objects.filter(revoked_at=None).exists()


def test_the_settings_page_is_for_participants(organization, hr_admin, executive, outsider, client_for):
    url = reverse("calendar_settings", kwargs={"org_slug": "acme"})
    assert client_for(executive).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404


def test_a_token_answers_404_once_its_holder_holds_no_pair_role(pair, organization, mentee_user, client):
    # Even if nothing revoked it: the read checks the holder's roles itself.
    with tenant_context(organization):
        feed = services.create_calendar_feed(organization=organization, user=mentee_user)
        SessionFactory(organization=organization, pair=pair, location="https://video.example/room")
        Membership.objects.filter(user=mentee_user).update(role=Role.EXECUTIVE)
    response = client.get(_feed_url(feed))
    assert response.status_code == 404
    assert b"video.example" not in response.content


def test_a_token_of_a_deactivated_account_answers_404(pair, organization, mentee_user, client):
    with tenant_context(organization):
        feed = services.create_calendar_feed(organization=organization, user=mentee_user)
    type(mentee_user).objects.filter(pk=mentee_user.pk).update(is_active=False)
    assert client.get(_feed_url(feed)).status_code == 404


def test_the_feed_lists_nothing_for_someone_without_a_pair_role(pair, organization, mentee_user):
    with tenant_context(organization):
        SessionFactory(organization=organization, pair=pair)
        assert selectors.feed_sessions(user=mentee_user).count() == 1
        Membership.objects.filter(user=mentee_user).delete()
        assert selectors.feed_sessions(user=mentee_user).count() == 0
