"""Charts drawn in French keep machine-read numbers as "1.5"; what people read is "1,5"; counts are whole."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from dashboards import charts
from sessions.charts import progress_curve
from tests.factories import GoalFactory, GoalProgressFactory
from tests.l10n.svg import polyline_pairs, svg_numbers

LANGUAGES = ["fr", "en"]


def _columns():
    return charts.column_chart(
        categories=["juin", "juillet"],
        series=[("Prévues", "series-planned", [3, 7]), ("Tenues", "series-held", [1, 5])],
        whole=True,
    )


def _averages():
    return charts.column_chart(
        categories=["IA", "Réseaux sociaux"],
        series=[("Départ", "series-baseline", [2.5, 3.25]), ("Dernier", "series-latest", [3.75, 4.1])],
        top=5,
        ticks=5,
    )


def _line():
    return charts.line_chart(
        categories=["mai", "juin", "juillet"],
        label="Tenues",
        css_class="series-trend",
        values=[1, 3, 7],
        whole=True,
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("template", "chart"),
    [
        ("dashboards/includes/columns.html", _columns),
        ("dashboards/includes/columns.html", _averages),
        ("dashboards/includes/line.html", _line),
    ],
)
def test_every_chart_writes_coordinates_that_parse_as_numbers(language, template, chart):
    with translation.override(language):
        html = render_to_string(template, {"chart": chart()})
    numbers = svg_numbers(html)
    assert len(numbers) > 20
    assert all(0 - 200 <= number <= 1000 for number in numbers)


@pytest.mark.parametrize("language", LANGUAGES)
def test_bars_give_their_width_as_a_css_number(language):
    bars = charts.bar_list([("Acceptées", 1), ("Actives", 3)])
    with translation.override(language):
        html = render_to_string("dashboards/includes/bars.html", {"bars": bars})
    assert 'width="33.3%"' in html
    assert svg_numbers(html)


def test_the_goal_curve_keeps_its_points_in_french(db):
    goal = GoalFactory(scale="percent")
    points = [
        GoalProgressFactory(
            organization=goal.organization, goal=goal, value=value, recorded_on=datetime.date(2026, 6, day)
        )
        for day, value in ((1, 10), (12, 35), (20, 72))
    ]
    with translation.override("fr"):
        html = render_to_string("sessions/includes/curve.html", {"curve": progress_curve(goal, points)})
    pairs = polyline_pairs(html)
    assert len(pairs) == 3
    # Spread across the drawing, not collapsed into a corner.
    assert pairs[0][0] < pairs[1][0] < pairs[2][0]
    assert all(float(number) == number for number in svg_numbers(html))
    # The tooltip is for people: the month in full, the French way.
    assert "20 juin 2026" in html


def test_count_axes_step_by_whole_numbers():
    """Up to 5 sessions on 4 ticks: 0, 2, 4, 6, 8 - never 1.25 or 12.5 sessions."""
    for highest in (1, 3, 5, 10, 37, 50, 123):
        chart = charts.column_chart(categories=["a"], series=[("s", "c", [highest])], whole=True)
        labels = [tick["label"] for tick in chart["ticks"]]
        assert all(label.isdigit() for label in labels), (highest, labels)
        assert int(labels[-1]) >= highest
        line = charts.line_chart(categories=["a"], label="s", css_class="c", values=[highest], whole=True)
        assert all(tick["label"].isdigit() for tick in line["ticks"]), (highest, line["ticks"])


def test_tick_labels_and_tooltips_are_written_for_the_reader():
    with translation.override("fr"):
        chart = _averages()
    assert [tick["label"] for tick in chart["ticks"]][:2] == ["0", "1"]
    # (The French catalogue adds its no-break space before the colon.)
    assert chart["columns"][2]["title"].startswith("Réseaux sociaux · Départ")
    assert chart["columns"][2]["title"].endswith(": 3,25")
    with translation.override("en"):
        chart = _averages()
    assert chart["columns"][2]["title"] == "Réseaux sociaux · Départ: 3.25"
