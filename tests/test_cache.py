"""A Redis outage costs the rate limits their memory for a while, never a person their sign-in."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.notifications.smtp import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_away():
    """The production cache backend pointed at a port where nothing listens."""
    settings = {
        "default": {
            "BACKEND": "mentoring.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=settings):  # Django's test signals rebuild the cache handler
        yield caches["default"]


def test_reads_miss_and_writes_are_dropped_while_redis_is_away(redis_away, caplog):
    assert redis_away.get("counter", "default") == "default"
    assert redis_away.get_many(["a", "b"]) == {}
    assert redis_away.set("counter", 1) is None
    assert redis_away.add("counter", 1) is True
    assert redis_away.incr("counter", 3) == 3
    assert "cache unavailable" in caplog.text


def test_a_person_signs_in_while_redis_is_away(redis_away, client):
    user = UserFactory(email="lea@acme.example")

    page = client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})

    assert page.status_code == 200
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
