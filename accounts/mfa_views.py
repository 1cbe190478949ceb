"""The organisation's two-factor page (policy, who has still to enrol, resets) and the person's own door."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from organizations import audit
from organizations.access import MemberRequest, organization_view
from organizations.audit import Action
from organizations.roles import Capability

from . import mfa
from .forms import MfaPolicyForm, MfaResetForm


@organization_view(Capability.MANAGE_SECURITY)
def mfa_policy(request: MemberRequest):
    organization = request.organization
    # Read before the form: validating a model form writes its values onto the instance.
    before = organization.mfa_required_for
    form = MfaPolicyForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        mfa.set_mfa_policy(organization=organization, policy=form.cleaned_data["mfa_required_for"])
        audit.record(
            Action.SECURITY_CHANGED,
            organization=organization,
            actor=request.user,
            details={
                "setting": "mfa_required_for",
                "from": before,
                "to": form.cleaned_data["mfa_required_for"],
            },
            request=request,
        )
        messages.success(request, _("The two-factor policy is saved."))
        return redirect("mfa_policy", org_slug=organization.slug)
    return render(
        request,
        "accounts/security/mfa.html",
        {
            "form": form,
            "status": mfa.enrolment_status(organization=organization),
            "resets": mfa.resets_of(organization=organization),
        },
    )


@never_cache
@organization_view(Capability.MANAGE_SECURITY)
def reset_member_mfa(request: MemberRequest, user_id: int):
    """Confirm, then remove a member's second factors (they lost their device)."""
    organization = request.organization
    person = get_object_or_404(
        get_user_model().objects.filter(memberships__organization=organization).distinct(), pk=user_id
    )
    refusal = mfa.reset_refusal(organization=organization, member=person, reset_by=request.user)
    form = MfaResetForm(request.POST or None)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            mfa.reset_mfa(
                organization=organization,
                member=person,
                reset_by=request.user,
                reason=form.cleaned_data["reason"],
            )
            audit.record(
                Action.MFA_RESET,
                organization=organization,
                actor=request.user,
                target=person,
                target_label=person.email,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Two-factor authentication of %(name)s is reset: they are signed out everywhere.")
                % {"name": person.display_name},
            )
            return redirect("mfa_policy", org_slug=organization.slug)
    return render(
        request,
        "accounts/security/mfa_reset_confirm.html",
        {
            "person": person,
            "form": form,
            "refusal": refusal,
            "enrolled": mfa.is_enrolled(user=person),
        },
        status=403 if refusal and request.method == "POST" else 200,
    )


@never_cache
@login_required
def mfa_required(request):
    """Where the door of an organisation page leads a person who must add a second factor."""
    next_url = request.session.get("mfa_next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    return render(
        request,
        "accounts/mfa_required.html",
        {
            "organizations": mfa.organizations_requiring_mfa(user=request.user),
            "enrolled": mfa.is_enrolled(user=request.user),
            "next_url": next_url,
        },
    )
