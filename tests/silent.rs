//! Inputs that used to pass silently, where a fixture cannot show it: the command line on a
//! folder with no policy in it, and the model refusing what the checks would not let through
//! (issue 9, item 3).

mod common;

use std::path::Path;
use std::process::Command;

fn intentc(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_intentc")).args(args).current_dir(dir).output().expect("intentc runs")
}

#[test]
fn a_folder_with_no_intent_files_is_refused_not_clean() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("empty")).unwrap();
    std::fs::create_dir_all(dir.path().join("targets_only")).unwrap();
    std::fs::write(dir.path().join("targets_only/t.yaml"), "status: illustrative\ntargets: {}\n").unwrap();
    for folder in ["empty", "targets_only"] {
        for command in [vec!["check", folder], vec!["build", folder, "--out", "dist"]] {
            let out = intentc(&command, dir.path());
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{command:?}: {stderr}");
            assert!(stderr.contains("holds no .intent files"), "{command:?}: {stderr}");
        }
    }
    assert!(!dir.path().join("dist").exists());
}

#[test]
fn targeting_under_an_overarching_intention_is_in_annex_a_in_both_languages() {
    let pages = common::build_small(&[(
        "intentions/a.intent",
        r#"
section annex_a { annex A; title { en "Specific intentions" cy "Bwriadau penodol" }; includes specific_intentions }
intention 4 { title { en "Target resources" cy "Targedu adnoddau" } }
intention 4a {
  under 4
  title { en "Target by risk" cy "Targedu yn ôl risg" }
  unmeasured { en "Guidance only." cy "Canllaw yn unig." }
}
attribute ogrs3 { name { en "OGRS3 score" cy "Sgôr OGRS3" }; type percent }
service programmes { name { en "Programmes" cy "Rhaglenni" }; kind intervention }
targeting core {
  under 4
  title { en "Core principles of targeting" cy "Egwyddorion craidd targedu" }
  invest 1 programmes { when ogrs3 >= 50; text { en "Programmes for the higher band." cy "Rhaglenni ar gyfer y band uwch." } }
}
"#,
    )]);
    for (lang, title, rule) in [
        ("en", "Core principles of targeting", "Programmes for the higher band."),
        ("cy", "Egwyddorion craidd targedu", "Rhaglenni ar gyfer y band uwch."),
    ] {
        let page = pages.iter().find(|(k, _)| k.starts_with(&format!("{lang}/")) && k.ends_with("index.html")).map(|(_, v)| v).unwrap();
        assert!(page.contains(title), "{lang}: the targeting's title is missing");
        assert!(page.contains(rule), "{lang}: the targeting's rule is missing");
        assert!(page.contains("id=\"tgt-core\""), "{lang}: the targeting has no anchor");
    }
}

/// The model never publishes a rule without its condition (issue 9 item 3: a rule whose
/// condition failed to lower became "always applies"). `check` does not build the model for a
/// project with errors, so the model is called here directly on one: the rule's condition
/// names an attribute that is not declared, which `check` reports as E0202.
#[test]
fn a_rule_whose_condition_was_not_read_is_never_published_as_always_applying() {
    let mut project = intentc::source::Project::new();
    let prelude = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prelude.intent")).unwrap();
    project.add_str("intentions/prelude.intent", &prelude).unwrap();
    project
        .add_str(
            "intentions/a.intent",
            r#"
service programmes { name { en "Programmes" cy "Rhaglenni" }; kind intervention }
targeting core {
  title { en "Core principles of targeting" cy "Egwyddorion craidd targedu" }
  avoid 1 programmes { when ogrs_score >= 50 }
}
"#,
        )
        .unwrap();
    project.sort();
    let result = intentc::check(&project, Default::default());
    assert!(result.diagnostics.codes().iter().filter(|c| c.starts_with('E')).eq(["E0202"].iter()), "{:?}", result.diagnostics.codes());
    assert!(result.model.is_none());
    let (files, _) = intentc::syntax::parse_project(&project);
    let (symbols, _) = intentc::resolve::resolve(&files);
    let checked = intentc::check::check_all(&project, &symbols, intentc::check::Purpose::Build);
    let verified = intentc::model::verify(&project, &symbols, checked.facts.clone());
    match intentc::model::build(&project, &symbols, checked.facts) {
        Ok(policy) => panic!("the model was built; the rule's condition is {:?}", policy.rules[0].condition),
        Err(e) => {
            assert_eq!(verified, Err(e.clone()), "`intentc check` refuses what `build` refuses");
            let codes: Vec<_> = e.diagnostics().iter().map(|d| (d.code.id, d.message.clone())).collect();
            assert_eq!(codes.len(), 1, "{codes:?}");
            assert_eq!(codes[0].0, "E0507");
            assert!(codes[0].1.contains("`core.1`"), "{}", codes[0].1);
        }
    }
}

/// The model is built from what the checks read, never by reading again: with the checks'
/// prose trees, Welsh states or targets files taken away, the build names each gap (E0901)
/// instead of parsing, digesting or reading the file itself (issue 12 item 1).
#[test]
fn the_model_refuses_what_the_checks_did_not_hand_over() {
    let project = intentc::cli::load::project(&Path::new(env!("CARGO_MANIFEST_DIR")).join("intentions")).unwrap();
    let (files, _) = intentc::syntax::parse_project(&project);
    let (symbols, _) = intentc::resolve::resolve(&files);
    let checked = intentc::check::check_all(&project, &symbols, intentc::check::Purpose::Build);
    assert!(intentc::model::build(&project, &symbols, checked.facts.clone()).is_ok(), "the corpus builds from the checks' facts");
    let gaps = |facts: &intentc::check::Facts| -> Vec<String> {
        // `verify` (what `intentc check` runs) refuses exactly what `build` refuses.
        let verified = intentc::model::verify(&project, &symbols, facts.clone());
        match intentc::model::build(&project, &symbols, facts.clone()) {
            Ok(_) => panic!("the model was built from facts with a gap"),
            Err(e) => {
                assert_eq!(verified, Err(e.clone()), "verify and build disagree");
                e.diagnostics().iter().map(|d| format!("{} {}", d.code.id, d.message)).collect()
            }
        }
    };
    let mut facts = checked.facts.clone();
    facts.prose = Default::default();
    let found = gaps(&facts);
    assert!(found.iter().all(|g| g.starts_with("E0901 the markup of this text")), "{found:?}");
    assert!(found.len() > 100, "every prose text of the corpus is a gap: {}", found.len());

    let mut facts = checked.facts.clone();
    facts.welsh = Default::default();
    let found = gaps(&facts);
    assert!(found.iter().all(|g| g.starts_with("E0901 the Welsh of this text")), "{found:?}");

    let mut facts = checked.facts.clone();
    let establishment = facts.targets.keys().next().cloned().expect("the corpus has targets files");
    facts.targets.remove(&establishment);
    assert_eq!(gaps(&facts), ["E0901 this targets file was not checked, so the policy is not built"]);

    let mut facts = checked.facts.clone();
    facts.rules.rules.clear();
    let policy = intentc::model::build(&project, &symbols, facts).unwrap();
    assert!(policy.rules.is_empty(), "the rules are the checks' flattening, not the model's own");

    // `intentc check` (Purpose::Diagnose) drops each prose tree once read, but still hands
    // over that the text was read: the model builds, with empty trees, and the same gap fires
    // when the texts were not read at all.
    let diagnosed = intentc::check::check_all(&project, &symbols, intentc::check::Purpose::Diagnose);
    assert_eq!(diagnosed.errors, checked.errors);
    let policy =
        intentc::model::build(&project, &symbols, diagnosed.facts.clone()).expect("the corpus builds from the diagnosing checks' facts");
    let texts: Vec<_> = policy.sections.iter().filter_map(|s| s.text.as_ref()).collect();
    assert!(texts.len() >= 10, "the corpus's sections have texts: {}", texts.len());
    assert!(texts.iter().all(|t| t.en.blocks.is_empty() && t.cy.as_ref().is_some_and(|cy| cy.blocks.is_empty())), "no tree was kept");
    let mut facts = diagnosed.facts;
    facts.prose = Default::default();
    assert_eq!(
        gaps(&facts).len(),
        gaps(&{
            let mut f = checked.facts.clone();
            f.prose = Default::default();
            f
        })
        .len()
    );
}

/// A requirement that measures no intention is shown as such in Annex C, in both languages,
/// with the reason its author gave, and in the bundle (issue 9 item 3).
#[test]
fn a_requirement_that_measures_no_intention_says_so_in_annex_c_and_the_bundle() {
    let requirement = |id: &str, extra: &str| {
        format!(
            r#"
requirement {id} {{
  setting  custody
  heading  secure_and_decent_custody
  outcomes {{ en "Operational Effectiveness" cy "Effeithiolrwydd Gweithredol" }}
  measure  {{ en "{{target}}% of unified grades are refreshed in Control and Restraint" cy "{{target}}% o'r graddau unedig wedi'u gloywi mewn Rheoli ac Atal" }}
  target   percent at_least
  driver   {{ en "Order and Control" cy "Trefn a Rheolaeth" }}
  {extra}
}}
"#
        )
    };
    let source = format!(
        r#"
section annex_c {{ annex C; title {{ en "Custodial requirements" cy "Gofynion y ddalfa" }}; includes custodial_requirements }}
heading secure_and_decent_custody {{ title {{ en "Secure and decent custody" cy "Dalfa ddiogel a gweddus" }} }}
{}{}{}"#,
        requirement("CU031", r#"no_intention { en "A measure of staff training." cy "Mesur hyfforddiant staff." }"#),
        requirement("CU040", ""),
        requirement("CU043", ""),
    );
    let pages = common::build_small(&[("intentions/c.intent", &source)]);
    for (lang, none, reason) in [
        ("en", "Measures no intention", "A measure of staff training."),
        ("cy", "Nid yw'n mesur unrhyw fwriad", "Mesur hyfforddiant staff."),
    ] {
        let page = pages.iter().find(|(k, _)| k.starts_with(&format!("{lang}/")) && k.ends_with("index.html")).map(|(_, v)| v).unwrap();
        let none = none.replace('\'', "&#39;");
        assert_eq!(page.matches(&none).count(), 3, "{lang}: each requirement says it measures no intention");
        assert!(page.contains(&format!(": {reason}</p>")), "{lang}: the reason is missing");
    }
    let reqs: serde_json::Value = serde_json::from_str(&pages["bundle/requirements.json"]).unwrap();
    let reqs = reqs["requirements"].as_array().unwrap();
    assert_eq!(reqs[0]["measures"], serde_json::json!([]));
    assert_eq!(reqs[0]["no_intention"]["en"], "A measure of staff training.");
    assert_eq!(reqs[1]["measures"], serde_json::json!([]));
    assert!(reqs[1]["no_intention"].is_null());
}
