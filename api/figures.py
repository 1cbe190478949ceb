"""The dashboard's figure groups as JSON: every hidden figure keeps no value and no head count.

The groups come from ``dashboards.reports.build`` (the same computation, cache and privacy rule as the
dashboard page); this module only changes their form. Free-text comments are left out: the API gives
aggregates only.
"""

import dataclasses
import datetime

from dashboards.privacy import Figure

# Counts of people behind a group: shown with a figure above the threshold, dropped from a hidden one.
HEAD_COUNTS = {"people", "respondents"}
LEFT_OUT = {"comments"}


def _json(value):
    if isinstance(value, Figure):
        return {"value": None if value.hidden else _json(value.value), "hidden": value.hidden}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {item.name: getattr(value, item.name) for item in dataclasses.fields(value)}
    if isinstance(value, dict):
        hidden = value.get("hidden") is True
        return {
            str(key): _json(item)
            for key, item in value.items()
            if not (hidden and key in HEAD_COUNTS) and key not in LEFT_OUT
        }
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def as_json(board):
    impact = dict(board.impact)
    goals = impact.pop("goals", {})
    impact.pop("comments", None)
    filters = board.filters
    return {
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "programme": filters.programme_id,
        "round": filters.round_id,
        "department": filters.department,
        "minimum_group_size": board.minimum,
        "computed_at": board.computed_at.isoformat() if board.computed_at else None,
        "participation": _json(board.participation),
        "pairs": _json(board.pairs),
        "sessions": _json(board.sessions),
        "months": _json(board.months),
        "goals": _json(goals),
        "surveys": _json(impact),
    }
