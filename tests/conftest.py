import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import override_settings

from mentoring import fragments
from organizations.access import organizations_of
from organizations.roles import Role
from organizations.tenancy import tenant_context
from tests.factories import OrganizationFactory, member

os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


def _worker_index():
    """0, 1, ... for pytest-xdist's workers gw0, gw1, ...; None in a serial run."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else None


def _worker_caches(index):
    """A Redis database of its own for each xdist worker: clearing the cache flushes the whole database.

    Worker gw0 keeps REDIS_URL's database (CI: 15), gw1 the one below it, and so on.
    """
    caches = django_settings.CACHES
    location = caches["default"].get("LOCATION", "")
    if index is None or not str(location).startswith("redis"):
        return None  # serial, or an in-memory cache, which is already each process's own
    parts = urlsplit(location)
    base = int(parts.path.strip("/") or 0)
    location = urlunsplit(parts._replace(path=f"/{(base - index) % 16}"))
    return {**caches, "default": {**caches["default"], "LOCATION": location}}


@pytest.fixture(scope="session", autouse=True)
def _suite_settings():
    """Settings for the test run only, never production's.

    Passwords are hashed with MD5: the suite creates thousands of people, and the slow default hasher
    would cost most of its time (accounts/test_password_hashing.py checks what production uses).
    The test identity providers run on 127.0.0.1, which production refuses to fetch from
    (tests/accounts/test_sso_outbound.py turns the refusal back on).
    Pages' content is kept (organizations/pagecache.py) whatever the cache, as in production, so that every
    test that writes and then reads a page checks that the write reached what was kept.
    """
    overrides = {
        "PASSWORD_HASHERS": [FAST_HASHER],
        "SSO_ALLOW_PRIVATE_NETWORKS": True,
        "PAGE_CACHE": True,
    }
    caches = _worker_caches(_worker_index())
    if caches:
        overrides["CACHES"] = caches
    with override_settings(**overrides):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache (Redis in CI): no test inherits another's; nor the layout's
    fragments rendered once per process (mentoring/fragments.py)."""
    cache.clear()
    fragments.clear()
    yield
    cache.clear()
    fragments.clear()


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


@pytest.fixture(scope="session")
def oidc_idp():
    """A real OpenID Connect provider (npm oidc-provider) on 127.0.0.1, for the whole run."""
    from tests.idp.oidc import OIDCProvider

    if not OIDCProvider.available():
        if os.environ.get("CI") or os.environ.get("E2E_REQUIRED"):
            pytest.fail("the OIDC provider needs node and `npm ci` (package.json)")
        pytest.skip("the OIDC provider needs node and `npm ci`")
    provider = OIDCProvider.start()
    yield provider
    provider.stop()


# SAML 2.0: one real IdP (pysaml2) for the whole run, made fresh for each test that asks for it.
@pytest.fixture(scope="session")
def _saml_idp_server():
    import shutil

    if shutil.which("xmlsec1") is None:
        message = "xmlsec1 not found: apt-get install xmlsec1 (pysaml2's IdP signs with it)"
        if os.environ.get("CI") or os.environ.get("E2E_REQUIRED"):
            pytest.fail(message)
        pytest.skip(message)
    from tests.idp.saml import start_idp

    idp = start_idp()
    yield idp
    idp.stop()


@pytest.fixture
def saml_idp(_saml_idp_server):
    """A SAML 2.0 IdP on 127.0.0.1 with no users and no trusted SP: the test adds them."""
    _saml_idp_server.reset()
    yield _saml_idp_server
    _saml_idp_server.reset()
