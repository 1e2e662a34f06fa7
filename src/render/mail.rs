//! Email messages (RFC 5322, MIME of RFC 2045-2047), by our own small writer, as the .ics
//! feeds are: header fields folded at 78 characters, words with other than ASCII in them as
//! RFC 2047 encoded words, bodies as quoted-printable or base64, CRLF line ends throughout.
//!
//! The message is also safe to pipe to `sendmail -t` without `-i`: no line of it is a lone
//! `.` (quoted-printable writes a `.` that starts a line as `=2E`), nor starts with `From `.

/// The longest a header line gets (RFC 5322's "SHOULD"), folding where it can.
const HEADER_WIDTH: usize = 78;
/// The longest an encoded word gets (RFC 2047 2), and the longest quoted-printable line
/// (RFC 2045 6.7), both without the CRLF.
const ENCODED_WORD: usize = 75;
const QP_WIDTH: usize = 76;
/// `=?UTF-8?Q?` and `?=`.
const ENCODED_WORD_FRAME: usize = 12;

/// A header field whose value is text (`Subject`): words folded at 78 characters, any that
/// hold other than printable ASCII as encoded words. White space runs become one space.
pub(crate) fn text_header(out: &mut String, name: &str, value: &str) {
    let mut f = Fold::new(out, name);
    let words: Vec<&str> = value.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        if needs_encoding(words[i]) {
            // Neighbouring words to encode go in one run: the space between two encoded words
            // is dropped when they are read, so it is written inside them (as `_`).
            let run = words[i..].iter().take_while(|w| needs_encoding(w)).count();
            f.encoded(&words[i..i + run].join(" "));
            i += run;
        } else {
            f.word(words[i]);
            i += 1;
        }
    }
    f.end();
}

/// An address header field (`From`, `To`): an optional display name, then the addresses,
/// separated by commas. The addresses are ASCII (the caller checks).
pub(crate) fn address_header(out: &mut String, name: &str, display: Option<&str>, addresses: &[&str]) {
    let mut f = Fold::new(out, name);
    let display = display.map(|d| d.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|d| !d.is_empty());
    match &display {
        Some(d) if d.chars().any(|c| !c.is_ascii() || c.is_ascii_control()) => f.encoded(d),
        Some(d) if d.split(' ').all(|w| w.chars().all(is_atext)) => d.split(' ').for_each(|w| f.word(w)),
        Some(d) => f.word(&format!("\"{}\"", d.replace('\\', "\\\\").replace('"', "\\\""))),
        None => {}
    }
    let bracket = display.is_some() && addresses.len() == 1;
    for (i, a) in addresses.iter().enumerate() {
        let comma = if i + 1 < addresses.len() { "," } else { "" };
        if bracket {
            f.word(&format!("<{a}>{comma}"));
        } else {
            f.word(&format!("{a}{comma}"));
        }
    }
    f.end();
}

/// A header field of ASCII tokens (dates, ids, `Content-Type` and its parameters), folded
/// at its spaces.
pub(crate) fn plain_header(out: &mut String, name: &str, value: &str) {
    let mut f = Fold::new(out, name);
    value.split_whitespace().for_each(|w| f.word(w));
    f.end();
}

/// RFC 5322 `atext`: what a display name may hold without quotes.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

/// Whether a word of a text header is written as an encoded word: it holds other than
/// printable ASCII, looks like an encoded word itself, or is too long to fold.
fn needs_encoding(word: &str) -> bool {
    word.chars().any(|c| !c.is_ascii() || c.is_ascii_control()) || word.contains("=?") || word.len() > 70
}

/// One header field being written: where its current line has got to.
struct Fold<'o> {
    out: &'o mut String,
    /// Characters on the current line.
    col: usize,
    /// Nothing written after the name yet (the first word never folds).
    first: bool,
}

impl<'o> Fold<'o> {
    fn new(out: &'o mut String, name: &str) -> Self {
        out.push_str(name);
        out.push(':');
        Fold { col: name.len() + 1, out, first: true }
    }

    /// The space before a word of `len` characters, or a fold if it does not fit.
    fn space(&mut self, len: usize) {
        if !self.first && self.col + 1 + len > HEADER_WIDTH {
            self.out.push_str("\r\n ");
            self.col = 1;
        } else {
            self.out.push(' ');
            self.col += 1;
        }
        self.first = false;
    }

    fn word(&mut self, w: &str) {
        self.space(w.len());
        self.out.push_str(w);
        self.col += w.len();
    }

    /// `text` as "Q" encoded words (RFC 2047 4.2, with only the characters allowed in a
    /// phrase left as they are), as many as it takes, each filling the line it is on.
    fn encoded(&mut self, text: &str) {
        let pieces: Vec<String> = text.chars().map(q_piece).collect();
        let max = ENCODED_WORD - ENCODED_WORD_FRAME;
        let mut k = 0;
        while k < pieces.len() {
            let here = HEADER_WIDTH.saturating_sub(self.col + 1 + ENCODED_WORD_FRAME).min(max);
            let room = if self.first || here >= 18.min(pieces[k].len().max(9)) { here } else { max };
            let mut len = 0;
            let start = k;
            while k < pieces.len() && (k == start || len + pieces[k].len() <= room) {
                len += pieces[k].len();
                k += 1;
            }
            let word = format!("=?UTF-8?Q?{}?=", pieces[start..k].concat());
            self.word(&word);
        }
    }

    fn end(self) {
        self.out.push_str("\r\n");
    }
}

/// One character in "Q" encoding: letters, digits and `!*+-/` as they are, a space as `_`,
/// anything else as `=XX` for each of its UTF-8 bytes.
fn q_piece(c: char) -> String {
    match c {
        ' ' => "_".into(),
        c if c.is_ascii_alphanumeric() || "!*+-/".contains(c) => c.into(),
        c => {
            let mut buf = [0; 4];
            c.encode_utf8(&mut buf).bytes().map(|b| format!("={b:02X}")).collect()
        }
    }
}

/// Text (lines ending in LF or CRLF) as quoted-printable (RFC 2045 6.7): CRLF line ends,
/// lines of at most 76 characters with soft breaks, a space or tab before a line end
/// encoded, and a `.` or `From ` at the start of a line encoded, for SMTP and mbox.
pub(crate) fn quoted_printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 11 / 10 + 16);
    let text = text.strip_suffix('\n').unwrap_or(text);
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line).as_bytes();
        let mut col = 0;
        for (i, &b) in line.iter().enumerate() {
            let last = i + 1 == line.len();
            let at_start = col == 0;
            let literal = match b {
                b'=' => false,
                b' ' | b'\t' => !last,
                b'.' => !at_start,
                b'F' => !(at_start && line[i..].starts_with(b"From ")),
                33..=126 => true,
                _ => false,
            };
            let width = if literal { 1 } else { 3 };
            // Room for the soft break's `=` unless this is the line's last character.
            let limit = if last { QP_WIDTH } else { QP_WIDTH - 1 };
            if col + width > limit {
                out.push_str("=\r\n");
                col = 0;
                // The character now starts a line: a `.` or `From ` there is encoded too.
                if matches!(b, b'.' | b'F') && (b == b'.' || line[i..].starts_with(b"From ")) {
                    push_hex(&mut out, b);
                    col = 3;
                    continue;
                }
            }
            if literal {
                out.push(char::from(b));
            } else {
                push_hex(&mut out, b);
            }
            col += width;
        }
        out.push_str("\r\n");
    }
    out
}

fn push_hex(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('=');
    out.push(char::from(HEX[usize::from(b >> 4)]));
    out.push(char::from(HEX[usize::from(b & 15)]));
}

/// Bytes as base64 (RFC 2045 6.8), in lines of 76 characters ending in CRLF.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + bytes.len() / 38 + 4);
    for line in bytes.chunks(57) {
        for chunk in line.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out.push_str("\r\n");
    }
    out
}

/// Every physical line of `message` ends in CRLF (no bare CR or LF), and none is longer
/// than RFC 5322 allows (998 characters).
#[cfg(test)]
fn well_formed(message: &str) -> bool {
    message.ends_with("\r\n")
        && message[..message.len() - 2].split("\r\n").all(|l| !l.contains(['\r', '\n']) && l.len() <= 998)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_text_headers_fold_at_spaces() {
        let mut out = String::new();
        text_header(&mut out, "Subject", "Meeting: Alma   sets and jobs");
        assert_eq!(out, "Subject: Meeting: Alma sets and jobs\r\n");
        let mut out = String::new();
        let long = "word ".repeat(30);
        text_header(&mut out, "Subject", &long);
        assert!(well_formed(&out));
        for l in out.split("\r\n") {
            assert!(l.len() <= 78, "{l:?}");
        }
        assert_eq!(out.replace("\r\n", ""), format!("Subject: {}\r\n", long.trim()).replace("\r\n", ""));
    }

    #[test]
    fn other_characters_are_encoded_words() {
        let mut out = String::new();
        text_header(&mut out, "Subject", "Meeting: Café — Thu 3 Dec 2026, 14:00–16:00 PST");
        assert_eq!(
            out,
            "Subject: Meeting: =?UTF-8?Q?Caf=C3=A9_=E2=80=94?= Thu 3 Dec 2026,\r\n \
             =?UTF-8?Q?14=3A00=E2=80=9316=3A00?= PST\r\n"
        );
        let mut out = String::new();
        text_header(&mut out, "Subject", &"é".repeat(100));
        for l in out.trim_end().split("\r\n") {
            assert!(l.len() <= 78, "{l:?}");
            let word = l.trim_start().trim_start_matches("Subject: ");
            assert!(word.starts_with("=?UTF-8?Q?") && word.ends_with("?=") && word.len() <= 75, "{l:?}");
        }
        assert_eq!(out.matches("=C3=A9").count(), 100, "no character is split between words");
    }

    #[test]
    fn display_names_are_atoms_quoted_or_encoded() {
        let mut out = String::new();
        address_header(&mut out, "From", Some("Alma Circle"), &["alma@example.org"]);
        assert_eq!(out, "From: Alma Circle <alma@example.org>\r\n");
        let mut out = String::new();
        address_header(&mut out, "From", Some("St. Mary's \"Readers\""), &["r@example.org"]);
        assert_eq!(out, "From: \"St. Mary's \\\"Readers\\\"\" <r@example.org>\r\n");
        let mut out = String::new();
        address_header(&mut out, "From", Some("Lucía's circle"), &["l@example.org"]);
        assert_eq!(out, "From: =?UTF-8?Q?Luc=C3=ADa=27s_circle?= <l@example.org>\r\n");
        let mut out = String::new();
        address_header(&mut out, "To", None, &["a@example.org", "b@example.org"]);
        assert_eq!(out, "To: a@example.org, b@example.org\r\n");
    }

    #[test]
    fn quoted_printable_breaks_long_lines_and_protects_dots() {
        assert_eq!(quoted_printable("a = b \nCafé\n"), "a =3D b=20\r\nCaf=C3=A9\r\n");
        assert_eq!(quoted_printable(".\nFrom here\nfrom\n"), "=2E\r\n=46rom here\r\nfrom\r\n");
        let long = format!("{}.{}", "x".repeat(75), "y".repeat(200));
        let qp = quoted_printable(&long);
        assert!(well_formed(&qp));
        for l in qp.trim_end().split("\r\n") {
            assert!(l.len() <= 76, "{l:?}");
            assert!(!l.starts_with('.'), "{l:?}");
        }
        assert_eq!(qp.replace("=\r\n", "").replace("=2E", "."), format!("{long}\r\n"));
    }

    #[test]
    fn base64_in_lines_of_76() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"M"), "TQ==\r\n");
        assert_eq!(base64(b"Ma"), "TWE=\r\n");
        assert_eq!(base64(b"Man"), "TWFu\r\n");
        let b = base64(&[0xff; 100]);
        assert_eq!(b.split("\r\n").next().unwrap().len(), 76);
        assert!(b.starts_with("////") && b.ends_with("//w==\r\n"), "{b}");
        assert!(base64(&[0xff; 101]).ends_with(&format!("\r\n{}8=\r\n", "/".repeat(58))));
    }
}
