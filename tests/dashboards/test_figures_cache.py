"""The dashboard's figures are cached per organisation and filter, and dropped when the data under them changes."""

import datetime

import time_machine
from django.utils import timezone

from organizations.tenancy import tenant_context
from pairing.models import Pair
from tests.dashboards.test_dashboard_page import BASE_QUERIES, _programme_with_pairs, expected_queries
from tests.factories import OrganizationFactory, ParticipantFactory, SessionFactory, member


def url(organization):
    return f"/o/{organization.slug}/dashboard/"


def test_a_warm_dashboard_runs_only_the_page_s_own_queries(
    client_for, executive, organization, django_assert_num_queries
):
    _programme_with_pairs(organization, 10)
    client = client_for(executive)
    client.get("/")  # the session and the member's first visit are not the dashboard's
    with django_assert_num_queries(expected_queries(organization)):
        assert client.get(url(organization)).status_code == 200
    # Warm: sign-in, the filter options and the switcher; none of the figure groups nor the impact ones.
    with django_assert_num_queries(BASE_QUERIES - 4):
        assert client.get(url(organization)).status_code == 200


def test_a_logged_session_drops_the_cached_figures(
    client_for, executive, organization, django_assert_num_queries
):
    _programme_with_pairs(organization, 6)
    client = client_for(executive)
    client.get(url(organization))
    with tenant_context(organization):
        pair = Pair.objects.first()
    SessionFactory(organization=organization, pair=pair, held=True)
    with django_assert_num_queries(expected_queries(organization)):
        client.get(url(organization))


def test_another_filter_is_computed_on_its_own(
    client_for, executive, organization, django_assert_num_queries
):
    _programme_with_pairs(organization, 6)
    client = client_for(executive)
    client.get(url(organization))
    with django_assert_num_queries(expected_queries(organization)):
        client.get(url(organization), {"department": "Finance"})


def test_another_organisation_s_change_keeps_these_figures(
    client_for, executive, organization, django_assert_num_queries
):
    _programme_with_pairs(organization, 6)
    client = client_for(executive)
    client.get(url(organization))
    warm = len(_warm_queries(client, organization))
    other = OrganizationFactory()
    with tenant_context(other):
        ParticipantFactory(organization=other)
    assert len(_warm_queries(client, organization)) == warm


def _warm_queries(client, organization):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url(organization))
    return queries.captured_queries


def test_the_page_states_when_the_figures_were_computed_and_the_cache_ends_after_its_ttl(
    client_for, executive, organization, settings, django_assert_num_queries
):
    settings.DASHBOARD_CACHE_SECONDS = 300
    # The TTL is kept by the cache's own clock: Redis's (CI) does not travel with time_machine.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _programme_with_pairs(organization, 6)
    client = client_for(executive)
    start = timezone.now().replace(second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        body = client.get(url(organization)).content.decode()
    assert "refreshed every 5 minutes" in body
    assert "Figures as of" in body
    with time_machine.travel(start + datetime.timedelta(seconds=301), tick=False):
        with django_assert_num_queries(expected_queries(organization)):
            client.get(url(organization))


def test_an_outsider_never_sees_another_organisation_s_cached_figures(client_for, executive, organization):
    _programme_with_pairs(organization, 6)
    client_for(executive).get(url(organization))
    outsider = member(OrganizationFactory(), "executive")
    assert client_for(outsider).get(url(organization)).status_code == 404
