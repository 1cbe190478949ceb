from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from organizations.access import organization_view
from organizations.models import Membership, Organization
from organizations.roles import Capability
from organizations.tenancy import tenant_context

from . import selectors, services
from .forms import PreferencesForm
from .registry import get_kind, mutable_kind_values
from .rendering import with_shown_subjects
from .tokens import read_unsubscribe_token


@organization_view(Capability.VIEW_ORGANIZATION)
def inbox(request):
    page = Paginator(selectors.inbox(user=request.user), 50).get_page(request.GET.get("page"))
    page.object_list = with_shown_subjects(page.object_list, language=translation.get_language())
    return render(request, "notifications/inbox.html", {"page": page})


@organization_view(Capability.VIEW_ORGANIZATION)
@require_POST
def mark_read(request):
    services.mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications", org_slug=request.organization.slug)


@organization_view(Capability.VIEW_ORGANIZATION)
def preferences(request):
    preference = services.preference_for(user=request.user)
    initial = {
        "wanted": [kind for kind in mutable_kind_values() if kind not in preference.muted_kinds],
        "quiet_start": preference.quiet_start,
        "quiet_end": preference.quiet_end,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_preferences(
                user=request.user,
                muted_kinds=form.muted_kinds,
                quiet_start=form.cleaned_data["quiet_start"],
                quiet_end=form.cleaned_data["quiet_end"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notification_preferences", org_slug=request.organization.slug)
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # the signed token is the credential; mail clients' one-click unsubscribe POSTs without a cookie
def unsubscribe(request, token):
    """The link at the bottom of every e-mail: stop this kind of e-mail, no sign-in needed."""
    decoded = read_unsubscribe_token(token)
    organization = user = None
    if decoded is not None:
        organization_id, user_id, kind = decoded
        organization = Organization.objects.filter(pk=organization_id).first()
        user = get_user_model().objects.filter(pk=user_id).first()
    if organization is None or user is None or not user.is_active or kind not in mutable_kind_values():
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    with tenant_context(organization):
        if not Membership.objects.filter(user=user).exists():
            return render(request, "notifications/unsubscribe_invalid.html", status=404)
        context = {"organization": organization, "kind_label": get_kind(kind).label, "done": False}
        if request.method == "POST":
            services.unsubscribe(user=user, kind=kind)
            context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)


@never_cache
def outbox_health(request):
    """For monitoring: 200 while the oldest due e-mail is younger than ``OUTBOX_LAG_ALERT_SECONDS``, 503
    once the outbox lags behind (a stalled worker, a relay down), with the figures either way."""
    figures = selectors.outbox_health(now=timezone.now())
    lagging = figures["oldest_due_seconds"] > settings.OUTBOX_LAG_ALERT_SECONDS
    return JsonResponse({"status": "lagging" if lagging else "ok", **figures}, status=503 if lagging else 200)
