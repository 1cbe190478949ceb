import io
import re

from django.core.management import call_command
from openpyxl import load_workbook

from organizations.demo import DEMO_PASSWORD

from .conftest import sign_in


def test_the_executive_reads_the_dashboard_filters_by_department_and_downloads_the_xlsx(page, screenshot):
    call_command("seed_demo")
    sign_in(page, "direction@demo.binome.example", DEMO_PASSWORD)
    page.goto("/o/demo/dashboard/")
    page.wait_for_selector("svg.chart")
    # Sessions per month and their running total, the skills mentees and mentors gained, then the pilot's
    # skills before and after (the demo's mentors rated their mentees), whose table is shown beside it.
    assert page.locator("svg.chart").count() == 5
    assert page.locator("svg.chart rect.series-held").count() > 0
    assert page.locator("svg.chart rect.series-latest").count() > 0
    assert page.locator(".skills-before-after svg.chart circle.series-trend").count() > 0
    assert page.locator(".skills-before-after table.before-after-table").first.is_visible()
    # Each of the other charts has its table for screen readers.
    assert page.locator("table.visually-hidden caption").count() == 4
    screenshot("dashboard")

    # The pilot alone: some of its people are also enrolled in the next cohorts.
    page.select_option("#id_programme", label="Programme pilote 2026")
    page.select_option("#id_department", "Direction financière")
    page.locator("#dashboard-filters input[type=submit]").click()
    page.wait_for_url(re.compile(r"department=Direction"))
    assert page.locator("#id_department").input_value() == "Direction financière"
    assert page.locator("svg.chart rect.series-held").count() > 0
    screenshot("dashboard-department")

    with page.expect_download() as download_info:
        page.locator("#export-xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert ["Filtres", "Programme", "Programme pilote 2026"] in rows
    assert ["Filtres", "Service", "Direction financière"] in rows
    assert any(row[0] == "Participants" and row[1] == "Inscrits" and row[2] == 6 for row in rows)


def test_hr_reminds_a_silent_pair_in_one_click(page, screenshot):
    call_command("seed_demo")
    sign_in(page, "rh@demo.binome.example", DEMO_PASSWORD)
    page.goto("/o/demo/dashboard/operations/")
    row = page.locator("tr", has_text="Inès Petit")
    assert row.locator(".badge").first.is_visible()
    screenshot("pairs-to-follow")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".alert", has_text="Inès Petit").is_visible()
    assert page.locator("tr", has_text="Inès Petit").locator("small").is_visible()  # "reminded on ..."
