//! Establishments' targets files: a value for every requirement that applies, nothing else,
//! and every value within what its measure allows.
//!
//! A targets file is YAML:
//!
//! ```yaml
//! status: illustrative    # or: negotiated
//! targets:
//!   CU001: 98.5
//! ```
//!
//! It is read from saphyr-parser's events, which carry the position of every key and value,
//! into a small tree ([`Node`]). Reading from events keeps the input bounded the way .intent
//! files are: the same size limit, a nesting limit checked as each list or map opens (so a
//! hostile `[[[[…` stops at once, before anything is built), and one pass over the text.
//! Anchors and aliases are refused outright (they have no use in a targets file and only hide
//! values), and so is a key given twice in one map.

use super::measures::nations;
use super::CheckError;
use crate::diagnostics::suggest;
use crate::resolve::{Kind, Symbols};
use crate::source::{FileId, Project, Span};
use crate::syntax::ast::*;
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::{BTreeMap, HashMap};

/// How deep lists and maps may nest in a targets file: the same limit as brackets in a
/// .intent file (a targets file needs two).
pub const MAX_DEPTH: usize = 64;

/// A targets file that was read successfully.
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    pub file: FileId,
    pub illustrative: bool,
    /// Requirement id → (value, span of the entry `ID: value`).
    pub values: BTreeMap<String, (Node, Span)>,
}

/// A YAML value with where it is in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar as written; `plain` when unquoted (only a plain scalar can be a number, a
    /// yes/no or empty).
    Scalar {
        text: String,
        plain: bool,
    },
    List(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The text of a scalar that is a string (quoted, or plain and not a number, yes/no or
    /// empty), as YAML 1.2's core schema reads it.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, plain: false } => Some(text),
            Value::Scalar { text, plain: true } if self.as_f64().is_none() && self.as_bool().is_none() && !self.is_null() => Some(text),
            _ => None,
        }
    }

    /// The number of a plain scalar: decimal, with `.inf` and `.nan` as YAML 1.2 writes them.
    pub fn as_f64(&self) -> Option<f64> {
        let Value::Scalar { text, plain: true } = &self.value else { return None };
        let t = text.as_str();
        let unsigned = t.strip_prefix(['-', '+']).unwrap_or(t);
        if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
            return Some(if t.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY });
        }
        if matches!(t, ".nan" | ".NaN" | ".NAN") {
            return Some(f64::NAN);
        }
        // Rust's parser also takes `inf`, `nan` and `infinity`, which YAML reads as text.
        let digits = unsigned.bytes().any(|b| b.is_ascii_digit());
        let shape = unsigned.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
        if digits && shape {
            t.parse().ok()
        } else {
            None
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar { text, plain: true } => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// How the value is shown in a message.
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Scalar { text, .. } if self.as_f64().is_some() => text.clone(),
            Value::Scalar { text, .. } if self.as_bool().is_some() => text.clone(),
            Value::Scalar { .. } if self.is_null() => "an empty value".into(),
            Value::Scalar { text, .. } => format!("\"{text}\""),
            Value::List(_) | Value::Map(_) => "a list or map".into(),
        }
    }
}

/// A problem reading a targets file: where, what, and (for a repeated key) the first place.
struct Problem {
    at: Span,
    problem: String,
    help: &'static str,
    related: Option<(Span, String)>,
}

const SHAPE_HELP: &str = "a targets file is `status: illustrative` and a `targets:` map of requirement ids to numbers";

/// Turns saphyr's character positions into byte offsets. Events arrive in order, so a cursor
/// that walks forward (and, rarely, back) keeps the whole reading one pass over the text.
struct Offsets<'t> {
    text: &'t str,
    chars: usize,
    bytes: usize,
}

impl Offsets<'_> {
    fn byte(&mut self, char_index: usize) -> usize {
        while self.chars < char_index {
            match self.text[self.bytes..].chars().next() {
                Some(c) => {
                    self.bytes += c.len_utf8();
                    self.chars += 1;
                }
                None => break,
            }
        }
        while self.chars > char_index {
            match self.text[..self.bytes].chars().next_back() {
                Some(c) => {
                    self.bytes -= c.len_utf8();
                    self.chars -= 1;
                }
                None => break,
            }
        }
        self.bytes
    }
}

/// Reads a YAML text into a tree of [`Node`]s, bounded in size and depth.
struct Reader<'t> {
    parser: Parser<'t, saphyr_parser::StrInput<'t>>,
    offsets: Offsets<'t>,
    file: FileId,
}

impl<'t> Reader<'t> {
    fn span(&mut self, span: saphyr_parser::Span) -> Span {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index()).max(start);
        Span::new(self.file, start, end)
    }

    fn next(&mut self) -> Result<(Event<'t>, Span), Problem> {
        match self.parser.next_event() {
            Some(Ok((event, span))) => {
                let span = self.span(span);
                Ok((event, span))
            }
            Some(Err(e)) => {
                let at = self.offsets.byte(e.marker().index());
                let at = Span::new(self.file, at, at);
                // saphyr's scanner has a nesting limit of its own for `[` and `{`, which it
                // can reach before the events show ours.
                if e.info().contains("recursion limit") {
                    return Err(Self::too_deep(at));
                }
                Err(Problem { at, problem: e.info().to_string(), help: SHAPE_HELP, related: None })
            }
            None => {
                let end = self.offsets.text.len();
                Err(Problem { at: Span::new(self.file, end, end), problem: "it ends too early".into(), help: SHAPE_HELP, related: None })
            }
        }
    }

    fn too_deep(at: Span) -> Problem {
        Problem {
            at,
            problem: format!("its lists and maps are nested more than {MAX_DEPTH} deep"),
            help: "a targets file is one map of requirement ids to numbers under `targets:`",
            related: None,
        }
    }

    fn anchored(at: Span) -> Problem {
        Problem {
            at,
            problem: "it uses a YAML anchor or alias".into(),
            help: "write each value out in full; targets files do not use `&` or `*`",
            related: None,
        }
    }

    /// The whole file: one document (or none, which reads as empty).
    fn document(&mut self) -> Result<Option<Node>, Problem> {
        let mut doc = None;
        loop {
            let (event, at) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => return Ok(doc),
                Event::DocumentStart(_) if doc.is_some() => {
                    return Err(Problem {
                        at,
                        problem: "it holds more than one YAML document".into(),
                        help: "remove the second `---` and what follows it, or move it to its own file",
                        related: None,
                    })
                }
                Event::DocumentStart(_) => doc = Some(self.node(1)?),
                _ => return Err(Problem { at, problem: "it is not one YAML document".into(), help: SHAPE_HELP, related: None }),
            }
        }
    }

    fn node(&mut self, depth: usize) -> Result<Node, Problem> {
        let (event, at) = self.next()?;
        let opens = |anchor: usize| -> Result<(), Problem> {
            if anchor > 0 {
                return Err(Self::anchored(Span::new(at.file, at.start(), at.start() + 1)));
            }
            if depth > MAX_DEPTH {
                return Err(Self::too_deep(Span::new(at.file, at.start(), at.start() + 1)));
            }
            Ok(())
        };
        match event {
            Event::Scalar(text, style, anchor, _) => {
                if anchor > 0 {
                    return Err(Self::anchored(self.anchor_before(at)));
                }
                Ok(Node { value: Value::Scalar { text: text.into_owned(), plain: style == ScalarStyle::Plain }, span: at })
            }
            Event::Alias(_) => Err(Self::anchored(Span::new(at.file, at.start(), at.start() + 1))),
            Event::SequenceStart(anchor, _) => {
                opens(anchor)?;
                let mut items = Vec::new();
                loop {
                    if let Some(end) = self.closes(|e| matches!(e, Event::SequenceEnd))? {
                        return Ok(Node { value: Value::List(items), span: at.to(end) });
                    }
                    items.push(self.node(depth + 1)?);
                }
            }
            Event::MappingStart(anchor, _) => {
                opens(anchor)?;
                let mut pairs: Vec<(Node, Node)> = Vec::new();
                let mut seen: HashMap<String, Span> = HashMap::new();
                loop {
                    if let Some(end) = self.closes(|e| matches!(e, Event::MappingEnd))? {
                        return Ok(Node { value: Value::Map(pairs), span: at.to(end) });
                    }
                    let key = self.node(depth + 1)?;
                    let value = self.node(depth + 1)?;
                    if let Value::Scalar { text, .. } = &key.value {
                        if let Some(first) = seen.insert(text.clone(), key.span) {
                            return Err(Problem {
                                at: key.span.to(value.span),
                                problem: format!("`{text}` is given twice in one map"),
                                help: "keep one of the two lines",
                                related: Some((first, format!("`{text}` is first given here"))),
                            });
                        }
                    }
                    pairs.push((key, value));
                }
            }
            _ => Err(Problem { at, problem: "it is not one YAML document".into(), help: SHAPE_HELP, related: None }),
        }
    }

    /// Consumes the event that closes a list or map, if it is next.
    fn closes(&mut self, end: impl Fn(&Event) -> bool) -> Result<Option<Span>, Problem> {
        match self.parser.peek() {
            Some(Ok((e, _))) if end(e) => Ok(Some(self.next()?.1)),
            _ => Ok(None),
        }
    }

    /// An anchored scalar's span starts at its value; the `&` is before it on the line.
    fn anchor_before(&self, at: Span) -> Span {
        let text = self.offsets.text;
        let line_start = text[..at.start()].rfind('\n').map(|i| i + 1).unwrap_or(0);
        let amp = text[line_start..at.start()].rfind('&').map(|i| line_start + i).unwrap_or(at.start());
        Span::new(at.file, amp, amp + 1)
    }
}

/// Reads a YAML text into a tree, refusing files over the size limit, nesting past
/// [`MAX_DEPTH`], anchors, aliases and repeated keys.
fn parse(text: &str, file: FileId) -> Result<Option<Node>, Problem> {
    if text.len() > crate::syntax::MAX_FILE_BYTES {
        return Err(Problem {
            at: Span::new(file, 0, 0),
            problem: format!("it is larger than {} MiB, the most a source file may be", crate::syntax::MAX_FILE_BYTES / (1024 * 1024)),
            help: "a targets file holds one line per requirement; check that this is the right file",
            related: None,
        });
    }
    let mut reader = Reader { parser: Parser::new_from_str(text), offsets: Offsets { text, chars: 0, bytes: 0 }, file };
    reader.document()
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
    let text = &*f.text;
    let at = |start: usize, end: usize| Span::new(file, start, end);
    let malformed = |span: Span, problem: String, help: &str| {
        Box::new(CheckError::MalformedTargets { at: span, problem, help: help.to_string(), related: None })
    };
    if f.encoding_error.is_some() {
        return Err(malformed(at(0, 0), "it is not UTF-8 text".into(), "save the file as UTF-8"));
    }
    let root = parse(text, file).map_err(|p| {
        Box::new(CheckError::MalformedTargets { at: p.at, problem: p.problem, help: p.help.to_string(), related: p.related })
    })?;
    let Some(Node { value: Value::Map(top), .. }) = root.filter(|n| !n.is_null()) else {
        return Err(malformed(at(0, text.len().min(1)), "it is not a map".into(), "start with `status: illustrative` and `targets:`"));
    };
    let mut status = None;
    let mut targets = None;
    for (k, v) in top {
        match k.as_str() {
            Some("status") => status = Some((k, v)),
            Some("targets") => targets = Some((k, v)),
            _ => {
                let shown = match &k.value {
                    Value::Scalar { text, .. } => text.clone(),
                    _ => "a list or map".into(),
                };
                return Err(malformed(
                    k.span,
                    format!("it has an unknown key `{shown}`"),
                    "a targets file has only `status` and `targets`",
                ));
            }
        }
    }
    let illustrative = match status.as_ref().map(|(_, v)| v.as_str()) {
        Some(Some("illustrative")) => true,
        Some(Some("negotiated")) => false,
        _ => {
            return Err(malformed(
                status.as_ref().map(|(k, v)| k.span.to(v.span)).unwrap_or(at(0, 0)),
                "it does not say whether its values are illustrative or negotiated".into(),
                "add `status: illustrative` (or `status: negotiated` for agreed figures)",
            ))
        }
    };
    let mut values = BTreeMap::new();
    match targets {
        Some((_, Node { value: Value::Map(m), .. })) => {
            for (k, v) in m {
                let Some(key) = k.as_str().map(str::to_string) else {
                    return Err(malformed(
                        k.span,
                        format!("a key is not a requirement id: {}", k.describe()),
                        "keys are requirement ids such as `CU001`",
                    ));
                };
                let span = k.span.to(v.span);
                values.insert(key, (v, span));
            }
        }
        Some((_, v)) if v.is_null() => {}
        Some((k, _)) => {
            return Err(malformed(k.span, "`targets` is not a map".into(), "write one `ID: value` line per requirement under `targets:`"))
        }
        None => return Err(malformed(at(0, 0), "it has no `targets`".into(), "add a `targets:` map of requirement ids to values")),
    }
    Ok(Targets { file, illustrative, values })
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

/// Checks every establishment's targets file; returns the files that could be read, by
/// establishment id, for the model (which reads none again).
pub fn check(project: &Project, symbols: &Symbols, errors: &mut Vec<CheckError>) -> BTreeMap<String, Targets> {
    let mut read_files = BTreeMap::new();
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
            let shown = value.describe();
            let number = value.as_f64().filter(|v| *v >= min && *v <= max && (!whole || v.fract() == 0.0));
            if let Some(v) = number {
                // `at_least 0` holds whatever happens and `below 0` never can: either is a
                // slip (a count of completions left at 0), not a target.
                let vacuous = match req.target.direction {
                    Some(Direction::AtLeast) if v <= min => Some(("at_least", true)),
                    Some(Direction::AtMost) if v >= max => Some(("at_most", true)),
                    Some(Direction::Below) if v <= min => Some(("below", false)),
                    _ => None,
                };
                if let Some((direction, always)) = vacuous {
                    errors.push(CheckError::VacuousTarget {
                        requirement: id.clone(),
                        value: shown.clone(),
                        direction,
                        always,
                        at: *span,
                        requirement_at: req.target.span,
                    });
                }
            }
            if number.is_none() {
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
        read_files.insert(name, targets);
    }
    read_files
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
