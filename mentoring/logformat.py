"""One JSON object per log line (``LOG_FORMAT=json``), for a log collector to index.

Every field a caller passes in ``extra`` becomes a key: the outbox's lines carry ``event``,
``notification_id``, ``key``, ``kind``, ``organization_id``, ``attempt``, ``error`` and ``reason``, so one
message is followed from planning to delivery by filtering on its key.
"""

import json
import logging
from datetime import UTC, datetime

# What every LogRecord carries by itself; anything else on a record came from ``extra``.
_STANDARD = set(vars(logging.LogRecord("", logging.INFO, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            (name, value)
            for name, value in vars(record).items()
            if name not in _STANDARD and not name.startswith("_")
        )
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
