import re

from django.core import mail

from organizations.roles import Role
from organizations.tenancy import tenant_context
from programmes.models import Participant
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory, member

from .conftest import sign_in

HEADER = "email,first_name,last_name,role,department,job_title,languages,skills,manager_email\n"
ROWS = [
    "nina.nouvelle@acme.example,Nina,Nouvelle,mentor,Digital,Community manager,fr;en,Social networks:3,\n",
    "paul.senior@acme.example,Paul,Senior,mentee,Finance,CFO,fr,AI tools:3;Data literacy:2,\n",
    "zoe.junior@acme.example,Zoé,Junior,mentor,IT,Developer,en,AI tools:3,paul.senior@acme.example\n",
]
BAD_ROW = "marc.dupont@acme.example,Marc,Dupont,coach,Sales,Director,fr,AI tools:2,\n"
FIXED_ROW = BAD_ROW.replace("coach", "mentee")


def csv_file(rows):
    return {"name": "participants.csv", "mimeType": "text/csv", "buffer": (HEADER + "".join(rows)).encode()}


def test_hr_sets_up_a_programme_imports_people_and_an_invitee_enrols(page, screenshot, settings):
    settings.SITE_URL = page.live_server_url
    organization = OrganizationFactory(name="Acme Industries", slug="acme", default_language="en")
    member(organization, Role.HR_ADMIN, email="claire@acme.example", first_name="Claire", last_name="Dubois")
    sign_in(page, "claire@acme.example", DEFAULT_PASSWORD)

    page.get_by_role("link", name="Programmes").first.click()
    page.get_by_role("link", name="New programme").click()
    page.fill("input[name=name]", "Reverse mentoring 2030")
    page.fill("textarea[name=description]", "Executives learn digital habits from young colleagues.")
    page.get_by_label("Master new digital tools").check()
    page.fill("input[name=start_date]", "2030-01-15")
    page.fill("input[name=end_date]", "2030-12-15")
    page.fill("input[name=rotation_months]", "6")
    page.fill(
        "textarea[name=charter]", "## Our charter\n\n* **Confidentiality**: what is said stays in the pair."
    )
    page.get_by_role("button", name="Create the programme").click()
    page.wait_for_selector("text=Programme saved.")
    page.get_by_role("button", name="Move to “Open for enrolment”").click()
    page.wait_for_selector("text=The programme is now “Open for enrolment”.")
    screenshot("overview")

    page.get_by_role("link", name="Import participants").click()
    page.set_input_files("input[name=file]", csv_file(ROWS + [BAD_ROW]))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_selector("#import-errors")
    assert "Unknown role “coach”: write mentor or mentee." in page.locator("tr.table-danger").inner_text()
    assert "Nothing has been imported" in page.locator("#import-errors").inner_text()
    # All or nothing stays the default: no button imports the whole file; importing only the valid rows
    # is HR's explicit choice.
    assert page.get_by_role("button", name=re.compile(r"^Import \d+ (person|people)")).count() == 0
    assert page.get_by_role("button", name=re.compile("^Import only the")).count() == 1
    screenshot("import-errors")
    with tenant_context(organization):
        assert not Participant.objects.exists()

    page.get_by_role("link", name="Upload a corrected file").click()
    page.set_input_files("input[name=file]", csv_file(ROWS + [FIXED_ROW]))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_selector("text=All 4 rows are valid and ready to import.")
    page.get_by_role("button", name="Import 4 people").click()
    page.wait_for_selector("text=Import done: 4 added, 0 updated, 4 invitations sent.")
    assert page.locator("tbody tr").count() == 4
    screenshot("participants")

    invitation = next(message for message in mail.outbox if message.to == ["nina.nouvelle@acme.example"])
    link = re.search(r"http\S+/invitations/\S+/", invitation.body).group(0)
    page.locator("#account-menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    page.goto(link)
    assert page.input_value("input[name=first_name]") == "Nina"
    page.fill("input[name=password1]", DEFAULT_PASSWORD)
    page.fill("input[name=password2]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(re.compile(r"/o/acme/programmes/\d+/enrol/$"))
    assert "Confidentiality" in page.locator(".charter").inner_text()
    assert page.input_value("input[name=department]") == "Digital"
    page.fill("input[name=location]", "Lyon")
    page.fill("input[name=interests_text]", "climbing, photography")
    page.get_by_label("Tuesday lunchtime").check()
    page.get_by_label("Collaborative tools").select_option("2")
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_selector("text=You need to accept the charter to enrol.")
    page.get_by_label("I have read the charter and I accept it.").check()
    screenshot("enrolment")
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_selector("text=You are enrolled in Reverse mentoring 2030. Thank you!")
    screenshot("my-programmes")

    with tenant_context(organization):
        nina = Participant.objects.get(user__email="nina.nouvelle@acme.example")
        assert nina.status == Participant.Status.ENROLLED
        assert nina.charter_accepted_at is not None
        assert nina.availability == ["tue-lunch"]
        assert sorted(nina.skills.values_list("skill__name_en", "level")) == [
            ("Collaborative tools", 2),
            ("Social networks", 3),
        ]
