//! Fixture tests: one `.case` file per case under `tests/fixtures/`, found by glob.
//!
//! A case is a header and one or more files:
//!
//! ```text
//! # What the case is about, in a sentence.
//! # expect: E0401, E0402        (the codes that must fire; `none` for a clean case)
//! # args: --strict              (optional: --strict, --deny-warnings)
//! # stamp: no                   (optional: do not stamp the Welsh before checking)
//! # prelude: no                 (optional: do not add tests/fixtures/prelude.intent)
//! --- intentions/a.intent
//! …
//! --- intentions/targets/x.yaml
//! …
//! ```
//!
//! The test asserts the set of codes that fired and snapshots the sources with the short and
//! human output. Welsh texts are stamped first (as a translator would), so only the cases
//! about stamps see stamp warnings. Adding a case is adding a file.

use intentc::diagnostics::{render, Policy};
use intentc::source::Project;
use std::collections::BTreeSet;
use std::path::Path;

struct Case {
    expect: BTreeSet<String>,
    policy: Policy,
    stamp: bool,
    prelude: bool,
    files: Vec<(String, String)>,
}

fn parse_case(text: &str) -> Case {
    let mut case = Case { expect: BTreeSet::new(), policy: Policy::default(), stamp: true, prelude: true, files: Vec::new() };
    let mut expect_seen = false;
    let mut current: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("--- ") {
            if let Some(f) = current.take() {
                case.files.push(f);
            }
            current = Some((path.trim().to_string(), String::new()));
            continue;
        }
        match &mut current {
            Some((_, body)) => body.push_str(line),
            None => {
                let l = line.trim();
                if let Some(codes) = l.strip_prefix("# expect:") {
                    expect_seen = true;
                    case.expect = codes.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty() && c != "none").collect();
                } else if let Some(args) = l.strip_prefix("# args:") {
                    for a in args.split_whitespace() {
                        match a {
                            "--strict" => case.policy.strict_welsh = true,
                            "--deny-warnings" => case.policy.deny_warnings = true,
                            other => panic!("unknown fixture arg {other}"),
                        }
                    }
                } else if l == "# stamp: no" {
                    case.stamp = false;
                } else if l == "# prelude: no" {
                    case.prelude = false;
                }
            }
        }
    }
    if let Some(f) = current {
        case.files.push(f);
    }
    assert!(expect_seen, "a fixture must say `# expect: …`");
    assert!(!case.files.is_empty(), "a fixture needs at least one `--- path` file");
    case
}

fn project(files: &[(String, String)]) -> Project {
    let mut p = Project::new();
    for (path, text) in files {
        p.add_str(path.clone(), text).unwrap();
    }
    p.sort();
    p
}

fn run(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut case = parse_case(&text);
    if case.prelude {
        let prelude = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prelude.intent")).unwrap();
        case.files.push(("prelude.intent".to_string(), prelude));
    }
    if case.stamp {
        let p = project(&case.files);
        for f in &p.files {
            if f.path.ends_with(".intent") {
                let (stamped, _) = intentc::syntax::stamp::stamp_file(&p, f.id);
                if let Some(entry) = case.files.iter_mut().find(|(path, _)| *path == f.path) {
                    entry.1 = stamped;
                }
            }
        }
    }
    let p = project(&case.files);
    let result = intentc::check(&p, case.policy);
    let found: BTreeSet<String> = result.diagnostics.codes().into_iter().map(str::to_string).collect();
    assert_eq!(found, case.expect, "codes that fired in {}", path.display());
    // `intentc check` runs the same phases without keeping the prose trees: it must find the
    // very same diagnostics.
    let diagnosed = intentc::diagnose(&p, case.policy);
    assert_eq!(
        render::render(&p, &diagnosed.items, render::Format::Short, false),
        render::render(&p, &result.diagnostics.items, render::Format::Short, false),
        "intentc::diagnose on {}",
        path.display()
    );

    let mut snap = String::new();
    for (path, body) in case.files.iter().filter(|(p, _)| p != "prelude.intent") {
        snap.push_str(&format!("--- {path}\n{body}"));
        if !body.ends_with('\n') {
            snap.push('\n');
        }
    }
    let items = &result.diagnostics.items;
    snap.push_str("=== short\n");
    snap.push_str(&render::render(&p, items, render::Format::Short, false));
    snap.push_str("=== human\n");
    snap.push_str(&render::render(&p, items, render::Format::Human, false));
    // Snapshots live beside their fixtures: tests/fixtures/<group>/snapshots/<case>.snap.
    let dir = path.parent().unwrap();
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir.join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(path);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, snap));
}

#[test]
fn fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut cases = Vec::new();
    collect(&root, &mut cases);
    cases.sort();
    assert!(cases.len() > 10, "expected the fixture folders to hold cases");
    let mut failures = Vec::new();
    for case in &cases {
        // Run every case, then fail once with the list, so one broken case does not hide
        // the others.
        if let Err(e) = std::panic::catch_unwind(|| run(case)) {
            let msg = e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
            failures.push(format!("{}: {}", case.strip_prefix(&root).unwrap().display(), msg.lines().next().unwrap_or("")));
        }
    }
    assert!(failures.is_empty(), "{} of {} fixtures failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "case") {
            out.push(p);
        }
    }
}
