"""Which writes replace which generations of kept pages (organizations/pagecache.py)."""

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from organizations import pagecache
from organizations.models import Person
from organizations.roles import Role
from organizations.tenancy import tenant_context, unscoped
from pairing.models import Pair
from sessions.models import Session
from tests.factories import OrganizationFactory, member
from tests.factories.pairing import PairFactory
from tests.factories.programmes import ProgrammeFactory
from tests.factories.sessions import ActionItemFactory, SessionFactory, in_days


@pytest.fixture
def pairs_of_two_organizations(organization, other_organization):
    made = {}
    for org in (organization, other_organization):
        with tenant_context(org):
            programme = ProgrammeFactory(organization=org)
            made[org.pk] = [PairFactory(organization=org, programme=programme) for _ in range(2)]
    return made


@pytest.fixture
def scopes_written(monkeypatch):
    """``changed_by(write)``: the scopes that the statements of ``write()`` mark as changed.

    Read where the statements are seen: within the test's transaction, a scope marked twice with nothing
    kept in between is bumped once only (the commit bumps it again)."""

    def changed_by(write):
        marked = set()
        real = pagecache._written
        monkeypatch.setattr(
            pagecache, "_written", lambda db, scopes: (marked.update(scopes), real(db, scopes))
        )
        try:
            write()
        finally:
            monkeypatch.setattr(pagecache, "_written", real)
        return marked

    return changed_by


def test_a_rows_own_save_replaces_its_pair_and_nothing_of_other_pairs(
    scopes_written, organization, pairs_of_two_organizations
):
    pair, other_pair = pairs_of_two_organizations[organization.pk]

    def plan_a_session():
        with tenant_context(organization):
            SessionFactory(organization=organization, pair=pair, starts_at=in_days(3))

    changed = scopes_written(plan_a_session)
    assert changed == {pagecache.pair(organization.pk, pair.pk), pagecache.pairs(organization.pk)}

    def move_it():
        with tenant_context(organization):
            planned = Session.objects.get(pair=pair)
            planned.starts_at = in_days(4)
            planned.save()

    assert scopes_written(move_it) == {
        pagecache.pair(organization.pk, pair.pk),
        pagecache.pairs(organization.pk),
    }


def test_a_bulk_update_replaces_its_whole_organisation_and_no_other(
    scopes_written, organization, other_organization, pairs_of_two_organizations
):
    # No signal is sent for update(): the statement itself is what is seen.
    def end_every_pair():
        with tenant_context(organization):
            Pair.objects.update(status=Pair.Status.ENDED)

    assert scopes_written(end_every_pair) == {pagecache.organization(organization.pk)}


def test_raw_sql_and_writes_outside_any_organisation_replace_everything(
    scopes_written, organization, pairs_of_two_organizations
):
    pair = pairs_of_two_organizations[organization.pk][0]
    table = Pair._meta.db_table

    def raw_update():
        with tenant_context(organization), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET score = 7 WHERE id = %s", [pair.pk])

    assert scopes_written(raw_update) == {pagecache.organization(organization.pk)}

    def unscoped_update():
        with unscoped("a test writes across organisations"):
            Pair.objects.filter(pk=pair.pk).update(score=8)

    assert scopes_written(unscoped_update) == {pagecache.GLOBAL}


def test_an_organisations_records_of_people_replace_that_organisation_only(
    scopes_written, organization, pairs_of_two_organizations
):
    pair = pairs_of_two_organizations[organization.pk][0]

    def rename():
        with tenant_context(organization):
            person = Person.objects.get(user=pair.mentor.user)
            person.first_name = "Renamed"
            person.save()

    assert scopes_written(rename) == {pagecache.organization(organization.pk)}


def test_a_new_account_replaces_nothing_until_a_tenant_row_names_it(scopes_written, organization):
    from accounts.models import User

    assert scopes_written(lambda: User.objects.create_user("new@acme.example", "a long passphrase")) == set()
    assert scopes_written(lambda: OrganizationFactory(slug="newcomer")) == set()


def test_signing_in_replaces_nothing_and_an_accounts_name_replaces_everything(
    scopes_written, organization, pairs_of_two_organizations
):
    user = pairs_of_two_organizations[organization.pk][0].mentor.user

    def sign_in():
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])

    assert scopes_written(sign_in) == set()

    def rename_the_account():
        user.first_name = "Someone"
        user.save()

    assert scopes_written(rename_the_account) == {pagecache.GLOBAL}


@pytest.mark.django_db(transaction=True)
def test_a_transaction_replaces_its_scopes_at_the_write_and_again_at_its_commit(monkeypatch):
    organization = OrganizationFactory(slug="committed")
    with tenant_context(organization):
        pair = PairFactory(organization=organization, programme=ProgrammeFactory(organization=organization))
    scope = pagecache.pair(organization.pk, pair.pk)
    bumps = []
    real_bump = pagecache.bump
    # The pair's bumps only (the dashboard's signals bump their own scope too).
    monkeypatch.setattr(
        pagecache, "bump", lambda scopes: (scope in scopes and bumps.append(set(scopes)), real_bump(scopes))
    )
    before = pagecache.generations([scope])
    with transaction.atomic(), tenant_context(organization):
        for days in (3, 10, 17):
            SessionFactory(organization=organization, pair=pair, starts_at=in_days(days))
        at_the_write = pagecache.generations([scope])
        assert at_the_write != before
        # Three rows, one bump: nothing was kept in between for the next two to make stale.
        assert len(bumps) == 1
    # And again at the commit: a reader that read the rows before it may have kept them meanwhile.
    assert len(bumps) == 2 and scope in bumps[1]
    assert pagecache.generations([scope]) not in (before, at_the_write)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_owes_no_bump_at_commit(monkeypatch):
    organization = OrganizationFactory(slug="rolled-back")
    with tenant_context(organization):
        pair = PairFactory(organization=organization, programme=ProgrammeFactory(organization=organization))
    bumps = []
    scope = pagecache.pair(organization.pk, pair.pk)
    # The pair's bumps only (the dashboard's signals bump their own scope too).
    monkeypatch.setattr(pagecache, "bump", lambda scopes: scope in scopes and bumps.append(set(scopes)))
    with pytest.raises(RuntimeError), transaction.atomic(), tenant_context(organization):
        SessionFactory(organization=organization, pair=pair, starts_at=in_days(3))
        raise RuntimeError
    assert len(bumps) == 1  # at the write only
    with transaction.atomic(), tenant_context(organization):
        SessionFactory(organization=organization, pair=pair, starts_at=in_days(4))
    assert len(bumps) == 3  # a new transaction: at its write, and at its commit


def test_a_write_after_something_was_kept_in_the_same_transaction_bumps_again(
    organization, pairs_of_two_organizations, client_for
):
    # The test's own transaction never commits: its reads see its writes, and must not be served
    # what was kept before them.
    pair = pairs_of_two_organizations[organization.pk][0]
    client = client_for(pair.mentor.user)
    url = reverse("pair_space", kwargs={"org_slug": organization.slug, "pair_id": pair.pk})
    for title in ("First action", "Second action"):
        with tenant_context(organization):
            ActionItemFactory(organization=organization, pair=pair, title=title, owner=pair.mentor.user)
        assert title in client.get(url).content.decode()


def test_a_missing_generation_is_made_anew_never_assumed(organization):
    scope = pagecache.organization(organization.pk)
    first = pagecache.generations([scope])
    from django.core.cache import cache

    cache.delete(pagecache._generation_key(scope))
    assert pagecache.generations([scope]) != first


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT 1",
        "  select * from pairing_pair",
        "SAVEPOINT s1",
        "WITH t AS (SELECT 1) SELECT * FROM t",
    ],
)
def test_reads_replace_nothing(statement):
    assert pagecache.scopes_written(statement) == ()


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE pairing_pair",
        "ALTER TABLE pairing_pair ADD COLUMN x int",
        "WITH gone AS (DELETE FROM pairing_pair RETURNING id) SELECT count(*) FROM gone",
        'INSERT INTO "a_table_no_model_has" VALUES (1)',
    ],
)
def test_writes_whose_rows_are_unknown_replace_everything(statement):
    assert pagecache.scopes_written(statement) == (pagecache.GLOBAL,)


def test_tables_no_kept_page_shows_are_named_models():
    # Each with its reason beside it in NOT_SHOWN; a model not listed is a source of every kept page.
    labels = {model._meta.label for model in apps.get_models(include_auto_created=True)}
    assert pagecache.NOT_SHOWN <= labels
    assert pagecache.scopes_written('INSERT INTO "django_session" VALUES (1)') == ()


def test_opening_pages_writes_nothing_that_replaces_kept_pages(client_for, organization, django_db_setup):
    # Otherwise every page seen would empty what was kept for the next one.
    hr = member(organization, Role.HR_ADMIN, email="reader-hr@acme.example")
    executive = member(organization, Role.EXECUTIVE, email="reader-exec@acme.example")
    with tenant_context(organization):
        programme = ProgrammeFactory(organization=organization)
        pair = PairFactory(organization=organization, programme=programme)
        SessionFactory(organization=organization, pair=pair, starts_at=in_days(2))
    pages = [
        (pair.mentor.user, reverse("pair_space", kwargs={"org_slug": organization.slug, "pair_id": pair.pk})),
        (
            hr,
            reverse("participant_list", kwargs={"org_slug": organization.slug, "programme_id": programme.pk}),
        ),
        (executive, reverse("dashboard", kwargs={"org_slug": organization.slug})),
        (pair.mentee.user, reverse("organization_home", kwargs={"org_slug": organization.slug})),
    ]
    scopes = [pagecache.organization(organization.pk), pagecache.pair(organization.pk, pair.pk)]
    for user, url in pages:
        client = client_for(user)
        client.get(url)
        before = pagecache.generations(scopes)
        assert client.get(url).status_code == 200
        assert pagecache.generations(scopes) == before, url


def test_another_organisations_writes_leave_this_ones_kept_pages(organization):
    elsewhere = OrganizationFactory(slug="elsewhere")
    scope = pagecache.organization(organization.pk)
    before = pagecache.generations([scope])
    with tenant_context(elsewhere):
        ProgrammeFactory(organization=elsewhere)
    assert pagecache.generations([scope]) == before


WRITER = """
import django, sys
django.setup()
from organizations.models import Organization
from organizations.tenancy import tenant_context
from pairing.models import Pair
organization = Organization.objects.get(pk=int(sys.argv[1]))
with tenant_context(organization):
    Pair.objects.filter(pk=int(sys.argv[2])).update(status=Pair.Status.ENDED)
"""


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_another_process_s_bulk_write_reaches_the_page_kept_here(client_for, tmp_path):
    # What a Celery worker does: its own connection, its own execute wrapper, the same Redis.
    import os
    import subprocess
    import sys

    from tests.notifications.test_worker import ROOT, _database_url, _redis_url

    environment = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": _redis_url()}
    organization = OrganizationFactory(slug="across")
    with tenant_context(organization):
        pair = PairFactory(organization=organization, programme=ProgrammeFactory(organization=organization))
    client = client_for(pair.mentor.user)
    url = reverse("pair_space", kwargs={"org_slug": organization.slug, "pair_id": pair.pk})
    assert "This pair has ended" not in client.get(url).content.decode()
    assert "This pair has ended" not in client.get(url).content.decode()  # served from what was kept
    subprocess.run(
        [sys.executable, "-c", WRITER, str(organization.pk), str(pair.pk)],
        cwd=ROOT,
        env=environment,
        check=True,
        timeout=120,
    )
    assert "This pair has ended" in client.get(url).content.decode()
