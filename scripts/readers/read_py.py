#!/usr/bin/env python3
"""Reads one .ics file with one independent reader and prints its occurrences in a window
as normalized JSON (see normalize.py): a list of {uid, start, end, all_day, status, summary}.

Readers:
  icalendar  Python `icalendar` parses; times in the zones the file's own VTIMEZONEs define
             (Timezone.to_tz, no lookup by name); dateutil's rruleset expands RRULE, RDATE
             and EXDATE; RECURRENCE-ID overrides replace their instance.
  recurring  `recurring-ical-events` on `icalendar` (zones looked up by TZID, as icalendar
             does by default), which does the expansion, EXDATE and overrides itself.
  vobject    `vobject` parses (its own VTIMEZONE handling) and expands (getrruleset).
  khal       the `khal` command: `khal import` into a new vdir, `khal list` (UTC) back out.
  libical    the C reader (build/read_libical, see read_libical.c): libical's parser and
             icalcomponent_foreach_recurrence; its restriction problems go to stderr (and
             into the JSON's "problems" with --problems).

Usage: read_py.py --reader NAME FILE.ics [--from 2027-01-01 --to 2029-01-01] [--problems]
With --problems the output is {"occurrences": [...], "problems": [...]} instead of a list.
"""
import argparse
import datetime as dt
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from normalize import PAD, UTC, combine, finish, moment_text, occurrence  # noqa: E402


def to_utc(v):
    return v.astimezone(UTC) if isinstance(v, dt.datetime) else v


def exact_span(start, end):
    """End minus start: elapsed time for instants, days for dates."""
    if isinstance(start, dt.datetime):
        return to_utc(end) - to_utc(start)
    return end - start


def add_span(start, span):
    if isinstance(start, dt.datetime):
        return to_utc(start) + span
    return start + span


# ---------------------------------------------------------------- icalendar (own VTIMEZONEs)

def read_icalendar(data, start, end):
    import icalendar
    from dateutil import rrule

    cal = icalendar.Calendar.from_ical(data)
    zones = {str(tz["TZID"]): tz.to_tz(lookup_tzid=False) for tz in cal.walk("VTIMEZONE")}

    def rebind(v, tzid):
        """A value in the file's own zone of that TZID (icalendar gives zoneinfo's)."""
        if isinstance(v, dt.datetime) and tzid:
            return v.replace(tzinfo=None).replace(tzinfo=zones[str(tzid)])
        return v

    def value(prop):
        return rebind(prop.dt, prop.params.get("TZID"))

    def values(prop):
        """Every value of a list property (EXDATE, RDATE), one or several lines of it."""
        out = []
        for line in prop if isinstance(prop, list) else [prop]:
            tzid = line.params.get("TZID")
            out.extend(rebind(d.dt, tzid) for d in line.dts)
        return out

    lo = dt.datetime.combine(start - PAD, dt.time(), UTC)
    hi = dt.datetime.combine(end + PAD, dt.time(), UTC)
    masters, overrides = [], []
    for ev in cal.walk("VEVENT"):
        uid = str(ev["UID"])
        s = value(ev["DTSTART"])
        if "DTEND" in ev:
            span = exact_span(s, value(ev["DTEND"]))
        elif "DURATION" in ev:
            span = ev["DURATION"].dt
        else:
            span = dt.timedelta(days=1) if not isinstance(s, dt.datetime) else dt.timedelta(0)
        status, summary = ev.get("STATUS"), ev.get("SUMMARY")
        if "RECURRENCE-ID" in ev:
            key = moment_text(value(ev["RECURRENCE-ID"]))
            overrides.append((uid, key, occurrence(uid, s, add_span(s, span), status, summary)))
            continue
        if "RRULE" not in ev and "RDATE" not in ev:
            masters.append((uid, moment_text(s), occurrence(uid, s, add_span(s, span), status, summary)))
            continue
        is_date = not isinstance(s, dt.datetime)
        first = dt.datetime.combine(s, dt.time()) if is_date else s
        rs = rrule.rruleset()
        for r in ev["RRULE"] if isinstance(ev.get("RRULE"), list) else ([ev["RRULE"]] if "RRULE" in ev else []):
            rs.rrule(rrule.rrulestr(r.to_ical().decode(), dtstart=first))
        rs.rdate(first)  # DTSTART is always the first instance (RFC 5545 3.8.5.3)
        if "RDATE" in ev:
            for d in values(ev["RDATE"]):
                rs.rdate(dt.datetime.combine(d, dt.time()) if is_date else d)
        if "EXDATE" in ev:
            for d in values(ev["EXDATE"]):
                rs.exdate(dt.datetime.combine(d, dt.time()) if not isinstance(d, dt.datetime) else d)
        window = (lo.replace(tzinfo=None), hi.replace(tzinfo=None)) if is_date else (lo, hi)
        for inst in rs.between(*window, inc=True):
            v = inst.date() if is_date else inst
            masters.append((uid, moment_text(v), occurrence(uid, v, add_span(v, span), status, summary)))
    return combine(masters, overrides), []


# ---------------------------------------------------------------- recurring-ical-events

def read_recurring(data, start, end):
    import icalendar
    import recurring_ical_events

    cal = icalendar.Calendar.from_ical(data)
    out = []
    for ev in recurring_ical_events.of(cal).between(start - PAD, end + PAD):
        s = ev["DTSTART"].dt
        if "DTEND" in ev:
            e = ev["DTEND"].dt
        elif "DURATION" in ev:
            e = add_span(s, ev["DURATION"].dt)
        else:
            e = s
        out.append(occurrence(ev["UID"], s, e, ev.get("STATUS"), ev.get("SUMMARY")))
    return out, []


# ---------------------------------------------------------------- vobject

def read_vobject(data, start, end):
    import vobject

    cal = vobject.readOne(data.decode("utf-8"))
    lo = dt.datetime.combine(start - PAD, dt.time(), UTC)
    hi = dt.datetime.combine(end + PAD, dt.time(), UTC)
    masters, overrides = [], []
    for ev in getattr(cal, "vevent_list", []):
        uid = ev.uid.value
        s = ev.dtstart.value
        if hasattr(ev, "dtend"):
            span = exact_span(s, ev.dtend.value)
        elif hasattr(ev, "duration"):
            span = ev.duration.value
        else:
            span = dt.timedelta(days=1) if not isinstance(s, dt.datetime) else dt.timedelta(0)
        status = ev.status.value if hasattr(ev, "status") else None
        summary = ev.summary.value if hasattr(ev, "summary") else None
        if hasattr(ev, "recurrence_id"):
            key = moment_text(ev.recurrence_id.value)
            overrides.append((uid, key, occurrence(uid, s, add_span(s, span), status, summary)))
            continue
        rs = ev.getrruleset(addRDate=True)
        if rs is None:
            masters.append((uid, moment_text(s), occurrence(uid, s, add_span(s, span), status, summary)))
            continue
        is_date = not isinstance(s, dt.datetime)
        naive = is_date or s.tzinfo is None
        window = (lo.replace(tzinfo=None), hi.replace(tzinfo=None)) if naive else (lo, hi)
        for inst in rs.between(*window, inc=True):
            v = inst.date() if is_date else inst
            masters.append((uid, moment_text(v), occurrence(uid, v, add_span(v, span), status, summary)))
    return combine(masters, overrides), []


# ---------------------------------------------------------------- khal

KHAL_CONFIG = """\
[calendars]
[[feed]]
path = {vdir}
type = calendar
[locale]
timeformat = %H:%M:%S
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%dT%H:%M:%S
longdatetimeformat = %Y-%m-%dT%H:%M:%S
local_timezone = UTC
default_timezone = UTC
[sqlite]
path = {db}
[default]
default_calendar = feed
"""


def read_khal(path, start, end):
    """khal's own code end to end: `khal import` then `khal list`, in UTC. `khal list` shows
    an all-day event's last day (DTEND - 1): the end date here is that plus one."""
    khal = shutil.which("khal") or "khal"
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="khal-"))
    try:
        (tmp / "vdir").mkdir()
        conf = tmp / "khal.conf"
        conf.write_text(KHAL_CONFIG.format(vdir=tmp / "vdir", db=tmp / "khal.db"))
        env = dict(os.environ, TZ="UTC")
        base = [khal, "--no-color", "-c", str(conf)]
        imp = subprocess.run(base + ["import", "--batch", "-a", "feed", str(path)],
                             capture_output=True, text=True, env=env, check=False)
        problems = [f"khal import: {l}" for l in (imp.stdout + imp.stderr).splitlines() if l.strip()]
        if imp.returncode != 0:
            raise RuntimeError(f"khal import failed: {imp.stderr.strip() or imp.stdout.strip()}")
        fmt = "{uid}\t{start}\t{end}\t{status}\t{title}"
        lst = subprocess.run(base + ["list", "--day-format", "", "--format", fmt,
                                     (start - PAD).isoformat(), (end + PAD).isoformat()],
                             capture_output=True, text=True, env=env, check=False)
        if lst.returncode != 0:
            raise RuntimeError(f"khal list failed: {lst.stderr.strip()}")
        problems += [f"khal list: {l}" for l in lst.stderr.splitlines() if l.strip()]
        seen, out = set(), []
        for line in lst.stdout.splitlines():
            if "\t" not in line:
                if line.strip():
                    problems.append(f"khal list: {line}")
                continue
            uid, s, e, status, title = line.split("\t", 4)
            if len(s) == 10:
                s_v = dt.date.fromisoformat(s)
                e_v = dt.date.fromisoformat(e) + dt.timedelta(days=1)
            else:
                s_v = dt.datetime.fromisoformat(s).replace(tzinfo=UTC)
                e_v = dt.datetime.fromisoformat(e).replace(tzinfo=UTC)
            o = occurrence(uid, s_v, e_v, status.strip() or None, title)
            k = tuple(sorted(o.items()))
            if k not in seen:  # khal lists a multi-day event on each of its days
                seen.add(k)
                out.append(o)
        return out, problems
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- libical (the C reader)

def libical_binary():
    return pathlib.Path(os.environ.get("READ_LIBICAL", HERE / "build" / "read_libical"))


def read_libical(path, start, end):
    exe = libical_binary()
    if not exe.exists():
        raise RuntimeError(f"{exe} is missing: run scripts/readers/setup.sh")
    run = subprocess.run([str(exe), str(path), start.isoformat(), end.isoformat()],
                         capture_output=True, text=True, check=False, timeout=120)
    if run.returncode != 0:
        raise RuntimeError(f"read_libical failed ({run.returncode}): {run.stderr.strip() or run.stdout[-500:]}")
    masters, overrides, problems = [], [], []
    for line in run.stdout.splitlines():
        kind, _, rest = line.partition("\t")
        if kind == "E":
            problems.append(f"libical: {rest}")
            continue
        uid, key, s, e, status, summary = rest.split("\t", 5)
        o = {"uid": uid, "start": s, "end": e, "all_day": len(s) == 10,
             "status": status or "CONFIRMED", "summary": summary}
        (overrides if kind == "O" else masters).append((uid, key, o))
    return combine(masters, overrides), problems


READERS = {
    "icalendar": lambda p, a, b: read_icalendar(p.read_bytes(), a, b),
    "recurring": lambda p, a, b: read_recurring(p.read_bytes(), a, b),
    "vobject": lambda p, a, b: read_vobject(p.read_bytes(), a, b),
    "khal": read_khal,
    "libical": read_libical,
}


def read(reader, path, start, end):
    """(occurrences in the window, problems the reader reported)."""
    occs, problems = READERS[reader](pathlib.Path(path), start, end)
    return finish(occs, start, end), problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reader", required=True, choices=sorted(READERS))
    ap.add_argument("file")
    ap.add_argument("--from", dest="start", default="2027-01-01")
    ap.add_argument("--to", dest="end", default="2029-01-01")
    ap.add_argument("--problems", action="store_true")
    a = ap.parse_args()
    occs, problems = read(a.reader, a.file, dt.date.fromisoformat(a.start), dt.date.fromisoformat(a.end))
    for p in problems:
        print(p, file=sys.stderr)
    json.dump({"occurrences": occs, "problems": problems} if a.problems else occs, sys.stdout, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
