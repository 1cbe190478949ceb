"""Who gets in: bearer keys only, each scope on its endpoints, rate limits per key, errors as problems."""

import pytest

from api.models import ApiKey
from api.scopes import Scope
from api.throttling import ApiKeyRateThrottle
from organizations.tenancy import tenant_context

from .conftest import RESOURCES, KeyClient, issue_key, object_of

pytestmark = pytest.mark.django_db

ENDPOINTS = [(url, scope) for url, _detail, scope, _name in RESOURCES] + [
    ("/api/v1/figures/", Scope.READ_FIGURES)
]


def _assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    return body


@pytest.mark.parametrize("url,scope", ENDPOINTS)
def test_without_a_key_it_is_401(client, seeded, url, scope):
    response = client.get(url)
    _assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_hr_admin_without_a_key_is_401(client, hr_admin, seeded):
    client.force_login(hr_admin)
    _assert_problem(client.get("/api/v1/participants/"), 401)


@pytest.mark.parametrize("secret", ["bnm_not-a-key", "scim_something", "", "a b c"])
def test_a_wrong_key_is_401(seeded, secret):
    response = KeyClient().get("/api/v1/programmes/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    _assert_problem(response, 401)


def test_a_revoked_key_is_401(organization, seeded):
    secret = issue_key(organization)
    with tenant_context(organization):
        ApiKey.objects.get().revoke()
    _assert_problem(KeyClient(secret).get("/api/v1/programmes/"), 401)


@pytest.mark.parametrize("url,scope", ENDPOINTS)
def test_each_endpoint_needs_its_scope(organization, seeded, url, scope):
    others = [s for s in Scope if s != scope]
    without = KeyClient(issue_key(organization, scopes=others, name="without"))
    body = _assert_problem(without.get(url), 403)
    assert str(scope) in body["detail"]
    with_it = KeyClient(issue_key(organization, scopes=[scope], name="with"))
    assert with_it.get(url).status_code == 200


@pytest.mark.parametrize("url,scope", [(d, s) for _l, d, s, _n in RESOURCES])
def test_each_detail_needs_its_scope(organization, seeded, url, scope):
    name = next(n for _l, d, _s, n in RESOURCES if d == url)
    path = url.format(id=object_of(seeded, name).pk)
    others = [s for s in Scope if s != scope]
    _assert_problem(KeyClient(issue_key(organization, scopes=others, name="without")).get(path), 403)
    assert KeyClient(issue_key(organization, scopes=[scope], name="with")).get(path).status_code == 200


def test_writing_participants_needs_the_write_scope(organization, seeded):
    reader = KeyClient(issue_key(organization, scopes=[Scope.READ_PARTICIPANTS]))
    body = {"programme": seeded["programme"].pk, "email": "new@acme.example", "role": "mentee"}
    _assert_problem(reader.post("/api/v1/participants/", body, content_type="application/json"), 403)
    path = f"/api/v1/participants/{seeded['mentee'].pk}/"
    _assert_problem(reader.patch(path, {"department": "X"}, content_type="application/json"), 403)


def test_a_key_over_its_rate_gets_a_429_problem_with_retry_after(monkeypatch, organization, seeded):
    monkeypatch.setattr(ApiKeyRateThrottle, "rate", "3/minute", raising=False)
    api = KeyClient(issue_key(organization))
    for _ in range(3):
        assert api.get("/api/v1/programmes/").status_code == 200
    response = api.get("/api/v1/programmes/")
    body = _assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0
    assert body["retry_after"] > 0


def test_the_rate_is_counted_per_key(monkeypatch, organization, seeded):
    monkeypatch.setattr(ApiKeyRateThrottle, "rate", "2/minute", raising=False)
    first, second = KeyClient(issue_key(organization, name="a")), KeyClient(issue_key(organization, name="b"))
    for _ in range(2):
        first.get("/api/v1/programmes/")
    assert first.get("/api/v1/programmes/").status_code == 429
    assert second.get("/api/v1/programmes/").status_code == 200


def test_an_unknown_api_address_is_a_404_problem(api):
    _assert_problem(api.get("/api/v1/nothing-here/"), 404)
    _assert_problem(api.get("/api/v1/pairs/abc/"), 404)


def test_a_method_the_endpoint_does_not_take_is_a_405_problem(api, seeded):
    _assert_problem(api.delete(f"/api/v1/pairs/{seeded['pair'].pk}/"), 405)


def test_a_body_that_is_not_json_is_a_problem(api, seeded):
    response = api.post("/api/v1/participants/", "{not json", content_type="application/json")
    _assert_problem(response, 400)
    response = api.post("/api/v1/participants/", "a=b", content_type="application/x-www-form-urlencoded")
    _assert_problem(response, 415)


def test_using_a_key_notes_when_it_was_last_used(organization, seeded):
    secret = issue_key(organization)
    KeyClient(secret).get("/api/v1/programmes/")
    with tenant_context(organization):
        assert ApiKey.objects.get().last_used_at is not None


def test_a_request_runs_in_the_keys_organisation_only(organization, other_organization, seeded, foreign):
    acme = KeyClient(issue_key(organization)).get("/api/v1/programmes/").json()["results"]
    globex = KeyClient(issue_key(other_organization)).get("/api/v1/programmes/").json()["results"]
    assert [row["id"] for row in acme] == [seeded["programme"].pk]
    assert [row["id"] for row in globex] == [foreign["programme"].pk]
