"""The audit trail as a spreadsheet: the filtered events, one row each, every cell inert."""

import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring import spreadsheets

from . import audit
from .models import AuditEvent

CATEGORY_OF = {action: category for category, actions in audit.CATEGORY_ACTIONS.items() for action in actions}


def details_text(details: dict[str, Any]) -> str:
    """``details`` as a line a person reads: ``key: value · key: value`` (nested values as JSON)."""
    parts = []
    for key, value in details.items():
        shown = (
            value
            if isinstance(value, str | int | float)
            else json.dumps(value, ensure_ascii=False, sort_keys=True)
        )
        parts.append(f"{key}: {shown}")
    return " · ".join(parts)


def _header() -> list[str]:
    return [
        _("When"),
        _("Category"),
        _("Action"),
        _("Acting as"),
        _("Who"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("Details"),
        _("IP address"),
    ]


def rows(events: Iterable[AuditEvent]) -> list[list[Any]]:
    categories = dict(audit.Category.choices)
    actions = dict(audit.Action.choices)
    kinds = dict(audit.ActorKind.choices)
    table: list[list[Any]] = [_header()]
    for event in events:
        table.append(
            [
                # The reader's zone, with its offset: unambiguous for a person and for a program.
                timezone.localtime(event.occurred_at).isoformat(timespec="seconds"),
                str(categories.get(CATEGORY_OF.get(event.action, ""), "")),
                str(actions.get(event.action, event.action)),
                str(kinds.get(event.actor_kind, event.actor_kind)),
                event.actor_label,
                event.target_type,
                event.target_id,
                event.target_label,
                details_text(event.details),
                event.ip_address or "",
            ]
        )
    return table


def limited(events: Any) -> list[AuditEvent]:
    return list(events[: settings.AUDIT_EXPORT_MAX_ROWS])


def to_csv(events: Any) -> bytes:
    content: bytes = spreadsheets.csv_bytes(rows(limited(events)))
    return content


def to_xlsx(events: Any) -> bytes:
    content: bytes = spreadsheets.xlsx_bytes(
        rows(limited(events)), title=_("Audit trail"), widths=(26, 22, 30, 16, 32, 24, 12, 32, 60, 18)
    )
    return content
