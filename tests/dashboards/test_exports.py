import csv
import io

import pytest
from openpyxl import load_workbook

from .test_impact import surveys  # noqa: F401 (the fixture, reused)


def url(organization, name):
    return f"/o/{organization.slug}/dashboard/{name}"


def rows_of_csv(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def normalised(rows):
    """Numbers compared as numbers: the spreadsheet stores 100.0 as 100."""

    def cell(value):
        try:
            return float(value)
        except ValueError:
            return value

    return [[cell(value) for value in row] for row in rows]


def test_the_csv_export_holds_the_dashboard_figures(client_for, executive, organization, programme_data):
    response = client_for(executive).get(url(organization, "export.csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = rows_of_csv(response)
    assert rows[0] == ["Section", "Figure", "Value"]
    figures = {(section, figure): value for section, figure, value in rows[1:]}
    assert figures[("Participants", "Enrolled")] == "7"
    assert figures[("Pairs", "Active")] == "2"
    assert figures[("Pairs", "Active pairs meeting the target cadence (%)")] == "50.0"
    assert figures[("Sessions", "Average duration of held sessions (minutes)")] == "49"
    assert figures[("Sessions per month", "April 2026 · held")] == "2"


def test_the_xlsx_export_has_the_same_rows_as_the_csv(client_for, executive, organization, programme_data):
    client = client_for(executive)
    response = client.get(url(organization, "export.xlsx"), {"department": "Finance"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    xlsx_rows = [
        ["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)
    ]
    csv_rows = rows_of_csv(client.get(url(organization, "export.csv"), {"department": "Finance"}))
    assert normalised(xlsx_rows) == normalised(csv_rows)
    assert ["Filters", "Department", "Finance"] in xlsx_rows


def test_exports_say_hidden_instead_of_a_small_group_s_figure(
    client_for, executive, organization, programme_data
):
    organization.minimum_group_size = 5
    organization.save()
    response = client_for(executive).get(url(organization, "export.csv"), {"department": "IT"})
    figures = {(section, figure): value for section, figure, value in rows_of_csv(response)[1:]}
    assert figures[("Participants", "Enrolled")] == "hidden: fewer than 5 people"


def test_a_department_name_cannot_smuggle_a_formula_into_the_spreadsheet(
    client_for, executive, organization, programme_data
):
    from tests.factories import ParticipantFactory

    ParticipantFactory(
        organization=organization, programme=programme_data["programme"], department="=HYPERLINK(1)"
    )
    response = client_for(executive).get(url(organization, "export.csv"), {"department": "=HYPERLINK(1)"})
    assert ["Filters", "Department", "'=HYPERLINK(1)"] in rows_of_csv(response)


# What HR types reaches the "Figure" column too: skill names, question texts and choice labels.
FORMULAS = {"skill": '=HYPERLINK("http://evil")', "question": "+cmd|' /C calc'!A0", "choice": "@SUM(1+1)"}
RUNNABLE = tuple("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


@pytest.fixture
def formulas_everywhere(surveys):  # noqa: F811 (the fixture imported above)
    from surveys.models import Answer, Question

    surveys["skill"].name = FORMULAS["skill"]
    surveys["skill"].save()
    Question.objects.filter(type="scale").update(text=FORMULAS["question"])
    for question in Question.objects.filter(type="choice"):
        question.choices = [FORMULAS["choice"], "None yet"]
        question.save()
    Answer.objects.filter(text="AI assistant").update(text=FORMULAS["choice"])
    return surveys


def test_no_text_of_the_csv_export_starts_like_a_formula(
    client_for, executive, organization, formulas_everywhere
):
    rows = rows_of_csv(client_for(executive).get(url(organization, "export.csv")))
    figures = [figure for _section, figure, _value in rows]
    assert f"'{FORMULAS['skill']} · baseline" in figures
    assert f"'{FORMULAS['question']}" in figures
    assert f"'{FORMULAS['choice']} (%)" in figures
    # A negative number (a confidence interval's low end) is a number, which no spreadsheet runs.
    assert [cell for row in rows for cell in row if cell.startswith(RUNNABLE) and not _number(cell)] == []


def _number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_the_xlsx_export_holds_no_formula_and_only_inert_text(
    client_for, executive, organization, formulas_everywhere
):
    client = client_for(executive)
    response = client.get(url(organization, "export.xlsx"))
    cells = [cell for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = [cell.value for cell in cells if cell.data_type == "s"]
    assert f"'{FORMULAS['skill']} · baseline" in texts
    assert [text for text in texts if text.startswith(RUNNABLE)] == []
    assert any(cell.data_type == "n" and cell.value == 25 for cell in cells)  # the NPS stays a number
