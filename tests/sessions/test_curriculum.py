"""A pair's way through the curriculum: where it stands, sessions on a module starting from its agenda,
the junior mentor owning the agenda, and challenges opening the next session."""

import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from organizations.tenancy import tenant_context
from programmes.models import Programme, Side
from sessions import curriculum, services
from sessions.models import AgendaItem, Session
from tests.factories import ChallengeFactory, CurriculumModuleFactory, SessionFactory, in_days

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def junior_mentor_writes_the_agenda(organization, programme):
    """The programme's setting decides who owns the agenda (sessions.access.can_edit_agenda): here the
    product's default, the junior mentor; both people plan, so that either can open the planning page."""
    with tenant_context(organization):
        Programme.objects.filter(pk=programme.pk).update(scheduled_by=Side.BOTH, agenda_by=Side.MENTOR)
    programme.scheduled_by, programme.agenda_by = Side.BOTH, Side.MENTOR


@pytest.fixture
def modules(organization, programme):
    with tenant_context(organization):
        return [
            CurriculumModuleFactory(
                organization=organization,
                programme=programme,
                title=title,
                agenda=f"{title} : tour d'horizon\n{title} : pratique",
                agenda_en=f"{title}: round-up\n{title}: hands-on",
                challenge=f"Essayer {title}",
                challenge_en=f"Try {title}",
            )
            for title in ["Outils", "Réseaux", "IA"]
        ]


def _url(name, pair, **kwargs):
    return reverse(name, kwargs={"org_slug": pair.organization.slug, "pair_id": pair.pk, **kwargs})


def _form_data(starts_at, **extra):
    local = starts_at.astimezone(PARIS)
    return {
        "date": local.date().isoformat(),
        "start_time": local.strftime("%H:%M"),
        "duration_minutes": 45,
        "time_zone": "Europe/Paris",
        "format": "video",
        "location": "https://meet.example/abc",
        **extra,
    }


def test_a_new_pair_starts_on_the_first_module(organization, pair, modules):
    with tenant_context(organization):
        progress = curriculum.curriculum_progress(pair)
    assert [step.state for step in progress.steps] == ["current", "next", "next"]
    assert progress.done_count == 0 and progress.total == 3


def test_a_module_is_done_once_a_session_on_it_was_held(organization, pair, modules):
    with tenant_context(organization):
        SessionFactory(organization=organization, pair=pair, module=modules[0], held=True)
        progress = curriculum.curriculum_progress(pair)
    assert [step.state for step in progress.steps] == ["done", "current", "next"]
    assert progress.current.module == modules[1]


@pytest.mark.parametrize(
    "status", [Session.Status.NOT_HELD, Session.Status.NO_SHOW, Session.Status.CANCELLED]
)
def test_a_session_that_did_not_take_place_does_not_make_its_module_done(organization, pair, modules, status):
    with tenant_context(organization):
        SessionFactory(organization=organization, pair=pair, module=modules[0], held=True, status=status)
        progress = curriculum.curriculum_progress(pair)
    assert progress.done_count == 0


def test_the_current_module_is_the_one_with_a_session_planned(organization, pair, modules):
    with tenant_context(organization):
        planned = SessionFactory(organization=organization, pair=pair, module=modules[2])
        progress = curriculum.curriculum_progress(pair)
    assert progress.current.module == modules[2]
    assert progress.current.planned == planned
    assert [step.module for step in progress.upcoming] == modules[:2]


def test_the_pair_space_shows_where_the_pair_stands(organization, pair, modules, client_for, mentee_user):
    with tenant_context(organization):
        SessionFactory(organization=organization, pair=pair, module=modules[0], held=True)
    page = client_for(mentee_user).get(_url("pair_space", pair)).content.decode()
    assert "1 module done out of 3." in page
    assert 'class="current-module">Réseaux (en)</strong>' in page  # an English reader reads title_en
    assert "Next: IA (en)" in page


def test_the_curriculum_page_shows_each_modules_content_and_state(
    organization, pair, modules, client_for, mentor_user, django_assert_num_queries
):
    with tenant_context(organization):
        SessionFactory(organization=organization, pair=pair, module=modules[0], held=True)
    client = client_for(mentor_user)
    client.get(_url("pair_curriculum", pair))
    with django_assert_num_queries(6):
        response = client.get(_url("pair_curriculum", pair))
    page = response.content.decode()
    assert "Outils: round-up" in page  # English reader, English agenda
    assert "Try Réseaux" in page
    assert page.count("module-done") == 1 and page.count("module-current") == 1
    assert f"?module={modules[1].pk}" in page


def test_the_mentee_plans_a_session_on_a_module_and_its_agenda_starts_from_the_module(
    organization, pair, modules, client_for, mentee_user
):
    response = client_for(mentee_user).post(
        _url("session_schedule", pair), _form_data(in_days(3), module=modules[1].pk)
    )
    assert response.status_code == 302
    with tenant_context(organization):
        session = Session.objects.get()
        items = list(session.agenda_items.values_list("text", flat=True))
    assert session.module == modules[1]
    assert items == ["Réseaux: round-up", "Réseaux: hands-on"]


def test_the_schedule_page_shows_the_agenda_to_its_owner_only(
    organization, pair, modules, client_for, mentor_user, mentee_user
):
    mentor_page = client_for(mentor_user).get(_url("session_schedule", pair) + f"?module={modules[2].pk}")
    assert mentor_page.context["agenda"] is not None
    assert mentor_page.context["agenda"].initial[0]["text"] == "IA: round-up"
    mentee_page = client_for(mentee_user).get(_url("session_schedule", pair))
    assert mentee_page.context["agenda"] is None
    assert mentee_page.context["module"] == modules[0]  # the current one by default


def test_a_free_topic_session_has_no_module(organization, pair, modules, client_for, mentor_user):
    client_for(mentor_user).post(
        _url("session_schedule", pair),
        _form_data(
            in_days(3),
            module="",
            **{"agenda-TOTAL_FORMS": 1, "agenda-INITIAL_FORMS": 0, "agenda-0-text": "Libre"},
        ),
    )
    with tenant_context(organization):
        session = Session.objects.get()
        assert [item.text for item in session.agenda_items.all()] == ["Libre"]
    assert session.module is None


def test_a_module_of_another_programme_is_refused(organization, pair, modules, client_for, mentee_user):
    with tenant_context(organization):
        foreign = CurriculumModuleFactory(organization=organization)
    response = client_for(mentee_user).post(
        _url("session_schedule", pair), _form_data(in_days(3), module=foreign.pk)
    )
    assert response.status_code == 404
    with tenant_context(organization):
        assert not Session.objects.exists()
        with pytest.raises(Exception, match="another programme"):
            services.schedule_session(
                pair=pair,
                by=pair.mentee.user,
                starts_at=in_days(4),
                duration_minutes=45,
                time_zone="Europe/Paris",
                module=foreign,
            )


def test_only_the_agenda_owner_gives_an_agenda_to_the_service(organization, pair, modules):
    # The programme says who writes the agenda (sessions.access.can_edit_agenda): the mentor by default.
    with tenant_context(organization), pytest.raises(ValidationError, match="writes the agenda"):
        services.schedule_session(
            pair=pair,
            by=pair.mentee.user,
            starts_at=in_days(4),
            duration_minutes=45,
            time_zone="Europe/Paris",
            agenda=[services.AgendaEntry(text="Mine")],
        )


def test_the_junior_mentor_edits_the_agenda(organization, pair, modules, client_for, mentor_user):
    with tenant_context(organization):
        session = SessionFactory(organization=organization, pair=pair, module=modules[0])
        AgendaItem.objects.create(session=session, text="Ancien", position=0)
    data = {
        "module": modules[1].pk,
        "agenda-TOTAL_FORMS": 2,
        "agenda-INITIAL_FORMS": 1,
        "agenda-0-text": "Revu",
        "agenda-1-text": "Ajouté",
    }
    response = client_for(mentor_user).post(_url("session_agenda", pair, session_id=session.pk), data)
    assert response.status_code == 302
    session.refresh_from_db()
    with tenant_context(organization):
        assert [item.text for item in session.agenda_items.all()] == ["Revu", "Ajouté"]
    assert session.module == modules[1]


def test_the_mentee_cannot_edit_the_agenda(organization, pair, client_for, mentee_user):
    with tenant_context(organization):
        session = SessionFactory(organization=organization, pair=pair)
    client = client_for(mentee_user)
    assert client.get(_url("session_agenda", pair, session_id=session.pk)).status_code == 403
    detail = client.get(_url("session_detail", pair, session_id=session.pk)).content.decode()
    assert "Edit the agenda" not in detail


def test_the_agenda_owner_is_one_function(organization, pair):
    assert curriculum.can_edit_agenda(pair.mentor.user, pair)
    assert not curriculum.can_edit_agenda(pair.mentee.user, pair)


def test_a_held_sessions_agenda_is_closed(organization, pair, client_for, mentor_user):
    with tenant_context(organization):
        session = SessionFactory(organization=organization, pair=pair, held=True)
    response = client_for(mentor_user).get(_url("session_agenda", pair, session_id=session.pk))
    assert response.status_code == 302


def test_the_next_session_opens_with_the_challenge_and_reviews_it_once(organization, pair, modules):
    with tenant_context(organization):
        challenge = ChallengeFactory(organization=organization, pair=pair, session__pair=pair, text="Poster")
        first = services.schedule_session(
            pair=pair,
            by=pair.mentee.user,
            starts_at=in_days(3),
            duration_minutes=45,
            time_zone="Europe/Paris",
            module=modules[0],
        )
        second = services.schedule_session(
            pair=pair,
            by=pair.mentee.user,
            starts_at=in_days(10),
            duration_minutes=45,
            time_zone="Europe/Paris",
        )
        challenge.refresh_from_db()
        first_items = [item.text for item in first.agenda_items.all()]
        second_items = [item.text for item in second.agenda_items.all()]
    assert first_items[0] == "Back to the challenge: “Poster” (not answered yet)"
    assert first_items[1:] == ["Outils: round-up", "Outils: hands-on"]
    assert second_items == []
    assert challenge.reviewed_in == first


def test_a_cancelled_session_hands_its_challenges_to_the_next_one(organization, pair, modules):
    with tenant_context(organization):
        challenge = ChallengeFactory(organization=organization, pair=pair, session__pair=pair)
        first = services.schedule_session(
            pair=pair,
            by=pair.mentee.user,
            starts_at=in_days(3),
            duration_minutes=45,
            time_zone="Europe/Paris",
        )
        services.cancel_session(session=first, by=pair.mentor.user, reason="Comité")
        challenge.refresh_from_db()
        assert challenge.reviewed_in is None
        second = services.schedule_session(
            pair=pair,
            by=pair.mentee.user,
            starts_at=in_days(10),
            duration_minutes=45,
            time_zone="Europe/Paris",
        )
        assert second.agenda_items.first().text.startswith("Back to the challenge")


def test_the_session_page_names_its_module(organization, pair, modules, client_for, mentee_user):
    with tenant_context(organization):
        session = SessionFactory(organization=organization, pair=pair, module=modules[2])
    page = client_for(mentee_user).get(_url("session_detail", pair, session_id=session.pk)).content.decode()
    assert "Curriculum module: IA (en)" in page


def test_a_stranger_of_the_organisation_gets_404_on_the_pairs_curriculum(
    organization, pair, client_for, stranger
):
    assert client_for(stranger).get(_url("pair_curriculum", pair)).status_code == 404
