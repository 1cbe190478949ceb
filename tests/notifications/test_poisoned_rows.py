"""One row that cannot be sent is marked failed with its reason; it never blocks the organisation's others."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from accounts.models import User
from notifications import registry, services, tasks
from notifications.models import Notification
from organizations.models import Person
from organizations.roles import Role
from organizations.tenancy import tenant_context
from pairing.notifications import PAIR_ENDED, PAIR_PUBLISHED
from sessions import notifications as session_notifications
from tests.factories import MembershipFactory, PairFactory

from .helpers import now, rows, run_dispatcher

HEALTHY = 10


@pytest.fixture
def pair(organization):
    return PairFactory(organization=organization)


def _plan(organization, pair, recipient, key, *, kind=PAIR_PUBLISHED, due_at=None):
    with tenant_context(organization):
        services.plan(
            organization=organization,
            recipient=recipient,
            kind=kind,
            key=key,
            due_at=due_at or now() - dt.timedelta(minutes=1),
            object_id=pair.pk,
        )


def _healthy_rows(organization, pair):
    for index in range(HEALTHY):
        _plan(organization, pair, pair.mentor.user, f"healthy:{index}")


def _legacy_user(organization, **fields):
    """A member written before the rules existed: no validation on the way into the database."""
    user = User.objects.create(**fields)
    MembershipFactory(organization=organization, user=user, role=Role.MENTEE)
    return user


def _poison_the_address(organization, pair):
    recipient = _legacy_user(organization, email="poisoned\r\nBcc: everyone@acme.example", first_name="Pat")
    _plan(organization, pair, recipient, "poisoned", due_at=now() - dt.timedelta(hours=1))
    return "BadHeaderError"


def _poison_the_renderer(organization, pair, monkeypatch):
    def broken(row):
        raise TypeError("a renderer bug")

    monkeypatch.setitem(registry.RENDERERS, PAIR_ENDED, broken)
    _plan(
        organization,
        pair,
        pair.mentee.user,
        "poisoned",
        kind=PAIR_ENDED,
        due_at=now() - dt.timedelta(hours=1),
    )
    return "TypeError: a renderer bug"


def _poison_the_recipient_at_the_smtp_server(organization, pair, monkeypatch):
    refused = _legacy_user(organization, email="gone@acme.example", first_name="Gone")
    send_messages = EmailBackend.send_messages

    def smtp_server(backend, messages):
        if any(refused.email in message.to for message in messages):
            raise smtplib.SMTPRecipientsRefused({refused.email: (550, b"5.1.1 No such user")})
        return send_messages(backend, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", smtp_server)
    _plan(organization, pair, refused, "poisoned", due_at=now() - dt.timedelta(hours=1))
    return "SMTPRecipientsRefused"


POISONS = {
    "an address with a line break": lambda organization, pair, monkeypatch: _poison_the_address(
        organization, pair
    ),
    "a renderer that breaks": _poison_the_renderer,
    "a recipient the SMTP server refuses for good": _poison_the_recipient_at_the_smtp_server,
}


@pytest.mark.parametrize("poison", POISONS.values(), ids=POISONS.keys())
def test_it_delivers_ten_healthy_rows_past_a_poisoned_one_and_fails_that_one_with_its_reason(
    organization, pair, monkeypatch, poison
):
    reason = poison(organization, pair, monkeypatch)
    _healthy_rows(organization, pair)

    run_dispatcher()  # exits cleanly: no exception reaches beat

    assert len(mail.outbox) == HEALTHY
    assert all(message.to == [pair.mentor.user.email] for message in mail.outbox)
    failed = rows(organization, key="poisoned")[0]
    assert failed.status == Notification.Status.FAILED
    assert reason in failed.last_error
    assert "\n" not in failed.last_error and "\r" not in failed.last_error
    assert {row.status for row in rows(organization, key__startswith="healthy")} == {Notification.Status.SENT}


def test_a_failed_row_is_not_tried_again_by_later_runs(organization, pair, monkeypatch):
    _poison_the_address(organization, pair)
    run_dispatcher()
    attempts = rows(organization, key="poisoned")[0].attempts
    run_dispatcher()
    assert rows(organization, key="poisoned")[0].attempts == attempts
    assert mail.outbox == []


def test_a_temporary_smtp_refusal_keeps_the_capped_retries(organization, pair, monkeypatch):
    def busy_server(backend, messages):
        raise smtplib.SMTPRecipientsRefused({pair.mentor.user.email: (451, b"4.3.0 Try again later")})

    monkeypatch.setattr(EmailBackend, "send_messages", busy_server)
    _plan(organization, pair, pair.mentor.user, "busy")
    run_dispatcher()
    row = rows(organization, key="busy")[0]
    assert row.status == Notification.Status.PENDING
    assert row.attempts == 1 and row.due_at > now()
    assert "SMTPRecipientsRefused" in row.last_error


def test_a_line_break_already_in_a_partners_name_is_sent_on_one_line(organization, pair):
    """The issue's example: today the subject raises BadHeaderError and the row blocks every later one."""
    mentor = pair.mentor.user
    legacy = "Durand\r\nBcc: everyone@acme.example"
    User.objects.filter(pk=mentor.pk).update(last_name=legacy)
    with tenant_context(organization):
        Person.objects.filter(user=mentor).update(last_name=legacy)
    _plan(organization, pair, pair.mentee.user, "partner-name", kind=PAIR_ENDED)
    run_dispatcher()
    [message] = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject and "Durand Bcc" in message.subject
    assert message.message()["Bcc"] is None
    row = rows(organization, key="partner-name")[0]
    assert row.status == Notification.Status.SENT and "\n" not in row.subject


def test_hr_sees_the_failed_email_and_its_reason_on_the_operations_page(
    client_for, hr_admin, organization, pair
):
    _poison_the_address(organization, pair)
    run_dispatcher()
    response = client_for(hr_admin).get(f"/o/{organization.slug}/dashboard/operations/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "E-mails that could not be sent" in body
    assert "BadHeaderError" in body


def test_staff_see_status_and_reason_in_the_admin_list_and_can_send_again(client, organization, pair):
    _poison_the_address(organization, pair)
    run_dispatcher()
    staff = User.objects.create(email="staff@binome.example", is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get("/admin/notifications/notification/?status__exact=failed")
    assert response.status_code == 200
    body = response.content.decode()
    assert "poisoned" in body and "BadHeaderError" in body
    failed = rows(organization, key="poisoned")[0]
    client.post(
        "/admin/notifications/notification/",
        {"action": "send_again", "_selected_action": [failed.pk]},
    )
    again = rows(organization, key="poisoned")[0]
    assert again.status == Notification.Status.PENDING and again.attempts == 0


def test_one_organisation_that_breaks_never_keeps_the_next_from_its_emails(
    organization, other_organization, pair, monkeypatch
):
    plan_sessions = session_notifications.plan_session_notifications

    def planner(*, organization, now):
        if organization.slug == "acme":
            raise RuntimeError("a planning bug in Acme")
        return plan_sessions(organization=organization, now=now)

    scan = session_notifications.organizations_with_sessions_to_plan
    monkeypatch.setattr(
        tasks, "DISPATCH_PLANNERS", [registry.DispatchPlanner(plan=planner, organizations=scan)]
    )
    other_pair = PairFactory(organization=other_organization)
    _plan(organization, pair, pair.mentor.user, "acme")
    _plan(other_organization, other_pair, other_pair.mentor.user, "globex")

    run_dispatcher()

    assert [message.to for message in mail.outbox] == [[other_pair.mentor.user.email]]
    assert rows(organization, key="acme")[0].status == Notification.Status.PENDING


def test_a_transient_error_before_the_send_is_retried_within_the_window_too(
    organization, pair, monkeypatch, settings
):
    settings.OUTBOX_RETRY_HOURS = 10

    def unreachable(row):
        raise ConnectionResetError("the directory answering for the renderer went away")

    monkeypatch.setitem(registry.RENDERERS, PAIR_ENDED, unreachable)
    _plan(organization, pair, pair.mentor.user, "flaky", kind=PAIR_ENDED)
    for hour in range(6):
        with time_machine.travel(now() + dt.timedelta(hours=2 * hour + 1), tick=False):
            run_dispatcher()
    row = rows(organization, key="flaky")[0]
    assert row.status == Notification.Status.FAILED and row.attempts == 6
    assert "ConnectionResetError" in row.last_error
