"""An executive opens the programme impact report from the dashboard and prints it: Chromium's own print
(``page.pdf``, the print style sheet applied), read back with pypdf."""

import io
import re

from django.core.management import call_command
from pypdf import PdfReader

from organizations.demo import DEMO_PASSWORD

from .conftest import RESULTS, sign_in

FRENCH_HEADINGS = (
    "Rapport d’impact du programme",
    "Synthèse",
    "1. Participation",
    "2. Régularité",
    "3. Compétences avant et après",
    "4. Pratiques adoptées",
    "5. Satisfaction et recommandation",
    "6. Parcours des mentors juniors",
    "7. Ce que disent les participants",
)


def test_the_executive_prints_the_impact_report_in_french(page, screenshot):
    call_command("seed_demo")
    sign_in(page, "direction@demo.binome.example", DEMO_PASSWORD)
    page.goto("/o/demo/dashboard/")
    page.select_option("#id_programme", label="Programme pilote 2026")
    page.locator("#dashboard-filters input[type=submit]").click()
    page.wait_for_url(re.compile(r"programme="))
    page.locator("#impact-report-link").click()
    page.wait_for_url(re.compile(r"/impact-report/\?"))
    page.wait_for_selector("svg.chart")
    assert page.locator(".report-section svg.chart").count() >= 2
    screenshot("impact-report")

    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "impact-report.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    # A cover, a summary and seven sections: several A4 pages, and not a runaway layout.
    assert 3 <= len(reader.pages) <= 16
    width, height = (float(value) for value in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4, in points
    text = "\n".join(page_.extract_text() for page_ in reader.pages)
    flat = re.sub(r"\s+", " ", text).replace("'", "’")
    for heading in FRENCH_HEADINGS:
        assert heading in flat, heading
    assert "Programme pilote 2026" in flat
    # Page numbers from the print style sheet; the navigation, filters and buttons are not printed.
    assert re.search(rf"\b2 / {len(reader.pages)}\b", flat)
    for interface in ("Imprimer ou enregistrer en PDF", "Appliquer les filtres", "Se déconnecter"):
        assert interface not in flat, interface
