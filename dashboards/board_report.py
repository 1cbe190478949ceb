"""The programme impact report a board reads: a cover, the headline figures, then one section per figure.

Nothing is computed here. Every number comes from the dashboard (``reports.build``: the figure functions
of ``selectors`` and ``impact``, their privacy threshold and their cache); this module only chooses which
figures a board reads, in which order, with a sentence saying what each measures, and lays the same
figures out as an XLSX workbook of one sheet per section. A figure the dashboard hides is hidden here too.

The skills section shows the before/after seen from both sides (``skills.before_after``: mean change with
its interval, share improved, self-mentor gap) above everyone's self-assessment at the start and now.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from mentoring import l10n, spreadsheets
from pairing.models import Pair

from . import charts, reports, selectors, skills
from .filters import DashboardFilters
from .reports import Dashboard


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    measures: str
    template: str
    sheet: Callable[[Dashboard], list] | None
    width: tuple = (48, 16)


def _hidden(board):
    return _("hidden: fewer than %(minimum)s people") % {"minimum": board.minimum}


def _value(board, figure):
    """A figure's value for a cell: the number, "" when there is none, or the hidden mark."""
    if figure.hidden:
        return _hidden(board)
    return "" if figure.value is None else figure.value


def _or_hidden(board, hidden, value):
    return _hidden(board) if hidden else ("" if value is None else value)


# --- The sheets, one per section ---------------------------------------------------------------------


def participation_sheet(board):
    figures, pairs = board.participation, board.pairs
    rows = [[_("Figure"), _("Value")]]
    rows += [
        [pgettext("participants", "Enrolled"), _value(board, figures["enrolled"])],
        [_("Mentors enrolled"), _value(board, figures["mentors"])],
        [_("Mentees enrolled"), _value(board, figures["mentees"])],
        [_("Matched (%)"), _value(board, figures["matched_share"])],
        [_("In an active pair (%)"), _value(board, figures["active_share"])],
        [_("Invited, not yet enrolled"), _value(board, figures["invited"])],
        [pgettext("participants", "Withdrawn"), _value(board, figures["withdrawn"])],
    ]
    rows += [
        [_("Pairs: %(status)s") % {"status": label}, _value(board, pairs[status])]
        for status, label in Pair.Status.choices
    ]
    return rows


def regularity_sheet(board):
    pairs, sessions = board.pairs, board.sessions
    rows = [[_("Figure"), _("Value")]]
    rows += [
        [_("Active pairs meeting the target cadence"), _value(board, pairs["on_cadence"])],
        [_("Active pairs meeting the target cadence (%)"), _value(board, pairs["on_cadence_share"])],
        [pgettext("sessions", "Planned"), _value(board, sessions["planned"])],
        [pgettext("sessions", "Held"), _value(board, sessions["held"])],
        [_("Held (%)"), _value(board, sessions["held_share"])],
        [_("Average duration of held sessions (minutes)"), _value(board, sessions["average_minutes"])],
        [],
        [_("Month"), pgettext("sessions", "Planned"), pgettext("sessions", "Held"), _("Pairs that met")],
    ]
    for label, month in zip(board.month_labels, board.months, strict=True):
        if month["hidden"]:
            rows.append([label, _hidden(board)])
        else:
            rows.append([label, month["planned"], month["held"], month["pairs_met"]])
    return rows


def skills_sheet(board):
    """The before/after per programme and skill (``skills.before_after``), then the self-assessment per
    skill at the start and latest (``impact.skills_gained``), mentees then mentors."""
    rows = [[_("Section"), _("Figure"), _("Value")]]
    rows += [list(row) for row in skills.rows(board.impact.get("before_after", []), hidden=_hidden(board))]
    rows += [
        [],
        [_("Who"), _("Skill"), _("People"), _("At the start"), _("Now"), pgettext("figure", "Change")],
    ]
    for group in board.skills_charts():
        for entry in group["entries"]:
            if entry["hidden"]:
                rows.append([str(group["title"]), entry["skill"], _hidden(board)])
            else:
                rows.append(
                    [
                        str(group["title"]),
                        entry["skill"],
                        entry["people"],
                        entry["baseline"],
                        entry["latest"],
                        entry["gain"],
                    ]
                )
    return rows


def practices_sheet(board):
    practices = board.impact.get("practices") or {"hidden": False, "choices": [], "respondents": 0}
    rows = [[_("New practice"), _("People"), _("Share (%)")]]
    if practices["hidden"]:
        rows.append([_("Respondents"), _hidden(board)])
    else:
        rows += [[entry["label"], entry["people"], entry["share"]] for entry in practices["choices"]]
        rows.append([_("Respondents"), practices["respondents"]])
    challenges = board.impact.get("challenges")
    if challenges:
        figures = challenges["figures"]
        rows += [
            [],
            [_("“Try it” challenges"), _("Value")],
            [_("Committed to"), _value(board, figures["committed"])],
            [_("Done"), _value(board, figures["done"])],
            [_("Not done"), _value(board, figures["not_done"])],
            [_("Not answered yet"), _value(board, figures["pending"])],
            [_("Done, of those answered (%)"), _value(board, figures["done_share"])],
        ]
    return rows


def satisfaction_sheet(board):
    rows = [[_("Question"), _("People"), _("Average (1 to 5)")]]
    for entry in board.impact.get("scales", []):
        if entry["hidden"]:
            rows.append([entry["question"], _hidden(board)])
        else:
            rows.append([entry["question"], entry["people"], entry["average"]])
    nps = board.impact.get("nps")
    if nps:
        rows += [
            [],
            [_("Recommendation"), _("Value")],
            [_("Net promoter score"), _value(board, nps["score"])],
            [_("Promoters (%)"), _value(board, nps["promoters"])],
            [_("Detractors (%)"), _value(board, nps["detractors"])],
            [_("Answers"), _value(board, nps["answers"])],
        ]
    return rows


def mentor_outcomes_sheet(board):
    rows = [
        [
            _("Outcome"),
            _("Mentors of known outcome"),
            _("Mentors (%)"),
            _("Baseline (%)"),
            _("Difference (points)"),
        ]
    ]
    outcomes = board.impact.get("mentor_outcomes") or {}
    for entry in outcomes.get("outcomes", []):
        if entry["hidden"]:
            rows.append([str(entry["outcome"]), entry["known"], _hidden(board)])
        else:
            rows.append(
                [
                    str(entry["outcome"]),
                    entry["known"],
                    entry["rate"],
                    "" if entry["baseline"] is None else entry["baseline"],
                    "" if entry["difference"] is None else entry["difference"],
                ]
            )
    if outcomes:
        rows += [[], [_("Mentors recognised (%)"), _value(board, outcomes["recognised"])]]
    return rows


SECTIONS = (
    Section(
        "participation",
        gettext_lazy("Participation"),
        gettext_lazy(
            "Who takes part: the people enrolled, how many are matched with a partner and how many "
            "are in a pair that meets, and the pairs by status."
        ),
        "dashboards/report/_participation.html",
        participation_sheet,
    ),
    Section(
        "regularity",
        gettext_lazy("Regularity"),
        gettext_lazy(
            "Whether pairs meet as often as the programme intends: the active pairs that held a "
            "session within the target cadence, and the sessions held against those planned, "
            "month by month."
        ),
        "dashboards/report/_regularity.html",
        regularity_sheet,
    ),
    Section(
        "skills",
        gettext_lazy("Skills before and after"),
        gettext_lazy(
            "How each mentee's level in the programme's skills changed, from 1 to 5, as they rate "
            "themselves and as their mentor rates them, with the mean change and its confidence "
            "interval (95%); then how everyone rates themselves at the start and in their latest survey."
        ),
        "dashboards/report/_skills.html",
        skills_sheet,
        (20, 40, 10, 14, 10, 10),
    ),
    Section(
        "practices",
        gettext_lazy("Practices adopted"),
        gettext_lazy(
            "What changes in the way people work: the new practices they say they adopted, and the "
            "“try it” challenges mentees committed to and did."
        ),
        "dashboards/report/_practices.html",
        practices_sheet,
        (48, 12, 12),
    ),
    Section(
        "satisfaction",
        gettext_lazy("Satisfaction and recommendation"),
        gettext_lazy(
            "How participants rate the programme, from 1 to 5, and whether they would recommend it "
            "(net promoter score: the share of 9 and 10 out of 10, minus the share of 0 to 6)."
        ),
        "dashboards/report/_satisfaction.html",
        satisfaction_sheet,
        (56, 12, 16),
    ),
    Section(
        "mentor_outcomes",
        gettext_lazy("Junior mentors' outcomes"),
        gettext_lazy(
            "What mentoring brought the junior mentors: promotion, mobility, still with the company, "
            "recognition, against the organisation's rate for the same population."
        ),
        "dashboards/report/_mentor_outcomes.html",
        mentor_outcomes_sheet,
        (40, 16, 14, 14, 16),
    ),
    Section(
        "quotes",
        gettext_lazy("What participants say"),
        gettext_lazy(
            "Comments their authors chose to share anonymously: neither name nor department, only "
            "the month each was written."
        ),
        "dashboards/report/_quotes.html",
        # Like the dashboard's exports, the workbook quotes no comment: words people wrote stay on the
        # page they agreed to share them on, and never travel as a file or an e-mail attachment.
        None,
    ),
)


# --- The headline figures: the summary page, the e-mail ---------------------------------------------


@dataclass(frozen=True)
class Headline:
    label: str
    figure: object  # a privacy.Figure
    percent: bool = False


def headlines(board):
    """The few figures a board reads first, each a dashboard figure (hidden ones stay hidden)."""
    impact = board.impact
    items = [
        Headline(_("Participants enrolled"), board.participation["enrolled"]),
        Headline(_("Pairs active"), board.pairs["active"]),
        Headline(_("Active pairs on cadence"), board.pairs["on_cadence_share"], percent=True),
        Headline(_("Sessions held"), board.sessions["held"]),
        Headline(_("Planned sessions held"), board.sessions["held_share"], percent=True),
    ]
    if impact.get("challenges"):
        items.append(
            Headline(
                _("Challenges done, of those answered"), impact["challenges"]["figures"]["done_share"], True
            )
        )
    if impact.get("nps"):
        items.append(Headline(_("Net promoter score (−100 to 100)"), impact["nps"]["score"]))
    if impact.get("mentor_outcomes"):
        items.append(
            Headline(_("Mentors who received a recognition"), impact["mentor_outcomes"]["recognised"], True)
        )
    return items


def headline_text(board, headline):
    """A headline as a person reads it ("72,5 %" in French), or why it is not shown."""
    figure = headline.figure
    if figure.hidden:
        return _("hidden (fewer than %(minimum)s people)") % {"minimum": board.minimum}
    if figure.value is None:
        return "—"
    return l10n.percent(figure.value) if headline.percent else l10n.number(figure.value)


# --- The report -------------------------------------------------------------------------------------


@dataclass
class BoardReport:
    board: Dashboard

    @property
    def sections(self):
        return SECTIONS

    def headlines(self):
        return headlines(self.board)

    def satisfaction_bars(self):
        entries = [entry for entry in self.board.impact.get("scales", []) if not entry["hidden"]]
        return charts.bar_list([(entry["question"], entry["average"]) for entry in entries], maximum=5)

    def outcome_bars(self):
        outcomes = (self.board.impact.get("mentor_outcomes") or {}).get("outcomes", [])
        return charts.bar_list(
            [
                (entry["outcome"], entry["rate"])
                for entry in outcomes
                if not entry["hidden"] and entry["rate"] is not None
            ],
            maximum=100,
        )


def build(*, organization, filters: DashboardFilters, options: selectors.FilterOptions | None = None):
    """The report for these filters: the dashboard's own figures (and cache)."""
    options = options or selectors.filter_options()
    return BoardReport(board=reports.build(organization=organization, filters=filters, options=options))


def _cover_sheet(report, generated_on):
    board = report.board
    filters = board.filters
    rows = [
        [_("Programme impact report"), ""],
        [_("Organisation"), board.organization.name],
        [_("Programme"), board.programme_name or _("All programmes")],
        [_("Cohort (round)"), board.round_name or _("All rounds")],
        [_("Department"), filters.department or _("All departments")],
        [_("From"), filters.start.isoformat()],
        [_("To"), filters.end.isoformat()],
        [_("Date of the report"), generated_on.isoformat()],
        [
            _("Privacy"),
            _("A figure computed over fewer than %(minimum)s people is hidden.") % {"minimum": board.minimum},
        ],
        [],
        [_("Summary"), ""],
    ]
    rows += [[item.label, _value(board, item.figure)] for item in report.headlines()]
    return rows


def sheet_title(section):
    """A sheet's tab name: at most 31 characters, none of those Excel refuses in a tab."""
    title = str(section.title)
    for character in "[]:*?/\\":
        title = title.replace(character, " ")
    return title[:31]


def to_xlsx(report, *, generated_on):
    """The report as an XLSX workbook: the cover and summary, then one sheet per figure section (the
    quotes stay on the page)."""
    sheets = [(pgettext("the report's first sheet", "Report"), _cover_sheet(report, generated_on), (40, 60))]
    sheets += [
        (sheet_title(section), section.sheet(report.board), section.width)
        for section in report.sections
        if section.sheet is not None
    ]
    return spreadsheets.xlsx_workbook_bytes(sheets)
