//! Establishments' targets files: a value for every requirement that applies, nothing else,
//! and every value within what its measure allows.
//!
//! A targets file is YAML, read with serde_yaml:
//!
//! ```yaml
//! status: illustrative    # or: negotiated
//! targets:
//!   CU001: 98.5
//! ```
//!
//! serde_yaml says where a file is malformed but not where each key stands, so a small line
//! scan finds the line of each requirement id for the diagnostics. The format is a flat map,
//! so this is reliable; anchors and aliases are refused outright (they have no use in a
//! targets file and only hide values).

use super::measures::nations;
use super::CheckError;
use crate::diagnostics::suggest;
use crate::resolve::{Kind, Symbols};
use crate::source::{FileId, Project, Span};
use crate::syntax::ast::*;
use std::collections::BTreeMap;

/// A targets file that was read successfully.
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    pub file: FileId,
    pub illustrative: bool,
    /// Requirement id → (value, span of the line).
    pub values: BTreeMap<String, (serde_yaml::Value, Span)>,
}

/// Where an establishment's targets file is, as a project path.
pub fn resolve_path(project: &Project, from: FileId, path: &str) -> String {
    let base = &project.file(from).path;
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Does this requirement belong in this establishment's SLA?
pub fn applies(req: &Requirement, est: &Establishment) -> bool {
    req.setting.node == est.setting.node
        && nations(&req.applies).contains(&est.applies.node)
        && req.sector.as_ref().is_none_or(|s| s.node.is_empty() || s.node.contains(&est.sector.node))
}

/// Reads a targets file: the structure is checked here; the values against the requirements
/// in [`check`].
pub fn read(project: &Project, file: FileId) -> Result<Targets, Box<CheckError>> {
    let f = project.file(file);
    let text = f.text.as_str();
    let at = |start: usize, end: usize| Span::new(file, start, end);
    let malformed =
        |span: Span, problem: String, help: &str| Box::new(CheckError::MalformedTargets { at: span, problem, help: help.to_string() });
    if f.encoding_error.is_some() {
        return Err(malformed(at(0, 0), "it is not UTF-8 text".into(), "save the file as UTF-8"));
    }
    let lines = scan(text);
    for l in &lines {
        if let Some(off) = l.anchor {
            return Err(malformed(
                at(off, off + 1),
                "it uses a YAML anchor or alias".into(),
                "write each value out in full; targets files do not use `&` or `*`",
            ));
        }
    }
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let mut off = e.location().map(|l| l.index()).unwrap_or(0).min(text.len());
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        // serde_yaml points at the map; the author wants the line that repeats the key.
        if let Some(key) = msg.split("duplicate entry with key \"").nth(1).and_then(|k| k.split('"').next()) {
            if let Some(second) = lines.iter().filter(|l| l.key == key).nth(1) {
                off = second.start;
            }
        }
        malformed(at(off, off), msg, "a targets file is `status: illustrative` and a `targets:` map of requirement ids to numbers")
    })?;
    let serde_yaml::Value::Mapping(top) = value else {
        return Err(malformed(at(0, text.len().min(1)), "it is not a map".into(), "start with `status: illustrative` and `targets:`"));
    };
    let line_of = |key: &str, indented: bool| {
        lines.iter().find(|l| l.key == key && l.indented == indented).map(|l| at(l.start, l.end)).unwrap_or(at(0, 0))
    };
    let mut status = None;
    let mut targets = None;
    for (k, v) in &top {
        let key = k.as_str().unwrap_or("");
        match key {
            "status" => status = Some(v.clone()),
            "targets" => targets = Some(v.clone()),
            other => {
                return Err(malformed(
                    line_of(other, false),
                    format!("it has an unknown key `{other}`"),
                    "a targets file has only `status` and `targets`",
                ));
            }
        }
    }
    let illustrative = match status.as_ref().and_then(|s| s.as_str()) {
        Some("illustrative") => true,
        Some("negotiated") => false,
        _ => {
            return Err(malformed(
                if status.is_some() { line_of("status", false) } else { at(0, 0) },
                "it does not say whether its values are illustrative or negotiated".into(),
                "add `status: illustrative` (or `status: negotiated` for agreed figures)",
            ))
        }
    };
    let mut values = BTreeMap::new();
    match targets {
        Some(serde_yaml::Value::Mapping(m)) => {
            for (k, v) in m {
                let key = match &k {
                    serde_yaml::Value::String(s) => s.clone(),
                    other => {
                        return Err(malformed(
                            line_of("targets", false),
                            format!("a key is not a requirement id: {other:?}"),
                            "keys are requirement ids such as `CU001`",
                        ))
                    }
                };
                let span = line_of(&key, true);
                values.insert(key, (v, span));
            }
        }
        Some(serde_yaml::Value::Null) => {}
        Some(_) => {
            return Err(malformed(
                line_of("targets", false),
                "`targets` is not a map".into(),
                "write one `ID: value` line per requirement under `targets:`",
            ))
        }
        None => return Err(malformed(at(0, 0), "it has no `targets`".into(), "add a `targets:` map of requirement ids to values")),
    }
    Ok(Targets { file, illustrative, values })
}

struct Line<'a> {
    key: &'a str,
    indented: bool,
    start: usize,
    end: usize,
    /// The offset of a `&` or `*` that starts a value.
    anchor: Option<usize>,
}

fn scan(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for raw in text.split('\n') {
        let line = raw.split(" #").next().unwrap_or(raw);
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(colon) = trimmed.find(':') {
            let key = trimmed[..colon].trim().trim_matches(['"', '\'']);
            let value = trimmed[colon + 1..].trim_start();
            let anchor = (value.starts_with('&') || value.starts_with('*'))
                .then(|| start + line.len() - trimmed.len() + colon + 1 + (trimmed[colon + 1..].len() - value.len()));
            if !trimmed.starts_with('#') {
                out.push(Line { key, indented: indent > 0, start: start + indent, end: start + raw.trim_end().len(), anchor });
            }
        } else if trimmed.starts_with('&') || trimmed.starts_with('*') {
            out.push(Line { key: "", indented: true, start, end: start + raw.len(), anchor: Some(start + indent) });
        }
        start += raw.len() + 1;
    }
    out
}

/// What values a requirement's target takes: (min, max, whole numbers only, description).
pub fn value_range(t: &TargetSpec) -> (f64, f64, bool, String) {
    match t.kind {
        TargetKind::Percent => (0.0, 100.0, false, "a percentage from 0 to 100".into()),
        TargetKind::Count => (0.0, f64::MAX, true, "a whole number, 0 or more".into()),
        TargetKind::Rate | TargetKind::Days | TargetKind::Score => (0.0, f64::MAX, false, "a number, 0 or more".into()),
        TargetKind::Rating => {
            let (a, b) = t.scale.unwrap_or((0.0, f64::MAX));
            (a, b, false, format!("a rating from {a} to {b}"))
        }
        TargetKind::Fixed => (0.0, 0.0, false, "no value".into()),
    }
}

pub fn check(project: &Project, symbols: &Symbols, errors: &mut Vec<CheckError>) {
    let requirements: Vec<&Declaration> = symbols.all(Kind::Requirement).collect();
    for d in symbols.all(Kind::Establishment) {
        let Body::Establishment(est) = &d.body else { continue };
        let Some(path) = &est.targets else { continue };
        let full = resolve_path(project, d.span.file, &path.node);
        let Some(file) = project.find(&full) else {
            let name = full.rsplit('/').next().unwrap_or("");
            let candidates: Vec<&str> =
                project.files.iter().filter(|f| f.kind == crate::source::FileKind::Yaml).map(|f| f.path.as_str()).collect();
            let by_name: Vec<&str> = candidates.iter().copied().filter(|p| p.rsplit('/').next() == Some(name)).collect();
            let suggestion = by_name
                .first()
                .map(|p| p.to_string())
                .or_else(|| suggest(&full, &candidates))
                .map(|p| relative_to(project, d.span.file, &p));
            errors.push(CheckError::TargetsNotFound { at: path.span, path: path.node.clone(), suggestion });
            continue;
        };
        let targets = match read(project, file.id) {
            Ok(t) => t,
            Err(e) => {
                errors.push(*e);
                continue;
            }
        };
        let name = d.id.name.clone();
        // A mistyped id (`CU0003`) explains the missing value for the id it resembles.
        let mut explained: Vec<String> = Vec::new();
        for (id, (value, span)) in &targets.values {
            if symbols.broken.contains(id) {
                // Declared, but broken: its own mistake is reported where it is written.
                continue;
            }
            let Some(req_decl) = symbols.get(id).filter(|r| matches!(r.body, Body::Requirement(_))) else {
                let ids: Vec<&str> = requirements.iter().map(|r| r.id.name.as_str()).collect();
                let help = match suggest(id, &ids) {
                    Some(s) => {
                        explained.push(s.clone());
                        format!("did you mean `{s}`?")
                    }
                    None => "remove it, or declare the requirement".into(),
                };
                errors.push(CheckError::UnexpectedTarget {
                    establishment: name.clone(),
                    requirement: id.clone(),
                    at: *span,
                    reason: "which is not a declared requirement".into(),
                    help,
                    related: None,
                });
                continue;
            };
            let Body::Requirement(req) = &req_decl.body else { continue };
            if req.setting.node != est.setting.node {
                errors.push(CheckError::UnexpectedTarget {
                    establishment: name.clone(),
                    requirement: id.clone(),
                    at: *span,
                    reason: "which is a requirement of another setting".into(),
                    help: "remove the line; only requirements of the establishment's setting belong in its SLA".into(),
                    related: Some((req.setting.span, format!("{id}'s setting"))),
                });
                continue;
            }
            if !nations(&req.applies).contains(&est.applies.node) {
                errors.push(CheckError::UnexpectedTarget {
                    establishment: name.clone(),
                    requirement: id.clone(),
                    at: *span,
                    reason: "which does not apply in its nation".into(),
                    help: "remove the line; the requirement is limited to another nation".into(),
                    related: req.applies.as_ref().map(|a| (a.span, format!("the nations {id} applies in"))),
                });
                continue;
            }
            if !applies(req, est) {
                errors.push(CheckError::SectorMismatch {
                    establishment: name.clone(),
                    requirement: id.clone(),
                    at: *span,
                    requirement_at: req.sector.as_ref().map(|s| s.span).unwrap_or(req_decl.id.span),
                });
                continue;
            }
            if req.target.kind == TargetKind::Fixed {
                errors.push(CheckError::UnexpectedTarget {
                    establishment: name.clone(),
                    requirement: id.clone(),
                    at: *span,
                    reason: "whose measure is fixed (nothing is negotiated)".into(),
                    help: "remove the line".into(),
                    related: Some((req.target.span, format!("{id} is `fixed` here"))),
                });
                continue;
            }
            let (min, max, whole, expected) = value_range(&req.target);
            let shown = match value {
                serde_yaml::Value::Number(n) => n.to_string(),
                serde_yaml::Value::String(s) => format!("\"{s}\""),
                serde_yaml::Value::Bool(b) => b.to_string(),
                serde_yaml::Value::Null => "an empty value".into(),
                _ => "a list or map".into(),
            };
            let ok = value.as_f64().is_some_and(|v| v >= min && v <= max && (!whole || v.fract() == 0.0));
            if !ok {
                errors.push(CheckError::TargetOutOfRange {
                    requirement: id.clone(),
                    value: shown,
                    at: *span,
                    expected,
                    requirement_at: req.target.span,
                });
            }
        }
        for r in &requirements {
            let Body::Requirement(req) = &r.body else { continue };
            if applies(req, est)
                && req.target.kind != TargetKind::Fixed
                && !targets.values.contains_key(&r.id.name)
                && !explained.contains(&r.id.name)
            {
                errors.push(CheckError::MissingTarget {
                    establishment: name.clone(),
                    requirement: r.id.name.clone(),
                    at: path.span,
                    requirement_at: r.id.span,
                });
            }
        }
    }
}

/// A project path as written relative to the .intent file at `from`.
fn relative_to(project: &Project, from: FileId, path: &str) -> String {
    let base = &project.file(from).path;
    let dir = base.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    if dir.is_empty() {
        return path.to_string();
    }
    path.strip_prefix(&format!("{dir}/")).map(str::to_string).unwrap_or_else(|| path.to_string())
}
