"""The right to erasure: "Delete my account", and the command for requests received by e-mail."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.personal_data import erase_personal_data
from notifications import services as notifications
from notifications.models import Notification
from organizations.models import Invitation, Membership
from organizations.roles import Role
from organizations.tenancy import tenant_context, unscoped
from pairing.models import Pair
from programmes.models import Participant
from sessions.models import CalendarFeed, PrivateNote, Session
from sessions.notifications import PAIR_INACTIVE
from surveys.models import Answer
from tests.factories import DEFAULT_PASSWORD, InvitationFactory, member

from .conftest import OWN_ANSWER, OWN_NOTE, PARTNER_ANSWER, PARTNER_NOTE


def _erase(world):
    return erase_personal_data(user=world.person)


def _unscoped(queryset_of):
    with unscoped("the test checks what erasure left"):
        return queryset_of()


def test_it_anonymises_the_account(world):
    _erase(world)
    person = User.objects.get(pk=world.person.pk)
    assert (person.first_name, person.last_name) == ("", "")
    assert person.email == f"deleted-{person.pk}@binome.invalid"
    assert not person.has_usable_password()
    assert not person.is_active
    assert person.erased_at is not None
    assert person.display_name == "Deleted user"
    assert not EmailAddress.objects.filter(user=person).exists()


def test_it_deletes_the_persons_private_notes_and_only_theirs(world):
    _erase(world)
    texts = _unscoped(lambda: set(PrivateNote.objects.values_list("text", flat=True)))
    assert texts == {PARTNER_NOTE}


def test_it_clears_free_text_answers_but_keeps_ratings(world):
    _erase(world)
    answers = _unscoped(lambda: list(Answer.objects.values_list("number", "text")))
    assert (4, "") in answers, "the person's rating stays, anonymous"
    assert OWN_ANSWER not in {text for _number, text in answers}
    assert (None, PARTNER_ANSWER) in answers


def test_it_ends_live_pairs_and_withdraws_from_programmes(world, organization, other_organization):
    _erase(world)
    for pair in (world.acme_pair, world.globex_pair):
        pair = _unscoped(lambda pair=pair: Pair.objects.get(pk=pair.pk))
        assert pair.status == Pair.Status.ENDED
        # In the organisation's language (French here), and without the person's name.
        assert pair.end_reason == "Un participant a supprimé son compte."
    participations = _unscoped(lambda: list(Participant.objects.filter(user=world.person)))
    assert {participant.status for participant in participations} == {Participant.Status.WITHDRAWN}
    assert {participant.job_title for participant in participations} == {""}


def test_it_cancels_the_pairs_planned_sessions_and_tells_only_the_partner(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _erase(world)
    upcoming = _unscoped(lambda: Session.objects.get(pk=world.upcoming.pk))
    assert upcoming.status == Session.Status.CANCELLED
    # Only the partners hear of it: Acme's partner gets the calendar cancellation, and each partner (Acme
    # and Globex) the news that the pair ended, without the erased person's name.
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["bernard@acme.example", "bernard@acme.example", "gaston@globex.example"]
    assert [message.to for message in mail.outbox if message.attachments] == [["bernard@acme.example"]]
    ended = [message for message in mail.outbox if not message.attachments]
    assert all("Deleted user" in message.subject for message in ended)
    assert all("Camille" not in message.subject + message.body for message in ended)


def test_the_partner_keeps_the_session_history_under_deleted_user(world, client_for):
    _erase(world)
    client = client_for(world.acme_partner)
    kwargs = {"org_slug": "acme", "pair_id": world.acme_pair.pk}
    page = client.get(reverse("pair_space", kwargs=kwargs)).content.decode()
    assert "Deleted user" in page
    assert "Camille" not in page
    detail = client.get(reverse("session_detail", kwargs={**kwargs, "session_id": world.held.pk}))
    assert "We set up a LinkedIn profile" in detail.content.decode()
    assert "Post once a week · Deleted user" in detail.content.decode()
    assert _unscoped(lambda: Session.objects.filter(pair=world.acme_pair).count()) == 2


def test_it_removes_memberships_notifications_and_calendar_feeds(world):
    _erase(world)
    assert not _unscoped(lambda: Membership.objects.filter(user=world.person).exists())
    assert not _unscoped(lambda: Notification.objects.filter(recipient=world.person).exists())
    assert _unscoped(lambda: Notification.objects.filter(recipient=world.acme_partner).exists())
    assert _unscoped(lambda: CalendarFeed.objects.get(user=world.person).revoked_at) is not None


def test_it_forgets_the_address_in_invitations(world, organization):
    InvitationFactory(organization=organization, email="camille@acme.example", role=Role.EXECUTIVE)
    _erase(world)
    invitation = _unscoped(lambda: Invitation.objects.get(role=Role.EXECUTIVE))
    assert invitation.email == f"deleted-{world.person.pk}@binome.invalid"
    assert not invitation.is_pending


def test_no_e_mail_goes_to_an_erased_account(world, organization):
    _erase(world)
    with tenant_context(organization):
        notifications.plan(
            organization=organization,
            recipient=world.person,
            kind=PAIR_INACTIVE,
            key="late:planner",
            due_at=timezone.now(),
            object_id=world.acme_pair.pk,
        )
        notifications.deliver_due(organization=organization)
        row = Notification.objects.get(key="late:planner")
    assert row.status == Notification.Status.SKIPPED
    assert all(world.person.email not in message.to for message in mail.outbox)


def test_the_last_hr_admin_of_an_organisation_is_refused(organization, hr_admin):
    with pytest.raises(ValidationError, match="only HR admin of Acme"):
        erase_personal_data(user=hr_admin)
    assert User.objects.get(pk=hr_admin.pk).is_active


def test_an_hr_admin_with_a_colleague_may_leave(organization, hr_admin):
    member(organization, Role.HR_ADMIN, email="second-hr@acme.example")
    erase_personal_data(user=hr_admin)
    assert not User.objects.get(pk=hr_admin.pk).is_active


def test_the_page_tells_the_last_hr_admin_why_and_erases_nothing(client_for, organization, hr_admin):
    client = client_for(hr_admin)
    page = client.get(reverse("delete_account")).content.decode()
    assert "only HR admin of Acme" in page
    assert 'name="password"' not in page
    client.post(reverse("delete_account"), {"password": DEFAULT_PASSWORD})
    assert User.objects.get(pk=hr_admin.pk).erased_at is None


def test_a_wrong_password_erases_nothing(client_for, world):
    client = client_for(world.person)
    response = client.post(reverse("delete_account"), {"password": "not-my-password"})
    assert response.status_code == 200
    assert "This is not your password." in response.content.decode()
    assert User.objects.get(pk=world.person.pk).erased_at is None


def test_deleting_my_account_signs_me_out_and_confirms(client_for, world):
    client = client_for(world.person)
    response = client.post(reverse("delete_account"), {"password": DEFAULT_PASSWORD})
    assert response["Location"] == reverse("account_deleted")
    assert "_auth_user_id" not in client.session
    assert "Your account is deleted" in client.get(reverse("account_deleted")).content.decode()
    assert User.objects.get(pk=world.person.pk).erased_at is not None
    assert not client.login(username="camille@acme.example", password=DEFAULT_PASSWORD)


def test_the_erase_user_command_erases_by_e_mail(world, capsys):
    call_command("erase_user", "--email", "Camille@Acme.example")
    assert User.objects.get(pk=world.person.pk).erased_at is not None
    assert f"deleted-{world.person.pk}@binome.invalid" in capsys.readouterr().out
    assert OWN_NOTE not in _unscoped(lambda: set(PrivateNote.objects.values_list("text", flat=True)))


def test_the_erase_user_command_refuses_an_unknown_address_and_the_last_hr_admin(hr_admin):
    with pytest.raises(CommandError, match="No account"):
        call_command("erase_user", "--email", "nobody@acme.example")
    with pytest.raises(CommandError, match="only HR admin"):
        call_command("erase_user", "--email", "hr@acme.example")
