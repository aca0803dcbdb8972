//! `intentc eval`: what the guidance says for one offender, from a bundle.

use super::eval_text::Lang;
use super::{FOUND_ERRORS, OK, USAGE};
use crate::bundle::eval::{EvalError, Evaluator, Offender};
use crate::bundle::Bundle;
use std::io::Write;
use std::path::Path;

/// Prints to stdout, ignoring a closed pipe (`intentc eval … | head`).
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

pub fn run(dir: &Path, set: &[String], offender_file: Option<&Path>, json: bool, lang: Lang, every_undetermined: bool) -> i32 {
    let bundle = match Bundle::read_dir(dir) {
        Ok(b) => b,
        Err(e) => {
            match e.code() {
                Some(code) => eprintln!("error[{code}]: {e}\n  help: use an intentc that reads this format version, or rebuild the bundle"),
                None => eprintln!("error: {e}"),
            }
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
            out!(
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
        let _ = std::io::stdout().lock().write_all(crate::emit::bundle::canonical(&v).as_bytes());
        return OK;
    }
    let text = super::eval_text::render(&bundle, &offender, &outcome, lang, every_undetermined);
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    OK
}
