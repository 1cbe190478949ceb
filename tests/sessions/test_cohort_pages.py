"""The cohort's pages: HR manages, the programme's mentors read, everyone else gets 404; nothing a pair wrote
shows there; the lists keep a fixed number of queries."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from organizations.roles import Role
from organizations.tenancy import tenant_context
from programmes.models import Participant, Resource
from sessions.models import CohortAttendance, CohortSession
from tests.factories import (
    AgendaItemFactory,
    ChallengeFactory,
    CohortAttendanceFactory,
    CohortSessionFactory,
    DelegationFactory,
    GoalFactory,
    PairFactory,
    ParticipantFactory,
    PrivateNoteFactory,
    ProgrammeFactory,
    ResourceFactory,
    SessionFactory,
    SharedResourceFactory,
    member,
)

MARKER = "Pineapple-secret"


@pytest.fixture
def programme(organization):
    return ProgrammeFactory(organization=organization, name="Pilot")


@pytest.fixture
def pair(organization, programme, mentor_user, mentee_user):
    return PairFactory(
        organization=organization, programme=programme, mentor__user=mentor_user, mentee__user=mentee_user
    )


@pytest.fixture
def held(organization, programme, pair):
    return CohortSessionFactory(
        organization=organization, programme=programme, held=True, title="Kick-off training"
    )


@pytest.fixture
def upcoming(organization, programme, pair):
    return CohortSessionFactory(organization=organization, programme=programme, title="Spring debrief")


def _urls(programme, session):
    kwargs = {"org_slug": programme.organization.slug, "programme_id": programme.pk}
    one = {**kwargs, "cohort_session_id": session.pk}
    return {
        "cohort": reverse("cohort", kwargs=kwargs),
        "cohort_session": reverse("cohort_session", kwargs=one),
        "cohort_session_ics": reverse("cohort_session_ics", kwargs=one),
        "cohort_session_create": reverse("cohort_session_create", kwargs=kwargs),
        "cohort_session_edit": reverse("cohort_session_edit", kwargs=one),
        "cohort_attendance": reverse("cohort_attendance", kwargs=one),
    }


READS = ["cohort", "cohort_session", "cohort_session_ics"]
MANAGES = ["cohort_session_create", "cohort_session_edit", "cohort_attendance"]


def test_hr_reaches_every_page(organization, programme, held, upcoming, hr_admin, client_for):
    client = client_for(hr_admin)
    for name, url in _urls(programme, held).items():
        if name != "cohort_session_edit":
            assert client.get(url).status_code == 200, name
    assert client.get(_urls(programme, upcoming)["cohort_session_edit"]).status_code == 200


def test_a_session_that_started_or_was_cancelled_opens_no_edit_form(
    organization, programme, held, upcoming, hr_admin, client_for
):
    with tenant_context(organization):
        upcoming.status = CohortSession.Status.CANCELLED
        upcoming.save()
    client = client_for(hr_admin)
    for session in (held, upcoming):
        response = client.get(_urls(programme, session)["cohort_session_edit"])
        assert response.status_code == 302
        assert response.url == _urls(programme, session)["cohort_session"]


def test_an_upcoming_session_opens_no_attendance_form(
    organization, programme, upcoming, hr_admin, client_for
):
    response = client_for(hr_admin).get(_urls(programme, upcoming)["cohort_attendance"])
    assert response.status_code == 302


def test_a_mentor_of_the_programme_reads_and_may_not_manage(
    organization, programme, held, mentor_user, client_for
):
    client = client_for(mentor_user)
    urls = _urls(programme, held)
    for name in READS:
        assert client.get(urls[name]).status_code == 200, name
    for name in MANAGES:
        assert client.get(urls[name]).status_code == 403, name
    cancel = reverse(
        "cohort_session_cancel",
        kwargs={"org_slug": "acme", "programme_id": programme.pk, "cohort_session_id": held.pk},
    )
    assert client.post(cancel).status_code == 403


@pytest.mark.parametrize("role", ["mentee", "executive", "assistant", "mentor_elsewhere", "withdrawn_mentor"])
def test_everyone_else_gets_404(organization, programme, held, pair, mentee_user, client_for, role):
    if role == "mentee":
        user = mentee_user
    elif role == "executive":
        user = member(organization, Role.EXECUTIVE, email="exec@acme.example")
    elif role == "assistant":
        user = DelegationFactory(organization=organization, executive=mentee_user).assistant
    elif role == "mentor_elsewhere":
        user = ParticipantFactory(organization=organization, role=Participant.Role.MENTOR).user
    else:
        user = ParticipantFactory(
            organization=organization,
            programme=programme,
            role=Participant.Role.MENTOR,
            status=Participant.Status.WITHDRAWN,
        ).user
    client = client_for(user)
    for name, url in _urls(programme, held).items():
        assert client.get(url).status_code == 404, name
    excuse = reverse(
        "cohort_excuse",
        kwargs={"org_slug": "acme", "programme_id": programme.pk, "cohort_session_id": held.pk},
    )
    assert client.post(excuse, {"excused": "yes"}).status_code == 404


def test_a_member_of_another_organisation_gets_404(programme, held, outsider, client_for):
    client = client_for(outsider)
    for name, url in _urls(programme, held).items():
        assert client.get(url).status_code == 404, name
        assert client.get(url.replace("/o/acme/", "/o/globex/")).status_code == 404, name


def test_a_session_of_another_programme_is_404(organization, programme, held, hr_admin, client_for):
    elsewhere = CohortSessionFactory(organization=organization)
    url = reverse(
        "cohort_session",
        kwargs={"org_slug": "acme", "programme_id": programme.pk, "cohort_session_id": elsewhere.pk},
    )
    assert client_for(hr_admin).get(url).status_code == 404


def test_the_programme_page_shows_each_sessions_rate_and_each_mentors_attendance(
    organization, programme, pair, held, hr_admin, client_for
):
    other = ParticipantFactory(organization=organization, programme=programme, role=Participant.Role.MENTOR)
    with tenant_context(organization):
        held.attendance_recorded_at = held.starts_at
        held.save()
        CohortAttendanceFactory(organization=organization, cohort_session=held, participant=pair.mentor)
        CohortAttendanceFactory(
            organization=organization,
            cohort_session=held,
            participant=other,
            status=CohortAttendance.Status.ABSENT,
        )
    page = client_for(hr_admin).get(_urls(programme, held)["cohort"]).content.decode()
    assert "Kick-off training" in page
    assert '<td class="text-end attendance-rate">50%</td>' in page
    assert "100%" in page and "0%" in page  # each mentor's own rate


def test_a_mentor_sees_the_calendar_their_attendance_and_the_mentors_resources(
    organization, programme, pair, held, upcoming, mentor_user, client_for
):
    with tenant_context(organization):
        held.attendance_recorded_at = held.starts_at
        held.save()
        CohortAttendanceFactory(organization=organization, cohort_session=held, participant=pair.mentor)
    ResourceFactory(
        organization=organization,
        programme=programme,
        title="Mentor guide",
        audience=Resource.Audience.MENTORS,
    )
    ResourceFactory(
        organization=organization,
        programme=programme,
        title="Mentee guide",
        audience=Resource.Audience.MENTEES,
    )
    page = client_for(mentor_user).get(_urls(programme, held)["cohort"]).content.decode()
    assert "Spring debrief" in page and "Kick-off training" in page
    assert "Mentor guide" in page
    assert "Mentee guide" not in page
    assert (
        reverse(
            "cohort_session_ics",
            kwargs={"org_slug": "acme", "programme_id": programme.pk, "cohort_session_id": upcoming.pk},
        )
        in page
    )
    assert "100%" in page


def test_a_mentor_says_in_advance_they_cannot_come(
    organization, programme, upcoming, mentor_user, pair, client_for
):
    client = client_for(mentor_user)
    url = reverse(
        "cohort_excuse",
        kwargs={"org_slug": "acme", "programme_id": programme.pk, "cohort_session_id": upcoming.pk},
    )
    assert client.post(url, {"excused": "yes"}).status_code == 302
    with tenant_context(organization):
        row = CohortAttendance.objects.get(cohort_session=upcoming)
    assert (row.participant, row.status, row.in_advance) == (pair.mentor, "excused", True)


def test_hr_plans_a_quarterly_series_from_the_form(
    organization, programme, pair, hr_admin, client_for, django_capture_on_commit_callbacks
):
    start = datetime.date.today() + datetime.timedelta(days=10)
    url = reverse("cohort_session_create", kwargs={"org_slug": "acme", "programme_id": programme.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr_admin).post(
            url,
            {
                "kind": "debrief",
                "title": "Quarterly debrief",
                "date": start.isoformat(),
                "start_time": "17:00",
                "duration_minutes": "90",
                "time_zone": "Europe/Paris",
                "location": "Salle Lumière",
                "description": "",
                "repeat": "3",
            },
        )
    assert response.status_code == 302
    with tenant_context(organization):
        planned = list(CohortSession.objects.filter(programme=programme))
    assert len(planned) == len({session.starts_at for session in planned}) >= 3
    assert {message.to[0] for message in mail.outbox} == {"mentor@acme.example"}


def test_a_refused_form_keeps_what_hr_typed(organization, programme, hr_admin, client_for):
    url = reverse("cohort_session_create", kwargs={"org_slug": "acme", "programme_id": programme.pk})
    response = client_for(hr_admin).post(
        url,
        {
            "kind": "training",
            "title": "Kick-off in the past",
            "date": "2020-01-15",
            "start_time": "17:00",
            "duration_minutes": "90",
            "time_zone": "Europe/Paris",
        },
    )
    assert response.status_code == 200
    assert "Choose a time in the future." in response.content.decode()
    assert 'value="Kick-off in the past"' in response.content.decode()


def test_hr_records_attendance_from_the_form(organization, programme, pair, held, hr_admin, client_for):
    url = _urls(programme, held)["cohort_attendance"]
    response = client_for(hr_admin).post(url, {f"mentor_{pair.mentor.pk}": "absent"})
    assert response.status_code == 302
    with tenant_context(organization):
        assert CohortAttendance.objects.get(cohort_session=held).status == "absent"
        held.refresh_from_db()
    assert held.attendance_recorded_at is not None


def test_nothing_a_pair_wrote_shows_on_the_cohort_pages(
    organization, programme, pair, held, upcoming, hr_admin, mentor_user, client_for
):
    session = SessionFactory(
        organization=organization, pair=pair, held=True, shared_notes=f"{MARKER} notes", topics=MARKER
    )
    AgendaItemFactory(organization=organization, session=session, text=f"{MARKER} agenda")
    PrivateNoteFactory(organization=organization, session=session, text=f"{MARKER} private")
    GoalFactory(organization=organization, pair=pair, title=f"{MARKER} goal")
    SharedResourceFactory(organization=organization, pair=pair, title=f"{MARKER} take-away", body=MARKER)
    ChallengeFactory(
        organization=organization, session=session, text=f"{MARKER} challenge", reflection=MARKER
    )
    with tenant_context(organization):
        CohortAttendanceFactory(organization=organization, cohort_session=held, participant=pair.mentor)
    for user in (hr_admin, mentor_user):
        client = client_for(user)
        for session_row in (held, upcoming):
            for name, url in _urls(programme, session_row).items():
                response = client.get(url)
                if response.status_code == 200:
                    assert MARKER not in response.content.decode(), (user.email, name)


def _populate(organization, programme, count):
    mentors = [
        ParticipantFactory(organization=organization, programme=programme, role=Participant.Role.MENTOR)
        for _ in range(count)
    ]
    for index in range(count):
        session = CohortSessionFactory(
            organization=organization, programme=programme, held=index % 2 == 0, title=f"Session {index}"
        )
        for mentor in mentors:
            CohortAttendanceFactory(organization=organization, cohort_session=session, participant=mentor)
    ResourceFactory(organization=organization, programme=programme, audience=Resource.Audience.MENTORS)


@pytest.mark.parametrize("who", ["hr", "mentor"])
def test_the_cohort_page_keeps_its_query_count(
    organization, programme, pair, hr_admin, mentor_user, client_for, django_assert_max_num_queries, who
):
    client = client_for(hr_admin if who == "hr" else mentor_user)
    url = reverse("cohort", kwargs={"org_slug": "acme", "programme_id": programme.pk})
    _populate(organization, programme, 1)
    with django_assert_max_num_queries(16) as small:
        assert client.get(url).status_code == 200
    _populate(organization, programme, 8)
    with django_assert_max_num_queries(16) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_session_page_keeps_its_query_count(
    organization, programme, pair, held, hr_admin, client_for, django_assert_max_num_queries
):
    client = client_for(hr_admin)
    url = _urls(programme, held)["cohort_session"]
    with django_assert_max_num_queries(16) as small:
        assert client.get(url).status_code == 200
    for _ in range(6):
        mentor = ParticipantFactory(
            organization=organization, programme=programme, role=Participant.Role.MENTOR
        )
        CohortAttendanceFactory(organization=organization, cohort_session=held, participant=mentor)
    with django_assert_max_num_queries(16) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_my_cohort_leads_a_mentor_to_their_programmes_cohort(programme, pair, mentor_user, client_for):
    response = client_for(mentor_user).get(reverse("my_cohort", kwargs={"org_slug": "acme"}))
    assert response.status_code == 302
    assert response.url == reverse("cohort", kwargs={"org_slug": "acme", "programme_id": programme.pk})


@pytest.mark.parametrize("role", [Role.MENTEE, Role.EXECUTIVE, Role.HR_ADMIN, Role.ASSISTANT])
def test_my_cohort_is_404_without_the_mentor_role(organization, client_for, role):
    user = member(organization, role)
    assert client_for(user).get(reverse("my_cohort", kwargs={"org_slug": "acme"})).status_code == 404


def test_the_navigation_offers_the_cohort_to_mentors_only(organization, mentor_user, mentee_user, client_for):
    home = reverse("organization_home", kwargs={"org_slug": "acme"})
    link = reverse("my_cohort", kwargs={"org_slug": "acme"})
    assert link in client_for(mentor_user).get(home).content.decode()
    assert link not in client_for(mentee_user).get(home).content.decode()
