//! A bundle with one file replaced by the fuzzer's bytes (its digest in the manifest
//! updated, so the reader parses it rather than stopping at the digest), or the corpus's
//! bundle with an offender given as JSON. Read, then evaluate.
#![no_main]

use intentc::bundle::eval::{Evaluator, Offender};
use intentc::bundle::{sha256_hex, Bundle, Domain, Value};
use intentc::diagnostics::Policy;
use intentc::emit::{self, bundle::Meta};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The reference corpus's bundle files, by name (`manifest.json`, `rules.json`, …).
fn corpus_bundle() -> &'static BTreeMap<String, Vec<u8>> {
    static B: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    B.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../intentions");
        let project = intentc::cli::load::project(&dir).expect("the corpus loads");
        let result = intentc::check(&project, Policy { strict_welsh: false, deny_warnings: false });
        let model = result.model.expect("the corpus checks clean");
        let output = emit::build(&model, &Meta::of(&project, None, None)).expect("the corpus builds");
        output
            .files
            .into_iter()
            .filter_map(|(path, bytes)| Some((path.strip_prefix("bundle/")?.to_string(), bytes)))
            .collect()
    })
}

/// Evaluates an empty offender and one with every attribute at an edge of its domain.
fn evaluate(bundle: &Bundle, seed: u8) {
    let ev = Evaluator::new(bundle);
    let _ = ev.evaluate(&Offender::new());
    let mut offender = Offender::new();
    for a in &bundle.attributes.attributes {
        let value = match &a.domain {
            Domain::Number { min, max } => Value::Number(if seed % 2 == 0 { *min } else { *max }),
            Domain::Level { values } | Domain::Option { values } => match values.get(seed as usize % values.len().max(1)) {
                Some(v) => Value::Word(v.clone()),
                None => continue,
            },
            Domain::YesNo => Value::Bool(seed % 2 == 0),
        };
        offender.insert(a.id.clone(), value);
    }
    let _ = ev.evaluate(&offender);
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let base = corpus_bundle();
    let names: Vec<&String> = base.keys().collect();
    let choice = selector as usize % (names.len() + 1);
    if choice == names.len() {
        // The corpus's bundle, and the fuzzer's bytes as an offender.
        let bundle = Bundle::read(|n| base.get(n).cloned()).expect("the corpus bundle reads");
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(rest) else { return };
        let ev = Evaluator::new(&bundle);
        if let Ok(offender) = ev.offender_from_json(&json) {
            let _ = ev.evaluate(&offender);
        }
        return;
    }
    let mut files = base.clone();
    let name = names[choice].clone();
    files.insert(name.clone(), rest.to_vec());
    if name != "manifest.json" {
        if let Ok(mut manifest) = serde_json::from_slice::<serde_json::Value>(&files["manifest.json"]) {
            if let Some(list) = manifest.get_mut("files").and_then(|f| f.as_array_mut()) {
                for entry in list {
                    if entry.get("path").and_then(|p| p.as_str()) == Some(name.as_str()) {
                        entry["sha256"] = serde_json::Value::String(sha256_hex(rest));
                    }
                }
            }
            files.insert("manifest.json".into(), serde_json::to_vec(&manifest).unwrap_or_default());
        }
    }
    if let Ok(bundle) = Bundle::read(|n| files.get(n).cloned()) {
        evaluate(&bundle, selector);
    }
});
