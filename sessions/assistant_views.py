"""An executive's assistant: who delegates (the executive, or HR for them), and the assistant's own pages,
which show and change the dates and places of the executives' sessions and nothing a pair wrote."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.access import organization_view
from organizations.roles import Capability

from . import forms, selectors, services
from .access import (
    access_delegated_pair,
    access_delegated_session,
    access_own_delegation,
    delegated_pairs,
    executives_of,
)
from .models import Delegation
from .views import _add_errors


def _grant(request, form, executive):
    data = form.cleaned_data
    try:
        granted = services.grant_delegation(
            organization=request.organization,
            executive=executive,
            assistant_email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            by=request.user,
            request=request,
        )
    except ValidationError as error:
        _add_errors(form, error)
        return False
    if granted.invited:
        messages.success(request, _("Invitation sent: once they join, they can plan the sessions."))
    else:
        messages.success(request, _("Done: they can plan the sessions now, and have been told by e-mail."))
    return True


@organization_view(Capability.PARTICIPATE)
def my_assistants(request):
    form = forms.DelegationForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _grant(request, form, request.user):
        return redirect("my_assistants", org_slug=request.organization.slug)
    delegations = Delegation.objects.filter(executive=request.user).select_related("assistant")
    return render(request, "sessions/assistants/mine.html", {"form": form, "delegations": delegations})


@organization_view(Capability.MANAGE_MEMBERS)
def delegations(request):
    form = forms.HrDelegationForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid() and _grant(request, form, form.cleaned_data["executive"]):
        return redirect("delegations", org_slug=request.organization.slug)
    rows = Delegation.objects.select_related("executive", "assistant", "granted_by")
    return render(request, "sessions/assistants/delegations.html", {"form": form, "delegations": rows})


@organization_view(Capability.VIEW_ORGANIZATION)
@require_POST
def delegation_remove(request, delegation_id):
    delegation = access_own_delegation(request.member, delegation_id)
    services.remove_delegation(delegation=delegation, by=request.user, request=request)
    messages.success(request, _("Delegation removed: the assistant no longer plans these sessions."))
    back = (
        "delegations"
        if request.POST.get("from") == "hr" and request.member.can(Capability.MANAGE_MEMBERS)
        else "my_assistants"
    )
    return redirect(back, org_slug=request.organization.slug)


@organization_view(Capability.SCHEDULE_FOR_EXECUTIVES)
def assistant_sessions(request):
    pairs = list(delegated_pairs(request.member).order_by("pk"))
    return render(
        request,
        "sessions/assistants/sessions.html",
        {
            "executives": [delegation.executive for delegation in executives_of(request.member)],
            "pairs": pairs,
            "sessions": selectors.assistant_sessions(pairs),
        },
    )


@organization_view(Capability.SCHEDULE_FOR_EXECUTIVES)
def assistant_schedule(request, pair_id):
    pair = access_delegated_pair(request.member, pair_id)
    form = forms.SessionForm(request.POST or None, pair=pair, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_session(
                pair=pair,
                by=request.user,
                **form.when_and_where(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Session planned. Both of them receive the invitation by e-mail."))
            return redirect("assistant_sessions", org_slug=request.organization.slug)
    return render(request, "sessions/assistants/session_form.html", {"pair": pair, "form": form})


@organization_view(Capability.SCHEDULE_FOR_EXECUTIVES)
def assistant_reschedule(request, session_id):
    session = access_delegated_session(request.member, session_id)
    pair = session.pair
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
            return redirect("assistant_sessions", org_slug=request.organization.slug)
    return render(
        request,
        "sessions/assistants/session_form.html",
        {"pair": pair, "form": form, "session": session, "cancel_form": forms.CancelForm()},
    )


@organization_view(Capability.SCHEDULE_FOR_EXECUTIVES)
@require_POST
def assistant_cancel(request, session_id):
    session = access_delegated_session(request.member, session_id)
    form = forms.CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the session is cancelled."))
        services.cancel_session(session=session, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Session cancelled. Both of them have been told."))
    return redirect("assistant_sessions", org_slug=request.organization.slug)
