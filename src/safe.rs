//! What authors write that ends up in links, pages and feeds, checked so that it cannot
//! become code or break a feed: URL fields may only be web addresses (`https://`, `http://`)
//! and mail addresses, markdown links may not run code ([`code_scheme`]), and no page, feed
//! or calendar holds a character that XML forbids or that means nothing in text
//! ([`is_forbidden`]).

/// What a URL field of the front matter or of moot.toml accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accept {
    /// `https://host/…` or `http://host/…`.
    Web,
    /// A web address or `mailto:someone@example.org`.
    WebOrMailto,
    /// `someone@example.org`, or the same after `mailto:`.
    Email,
    /// An email address (with or without `mailto:`) or a web address.
    EmailOrWeb,
}

impl Accept {
    /// What the field takes, as messages say it: "an https:// or http:// URL".
    pub(crate) fn forms(self) -> &'static str {
        match self {
            Accept::Web => "an https:// or http:// URL",
            Accept::WebOrMailto => "an https:// or http:// URL or a mailto: address",
            Accept::Email => "an email address",
            Accept::EmailOrWeb => "an email address or an https:// or http:// URL",
        }
    }
}

/// The schemes that can run code or carry a document of their own.
const CODE_SCHEMES: [&str; 3] = ["javascript", "vbscript", "data"];

/// Checks the value of a URL field: `Ok` with the value to use (trimmed, its scheme in lower
/// case), or `Err` with why it is refused, to follow "`key` "value" is not FORMS: ".
pub(crate) fn check_url(value: &str, accept: Accept) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("it is empty".into());
    }
    if let Some(c) = v.chars().find(|&c| is_forbidden(c) || c.is_control()) {
        return Err(match c {
            '\n' | '\r' => format!("it holds a line break ({c:?})"),
            c if is_noncharacter(c) => format!("it holds the noncharacter {}", code_point(c)),
            c => format!("it holds the control character {} ({c:?})", code_point(c)),
        });
    }
    if let Some(c) = v.chars().find(|c| c.is_whitespace()) {
        let shown = if c == ' ' { String::new() } else { format!(" ({c:?})") };
        return Err(if accept == Accept::Email {
            format!("it holds a space{shown}")
        } else {
            format!("it holds a space{shown}; write a space in a URL as %20")
        });
    }
    if let Some(c) = v.chars().find(|c| matches!(c, '"' | '<' | '>' | '\\' | '`')) {
        return Err(format!("it holds {c:?}, which a URL cannot hold; write it as %{:02X}", c as u32));
    }
    let scheme = scheme_of(v).map(str::to_ascii_lowercase);
    let email_ok = matches!(accept, Accept::Email | Accept::EmailOrWeb);
    let web_ok = accept != Accept::Email;
    match scheme.as_deref() {
        Some(s @ ("http" | "https")) if web_ok => {
            let rest = &v[s.len() + 1..];
            web_rest(s, rest).map(|()| format!("{s}:{rest}"))
        }
        Some("mailto") if accept != Accept::Web => {
            let rest = &v["mailto:".len()..];
            mail_rest(rest)?;
            // A contact is kept as the bare address; the theme writes the `mailto:` itself.
            Ok(if accept == Accept::Email { rest.to_string() } else { format!("mailto:{rest}") })
        }
        Some(s) if CODE_SCHEMES.contains(&s) => Err(format!("a `{s}:` URL could run code in the page")),
        Some(s) => Err(format!("`{s}:` addresses are not allowed here")),
        None if email_ok && v.contains('@') && v.contains(':') => {
            Err("it holds \":\", which an email address cannot hold".into())
        }
        None if email_ok && v.contains('@') && !v.contains('/') => mail_rest(v).map(|()| v.to_string()),
        None if v.contains('@') && accept == Accept::WebOrMailto && !v.contains('/') => {
            Err(format!("an email address needs mailto: before it here; write \"mailto:{v}\""))
        }
        None if v.starts_with("//") => Err(format!("it starts with // but has no scheme; write https:{v}")),
        None if looks_like_host(v) => Err(format!("it does not start with https:// (did you mean \"https://{v}\"?)")),
        None => Err("it does not start with https://".into()),
    }
}

/// The scheme of a URL as written (the letters before its first `:`), if it has one.
fn scheme_of(v: &str) -> Option<&str> {
    let (scheme, _) = v.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
        .then_some(scheme)
}

/// What follows `http:` or `https:`: `//`, a host (and port), then anything.
fn web_rest(scheme: &str, rest: &str) -> Result<(), String> {
    let Some(after) = rest.strip_prefix("//") else {
        return Err(format!("it has no // after {scheme}:; write {scheme}://host/path"));
    };
    let authority = after.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.is_empty() {
        return Err(format!("it has no host after {scheme}://"));
    }
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => {
            let (ip, after_ip) = v6.split_once(']').unwrap_or((v6, "?"));
            if ip.is_empty() || !ip.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
                return Err(format!("its host {host_port:?} is not a domain name or an IP address"));
            }
            match after_ip {
                "" => (ip, None),
                p => (ip, Some(p.strip_prefix(':').unwrap_or(p))),
            }
        }
        None => match host_port.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        },
    };
    if let Some(p) = port {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("its port {p:?} is not a number"));
        }
    }
    if !host_port.starts_with('[') && !is_domain(host) {
        return Err(format!("its host {host:?} is not a domain name"));
    }
    Ok(())
}

/// A domain name (international ones too) or an IPv4 address: labels of letters, digits,
/// `-` and `_`, separated by single dots.
fn is_domain(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    !host.is_empty()
        && host
            .split('.')
            .all(|label| !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_'))
}

/// Whether a value without a scheme starts like `www.example.org/…`, so that the message
/// can suggest the URL meant.
fn looks_like_host(v: &str) -> bool {
    let host = v.split(['/', '?', '#']).next().unwrap_or("");
    host.contains('.') && is_domain(host)
}

/// What follows `mailto:` (or a bare address): addresses separated by commas, then
/// optionally `?subject=…`.
fn mail_rest(rest: &str) -> Result<(), String> {
    let (to, _query) = rest.split_once('?').unwrap_or((rest, ""));
    if to.is_empty() {
        return Err("it has no address after mailto:".into());
    }
    for address in to.split(',') {
        if !is_email(address) {
            return Err(format!("{address:?} is not an email address"));
        }
    }
    Ok(())
}

/// `local@domain`, without quotes, comments or a second `@`.
fn is_email(address: &str) -> bool {
    match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !local.contains(['(', ')', '<', '>', '[', ']', ',', ';', ':', '@', '"'])
                && !local.starts_with('.')
                && !local.ends_with('.')
                && is_domain(domain)
        }
        None => false,
    }
}

/// If a markdown link's destination has a scheme that can run code or carry a document of
/// its own (`javascript:`, `vbscript:`, `data:`), that scheme in lower case. Read as a browser
/// reads it: control characters and spaces around it dropped, tabs and line breaks dropped
/// anywhere, letters compared without case, so `java\tscript:` and ` JavaScript:` are found.
pub(crate) fn code_scheme(dest: &str) -> Option<&'static str> {
    let mut scheme = String::with_capacity(12);
    for c in dest.chars() {
        match c {
            ':' => break,
            c if c.is_ascii_control() || c.is_whitespace() => continue,
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                if scheme.len() >= 16 {
                    return None;
                }
                scheme.push(c.to_ascii_lowercase());
            }
            // A `/`, `?`, `#` or any other character before the first `:`: no scheme at all.
            _ => return None,
        }
    }
    if !dest.contains(':') {
        return None;
    }
    CODE_SCHEMES.into_iter().find(|&s| s == scheme)
}

/// Whether a `data:` image destination holds a raster image (PNG, GIF, JPEG, WebP, AVIF),
/// which can hold no script. SVG and every other type are refused: an SVG holds script, and
/// is run when the image is opened on its own.
pub(crate) fn is_raster_data_image(dest: &str) -> bool {
    let clean: String =
        dest.chars().filter(|c| !c.is_ascii_control() && !c.is_whitespace()).take(32).collect::<String>();
    let lower = clean.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("data:image/") else { return false };
    let mime = rest.split([';', ',']).next().unwrap_or("");
    ["png", "gif", "jpeg", "jpg", "webp", "avif"].contains(&mime) && rest.len() > mime.len()
}

/// Whether a character may appear in no page, feed or calendar: a control character other
/// than tab and line feed (a carriage return included: files have their line ends made line
/// feeds when read), or a noncharacter (U+FFFE, U+FFFF, U+FDD0 to U+FDEF and the last two of
/// every plane). XML forbids the C0 controls and U+FFFE/U+FFFF; HTML calls all of them
/// errors.
pub(crate) fn is_forbidden(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || is_noncharacter(c)
}

/// U+FDD0 to U+FDEF, and U+nFFFE and U+nFFFF of every plane.
pub(crate) fn is_noncharacter(c: char) -> bool {
    let u = c as u32;
    (0xFDD0..=0xFDEF).contains(&u) || u & 0xFFFE == 0xFFFE
}

/// How many bytes of a forbidden character start `bytes` (0 if none does). Only lead bytes
/// of C1 controls (0xC2) and noncharacters (0xEF, 0xF0 to 0xF4) can start one that is not
/// ASCII; the ASCII ones are the escapers' own business.
pub(crate) fn forbidden_len(bytes: &[u8]) -> usize {
    match bytes {
        [0xC2, 0x80..=0x9F, ..] => 2,
        [0xEF, 0xB7, 0x90..=0xAF, ..] | [0xEF, 0xBF, 0xBE | 0xBF, ..] => 3,
        [0xF0..=0xF4, b1, 0xBF, 0xBE | 0xBF, ..] if b1 & 0x0F == 0x0F => 4,
        _ => 0,
    }
}

/// The bytes that are, or may start, a forbidden character: the controls but tab and line
/// feed, DEL, and the lead bytes of [`forbidden_len`].
pub(crate) const SUSPECT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b != b'\t' as usize && b != b'\n' as usize;
        b += 1;
    }
    table[0x7f] = true;
    table[0xC2] = true;
    table[0xEF] = true;
    let mut lead = 0xF0;
    while lead <= 0xF4 {
        table[lead] = true;
        lead += 1;
    }
    table
};

/// Whether `s` holds a forbidden character, by a scan of its bytes: eight at a time while
/// they are printable ASCII (most text), else one table lookup for each.
pub(crate) fn has_forbidden(s: &str) -> bool {
    let b = s.as_bytes();
    let forbidden_at = |i: usize| SUSPECT[usize::from(b[i])] && (b[i] < 0x80 || forbidden_len(&b[i..]) > 0);
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // The top bit of a byte is set where it is below 0x20 (the first term), or 0x7f and
        // above (the second): never clear where it is so, sometimes set where it is not.
        let below = x.wrapping_sub(0x2020_2020_2020_2020) & !x;
        let above = x.wrapping_add(0x0101_0101_0101_0101) | x;
        if (below | above) & 0x8080_8080_8080_8080 != 0 && (i..i + 8).any(forbidden_at) {
            return true;
        }
        i += 8;
    }
    (i..b.len()).any(forbidden_at)
}

/// `s` without its forbidden characters.
pub(crate) fn strip_forbidden(s: &str) -> String {
    s.chars().filter(|&c| !is_forbidden(c)).collect()
}

/// The first forbidden character of `s` and its byte offset.
pub(crate) fn first_forbidden(s: &str) -> Option<(usize, char)> {
    if !has_forbidden(s) {
        return None;
    }
    s.char_indices().find(|&(_, c)| is_forbidden(c))
}

/// What a forbidden character is, for messages: "the control character U+0000 (NUL)".
pub(crate) fn describe(c: char) -> String {
    if is_noncharacter(c) {
        return format!("the noncharacter {}", code_point(c));
    }
    let name = match c {
        '\0' => " (NUL)",
        '\r' => " (carriage return)",
        '\u{1b}' => " (escape)",
        '\u{7f}' => " (delete)",
        _ => "",
    };
    format!("the control character {}{name}", code_point(c))
}

fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn web_addresses_are_accepted_and_their_scheme_lower_cased() {
        for (v, want) in [
            ("https://example.org", "https://example.org"),
            ("  http://example.org/a?b=1&c=2#x  ", "http://example.org/a?b=1&c=2#x"),
            ("HTTPS://Example.org/A", "https://Example.org/A"),
            ("https://user@example.org:8080/x", "https://user@example.org:8080/x"),
            ("https://[2001:db8::1]:443/", "https://[2001:db8::1]:443/"),
            ("https://bücher.example/", "https://bücher.example/"),
            ("https://192.168.1.2/x", "https://192.168.1.2/x"),
            ("https://example.org/%20a", "https://example.org/%20a"),
        ] {
            assert_eq!(check_url(v, Accept::Web).as_deref(), Ok(want), "{v:?}");
        }
    }

    #[test]
    fn mail_addresses_are_accepted_where_allowed() {
        let ok = |v: &str, a| check_url(v, a).unwrap_or_else(|e| panic!("{v:?}: {e}"));
        assert_eq!(
            ok("mailto:a@example.org?subject=Hi%20there", Accept::WebOrMailto),
            "mailto:a@example.org?subject=Hi%20there"
        );
        assert_eq!(ok("MAILTO:a@example.org", Accept::WebOrMailto), "mailto:a@example.org");
        assert_eq!(ok("a@example.org", Accept::Email), "a@example.org");
        assert_eq!(ok("mailto:a@example.org", Accept::Email), "a@example.org");
        assert_eq!(ok("list@lists.example.org", Accept::EmailOrWeb), "list@lists.example.org");
        assert_eq!(ok("https://lists.example.org/x", Accept::EmailOrWeb), "https://lists.example.org/x");
        assert!(check_url("mailto:a@example.org", Accept::Web).is_err());
        assert!(check_url("a@example.org", Accept::WebOrMailto).is_err());
        assert!(check_url("https://example.org", Accept::Email).is_err());
    }

    #[test]
    fn everything_else_is_refused_with_a_reason() {
        let why = |v: &str, a| check_url(v, a).unwrap_err();
        assert_eq!(why("javascript:alert(1)", Accept::Web), "a `javascript:` URL could run code in the page");
        assert_eq!(
            why("JavaScript://x@example.org/%0Aalert(1)", Accept::Email),
            "a `javascript:` URL could run code in the page"
        );
        assert_eq!(why("data:text/html,<b>", Accept::Web), "it holds '<', which a URL cannot hold; write it as %3C");
        assert_eq!(why("data:text/html;base64,PGI+", Accept::WebOrMailto), "a `data:` URL could run code in the page");
        assert_eq!(why("vbscript:msgbox", Accept::Web), "a `vbscript:` URL could run code in the page");
        assert_eq!(why("file:///etc/passwd", Accept::Web), "`file:` addresses are not allowed here");
        assert_eq!(why("mailto:a@example.org", Accept::Web), "`mailto:` addresses are not allowed here");
        assert_eq!(
            why("www.example.org/x", Accept::Web),
            "it does not start with https:// (did you mean \"https://www.example.org/x\"?)"
        );
        assert_eq!(why("../x", Accept::Web), "it does not start with https://");
        assert_eq!(why("//example.org", Accept::Web), "it starts with // but has no scheme; write https://example.org");
        assert_eq!(why("https://", Accept::Web), "it has no host after https://");
        assert_eq!(why("https:example.org", Accept::Web), "it has no // after https:; write https://host/path");
        assert_eq!(why("https://exa mple.org", Accept::Web), "it holds a space; write a space in a URL as %20");
        assert_eq!(why("https://x.org/a\nb", Accept::Web), "it holds a line break ('\\n')");
        assert_eq!(why("https://x.org/\r\nDisallow: /", Accept::Web), "it holds a line break ('\\r')");
        assert_eq!(why("https://x.org/\u{0}", Accept::Web), "it holds the control character U+0000 ('\\0')");
        assert_eq!(why("https://x.org/\u{ffff}", Accept::Web), "it holds the noncharacter U+FFFF");
        assert_eq!(why("https://x.org:80a/", Accept::Web), "its port \"80a\" is not a number");
        assert_eq!(why("https://x..org/", Accept::Web), "its host \"x..org\" is not a domain name");
        assert_eq!(
            why("https://x.org\\@evil.org/", Accept::Web),
            "it holds '\\\\', which a URL cannot hold; write it as %5C"
        );
        assert_eq!(why("mailto:", Accept::WebOrMailto), "it has no address after mailto:");
        assert_eq!(why("mailto:nobody", Accept::WebOrMailto), "\"nobody\" is not an email address");
        assert_eq!(why("", Accept::Web), "it is empty");
    }

    #[test]
    fn code_schemes_are_found_as_browsers_read_them() {
        for d in [
            "javascript:alert(1)",
            "  JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:x",
            "\u{1}javascript:x",
            "javascript://%0aalert(1)",
        ] {
            assert_eq!(code_scheme(d), Some("javascript"), "{d:?}");
        }
        assert_eq!(code_scheme("VBScript:x"), Some("vbscript"));
        assert_eq!(code_scheme("data:text/html,x"), Some("data"));
        for d in
            ["https://x.org/javascript:x", "/javascript:x", "./javascript:x", "page.md", "javascript", "#javascript:x"]
        {
            assert_eq!(code_scheme(d), None, "{d:?}");
        }
    }

    #[test]
    fn only_raster_images_may_be_data() {
        assert!(is_raster_data_image("data:image/png;base64,iVBOR"));
        assert!(is_raster_data_image(" DATA:image/GIF;base64,R0lG"));
        assert!(!is_raster_data_image("data:image/svg+xml;base64,PHN2Zz4="));
        assert!(!is_raster_data_image("data:text/html,x"));
        assert!(!is_raster_data_image("data:image/png"));
    }

    #[test]
    fn the_scan_of_eight_bytes_at_a_time_misses_nothing_at_any_place() {
        // Each edge of printable ASCII, and a forbidden character of each length, at every
        // place of text long enough for a few chunks of eight.
        for c in ['\u{1f}', ' ', '~', '\u{7f}', '\t', '\n', '\0', '\u{85}', '\u{fdd0}', '\u{1fffe}', 'é', '€', '😀']
        {
            for at in 0..24 {
                let s: String =
                    "abcdefghijklmnopqrstuvwxyz".chars().take(at).chain([c]).chain("0123456789".chars()).collect();
                assert_eq!(has_forbidden(&s), is_forbidden(c), "{c:?} at {at}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// The byte scan agrees with the character test.
        #[test]
        fn the_byte_scan_finds_what_the_character_test_finds(s in any::<String>()) {
            prop_assert_eq!(has_forbidden(&s), s.chars().any(is_forbidden));
            let mut lens = Vec::new();
            for (i, c) in s.char_indices() {
                if !c.is_ascii() {
                    lens.push((forbidden_len(&s.as_bytes()[i..]) > 0, is_forbidden(c), c));
                }
            }
            for (by_bytes, by_char, c) in lens {
                prop_assert_eq!(by_bytes, by_char, "{:?}", c);
            }
        }

        /// Whatever is accepted holds no character that could end an attribute, a line of a
        /// feed, or start code.
        #[test]
        fn accepted_urls_are_plain(v in prop_oneof![
            any::<String>(),
            "(https?|javascript|JaVaScRiPt|data|mailto|file)(:|://)[a-z@.:/ \t\r\n\"<>%?&#\\\\\u{0}\u{ffff}]{0,16}",
        ]) {
            for accept in [Accept::Web, Accept::WebOrMailto, Accept::Email, Accept::EmailOrWeb] {
                if let Ok(u) = check_url(&v, accept) {
                    prop_assert!(!u.contains(|c: char| c.is_whitespace() || c.is_control() || is_forbidden(c) || "\"<>\\`".contains(c)), "{:?}", u);
                    prop_assert!(code_scheme(&u).is_none(), "{:?}", u);
                    let lower = u.to_ascii_lowercase();
                    prop_assert!(lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:") || (!lower.contains(':') && lower.contains('@')), "{:?}", u);
                }
            }
        }
    }
}
