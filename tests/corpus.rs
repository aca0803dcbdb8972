//! The whole 2014 document is in `intentions/`: its ids, titles, measures, bands, figures,
//! dates and links (kept as test data in tests/data/corpus-facts.yaml, extracted from the
//! reference document) are each present in the sources, in both languages where they are
//! numbers.

mod common;

use intentc::model::Policy;
use serde_yaml::Value;
use std::sync::OnceLock;

fn facts() -> &'static Value {
    static F: OnceLock<Value> = OnceLock::new();
    F.get_or_init(|| {
        serde_yaml::from_str(
            &std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus-facts.yaml")).unwrap(),
        )
        .unwrap()
    })
}

fn model() -> &'static Policy {
    static M: OnceLock<Policy> = OnceLock::new();
    M.get_or_init(common::corpus_model)
}

fn list(key: &str) -> Vec<&'static Value> {
    facts()[key].as_sequence().unwrap_or_else(|| panic!("facts have no list {key}")).iter().collect()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("no {key} in {v:?}"))
}

/// White space folded, and typographic quotes made plain, so a fact matches however the
/// source wraps its lines.
fn norm(t: &str) -> String {
    t.replace(['‘', '’'], "'").replace(['“', '”'], "\"").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every text of the project in one language, folded.
fn all_text(lang: &str) -> &'static str {
    static EN: OnceLock<String> = OnceLock::new();
    static CY: OnceLock<String> = OnceLock::new();
    let cell = if lang == "en" { &EN } else { &CY };
    cell.get_or_init(|| {
        let p = common::corpus();
        let mut out = String::new();
        for f in &p.files {
            let (parsed, _) = intentc::syntax::parse_file(&p, f.id);
            for d in &parsed.ast.declarations {
                for (_, t, _) in d.texts() {
                    let lt = if lang == "en" { &t.en } else { &t.cy };
                    if let Some(lt) = lt {
                        out.push_str(&lt.value());
                        out.push('\n');
                    }
                }
            }
        }
        norm(&out)
    })
}

#[test]
fn every_intention_is_declared_with_its_exact_title() {
    let m = model();
    for (key, expect_under) in [("overarching_intentions", false), ("specific_intentions", true)] {
        let facts = list(key);
        assert!(facts.len() >= 6);
        for f in facts {
            let id = s(f, "id");
            let i = m.intentions.iter().find(|i| i.id == id).unwrap_or_else(|| panic!("intention {id} is not declared"));
            assert_eq!(i.under.is_some(), expect_under, "{id}");
            assert_eq!(norm(&i.title.en), norm(s(f, "title")), "title of {id}");
            if let Some(j) = f["jurisdiction"].as_str() {
                let nations: Vec<String> = i.applies.iter().map(|n| format!("{n:?}").to_lowercase()).collect();
                let expected: Vec<&str> = match j {
                    "england" => vec!["england"],
                    "wales" => vec!["wales"],
                    _ => vec!["england", "wales"],
                };
                assert_eq!(nations, expected, "jurisdiction of {id}");
            }
        }
    }
    assert_eq!(m.intentions.iter().filter(|i| i.under.is_some()).count(), list("specific_intentions").len());
}

#[test]
fn every_delivery_requirement_is_declared_with_its_measure() {
    let m = model();
    for f in list("requirements") {
        let id = s(f, "id");
        let r = m.requirements.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("requirement {id} is not declared"));
        assert_eq!(format!("{:?}", r.setting).to_lowercase(), s(f, "setting"), "setting of {id}");
        // The document's "x" is the source's {target}.
        let expected = norm(s(f, "measure")).replace("x%", "{target}%").replace(" x ", " {target} ").replace(" X", " {target}");
        let expected = expected.strip_suffix(" x").map(|e| format!("{e} {{target}}")).unwrap_or(expected);
        let expected = expected.strip_prefix("x%").map(|e| format!("{{target}}%{e}")).unwrap_or(expected);
        let got = norm(&r.measure.en);
        assert!(
            got == expected || got.replace("{target}", "x") == norm(s(f, "measure")),
            "measure of {id}:\n  document: {expected}\n  source:   {got}"
        );
        assert_eq!(norm(&r.outcomes.en), norm(s(f, "outcomes")), "outcomes of {id}");
        assert_eq!(norm(&r.driver.en), norm(s(f, "driver")), "driver of {id}");
        // The parts of a composite measure stand only inside its measure (and its footnote): the
        // document gives them no rows, so the corpus must not invent requirements for them.
        if let Some(parts) = f["parts"].as_sequence() {
            for p in parts {
                let p = p.as_str().unwrap();
                assert!(got.contains(&format!("({p})")), "part {p} is named in the measure of {id}");
                assert!(m.requirements.iter().all(|r| r.id != p), "part {p} of {id} is declared as a requirement of its own");
            }
        }
    }
}

#[test]
fn every_2013_14_intention_is_in_annex_d() {
    let m = model();
    let facts = list("previous_intentions");
    assert_eq!(facts.len(), 28);
    for f in facts {
        let id = format!("2013.{}", s(f, "id"));
        let p = m.previous_intentions.iter().find(|p| p.id == id).unwrap_or_else(|| panic!("{id} is not declared"));
        assert_eq!(norm(&p.text.en), norm(s(f, "text")), "{id}");
        let nations = match s(f, "jurisdiction") {
            "England only" => 1,
            "Wales only" => 1,
            _ => 2,
        };
        assert_eq!(p.applies.len(), nations, "{id}");
    }
}

#[test]
fn the_ogrs_bands_and_protected_characteristics() {
    let m = model();
    let set = &m.bands[0];
    for b in facts()["targeting"]["bands"].as_sequence().unwrap() {
        let from = b["ogrs_from"].as_i64().unwrap();
        let to = b["ogrs_to"].as_i64().unwrap();
        let band = set.band_of(from).unwrap();
        assert_eq!((band.min, band.max), (from, to), "{}", s(b, "name"));
        assert_eq!(norm(&band.title.en), norm(s(b, "name")));
    }
    let names: Vec<String> = m.characteristics.iter().map(|c| c.title.en.to_string()).collect();
    let expected: Vec<String> = list("protected_characteristics").iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(names, expected);
}

#[test]
fn every_figure_date_and_link_is_stated() {
    let (en, cy) = (all_text("en"), all_text("cy"));
    let mut missing = Vec::new();
    for f in list("figures") {
        let value = norm(s(f, "value"));
        if !en.contains(&value) {
            missing.push(format!("figure {value} ({})", s(f, "label")));
        }
        // The digits of every figure are in the Welsh too.
        for n in value.split(|c: char| !c.is_ascii_digit() && c != ',' && c != '.').filter(|n| n.chars().any(|c| c.is_ascii_digit())) {
            let n = n.trim_matches(['.', ',']);
            if !cy.contains(n) {
                missing.push(format!("figure {n} in Welsh ({})", s(f, "label")));
            }
        }
    }
    for d in list("dates") {
        let value = norm(s(d, "value"));
        if !en.contains(&value) {
            missing.push(format!("date {value} ({})", s(d, "label")));
        }
    }
    for l in list("links") {
        let link = l.as_str().unwrap().trim_end_matches('/').trim_start_matches("http://");
        if !en.contains(link) {
            missing.push(format!("link {link}"));
        }
    }
    assert!(missing.is_empty(), "{} facts missing from intentions/:\n{}", missing.len(), missing.join("\n"));
}
