from django.urls import reverse

from accounts.models import User
from organizations.roles import Role
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory, member

from .conftest import sign_in


def test_a_person_finds_tokyo_by_typing_in_the_time_zone_search_box(page, screenshot):
    organization = OrganizationFactory(name="Acme", slug="acme", default_language="en")
    person = member(organization, Role.MENTEE, email="ines@acme.example", language="en")

    sign_in(page, "ines@acme.example", DEFAULT_PASSWORD)
    page.goto(page.live_server_url + reverse("preferences"))
    search = page.get_by_role("searchbox", name="Search time zones")
    assert page.locator("#id_time_zone option:checked").inner_text().startswith("Paris (UTC")
    search.fill("toky")
    visible = page.locator("#id_time_zone option:not([hidden])")
    assert visible.all_inner_texts() == [page.locator("#id_time_zone option:checked").inner_text()]
    assert page.locator("#id_time_zone").input_value() == "Asia/Tokyo"
    screenshot("time-zone-picker")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert User.objects.get(pk=person.pk).time_zone == "Asia/Tokyo"


def test_accents_and_city_names_both_find_a_zone(page):
    organization = OrganizationFactory(name="Acme", slug="acme", default_language="en")
    member(organization, Role.MENTEE, email="ines@acme.example", language="en")

    sign_in(page, "ines@acme.example", DEFAULT_PASSWORD)
    page.goto(page.live_server_url + reverse("preferences"))
    page.get_by_role("searchbox", name="Search time zones").fill("São Paulo")
    assert page.locator("#id_time_zone").input_value() == "America/Sao_Paulo"
