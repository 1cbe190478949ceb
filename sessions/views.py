from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mentoring.downloads import private_download
from organizations import pagecache
from organizations.access import organization_view
from organizations.audit import Action, audited_download
from organizations.roles import Capability, Role
from organizations.tenancy import tenant_context
from pairing.models import Pair
from programmes.models import Participant

from . import access, attestation, curriculum, forms, selectors, services
from .access import (
    access_action_item,
    access_challenge,
    access_goal,
    access_pair,
    access_resource,
    access_session,
    pairs_of,
)
from .calendar import feed_ics, invitation_ics
from .charts import progress_curve
from .models import Endorsement, Goal


def _pair_url(pair):
    return reverse("pair_space", kwargs={"org_slug": pair.organization.slug, "pair_id": pair.pk})


def _session_url(session):
    return reverse(
        "session_detail",
        kwargs={"org_slug": session.organization.slug, "pair_id": session.pair_id, "session_id": session.pk},
    )


def _roles(pair, member):
    """What the programme lets this person do in the pair (the pages show only their buttons)."""
    return {
        "schedules": access.can_schedule(pair, member.user, may_assist=member.has_role(Role.ASSISTANT)),
        "writes_agenda": access.can_edit_agenda(pair, member.user),
    }


def _require_scheduler(pair, user):
    # An ended pair's pages answer why nothing can be planned (the service says so) rather than 403.
    if pair.status == Pair.Status.ACTIVE and not access.can_schedule(pair, user):
        raise PermissionDenied


def _add_errors(form, error):
    """Put a service's ValidationError on the form: field errors where the field exists, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@organization_view(Capability.PARTICIPATE)
def my_pairs(request):
    pairs = list(pairs_of(request.member).order_by("-status", "-started_at", "-pk"))
    if len(pairs) == 1:
        return redirect(_pair_url(pairs[0]))
    return render(request, "sessions/my_pairs.html", {"pairs": pairs})


@organization_view(Capability.PARTICIPATE)
def pair_space(request, pair_id):
    # The page's content is kept per reader until the pair's rows (or the organisation's) are written,
    # or until a session changes list (organizations/pagecache.py). access_pair, in context(), reads
    # only rows of these scopes (the pair, its participants): what was kept for this reader was drawn
    # after it let them in, on the same rows.
    organization_id = request.organization.pk
    drawn = {}

    def context():
        drawn.update(_pair_space_context(request, access_pair(request.member, pair_id)))
        return drawn

    content = pagecache.cached_content(
        request,
        name="pair_space",
        scopes=(pagecache.organization(organization_id), pagecache.pair(organization_id, pair_id)),
        template_name="sessions/includes/pair_space_content.html",
        context=context,
        valid_until=lambda: min(
            filter(
                None,
                (pagecache.next_local_midnight(), selectors.pair_page_changes_at(drawn["sessions"].every)),
            )
        ),
    )
    return render(request, "sessions/pair_space.html", {"content": content.html})


def _pair_space_context(request, pair):
    phase = pair.programme.current_phase
    goals, earlier_goals = [], []
    for goal in selectors.goals_with_progress(pair):
        goal.curve = progress_curve(goal)
        (goals if goal.phase == phase else earlier_goals).append(goal)
    sessions = selectors.pair_page_sessions(pair)
    return {
        "pair": pair,
        "partner": pair.mentor.user if pair.mentee.user_id == request.user.pk else pair.mentee.user,
        "goals": goals,
        "earlier_goals": earlier_goals,
        "phase": phase,
        "sessions": sessions,
        "upcoming": sessions.upcoming,
        "to_log": sessions.to_log,
        "past": sessions.past,
        "actions": list(selectors.open_action_items(pair)),
        "resources": list(selectors.resources(pair)),
        "action_form": forms.RequiredActionItemForm(pair=pair, prefix="action"),
        "resource_form": forms.ResourceForm(prefix="resource"),
        "curriculum": curriculum.curriculum_progress(pair, sessions.every),
        "pending_challenges": list(curriculum.pending_challenges(pair)),
        "awaiting_challenge": (
            curriculum.session_awaiting_challenge(pair) if curriculum.is_mentee(request.user, pair) else None
        ),
        "roles": _roles(pair, request.member),
        "preparation_pending": selectors.preparation_pending(pair, sessions.every),
    }


@organization_view(Capability.PARTICIPATE)
def session_list(request, pair_id):
    pair = access_pair(request.member, pair_id)
    sessions = list(selectors.upcoming_sessions(pair)) + list(selectors.past_sessions(pair))
    return render(
        request,
        "sessions/session_list.html",
        {"pair": pair, "sessions": sessions, "roles": _roles(pair, request.member)},
    )


@organization_view(Capability.PARTICIPATE)
def schedule_session(request, pair_id):
    pair = access_pair(request.member, pair_id)
    _require_scheduler(pair, request.user)
    module = _chosen_module(request, pair)
    form = forms.SessionForm(request.POST or None, pair=pair, user=request.user)
    # The agenda's owner (as the programme says, the junior mentor by default) writes it, starting from
    # the module's; the other side plans the date only, and the session starts from the module's agenda.
    agenda = None
    if access.can_edit_agenda(pair, request.user):
        agenda = forms.agenda_formset_from(
            pair, [(line, None) for line in curriculum.starting_agenda(pair, module)], request.POST or None
        )
    if request.method == "POST" and form.is_valid() and (agenda is None or agenda.is_valid()):
        try:
            session = services.schedule_session(
                pair=pair,
                by=request.user,
                **form.when_and_where(),
                agenda=forms.agenda_entries(agenda) if agenda is not None else None,
                module=module,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Session planned. You will both receive the invitation by e-mail."))
            return redirect(_session_url(session))
    return render(
        request,
        "sessions/session_form.html",
        {
            "pair": pair,
            "form": form,
            "agenda": agenda,
            "module": module,
            "topic_form": forms.TopicForm(initial={"module": module}, pair=pair),
            "preparation_pending": selectors.preparation_pending(pair),
        },
    )


def _chosen_module(request, pair):
    """The module a new session is on: the one asked for (``module``, empty for a free topic), or the
    pair's current module when nothing was asked."""
    source = request.POST if request.method == "POST" else request.GET
    if "module" not in source:
        return curriculum.suggested_module(pair)
    topic = forms.TopicForm(source, pair=pair)
    if not topic.is_valid():
        raise Http404
    return topic.cleaned_data["module"]


@organization_view(Capability.PARTICIPATE)
def session_detail(request, pair_id, session_id):
    pair = access_pair(request.member, pair_id)
    session = access_session(pair, session_id)
    return render(
        request,
        "sessions/session_detail.html",
        {
            "pair": pair,
            "session": session,
            "agenda": selectors.session_with_agenda(session),
            "private_note": selectors.own_private_note(session, request.user),
            "actions": session.action_items.select_related("owner"),
            "progress": session.goal_progress.select_related("goal"),
            "cancel_form": forms.CancelForm(),
            "has_started": session.starts_at <= timezone.now(),
            "is_mentee": curriculum.is_mentee(request.user, pair),
            "session_challenges": session.challenges.all(),
            "roles": _roles(pair, request.member),
        },
    )


@organization_view(Capability.PARTICIPATE)
def reschedule_session(request, pair_id, session_id):
    pair = access_pair(request.member, pair_id)
    session = access_session(pair, session_id)
    _require_scheduler(pair, request.user)
    if not session.is_open:
        messages.error(request, _("Only a planned session can be moved."))
        return redirect(_session_url(session))
    form = forms.SessionForm(request.POST or None, pair=pair, user=request.user, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.reschedule_session(
                session=session,
                by=request.user,
                **form.when_and_where(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Session moved. Both calendars will be updated."))
            return redirect(_session_url(session))
    return render(request, "sessions/session_form.html", {"pair": pair, "form": form, "session": session})


@organization_view(Capability.PARTICIPATE)
@require_POST
def cancel_session(request, pair_id, session_id):
    pair = access_pair(request.member, pair_id)
    session = access_session(pair, session_id)
    form = forms.CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the session is cancelled."))
        services.cancel_session(session=session, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Session cancelled. Both of you have been told."))
    return redirect(_session_url(session))


@organization_view(Capability.PARTICIPATE)
@require_POST
def mark_no_show(request, pair_id, session_id):
    pair = access_pair(request.member, pair_id)
    session = access_session(pair, session_id)
    try:
        services.mark_no_show(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Session marked as a no-show."))
    return redirect(_session_url(session))


@organization_view(Capability.PARTICIPATE)
def log_session(request, pair_id, session_id):
    pair = access_pair(request.member, pair_id)
    session = access_session(pair, session_id)
    # Progress is recorded on the goals of the phase the programme is in; an earlier phase's stay as they were.
    goals = Goal.objects.filter(pair=pair, phase=pair.programme.current_phase)
    form = forms.LogForm(
        request.POST or None,
        session=session,
        goals=goals,
        private_note=selectors.own_private_note(session, request.user),
    )
    actions = forms.action_formset(pair, request.POST or None)
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        data = form.cleaned_data
        log = services.SessionLog(
            held=data["held"],
            actual_minutes=data["actual_minutes"],
            topics=data["topics"],
            shared_notes=data["shared_notes"],
            private_note=data["private_note"],
            usefulness=data["usefulness"],
            actions=forms.action_entries(actions),
            progress=form.progress_entries(),
        )
        try:
            services.log_session(session=session, by=request.user, log=log)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Session logged."))
            if curriculum.is_mentee(request.user, pair) and session.status == session.Status.HELD:
                return redirect(
                    reverse(
                        "challenge_create", kwargs={"org_slug": pair.organization.slug, "pair_id": pair.pk}
                    )
                    + f"?session={session.pk}"
                )
            return redirect(_pair_url(pair))
    return render(
        request,
        "sessions/log_form.html",
        {"pair": pair, "session": session, "form": form, "actions": actions},
    )


@organization_view(Capability.PARTICIPATE)
@private_download
@audited_download("session calendar file", action=Action.DOWNLOAD)
def session_ics(request, pair_id, session_id):
    pair = access_pair(request.member, pair_id)
    session = access_session(pair, session_id)
    method = "CANCEL" if session.status == session.Status.CANCELLED else "REQUEST"
    response = HttpResponse(
        invitation_ics(session, method=method), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response


@organization_view(Capability.PARTICIPATE)
def goal_create(request, pair_id):
    pair = access_pair(request.member, pair_id)
    form = forms.GoalForm(request.POST or None, pair=pair)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.create_goal(pair=pair, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Goal added."))
            return redirect("goal_detail", org_slug=pair.organization.slug, pair_id=pair.pk, goal_id=goal.pk)
    return render(request, "sessions/goal_form.html", {"pair": pair, "form": form})


@organization_view(Capability.PARTICIPATE)
def goal_edit(request, pair_id, goal_id):
    pair = access_pair(request.member, pair_id)
    goal = access_goal(pair, goal_id)
    form = forms.GoalForm(request.POST or None, pair=pair, goal=goal)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_goal(goal=goal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Goal saved."))
            return redirect("goal_detail", org_slug=pair.organization.slug, pair_id=pair.pk, goal_id=goal.pk)
    return render(request, "sessions/goal_form.html", {"pair": pair, "form": form, "goal": goal})


@organization_view(Capability.PARTICIPATE)
def goal_detail(request, pair_id, goal_id):
    pair = access_pair(request.member, pair_id)
    goal = access_goal(pair, goal_id)
    form = forms.ProgressForm(request.POST or None, goal=goal)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_progress(goal=goal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Progress recorded."))
            return redirect("goal_detail", org_slug=pair.organization.slug, pair_id=pair.pk, goal_id=goal.pk)
    points = list(goal.progress.select_related("recorded_by").order_by("recorded_on", "pk"))
    goal.curve = progress_curve(goal, points)
    return render(
        request,
        "sessions/goal_detail.html",
        {
            "pair": pair,
            "goal": goal,
            "points": points,
            "form": form,
            "current": goal.phase == pair.programme.current_phase,
        },
    )


@organization_view(Capability.PARTICIPATE)
@require_POST
def action_create(request, pair_id):
    pair = access_pair(request.member, pair_id)
    form = forms.RequiredActionItemForm(request.POST, pair=pair, prefix="action")
    if form.is_valid():
        services.add_action_item(
            pair=pair,
            by=request.user,
            title=form.cleaned_data["title"],
            owner=form.owner_user(),
            due_date=form.cleaned_data["due_date"],
        )
        messages.success(request, _("Action added."))
    else:
        messages.error(request, _("The action needs a description and an owner."))
    return redirect(_pair_url(pair) + "#actions")


@organization_view(Capability.PARTICIPATE)
@require_POST
def action_toggle(request, pair_id, action_id):
    pair = access_pair(request.member, pair_id)
    action = access_action_item(pair, action_id)
    services.toggle_action_item(action=action, by=request.user)
    return redirect(_pair_url(pair) + "#actions")


@organization_view(Capability.PARTICIPATE)
@require_POST
def resource_create(request, pair_id):
    pair = access_pair(request.member, pair_id)
    form = forms.ResourceForm(request.POST, prefix="resource")
    if form.is_valid():
        try:
            services.add_resource(pair=pair, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Added to your shared space."))
    else:
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect(_pair_url(pair) + "#resources")


@organization_view(Capability.PARTICIPATE)
@require_POST
def resource_delete(request, pair_id, resource_id):
    pair = access_pair(request.member, pair_id)
    resource = access_resource(pair, resource_id)
    services.delete_resource(resource=resource, by=request.user)
    messages.success(request, _("Removed from your shared space."))
    return redirect(_pair_url(pair) + "#resources")


@organization_view(Capability.PARTICIPATE)
def recurring_slot(request, pair_id):
    pair = access_pair(request.member, pair_id)
    _require_scheduler(pair, request.user)
    form = forms.SlotForm(request.POST or None, pair=pair, user=request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.create_recurring_slot(pair=pair, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if not result.skipped:
                count = len(result.created)
                messages.success(
                    request,
                    ngettext(
                        "%(count)s session planned up to the end of the programme.",
                        "%(count)s sessions planned up to the end of the programme.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect(_pair_url(pair))
    skipped = [
        formats.date_format(timezone.localtime(starts_at), "DATETIME_FORMAT")
        for starts_at, _conflict in (result.skipped if result else [])
    ]
    return render(
        request, "sessions/slot_form.html", {"pair": pair, "form": form, "result": result, "skipped": skipped}
    )


@organization_view(Capability.VIEW_PAIR_STATISTICS)
def pairs_overview(request):
    return render(request, "sessions/overview.html", {"rows": selectors.pairs_overview()})


@organization_view(Capability.PARTICIPATE)
def calendar_settings(request):
    organization, user = request.organization, request.user
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_calendar_feed(organization=organization, user=user)
            messages.success(request, _("Your calendar link no longer works."))
        else:
            services.create_calendar_feed(organization=organization, user=user)
            messages.success(
                request, _("Here is your new private calendar link. Any previous one stopped working.")
            )
        return redirect("calendar_settings", org_slug=organization.slug)
    feed = services.calendar_feed_for(organization=organization, user=user)
    feed_url = (
        request.build_absolute_uri(reverse("calendar_feed", kwargs={"token": feed.token})) if feed else None
    )
    return render(request, "sessions/calendar_settings.html", {"feed": feed, "feed_url": feed_url})


@private_download
def calendar_feed(request, token):
    """The private feed calendars subscribe to: the unguessable token is the only credential."""
    feed = selectors.feed_for_token(token)
    if feed is None:
        raise Http404
    with tenant_context(feed.organization):
        sessions = list(selectors.feed_sessions(user=feed.user))
        name = f"Binôme · {feed.organization.name}"
        body = feed_ics(sessions, name=name)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# The curriculum and "try it" challenges -------------------------------------------------------------------


@organization_view(Capability.PARTICIPATE)
def pair_curriculum(request, pair_id):
    pair = access_pair(request.member, pair_id)
    return render(
        request,
        "sessions/curriculum.html",
        {
            "pair": pair,
            "progress": curriculum.curriculum_progress(pair),
            "roles": _roles(pair, request.member),
        },
    )


@organization_view(Capability.PARTICIPATE)
def session_agenda(request, pair_id, session_id):
    pair = access_pair(request.member, pair_id)
    session = access_session(pair, session_id)
    if not access.can_edit_agenda(pair, request.user):
        raise PermissionDenied
    if not session.is_open:
        messages.error(request, _("Only a planned session's agenda can be changed."))
        return redirect(_session_url(session))
    items = [(item.text, item.goal) for item in session.agenda_items.select_related("goal")]
    topic = forms.TopicForm(request.POST or None, pair=pair, initial={"module": session.module})
    agenda = forms.agenda_formset_from(pair, items, request.POST or None)
    if request.method == "POST" and topic.is_valid() and agenda.is_valid():
        try:
            services.set_agenda(
                session=session,
                by=request.user,
                agenda=forms.agenda_entries(agenda),
                module=topic.cleaned_data["module"],
            )
        except ValidationError as error:
            _add_errors(topic, error)
        else:
            messages.success(request, _("Agenda saved."))
            return redirect(_session_url(session))
    return render(
        request,
        "sessions/agenda_form.html",
        {"pair": pair, "session": session, "topic_form": topic, "agenda": agenda},
    )


@organization_view(Capability.PARTICIPATE)
def challenge_list(request, pair_id):
    pair = access_pair(request.member, pair_id)
    return render(
        request,
        "sessions/challenge_list.html",
        {
            "pair": pair,
            "challenges": curriculum.challenges_of(pair),
            "is_mentee": curriculum.is_mentee(request.user, pair),
            "awaiting": curriculum.session_awaiting_challenge(pair),
        },
    )


@organization_view(Capability.PARTICIPATE)
def challenge_create(request, pair_id):
    pair = access_pair(request.member, pair_id)
    if not curriculum.is_mentee(request.user, pair):
        raise PermissionDenied
    session_id = request.POST.get("session") or request.GET.get("session")
    if session_id and str(session_id).isdigit():
        session = access_session(pair, int(session_id))
    else:
        session = curriculum.session_awaiting_challenge(pair)
        if session is None:
            messages.error(request, _("A challenge follows a held session: log your session first."))
            return redirect(_pair_url(pair))
    form = forms.ChallengeForm(
        request.POST or None,
        initial={
            "text": curriculum.suggested_challenge(session),
            "due_date": timezone.localdate() + curriculum.CHALLENGE_DEFAULT,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            curriculum.commit_to_challenge(pair=pair, by=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Challenge noted. We will remind you on the date."))
            return redirect("challenge_list", org_slug=pair.organization.slug, pair_id=pair.pk)
    return render(request, "sessions/challenge_form.html", {"pair": pair, "session": session, "form": form})


@organization_view(Capability.PARTICIPATE)
def challenge_answer(request, pair_id, challenge_id):
    pair = access_pair(request.member, pair_id)
    challenge = access_challenge(pair, challenge_id)
    is_owner = challenge.owner_id == request.user.pk and curriculum.is_mentee(request.user, pair)
    if request.method == "POST" and not is_owner:
        raise PermissionDenied
    initial = {}
    if not challenge.is_pending:
        initial = {"done": "yes" if challenge.status == challenge.Status.DONE else "no"}
        initial["reflection"] = challenge.reflection
    form = forms.ChallengeAnswerForm(request.POST or None, initial=initial) if is_owner else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            curriculum.answer_challenge(challenge=challenge, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Thank you: your mentor will read how it went."))
            return redirect("challenge_list", org_slug=pair.organization.slug, pair_id=pair.pk)
    return render(
        request, "sessions/challenge_detail.html", {"pair": pair, "challenge": challenge, "form": form}
    )


# The mentee's endorsement and the mentor's attestation ---------------------------------------------------


@organization_view(Capability.PARTICIPATE)
def endorsement(request, pair_id):
    """The mentee writes, changes or withdraws their endorsement of the mentor."""
    pair = access_pair(request.member, pair_id)
    if pair.mentee.user_id != request.user.pk:
        raise PermissionDenied
    current = Endorsement.objects.filter(pair=pair).first()
    initial = {"text": current.text, "show_topics": current.show_topics} if current else None
    form = forms.EndorsementForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        attestation.withdraw_endorsement(pair=pair, by=request.user)
        messages.success(request, _("Your endorsement is withdrawn."))
        return redirect("pair_space", org_slug=request.organization.slug, pair_id=pair.pk)
    if request.method == "POST" and form.is_valid():
        try:
            attestation.give_endorsement(pair=pair, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: your endorsement is on your mentor's attestation."))
            return redirect("pair_space", org_slug=request.organization.slug, pair_id=pair.pk)
    return render(
        request,
        "sessions/endorsement.html",
        {"pair": pair, "form": form, "current": current},
    )


@organization_view(Capability.PARTICIPATE)
def mentor_attestation(request, programme_id):
    """The junior mentor's printable attestation of their mentoring in a programme."""
    mentor = get_object_or_404(
        Participant.objects.filter(
            organization=request.organization, programme_id=programme_id, role=Participant.Role.MENTOR
        )
        .exclude(status=Participant.Status.INVITED)
        .select_related("programme", "user"),
        user=request.user,
    )
    return render(
        request,
        "sessions/attestation.html",
        {
            "attestation": attestation.attestation(programme=mentor.programme, mentor=mentor),
            "issued_on": timezone.localdate(),
        },
    )
