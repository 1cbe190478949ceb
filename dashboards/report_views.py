"""The programme impact report: the page a board prints, its XLSX, and the monthly e-mail subscription."""

import zoneinfo

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mentoring.downloads import private_download
from organizations.access import organization_view
from organizations.audit import audited_download
from organizations.roles import Capability

from . import board_report, selectors, subscriptions
from .access import access_programme
from .filters import DashboardFilters
from .forms import DashboardFilterForm, ReportSubscriptionForm

FILTER_NAMES = ("programme", "round", "department", "start", "end")


def _report(request):
    """The filter form and the report it selects; invalid filters are shown and left out."""
    options = selectors.filter_options()
    form = DashboardFilterForm(request.GET or None, options=options)
    filters = DashboardFilters.default(request.organization, **form.chosen())
    report = board_report.build(organization=request.organization, filters=filters, options=options)
    return form, report, options


def _report_date(request):
    return timezone.now().astimezone(zoneinfo.ZoneInfo(request.organization.time_zone)).date()


@organization_view(Capability.VIEW_DASHBOARD)
@require_safe
def impact_report(request):
    form, report, _options = _report(request)
    programme_id = report.board.filters.programme_id
    return render(
        request,
        "dashboards/report/impact_report.html",
        {
            "form": form,
            "report": report,
            "board": report.board,
            "report_date": _report_date(request),
            "query": urlencode(report.board.filters.as_query()),
            "subscribed": subscriptions.is_subscribed(user=request.user, programme_id=programme_id),
        },
    )


@organization_view(Capability.VIEW_DASHBOARD)
@private_download
@audited_download("impact_report")
@require_safe
def impact_report_xlsx(request):
    _form, report, _options = _report(request)
    generated_on = _report_date(request)
    response = HttpResponse(
        board_report.to_xlsx(report, generated_on=generated_on),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"binome-{request.organization.slug}-impact-report-{generated_on.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@organization_view(Capability.VIEW_DASHBOARD)
@require_POST
def impact_report_subscription(request):
    """Subscribe to, or stop, the monthly e-mail of the report shown; back to the same report."""
    form = ReportSubscriptionForm(request.POST, options=selectors.filter_options())
    if not form.is_valid():
        messages.error(request, _("This subscription could not be changed: reload the report and try again."))
    else:
        programme_id = form.cleaned_data["programme"]
        programme = access_programme(request.member, programme_id) if programme_id else None
        if form.cleaned_data["action"] == ReportSubscriptionForm.SUBSCRIBE:
            subscriptions.subscribe(user=request.user, programme=programme)
            messages.success(
                request,
                _("You will receive this report by e-mail on the first of every month."),
            )
        else:
            subscriptions.unsubscribe(user=request.user, programme=programme)
            messages.success(request, _("You will no longer receive this report by e-mail."))
    url = reverse("impact_report", kwargs={"org_slug": request.organization.slug})
    kept = QueryDict(request.POST.get("query", ""))
    query = urlencode({name: kept[name] for name in FILTER_NAMES if kept.get(name)})
    return redirect(f"{url}?{query}" if query else url)
