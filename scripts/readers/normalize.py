"""What every reader shares: the normalized occurrence, the window, and (for readers that
expand one VEVENT at a time and leave the rest to their caller) RFC 5545's rules for putting
a series together: an override (a VEVENT with the series' UID and a RECURRENCE-ID) replaces
the master's instance it names, wherever it moves to.

A normalized occurrence: {"uid", "start", "end", "all_day", "status", "summary"}, start and
end UTC instants written `2027-03-16T21:00:00Z`, or dates `2027-06-01` for all-day events;
a missing STATUS is CONFIRMED.
"""
import datetime as dt

UTC = dt.timezone.utc
PAD = dt.timedelta(days=3)  # readers expand a little beyond the window, then cut exactly


def utc_text(t):
    """An aware datetime as `YYYY-MM-DDTHH:MM:SSZ`; a naive one is taken as UTC (floating)."""
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def moment_text(v):
    """A date or datetime value as the normalized text."""
    if isinstance(v, dt.datetime):
        return utc_text(v)
    return v.isoformat()


def occurrence(uid, start, end, status, summary):
    return {
        "uid": str(uid),
        "start": moment_text(start),
        "end": moment_text(end),
        "all_day": not isinstance(start, dt.datetime),
        "status": str(status or "CONFIRMED").upper(),
        "summary": str(summary or ""),
    }


def in_window(occ, start, end):
    """Whether an occurrence starts in [start, end): its start date (UTC for instants)."""
    day = dt.date.fromisoformat(occ["start"][:10])
    return start <= day < end


def window_arg(text):
    return dt.date.fromisoformat(text)


def combine(masters, overrides):
    """`masters`: (uid, key, occurrence) for each instance a master VEVENT expands to, `key`
    its RECURRENCE-ID value as normalized text (the instance's original start);
    `overrides`: the same for each VEVENT with a RECURRENCE-ID. Overrides replace the master
    instance with the same (uid, key); an override that names no instance is kept too
    (RFC 5545 lets RECURRENCE-ID add nothing, but a reader shows it)."""
    replaced = {(uid, key) for uid, key, _ in overrides}
    out = [occ for uid, key, occ in masters if (uid, key) not in replaced]
    out.extend(occ for _, _, occ in overrides)
    return out


def sort_key(o):
    return (o["uid"], o["start"], o["end"], o["status"], o["summary"])


def finish(occs, start, end):
    """Cut to the window, sort."""
    return sorted((o for o in occs if in_window(o, start, end)), key=sort_key)
