//! Property tests through the whole front of the pipeline: a meeting whose `start`, `end`,
//! `duration` and `repeat` are near-valid or odd text is loaded (read, parsed, modelled,
//! expanded, rendered to html) without a panic, and when it loads, its calendar entry is
//! made of whole content lines: CRLF-ended, at most 75 octets, no bare CR or LF.
//!
//! The parsers' own properties are in their modules (`time`, `render::ics`, `model`,
//! `markdown`, `config`).

use proptest::prelude::*;

/// `s` with `c` put in at one of its character boundaries.
fn insert(s: &str, at: prop::sample::Index, c: char) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    chars.insert(at.index(chars.len() + 1), c);
    chars.into_iter().collect()
}

fn odd_char() -> impl Strategy<Value = char> {
    prop::sample::select(vec!['é', '–', '日', '\n', '\r', '\t', '\u{0}', ' ', '\u{85}', ';', '=', ',', '-', 'Z'])
}

fn maybe_odd(text: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    (text, prop::option::weighted(0.3, (any::<prop::sample::Index>(), odd_char()))).prop_map(|(t, odd)| match odd {
        Some((at, c)) => insert(&t, at, c),
        None => t,
    })
}

fn moment() -> impl Strategy<Value = String> {
    maybe_odd("202[6-8]-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])( (0[0-9]|1[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?)?")
}

fn rule() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        "COUNT=[0-9]{1,3}",
        "INTERVAL=[0-3]",
        "UNTIL=202[7-8](0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])(T[01][0-9][0-5][0-9]00Z)?",
        "BYDAY=([+-]?[1-5]?(MO|TU|WE|TH|FR|SA|SU))(,(MO|TU|WE|TH|FR|SA|SU)){0,2}",
        "BYMONTHDAY=-?[0-9]{1,2}",
        "BYMONTH=[0-9]{1,2}",
        "BYSETPOS=-?[0-9]",
        "WKST=(MO|SU|XX)",
        "\\PC{0,6}",
    ];
    let freq = prop::sample::select(vec!["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY", "SOMETIMES"]);
    maybe_odd((freq, prop::collection::vec(part, 0..3), any::<bool>()).prop_map(|(f, parts, lower)| {
        let rule = std::iter::once(format!("FREQ={f}")).chain(parts).collect::<Vec<_>>().join(";");
        if lower {
            rule.to_lowercase()
        } else {
            rule
        }
    }))
}

fn duration() -> impl Strategy<Value = String> {
    maybe_odd("[0-9]{0,3} ?(h|m|min|hours|d|weeks|two)?( ?[0-9]{1,2}m)?")
}

/// A YAML double-quoted string (JSON's escapes are YAML's).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

proptest! {
    // Each case loads a small site: kept few so `cargo test` stays quick.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn odd_meeting_times_load_or_fail_cleanly(
        start in moment(),
        end in prop::option::weighted(0.3, moment()),
        duration in prop::option::weighted(0.3, duration()),
        repeat in prop::option::weighted(0.7, rule()),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("moot.toml"),
            "title = \"T\"\nbase_url = \"https://x.example.org\"\ntimezone = \"America/Los_Angeles\"\nhistory = false\n",
        )
        .unwrap();
        let mut front = format!("---\ntitle: \"X\"\nstart: {}\n", quoted(&start));
        for (key, value) in [("end", &end), ("duration", &duration), ("repeat", &repeat)] {
            if let Some(v) = value {
                front.push_str(&format!("{key}: {}\n", quoted(v)));
            }
        }
        front.push_str("---\nText.\n");
        std::fs::create_dir_all(root.join("content/meetings")).unwrap();
        std::fs::write(root.join("content/meetings/x.md"), &front).unwrap();
        let mut opts = moot::Options::new(root);
        opts.now = Some(jiff::Timestamp::from_second(1_795_608_000).unwrap());
        match moot::load_site(&opts) {
            Ok(loaded) => {
                let site = &loaded.site;
                static TERA: std::sync::OnceLock<tera::Tera> = std::sync::OnceLock::new();
                let tera = TERA.get_or_init(|| moot::render::theme::load_templates(&[]).unwrap());
                let cow = std::borrow::Cow::Borrowed(tera);
                let r = moot::render::Renderer::with_templates(site, &loaded.bodies, &loaded.sources, cow);
                let feed = r.run(&moot::render::Job::SiteCalendar).unwrap().remove(0);
                let moot::render::Body::Bytes(bytes) = feed.body else { panic!("a calendar in memory") };
                let event = String::from_utf8(bytes).unwrap();
                for m in &site.meetings {
                    prop_assert!(!m.occurrences.is_empty());
                    prop_assert!(event.ends_with("\r\n"));
                    for l in event[..event.len() - 2].split("\r\n") {
                        prop_assert!(!l.contains(['\r', '\n']), "a bare CR or LF in {event:?}");
                        prop_assert!(l.len() <= 75, "{l:?}");
                    }
                    if let Some(rule) = &m.repeat {
                        let written = moot::render::ics::ics_rule(rule, m);
                        prop_assert!(written.bytes().all(|b| b.is_ascii_graphic()), "{written:?}");
                    }
                }
            }
            Err(diags) => {
                let text = diags.to_string();
                prop_assert!(diags.has_errors(), "{text}");
                prop_assert!(text.contains("content/meetings/x.md:"), "every problem has its place: {text}");
            }
        }
    }
}

/// Request paths made of pieces that try to climb out (`..`, encoded or not, backslashes,
/// NULs, odd bytes) among ordinary ones.
fn request() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("..".to_string()),
        Just("%2e%2e".to_string()),
        Just("%2E.".to_string()),
        Just(".".to_string()),
        Just("%2f".to_string()),
        Just("%5c".to_string()),
        Just("%00".to_string()),
        Just("%ff".to_string()),
        Just("a\\b".to_string()),
        Just("".to_string()),
        "[a-z0-9._-]{1,8}",
        any::<String>(),
    ];
    (prop::collection::vec(piece, 0..8), any::<bool>())
        .prop_map(|(parts, slash)| format!("/{}{}", parts.join("/"), if slash { "/" } else { "" }))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// A request path resolves to an output path inside the output folder, or to nothing.
    #[test]
    fn request_paths_never_leave_the_output_folder(path in request()) {
        if let Some(out) = moot::serve::request_path(&path) {
            let joined = moot::routes::safe_join(std::path::Path::new("/out"), &out);
            prop_assert!(joined.is_some() || out.is_empty(), "{path:?} -> {out:?}");
            prop_assert!(!out.split('/').any(|p| p == ".." || p == "."), "{path:?} -> {out:?}");
            prop_assert!(!out.contains(['\\', '\0']), "{path:?} -> {out:?}");
        }
    }
}
