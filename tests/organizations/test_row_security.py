"""PostgreSQL's row-level security: the database refuses another organisation's rows by itself.

These tests read and write with raw SQL (``connection.cursor()``), which the tenant manager never sees:
what they prove is the database's wall. They need PostgreSQL, connected as a role that row security
applies to (not a superuser: docs/row-security.md); `.ci/run` connects as ``binome_app``.
"""

import logging
import os
import threading

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.roles import Role
from organizations.row_security import POLICY, apply_policies, protected_tables, tables_without_policy
from organizations.tenancy import BYPASSES, tenant_context, tenant_models, unscoped
from programmes.models import Programme
from tests.factories import ObjectiveFactory, OrganizationFactory, ProgrammeFactory, member


def _subject_to_row_security():
    if connection.vendor != "postgresql":
        return False, "row-level security is PostgreSQL's; SQLite, the local default, runs without it"
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        (bypasses,) = cursor.fetchone()
    if bypasses:
        return False, (
            "connected as a superuser (or BYPASSRLS role), which row security never applies to: "
            "connect as the application's role (DATABASE_URL, with DATABASE_OWNER_URL for the owner)"
        )
    return True, ""


@pytest.fixture(autouse=True)
def _postgresql_under_row_security(db):
    subject, why = _subject_to_row_security()
    if not subject:
        if os.environ.get("ROW_SECURITY_REQUIRED"):
            pytest.fail(why)
        pytest.skip(why)


def _programme_organizations():
    with connection.cursor() as cursor:
        cursor.execute("SELECT organization_id FROM programmes_programme ORDER BY organization_id")
        return [organization_id for (organization_id,) in cursor.fetchall()]


@pytest.fixture
def acme_and_globex(organization, other_organization):
    ProgrammeFactory(organization=organization)
    ProgrammeFactory(organization=other_organization)
    return organization, other_organization


def test_raw_sql_outside_a_tenant_context_sees_no_tenant_row(acme_and_globex, hr_admin):
    assert _programme_organizations() == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM organizations_membership")
        assert cursor.fetchone() == (0,)


def test_raw_sql_inside_an_organization_sees_none_of_anothers(acme_and_globex):
    acme, globex = acme_and_globex
    with tenant_context(acme):
        assert _programme_organizations() == [acme.pk]
    with tenant_context(globex):
        assert _programme_organizations() == [globex.pk]


def test_a_many_to_many_link_is_seen_only_with_both_of_its_rows(acme_and_globex):
    acme, _globex = acme_and_globex
    with tenant_context(acme):
        programme = ProgrammeFactory(organization=acme)
        programme.objectives.add(ObjectiveFactory(organization=acme))
    sql = "SELECT count(*) FROM programmes_programme_objectives"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        assert cursor.fetchone() == (0,)
        with tenant_context(acme):
            cursor.execute(sql)
            assert cursor.fetchone() == (1,)


def test_writing_a_row_for_another_organization_is_refused(acme_and_globex):
    acme, globex = acme_and_globex
    with tenant_context(acme), connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            cursor.execute(
                "INSERT INTO programmes_skill (organization_id, name, name_en) VALUES (%s, 'Leak', '')",
                [globex.pk],
            )
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            cursor.execute("UPDATE programmes_programme SET organization_id = %s", [globex.pk])
    with tenant_context(globex):
        assert _programme_organizations() == [globex.pk]


def test_another_organizations_rows_cannot_be_changed_or_deleted_from_inside_one(acme_and_globex):
    acme, globex = acme_and_globex
    with tenant_context(acme), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE programmes_programme SET name = 'Renamed' WHERE organization_id = %s", [globex.pk]
        )
        assert cursor.rowcount == 0
        cursor.execute("DELETE FROM programmes_programme WHERE organization_id = %s", [globex.pk])
        assert cursor.rowcount == 0
    with tenant_context(globex):
        assert _programme_organizations() == [globex.pk]


def test_unscoped_sees_every_organization_and_the_bypass_is_recorded(acme_and_globex, caplog):
    acme, globex = acme_and_globex
    before = BYPASSES["the test reads every organisation"]
    with caplog.at_level(logging.INFO, logger="organizations.row_security"):
        with unscoped("the test reads every organisation"):
            assert _programme_organizations() == sorted([acme.pk, globex.pk])
    assert BYPASSES["the test reads every organisation"] == before + 1
    (record,) = [r for r in caplog.records if getattr(r, "event", None) == "row_security_bypass"]
    assert record.reason == "the test reads every organisation"
    assert _programme_organizations() == []


def test_a_tenant_context_inside_unscoped_is_scoped_again(acme_and_globex):
    acme, _globex = acme_and_globex
    with unscoped("the test reads every organisation"), tenant_context(acme):
        assert _programme_organizations() == [acme.pk]


def test_the_scope_does_not_outlive_a_request_on_the_same_connection(acme_and_globex, client_for):
    acme, _globex = acme_and_globex
    hr = member(acme, Role.HR_ADMIN)
    response = client_for(hr).get(reverse("programme_list", kwargs={"org_slug": acme.slug}))
    assert response.status_code == 200
    assert _programme_organizations() == []


def test_the_scope_does_not_outlive_a_task_on_the_same_connection(acme_and_globex):
    from notifications.tasks import plan_organization

    acme, _globex = acme_and_globex
    plan_organization.delay(acme.pk)
    assert _programme_organizations() == []


def test_a_rolled_back_savepoint_does_not_leave_a_stale_scope(acme_and_globex):
    acme, globex = acme_and_globex
    with tenant_context(acme):
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            assert _programme_organizations() == [acme.pk]
            1 / 0  # noqa: B018
        # The rollback undid the set_config made inside it: the next statement must send its scope again.
        assert _programme_organizations() == [acme.pk]
    with tenant_context(globex):
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            assert _programme_organizations() == [globex.pk]
            1 / 0  # noqa: B018
    assert _programme_organizations() == []


@pytest.mark.django_db(transaction=True)
def test_threads_never_share_a_scope():
    acme = OrganizationFactory(slug="acme-threads")
    globex = OrganizationFactory(slug="globex-threads")
    ProgrammeFactory(organization=acme)
    ProgrammeFactory(organization=globex)
    inside = threading.Barrier(2)
    seen = {}

    def read(name, organization):
        try:
            if organization is None:
                inside.wait(timeout=10)
                seen[name] = _programme_organizations()
                inside.wait(timeout=10)
            else:
                with tenant_context(organization):
                    seen[name] = _programme_organizations()
                    inside.wait(timeout=10)  # holds its scope while the other thread reads
                    inside.wait(timeout=10)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=read, args=("acme", acme)),
        threading.Thread(target=read, args=("none", None)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert seen == {"acme": [acme.pk], "none": []}
    with tenant_context(globex):
        assert _programme_organizations() == [globex.pk]


def test_every_tenant_table_has_the_policy():
    assert tables_without_policy(connection) == []


def test_every_tenant_model_and_each_of_its_automatic_links_is_protected():
    tables = protected_tables(connection)
    assert {model._meta.db_table for model in tenant_models()} <= set(tables)
    assert {"programmes_programme_objectives", "mentoring_sessions_goal_skills"} <= set(tables)


def test_every_table_with_an_organization_id_is_protected():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'organization_id'"
        )
        with_organization = {name for (name,) in cursor.fetchall()}
        cursor.execute(
            "SELECT tablename FROM pg_policies WHERE schemaname = current_schema() AND policyname = %s",
            [POLICY],
        )
        with_policy = {name for (name,) in cursor.fetchall()}
    assert with_organization
    assert with_organization - with_policy == set()


def test_the_policy_reads_its_settings_once_per_statement_not_once_per_row(acme_and_globex):
    # Bare current_setting() calls in the policy ran for every row a scan read, twice, and doubled the
    # cost of the dashboard's scans; in sub-selects they run once, before the scan (InitPlans).
    with connection.cursor() as cursor, tenant_context(acme_and_globex[0]):
        cursor.execute("EXPLAIN (COSTS OFF) SELECT id FROM programmes_programme WHERE name <> ''")
        plan = [line for (line,) in cursor.fetchall()]
    row_filters = [line for line in plan if "Filter:" in line]
    assert row_filters and not any("current_setting" in line for line in row_filters), plan
    assert sum("InitPlan" in line for line in plan) == 2, plan


def test_applying_the_policies_again_changes_nothing():
    assert apply_policies(connection) == []


def test_the_application_role_owns_no_table():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"
        )
        assert cursor.fetchall() == []


def test_a_page_costs_a_few_scope_statements_not_one_per_query(organization, client_for):
    from tests.factories import PairFactory

    with tenant_context(organization):
        pair = PairFactory(organization=organization)
        mentor = pair.mentor.user
    client = client_for(mentor)
    url = reverse("pair_space", kwargs={"org_slug": organization.slug, "pair_id": pair.pk})
    assert client.get(url).status_code == 200
    cache.clear()  # the page drawn from its rows, not served from what was kept (organizations/pagecache.py)
    before = connection.scope_statements
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sent = connection.scope_statements - before
    # Out of the last request's organisation for the session, into the bypass that reads the person's own
    # memberships (roles and switcher at once), into the organisation: never one per query.
    assert sent <= 3 < len(queries.captured_queries)


def test_a_queryset_keeping_its_scope_reads_in_it_wherever_it_is_evaluated(acme_and_globex):
    from organizations.models import Organization
    from organizations.tenancy import keeping_scope

    acme, globex = acme_and_globex
    with unscoped("the test reads every organisation"):
        with_programmes = Organization.objects.filter(
            pk__in=Programme.objects.values("organization_id")
        ).order_by("pk")
        kept = keeping_scope(with_programmes)
    assert list(with_programmes) == []
    assert list(kept) == [acme, globex]
    assert kept.filter(pk=globex.pk).count() == 1


def test_a_rows_own_refresh_and_save_run_in_its_organization(acme_and_globex):
    acme, globex = acme_and_globex
    with tenant_context(acme):
        programme = Programme.objects.get()
    programme.name = "Renamed outside any scope"
    programme.save()
    programme.refresh_from_db()
    assert programme.name == "Renamed outside any scope"
    with tenant_context(globex), pytest.raises(Programme.DoesNotExist):
        programme.refresh_from_db()
    assert _programme_organizations() == []


def test_a_rows_foreign_keys_load_in_its_organization_outside_any_scope(acme_and_globex):
    from pairing.models import Pair
    from tests.factories import PairFactory

    acme, globex = acme_and_globex
    with tenant_context(acme):
        PairFactory(organization=acme)
        pair = Pair.objects.get()  # its mentor is not loaded yet
    assert pair.mentor.programme_id == pair.programme_id
    with tenant_context(globex):
        pair = Pair.objects.model._base_manager.filter(pk=pair.pk).first()
    assert pair is None, "inside another organisation, the row itself is out of reach"
