"""HR records what became of the junior mentors, by hand or by import, and the baseline to compare with."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organizations.models import AuditEvent
from programmes import outcomes
from programmes.models import MentorOutcome, OutcomeBaseline, Participant
from tests.factories import ParticipantFactory, PersonFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(organization, in_organization):
    return ProgrammeFactory(organization=organization, name="Digital 2026")


def mentor(programme, email, **fields):
    participant = ParticipantFactory(
        organization=programme.organization,
        programme=programme,
        role=Participant.Role.MENTOR,
        user__email=email,
        **fields,
    )
    PersonFactory(organization=programme.organization, user=participant.user, last_name=email.split("@")[0])
    return participant


def url(programme):
    return reverse("programme_outcomes", args=[programme.organization.slug, programme.pk])


def upload(text, name="outcomes.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_the_table_lists_the_mentors_who_took_part_and_not_the_mentees_nor_the_invited(
    programme, client_for, hr_admin
):
    mentor(programme, "alice@acme.test")
    mentor(programme, "invited@acme.test", status=Participant.Status.INVITED)
    ParticipantFactory(organization=programme.organization, programme=programme, user__email="exec@acme.test")
    page = client_for(hr_admin).get(url(programme))
    assert page.status_code == 200
    assert [m.user.email for m, _form in page.context["rows"]] == ["alice@acme.test"]


def test_hr_saves_the_outcomes_of_the_page_s_mentors(programme, client_for, hr_admin):
    alice, bob = mentor(programme, "alice@acme.test"), mentor(programme, "bob@acme.test")
    data = {
        "action": "outcomes",
        f"mentor-{alice.pk}-promoted": "yes",
        f"mentor-{alice.pk}-retained_6_months": "yes",
        f"mentor-{alice.pk}-recognition": "Prix de l'innovation",
        f"mentor-{bob.pk}-promoted": "no",
    }
    response = client_for(hr_admin).post(url(programme), data)
    assert response.status_code == 302
    saved = {o.participant_id: o for o in MentorOutcome.objects.all()}
    assert (
        saved[alice.pk].promoted,
        saved[alice.pk].internal_mobility,
        saved[alice.pk].retained_6_months,
    ) == (
        True,
        None,
        True,
    )
    assert saved[alice.pk].recognition == "Prix de l'innovation"
    assert saved[bob.pk].promoted is False and saved[bob.pk].updated_by == hr_admin


def test_a_wrong_value_re_renders_the_table_and_saves_nothing(programme, client_for, hr_admin):
    alice = mentor(programme, "alice@acme.test")
    page = client_for(hr_admin).post(
        url(programme), {"action": "outcomes", f"mentor-{alice.pk}-promoted": "perhaps"}
    )
    assert page.status_code == 200
    assert not MentorOutcome.objects.exists()
    assert page.context["rows"][0][1].errors


def test_the_baseline_is_a_percentage(programme, client_for, hr_admin):
    client = client_for(hr_admin)
    refused = client.post(url(programme), {"action": "baseline", "promoted": "140"})
    assert refused.status_code == 200 and refused.context["baseline_form"].errors
    assert not OutcomeBaseline.objects.exists()
    client.post(url(programme), {"action": "baseline", "promoted": "8.5", "population": "Moins de 30 ans"})
    baseline = OutcomeBaseline.objects.get(programme=programme)
    assert (baseline.promoted, baseline.internal_mobility, baseline.population) == (
        Decimal("8.5"),
        None,
        "Moins de 30 ans",
    )


def test_an_import_saves_every_line_in_french_or_english(programme, hr_admin):
    alice, bob = mentor(programme, "alice@acme.test"), mentor(programme, "bob@acme.test")
    result = outcomes.import_outcomes(
        programme=programme,
        upload=upload(
            "Adresse e-mail;Promu;Mobilité interne;Reconnaissance\nALICE@acme.test;oui;;Trophée\nbob@acme.test;non;oui;\n"
        ),
        by=hr_admin,
    )
    assert result.saved and not result.errors
    saved = {o.participant_id: o for o in MentorOutcome.objects.all()}
    assert (saved[alice.pk].promoted, saved[alice.pk].internal_mobility, saved[alice.pk].recognition) == (
        True,
        None,
        "Trophée",
    )
    assert (saved[bob.pk].promoted, saved[bob.pk].internal_mobility) == (False, True)


def test_an_import_keeps_what_the_file_does_not_say(programme, hr_admin):
    alice = mentor(programme, "alice@acme.test")
    outcomes.record_outcomes(
        programme=programme,
        values={alice.pk: {"retained_12_months": True, "recognition": "Award"}},
        by=hr_admin,
    )
    outcomes.import_outcomes(
        programme=programme, upload=upload("email,promoted\nalice@acme.test,yes\n"), by=hr_admin
    )
    outcome = MentorOutcome.objects.get()
    assert (outcome.promoted, outcome.retained_12_months, outcome.recognition) == (True, True, "Award")


def test_an_import_with_one_wrong_line_saves_nothing_and_names_every_wrong_line(programme, hr_admin):
    mentor(programme, "alice@acme.test")
    ParticipantFactory(organization=programme.organization, programme=programme, user__email="exec@acme.test")
    result = outcomes.import_outcomes(
        programme=programme,
        upload=upload(
            "email,promoted\nalice@acme.test,yes\nexec@acme.test,yes\nnobody@acme.test,no\nalice@acme.test,no\n"
        ),
        by=hr_admin,
    )
    assert not result.saved
    assert [line for line, _message in result.errors] == [3, 4, 5]
    assert "exec@acme.test is not a mentor of this programme." in result.errors[0][1]
    assert not MentorOutcome.objects.exists()


def test_an_unreadable_value_is_reported_with_its_line(programme, hr_admin):
    mentor(programme, "alice@acme.test")
    result = outcomes.import_outcomes(
        programme=programme, upload=upload("email,promoted\nalice@acme.test,maybe\n"), by=hr_admin
    )
    assert result.errors == [(2, "“maybe” in promoted: write yes, no, or leave the cell empty.")]


def test_a_file_without_an_email_column_is_refused(programme, hr_admin):
    with pytest.raises(outcomes.OutcomeImportError):
        outcomes.import_outcomes(
            programme=programme, upload=upload("name,promoted\nAlice,yes\n"), by=hr_admin
        )


def test_the_import_page_records_the_import_in_the_audit_trail(programme, client_for, hr_admin):
    mentor(programme, "alice@acme.test")
    response = client_for(hr_admin).post(
        url(programme), {"action": "import", "file": upload("email,promoted\nalice@acme.test,yes\n")}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="import_run")
    assert event.details == {"what": "mentor outcomes", "file": "outcomes.csv", "rows": 1}


def test_the_import_page_shows_the_report_when_a_line_is_wrong(programme, client_for, hr_admin):
    mentor(programme, "alice@acme.test")
    page = client_for(hr_admin).post(
        url(programme), {"action": "import", "file": upload("email,promoted\nbob@acme.test,yes\n")}
    )
    assert page.status_code == 200
    assert "bob@acme.test is not a mentor of this programme." in page.content.decode()


def test_ids_of_another_programme_are_refused(programme, organization, hr_admin):
    other = mentor(ProgrammeFactory(organization=organization), "other@acme.test")
    with pytest.raises(ValueError):
        outcomes.record_outcomes(programme=programme, values={other.pk: {"promoted": True}}, by=hr_admin)


@pytest.mark.parametrize("role", ["mentor_user", "mentee_user", "executive"])
def test_only_hr_opens_the_outcomes(programme, client_for, request, role):
    assert client_for(request.getfixturevalue(role)).get(url(programme)).status_code == 403


def test_another_organisation_gets_404(programme, client_for, outsider):
    assert client_for(outsider).get(url(programme)).status_code == 404


def test_the_page_s_queries_do_not_grow_with_the_mentors(
    programme, client_for, hr_admin, django_assert_max_num_queries
):
    client = client_for(hr_admin)
    mentor(programme, "first@acme.test")
    client.get(url(programme))
    for index in range(12):
        m = mentor(programme, f"m{index}@acme.test")
        outcomes.record_outcomes(programme=programme, values={m.pk: {"promoted": True}}, by=hr_admin)
    with django_assert_max_num_queries(14):
        assert client.get(url(programme)).status_code == 200
