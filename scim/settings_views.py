"""The organisation's provisioning settings, under /o/<slug>/security/scim/ (HR admins: MANAGE_SECURITY)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from organizations.access import MemberRequest, organization_view
from organizations.roles import Capability, Role

from . import selectors, services
from .forms import TokenForm
from .models import ScimIdentity, ScimToken


@never_cache
@organization_view(Capability.MANAGE_SECURITY)
def scim_settings(request: MemberRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            token, secret = services.issue_token(
                organization=request.organization,
                name=form.cleaned_data["name"],
                created_by=request.user,
                request=request,
            )
            messages.success(
                request,
                _("Token “%(name)s” created. Copy it now: it is shown only once.") % {"name": token.name},
            )
            form = TokenForm()
        else:
            status = 400
    identities = ScimIdentity.objects.all()
    return render(
        request,
        "scim/settings.html",
        {
            "form": form,
            "secret": secret,
            "tokens": list(selectors.tokens()),
            "tenant_url": request.build_absolute_uri(reverse("scim_service_provider_config")).rsplit("/", 1)[
                0
            ]
            + "/",
            "groups": services.GROUPS,
            "roles": Role.choices,
            "provisioned": identities.filter(active=True).count(),
            "deprovisioned": identities.filter(active=False).count(),
        },
        status=status,
    )


@organization_view(Capability.MANAGE_SECURITY)
@require_POST
def revoke_token(request: MemberRequest, token_id: int) -> HttpResponse:
    token = ScimToken.objects.filter(pk=token_id).first()
    if token is None:
        raise Http404
    services.revoke_token(token=token, revoked_by=request.user, request=request)
    messages.success(
        request, _("Token “%(name)s” revoked: the directory can no longer use it.") % {"name": token.name}
    )
    return redirect("security_scim", org_slug=request.organization.slug)
