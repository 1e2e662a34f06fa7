#!/usr/bin/env python3
"""Reads every .ics feed of a built moot site with every independent reader and compares
each reader's occurrences with the ones computed from the source content (expected.py).

Feeds: PUBLIC_DIR/calendar.ics (every meeting), PUBLIC_DIR/groups/SLUG/calendar.ics (the
meetings of that group, shared ones too) and PUBLIC_DIR/meetings/**/NAME.ics (that meeting).
A meeting of the fixture whose own feed is missing is a disagreement too, and so is a UID
in a feed that should not be there.

Readers: icalendar, recurring, vobject, khal, libical (read_py.py), icaljs, node-ical
(read_js.mjs). Disagreements are grouped: one row per (meeting, expected, got) with the
readers and feeds that showed it; --flat prints one row per reader and feed instead.
Problems a reader reports without disagreeing (libical's restriction checker, khal's
warnings) are listed after the table; they do not change the exit status.

A reader's own bug may be listed in KNOWN_READER_BUGS only with a proof: a control .ics
(controls/) with the same event written another correct way, which that reader reads right;
the proof is checked on every run, and an entry whose proof fails is reported, not applied.

Usage: compare.py PUBLIC_DIR --fixture tests/fixtures/calendar [--from 2027-01-01 --to 2029-01-01]
                  [--readers icaljs,libical,...] [--flat] [--jobs N]
Exit status: 0 all agree, 1 any disagreement, reader failure or problem a reader's checker reports.
"""
import argparse
import collections
import concurrent.futures
import datetime as dt
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import expected as expected_mod  # noqa: E402
import read_py  # noqa: E402
from normalize import finish  # noqa: E402

PY_READERS = ["icalendar", "recurring", "vobject", "khal", "libical"]
JS_READERS = ["icaljs", "node-ical"]
ALL_READERS = PY_READERS + JS_READERS

# Reader bugs, each proven by a pair of hand-written files in controls/: NAME.control.ics
# writes the events one correct way, which the reader reads right, and NAME.demo.ics another
# correct way (the way moot writes them), which it reads wrong; both must hold on every run
# (expected occurrences: NAME.control.expected.json, else NAME.expected.json; the same for
# the demo), or the entry is not applied. An entry explains only the disagreements it lists:
# (meeting, expected start, got start), or a shift of one meeting's every occurrence; each
# listed one is a case where moot's feed, read as RFC 5545 says, gives the expected
# occurrence, so the difference is the reader's alone.
FOLD_SINGLE = [("meetings/2027/fold-single", "2027-11-07T08:30:00Z", "2027-11-07T09:30:00Z")]
KNOWN_READER_BUGS = [
    *[{
        "reader": r,
        "what": "reads a wall time in a fall-back fold as the second (later) instant; RFC 5545 "
                "3.3.5 says the first",
        "controls": "fold",
        "explains": FOLD_SINGLE,
    } for r in ("icaljs", "khal", "libical", "node-ical")],
    *[{
        "reader": r,
        "what": "places a wall time in a spring-forward gap with the offset after the gap (02:30 "
                "-> 01:30 PST); RFC 5545 3.3.5 says the offset before it (03:30 PDT)",
        "controls": "gap",
        "explains": [("meetings/2027/gap-weekly", "2027-03-14T10:30:00Z", "2027-03-14T09:30:00Z")],
    } for r in ("icalendar", "icaljs", "vobject")],
    {
        "reader": "recurring",
        "what": "ends an instance whose start is in a spring-forward gap at start + the wall-clock "
                "length (so a 1h event has none); RFC 5545 3.8.5.3 keeps the exact duration",
        "controls": "gap",
        "explains": [("meetings/2027/gap-weekly", "2027-03-14T10:30:00Z", "2027-03-14T10:30:00Z")],
    },
    {
        "reader": "libical",
        "what": "after an RRULE instance in a spring-forward gap, keeps the shifted wall time "
                "(03:30) for the later instances",
        "controls": "gap",
        "explains": [("meetings/2027/gap-weekly", "2027-03-21T09:30:00Z", "2027-03-21T10:30:00Z")],
    },
    {
        "reader": "libical",
        "what": "does not match a RECURRENCE-ID in a spring-forward gap to the instance it "
                "overrides, so the override shows beside it",
        "controls": "gap-override",
        "explains": [("meetings/2027/gap-weekly", None, "2027-03-14T10:30:00Z")],
    },
    {
        "reader": "node-ical",
        "what": "drops an RRULE instance in a spring-forward gap and, with COUNT, adds one at the "
                "end instead",
        "controls": "gap",
        "explains": [("meetings/2027/gap-weekly", "2027-03-14T10:30:00Z", None),
                     ("meetings/2027/gap-weekly", None, "2027-03-28T09:30:00Z")],
    },
    {
        "reader": "recurring",
        "what": "with X-WR-TIMEZONE (not RFC 5545) set, re-expands a series written in the zone "
                "named UTC in that zone's wall time (x-wr-timezone's Google convention)",
        "controls": "x-wr-timezone",
        "explains": [{"uid": "meetings/2027/monthday-15", "shift": -3600}],
    },
    {
        "reader": "recurring",
        "what": "with X-WR-TIMEZONE (not RFC 5545) set, turns times written in UTC into that "
                "zone's wall time and back, so a time in its fall-back hour becomes the first "
                "of the two (x-wr-timezone's Google convention)",
        "controls": "x-wr-timezone-fold",
        "explains": [("meetings/2027/fold-hour", "2027-11-07T08:30:00Z", "2027-11-07T08:30:00Z"),
                     ("meetings/2027/fold-offset", "2027-11-07T09:30:00Z", "2027-11-07T08:30:00Z"),
                     ("meetings/2028/sydney-fold", "2028-04-01T15:30:00Z", "2028-04-01T15:30:00Z")],
    },
    {
        "reader": "vobject",
        "what": "takes a VTIMEZONE whose observances start after 2020 for UTC (its tzinfo_eq looks "
                "at 2000-2020), ignores it and expands with pytz's fixed DTSTART offset",
        "controls": "london-vtimezone",
        "explains": [{"uid": "meetings/2027/open-weekly", "shift": 3600},
                     {"uid": "meetings/2027/until-date", "shift": -3600}],
    },
]


def occ_key(o):
    return (o["uid"], o["start"], o["end"], bool(o["all_day"]), o["status"], o["summary"])


def show(o):
    if o is None:
        return "-"
    s, e = o["start"], o["end"]
    if not o["all_day"] and s[:10] == e[:10]:
        e = e[11:]
    text = f"{s} .. {e}"
    if o["status"] != "CONFIRMED":
        text += f" {o['status']}"
    return text


def run_reader(reader, feed, start, end):
    """(occurrences, problems, error text or None)."""
    try:
        if reader in JS_READERS:
            node = shutil.which("node") or "node"
            r = subprocess.run([node, str(HERE / "read_js.mjs"), "--reader", reader, str(feed),
                                "--from", start.isoformat(), "--to", end.isoformat()],
                               capture_output=True, text=True, timeout=300, check=False)
            if r.returncode != 0:
                return [], [], (r.stderr.strip() or f"exit {r.returncode}")[-800:]
            return json.loads(r.stdout), [l for l in r.stderr.splitlines() if l.strip()], None
        if reader in ("khal", "libical"):
            occ, problems = read_py.read(reader, feed, start, end)
            return occ, problems, None
        # in-process readers run in a child too, so that one that hangs or crashes the
        # interpreter is one failure, not the end of the comparison
        r = subprocess.run([sys.executable, str(HERE / "read_py.py"), "--reader", reader, str(feed),
                            "--from", start.isoformat(), "--to", end.isoformat(), "--problems"],
                           capture_output=True, text=True, timeout=300, check=False)
        if r.returncode != 0:
            return [], [], (r.stderr.strip() or f"exit {r.returncode}")[-800:]
        data = json.loads(r.stdout)
        return data["occurrences"], data["problems"], None
    except Exception as e:  # noqa: BLE001 - every failure is reported
        return [], [], f"{type(e).__name__}: {e}"


def feeds_of(public, site, expected):
    """[(feed path, label, set of UIDs it should hold)]."""
    by_uid = collections.defaultdict(list)
    for o in expected:
        by_uid[o["uid"]].append(o)
    meeting_uids = {}
    groups_of = {}
    for path, fm in site.meetings:
        uid = expected_mod.uid_of(site, path, fm)
        meeting_uids[uid] = path
        groups_of[uid] = set(site.meeting_groups(fm))
    out = []
    for f in sorted(public.rglob("*.ics")):
        rel = f.relative_to(public).as_posix()
        parts = rel.split("/")
        if rel == "calendar.ics":
            want = set(meeting_uids)
        elif len(parts) == 3 and parts[0] == "groups" and parts[2] == "calendar.ics":
            want = {u for u, g in groups_of.items() if parts[1] in g}
        elif parts[0] == "meetings":
            want = {rel.removesuffix(".ics") + "@" + site.host}
        else:
            want = None  # not a feed this harness knows: read, compared with nothing
        out.append((f, rel, want))
    return out, meeting_uids


def pair(missing, extra):
    """Pairs each expected-but-missing occurrence with the nearest unexplained one the
    reader gave instead (same UID), so a shifted time reads as one row."""
    rows = []
    extra = sorted(extra, key=lambda o: o["start"])
    for m in sorted(missing, key=lambda o: o["start"]):
        best = None
        for i, x in enumerate(extra):
            d = abs(_instant(x["start"]) - _instant(m["start"]))
            if d <= 2 * 86400 and (best is None or d < best[0]):
                best = (d, i)
        if best is not None:
            rows.append((m, extra.pop(best[1])))
        else:
            rows.append((m, None))
    rows.extend((None, x) for x in extra)
    return rows


def _instant(text):
    if len(text) == 10:
        return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc).timestamp()
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _control_expected(name, kind):
    specific = HERE / "controls" / f"{name}.{kind}.expected.json"
    return json.loads((specific if specific.exists() else HERE / "controls" / f"{name}.expected.json").read_text())


def check_proofs(readers):
    """(entries whose proof holds, [(entry, why not)]). Controls are read in their own
    window, whatever the comparison's."""
    start, end = dt.date(2027, 1, 1), dt.date(2029, 1, 1)
    proven, failed = [], []
    cache = {}
    for bug in KNOWN_READER_BUGS:
        if bug["reader"] not in readers:
            continue
        verdict = {}
        for kind in ("control", "demo"):
            key = (bug["reader"], bug["controls"], kind)
            if key not in cache:
                occ, _, err = run_reader(bug["reader"], HERE / "controls" / f"{bug['controls']}.{kind}.ics", start, end)
                want = sorted(map(occ_key, _control_expected(bug["controls"], kind)))
                cache[key] = "error: " + err if err else (sorted(map(occ_key, occ)) == want)
            verdict[kind] = cache[key]
        if verdict["control"] is True and verdict["demo"] is False:
            proven.append(bug)
        else:
            failed.append((bug, f"control read right: {verdict['control']}, demo read wrong: "
                                f"{verdict['demo'] is False}"))
    return proven, failed


def explains(bug, uid, m, x):
    path = uid.split("@")[0]
    for e in bug["explains"]:
        if isinstance(e, dict):
            if e["uid"] == path and m and x and _instant(x["start"]) - _instant(m["start"]) == e["shift"] \
                    and _instant(x["end"]) - _instant(m["end"]) == e["shift"]:
                return True
        elif e == (path, m and m["start"], x and x["start"]):
            return True
    return False


def delta(a, b):
    d = int(_instant(b) - _instant(a))
    if d == 0:
        return "0"
    sign, d = ("+" if d > 0 else "-"), abs(d)
    parts = [f"{d // 86400}d" if d >= 86400 else "", f"{d % 86400 // 3600}h" if d % 86400 >= 3600 else "",
             f"{d % 3600 // 60}m" if d % 3600 else ""]
    return sign + "".join(parts)


def shape(m, x):
    if m is None:
        return "extra (not expected)"
    if x is None:
        return "missing"
    bits = [f"start {delta(m['start'], x['start'])}", f"end {delta(m['end'], x['end'])}"]
    if m["status"] != x["status"]:
        bits.append(f"status {x['status']}")
    if m["summary"] != x["summary"]:
        bits.append(f"summary {x['summary']!r}")
    return ", ".join(bits)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("public")
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--from", dest="start", default=expected_mod.DEFAULT_FROM)
    ap.add_argument("--to", dest="end", default=expected_mod.DEFAULT_TO)
    ap.add_argument("--readers", default=",".join(ALL_READERS),
                    help=f"comma-separated subset of {','.join(ALL_READERS)}")
    ap.add_argument("--flat", action="store_true", help="one row per reader and feed")
    ap.add_argument("--jobs", type=int, default=max(2, (os.cpu_count() or 2) * 2))
    a = ap.parse_args()
    t0 = time.monotonic()
    readers = [r.strip() for r in a.readers.split(",") if r.strip()]
    unknown = [r for r in readers if r not in ALL_READERS]
    if unknown:
        ap.error(f"unknown readers {unknown}; choose from {ALL_READERS}")
    start, end = dt.date.fromisoformat(a.start), dt.date.fromisoformat(a.end)
    public = pathlib.Path(a.public)
    site, expected = expected_mod.expected(a.fixture, start, end)
    by_uid = collections.defaultdict(list)
    for o in expected:
        by_uid[o["uid"]].append(o)
    feeds, meeting_uids = feeds_of(public, site, expected)
    if not feeds:
        print(f"no .ics under {public}")
        return 1

    have = {rel for _, rel, _ in feeds}
    not_built = {uid for uid in meeting_uids if uid.split("@")[0] + ".ics" not in have}
    feeds = [(f, rel, want - not_built if want is not None and not rel.startswith("meetings/") else want)
             for f, rel, want in feeds]
    proven, failed_proofs = check_proofs(readers)
    explained = collections.Counter()

    jobs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        for f, rel, want in feeds:
            for r in readers:
                jobs[(r, rel)] = pool.submit(run_reader, r, f, start, end)
    rows = []        # (reader, feed, uid, expected occ or None, got occ or None, note)
    problems = collections.defaultdict(set)  # text -> {(reader, feed)}
    counted = 0
    for f, rel, want in feeds:
        for r in readers:
            occ, probs, err = jobs[(r, rel)].result()
            for p in probs:
                problems[p].add((r, rel))
            if err is not None:
                rows.append((r, rel, "-", None, None, f"reader failed: {err.splitlines()[-1] if err else ''}"))
                continue
            occ = finish(occ, start, end)
            counted += len(occ)
            if want is None:
                continue
            got = collections.defaultdict(list)
            for o in occ:
                got[o["uid"]].append(o)
            for uid in sorted(set(got) | want):
                exp = by_uid.get(uid, []) if uid in want else []
                g = got.get(uid, [])
                ce = collections.Counter(map(occ_key, exp))
                cg = collections.Counter(map(occ_key, g))
                if ce == cg:
                    continue
                missing = [o for o in exp if _take(ce, cg, o)]
                extra = [o for o in g if _take(cg, collections.Counter(map(occ_key, exp)), o)]
                if uid not in want:
                    rows.append((r, rel, uid, None, None, f"UID should not be in this feed ({len(g)} occurrences)"))
                    continue
                for m, x in pair(missing, extra):
                    bug = next((b for b in proven if b["reader"] == r and explains(b, uid, m, x)), None)
                    if bug is not None:
                        explained[id(bug)] += 1
                        continue
                    rows.append((r, rel, uid, m, x, ""))
    # a meeting whose own feed is missing: one row (it is left out of the other feeds' lists)
    for uid in sorted(not_built):
        n = len(by_uid.get(uid, []))
        rows.append(("-", uid.split("@")[0] + ".ics", uid, None, None,
                     f"not built: {meeting_uids[uid]} has no feed in {public} ({n} occurrences expected)"))

    print(f"expected: {len(expected)} occurrences of {len(by_uid)} meetings in [{start}, {end}) "
          f"from {a.fixture}; {len(feeds)} feeds x {len(readers)} readers ({', '.join(readers)}); "
          f"{counted} occurrences read")
    if failed_proofs:
        print("\nKNOWN_READER_BUGS entries NOT applied (their proof failed this run):")
        for bug, why in failed_proofs:
            print(f"  {bug['reader']}: {bug['what']} [controls/{bug['controls']}.*: {why}]")
    if proven:
        print("\nreader bugs proven this run (controls/NAME.control.ics read right, NAME.demo.ics wrong);"
              " the disagreements they explain are not counted:")
        for bug in proven:
            print(f"  {bug['reader']:9} {bug['what']} [controls/{bug['controls']}; explains {explained[id(bug)]}]")

    if not rows:
        print("\nno disagreements")
    elif a.flat:
        print(f"\n{len(rows)} disagreements:")
        w = max(len(r[1]) for r in rows)
        for r, rel, uid, m, x, note in sorted(rows, key=lambda t: (t[2], t[0], t[1], show(t[3]))):
            text = note or f"expected {show(m):44} got {show(x)}"
            print(f"  {r:10} {rel:{w}} {uid.split('@')[0]:34} {text}")
    else:
        # one line per (meeting, kind of difference, readers, feeds): a run of occurrences
        # that differ the same way for the same readers in the same feeds
        per_occ = collections.defaultdict(lambda: collections.defaultdict(set))
        for r, rel, uid, m, x, note in rows:
            per_occ[(uid, note, json.dumps(m, sort_keys=True), json.dumps(x, sort_keys=True))][r].add(rel)
        runs = collections.defaultdict(list)
        for (uid, note, mj, xj), feeds_by_reader in per_occ.items():
            m, x = json.loads(mj), json.loads(xj)
            # readers that showed it in the same feeds, together
            by_feeds = collections.defaultdict(list)
            for r, fs in feeds_by_reader.items():
                by_feeds[tuple(sorted(fs))].append(r)
            who = "; ".join(
                f"{','.join(sorted(rs))}: {len(fs)} feeds" if len(fs) > 2 else f"{','.join(sorted(rs))}: {', '.join(fs)}"
                for fs, rs in sorted(by_feeds.items(), key=lambda kv: sorted(kv[1])))
            runs[(uid, note or shape(m, x), who)].append((m, x))
        print(f"\n{len(rows)} disagreements (reader x feed x occurrence), in {len(runs)} groups:")
        last = None
        for (uid, what, who), occs in sorted(runs.items(), key=lambda kv: (kv[0][0], min(show(m or x) for m, x in kv[1]), kv[0][2])):
            if uid != last:
                print(f"\n  {uid.split('@')[0]}")
                last = uid
            occs.sort(key=lambda mx: (mx[0] or mx[1] or {"start": ""})["start"])
            if len(occs) == 1:
                m, x = occs[0]
                text = what if (m is None and x is None) else f"expected {show(m)}  got {show(x)}"
            else:
                first, lastocc = (occs[0][0] or occs[0][1]), (occs[-1][0] or occs[-1][1])
                text = f"{len(occs)} occurrences {first['start'][:10]} .. {lastocc['start'][:10]}: {what}"
            print(f"    {text}" + ("" if who.startswith("-:") else f"\n        [{who}]"))
    if problems:
        print("\nproblems the readers reported (libical's restriction checker: RFC 5545/5546 rules):")
        merged = collections.defaultdict(lambda: (set(), set(), set()))
        for p, where in problems.items():
            m = re.search(r" (\S+@\S+):", p)
            text = p.replace(m.group(0), " <UID>:") if m else p
            merged[text][0].update(r for r, _ in where)
            merged[text][1].update(f for _, f in where)
            if m:
                merged[text][2].add(m.group(1))
        for text, (rs, fs, uids) in sorted(merged.items()):
            many = f", {len(uids)} UIDs" if uids else ""
            print(f"  {text}  [{','.join(sorted(rs))}; {len(fs)} feeds{many}]")
    print(f"\n{time.monotonic() - t0:.1f} s")
    return 1 if rows or problems else 0


def _take(have, other, o):
    """Whether `o` (counted in `have`) is one too many compared with `other`; consumes it."""
    k = occ_key(o)
    if have[k] > other.get(k, 0):
        have[k] -= 1
        return True
    return False


if __name__ == "__main__":
    sys.exit(main())
