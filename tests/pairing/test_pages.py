"""The HR matching pages and the participants' "My match" pages: who may see what, and what they do."""

import pytest
from django.urls import reverse

from organizations.tenancy import tenant_context
from pairing import services
from pairing.models import MatchingRound, MatchingSettings, Pair, PairingRule
from tests.factories import PairFactory, PairingRuleFactory, ProgrammeFactory, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(organization, programme, make_mentor, make_mentee):
    with tenant_context(organization):
        make_mentor(), make_mentor()
        make_mentee(), make_mentee()
        return services.run_matching(programme=programme)


def url(name, **kwargs):
    return reverse(name, kwargs={"org_slug": "acme", **kwargs})


def hr_pages(programme, matching_round, pair, rule):
    return [
        url("matching"),
        url("matching_programme", programme_id=programme.pk),
        url("matching_settings", programme_id=programme.pk),
        url("matching_rules", programme_id=programme.pk),
        url("matching_round", round_id=matching_round.pk),
        url("matching_end_pair", pair_id=pair.pk),
    ]


@pytest.fixture
def every_hr_page(organization, programme, draft):
    with tenant_context(organization):
        pair = Pair.objects.filter(matching_round=draft).first()
        rule = PairingRuleFactory(organization=organization, programme=programme)
    return hr_pages(programme, draft, pair, rule)


def test_hr_sees_every_matching_page(client_for, hr_admin, every_hr_page):
    client = client_for(hr_admin)
    for page in every_hr_page:
        assert client.get(page).status_code == 200, page


def test_participants_are_refused_the_matching_pages(client_for, mentor_user, every_hr_page):
    client = client_for(mentor_user)
    for page in every_hr_page:
        assert client.get(page).status_code == 403, page


def test_hr_of_another_organisation_cannot_reach_our_objects_from_theirs(client_for, outsider, draft):
    client = client_for(outsider)
    foreign = reverse("matching_round", kwargs={"org_slug": "globex", "round_id": draft.pk})
    assert client.get(foreign).status_code == 404


def test_the_round_page_shows_scores_explanations_and_actions(client_for, hr_admin, draft, organization):
    response = client_for(hr_admin).get(url("matching_round", round_id=draft.pk))
    body = response.content.decode()
    with tenant_context(organization):
        pair = Pair.objects.filter(matching_round=draft).first()
    assert str(pair.mentor.user) in body
    assert "Score breakdown" in body
    assert "Re-run around locked pairs" in body
    assert "Swap two mentees" in body


def test_hr_runs_locks_reruns_and_publishes_from_the_pages(
    client_for,
    hr_admin,
    organization,
    programme,
    make_mentor,
    make_mentee,
    django_capture_on_commit_callbacks,
):
    with tenant_context(organization):
        make_mentor(), make_mentor()
        make_mentee(), make_mentee()
    client = client_for(hr_admin)

    response = client.post(url("matching_run", programme_id=programme.pk))
    with tenant_context(organization):
        matching_round = MatchingRound.objects.get()
        pair = Pair.objects.filter(matching_round=matching_round).first()
    assert response.url == url("matching_round", round_id=matching_round.pk)

    client.post(url("matching_lock", pair_id=pair.pk), {"locked": "1"})
    client.post(url("matching_rerun", round_id=matching_round.pk))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("matching_publish", round_id=matching_round.pk))

    with tenant_context(organization):
        pair.refresh_from_db()
        matching_round.refresh_from_db()
    assert pair.locked and pair.status == Pair.Status.PROPOSED
    assert matching_round.status == MatchingRound.Status.PUBLISHED


def test_hr_excludes_and_swaps_proposals(client_for, hr_admin, organization, draft):
    client = client_for(hr_admin)
    with tenant_context(organization):
        first, second = Pair.objects.filter(matching_round=draft).order_by("pk")
    swapped = {(first.mentor_id, second.mentee_id), (second.mentor_id, first.mentee_id)}

    client.post(url("matching_swap", round_id=draft.pk), {"first": first.pk, "second": second.pk})
    with tenant_context(organization):
        assert set(Pair.objects.filter(matching_round=draft).values_list("mentor_id", "mentee_id")) == swapped

    client.post(url("matching_exclude", pair_id=first.pk))
    with tenant_context(organization):
        assert not Pair.objects.filter(pk=first.pk).exists()
        assert PairingRule.objects.filter(kind="never").count() == 1


def test_a_swap_of_a_proposal_with_itself_is_refused(client_for, hr_admin, organization, draft):
    with tenant_context(organization):
        first = Pair.objects.filter(matching_round=draft).first()
    response = client_for(hr_admin).post(
        url("matching_swap", round_id=draft.pk), {"first": first.pk, "second": first.pk}, follow=True
    )
    assert "Choose two different proposals." in response.content.decode()


def test_hr_tunes_the_weights_and_bad_values_change_nothing(client_for, hr_admin, organization, programme):
    client = client_for(hr_admin)
    values = {
        "mode": "self_service",
        "weight_skills": "6",
        "weight_interests": "1",
        "weight_languages": "1",
        "weight_availability": "2",
        "weight_time_zone": "1",
        "weight_diversity": "0",
    }
    response = client.post(
        url("matching_settings", programme_id=programme.pk), {**values, "weight_skills": "-3"}
    )
    assert response.status_code == 200
    with tenant_context(organization):
        assert MatchingSettings.objects.get().weight_skills == 4

    client.post(url("matching_settings", programme_id=programme.pk), values)
    with tenant_context(organization):
        settings = MatchingSettings.objects.get()
    assert settings.weight_skills == 6 and settings.mode == "self_service"


def test_hr_adds_and_removes_a_rule(client_for, hr_admin, organization, programme, make_mentor, make_mentee):
    with tenant_context(organization):
        mentor, mentee = make_mentor(), make_mentee()
    client = client_for(hr_admin)

    client.post(
        url("matching_rules", programme_id=programme.pk),
        {"kind": "never", "mentor": mentor.pk, "mentee": mentee.pk, "note": "Same team"},
    )
    with tenant_context(organization):
        rule = PairingRule.objects.get()
    assert rule.note == "Same team"

    client.post(url("matching_rule_delete", rule_id=rule.pk))
    with tenant_context(organization):
        assert not PairingRule.objects.exists()


def test_a_rule_form_refuses_someone_of_another_programme(
    client_for, hr_admin, organization, programme, make_mentor
):
    with tenant_context(organization):
        mentor = make_mentor()
        elsewhere = enrol(ProgrammeFactory(organization=organization), "mentee")
    response = client_for(hr_admin).post(
        url("matching_rules", programme_id=programme.pk),
        {"kind": "never", "mentor": mentor.pk, "mentee": elsewhere.pk},
    )
    assert response.status_code == 200
    with tenant_context(organization):
        assert not PairingRule.objects.exists()


def test_hr_ends_a_pair_with_a_reason(client_for, hr_admin, organization, programme):
    with tenant_context(organization):
        pair = PairFactory(organization=organization, programme=programme, status="active")
    client = client_for(hr_admin)
    assert client.post(url("matching_end_pair", pair_id=pair.pk), {"reason": ""}).status_code == 200
    client.post(url("matching_end_pair", pair_id=pair.pk), {"reason": "Mentor left the company"})
    with tenant_context(organization):
        pair.refresh_from_db()
    assert pair.status == Pair.Status.ENDED


def test_hr_opens_a_rotation_round(client_for, hr_admin, organization, programme):
    with tenant_context(organization):
        pair = PairFactory(organization=organization, programme=programme, status="active")
    client_for(hr_admin).post(url("matching_rotation", programme_id=programme.pk))
    with tenant_context(organization):
        pair.refresh_from_db()
        assert pair.status == Pair.Status.ENDED
        assert MatchingRound.objects.get().is_rotation


def test_a_participant_sees_their_published_match_and_accepts_it(client_for, organization, draft):
    with tenant_context(organization):
        pair = Pair.objects.filter(matching_round=draft).select_related("mentor__user").first()
    client = client_for(pair.mentor.user)
    assert str(pair.mentee.user) not in client.get(url("my_matches")).content.decode()
    assert client.post(url("my_match_accept", pair_id=pair.pk)).status_code == 404

    with tenant_context(organization):
        services.publish_round(matching_round=draft)
    assert str(pair.mentee.user) in client.get(url("my_matches")).content.decode()
    client.post(url("my_match_accept", pair_id=pair.pk))
    with tenant_context(organization):
        pair.refresh_from_db()
    assert pair.mentor_accepted_at is not None


def test_a_participant_declines_with_a_reason(client_for, organization, draft):
    with tenant_context(organization):
        services.publish_round(matching_round=draft)
        pair = Pair.objects.filter(matching_round=draft).select_related("mentee__user").first()
    client = client_for(pair.mentee.user)
    assert client.get(url("my_match_decline", pair_id=pair.pk)).status_code == 200
    assert client.post(url("my_match_decline", pair_id=pair.pk), {"reason": ""}).status_code == 200
    client.post(url("my_match_decline", pair_id=pair.pk), {"reason": "Conflict of interest"})
    with tenant_context(organization):
        pair.refresh_from_db()
    assert pair.status == Pair.Status.DECLINED


def test_a_participant_cannot_answer_someone_elses_pair(client_for, organization, draft, mentee_user):
    with tenant_context(organization):
        services.publish_round(matching_round=draft)
        pair = Pair.objects.filter(matching_round=draft).first()
    client = client_for(mentee_user)
    assert client.post(url("my_match_accept", pair_id=pair.pk)).status_code == 404
    assert client.get(url("my_match_decline", pair_id=pair.pk)).status_code == 404


def test_hr_without_participant_role_is_refused_my_match(client_for, hr_admin):
    assert client_for(hr_admin).get(url("my_matches")).status_code == 403


def test_a_mentee_chooses_a_mentor_in_a_self_service_programme(
    client_for, organization, programme, make_mentor, make_mentee, ai
):
    with tenant_context(organization):
        MatchingSettings.objects.create(programme=programme, mode=MatchingSettings.Mode.SELF_SERVICE)
        mentors = [make_mentor(skills={ai: level}) for level in (1, 2, 3, 3)]
        mentee = make_mentee(skills={ai: 3})
    client = client_for(mentee.user)

    assert "Choose my mentor" in client.get(url("my_matches")).content.decode()
    page = client.get(url("my_match_choose", programme_id=programme.pk)).content.decode()
    assert str(mentors[0].user) not in page
    client.post(url("my_match_choose", programme_id=programme.pk), {"mentor": mentors[1].pk})
    with tenant_context(organization):
        assert Pair.objects.get(mentee=mentee).mentor == mentors[1]


def test_choosing_is_for_the_mentees_own_enrolment(client_for, organization, programme, mentor_user):
    assert client_for(mentor_user).get(url("my_match_choose", programme_id=programme.pk)).status_code == 404


def _grow(organization, programme, count):
    with tenant_context(organization):
        for _ in range(count):
            pair = PairFactory(organization=organization, programme=programme, status="active")
            enrol(ProgrammeFactory(organization=organization), "mentor", user=pair.mentor.user)


def test_the_pages_take_a_bounded_number_of_queries(
    client_for, hr_admin, organization, programme, draft, django_assert_max_num_queries
):
    client = client_for(hr_admin)
    pages = [
        url("matching"),
        url("matching_programme", programme_id=programme.pk),
        url("matching_round", round_id=draft.pk),
    ]
    for size in (2, 20):
        _grow(organization, programme, size)
        with tenant_context(organization):
            Pair.objects.filter(matching_round__isnull=True).update(matching_round=draft)
        for page in pages:
            with django_assert_max_num_queries(14):
                assert client.get(page).status_code == 200


def test_my_match_takes_a_bounded_number_of_queries(client_for, organization, django_assert_max_num_queries):
    with tenant_context(organization):
        pair = PairFactory(organization=organization, status="active")
    client = client_for(pair.mentor.user)
    for size in (1, 10):
        with tenant_context(organization):
            for _ in range(size):
                PairFactory(organization=organization, mentor__user=pair.mentor.user, status="active")
        with django_assert_max_num_queries(10):
            assert client.get(url("my_matches")).status_code == 200
