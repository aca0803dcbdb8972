//! `intentc eval`: what the guidance says for one offender, from a bundle.

use super::{FOUND_ERRORS, OK, USAGE};
use crate::bundle::eval::{EvalError, Evaluator, Offender};
use crate::bundle::{Bundle, Value};
use std::path::Path;

pub fn run(dir: &Path, set: &[String], offender_file: Option<&Path>, json: bool) -> i32 {
    let bundle = match Bundle::read_dir(dir) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    let ev = Evaluator::new(&bundle);
    let mut offender = Offender::new();
    let mut errors: Vec<EvalError> = Vec::new();
    if let Some(f) = offender_file {
        let parsed = std::fs::read(f)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).map_err(|e| e.to_string()));
        match parsed {
            Ok(v) => match ev.offender_from_json(&v) {
                Ok(o) => offender = o,
                Err(es) => errors.extend(es),
            },
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", f.display());
                return USAGE;
            }
        }
    }
    for s in set {
        let Some((k, v)) = s.split_once('=') else {
            eprintln!("error: `--set {s}` should be `name=value`, like `--set ogrs3=62`");
            return USAGE;
        };
        match ev.parse_value(k.trim(), v) {
            Ok(v) => {
                offender.insert(k.trim().to_string(), v);
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        if json {
            println!(
                "{}",
                serde_json::json!({ "errors": errors.iter().map(|e| serde_json::json!({"code": e.code(), "message": e.to_string(), "detail": e})).collect::<Vec<_>>() })
            );
        }
        for e in &errors {
            eprintln!("{e}");
        }
        return FOUND_ERRORS;
    }
    let outcome = ev.evaluate(&offender);
    if json {
        let v = serde_json::json!({ "offender": offender, "outcome": outcome });
        print!("{}", crate::emit::bundle::canonical(&v));
        return OK;
    }
    let show = |v: &Value| match v {
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => {
            if *b {
                "yes".into()
            } else {
                "no".into()
            }
        }
        Value::Word(w) => w.clone(),
    };
    println!("Offender: {}", offender.iter().map(|(k, v)| format!("{k} = {}", show(v))).collect::<Vec<_>>().join(", "));
    for b in &outcome.bands {
        match (&b.band, &b.title) {
            (Some(id), Some(t)) => println!("Band ({}): {id} — {}", b.band_set, t.en),
            _ => println!("Band ({}): not known ({} not given)", b.band_set, b.attribute),
        }
    }
    for (verb, heading) in [("invest", "Invest in"), ("avoid", "Do not invest in"), ("note", "Guidance")] {
        let ds: Vec<_> = outcome.decisions.iter().filter(|d| d.verb == verb).collect();
        if ds.is_empty() {
            continue;
        }
        println!("\n{heading}:");
        for d in ds {
            let what = d.service.clone().unwrap_or_default();
            let superseded = d.superseded_by.as_ref().map(|w| format!("  [superseded by {w}]")).unwrap_or_default();
            println!("  {}  {what}  ({}:{}){superseded}", d.rule, d.source.file, d.source.line);
            if let Some(t) = &d.text {
                println!("      {}", t.en);
            }
        }
    }
    if !outcome.undetermined.is_empty() {
        println!("\nUndetermined (give these attributes to decide):");
        for u in &outcome.undetermined {
            println!("  {}  {} {}  needs {}", u.rule, u.verb, u.service.clone().unwrap_or_default(), u.missing.join(", "));
        }
    }
    OK
}
