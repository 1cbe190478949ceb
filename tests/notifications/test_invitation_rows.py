"""An invitation is an address-only outbox row: sent once, retried, failed with its reason, in no inbox."""

import datetime as dt
import smtplib
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction

from notifications import selectors, services, tasks
from notifications.invitations import INVITATION
from notifications.models import Notification
from organizations import services as organization_services
from organizations.models import Invitation
from organizations.roles import Role
from organizations.tenancy import tenant_context

from .helpers import rows, run_dispatcher

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ADDRESS = "claire@acme.example"


def _invite(organization, email=ADDRESS):
    return organization_services.invite_member(organization=organization, email=email, role=Role.MENTOR)


def _invitation(organization):
    with tenant_context(organization):
        return Invitation.objects.get()


def test_an_invitation_is_an_address_only_row_sent_on_commit(
    organization, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(organization)
    (row,) = rows(organization)
    assert (row.recipient, row.address, row.kind) == (None, ADDRESS, INVITATION)
    assert row.status == Notification.Status.SENT
    (message,) = mail.outbox
    assert message.to == [ADDRESS]
    # In the organisation's language: the invitee has no account, hence no language of their own.
    assert organization.default_language == "fr"
    assert message.subject == "Vous êtes invité à rejoindre Acme sur Binôme"
    assert "/invitations/" in message.body and message.alternatives[0][1] == "text/html"
    # Nobody to unsubscribe, and the signed link (the invitee's credential) stays in the e-mail only.
    assert "List-Unsubscribe" not in message.extra_headers
    assert row.action_url == "" and "/invitations/" not in str(row.data)
    assert _invitation(organization).sent_at == row.delivered_at


def test_an_invitation_is_sent_once_even_if_delivery_runs_twice(
    organization, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(organization)
    run_dispatcher()
    tasks.deliver_notifications(organization.pk)
    assert len(mail.outbox) == 1


def test_inviting_again_sends_a_fresh_link_in_a_second_email(
    organization, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        _invite(organization)
    with (
        time_machine.travel(NOW + dt.timedelta(days=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _invite(organization)
    assert [message.to for message in mail.outbox] == [[ADDRESS], [ADDRESS]]
    assert len(rows(organization)) == 2


def test_an_invitation_is_retried_after_a_transport_failure(organization, django_capture_on_commit_callbacks):
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected("down")),
        time_machine.travel(NOW, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _invite(organization)
    (row,) = rows(organization)
    # The relay failed, not the invitation: the outbox pauses, the row keeps its attempts.
    assert (row.status, row.attempts) == (Notification.Status.PENDING, 0)
    assert "SMTPServerDisconnected" in selectors.relay_pause().last_error and row.due_at > NOW
    assert mail.outbox == [] and _invitation(organization).sent_at is None
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        run_dispatcher()
    assert [message.to for message in mail.outbox] == [[ADDRESS]]
    assert rows(organization)[0].status == Notification.Status.SENT
    assert _invitation(organization).sent_at == NOW + dt.timedelta(hours=2)


def test_an_invitation_refused_for_good_is_shown_failed_with_its_reason(
    organization, hr_admin, client_for, django_capture_on_commit_callbacks
):
    refused = smtplib.SMTPRecipientsRefused({ADDRESS: (550, b"5.1.1 No such user")})
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=refused),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _invite(organization)
    (row,) = rows(organization)
    assert row.status == Notification.Status.FAILED
    assert row.last_error.startswith("SMTPRecipientsRefused")
    assert _invitation(organization).sent_at is None
    with tenant_context(organization):
        assert list(selectors.failed_deliveries()) == [row]
    page = client_for(hr_admin).get(f"/o/{organization.slug}/dashboard/operations/").content.decode()
    assert ADDRESS in page and "SMTPRecipientsRefused" in page


def test_a_withdrawn_invitation_is_not_sent(organization):
    with tenant_context(organization):
        with mock.patch("notifications.services.enqueue_delivery"):
            invitation = _invite(organization)
        organization_services.revoke_invitation(invitation=invitation)
    run_dispatcher()
    assert mail.outbox == []
    assert rows(organization)[0].skip_reason == "stale"


def test_an_address_only_row_never_appears_in_an_inbox(
    organization, hr_admin, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        # The address even belongs to someone who already has an account here.
        _invite(organization, email=hr_admin.email)
    assert rows(organization)[0].status == Notification.Status.SENT
    with tenant_context(organization):
        assert not selectors.inbox(user=hr_admin).exists()
        services.mark_all_read(user=hr_admin)
        assert rows(organization)[0].read_at is None
    page = client_for(hr_admin).get(f"/o/{organization.slug}/notifications/").content.decode()
    assert rows(organization)[0].subject not in page


def test_a_row_goes_to_a_person_or_to_an_address_never_both_or_neither(organization, hr_admin):
    with tenant_context(organization):
        for recipient, address in ((None, ""), (hr_admin, "someone@acme.example")):
            with pytest.raises(IntegrityError), transaction.atomic():
                Notification.objects.create(
                    organization=organization,
                    recipient=recipient,
                    address=address,
                    kind=INVITATION,
                    key=f"test:{address}",
                    due_at=NOW,
                )
