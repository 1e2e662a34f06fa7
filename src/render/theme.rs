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
    tera.set_escape_fn(super::escape::escape_to);
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

fn one_line(msg: &str) -> String {
    msg.split_whitespace().collect::<Vec<_>>().join(" ")
}
