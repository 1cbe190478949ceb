"""The mentors' cohort pages: HR plans the group sessions and records who came; the programme's mentors
read their calendar and the resources meant for them. Everyone else gets 404 (``cohort.access_cohort``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mentoring.downloads import private_download
from organizations.access import organization_view
from organizations.audit import Action, audited_download
from organizations.roles import Capability, Role
from programmes.models import Participant, Resource

from . import cohort, forms
from .calendar import cohort_ics
from .models import CohortAttendance


def _cohort_url(programme):
    return redirect("cohort", org_slug=programme.organization.slug, programme_id=programme.pk)


def _session_url(cohort_session):
    return redirect(
        "cohort_session",
        org_slug=cohort_session.organization.slug,
        programme_id=cohort_session.programme_id,
        cohort_session_id=cohort_session.pk,
    )


def _form_errors(form, error):
    """The service's refusal on the form, by field where the form has it: nothing typed is lost."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _managed_session(request, programme_id, cohort_session_id):
    """The programme's cohort access and one of its sessions, for HR only (404 elsewhere, 403 to mentors)."""
    access = cohort.access_cohort(request.member, programme_id)
    cohort.require_manager(access)
    return access, cohort.access_cohort_session(access, cohort_session_id)


@organization_view(Capability.VIEW_ORGANIZATION)
def my_cohort(request):
    """A mentor's way in from the navigation: their programme's cohort, or a choice among several."""
    if not request.member.has_role(Role.MENTOR):
        raise Http404
    participations = list(
        Participant.objects.filter(
            organization=request.organization,
            user=request.user,
            role=Participant.Role.MENTOR,
            status=Participant.Status.ENROLLED,
        )
        .select_related("programme")
        .order_by("-programme__start_date", "pk")
    )
    if len(participations) == 1:
        return _cohort_url(participations[0].programme)
    return render(request, "sessions/cohort/my_cohort.html", {"participations": participations})


@organization_view(Capability.VIEW_ORGANIZATION)
def cohort_page(request, programme_id):
    """HR: the group sessions with their attendance rates, and each mentor's attendance. A mentor: their
    cohort's calendar, their own attendance, and the resources meant for mentors."""
    access = cohort.access_cohort(request.member, programme_id)
    programme, now = access.programme, timezone.now()
    sessions = cohort.cohort_sessions(programme)
    context = {"programme": programme, "access": access, "now": now}
    if access.manages:
        rows = list(sessions)
        for row in rows:
            row.rate = cohort.session_rate(row)
        upcoming, past = cohort.split_by_time(rows, now=now)
        context.update(upcoming=upcoming, past=past, mentors=cohort.mentors_attendance(programme))
        return render(request, "sessions/cohort/manage.html", context)
    rows = list(cohort.with_own_attendance(sessions, access.mentor))
    upcoming, past = cohort.split_by_time(rows, now=now)
    own = cohort.MentorAttendance(
        mentor=access.mentor,
        present=sum(1 for row in past if _own_status(row) == CohortAttendance.Status.PRESENT),
        absent=sum(1 for row in past if _own_status(row) == CohortAttendance.Status.ABSENT),
        excused=sum(1 for row in past if _own_status(row) == CohortAttendance.Status.EXCUSED),
    )
    resources = Resource.objects.filter(
        programme=programme, audience__in=[Resource.Audience.EVERYONE, Resource.Audience.MENTORS]
    ).order_by("title", "pk")
    context.update(upcoming=upcoming, past=past, own=own, resources=resources)
    return render(request, "sessions/cohort/mentor.html", context)


def _own_status(row):
    if row.is_cancelled or (row.attendance_recorded_at is None and not row.own):
        return None
    return row.own[0].status if row.own else None


@organization_view(Capability.VIEW_ORGANIZATION)
def cohort_session_create(request, programme_id):
    access = cohort.access_cohort(request.member, programme_id)
    cohort.require_manager(access)
    form = forms.CohortSessionForm(request.POST or None, user=request.user, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            planned = cohort.schedule_cohort_sessions(
                programme=access.programme,
                kind=data["kind"],
                title=data["title"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                time_zone=data["time_zone"],
                location=data["location"],
                description=data["description"],
                every_months=data["every_months"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s session planned. Every mentor of the programme is invited.",
                    "%(count)s sessions planned. Every mentor of the programme is invited.",
                    len(planned),
                )
                % {"count": len(planned)},
            )
            return _cohort_url(access.programme)
    return render(request, "sessions/cohort/session_form.html", {"programme": access.programme, "form": form})


@organization_view(Capability.VIEW_ORGANIZATION)
def cohort_session_detail(request, programme_id, cohort_session_id):
    access = cohort.access_cohort(request.member, programme_id)
    cohort_session = cohort.access_cohort_session(access, cohort_session_id)
    now = timezone.now()
    context = {
        "programme": access.programme,
        "access": access,
        "cohort_session": cohort_session,
        "started": cohort_session.starts_at <= now,
    }
    if access.manages:
        row = cohort.cohort_sessions(access.programme).get(pk=cohort_session.pk)
        context.update(
            rate=cohort.session_rate(row),
            counts=row,
            attendance=CohortAttendance.objects.filter(cohort_session=cohort_session)
            .select_related("participant__user", "participant__person")
            .order_by("participant__person__last_name", "participant__person__first_name", "pk"),
        )
    else:
        context["own"] = CohortAttendance.objects.filter(
            cohort_session=cohort_session, participant=access.mentor
        ).first()
    return render(request, "sessions/cohort/session_detail.html", context)


@organization_view(Capability.VIEW_ORGANIZATION)
def cohort_session_edit(request, programme_id, cohort_session_id):
    access, cohort_session = _managed_session(request, programme_id, cohort_session_id)
    if cohort_session.is_cancelled or cohort_session.starts_at <= timezone.now():
        messages.error(request, _("Only a session still ahead can be moved or changed."))
        return _session_url(cohort_session)
    form = forms.CohortSessionForm(
        request.POST or None,
        user=request.user,
        organization=request.organization,
        cohort_session=cohort_session,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort.change_cohort_session(
                cohort_session=cohort_session,
                kind=data["kind"],
                title=data["title"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                time_zone=data["time_zone"],
                location=data["location"],
                description=data["description"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Session changed. Every mentor's calendar is updated."))
            return _session_url(cohort_session)
    return render(
        request,
        "sessions/cohort/session_form.html",
        {"programme": access.programme, "form": form, "cohort_session": cohort_session},
    )


@organization_view(Capability.VIEW_ORGANIZATION)
@require_POST
def cohort_session_cancel(request, programme_id, cohort_session_id):
    access, cohort_session = _managed_session(request, programme_id, cohort_session_id)
    try:
        cohort.cancel_cohort_session(cohort_session=cohort_session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Session cancelled. Every mentor has been told."))
    return _session_url(cohort_session)


@organization_view(Capability.VIEW_ORGANIZATION)
def cohort_attendance(request, programme_id, cohort_session_id):
    """HR records each mentor present, absent or excused, once the session has started."""
    access, cohort_session = _managed_session(request, programme_id, cohort_session_id)
    if cohort_session.is_cancelled or cohort_session.starts_at > timezone.now():
        messages.error(request, _("Attendance is recorded once the session has started."))
        return _session_url(cohort_session)
    current = dict(
        CohortAttendance.objects.filter(cohort_session=cohort_session).values_list("participant_id", "status")
    )
    form = forms.AttendanceForm(
        request.POST or None, candidates=cohort.attendance_candidates(cohort_session), current=current
    )
    if request.method == "POST" and form.is_valid():
        try:
            cohort.record_attendance(cohort_session=cohort_session, statuses=form.statuses())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Attendance recorded."))
            return _session_url(cohort_session)
    return render(
        request,
        "sessions/cohort/attendance_form.html",
        {"programme": access.programme, "cohort_session": cohort_session, "form": form},
    )


@organization_view(Capability.VIEW_ORGANIZATION)
@require_POST
def cohort_excuse(request, programme_id, cohort_session_id):
    """A mentor says in advance that they cannot come, or that they can after all."""
    access = cohort.access_cohort(request.member, programme_id)
    if access.mentor is None:
        raise Http404
    cohort_session = cohort.access_cohort_session(access, cohort_session_id)
    excused = request.POST.get("excused") == "yes"
    try:
        cohort.excuse_in_advance(cohort_session=cohort_session, mentor=access.mentor, excused=excused)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Noted: you are excused. HR sees it.") if excused else _("Noted: you will come after all."),
        )
    return _session_url(cohort_session)


@organization_view(Capability.VIEW_ORGANIZATION)
@private_download
@audited_download("cohort calendar file", action=Action.DOWNLOAD)
def cohort_session_ics(request, programme_id, cohort_session_id):
    access = cohort.access_cohort(request.member, programme_id)
    cohort_session = cohort.access_cohort_session(access, cohort_session_id)
    method = "CANCEL" if cohort_session.is_cancelled else "REQUEST"
    response = HttpResponse(
        cohort_ics(cohort_session, method=method, attendee=request.user if access.mentor else None),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="cohort-{cohort_session.pk}.ics"'
    return response
