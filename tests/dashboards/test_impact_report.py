"""The programme impact report a board reads: who may open it, what it shows, the threshold on every
section, its XLSX, and a query count that does not grow with the data.

On conftest.py's programme "Digital 2026" (threshold 2, now 15 June 2026): 7 enrolled, 2 active pairs,
4 sessions held of 5 planned (and the sessions of two challenges); with test_impact.py's surveys, a net promoter score of 25 (10, 9, 6, 8).
"""

import io
import re

import pytest
from openpyxl import load_workbook

from dashboards import board_report
from organizations.models import AuditEvent
from organizations.roles import Role
from organizations.tenancy import tenant_context
from programmes import outcomes
from tests.factories import ChallengeFactory, member

from .conftest import at
from .test_dashboard_page import _programme_with_pairs, expected_queries
from .test_impact import surveys  # noqa: F401 - the survey answers, as a fixture

SECTION_KEYS = [section.key for section in board_report.SECTIONS]


def url(organization, suffix=""):
    return f"/o/{organization.slug}/dashboard/impact-report{suffix}"


def _sections(body):
    """Each section's HTML, by key."""
    found = {}
    for key in SECTION_KEYS:
        start = body.index(f'id="report-{key}"')
        following = body.find('<section class="report-section"', start + 1)
        found[key] = body[start : following if following != -1 else body.index("</article>", start)]
    return found


def _drawn_values(html):
    """The columns (with a height) and bars (with a length) drawn for a value; legends are not values."""
    drawn = []
    for attributes in re.findall(r'<rect class="series-[a-z]+"([^>]*)>', html):
        found = dict(re.findall(r'(\w+)="([^"]*)"', attributes))
        if "x" in found and float(found["height"]) > 0:
            drawn.append(attributes)
        elif found.get("width", "").endswith("%") and float(found["width"][:-1]) > 0:
            drawn.append(attributes)
    return drawn


def _workbook(content):
    workbook = load_workbook(io.BytesIO(content))

    def cells(row):
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        return row

    return {sheet.title: [cells(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


@pytest.fixture
def everything(organization, programme_data, surveys, in_organization):  # noqa: F811
    """Every section has figures: the surveys, mentors' outcomes, challenges and two shared comments."""
    from surveys.models import Answer

    pairs = programme_data["pairs"]
    m1, m2 = pairs["a"].mentor, pairs["b"].mentor
    outcomes.record_outcomes(
        programme=programme_data["programme"],
        values={
            m1.pk: {"promoted": True, "retained_6_months": True, "recognition": "Award"},
            m2.pk: {"promoted": False, "retained_6_months": True},
        },
        by=None,
    )
    for pair in (pairs["a"], pairs["b"]):
        ChallengeFactory(
            organization=organization, pair=pair, session__pair=pair, status="done", answered_at=at(6, 1)
        )
    people = programme_data["people"]
    for key, text in (("e1", "Des séances très utiles."), ("e2", "J'ai appris à déléguer.")):
        response = surveys["respond"](people[key], "pulse", {"text": text})
        Answer.objects.filter(response=response).update(shared_anonymously=True)
    return programme_data


# --- Who may read it ------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["/", ".xlsx"])
def test_executives_and_hr_read_the_report(client_for, executive, hr_admin, organization, suffix):
    for person in (executive, hr_admin):
        assert client_for(person).get(url(organization, suffix)).status_code == 200


@pytest.mark.parametrize("role", [Role.MENTOR, Role.MENTEE, Role.ASSISTANT])
@pytest.mark.parametrize("suffix", ["/", ".xlsx"])
def test_participants_and_assistants_are_refused_the_report(client_for, organization, role, suffix):
    person = member(organization, role, email=f"{role}@acme.example")
    assert client_for(person).get(url(organization, suffix)).status_code == 403
    response = client_for(person).post(url(organization, "/subscription/"), {"action": "subscribe"})
    assert response.status_code == 403


@pytest.mark.parametrize("suffix", ["/", ".xlsx", "/subscription/"])
def test_another_organisation_s_member_gets_404(client_for, outsider, organization, suffix):
    client = client_for(outsider)
    assert client.get(url(organization, suffix)).status_code == 404
    assert client.post(url(organization, suffix), {"action": "subscribe"}).status_code == 404


def test_another_organisation_s_programme_is_not_a_filter(
    client_for, executive, organization, other_organization, programme_data
):
    from tests.factories import ProgrammeFactory

    foreign = ProgrammeFactory(organization=other_organization, name="Zorglub programme")
    response = client_for(executive).get(url(organization, "/"), {"programme": foreign.pk})
    assert response.status_code == 200
    assert response.context["board"].filters.programme_id is None
    assert "Zorglub" not in response.content.decode()


# --- What it shows --------------------------------------------------------------------------------------


def test_the_report_has_a_cover_a_summary_and_a_section_per_figure(
    client_for, executive, organization, everything
):
    programme = everything["programme"]
    response = client_for(executive).get(url(organization, "/"), {"programme": programme.pk})
    body = response.content.decode()
    cover = body[body.index('class="report-cover"') : body.index('id="summary-heading"')]
    assert "Programme impact report" in cover and "Digital 2026" in cover
    assert "Date of the report" in cover and "15 June 2026" in cover
    assert "From 1 July 2025 to 15 June 2026" in cover
    headings = re.findall(r'<h2 id="[a-z_]+-heading">([^<]+)</h2>', body)
    assert headings == [
        "Summary",
        "1. Participation",
        "2. Regularity",
        "3. Skills before and after",
        "4. Practices adopted",
        "5. Satisfaction and recommendation",
        "6. Junior mentors&#x27; outcomes",
        "7. What participants say",
    ]
    sections = _sections(body)
    for key, section in sections.items():
        # Each section says in a sentence what it measures.
        assert 'class="report-measures"' in section, key
    assert "svg" in sections["regularity"] and "series-held" in sections["regularity"]
    assert "<svg" in sections["skills"] and "series-latest" in sections["skills"]
    assert "AI assistant" in sections["practices"]
    assert "Des séances très utiles." in sections["quotes"]
    summary = body[body.index('id="summary-heading"') : body.index('id="report-participation"')]
    assert "Net promoter score" in summary and ">25<" in summary


def test_the_report_reads_the_dashboard_s_own_figures(client_for, executive, organization, everything):
    """Not computed again: the report's board is the dashboard's, figure for figure."""
    client = client_for(executive)
    dashboard = client.get(f"/o/{organization.slug}/dashboard/").context["board"]
    report = client.get(url(organization, "/")).context["report"]
    assert report.board.participation == dashboard.participation
    assert report.board.impact == dashboard.impact
    assert report.board.months == dashboard.months


def test_every_section_is_hidden_below_the_threshold(client_for, executive, organization, everything):
    organization.minimum_group_size = 50
    organization.save()
    client = client_for(executive)
    sections = _sections(client.get(url(organization, "/")).content.decode())
    for key, section in sections.items():
        assert re.search("hidden|No comment to show", section, re.IGNORECASE), key
        # No figure's value, bar or column is drawn.
        assert "fs-2 fw-semibold" not in section, key
        assert not _drawn_values(section), key
    assert "Des séances" not in sections["quotes"] and "AI assistant" not in sections["practices"]
    sheets = _workbook(client.get(url(organization, ".xlsx")).content)
    for title, rows in sheets.items():
        if title == "Report":
            continue
        for row in rows[1:]:
            # A month without any session is no one's: its zeros are shown, as on the dashboard.
            numbers = [value for value in row if isinstance(value, int | float) and value]
            # Only the mentors' count of known outcome shows under the threshold, as on the dashboard.
            assert not numbers or (title == "Junior mentors' outcomes" and numbers == row[1:2]), (title, row)


def test_the_report_runs_the_same_number_of_queries_for_10_and_200_pairs(
    client_for, executive, organization, django_assert_num_queries
):
    client = client_for(executive)
    client.get(url(organization, "/"))
    # The dashboard's queries, and whether the reader subscribed to this report.
    expected = expected_queries(organization) + 1
    _programme_with_pairs(organization, 10)
    with django_assert_num_queries(expected):
        assert client.get(url(organization, "/")).status_code == 200
    _programme_with_pairs(organization, 190)
    with django_assert_num_queries(expected):
        assert client.get(url(organization, "/")).status_code == 200


# --- The XLSX -------------------------------------------------------------------------------------------


def test_the_xlsx_has_one_sheet_per_figure_with_the_report_s_values(
    client_for, executive, organization, everything
):
    programme = everything["programme"]
    response = client_for(executive).get(url(organization, ".xlsx"), {"programme": programme.pk})
    assert response["Content-Disposition"].startswith(
        'attachment; filename="binome-acme-impact-report-2026-06-15'
    )
    sheets = _workbook(response.content)
    assert list(sheets) == [
        "Report",
        "Participation",
        "Regularity",
        "Skills before and after",
        "Practices adopted",
        "Satisfaction and recommendation",
        "Junior mentors' outcomes",
    ]
    assert ["Programme", "Digital 2026"] in sheets["Report"]
    assert ["Net promoter score (−100 to 100)", 25] in sheets["Report"]
    assert ["Enrolled", 7] in sheets["Participation"]
    # The conftest's 4 held of 5 planned, and the two sessions the challenges were committed to after.
    assert ["Held", 6] in sheets["Regularity"] and ["Planned", 8] in sheets["Regularity"]
    assert ["Mentees", "IA", 2, 1.5, 3.5, 2.0] in sheets["Skills before and after"]
    assert ["Net promoter score", 25] in sheets["Satisfaction and recommendation"]
    assert ["Promoted", 2, 50] in sheets["Junior mentors' outcomes"]
    # Words people wrote stay on the page: no sheet quotes a comment.
    assert not any(
        "séances très utiles" in str(cell) for rows in sheets.values() for row in rows for cell in row
    )


def test_downloading_the_xlsx_is_audited(client_for, executive, organization, programme_data):
    client_for(executive).get(url(organization, ".xlsx"), {"programme": programme_data["programme"].pk})
    with tenant_context(organization):
        (event,) = AuditEvent.objects.filter(action="export")
    assert event.details["what"] == "impact_report"
    assert event.details["filters"]["programme"] == str(programme_data["programme"].pk)


# --- Subscribing ----------------------------------------------------------------------------------------


def test_an_executive_subscribes_to_a_programme_s_report_and_stops_it(
    client_for, executive, organization, programme_data
):
    from dashboards.models import ReportSubscription

    programme = programme_data["programme"]
    client = client_for(executive)
    page = client.get(url(organization, "/"), {"programme": programme.pk}).content.decode()
    assert "Receive it by e-mail every month" in page
    query = f"programme={programme.pk}&start=2025-07-01&end=2026-06-15"
    response = client.post(
        url(organization, "/subscription/"),
        {"programme": programme.pk, "action": "subscribe", "query": query},
    )
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"/o/acme/dashboard/impact-report/?programme={programme.pk}&start=2025-07-01&end=2026-06-15"
    )
    with tenant_context(organization):
        assert list(ReportSubscription.objects.values_list("user", "programme")) == [
            (executive.pk, programme.pk)
        ]
    page = client.get(response["Location"]).content.decode()
    assert "Stop the monthly e-mail" in page
    assert "You will receive this report by e-mail" in page
    # The same click again keeps one subscription; the whole organisation's is another one.
    client.post(url(organization, "/subscription/"), {"programme": programme.pk, "action": "subscribe"})
    client.post(url(organization, "/subscription/"), {"action": "subscribe"})
    with tenant_context(organization):
        assert ReportSubscription.objects.count() == 2
    client.post(url(organization, "/subscription/"), {"programme": programme.pk, "action": "unsubscribe"})
    with tenant_context(organization):
        assert list(ReportSubscription.objects.values_list("programme", flat=True)) == [None]


def test_another_organisation_s_programme_cannot_be_subscribed_to(
    client_for, executive, organization, other_organization
):
    from dashboards.models import ReportSubscription
    from organizations.tenancy import unscoped
    from tests.factories import ProgrammeFactory

    foreign = ProgrammeFactory(organization=other_organization)
    response = client_for(executive).post(
        url(organization, "/subscription/"), {"programme": foreign.pk, "action": "subscribe"}, follow=True
    )
    assert "could not be changed" in response.content.decode()
    with unscoped("the test checks that no organisation got a subscription"):
        assert not ReportSubscription.objects.exists()
