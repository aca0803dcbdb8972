//! The JSON rule bundle: schemas, digests, versioning, and the reference evaluator against
//! every part of the 4(a) targeting guidance.

mod common;

use intentc::bundle::eval::{Evaluator, Offender, Outcome};
use intentc::bundle::{Bundle, ReadError, Value};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn files() -> &'static BTreeMap<String, Vec<u8>> {
    static FILES: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        common::corpus_output().files.into_iter().filter_map(|(k, v)| Some((k.strip_prefix("bundle/")?.to_string(), v))).collect()
    })
}

fn bundle() -> &'static Bundle {
    static B: OnceLock<Bundle> = OnceLock::new();
    B.get_or_init(|| Bundle::read(|name| files().get(name).cloned()).expect("the built bundle reads back"))
}

fn json(name: &str) -> serde_json::Value {
    serde_json::from_slice(&files()[name]).unwrap()
}

#[test]
fn every_file_validates_against_its_schema() {
    let mut checked = 0;
    for (name, bytes) in files() {
        if name.starts_with("schemas/") {
            continue;
        }
        let schema_name = format!("schemas/{}", name.replace(".json", ".schema.json"));
        let schema: serde_json::Value = serde_json::from_slice(&files()[&schema_name]).unwrap();
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema", "{schema_name}");
        let validator = jsonschema::validator_for(&schema).unwrap();
        let instance: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        let errors: Vec<String> = validator.iter_errors(&instance).map(|e| format!("{} at {}", e, e.instance_path)).take(5).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        // And a schema rejects what it should: an item without its id.
        if let Some((_, list)) = instance.as_object().and_then(|o| o.iter().find(|(_, v)| v.is_array())) {
            if let Some(first) = list.as_array().and_then(|a| a.first()).and_then(|f| f.as_object()).filter(|f| f.contains_key("id")) {
                let mut broken = instance.clone();
                let key = instance.as_object().unwrap().iter().find(|(_, v)| v.is_array()).unwrap().0.clone();
                let mut item = first.clone();
                item.remove("id");
                broken[&key][0] = serde_json::Value::Object(item);
                assert!(!validator.is_valid(&broken), "{name}: the schema accepted an item with no id");
            }
        }
        checked += 1;
    }
    assert_eq!(checked, intentc::bundle::FILES.len() + 1);
}

#[test]
fn the_manifest_digests_match_the_files() {
    let m = &bundle().manifest;
    assert_eq!(m.format_version, intentc::bundle::FORMAT_VERSION);
    assert_eq!(m.document.id, "noms_ci_2014");
    assert_eq!(m.document.period.start, "2014-04-01");
    assert_eq!(m.files.len(), files().len() - 1, "every file but the manifest has a digest");
    for d in &m.files {
        assert_eq!(intentc::bundle::sha256_hex(&files()[&d.path]), d.sha256, "{}", d.path);
    }
    let sources = common::corpus();
    assert_eq!(m.sources.len(), sources.files.len());
    for s in &m.sources {
        assert_eq!(intentc::bundle::sha256_hex(sources.find(&s.path).unwrap().text.as_bytes()), s.sha256);
    }
}

#[test]
fn json_is_canonical_and_round_trips() {
    for (name, bytes) in files() {
        let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        assert_eq!(intentc::emit::bundle::canonical(&v).as_bytes(), bytes.as_slice(), "{name} is not in canonical form");
    }
    // Target values keep their value through a round trip.
    let est = json("establishments.json");
    let v = &est["establishments"][0]["targets"][0]["value"];
    let back: f64 = serde_json::from_str(&v.to_string()).unwrap();
    assert_eq!(v.as_f64().unwrap(), back);
}

#[test]
fn a_reader_rejects_an_unknown_major_version_and_a_changed_file() {
    let with = |name: &str, bytes: Vec<u8>| {
        let mut f = files().clone();
        f.insert(name.to_string(), bytes);
        Bundle::read(move |n| f.get(n).cloned())
    };
    let mut manifest = json("manifest.json");
    manifest["format_version"] = "3.0.0".into();
    match with("manifest.json", serde_json::to_vec(&manifest).unwrap()) {
        Err(e @ ReadError::Version { .. }) => assert_eq!(e.code(), Some("E0704")),
        other => panic!("expected a version error, got {other:?}"),
    }
    manifest["format_version"] = "2.7.0".into();
    assert!(with("manifest.json", serde_json::to_vec(&manifest).unwrap()).is_ok(), "a newer minor version is readable");
    let mut rules = files()["rules.json"].clone();
    rules.extend_from_slice(b" ");
    assert!(matches!(with("rules.json", rules), Err(ReadError::Digest { .. })));
}

// ------------------------------------------------------------------ the 4(a) guidance

fn offender(pairs: &[(&str, &str)]) -> Offender {
    let ev = Evaluator::new(bundle());
    pairs.iter().map(|(k, v)| (k.to_string(), ev.parse_value(k, v).unwrap_or_else(|e| panic!("{e}")))).collect()
}

/// A full offender: a man with a violent index offence, no flags set, and these changes.
fn full(changes: &[(&str, &str)]) -> Outcome<'static> {
    let mut base: BTreeMap<&str, &str> = BTreeMap::new();
    for a in &bundle().attributes.attributes {
        let v = match &a.domain {
            intentc::bundle::Domain::Number { min, .. } => {
                if *min == 0 {
                    "50"
                } else {
                    "30"
                }
            }
            intentc::bundle::Domain::YesNo => "no",
            intentc::bundle::Domain::Level { values } | intentc::bundle::Domain::Option { values } => values[0].as_str(),
        };
        base.insert(a.id.as_str(), v);
    }
    base.insert("index_offence", "violence");
    base.insert("sex", "male");
    base.insert("sentence", "determinate");
    for (k, v) in changes {
        base.insert(k, v);
    }
    let pairs: Vec<(&str, &str)> = base.into_iter().collect();
    let o = offender(&pairs);
    let outcome = Evaluator::new(bundle()).evaluate(&o);
    assert!(outcome.undetermined.is_empty(), "a full offender leaves nothing undetermined: {:?}", outcome.undetermined);
    outcome
}

fn applies(o: &Outcome, rule: &str) -> bool {
    o.decisions.iter().any(|d| d.rule == rule && d.superseded_by.is_none())
}

fn band(o: &Outcome) -> String {
    o.bands[0].band.unwrap_or_default().to_string()
}

/// Every rule of the 4(a) guidance and of 6(b)'s restorative justice targeting, with its verb and
/// whose decision it is. Part vii labels each item of a band row "Invest in:" or "Do not invest
/// in:", so those are the document's; parts iv-vi and 6(b) give guidance without labels, so a
/// decision there is the publisher's reading (`derived`), and guidance that decides nothing is a
/// note. No other rule may exist: a rule the document does not give is an invention.
#[test]
fn every_4a_rule_has_the_documents_decision_or_is_marked_derived() {
    use intentc::bundle::Label::{Derived, Document};
    let expected: &[(&str, &str, intentc::bundle::Label)] = &[
        ("any_reconviction.1", "note", Document),
        ("serious_harm.1", "note", Document),
        ("sex_offenders.all.1", "note", Document),
        ("sex_offenders.all.2", "note", Document),
        ("sex_offenders.all.3", "note", Document),
        ("sex_offenders.all.4", "note", Document),
        ("sex_offenders.all.5", "avoid", Derived),
        ("sex_offenders.all.6", "note", Document),
        ("sex_offenders.low_risk.1", "avoid", Derived),
        ("sex_offenders.low_risk.2", "invest", Derived),
        ("sex_offenders.elevated.1", "invest", Derived),
        ("sex_offenders.elevated.2", "note", Document),
        ("sex_offenders.elevated.3", "invest", Derived),
        ("sex_offenders.elevated.4", "note", Document),
        ("violent_offenders.violent.1", "note", Document),
        ("violent_offenders.violent.2", "note", Document),
        ("violent_offenders.violent.3", "note", Document),
        ("violent_offenders.violent.4", "avoid", Derived),
        ("violent_offenders.violent.5", "note", Document),
        ("violent_offenders.violent.6", "note", Document),
        ("isps.isp.1", "invest", Derived),
        ("isps.isp.2", "avoid", Derived),
        ("isps.isp.3", "invest", Derived),
        // The "All offenders" row has no label; the note after it is guidance.
        ("reconviction_bands.1", "invest", Derived),
        ("reconviction_bands.2", "note", Document),
        ("reconviction_bands.low.1", "avoid", Document),
        ("reconviction_bands.low.2", "avoid", Document),
        ("reconviction_bands.low.3", "avoid", Document),
        ("reconviction_bands.medium.1", "invest", Document),
        ("reconviction_bands.medium.2", "invest", Document),
        ("reconviction_bands.medium.3", "invest", Document),
        ("reconviction_bands.medium.4", "invest", Document),
        ("reconviction_bands.medium.5", "avoid", Document),
        ("reconviction_bands.medium.6", "avoid", Document),
        ("reconviction_bands.medium.7", "avoid", Document),
        ("reconviction_bands.medium.8", "avoid", Document),
        ("reconviction_bands.high-very_high.1", "invest", Document),
        ("reconviction_bands.high-very_high.2", "invest", Document),
        ("reconviction_bands.high-very_high.3", "invest", Document),
        ("reconviction_bands.high-very_high.4", "invest", Document),
        ("reconviction_bands.high-very_high.5", "invest", Document),
        ("reconviction_bands.high-very_high.6", "invest", Document),
        ("reconviction_bands.high-very_high.7", "avoid", Document),
        ("reconviction_bands.extremely_high.1", "invest", Document),
        ("reconviction_bands.extremely_high.2", "invest", Document),
        ("reconviction_bands.extremely_high.3", "invest", Document),
        ("reconviction_bands.extremely_high.4", "invest", Document),
        ("reconviction_bands.extremely_high.5", "avoid", Document),
        ("rj_targeting.1", "invest", Derived),
        ("rj_targeting.2", "avoid", Derived),
        ("rj_targeting.3", "note", Document),
    ];
    let targeting =
        ["any_reconviction", "serious_harm", "sex_offenders", "violent_offenders", "isps", "reconviction_bands", "rj_targeting"];
    let got: Vec<(&str, &str, intentc::bundle::Label)> = bundle()
        .rules
        .rules
        .iter()
        .filter(|r| targeting.contains(&r.targeting.as_str()))
        .map(|r| (r.id.as_str(), r.verb.as_str(), r.label))
        .collect();
    let mut want = expected.to_vec();
    want.sort_by_key(|r| r.0);
    let mut have = got;
    have.sort_by_key(|r| r.0);
    assert_eq!(have, want);
    // A derived decision always says why, in both languages; the document's never has a reason.
    for r in bundle().rules.rules.iter().filter(|r| targeting.contains(&r.targeting.as_str())) {
        match r.label {
            Derived => {
                let reason = r.reason.as_ref().unwrap_or_else(|| panic!("{} has no reason", r.id));
                assert!(!reason.en.is_empty() && !reason.cy.is_empty(), "{}", r.id);
            }
            Document => assert!(r.reason.is_none(), "{}", r.id),
        }
    }
}

#[test]
fn each_ogrs_band_gets_its_row_of_the_table() {
    for (score, expected) in [
        ("0", "low"),
        ("24", "low"),
        ("25", "medium"),
        ("49", "medium"),
        ("50", "high"),
        ("74", "high"),
        ("75", "very_high"),
        ("89", "very_high"),
        ("90", "extremely_high"),
        ("100", "extremely_high"),
    ] {
        assert_eq!(band(&full(&[("ogrs3", score)])), expected, "OGRS3 {score}");
    }
    let low = full(&[("ogrs3", "10")]);
    assert!(applies(&low, "reconviction_bands.low.1"), "low: no intensive case management");
    assert!(applies(&low, "reconviction_bands.1"), "everyone: the core rehabilitative offer");
    assert!(!applies(&low, "reconviction_bands.medium.1"));
    // Intensive risk management is avoided in the low band, except at high risk of serious harm.
    assert!(applies(&low, "reconviction_bands.low.2"));
    assert!(!applies(&full(&[("ogrs3", "10"), ("rosh", "high")]), "reconviction_bands.low.2"));

    let medium = full(&[("ogrs3", "30")]);
    for r in [
        "reconviction_bands.medium.1",
        "reconviction_bands.medium.2",
        "reconviction_bands.medium.3",
        "reconviction_bands.medium.5",
        "reconviction_bands.medium.7",
    ] {
        assert!(applies(&medium, r), "{r}");
    }
    assert!(!applies(&medium, "reconviction_bands.medium.4"), "restorative justice needs a clear, willing victim");
    assert!(applies(&full(&[("ogrs3", "30"), ("clear_victim", "yes"), ("victim_willing", "yes")]), "reconviction_bands.medium.4"));
    // Item 8: do not invest in a second intervention or service for a need already addressed;
    // the invest items 2-4 then stand aside.
    assert!(!applies(&medium, "reconviction_bands.medium.8"));
    let duplicate = full(&[("ogrs3", "30"), ("clear_victim", "yes"), ("victim_willing", "yes"), ("duplicates_need", "yes")]);
    assert!(applies(&duplicate, "reconviction_bands.medium.8"), "no multiple interventions for the same need");
    for r in ["reconviction_bands.medium.2", "reconviction_bands.medium.3", "reconviction_bands.medium.4"] {
        assert!(!applies(&duplicate, r), "{r}");
    }
    assert!(applies(&duplicate, "reconviction_bands.medium.1"), "light touch case management is not an intervention for a need");

    let high = full(&[("ogrs3", "80"), ("index_offence", "theft"), ("drug_driven", "yes")]);
    assert!(applies(&high, "reconviction_bands.high-very_high.1"));
    assert!(applies(&high, "reconviction_bands.high-very_high.4"), "drug treatment for drug-driven theft");
    // Item 3 is an invest for the whole row: its words about cognitive skills programmes narrow
    // them within the item, and the document gives no do-not-invest item for them here.
    assert!(applies(&high, "reconviction_bands.high-very_high.3"), "additional interventions matched to need, acquisitive offenders too");
    assert!(applies(&high, "reconviction_bands.high-very_high.6"), "innovative services for acquisitive offenders");
    assert!(applies(&full(&[("ogrs3", "60")]), "reconviction_bands.high-very_high.3"), "violent offenders: additional interventions");
    assert!(!applies(&high, "reconviction_bands.high-very_high.7"));
    let high_duplicate = full(&[("ogrs3", "60"), ("index_offence", "theft"), ("drug_driven", "yes"), ("duplicates_need", "yes")]);
    assert!(applies(&high_duplicate, "reconviction_bands.high-very_high.7"), "no multiple interventions for the same need");
    for r in ["reconviction_bands.high-very_high.3", "reconviction_bands.high-very_high.4", "reconviction_bands.high-very_high.6"] {
        assert!(!applies(&high_duplicate, r), "{r}");
    }

    let prolific = full(&[("ogrs3", "95")]);
    for r in ["reconviction_bands.extremely_high.1", "reconviction_bands.extremely_high.4", "reconviction_bands.extremely_high.5"] {
        assert!(applies(&prolific, r), "{r}");
    }
}

#[test]
fn sex_offender_rules() {
    let sex = [("index_offence", "sex"), ("ogrs3", "10")];
    let low = full(&[sex[0], sex[1], ("sexual_risk", "low")]);
    assert!(applies(&low, "sex_offenders.low_risk.1"), "no programmes at low sexual risk");
    assert!(!applies(&low, "sex_offenders.elevated.1"));
    // Low IQ or sexual homicide: access to adapted / core programmes after all.
    for flag in ["intellectual_disability", "sexual_homicide"] {
        let o = full(&[sex[0], sex[1], ("sexual_risk", "low"), (flag, "yes")]);
        assert!(applies(&o, "sex_offenders.low_risk.2"), "{flag}");
        assert!(!applies(&o, "sex_offenders.low_risk.1"), "{flag}");
    }
    let elevated = full(&[sex[0], sex[1], ("sexual_risk", "medium")]);
    assert!(applies(&elevated, "sex_offenders.elevated.1"), "core SOTP above low risk, whatever the OGRS band");
    assert!(applies(&elevated, "sex_offenders.elevated.2"), "Circles are valuable above low risk (guidance, a note)");
    assert!(!applies(&elevated, "sex_offenders.elevated.3"));
    assert!(!applies(&elevated, "sex_offenders.elevated.4"));
    let high = full(&[sex[0], sex[1], ("sexual_risk", "very_high"), ("sexual_preoccupation", "yes")]);
    assert!(applies(&high, "sex_offenders.elevated.3"), "extended SOTP at high or very high risk");
    assert!(applies(&high, "sex_offenders.elevated.4"), "medication to be considered with sexual preoccupation (a note)");
    assert!(!applies(&full(&[sex[0], sex[1], ("sexual_risk", "very_high")]), "sex_offenders.elevated.4"));
    // The low band's "no interventions beyond the core offer" gives way to the sex offender
    // guidance for the programmes it names: exceptions, not a reversal of the whole rule.
    let low3 = high.decisions.iter().find(|d| d.rule == "reconviction_bands.low.3").expect("the low band rule applies");
    assert!(low3.superseded_by.is_none());
    for r in ["sex_offenders.elevated.1", "sex_offenders.elevated.3"] {
        assert!(low3.exceptions.contains(&r), "{r} in {:?}", low3.exceptions);
    }
    // Image-only offences: no accredited programmes, whatever the risk.
    let images = full(&[sex[0], sex[1], ("sexual_risk", "very_high"), ("images_only", "yes")]);
    assert!(applies(&images, "sex_offenders.all.5"));
    assert!(!applies(&images, "sex_offenders.elevated.1"));
    // Women are dealt with as individual cases: none of the risk-based rules.
    let woman = full(&[sex[0], sex[1], ("sex", "female"), ("sexual_risk", "high")]);
    assert!(applies(&woman, "sex_offenders.all.6"));
    assert!(!applies(&woman, "sex_offenders.elevated.1") && !applies(&woman, "sex_offenders.low_risk.1"));
}

#[test]
fn violent_offender_rules() {
    let lowest = full(&[("ogrs3", "10")]);
    assert!(applies(&lowest, "violent_offenders.violent.1"), "OGRS 0-24: no further violence assessment as a rule");
    assert!(!applies(&lowest, "violent_offenders.violent.2"));
    let higher = full(&[("ogrs3", "30"), ("violence_risk", "medium")]);
    assert!(applies(&higher, "violent_offenders.violent.2"), "OGRS 25+: assess with OVP or SARA (guidance, a note)");
    assert!(applies(&higher, "violent_offenders.violent.4"), "no 40+ session programmes below high violence risk");
    // The most intensive programmes are reserved for those at high risk of violent recidivism:
    // rule 4 keeps them from everyone else, and invests in them for no one (the document does not).
    let high = full(&[("ogrs3", "30"), ("violence_risk", "high")]);
    assert!(!applies(&high, "violent_offenders.violent.4"));
    assert!(applies(&high, "reconviction_bands.medium.7"), "the medium band's do-not-invest in longer programmes still holds");
    // In the high and very high band the row invests in additional interventions; rule 4 takes the
    // programmes of more than 40 sessions out of it below high violence risk.
    let row = full(&[("ogrs3", "60"), ("violence_risk", "medium")]);
    let item3 = row.decisions.iter().find(|d| d.rule == "reconviction_bands.high-very_high.3").expect("the row's item 3 applies");
    assert!(item3.superseded_by.is_none());
    assert!(item3.exceptions.contains(&"violent_offenders.violent.4"), "{:?}", item3.exceptions);
}

#[test]
fn indeterminate_sentence_rules() {
    let isp = full(&[("sentence", "indeterminate"), ("ogrs3", "10")]);
    assert!(applies(&isp, "isps.isp.1"), "enough case management to progress");
    // "Case management should be highest where …" is part of rule 1, not a rule of its own.
    assert!(!bundle().rules.rules.iter().any(|r| r.targeting == "isps" && r.id.matches('.').count() > 2));
    // Accredited interventions only when the criteria are met, or as the only viable option.
    assert!(applies(&isp, "isps.isp.2"));
    assert!(!applies(&full(&[("sentence", "indeterminate"), ("only_viable_option", "yes")]), "isps.isp.2"));
    let meets = full(&[("sentence", "indeterminate"), ("meets_programme_criteria", "yes")]);
    assert!(applies(&meets, "isps.isp.3") && !applies(&meets, "isps.isp.2"), "priority access when the criteria are met");
    assert!(!applies(&full(&[("ogrs3", "10")]), "isps.isp.1"), "determinate sentences are not ISPs");
}

#[test]
fn restorative_justice_targeting() {
    let victim = [("clear_victim", "yes"), ("victim_willing", "yes")];
    for (score, expected) in [("24", false), ("25", true), ("74", true), ("75", false)] {
        let o = full(&[victim[0], victim[1], ("ogrs3", score)]);
        assert_eq!(applies(&o, "rj_targeting.1"), expected, "OGRS3 {score}");
    }
    assert!(!applies(&full(&[("ogrs3", "50"), ("clear_victim", "yes")]), "rj_targeting.1"), "the victim must be willing");
    let ipv = full(&[victim[0], victim[1], ("ogrs3", "50"), ("intimate_partner_violence", "yes")]);
    assert!(!applies(&ipv, "rj_targeting.1") && applies(&ipv, "rj_targeting.2"), "not for intimate partner violence");
    // The medium band's invest in conferencing is reversed outright for intimate partner violence.
    let medium_ipv = full(&[victim[0], victim[1], ("ogrs3", "30"), ("intimate_partner_violence", "yes")]);
    let medium4 = medium_ipv.decisions.iter().find(|d| d.rule == "reconviction_bands.medium.4").expect("the band rule applies");
    assert_eq!(medium4.superseded_by, Some("rj_targeting.2"));
    let exceptional = full(&[victim[0], victim[1], ("ogrs3", "50"), ("intimate_partner_violence", "yes"), ("rj_clear_benefit", "yes")]);
    assert!(!applies(&exceptional, "rj_targeting.2"), "except in exceptional circumstances");
}

#[test]
fn input_mistakes_are_errors_not_defaults() {
    let ev = Evaluator::new(bundle());
    assert_eq!(ev.parse_value("ogrs3", "150").unwrap_err().code(), "E0703");
    assert_eq!(ev.parse_value("ogrs3", "62.5").unwrap_err().code(), "E0701");
    assert_eq!(ev.parse_value("ogrs3", "high").unwrap_err().code(), "E0701");
    assert_eq!(ev.parse_value("rosh", "3").unwrap_err().code(), "E0701");
    assert_eq!(ev.parse_value("rosh", "extreme").unwrap_err().code(), "E0703");
    assert_eq!(ev.parse_value("ogrs", "60").unwrap_err().code(), "E0702");
    let errs = ev.offender_from_json(&serde_json::json!({"ogrs3": 62.5, "rosh": 3, "nope": true})).unwrap_err();
    let mut codes: Vec<&str> = errs.iter().map(|e| e.code()).collect();
    codes.sort();
    assert_eq!(codes, ["E0701", "E0701", "E0702"]);
    // Missing attributes leave rules undetermined, never silently applied.
    let partial = ev.evaluate(&offender(&[("ogrs3", "30")]));
    assert!(partial.undetermined.iter().any(|u| u.rule == "sex_offenders.all.5" && u.missing.contains(&"images_only")));
    assert!(!partial.decisions.iter().any(|d| d.rule.starts_with("sex_offenders")));
}

// ------------------------------------------------------------------ the two evaluators agree

fn arb_offender() -> impl Strategy<Value = Vec<(String, Value)>> {
    let b = bundle();
    let strategies: Vec<BoxedStrategy<(String, Value)>> = b
        .attributes
        .attributes
        .iter()
        .map(|a| {
            let id = a.id.clone();
            match a.domain.clone() {
                intentc::bundle::Domain::Number { min, max } => (min..=max).prop_map(move |n| (id.clone(), Value::Number(n))).boxed(),
                intentc::bundle::Domain::YesNo => any::<bool>().prop_map(move |x| (id.clone(), Value::Bool(x))).boxed(),
                intentc::bundle::Domain::Level { values } | intentc::bundle::Domain::Option { values } => {
                    proptest::sample::select(values).prop_map(move |v| (id.clone(), Value::Word(v))).boxed()
                }
            }
        })
        .collect();
    strategies
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn the_bundle_evaluator_agrees_with_the_model(values in arb_offender()) {
        static MODEL: OnceLock<intentc::model::Policy> = OnceLock::new();
        let model = MODEL.get_or_init(common::corpus_model);
        let from_bundle = Evaluator::new(bundle()).evaluate(&values.iter().cloned().collect());
        let for_model: intentc::check::logic::Offender = values.iter().map(|(k, v)| (k.clone(), match v {
            Value::Number(n) => intentc::check::logic::Val::Number(*n),
            Value::Bool(b) => intentc::check::logic::Val::Bool(*b),
            Value::Word(w) => intentc::check::logic::Val::Word(w.clone()),
        })).collect();
        let expected = model.decide(&for_model);
        let got: Vec<intentc::model::Applied> = from_bundle.decisions.iter().map(|d| intentc::model::Applied { rule: d.rule.to_string(), superseded_by: d.superseded_by.map(str::to_string), exceptions: d.exceptions.iter().map(|e| e.to_string()).collect() }).collect();
        prop_assert!(from_bundle.undetermined.is_empty());
        prop_assert_eq!(got, expected);
    }
}

/// Any offender: each attribute left out, or given a value of any type (even the wrong one,
/// which `evaluate` must treat as `holds` does).
fn arb_any_offender() -> impl Strategy<Value = Vec<(String, Value)>> {
    let b = bundle();
    let strategies: Vec<BoxedStrategy<Option<(String, Value)>>> = b
        .attributes
        .attributes
        .iter()
        .map(|a| {
            let id = a.id.clone();
            let words: Vec<String> = match &a.domain {
                intentc::bundle::Domain::Level { values } | intentc::bundle::Domain::Option { values } => values.clone(),
                _ => Vec::new(),
            }
            .into_iter()
            .chain(["zzz".to_string()])
            .collect();
            let value = prop_oneof![
                (-5i64..120).prop_map(Value::Number),
                any::<bool>().prop_map(Value::Bool),
                proptest::sample::select(words).prop_map(Value::Word),
            ];
            proptest::option::of(value.prop_map(move |v| (id.clone(), v))).boxed()
        })
        .collect();
    strategies.prop_map(|v| v.into_iter().flatten().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]
    /// `evaluate` compiles the conditions (attributes to slots, levels to positions); it must
    /// say what `holds`, read straight off the bundle's conditions, says of every rule.
    #[test]
    fn compiled_conditions_say_what_holds_says(values in arb_any_offender()) {
        let b = bundle();
        let ev = Evaluator::new(b);
        let o: Offender = values.into_iter().collect();
        let outcome = ev.evaluate(&o);
        let applies: Vec<&str> = b.rules.rules.iter().filter(|r| ev.holds(&r.condition, &o) == Some(true)).map(|r| r.id.as_str()).collect();
        let unknown: Vec<&str> = b.rules.rules.iter().filter(|r| ev.holds(&r.condition, &o).is_none()).map(|r| r.id.as_str()).collect();
        prop_assert_eq!(outcome.decisions.iter().map(|d| d.rule).collect::<Vec<_>>(), applies);
        prop_assert_eq!(outcome.undetermined.iter().map(|u| u.rule).collect::<Vec<_>>(), unknown);
        for u in &outcome.undetermined {
            prop_assert!(u.missing.iter().all(|a| !o.contains_key(*a)), "{:?}", u);
        }
    }
}

// ------------------------------------------------------------------ integrity

fn read_with(changes: &[(&str, Option<Vec<u8>>)]) -> Result<Bundle, ReadError> {
    let mut f = files().clone();
    for (name, bytes) in changes {
        match bytes {
            Some(b) => f.insert(name.to_string(), b.clone()),
            None => f.remove(*name),
        };
    }
    Bundle::read(move |n| f.get(n).cloned())
}

fn manifest_with(change: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let mut m = json("manifest.json");
    change(&mut m);
    serde_json::to_vec(&m).unwrap()
}

#[test]
fn a_file_the_manifest_does_not_vouch_for_is_refused() {
    // rules.json changed, and its digest taken out of the manifest so nothing would notice.
    let rules = String::from_utf8(files()["rules.json"].clone()).unwrap().replacen("\"avoid\"", "\"invest\"", 1).into_bytes();
    let unlisted = manifest_with(|m| {
        let kept: Vec<serde_json::Value> = m["files"].as_array().unwrap().iter().filter(|d| d["path"] != "rules.json").cloned().collect();
        m["files"] = kept.into();
    });
    let e = read_with(&[("manifest.json", Some(unlisted)), ("rules.json", Some(rules))]).unwrap_err();
    assert_eq!(e, ReadError::Unlisted { file: "rules.json".into() });
    assert_eq!(e.code(), Some("E0705"));
    let empty = manifest_with(|m| m["files"] = serde_json::json!([]));
    assert!(matches!(read_with(&[("manifest.json", Some(empty))]), Err(ReadError::Unlisted { .. })));
    let twice = manifest_with(|m| {
        let first = m["files"][0].clone();
        m["files"].as_array_mut().unwrap().push(first);
    });
    assert!(matches!(read_with(&[("manifest.json", Some(twice))]), Err(ReadError::Invalid { .. })));
}

#[test]
fn an_unknown_comparison_operator_is_an_error_not_false() {
    let text = String::from_utf8(files()["rules.json"].clone()).unwrap();
    assert!(text.contains("\"op\": \">=\""), "the corpus compares with >=");
    let rules = text.replacen("\"op\": \">=\"", "\"op\": \"=>\"", 1).into_bytes();
    let digest = intentc::bundle::sha256_hex(&rules);
    let manifest = manifest_with(|m| {
        for d in m["files"].as_array_mut().unwrap() {
            if d["path"] == "rules.json" {
                d["sha256"] = digest.clone().into();
            }
        }
    });
    match read_with(&[("manifest.json", Some(manifest)), ("rules.json", Some(rules))]) {
        Err(ReadError::Invalid { file, problem }) => {
            assert_eq!(file, "rules.json");
            assert!(problem.contains("=>"), "{problem}");
        }
        other => panic!("expected rules.json to be refused, got {other:?}"),
    }
}

#[test]
fn format_versions_are_read_as_semver() {
    let major = intentc::bundle::FORMAT_MAJOR;
    for (version, ok) in [
        (format!("{major}.0.0"), true),
        (format!("{major}.3.1"), true),
        (format!("{major}.0.0+build.7"), true),
        (format!("{major}"), false),
        (format!("{major}.0"), false),
        (format!("0{major}.0.0"), false),
        (format!("{major}.0.0-beta"), false),
        (format!("{major}x.0.0"), false),
        (format!("{}.0.0", major + 1), false),
        (String::new(), false),
    ] {
        let m = manifest_with(|m| m["format_version"] = version.clone().into());
        let got = read_with(&[("manifest.json", Some(m))]);
        match (ok, got) {
            (true, Ok(_)) => {}
            (false, Err(e @ ReadError::Version { .. })) => assert_eq!(e.code(), Some("E0704")),
            (ok, other) => panic!("`{version}`: expected readable = {ok}, got {:?}", other.map(|_| "a bundle")),
        }
    }
    // A version that is not text at all is refused the same way.
    let m = manifest_with(|m| m["format_version"] = major.into());
    assert!(matches!(read_with(&[("manifest.json", Some(m))]), Err(ReadError::Version { .. })));
}
