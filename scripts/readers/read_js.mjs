#!/usr/bin/env node
// Reads one .ics file with a JavaScript reader and prints its occurrences in a window as the
// normalized JSON of normalize.py: [{uid, start, end, all_day, status, summary}], start and
// end UTC instants (2027-03-16T21:00:00Z) or dates (2027-06-01) for all-day events.
//
//   icaljs     Mozilla's ical.js: the file's VTIMEZONEs registered with its TimezoneService,
//              ICAL.Event with its exceptions (RECURRENCE-ID), event.iterator() and
//              getOccurrenceDetails() (EXDATE and overrides are ical.js's own).
//   node-ical  node-ical's parser and its expandRecurringEvent() (EXDATE, RECURRENCE-ID).
//
// Usage: node read_js.mjs --reader icaljs|node-ical FILE.ics [--from 2027-01-01 --to 2029-01-01]
// An occurrence is in the window when its start (date, in UTC for instants) is in [from, to);
// readers expand three days more on each side.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const PAD_MS = 3 * 86400 * 1000;

function args(argv) {
  const out = { reader: null, file: null, from: '2027-01-01', to: '2029-01-01' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--reader') out.reader = argv[++i];
    else if (a === '--from') out.from = argv[++i];
    else if (a === '--to') out.to = argv[++i];
    else if (a.startsWith('--reader=')) out.reader = a.slice(9);
    else if (a.startsWith('--from=')) out.from = a.slice(7);
    else if (a.startsWith('--to=')) out.to = a.slice(5);
    else out.file = a;
  }
  if (!['icaljs', 'node-ical'].includes(out.reader) || !out.file) {
    console.error('usage: read_js.mjs --reader icaljs|node-ical FILE.ics [--from DATE --to DATE]');
    process.exit(2);
  }
  return out;
}

const utcText = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const pad2 = (n) => String(n).padStart(2, '0');

function occurrence(uid, start, end, allDay, status, summary) {
  return {
    uid: String(uid),
    start,
    end,
    all_day: allDay,
    status: String(status || 'CONFIRMED').toUpperCase(),
    summary: String(summary ?? ''),
  };
}

// ------------------------------------------------------------------ ical.js

function readIcaljs(text, from, to) {
  const ICAL = require('ical.js');
  const root = new ICAL.Component(ICAL.parse(text));
  for (const vtz of root.getAllSubcomponents('vtimezone')) {
    ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
  }
  const events = root.getAllSubcomponents('vevent');
  const masters = new Map();
  const exceptions = [];
  for (const c of events) {
    if (c.hasProperty('recurrence-id')) exceptions.push(c);
    else masters.set(c.getFirstPropertyValue('uid'), c);
  }
  const lo = ICAL.Time.fromJSDate(new Date(from - PAD_MS), true);
  const hi = ICAL.Time.fromJSDate(new Date(to + PAD_MS), true);
  const out = [];
  const text_of = (t) => (t.isDate ? `${t.year}-${pad2(t.month)}-${pad2(t.day)}` : utcText(t.toUnixTime() * 1000));
  const push = (item, start, end) => {
    const comp = item.component;
    out.push(occurrence(item.uid, text_of(start), text_of(end), start.isDate,
      comp.getFirstPropertyValue('status'), item.summary));
  };
  const related = new Set();
  for (const [uid, comp] of masters) {
    const event = new ICAL.Event(comp);
    for (const ex of exceptions) {
      if (ex.getFirstPropertyValue('uid') === uid) {
        event.relateException(ex);
        related.add(ex);
      }
    }
    if (!event.isRecurring()) {
      push(event, event.startDate, event.endDate);
      continue;
    }
    const it = event.iterator();
    for (let next = it.next(); next; next = it.next()) {
      if (next.compare(hi) > 0) break;
      const d = event.getOccurrenceDetails(next);
      if (d.startDate.compare(lo) < 0 && next.compare(lo) < 0) continue;
      push(d.item, d.startDate, d.endDate);
    }
  }
  // An override whose master is not in this file: shown as it is.
  for (const ex of exceptions) {
    if (!related.has(ex)) {
      const e = new ICAL.Event(ex);
      push(e, e.startDate, e.endDate);
    }
  }
  return out;
}

// ------------------------------------------------------------------ node-ical

function readNodeIcal(text, from, to) {
  const ical = require('node-ical');
  const data = ical.sync.parseICS(text);
  const out = [];
  const dayText = (d) => {
    // node-ical: an all-day value is the start of that day in the event's zone, else local;
    // its date is read back the same way.
    const tz = d.tz && d.tz !== 'Etc/UTC' ? d.tz : undefined;
    const parts = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit',
    }).format(d);
    return parts;
  };
  for (const ev of Object.values(data)) {
    if (!ev || ev.type !== 'VEVENT') continue;
    if (ev.recurrenceid && !ev.rrule) {
      // overrides are also listed under their master's `recurrences`; expandRecurringEvent
      // uses them there. A stand-alone one (no master in the file) is shown as it is.
      const master = Object.values(data).find((m) => m && m.type === 'VEVENT' && m.uid === ev.uid && m.rrule);
      if (master) continue;
    }
    const instances = ical.expandRecurringEvent(ev, {
      from: new Date(from - PAD_MS),
      to: new Date(to + PAD_MS),
    });
    for (const inst of instances) {
      const src = inst.event || ev;
      const allDay = Boolean(inst.isFullDay);
      const start = allDay ? dayText(inst.start) : utcText(inst.start.getTime());
      const end = allDay ? dayText(inst.end) : utcText(inst.end.getTime());
      out.push(occurrence(src.uid ?? ev.uid, start, end, allDay, src.status, inst.summary ?? src.summary));
    }
  }
  return out;
}

// ------------------------------------------------------------------ main

const a = args(process.argv.slice(2));
const text = fs.readFileSync(a.file, 'utf8');
const from = Date.parse(`${a.from}T00:00:00Z`);
const to = Date.parse(`${a.to}T00:00:00Z`);
const occs = a.reader === 'icaljs' ? readIcaljs(text, from, to) : readNodeIcal(text, from, to);
const inWindow = (o) => {
  const day = o.start.slice(0, 10);
  return day >= a.from && day < a.to;
};
const key = (o) => [o.uid, o.start, o.end, o.status, o.summary].join('\u0000');
const result = occs.filter(inWindow).sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
process.stdout.write(JSON.stringify(result) + '\n');
