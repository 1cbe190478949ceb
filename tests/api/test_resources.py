"""Every read endpoint: what it shows, what it never shows, and that ids of another organisation are 404."""

import pytest

from tests.isolation import FOREIGN_MARKER

from .conftest import PRIVATE_MARKER, RESOURCES, KeyClient, issue_key, object_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("list_url,detail_url,scope,name", RESOURCES)
def test_each_list_and_detail_shows_the_organisations_object(api, seeded, list_url, detail_url, scope, name):
    obj = object_of(seeded, name)
    listed = api.get(list_url)
    assert listed.status_code == 200
    assert obj.pk in [row["id"] for row in listed.json()["results"]]
    detail = api.get(detail_url.format(id=obj.pk))
    assert detail.status_code == 200
    assert detail["Content-Type"] == "application/json"
    assert detail.json()["id"] == obj.pk


@pytest.mark.parametrize("list_url,detail_url,scope,name", RESOURCES)
def test_another_organisations_ids_are_not_found(api, seeded, foreign, list_url, detail_url, scope, name):
    response = api.get(detail_url.format(id=object_of(foreign, name).pk))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404
    assert FOREIGN_MARKER not in response.content.decode()


@pytest.mark.parametrize("list_url,detail_url,scope,name", RESOURCES)
def test_another_organisations_key_lists_none_of_its_rows(
    other_organization, seeded, foreign, list_url, detail_url, scope, name
):
    api = KeyClient(issue_key(other_organization))
    ids = [row["id"] for row in api.get(list_url).json()["results"]]
    assert object_of(seeded, name).pk not in ids
    assert object_of(foreign, name).pk in ids
    assert api.get(detail_url.format(id=object_of(seeded, name).pk)).status_code == 404


def test_no_response_holds_a_pairs_private_words(api, seeded):
    bodies = []
    for list_url, detail_url, _scope, name in RESOURCES:
        bodies.append(api.get(list_url).content.decode())
        bodies.append(api.get(detail_url.format(id=object_of(seeded, name).pk)).content.decode())
    bodies.append(api.get("/api/v1/figures/").content.decode())
    assert all(PRIVATE_MARKER not in body for body in bodies)


def test_a_session_has_dates_and_status_only(api, seeded):
    session = seeded["sessions"][0]
    assert set(api.get(f"/api/v1/sessions/{session.pk}/").json()) == {
        "id",
        "pair",
        "programme",
        "starts_at",
        "duration_minutes",
        "status",
        "cancelled_at",
        "logged_at",
    }


def test_a_pair_is_metadata(api, seeded):
    pair = api.get(f"/api/v1/pairs/{seeded['pair'].pk}/").json()
    assert pair["mentor"] == seeded["mentor"].pk
    assert pair["mentee"] == seeded["mentee"].pk
    assert pair["status"] == "active"
    assert "end_reason" not in pair and "score" not in pair


def test_a_goal_gives_its_progress_counts_not_its_title(api, seeded):
    goal = api.get(f"/api/v1/goals/{seeded['goal'].pk}/").json()
    assert goal["progress_points"] == 1
    assert goal["latest_percent"] == 60  # level 3 of 5, as the goal page shows it
    assert "title" not in goal


def test_a_participant_shows_the_organisations_record(api, seeded):
    mentee = seeded["mentee"]
    row = api.get(f"/api/v1/participants/{mentee.pk}/").json()
    assert row["email"] == mentee.user.email
    assert row["role"] == "mentee"
    assert row["department"] == "Finance"
    assert "hopes" not in row


def test_a_programme_counts_its_enrolled_participants_and_active_pairs(api, seeded):
    row = api.get(f"/api/v1/programmes/{seeded['programme'].pk}/").json()
    assert row["participants_enrolled"] == 2
    assert row["pairs_active"] == 1


def test_lists_filter_by_programme(api, seeded, organization):
    other = __import__("tests.api.conftest", fromlist=["seed"]).seed(organization, marker="Second ")
    for url in ("/api/v1/participants/", "/api/v1/pairs/", "/api/v1/sessions/", "/api/v1/goals/"):
        rows = api.get(url, {"programme": other["programme"].pk}).json()["results"]
        assert rows and all(row["programme"] == other["programme"].pk for row in rows), url


def test_sessions_filter_by_the_day_they_start(api, seeded):
    held, upcoming = seeded["sessions"]
    day = upcoming.starts_at.date().isoformat()
    rows = api.get("/api/v1/sessions/", {"date_from": day, "date_to": day}).json()["results"]
    assert [row["id"] for row in rows] == [upcoming.pk]


def test_programmes_filter_by_the_period_they_run_in(api, seeded):
    assert api.get("/api/v1/programmes/", {"date_to": "2025-12-31"}).json()["results"] == []
    rows = api.get("/api/v1/programmes/", {"date_from": "2026-03-01", "date_to": "2026-03-31"}).json()
    assert [row["id"] for row in rows["results"]] == [seeded["programme"].pk]


def test_a_period_that_ends_before_it_starts_lists_nothing(api, seeded):
    response = api.get("/api/v1/sessions/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_malformed_filter_is_a_validation_problem(api, seeded):
    response = api.get("/api/v1/pairs/", {"programme": "abc", "status": "nope"})
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"programme", "status"}
    assert body["type"] == "about:blank" and body["title"] == "Bad Request"


def test_cursor_pages_walk_every_row_once(api, organization):
    from .conftest import seed

    for number in range(3):
        seed(organization, marker=f"{number} ")
    seen, url = [], "/api/v1/participants/?page_size=2"
    while url:
        page = api.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert len(seen) == 6 and len(set(seen)) == 6
    assert seen == sorted(seen)
