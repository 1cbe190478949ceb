import datetime
import hashlib
import json

from crispy_forms.utils import render_crispy_form
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mentoring.downloads import private_download
from notifications import services as notification_services
from notifications.selectors import failed_deliveries, relay_pause
from organizations import pagecache
from organizations.access import organization_view
from organizations.audit import audited_download
from organizations.roles import Capability

from . import cache, exports, health, impact, reports, selectors, services
from .access import access_pair, access_programme
from .filters import DashboardFilters
from .forms import DashboardFilterForm

FILTER_NAMES = ("programme", "round", "department", "start", "end", "phase")


def _dashboard(request):
    """The filter form and the dashboard it selects; invalid filters are shown and left out."""
    options, options_key = cache.filter_options(
        organization=request.organization, compute=selectors.filter_options
    )
    form = DashboardFilterForm(request.GET or None, options=options)
    form.options_key = options_key
    filters = DashboardFilters.default(request.organization, **form.chosen())
    return form, reports.build(organization=request.organization, filters=filters, options=options)


def _filter_form_html(form):
    """The filter form as HTML, drawn once per options, language and values asked (a GET form: no
    token in it), as crispy-forms' ``{% crispy %}`` draws it."""
    asked = json.dumps(
        {name: form.data.getlist(name) for name in sorted(form.fields)} if form.is_bound else {}
    )
    digest = hashlib.sha256(f"{get_language()}|{asked}".encode()).hexdigest()[:32]
    return cache.rendered(
        cache_key=form.options_key, name=f"filter-form:{digest}", render=lambda: render_crispy_form(form)
    )


@organization_view(Capability.VIEW_DASHBOARD)
@require_safe
def dashboard(request):
    # The drawn board is kept per reader and filters under the figures' own version (organizations/
    # pagecache.py): served kept, a reload reads neither the figures nor their drawings from the cache.
    # It is kept no longer than the figures it shows, whose time the page states.
    organization_id = request.organization.pk
    drawn = {}

    def context():
        form, board = _dashboard(request)
        drawn["computed_at"] = board.computed_at
        return {
            "form": form,
            "filter_form": _filter_form_html(form),
            "board": board,
            "sections": board.sections_html(show_tables=False),
            "query": urlencode(board.filters.as_query()),
        }

    content = pagecache.cached_content(
        request,
        name="dashboard",
        scopes=cache.scopes(organization_id),
        template_name="dashboards/includes/dashboard_content.html",
        context=context,
        valid_until=lambda: (
            drawn["computed_at"] + datetime.timedelta(seconds=settings.DASHBOARD_CACHE_SECONDS)
            if drawn["computed_at"]
            else None
        ),
        vary=(sorted(request.GET.lists()),),
    )
    return render(request, "dashboards/dashboard.html", {"content": content.html})


@organization_view(Capability.VIEW_DASHBOARD)
@require_safe
def report(request):
    """The printable programme report for a board meeting: the same figures, every table shown."""
    form, board = _dashboard(request)
    return render(
        request,
        "dashboards/report.html",
        {
            "board": board,
            "sections": board.sections_html(show_tables=True),
            "generated_at": timezone.now(),
            "query": urlencode(board.filters.as_query()),
        },
    )


def _filename(request, extension):
    return f"binome-{request.organization.slug}-dashboard-{timezone.localdate().isoformat()}.{extension}"


@organization_view(Capability.VIEW_DASHBOARD)
@private_download
@audited_download("dashboard")
@require_safe
def export_csv(request):
    _form, board = _dashboard(request)
    response = HttpResponse(exports.to_csv(board), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(request, "csv")}"'
    return response


@organization_view(Capability.VIEW_DASHBOARD)
@private_download
@audited_download("dashboard")
@require_safe
def export_xlsx(request):
    _form, board = _dashboard(request)
    response = HttpResponse(
        exports.to_xlsx(board),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(request, "xlsx")}"'
    return response


@organization_view(Capability.VIEW_OPERATIONS)
@require_safe
def operations(request):
    options = selectors.filter_options()
    form = DashboardFilterForm(request.GET or None, options=options)
    filters = DashboardFilters.default(request.organization, **form.chosen())
    return render(
        request,
        "dashboards/operations.html",
        {
            "form": form,
            "pairs": selectors.pairs_at_risk(filters=filters, options=options),
            "unmatched": selectors.unmatched_participants(filters=filters),
            "pending_surveys": impact.pending_surveys(filters=filters, now=filters.now),
            "failed_emails": failed_deliveries(),
            "relay_pause": relay_pause(),
            "limit": selectors.OPERATIONS_LIMIT,
            "query": urlencode(filters.as_query()),
        },
    )


@organization_view(Capability.VIEW_DASHBOARD)
@require_safe
def programme_health(request, programme_id):
    """A programme's health week by week. HR reads every figure and the three late pairs that matter
    most, by name; an executive reads the timeline under the privacy threshold, and no pair."""
    programme = access_programme(request.member, programme_id)
    hr = request.member.can(Capability.VIEW_OPERATIONS)
    timeline = health.programme_health(
        programme=programme,
        minimum=None if hr else request.organization.minimum_group_size,
        with_pairs=hr,
    )
    return render(
        request,
        "dashboards/health.html",
        {
            "health": timeline,
            "rows": [(health.bucket_label(bucket, timeline.monthly), bucket) for bucket in timeline.buckets],
            "cadence_chart": health.cadence_chart(timeline),
            "sessions_chart": health.sessions_chart(timeline),
            "threshold": health.SLIP_THRESHOLD,
            "slip_buckets": health.SLIP_BUCKETS,
            "regular_sessions": health.REGULAR_SESSIONS,
            "slip_label": timeline.slip and health.bucket_label(timeline.slip, timeline.monthly),
            "show_pairs": hr,
            "minimum": request.organization.minimum_group_size,
        },
    )


@organization_view(Capability.VIEW_OPERATIONS)
@require_POST
def send_failed_emails_again(request):
    """HR puts the e-mails listed as failed back in the queue, once the cause is corrected."""
    # The rows HR saw listed; anything else posted is ignored.
    shown = [value for value in request.POST.getlist("notification") if value.isdigit()]
    count = notification_services.requeue_failed(ids=[int(value) for value in shown])
    if count:
        notification_services.enqueue_delivery(request.organization.pk)
    messages.success(
        request,
        ngettext("%(count)s e-mail will be sent again.", "%(count)s e-mails will be sent again.", count)
        % {"count": count},
    )
    return redirect("operations", org_slug=request.organization.slug)


@organization_view(Capability.VIEW_OPERATIONS)
@require_POST
def nudge_pair(request, pair_id):
    pair = access_pair(request.member, pair_id)
    reasons = selectors.risk_reasons(pair=pair, options=selectors.filter_options())
    try:
        services.nudge_pair(pair=pair, sent_by=request.user, reasons=reasons)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Reminder sent to %(mentor)s and %(mentee)s.")
            % {"mentor": pair.mentor.user.get_full_name(), "mentee": pair.mentee.user.get_full_name()},
        )
    if request.POST.get("back") == "health":
        return redirect(
            "programme_health", org_slug=request.organization.slug, programme_id=pair.programme_id
        )
    url = reverse("operations", kwargs={"org_slug": request.organization.slug})
    kept = QueryDict(request.POST.get("query", ""))
    query = urlencode({name: kept[name] for name in FILTER_NAMES if kept.get(name)})
    return redirect(f"{url}?{query}" if query else url)
