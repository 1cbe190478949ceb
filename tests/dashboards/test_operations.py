import datetime

import pytest
from django.core import mail
from django.utils import timezone

from dashboards.models import Nudge
from notifications.models import OutboxPause
from organizations.tenancy import tenant_context
from tests.factories import PairFactory, ParticipantFactory, ProgrammeFactory


def url(organization, suffix=""):
    return f"/o/{organization.slug}/dashboard/operations/{suffix}"


def nudge_url(organization, pair):
    return url(organization, f"pairs/{pair.pk}/nudge/")


def test_hr_sees_pairs_at_risk_and_participants_without_a_pair(
    client_for, hr_admin, organization, programme_data
):
    response = client_for(hr_admin).get(url(organization))
    assert response.status_code == 200
    pairs, people = programme_data["pairs"], programme_data["people"]
    assert {pair.pk for pair in response.context["pairs"]} == {pairs["b"].pk, pairs["c"].pk}
    assert {p.pk for p in response.context["unmatched"]} == {people[k].pk for k in ("m3", "e3", "e4")}
    body = response.content.decode()
    assert "No session for two cadences" in body
    assert "Session logs overdue" in body
    assert "Match declined, not yet re-matched" in body
    assert body.count("Send a reminder") == 1  # B only: a declined pair is re-matched, not reminded


def test_an_executive_is_refused_the_operations_view(client_for, executive, organization):
    assert client_for(executive).get(url(organization)).status_code == 403


def test_a_mentor_is_refused_the_operations_view(client_for, mentor_user, organization):
    assert client_for(mentor_user).get(url(organization)).status_code == 403


def test_the_operations_lists_run_a_constant_number_of_queries(
    client_for, hr_admin, organization, django_assert_num_queries
):
    client = client_for(hr_admin)

    def add_pairs(count):
        programme = ProgrammeFactory(organization=organization)
        for _ in range(count):
            PairFactory(
                organization=organization,
                programme=programme,
                started_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
            )
            ParticipantFactory(organization=organization, programme=programme)

    # Sign-in with the memberships (the switcher's list with them), filter choices, the two lists, the session,
    # the e-mails that could not be sent, the mail relay's pause, the pending surveys.
    expected = 10
    add_pairs(10)
    with django_assert_num_queries(expected):
        assert len(client.get(url(organization)).context["pairs"]) == 10
    add_pairs(90)
    with django_assert_num_queries(expected):
        assert len(client.get(url(organization)).context["pairs"]) == 100


def test_hr_sees_that_e_mails_are_on_hold_while_the_mail_relay_is_down(client_for, hr_admin, organization):
    client = client_for(hr_admin)
    assert "E-mails are on hold" not in client.get(url(organization)).content.decode()
    now = timezone.now()
    OutboxPause.objects.create(paused_since=now, paused_until=now + datetime.timedelta(minutes=1))
    body = client.get(url(organization)).content.decode()
    assert "E-mails are on hold" in body and "nothing needs to be done" in body


# --- Nudges --------------------------------------------------------------------------------------------


def test_one_click_reminds_both_people_in_their_own_language(
    client_for, hr_admin, organization, programme_data, pair_members, django_capture_on_commit_callbacks
):
    pair = programme_data["pairs"]["b"]
    pair.mentor.user.language = "fr"
    pair.mentor.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr_admin).post(nudge_url(organization, pair), {"query": "department=IT"})
    assert response.status_code == 302
    assert response["Location"] == url(organization) + "?department=IT"
    with tenant_context(organization):
        nudge = Nudge.objects.get()
    assert nudge.reasons == ["no_recent_session", "overdue_logs"]
    assert nudge.sent_by == hr_admin and nudge.sent_at is not None
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {pair.mentor.user.email, pair.mentee.user.email}
    assert "Votre binôme" in by_recipient[pair.mentor.user.email].subject
    assert "time for a session" in by_recipient[pair.mentee.user.email].subject
    assert "still waiting to be logged" in by_recipient[pair.mentee.user.email].body


def test_a_pair_is_reminded_at_most_once_a_day(
    client_for, hr_admin, organization, programme_data, pair_members, django_capture_on_commit_callbacks
):
    pair = programme_data["pairs"]["b"]
    client = client_for(hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(nudge_url(organization, pair))
        response = client.post(nudge_url(organization, pair), follow=True)
    assert "already reminded in the last 24 hours" in response.content.decode()
    assert len(mail.outbox) == 2
    with tenant_context(organization):
        assert Nudge.objects.count() == 1


def test_a_declined_pair_cannot_be_reminded(client_for, hr_admin, organization, programme_data):
    response = client_for(hr_admin).post(nudge_url(organization, programme_data["pairs"]["c"]), follow=True)
    assert "Only an accepted or active pair can be reminded." in response.content.decode()
    with tenant_context(organization):
        assert not Nudge.objects.exists()
    assert not mail.outbox


def test_an_executive_cannot_nudge(client_for, executive, organization, programme_data):
    assert (
        client_for(executive).post(nudge_url(organization, programme_data["pairs"]["b"])).status_code == 403
    )


def test_nudging_another_organisation_s_pair_is_a_404(client_for, hr_admin, organization, other_organization):
    foreign = PairFactory(organization=other_organization)
    assert client_for(hr_admin).post(nudge_url(organization, foreign)).status_code == 404


@pytest.mark.parametrize("method", ["get", "put"])
def test_nudge_only_takes_a_post(client_for, hr_admin, organization, programme_data, method):
    response = getattr(client_for(hr_admin), method)(nudge_url(organization, programme_data["pairs"]["b"]))
    assert response.status_code == 405


def test_the_task_sends_a_nudge_only_once(organization, programme_data, pair_members, in_organization):
    from dashboards.tasks import send_nudge_email

    nudge = Nudge.objects.create(pair=programme_data["pairs"]["a"], reasons=[])
    send_nudge_email(organization.pk, nudge.pk)
    send_nudge_email(organization.pk, nudge.pk)
    assert len(mail.outbox) == 2
