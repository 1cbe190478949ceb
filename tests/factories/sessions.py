"""Sessions and what a pair creates around them: agendas, notes, goals, actions, take-aways."""

import datetime

import factory
from django.utils import timezone

from organizations.models import Membership
from organizations.roles import Role
from organizations.tenancy import tenant_context
from sessions.models import (
    ActionItem,
    AgendaItem,
    Challenge,
    CohortAttendance,
    CohortSession,
    Delegation,
    Goal,
    GoalProgress,
    PrivateNote,
    Session,
    SharedResource,
)

from .organizations import TenantFactory, UserFactory
from .pairing import PairFactory
from .programmes import ParticipantFactory, ProgrammeFactory


def in_days(days, hour=12, minute=30):
    start = timezone.localtime() + datetime.timedelta(days=days)
    return start.replace(hour=hour, minute=minute, second=0, microsecond=0)


class SessionFactory(TenantFactory):
    """A session scheduled for next week's lunch break; ``held=True`` for one held three days ago."""

    class Meta:
        model = Session

    class Params:
        held = factory.Trait(
            status=Session.Status.HELD,
            starts_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3)),
        )

    # Before the pair (see ParticipantFactory): describing it while a trait is looked up reads names.
    status = Session.Status.SCHEDULED
    starts_at = factory.LazyFunction(lambda: in_days(7))
    duration_minutes = 45
    time_zone = "Europe/Paris"
    pair = factory.SubFactory(PairFactory, organization=factory.SelfAttribute("..organization"))


class GoalFactory(TenantFactory):
    class Meta:
        model = Goal

    pair = factory.SubFactory(PairFactory, organization=factory.SelfAttribute("..organization"))
    title = factory.Sequence(lambda n: f"Goal {n}")


class GoalProgressFactory(TenantFactory):
    class Meta:
        model = GoalProgress

    goal = factory.SubFactory(GoalFactory, organization=factory.SelfAttribute("..organization"))
    recorded_on = factory.LazyFunction(timezone.localdate)
    value = 3


class AgendaItemFactory(TenantFactory):
    class Meta:
        model = AgendaItem

    session = factory.SubFactory(SessionFactory, organization=factory.SelfAttribute("..organization"))
    text = factory.Sequence(lambda n: f"Agenda item {n}")


class PrivateNoteFactory(TenantFactory):
    class Meta:
        model = PrivateNote

    session = factory.SubFactory(SessionFactory, organization=factory.SelfAttribute("..organization"))
    author = factory.LazyAttribute(lambda note: note.session.pair.mentee.user)
    text = "Private"


class ActionItemFactory(TenantFactory):
    class Meta:
        model = ActionItem

    pair = factory.SubFactory(PairFactory, organization=factory.SelfAttribute("..organization"))
    owner = factory.LazyAttribute(lambda action: action.pair.mentee.user)
    title = factory.Sequence(lambda n: f"Action {n}")


class SharedResourceFactory(TenantFactory):
    class Meta:
        model = SharedResource

    pair = factory.SubFactory(PairFactory, organization=factory.SelfAttribute("..organization"))
    title = factory.Sequence(lambda n: f"Take-away {n}")
    body = "What we learnt"


class ChallengeFactory(TenantFactory):
    """A pending challenge the mentee committed to after a held session, due in a week."""

    class Meta:
        model = Challenge

    session = factory.SubFactory(
        SessionFactory, organization=factory.SelfAttribute("..organization"), held=True
    )
    pair = factory.LazyAttribute(lambda challenge: challenge.session.pair)
    owner = factory.LazyAttribute(lambda challenge: challenge.pair.mentee.user)
    text = factory.Sequence(lambda n: f"Try thing {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class DelegationFactory(TenantFactory):
    """An executive (a pair's mentee) who lets an assistant plan their sessions; the assistant holds the role."""

    class Meta:
        model = Delegation
        skip_postgeneration_save = True

    executive = factory.SubFactory(UserFactory)
    assistant = factory.SubFactory(UserFactory)

    @factory.post_generation
    def membership(delegation, create, extracted, **kwargs):
        if create and extracted is not False:
            with tenant_context(delegation.organization):
                Membership.objects.get_or_create(
                    organization=delegation.organization, user=delegation.assistant, role=Role.ASSISTANT
                )


class CohortSessionFactory(TenantFactory):
    """A debrief of the programme's mentors in two weeks; ``held=True`` for a training held last week."""

    class Meta:
        model = CohortSession

    class Params:
        held = factory.Trait(
            kind=CohortSession.Kind.TRAINING,
            starts_at=factory.LazyFunction(lambda: in_days(-7, hour=14, minute=0)),
        )

    programme = factory.SubFactory(ProgrammeFactory, organization=factory.SelfAttribute("..organization"))
    kind = CohortSession.Kind.DEBRIEF
    title = factory.Sequence(lambda n: f"Debrief {n}")
    starts_at = factory.LazyFunction(lambda: in_days(14, hour=17, minute=0))
    duration_minutes = 90
    time_zone = "Europe/Paris"
    location = "Salle Lumière"


class CohortAttendanceFactory(TenantFactory):
    class Meta:
        model = CohortAttendance

    cohort_session = factory.SubFactory(
        CohortSessionFactory, organization=factory.SelfAttribute("..organization"), held=True
    )
    participant = factory.SubFactory(
        ParticipantFactory,
        organization=factory.SelfAttribute("..organization"),
        programme=factory.SelfAttribute("..cohort_session.programme"),
        role="mentor",
    )
    status = CohortAttendance.Status.PRESENT
