"""The dashboard's figures are cached per organisation and filter, and dropped when the data under them changes."""

import datetime

import time_machine
from django.utils import timezone

from organizations.roles import Role
from organizations.tenancy import tenant_context
from pairing.models import Pair
from tests.dashboards.test_dashboard_page import BASE_QUERIES, _programme_with_pairs, expected_queries
from tests.factories import OrganizationFactory, ParticipantFactory, ProgrammeFactory, SessionFactory, member


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
    # Warm: sign-in and the switcher only; the filter options are kept with the figures, and none of the
    # figure groups nor the impact ones is read again.
    with django_assert_num_queries(BASE_QUERIES - 7):
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


def test_a_bulk_update_with_no_signal_drops_the_cached_figures(
    client_for, executive, organization, django_assert_num_queries
):
    _programme_with_pairs(organization, 6)
    client = client_for(executive)
    client.get(url(organization))
    with tenant_context(organization):
        Pair.objects.filter(pk=Pair.objects.first().pk).update(status=Pair.Status.ENDED)
    with django_assert_num_queries(expected_queries(organization)):
        client.get(url(organization))


def test_another_filter_is_computed_on_its_own(
    client_for, executive, organization, django_assert_num_queries
):
    _programme_with_pairs(organization, 6)
    client = client_for(executive)
    client.get(url(organization))
    # Every figure again; the three filter options are the organisation's, kept whatever the filter.
    with django_assert_num_queries(expected_queries(organization) - 3):
        client.get(url(organization), {"department": "Finance"})


def test_another_organisation_s_change_keeps_these_figures(
    client_for, executive, organization, django_assert_num_queries
):
    _programme_with_pairs(organization, 6)
    other = OrganizationFactory()
    other_user = member(other, Role.MENTOR, email="someone@globex.example")
    with tenant_context(other):
        programme = ProgrammeFactory(organization=other)
    client = client_for(executive)
    client.get(url(organization))
    warm = len(_warm_queries(client, organization))
    with tenant_context(other):
        ParticipantFactory(organization=other, programme=programme, user=other_user)
        ProgrammeFactory(organization=other)
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


SECTIONS = "dashboards/includes/sections.html"


def _sections_of(response):
    body = response.content.decode()
    return body[body.index("privacy-note") : body.index("</main>")]


def _sections_drawn(response):
    return SECTIONS in [template.name for template in response.templates]


def test_the_figures_are_drawn_once_and_the_drawing_is_served_with_them(client_for, executive, organization):
    _programme_with_pairs(organization, 6)
    # Made before: a new member is a write to the organisation's rows, which drops its figures.
    colleague = member(organization, "executive")
    client = client_for(executive)
    first = client.get(url(organization))
    assert _sections_drawn(first)
    again = client.get(url(organization))
    assert not _sections_drawn(again)
    # The same sections (the page around them has its own nonce and token each time).
    assert _sections_of(first) == _sections_of(again)
    assert "Sessions planned and held per month" in _sections_of(again)
    # Another reader of the same figures in the same language is served the same drawing.
    assert not _sections_drawn(client_for(colleague).get(url(organization)))


def test_figures_computed_again_are_drawn_again(client_for, executive, organization):
    _programme_with_pairs(organization, 6)
    client = client_for(executive)
    before = client.get(url(organization)).content.decode()
    with tenant_context(organization):
        pair = Pair.objects.first()
    for _ in range(3):
        SessionFactory(organization=organization, pair=pair, held=True)
    after = client.get(url(organization))
    assert _sections_drawn(after)
    assert "9 of 9 planned sessions held" in after.content.decode()
    assert "9 of 9 planned sessions held" not in before


def test_each_language_and_each_filter_has_its_own_drawing(client_for, executive, organization):
    _programme_with_pairs(organization, 6)
    client = client_for(executive)
    client.get(url(organization))
    french = client_for(member(organization, "executive", language="fr")).get(url(organization))
    assert _sections_drawn(french)
    assert "Séances prévues et tenues par mois" in french.content.decode()
    assert _sections_drawn(client.get(url(organization), {"department": "Finance"}))
    # The printable report draws every table: a drawing of its own.
    assert _sections_drawn(client.get(f"/o/{organization.slug}/dashboard/report/"))


def test_another_organisation_is_never_served_this_one_s_drawing(client_for, executive, organization):
    _programme_with_pairs(organization, 6)
    client_for(executive).get(url(organization))
    other = OrganizationFactory()
    with tenant_context(other):
        _programme_with_pairs(other, 6)
    response = client_for(member(other, "executive")).get(url(other))
    assert _sections_drawn(response)


def test_a_programme_renamed_is_offered_under_its_new_name_at_once(client_for, executive, organization):
    programme = _programme_with_pairs(organization, 6)
    client = client_for(executive)
    assert "Printemps" not in client.get(url(organization)).content.decode()
    with tenant_context(organization):
        programme.name = "Printemps numérique"
        programme.save()
    page = client.get(url(organization))
    assert f'<option value="{programme.pk}">Printemps numérique</option>' in page.content.decode()
