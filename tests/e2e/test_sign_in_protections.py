import re

from django.contrib.auth import get_user_model

from organizations.roles import Role
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory, member

from .conftest import sign_in


def test_a_stranger_is_refused_at_sign_up_and_no_account_is_created(page, screenshot):
    page.goto("/accounts/login/")
    assert page.get_by_role("link", name=re.compile("sign up", re.I)).count() == 0
    assert page.get_by_text("invitation your HR team sends you").is_visible()

    page.goto("/accounts/signup/")
    page.get_by_role("heading", name="Accounts come by invitation").wait_for()
    assert page.get_by_text("Ask your HR team for an invitation").is_visible()
    assert page.locator("input[name=password1]").count() == 0
    screenshot("sign-up-closed")

    # The stranger posts the form anyway, with the page's own CSRF token, as a script would.
    page.evaluate(
        """() => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = "/accounts/signup/";
            const fields = {
                csrfmiddlewaretoken: document.querySelector("[name=csrfmiddlewaretoken]").value,
                email: "stranger@elsewhere.example",
                password1: "a-brand-new-passphrase-7",
                password2: "a-brand-new-passphrase-7",
            };
            for (const [name, value] of Object.entries(fields)) {
                const input = document.createElement("input");
                input.type = "hidden";
                input.name = name;
                input.value = value;
                form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }"""
    )
    page.wait_for_load_state()
    page.get_by_role("heading", name="Accounts come by invitation").wait_for()
    assert not get_user_model().objects.filter(email="stranger@elsewhere.example").exists()
    assert get_user_model().objects.count() == 0


def test_sign_out_everywhere_signs_the_other_browser_out(page, browser, live_server, screenshot):
    organization = OrganizationFactory(name="Acme Industries", slug="acme", default_language="en")
    member(organization, Role.MENTOR, email="ada@acme.example", first_name="Ada")
    phone_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    phone = phone_context.new_page()
    try:
        sign_in(phone, "ada@acme.example", DEFAULT_PASSWORD)
        phone.wait_for_url(re.compile(r"/o/acme/$"))
        sign_in(page, "ada@acme.example", DEFAULT_PASSWORD)
        page.wait_for_url(re.compile(r"/o/acme/$"))

        page.locator("#account-menu").click()
        page.get_by_role("link", name="Preferences").click()
        sign_ins = page.get_by_test_id("open-sign-ins").locator("li")
        assert sign_ins.count() == 2
        assert sign_ins.filter(has_text="This browser").count() == 1
        screenshot("security-section")

        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Sign out everywhere").click()
        page.wait_for_url(re.compile(r"/accounts/login/$"))
        assert page.get_by_text("You are signed out everywhere").is_visible()
        screenshot("signed-out-everywhere")

        phone.goto("/accounts/preferences/")
        phone.wait_for_url(re.compile(r"/accounts/login/\?next="))
        assert phone.get_by_role("button", name="Sign In", exact=True).is_visible()
    finally:
        phone_context.close()
