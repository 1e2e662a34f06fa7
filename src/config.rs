//! `moot.toml`: the site's settings, read raw with serde and then validated into [`Config`].

use crate::diag::{closest, Diagnostic};
use crate::time::{parse_duration, zone_by_name};
use jiff::tz::TimeZone;
use serde::Deserialize;
use std::path::Path;

/// moot.toml as written (every field optional here so that errors can name what is missing).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    base_url: Option<String>,
    timezone: Option<String>,
    language: Option<String>,
    theme: Option<String>,
    default_duration: Option<String>,
    history: Option<bool>,
    feed_past: Option<String>,
    repo: Option<String>,
    branch: Option<String>,
    image: Option<String>,
}

/// The validated site settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    /// Absolute, without a trailing slash: `https://learn.example.org` or `https://x.io/sub`.
    pub base_url: String,
    /// The path part of `base_url` ("" or "/sub"); prefixed to every link in the HTML.
    pub base_path: String,
    pub timezone_name: String,
    pub timezone: TimeZone,
    pub language: String,
    pub theme: Option<String>,
    pub default_duration: jiff::SignedDuration,
    /// Page history from git (default true).
    pub history: bool,
    /// How far back the site's, groups' and tags' .ics feeds reach (default 12 months).
    pub feed_past: jiff::Span,
    /// `feed_past` as written, for messages and the README's words.
    pub feed_past_text: String,
    /// The site's git repository on a forge (`repo`, `branch`): "Edit this page" links.
    pub repo: Option<Repo>,
    /// The image of link previews for pages without one of their own: an https URL, or an
    /// address on the site (`/static/og-image.png`, the base path added where it is used).
    pub image: Option<String>,
}

/// Which forge a repository is on: the addresses of its edit, history and new-file pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forge {
    GitHub,
    GitLab,
    /// Gitea, Forgejo and Codeberg.
    Gitea,
}

/// The site's repository: its web address, forge, branch, and where the site sits in it.
#[derive(Debug, Clone)]
pub struct Repo {
    /// `https://github.com/owner/name`, without `.git` or a final `/`.
    pub url: String,
    pub forge: Forge,
    pub branch: String,
    /// The site's folder inside the repository (`""`, or `site/` when it is not at the top),
    /// from git when the site is in a working copy.
    pub prefix: String,
}

impl Repo {
    /// The page that edits `path` (relative to the site's folder, `/`-separated).
    pub fn edit_url(&self, path: &str) -> String {
        let (url, branch, path) = (&self.url, &self.branch, format!("{}{path}", self.prefix));
        match self.forge {
            Forge::GitHub => format!("{url}/edit/{branch}/{path}"),
            Forge::GitLab => format!("{url}/-/edit/{branch}/{path}"),
            Forge::Gitea => format!("{url}/_edit/{branch}/{path}"),
        }
    }

    /// The page of `path`'s commits.
    pub fn history_url(&self, path: &str) -> String {
        let (url, branch, path) = (&self.url, &self.branch, format!("{}{path}", self.prefix));
        match self.forge {
            Forge::GitHub => format!("{url}/commits/{branch}/{path}"),
            Forge::GitLab => format!("{url}/-/commits/{branch}/{path}"),
            Forge::Gitea => format!("{url}/commits/branch/{branch}/{path}"),
        }
    }

    /// The page that adds a file named `name` in folder `dir` holding `text`, filled in.
    pub fn new_file_url(&self, dir: &str, name: &str, text: &str) -> String {
        let (url, branch, dir) = (&self.url, &self.branch, format!("{}{dir}", self.prefix));
        let (name, text) = (crate::routes::encode_query(name), crate::routes::encode_query(text));
        match self.forge {
            Forge::GitHub => format!("{url}/new/{branch}/{dir}?filename={name}&value={text}"),
            Forge::GitLab => format!("{url}/-/new/{branch}/{dir}?file_name={name}&content={text}"),
            Forge::Gitea => format!("{url}/_new/{branch}/{dir}?filename={name}&value={text}"),
        }
    }
}

/// `repo`: an https address of a repository on GitHub, GitLab, Codeberg or a Gitea.
fn parse_repo(text: &str) -> Result<(String, Forge), String> {
    let url = crate::safe::check_url(text, crate::safe::Accept::Web)?;
    let url = url.trim_end_matches('/').trim_end_matches(".git").to_string();
    let host = url.split("://").nth(1).and_then(|r| r.split('/').next()).unwrap_or("").to_ascii_lowercase();
    let path_parts = url.split("://").nth(1).map_or(0, |r| r.split('/').filter(|p| !p.is_empty()).count());
    if path_parts < 3 {
        return Err("it is not the address of a repository (https://host/owner/name)".into());
    }
    let forge = if host == "github.com" || host.ends_with(".github.com") {
        Forge::GitHub
    } else if host.contains("gitlab") {
        Forge::GitLab
    } else {
        Forge::Gitea
    };
    Ok((url, forge))
}

impl Config {
    /// An absolute URL for a root-relative one (`/sub/a/` -> `https://x.io/sub/a/`); one
    /// that is absolute already (`https://…`) as it is.
    pub fn absolute(&self, url: &str) -> String {
        if url.starts_with("https://") || url.starts_with("http://") {
            return url.to_string();
        }
        format!("{}{}", self.base_url, self.routes().within(url))
    }

    /// The site's addresses.
    pub fn routes(&self) -> crate::routes::Routes<'_> {
        crate::routes::Routes::new(&self.base_path)
    }
}

pub const FILE: &str = "moot.toml";

/// Parses and validates moot.toml's text. `path` is only used to name the file in errors.
pub fn parse(path: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
        vec![Diagnostic::error(path, line, e.message().trim().to_string())
            .at_column(col)
            .hint("moot.toml takes: title, base_url, timezone, language, theme, default_duration, history, feed_past, repo, branch, image")]
    })?;
    let line_of = |key: &str| text.lines().position(|l| l.trim_start().starts_with(key)).map_or(0, |i| i + 1);
    let mut errors = Vec::new();
    let title = raw.title.unwrap_or_else(|| {
        errors.push(
            Diagnostic::error(path, 0, "missing `title`").hint("add a line like: title = \"Our Learning Groups\""),
        );
        String::new()
    });
    let base_url = match raw.base_url {
        Some(u) => normalize_base_url(&u).unwrap_or_else(|why| {
            errors.push(
                Diagnostic::error(
                    path,
                    line_of("base_url"),
                    format!("`base_url` {:?} is not {BASE_URL_FORMS}: {why}", u.trim()),
                )
                .hint("write it like: base_url = \"https://learn.example.org\""),
            );
            String::new()
        }),
        None => {
            errors.push(
                Diagnostic::error(path, 0, "missing `base_url`")
                    .hint("add the address the site is published at: base_url = \"https://learn.example.org\""),
            );
            String::new()
        }
    };
    for (key, value) in [("title", &title), ("language", raw.language.as_ref().unwrap_or(&String::new()))] {
        if let Some((_, c)) = crate::safe::first_forbidden(value) {
            errors.push(
                Diagnostic::error(
                    path,
                    line_of(key),
                    format!("`{key}` {value:?} holds {}, which no page or feed may hold", crate::safe::describe(c)),
                )
                .hint("remove the escape that writes it (such as \\u0000 or \\r)"),
            );
        }
    }
    let timezone_name = raw.timezone.unwrap_or_else(|| "UTC".to_string());
    let timezone = zone_by_name(&timezone_name).unwrap_or_else(|hint| {
        errors.push(
            Diagnostic::error(path, line_of("timezone"), format!("unknown time zone {timezone_name:?}")).hint(hint),
        );
        TimeZone::UTC
    });
    let dd_text = raw.default_duration.unwrap_or_else(|| "2h".to_string());
    let default_duration = parse_duration(&dd_text).unwrap_or_else(|msg| {
        errors.push(
            Diagnostic::error(path, line_of("default_duration"), msg)
                .hint("write it like \"2h\", \"90m\" or \"1h30m\""),
        );
        jiff::SignedDuration::from_hours(2)
    });
    let feed_past_text = raw.feed_past.unwrap_or_else(|| "12 months".to_string());
    let feed_past = parse_feed_past(&feed_past_text).unwrap_or_else(|why| {
        errors.push(
            Diagnostic::error(
                path,
                line_of("feed_past"),
                format!("`feed_past` {feed_past_text:?} is not understood: {why}"),
            )
            .hint("write how far back the feeds reach, like feed_past = \"12 months\", \"2 years\" or \"90 days\""),
        );
        jiff::Span::new().months(12)
    });
    let repo = raw.repo.as_ref().and_then(|r| match parse_repo(r) {
        Ok((url, forge)) => Some(Repo {
            url,
            forge,
            branch: raw
                .branch
                .clone()
                .map(|b| b.trim().to_string())
                .filter(|b| !b.is_empty())
                .unwrap_or_else(|| "main".into()),
            prefix: String::new(),
        }),
        Err(why) => {
            errors.push(
                Diagnostic::error(
                    path,
                    line_of("repo"),
                    format!("`repo` {r:?} is not a repository's web address: {why}"),
                )
                .hint("write it like: repo = \"https://github.com/our-library/learning-groups\""),
            );
            None
        }
    });
    let image = raw.image.as_ref().and_then(|i| {
        let i = i.trim();
        if i.starts_with('/')
            && !i.starts_with("//")
            && !i.contains(|c: char| c.is_whitespace() || "\"<>\\`".contains(c))
        {
            return Some(i.to_string());
        }
        match crate::safe::check_url(i, crate::safe::Accept::Web) {
            Ok(u) => Some(u),
            Err(why) => {
                errors.push(
                    Diagnostic::error(
                        path,
                        line_of("image"),
                        format!("`image` {i:?} is not an address on the site or the web: {why}"),
                    )
                    .hint("write it like: image = \"/static/og-image.png\" (a file of static/) or an https:// address"),
                );
                None
            }
        }
    });
    if let Some(branch) = &raw.branch {
        if !crate::routes::is_safe_component(branch.trim())
            && !branch.trim().split('/').all(crate::routes::is_safe_component)
        {
            errors.push(Diagnostic::error(
                path,
                line_of("branch"),
                format!("`branch` {branch:?} is not a branch name"),
            ));
        }
    }
    if let Some(theme) = &raw.theme {
        if !crate::routes::is_safe_component(theme) {
            errors.push(Diagnostic::error(path, line_of("theme"), format!("theme {theme:?} is not a folder name")));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let base_path = parse_base_path(&base_url);
    Ok(Config {
        title,
        base_url,
        base_path,
        timezone_name,
        timezone,
        language: raw.language.unwrap_or_else(|| "en".to_string()),
        theme: raw.theme,
        default_duration,
        history: raw.history.unwrap_or(true),
        feed_past,
        feed_past_text,
        repo,
        image,
    })
}

/// `feed_past`: a number and a unit (days, weeks, months or years), or several ("1 year 6 months").
fn parse_feed_past(text: &str) -> Result<jiff::Span, String> {
    let span: jiff::Span =
        text.trim().parse().map_err(|_| "it is not a number and a unit of days, weeks, months or years".to_string())?;
    if span.is_negative() || span.is_zero() {
        return Err("it must be longer than zero".into());
    }
    if span.get_hours() != 0 || span.get_minutes() != 0 || span.get_seconds() != 0 || span.get_milliseconds() != 0 {
        return Err("give it in days, weeks, months or years".into());
    }
    if span.get_years() > 100 {
        return Err("it is longer than 100 years".into());
    }
    Ok(span)
}

/// What `base_url` takes, as messages say it.
pub const BASE_URL_FORMS: &str = "an absolute https:// or http:// URL";

/// `https://host/path/` -> `https://host/path`; else why it is not an absolute http(s) URL
/// with a host (see [`crate::safe::check_url`]), or holds a query or a fragment (the site's
/// addresses are made by appending paths to it).
pub fn normalize_base_url(url: &str) -> Result<String, String> {
    let url = crate::safe::check_url(url, crate::safe::Accept::Web)?;
    if let Some(c) = url.chars().find(|c| matches!(c, '?' | '#')) {
        return Err(format!(
            "it holds {c:?}; write only the address the site is published at, without a query or a fragment"
        ));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// The path part of a normalized base URL: "" or "/sub".
pub fn parse_base_path(base_url: &str) -> String {
    base_url.splitn(4, '/').nth(3).map(|p| format!("/{}", p.trim_matches('/'))).filter(|p| p != "/").unwrap_or_default()
}

/// The host of an absolute URL, for UIDs and tags.
pub fn host_of(url: &str) -> &str {
    url.split("://").nth(1).unwrap_or(url).split(['/', ':']).next().unwrap_or("")
}

/// 1-based line and column of a byte offset (one inside a character counts as that
/// character's start, so no offset makes it panic).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Names the allowed keys of a table when one is misspelt (used by front matter too).
pub fn unknown_field_hint(field: &str, allowed: &[&str]) -> String {
    let near = closest(field, allowed.iter().copied());
    let mut hint = String::new();
    if let Some(first) = near.first() {
        hint.push_str(&format!("did you mean `{first}`? "));
    }
    hint.push_str("allowed fields: ");
    hint.push_str(&allowed.join(", "));
    hint
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_full_config() {
        let c = parse(
            Path::new("moot.toml"),
            "title = \"T\"\nbase_url = \"https://x.org/sub/\"\ntimezone = \"Europe/Paris\"\n",
        )
        .unwrap();
        assert_eq!(c.base_url, "https://x.org/sub");
        assert_eq!(c.base_path, "/sub");
        assert_eq!(c.default_duration, jiff::SignedDuration::from_hours(2));
    }

    #[test]
    fn unknown_key_names_line() {
        let e = parse(Path::new("moot.toml"), "title = \"T\"\nbase_url = \"https://x.org\"\ntimzone = \"UTC\"\n")
            .unwrap_err();
        assert_eq!(e[0].line, 3);
        assert!(e[0].message.contains("timzone"), "{}", e[0].message);
    }

    #[test]
    fn line_col_counts_characters_and_takes_any_offset() {
        assert_eq!(line_col("ab\ncé\nd", 6), (2, 3));
        assert_eq!(line_col("é", 1), (1, 1));
        assert_eq!(line_col("a", 99), (1, 2));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn no_config_text_makes_parse_panic(
            text in proptest::prop_oneof![
                proptest::prelude::any::<String>(),
                "(title|base_url|timezone|default_duration|theme) = \"[a-zé日:/. \\n]{0,12}\"\n{0,3}",
            ],
            offset in 0usize..64,
        ) {
            let _ = parse(Path::new("moot.toml"), &text);
            let (line, col) = line_col(&text, offset);
            proptest::prop_assert!(line >= 1 && col >= 1);
        }
    }

    #[test]
    fn host_is_found() {
        assert_eq!(host_of("https://learn.example.org:8080/x"), "learn.example.org");
    }
}
