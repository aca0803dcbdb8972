//! The band and conflict analyses against brute force over the whole domain (proptest).
//!
//! Bands: the reported gaps are exactly the uncovered values, and overlaps are reported when
//! and only when some value is in two bands. Conflicts: an invest / avoid pair is reported
//! when and only when some offender matches both, and the reported offender really does. The
//! oracle evaluates conditions itself, independently of the compiler.

use intentc::check::{self, CheckError};
use intentc::source::Project;
use proptest::prelude::*;
use std::collections::BTreeSet;

fn check_text(text: &str) -> Vec<CheckError> {
    let mut p = Project::new();
    p.add_str("a.intent", text).unwrap();
    let (files, syntax) = intentc::syntax::parse_project(&p);
    assert!(syntax.is_empty(), "the generated source must parse: {:?}\n{text}", syntax.iter().map(|d| &d.message).collect::<Vec<_>>());
    let (symbols, resolve) = intentc::resolve::resolve(&files);
    assert!(resolve.iter().all(|e| matches!(e, intentc::resolve::ResolveError::DocumentCount { .. })), "{resolve:?}");
    check::check(&p, &symbols)
}

const MAX: i64 = 30;

fn bands_source(bands: &[(i64, i64)]) -> String {
    let mut s = format!("attribute score {{ name {{ en \"Score\" cy \"Sgôr\" }}; type number; range 0 ..= {MAX} }}\nbands b {{\n  attribute score\n  title {{ en \"B\" cy \"B\" }}\n");
    for (i, (lo, hi)) in bands.iter().enumerate() {
        s.push_str(&format!("  band b{i} {{ range {lo} ..= {hi}; title {{ en \"B\" cy \"B\" }} }}\n"));
    }
    s.push_str("}\n");
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn band_gaps_and_overlaps_match_brute_force(raw in prop::collection::vec((0..=MAX, 0..=MAX), 1..7)) {
        let bands: Vec<(i64, i64)> = raw.into_iter().map(|(a, b)| (a.min(b), a.max(b))).collect();
        let errors = check_text(&bands_source(&bands));
        let cover = |v: i64| bands.iter().filter(|(lo, hi)| *lo <= v && v <= *hi).count();
        let uncovered: BTreeSet<i64> = (0..=MAX).filter(|v| cover(*v) == 0).collect();
        let mut reported_gaps = BTreeSet::new();
        let mut reported_overlap = false;
        for e in &errors {
            match e {
                CheckError::BandGap { from, to, .. } => reported_gaps.extend(*from..=*to),
                CheckError::BandOverlap { from, to, .. } => {
                    reported_overlap = true;
                    for v in *from..=*to {
                        prop_assert!(cover(v) >= 2, "reported {v} as shared, but it is in {} bands", cover(v));
                    }
                }
                CheckError::UnstampedWelsh { .. } => {}
                other => prop_assert!(false, "unexpected {other:?}"),
            }
        }
        prop_assert_eq!(reported_gaps, uncovered);
        prop_assert_eq!(reported_overlap, (0..=MAX).any(|v| cover(v) >= 2));
    }
}

/// A condition over three attributes: `n` (0..=10), `l` (low < mid < high) and `f` (yes/no).
#[derive(Debug, Clone)]
enum C {
    Num(&'static str, i64),
    Lvl(&'static str, usize),
    Flag,
    In(Vec<usize>),
    Not(Box<C>),
    And(Box<C>, Box<C>),
    Or(Box<C>, Box<C>),
}

const LEVELS: [&str; 3] = ["low", "mid", "high"];
const OPS: [&str; 6] = ["==", "!=", "<", "<=", ">", ">="];

#[derive(Debug, Clone, Copy)]
struct Offender {
    n: i64,
    l: usize,
    f: bool,
}

fn cmp(op: &str, a: i64, b: i64) -> bool {
    match op {
        "==" => a == b,
        "!=" => a != b,
        "<" => a < b,
        "<=" => a <= b,
        ">" => a > b,
        _ => a >= b,
    }
}

impl C {
    fn text(&self) -> String {
        match self {
            C::Num(op, v) => format!("n {op} {v}"),
            C::Lvl(op, v) => format!("l {op} {}", LEVELS[*v]),
            C::Flag => "f".into(),
            C::In(vs) => format!("l in [{}]", vs.iter().map(|v| LEVELS[*v]).collect::<Vec<_>>().join(", ")),
            C::Not(c) => format!("not ({})", c.text()),
            C::And(a, b) => format!("({}) and ({})", a.text(), b.text()),
            C::Or(a, b) => format!("({}) or ({})", a.text(), b.text()),
        }
    }
    fn eval(&self, o: Offender) -> bool {
        match self {
            C::Num(op, v) => cmp(op, o.n, *v),
            C::Lvl(op, v) => cmp(op, o.l as i64, *v as i64),
            C::Flag => o.f,
            C::In(vs) => vs.contains(&o.l),
            C::Not(c) => !c.eval(o),
            C::And(a, b) => a.eval(o) && b.eval(o),
            C::Or(a, b) => a.eval(o) || b.eval(o),
        }
    }
}

fn arb_c() -> impl Strategy<Value = C> {
    let leaf = prop_oneof![
        (prop::sample::select(&OPS[..]), -1i64..=11).prop_map(|(op, v)| C::Num(op, v)),
        (prop::sample::select(&OPS[..]), 0usize..3).prop_map(|(op, v)| C::Lvl(op, v)),
        Just(C::Flag),
        prop::collection::vec(0usize..3, 1..3).prop_map(C::In),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| C::Not(Box::new(c))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| C::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| C::Or(Box::new(a), Box::new(b))),
        ]
    })
}

fn offenders() -> impl Iterator<Item = Offender> {
    (0..=10).flat_map(|n| (0..3).flat_map(move |l| [false, true].map(move |f| Offender { n, l, f })))
}

/// Reads "an offender with f = yes and l = mid and n = 3" back.
fn parse_witness(w: &str) -> Offender {
    let mut o = Offender { n: 0, l: 0, f: false };
    for part in w.trim_start_matches("an offender with ").split(" and ") {
        let (k, v) = part.split_once(" = ").unwrap();
        match k {
            "n" => o.n = v.parse().unwrap(),
            "l" => o.l = LEVELS.iter().position(|x| *x == v).unwrap(),
            "f" => o.f = v == "yes",
            other => panic!("unexpected attribute {other}"),
        }
    }
    o
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn conflicts_match_brute_force(a in arb_c(), b in arb_c()) {
        let text = format!(
            "attribute n {{ name {{ en \"N\" cy \"N\" }}; type number; range 0 ..= 10 }}\n\
             attribute l {{ name {{ en \"L\" cy \"L\" }}; type level; levels low, mid, high }}\n\
             attribute f {{ name {{ en \"F\" cy \"F\" }}; type yes_no }}\n\
             service s {{ name {{ en \"S\" cy \"S\" }}; kind intervention }}\n\
             targeting t {{\n  title {{ en \"T\" cy \"T\" }}\n  invest 1 s {{ when {} }}\n  avoid 2 s {{ when {} }}\n}}\n",
            a.text(), b.text()
        );
        let errors = check_text(&text);
        let both = offenders().any(|o| a.eval(o) && b.eval(o));
        let conflicts: Vec<&String> = errors.iter().filter_map(|e| match e {
            CheckError::Conflict { witness, .. } => Some(witness),
            _ => None,
        }).collect();
        prop_assert_eq!(!conflicts.is_empty(), both, "source:\n{}", text);
        for w in conflicts {
            let o = parse_witness(w);
            prop_assert!(a.eval(o) && b.eval(o), "the witness {} does not match both rules", w);
        }
        // Reachability agrees with brute force too.
        for (c, id) in [(&a, "t.1"), (&b, "t.2")] {
            let unreachable = errors.iter().any(|e| matches!(e, CheckError::Unreachable { rule, .. } if rule == id));
            prop_assert_eq!(unreachable, !offenders().any(|o| c.eval(o)));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// Many rules at once: the index and the interval join must find exactly the pairs that
    /// brute force finds.
    #[test]
    fn conflict_pairs_among_many_rules_match_brute_force(rules in prop::collection::vec((any::<bool>(), arb_c()), 2..9)) {
        let mut text = String::from(
            "attribute n { name { en \"N\" cy \"N\" }; type number; range 0 ..= 10 }\n\
             attribute l { name { en \"L\" cy \"L\" }; type level; levels low, mid, high }\n\
             attribute f { name { en \"F\" cy \"F\" }; type yes_no }\n\
             service s { name { en \"S\" cy \"S\" }; kind intervention }\n\
             targeting t {\n  title { en \"T\" cy \"T\" }\n",
        );
        for (i, (invest, c)) in rules.iter().enumerate() {
            text.push_str(&format!("  {} {} s {{ when {} }}\n", if *invest { "invest" } else { "avoid" }, i + 1, c.text()));
        }
        text.push_str("}\n");
        let errors = check_text(&text);
        let reported: BTreeSet<(String, String)> = errors.iter().filter_map(|e| match e {
            CheckError::Conflict { invest, avoid, .. } => Some((invest.clone(), avoid.clone())),
            _ => None,
        }).collect();
        let mut expected = BTreeSet::new();
        for (i, (inv, a)) in rules.iter().enumerate() {
            for (j, (av, b)) in rules.iter().enumerate() {
                if *inv && !*av && offenders().any(|o| a.eval(o) && b.eval(o)) {
                    expected.insert((format!("t.{}", i + 1), format!("t.{}", j + 1)));
                }
            }
        }
        prop_assert_eq!(reported, expected, "source:\n{}", text);
    }
}
