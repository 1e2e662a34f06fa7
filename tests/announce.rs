//! `moot announce`: the whole message for a meeting and for a changed session of a series
//! (byte snapshots), read back by Python's `email` (policy=default) and `icalendar`; the
//! choice of session; every error with its whole text; and the "Announce" link of the
//! meeting pages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// 2026-11-25 12:00 UTC, the "now" of every run.
const NOW: &str = "1795608000";

const CONFIG: &str = "title = \"Bay Circles\"\nbase_url = \"https://learn.example.org\"\n\
                      timezone = \"America/Los_Angeles\"\n";

const ALMA: &str = "---\ntitle: \"Alma Circle — Catalogers\"\ncontact: \"alma@example.org\"\n\
                    mailing_list: \"alma-list@lists.example.org\"\n---\nWe catalog.\n";

const NORMALIZATION: &str = r#"---
title: "Normalization rules, hands on"
summary: "Writing and testing normalization rules in the sandbox."
group: alma
start: "2026-12-03 14:00"
duration: "2h"
location: "Main Library, Room 204"
online: "https://meet.example.org/alma"
leader: "Ana Ruiz"
co_leaders: ["Ben Ito", "Chloé Martin"]
signup: "https://forms.example.org/alma"
ce_hours: 1.5
ce_category: "Cataloging"
---
Bring a laptop with sandbox access.

We will write three rules together, and test each one on a set of records.
"#;

const LAB: &str = r#"---
title: "Sets and jobs lab"
groups: [quiet, alma]
start: "2027-01-07 10:00"
duration: "90m"
repeat: "FREQ=WEEKLY;COUNT=6"
except: ["2027-01-21"]
location: "Room 5"
leader: "Ana Ruiz"
ce_hours: 2
sessions:
  - date: "2027-01-14"
    start: "2027-01-15 11:00"
    leader: "Elif Kaya"
    ce_hours: 1
    ce_category: "Systems"
    note: "Moved a day: the all-staff meeting is on Thursday."
  - date: "2027-01-28"
    status: cancelled
---
Hands-on with sets and jobs.
"#;

/// The fixture: a group with a mailing list, one without, one whose list is a web page; a
/// meeting, a series with changed sessions, a past meeting, and meetings no list can reach.
fn fixture() -> tempfile::TempDir {
    site(&[
        ("moot.toml", CONFIG),
        ("content/groups/alma.md", ALMA),
        ("content/groups/quiet.md", "---\ntitle: \"Quiet Readers\"\n---\nA book club.\n"),
        ("content/groups/web.md", "---\ntitle: \"Web List\"\nmailing_list: \"https://lists.example.org/web\"\n---\n"),
        ("content/meetings/2026/normalization.md", NORMALIZATION),
        ("content/meetings/2027/lab.md", LAB),
        ("content/meetings/2026/past.md", "---\ntitle: \"Last year\"\ngroup: alma\nstart: \"2026-01-08 14:00\"\n---\n"),
        (
            "content/meetings/2027/unlisted.md",
            "---\ntitle: \"Readers' night\"\ngroups: [quiet, web]\nstart: \"2027-02-04 18:00\"\n---\n",
        ),
        ("content/groups/intl.md", "---\ntitle: \"Bücher\"\nmailing_list: \"liste@bücher.example\"\n---\n"),
        ("content/meetings/2027/buch.md", "---\ntitle: \"Lesen\"\ngroup: intl\nstart: \"2027-02-18 18:00\"\n---\n"),
        ("content/meetings/2027/loose.md", "---\ntitle: \"Open day\"\nstart: \"2027-03-04\"\n---\n"),
        (
            "content/meetings/2027/off.md",
            "---\ntitle: \"Called off\"\ngroup: alma\nstart: \"2027-02-11 14:00\"\nstatus: cancelled\n---\n",
        ),
    ])
}

/// Writes a site from (path, text) pairs, each file last modified at 2026-11-20 09:00 UTC
/// (without git, a meeting's LAST-MODIFIED is its file's time: the snapshots hold it).
fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let when = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_795_165_200);
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        std::fs::File::options().write(true).open(&p).unwrap().set_modified(when).unwrap();
    }
    dir
}

fn moot(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_moot")).args(args).current_dir(cwd).env("SOURCE_DATE_EPOCH", NOW).output().unwrap()
}

/// The message `moot announce ARGS` prints, which must succeed with nothing on stderr.
fn announce(cwd: &Path, args: &[&str]) -> String {
    let out = moot(cwd, &[&["announce"], args].concat());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "moot announce {args:?} failed:\n{stderr}");
    assert_eq!(stderr, "", "no warnings");
    String::from_utf8(out.stdout).expect("the message is UTF-8 (and in fact ASCII)")
}

/// What `moot announce ARGS` says on stderr; it must fail with nothing on stdout.
fn refused(cwd: &Path, args: &[&str]) -> String {
    let out = moot(cwd, &[&["announce"], args].concat());
    assert!(!out.status.success(), "moot announce {args:?} succeeded");
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The message compared with its snapshot, byte for byte. UPDATE_SNAPSHOTS=1 rewrites it
/// after a change you have checked by hand.
fn snapshot(name: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, got).unwrap();
    }
    let want = std::fs::read_to_string(&path).expect("snapshot missing: run with UPDATE_SNAPSHOTS=1");
    assert_eq!(got, want, "{name} differs from its snapshot");
}

/// What every message must be: ASCII, CRLF line ends only, lines of at most 78 characters
/// (quoted-printable and base64 ones 76), no line that `sendmail -t` would take for the end
/// (a lone `.`) or mbox for a new message (`From `).
fn well_formed(message: &str) {
    assert!(message.is_ascii(), "a 7-bit message");
    assert!(message.ends_with("\r\n"));
    let lines: Vec<&str> = message[..message.len() - 2].split("\r\n").collect();
    assert!(lines.iter().any(|l| l.is_empty()), "a blank line ends the header");
    for (i, l) in lines.iter().enumerate() {
        assert!(!l.contains(['\r', '\n']), "a bare CR or LF in line {i}: {l:?}");
        assert!(l.len() <= 78, "line {i} is {} long: {l:?}", l.len());
        assert!(*l != "." && !l.starts_with("From "), "line {i}: {l:?}");
    }
}

#[test]
fn the_whole_message_of_a_meeting() {
    let s = fixture();
    let message = announce(s.path(), &["content/meetings/2026/normalization.md"]);
    well_formed(&message);
    // The headers, as a reader sees them before any decoding.
    assert!(message.starts_with(
        "From: =?UTF-8?Q?Alma_Circle_=E2=80=94_Catalogers?= <alma@example.org>\r\n\
         To: alma-list@lists.example.org\r\n\
         Subject: Meeting: Normalization rules, hands on =?UTF-8?Q?=E2=80=94?= Thu 3\r\n \
         Dec 2026, =?UTF-8?Q?14=3A00=E2=80=9316=3A00?= PST\r\n\
         Date: Wed, 25 Nov 2026 04:00:00 -0800\r\n\
         Message-ID: <2026-12-03.meetings.2026.normalization@learn.example.org>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"=_moot_mixed_"
    ));
    snapshot("announce-meeting.eml", &message);
    // The same bytes into a file with --out, which says what it wrote.
    let out = moot(s.path(), &["announce", "content/meetings/2026/normalization.md", "--out", "n.eml"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(s.path().join("n.eml")).unwrap(), message);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "wrote n.eml: \"Meeting: Normalization rules, hands on — Thu 3 Dec 2026, 14:00–16:00 PST\" \
         to alma-list@lists.example.org\n"
    );
    // The same from another folder, with --root and a path inside the site or from here.
    let parent = s.path().parent().unwrap();
    let name = s.path().file_name().unwrap().to_str().unwrap();
    let inside = announce(parent, &["--root", name, "content/meetings/2026/normalization.md"]);
    let from_here = announce(parent, &["--root", name, &format!("{name}/content/meetings/2026/normalization.md")]);
    assert_eq!((inside.as_str(), from_here.as_str()), (message.as_str(), message.as_str()));
    python_check(
        &message,
        &serde_json::json!({
            "from": ["Alma Circle — Catalogers", "alma@example.org"],
            "to": "alma-list@lists.example.org",
            "subject": "Meeting: Normalization rules, hands on — Thu 3 Dec 2026, 14:00–16:00 PST",
            "message_id": "<2026-12-03.meetings.2026.normalization@learn.example.org>",
            "text": [
                "Normalization rules, hands on\n\nWriting and testing normalization rules in the sandbox.\n\n",
                "\nWhen: Thu 3 Dec 2026, 14:00–16:00 PST\n",
                "\nWhere: Main Library, Room 204\n",
                "\nOnline: https://meet.example.org/alma\n",
                "\nLeader: Ana Ruiz\n",
                "\nCo-leaders: Ben Ito, Chloé Martin\n",
                "\nCE: 1.5 CE hours (Cataloging)\n",
                "\nSign up: https://forms.example.org/alma\n",
                "\nPage: https://learn.example.org/meetings/2026/normalization/\n",
                "\nCalendar: https://learn.example.org/meetings/2026/normalization.ics\n",
                "\nBring a laptop with sandbox access.\n\nWe will write three rules together",
            ],
            "html": [
                "<h1 style=\"font-size: 1.4em;\">Normalization rules, hands on</h1>",
                "<td><a href=\"https://forms.example.org/alma\">https://forms.example.org/alma</a></td>",
                "<td>Ben Ito, Chloé Martin</td>",
            ],
            "ics_name": "normalization.ics",
            "events": [{
                "uid": "meetings/2026/normalization@learn.example.org",
                "summary": "Normalization rules, hands on",
                "start": "2026-12-03 14:00:00-08:00",
                "recurrence_id": null,
            }],
        }),
    );
}

#[test]
fn a_changed_session_of_a_series() {
    let s = fixture();
    let message = announce(s.path(), &["content/meetings/2027/lab.md", "--session", "2027-01-14"]);
    well_formed(&message);
    snapshot("announce-session.eml", &message);
    python_check(
        &message,
        &serde_json::json!({
            // The first group has no list: the second's is used, with its contact as sender.
            "from": ["Alma Circle — Catalogers", "alma@example.org"],
            "to": "alma-list@lists.example.org",
            "subject": "Meeting: Sets and jobs lab — Fri 15 Jan 2027, 11:00–12:30 PST",
            "message_id": "<2027-01-14.meetings.2027.lab@learn.example.org>",
            "text": [
                "\nWhen: Fri 15 Jan 2027, 11:00–12:30 PST (moved from Thu 14 Jan, 10:00)\n",
                "\nRepeats: every week, 6 times\n",
                "\nWhere: Room 5\n",
                "\nLeader: Elif Kaya\n",
                "\nCE: 1 CE hour (Systems)\n",
                "\nMoved a day: the all-staff meeting is on Thursday.\n",
                "\nHands-on with sets and jobs.\n",
            ],
            "html": ["<td>Fri 15 Jan 2027, 11:00–12:30 PST (moved from Thu 14 Jan, 10:00)</td>"],
            "ics_name": "lab.ics",
            // The meeting's own feed: the series, and its changed sessions as overrides.
            "events": [
                {"uid": "meetings/2027/lab@learn.example.org", "summary": "Sets and jobs lab",
                 "start": "2027-01-07 10:00:00-08:00", "recurrence_id": null},
                {"uid": "meetings/2027/lab@learn.example.org", "summary": "Sets and jobs lab",
                 "start": "2027-01-15 11:00:00-08:00", "recurrence_id": "2027-01-14 10:00:00-08:00"},
                {"uid": "meetings/2027/lab@learn.example.org", "summary": "Cancelled: Sets and jobs lab",
                 "start": "2027-01-28 10:00:00-08:00", "recurrence_id": "2027-01-28 10:00:00-08:00"},
            ],
        }),
    );
}

/// The .ics attached is the meeting's own feed, as the build writes it, with only METHOD and
/// ORGANIZER added.
#[test]
fn the_attachment_is_the_built_feed_with_method_and_organizer() {
    let s = fixture();
    let built = moot(s.path(), &["build"]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let feed = std::fs::read_to_string(s.path().join("public/meetings/2027/lab.ics")).unwrap();
    let message = announce(s.path(), &["content/meetings/2027/lab.md"]);
    let attached = attachment(&message);
    let organizer = "ORGANIZER;CN=\"Alma Circle — Catalogers\":mailto:alma@example.org\r\n";
    let mut folded = String::new();
    moot::render::ics::line(&mut folded, "ORGANIZER;CN=\"Alma Circle — Catalogers\"", "mailto:alma@example.org");
    assert_eq!(folded, organizer);
    let want = feed
        .replace("CALSCALE:GREGORIAN\r\n", "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n")
        .replace("DTSTAMP:20261125T120000Z\r\n", &format!("DTSTAMP:20261125T120000Z\r\n{folded}"));
    assert_eq!(attached, want);
    assert_eq!(attached.matches("ORGANIZER").count(), 3, "on the series and on each of its two overrides");
}

/// A feed that is all ASCII goes as it is (7bit), its lines being 75 octets at most; so does
/// a message with nothing but ASCII, whose headers then hold no encoded words.
#[test]
fn an_ascii_feed_is_attached_as_it_is() {
    let s = site(&[
        ("moot.toml", CONFIG),
        (
            "content/groups/plain.md",
            "---\ntitle: \"Plain Readers\"\nmailing_list: \"mailto:plain@lists.example.org\"\n---\n",
        ),
        ("content/meetings/2027/talk.md", "---\ntitle: \"A talk\"\ngroup: plain\nstart: \"2027-01-12\"\n---\n"),
    ]);
    let built = moot(s.path(), &["build"]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let feed = std::fs::read_to_string(s.path().join("public/meetings/2027/talk.ics")).unwrap();
    let message = announce(s.path(), &["content/meetings/2027/talk.md"]);
    well_formed(&message);
    // No contact: the list is the sender and the organiser.
    assert!(message.starts_with(
        "From: Plain Readers <plain@lists.example.org>\r\nTo: plain@lists.example.org\r\n\
         Subject: Meeting: A talk =?UTF-8?Q?=E2=80=94?= Tue 12 Jan 2027 (all day)\r\n"
    ));
    assert!(message
        .contains("Content-Disposition: attachment; filename=\"talk.ics\"\r\nContent-Transfer-Encoding: 7bit\r\n"));
    let want = feed.replace("CALSCALE:GREGORIAN\r\n", "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n").replace(
        "DTSTAMP:20261125T120000Z\r\n",
        "DTSTAMP:20261125T120000Z\r\nORGANIZER;CN=\"Plain Readers\":mailto:plain@lists.example.org\r\n",
    );
    assert_eq!(attachment(&message), want);
}

/// The attachment of a message, decoded (base64, or as it is).
fn attachment(message: &str) -> String {
    let part = message.split("Content-Type: text/calendar").nth(1).expect("a calendar part");
    let (head, body) = part.split_once("\r\n\r\n").unwrap();
    // The CRLF before a boundary belongs to the boundary (RFC 2046 5.1.1).
    let body = &body[..body.find("\r\n--=_moot_mixed_").unwrap()];
    if head.contains("Content-Transfer-Encoding: base64") {
        String::from_utf8(base64_decode(&body.replace("\r\n", ""))).unwrap()
    } else {
        body.to_string()
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let mut out = Vec::new();
    for chunk in text.as_bytes().chunks(4) {
        let n = chunk.iter().filter(|&&c| c != b'=').fold(0u32, |n, &c| n << 6 | u32::from(value(c)));
        let bytes = chunk.iter().filter(|&&c| c != b'=').count() * 6 / 8;
        let n = n << (6 * (4 - chunk.iter().filter(|&&c| c != b'=').count()));
        out.extend((0..bytes).map(|i| (n >> (16 - 8 * i)) as u8));
    }
    out
}

/// Reads the message with Python's `email` (policy=default: headers decoded, parts parsed)
/// and its attachment with `icalendar`, against what `want` says. Skipped, saying so, only
/// where there is no python3.
fn python_check(message: &str, want: &serde_json::Value) {
    const SCRIPT: &str = r#"
import email, email.policy, json, sys
import icalendar
raw = open(sys.argv[1], 'rb').read()
want = json.loads(sys.argv[2])
msg = email.message_from_bytes(raw, policy=email.policy.default)
assert not msg.defects, msg.defects
sender = msg['From'].addresses[0]
assert [sender.display_name, sender.addr_spec] == want['from'], msg['From']
assert str(msg['To']) == want['to'], msg['To']
assert str(msg['Subject']) == want['subject'], repr(str(msg['Subject']))
assert str(msg['Message-ID']) == want['message_id'], msg['Message-ID']
assert msg['MIME-Version'] == '1.0'
assert msg['Date'].datetime.isoformat() == '2026-11-25T04:00:00-08:00', msg['Date']
types = [p.get_content_type() for p in msg.walk()]
assert types == ['multipart/mixed', 'multipart/alternative', 'text/plain', 'text/html', 'text/calendar'], types
parts = {p.get_content_type(): p for p in msg.walk()}
for kind in ('text/plain', 'text/html', 'text/calendar'):
    assert parts[kind].get_content_charset() == 'utf-8', kind
    for d in parts[kind].defects:
        raise AssertionError((kind, d))
# The message's CRLF line ends are kept by get_content(); compare by lines.
text = parts['text/plain'].get_content().replace('\r\n', '\n')
for needle in want['text']:
    assert needle in text, (needle, text)
html = parts['text/html'].get_content().replace('\r\n', '\n')
for needle in want['html']:
    assert needle in html, (needle, html)
cal = parts['text/calendar']
assert cal.get_param('method') == 'PUBLISH', cal['Content-Type']
assert cal.get_filename() == want['ics_name'] and cal.get_content_disposition() == 'attachment'
ics = icalendar.Calendar.from_ical(cal.get_content())
assert ics['METHOD'] == 'PUBLISH' and ics['VERSION'] == '2.0'
events = []
for ev in ics.walk('VEVENT'):
    assert str(ev['ORGANIZER']) == 'mailto:alma@example.org', ev['ORGANIZER']
    assert ev['ORGANIZER'].params['CN'] == 'Alma Circle — Catalogers'
    rid = ev.get('RECURRENCE-ID')
    events.append({'uid': str(ev['UID']), 'summary': str(ev['SUMMARY']), 'start': str(ev.decoded('DTSTART')),
                   'recurrence_id': None if rid is None else str(ev.decoded('RECURRENCE-ID'))})
assert events == want['events'], events
print('ok')
"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("message.eml");
    std::fs::write(&path, message).unwrap();
    let run = Command::new("python3").arg("-c").arg(SCRIPT).arg(&path).arg(want.to_string()).output();
    match run {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("SKIPPED the Python check of the message: there is no python3 on this machine");
        }
        Err(e) => panic!("cannot run python3: {e}"),
        Ok(out) => assert!(
            out.status.success() && out.stdout == b"ok\n",
            "Python's email and icalendar do not read the message as expected:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

#[test]
fn the_session_is_the_next_that_takes_place_or_the_one_named() {
    let s = fixture();
    let subject = |args: &[&str]| {
        let m = announce(s.path(), args);
        let unfolded = m.split("\r\n\r\n").next().unwrap().replace("\r\n ", " ");
        let line = unfolded.lines().find(|l| l.starts_with("Subject: ")).unwrap().to_string();
        let id = unfolded.lines().find(|l| l.starts_with("Message-ID: ")).unwrap().to_string();
        (line, id)
    };
    let lab = "content/meetings/2027/lab.md";
    let (next, id) = subject(&[lab]);
    assert_eq!(next, "Subject: Meeting: Sets and jobs lab =?UTF-8?Q?=E2=80=94?= Thu 7 Jan 2027, =?UTF-8?Q?10=3A00=E2=80=9311=3A30?= PST");
    assert_eq!(id, "Message-ID: <2027-01-07.meetings.2027.lab@learn.example.org>");
    assert_eq!(subject(&[lab, "--session", "2027-01-07"]), (next, id), "the next session, named");
    // A moved session by its new date too; a cancelled one, named, is announced as cancelled.
    assert_eq!(
        subject(&[lab, "--session", "2027-01-15"]).1,
        "Message-ID: <2027-01-14.meetings.2027.lab@learn.example.org>"
    );
    let (cancelled, _) = subject(&[lab, "--session", "2027-01-28"]);
    assert!(cancelled.starts_with("Subject: Cancelled: Sets and jobs lab"), "{cancelled}");
    let m = announce(s.path(), &[lab, "--session", "2027-01-28"]);
    assert!(m.contains("Cancelled: this session will not take place."), "{m}");
    // A meeting, not a series, by its own date.
    let n = "content/meetings/2026/normalization.md";
    assert_eq!(announce(s.path(), &[n, "--session", "2026-12-03"]), announce(s.path(), &[n]));
}

#[test]
fn errors_name_the_file_and_what_to_do() {
    let s = fixture();
    let p = s.path();
    let lab = "content/meetings/2027/lab.md";
    let cases: [(&[&str], &str); 13] = [
        (
            &["content/meetings/2027/buch.md"],
            "content/groups/intl.md: error: the mailing list \"liste@bücher.example\" has characters other than \
             ASCII, which an email's To: cannot hold\n  hint: write its domain in its ASCII form (xn--…), as \
             `mailing_list: \"list@xn--bcher-kva.example\"`\n",
        ),
        (
            &[lab, "--session", "2027-01-21"],
            "content/meetings/2027/lab.md: error: the series skips 2027-01-21 (it is in `except`), so there is \
             no session to announce\n  hint: the nearest sessions are 2027-01-14 (Thu) and 2027-01-28 (Thu)\n",
        ),
        (
            &[lab, "--session", "2027-01-20"],
            "content/meetings/2027/lab.md: error: 2027-01-20 is not a date of the series\n  \
             hint: the nearest sessions are 2027-01-14 (Thu) and 2027-01-28 (Thu)\n",
        ),
        (
            &[lab, "--session", "2027-03-01"],
            "content/meetings/2027/lab.md: error: 2027-03-01 is not a date of the series\n  \
             hint: the series ends before then: its last session is 2027-02-11 (Thu)\n",
        ),
        (
            &[lab, "--session", "14/01/2027"],
            "--session: error: \"14/01/2027\" is not a date\n  \
             hint: write the session's date as YYYY-MM-DD, e.g. --session 2026-12-03\n",
        ),
        (
            &["content/meetings/2026/normalization.md", "--session", "2026-12-10"],
            "content/meetings/2026/normalization.md: error: the meeting is not a series: it takes place on \
             2026-12-03 only, not on 2026-12-10\n  hint: leave out --session, or write --session 2026-12-03\n",
        ),
        (
            &["content/meetings/2026/past.md"],
            "content/meetings/2026/past.md: error: the meeting took place on 2026-01-08: there is nothing to \
             announce\n  hint: to announce it anyway, name its date: --session 2026-01-08\n",
        ),
        (
            &["content/meetings/2027/off.md"],
            "content/meetings/2027/off.md: error: the meeting is cancelled (`status: cancelled`)\n  \
             hint: to announce it anyway, name its date: --session 2027-02-11\n",
        ),
        (
            &["content/meetings/2027/unlisted.md"],
            "content/meetings/2027/unlisted.md: error: no group of the meeting has a mailing list to announce it \
             to (looked at the groups content/groups/quiet.md, content/groups/web.md; content/groups/web.md has \
             \"https://lists.example.org/web\", a web address)\n  \
             hint: add `mailing_list: \"list@example.org\"` to the group file (content/groups/quiet.md)\n",
        ),
        (
            &["content/meetings/2027/loose.md"],
            "content/meetings/2027/loose.md: error: the meeting belongs to no group, so it has no mailing list to \
             announce it to\n  hint: add `group: SLUG` to the meeting, and `mailing_list: \"list@example.org\"` to \
             that group's file\n",
        ),
        (
            &["content/meetings/2027/nope.md"],
            "content/meetings/2027/nope.md: error: no such file\n  \
             hint: give the path of a meeting's file, e.g. content/meetings/2026/alma-circle.md\n",
        ),
        (
            &["content/groups/alma.md"],
            "content/groups/alma.md: error: not a meeting file: it is not in content/meetings\n  \
             hint: give the path of a .md file under content/meetings/, e.g. content/meetings/2026/alma-circle.md\n",
        ),
        (
            &["content/meetings/2027"],
            "content/meetings/2027: error: not a meeting file: it is a folder\n  \
             hint: give the path of a .md file under content/meetings/, e.g. content/meetings/2026/alma-circle.md\n",
        ),
    ];
    for (args, want) in cases {
        assert_eq!(refused(p, args), format!("{want}1 error — no message was written\n"), "{args:?}");
    }
    // A draft is no meeting of the site.
    std::fs::write(
        p.join("content/meetings/2027/draft.md"),
        "---\ntitle: \"D\"\nstart: \"2027-01-01\"\ndraft: true\n---\n",
    )
    .unwrap();
    assert_eq!(
        refused(p, &["content/meetings/2027/draft.md"]),
        "content/meetings/2027/draft.md: error: the meeting is a draft, so the site does not show it\n  \
         hint: publish it first (remove `draft: true`)\n1 error — no message was written\n"
    );
    assert_eq!(
        refused(p, &["--root", "elsewhere", "content/meetings/2027/x.md"]),
        "content/meetings/2027/x.md: error: no such file\n  hint: give the path of a meeting's file, e.g. \
         content/meetings/2026/alma-circle.md (from here, or inside the site folder elsewhere)\n\
         1 error — no message was written\n"
    );
}

#[test]
fn a_site_that_does_not_build_gives_the_builds_own_errors() {
    let s = fixture();
    std::fs::write(s.path().join("content/meetings/2027/bad.md"), "---\ntitle: \"Bad\"\nstrat: \"2027-01-01\"\n---\n")
        .unwrap();
    let build = moot(s.path(), &["build"]);
    assert!(!build.status.success());
    let build_errors = String::from_utf8_lossy(&build.stderr).replace(" — nothing was written", "");
    assert!(build_errors.contains("content/meetings/2027/bad.md:3:1: error: unknown field `strat`"), "{build_errors}");
    let got = refused(s.path(), &["content/meetings/2026/normalization.md"]);
    assert_eq!(got.replace(" — no message was written", ""), build_errors);
}

/// The "Announce" link of a meeting page, decoded: its address, subject and body.
fn announce_link(page: &str) -> Option<(String, String, String)> {
    let start = page.find("<a href=\"mailto:")? + "<a href=\"".len();
    let href = &page[start..start + page[start..].find('"').unwrap()];
    assert!(!href.contains("&body") && href.contains("&amp;body="), "the & of the query is escaped: {href}");
    assert!(href.len() <= moot::render::MAILTO_LIMIT + 4, "{} long", href.len());
    let href = href.replace("&amp;", "&");
    let (to, query) = href.strip_prefix("mailto:").unwrap().split_once('?').unwrap();
    let (subject, body) = query.strip_prefix("subject=").unwrap().split_once("&body=").unwrap();
    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8().unwrap().into_owned();
    Some((decode(to), decode(subject), decode(body)))
}

#[test]
fn meeting_pages_link_organisers_to_an_announcement() {
    let s = fixture();
    let long = format!("{}\n{}", NORMALIZATION.trim_end(), "More words for the description. ".repeat(200));
    std::fs::write(s.path().join("content/meetings/2027/long.md"), long.replace("2026-12-03", "2027-02-03")).unwrap();
    let built = moot(s.path(), &["build"]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let page = |rel: &str| std::fs::read_to_string(s.path().join("public").join(rel).join("index.html")).unwrap();
    let normalization = page("meetings/2026/normalization");
    assert!(
        normalization.contains(
            "<div class=\"facts-organisers\">\n      <h3>For organisers</h3>\n      <p><a href=\"mailto:\
             alma-list@lists.example.org?subject=Meeting%3A%20Normalization%20rules%2C%20hands%20on%20%E2%80%94%20\
             Thu%203%20Dec%202026%2C%2014%3A00%E2%80%9316%3A00%20PST&amp;body=Normalization%20rules%2C%20hands%20on\
             %0D%0A%0D%0AWriting%20and%20testing"
        ),
        "{normalization}"
    );
    assert!(normalization.contains("\">Announce this meeting</a> to alma-list@lists.example.org: an email"));
    // The same subject and text as the message.
    let (to, subject, body) = announce_link(&normalization).unwrap();
    assert_eq!(to, "alma-list@lists.example.org");
    assert_eq!(subject, "Meeting: Normalization rules, hands on — Thu 3 Dec 2026, 14:00–16:00 PST");
    let message = announce(s.path(), &["content/meetings/2026/normalization.md"]);
    let text = message.split("Content-Transfer-Encoding: quoted-printable\r\n\r\n").nth(1).unwrap();
    let text = text[..text.find("\r\n--=_moot_alt_").unwrap()].replace("=\r\n", "");
    let text = text.replace('%', "%25").replace('=', "%");
    let text = percent_encoding::percent_decode_str(&text).decode_utf8().unwrap().into_owned();
    assert_eq!(format!("{body}\r\n"), text);
    // A series: its next session.
    let (_, subject, body) = announce_link(&page("meetings/2027/lab")).unwrap();
    assert_eq!(subject, "Meeting: Sets and jobs lab — Thu 7 Jan 2027, 10:00–11:30 PST");
    assert!(page("meetings/2027/lab").contains(">Announce the next session</a>"));
    assert!(body.contains("\r\nLeader: Ana Ruiz\r\nCE: 2 CE hours\r\n"), "{body}");
    // A long description is cut, at a space, to keep the link short enough to open.
    let (_, _, body) = announce_link(&page("meetings/2027/long")).unwrap();
    assert!(body.ends_with('…') && !body.ends_with(" …") && body.len() > 1000, "{body}");
    assert!(body.contains("\r\nPage: https://learn.example.org/meetings/2027/long/\r\n"), "{body}");
    // No link without a mailing list, nor once a meeting is over.
    for rel in ["meetings/2027/unlisted", "meetings/2027/loose", "meetings/2026/past"] {
        let p = page(rel);
        assert!(!p.contains(">Announce ") && announce_link(&p).is_none(), "{rel}");
    }
}

#[test]
fn the_sample_sites_meeting_pages_have_the_link() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let mut o = moot::Options::new(root);
    o.output = dir.path().join("public");
    o.now = Some(jiff::Timestamp::from_second(NOW.parse().unwrap()).unwrap());
    moot::build(&o).unwrap_or_else(|e| panic!("{e}"));
    let lab: PathBuf = o.output.join("meetings/2027/screen-reader-practice-lab/index.html");
    let page = std::fs::read_to_string(lab).unwrap();
    let (to, subject, _) = announce_link(&page).expect("an Announce link");
    assert_eq!(to, "bvlc-accessibility@lists.example.org");
    assert_eq!(subject, "Meeting: Screen reader practice lab — Thu 18 Feb 2027, 14:00–15:00 PST");
}
