"""Single sign-on through a real OpenID Connect provider (npm oidc-provider, tests/idp/).

Acme's HR admin set up an IdP; acme.example is confirmed. Globex is another organisation, with its own
members: Acme's IdP must never reach them.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import BreakGlassSignIn, EmailDomain, IdentityProvider
from organizations.models import Membership, Person
from organizations.roles import Role
from organizations.tenancy import tenant_context
from tests.factories import DEFAULT_PASSWORD, InvitationFactory, MembershipFactory, UserFactory, member

User = get_user_model()


def make_idp(organization, oidc_idp, *, domain="acme.example", **policy):
    with tenant_context(organization):
        provider = IdentityProvider.objects.create(
            organization=organization, name="Acme Entra", server_url=oidc_idp.issuer, enabled=True, **policy
        )
        callback = f"/accounts/oidc/{provider.provider_id}/login/callback/"
        provider.client_id, provider.client_secret = oidc_idp.register_client(
            [f"http://testserver{callback}"]
        )
        provider.save()
        if domain:
            EmailDomain.objects.create(organization=organization, domain=domain, confirmed_at=timezone.now())
    return provider


def idp_person(oidc_idp, login="alice", **claims):
    defaults = {
        "sub": f"sub-{login}",
        "email": f"{login}@acme.example",
        "email_verified": True,
        "given_name": login.title(),
        "family_name": "Idp",
    }
    oidc_idp.set_accounts({login: {**defaults, **claims}})


def sso_sign_in(client, oidc_idp, email, login="alice"):
    response = client.post("/accounts/sign-in/", {"email": email, "continue": "1"})
    assert response.status_code == 302, response.content[:500]
    assert response["Location"].startswith(oidc_idp.issuer)
    back = urlsplit(oidc_idp.walk_to_callback(response["Location"], login))
    return client.get(f"{back.path}?{back.query}")


def signed_in_user(client):
    return User.objects.filter(pk=client.session.get("_auth_user_id")).first()


@pytest.fixture
def acme(organization):
    organization.name = "Acme"
    organization.save()
    return organization


class TestEmailFirst:
    def test_an_address_in_a_confirmed_domain_goes_to_its_idp(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp)
        offer = client.post("/accounts/sign-in/", {"email": "Someone@ACME.example"})
        assert "Continue with Acme Entra" in offer.content.decode()
        assert oidc_idp.issuer in offer["Content-Security-Policy"]
        response = client.post("/accounts/sign-in/", {"email": "Someone@ACME.example", "continue": "1"})
        assert response.status_code == 302
        query = parse_qs(urlsplit(response["Location"]).query)
        assert response["Location"].startswith(f"{oidc_idp.issuer}/auth")
        assert query["login_hint"] == ["someone@acme.example"]

    def test_a_domain_claimed_but_not_confirmed_gets_the_password_field(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp, domain=None)
        with tenant_context(acme):
            EmailDomain.objects.create(organization=acme, domain="acme.example")
        response = client.post("/accounts/sign-in/", {"email": "someone@acme.example"})
        assert response.status_code == 200
        assert b'name="password"' in response.content

    def test_it_answers_the_same_whether_the_address_has_an_account_or_not(self, client, acme):
        UserFactory(email="known@elsewhere.example")
        known = client.post("/accounts/sign-in/", {"email": "known@elsewhere.example"})
        unknown = client.post("/accounts/sign-in/", {"email": "nobody@elsewhere.example"})
        assert known.status_code == unknown.status_code == 200
        strip = lambda response, email: response.content.decode().replace(email, "")  # noqa: E731
        assert (
            strip(known, "known@elsewhere.example").split("csrfmiddlewaretoken")[0]
            == strip(unknown, "nobody@elsewhere.example").split("csrfmiddlewaretoken")[0]
        )

    def test_a_disabled_idp_sends_nobody(self, client, acme, oidc_idp):
        provider = make_idp(acme, oidc_idp)
        with tenant_context(acme):
            IdentityProvider.objects.filter(pk=provider.pk).update(enabled=False)
        response = client.post("/accounts/sign-in/", {"email": "someone@acme.example"})
        assert response.status_code == 200

    def test_the_email_step_is_rate_limited(self, client, acme, settings):
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "sso_email_first": "3/m/ip"}
        codes = [client.post("/accounts/sign-in/", {"email": "a@b.example"}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]


class TestJustInTime:
    def test_off_refuses_a_newcomer_and_creates_nothing(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp, jit=IdentityProvider.JoinPolicy.OFF)
        idp_person(oidc_idp)
        response = sso_sign_in(client, oidc_idp, "alice@acme.example")
        assert response.status_code == 403
        assert b"does not let people join" in response.content
        assert not User.objects.filter(email="alice@acme.example").exists()
        assert not SocialAccount.objects.exists()

    def test_off_still_signs_in_an_existing_member_and_links_the_subject(self, client, acme, oidc_idp):
        provider = make_idp(acme, oidc_idp, jit=IdentityProvider.JoinPolicy.OFF)
        alice = member(acme, Role.MENTOR, email="alice@acme.example")
        idp_person(oidc_idp)
        response = sso_sign_in(client, oidc_idp, "alice@acme.example")
        assert response.status_code == 302
        assert signed_in_user(client) == alice
        assert SocialAccount.objects.get(user=alice).provider == provider.provider_id

    def test_as_role_makes_a_newcomer_a_member_with_the_idps_names(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp, jit=IdentityProvider.JoinPolicy.AS_ROLE, jit_role=Role.MENTEE)
        idp_person(oidc_idp, given_name="Alice", family_name="Durand")
        response = sso_sign_in(client, oidc_idp, "alice@acme.example")
        assert response.status_code == 302
        alice = User.objects.get(email="alice@acme.example")
        assert signed_in_user(client) == alice
        assert not alice.has_usable_password()
        with tenant_context(acme):
            assert list(Membership.objects.filter(user=alice).values_list("role", flat=True)) == [Role.MENTEE]
            person = Person.objects.get(user=alice)
        assert (person.first_name, person.last_name) == ("Alice", "Durand")

    def test_the_idps_names_are_kept_on_one_line(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp, jit=IdentityProvider.JoinPolicy.AS_ROLE, jit_role=Role.MENTEE)
        idp_person(oidc_idp, given_name="Alice\r\nBcc: x@evil.example", family_name="D" * 300)
        sso_sign_in(client, oidc_idp, "alice@acme.example")
        with tenant_context(acme):
            person = Person.objects.get(user__email="alice@acme.example")
        assert person.first_name == "Alice Bcc: x@evil.example"
        assert person.last_name == "D" * 150

    def test_invited_only_refuses_someone_not_invited(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp, jit=IdentityProvider.JoinPolicy.INVITED)
        idp_person(oidc_idp)
        response = sso_sign_in(client, oidc_idp, "alice@acme.example")
        assert response.status_code == 403
        assert b"only people it invited" in response.content
        assert not User.objects.filter(email="alice@acme.example").exists()

    def test_invited_only_lets_an_invitee_join_with_the_invitations_role(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp, jit=IdentityProvider.JoinPolicy.INVITED)
        invitation = InvitationFactory(organization=acme, email="alice@acme.example", role=Role.EXECUTIVE)
        idp_person(oidc_idp)
        response = sso_sign_in(client, oidc_idp, "alice@acme.example")
        assert response.status_code == 302
        alice = User.objects.get(email="alice@acme.example")
        with tenant_context(acme):
            assert list(Membership.objects.filter(user=alice).values_list("role", flat=True)) == [
                Role.EXECUTIVE
            ]
            invitation.refresh_from_db()
        assert invitation.accepted_by == alice


class TestSubjectMatching:
    def test_the_subject_decides_even_when_the_email_claim_changes(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp, jit=IdentityProvider.JoinPolicy.AS_ROLE, jit_role=Role.MENTEE)
        idp_person(oidc_idp)
        sso_sign_in(client, oidc_idp, "alice@acme.example")
        alice = User.objects.get(email="alice@acme.example")
        client.logout()
        member(acme, Role.HR_ADMIN, email="boss@acme.example")
        idp_person(oidc_idp, email="boss@acme.example")
        response = sso_sign_in(client, oidc_idp, "alice@acme.example")
        assert response.status_code == 302
        assert signed_in_user(client) == alice

    def test_an_unverified_email_outside_the_confirmed_domains_links_nothing(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp, jit=IdentityProvider.JoinPolicy.AS_ROLE, jit_role=Role.MENTEE)
        victim = member(acme, Role.HR_ADMIN, email="hr@partner.example")
        idp_person(oidc_idp, email="hr@partner.example", email_verified=False)
        response = sso_sign_in(client, oidc_idp, "alice@acme.example")
        assert response.status_code == 403
        assert signed_in_user(client) is None
        assert not SocialAccount.objects.filter(user=victim).exists()

    def test_an_unverified_email_in_a_confirmed_domain_is_trusted(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp)
        alice = member(acme, Role.MENTOR, email="alice@acme.example")
        idp_person(oidc_idp, email_verified=False)
        assert sso_sign_in(client, oidc_idp, "alice@acme.example").status_code == 302
        assert signed_in_user(client) == alice


class TestCrossOrganisation:
    def test_acmes_idp_asserting_a_globex_members_email_gets_nothing(
        self, client, acme, other_organization, oidc_idp
    ):
        make_idp(acme, oidc_idp, jit=IdentityProvider.JoinPolicy.AS_ROLE, jit_role=Role.HR_ADMIN)
        gaston = member(other_organization, Role.HR_ADMIN, email="gaston@globex.example")
        idp_person(oidc_idp, email="gaston@globex.example", email_verified=True)
        response = sso_sign_in(client, oidc_idp, "alice@acme.example")
        assert response.status_code == 403
        assert b"not part of Acme" in response.content
        assert signed_in_user(client) is None
        assert not SocialAccount.objects.filter(user=gaston).exists()
        with tenant_context(acme):
            assert not Membership.objects.filter(user=gaston).exists()
        assert client.get(f"/o/{other_organization.slug}/").status_code == 302  # to the sign-in page

    def test_an_sso_session_reaches_only_the_idps_organisation(
        self, client, acme, other_organization, oidc_idp
    ):
        make_idp(acme, oidc_idp)
        both = member(acme, Role.MENTOR, email="alice@acme.example")
        MembershipFactory(organization=other_organization, user=both, role=Role.HR_ADMIN)
        idp_person(oidc_idp)
        sso_sign_in(client, oidc_idp, "alice@acme.example")
        assert signed_in_user(client) == both
        assert client.get(f"/o/{acme.slug}/").status_code == 200
        assert client.get(f"/o/{other_organization.slug}/").status_code == 404
        assert client.get(f"/o/{other_organization.slug}/members/").status_code == 404
        assert client.get("/")["Location"] == f"/o/{acme.slug}/"  # the switcher offers Acme only

    def test_a_password_session_is_not_restricted(self, client, acme, other_organization):
        both = member(acme, Role.MENTOR, email="both@elsewhere.example")
        MembershipFactory(organization=other_organization, user=both, role=Role.MENTOR)
        client.force_login(both)
        assert client.get(f"/o/{other_organization.slug}/").status_code == 200


class TestSsoRequired:
    def test_a_password_is_refused_with_a_pointer_to_the_idp(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp, sso_required=True)
        member(acme, Role.HR_ADMIN, email="hr@acme.example")
        response = client.post("/accounts/login/", {"login": "hr@acme.example", "password": DEFAULT_PASSWORD})
        assert signed_in_user(client) is None
        assert "continue with Acme Entra" in response.content.decode()

    def test_without_sso_required_the_password_still_works(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp, sso_required=False)
        hr = member(acme, Role.HR_ADMIN, email="hr@acme.example")
        client.post("/accounts/login/", {"login": "hr@acme.example", "password": DEFAULT_PASSWORD})
        assert signed_in_user(client) == hr

    def test_the_admin_login_refuses_the_password_too(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp, sso_required=True)
        member(acme, Role.HR_ADMIN, email="it@acme.example", is_staff=True)
        client.post("/admin/login/", {"username": "it@acme.example", "password": DEFAULT_PASSWORD})
        assert signed_in_user(client) is None

    def test_staff_break_glass_signs_in_and_is_recorded(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp, sso_required=True)
        staff = member(acme, Role.HR_ADMIN, email="it@acme.example", is_staff=True)
        response = client.post(
            "/accounts/break-glass/",
            {"email": "it@acme.example", "password": DEFAULT_PASSWORD, "reason": "Entra is down"},
        )
        assert response.status_code == 302
        assert signed_in_user(client) == staff
        record = BreakGlassSignIn.objects.get()
        assert (record.user, record.reason) == (staff, "Entra is down")

    def test_break_glass_refuses_someone_who_is_not_staff(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp, sso_required=True)
        member(acme, Role.HR_ADMIN, email="hr@acme.example")
        client.post(
            "/accounts/break-glass/",
            {"email": "hr@acme.example", "password": DEFAULT_PASSWORD, "reason": "I forgot"},
        )
        assert signed_in_user(client) is None
        assert not BreakGlassSignIn.objects.exists()

    def test_break_glass_is_rate_limited(self, client, acme, settings):
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "break_glass": "2/h/ip"}
        data = {"email": "x@acme.example", "password": "wrong-password", "reason": "test"}
        codes = [client.post("/accounts/break-glass/", data).status_code for _ in range(3)]
        assert codes == [200, 200, 429]


class TestTestConnection:
    def test_it_shows_the_claims_and_signs_nobody_in(self, client, acme, oidc_idp, hr_admin):
        make_idp(acme, oidc_idp, jit=IdentityProvider.JoinPolicy.AS_ROLE, jit_role=Role.MENTEE)
        idp_person(oidc_idp, login="tester", given_name="Théo")
        client.force_login(hr_admin)
        response = client.post(f"/o/{acme.slug}/security/sso/test/")
        assert response["Location"].startswith(oidc_idp.issuer)
        back = urlsplit(oidc_idp.walk_to_callback(response["Location"], "tester"))
        result = client.get(f"{back.path}?{back.query}")
        assert result.status_code == 200
        body = result.content.decode()
        assert "sub-tester" in body and "tester@acme.example" in body and "Théo" in body
        assert signed_in_user(client) == hr_admin
        assert not User.objects.filter(email="tester@acme.example").exists()
        assert not SocialAccount.objects.exists()

    def test_a_round_trip_marked_as_a_test_but_not_started_here_shows_nothing(
        self, client, acme, oidc_idp, hr_admin
    ):
        make_idp(acme, oidc_idp)
        idp_person(oidc_idp, login="tester")
        client.force_login(hr_admin)
        response = client.post(f"/o/{acme.slug}/security/sso/test/")
        session = client.session
        del session["binome_test_connection"]
        session.save()
        back = urlsplit(oidc_idp.walk_to_callback(response["Location"], "tester"))
        result = client.get(f"{back.path}?{back.query}")
        assert result.status_code == 302
        assert "sub-tester" not in result.content.decode()


class TestPersonalData:
    def test_the_export_lists_linked_identities_and_erasure_unlinks_them(self, client, acme, oidc_idp):
        from accounts.personal_data import erase_personal_data, personal_data

        make_idp(acme, oidc_idp, jit=IdentityProvider.JoinPolicy.AS_ROLE, jit_role=Role.MENTEE)
        member(acme, Role.HR_ADMIN, email="boss@acme.example")
        idp_person(oidc_idp)
        sso_sign_in(client, oidc_idp, "alice@acme.example")
        alice = User.objects.get(email="alice@acme.example")
        identities = personal_data(user=alice)["account"]["single_sign_on"]
        assert [(entry["organisation"], entry["subject"]) for entry in identities] == [("Acme", "sub-alice")]
        erase_personal_data(user=alice)
        assert not SocialAccount.objects.filter(user=alice).exists()


class TestSocialApps:
    def test_no_lookup_lists_every_organisations_idp(self, rf, acme, oidc_idp):
        from accounts.social_adapter import SocialAccountAdapter

        make_idp(acme, oidc_idp)
        request = rf.get("/")
        request.session = {}
        adapter = SocialAccountAdapter(request)
        assert adapter.list_apps(request) == []
        assert adapter.list_apps(request, provider="openid_connect") == []
        assert adapter.list_providers(request) == []

    def test_the_app_is_built_from_the_identity_provider(self, rf, acme, oidc_idp):
        from accounts.social_adapter import SocialAccountAdapter

        provider = make_idp(acme, oidc_idp)
        request = rf.get("/")
        request.session = {}
        app = SocialAccountAdapter(request).get_app(request, provider=provider.provider_id)
        assert (app.provider, app.client_id, app.settings["server_url"]) == (
            "openid_connect",
            provider.client_id,
            oidc_idp.issuer,
        )
        assert app.pk is None  # nothing stored in allauth's SocialApp table

    def test_a_saml_app_is_found_by_the_organisations_slug_once_a_builder_is_registered(
        self, rf, acme, monkeypatch
    ):
        from allauth.socialaccount.models import SocialApp

        from accounts import social_adapter

        with tenant_context(acme):
            IdentityProvider.objects.create(
                organization=acme,
                name="ADFS",
                protocol="saml",
                metadata_xml="<EntityDescriptor/>",
                enabled=True,
            )
        monkeypatch.setitem(
            social_adapter.APP_BUILDERS,
            IdentityProvider.Protocol.SAML,
            lambda provider: SocialApp(
                provider="saml", provider_id=provider.provider_id, client_id=acme.slug
            ),
        )
        request = rf.get("/")
        request.session = {}
        adapter = social_adapter.SocialAccountAdapter(request)
        assert adapter.get_app(request, provider="saml", client_id=acme.slug).client_id == acme.slug
        assert adapter.list_apps(request, provider="saml", client_id="globex") == []

    def test_test_connection_works_before_the_idp_is_enabled(self, client, acme, oidc_idp, hr_admin):
        provider = make_idp(acme, oidc_idp)
        with tenant_context(acme):
            IdentityProvider.objects.filter(pk=provider.pk).update(enabled=False)
        idp_person(oidc_idp, login="tester")
        client.force_login(hr_admin)
        response = client.post(f"/o/{acme.slug}/security/sso/test/")
        back = urlsplit(oidc_idp.walk_to_callback(response["Location"], "tester"))
        assert "sub-tester" in client.get(f"{back.path}?{back.query}").content.decode()
        assert (
            client.post("/accounts/sign-in/", {"email": "x@acme.example", "continue": "1"}).status_code == 200
        )


class TestInvitationThroughSso:
    def test_an_invitee_of_an_sso_required_organisation_joins_through_the_idp_even_with_jit_off(
        self, client, acme, oidc_idp
    ):
        from organizations.services import invitation_token

        make_idp(acme, oidc_idp, sso_required=True, jit=IdentityProvider.JoinPolicy.OFF)
        invitation = InvitationFactory(organization=acme, email="alice@acme.example", role=Role.MENTOR)
        idp_person(oidc_idp)
        link = f"/invitations/{invitation_token(invitation)}/"
        page = client.get(link).content.decode()
        assert "Continue with Acme Entra" in page and 'name="password1"' not in page
        response = client.post(link, {"sso": "1"})
        assert response["Location"].startswith(oidc_idp.issuer)
        back = urlsplit(oidc_idp.walk_to_callback(response["Location"], "alice"))
        assert client.get(f"{back.path}?{back.query}").status_code == 302
        alice = User.objects.get(email="alice@acme.example")
        assert signed_in_user(client) == alice
        with tenant_context(acme):
            assert list(Membership.objects.filter(user=alice).values_list("role", flat=True)) == [Role.MENTOR]

    def test_the_idp_must_assert_the_invited_address(self, client, acme, oidc_idp):
        from organizations.services import invitation_token

        make_idp(acme, oidc_idp, sso_required=True, jit=IdentityProvider.JoinPolicy.OFF)
        invitation = InvitationFactory(organization=acme, email="alice@acme.example", role=Role.HR_ADMIN)
        idp_person(oidc_idp, login="mallory", email="mallory@acme.example")
        response = client.post(f"/invitations/{invitation_token(invitation)}/", {"sso": "1"})
        back = urlsplit(oidc_idp.walk_to_callback(response["Location"], "mallory"))
        assert client.get(f"{back.path}?{back.query}").status_code == 403
        assert not User.objects.filter(email="mallory@acme.example").exists()

    def test_without_sso_required_the_invitee_still_chooses_a_password(self, client, acme, oidc_idp):
        from organizations.services import invitation_token

        make_idp(acme, oidc_idp, sso_required=False)
        invitation = InvitationFactory(organization=acme, email="alice@acme.example", role=Role.MENTOR)
        assert (
            'name="password1"' in client.get(f"/invitations/{invitation_token(invitation)}/").content.decode()
        )


class TestSignInDetails:
    def test_the_callback_is_rate_limited(self, client, acme, oidc_idp, settings):
        provider = make_idp(acme, oidc_idp)
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "sso_callback": "2/m/ip"}
        url = f"/accounts/oidc/{provider.provider_id}/login/callback/?code=x&state=y"
        codes = [client.get(url).status_code for _ in range(3)]
        assert codes[-1] == 429 and 429 not in codes[:2]

    def test_the_person_lands_on_the_page_they_asked_for(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp)
        member(acme, Role.MENTOR, email="alice@acme.example")
        idp_person(oidc_idp)
        next_url = f"/o/{acme.slug}/notifications/"
        response = client.post(
            "/accounts/sign-in/", {"email": "alice@acme.example", "continue": "1", "next": next_url}
        )
        back = urlsplit(oidc_idp.walk_to_callback(response["Location"], "alice"))
        assert client.get(f"{back.path}?{back.query}")["Location"] == next_url

    def test_an_outside_next_address_is_dropped(self, client, acme, oidc_idp):
        make_idp(acme, oidc_idp)
        member(acme, Role.MENTOR, email="alice@acme.example")
        idp_person(oidc_idp)
        response = client.post(
            "/accounts/sign-in/",
            {"email": "alice@acme.example", "continue": "1", "next": "https://evil.example/"},
        )
        back = urlsplit(oidc_idp.walk_to_callback(response["Location"], "alice"))
        assert "evil" not in client.get(f"{back.path}?{back.query}")["Location"]

    def test_connecting_an_identity_to_the_signed_in_account_is_refused(
        self, client, acme, oidc_idp, hr_admin
    ):
        provider = make_idp(acme, oidc_idp)
        member(acme, Role.MENTOR, email="alice@acme.example")
        idp_person(oidc_idp)
        client.force_login(hr_admin)
        response = client.post(f"/accounts/oidc/{provider.provider_id}/login/", {"process": "connect"})
        back = urlsplit(oidc_idp.walk_to_callback(response["Location"], "alice"))
        client.get(f"{back.path}?{back.query}")
        assert not SocialAccount.objects.exists()
        assert signed_in_user(client) == hr_admin


def test_the_password_page_leads_to_single_sign_on_keeping_next(client, db):
    page = client.get("/accounts/login/?next=/o/acme/").content.decode()
    assert 'href="/accounts/sign-in/?next=/o/acme/"' in page
