"""HR's page for the organisation's API keys: create (the secret shown once), list, revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.access import MemberRequest, organization_view
from organizations.roles import Capability

from . import services
from .access import access_api_key
from .forms import ApiKeyForm
from .models import ApiKey


@organization_view(Capability.MANAGE_SECURITY)
def api_keys(request: MemberRequest):
    form = ApiKeyForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.create_api_key(
                organization=request.organization,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                created_by=request.user,
                request=request,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            form = ApiKeyForm()
    keys = ApiKey.objects.select_related("created_by").order_by("revoked_at", "-created_at")
    response = render(
        request,
        "api/keys.html",
        {"form": form, "keys": keys, "created": created, "secret": secret},
        status=400 if request.method == "POST" and created is None else 200,
    )
    if secret is not None:
        # The one response that holds the secret: no cache, no back-button copy.
        response["Cache-Control"] = "no-store"
    return response


@organization_view(Capability.MANAGE_SECURITY)
@require_POST
def revoke_api_key(request: MemberRequest, key_id: int):
    key = access_api_key(request.member, key_id)
    services.revoke_api_key(key=key, revoked_by=request.user, request=request)
    messages.success(request, _("The key “%(name)s” is revoked: it no longer works.") % {"name": key.name})
    return redirect("api_keys", org_slug=request.organization.slug)
