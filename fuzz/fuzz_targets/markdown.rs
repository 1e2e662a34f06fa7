//! Markdown bodies: the input is the body of a wiki page (after fixed front matter), modelled
//! with three other pages it can link to (by `[[wikilink]]`, relative path or URL), then
//! rendered to HTML with its links, table of contents, text and excerpt
//! (`model::build` + `markdown::render_all`), all in memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use moot::load::SourceFile;
use std::sync::OnceLock;

const OTHERS: [(&str, &str); 3] = [
    ("wiki/glossary.md", "---\ntitle: \"Glossary\"\naliases: [terms]\n---\n\n## Learning-group terms\n\nWords.\n"),
    ("wiki/how-to/notes.md", "---\ntitle: \"Taking notes\"\ntags: [notes]\n---\n\n# Notes\n\nSee [[Glossary]].\n"),
    ("about.md", "---\ntitle: \"About\"\n---\n\nAbout us.\n"),
];

fn config() -> &'static moot::config::Config {
    static C: OnceLock<moot::config::Config> = OnceLock::new();
    C.get_or_init(|| {
        let text = "title = \"Fuzz\"\nbase_url = \"https://learn.example.org/sub\"\nhistory = false\n";
        moot::config::parse(std::path::Path::new("moot.toml"), text).unwrap()
    })
}

fn doc(rel: &str, bytes: Vec<u8>) -> Option<moot::parse::Doc> {
    let file = SourceFile { rel: rel.to_string(), shown: format!("content/{rel}").into(), bytes };
    moot::parse::parse(&file).ok()
}

fuzz_target!(|data: &[u8]| {
    if data.len() > 64 << 10 {
        return;
    }
    let mut bytes = b"---\ntitle: \"Fuzzed page\"\n---\n".to_vec();
    bytes.extend_from_slice(data);
    let Some(fuzzed) = doc("wiki/fuzzed.md", bytes) else { return };
    let mut docs: Vec<_> = OTHERS.iter().map(|(rel, text)| doc(rel, text.as_bytes().to_vec()).unwrap()).collect();
    docs.push(fuzzed);
    let now = jiff::Timestamp::from_second(1_795_608_000).unwrap();
    let (mut site, _diags) = moot::model::build(config().clone(), docs, Vec::new(), now, false);
    let (bodies, _problems) = moot::markdown::render_all(&mut site);
    for r in &bodies.items {
        let _ = moot::markdown::excerpt(&r.text, 160);
    }
});
