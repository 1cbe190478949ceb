"""Each app declares its kinds; the preferences page lists them all, with their labels, in one order."""

import pytest

from notifications import registry
from organizations.roles import PAIR_ROLES, Role

# The kinds as the preferences page has always listed them (apps may add more in between).
HISTORICAL = [
    ("session_reminder_24h", "Session reminder, the day before"),
    ("session_reminder_1h", "Session reminder, one hour before"),
    ("session_log", "Reminder to log a session"),
    ("pair_inactive", "Nudge when a pair has not met for a while"),
    ("survey_invitation", "Progress survey"),
    ("survey_reminder", "Reminder of an unanswered survey"),
    ("pair_published", "New pair announced"),
    ("pair_accepted", "Pair accepted"),
    ("pair_declined", "Pair declined"),
    ("pair_ended", "Pair ended"),
    ("hr_digest", "Weekly HR digest"),
]


def test_the_preferences_page_lists_every_kind_with_its_label_in_a_stable_order(
    client_for, organization, mentee_user
):
    response = client_for(mentee_user).get(f"/o/{organization.slug}/notifications/preferences/")
    choices = [(value, str(label)) for value, label in response.context["form"].fields["wanted"].choices]
    assert [choice for choice in choices if choice in HISTORICAL] == HISTORICAL


def test_a_kind_is_its_stored_value():
    kind = registry.get_kind("session_log")
    assert kind == "session_log" and kind.value == "session_log" and f"{kind}:x" == "session_log:x"


def test_only_hr_admins_receive_the_digest_and_pair_people_the_rest():
    assert registry.get_kind("hr_digest").roles == {Role.HR_ADMIN}
    assert registry.get_kind("pair_published").roles == PAIR_ROLES


def test_a_kind_cannot_be_declared_twice():
    with pytest.raises(ValueError):
        registry.notification_kind("session_log", "Again", position=1)
