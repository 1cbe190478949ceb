"""HR adds one person by hand, and records a withdrawal on someone's behalf; a withdrawal ends pairs."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from organizations.models import Invitation
from organizations.roles import Role
from organizations.tenancy import tenant_context
from pairing import services as pairing_services
from pairing.models import Pair
from programmes import services
from programmes.models import Participant
from tests.factories import PairFactory, ParticipantFactory, ProgrammeFactory, member


@pytest.fixture
def programme(organization):
    return ProgrammeFactory(organization=organization, name="Pilote", status="running")


def url(name, organization, **kwargs):
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def test_hr_adds_a_newcomer_who_gets_an_invitation(
    client_for, hr_admin, organization, programme, django_capture_on_commit_callbacks
):
    client = client_for(hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("participant_add", organization, programme_id=programme.pk),
            {
                "email": "Zoe.Martin@Acme.example",
                "first_name": "Zoé",
                "last_name": "Martin",
                "role": "mentor",
                "department": "Data",
                "languages": ["fr", "en"],
            },
        )
    assert response.status_code == 302
    with tenant_context(organization):
        participant = Participant.objects.select_related("user").get(programme=programme)
        assert Invitation.objects.filter(email="zoe.martin@acme.example").exists()
    assert participant.user.email == "zoe.martin@acme.example"
    assert (participant.role, participant.status, participant.department) == ("mentor", "invited", "Data")
    assert participant.languages == ["fr", "en"]
    assert [message.to for message in mail.outbox] == [["zoe.martin@acme.example"]]


def test_adding_someone_already_in_the_programme_updates_them(client_for, hr_admin, organization, programme):
    existing = ParticipantFactory(organization=organization, programme=programme, department="Old")
    client = client_for(hr_admin)
    response = client.post(
        url("participant_add", organization, programme_id=programme.pk),
        {"email": existing.user.email, "role": "mentor", "department": "New"},
    )
    assert response.status_code == 302
    with tenant_context(organization):
        assert Participant.objects.filter(programme=programme).count() == 1
        assert Participant.objects.get().department == "New"


def test_an_unknown_manager_re_renders_the_form_and_adds_nobody(
    client_for, hr_admin, organization, programme
):
    client = client_for(hr_admin)
    response = client.post(
        url("participant_add", organization, programme_id=programme.pk),
        {"email": "zoe@acme.example", "role": "mentee", "manager_email": "nobody@acme.example"},
    )
    assert response.status_code == 200
    assert "Manager not found: nobody@acme.example" in response.content.decode()
    assert response.context["form"]["email"].value() == "zoe@acme.example"
    with tenant_context(organization):
        assert not Participant.objects.exists()


@pytest.mark.parametrize("role", [Role.MENTOR, Role.MENTEE, Role.EXECUTIVE])
def test_only_hr_adds_or_withdraws_people(client_for, organization, programme, role):
    participant = ParticipantFactory(organization=organization, programme=programme)
    client = client_for(member(organization, role))
    assert client.get(url("participant_add", organization, programme_id=programme.pk)).status_code == 403
    withdraw = url(
        "participant_withdraw", organization, programme_id=programme.pk, participant_id=participant.pk
    )
    assert client.post(withdraw).status_code == 403
    participant.refresh_from_db()
    assert participant.status == Participant.Status.ENROLLED


@pytest.fixture
def active_pair(organization, programme):
    return PairFactory(
        organization=organization, programme=programme, status=Pair.Status.ACTIVE, mentor__available=True
    )


def test_hr_withdraws_a_mentee_whose_pair_ends_and_frees_the_mentor(
    client_for, hr_admin, organization, programme, active_pair
):
    client = client_for(hr_admin)
    mentee = active_pair.mentee
    response = client.post(
        url("participant_withdraw", organization, programme_id=programme.pk, participant_id=mentee.pk),
        follow=True,
    )
    assert "is withdrawn from Pilote" in response.content.decode()
    mentee.refresh_from_db()
    active_pair.refresh_from_db()
    assert mentee.status == Participant.Status.WITHDRAWN
    assert active_pair.status == Pair.Status.ENDED
    # Stored in the organisation's language (Acme's is French), and without the person's name.
    assert active_pair.end_reason == "Le mentoré s'est retiré du programme."
    with tenant_context(organization):
        # The mentor is free again: the next matching run can pair them with someone else.
        newcomer = ParticipantFactory(
            organization=organization, programme=programme, role=Participant.Role.MENTEE, available=True
        )
        matching_round = pairing_services.run_matching(programme=programme)
        proposals = Pair.objects.filter(matching_round=matching_round)
        assert {(pair.mentor_id, pair.mentee_id) for pair in proposals} == {
            (active_pair.mentor_id, newcomer.pk)
        }


def test_a_withdrawal_that_fails_leaves_the_pair_alone(organization, active_pair):
    programme = active_pair.programme
    programme.status = "closed"
    programme.save(update_fields=["status"])
    with tenant_context(organization), pytest.raises(ValidationError):
        services.withdraw(participant=active_pair.mentor)
    active_pair.refresh_from_db()
    assert active_pair.status == Pair.Status.ACTIVE


def test_a_person_withdrawing_themselves_ends_their_pair_too(organization, active_pair):
    with tenant_context(organization):
        services.withdraw(participant=active_pair.mentor)
    active_pair.refresh_from_db()
    assert active_pair.status == Pair.Status.ENDED


def test_uploaded_files_are_purged_after_the_retention_period(organization, other_organization, settings):
    import datetime as dt

    from django.utils import timezone

    from programmes.models import ParticipantImport
    from programmes.tasks import purge_old_imports

    settings.IMPORT_RETENTION_DAYS = 30
    kept = {}
    for owner in (organization, other_organization):
        with tenant_context(owner):
            programme = ProgrammeFactory(organization=owner)
            old = ParticipantImport.objects.create(
                programme=programme, filename="old.csv", rows=[{"line": 2}]
            )
            recent = ParticipantImport.objects.create(programme=programme, filename="new.csv", rows=[])
            ParticipantImport.objects.filter(pk=old.pk).update(
                created_at=timezone.now() - dt.timedelta(days=31)
            )
            kept[owner.pk] = recent.pk
    assert purge_old_imports.delay().get() == 2
    for owner in (organization, other_organization):
        with tenant_context(owner):
            assert list(ParticipantImport.objects.values_list("pk", flat=True)) == [kept[owner.pk]]
