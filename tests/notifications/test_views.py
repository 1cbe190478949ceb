import datetime as dt

from django.utils import timezone

from notifications.models import Notification
from notifications.registry import mutable_kind_values
from notifications.services import preference_for
from organizations.tenancy import tenant_context
from pairing.notifications import PAIR_PUBLISHED
from sessions.notifications import SESSION_LOG
from tests.isolation import FOREIGN_MARKER


def _delivered(organization, user, subject, n=1, **fields):
    with tenant_context(organization):
        for index in range(n):
            Notification.objects.create(
                recipient=user,
                kind=PAIR_PUBLISHED,
                key=f"k:{subject}:{index}:{user.pk}",
                due_at=timezone.now(),
                status=Notification.Status.SENT,
                subject=f"{subject} {index}",
                delivered_at=timezone.now() - dt.timedelta(minutes=index),
                **fields,
            )


def test_the_inbox_lists_my_notifications_only(client_for, organization, mentee_user, mentor_user):
    _delivered(organization, mentee_user, "Mine")
    _delivered(organization, mentor_user, "Theirs")
    response = client_for(mentee_user).get("/o/acme/notifications/")
    assert response.status_code == 200
    assert b"Mine 0" in response.content and b"Theirs" not in response.content


def test_the_inbox_is_open_to_every_role(client_for, executive, hr_admin):
    assert client_for(executive).get("/o/acme/notifications/").status_code == 200
    assert client_for(hr_admin).get("/o/acme/notifications/").status_code == 200


def test_another_organisations_notifications_never_show(
    client_for, organization, other_organization, mentee_user
):
    _delivered(other_organization, mentee_user, FOREIGN_MARKER)
    response = client_for(mentee_user).get("/o/acme/notifications/")
    assert FOREIGN_MARKER.encode() not in response.content


def test_the_inbox_runs_a_fixed_number_of_queries(
    client_for, organization, mentee_user, django_assert_num_queries
):
    client = client_for(mentee_user)
    _delivered(organization, mentee_user, "A", n=3)
    client.get("/o/acme/notifications/")
    with django_assert_num_queries(4):
        client.get("/o/acme/notifications/")
    _delivered(organization, mentee_user, "B", n=40)
    with django_assert_num_queries(4):
        client.get("/o/acme/notifications/")


def test_mark_all_read(client_for, organization, mentee_user):
    _delivered(organization, mentee_user, "A", n=2)
    response = client_for(mentee_user).post("/o/acme/notifications/read/")
    assert response.status_code == 302
    with tenant_context(organization):
        assert not Notification.objects.filter(read_at=None).exists()


def test_preferences_save_muted_kinds_and_quiet_hours(client_for, organization, mentee_user):
    wanted = [kind for kind in mutable_kind_values() if kind != SESSION_LOG]
    response = client_for(mentee_user).post(
        "/o/acme/notifications/preferences/", {"wanted": wanted, "quiet_start": "22:00", "quiet_end": "07:30"}
    )
    assert response.status_code == 302
    with tenant_context(organization):
        preference = preference_for(user=mentee_user)
    assert preference.muted_kinds == [SESSION_LOG]
    assert preference.quiet_start == dt.time(22) and preference.quiet_end == dt.time(7, 30)


def test_half_quiet_hours_re_render_the_form_and_change_nothing(client_for, organization, mentee_user):
    response = client_for(mentee_user).post(
        "/o/acme/notifications/preferences/", {"wanted": mutable_kind_values(), "quiet_start": "22:00"}
    )
    assert response.status_code == 200
    assert b"Give both ends of the quiet hours" in response.content
    with tenant_context(organization):
        assert preference_for(user=mentee_user).quiet_start is None
