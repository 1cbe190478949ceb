"""The right of access: the "My data" page and the download of everything about the person."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.personal_data import personal_data
from organizations.tenancy import tenant_context, unscoped
from sessions.models import CalendarFeed
from tests.factories import AgendaItemFactory, PrivateNoteFactory, SessionFactory, in_days

from .conftest import OWN_ANSWER, OWN_NOTE, PARTNER_ANSWER, PARTNER_NOTE


def _download(client):
    response = client.get(reverse("my_data_download"))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("name", ["my_data", "my_data_download", "delete_account"])
def test_the_pages_need_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_account_menu_leads_to_my_data(client_for, world):
    page = client_for(world.person).get(reverse("preferences")).content.decode()
    assert f'href="{reverse("my_data")}"' in page


def test_the_page_says_what_is_kept_and_who_sees_it(client_for, world):
    page = client_for(world.person).get(reverse("my_data")).content.decode()
    assert "Your own private notes on sessions." in page
    assert "Your private notes: only you." in page
    assert reverse("my_data_download") in page
    assert reverse("delete_account") in page


def test_the_download_is_one_json_attachment(client_for, world):
    response = _download(client_for(world.person))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="binome-my-data-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "camille@acme.example"
    assert data["account"]["email_addresses"] == [
        {"email": "camille@acme.example", "verified": True, "primary": True}
    ]


def test_it_holds_the_persons_data_from_both_organisations(client_for, world):
    data = json.loads(_download(client_for(world.person)).content)
    acme, globex = data["organisations"]
    assert (acme["name"], globex["name"]) == ("Acme", "Globex")
    assert [role["role"] for role in acme["roles"]] == ["mentee"]
    assert [role["role"] for role in globex["roles"]] == ["mentor"]
    assert acme["programme_participations"][0]["programme"] == "Acme pilot"

    pair = acme["pairs"][0]
    assert pair["partner"] == "Bernard Dupont"
    assert pair["my_role"] == "mentee"
    assert pair["goals"][0]["title"] == "Be at ease on LinkedIn"
    assert pair["goals"][0]["progress"][0]["note"] == "Good start"
    held = pair["sessions"][0]
    assert held["status"] == "held"
    assert held["shared_notes"] == "We set up a LinkedIn profile"
    assert held["agenda"] == ["Profile photo"]
    assert held["action_items"][0]["title"] == "Post once a week"
    assert held["my_private_note"] == OWN_NOTE
    assert pair["sessions"][1]["my_private_note"] is None

    response = acme["survey_responses"][0]
    assert {answer["text"] for answer in response["answers"]} >= {OWN_ANSWER}
    assert all(answer["shared_anonymously"] is False for answer in response["answers"])
    assert [n["subject"] for n in acme["notifications"]] == ["Tomorrow: your session"]
    assert len(acme["calendar_feeds"]) == 1

    assert globex["pairs"][0]["partner"] == "Gaston Lagaffe"
    assert globex["pairs"][0]["sessions"][0]["my_private_note"] == "Globex: Gaston is fast"


def test_it_never_holds_the_partners_private_note_answers_or_address(client_for, world):
    body = _download(client_for(world.person)).content.decode()
    assert OWN_NOTE in body and OWN_ANSWER in body
    for foreign in [
        PARTNER_NOTE,
        PARTNER_ANSWER,
        "Bernard's reminder",
        "bernard@acme.example",
        "gaston@globex",
    ]:
        assert foreign not in body


def test_the_partner_gets_their_own_data_and_not_the_persons(client_for, world):
    body = _download(client_for(world.acme_partner)).content.decode()
    assert PARTNER_NOTE in body and PARTNER_ANSWER in body
    assert OWN_NOTE not in body and OWN_ANSWER not in body
    assert "Globex" not in body


def test_the_calendar_feed_token_is_not_in_the_file(client_for, world):
    with unscoped("the test reads the person's feed token"):
        token = CalendarFeed.objects.get(user=world.person).token
    assert token not in _download(client_for(world.person)).content.decode()


def _sessions(organization, pair, count):
    with tenant_context(organization):
        for day in range(count):
            session = SessionFactory(organization=organization, pair=pair, starts_at=in_days(-20 - day))
            AgendaItemFactory(organization=organization, session=session)
            PrivateNoteFactory(organization=organization, session=session, author=pair.mentee.user)


def test_the_number_of_queries_does_not_grow_with_the_sessions(world, organization):
    _sessions(organization, world.acme_pair, 2)
    with CaptureQueriesContext(connection) as few:
        personal_data(user=world.person)
    _sessions(organization, world.acme_pair, 18)
    with CaptureQueriesContext(connection) as many:
        data = personal_data(user=world.person)
    assert len(data["organisations"][0]["pairs"][0]["sessions"]) == 22
    # One query per export piece (the directory's records, issue 14, the mentor outcomes and endorsements,
    # the cohort's attendance, the board report subscriptions).
    assert len(many.captured_queries) == len(few.captured_queries) <= 32
