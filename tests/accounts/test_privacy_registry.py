"""Every app's part of a person's data is declared in the privacy registry, and the file keeps its format."""

from accounts import privacy
from accounts.personal_data import EXPORT_FORMAT, personal_data


def test_every_model_that_points_to_a_person_is_exported_or_says_why_not():
    assert privacy.uncovered_models() == [], (
        "these models hold a relation to the user model but no app's personal_data.py exports them "
        "(privacy.export, pairing.personal_data.pair_export) or says why not (privacy.not_exported)"
    )


def test_a_model_nobody_declares_is_caught(monkeypatch):
    monkeypatch.delitem(privacy.COVERAGE, "mentoring_sessions.CalendarFeed")
    assert privacy.uncovered_models() == ["mentoring_sessions.CalendarFeed"]


def test_the_erasure_ends_pairs_before_it_withdraws_from_programmes():
    names = [step.__module__ for step in privacy.leave_steps()]
    assert names == ["pairing.personal_data", "programmes.personal_data"]


def test_the_file_keeps_its_format(world):
    data = personal_data(user=world.person)
    assert data["format"] == EXPORT_FORMAT == "binome-personal-data/1"
    assert list(data) == ["format", "generated_at", "account", "organisations"]
    acme = data["organisations"][0]
    assert list(acme) == [
        "name",
        "slug",
        "name_on_record",
        "roles",
        "invitations",
        "programme_participations",
        "mentor_outcomes",
        "cohort_attendance",
        "pairs",
        "survey_responses",
        "notifications",
        "notification_preferences",
        "report_subscriptions",
        "calendar_feeds",
        "endorsements_given",
        "delegations",
        "two_factor_resets",
        "directory_records",
    ]
    pair = acme["pairs"][0]
    assert list(pair) == [
        "programme",
        "my_role",
        "partner",
        "status",
        "proposed_at",
        "started_at",
        "ended_at",
        "end_reason",
        "decline_reason",
        "goals",
        "sessions",
        "action_items",
        "shared_space",
        "try_it_challenges",
    ]
    assert list(pair["sessions"][0])[-2:] == ["action_items", "my_private_note"]
