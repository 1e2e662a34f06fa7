#!/usr/bin/env python3
"""The occurrences a site's meetings should have, computed from the source content alone.

Reads moot.toml and content/{groups,meetings}/**/*.md front matter of a site (never moot's
output, never moot's code) and expands every meeting with python-dateutil's rrule in the
meeting's zone (zoneinfo), following the content model (/work/shared/CONTENT-MODEL.md) and
RFC 5545:

- the zone is the meeting's `timezone`, else its (first) group's, else the site's;
- a series expands in wall-clock time; a wall time in a DST gap is placed with the offset in
  force before the gap (RFC 5545 3.3.5: 02:30 on a spring-forward day is 03:30 summer time);
  a wall time in a fold is the first (earlier) instant unless written with an offset;
- `duration` (default `default_duration`, else 2h) or `end`; a duration is elapsed time;
- all-day meetings are dates; `end` is the last day (inclusive), so the iCalendar end is the
  day after it;
- UNTIL as a date includes the whole of that day (in the meeting's zone); as a UTC time, the
  instant; DTSTART is always the first occurrence;
- `except` dates and ranges (`A..B`, inclusive) remove every occurrence on those dates;
- `sessions` entries change the one occurrence on their `date`: `start` (HH:MM, or date and
  time, in the meeting's zone, or RFC 3339), `duration`/`end` (else the series' duration),
  `title`, `status` (a cancelled session stays, with status CANCELLED).

Usage: expected.py SITE_DIR [--from 2027-01-01 --to 2029-01-01] [--pretty]
Prints a JSON list of occurrences {uid_path, uid, start, end, all_day, status, summary},
sorted (uid: moot's UID for the file, `meetings/2027/x@host`);
an occurrence is in the window when it starts in [from, to) (dates and UTC instants).
"""
import argparse
import datetime as dt
import json
import pathlib
import re
import sys
from zoneinfo import ZoneInfo

import yaml
from dateutil import rrule

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib

UTC = dt.timezone.utc
DEFAULT_FROM = "2027-01-01"
DEFAULT_TO = "2029-01-01"


def front_matter(path):
    text = path.read_text(encoding="utf-8")
    m = re.match(r"\A---\r?\n(.*?)\r?\n---\r?\n", text, re.S)
    if not m:
        raise SystemExit(f"{path}: no front matter")
    return yaml.safe_load(m.group(1)) or {}


def parse_duration(text):
    m = re.fullmatch(r"\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*", str(text))
    if not m or not (m.group(1) or m.group(2)):
        raise SystemExit(f"duration {text!r} not understood")
    return dt.timedelta(hours=int(m.group(1) or 0), minutes=int(m.group(2) or 0))


def place(wall, tz):
    """A naive wall time in `tz` as a UTC instant: gap -> offset before the gap, fold -> first."""
    first = wall.replace(tzinfo=tz, fold=0)
    back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if back != wall:
        # In a gap: the offset in force just before it (RFC 5545 3.3.5).
        before = (first.astimezone(UTC) - dt.timedelta(days=1)).astimezone(tz).utcoffset()
        return (wall - before).replace(tzinfo=UTC)
    # A fold: fold=0 is the earlier instant in zoneinfo.
    return first.astimezone(UTC)


class Moment:
    """A parsed `start`/`end`: a date, a wall time (naive), or an instant (aware)."""

    def __init__(self, text):
        s = str(text).strip()
        self.text = s
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            self.kind, self.value = "date", dt.date.fromisoformat(s)
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", s):
            self.kind, self.value = "wall", dt.datetime.fromisoformat(s.replace(" ", "T"))
        else:
            v = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
            if v.tzinfo is None:
                raise SystemExit(f"moment {s!r} not understood")
            self.kind, self.value = "instant", v

    def instant(self, tz):
        if self.kind == "instant":
            return self.value.astimezone(UTC)
        if self.kind == "wall":
            return place(self.value, tz)
        raise ValueError("a date has no instant")

    def wall(self, tz):
        if self.kind == "wall":
            return self.value
        if self.kind == "instant":
            return self.value.astimezone(tz).replace(tzinfo=None)
        return dt.datetime.combine(self.value, dt.time())


def parse_dates(items):
    """`except` values: dates and inclusive ranges A..B, as a set of dates."""
    out = set()
    for item in items or []:
        s = str(item).strip()
        if ".." in s:
            a, b = (dt.date.fromisoformat(x.strip()) for x in s.split(".."))
            while a <= b:
                out.add(a)
                a += dt.timedelta(days=1)
        else:
            out.add(dt.date.fromisoformat(s))
    return out


def split_rule(text):
    """The rule's parts, UNTIL taken out (handled here, as date or instant)."""
    parts = [p for p in str(text).strip().removeprefix("RRULE:").split(";") if p]
    until = None
    kept = []
    for p in parts:
        k, _, v = p.partition("=")
        if k.upper() == "UNTIL":
            until = v.strip()
        else:
            kept.append(f"{k.upper()}={v.strip()}")
    return ";".join(kept), until


class Site:
    def __init__(self, root):
        self.root = pathlib.Path(root)
        self.config = tomllib.loads((self.root / "moot.toml").read_text(encoding="utf-8"))
        self.host = re.sub(r"^[a-z]+://", "", self.config["base_url"]).split("/")[0].split(":")[0]
        self.tz_name = self.config["timezone"]
        self.default_duration = parse_duration(self.config.get("default_duration", "2h"))
        self.groups = {}
        for p in sorted((self.root / "content" / "groups").glob("**/*.md")):
            fm = front_matter(p)
            if fm.get("draft"):
                continue
            slug = fm.get("slug") or p.stem
            self.groups[slug] = fm
        self.meetings = []
        base = self.root / "content"
        for p in sorted((base / "meetings").glob("**/*.md")):
            fm = front_matter(p)
            if fm.get("draft"):
                continue
            self.meetings.append((p.relative_to(base).as_posix(), fm))

    def meeting_groups(self, fm):
        gs = fm.get("groups") or ([fm["group"]] if fm.get("group") else [])
        out = []
        for g in gs:
            g = str(g)
            out.append(g.split("/")[-1] if g not in self.groups else g)
        return out

    def zone_name(self, fm):
        if fm.get("timezone"):
            return fm["timezone"]
        for g in self.meeting_groups(fm):
            if self.groups.get(g, {}).get("timezone"):
                return self.groups[g]["timezone"]
        return self.tz_name


def status_of(value):
    return str(value or "confirmed").upper()


def expand_meeting(site, path, fm, horizon):
    """Every occurrence of one meeting (as dicts), up to `horizon` (a date) for open series."""
    tz = ZoneInfo(site.zone_name(fm))
    start = Moment(fm["start"])
    all_day = start.kind == "date"
    title = str(fm["title"])
    status = status_of(fm.get("status"))
    excepted = parse_dates(fm.get("except"))

    # Duration (elapsed time for timed meetings, days for all-day ones).
    if all_day:
        if fm.get("end"):
            days = (Moment(fm["end"]).value - start.value).days + 1
        elif fm.get("duration"):
            days = max(1, -(-parse_duration(fm["duration"]).days))
        else:
            days = 1
        span = dt.timedelta(days=days)
    elif fm.get("end"):
        span = Moment(fm["end"]).instant(tz) - start.instant(tz)
    elif fm.get("duration"):
        span = parse_duration(fm["duration"])
    else:
        span = site.default_duration

    # The series' wall times (dates for all-day), in order; DTSTART always first.
    first_wall = start.wall(tz)
    if fm.get("repeat"):
        rule_text, until = split_rule(fm["repeat"])
        rule = rrule.rrulestr(rule_text, dtstart=first_wall)
        m = re.search(r"(?:^|;)COUNT=(\d+)", rule_text)
        count = int(m.group(1)) if m else None
        walls = []
        stop_wall = dt.datetime.combine(horizon, dt.time()) + dt.timedelta(days=2)
        gen = iter(rule)
        candidates = [first_wall]
        for w in gen:
            if w == first_wall:
                continue
            candidates.append(w)
            if count is None and w > stop_wall:
                break
            if count is not None and len(candidates) >= count:
                break
        if count is not None:
            candidates = candidates[:count]
        for w in candidates:
            if until is not None:
                if until.upper().endswith("Z"):
                    u = dt.datetime.strptime(until.upper(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                    if all_day:
                        if w.date() > u.date():
                            break
                    elif place(w, tz) > u:
                        break
                else:
                    u_day = dt.datetime.strptime(until[:8], "%Y%m%d").date()
                    if len(until) > 8:  # a local date-time
                        if w > dt.datetime.strptime(until, "%Y%m%dT%H%M%S"):
                            break
                    elif w.date() > u_day:
                        break
            if count is None and until is None and w > stop_wall:
                break
            walls.append(w)
    else:
        walls = [first_wall]

    sessions = {}
    for s in fm.get("sessions") or []:
        sessions[dt.date.fromisoformat(str(s["date"]))] = s

    out = []
    for w in walls:
        day = w.date()
        if day in excepted:
            continue
        occ_status, occ_title = status, title
        s = sessions.get(day)
        if all_day:
            begin, finish = day, day + span
            if s:
                if s.get("start"):
                    begin = Moment(s["start"]).value
                if s.get("end"):
                    finish = Moment(s["end"]).value + dt.timedelta(days=1)
                else:
                    finish = begin + span
            rec = {"start": begin.isoformat(), "end": finish.isoformat(), "all_day": True}
        else:
            if start.kind == "instant" and not fm.get("repeat"):
                begin = start.instant(tz)
            else:
                begin = place(w, tz)
            occ_span = span
            if s:
                if s.get("start"):
                    st = str(s["start"]).strip()
                    if re.fullmatch(r"\d{1,2}:\d{2}", st):
                        h, mi = st.split(":")
                        begin = place(dt.datetime.combine(day, dt.time(int(h), int(mi))), tz)
                    else:
                        begin = Moment(st).instant(tz)
                if s.get("end"):
                    occ_span = Moment(s["end"]).instant(tz) - begin
                elif s.get("duration"):
                    occ_span = parse_duration(s["duration"])
            finish = begin + occ_span
            rec = {"start": utc_text(begin), "end": utc_text(finish), "all_day": False}
        if s:
            if s.get("status"):
                occ_status = status_of(s["status"])
            if s.get("title"):
                occ_title = str(s["title"])
        # moot's feeds title a cancelled event "Cancelled: …" (Google Calendar drops
        # STATUS:CANCELLED from subscriptions), as its README says.
        if occ_status == "CANCELLED":
            occ_title = "Cancelled: " + occ_title
        rec.update(uid_path=path, uid=uid_of(site, path, fm), status=occ_status, summary=occ_title)
        out.append(rec)
    return out


def slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def uid_of(site, path, fm):
    """moot's UID (src/render/ics.rs `uid`): the content path without `.md`, each part
    slugged, at the site's host."""
    parts = path.removesuffix(".md").split("/")
    if fm.get("slug"):
        parts[-1] = str(fm["slug"])
    return "/".join(slugify(p) for p in parts) + "@" + site.host


def utc_text(t):
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def in_window(occ, start, end):
    """Whether an occurrence starts in [start, end) (dates, midnight UTC for instants)."""
    s = occ["start"]
    day = dt.date.fromisoformat(s[:10])
    return start <= day < end


def sort_key(o):
    return (o["uid_path"], o["start"], o["end"], o["status"], o["summary"])


def expected(site_dir, start, end):
    site = Site(site_dir)
    out = []
    for path, fm in site.meetings:
        out.extend(o for o in expand_meeting(site, path, fm, end) if in_window(o, start, end))
    out.sort(key=sort_key)
    return site, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("site")
    ap.add_argument("--from", dest="start", default=DEFAULT_FROM)
    ap.add_argument("--to", dest="end", default=DEFAULT_TO)
    ap.add_argument("--pretty", action="store_true")
    a = ap.parse_args()
    _, occ = expected(a.site, dt.date.fromisoformat(a.start), dt.date.fromisoformat(a.end))
    json.dump(occ, sys.stdout, indent=1 if a.pretty else None, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
