from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mentoring.downloads import private_download

from . import audit, audit_export, selectors, services, uploads
from .access import MemberRequest, UserRequest, organization_view, organizations_of
from .audit import audited_download
from .forms import AcceptInvitationForm, AuditFilterForm, AuditRetentionForm, InvitationForm
from .models import Invitation
from .roles import Capability, Role


def home(request: UserRequest) -> HttpResponse:
    """Signed out: what Binôme is. Signed in: the organisation they work in, or a choice."""
    if not request.user.is_authenticated:
        return render(request, "organizations/landing.html")
    organizations = list(organizations_of(request.user, request.session))
    last = request.session.get("last_organization")
    if len(organizations) == 1:
        return redirect("organization_home", org_slug=organizations[0].slug)
    if last and any(organization.slug == last for organization in organizations):
        return redirect("organization_home", org_slug=last)
    return render(request, "organizations/choose.html", {"organizations": organizations})


@login_required
def choose_organization(request: UserRequest) -> HttpResponse:
    return render(
        request,
        "organizations/choose.html",
        {"organizations": organizations_of(request.user, request.session)},
    )


@organization_view(Capability.VIEW_ORGANIZATION)
def organization_home(request: MemberRequest) -> HttpResponse:
    return render(
        request,
        "organizations/home.html",
        {"roles": [Role(role).label for role in sorted(request.member.roles)]},
    )


@organization_view(Capability.VIEW_ORGANIZATION)
def organization_logo(request: MemberRequest) -> HttpResponseBase:
    """The logo, for the organisation's members only (never from MEDIA_URL)."""
    logo = request.member.organization.logo
    response = uploads.image_response(logo, kind=uploads.LOGO) if logo else None
    if response is None:
        raise Http404
    return response


@organization_view(Capability.MANAGE_MEMBERS)
def members(request: MemberRequest) -> HttpResponse:
    organization = request.organization
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_member(
                organization=organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
            return redirect("members", org_slug=organization.slug)
    return render(
        request,
        "organizations/members.html",
        {
            "form": form,
            "members": selectors.members_with_roles(organization=organization),
            "invitations": selectors.pending_invitations(organization=organization),
            "roles": Role,
        },
    )


@organization_view(Capability.MANAGE_MEMBERS)
@require_POST
def revoke_invitation(request: MemberRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=invitation_id)
    services.revoke_invitation(invitation=invitation)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("members", org_slug=request.organization.slug)


@organization_view(Capability.MANAGE_MEMBERS)
@require_POST
def remove_role(request: MemberRequest, user_id: int, role: str) -> HttpResponse:
    person = get_object_or_404(
        get_user_model().objects.filter(memberships__organization=request.organization).distinct(), pk=user_id
    )
    try:
        services.remove_role(
            organization=request.organization, user=person, role=role, removed_by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Role removed."))
    return redirect("members", org_slug=request.organization.slug)


# Other ways in for an invitee, registered at start-up by an app above (accounts: single sign-on where the
# organisation requires it). Each takes (request, invitation) and answers a response, or None.
INVITATION_ROUTES: list[Callable[[UserRequest, Invitation], HttpResponseBase | None]] = []


def accept_invitation(request: UserRequest, token: str) -> HttpResponseBase:
    """The link in the invitation e-mail: set a password (new person) or join (signed in)."""
    try:
        invitation = services.invitation_from_token(token)
    except services.InvitationError as error:
        return render(request, "organizations/invitation_invalid.html", {"reason": error.reason}, status=410)

    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                acceptance = services.accept_invitation(invitation=invitation, user=request.user)
            except services.InvitationError as error:
                return render(
                    request, "organizations/invitation_invalid.html", {"reason": error.reason}, status=410
                )
            messages.success(request, _("Welcome to %(name)s.") % {"name": acceptance.organization.name})
            return redirect(services.next_url_after_joining(acceptance))
        return render(request, "organizations/invitation_join.html", {"invitation": invitation})

    existing = get_user_model().objects.filter(email__iexact=invitation.email).first()
    if existing is not None and not services.is_awaiting_first_password(existing):
        return render(request, "organizations/invitation_sign_in.html", {"invitation": invitation})

    for route in INVITATION_ROUTES:
        response = route(request, invitation)
        if response is not None:
            return response

    # The invitee sees the names this organisation holds for them (never what another one typed).
    initial = selectors.names_on_record(organization=invitation.organization, email=invitation.email)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            acceptance = services.accept_invitation(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationError as error:
            return render(
                request, "organizations/invitation_invalid.html", {"reason": error.reason}, status=410
            )
        login(request, acceptance.user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(request, _("Welcome to %(name)s.") % {"name": acceptance.organization.name})
        return redirect(services.next_url_after_joining(acceptance))
    return render(request, "organizations/invitation_accept.html", {"invitation": invitation, "form": form})


# The audit trail -------------------------------------------------------------------------------------

AUDIT_PAGE_SIZE = 50


@organization_view(Capability.VIEW_AUDIT)
@require_safe
def audit_trail(request: MemberRequest) -> HttpResponse:
    """The organisation's audit trail, filtered, newest first; platform staff's access is one filter away."""
    form = AuditFilterForm(request.GET or None)
    filters = form.chosen()
    page = Paginator(
        selectors.audit_events(organization=request.organization, filters=filters), AUDIT_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.details_text = audit_export.details_text(event.details)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organizations/audit.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "staff_query": urlencode({"category": audit.Category.STAFF}),
            "retention_form": AuditRetentionForm(instance=request.organization),
            "retention_days": request.organization.audit_retention_days,
            "can_set_retention": request.member.can(Capability.MANAGE_SECURITY),
            "export_limit": settings.AUDIT_EXPORT_MAX_ROWS,
        },
    )


@organization_view(Capability.VIEW_AUDIT)
@private_download
@audited_download("audit trail", action=audit.Action.AUDIT_EXPORTED)
@require_safe
def audit_export_file(request: MemberRequest) -> HttpResponse:
    filters = AuditFilterForm(request.GET or None).chosen()
    events = selectors.audit_events(organization=request.organization, filters=filters)
    stem = f"binome-{request.organization.slug}-audit-{timezone.localdate().isoformat()}"
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            audit_export.to_xlsx(events),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = uploads.content_disposition(f"{stem}.xlsx")
    else:
        response = HttpResponse(audit_export.to_csv(events), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = uploads.content_disposition(f"{stem}.csv")
    return response


@organization_view(Capability.MANAGE_SECURITY)
@require_POST
def audit_retention(request: MemberRequest) -> HttpResponse:
    organization = request.organization
    before = organization.audit_retention_months
    form = AuditRetentionForm(request.POST, instance=organization)
    if form.is_valid():
        form.save()
        audit.record(
            audit.Action.AUDIT_RETENTION_CHANGED,
            organization=organization,
            actor=request.user,
            details={"from_months": before, "to_months": organization.audit_retention_months},
            request=request,
        )
        messages.success(request, _("The audit trail's retention is saved."))
    else:
        messages.error(
            request, " ".join(str(error) for error in form.errors.get("audit_retention_months", []))
        )
    return redirect("audit_trail", org_slug=organization.slug)
