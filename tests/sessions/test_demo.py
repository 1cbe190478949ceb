from datetime import timedelta

from django.utils import timezone

from organizations.tenancy import tenant_context
from sessions import demo, services
from sessions.models import Goal, GoalProgress, Session
from tests.factories import PairFactory, ProgrammeFactory


def test_the_demo_gives_each_active_pilot_pair_months_of_history_once(organization):
    with tenant_context(organization):
        pilot = ProgrammeFactory(organization=organization, name=demo.PILOT)
        first = PairFactory(organization=organization, programme=pilot)
        second = PairFactory(organization=organization, programme=pilot, mentor=first.mentor)
        ended = PairFactory(organization=organization, programme=pilot, status="ended")
        demo.seed_demo(organization, {})
        count = Session.objects.count()
        demo.seed_demo(organization, {})
        assert Session.objects.count() == count
        for pair in (first, second):
            statuses = set(Session.objects.filter(pair=pair).values_list("status", flat=True))
            assert {"held", "scheduled"} <= statuses
            assert GoalProgress.objects.filter(goal__pair=pair).count() >= 4
        assert not Session.objects.filter(pair=ended).exists()
        assert Goal.objects.count() == 4
        for session in Session.objects.filter(status="scheduled"):
            users = [session.pair.mentor.user, session.pair.mentee.user]
            assert (
                services.overlapping_session(
                    users=users,
                    starts_at=session.starts_at,
                    duration_minutes=session.duration_minutes,
                    exclude=session,
                )
                is None
            )


def test_the_demo_does_nothing_without_the_pilot(organization):
    with tenant_context(organization):
        PairFactory(organization=organization)
        demo.seed_demo(organization, {})
        assert not Session.objects.exists()


def test_the_demo_gives_hr_a_silent_pair_an_unlogged_session_and_poor_ratings_to_follow(organization):
    now = timezone.now()
    with tenant_context(organization):
        pilot = ProgrammeFactory(
            organization=organization, name=demo.PILOT, start_date=now.date() - timedelta(120)
        )
        silent, unlogged, low_rated, regular = (
            PairFactory(organization=organization, programme=pilot, mentor__user__email=email)
            for email in (demo.SILENT, demo.UNLOGGED, demo.LOW_RATED, "someone@example.com")
        )
        demo.seed_demo(organization, {})
        sessions = Session.objects.order_by("starts_at")

        # Its last meeting was on the day six weeks ago, at whatever hour.
        recent = sessions.filter(pair=silent, starts_at__gte=now - demo.SILENT_FOR + timedelta(days=1))
        assert list(recent.values_list("status", flat=True)) == ["cancelled"]
        assert sessions.filter(pair=silent, status="held").exists()

        past = sessions.filter(pair=unlogged, starts_at__lt=now - timedelta(days=3))
        assert list(past.filter(status="scheduled")) == [past.last()]

        poorly_rated = sessions.filter(usefulness__lte=2)
        assert poorly_rated.exists()
        assert not poorly_rated.exclude(pair=low_rated).exists()
        assert not poorly_rated.filter(starts_at__lt=now - demo.LOW_RATED_SINCE).exists()
        for pair in (unlogged, low_rated, regular):
            assert sessions.filter(pair=pair, status="scheduled", starts_at__gt=now).exists()


def test_the_demo_shows_a_training_held_with_its_attendance_and_a_debrief_ahead(organization):
    from programmes.models import Participant
    from sessions.models import CohortAttendance, CohortSession
    from tests.factories import ParticipantFactory

    with tenant_context(organization):
        pilot = ProgrammeFactory(organization=organization, name=demo.PILOT)
        for _ in range(3):
            ParticipantFactory(organization=organization, programme=pilot, role=Participant.Role.MENTOR)
        demo.seed_demo(organization, {})
        demo.seed_demo(organization, {})
        sessions = list(CohortSession.objects.filter(programme=pilot).order_by("starts_at"))
        now = timezone.now()
        training = sessions[0]
        assert training.kind == "training" and training.starts_at < now
        assert training.attendance_recorded_at is not None
        assert CohortAttendance.objects.filter(cohort_session=training).count() == 3
        ahead = [session for session in sessions if session.starts_at > now]
        assert [session.kind for session in ahead] == ["debrief"]
        assert len(sessions) == 3
