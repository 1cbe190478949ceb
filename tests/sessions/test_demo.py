from organizations.tenancy import tenant_context
from sessions import demo, services
from sessions.models import Goal, GoalProgress, Session

from .factories import PairFactory, ProgrammeFactory


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
