"""HR's webhook pages: endpoints, their secret (shown once), their recent deliveries and resends."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from notifications.models import Notification
from organizations.access import MemberRequest, organization_view
from organizations.roles import Capability

from . import selectors, services
from .access import access_delivery, access_endpoint
from .forms import EndpointChangeForm, EndpointForm
from .secrets import EVENT_ID_HEADER, SIGNATURE_HEADER


@organization_view(Capability.MANAGE_INTEGRATIONS)
def endpoint_list(request: MemberRequest) -> HttpResponse:
    return render(request, "webhooks/list.html", {"endpoints": selectors.endpoints_with_counts()})


def _show_secret(request: MemberRequest, created: services.NewSecret, *, rotated: bool) -> HttpResponse:
    return render(
        request,
        "webhooks/secret.html",
        {
            "endpoint": created.endpoint,
            "secret": created.secret,
            "rotated": rotated,
            "signature_header": SIGNATURE_HEADER,
            "event_id_header": EVENT_ID_HEADER,
        },
    )


@never_cache
@organization_view(Capability.MANAGE_INTEGRATIONS)
def endpoint_create(request: MemberRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_endpoint(
                organization=request.organization,
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                events=form.cleaned_data["events"],
                created_by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _show_secret(request, created, rotated=False)
    status = 400 if request.method == "POST" else 200
    return render(request, "webhooks/create.html", {"form": form}, status=status)


@organization_view(Capability.MANAGE_INTEGRATIONS)
def endpoint_detail(request: MemberRequest, endpoint_id: int) -> HttpResponse:
    endpoint = access_endpoint(request.member, endpoint_id)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "is_active": endpoint.is_active,
    }
    form = EndpointChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_endpoint(
                endpoint=endpoint,
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                events=form.cleaned_data["events"],
                is_active=form.cleaned_data["is_active"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Endpoint saved."))
            return redirect("webhook_detail", org_slug=request.organization.slug, endpoint_id=endpoint.pk)
    status_filter = request.GET.get("status", "")
    if status_filter not in Notification.Status.values:
        status_filter = ""
    context = {
        "endpoint": endpoint,
        "form": form,
        "deliveries": selectors.recent_deliveries(endpoint=endpoint, status=status_filter or None),
        "summary": selectors.delivery_summary(endpoint=endpoint),
        "status_filter": status_filter,
        "statuses": [
            (Notification.Status.FAILED, _("Failed")),
            (Notification.Status.PENDING, _("Waiting")),
            (Notification.Status.SENT, _("Delivered")),
        ],
    }
    return render(request, "webhooks/detail.html", context, status=400 if form.errors else 200)


@never_cache
@organization_view(Capability.MANAGE_INTEGRATIONS)
@require_POST
def endpoint_rotate(request: MemberRequest, endpoint_id: int) -> HttpResponse:
    endpoint = access_endpoint(request.member, endpoint_id)
    rotated = services.rotate_secret(endpoint=endpoint, by=request.user, request=request)
    return _show_secret(request, rotated, rotated=True)


@organization_view(Capability.MANAGE_INTEGRATIONS)
@require_POST
def endpoint_delete(request: MemberRequest, endpoint_id: int) -> HttpResponse:
    endpoint = access_endpoint(request.member, endpoint_id)
    services.delete_endpoint(endpoint=endpoint, by=request.user, request=request)
    messages.success(request, _("Endpoint removed."))
    return redirect("webhooks", org_slug=request.organization.slug)


@organization_view(Capability.MANAGE_INTEGRATIONS)
@require_POST
def delivery_resend(request: MemberRequest, endpoint_id: int, delivery_id: int) -> HttpResponse:
    endpoint = access_endpoint(request.member, endpoint_id)
    delivery = access_delivery(request.member, endpoint, delivery_id)
    try:
        queued = services.resend_delivery(delivery=delivery, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if queued:
            messages.success(request, _("Delivery queued again."))
        else:
            messages.info(request, _("This delivery is already on its way."))
    return redirect("webhook_detail", org_slug=request.organization.slug, endpoint_id=endpoint.pk)
