import os

import pytest
from django.core.cache import cache

from organizations.access import organizations_of
from organizations.roles import Role
from organizations.tenancy import tenant_context
from tests.factories import OrganizationFactory, member

os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache (Redis in CI): no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Acme", slug="acme")


@pytest.fixture
def other_organization(db):
    return OrganizationFactory(name="Globex", slug="globex")


@pytest.fixture
def hr_admin(organization):
    return member(organization, Role.HR_ADMIN, email="hr@acme.example", first_name="Hélène", last_name="RH")


@pytest.fixture
def executive(organization):
    return member(organization, Role.EXECUTIVE, email="exec@acme.example")


@pytest.fixture
def mentor_user(organization):
    return member(organization, Role.MENTOR, email="mentor@acme.example")


@pytest.fixture
def mentee_user(organization):
    return member(organization, Role.MENTEE, email="mentee@acme.example")


@pytest.fixture
def outsider(other_organization):
    """An HR admin of another organisation: every attempt on Acme's data must fail."""
    return member(other_organization, Role.HR_ADMIN, email="hr@globex.example")


@pytest.fixture
def in_organization(organization):
    with tenant_context(organization):
        yield organization


@pytest.fixture
def client_for(client):
    def sign_in(user):
        client.force_login(user)
        # A signed-in person has landed in their organisation once, which the session records: query-count
        # pins then measure the page itself, not that one-off session write.
        first = organizations_of(user).first()
        if first is not None:
            session = client.session
            session["last_organization"] = first.slug
            session.save()
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Assertions read English; French is tested where it matters (translations, the browser)."""
    settings.LANGUAGE_CODE = "en"
