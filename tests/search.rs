//! The search index of the valid fixture site: which pages and words it holds, how they rank,
//! the search page, and (with node) the ranking of `search.js` against the built index.

use jiff::Timestamp;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// 2026-11-25 12:00 UTC, the "now" of every test build.
const NOW: i64 = 1_795_608_000;

struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
}

fn build() -> Built {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let mut o = moot::Options::new(&root);
    o.output = out.clone();
    o.now = Some(Timestamp::from_second(NOW).unwrap());
    if let Err(e) = moot::build(&o) {
        panic!("build failed:\n{e}");
    }
    Built { _dir: dir, out }
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The index read back: docs by id, word -> doc -> weight, and each shard's words.
struct Index {
    docs: Vec<Vec<String>>,
    words: BTreeMap<String, BTreeMap<usize, u64>>,
    shards: Vec<(String, Vec<String>)>,
}

impl Index {
    fn read(out: &Path) -> Index {
        let dir = out.join("search");
        let manifest = json(&dir.join("manifest.json"));
        let n = manifest["docs"].as_u64().unwrap() as usize;
        let per = manifest["per_file"].as_u64().unwrap() as usize;
        let mut docs = Vec::new();
        for b in 0..n.div_ceil(per) {
            for d in json(&dir.join(format!("docs-{b}.json"))).as_array().unwrap() {
                let fields: Vec<String> =
                    d.as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect();
                assert_eq!(fields.len(), 4, "[title, url, kind, snippet]: {fields:?}");
                docs.push(fields);
            }
        }
        assert_eq!(docs.len(), n);
        let mut words = BTreeMap::new();
        let mut shards = Vec::new();
        for (i, first) in manifest["shards"].as_array().unwrap().iter().enumerate() {
            let shard = json(&dir.join(format!("w-{i}.json")));
            shards.push((first.as_str().unwrap().to_string(), shard.as_object().unwrap().keys().cloned().collect()));
            for (word, list) in shard.as_object().unwrap() {
                let list: Vec<u64> = list.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
                assert_eq!(list.len() % 2, 0, "{word}: pairs of (doc gap, weight)");
                let mut doc = 0;
                let mut postings = BTreeMap::new();
                for pair in list.chunks(2) {
                    assert!(pair[0] > 0 || postings.is_empty(), "{word}: doc ids must increase");
                    doc += pair[0] as usize;
                    assert!(doc < n, "{word}: doc {doc} out of range");
                    assert!(pair[1] > 0, "{word}: weight 0");
                    postings.insert(doc, pair[1]);
                }
                assert!(words.insert(word.clone(), postings).is_none(), "{word} in two shards");
            }
        }
        Index { docs, words, shards }
    }

    fn doc(&self, url: &str) -> usize {
        self.docs.iter().position(|d| d[1] == url).unwrap_or_else(|| panic!("no doc for {url}"))
    }

    /// Docs with every word, best first (as search.js ranks, without prefixes).
    fn search(&self, words: &[&str]) -> Vec<usize> {
        let mut scores: Option<HashMap<usize, u64>> = None;
        for w in words {
            let found = self.words.get(*w).cloned().unwrap_or_default();
            scores = Some(match scores {
                None => found.into_iter().collect(),
                Some(s) => s.into_iter().filter_map(|(d, v)| found.get(&d).map(|f| (d, v + f))).collect(),
            });
        }
        let mut ranked: Vec<(usize, u64)> = scores.unwrap_or_default().into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.into_iter().map(|(d, _)| d).collect()
    }
}

#[test]
fn the_index_finds_words_of_the_text_and_ranks_titles_first() {
    let b = build();
    let index = Index::read(&b.out);

    // A word only in the text of one meeting.
    let lab = index.doc("/meetings/2026/weekly-lab/");
    assert_eq!(index.docs[lab][0], "Screen reader lab");
    assert_eq!(index.docs[lab][2], "meeting");
    assert_eq!(index.search(&["nvda"]), [lab]);
    assert!(!index.words.contains_key("NVDA"), "words are lower-cased");

    // A title word puts its page first, above pages that only mention it.
    let alma = index.doc("/groups/alma/");
    let found = index.search(&["alma"]);
    assert_eq!(found.first(), Some(&alma), "{:?}", found.iter().map(|&d| &index.docs[d][0]).collect::<Vec<_>>());
    let handbook = index.doc("/articles/handbook/");
    assert_eq!(index.search(&["facilitator", "handbook"]).first(), Some(&handbook));
    // Words must all be there.
    assert!(index.search(&["nvda", "handbook"]).is_empty());

    // Common and one-letter words are left out.
    for w in ["the", "and", "a", "of"] {
        assert!(!index.words.contains_key(w), "{w} is indexed");
    }
    // Shards are runs of the words in JavaScript's order, named by their first word, so the
    // script finds a word's shard by binary search.
    let js_order = |a: &str, b: &str| a.encode_utf16().cmp(b.encode_utf16());
    let all: Vec<&String> = index.shards.iter().flat_map(|(_, words)| words).collect();
    assert!(all.windows(2).all(|w| js_order(w[0], w[1]).is_lt()), "words out of order");
    for (first, words) in &index.shards {
        let mut sorted = words.clone();
        sorted.sort_by(|a, b| js_order(a, b));
        assert_eq!(&sorted[0], first);
    }
    // Snippets are short.
    for d in &index.docs {
        assert!(d[3].chars().count() <= 141, "{}: {}", d[0], d[3]);
    }
}

#[test]
fn drafts_and_the_home_text_are_not_in_the_index() {
    let b = build();
    let index = Index::read(&b.out);
    assert!(index.docs.iter().all(|d| d[0] != "Secret draft"));
    assert!(!index.words.contains_key("secret"));
    assert!(index.docs.iter().all(|d| d[1] != "/"), "the home text is not a page of its own");
}

#[test]
fn the_search_page_has_a_form_that_works_without_script() {
    let b = build();
    let html = std::fs::read_to_string(b.out.join("search/index.html")).unwrap();
    assert!(html.contains(r#"<form class="search-form" role="search" action="/search/" method="get">"#), "{html}");
    assert!(html.contains(r#"<label for="search-q">"#) && html.contains(r#"id="search-q" type="search" name="q""#));
    assert!(html.contains(r#"aria-live="polite""#));
    assert!(html.contains(r#"data-base="""#));
    assert!(html.contains(r#"<script src="/static/search.js" defer></script>"#));
    assert!(html.contains("<noscript>") && html.contains(r#"href="/tags/""#) && html.contains(r#"href="/wiki/""#));
    assert!(!html.contains("site-search-q"), "the search page has no second box in the header");
    assert!(b.out.join("static/search.js").exists());
    // Every other page has the box in its header.
    let home = std::fs::read_to_string(b.out.join("index.html")).unwrap();
    assert!(home.contains(r#"<form class="site-search" role="search" action="/search/" method="get">"#));
    assert!(home.contains(r#"<label class="visually-hidden" for="site-search-q">"#));
}

#[test]
fn the_index_is_the_same_bytes_every_build() {
    let (a, b) = (build(), build());
    let files = |out: &Path| -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(out.join("search"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
            .collect()
    };
    let (fa, fb) = (files(&a.out), files(&b.out));
    assert!(fa.len() > 3);
    assert_eq!(fa, fb);
}

/// Runs tests/search_js.mjs: search.js's own parsing and ranking against the built index.
#[test]
fn the_script_ranks_the_built_index() {
    let b = build();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search_js.mjs");
    let run = std::process::Command::new("node").arg(&script).arg(&b.out).output();
    match run {
        Err(e) => eprintln!("note: skipping the search.js test, node is not available ({e})"),
        Ok(o) => assert!(
            o.status.success(),
            "search_js.mjs failed:\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    }
}

#[test]
fn the_index_version_changes_with_the_text_and_only_then() {
    let site = tempfile::tempdir().unwrap();
    let write = |text: &str| {
        std::fs::create_dir_all(site.path().join("content/wiki")).unwrap();
        std::fs::write(site.path().join("moot.toml"), "title = \"V\"\nbase_url = \"https://v.example.org\"\n").unwrap();
        std::fs::write(site.path().join("content/wiki/a.md"), format!("---\ntitle: \"A\"\n---\n{text}\n")).unwrap();
    };
    let version = || {
        let out = tempfile::tempdir().unwrap();
        let mut o = moot::Options::new(site.path());
        o.output = out.path().join("public");
        o.now = Some(Timestamp::from_second(NOW).unwrap());
        moot::build(&o).unwrap_or_else(|e| panic!("{e}"));
        json(&out.path().join("public/search/manifest.json"))["v"].as_str().unwrap().to_string()
    };
    write("Alpacas graze.");
    let first = version();
    assert_eq!(first.len(), 16, "{first}");
    assert_eq!(version(), first, "same text, same version");
    write("Alpacas graze quietly.");
    assert_ne!(version(), first, "a word more, a new version: browsers fetch the index again");
}
