// Reads an iCalendar file on stdin with ical.js (Mozilla's parser, the one behind many web calendars)
// and prints each event instance as JSON, times in UTC: what such a calendar would show.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const root = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const utc = (time) => time.convertToZone(ICAL.Timezone.utcTimezone).toString();
const events = root.getAllSubcomponents("vevent").map((component) => new ICAL.Event(component));
const masters = new Map();
for (const event of events) {
  if (!event.isRecurrenceException()) masters.set(event.uid, event);
}
for (const event of events) {
  if (event.isRecurrenceException() && masters.has(event.uid)) masters.get(event.uid).relateException(event);
}
const instances = [];
for (const event of events) {
  const base = {
    uid: event.uid,
    sequence: event.sequence,
    status: event.component.getFirstPropertyValue("status"),
  };
  if (event.isRecurrenceException()) {
    // Inside a series ical.js applies it to the occurrence it replaces; alone (an iTIP update) it stands.
    if (masters.has(event.uid)) continue;
    instances.push({ ...base, recurrenceId: utc(event.recurrenceId), start: utc(event.startDate),
      end: utc(event.endDate) });
  } else if (event.isRecurring()) {
    const iterator = event.iterator();
    for (let next = iterator.next(), count = 0; next && count < 200; next = iterator.next(), count += 1) {
      const details = event.getOccurrenceDetails(next);
      instances.push({ ...base, recurrenceId: utc(details.recurrenceId), start: utc(details.startDate),
        end: utc(details.endDate), status: details.item.component.getFirstPropertyValue("status") });
    }
  } else {
    instances.push({ ...base, recurrenceId: null, start: utc(event.startDate), end: utc(event.endDate) });
  }
}
process.stdout.write(JSON.stringify(instances));
