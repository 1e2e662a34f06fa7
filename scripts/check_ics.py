#!/usr/bin/env python3
"""Reads every .ics under a built site with two independent parsers (icalendar and
recurring-ical-events) and prints each occurrence in a window with its local time.

Usage: check_ics.py PUBLIC_DIR [--from 2026-01-01 --to 2028-01-01]
Exits non-zero if a feed fails to parse or expands to nothing where it should not.
"""
import argparse
import datetime
import pathlib
import sys

import icalendar
import recurring_ical_events


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("public")
    ap.add_argument("--from", dest="start", default="2026-01-01")
    ap.add_argument("--to", dest="end", default="2028-01-01")
    ap.add_argument("--show", action="store_true", help="print the site feed's occurrences")
    a = ap.parse_args()
    start = datetime.date.fromisoformat(a.start)
    end = datetime.date.fromisoformat(a.end)
    failures = 0
    feeds = sorted(pathlib.Path(a.public).rglob("*.ics"))
    for f in feeds:
        try:
            cal = icalendar.Calendar.from_ical(f.read_bytes())
            occ = recurring_ical_events.of(cal).between(start, end)
        except Exception as e:  # noqa: BLE001 - report every failure
            print(f"FAIL {f}: {e}")
            failures += 1
            continue
        if f.parent.name != "public" and "meetings" in f.parts and not list(cal.walk("VEVENT")):
            print(f"FAIL {f}: no VEVENT")
            failures += 1
        if a.show and f.name == "calendar.ics" and f.parent == pathlib.Path(a.public):
            for ev in sorted(occ, key=lambda e: str(e["DTSTART"].dt)):
                print(ev["DTSTART"].dt, ev.get("STATUS"), ev["SUMMARY"])
    print(f"{len(feeds)} feeds read by icalendar and recurring-ical-events, {failures} failed")
    sys.exit(1 if failures or not feeds else 0)


if __name__ == "__main__":
    main()
