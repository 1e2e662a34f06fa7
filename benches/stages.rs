//! Criterion benchmarks of the hot stages, on the fixture site and on generated pages:
//! parse, markdown, the model, rendering every page, and the iCalendar writer.
//! Run with `cargo bench`; whole-site timings are `scripts/bench.sh`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid")
}

fn page_text(i: usize) -> String {
    let para = "Library staff meet in small groups to learn Alma, reference interviews and outreach. ";
    let mut body = String::new();
    for h in 0..4 {
        body.push_str(&format!(
            "## Section {h}\n\n{}\n\n- one\n- two [[Page {}]]\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n",
            para.repeat(6),
            (i + h) % 50
        ));
    }
    format!("---\ntitle: \"Page {i}\"\ntags: [alma, outreach]\n---\n\n{body}")
}

fn stages(c: &mut Criterion) {
    let file = moot::load::SourceFile {
        rel: "wiki/page-1.md".into(),
        shown: "content/wiki/page-1.md".into(),
        bytes: page_text(1).into_bytes(),
        modified: None,
    };
    c.bench_function("parse one page", |b| b.iter(|| moot::parse::parse(black_box(&file)).unwrap()));

    let mut opts = moot::Options::new(fixture());
    opts.now = Some(jiff::Timestamp::from_second(1_795_608_000).unwrap());
    c.bench_function("load, parse, model, markdown (fixture site)", |b| {
        b.iter(|| moot::load_site(black_box(&opts)).ok().unwrap())
    });

    let loaded = moot::load_site(&opts).ok().unwrap();
    // The model keeps no markdown once rendered, so give a page a body of ~3 KB again.
    let item = &loaded.site.items[0];
    let body = page_text(2).split_once("\n---\n").unwrap().1.to_string();
    let resolver = moot::markdown::Resolver::new(&loaded.site);
    c.bench_function("markdown of a 3 KB page", |b| {
        b.iter(|| moot::markdown::render_body(item, black_box(&body), &resolver).html.len())
    });
    c.bench_function("render every output (fixture site)", |b| {
        let r = moot::render::Renderer::new(&loaded.site, &loaded.bodies, &loaded.sources).unwrap();
        let jobs = r.plan();
        b.iter(|| jobs.iter().map(|j| r.run(j).unwrap().len()).sum::<usize>())
    });
    let tera = moot::render::theme::load(&loaded.sources).unwrap();
    c.bench_function("calendar.ics (fixture site)", |b| {
        b.iter(|| {
            // A renderer each time: it keeps the events it made.
            let cow = std::borrow::Cow::Borrowed(&tera);
            let r = moot::render::Renderer::with_templates(&loaded.site, &loaded.bodies, &loaded.sources, cow);
            r.run(black_box(&moot::render::Job::SiteCalendar)).unwrap().len()
        })
    });
    let long = "Ça va très bien, merci; ".repeat(200);
    c.bench_function("fold and escape a long TEXT line", |b| {
        b.iter(|| {
            let mut out = String::new();
            moot::render::ics::line(&mut out, "DESCRIPTION", &moot::render::ics::text(black_box(&long)));
            out.len()
        })
    });
}

criterion_group!(benches, stages);
criterion_main!(benches);
