//! `intentc diff`: fixture pairs, and the decision regions against brute force.
//!
//! A fixture is a folder `tests/diff/<case>/` with `README.md` (what the case is about),
//! `old/` and `new/`. Both versions get `tests/fixtures/prelude.intent` (a document and the
//! partner `noms`) and must check clean; the diff is snapshotted in each output format
//! (`tests/diff/snapshots/`). Adding a case is adding a folder.

use intentc::check::logic::Val;
use intentc::diagnostics::Policy;
use intentc::diff::{self, render, Constraint, Diff};
use intentc::model;
use intentc::source::Project;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

fn prelude() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prelude.intent")).unwrap()
}

fn checked(project: &Project, what: &str) -> model::Policy {
    let result = intentc::check(project, Policy::default());
    let errors: Vec<String> =
        result.diagnostics.items.iter().filter(|d| d.is_error()).map(|d| format!("{}: {}", d.code.id, d.message)).collect();
    assert!(errors.is_empty(), "{what} does not check clean: {errors:#?}");
    result.model.expect("a model for a clean project")
}

fn load(dir: &Path) -> model::Policy {
    let mut p = intentc::cli::load::project(dir).unwrap_or_else(|e| panic!("{e}"));
    p.add_str("prelude.intent", &prelude());
    p.sort();
    checked(&p, &dir.display().to_string())
}

#[test]
fn fixture_pairs() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("diff/snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("diff/*/README.md", |readme| {
            let case = readme.parent().unwrap();
            let d = diff::diff(&load(&case.join("old")), &load(&case.join("new")), "old", "new");
            let about = std::fs::read_to_string(readme).unwrap();
            insta::with_settings!({ description => about.trim() }, {
                insta::assert_snapshot!("human", render::human(&d));
                insta::assert_snapshot!("markdown", render::markdown(&d));
                insta::assert_snapshot!("json", intentc::emit::bundle::canonical(&serde_json::to_value(&d).unwrap()));
            });
            check_regions(&d);
        });
    });
}

/// Whatever the case: regions of one service never overlap, and each witness lies in its
/// region and gets what the region says.
fn check_regions(d: &Diff) {
    for s in &d.decisions {
        for (i, a) in s.regions.iter().enumerate() {
            assert!(inside(&a.witness, &a.offenders), "{}: the witness {:?} is outside its region", s.service, a.witness);
            for b in &s.regions[i + 1..] {
                assert!(!overlap(&a.offenders, &b.offenders), "{}: regions {:?} and {:?} overlap", s.service, a.offenders, b.offenders);
            }
        }
    }
}

fn inside(o: &BTreeMap<String, Val>, cs: &[Constraint]) -> bool {
    cs.iter().all(|c| match (c, o.get(c.attribute())) {
        (Constraint::Range { min, max, .. }, Some(Val::Number(n))) => min <= n && n <= max,
        (Constraint::Values { values, .. }, Some(v)) => values.contains(v),
        _ => false,
    })
}

fn overlap(a: &[Constraint], b: &[Constraint]) -> bool {
    a.iter().all(|x| {
        b.iter().filter(|y| y.attribute() == x.attribute()).all(|y| match (x, y) {
            (Constraint::Range { min: a0, max: a1, .. }, Constraint::Range { min: b0, max: b1, .. }) => a0.max(b0) <= a1.min(b1),
            (Constraint::Values { values: a, .. }, Constraint::Values { values: b, .. }) => a.iter().any(|v| b.contains(v)),
            _ => true,
        })
    })
}

#[test]
fn the_corpus_against_itself_has_no_differences() {
    let p = intentc::cli::load::project(&Path::new(env!("CARGO_MANIFEST_DIR")).join("intentions")).unwrap();
    let m = checked(&p, "the corpus");
    let d = diff::diff(&m, &m, "a", "b");
    assert!(d.is_empty(), "{}", render::human(&d));
    assert_eq!(render::summary(&d), "no differences");
}

/// Markdown never lets a text become markup: every character that means something to
/// Markdown or HTML is escaped.
#[test]
fn markdown_escapes_source_text() {
    let s = render::md("<script>alert(1)</script> | *bold* [link](x) `code` & _u_ # h ~~s~~");
    assert!(!s.contains('<') && !s.contains('>'), "{s}");
    for c in ['|', '*', '[', ']', '(', ')', '`', '_', '#', '~'] {
        assert!(s.matches(c).count() == s.matches(&format!("\\{c}")).count(), "{c} unescaped in {s}");
    }
}

// ---- The decision regions against brute force ---------------------------------------
//
// Small random policies: a number `n` (0..=12), a level `l` (low < mid < high), an option
// `k` (a, b, c, d) and a yes / no `f`; a class `cls` with members `s1` and `s2`. Invest rules
// are in `inv`, avoid rules in `avd`, which overrides `inv`, so no version has a conflict.
// Every offender of the whole space is evaluated with the compiler's evaluator, in both
// versions, and compared with what the regions say.

#[derive(Debug, Clone)]
enum C {
    Num(&'static str, i64),
    Lvl(&'static str, usize),
    Opt(Vec<usize>),
    Flag,
    Not(Box<C>),
    And(Box<C>, Box<C>),
    Or(Box<C>, Box<C>),
}

const LEVELS: [&str; 3] = ["low", "mid", "high"];
const OPTIONS: [&str; 4] = ["a", "b", "c", "d"];
const OPS: [&str; 6] = ["==", "!=", "<", "<=", ">", ">="];
const SERVICES: [&str; 3] = ["cls", "s1", "s2"];

impl C {
    fn text(&self) -> String {
        match self {
            C::Num(op, v) => format!("n {op} {v}"),
            C::Lvl(op, v) => format!("l {op} {}", LEVELS[*v]),
            C::Opt(vs) => format!("k in [{}]", vs.iter().map(|v| OPTIONS[*v]).collect::<Vec<_>>().join(", ")),
            C::Flag => "f".into(),
            C::Not(c) => format!("not ({})", c.text()),
            C::And(a, b) => format!("({}) and ({})", a.text(), b.text()),
            C::Or(a, b) => format!("({}) or ({})", a.text(), b.text()),
        }
    }
}

fn arb_c() -> impl Strategy<Value = C> {
    let leaf = prop_oneof![
        (prop::sample::select(&OPS[..]), -1i64..=13).prop_map(|(op, v)| C::Num(op, v)),
        (prop::sample::select(&OPS[..]), 0usize..3).prop_map(|(op, v)| C::Lvl(op, v)),
        prop::collection::vec(0usize..4, 1..3).prop_map(C::Opt),
        Just(C::Flag),
    ];
    leaf.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| C::Not(Box::new(c))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| C::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| C::Or(Box::new(a), Box::new(b))),
        ]
    })
}

/// A rule: invest (in `inv`) or avoid (in `avd`), its service, an optional session class, a condition.
type R = (bool, usize, Option<(u32, u32)>, C);

fn arb_rules() -> impl Strategy<Value = Vec<R>> {
    prop::collection::vec((any::<bool>(), 0usize..3, prop::option::weighted(0.3, (0u32..4, 0u32..4)), arb_c()), 0..5)
}

fn source(rules: &[R], s2_within: bool) -> String {
    let mut s = String::from(
        "attribute n { name { en \"N\" cy \"N\" }; type number; range 0 ..= 12 }\n\
         attribute l { name { en \"L\" cy \"L\" }; type level; levels low, mid, high }\n\
         attribute k { name { en \"K\" cy \"K\" }; type option; options a, b, c, d }\n\
         attribute f { name { en \"F\" cy \"F\" }; type yes_no }\n\
         service cls { name { en \"C\" cy \"C\" }; kind intervention }\n\
         service s1 { name { en \"S1\" cy \"S1\" }; kind intervention; within cls }\n",
    );
    s.push_str(&format!(
        "service s2 {{ name {{ en \"S2\" cy \"S2\" }}; kind intervention{} }}\n",
        if s2_within { "; within cls" } else { "" }
    ));
    for (id, invest, overrides) in [("inv", true, ""), ("avd", false, "  overrides inv\n")] {
        s.push_str(&format!("targeting {id} {{\n  title {{ en \"T\" cy \"T\" }}\n{overrides}"));
        for (i, (is_invest, service, sessions, c)) in rules.iter().enumerate() {
            if *is_invest != invest {
                continue;
            }
            let sessions = sessions.map(|(a, b)| format!("sessions {} ..= {}; ", a.min(b) * 10, a.max(b) * 10 + 5)).unwrap_or_default();
            s.push_str(&format!(
                "  {} {} {} {{ {sessions}when {} }}\n",
                if invest { "invest" } else { "avoid" },
                i + 1,
                SERVICES[*service],
                c.text()
            ));
        }
        s.push_str("}\n");
    }
    s
}

fn policy(text: &str) -> Option<model::Policy> {
    let mut p = Project::new();
    p.add_str("a.intent", text);
    p.add_str("prelude.intent", &prelude());
    p.sort();
    let result = intentc::check(&p, Policy::default());
    // A generated version can be wrong in ways the generator does not avoid (a rule no one
    // can reach, two invest rules in one targeting that conflict with an avoid through a
    // class): such cases are skipped, as `intentc diff` refuses them.
    if result.diagnostics.has_errors() {
        return None;
    }
    result.model
}

fn offenders() -> Vec<BTreeMap<String, Val>> {
    let mut out = Vec::new();
    for n in 0..=12 {
        for l in LEVELS {
            for k in OPTIONS {
                for f in [false, true] {
                    out.push(BTreeMap::from([
                        ("n".to_string(), Val::Number(n)),
                        ("l".to_string(), Val::Word(l.into())),
                        ("k".to_string(), Val::Word(k.into())),
                        ("f".to_string(), Val::Bool(f)),
                    ]));
                }
            }
        }
    }
    out
}

/// What a version decides about a service, from the whole policy: (verb, sessions) of the
/// rules about it that apply and are not superseded.
/// What is decided about a service: (verb, session class) pairs.
type Decided = Vec<(String, Option<(i64, Option<i64>)>)>;

fn decided(p: &model::Policy, service: &str, o: &BTreeMap<String, Val>) -> Decided {
    let mut out: Vec<_> = p
        .decide(o)
        .into_iter()
        .filter(|a| a.superseded_by.is_none())
        .filter_map(|a| p.rules.iter().find(|r| r.id == a.rule))
        .filter(|r| r.verb != "note" && r.service.as_deref() == Some(service))
        .map(|r| (r.verb.clone(), r.sessions))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn of(v: &diff::Verdict) -> Decided {
    let mut out: Vec<_> = v.decisions.iter().map(|d| (d.verb.clone(), d.sessions.map(|s| (s.min, s.max)))).collect();
    out.sort();
    out.dedup();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// For every offender and service: the decisions differ between the versions exactly
    /// when the offender is in one of the service's regions, and then as that region says.
    #[test]
    fn regions_match_brute_force(old in arb_rules(), new in arb_rules(), within in any::<(bool, bool)>()) {
        let (old_text, new_text) = (source(&old, within.0), source(&new, within.1));
        let (Some(a), Some(b)) = (policy(&old_text), policy(&new_text)) else { return Ok(()) };
        let d = diff::diff(&a, &b, "old", "new");
        let everyone = offenders();
        for s in SERVICES {
            let regions = d.decisions.iter().find(|x| x.service == s).map(|x| x.regions.clone()).unwrap_or_default();
            prop_assert!(d.decisions.iter().all(|x| x.unknown.is_none()));
            for o in &everyone {
                let (before, now) = (decided(&a, s, o), decided(&b, s, o));
                let hits: Vec<_> = regions.iter().filter(|r| inside(o, &r.offenders)).collect();
                prop_assert!(hits.len() <= 1, "{s}: {o:?} is in {} regions", hits.len());
                match hits.first() {
                    None => prop_assert_eq!(&before, &now, "{}: {:?} changes but is in no region\nold:\n{}\nnew:\n{}\n{}", s, o, old_text, new_text, render::human(&d)),
                    Some(r) => {
                        prop_assert_ne!(&before, &now, "{}: {:?} is in a region but does not change\n{}", s, o, render::human(&d));
                        prop_assert_eq!(&of(&r.before), &before, "{}: {:?} before\nold:\n{}\nnew:\n{}\n{}", s, o, old_text, new_text, render::human(&d));
                        prop_assert_eq!(&of(&r.now), &now, "{}: {:?} now", s, o);
                    }
                }
            }
            for r in &regions {
                prop_assert!(inside(&r.witness, &r.offenders));
                prop_assert_eq!(decided(&a, s, &r.witness), of(&r.before));
                prop_assert_eq!(decided(&b, s, &r.witness), of(&r.now));
            }
        }
    }
}
