import zoneinfo
from datetime import datetime

from tests.factories import InvitationFactory


def test_the_health_check_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_the_home_page_explains_binome_to_a_visitor(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "reverse-mentoring" in response.content.decode()


def test_dates_show_in_the_signed_in_persons_time_zone(client, hr_admin, organization):
    invitation = InvitationFactory(organization=organization)
    invitation.created_at = datetime(2026, 7, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    invitation.save()
    hr_admin.time_zone = "America/New_York"
    hr_admin.save()
    client.force_login(hr_admin)
    page = client.get(f"/o/{organization.slug}/members/").content.decode()
    assert "01/07/2026 06:00" in page, "10:00 UTC is 6 a.m. in New York in July"
    hr_admin.time_zone = "Asia/Tokyo"
    hr_admin.save()
    page = client.get(f"/o/{organization.slug}/members/").content.decode()
    assert "01/07/2026 19:00" in page, "and 7 p.m. in Tokyo"


def test_preferences_change_the_language_and_time_zone(client, mentor_user):
    client.force_login(mentor_user)
    response = client.post(
        "/accounts/preferences/",
        {"first_name": "Léa", "last_name": "Martin", "language": "fr", "time_zone": "Europe/Paris"},
    )
    assert response.status_code == 302
    mentor_user.refresh_from_db()
    assert (mentor_user.language, mentor_user.first_name) == ("fr", "Léa")
    assert "Préférences" in client.get("/accounts/preferences/").content.decode()


def test_a_bad_time_zone_is_refused_with_a_message(client, mentor_user):
    client.force_login(mentor_user)
    response = client.post(
        "/accounts/preferences/",
        {"first_name": "A", "last_name": "B", "language": "en", "time_zone": "Mars/Base"},
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    mentor_user.refresh_from_db()
    assert mentor_user.time_zone == "Europe/Paris"


def test_the_language_switcher_remembers_the_choice_on_the_account(client, mentor_user):
    client.force_login(mentor_user)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    mentor_user.refresh_from_db()
    assert mentor_user.language == "fr"


def test_no_two_url_patterns_share_a_name():
    """A shared name makes {% url %} with positional arguments pick whichever pattern fits first."""
    from collections import Counter

    from django.urls import URLResolver, get_resolver

    def names(resolver):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from names(pattern)
            elif pattern.name:
                yield pattern.name

    assert [name for name, count in Counter(names(get_resolver())).items() if count > 1] == []
