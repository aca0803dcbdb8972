//! `intentc eval`: what the guidance says for one offender, from a bundle.

use super::eval_text::Lang;
use super::{FOUND_ERRORS, OK, USAGE};
use crate::bundle::eval::{EvalError, Evaluator, Offender};
use crate::bundle::{Bundle, ReadError};
use crate::diagnostics::render::{self, Format};
use crate::diagnostics::{registry, Diagnostic};
use crate::source::{FileId, Project, Span};
use std::io::Write;
use std::path::Path;

/// Where each problem is shown: eval's mistakes are in the command line, the offender file or
/// the bundle, so those texts become the files of a small project, and the problems are
/// diagnostics from the one registry, rendered like `check`'s.
struct Sources {
    project: Project,
    diagnostics: Vec<Diagnostic>,
}

impl Sources {
    fn new() -> Sources {
        Sources { project: Project::new(), diagnostics: Vec::new() }
    }

    /// A text to point into. Each is at most a MiB (a bundle's manifest), a command line or
    /// an offender file; one longer than a source file may be (4 GiB) is shown without its
    /// text, its problems still said.
    fn file(&mut self, path: String, text: &str) -> FileId {
        match self.project.add_str(path.clone(), text) {
            Ok(id) => id,
            Err(_) => self.project.add_str(path, "").unwrap_or_default(),
        }
    }

    fn add(&mut self, code: &str, message: String, file: FileId, span: (usize, usize), label: &str, help: String) {
        let code = registry::lookup(code).unwrap_or(&registry::E0705);
        let span = Span::new(file, span.0, span.1);
        self.diagnostics.push(Diagnostic::new(code, message, crate::diagnostics::Label::new(span, label)).with_help(help));
    }

    /// Prints the diagnostics: human on stderr, JSON on stdout.
    fn print(&self, json: bool) {
        let format = if json { Format::Json } else { Format::Human };
        let text = render::render(&self.project, &self.diagnostics, format, json_or_color(json));
        if json {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        } else {
            let _ = std::io::stderr().lock().write_all(text.as_bytes());
        }
    }
}

fn json_or_color(json: bool) -> bool {
    !json && super::use_color(super::ColorChoice::Auto)
}

/// The bundle could not be read: the problem, shown in the file it is about.
fn bundle_problem(dir: &Path, e: &ReadError) -> Sources {
    let mut sources = Sources::new();
    let shown = dir.join(e.file()).to_string_lossy().into_owned();
    // Only the manifest, already read as a regular file, is shown: it holds the version and
    // the digests. Another file may be what could not be read.
    let text = match e {
        ReadError::Version { .. } | ReadError::Unlisted { .. } | ReadError::Digest { .. } => {
            std::fs::read_to_string(dir.join("manifest.json")).ok().filter(|t| t.len() <= 1 << 20).unwrap_or_default()
        }
        _ => String::new(),
    };
    let (shown, find) = match e {
        ReadError::Version { .. } => (shown, "\"format_version\"".to_string()),
        ReadError::Unlisted { .. } | ReadError::Digest { .. } => {
            (dir.join("manifest.json").to_string_lossy().into_owned(), "\"files\"".to_string())
        }
        _ => (shown, String::new()),
    };
    let file = sources.file(shown, if find.is_empty() { "" } else { &text });
    let span = if find.is_empty() { None } else { text.find(&find) }.map(|i| (i, i + find.len())).unwrap_or((0, 0));
    let label = match e {
        ReadError::Version { .. } => "the format version",
        ReadError::Unlisted { .. } => "no digest here for it",
        ReadError::Digest { .. } => "the digests the bundle was built with",
        _ => "here",
    };
    let code = e.code().unwrap_or("E0705");
    sources.add(code, e.to_string(), file, span, label, e.help().to_string());
    sources
}

pub fn run(dir: &Path, set: &[String], offender_file: Option<&Path>, json: bool, lang: Lang, every_undetermined: bool) -> i32 {
    let bundle = match Bundle::read_dir(dir) {
        Ok(b) => b,
        Err(e) => {
            bundle_problem(dir, &e).print(json);
            return USAGE;
        }
    };
    let ev = Evaluator::new(&bundle);
    let mut offender = Offender::new();
    let mut sources = Sources::new();
    if let Some(f) = offender_file {
        let text = match std::fs::read(f).map_err(|e| e.to_string()).and_then(|b| String::from_utf8(b).map_err(|e| e.to_string())) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", render::escape(&f.to_string_lossy(), true));
                return USAGE;
            }
        };
        let parsed = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("error: `{}` is not JSON: {e}", render::escape(&f.to_string_lossy(), true));
                return USAGE;
            }
        };
        let file = sources.file(f.to_string_lossy().into_owned(), &text);
        match ev.offender_from_json(&parsed) {
            Ok(o) => offender = o,
            Err(es) => {
                for e in es {
                    // The attribute's key in the file, or the whole file.
                    let key = serde_json::to_string(e.attribute()).unwrap_or_default();
                    let span = text.find(&key).map(|i| (i, i + key.len())).unwrap_or((0, text.len()));
                    sources.add(e.code(), e.to_string(), file, span, "this value", e.help());
                }
            }
        }
    }
    // The `--set` arguments, as one line of text to point into.
    let mut line = String::new();
    let mut spans = Vec::new();
    for s in set {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str("--set ");
        spans.push(line.len());
        line.push_str(s);
    }
    let args = (!set.is_empty()).then(|| sources.file("command line".into(), &line));
    for (s, start) in set.iter().zip(spans) {
        let Some((k, v)) = s.split_once('=') else {
            eprintln!("error: `--set {}` should be `name=value`, like `--set ogrs3=62`", render::escape(s, true));
            return USAGE;
        };
        match ev.parse_value(k.trim(), v) {
            Ok(v) => {
                offender.insert(k.trim().to_string(), v);
            }
            Err(e) => {
                let span = match e {
                    EvalError::UnknownAttribute { .. } => (start, start + k.len()),
                    _ => (start + k.len() + 1, start + s.len()),
                };
                let label = if matches!(e, EvalError::UnknownAttribute { .. }) { "this attribute" } else { "this value" };
                sources.add(e.code(), e.to_string(), args.unwrap_or_default(), span, label, e.help());
            }
        }
    }
    if !sources.diagnostics.is_empty() {
        sources.print(json);
        return FOUND_ERRORS;
    }
    let outcome = ev.evaluate(&offender);
    if json {
        let v = serde_json::json!({ "offender": offender, "outcome": outcome });
        let _ = std::io::stdout().lock().write_all(crate::emit::bundle::canonical(&v).as_bytes());
        return OK;
    }
    // The text comes from the bundle, so control characters in it are escaped, never sent to
    // the terminal; a closed pipe (`intentc eval … | head`) is not an error.
    let text = super::eval_text::render(&bundle, &offender, &outcome, lang, every_undetermined);
    let _ = std::io::stdout().lock().write_all(render::escape(&text, false).as_bytes());
    OK
}
