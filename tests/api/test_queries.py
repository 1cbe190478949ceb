"""Every list costs the same number of queries whatever its page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import RESOURCES, seed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [url for url, _d, _s, _n in RESOURCES])
def test_a_lists_queries_do_not_grow_with_its_page(api, organization, url):
    for number in range(4):
        seed(organization, marker=f"{number} ")
    counts = []
    for size in (2, 4):
        api.get(url, {"page_size": size})  # the key's last use is written once, not on every page
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url, {"page_size": size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_participants_page_is_one_query_after_the_key(api, organization, django_assert_num_queries):
    seed(organization)
    api.get("/api/v1/participants/")
    # The key (with its organisation) and the page.
    with django_assert_num_queries(2):
        api.get("/api/v1/participants/", {"page_size": 2})
