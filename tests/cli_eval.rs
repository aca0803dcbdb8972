//! `intentc eval` as a case manager reads it: names in words, in English or Welsh, why other
//! guidance made an exception, a short summary of what is not decided, lists kept as lists.
//! The corpus is built once, by the binary, into a temporary folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn intentc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_intentc")).args(args).current_dir(repo()).env("NO_COLOR", "1").output().expect("intentc runs")
}

/// The corpus's bundle, built once for every test here.
fn bundle() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("dist");
        let built = intentc(&["build", "intentions", "--out", out.to_str().unwrap()]);
        assert_eq!(built.status.code(), Some(0), "{}", String::from_utf8_lossy(&built.stderr));
        (tmp, out.join("bundle"))
    })
    .1
}

fn eval(args: &[&str]) -> String {
    let b = bundle().to_str().unwrap().to_string();
    let mut all = vec!["eval", "--bundle", b.as_str()];
    all.extend_from_slice(args);
    let out = intentc(&all);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

const THEFT: &[&str] = &["--set", "ogrs3=62", "--set", "index_offence=theft", "--set", "drug_driven=yes"];

/// A male sex offender of medium OGRS band and low sexual risk: the sex offender guidance
/// overrides the reconviction bands for sex offender programmes.
const SEX_OFFENDER: &[&str] = &[
    "--set",
    "ogrs3=40",
    "--set",
    "index_offence=sex",
    "--set",
    "sex=male",
    "--set",
    "sexual_element=yes",
    "--set",
    "sexual_risk=low",
    "--set",
    "images_only=no",
    "--set",
    "intellectual_disability=no",
    "--set",
    "sexual_homicide=no",
    "--set",
    "duplicates_need=no",
];

#[test]
fn services_attributes_and_bands_are_named_in_words() {
    let text = eval(THEFT);
    assert!(text.contains("  OGRS3 score (likelihood of any reconviction) (ogrs3): 62"), "{text}");
    assert!(text.contains("  Index offence type (index_offence): theft"), "{text}");
    assert!(text.contains("Likelihood of any reconviction: High and very high likelihood of any reconviction (high)"), "{text}");
    assert!(text.contains("Invest in:\n  • Core rehabilitative offer\n"), "{text}");
    assert!(text.contains("  • Intensive case management\n"), "{text}");
    assert!(!text.contains("intensive_case_management"), "services by name, not id: {text}");
    assert!(text.lines().all(|l| l.chars().count() <= 100 || l.trim_start().starts_with('(')), "wrapped to 100 columns: {text}");
}

#[test]
fn the_report_is_in_welsh_with_lang_cy() {
    let text = eval(&[THEFT, &["--lang", "cy"]].concat());
    assert!(text.starts_with("Troseddwr\n"), "{text}");
    assert!(text.contains("Sgôr OGRS3 (tebygolrwydd o unrhyw ailgollfarn) (ogrs3): 62"), "{text}");
    assert!(text.contains("Buddsoddi mewn:\n  • "), "{text}");
    assert!(text.contains("Rheoli achosion dwys"), "the Welsh name of intensive case management: {text}");
    assert!(text.contains("Dehongliad y cyhoeddwr"), "{text}");
    for english in ["Invest in", "Guidance:", "Not decided yet", "Why it is read so", "(rule "] {
        assert!(!text.contains(english), "`{english}` in the Welsh report: {text}");
    }
}

#[test]
fn an_exception_says_which_guidance_wins_and_for_what_facts() {
    let text = eval(SEX_OFFENDER);
    let line = text.find("Except Accredited programmes designed to reduce sexual reoffending: the guidance").expect(&text);
    let why: String = text[line..].split("\n\n").next().unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(why.contains("takes precedence here and decides not to invest (rule sex_offenders.low_risk.1)"), "{why}");
    assert!(why.contains("for this offender (") && why.contains("Risk of sexual reconviction (RM2000/s or OSP): low"), "{why}");
    let cy = eval(&[SEX_OFFENDER, &["--lang", "cy"]].concat());
    assert!(cy.contains("Ac eithrio "), "{cy}");
    assert!(
        cy.split_whitespace().collect::<Vec<_>>().join(" ").contains("yn cael blaenoriaeth yma ac yn penderfynu peidio â buddsoddi"),
        "{cy}"
    );
}

#[test]
fn undetermined_rules_are_summarised_and_listed_on_request() {
    let json: serde_json::Value = serde_json::from_str(&eval(&[THEFT, &["--format", "json"]].concat())).unwrap();
    let undetermined = json["outcome"]["undetermined"].as_array().unwrap().len();
    assert!(undetermined > 10, "the case has many undetermined rules: {undetermined}");

    let text = eval(THEFT);
    let summary = &text[text.find("Not decided yet").expect(&text)..];
    assert!(summary.starts_with(&format!("Not decided yet: {undetermined} rules need facts")), "{summary}");
    assert!(summary.lines().count() <= 12, "a short summary, not every rule: {summary}");
    assert!(summary.contains("The offence has a clear sexual element (sexual_element): "), "{summary}");
    assert!(summary.contains("`--undetermined` lists each rule"), "{summary}");

    let every = eval(&[THEFT, &["--undetermined"]].concat());
    let list = &every[every.find("Not decided yet").expect(&every)..];
    assert_eq!(list.matches("  • ").count(), undetermined, "every undetermined rule is listed: {list}");
    assert_eq!(list.split_whitespace().filter(|w| *w == "(rule" || *w == "(rheol").count(), undetermined, "{list}");
}

#[test]
fn lists_in_guidance_stay_lists() {
    let text = eval(THEFT);
    assert!(text.contains("to:\n\n    - make sure that staff tackle"), "{text}");
    assert!(text.contains("\n    - make sure that staff support"), "{text}");
    // The bundle keeps them too, for other consumers.
    let rules = std::fs::read_to_string(bundle().join("rules.json")).unwrap();
    assert!(rules.contains("It requires establishments to:\\n\\n- make sure that staff tackle"), "rules.json keeps the list");
}

#[test]
fn misspelt_attributes_and_values_get_a_did_you_mean() {
    let b = bundle().to_str().unwrap().to_string();
    let out = intentc(&["eval", "--bundle", &b, "--set", "index_offence=thef", "--set", "rosh=hihg", "--set", "sexx=male"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("help: did you mean `theft`?"), "{text}");
    assert!(text.contains("help: did you mean `high`?"), "{text}");
    assert!(text.contains("help: did you mean `sex`?"), "{text}");
    // In an offender file too, and a value far from every option gets no guess.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("offender.json");
    std::fs::write(&file, r#"{"index_offence": "Theft", "sexual_elemnt": true, "sentence": "zzzzzzzz"}"#).unwrap();
    let out = intentc(&["eval", "--bundle", &b, "--offender", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("did you mean `theft`?") && text.contains("did you mean `sexual_element`?"), "{text}");
    assert_eq!(text.matches("did you mean").count(), 2, "{text}");
    // The machine output carries the suggestion too.
    let out = intentc(&["eval", "--bundle", &b, "--set", "index_offence=thef", "--format", "json"]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(json.contains("did you mean `theft`?"), "{json}");
}
