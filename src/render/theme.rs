//! The theme: tera templates and static files. The default theme is embedded in the binary
//! (so `moot` works anywhere); a site's `themes/NAME/templates/X.html` overrides the built-in
//! `X.html`, and its `themes/NAME/static/` files are copied over the built-in ones.

use crate::diag::Diagnostic;
use crate::load::Sources;
use include_dir::{include_dir, Dir};
use tera::Tera;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The built-in templates: (name, text).
pub fn builtin_templates() -> Vec<(&'static str, &'static str)> {
    let Some(dir) = DEFAULT_THEME.get_dir("templates") else { return Vec::new() };
    dir.files().filter_map(|f| Some((f.path().strip_prefix("templates").ok()?.to_str()?, f.contents_utf8()?))).collect()
}

/// The built-in static files: (output path, bytes).
pub fn builtin_statics() -> Vec<(String, &'static [u8])> {
    let mut out = Vec::new();
    if let Some(dir) = DEFAULT_THEME.get_dir("static") {
        collect(dir, &mut out);
    }
    out
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
    for f in dir.files() {
        if let Ok(rel) = f.path().strip_prefix("static") {
            out.push((rel.to_string_lossy().replace('\\', "/"), f.contents()));
        }
    }
    for d in dir.dirs() {
        collect(d, out);
    }
}

/// Compiles the templates once: built-in, then the site's overrides.
pub fn load(sources: &Sources) -> Result<Tera, Vec<Diagnostic>> {
    load_templates(&sources.templates)
}

/// The built-in templates with `overrides` (name, text, file shown in errors) in their place.
pub fn load_templates(overrides: &[(String, String, std::path::PathBuf)]) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_to);
    let mut all: Vec<(String, String)> =
        builtin_templates().into_iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
    for (name, text, _) in overrides {
        match all.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = text.clone(),
            None => all.push((name.clone(), text.clone())),
        }
    }
    tera.add_raw_templates(all).map_err(|e| {
        let own = |name: &str| overrides.iter().find(|(n, _, _)| n == name).map(|(_, _, p)| p.clone());
        vec![diagnose(&e, "", own).hint("fix the template syntax")]
    })?;
    Ok(tera)
}

/// Where a built-in template lives in moot's source, as errors show it.
fn builtin_path(name: &str) -> std::path::PathBuf {
    format!("themes/default/templates/{name}").into()
}

/// A tera error as a diagnostic: tera's message, the line, and the file of the template it
/// names (or of `rendering`, when it names none): the site's own (`own` finds it by name),
/// else the built-in one.
pub fn diagnose(e: &tera::Error, rendering: &str, own: impl Fn(&str) -> Option<std::path::PathBuf>) -> Diagnostic {
    let file = |name: &str| {
        let name = if name.is_empty() { rendering } else { name };
        own(name).unwrap_or_else(|| builtin_path(name))
    };
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            Diagnostic::error(file(r.filename()), r.span().start_line, one_line(r.message()))
        }
        // Several errors at once come as one message of reports: name the first.
        _ => {
            let text = e.to_string();
            let at = text.split("--> ").nth(1).unwrap_or("");
            let mut parts = at.split(':');
            let name = parts.next().unwrap_or("").trim();
            let line = parts.next().and_then(|l| l.trim().parse().ok()).unwrap_or(0);
            let first = text.split("error: ").find(|m| !m.trim().is_empty()).unwrap_or(&text);
            let first = first.split("-->").next().unwrap_or(first);
            Diagnostic::error(file(name), line, one_line(first))
        }
    }
}

/// [`push_escaped`] for tera: what its autoescape writes.
fn escape_to(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut result = Ok(());
    escape_runs(input, replacement, |piece| {
        if result.is_ok() {
            result = out.write_all(piece.as_bytes());
        }
    });
    result
}

/// Escapes what matters in HTML text and quoted attributes (`& < > " '`), also in attributes
/// a theme quotes with `'`, and drops the characters no page may hold
/// ([`crate::safe::is_forbidden`]: NUL, other controls, a stray CR, noncharacters).
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 16);
    push_escaped(&mut out, input);
    out
}

/// [`escape_html`] appended to `out`.
pub fn push_escaped(out: &mut String, input: &str) {
    escape_runs(input, replacement, |piece| out.push_str(piece));
}

fn replacement(b: u8) -> Option<&'static str> {
    match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#x27;"),
        b'\t' | b'\n' => None,
        0..=0x1f | 0x7f => Some(""),
        _ => None,
    }
}

/// Escaping by bytes, shared by the HTML and XML escapers: `emit` gets the runs of `input`
/// that `replace` leaves alone, whole, and in their place what it gives for the others. Every
/// byte `replace` changes must be ASCII, so the runs stay whole characters. The forbidden
/// characters that are not ASCII (C1 controls, noncharacters) are dropped here, for both.
pub fn escape_runs<'i>(input: &'i str, replace: impl Fn(u8) -> Option<&'static str>, mut emit: impl FnMut(&'i str)) {
    let bytes = input.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (replacement, len) = if b.is_ascii() {
            match replace(b) {
                Some(r) => (r, 1),
                None => {
                    i += 1;
                    continue;
                }
            }
        } else if !crate::safe::SUSPECT[usize::from(b)] {
            i += 1;
            continue;
        } else {
            match crate::safe::forbidden_len(&bytes[i..]) {
                0 => {
                    i += 1;
                    continue;
                }
                n => ("", n),
            }
        };
        emit(&input[run..i]);
        emit(replacement);
        i += len;
        run = i;
    }
    emit(&input[run..]);
}

fn one_line(msg: &str) -> String {
    msg.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::escape_html;
    use proptest::prelude::*;

    #[test]
    fn escapes_html_and_drops_what_no_page_may_hold() {
        assert_eq!(escape_html("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#x27;");
        assert_eq!(
            escape_html("a\u{0}b\u{1}c\rd\te\nf\u{7f}g\u{85}h\u{ffff}i\u{fffe}j\u{fdd0}k\u{10ffff}l"),
            "abcd\te\nfghijkl"
        );
        assert_eq!(escape_html("é ✓ 日本 😀 \u{fffd} \u{ff21}"), "é ✓ 日本 😀 \u{fffd} \u{ff21}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn escaped_text_holds_no_forbidden_character_and_loses_nothing_else(s in any::<String>()) {
            let out = escape_html(&s);
            prop_assert!(!crate::safe::has_forbidden(&out), "{:?}", out);
            let kept: String = s.chars().filter(|&c| !crate::safe::is_forbidden(c)).collect();
            let unescaped = out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#x27;", "'").replace("&amp;", "&");
            prop_assert_eq!(unescaped, kept);
        }
    }
}
