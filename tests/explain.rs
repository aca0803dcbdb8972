//! Every diagnostic code has an explain page (`docs/codes/<CODE>.md`, shown by
//! `intentc explain`), and each page's examples are checked: the `## Wrong` example must
//! produce the code, the `## Right` example must be clean. So the pages cannot drift from the
//! compiler.
//!
//! An example is the code blocks of its section: ```intent blocks become .intent files,
//! ```yaml file=PATH blocks become targets files at PATH (relative to the .intent files).
//! `tests/fixtures/prelude.intent` (a document and the `noms` partner) is added, and Welsh is
//! stamped first, except on the pages about stamps (W0602, W0603), whose examples carry their
//! own stamps.

use intentc::diagnostics::{registry, Policy};
use intentc::source::Project;
use std::path::Path;

fn blocks(section: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = section.lines();
    let mut n = 0;
    while let Some(l) = lines.next() {
        if let Some(info) = l.strip_prefix("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
            let path = match info.trim() {
                "intent" => {
                    n += 1;
                    format!("example/{n}.intent")
                }
                i if i.starts_with("yaml file=") => format!("example/{}", &i["yaml file=".len()..]),
                _ => continue,
            };
            out.push((path, body.join("\n") + "\n"));
        }
    }
    out
}

fn section<'a>(page: &'a str, heading: &str) -> Option<&'a str> {
    let start = page.find(&format!("\n## {heading}\n"))? + heading.len() + 5;
    let rest = &page[start..];
    Some(&rest[..rest.find("\n## ").unwrap_or(rest.len())])
}

fn codes_of(files: &[(String, String)], stamp: bool) -> Vec<&'static str> {
    let prelude = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prelude.intent")).unwrap();
    let mut files = files.to_vec();
    files.push(("prelude.intent".into(), prelude));
    let build = |files: &[(String, String)]| {
        let mut p = Project::new();
        for (path, text) in files {
            p.add_str(path.clone(), text).unwrap();
        }
        p.sort();
        p
    };
    let mut p = build(&files);
    if stamp {
        let stamped: Vec<(String, String)> = p
            .files
            .iter()
            .map(|f| {
                if f.path.ends_with(".intent") {
                    (f.path.clone(), intentc::syntax::stamp::stamp_file(&p, f.id).0)
                } else {
                    (f.path.clone(), f.text.to_string())
                }
            })
            .collect();
        p = build(&stamped);
    }
    intentc::check(&p, Policy::default()).diagnostics.codes()
}

#[test]
fn every_code_has_a_page_whose_examples_hold() {
    let mut problems = Vec::new();
    for code in registry::ALL {
        let Some(page) = code.explanation() else {
            problems.push(format!("{}: no page docs/codes/{}.md", code.id, code.id));
            continue;
        };
        if !page.starts_with(&format!("# {}", code.id)) {
            problems.push(format!("{}: the page must start with `# {}`", code.id, code.id));
        }
        let (Some(wrong), Some(right)) = (section(page, "Wrong"), section(page, "Right")) else {
            problems.push(format!("{}: the page needs `## Wrong` and `## Right` sections", code.id));
            continue;
        };
        if section(page, "Why").is_none() {
            problems.push(format!("{}: the page needs a `## Why` section", code.id));
        }
        // Evaluation errors come from `intentc eval`, not from checking sources: their
        // examples are command lines, tested in tests/bundle.rs.
        if code.id.starts_with("E07") {
            continue;
        }
        // The input guards need inputs no page can hold (a NUL byte, 8 MiB, a 100,000-byte
        // line, a runaway parse); tests/cli.rs feeds those to the binary.
        if matches!(code.id, "E0001" | "E0002" | "E0003" | "E0005") {
            continue;
        }
        // E0507 and E0901 guard the model against a gap in the checks: no source is known to
        // cause them (tests/silent.rs calls the model with what the checks did not hand over).
        if matches!(code.id, "E0507" | "E0901") {
            let r = blocks(section(page, "Right").unwrap_or_default());
            if !codes_of(&r, true).is_empty() {
                problems.push(format!("{}: the Right example is not clean", code.id));
            }
            continue;
        }
        let stamp = !matches!(code.id, "W0602" | "W0603");
        let (w, r) = (blocks(wrong), blocks(right));
        if w.is_empty() || r.is_empty() {
            problems.push(format!("{}: Wrong and Right need ```intent examples", code.id));
            continue;
        }
        let wc = codes_of(&w, stamp);
        if !wc.contains(&code.id) {
            problems.push(format!("{}: the Wrong example gives {:?}", code.id, wc));
        }
        let rc = codes_of(&r, stamp);
        if !rc.is_empty() {
            problems.push(format!("{}: the Right example is not clean: {:?}", code.id, rc));
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
