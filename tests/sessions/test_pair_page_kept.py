"""The pair page's content, kept per reader (organizations/pagecache.py), is never served stale or to
someone else."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organizations.models import Person
from organizations.tenancy import tenant_context
from pairing.models import Pair
from sessions import selectors
from sessions.models import Session
from tests.factories.sessions import SessionFactory, in_days


@pytest.fixture
def url(pair):
    return reverse("pair_space", kwargs={"org_slug": "acme", "pair_id": pair.pk})


def _csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_kept_page_carries_its_own_requests_csrf_token(pair, mentor_user, url):
    # Two devices of the same person: the second is served the first one's kept content, with its own
    # token, which its POST must pass with (and the first device's token must not).
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for client in (first, second):
        client.force_login(mentor_user)
    first_token = _csrf_token(first.get(url).content.decode())
    second_page = second.get(url).content.decode()
    second_token = _csrf_token(second_page)
    assert "csrfmiddlewaretoken" in second_page and first_token != second_token
    create = reverse("action_create", kwargs={"org_slug": "acme", "pair_id": pair.pk})
    fields = {"action-title": "Try the new intranet", "action-owner": mentor_user.pk}
    refused = second.post(create, {**fields, "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403
    accepted = second.post(create, {**fields, "csrfmiddlewaretoken": second_token})
    assert accepted.status_code == 302
    # The write replaced what was kept: both devices see the new action.
    assert "Try the new intranet" in first.get(url).content.decode()
    assert "Try the new intranet" in second.get(url).content.decode()


def test_each_partner_is_served_their_own_page(pair, mentor_user, mentee_user, client_for, url):
    mentor_page = client_for(mentor_user).get(url).content.decode()
    mentee_page = client_for(mentee_user).get(url).content.decode()
    assert "Your attestation of mentoring" in mentor_page and "Endorse your mentor" not in mentor_page
    assert "Endorse your mentor" in mentee_page and "Your attestation of mentoring" not in mentee_page


def test_someone_outside_the_pair_or_the_organisation_gets_nothing_of_a_kept_page(
    pair, mentor_user, stranger, outsider, client_for, url
):
    assert client_for(mentor_user).get(url).status_code == 200
    assert client_for(stranger).get(url).status_code == 404
    outside = client_for(outsider).get(url)
    assert outside.status_code == 404
    assert mentor_user.email not in outside.content.decode()


def test_a_bulk_write_with_no_signal_reaches_the_kept_page(pair, organization, mentor_user, client_for, url):
    client = client_for(mentor_user)
    assert "This pair has ended" not in client.get(url).content.decode()
    with tenant_context(organization):
        Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.ENDED)
    assert "This pair has ended" in client.get(url).content.decode()


def test_a_new_name_in_the_organisations_records_reaches_the_kept_page(
    pair, organization, mentor_user, mentee_user, client_for, url
):
    client = client_for(mentor_user)
    client.get(url)
    with tenant_context(organization):
        Person.objects.filter(user=mentee_user).update(first_name="Bérénice", last_name="Lemaître")
    assert "Bérénice Lemaître" in client.get(url).content.decode()


def test_a_session_moves_to_its_log_as_time_passes_with_no_write(
    pair, organization, mentor_user, client_for, url
):
    # Sooner than the longest a page is kept (PAGE_CACHE_SECONDS): only the session's own time can end it.
    starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=2)
    with tenant_context(organization):
        session = SessionFactory(organization=organization, pair=pair, starts_at=starts_at)
    log_url = reverse(
        "session_log", kwargs={"org_slug": "acme", "pair_id": pair.pk, "session_id": session.pk}
    )
    client = client_for(mentor_user)
    assert log_url not in client.get(url).content.decode()
    with time_machine.travel(starts_at + datetime.timedelta(minutes=1)):
        assert log_url in client.get(url).content.decode()


def test_the_page_changes_lists_when_the_selector_would(pair, organization):
    now = timezone.now()
    with tenant_context(organization):
        SessionFactory(organization=organization, pair=pair, starts_at=now - datetime.timedelta(hours=3))
        soon = SessionFactory(
            organization=organization, pair=pair, starts_at=now + datetime.timedelta(hours=5)
        )
        running = SessionFactory(
            organization=organization, pair=pair, starts_at=now - datetime.timedelta(hours=1)
        )
        SessionFactory(
            organization=organization,
            pair=pair,
            starts_at=now + datetime.timedelta(hours=2),
            status="cancelled",
        )
        every = list(Session.objects.filter(pair=pair))
    changes_at = selectors.pair_page_changes_at(every, now=now)
    # The running session leaves the upcoming ones two hours after its start, before the next one starts.
    assert changes_at == running.starts_at + selectors.UPCOMING_GRACE
    assert changes_at < soon.starts_at

    def lists(at):
        with tenant_context(organization):
            read = selectors.pair_page_sessions(pair, now=at)
        return [[session.pk for session in part] for part in (read.upcoming, read.past, read.to_log)]

    second = datetime.timedelta(seconds=1)
    assert lists(now) == lists(changes_at - second)
    assert lists(changes_at - second) != lists(changes_at + second)
    assert selectors.pair_page_changes_at([], now=now) is None


def test_each_language_is_kept_apart(pair, organization, mentor_user, client_for, url):
    with tenant_context(organization):
        SessionFactory(organization=organization, pair=pair, starts_at=in_days(3, hour=9, minute=0))
    client = client_for(mentor_user)
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    client.cookies["django_language"] = "fr"
    french = client.get(url).content.decode()
    assert "Upcoming sessions" in english and "Prochaines séances" in french
