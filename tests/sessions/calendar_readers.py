"""Three readings of one iCalendar file, for tests: icalendar (with dateutil for the rules), vobject
(which builds its time zones from our VTIMEZONEs, not from zoneinfo) and ical.js run by node. Each
returns what a calendar would show: every instance as (UID, start, end, status) in UTC, a series
expanded, its overrides applied, sorted by start."""

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
import vobject
from dateutil.rrule import rrulestr

READER = Path(__file__).with_name("icaljs_read.mjs")
ROOT = Path(__file__).resolve().parents[2]


def _utc(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _effective(singles, masters, overrides):
    """singles: [(uid, start, end, status)], masters: {uid: ([occurrence starts], length, status)},
    overrides: {(uid, recurrence-id): (start, end, status)}."""
    instances = list(singles)
    for uid, (occurrences, length, status) in masters.items():
        for start in occurrences:
            key = (uid, _utc(start))
            if key in overrides:
                instances.append((uid, *overrides.pop(key)))
            else:
                # RFC 5545: each instance lasts the exact DTEND - DTSTART, so add it in UTC.
                instances.append((uid, _utc(start), _utc(start.astimezone(UTC) + length), status))
    instances.extend((uid, *value) for (uid, _rid), value in overrides.items())
    return sorted(instances, key=lambda instance: (instance[1], instance[0]))


def with_icalendar(ics):
    singles, masters, overrides = [], {}, {}
    for event in icalendar.Calendar.from_ical(ics).walk("VEVENT"):
        uid, status = str(event["UID"]), str(event.get("STATUS", "CONFIRMED"))
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        if "RECURRENCE-ID" in event:
            overrides[(uid, _utc(event.decoded("RECURRENCE-ID")))] = (_utc(start), _utc(end), status)
        elif "RRULE" in event:
            rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start, forceset=True)
            exdates = event.get("EXDATE", [])
            for exdate in exdates if isinstance(exdates, list) else [exdates]:
                for value in exdate.dts:
                    rule.exdate(value.dt)
            masters[uid] = (list(rule), end - start, status)
        else:
            singles.append((uid, _utc(start), _utc(end), status))
    return _effective(singles, masters, overrides)


def with_vobject(ics):
    calendar = vobject.readOne(ics.decode() if isinstance(ics, bytes) else ics)
    singles, masters, overrides = [], {}, {}
    for event in calendar.contents.get("vevent", []):
        uid = event.uid.value
        status = event.status.value if hasattr(event, "status") else "CONFIRMED"
        start, end = event.dtstart.value, event.dtend.value
        if hasattr(event, "recurrence_id"):
            overrides[(uid, _utc(event.recurrence_id.value))] = (_utc(start), _utc(end), status)
        elif hasattr(event, "rrule"):
            masters[uid] = (list(event.getrruleset(addRDate=True)), end - start, status)
        else:
            singles.append((uid, _utc(start), _utc(end), status))
    return _effective(singles, masters, overrides)


def icaljs_available():
    return shutil.which("node") is not None and (ROOT / "node_modules" / "ical.js").exists()


def with_icaljs(ics):
    if not icaljs_available():
        pytest.skip("ical.js is not installed: npm ci at the repository root")
    result = subprocess.run(
        ["node", str(READER)], input=ics, capture_output=True, check=True, timeout=60, cwd=ROOT
    )
    instances = []
    for item in json.loads(result.stdout):
        instances.append((item["uid"], _iso(item["start"]), _iso(item["end"]), item["status"] or "CONFIRMED"))
    return sorted(instances, key=lambda instance: (instance[1], instance[0]))


def _iso(text):
    # ical.js writes UTC as 2026-10-25T00:30:00Z.
    return _utc(datetime.fromisoformat(text.replace("Z", "+00:00")))


def every_reading(ics):
    """The three readings; the test asserts they agree with each other and with the sessions."""
    ics = ics.encode() if isinstance(ics, str) else ics
    return {"icalendar": with_icalendar(ics), "vobject": with_vobject(ics), "ical.js": with_icaljs(ics)}
