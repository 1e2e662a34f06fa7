//! The one escaper of HTML and XML text: every byte that matters replaced, and the
//! characters no page or feed may hold dropped ([`crate::safe`]). Tera's autoescape, the
//! compare pages' diff rows and the error overlay use [`push_escaped`]; the Atom feeds and the
//! sitemap [`push_xml`]. (The markdown's html is pulldown-cmark's own; the calendar feeds have
//! their own escaping, RFC 5545's, in [`super::ics`].)

/// [`push_escaped`] for tera: what its autoescape writes.
pub(crate) fn escape_to(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
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
pub(crate) fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 16);
    push_escaped(&mut out, input);
    out
}

/// [`escape_html`] appended to `out`.
pub(crate) fn push_escaped(out: &mut String, input: &str) {
    escape_runs(input, replacement, |piece| out.push_str(piece));
}

/// The HTML table: `'` as `&#x27;` (HTML has no `&apos;` before HTML5).
fn replacement(b: u8) -> Option<&'static str> {
    entities(b, "&#x27;")
}

/// What HTML and XML both replace: the entities (`'` as `apos`), and the controls neither
/// may hold (a stray CR and DEL among them) dropped; tabs and line breaks kept.
const fn entities(b: u8, apos: &'static str) -> Option<&'static str> {
    match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some(apos),
        b'\t' | b'\n' => None,
        0..=0x1f | 0x7f => Some(""),
        _ => None,
    }
}

/// The bytes both escapers pass on as they are: ASCII that [`entities`] leaves alone, and
/// the bytes that cannot start a forbidden character ([`crate::safe::SUSPECT`]).
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if b < 128 { entities(b as u8, "").is_none() } else { !crate::safe::SUSPECT[b] };
        b += 1;
    }
    table
};

/// Escaping by bytes, shared by the HTML and XML escapers (whose `replace` leaves alone at
/// least the bytes [`PLAIN`] says are plain): `emit` gets the runs of `input`
/// that `replace` leaves alone, whole, and in their place what it gives for the others. Every
/// byte `replace` changes must be ASCII, so the runs stay whole characters. The forbidden
/// characters that are not ASCII (C1 controls, noncharacters) are dropped here, for both.
pub(crate) fn escape_runs<'i>(
    input: &'i str,
    replace: impl Fn(u8) -> Option<&'static str>,
    mut emit: impl FnMut(&'i str),
) {
    let bytes = input.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Most bytes are plain: one look in a table each (this is half of tera's output).
        while i < bytes.len() && PLAIN[usize::from(bytes[i])] {
            i += 1;
        }
        let Some(&b) = bytes.get(i) else { break };
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

/// Escapes text for XML (the feeds, the sitemap): the five entities, and what XML 1.0 may
/// not hold dropped.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_xml(&mut out, s);
    out
}

/// [`xml_escape`] appended to `out`.
pub(crate) fn push_xml(out: &mut String, s: &str) {
    escape_runs(s, xml_replacement, |piece| out.push_str(piece));
}

/// The XML entities; the controls XML 1.0 does not allow, a stray CR and DEL are dropped
/// (and by [`escape_runs`] the C1 controls and noncharacters, U+FFFE and
/// U+FFFF among them, which XML does not allow either).
fn xml_replacement(b: u8) -> Option<&'static str> {
    entities(b, "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn escapes_xml_and_drops_control_characters() {
        assert_eq!(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(xml_escape("é\u{1}x\ty\nz\r"), "éx\ty\nz");
        assert_eq!(xml_escape("a\u{0}b\u{ffff}c\u{fffe}d\u{85}e"), "abcde");
        assert_eq!(xml_escape("“quoted” – ✓"), "“quoted” – ✓");
    }
}
