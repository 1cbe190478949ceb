"""Reading programmes and participants: counts, filtered lists, what a person sees."""

from django.db.models import Count, Prefetch, Q

from .models import Participant, ParticipantSkill, Programme, Resource

# The pair statuses that hold a person, i.e. pairing's ``Pair.LIVE``. Programmes sits below pairing and
# cannot import it, so it names them here; tests/pairing/test_rules.py holds the two equal.
LIVE_PAIR_STATUSES = ("proposed", "accepted", "active")


def programmes_with_counts():
    return Programme.objects.annotate(
        invited_count=Count("participants", filter=Q(participants__status=Participant.Status.INVITED)),
        enrolled_count=Count("participants", filter=Q(participants__status=Participant.Status.ENROLLED)),
    ).order_by("-start_date", "name")


def _matched(participants):
    return Q(pairs_as_mentor__status__in=LIVE_PAIR_STATUSES) | Q(
        pairs_as_mentee__status__in=LIVE_PAIR_STATUSES
    )


# Preparation done: the charter accepted, the module for the person's side read, the pledge taken.
PREPARED = Q(
    charter_accepted_at__isnull=False, module_read_at__isnull=False, pledge_accepted_at__isnull=False
)


def programme_counts(*, programme):
    """Invited, enrolled, withdrawn, enrolled mentors and mentees, enrolled people prepared or not, and
    enrolled people with no pair."""
    participants = programme.participants.all()
    enrolled = Q(status=Participant.Status.ENROLLED)
    counts = participants.aggregate(
        invited=Count("pk", filter=Q(status=Participant.Status.INVITED)),
        enrolled=Count("pk", filter=enrolled),
        withdrawn=Count("pk", filter=Q(status=Participant.Status.WITHDRAWN)),
        mentors=Count("pk", filter=enrolled & Q(role=Participant.Role.MENTOR)),
        mentees=Count("pk", filter=enrolled & Q(role=Participant.Role.MENTEE)),
    )
    prepared = PREPARED
    counts.update(
        participants.filter(enrolled).aggregate(
            prepared=Count("pk", filter=prepared), unprepared=Count("pk", filter=~prepared)
        )
    )
    matched_ids = participants.filter(enrolled).filter(_matched(participants)).values("pk")
    counts["unmatched"] = participants.filter(enrolled).exclude(pk__in=matched_ids).count()
    return counts


def participant_list(*, programme, search="", role="", status="", department="", preparation=""):
    """The programme's participants, filtered; related rows loaded in a fixed number of queries."""
    # Into a list (to_attr): a prefetch into the related manager builds a filtered queryset per row to
    # hold its results, which cost more than the rest of the list's Python.
    skills = ParticipantSkill.objects.select_related("skill").order_by("pk")
    participants = programme.participants.select_related("user", "person", "manager").prefetch_related(
        Prefetch("skills", queryset=skills, to_attr="listed_skills")
    )
    return _filtered(participants, search, role, status, department, preparation)


# What HR's list of participants shows of each (the export, with participant_list, reads every column):
# the account's e-mail and name fields for the name shown, the manager's likewise, the row's own fields.
LISTED_COLUMNS = (
    "organization",
    "programme",
    "role",
    "status",
    "department",
    "job_title",
    "charter_accepted_at",
    "module_read_at",
    "pledge_accepted_at",
    *(
        f"{person}__{column}"
        for person in ("user", "manager")
        for column in ("email", "first_name", "last_name", "erased_at")
    ),
)


def listed_participants(*, programme, search="", role="", status="", department="", preparation=""):
    """``participant_list`` for HR's list page: the same rows in the same order, with only the columns
    the page shows (``LISTED_COLUMNS``; the names come from the organisation's records, read once for
    the page) and each skill's name and level.

    The list page reads 50 rows at a time with their accounts, managers and skills: the matching profile
    (languages, interests, hopes, availability…) and the accounts' other columns are most of what
    would be read and turned into objects otherwise."""
    skills = (
        ParticipantSkill.objects.select_related("skill")
        .only("participant", "level", "skill__name", "skill__name_en")
        .order_by("pk")
    )
    participants = (
        programme.participants.select_related("user", "manager")
        .only(*LISTED_COLUMNS)
        .prefetch_related(Prefetch("skills", queryset=skills, to_attr="listed_skills"))
    )
    return _filtered(participants, search, role, status, department, preparation)


def _filtered(participants, search, role, status, department, preparation):
    if search:
        for word in search.split():
            participants = participants.filter(
                Q(user__email__icontains=word)
                | Q(person__first_name__icontains=word)
                | Q(person__last_name__icontains=word)
                | Q(job_title__icontains=word)
                | Q(department__icontains=word)
            )
    if role:
        participants = participants.filter(role=role)
    if status:
        participants = participants.filter(status=status)
    if department:
        participants = participants.filter(department=department)
    if preparation == "done":
        participants = participants.filter(PREPARED)
    elif preparation == "pending":
        participants = participants.exclude(PREPARED)
    return participants.order_by("person__last_name", "person__first_name", "user__email")


def departments(*, programme):
    return list(
        programme.participants.exclude(department="")
        .order_by("department")
        .values_list("department", flat=True)
        .distinct()
    )


def my_participations(*, user):
    return (
        Participant.objects.filter(user=user).select_related("programme").order_by("-programme__start_date")
    )


def open_programmes_for(*, user):
    """Programmes open for enrolment the person has not joined yet."""
    return (
        Programme.objects.filter(status=Programme.Status.OPEN)
        .exclude(participants__user=user)
        .order_by("start_date")
    )


def resources_for(*, programme, role=None):
    resources = programme.resources.all()
    if role:
        resources = resources.filter(audience__in=[Resource.Audience.EVERYONE, f"{role}s"])
    return resources


def first_pending_participation(*, user):
    return (
        Participant.objects.filter(user=user, status=Participant.Status.INVITED)
        .exclude(programme__status=Programme.Status.CLOSED)
        .select_related("programme")
        .order_by("programme__start_date")
        .first()
    )


def curriculum_of(*, programme):
    """The programme's modules in their order, each with ``held_count``: sessions held on it, all pairs
    together (a count, never which pair). Sessions sit above programmes: the reverse relation is named
    by its query name, without importing them."""
    return programme.modules.annotate(
        held_count=Count("sessions", filter=Q(sessions__status="held"))
    ).order_by("position", "pk")
