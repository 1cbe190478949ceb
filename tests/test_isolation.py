"""Organisation isolation, walked over every URL pattern of the project (introspected).

A member of Acme holding every role requests each URL of the project:
- under Globex's slug: 404, whatever the page;
- under Acme's slug but with Globex's objects in the URL: 403 or 404, never Globex's data;
- any other page: never Globex's data.
"""

import importlib
import pkgutil
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import tests
from organizations.roles import Role
from tests.factories import member

from . import isolation

ORG_KWARG = "org_slug"
FORBIDDEN_OR_MISSING = {403, 404, 405}


def _samples():
    samples = dict(isolation.SAMPLES)
    capability_urls = dict(isolation.CAPABILITY_URLS)
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            app_isolation = importlib.import_module(f"tests.{module.name}.isolation")
        except ModuleNotFoundError:
            continue
        samples.update(getattr(app_isolation, "SAMPLES", {}))
        capability_urls.update(getattr(app_isolation, "CAPABILITY_URLS", {}))
    return samples, capability_urls


def _walk(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if getattr(entry, "namespace", None) == "admin" or route.startswith("admin/"):
                yield route, "admin:index", ()
                continue
            yield from _walk(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.name, tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))


def _url(route, values):
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), route)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "")
    return "/" + path


ALL_ROUTES = sorted(set(_walk()))


def test_the_walk_finds_the_organisation_pages():
    assert any(ORG_KWARG in kwargs for _, _, kwargs in ALL_ROUTES)
    assert len(ALL_ROUTES) > 10


@pytest.fixture
def acme_member(organization):
    return member(organization, *Role.values, email="everything@acme.example")


@pytest.fixture
def foreign_values(other_organization):
    other_organization.name = f"Globex {isolation.FOREIGN_MARKER}"
    other_organization.save()
    member(other_organization, Role.HR_ADMIN, first_name=isolation.FOREIGN_MARKER)
    samples, _ = _samples()
    cache = {}

    def value(kwarg):
        if kwarg not in cache:
            if kwarg not in samples:
                pytest.fail(
                    f"The isolation test does not know how to make a '{kwarg}' of another organisation: "
                    "add it to SAMPLES in tests/<app>/isolation.py"
                )
            cache[kwarg] = samples[kwarg](other_organization)
        return cache[kwarg]

    return value


def _assert_nothing_leaks(response, url):
    body = response.content.decode(errors="replace")
    assert isolation.FOREIGN_MARKER not in body, f"{url} shows another organisation's data"
    assert response.status_code < 500, f"{url} answered {response.status_code}"


@pytest.mark.parametrize("route,name,kwargs", ALL_ROUTES, ids=[route for route, _, _ in ALL_ROUTES])
def test_a_member_of_another_organisation_gets_nothing(
    route, name, kwargs, client, acme_member, organization, other_organization, foreign_values
):
    _, capability_urls = _samples()
    if name in capability_urls:
        pytest.skip(f"secret-token URL, tested in {capability_urls[name]}")
    client.force_login(acme_member)
    object_kwargs = [kwarg for kwarg in kwargs if kwarg != ORG_KWARG]
    values = {kwarg: foreign_values(kwarg) for kwarg in object_kwargs}

    if ORG_KWARG in kwargs:
        foreign_url = _url(route, {**values, ORG_KWARG: other_organization.slug})
        for method in (client.get, client.post):
            response = method(foreign_url)
            assert response.status_code == 404, f"{method.__name__.upper()} {foreign_url}"
            _assert_nothing_leaks(response, foreign_url)

    own_url = _url(route, {**values, ORG_KWARG: organization.slug})
    for method in (client.get, client.post):
        response = method(own_url)
        _assert_nothing_leaks(response, own_url)
        if object_kwargs and ORG_KWARG in kwargs:
            assert response.status_code in FORBIDDEN_OR_MISSING, (
                f"{method.__name__.upper()} {own_url} answered {response.status_code} "
                "for another organisation's object"
            )


@pytest.mark.parametrize("how", ["by_hand", "import"])
def test_adding_a_member_of_another_organisation_shows_nothing_they_hold_there(
    how, client, acme_member, organization, other_organization
):
    """Acme's HR adds someone Globex knows: no Acme page shows Globex's names for them, nothing changes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from organizations.models import Person
    from organizations.tenancy import tenant_context
    from programmes.models import Participant
    from tests.factories import ProgrammeFactory

    marker = isolation.FOREIGN_MARKER
    foreign = member(
        other_organization, Role.MENTOR, email="shared@globex.example", first_name=marker, last_name=marker
    )
    programme = ProgrammeFactory(organization=organization, status="open")
    client.force_login(acme_member)
    base = f"/o/{organization.slug}/programmes/{programme.pk}/participants"
    if how == "by_hand":
        client.post(f"{base}/add/", {"email": foreign.email, "role": "mentee"})
    else:
        upload = SimpleUploadedFile(
            "people.csv", f"email,role\n{foreign.email},mentee\n".encode(), "text/csv"
        )
        preview = client.post(f"{base}/import/", {"file": upload})
        client.post(preview["Location"])
    with tenant_context(organization):
        participant = Participant.objects.get(programme=programme, user=foreign)
    values = {"programme_id": programme.pk, "participant_id": participant.pk, ORG_KWARG: organization.slug}
    _, capability_urls = _samples()
    walked = 0
    for route, name, kwargs in ALL_ROUTES:
        if ORG_KWARG not in kwargs or set(kwargs) - set(values) or name in capability_urls:
            continue
        page = _url(route, values)
        for suffix in ("", "?format=xlsx"):
            _assert_nothing_leaks(client.get(page + suffix), page + suffix)
        walked += 1
    assert walked > 10
    foreign.refresh_from_db()
    assert (foreign.first_name, foreign.last_name) == (marker, marker)
    with tenant_context(other_organization):
        assert Person.objects.get(user=foreign).last_name == marker
