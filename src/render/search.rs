//! Full-text search with no server: a compact index written at build time, read by
//! `static/search.js` on the search page.
//!
//! - `search/docs-N.json`: `[[title, url, kind, snippet], …]`, one entry per page, in blocks
//!   of [`DOCS_PER_FILE`]; a page's place in the whole list is its document id. The script
//!   fetches only the blocks of the results it shows (all of them at 10k pages would be 2 MB).
//! - `search/w-KEY.json`: `{word: [doc, weight, doc, weight, …], …}` for the words whose
//!   first one or two characters are KEY. Doc ids are delta-encoded (each is the gap from the
//!   one before, the first from 0), which keeps a word found on every page to ~4 bytes a page.
//! - `search/manifest.json`: `{"v": hash, "docs": N, "per_file": DOCS_PER_FILE, "shards": [KEY, …]}`;
//!   the script fetches it first (revalidated), and the other files with `?v=hash`.
//!
//! A shard is keyed by a word's first character, and split by the first two when it would be
//! larger than [`SPLIT_BYTES`]; so a small site has a few dozen small files and a large one
//! a few hundred, and a query loads one shard per word. There are no positions (phrases are
//! not searched): they would more than double the index for little gain on short pages.
//!
//! Words are the runs of Unicode letters and digits, lower-cased, with the accents of Latin
//! letters removed ([`FOLD_FROM`] → [`FOLD_TO`]); words shorter than 2 or longer than 40
//! characters and a few English [`STOP_WORDS`] are left out. `search.js` normalizes queries
//! with the same rules (a test checks that it carries the same tables).

use super::{Body, Output, Renderer};
use crate::diag::Diagnostic;
use crate::model::Site;
use crate::parse::Kind;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// A one-character shard bigger than this is split by the first two characters.
pub const SPLIT_BYTES: usize = 64 * 1024;
/// How many pages one `docs-N.json` describes.
pub const DOCS_PER_FILE: usize = 500;
/// How many characters of the page's excerpt a result shows.
pub const SNIPPET_CHARS: usize = 140;
/// Words outside these lengths (in characters) are not indexed.
pub const MIN_WORD: usize = 2;
pub const MAX_WORD: usize = 40;

/// Lower-case Latin letters with accents, and the letters they are searched as.
pub const FOLD_FROM: &str = "àáâãäåçèéêëìíîïñòóôõöøùúûüýÿāăąćĉċčďđēĕėęěĝğġģĥħĩīĭįıĵķĺļľŀłńņňōŏőŕŗřśŝşšţťŧũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǧǩǫǭǰǵǹǻȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳ";
pub const FOLD_TO: &str = "aaaaaaceeeeiiiinoooooouuuuyyaaaccccddeeeeegggghhiiiiijklllllnnnooorrrsssstttuuuuuuwyzzzouaiouuuuuaagkoojgnaaaeeiioorruusthaeooooy";

/// Words too common to be worth an entry, sorted (for `binary_search`).
pub const STOP_WORDS: [&str; 46] = [
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
pub fn words(text: &str, mut f: impl FnMut(&str)) {
    let mut buf = String::with_capacity(32);
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            normalize_into(&text[s..i], &mut buf);
            f(&buf);
        }
    }
}

/// One word, lower-cased and folded, into `buf`.
fn normalize_into(word: &str, buf: &mut String) {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
        return;
    }
    for c in word.to_lowercase().chars() {
        buf.push(fold(c));
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
pub fn indexed(word: &str) -> bool {
    let n = if word.is_ascii() { word.len() } else { word.chars().count() };
    (MIN_WORD..=MAX_WORD).contains(&n) && STOP_WORDS.binary_search(&word).is_err()
}

/// The shard key of `word` from its first `n` characters: `a`–`z` and `0`–`9` as they are,
/// any other character as its code point in hex between `_`s (so file names stay ASCII and
/// two different prefixes never share a key).
pub fn key(word: &str, n: usize) -> String {
    let mut k = String::with_capacity(n * 2);
    for c in word.chars().take(n) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            k.push(c);
        } else {
            k.push_str(&format!("_{:x}_", c as u32));
        }
    }
    k
}

/// Per field: (title, heading, meta, text) counts of one word on one page.
type Counts = [u32; 4];

/// The words of one page with their weights, sorted by word.
fn page_words(site: &Site, idx: usize) -> Vec<(String, u32)> {
    let item = &site.items[idx];
    let mut counts: HashMap<String, Counts> = HashMap::new();
    let mut add = |text: &str, field: usize| {
        words(text, |w| {
            if !indexed(w) {
                return;
            }
            match counts.get_mut(w) {
                Some(c) => c[field] += 1,
                None => {
                    let mut c = [0; 4];
                    c[field] = 1;
                    counts.insert(w.to_string(), c);
                }
            }
        })
    };
    add(&item.title, 0);
    for h in &item.toc {
        add(&h.title, 1);
    }
    for (_, name) in &item.tags {
        add(name, 1);
    }
    for m in meta(site, idx) {
        add(m, 2);
    }
    if let Some(s) = &item.summary {
        add(s, 3);
    }
    add(&item.text, 3);
    let mut out: Vec<(String, u32)> = counts
        .into_iter()
        .map(|(w, c)| {
            let weight = [TITLE, HEADING, META, TEXT].iter().zip(c).map(|(&(x, cap), n)| x * n.min(cap)).sum();
            (w, weight)
        })
        .collect();
    out.sort_unstable();
    out
}

/// Names and places of a page: leaders, authors, locations, formats.
fn meta(site: &Site, idx: usize) -> Vec<&str> {
    let pos = site.position[idx];
    match site.items[idx].kind {
        Kind::Group => {
            let g = &site.groups[pos];
            g.leaders.iter().map(String::as_str).chain(g.location.as_deref()).collect()
        }
        Kind::Meeting => {
            let m = &site.meetings[pos];
            m.leader.iter().chain(&m.co_leaders).chain(&m.location).map(String::as_str).collect()
        }
        Kind::Story => site.stories[pos].author.as_deref().into_iter().collect(),
        Kind::Article => {
            let a = &site.articles[pos];
            a.author.iter().chain(&a.format).map(String::as_str).collect()
        }
        Kind::Wiki | Kind::Page => Vec::new(),
    }
}

/// The index: `search/docs-N.json`, the word shards and `search/manifest.json`.
pub fn outputs(site: &Site) -> Vec<Output> {
    let ids: Vec<usize> = (0..site.items.len()).filter(|&i| site.has_own_page(i)).collect();
    let docs: Vec<Output> = ids
        .par_chunks(DOCS_PER_FILE)
        .enumerate()
        .map(|(n, block)| {
            let docs: Vec<(&str, &str, &str, String)> = block
                .iter()
                .map(|&i| {
                    let item = &site.items[i];
                    let snippet = crate::markdown::excerpt(&item.excerpt, SNIPPET_CHARS);
                    (item.title.as_str(), item.url.as_str(), item.kind.label(), snippet)
                })
                .collect();
            let json = serde_json::to_vec(&docs).expect("strings serialize");
            Output { path: format!("search/docs-{n}.json"), body: Body::Bytes(json) }
        })
        .collect();

    // Word -> (doc, weight) pairs in doc order. Pages are read in parallel, then merged in order.
    let per_page: Vec<Vec<(String, u32)>> = ids.par_iter().map(|&i| page_words(site, i)).collect();
    let mut postings: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
    for (doc, page) in per_page.into_iter().enumerate() {
        for (w, weight) in page {
            postings.entry(w).or_default().push((doc as u32, weight));
        }
    }
    // Each word's `"word":[…]` entry, sorted by word.
    let mut entries: Vec<(String, String)> = postings.into_par_iter().map(|(w, list)| entry(w, &list)).collect();
    entries.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));

    let shards = shard(&entries);
    let mut out: Vec<Output> = shards
        .par_iter()
        .map(|(k, list)| {
            let mut json = Vec::with_capacity(list.iter().map(|&i| entries[i].1.len() + 1).sum::<usize>() + 2);
            json.push(b'{');
            for (n, &i) in list.iter().enumerate() {
                if n > 0 {
                    json.push(b',');
                }
                json.extend_from_slice(entries[i].1.as_bytes());
            }
            json.push(b'}');
            Output { path: format!("search/w-{k}.json"), body: Body::Bytes(json) }
        })
        .collect();

    out.extend(docs);
    let mut hash = Fnv::default();
    for o in &out {
        hash.write(o.path.as_bytes());
        if let Body::Bytes(b) = &o.body {
            hash.write(b);
        }
    }
    let manifest = serde_json::json!({
        "v": format!("{:016x}", hash.0),
        "docs": ids.len(),
        "per_file": DOCS_PER_FILE,
        "shards": shards.iter().map(|(k, _)| k).collect::<Vec<_>>(),
    });
    out.push(Output {
        path: "search/manifest.json".into(),
        body: Body::Bytes(serde_json::to_vec(&manifest).expect("json serializes")),
    });
    out
}

/// `"word":[d0,w0,d1-d0,w1,…]`.
fn entry(word: String, list: &[(u32, u32)]) -> (String, String) {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(word.len() + 4 + list.len() * 6);
    s.push_str(&serde_json::to_string(&word).expect("strings serialize"));
    s.push_str(":[");
    let mut prev = 0;
    for (n, &(doc, weight)) in list.iter().enumerate() {
        if n > 0 {
            s.push(',');
        }
        let _ = write!(s, "{},{}", doc - prev, weight);
        prev = doc;
    }
    s.push(']');
    (word, s)
}

/// Shards of the sorted entries: (key, entry indexes), sorted by key. A key is a word's first
/// character, or its first two when the first character's shard would be too big. Keys never
/// prefix one another, so each word has exactly one shard.
fn shard(entries: &[(String, String)]) -> Vec<(String, Vec<usize>)> {
    let mut by_first: BTreeMap<String, (usize, Vec<usize>)> = BTreeMap::new();
    for (i, (w, e)) in entries.iter().enumerate() {
        let slot = by_first.entry(key(w, 1)).or_default();
        slot.0 += e.len() + 1;
        slot.1.push(i);
    }
    let mut out: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (k, (size, list)) in by_first {
        if size <= SPLIT_BYTES {
            out.insert(k, list);
            continue;
        }
        for i in list {
            out.entry(key(&entries[i].0, 2)).or_default().push(i);
        }
    }
    out.into_iter().collect()
}

/// 64-bit FNV-1a, for the manifest's version (a stable hash: builds stay byte-identical).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// The search page, `/search/`.
pub fn page(r: &Renderer) -> Result<Vec<Output>, Diagnostic> {
    let mut ctx = tera::Context::new();
    ctx.insert("site", &super::views::SiteView::new(r.site));
    ctx.insert("title", "Search");
    r.page(&format!("{}/search/", r.site.config.base_path), "search.html", &ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut v = Vec::new();
        words(text, |w| v.push(w.to_string()));
        v
    }

    #[test]
    fn words_are_lower_cased_and_folded() {
        assert_eq!(all("Café-Society: NVDA 2026, naïve Łódź"), ["cafe", "society", "nvda", "2026", "naive", "lodz"]);
        assert_eq!(all("  "), Vec::<String>::new());
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
        assert_eq!(FOLD_FROM.chars().count(), FOLD_TO.len());
    }

    #[test]
    fn keys_are_ascii() {
        assert_eq!(key("alma", 1), "a");
        assert_eq!(key("alma", 2), "al");
        assert_eq!(key("über", 2), "_fc_b");
        assert_eq!(key("日本", 2), "_65e5__672c_");
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
