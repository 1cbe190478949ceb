"""The junior mentors' cohort: the group sessions HR holds for a programme's mentors (a training before the
start, debriefs at a cadence), their calendar invitations and who came.

What a pair wrote never reaches it: the cohort reads the programme, its mentors and these sessions only.
The invitations go through the outbox (``sessions.notifications``) with an .ics built like a pair
session's: a stable UID, SEQUENCE bumped at each change, CANCEL when called off.
"""

import calendar as month_calendar
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.access import Member
from organizations.roles import Capability
from programmes.models import Participant, Programme

from .models import COHORT_MINUTES_CEILING, COHORT_MINUTES_FLOOR, CohortAttendance, CohortSession

# A series of debriefs: every 1 to 6 months (PwC: every 3).
SERIES_MONTHS = range(1, 7)
SERIES_MAXIMUM = 24


# Who reaches a programme's cohort -------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortAccess:
    programme: Programme
    manages: bool
    mentor: Participant | None


def mentors(programme: Programme) -> QuerySet[Participant]:
    """The programme's junior mentors who take part: enrolled, not invited or withdrawn."""
    return Participant.objects.filter(
        programme=programme, role=Participant.Role.MENTOR, status=Participant.Status.ENROLLED
    ).select_related("user", "person")


def access_cohort(member: Member, programme_id: int) -> CohortAccess:
    """The programme's cohort for its HR admins (who manage it) and its enrolled mentors (who read it);
    Http404 for anyone else (mentees, executives, assistants, other organisations)."""
    programme = get_object_or_404(Programme.objects.filter(organization=member.organization), pk=programme_id)
    mentor = mentors(programme).filter(user=member.user).first()
    manages = member.can(Capability.MANAGE_PROGRAMMES)
    if not manages and mentor is None:
        raise Http404
    return CohortAccess(programme=programme, manages=manages, mentor=mentor)


def access_cohort_session(cohort: CohortAccess, cohort_session_id: int) -> CohortSession:
    return get_object_or_404(
        CohortSession.objects.filter(programme=cohort.programme).select_related("programme", "organization"),
        pk=cohort_session_id,
    )


def require_manager(cohort: CohortAccess) -> None:
    """HR only: a mentor reads the cohort and may not change it (403, since they know it exists)."""
    if not cohort.manages:
        raise PermissionDenied


# Scheduling -------------------------------------------------------------------------------------------------


def _validate(programme: Programme, starts_at: datetime, duration_minutes: int, *, now: datetime) -> None:
    if programme.status == Programme.Status.CLOSED:
        raise ValidationError(_("This programme is closed."))
    if starts_at <= now:
        raise ValidationError({"starts_at": _("Choose a time in the future.")})
    if not COHORT_MINUTES_FLOOR <= duration_minutes <= COHORT_MINUTES_CEILING:
        raise ValidationError(
            {
                "duration_minutes": _("A cohort session lasts %(floor)s to %(ceiling)s minutes.")
                % {"floor": COHORT_MINUTES_FLOOR, "ceiling": COHORT_MINUTES_CEILING}
            }
        )


def _save(cohort_session: CohortSession) -> CohortSession:
    cohort_session.title = cohort_session.title.strip()
    cohort_session.location = cohort_session.location.strip()
    cohort_session.full_clean(exclude=["organization", "programme"])
    cohort_session.save()
    return cohort_session


def add_months(moment: datetime, months: int) -> datetime:
    """The same wall-clock time ``months`` later, on the same day or the month's last (31 Jan + 1: 28 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, month_calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def series_starts(first: datetime, *, every_months: int, until: date) -> list[datetime]:
    """The starts of a series: ``first``, then every ``every_months`` on the wall clock, up to ``until``."""
    starts, index = [], 0
    while len(starts) < SERIES_MAXIMUM:
        start = add_months(first, every_months * index)
        if start.date() > until:
            break
        starts.append(start)
        index += 1
    return starts


@transaction.atomic
def schedule_cohort_sessions(
    *,
    programme: Programme,
    kind: str,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    time_zone: str,
    location: str = "",
    description: str = "",
    every_months: int | None = None,
    now: datetime | None = None,
) -> list[CohortSession]:
    """Plan one group session of the programme's mentors, or a series (``every_months``: every N months from
    ``starts_at`` to the programme's end), and invite every enrolled mentor once committed.

    ``starts_at`` is aware, in ``time_zone``: a series keeps its wall-clock time across the changes of
    the clocks. Refused: in the past, outside 15 to 480 minutes, for a closed programme, or a series
    whose first date is after the programme's end.
    """
    from . import notifications

    now = now or timezone.now()
    _validate(programme, starts_at, duration_minutes, now=now)
    if every_months is None:
        starts = [starts_at]
        series = None
    else:
        if every_months not in SERIES_MONTHS:
            raise ValidationError({"every_months": _("Choose every 1 to 6 months.")})
        starts = series_starts(starts_at, every_months=every_months, until=programme.end_date)
        if not starts:
            raise ValidationError({"starts_at": _("The first date is after the programme's end.")})
        series = uuid.uuid4()
    planned = [
        _save(
            CohortSession(
                organization=programme.organization,
                programme=programme,
                kind=kind,
                title=title,
                starts_at=start,
                duration_minutes=duration_minutes,
                time_zone=time_zone,
                location=location,
                description=description,
                series=series,
            )
        )
        for start in starts
    ]
    notifications.notify_cohort_invitations(planned, "REQUEST")
    return planned


@transaction.atomic
def change_cohort_session(
    *,
    cohort_session: CohortSession,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    time_zone: str,
    location: str = "",
    description: str = "",
    kind: str | None = None,
    now: datetime | None = None,
) -> CohortSession:
    """Move a planned group session or change what it says; every mentor's calendar updates the event it
    holds (same UID, SEQUENCE + 1). A session already started or cancelled stays as it is."""
    from . import notifications

    now = now or timezone.now()
    cohort_session = CohortSession.objects.select_for_update().get(pk=cohort_session.pk)
    if cohort_session.is_cancelled:
        raise ValidationError(_("This session is cancelled."))
    if cohort_session.starts_at <= now:
        raise ValidationError(_("This session has already started: it can no longer be moved."))
    _validate(cohort_session.programme, starts_at, duration_minutes, now=now)
    cohort_session.title = title
    cohort_session.starts_at = starts_at
    cohort_session.duration_minutes = duration_minutes
    cohort_session.time_zone = time_zone
    cohort_session.location = location
    cohort_session.description = description
    if kind is not None:
        cohort_session.kind = kind
    cohort_session.sequence += 1
    _save(cohort_session)
    notifications.notify_cohort_invitations([cohort_session], "REQUEST")
    return cohort_session


@transaction.atomic
def cancel_cohort_session(*, cohort_session: CohortSession, now: datetime | None = None) -> CohortSession:
    """Call a planned group session off: every mentor receives the CANCEL of the event they hold."""
    from . import notifications

    now = now or timezone.now()
    cohort_session = CohortSession.objects.select_for_update().get(pk=cohort_session.pk)
    if cohort_session.is_cancelled:
        return cohort_session
    if cohort_session.starts_at <= now:
        raise ValidationError(_("This session has already started: it can no longer be cancelled."))
    cohort_session.status = CohortSession.Status.CANCELLED
    cohort_session.cancelled_at = now
    cohort_session.sequence += 1
    cohort_session.save(update_fields=["status", "cancelled_at", "sequence"])
    notifications.notify_cohort_invitations([cohort_session], "CANCEL")
    return cohort_session


def invite_to_upcoming(*, participant: Participant, now: datetime | None = None) -> int:
    """A mentor who enrols after sessions were planned is invited to those still ahead; returns how many."""
    from . import notifications

    if participant.role != Participant.Role.MENTOR or participant.status != Participant.Status.ENROLLED:
        return 0
    upcoming = _upcoming(participant, now)
    notifications.notify_cohort_invitations(upcoming, "REQUEST", recipients=[participant.user])
    return len(upcoming)


def _upcoming(participant: Participant, now: datetime | None) -> list[CohortSession]:
    return list(
        CohortSession.objects.filter(
            programme_id=participant.programme_id,
            status=CohortSession.Status.SCHEDULED,
            starts_at__gt=now or timezone.now(),
        ).select_related("organization", "programme")
    )


def uninvite_from_upcoming(*, participant: Participant, now: datetime | None = None) -> int:
    """A mentor who withdrew receives the CANCEL of the sessions still ahead, so that their calendar
    holds none of them; returns how many."""
    from . import notifications

    if participant.role != Participant.Role.MENTOR:
        return 0
    upcoming = _upcoming(participant, now)
    notifications.notify_cohort_invitations(upcoming, "CANCEL", recipients=[participant.user])
    return len(upcoming)


# Attendance -------------------------------------------------------------------------------------------------


@transaction.atomic
def record_attendance(
    *,
    cohort_session: CohortSession,
    statuses: Mapping[int, str],
    now: datetime | None = None,
) -> CohortSession:
    """HR records, after the session has started, each mentor's attendance ({participant id: status}).

    Only the programme's mentors count (enrolled, or withdrawn since but already recorded); a mentor left
    out keeps what they had. From now on the session has an attendance rate.
    """
    now = now or timezone.now()
    if cohort_session.is_cancelled:
        raise ValidationError(_("This session is cancelled."))
    if cohort_session.starts_at > now:
        raise ValidationError(_("Attendance is recorded once the session has started."))
    valid = set(CohortAttendance.Status.values)
    allowed = set(attendance_candidates(cohort_session).values_list("pk", flat=True))
    for participant_id, status in statuses.items():
        if participant_id not in allowed:
            raise ValidationError(_("Only the programme's mentors can be recorded."))
        if status not in valid:
            raise ValidationError(_("Choose present, absent or excused."))
    for participant_id, status in statuses.items():
        CohortAttendance.objects.update_or_create(
            organization=cohort_session.organization,
            cohort_session=cohort_session,
            participant_id=participant_id,
            defaults={"status": status},
        )
    cohort_session.attendance_recorded_at = now
    cohort_session.save(update_fields=["attendance_recorded_at"])
    return cohort_session


def attendance_candidates(cohort_session: CohortSession) -> QuerySet[Participant]:
    """Whom HR records: the programme's enrolled mentors, and anyone already recorded for the session."""
    recorded = CohortAttendance.objects.filter(cohort_session=cohort_session).values("participant_id")
    return (
        Participant.objects.filter(programme_id=cohort_session.programme_id, role=Participant.Role.MENTOR)
        .filter(Q(status=Participant.Status.ENROLLED) | Q(pk__in=recorded))
        .select_related("user", "person")
    )


@transaction.atomic
def excuse_in_advance(
    *, cohort_session: CohortSession, mentor: Participant, excused: bool, now: datetime | None = None
) -> CohortAttendance | None:
    """The mentor says before the session that they cannot come (``excused``), or that they can after all.
    HR sees it, and it stands as their attendance unless HR records otherwise."""
    now = now or timezone.now()
    if cohort_session.is_cancelled or cohort_session.starts_at <= now:
        raise ValidationError(_("You can only answer for a session still ahead."))
    if mentor.programme_id != cohort_session.programme_id or mentor.role != Participant.Role.MENTOR:
        raise PermissionDenied
    rows = CohortAttendance.objects.filter(cohort_session=cohort_session, participant=mentor)
    if not excused:
        rows.filter(in_advance=True).delete()
        return None
    attendance, _created = CohortAttendance.objects.update_or_create(
        organization=cohort_session.organization,
        cohort_session=cohort_session,
        participant=mentor,
        defaults={"status": CohortAttendance.Status.EXCUSED, "in_advance": True},
    )
    return attendance


# What the pages show ------------------------------------------------------------------------------------------


def rate(part: int, whole: int) -> float | None:
    """A share in percent (74.5), None when there is nothing to count."""
    return None if not whole else 100 * part / whole


def cohort_sessions(programme: Programme) -> QuerySet[CohortSession]:
    """The programme's group sessions with their attendance counted in SQL, in one query."""
    return (
        CohortSession.objects.filter(programme=programme)
        .select_related("organization", "programme")
        .annotate(
            present=Count("attendance", filter=Q(attendance__status=CohortAttendance.Status.PRESENT)),
            absent=Count("attendance", filter=Q(attendance__status=CohortAttendance.Status.ABSENT)),
            excused=Count("attendance", filter=Q(attendance__status=CohortAttendance.Status.EXCUSED)),
        )
        .order_by("starts_at", "pk")
    )


@dataclass
class MentorAttendance:
    mentor: Participant
    present: int
    absent: int
    excused: int

    @property
    def recorded(self) -> int:
        return self.present + self.absent + self.excused

    @property
    def rate(self) -> float | None:
        return rate(self.present, self.recorded)


def mentors_attendance(programme: Programme) -> list[MentorAttendance]:
    """Each enrolled mentor's attendance at the sessions HR recorded (cancelled ones aside), in one query."""
    recorded = Q(
        cohort_attendance__cohort_session__attendance_recorded_at__isnull=False,
        cohort_attendance__cohort_session__status=CohortSession.Status.SCHEDULED,
    )

    def counted(status):
        return Count("cohort_attendance", filter=recorded & Q(cohort_attendance__status=status))

    rows = mentors(programme).annotate(
        present_count=counted(CohortAttendance.Status.PRESENT),
        absent_count=counted(CohortAttendance.Status.ABSENT),
        excused_count=counted(CohortAttendance.Status.EXCUSED),
    )
    return [
        MentorAttendance(
            mentor=row, present=row.present_count, absent=row.absent_count, excused=row.excused_count
        )
        for row in rows
    ]


def with_own_attendance(sessions: QuerySet[CohortSession], mentor: Participant) -> QuerySet[CohortSession]:
    """``sessions`` each with the mentor's own attendance row (``own``: a list of zero or one)."""
    return sessions.prefetch_related(
        Prefetch("attendance", queryset=CohortAttendance.objects.filter(participant=mentor), to_attr="own")
    )


def split_by_time(sessions: list[CohortSession], *, now: datetime) -> tuple[list, list]:
    """(upcoming, past): upcoming soonest first, past latest first."""
    upcoming = [session for session in sessions if session.ends_at > now]
    past = [session for session in sessions if session.ends_at <= now]
    return upcoming, list(reversed(past))


def session_rate(cohort_session: CohortSession) -> float | None:
    """Present among the mentors HR recorded, once recorded (an annotated row of ``cohort_sessions``)."""
    if cohort_session.attendance_recorded_at is None or cohort_session.is_cancelled:
        return None
    return rate(
        cohort_session.present, cohort_session.present + cohort_session.absent + cohort_session.excused
    )
