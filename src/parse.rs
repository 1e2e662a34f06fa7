//! Parse: one source file -> front matter (typed per kind, as written) + markdown body.
//! No cross-file knowledge here; that is the model's job.
//!
//! The raw structs mirror the YAML with `Option`s and `deny_unknown_fields`, so a misspelt
//! field is an error that names the field and the ones allowed.

use crate::config::line_col;
use crate::diag::Diagnostic;
use crate::load::SourceFile;
use serde::Deserialize;
use std::path::PathBuf;

mod syntax;

/// What a file is, from the folder it sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Group,
    Meeting,
    Story,
    Article,
    Wiki,
    Page,
    /// `people/*.md`: what a person's page adds (the page is there for every name anyway).
    Person,
}

impl Kind {
    /// The content folder of the kind (`""` for top-level pages).
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Group => "groups",
            Kind::Meeting => "meetings",
            Kind::Story => "stories",
            Kind::Article => "articles",
            Kind::Wiki => "wiki",
            Kind::Page => "",
            Kind::Person => "people",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Group => "group",
            Kind::Meeting => "meeting",
            Kind::Story => "story",
            Kind::Article => "article",
            Kind::Wiki => "wiki page",
            Kind::Page => "page",
            Kind::Person => "person",
        }
    }

    /// The label as a CSS class name.
    pub fn class(self) -> &'static str {
        match self {
            Kind::Wiki => "wiki-page",
            k => k.label(),
        }
    }

    pub const SECTIONS: [Kind; 6] = [Kind::Group, Kind::Meeting, Kind::Story, Kind::Article, Kind::Wiki, Kind::Person];

    fn of_path(rel: &str) -> Kind {
        let top = rel.split('/').next().unwrap_or("");
        Kind::SECTIONS.into_iter().find(|k| rel.contains('/') && k.folder() == top).unwrap_or(Kind::Page)
    }
}

/// Defines a front-matter struct with the fields every kind shares plus its own.
macro_rules! front_matter {
    ($(#[$doc:meta])* $name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Default, Clone, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            pub title: Option<String>,
            pub summary: Option<String>,
            pub tags: Option<Vec<String>>,
            pub draft: Option<bool>,
            pub slug: Option<String>,
            $(pub $field: $ty,)*
        }
    };
}

front_matter!(
    /// `groups/*.md`
    GroupFront {
        leaders: Option<Vec<String>>,
        contact: Option<String>,
        forum: Option<String>,
        mailing_list: Option<String>,
        join: Option<String>,
        timezone: Option<String>,
        location: Option<String>,
        status: Option<String>,
    }
);

front_matter!(
    /// `meetings/**/*.md`
    MeetingFront {
        group: Option<String>,
        groups: Option<Vec<String>>,
        start: Option<String>,
        end: Option<String>,
        duration: Option<String>,
        timezone: Option<String>,
        location: Option<String>,
        online: Option<String>,
        leader: Option<String>,
        co_leaders: Option<Vec<String>>,
        status: Option<String>,
        repeat: Option<String>,
        except: Option<Vec<String>>,
        sessions: Option<Vec<serde_saphyr::Spanned<SessionFront>>>,
        signup: Option<String>,
        capacity: Option<u32>,
        ce_hours: Option<NumberOrText>,
        ce_category: Option<String>,
        wanted: Option<Vec<String>>,
    }
);

/// A number as written: `1.5`, or text that may hold one (`"1.5"`), checked by the model so
/// that the error says what to write.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum NumberOrText {
    Number(f64),
    Text(String),
}

/// One entry of a meeting's `sessions`: a change to one session of a series.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionFront {
    pub date: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub duration: Option<String>,
    pub location: Option<String>,
    pub online: Option<String>,
    pub leader: Option<String>,
    pub co_leaders: Option<Vec<String>>,
    pub title: Option<String>,
    pub status: Option<String>,
    pub note: Option<String>,
    pub ce_hours: Option<NumberOrText>,
    pub ce_category: Option<String>,
    pub wanted: Option<Vec<String>>,
}

front_matter!(
    /// `stories/*.md`
    StoryFront {
        date: Option<String>,
        author: Option<String>,
        groups: Option<Vec<String>>,
        meeting: Option<String>,
    }
);

front_matter!(
    /// `articles/*.md`
    ArticleFront {
        date: Option<String>,
        author: Option<String>,
        url: Option<String>,
        format: Option<String>,
        groups: Option<Vec<String>>,
    }
);

front_matter!(
    /// `people/*.md`
    PersonFront {
        pronouns: Option<String>,
        contact: Option<String>,
        links: Option<Vec<String>>,
        aliases: Option<Vec<String>>,
    }
);

front_matter!(
    /// `wiki/**/*.md` and top-level pages
    PageFront {
        aliases: Option<Vec<String>>,
    }
);

/// The fields every kind shares: (title, summary, tags, draft, slug).
pub type Common<'a> =
    (&'a Option<String>, &'a Option<String>, &'a Option<Vec<String>>, Option<bool>, &'a Option<String>);

/// One per file, kept until the model reads it; the meeting's fields are boxed, being
/// many more than the other kinds'.
#[derive(Debug, Clone)]
pub enum Front {
    Group(GroupFront),
    Meeting(Box<MeetingFront>),
    Story(StoryFront),
    Article(ArticleFront),
    Page(PageFront),
    Person(PersonFront),
}

impl Front {
    /// The fields every kind shares: (title, summary, tags, draft, slug).
    pub fn common(&self) -> Common<'_> {
        macro_rules! c {
            ($f:expr) => {
                (&$f.title, &$f.summary, &$f.tags, $f.draft, &$f.slug)
            };
        }
        match self {
            Front::Group(f) => c!(f),
            Front::Meeting(f) => c!(f),
            Front::Story(f) => c!(f),
            Front::Article(f) => c!(f),
            Front::Page(f) => c!(f),
            Front::Person(f) => c!(f),
        }
    }
}

/// A parsed markdown file.
#[derive(Debug, Clone)]
pub struct Doc {
    pub kind: Kind,
    pub rel: String,
    pub shown: PathBuf,
    pub front: Front,
    /// The front matter's text, to find the line of a key.
    pub front_text: String,
    pub body: String,
    /// 1-based line of the file on which the body starts.
    pub body_line: usize,
    /// The file's modification time.
    pub modified: Option<jiff::Timestamp>,
    /// Errors of single fields, each left out so that the rest of the file could be read
    /// (every independent error of a file is reported, not only the first).
    pub problems: Vec<Diagnostic>,
    /// The top-level fields those errors left out: "missing `start`" is not said of them
    /// ([`Doc::missing`]).
    pub dropped: Vec<String>,
}

impl Doc {
    /// The file line of a top-level front-matter key (the line of `---` + n), or 1.
    pub fn line_of(&self, key: &str) -> usize {
        key_line(&self.front_text, key)
    }

    pub fn error(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.shown, self.line_of(key), message)
    }

    /// The error for a required field that is not there, unless it is there but was left
    /// out for an error of its own (or a misspelt field stands for it): that error says it.
    pub fn missing(&self, key: &str, hint: &str) -> Option<Diagnostic> {
        (!self.dropped.iter().any(|d| d == key))
            .then(|| Diagnostic::error(&self.shown, 2, format!("missing `{key}`")).hint(hint))
    }
}

/// The file line of a top-level key of `front` (the line of `---` + n), or 1.
pub fn key_line(front: &str, key: &str) -> usize {
    front
        .lines()
        .position(|l| l.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':')))
        .map_or(1, |i| i + 2)
}

const FORBIDDEN: &str = "which no page or feed may hold";

const FRONT_EXAMPLE: &str =
    "start the file with front matter between two `---` lines, e.g.\n  ---\n  title: \"Cataloging circle\"\n  ---";

/// Parses one file. Text problems (encoding, missing front matter, YAML) are diagnostics.
pub fn parse(file: &SourceFile) -> Result<Doc, Diagnostic> {
    let shown = &file.shown;
    let text = std::str::from_utf8(&file.bytes).map_err(|e| {
        let (line, col) = line_col(&String::from_utf8_lossy(&file.bytes[..e.valid_up_to()]), e.valid_up_to());
        Diagnostic::error(shown, line, "the file is not valid UTF-8 text")
            .at_column(col)
            .hint("save the file with UTF-8 encoding")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let owned;
    let text = if text.contains('\r') {
        owned = text.replace("\r\n", "\n").replace('\r', "\n");
        owned.as_str()
    } else {
        text
    };
    if let Some((offset, c)) = crate::safe::first_forbidden(text) {
        let (line, col) = line_col(text, offset);
        return Err(Diagnostic::error(
            shown,
            line,
            format!("the file holds {}, {FORBIDDEN}", crate::safe::describe(c)),
        )
        .at_column(col)
        .hint("remove it; an editor may show it as a box, as a code like <0x01> or ^A, or not at all"));
    }
    if text.trim().is_empty() {
        return Err(Diagnostic::error(shown, 1, "the file is empty").hint(FRONT_EXAMPLE));
    }
    let after_open = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---").filter(|r| r.trim().is_empty()))
        .ok_or_else(|| Diagnostic::error(shown, 1, "missing front matter").hint(FRONT_EXAMPLE))?;
    let (front_text, body) = split_closing(after_open).ok_or_else(|| {
        Diagnostic::error(shown, 1, "the front matter is not closed")
            .hint("add a line with only `---` after the front matter")
    })?;
    let body_line = front_text.lines().count() + 3;
    let kind = Kind::of_path(&file.rel);
    let mut read = Fields { problems: Vec::new(), dropped: Vec::new() };
    let front = match kind {
        Kind::Group => yaml(front_text, shown, &mut read).map(Front::Group),
        Kind::Meeting => yaml(front_text, shown, &mut read).map(|f| Front::Meeting(Box::new(f))),
        Kind::Story => yaml(front_text, shown, &mut read).map(Front::Story),
        Kind::Article => yaml(front_text, shown, &mut read).map(Front::Article),
        Kind::Wiki | Kind::Page => yaml(front_text, shown, &mut read).map(Front::Page),
        Kind::Person => yaml(front_text, shown, &mut read).map(Front::Person),
    }?;
    forbidden_in_values(front_text, shown)?;
    Ok(Doc {
        kind,
        rel: file.rel.clone(),
        shown: shown.clone(),
        front,
        front_text: front_text.to_string(),
        body: body.to_string(),
        body_line,
        modified: file.modified,
        problems: read.problems,
        dropped: read.dropped,
    })
}

/// A forbidden character ([`crate::safe::is_forbidden`]) that a YAML escape (`"\0"`,
/// `"\x01"`, `"\uFFFF"`, `"\r"`) wrote into a value: the text of the file holds none (see
/// [`parse`]), so only front matter with a backslash needs this second reading.
fn forbidden_in_values(front: &str, shown: &PathBuf) -> Result<(), Diagnostic> {
    if !front.contains('\\') {
        return Ok(());
    }
    let Ok(serde_json::Value::Object(values)) = serde_saphyr::from_str::<serde_json::Value>(front) else {
        return Ok(());
    };
    fn first(v: &serde_json::Value) -> Option<(&str, char)> {
        match v {
            serde_json::Value::String(s) => crate::safe::first_forbidden(s).map(|(_, c)| (s.as_str(), c)),
            serde_json::Value::Array(items) => items.iter().find_map(first),
            serde_json::Value::Object(map) => map.values().find_map(first),
            _ => None,
        }
    }
    let found = values
        .iter()
        .filter(|(key, _)| !CHECKED_ON_THEIR_OWN.contains(&key.as_str()))
        .filter_map(|(key, v)| Some((key_line(front, key), key, first(v)?)))
        .min();
    match found {
        None => Ok(()),
        Some((line, key, (text, c))) => Err(Diagnostic::error(
            shown,
            line,
            format!("`{key}` {text:?} holds {}, {FORBIDDEN}", crate::safe::describe(c)),
        )
        .hint("remove the escape that writes it (such as \\0, \\x01, \\r or \\uFFFF) from the quoted text")),
    }
}

/// Fields whose own checks refuse every forbidden character, with a message of their own
/// (times, rules, zones, slugs and URLs).
const CHECKED_ON_THEIR_OWN: [&str; 14] = [
    "start",
    "end",
    "duration",
    "repeat",
    "except",
    "timezone",
    "slug",
    "online",
    "signup",
    "forum",
    "join",
    "url",
    "contact",
    "mailing_list",
];

/// The markdown body of a file's text, after its front matter (the whole text if it has
/// none that closes): a page's text as it was at an old revision.
pub fn body_of(text: &str) -> &str {
    text.strip_prefix("---\n").and_then(split_closing).map_or(text, |(_, body)| body)
}

/// Splits at the closing `---` line: (front matter, body).
fn split_closing(s: &str) -> Option<(&str, &str)> {
    if let Some(rest) = s.strip_prefix("---") {
        if rest.is_empty() || rest.starts_with('\n') {
            return Some(("", rest.strip_prefix('\n').unwrap_or(rest)));
        }
    }
    let mut offset = 0;
    for line in s.split_inclusive('\n') {
        if line.trim_end() == "---" && offset > 0 {
            return Some((&s[..offset], &s[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

/// What reading the fields found: errors of single fields, and the fields they left out.
struct Fields {
    problems: Vec<Diagnostic>,
    dropped: Vec<String>,
}

/// YAML -> a front-matter struct; errors point at the line inside the file. A syntax error
/// stops the reading (what follows it cannot be read); an error of one field (unknown, of
/// the wrong type) is kept in `read` and the field left out, so that every such error of the
/// file is found in one run.
fn yaml<T: for<'de> Deserialize<'de> + Default>(
    front: &str,
    shown: &PathBuf,
    read: &mut Fields,
) -> Result<T, Diagnostic> {
    if front.trim().is_empty() {
        return Ok(T::default());
    }
    let mut text = std::borrow::Cow::Borrowed(front);
    // Each round leaves one more top-level field out; a front matter has few.
    for _ in 0..64 {
        // serde-saphyr's default budget bounds events, aliases and depth: no YAML bombs.
        let e = match serde_saphyr::from_str(&text) {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let (line, col) = e.location().map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
        let message = plain_message(&e);
        // Until a field has been left out, the text may not be fields at all (a syntax error).
        if read.problems.is_empty() && !matches!(serde_saphyr::from_str(&text), Ok(serde_json::Value::Object(_))) {
            return Err(syntax::error(front, shown, line, &message));
        }
        read.problems.push(field_error(&text, shown, line, col, &message));
        // A misspelt field is one mistake: the field it stands for is not also "missing".
        if let Some((field, allowed)) = unknown_field(&message) {
            let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
            read.dropped.extend(crate::diag::closest(&field, allowed.iter().copied()).first().map(|s| s.to_string()));
        }
        // Without a place, which field to leave out is not known: the reading stops here.
        let at = e.location().and_then(|_| leave_out(&text, line));
        match at {
            Some((key, rest)) => {
                read.dropped.push(key);
                text = std::borrow::Cow::Owned(rest);
            }
            None => break,
        }
    }
    Err(read.problems.remove(0))
}

/// The error of one field, said in words.
fn field_error(front: &str, shown: &PathBuf, line: usize, col: usize, message: &str) -> Diagnostic {
    if let Some((field, allowed)) = unknown_field(message) {
        let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
        return Diagnostic::error(shown, line + 1, format!("unknown field `{field}`"))
            .at_column(col)
            .hint(crate::config::unknown_field_hint(&field, &allowed));
    }
    if let Some(e) = type_error(front, line, message) {
        return Diagnostic::error(shown, line + 1, e.0).at_column(col).hint(e.1);
    }
    let hint = if message.contains("invalid type") {
        "lists are written [\"a\", \"b\"] or one `- item` per line; text with a colon needs quotes"
    } else {
        "check the value on this line against the fields in docs/content-model.md"
    };
    Diagnostic::error(shown, line + 1, message).at_column(col).hint(hint)
}

/// The front matter with the top-level field that holds `line` (1-based) blanked out, lines
/// kept so that later errors keep their lines; and that field's name.
fn leave_out(front: &str, line: usize) -> Option<(String, String)> {
    let lines: Vec<&str> = front.lines().collect();
    let is_key = |l: &str| !l.starts_with([' ', '\t', '#', '-']) && l.contains(':');
    let first = (0..line.min(lines.len())).rev().find(|&i| is_key(lines[i]))?;
    let key = lines[first].split(':').next()?.trim().to_string();
    let last = (first + 1..lines.len()).find(|&i| is_key(lines[i])).unwrap_or(lines.len());
    let mut out = String::with_capacity(front.len());
    for (i, l) in lines.iter().enumerate() {
        if !(first..last).contains(&i) {
            out.push_str(l);
        }
        out.push('\n');
    }
    Some((key, out))
}

/// A value of the wrong type, said in words: the field (the key on the error's line, 1-based
/// within the front matter) and what it takes, with an example.
fn type_error(front: &str, line: usize, message: &str) -> Option<(String, String)> {
    if message.starts_with("expected string scalar") {
        let key = key_on(front, line)?;
        let hint = match key {
            "group" => {
                "write group: \"alma-cataloging\"; for several groups, groups: [\"alma-cataloging\", \"reference\"]"
                    .into()
            }
            _ => format!("write it like {key}: \"Main Library, Room 2\" (in quotes if it holds a `:`)"),
        };
        return Some((format!("`{key}` must be one piece of text, not a list or a set of fields"), hint));
    }
    let wants = match message {
        m if m.starts_with("invalid u32") || m.starts_with("invalid u64") || m.contains("expected u32") => {
            ("a whole number", "12")
        }
        m if m.starts_with("invalid boolean") || m.contains("expected a boolean") => ("true or false", "true"),
        m if m.starts_with("expected sequence start") || m.contains("expected a sequence") => {
            ("a list", "[\"cataloging\", \"alma\"]")
        }
        _ => return None,
    };
    let key = key_on(front, line)?;
    let text = front.lines().nth(line.checked_sub(1)?)?;
    let value = text.split_once(':')?.1.trim();
    let value = if value.starts_with(['"', '\'']) { value.to_string() } else { format!("\"{value}\"") };
    Some((format!("`{key}` must be {}, and {value} is not one", wants.0), format!("write it like {key}: {}", wants.1)))
}

/// The field named on `line` (1-based within the front matter), in a list item or not.
fn key_on(front: &str, line: usize) -> Option<&str> {
    let text = front.lines().nth(line.checked_sub(1)?)?;
    key_of(text.trim_start().trim_start_matches("- "))
}

/// The field name a line starts with (`title: …` → `title`).
fn key_of(line: &str) -> Option<&str> {
    let (k, _) = line.split_once(':')?;
    let k = k.trim();
    (!k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(k)
}

/// "unknown field `strat`, expected one of a, b" -> ("strat", [a, b]).
fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let list = rest.split_once("expected one of").map_or("", |(_, l)| l);
    let allowed = list.split(',').map(|a| a.trim().trim_matches('`').to_string()).filter(|a| !a.is_empty()).collect();
    Some((field.to_string(), allowed))
}

/// The error's message without the snippet and location that the crate adds.
fn plain_message(e: &serde_saphyr::Error) -> String {
    let text = e.without_snippet().to_string();
    let first = text.lines().next().unwrap_or("").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    match first.rfind(" at line ") {
        Some(i) => first[..i].trim_end_matches(',').to_string(),
        None => first.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, text: &str) -> SourceFile {
        SourceFile {
            rel: rel.into(),
            shown: PathBuf::from("content").join(rel),
            bytes: text.as_bytes().to_vec(),
            modified: None,
        }
    }

    #[test]
    fn splits_front_matter_and_body() {
        let d = parse(&file("meetings/a.md", "---\ntitle: A\nstart: \"2026-12-03 14:00\"\n---\nBody\n")).unwrap();
        assert_eq!(d.kind, Kind::Meeting);
        assert_eq!(d.body, "Body\n");
        assert_eq!(d.body_line, 5);
        assert_eq!(d.line_of("start"), 3);
        let Front::Meeting(m) = d.front else { panic!() };
        assert_eq!(m.start.as_deref(), Some("2026-12-03 14:00"));
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let d = parse(&file("about.md", "\u{feff}---\r\ntitle: About\r\n---\r\nHi\r\n")).unwrap();
        assert_eq!(d.kind, Kind::Page);
        assert_eq!(d.body, "Hi\n");
    }

    #[test]
    fn unknown_field_points_at_its_line() {
        let d = parse(&file("meetings/a.md", "---\ntitle: A\nstrat: x\ncapacity: many\n---\n")).unwrap();
        assert_eq!(
            d.dropped,
            ["start", "strat", "capacity"],
            "each field with an error is left out (and `start`, which `strat` stands for, is not called missing)"
        );
        let e = &d.problems[0];
        assert_eq!(d.problems.len(), 2);
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("strat"), "{e}");
        assert!(e.hint.as_deref().unwrap_or("").contains("did you mean `start`"), "{e}");
    }

    #[test]
    fn missing_and_unclosed_front_matter() {
        assert!(parse(&file("a.md", "# Hello\n")).unwrap_err().message.contains("missing front matter"));
        assert!(parse(&file("a.md", "---\ntitle: x\n")).unwrap_err().message.contains("not closed"));
        assert!(parse(&file("a.md", "")).unwrap_err().message.contains("empty"));
    }

    #[test]
    fn non_utf8_is_reported() {
        let mut f = file("a.md", "---\ntitle: x\n---\n");
        f.bytes.extend_from_slice(&[0xff, 0xfe]);
        assert!(parse(&f).unwrap_err().message.contains("UTF-8"));
    }
}
