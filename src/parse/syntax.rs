//! YAML syntax errors in plain words. The parser says where it stopped and what it expected
//! ("mapping values are not allowed in this context"); a librarian needs to hear what is
//! wrong on which line and how to write it instead. Each case looks at the text itself, so
//! the line named is the line to change (an unclosed `[` is reported where it opens, not
//! where the parser noticed).

use super::key_of;
use crate::diag::Diagnostic;
use std::path::Path;

/// The syntax error of a front matter (`front`, the text between the `---` lines), of which
/// the parser said `message` at `line` (1-based within `front`).
pub(super) fn error(front: &str, shown: &Path, line: usize, message: &str) -> Diagnostic {
    let lines: Vec<&str> = front.lines().collect();
    let at = |n: usize, text: String, hint: String| Diagnostic::error(shown, n + 1, text).hint(hint);
    let text_of = |n: usize| lines.get(n.wrapping_sub(1)).copied().unwrap_or("");

    // A tab in the indentation: YAML indents with spaces only.
    if let Some(n) = lines.iter().position(|l| l.chars().take_while(|c| c.is_whitespace()).any(|c| c == '\t')) {
        if n < line + 1 || message.contains("tab") {
            return at(
                n + 1,
                "this line is indented with a tab".into(),
                "YAML indents with spaces only: replace the tab at the start of the line with spaces (two for each level)"
                    .into(),
            );
        }
    }
    // A quoted value not closed on its own line runs on into the next field.
    let open_quote = (1..=line.min(lines.len())).find(|&n| {
        let value = text_of(n).split_once(':').map_or("", |(_, v)| v.trim());
        value.starts_with('"') && value[1..].replace("\\\\", "").replace("\\\"", "").matches('"').count() == 0
    });
    let open_quote = open_quote.filter(|&n| n < line || message.contains("unclosed quote"));
    let bracket = unclosed_bracket(&lines);
    // Of an unclosed quote and an unclosed bracket, the first is the mistake (the other may
    // be inside it).
    if let Some(n) = open_quote.filter(|&n| bracket.is_none_or(|(b, _)| n <= b)) {
        let l = text_of(n).trim_end();
        return at(
            n,
            "the quoted text that starts on this line is not closed".into(),
            format!("end it with `\"` on the same line, e.g. {l}\""),
        );
    }
    // A list or mapping opened with `[` or `{` and never closed.
    if let Some((n, open)) = bracket {
        let key = key_of(text_of(n)).unwrap_or("summary");
        let (what, hint) = if open == '[' {
            (
                "the list that starts with `[` on this line is not closed".to_string(),
                format!("end it with `]` on the same line, e.g. {}]", text_of(n).trim_end()),
            )
        } else {
            (
                "the `{` on this line is not closed".to_string(),
                format!(
                    "`{{` starts a set of fields in YAML; if it is part of the text, put the text in quotes, e.g. {key}: \"{{text}}\""
                ),
            )
        };
        return at(n, what, hint);
    }
    let here = text_of(line);
    let key = key_of(here);
    if message.contains("unclosed quote") || message.contains("while scanning a quoted scalar") {
        let quote =
            here.split_once(':').map_or("\"", |(_, v)| if v.trim_start().starts_with('\'') { "'" } else { "\"" });
        return at(
            line,
            "the quoted text that starts on this line is not closed".into(),
            format!(
                "end it with the same quote mark ({quote}), e.g. {}: {quote}Bring a laptop{quote}",
                key.unwrap_or("summary")
            ),
        );
    }
    if message.contains("trailing content after") {
        let (k, value) = here.split_once(':').map_or(("title", here), |(k, v)| (k.trim(), v.trim()));
        return at(
            line,
            format!("there is text after the closing quote of `{k}`"),
            format!("put the whole value inside one pair of quotes, e.g. {k}: '{}'", value.replace('\'', "''")),
        );
    }
    if let Some(dup) = message.strip_prefix("duplicate mapping key: ") {
        let dup = dup.split(',').next().unwrap_or(dup).trim();
        let first = lines.iter().position(|l| key_of(l) == Some(dup)).map_or(line, |i| i + 1);
        return at(
            line,
            format!("`{dup}` is written twice, on lines {} and {}", first + 1, line + 1),
            "keep one of them (a field is given once)".into(),
        );
    }
    if message.contains("expected mapping start") {
        return at(
            line,
            "the front matter must be fields written `name: value`, one on each line".into(),
            "e.g.\n  ---\n  title: \"Cataloging circle\"\n  tags: [\"alma\"]\n  ---".into(),
        );
    }
    if let Some(c) = message.strip_prefix("unexpected character: `").and_then(|r| r.chars().next()) {
        return value_start(at, line, here, &c.to_string());
    }
    if message.contains("block sequence entries are not allowed") {
        return value_start(at, line, here, "- ");
    }
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mapping = message.contains("mapping values are not allowed");
    // `title: Alma: sets and jobs`: a second `: ` in a plain value on a field's own line.
    if mapping && indent(here) == 0 {
        if let Some((k, value)) = here.split_once(':') {
            let value = value.trim();
            if !value.starts_with(['"', '\'']) && value.contains(": ") {
                return at(
                    line,
                    format!("the value of `{}` holds `: `, which YAML reads as the start of another field", k.trim()),
                    format!("put the value in double quotes, e.g. {}: \"{}\"", k.trim(), value.replace('"', "\\\"")),
                );
            }
        }
    }
    // A line indented where the lines above do not make room for it.
    if mapping || message.contains("did not find expected") {
        let above = (1..line)
            .rev()
            .map(|n| (n, text_of(n)))
            .find(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        if let Some((n, prev)) = above {
            // The list item this line is under: above it, and not past a field of its own line.
            let item = (1..line)
                .rev()
                .map(text_of)
                .take_while(|l| l.starts_with([' ', '-']) || l.trim().is_empty())
                .find(|l| l.trim_start().starts_with("- "));
            return match item {
                Some(item) if indent(here) > 0 => {
                    let want = indent(item) + 2;
                    at(
                        line,
                        "this line does not line up with the fields of the list item above it".into(),
                        format!(
                            "indent it by {want} spaces, so that `{}` starts under `{}`",
                            key_of(here.trim_start()).unwrap_or("it"),
                            key_of(item.trim_start().trim_start_matches("- ")).unwrap_or("the field above")
                        ),
                    )
                }
                _ if indent(here) > indent(prev) => at(
                    line,
                    format!("this line is indented more than line {}, which is not a list or a group of fields", n + 1),
                    "fields of the front matter start at the beginning of the line: remove the spaces before it".into(),
                ),
                _ => at(
                    line,
                    "this line is indented differently from the lines above it".into(),
                    "fields of the front matter start at the beginning of the line; the items of a list line up under each other"
                        .into(),
                ),
            };
        }
    }
    at(
        line,
        format!("the front matter is not valid YAML (the YAML reader says: {message})"),
        "check this line for a missing quote, bracket or colon; text with `: ` or ` #` in it needs quotes, e.g. title: \"Alma: sets and jobs\""
            .into(),
    )
}

/// "a value cannot start with `@` unless it is quoted".
fn value_start(at: impl Fn(usize, String, String) -> Diagnostic, line: usize, here: &str, start: &str) -> Diagnostic {
    let (k, value) = here.split_once(':').map_or(("summary", here.trim()), |(k, v)| (k.trim(), v.trim()));
    at(
        line,
        format!("the value of `{k}` starts with `{}`, which YAML keeps for itself", start.trim()),
        format!("put the value in double quotes, e.g. {k}: \"{}\"", value.replace('"', "\\\"")),
    )
}

/// The 1-based line of the first `[` or `{` never closed, outside quotes and comments.
fn unclosed_bracket(lines: &[&str]) -> Option<(usize, char)> {
    let mut open: Vec<(usize, char)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let mut quote = None;
        let mut prev = ' '; // the start of a line is where a value may start
        for c in l.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                // A quote opens a value only where a value starts (not the `'` of "it's").
                (None, '"' | '\'') if prev.is_whitespace() || matches!(prev, ':' | '[' | '{' | ',') => quote = Some(c),
                (None, '#') if prev.is_whitespace() => break,
                (None, '[' | '{') => open.push((i + 1, c)),
                (None, ']' | '}') => drop(open.pop()),
                _ => {}
            }
            prev = c;
        }
    }
    open.first().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(front: &str) -> String {
        let e = serde_saphyr::from_str::<serde_json::Value>(front).unwrap_err();
        let line = e.location().map_or(1, |l| l.line() as usize);
        let message = super::super::plain_message(&e);
        error(front, Path::new("a.md"), line, &message).to_string()
    }

    #[test]
    fn each_mistake_has_its_words() {
        assert!(said("title: A\ntags: [a, b\nsummary: x\n").starts_with("a.md:3:1: error: the list that starts"));
        assert!(said("title: A\n\tsummary: x\n").contains("a.md:3:1: error: this line is indented with a tab"));
        assert!(said("title: Alma: sets and jobs\n").contains("holds `: `"));
        assert!(said("title: A\n  summary: x\n").contains("indented more than line 2"));
        assert!(said("title: A\nsessions:\n  - date: x\n   note: y\n").contains("indent it by 4 spaces"));
        let after_a_list = said("title: A\ntags:\n  - a\nsummary: x\n  location: y\n");
        assert!(after_a_list.contains("indented more than line 5"), "not under the list above: {after_a_list}");
        assert!(said("title: A\nsummary: \"open\nleader: x\n").contains("not closed"));
        assert!(said("title: A\ntitle: B\n").contains("`title` is written twice, on lines 2 and 3"));
        assert!(said("title: A\nsummary: @x\n").contains("starts with `@`"));
    }

    #[test]
    fn brackets_inside_quotes_are_text() {
        assert_eq!(unclosed_bracket(&["title: \"[draft\"", "tags: [a]"]), None);
        assert_eq!(unclosed_bracket(&["title: x", "tags: [a, \"b]\""]), Some((2, '[')));
        assert_eq!(unclosed_bracket(&["note: it's [fine]", "tags: [a"]), Some((2, '[')));
    }
}
