"""Server-rendered SVG charts: geometry computed here, drawn by templates/dashboards/charts/*.html.

No JavaScript, nothing inline for the CSP to refuse (colours are CSS classes), and every chart is
paired with a table holding the same numbers for screen readers and for print.
"""

import math

from django.utils import formats
from django.utils.translation import gettext as _

WIDTH = 640
HEIGHT = 240
LEFT = 44
BOTTOM = 36
TOP = 12
# Labels wider than their column slot (ten skill names side by side) are slanted and shortened.
CHAR_WIDTH = 6.2
SLANT_DEGREES = 35
SLANTED_MAX_CHARS = 24


def nice_ceiling(value):
    """The smallest 1, 2, 2.5 or 5 × 10^n at or above ``value`` (a readable top for the axis)."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def whole_ceiling(value, ticks):
    """A top for a count axis: each of the ``ticks`` steps a whole number (no 12.5 sessions)."""
    step = max(1, math.ceil(nice_ceiling(value / ticks))) if value > 0 else 1
    return step * ticks


def column_chart(*, categories, series, axis_labels=None, ticks=4, top=None, whole=False):
    """Grouped columns: ``series`` is a list of (label, css_class, values) with one value per category.

    A value of None (hidden by the privacy rule) draws no column; the category gets a "hidden" mark.
    ``whole``: the values are counts, so every tick is a whole number.
    """
    values = [value for _, _, series_values in series for value in series_values if value is not None]
    highest = max(values, default=0)
    top = top or (whole_ceiling(highest, ticks) if whole else nice_ceiling(highest))
    plot_width = WIDTH - LEFT - 8
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(categories), 1)
    group = slot * 0.8
    column = group / max(len(series), 1)
    columns, marks = [], []
    for index, category in enumerate(categories):
        x0 = LEFT + index * slot + (slot - group) / 2
        hidden = all(series_values[index] is None for _, _, series_values in series)
        if hidden:
            marks.append({"x": round(x0 + group / 2, 1), "y": HEIGHT - BOTTOM - 4})
        for position, (label, css_class, series_values) in enumerate(series):
            value = series_values[index]
            if value is None:
                continue
            height = plot_height * value / top
            columns.append(
                {
                    "x": round(x0 + position * column, 1),
                    "y": round(HEIGHT - BOTTOM - height, 1),
                    "width": round(column - 1, 1),
                    "height": round(height, 1),
                    "css_class": css_class,
                    "title": _title(category, label, value),
                }
            )
    labels = _axis(categories, axis_labels, slot)
    left_overflow = _slant_left_overflow(labels)
    return {
        "width": WIDTH,
        "view_x": -left_overflow,
        "view_width": WIDTH + left_overflow,
        "height": HEIGHT + _slant_room(labels),
        "columns": columns,
        "hidden_marks": marks,
        "baseline": HEIGHT - BOTTOM,
        "left": LEFT,
        "right": WIDTH - 8,
        "ticks": [
            {
                "y": round(HEIGHT - BOTTOM - plot_height * step / ticks, 1),
                "label": _format(top * step / ticks),
            }
            for step in range(ticks + 1)
        ],
        "labels": labels,
        "legend": [{"label": label, "css_class": css_class} for label, css_class, _ in series],
    }


def line_chart(*, categories, label, css_class, values, axis_labels=None, ticks=4, whole=False):
    """One line with a dot per known value; hidden values break the line. ``whole``: counts."""
    highest = max((value for value in values if value is not None), default=0)
    top = whole_ceiling(highest, ticks) if whole else nice_ceiling(highest)
    plot_width = WIDTH - LEFT - 8
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(categories), 1)
    points, segments, current = [], [], []
    for index, value in enumerate(values):
        if value is None:
            if len(current) > 1:
                segments.append(current)
            current = []
            continue
        x = round(LEFT + index * slot + slot / 2, 1)
        y = round(HEIGHT - BOTTOM - plot_height * value / top, 1)
        points.append({"x": x, "y": y, "title": _title(categories[index], label, value)})
        current.append(f"{x},{y}")
    if len(current) > 1:
        segments.append(current)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "points": points,
        "polylines": [" ".join(segment) for segment in segments],
        "css_class": css_class,
        "baseline": HEIGHT - BOTTOM,
        "left": LEFT,
        "right": WIDTH - 8,
        "ticks": [
            {
                "y": round(HEIGHT - BOTTOM - plot_height * step / ticks, 1),
                "label": _format(top * step / ticks),
            }
            for step in range(ticks + 1)
        ],
        "labels": _axis(categories, axis_labels, slot, slant_allowed=False),
        "legend": [{"label": label, "css_class": css_class}],
    }


def bar_list(items, *, maximum=None):
    """Horizontal bars as percentages of the largest (or ``maximum``): items are (label, value) pairs."""
    known = [value for _, value in items if value is not None]
    maximum = maximum or max(known, default=0) or 1
    return [
        {
            "label": label,
            "value": value,
            "percent": None if value is None else round(100 * value / maximum, 1),
        }
        for label, value in items
    ]


def _axis(categories, axis_labels, slot, *, slant_allowed=True):
    """Labels under the axis: one line each, or two (e.g. month, then the year where it changes).

    When one would overlap its neighbours, all are slanted, and shortened with an ellipsis (the full
    name stays in the column's tooltip and in the table beside the chart).
    """
    lines = axis_labels or [(str(category), "") for category in categories]
    slanted = slant_allowed and any(len(str(text)) * CHAR_WIDTH > slot for text, _ in lines)
    labels = []
    for index, (text, sub) in enumerate(lines):
        x = round(LEFT + index * slot + slot / 2, 1)
        if slanted:
            text = str(text)
            if len(text) > SLANTED_MAX_CHARS:
                text = text[: SLANTED_MAX_CHARS - 1].rstrip() + "…"
            labels.append(
                {"x": x, "y": HEIGHT - BOTTOM + 12, "text": text, "sub": "", "slant": -SLANT_DEGREES}
            )
        else:
            labels.append({"x": x, "y": HEIGHT - 16, "text": text, "sub": sub, "slant": 0})
    return labels


def _slant_left_overflow(labels):
    """How far the first slanted label reaches left of the drawing (the view box grows to show it)."""
    if not labels or not labels[0]["slant"]:
        return 0
    reach = len(labels[0]["text"]) * CHAR_WIDTH * math.cos(math.radians(SLANT_DEGREES))
    return max(0, math.ceil(reach - labels[0]["x"]) + 4)


def _slant_room(labels):
    """Extra height below the chart for slanted labels (their drop at the slant angle)."""
    slanted = [len(label["text"]) for label in labels if label["slant"]]
    if not slanted:
        return 0
    return math.ceil(max(slanted) * CHAR_WIDTH * math.sin(math.radians(SLANT_DEGREES))) + 4 - (BOTTOM - 12)


def _format(number):
    """A tick label, read by a person: "2,5" in French. The templates draw inside ``{% localize off %}``
    (coordinates stay "2.5"), so labels are formatted here, already as text."""
    if number == int(number):
        number = int(number)
    return formats.number_format(number)


def _title(category, series, value):
    return _("%(category)s · %(series)s: %(value)s") % {
        "category": category,
        "series": series,
        "value": _format(value),
    }


INTERVAL_LABEL_WIDTH = 170
INTERVAL_ROW = 26


def interval_chart(rows, *, reach=None):
    """A mean and its confidence interval per row, on a horizontal axis around zero ("no change").

    ``rows``: (label, mean, low, high); a mean of None (hidden) draws a "hidden" mark, a low or high of
    None (a single person) the mean alone. The axis runs from −``reach`` to +``reach`` in whole steps,
    wide enough for every interval (at least 1, at most 4: levels run from 1 to 5).
    """
    ends = [abs(value) for _, mean, low, high in rows for value in (mean, low, high) if value is not None]
    reach = reach or min(4, max(1, math.ceil(max(ends, default=1))))
    left, right = LEFT + INTERVAL_LABEL_WIDTH, WIDTH - 16
    top, height = TOP + 4, TOP + 4 + INTERVAL_ROW * len(rows) + BOTTOM

    def x(value):
        return round(left + (right - left) * (value + reach) / (2 * reach), 1)

    drawn = []
    for index, (label, mean, low, high) in enumerate(rows):
        y = round(top + INTERVAL_ROW * index + INTERVAL_ROW / 2, 1)
        text = str(label)
        if len(text) * CHAR_WIDTH > INTERVAL_LABEL_WIDTH - 8:
            text = text[: int((INTERVAL_LABEL_WIDTH - 8) / CHAR_WIDTH) - 1].rstrip() + "…"
        row = {"y": y, "label": text, "label_x": left - 8, "hidden": mean is None}
        if mean is not None:
            row["x"] = x(mean)
            row["title"] = _title(label, _("mean change"), mean)
            if low is not None and high is not None:
                row["x1"], row["x2"] = x(max(low, -reach)), x(min(high, reach))
                row["title"] = _("%(label)s: mean change %(mean)s, 95%% interval %(low)s to %(high)s") % {
                    "label": label,
                    "mean": _format(mean),
                    "low": _format(round(low, 2)),
                    "high": _format(round(high, 2)),
                }
        else:
            row["x"] = x(0)
        drawn.append(row)
    bottom = top + INTERVAL_ROW * len(rows)
    return {
        "width": WIDTH,
        "height": height,
        "rows": drawn,
        "zero": x(0),
        "top": top,
        "bottom": bottom,
        "ticks": [
            {"x": x(step), "y": bottom + 16, "label": ("+" if step > 0 else "") + _format(step)}
            for step in range(-reach, reach + 1)
        ],
    }
