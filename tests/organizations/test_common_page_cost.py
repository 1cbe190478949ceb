"""What every signed-in organisation page pays before its own content: the session, the person read with
their memberships (one query), and the layout's navigation bar, rendered once per process for what it
shows (``{% navigation_bar %}``), never stale."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.template import RequestContext, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from mentoring import fragments
from organizations.access import READ_WITH_PERSON, get_member
from organizations.roles import Role
from organizations.tenancy import tenant_context
from tests.factories import MembershipFactory, OrganizationFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def home(organization):
    return reverse("organization_home", kwargs={"org_slug": organization.slug})


def test_an_organisation_page_reads_the_session_and_the_person_with_their_memberships_only(
    organization, other_organization, client_for, mentee_user, django_assert_num_queries
):
    MembershipFactory(organization=other_organization, user=mentee_user, role=Role.MENTOR)
    client = client_for(mentee_user)
    client.get(home(organization))
    # The session; the person with every membership and its organisation (roles here, the switcher).
    with django_assert_num_queries(2) as queries:
        page = client.get(home(organization))
    assert page.status_code == 200
    assert '"accounts_user"' in queries.captured_queries[1]["sql"]
    assert [o.slug for o in page.context["my_organizations"]] == ["acme", "globex"]


def test_a_person_without_any_membership_is_read_alone(db, client):
    from tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("preferences"))
    assert page.status_code == 200
    assert page.context["user"] == user


def test_get_member_reads_the_memberships_again_unless_told_they_were_read_with_the_person(
    organization, mentee_user, django_assert_num_queries
):
    setattr(mentee_user, READ_WITH_PERSON, [])  # as if the person had had none when they were read
    with django_assert_num_queries(1):
        assert get_member(mentee_user, organization.slug).roles == {Role.MENTEE}
    with django_assert_num_queries(0), pytest.raises(Http404):
        get_member(mentee_user, organization.slug, read_with_person=True)


def test_a_role_removed_between_two_requests_is_gone_from_the_next(organization, client_for, hr_admin):
    client = client_for(hr_admin)
    assert client.get(reverse("members", kwargs={"org_slug": organization.slug})).status_code == 200
    MembershipFactory(organization=organization, user=hr_admin, role=Role.MENTEE)
    with tenant_context(organization):
        hr_admin.memberships.filter(role=Role.HR_ADMIN).delete()
    assert client.get(reverse("members", kwargs={"org_slug": organization.slug})).status_code == 403


def _both_bars(request):
    """The template's own rendering and the memoized one, from the same request context (same token)."""
    template = Template(
        '{% load navigation %}{% include "includes/navigation.html" %}<!--split-->{% navigation_bar %}'
    )
    html = template.render(RequestContext(request, {}))
    included, memoized = html.split("<!--split-->")
    return included, memoized


def _request(user, path):
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import resolve

    request = RequestFactory().get(path)
    request.user = user
    request.session = SessionStore()
    request.resolver_match = resolve(path)
    return request


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_bar_is_the_html_the_template_renders_with_the_whole_request(
    organization, other_organization, hr_admin, language
):
    MembershipFactory(organization=other_organization, user=hr_admin, role=Role.EXECUTIVE)
    request = _request(hr_admin, home(organization))
    request.member = get_member(hr_admin, organization.slug)
    with translation.override(language):
        for _ in range(2):  # rendered, then from the memo
            included, memoized = _both_bars(request)
            assert memoized == included
    assert 'id="organization-switcher"' in memoized
    assert 'class="dropdown-item active" href="/o/acme/" aria-current="page">Acme<' in memoized
    assert TOKEN.search(memoized)


def test_the_bar_of_someone_signed_out_or_outside_any_organisation_is_the_template_s(db, outsider):
    for user in (AnonymousUser(), outsider):
        request = _request(user, reverse("preferences"))
        for _ in range(2):
            included, memoized = _both_bars(request)
            assert memoized == included


def test_the_bar_shows_a_new_name_a_new_role_and_a_new_organisation_at_the_next_page(
    organization, client_for, mentee_user
):
    client = client_for(mentee_user)
    assert "Members</a>" not in client.get(home(organization)).content.decode()

    organization.name = "Acme Renamed"
    organization.save()
    mentee_user.first_name, mentee_user.last_name = "Zoé", "Nouveau"
    mentee_user.save()
    MembershipFactory(organization=organization, user=mentee_user, role=Role.HR_ADMIN)
    MembershipFactory(organization=OrganizationFactory(name="Zenith", slug="zenith"), user=mentee_user)
    page = client.get(home(organization)).content.decode()

    assert "· Acme Renamed</span>" in page
    assert "Zoé Nouveau</button>" in page
    assert f'href="{reverse("members", kwargs={"org_slug": "acme"})}">Members</a>' in page
    assert 'href="/o/zenith/">Zenith</a>' in page


def test_the_bar_s_sign_out_form_carries_this_request_s_token(organization, mentee_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentee_user)
    client.get(home(organization))
    page = client.get(home(organization)).content.decode()  # the bar from the memo
    tokens = TOKEN.findall(page)
    assert len(tokens) == 2 and tokens[0] == tokens[1]  # the bar's sign-out form and the language form

    signed_out = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": tokens[0]})
    assert signed_out.status_code == 302
    assert client.get(home(organization)).status_code == 302  # to the sign-in page


def test_the_memo_forgets_least_recently_used_bars_first(organization, monkeypatch, db):
    monkeypatch.setattr(fragments, "MAX_ENTRIES", 2)
    for slug in ("a", "b", "c"):
        fragments.render_fragment("includes/messages.html", slug, dict)
    assert len(fragments._memo) == 2
    assert [key[1] for key in fragments._memo] == ["b", "c"]


def _both_footers(request):
    """What base.html rendered inline before the footer was memoized, and the memoized one, from the same
    request context (the same token)."""
    from pathlib import Path

    from django.conf import settings

    source = (Path(settings.BASE_DIR) / "templates/includes/footer.html").read_text()
    source = source.replace("{{ next }}", "{{ request.get_full_path }}").removesuffix("\n")
    template = Template(
        "{% load i18n layout %}{% get_current_language as LANGUAGE_CODE %}"
        + source.removeprefix("{% load i18n %}")
        + "<!--split-->{% layout_footer %}"
    )
    inline, memoized = template.render(RequestContext(request, {})).split("<!--split-->")
    return inline, memoized


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_footer_shows_each_request_its_own_address_and_token(db, language):
    with translation.override(language):
        for query in ("?a=1&b=<2>", "?other=1&c=%22"):  # rendered, then from the memo
            request = RequestFactory().get("/o/acme/" + query)
            inline, memoized = _both_footers(request)
            assert memoized == inline
            assert "&amp;" in escape(request.get_full_path())
            assert f'name="next" type="hidden" value="{escape(request.get_full_path())}"' in memoized
            assert TOKEN.search(memoized)
    assert f' selected lang="{language}">' in memoized
