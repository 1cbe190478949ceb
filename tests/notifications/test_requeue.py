"""Failed e-mails go back in the queue once the cause is fixed: HR's button, staff's command."""

import smtplib
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from notifications import services
from notifications.models import Notification
from organizations.tenancy import tenant_context
from pairing.notifications import PAIR_PUBLISHED
from tests.factories import PairFactory

from .helpers import rows, run_dispatcher

URL = "/o/acme/dashboard/operations/failed-emails/send-again/"


def _fail_one(organization, *, key="pair-news"):
    pair = PairFactory(organization=organization)
    with tenant_context(organization):
        services.plan(
            organization=organization,
            recipient=pair.mentor.user,
            kind=PAIR_PUBLISHED,
            key=key,
            due_at=services.timezone.now(),
            object_id=pair.pk,
        )
        # A permanent refusal of this message: given up at once, with its reason.
        with mock.patch(
            "django.core.mail.EmailMessage.send",
            side_effect=smtplib.SMTPRecipientsRefused({pair.mentor.user.email: (550, b"no such user")}),
        ):
            services.deliver_due(organization=organization)
        return Notification.objects.get(key=key)


def test_hr_sees_the_reason_and_sends_the_failed_emails_again(
    client_for, organization, hr_admin, django_capture_on_commit_callbacks
):
    row = _fail_one(organization)
    assert row.status == Notification.Status.FAILED and "SMTPRecipientsRefused" in row.last_error
    page = client_for(hr_admin).get("/o/acme/dashboard/operations/")
    assert "SMTPRecipientsRefused" in page.content.decode() and URL in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr_admin).post(
            URL, {"notification": [str(row.pk), "not-a-number"]}, follow=True
        )

    assert response.redirect_chain[-1][0] == "/o/acme/dashboard/operations/"
    assert "1 e-mail will be sent again." in response.content.decode()
    (sent,) = rows(organization, key="pair-news")
    assert (sent.status, sent.attempts) == (Notification.Status.SENT, 1)
    assert len(mail.outbox) == 1


def test_hr_of_another_organisation_requeues_nothing_here(
    client_for, organization, other_organization, outsider
):
    row = _fail_one(organization)
    response = client_for(outsider).post(
        "/o/globex/dashboard/operations/failed-emails/send-again/",
        {"notification": [str(row.pk)]},
        follow=True,
    )
    assert "0 e-mails will be sent again." in response.content.decode()
    assert rows(organization, key="pair-news")[0].status == Notification.Status.FAILED
    assert client_for(outsider).post(URL, {"notification": [str(row.pk)]}).status_code == 404
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["mentor_user", "mentee_user", "executive"])
def test_only_people_who_follow_operations_may_requeue(client_for, organization, role, request):
    row = _fail_one(organization)
    assert (
        client_for(request.getfixturevalue(role)).post(URL, {"notification": [str(row.pk)]}).status_code
        == 403
    )
    assert rows(organization, key="pair-news")[0].status == Notification.Status.FAILED


def test_the_command_lists_the_reasons_then_requeues(organization):
    row = _fail_one(organization)
    out = StringIO()
    call_command("requeue_failed_notifications", organization="acme", dry_run=True, stdout=out)
    assert "pair-news" in out.getvalue() and "SMTPRecipientsRefused" in out.getvalue()
    assert rows(organization, key="pair-news")[0].status == Notification.Status.FAILED

    call_command("requeue_failed_notifications", organization="acme", stdout=StringIO())
    requeued = rows(organization, key="pair-news")[0]
    assert requeued.status in (Notification.Status.PENDING, Notification.Status.SENT)
    run_dispatcher()
    assert rows(organization, key="pair-news")[0].status == Notification.Status.SENT
    assert requeued.pk == row.pk


def test_the_command_refuses_an_unknown_organisation(db):
    with pytest.raises(CommandError, match="No organisation"):
        call_command("requeue_failed_notifications", organization="nowhere")
