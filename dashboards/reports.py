"""The dashboard as one object: every figure group, the charts drawn from them, and flat rows for exports."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pairing.models import Pair
from programmes.models import Phase

from . import cache, charts, impact, selectors, skills
from .filters import DashboardFilters


@dataclass
class Dashboard:
    organization: object
    filters: DashboardFilters
    options: selectors.FilterOptions
    participation: dict
    pairs: dict
    sessions: dict
    months: list
    impact: dict = field(default_factory=dict)
    computed_at: datetime.datetime | None = None
    # Where the figures are kept (``cache.figures``); empty when they were not.
    cache_key: str = ""

    def sections_html(self, *, show_tables):
        """The figures' sections as HTML (``dashboards/includes/sections.html``), drawn once per figures."""
        return cache.rendered(
            cache_key=self.cache_key,
            computed_at=self.computed_at,
            name=f"sections:{'tables' if show_tables else 'charts'}",
            render=lambda: render_to_string(
                "dashboards/includes/sections.html", {"board": self, "show_tables": show_tables}
            ),
        )

    @property
    def refresh_minutes(self):
        """How often, at most, the figures are computed again, for the page to say."""
        return max(1, round(settings.DASHBOARD_CACHE_SECONDS / 60))

    @property
    def minimum(self):
        return self.organization.minimum_group_size

    @property
    def programme_name(self):
        return next(
            (p["name"] for p in self.options.programmes if p["id"] == self.filters.programme_id), None
        )

    @property
    def phase_name(self):
        return dict(Phase.choices).get(self.filters.phase)

    @property
    def round_name(self):
        return next(
            (
                f"{r['programme__name']} · {r['number']}"
                for r in self.options.rounds
                if r["id"] == self.filters.round_id
            ),
            None,
        )

    @property
    def month_labels(self):
        return [formats.date_format(row["month"], "YEAR_MONTH_FORMAT") for row in self.months]

    @property
    def axis_labels(self):
        """Month abbreviations, with the year under the first month and under each January."""
        return [
            (
                formats.date_format(row["month"], "N"),
                str(row["month"].year) if index == 0 or row["month"].month == 1 else "",
            )
            for index, row in enumerate(self.months)
        ]

    def sessions_chart(self):
        return charts.column_chart(
            categories=self.month_labels,
            axis_labels=self.axis_labels,
            series=[
                (
                    pgettext_lazy("sessions", "Planned"),
                    "series-planned",
                    [row["planned"] for row in self.months],
                ),
                (pgettext_lazy("sessions", "Held"), "series-held", [row["held"] for row in self.months]),
            ],
            whole=True,
        )

    def trend_chart(self):
        return charts.line_chart(
            categories=self.month_labels,
            axis_labels=self.axis_labels,
            label=_("Sessions held since the start of the period"),
            css_class="series-trend",
            values=[row["cumulative_held"] for row in self.months],
            whole=True,
        )

    def participation_bars(self):
        figures = self.participation
        if figures["enrolled"].hidden:
            return []
        return charts.bar_list(
            [
                (pgettext_lazy("participants", "Enrolled"), figures["enrolled"].value),
                (pgettext_lazy("participants", "Matched"), figures["matched"].value),
                (_("In an active pair"), figures["active"].value),
            ]
        )

    def pair_status_bars(self):
        figures = self.pairs
        if figures["total"].hidden:
            return []
        return charts.bar_list([(label, figures[status].value) for status, label in Pair.Status.choices])

    def skills_charts(self):
        """Baseline vs latest self-assessment per skill, one chart for mentees and one for mentors."""
        charts_ = []
        for audience, title in (("mentee", _("Mentees")), ("mentor", _("Mentors"))):
            entries = self.impact.get("skills", {}).get(audience, [])
            if not entries:
                continue
            chart = charts.column_chart(
                categories=[entry["skill"] for entry in entries],
                series=[
                    (_("Baseline"), "series-baseline", [entry["baseline"] for entry in entries]),
                    (_("Latest"), "series-latest", [entry["latest"] for entry in entries]),
                ],
                top=5,
                ticks=5,
            )
            charts_.append({"audience": audience, "title": title, "chart": chart, "entries": entries})
        return charts_

    def goal_bars(self):
        goals = self.impact.get("goals")
        if not goals or goals["hidden"]:
            return []
        return charts.bar_list(goals["buckets"])

    def practice_bars(self):
        practices = self.impact.get("practices")
        if not practices or practices["hidden"]:
            return []
        return charts.bar_list(
            [(entry["label"], entry["share"]) for entry in practices["choices"]], maximum=100
        )

    def response_rate_bars(self):
        return charts.bar_list(
            [
                (entry["moment"], entry["rate"])
                for entry in self.impact.get("response_rates", [])
                if not entry["hidden"]
            ],
            maximum=100,
        )

    def rows(self):
        """(section, figure, value) for every figure; hidden ones say so instead of a value."""
        hidden = _("hidden: fewer than %(minimum)s people") % {"minimum": self.minimum}

        def value(figure):
            return hidden if figure.hidden else ("" if figure.value is None else figure.value)

        participation, pairs, sessions = self.participation, self.pairs, self.sessions
        rows = [
            (_("Participants"), pgettext_lazy("participants", "Enrolled"), value(participation["enrolled"])),
            (_("Participants"), _("Mentors enrolled"), value(participation["mentors"])),
            (_("Participants"), _("Mentees enrolled"), value(participation["mentees"])),
            (_("Participants"), pgettext_lazy("participants", "Matched"), value(participation["matched"])),
            (_("Participants"), _("Matched (%)"), value(participation["matched_share"])),
            (_("Participants"), _("In an active pair"), value(participation["active"])),
            (_("Participants"), _("In an active pair (%)"), value(participation["active_share"])),
            (_("Participants"), _("Invited, not yet enrolled"), value(participation["invited"])),
            (
                _("Participants"),
                pgettext_lazy("participants", "Withdrawn"),
                value(participation["withdrawn"]),
            ),
        ]
        rows += [(_("Pairs"), label, value(pairs[status])) for status, label in Pair.Status.choices]
        rows += [
            (_("Pairs"), _("Active pairs meeting the target cadence"), value(pairs["on_cadence"])),
            (_("Pairs"), _("Active pairs meeting the target cadence (%)"), value(pairs["on_cadence_share"])),
            (_("Sessions"), pgettext_lazy("sessions", "Planned"), value(sessions["planned"])),
            (_("Sessions"), pgettext_lazy("sessions", "Held"), value(sessions["held"])),
            (_("Sessions"), _("Held (%)"), value(sessions["held_share"])),
            (
                _("Sessions"),
                _("Average duration of held sessions (minutes)"),
                value(sessions["average_minutes"]),
            ),
        ]
        for label, row in zip(self.month_labels, self.months, strict=True):
            for name, title in (
                ("planned", _("planned")),
                ("held", _("held")),
                ("average_minutes", _("average minutes")),
                ("pairs_met", _("pairs that met")),
                ("cumulative_held", _("held since the start of the period")),
            ):
                shown = (
                    hidden
                    if row[name] is None and (row["hidden"] or name == "cumulative_held")
                    else row[name]
                )
                rows.append((_("Sessions per month"), f"{label} · {title}", "" if shown is None else shown))
        rows += impact.rows(self.impact, hidden=hidden)
        rows += skills.rows(self.impact.get("before_after", []), hidden=hidden)
        return rows


def build(*, organization, filters: DashboardFilters, options: selectors.FilterOptions):
    """The dashboard for these filters; its figures come from the cache while they are fresh."""

    def compute():
        minimum = organization.minimum_group_size
        months, sessions, usefulness = selectors.sessions_overview(filters=filters, minimum=minimum)
        # Read once for the practices figure and for each programme's beside its skills.
        practices = impact.practice_answers(filters)
        impact_groups = impact.figures(filters=filters, minimum=minimum, practices=practices)
        # Shown with the impact figures, computed with the sessions: the same scan gives its sums.
        impact_groups["usefulness"] = usefulness
        impact_groups["before_after"] = skills.before_after(
            filters=filters, minimum=minimum, practices=practices
        )
        return {
            "participation": selectors.participation(filters=filters, minimum=minimum),
            "pairs": selectors.pairs_overview(filters=filters, options=options, minimum=minimum),
            "sessions": sessions,
            "months": months,
            "impact": impact_groups,
        }

    return Dashboard(
        organization=organization,
        filters=filters,
        options=options,
        **cache.figures(organization=organization, filters=filters, compute=compute),
    )
