//! Routes: every address of the site and the output file it is written to, and what may
//! name a file in the output folder. Every stage that makes an address (the model's pages,
//! the markdown's links, the render's lists, feeds and calendars) or turns text into a path
//! (the writer, the dev server's request paths, the theme's name) asks here, so there is one
//! rule for each.

use std::path::{Path, PathBuf};

/// The addresses of a site served under `base` (the path of its base URL: `""` at the root
/// of a host, `"/learn"` under a folder). Every address it makes starts with `base`.
#[derive(Debug, Clone, Copy)]
pub struct Routes<'a> {
    base: &'a str,
}

impl<'a> Routes<'a> {
    pub fn new(base: &'a str) -> Self {
        Routes { base }
    }

    /// The home page: `/`.
    pub fn home(self) -> String {
        format!("{}/", self.base)
    }

    /// The page of a `/`-separated path (a page's, or a section's: `groups`, `meetings/past`):
    /// `/groups/`; the home page for `""`.
    pub fn page(self, path: &str) -> String {
        if path.is_empty() {
            self.home()
        } else {
            format!("{}/{path}/", self.base)
        }
    }

    /// A file at the top of the site: `/calendar.ics`.
    pub fn file(self, name: &str) -> String {
        format!("{}/{name}", self.base)
    }

    /// The calendar of one meeting, next to its page: `/meetings/2027/alma.ics`.
    pub fn meeting_calendar(self, path: &str) -> String {
        format!("{}/{path}.ics", self.base)
    }

    /// The tag page of a tag's slug.
    pub fn tag(self, slug: &str) -> String {
        self.page(&format!("tags/{slug}"))
    }

    /// The month page of the calendar.
    pub fn month(self, year: i16, month: i8) -> String {
        self.page(&format!("calendar/{year:04}/{month:02}"))
    }

    /// A month of the continuing-education calendar.
    pub fn ce_month(self, year: i16, month: i8) -> String {
        self.page(&format!("ce/{year:04}/{month:02}"))
    }

    /// An address without the base path, as the output folder knows it: `/learn/a/` -> `/a/`.
    pub fn within(self, url: &'a str) -> &'a str {
        url.strip_prefix(self.base).unwrap_or(url)
    }

    /// The output file of a file's address: `/learn/a/calendar.ics` -> `a/calendar.ics`.
    pub fn file_output(self, url: &str) -> String {
        self.within(url).trim_start_matches('/').to_string()
    }

    /// The output file of a page address: `/learn/a/b/` -> `a/b/index.html`.
    pub fn output(self, url: &str) -> String {
        let dir = self.within(url).trim_matches('/');
        if dir.is_empty() {
            "index.html".to_string()
        } else {
            format!("{dir}/index.html")
        }
    }
}

/// Page `n` of a list whose first page is at `first`: `/stories/`, `/stories/page/2/`.
pub fn list_page(first: &str, n: usize) -> String {
    if n <= 1 {
        first.to_string()
    } else {
        format!("{first}page/{n}/")
    }
}

/// Every meeting of a group, past and upcoming: `/groups/alma/meetings/`.
pub fn meetings_of(page: &str) -> String {
    format!("{page}meetings/")
}

/// The Atom feed of a page (a group's): `/groups/alma/atom.xml`.
pub fn feed_of(page: &str) -> String {
    format!("{page}atom.xml")
}

/// The calendar feed of a page (a group's): `/groups/alma/calendar.ics`.
pub fn calendar_of(page: &str) -> String {
    format!("{page}calendar.ics")
}

/// The history of a page: `/wiki/a/history/`.
pub fn history_of(page: &str) -> String {
    format!("{page}history/")
}

/// The comparison of a page with one earlier revision: `/wiki/a/history/1a2b3c4/`.
pub fn revision_of(page: &str, short_sha: &str) -> String {
    format!("{page}history/{short_sha}/")
}

/// A single path component that cannot climb out of a folder.
/// Percent-encodes a query value: everything but the unreserved characters of RFC 3986
/// (letters, digits, `-`, `_`, `.`, `~`), by the `percent-encoding` crate.
pub fn encode_query(s: &str) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    const QUERY: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
    utf8_percent_encode(s, QUERY).to_string()
}

/// The changes feed of a group's page: `/groups/alma/` -> `/groups/alma/changes.xml`.
pub fn changes_of(page_url: &str) -> String {
    format!("{page_url}changes.xml")
}

pub fn is_safe_component(s: &str) -> bool {
    !s.is_empty() && s != "." && s != ".." && !s.contains(['/', '\\', ':', '\0']) && !s.chars().any(char::is_control)
}

/// `root` joined with a `/`-separated output path, if every part of it stays inside `root`.
pub fn safe_join(root: &Path, rel: &str) -> Option<PathBuf> {
    let mut p = root.to_path_buf();
    for part in rel.split('/') {
        if !is_safe_component(part) {
            return None;
        }
        p.push(part);
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_start_with_the_base_path_and_name_their_output() {
        for (base, home) in [("", "/"), ("/learn", "/learn/")] {
            let r = Routes::new(base);
            assert_eq!(r.home(), home);
            assert_eq!(r.page(""), home);
            assert_eq!(r.page("meetings/past"), format!("{base}/meetings/past/"));
            assert_eq!(r.month(2027, 3), format!("{base}/calendar/2027/03/"));
            assert_eq!(r.tag("alma"), format!("{base}/tags/alma/"));
            assert_eq!(r.output(&r.home()), "index.html");
            assert_eq!(r.output(&r.page("groups/alma")), "groups/alma/index.html");
            assert_eq!(r.file_output(&calendar_of(&r.page("groups/alma"))), "groups/alma/calendar.ics");
            assert_eq!(r.file_output(&r.meeting_calendar("meetings/2027/a")), "meetings/2027/a.ics");
            assert_eq!(r.file_output(&r.file("calendar.ics")), "calendar.ics");
        }
        assert_eq!(list_page("/stories/", 1), "/stories/");
        assert_eq!(list_page("/stories/", 3), "/stories/page/3/");
        assert_eq!(revision_of("/wiki/a/", "1a2b3c4"), "/wiki/a/history/1a2b3c4/");
    }

    #[test]
    fn paths_cannot_escape() {
        let root = Path::new("/out");
        assert_eq!(safe_join(root, "a/index.html"), Some(PathBuf::from("/out/a/index.html")));
        for bad in ["../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", "a\\b", "c:x", "a\0b"] {
            assert_eq!(safe_join(root, bad), None, "{bad}");
        }
        for c in ["..", ".", "a/b", "", "a\\b", "c:"] {
            assert!(!is_safe_component(c), "{c}");
        }
        assert!(is_safe_component("alma-circle"));
    }
}
