//! Announcing a meeting to its group's mailing list: the email that `moot announce` writes
//! (a subject, one text as plain text and as html, the meeting's .ics attached as an RFC 5546
//! PUBLISH) and the "Announce" `mailto:` link of each meeting page, with the same subject and
//! plain text. Both are made from [`Facts`], so they cannot drift apart.

use super::reads::{Cx, Recorder};
use super::{calendar, describe_rule, escape, ics, mail, views, Body, Renderer};
use crate::diag::Diagnostic;
use crate::model::{Group, Meeting, MeetingId, Occurrence, Status};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;

/// How long the page's `mailto:` link may get: browsers and mail programs cut or refuse
/// longer ones (Outlook at about 2,000 characters), so its text is cut to fit.
pub const MAILTO_LIMIT: usize = 1800;

/// What a `mailto:` query value keeps as it is: RFC 3986's unreserved characters.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
/// What an address of a `mailto:` keeps as it is.
const ADDRESS: &AsciiSet = &QUERY.remove(b'@').remove(b'+');

/// The group a meeting is announced to: the first of its groups whose `mailing_list` is an
/// email address.
struct ListOf<'a> {
    group: &'a Group,
    /// The group's title and file.
    name: &'a str,
    shown: &'a std::path::Path,
    /// The list's addresses (a `mailto:` may name several).
    addresses: Vec<&'a str>,
}

/// The email addresses of a `mailing_list`, which the model keeps as an address, a `mailto:`
/// URL (perhaps with a query, perhaps naming several) or a web address (none, then).
fn addresses(list: &str) -> Vec<&str> {
    if list.starts_with("http:") || list.starts_with("https:") {
        return Vec::new();
    }
    let list = list.strip_prefix("mailto:").unwrap_or(list);
    list.split('?').next().unwrap_or("").split(',').filter(|a| !a.is_empty()).collect()
}

fn list_of<'a>(cx: &Cx<'_, 'a>, m: &Meeting) -> Option<ListOf<'a>> {
    m.groups.iter().find_map(|&g| {
        let group = cx.group(g);
        let addresses = addresses(group.mailing_list.as_deref()?);
        let head = cx.head(group.item);
        (!addresses.is_empty()).then_some(ListOf { group, name: head.title, shown: head.shown, addresses })
    })
}

/// Why a meeting has no list to announce it to, naming the groups looked at.
fn no_list(cx: &Cx, m: &Meeting) -> Diagnostic {
    let shown = cx.head(m.item).shown;
    if m.groups.is_empty() {
        return Diagnostic::error(
            shown,
            0,
            "the meeting belongs to no group, so it has no mailing list to announce it to",
        )
        .hint("add `group: SLUG` to the meeting, and `mailing_list: \"list@example.org\"` to that group's file");
    }
    let mut looked = Vec::new();
    let mut web = Vec::new();
    for &g in &m.groups {
        let group = cx.group(g);
        let file = cx.head(group.item).shown.display().to_string();
        if let Some(url) = &group.mailing_list {
            web.push(format!("{file} has {url:?}, a web address"));
        }
        looked.push(file);
    }
    let what = if web.is_empty() { String::new() } else { format!("; {}", web.join(", ")) };
    let s = if looked.len() == 1 { "" } else { "s" };
    Diagnostic::error(
        shown,
        0,
        format!(
            "no group of the meeting has a mailing list to announce it to (looked at the group{s} {}{what})",
            looked.join(", ")
        ),
    )
    .hint(format!("add `mailing_list: \"list@example.org\"` to the group file ({})", looked[0]))
}

/// What an announcement of one session says, in the order it says it.
struct Facts<'a> {
    title: &'a str,
    when: String,
    status: Status,
    series: bool,
    summary: Option<&'a str>,
    /// (label, value, whether the value is an address to link).
    rows: Vec<(&'static str, String, bool)>,
    note: Option<&'a str>,
    /// The meeting's text, a block a paragraph.
    description: Vec<&'a str>,
}

impl<'a> Facts<'a> {
    fn new(cx: &Cx<'_, 'a>, m: &'a Meeting, o: &Occurrence) -> Facts<'a> {
        let s = cx.site();
        let item = cx.item(m.item);
        let when = views::when(m, o);
        let mut rows = Vec::new();
        let mut when_row = when.clone();
        if let Some(from) = views::moved_from(m, o) {
            when_row.push_str(&format!(" (moved from {from})"));
        }
        rows.push(("When", when_row, false));
        if let Some(rule) = &m.repeat {
            rows.push(("Repeats", describe_rule(rule), false));
        }
        if let Some(place) = m.location_at(o) {
            rows.push(("Where", place.to_string(), false));
        }
        if let Some(online) = m.online_at(o) {
            rows.push(("Online", online.to_string(), online.contains("://")));
        }
        if let Some(leader) = m.leader_at(o) {
            rows.push(("Leader", leader.to_string(), false));
        }
        let co = m.co_leaders_at(o);
        if !co.is_empty() {
            rows.push((if co.len() == 1 { "Co-leader" } else { "Co-leaders" }, co.join(", "), false));
        }
        let ce = match (m.ce_hours_at(o), m.ce_category_at(o)) {
            (Some(h), Some(c)) => Some(format!("{} ({c})", h.label())),
            (Some(h), None) => Some(h.label()),
            (None, Some(c)) => Some(c.to_string()),
            (None, None) => None,
        };
        if let Some(ce) = ce {
            rows.push(("CE", ce, false));
        }
        if let Some(signup) = &m.signup {
            rows.push(("Sign up", signup.clone(), true));
        }
        rows.push(("Page", s.absolute(&item.url), true));
        rows.push(("Calendar", s.absolute(&calendar::meeting_ics_url(cx, m)), true));
        let description = cx.body(m.item).text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        Facts {
            title: m.title_at(o, &item.title),
            when,
            status: m.status_at(o),
            series: m.repeat.is_some(),
            summary: item.summary.as_deref(),
            rows,
            note: m.note_at(o),
            description,
        }
    }

    /// "Meeting: Alma sets and jobs — Thu 3 Dec 2026, 14:00–16:00 PST".
    fn subject(&self) -> String {
        let kind = if self.status == Status::Cancelled { "Cancelled" } else { "Meeting" };
        format!("{kind}: {} — {}", self.title, self.when)
    }

    /// What its status means for who reads it, if it is not confirmed.
    fn status_line(&self) -> Option<&'static str> {
        match (self.status, self.series) {
            (Status::Cancelled, true) => Some("Cancelled: this session will not take place."),
            (Status::Cancelled, false) => Some("Cancelled: this meeting will not take place."),
            (Status::Tentative, _) => Some("Tentative: the date or details may still change."),
            (Status::Confirmed, _) => None,
        }
    }

    /// The plain text (lines end in LF): title, status, summary, the facts one a line, the
    /// session's note and the meeting's text.
    fn text(&self) -> String {
        let mut out = format!("{}\n", self.title);
        if let Some(status) = self.status_line() {
            out.push_str(&format!("{status}\n"));
        }
        out.push('\n');
        if let Some(summary) = self.summary {
            out.push_str(&format!("{summary}\n\n"));
        }
        for (label, value, _) in &self.rows {
            out.push_str(&format!("{label}: {value}\n"));
        }
        for block in self.note.iter().chain(&self.description) {
            out.push_str(&format!("\n{block}\n"));
        }
        out
    }

    /// The same as an html document, links and all.
    fn html(&self, language: &str) -> String {
        let e = escape::escape_html;
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width\">\n<title>{}</title>\n</head>\n\
             <body style=\"font-family: sans-serif; line-height: 1.5; max-width: 40em;\">\n\
             <h1 style=\"font-size: 1.4em;\">{}</h1>\n",
            e(language),
            e(&self.subject()),
            e(self.title)
        );
        if let Some(status) = self.status_line() {
            let (word, rest) = status.split_once(": ").unwrap_or((status, ""));
            out.push_str(&format!("<p><strong>{word}</strong>: {}</p>\n", e(rest)));
        }
        if let Some(summary) = self.summary {
            out.push_str(&format!("<p>{}</p>\n", e(summary)));
        }
        out.push_str("<table style=\"border-collapse: collapse;\">\n");
        for (label, value, link) in &self.rows {
            let cell = if *link {
                let shown = value.strip_prefix("mailto:").unwrap_or(value);
                format!("<a href=\"{}\">{}</a>", e(value), e(shown))
            } else {
                e(value)
            };
            out.push_str(&format!(
                "<tr><th scope=\"row\" style=\"text-align: left; vertical-align: top; padding: 0.15em 1em 0.15em 0;\">\
                 {label}</th><td>{cell}</td></tr>\n"
            ));
        }
        out.push_str("</table>\n");
        for block in self.note.iter().chain(&self.description) {
            out.push_str(&format!("<p>{}</p>\n", e(block)));
        }
        out.push_str("</body>\n</html>\n");
        out
    }
}

/// The page's "Announce" link: where it goes and the list it writes to.
#[derive(Serialize)]
pub(super) struct Link {
    pub mailto: String,
    pub list: String,
}

/// The "Announce" link of occurrence `o` of meeting `m`: a `mailto:` to its list with the
/// announcement's subject and plain text (cut to fit [`MAILTO_LIMIT`]); none if no group of
/// the meeting has a mailing list.
pub(super) fn link(cx: &Cx, m: &Meeting, o: &Occurrence) -> Option<Link> {
    let list = list_of(cx, m)?;
    let facts = Facts::new(cx, m, o);
    let to: Vec<String> = list.addresses.iter().map(|a| utf8_percent_encode(a, ADDRESS).to_string()).collect();
    Some(Link { mailto: mailto(&to.join(","), &facts.subject(), &facts.text()), list: list.addresses.join(", ") })
}

/// `mailto:TO?subject=…&body=…`, the body's line ends as CRLF (RFC 6068), and the body cut at
/// a space, with "…", where the whole would be longer than [`MAILTO_LIMIT`].
fn mailto(to: &str, subject: &str, body: &str) -> String {
    let encode = |s: &str| utf8_percent_encode(s, QUERY).to_string().replace("%0A", "%0D%0A");
    let mut url = format!("mailto:{to}?subject={}&body=", encode(subject));
    let body = body.trim_end();
    let whole = encode(body);
    if url.len() + whole.len() <= MAILTO_LIMIT {
        url.push_str(&whole);
        return url;
    }
    let ellipsis = encode("…");
    let room = MAILTO_LIMIT.saturating_sub(url.len() + ellipsis.len());
    let mut used = 0;
    let mut cut = 0;
    for (i, c) in body.char_indices() {
        used += match c {
            '\n' => 6,
            c if c.is_ascii_alphanumeric() || "-._~".contains(c) => 1,
            c => 3 * c.len_utf8(),
        };
        if used > room {
            break;
        }
        if c.is_whitespace() {
            cut = i;
        }
    }
    url.push_str(&encode(body[..cut].trim_end()));
    url.push_str(&ellipsis);
    url
}

/// An announcement, ready to be written as an email ([`Announcement::message`]).
#[derive(Debug, Clone)]
pub struct Announcement {
    /// The list's addresses, the sender (the group's contact, else the list) and its name.
    pub to: Vec<String>,
    pub from: String,
    pub from_name: String,
    pub subject: String,
    /// Plain text with LF line ends, and html.
    pub text: String,
    pub html: String,
    /// The meeting's feed as a PUBLISH, and its file name.
    pub ics: String,
    pub ics_name: String,
    /// `<…@host>`, from the meeting's UID and the session's date.
    pub message_id: String,
    /// "Wed, 25 Nov 2026 04:00:00 -0800": "now" in the site's zone.
    pub date: String,
}

impl Renderer<'_> {
    /// The announcement of occurrence `o` of meeting `m` (the caller picks it), or why there
    /// is none: no group of the meeting has a mailing list, or its address is not ASCII.
    pub fn announcement(&self, m: MeetingId, o: usize) -> Result<Announcement, Diagnostic> {
        let rec = Recorder::new(false);
        let cx = Cx::new(self, &rec);
        let s = cx.site();
        let meeting = cx.meeting(m);
        let occurrence = &meeting.occurrences[o];
        let list = list_of(&cx, meeting).ok_or_else(|| no_list(&cx, meeting))?;
        if let Some(a) = list.addresses.iter().find(|a| !a.is_ascii()) {
            return Err(Diagnostic::error(
                list.shown,
                0,
                format!("the mailing list {a:?} has characters other than ASCII, which an email's To: cannot hold"),
            )
            .hint("write its domain in its ASCII form (xn--…), as `mailing_list: \"list@xn--bcher-kva.example\"`"));
        }
        // The organiser: the group's contact if it is an email address, else the list.
        let contact = list.group.contact.as_deref().and_then(|c| addresses(c).into_iter().next());
        let from = contact.filter(|c| c.is_ascii()).unwrap_or(list.addresses[0]);
        let facts = Facts::new(&cx, meeting, occurrence);
        let feed = match calendar::meeting_feed(&cx, m).body {
            Body::Bytes(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            _ => String::new(),
        };
        let slug = &cx.item(meeting.item).slug;
        let safe = !slug.is_empty() && slug.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        let now = s.now().to_zoned_datetime(s.config.timezone.clone());
        Ok(Announcement {
            to: list.addresses.iter().map(|a| a.to_string()).collect(),
            from: from.to_string(),
            from_name: list.name.to_string(),
            subject: facts.subject(),
            text: facts.text(),
            html: facts.html(&s.config.language),
            ics: ics::publish(&feed, from, list.name),
            ics_name: format!("{}.ics", if safe { slug.as_str() } else { "meeting" }),
            message_id: message_id(&ics::uid(&cx, meeting), occurrence.wall.date()),
            date: now.strftime("%a, %d %b %Y %H:%M:%S %z").to_string(),
        })
    }
}

/// `<DATE.PATH@HOST>` for the meeting's UID `PATH@HOST` and a session's date: the path's
/// `/` as `.`, any character that a message id cannot hold percent-encoded.
fn message_id(uid: &str, date: jiff::civil::Date) -> String {
    let (path, host) = uid.rsplit_once('@').unwrap_or((uid, "localhost"));
    let atom = |s: &str, keep: &str| -> String {
        let mut out = String::new();
        for part in s.split(['/', '.']).filter(|p| !p.is_empty()) {
            if !out.is_empty() {
                out.push('.');
            }
            for b in part.bytes() {
                if b.is_ascii_alphanumeric() || keep.as_bytes().contains(&b) {
                    out.push(char::from(b));
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
        out
    };
    let host = if host.is_empty() { "localhost".to_string() } else { atom(host, "-") };
    format!("<{date}.{}@{host}>", atom(path, "-_"))
}

impl Announcement {
    /// The whole email (RFC 5322, CRLF line ends): multipart/mixed holding a
    /// multipart/alternative of the plain text and the html, then the .ics.
    pub fn message(&self) -> String {
        let text = mail::quoted_printable(&self.text);
        let html = mail::quoted_printable(&self.html);
        // The feed is ASCII as a rule, and goes as it is (its lines are 75 octets at most);
        // a title with other characters makes it base64.
        let (ics, ics_encoding) = if self.ics.is_ascii() {
            (self.ics.clone(), "7bit")
        } else {
            (mail::base64(self.ics.as_bytes()), "base64")
        };
        // Boundaries no part holds: `=_` never starts a quoted-printable or base64 line.
        let seed = xxhash_rust::xxh3::xxh3_64(self.message_id.as_bytes());
        let mut n = 0;
        let boundary = |kind: &str, n: u32| format!("=_moot_{kind}_{seed:016x}_{n}");
        while [&text, &html, &ics].iter().any(|p| p.contains(&boundary("mixed", n)) || p.contains(&boundary("alt", n)))
        {
            n += 1;
        }
        let (mixed, alt) = (boundary("mixed", n), boundary("alt", n));
        let mut out = String::with_capacity(text.len() + html.len() + ics.len() + 2048);
        mail::address_header(&mut out, "From", Some(&self.from_name), &[&self.from]);
        let to: Vec<&str> = self.to.iter().map(String::as_str).collect();
        mail::address_header(&mut out, "To", None, &to);
        mail::text_header(&mut out, "Subject", &self.subject);
        mail::plain_header(&mut out, "Date", &self.date);
        mail::plain_header(&mut out, "Message-ID", &self.message_id);
        mail::plain_header(&mut out, "MIME-Version", "1.0");
        mail::plain_header(&mut out, "Content-Type", &format!("multipart/mixed; boundary=\"{mixed}\""));
        out.push_str("\r\nThis is a message in MIME format.\r\n");
        out.push_str(&format!("\r\n--{mixed}\r\n"));
        mail::plain_header(&mut out, "Content-Type", &format!("multipart/alternative; boundary=\"{alt}\""));
        for (kind, body) in [("plain", &text), ("html", &html)] {
            out.push_str(&format!("\r\n--{alt}\r\n"));
            mail::plain_header(&mut out, "Content-Type", &format!("text/{kind}; charset=UTF-8"));
            mail::plain_header(&mut out, "Content-Transfer-Encoding", "quoted-printable");
            out.push_str("\r\n");
            out.push_str(body);
        }
        out.push_str(&format!("\r\n--{alt}--\r\n"));
        out.push_str(&format!("\r\n--{mixed}\r\n"));
        let name = &self.ics_name;
        mail::plain_header(
            &mut out,
            "Content-Type",
            &format!("text/calendar; method=PUBLISH; charset=UTF-8; name=\"{name}\""),
        );
        mail::plain_header(&mut out, "Content-Disposition", &format!("attachment; filename=\"{name}\""));
        mail::plain_header(&mut out, "Content-Transfer-Encoding", ics_encoding);
        out.push_str("\r\n");
        out.push_str(&ics);
        out.push_str(&format!("\r\n--{mixed}--\r\n"));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_of_a_mailing_list() {
        assert_eq!(addresses("list@example.org"), ["list@example.org"]);
        assert_eq!(addresses("mailto:a@example.org,b@example.org?subject=x"), ["a@example.org", "b@example.org"]);
        assert!(addresses("https://lists.example.org/alma").is_empty());
    }

    #[test]
    fn message_ids_are_dot_atoms() {
        let d = jiff::civil::date(2027, 2, 18);
        assert_eq!(
            message_id("meetings/2026/weekly-lab@learn.example.org", d),
            "<2027-02-18.meetings.2026.weekly-lab@learn.example.org>"
        );
        assert_eq!(message_id("meetings/café@h.example", d), "<2027-02-18.meetings.caf%C3%A9@h.example>");
    }

    #[test]
    fn long_mailto_bodies_are_cut_at_a_space() {
        let body = format!("When: today\n\n{}", "word ".repeat(1000));
        let url = mailto("a@example.org", "Meeting: x", &body);
        assert!(url.len() <= MAILTO_LIMIT && url.len() > MAILTO_LIMIT - 20, "{}", url.len());
        assert!(url.ends_with("word%E2%80%A6"), "{url}");
        assert!(url.starts_with("mailto:a@example.org?subject=Meeting%3A%20x&body=When%3A%20today%0D%0A%0D%0Aword%20"));
        let short = mailto("a@example.org", "S", "a b\nc");
        assert_eq!(short, "mailto:a@example.org?subject=S&body=a%20b%0D%0Ac");
    }
}
