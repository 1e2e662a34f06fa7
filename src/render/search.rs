//! Full-text search with no server: a compact index written at build time, read by
//! `static/search.js` on the search page.
//!
//! - `search/docs-N.json`: `[[title, url, kind, snippet], …]`, one entry per page, in blocks
//!   of [`DOCS_PER_FILE`]; a page's place in the whole list is its document id. The script
//!   fetches only the blocks of the results it shows: results are spread over the site, so
//!   small blocks keep a query's download small (all of them at 10k pages are 2 MB).
//! - `search/w-N.json`: `{word: [doc, weight, doc, weight, …], …}`, the sorted words cut into
//!   runs of about [`SHARD_BYTES`]. Doc ids are delta-encoded (each is the gap from the one
//!   before, the first from 0), which keeps a word found on every page to ~4 bytes a page.
//! - `search/manifest.json`: `{"v": hash, "docs": N, "per_file": DOCS_PER_FILE, "shards":
//!   [first word of each shard, …]}`; the script fetches it first (revalidated), finds a word's
//!   shard by binary search, and fetches the other files with `?v=hash`.
//!
//! A query loads one shard per word (more only for a short last word that is still being
//! typed) and the doc blocks of the results it shows. Words are sorted by UTF-16 code units,
//! as JavaScript compares strings. There are no positions (phrases are not searched): they
//! would more than double the index for little gain on short pages.
//!
//! Words are the runs of Unicode letters and digits, lower-cased, with the accents of Latin
//! letters removed ([`FOLD_FROM`] → [`FOLD_TO`]); words shorter than 2 or longer than 40
//! characters and a few English [`STOP_WORDS`] are left out. `search.js` normalizes queries
//! with the same rules (a test checks that it carries the same tables).

use super::reads::Cx;
use super::{Body, Output};
use crate::diag::Diagnostic;
use crate::model::ItemId;
use crate::parse::Kind;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;

/// A word shard is cut when it reaches this size (one word's list may be bigger on its own).
pub(super) const SHARD_BYTES: usize = 48 * 1024;
/// How many pages one `docs-N.json` describes.
pub(super) const DOCS_PER_FILE: usize = 32;
/// Pages read by one task into one word map: runs this long keep the merging of maps cheap
/// even when the other jobs of the build split the work finely.
const PAGES_PER_TASK: usize = 512;
/// How many characters of the page's excerpt a result shows.
pub(super) const SNIPPET_CHARS: usize = 140;
/// Words outside these lengths (in characters) are not indexed.
pub(super) const MIN_WORD: usize = 2;
pub(super) const MAX_WORD: usize = 40;

/// Lower-case Latin letters with accents, and the letters they are searched as.
pub(super) const FOLD_FROM: &str = "àáâãäåçèéêëìíîïñòóôõöøùúûüýÿāăąćĉċčďđēĕėęěĝğġģĥħĩīĭįıĵķĺļľŀłńņňōŏőŕŗřśŝşšţťŧũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǧǩǫǭǰǵǹǻȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳ";
pub(super) const FOLD_TO: &str = "aaaaaaceeeeiiiinoooooouuuuyyaaaccccddeeeeegggghhiiiiijklllllnnnooorrrsssstttuuuuuuwyzzzouaiouuuuuaagkoojgnaaaeeiioorruusthaeooooy";

/// Words too common to be worth an entry, sorted (for `binary_search`), none longer than 5.
pub(super) const STOP_WORDS: [&str; 46] = [
    "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "had", "has", "have", "he", "her", "his", "if",
    "in", "into", "is", "its", "of", "on", "or", "our", "she", "so", "than", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "those", "to", "was", "we", "were", "which", "with", "would", "you",
];

/// Field weights: a word in the title counts 8, in a heading or tag 4, in a name or place
/// (leaders, authors, locations) 2, in the text 1; each field's count is capped so that
/// repeating a word does not outrank a title.
const TITLE: (u32, u32) = (8, 2);
const HEADING: (u32, u32) = (4, 2);
const META: (u32, u32) = (2, 2);
const TEXT: (u32, u32) = (1, 5);

/// Calls `f` with each normalized word of `text` (stop words and short words included).
/// A word already in lower case is passed borrowed, so most words cost no allocation.
pub(super) fn words<'a>(text: &'a str, mut f: impl FnMut(Cow<'a, str>)) {
    let bytes = text.as_bytes();
    let char_at = |i: usize| text[i..].chars().next().expect("a char starts here");
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii() && !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        // Lower-case ASCII letters and digits only: the word is its own normal form.
        let mut plain = true;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_lowercase() || b.is_ascii_digit() {
                i += 1;
            } else if b.is_ascii_uppercase() {
                plain = false;
                i += 1;
            } else if b.is_ascii() {
                break;
            } else {
                let c = char_at(i);
                if !c.is_alphanumeric() {
                    break;
                }
                plain = false;
                i += c.len_utf8();
            }
        }
        if i == start {
            // A character that is neither ASCII nor a letter or digit.
            i += char_at(i).len_utf8();
            continue;
        }
        let word = &text[start..i];
        f(if plain { Cow::Borrowed(word) } else { normalize(word) });
    }
}

/// One word, lower-cased, with the accents of Latin letters removed.
pub(super) fn normalize(word: &str) -> Cow<'_, str> {
    if word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
        Cow::Borrowed(word)
    } else if word.is_ascii() {
        Cow::Owned(word.to_ascii_lowercase())
    } else {
        Cow::Owned(word.to_lowercase().chars().map(fold).collect())
    }
}

fn fold(c: char) -> char {
    if (c as u32) < 0xC0 || (c as u32) > 0x24F {
        return c;
    }
    match FOLD_FROM.chars().position(|f| f == c) {
        Some(i) => FOLD_TO.as_bytes()[i] as char,
        None => c,
    }
}

/// Whether a normalized word goes in the index.
pub(super) fn indexed(word: &str) -> bool {
    let n = if word.is_ascii() { word.len() } else { word.chars().count() };
    (MIN_WORD..=MAX_WORD).contains(&n) && (word.len() > 5 || STOP_WORDS.binary_search(&word).is_err())
}

/// Per field: (title, heading, meta, text) counts of one word on one page.
type Counts = [u32; 4];

/// A word of a run of pages: its (doc, weight) pairs so far, and its counts on the page read
/// now (`doc`), added to the pairs when the word turns up on a later page or the run ends.
/// One map of these per run means one lookup per word read; a map per page, merged into
/// the run's, cost a second lookup and a map to make and drop per page.
struct Word {
    postings: Vec<(u32, u32)>,
    doc: u32,
    counts: Counts,
    /// Whether the word is indexed at all (checked once, when first seen).
    keep: bool,
}

impl Word {
    /// Adds the counts of the page read last to the pairs.
    fn flush(&mut self) {
        if self.keep && self.counts != [0; 4] {
            let weight =
                [TITLE, HEADING, META, TEXT].iter().zip(self.counts).map(|(&(x, cap), n)| x * n.min(cap)).sum();
            self.postings.push((self.doc, weight));
            self.counts = [0; 4];
        }
    }
}

/// What the index reads of one page, gathered on the job's thread (where its reads are
/// noted) before the pages are read in parallel.
struct Doc<'a> {
    item: &'a crate::model::Item,
    body: &'a crate::markdown::Rendered,
    excerpt: &'a str,
    meta: Vec<&'a str>,
}

/// Reads the words of a page (document `doc`) into the run's map.
fn add_page<'a>(words_of_run: &mut FxMap<Cow<'a, str>, Word>, page: &Doc<'a>, doc: u32) {
    let item = page.item;
    let mut add = |text, field: usize| {
        words(text, |w| {
            // One lookup per word: `entry` hashes once whether the word is new or not.
            let word = match words_of_run.entry(w) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let keep = indexed(e.key());
                    e.insert(Word { postings: Vec::new(), doc, counts: [0; 4], keep })
                }
            };
            if word.doc != doc {
                word.flush();
                word.doc = doc;
            }
            if word.keep {
                word.counts[field] += 1;
            }
        })
    };
    add(&item.title, 0);
    for h in &page.body.toc {
        add(&h.title, 1);
    }
    for (_, name) in &item.tags {
        add(name, 1);
    }
    for m in &page.meta {
        add(m, 2);
    }
    if let Some(s) = &item.summary {
        add(s, 3);
    }
    add(&page.body.text, 3);
}

/// Names and places of a page: leaders, authors, locations, formats.
fn meta<'a>(cx: &Cx<'_, 'a>, idx: ItemId) -> Vec<&'a str> {
    match cx.head(idx).kind {
        Kind::Group => {
            let g = cx.group(cx.group_of(idx));
            g.leaders.iter().map(String::as_str).chain(g.location.as_deref()).collect()
        }
        Kind::Meeting => {
            let m = cx.meeting(cx.meeting_of(idx));
            m.leader.iter().chain(&m.co_leaders).chain(&m.location).map(String::as_str).collect()
        }
        Kind::Story => cx.story(cx.story_of(idx)).author.as_deref().into_iter().collect(),
        Kind::Article => {
            let a = cx.article(cx.article_of(idx));
            a.author.iter().chain(&a.format).map(String::as_str).collect()
        }
        Kind::Wiki | Kind::Page | Kind::Person => Vec::new(),
    }
}

/// The index: `search/docs-N.json`, the word shards and `search/manifest.json`.
pub(super) fn outputs(cx: &Cx) -> Vec<Output> {
    let renderer = cx.renderer();
    let ids: Vec<ItemId> = (0..cx.counts().items).map(ItemId).filter(|&i| cx.has_own_page(i)).collect();
    let pages: Vec<Doc> = ids
        .iter()
        .map(|&i| Doc { item: cx.item(i), body: cx.body(i), excerpt: cx.excerpt(i), meta: meta(cx, i) })
        .collect();
    let docs: Vec<Output> = pages
        .par_chunks(DOCS_PER_FILE)
        .enumerate()
        .map(|(n, block)| {
            let docs: Vec<(&str, &str, &str, String)> = block
                .iter()
                .map(|page| {
                    let item = page.item;
                    let snippet = crate::markdown::excerpt(page.excerpt, SNIPPET_CHARS);
                    (item.title.as_str(), item.url.as_str(), item.kind.label(), snippet)
                })
                .collect();
            let json = serde_json::to_vec(&docs).expect("strings serialize");
            Output { path: format!("search/docs-{n}.json"), body: Body::Bytes(json) }
        })
        .collect();

    // Word -> (doc, weight) pairs: runs of pages are read in parallel, each into its own map,
    // and the maps merged pairwise.
    let postings: FxMap<Cow<str>, Vec<(u32, u32)>> = pages
        .par_iter()
        .enumerate()
        .with_min_len(PAGES_PER_TASK)
        .fold(FxMap::default, |mut run: FxMap<Cow<str>, Word>, (doc, page)| {
            // A cancelled index is thrown away: stop reading pages.
            if !renderer.cancelled() {
                add_page(&mut run, page, doc as u32);
            }
            run
        })
        .map(|run| {
            run.into_iter()
                .filter_map(|(w, mut word)| {
                    word.flush();
                    (!word.postings.is_empty()).then_some((w, word.postings))
                })
                .collect::<FxMap<_, _>>()
        })
        .reduce(FxMap::default, |a, b| {
            // Into the bigger map; `entry` sorts each list by doc.
            let (mut a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (w, mut list) in b {
                a.entry(w).or_default().append(&mut list);
            }
            a
        });
    // Each word's `"word":[…]` entry, sorted by word.
    let mut entries: Vec<(Cow<str>, String)> =
        postings.into_iter().par_bridge().map(|(w, list)| entry(w, list)).collect();
    entries.par_sort_unstable_by(|a, b| utf16_order(&a.0, &b.0));

    let shards = shards(&entries);
    let mut out: Vec<Output> = shards
        .par_iter()
        .enumerate()
        .map(|(n, run)| {
            let mut json = Vec::with_capacity(run.iter().map(|e| e.1.len() + 1).sum::<usize>() + 2);
            json.push(b'{');
            for (i, e) in run.iter().enumerate() {
                if i > 0 {
                    json.push(b',');
                }
                json.extend_from_slice(e.1.as_bytes());
            }
            json.push(b'}');
            Output { path: format!("search/w-{n}.json"), body: Body::Bytes(json) }
        })
        .collect();

    out.extend(docs);
    // The index's version, for the browser's cache: a hash of every file (each hashed in
    // parallel; one FNV pass over the 5 MB of a 10k index ran alone at the end of a build).
    let hashes: Vec<u64> = out
        .par_iter()
        .map(|o| {
            let mut h = xxhash_rust::xxh3::Xxh3::new();
            h.update(o.path.as_bytes());
            if let Body::Bytes(b) = &o.body {
                h.update(b);
            }
            h.digest()
        })
        .collect();
    let mut version = xxhash_rust::xxh3::Xxh3::new();
    for h in hashes {
        version.update(&h.to_le_bytes());
    }
    let manifest = serde_json::json!({
        "v": format!("{:016x}", version.digest()),
        "docs": ids.len(),
        "per_file": DOCS_PER_FILE,
        "shards": shards.iter().map(|run| run[0].0.as_ref()).collect::<Vec<_>>(),
    });
    out.push(Output {
        path: "search/manifest.json".into(),
        body: Body::Bytes(serde_json::to_vec(&manifest).expect("json serializes")),
    });
    out
}

/// How JavaScript orders two strings (by UTF-16 code units). Below U+E000 that is the order
/// of their UTF-8 bytes, which is much cheaper to compare; a byte from 0xEE up starts a
/// character at U+E000 or above (or a 4-byte one, whose surrogates sort below U+E000).
fn utf16_order(a: &str, b: &str) -> std::cmp::Ordering {
    if a.bytes().chain(b.bytes()).all(|x| x < 0xEE) {
        a.as_bytes().cmp(b.as_bytes())
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

/// `"word":[d0,w0,d1-d0,w1,…]`.
fn entry<'a>(word: Cow<'a, str>, mut list: Vec<(u32, u32)>) -> (Cow<'a, str>, String) {
    list.sort_unstable();
    let mut s = String::with_capacity(word.len() + 4 + list.len() * 6);
    s.push_str(&serde_json::to_string(word.as_ref()).expect("strings serialize"));
    s.push_str(":[");
    let mut prev = 0;
    for (n, &(doc, weight)) in list.iter().enumerate() {
        if n > 0 {
            s.push(',');
        }
        push_number(&mut s, doc - prev);
        s.push(',');
        push_number(&mut s, weight);
        prev = doc;
    }
    s.push(']');
    (word, s)
}

/// `n` in decimal (the index holds millions of numbers; `write!` took most of its time).
fn push_number(s: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    s.push_str(std::str::from_utf8(&digits[i..]).expect("ASCII digits"));
}

/// The sorted entries cut into runs of about [`SHARD_BYTES`].
fn shards<'e, 'a>(entries: &'e [(Cow<'a, str>, String)]) -> Vec<&'e [(Cow<'a, str>, String)]> {
    let mut out = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, e) in entries.iter().enumerate() {
        if size > 0 && size + e.1.len() > SHARD_BYTES {
            out.push(&entries[start..i]);
            (start, size) = (i, 0);
        }
        size += e.1.len() + 1;
    }
    if start < entries.len() {
        out.push(&entries[start..]);
    }
    out
}

/// A fast hasher for the word maps (FxHash's mixing); the build's own words need no
/// protection from collisions crafted against SipHash.
#[derive(Default)]
struct Fx(u64);

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        // The last 1-7 bytes in one round (most words fit in one or two).
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 59));
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }
    fn finish(&self) -> u64 {
        // The multiplications mix well into the high bits only; the map indexes by the low
        // ones, so bring the middle bits down (as rustc-hash 2 does).
        self.0.rotate_left(26)
    }
}

impl Fx {
    fn add(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fx>>;

/// The search page, `/search/`.
pub(super) fn page(cx: &Cx) -> Result<Vec<Output>, Diagnostic> {
    let mut ctx = cx.context();
    ctx.insert("title", "Search");
    cx.page(&cx.site().config.routes().page("search"), "search.html", &mut ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut v = Vec::new();
        words(text, |w| v.push(w.into_owned()));
        v
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        let mut s = String::new();
        for n in [0, 7, 10, 99, 1234, u32::MAX] {
            push_number(&mut s, n);
            s.push(' ');
        }
        assert_eq!(s, "0 7 10 99 1234 4294967295 ");
    }

    #[test]
    fn words_sort_as_javascript_compares_them() {
        let words = [
            "a",
            "ab",
            "b",
            "é",
            "z",
            "zz",
            "\u{d7ff}",
            "\u{e000}",
            "\u{ffee}",
            "\u{1f600}",
            "a\u{1f600}",
            "a\u{e000}",
        ];
        for a in words {
            for b in words {
                assert_eq!(utf16_order(a, b), a.encode_utf16().cmp(b.encode_utf16()), "{a:?} {b:?}");
            }
        }
        // The cheap path and the careful one disagree here, so the test can tell them apart.
        assert_ne!("\u{e000}".cmp("\u{1f600}"), "\u{e000}".encode_utf16().cmp("\u{1f600}".encode_utf16()));
    }

    #[test]
    fn words_are_lower_cased_and_folded() {
        assert_eq!(all("Café-Society: NVDA 2026, naïve Łódź"), ["cafe", "society", "nvda", "2026", "naive", "lodz"]);
        assert_eq!(all("  "), Vec::<String>::new());
        assert_eq!(all("—x² “Über”…e-mail"), ["x²", "uber", "e", "mail"]);
        assert_eq!(all("ΟΔΟΣ"), ["οδο\u{3c2}"]);
    }

    #[test]
    fn short_and_common_words_are_left_out() {
        assert!(indexed("alma"));
        assert!(!indexed("a"));
        assert!(!indexed("the"));
        assert!(!indexed(&"x".repeat(41)));
        let mut sorted = STOP_WORDS;
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS, "STOP_WORDS must stay sorted");
        assert!(STOP_WORDS.iter().all(|w| w.len() <= 5), "indexed() skips the list for longer words");
        assert_eq!(FOLD_FROM.chars().count(), FOLD_TO.len());
    }

    #[test]
    fn shards_are_runs_of_whole_entries() {
        let entries: Vec<(Cow<str>, String)> =
            (0..1000).map(|i| (Cow::Owned(format!("w{i:04}")), "x".repeat(SHARD_BYTES / 300))).collect();
        let runs = shards(&entries);
        assert!(runs.len() > 2);
        assert_eq!(runs.iter().map(|r| r.len()).sum::<usize>(), entries.len());
        assert!(runs.iter().all(|r| r.iter().map(|e| e.1.len() + 1).sum::<usize>() <= SHARD_BYTES + 1));
        assert!(shards(&[]).is_empty());
    }

    /// search.js normalizes queries as the index does: it must carry the same tables.
    #[test]
    fn the_script_has_the_same_tables() {
        let js = include_str!("../../themes/default/static/search.js");
        assert!(js.contains(&format!("\"{}\"", STOP_WORDS.join(" "))), "stop words differ from search.js");
        assert!(js.contains(&format!("\"{FOLD_FROM}\"")), "FOLD_FROM differs from search.js");
        assert!(js.contains(&format!("\"{FOLD_TO}\"")), "FOLD_TO differs from search.js");
        assert!(js.contains(&format!("MIN_WORD = {MIN_WORD}")) && js.contains(&format!("MAX_WORD = {MAX_WORD}")));
    }
}
