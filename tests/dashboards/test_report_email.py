"""The impact report's monthly e-mail: on the first of the month from 08:00 in the organisation's zone,
once per subscription and month, through the outbox, in the reader's language, to readers alone, with
nothing of another organisation in it."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core import mail
from openpyxl import load_workbook

from dashboards import subscriptions
from dashboards.models import ReportSubscription
from dashboards.report_notifications import BOARD_REPORT, plan_board_reports
from organizations.models import Membership
from organizations.roles import Role
from organizations.tenancy import tenant_context
from tests.factories import member
from tests.isolation import FOREIGN_MARKER
from tests.notifications.helpers import rows, run_dispatcher, run_hourly

from .test_dashboard_page import _programme_with_pairs

FIRST = dt.datetime(2026, 7, 1, 6, 30, tzinfo=dt.UTC)  # 08:30 in Paris (summer time), a Wednesday


def _reports(user):
    return [
        message
        for message in mail.outbox
        if message.to == [user.email] and "Impact report" in message.subject
    ]


def _everything(message):
    """The e-mail's text, its HTML and its spreadsheet's cells, as one text."""
    html = "".join(content for content, mimetype in message.alternatives if mimetype == "text/html")
    cells = []
    for _name, content, _mimetype in message.attachments:
        workbook = load_workbook(io.BytesIO(content))
        cells += [
            str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
        ]
    return "\n".join([message.subject, message.body, html, *cells])


@pytest.fixture
def programme(organization):
    with time_machine.travel(dt.datetime(2026, 5, 1, tzinfo=dt.UTC), tick=False):
        programme = _programme_with_pairs(organization, 6)
    programme.name = "Digital 2026"
    programme.save()
    return programme


def _subscribe(organization, user, programme=None):
    with tenant_context(organization):
        return subscriptions.subscribe(user=user, programme=programme)


def test_a_subscriber_gets_the_report_once_on_the_first_of_the_month(organization, executive, programme):
    _subscribe(organization, executive, programme)
    with time_machine.travel(FIRST, tick=False):
        run_hourly()
        run_hourly()
        run_dispatcher()
    with time_machine.travel(FIRST + dt.timedelta(hours=5), tick=False):
        run_hourly()
        run_dispatcher()
    (report,) = _reports(executive)
    assert report.subject == "Acme · Impact report: Digital 2026"
    assert "The impact report of Digital 2026 at Acme, from 1 July 2025 to 30 June 2026." in report.body
    assert "Participants enrolled: 12" in report.body
    assert "Sessions held: 6" in report.body
    link = f"/o/acme/dashboard/impact-report/?start=2025-07-01&end=2026-06-30&programme={programme.pk}"
    assert link in report.body
    assert report.extra_headers["List-Unsubscribe"].startswith("<http")
    assert re.search(
        r"Stop e-mails of this kind \(Monthly programme impact report\): http\S+unsubscribe", report.body
    )
    ((name, content, mimetype),) = report.attachments
    assert name == "binome-acme-impact-report-2026-07-01.xlsx"
    assert "Participation" in load_workbook(io.BytesIO(content)).sheetnames
    assert len(rows(organization, kind=BOARD_REPORT)) == 1


def test_no_report_before_eight_nor_on_another_day(organization, executive, programme):
    _subscribe(organization, executive, programme)
    for moment in (FIRST - dt.timedelta(hours=1), FIRST + dt.timedelta(days=1)):
        with time_machine.travel(moment, tick=False):
            run_hourly()
    assert _reports(executive) == []
    assert rows(organization, kind=BOARD_REPORT) == []


def test_the_report_is_written_in_the_recipient_s_language(organization, executive, hr_admin, programme):
    executive.language = "fr"
    executive.save(update_fields=["language"])
    _subscribe(organization, executive, programme)
    _subscribe(organization, hr_admin)
    with time_machine.travel(FIRST, tick=False):
        run_hourly()
    (french,) = [message for message in mail.outbox if message.to == [executive.email]]
    (english,) = _reports(hr_admin)
    assert "30 juin 2026" in french.body and "June" not in french.body
    assert "all programmes" in english.subject and "30 June 2026" in english.body


def test_someone_who_lost_the_role_gets_nothing(organization, executive, hr_admin, programme):
    _subscribe(organization, executive, programme)
    _subscribe(organization, hr_admin, programme)
    with tenant_context(organization):
        Membership.objects.filter(user=executive).delete()
    with time_machine.travel(FIRST, tick=False):
        run_hourly()
    assert _reports(executive) == []
    assert len(_reports(hr_admin)) == 1
    assert [row.recipient_id for row in rows(organization, kind=BOARD_REPORT)] == [hr_admin.pk]


def test_a_report_planned_before_the_role_was_lost_is_not_sent(organization, executive, programme):
    _subscribe(organization, executive, programme)
    with tenant_context(organization):
        plan_board_reports(organization, FIRST)
        Membership.objects.filter(user=executive, role=Role.EXECUTIVE).update(role=Role.MENTEE)
    with time_machine.travel(FIRST, tick=False):
        run_dispatcher()
    assert _reports(executive) == []


def test_a_report_planned_before_unsubscribing_is_not_sent(organization, executive, programme):
    _subscribe(organization, executive, programme)
    with tenant_context(organization):
        plan_board_reports(organization, FIRST)
        subscriptions.unsubscribe(user=executive, programme=programme)
    with time_machine.travel(FIRST, tick=False):
        run_dispatcher()
    assert _reports(executive) == []


def test_nothing_of_another_organisation_reaches_the_e_mail(
    organization, other_organization, executive, programme
):
    """Globex runs a programme with its own data; a Globex executive is also a mentee at Acme, and an
    Acme subscription row names someone who is not an Acme reader: each e-mail holds its own
    organisation's figures alone, and the row gets nothing."""
    other_organization.name = f"Globex {FOREIGN_MARKER}"
    other_organization.save()
    with time_machine.travel(dt.datetime(2026, 5, 1, tzinfo=dt.UTC), tick=False):
        foreign = _programme_with_pairs(other_organization, 20)
    foreign.name = f"{FOREIGN_MARKER} programme"
    foreign.save()
    globex_executive = member(other_organization, Role.EXECUTIVE, email="exec@globex.example")
    with tenant_context(organization):
        Membership.objects.create(organization=organization, user=globex_executive, role=Role.MENTEE)
    outsider = member(other_organization, Role.EXECUTIVE, email="only@globex.example")
    _subscribe(organization, executive)
    _subscribe(other_organization, globex_executive, foreign)
    _subscribe(organization, outsider)
    with time_machine.travel(FIRST, tick=False):
        run_hourly()
    (acme,) = _reports(executive)
    text = _everything(acme)
    assert FOREIGN_MARKER not in text and "Globex" not in text
    assert "Participants enrolled: 12" in acme.body
    (globex,) = _reports(globex_executive)
    assert "Acme" not in _everything(globex) and "Digital 2026" not in _everything(globex)
    assert "Participants enrolled: 40" in globex.body
    assert "/o/globex/dashboard/impact-report/" in globex.body
    assert _reports(outsider) == []
    with tenant_context(organization):
        assert ReportSubscription.objects.filter(user=outsider).exists()
