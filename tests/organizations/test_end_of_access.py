"""Access ends everywhere at once: a role removed, a person removed, an account deactivated or erased.

Camille is a mentee at Acme (partner: Bernard) and a mentor at Globex (partner: Gaston). Each
organisation gave her a calendar feed; Acme also sent her a survey and has an invitation pending for her.
"""

from dataclasses import dataclass
from importlib import import_module

import icalendar
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.personal_data import erase_personal_data
from notifications.models import Notification
from notifications.tokens import unsubscribe_url
from organizations import services
from organizations.models import Invitation, Membership
from organizations.roles import Role
from organizations.tenancy import tenant_context, unscoped
from sessions import services as session_services
from sessions.models import CalendarFeed
from surveys.defaults import ensure_default_templates
from surveys.models import SurveyResponse, SurveyTemplate
from surveys.notifications import SURVEY_INVITATION
from surveys.services import send_survey
from surveys.tokens import response_token
from tests.factories import InvitationFactory, PairFactory, ProgrammeFactory, SessionFactory, in_days, member
from tests.notifications.helpers import run_dispatcher

ACME_ROOM = "https://video.example/acme-room-42"
GLOBEX_ROOM = "https://video.example/globex-room-7"


@dataclass
class World:
    person: object
    partner: object
    globex_partner: object
    acme_feed: object
    globex_feed: object
    partner_feed: object
    survey: object
    partner_survey: object
    browser: Client
    partner_browser: Client


def _signed_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


def _survey(organization, participant, key):
    with tenant_context(organization):
        ensure_default_templates(participant.programme, "en")
        template = SurveyTemplate.objects.get(
            programme=participant.programme, moment=SurveyTemplate.Moment.BASELINE, audience=participant.role
        )
        return send_survey(template=template, participant=participant, key=key)


@pytest.fixture
def world(organization, other_organization, hr_admin):
    person = member(organization, email="camille@acme.example", first_name="Camille")
    partner = member(organization, email="bernard@acme.example", first_name="Bernard")
    globex_partner = member(other_organization, email="gaston@globex.example", first_name="Gaston")
    acme_pair = PairFactory(
        organization=organization,
        programme=ProgrammeFactory(organization=organization),
        mentor__user=partner,
        mentee__user=person,
    )
    globex_pair = PairFactory(
        organization=other_organization,
        programme=ProgrammeFactory(organization=other_organization),
        mentor__user=person,
        mentee__user=globex_partner,
    )
    SessionFactory(organization=organization, pair=acme_pair, starts_at=in_days(3), location=ACME_ROOM)
    SessionFactory(
        organization=other_organization, pair=globex_pair, starts_at=in_days(4), location=GLOBEX_ROOM
    )
    with tenant_context(organization):
        acme_feed = session_services.create_calendar_feed(organization=organization, user=person)
        partner_feed = session_services.create_calendar_feed(organization=organization, user=partner)
    with tenant_context(other_organization):
        globex_feed = session_services.create_calendar_feed(organization=other_organization, user=person)
    InvitationFactory(organization=organization, email=person.email, role=Role.EXECUTIVE)
    InvitationFactory(organization=organization, email=partner.email, role=Role.EXECUTIVE)
    InvitationFactory(organization=other_organization, email=person.email, role=Role.EXECUTIVE)
    return World(
        person=person,
        partner=partner,
        globex_partner=globex_partner,
        acme_feed=acme_feed,
        globex_feed=globex_feed,
        partner_feed=partner_feed,
        survey=_survey(organization, acme_pair.mentee, "baseline:camille"),
        partner_survey=_survey(organization, acme_pair.mentor, "baseline:bernard"),
        browser=_signed_in(person),
        partner_browser=_signed_in(partner),
    )


def _feed(feed):
    return Client().get(reverse("calendar_feed", kwargs={"token": feed.token}))


def _survey_page(response):
    return Client().get(reverse("survey_answer", kwargs={"token": response_token(response)}))


def _signed_out(browser):
    """The session is gone from the store (not merely refused), and the next page asks to sign in."""
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    in_store = import_module(settings.SESSION_ENGINE).SessionStore().exists(key)
    response = browser.get(reverse("my_data"))
    return not in_store and response.status_code == 302 and "/accounts/login/" in response["Location"]


def _pending_invitations(organization, email):
    with tenant_context(organization):
        return list(Invitation.objects.filter(email=email, accepted_at=None, revoked_at=None))


def _hr_removes_every_role(hr_admin, organization, person):
    browser = _signed_in(hr_admin)
    with tenant_context(organization):
        roles = list(Membership.objects.filter(user=person).values_list("role", flat=True))
    for role in roles:
        url = reverse(
            "remove_role", kwargs={"org_slug": organization.slug, "user_id": person.pk, "role": role}
        )
        assert browser.post(url).status_code == 302


def _assert_acme_access_ended(world, organization):
    feed = _feed(world.acme_feed)
    assert feed.status_code == 404
    assert world.partner.email.encode() not in feed.content
    assert ACME_ROOM.encode() not in feed.content
    assert _survey_page(world.survey).status_code == 410
    assert _pending_invitations(organization, world.person.email) == []
    assert _signed_out(world.browser)


def _assert_nothing_of_the_partner_ended(world, organization):
    assert _feed(world.partner_feed).status_code == 200
    assert _survey_page(world.partner_survey).status_code == 200
    assert len(_pending_invitations(organization, world.partner.email)) == 1
    assert not _signed_out(world.partner_browser)


def test_it_ends_everything_when_hr_removes_the_last_role(world, hr_admin, organization):
    _hr_removes_every_role(hr_admin, organization, world.person)
    _assert_acme_access_ended(world, organization)
    _assert_nothing_of_the_partner_ended(world, organization)


def test_it_keeps_only_the_other_organisations_feed(world, hr_admin, organization, other_organization):
    _hr_removes_every_role(hr_admin, organization, world.person)
    response = _feed(world.globex_feed)
    assert response.status_code == 200
    assert ACME_ROOM.encode() not in response.content and world.partner.email.encode() not in response.content
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["LOCATION"]) for event in events] == [GLOBEX_ROOM]
    assert len(_pending_invitations(other_organization, world.person.email)) == 1


def test_it_closes_the_feed_and_surveys_with_the_last_pair_role_and_signs_out(world, hr_admin, organization):
    with tenant_context(organization):
        Membership.objects.create(user=world.person, role=Role.EXECUTIVE)
    services.remove_role(organization=organization, user=world.person, role=Role.MENTEE, removed_by=hr_admin)
    assert _feed(world.acme_feed).status_code == 404
    assert _survey_page(world.survey).status_code == 410
    assert _signed_out(world.browser)
    world.browser.force_login(world.person)
    assert world.browser.get(f"/o/{organization.slug}/").status_code == 200, "signed in again: what is left"


def test_removing_another_role_keeps_the_feed(world, hr_admin, organization):
    with tenant_context(organization):
        Membership.objects.create(user=world.person, role=Role.EXECUTIVE)
    services.remove_role(
        organization=organization, user=world.person, role=Role.EXECUTIVE, removed_by=hr_admin
    )
    assert _feed(world.acme_feed).status_code == 200
    assert _survey_page(world.survey).status_code == 200
    assert _signed_out(world.browser), "a role taken away ends the open sessions (tests/accounts)"


def test_removing_a_role_withdraws_the_pending_invitation_to_that_role(world, hr_admin, organization):
    with tenant_context(organization):
        Membership.objects.create(user=world.person, role=Role.EXECUTIVE)
        InvitationFactory(organization=organization, email=world.person.email, role=Role.MENTOR)
    services.remove_role(
        organization=organization, user=world.person, role=Role.EXECUTIVE, removed_by=hr_admin
    )
    assert [invitation.role for invitation in _pending_invitations(organization, world.person.email)] == [
        Role.MENTOR
    ]


def test_end_access_removes_every_role_and_can_run_twice(world, organization):
    for _time in range(2):
        services.end_access(organization=organization, user=world.person, reason="test")
    with tenant_context(organization):
        assert not Membership.objects.filter(user=world.person).exists()
    _assert_acme_access_ended(world, organization)
    _assert_nothing_of_the_partner_ended(world, organization)


def test_deactivating_the_account_ends_its_access_everywhere(world, organization, other_organization):
    world.person.is_active = False
    world.person.save()
    _assert_acme_access_ended(world, organization)
    assert _feed(world.globex_feed).status_code == 404
    assert _pending_invitations(other_organization, world.person.email) == []
    _assert_nothing_of_the_partner_ended(world, organization)


def test_deactivating_twice_is_harmless(world, organization):
    for _time in range(2):
        world.person.is_active = False
        world.person.save(update_fields=["is_active"])
        services.end_account_access(user=world.person, reason="test")
    _assert_acme_access_ended(world, organization)


def test_the_admin_action_deactivates_and_signs_out(world, organization, admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [world.person.pk]},
    )
    assert response.status_code == 302
    world.person.refresh_from_db()
    assert not world.person.is_active
    _assert_acme_access_ended(world, organization)
    _assert_nothing_of_the_partner_ended(world, organization)


def test_deleting_the_membership_in_the_admin_ends_access(world, organization, admin_client):
    with unscoped("the test finds the row staff deletes"):
        membership = Membership.objects.get(organization=organization, user=world.person)
    url = reverse("admin:organizations_membership_delete", args=[membership.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    _assert_acme_access_ended(world, organization)
    _assert_nothing_of_the_partner_ended(world, organization)


def test_erasing_the_account_ends_its_access_everywhere(world, organization, other_organization):
    erase_personal_data(user=world.person)
    _assert_acme_access_ended(world, organization)
    assert _feed(world.globex_feed).status_code == 404
    assert _pending_invitations(other_organization, world.person.email) == []
    _assert_nothing_of_the_partner_ended(world, organization)


def test_a_missed_revocation_still_shows_nothing(world, organization):
    # A row removed behind the services' back (a shell, a future import): the reads check on their own.
    with tenant_context(organization):
        Membership.objects.filter(user=world.person).delete()
        assert CalendarFeed.objects.filter(user=world.person, revoked_at=None).exists()
        assert SurveyResponse.objects.filter(pk=world.survey.pk, answered_at=None).exists()
    assert _feed(world.acme_feed).status_code == 404
    response = _survey_page(world.survey)
    assert response.status_code == 410
    assert b"withdrawn" in response.content
    assert organization.name.encode() not in response.content


def test_unsent_emails_of_a_removed_person_never_go_out(world, hr_admin, organization, mailoutbox):
    with tenant_context(organization):
        pending = Notification.objects.filter(status=Notification.Status.PENDING, kind=SURVEY_INVITATION)
        assert {row.recipient for row in pending} == {world.person, world.partner}
    _hr_removes_every_role(hr_admin, organization, world.person)
    run_dispatcher()
    assert [message.to for message in mailoutbox] == [[world.partner.email]]
    with tenant_context(organization):
        row = Notification.objects.get(recipient=world.person)
    assert (row.status, row.skip_reason) == (Notification.Status.SKIPPED, "access ended")


def test_the_dispatcher_checks_access_at_send_time(world, organization, mailoutbox):
    with tenant_context(organization):
        Membership.objects.filter(user=world.person).delete()
    run_dispatcher()
    assert [message.to for message in mailoutbox] == [[world.partner.email]]


def test_an_unsubscribe_link_of_a_deactivated_account_reveals_nothing(world, organization):
    url = unsubscribe_url(organization_id=organization.pk, user_id=world.person.pk, kind=SURVEY_INVITATION)
    world.person.is_active = False
    world.person.save()
    response = Client().get(url.removeprefix(settings.SITE_URL))
    assert response.status_code == 404
    assert organization.name.encode() not in response.content


def test_deleting_memberships_in_bulk_in_the_admin_ends_access(world, organization, admin_client):
    with unscoped("the test finds the rows staff deletes"):
        membership = Membership.objects.get(organization=organization, user=world.person)
    response = admin_client.post(
        reverse("admin:organizations_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"},
    )
    assert response.status_code == 302
    _assert_acme_access_ended(world, organization)
    _assert_nothing_of_the_partner_ended(world, organization)
