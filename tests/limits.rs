//! Inputs with a huge number of mistakes get a bounded answer: at most
//! `diagnostics::MAX_SHOWN` diagnostics and one W0008 counting the rest (issue 9, item 5).
//! A fixture cannot hold these inputs (its snapshot would hold every diagnostic), so they are
//! built here.

use intentc::diagnostics::{render, Policy, MAX_SHOWN};
use intentc::source::Project;

fn check(files: &[(&str, String)]) -> (Project, intentc::CheckResult) {
    let mut p = Project::new();
    for (path, text) in files {
        p.add_str(*path, text).unwrap();
    }
    p.sort();
    let r = intentc::check(&p, Policy::default());
    (p, r)
}

fn prelude() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/prelude.intent")).unwrap()
}

#[test]
fn a_hundred_thousand_broken_lines_give_the_first_500_and_a_count() {
    let text: String = (0..100_000).map(|i| format!("intention x{i} {{ title = }}\n")).collect();
    let (p, r) = check(&[("broken.intent", text)]);
    let items = &r.diagnostics.items;
    assert_eq!(items.len(), MAX_SHOWN + 1);
    assert!(items[..MAX_SHOWN].iter().all(|d| d.code.id == "E0101"));
    let last = items.last().unwrap();
    assert_eq!(last.code.id, "W0008");
    assert!(last.message.starts_with("99,500 more errors are not shown"), "{}", last.message);
    // The first one not shown is line 501.
    assert_eq!(p.location(last.primary.span).line, 501);
    // Every format is as short as the list.
    for format in [render::Format::Short, render::Format::Github] {
        let out = render::render(&p, items, format, false);
        assert_eq!(out.lines().count(), MAX_SHOWN + 1, "{format:?}");
    }
    let json = render::render(&p, items, render::Format::Json, false);
    assert!(json.len() < 1_000_000, "json is {} bytes", json.len());
}

#[test]
fn errors_are_listed_before_warnings() {
    // 600 stray braces (errors) after 600 texts with no Welsh (warnings).
    let mut text = String::new();
    for i in 0..600 {
        text.push_str(&format!("theme t{i} {{ title \"Theme {i}\" }}\n"));
    }
    text.push_str(&"}\n".repeat(600));
    let (_, r) = check(&[("a.intent", text), ("prelude.intent", prelude())]);
    let items = &r.diagnostics.items;
    assert_eq!(items.len(), MAX_SHOWN + 1);
    assert!(items[..MAX_SHOWN].iter().all(|d| d.code.id == "E0110"));
    assert!(items[MAX_SHOWN].message.starts_with("100 more errors and 600 more warnings are not shown"), "{}", items[MAX_SHOWN].message);
    assert_eq!(r.diagnostics.error_count(), MAX_SHOWN);
}

#[test]
fn a_few_mistakes_are_all_listed() {
    let (_, r) = check(&[("a.intent", "}\n".repeat(MAX_SHOWN)), ("prelude.intent", prelude())]);
    assert_eq!(r.diagnostics.items.len(), MAX_SHOWN);
    assert!(r.diagnostics.items.iter().all(|d| d.code.id == "E0110"));
}

#[test]
fn thousands_of_conflicting_rules_stop_the_search_after_the_cap() {
    // 1,000 invest and 1,000 avoid rules about one service that nearly all conflict: about
    // half a million pairs. The search stops after MAX_SHOWN conflicts and says so.
    let mut text = String::from(
        "attribute ogrs3 { name { en \"OGRS3 score\" cy \"Sgôr OGRS3\" }; type percent }\n\
         service tsp { name { en \"Thinking Skills Programme\" cy \"Rhaglen Sgiliau Meddwl\" }; kind accredited_programme }\n\
         targeting t {\n  title { en \"Targeting\" cy \"Targedu\" }\n",
    );
    for i in 0..1000 {
        text.push_str(&format!("  invest {} tsp {{ when ogrs3 == {} }}\n", 2 * i + 1, i % 100));
        text.push_str(&format!("  avoid {} tsp {{ when ogrs3 >= {} }}\n", 2 * i + 2, i % 100));
    }
    text.push_str("}\n");
    let (_, r) = check(&[("a.intent", text), ("prelude.intent", prelude())]);
    let conflicts = r.diagnostics.items.iter().filter(|d| d.code.id == "E0501").count();
    assert!(conflicts <= MAX_SHOWN + 1, "{conflicts}");
    assert!(
        r.diagnostics.items.iter().any(|d| d.message.contains("the search stopped here"))
            || r.diagnostics.items.iter().any(|d| d.code.id == "W0008"),
        "the answer says that it is not complete"
    );
}
