//! One markdown file's text through `parse::parse` (encoding, line endings, the front
//! matter's `---` lines, YAML into the front matter of its kind). Byte 0 picks the kind of
//! file (its path); the rest is the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use moot::load::SourceFile;

const PATHS: [&str; 6] = ["meetings/a.md", "groups/g.md", "wiki/w.md", "stories/s.md", "articles/r.md", "index.md"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let rel = PATHS[pick as usize % PATHS.len()];
    let file = SourceFile { rel: rel.to_string(), shown: format!("content/{rel}").into(), bytes: bytes.to_vec() };
    if let Ok(doc) = moot::parse::parse(&file) {
        let _ = doc.front.common();
        let _ = doc.line_of("title");
    }
});
