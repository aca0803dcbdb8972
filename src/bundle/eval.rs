//! The reference evaluator: which band an offender is in, and every invest / do-not-invest
//! decision of the guidance, with the rule id and source of each.
//!
//! An attribute the caller does not give is unknown, not false: a rule whose condition needs
//! it is listed as undetermined (with what is missing), never silently applied or dropped.
//! So `avoid … unless images_only` does not apply to an offender whose offence type is not
//! known. Conditions are evaluated in three-valued logic (Kleene's) for that.

use super::{Bundle, Condition, Domain, Source, Text, Value};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// An offender: values for some attributes.
pub type Offender = BTreeMap<String, Value>;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum EvalError {
    UnknownAttribute {
        attribute: String,
        suggestion: Option<String>,
    },
    WrongType {
        attribute: String,
        value: String,
        expected: String,
    },
    /// `suggestion`: the value closest to the one given, for a level or option misspelt.
    OutOfRange {
        attribute: String,
        value: String,
        expected: String,
        suggestion: Option<String>,
    },
}

impl EvalError {
    pub fn code(&self) -> &'static str {
        match self {
            EvalError::WrongType { .. } => "E0701",
            EvalError::UnknownAttribute { .. } => "E0702",
            EvalError::OutOfRange { .. } => "E0703",
        }
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::UnknownAttribute { attribute, .. } => write!(f, "the bundle has no attribute `{attribute}`"),
            EvalError::WrongType { attribute, value, expected } => write!(f, "{attribute} takes {expected}, not `{value}`"),
            EvalError::OutOfRange { attribute, value, expected, .. } => {
                write!(f, "`{value}` is outside the values of {attribute}: it takes {expected}")
            }
        }
    }
}

impl EvalError {
    /// The attribute the problem is about.
    pub fn attribute(&self) -> &str {
        match self {
            EvalError::UnknownAttribute { attribute, .. }
            | EvalError::WrongType { attribute, .. }
            | EvalError::OutOfRange { attribute, .. } => attribute,
        }
    }

    /// One line of help.
    pub fn help(&self) -> String {
        match self {
            EvalError::UnknownAttribute { suggestion: Some(s), .. } => format!("did you mean `{s}`?"),
            EvalError::UnknownAttribute { .. } => "the bundle's attributes.json lists the attributes an offender is described by".into(),
            EvalError::OutOfRange { suggestion: Some(s), expected, .. } => format!("did you mean `{s}`? (it takes {expected})"),
            EvalError::WrongType { expected, .. } | EvalError::OutOfRange { expected, .. } => format!("give {expected}"),
        }
    }
}

/// The candidate closest to `word`, if close enough to be what was meant: at most two edits
/// (or a third of the candidate's length), case ignored, so `thef` is `theft` and `Sex` is
/// `sex`. Ties go to the candidate that sorts first, so the answer never depends on order.
fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let word = word.to_lowercase();
    candidates
        .map(|c| (strsim::damerau_levenshtein(&word, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.chars().count() / 3))
        .min()
        .map(|(_, c)| c.to_string())
}

fn describe(d: &Domain) -> String {
    match d {
        Domain::Number { min, max } => format!("a whole number from {min} to {max}"),
        Domain::Level { values } => format!("one of the levels {}", values.join(", ")),
        Domain::Option { values } => format!("one of {}", values.join(", ")),
        Domain::YesNo => "yes or no".into(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandResult {
    pub band_set: String,
    pub attribute: String,
    pub band: Option<String>,
    pub title: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub rule: String,
    pub targeting: String,
    pub verb: String,
    pub number: Option<u32>,
    pub service: Option<String>,
    pub text: Option<Text>,
    /// The document's own label, or the publisher's reading (with `reason`).
    pub label: super::Label,
    pub reason: Option<Text>,
    pub source: Source,
    /// Set when guidance that overrides this rule's guidance decides the other way about
    /// everything this rule is about.
    pub superseded_by: Option<String>,
    /// Rules of overriding guidance that decide the other way about part of what this rule
    /// is about (a programme within its class): the decision holds except for those.
    pub exceptions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Undetermined {
    pub rule: String,
    pub verb: String,
    pub label: super::Label,
    pub service: Option<String>,
    /// The attributes the rule needs that were not given.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub bands: Vec<BandResult>,
    pub decisions: Vec<Decision>,
    pub undetermined: Vec<Undetermined>,
}

/// A rule's session class: its own, narrowed by its service's session count.
fn class_of(r: &super::Rule, services: &HashMap<&str, Option<(u64, Option<u64>)>>) -> (u64, u64) {
    let full = (0, u64::MAX);
    let own = r.sessions.map(|(a, b)| (a, b.unwrap_or(u64::MAX))).unwrap_or(full);
    let service =
        r.service.as_deref().and_then(|s| services.get(s).copied().flatten()).map(|(a, b)| (a, b.unwrap_or(u64::MAX))).unwrap_or(full);
    let (lo, hi) = (own.0.max(service.0), own.1.min(service.1));
    if lo <= hi {
        (lo, hi)
    } else {
        own
    }
}

/// An evaluator over one bundle, with its indexes built once.
pub struct Evaluator<'b> {
    bundle: &'b Bundle,
    /// Each rule's session class, by rule id, computed once.
    classes: HashMap<&'b str, (u64, u64)>,
    /// `beats[a][b]`: targeting a overrides targeting b (transitively), by index.
    beats: Vec<Vec<bool>>,
    targeting_index: HashMap<&'b str, usize>,
    domains: BTreeMap<&'b str, &'b Domain>,
    lineage: HashMap<&'b str, Vec<&'b str>>,
}

impl<'b> Evaluator<'b> {
    pub fn new(bundle: &'b Bundle) -> Evaluator<'b> {
        let domains = bundle.attributes.attributes.iter().map(|a| (a.id.as_str(), &a.domain)).collect();
        let within: HashMap<&str, &str> =
            bundle.services.services.iter().filter_map(|s| Some((s.id.as_str(), s.within.as_deref()?))).collect();
        let lineage = bundle
            .services
            .services
            .iter()
            .map(|s| {
                let mut chain = vec![s.id.as_str()];
                while let Some(p) = within.get(chain[chain.len() - 1]) {
                    if chain.contains(p) || chain.len() > 64 {
                        break;
                    }
                    chain.push(p);
                }
                (s.id.as_str(), chain)
            })
            .collect();
        let direct: HashMap<&str, Vec<&str>> =
            bundle.rules.targeting.iter().map(|t| (t.id.as_str(), t.overrides.iter().map(String::as_str).collect())).collect();
        let mut wins = BTreeSet::new();
        for (start, first) in &direct {
            let mut stack: Vec<&str> = first.clone();
            let mut seen = BTreeSet::new();
            while let Some(n) = stack.pop() {
                if seen.insert(n) {
                    wins.insert((*start, n));
                    stack.extend(direct.get(n).into_iter().flatten());
                }
            }
        }
        let services: HashMap<&str, Option<(u64, Option<u64>)>> =
            bundle.services.services.iter().map(|s| (s.id.as_str(), s.sessions)).collect();
        let classes = bundle.rules.rules.iter().map(|r| (r.id.as_str(), class_of(r, &services))).collect();
        let targeting_index: HashMap<&str, usize> = bundle.rules.targeting.iter().enumerate().map(|(i, t)| (t.id.as_str(), i)).collect();
        let n = targeting_index.len();
        let mut beats = vec![vec![false; n]; n];
        for (a, b) in &wins {
            if let (Some(&i), Some(&j)) = (targeting_index.get(a), targeting_index.get(b)) {
                beats[i][j] = true;
            }
        }
        Evaluator { bundle, classes, beats, targeting_index, domains, lineage }
    }

    /// Reads `--set name=value` style input into a typed value.
    pub fn parse_value(&self, attribute: &str, raw: &str) -> Result<Value, EvalError> {
        let d = self.domain(attribute)?;
        let wrong = || EvalError::WrongType { attribute: attribute.into(), value: raw.into(), expected: describe(d) };
        match d {
            Domain::Number { .. } => {
                let v: i64 = raw.trim().trim_end_matches('%').parse().map_err(|_| wrong())?;
                self.validate(attribute, Value::Number(v))
            }
            Domain::YesNo => match raw.trim() {
                "yes" | "true" => Ok(Value::Bool(true)),
                "no" | "false" => Ok(Value::Bool(false)),
                _ => Err(wrong()),
            },
            // A number for a level or option is the wrong type, whichever way it was given.
            _ if raw.trim().parse::<f64>().is_ok() => Err(wrong()),
            _ => self.validate(attribute, Value::Word(raw.trim().to_string())),
        }
    }

    fn domain(&self, attribute: &str) -> Result<&'b Domain, EvalError> {
        self.domains.get(attribute).copied().ok_or_else(|| {
            let suggestion = closest(attribute, self.domains.keys().copied());
            EvalError::UnknownAttribute { attribute: attribute.into(), suggestion }
        })
    }

    /// Checks a value against its attribute: the right type and within its values.
    pub fn validate(&self, attribute: &str, v: Value) -> Result<Value, EvalError> {
        let d = self.domain(attribute)?;
        let shown = match &v {
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Word(w) => w.clone(),
        };
        let wrong = || EvalError::WrongType { attribute: attribute.into(), value: shown.clone(), expected: describe(d) };
        let suggestion = match (d, &v) {
            (Domain::Level { values } | Domain::Option { values }, Value::Word(w)) => closest(w, values.iter().map(String::as_str)),
            _ => None,
        };
        let out = || EvalError::OutOfRange {
            attribute: attribute.into(),
            value: shown.clone(),
            expected: describe(d),
            suggestion: suggestion.clone(),
        };
        match (d, &v) {
            (Domain::Number { min, max }, Value::Number(n)) => (n >= min && n <= max).then_some(v.clone()).ok_or_else(out),
            (Domain::Level { values } | Domain::Option { values }, Value::Word(w)) => {
                values.contains(w).then_some(v.clone()).ok_or_else(out)
            }
            (Domain::YesNo, Value::Bool(_)) => Ok(v),
            _ => Err(wrong()),
        }
    }

    /// Reads an offender from JSON (`{"ogrs3": 62, "index_offence": "violence"}`), reporting
    /// every problem, not only the first.
    pub fn offender_from_json(&self, json: &serde_json::Value) -> Result<Offender, Vec<EvalError>> {
        let Some(map) = json.as_object() else {
            return Err(vec![EvalError::WrongType {
                attribute: "offender".into(),
                value: json.to_string(),
                expected: "a JSON object of attribute values".into(),
            }]);
        };
        let mut out = Offender::new();
        let mut errors = Vec::new();
        for (k, v) in map {
            let value = match v {
                serde_json::Value::Bool(b) => Ok(Value::Bool(*b)),
                serde_json::Value::String(s) => match self.domains.get(k.as_str()) {
                    Some(Domain::YesNo | Domain::Number { .. }) => self.parse_value(k, s),
                    _ => Ok(Value::Word(s.clone())),
                },
                serde_json::Value::Number(n) => match n.as_i64() {
                    Some(i) => Ok(Value::Number(i)),
                    None => Err(EvalError::WrongType {
                        attribute: k.clone(),
                        value: n.to_string(),
                        expected: self.domains.get(k.as_str()).map(|d| describe(d)).unwrap_or_else(|| "a whole number".into()),
                    }),
                },
                other => Err(EvalError::WrongType {
                    attribute: k.clone(),
                    value: other.to_string(),
                    expected: "a number, yes/no or a word".into(),
                }),
            }
            .and_then(|v| self.validate(k, v));
            match value {
                Ok(v) => {
                    out.insert(k.clone(), v);
                }
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// Does the condition hold? `None` when it depends on an attribute not given.
    pub fn holds(&self, c: &Condition, o: &Offender) -> Option<bool> {
        match c {
            Condition::All(cs) => {
                let mut unknown = false;
                for c in cs {
                    match self.holds(c, o) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                (!unknown).then_some(true)
            }
            Condition::Any(cs) => {
                let mut unknown = false;
                for c in cs {
                    match self.holds(c, o) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                (!unknown).then_some(false)
            }
            Condition::Not(c) => self.holds(c, o).map(|b| !b),
            Condition::Compare { attribute, op, value } => {
                let v = o.get(attribute)?;
                let ord = match (self.domains.get(attribute.as_str())?, v, value) {
                    (Domain::Number { .. }, Value::Number(a), Value::Number(b)) => a.cmp(b),
                    (Domain::Level { values }, Value::Word(a), Value::Word(b)) => {
                        let pa = values.iter().position(|x| x == a)?;
                        let pb = values.iter().position(|x| x == b)?;
                        pa.cmp(&pb)
                    }
                    (_, a, b) => {
                        if a == b {
                            std::cmp::Ordering::Equal
                        } else {
                            std::cmp::Ordering::Less
                        }
                    }
                };
                Some(op.holds(ord))
            }
            Condition::OneOf { attribute, values } => Some(values.contains(o.get(attribute)?)),
            Condition::Between { attribute, min, max } => match o.get(attribute)? {
                Value::Number(n) => Some(n >= min && n <= max),
                _ => Some(false),
            },
            Condition::Is { attribute } => Some(matches!(o.get(attribute)?, Value::Bool(true))),
        }
    }

    fn attributes(c: &Condition, out: &mut BTreeSet<String>) {
        match c {
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| Self::attributes(c, out)),
            Condition::Not(c) => Self::attributes(c, out),
            Condition::Compare { attribute, .. }
            | Condition::OneOf { attribute, .. }
            | Condition::Between { attribute, .. }
            | Condition::Is { attribute } => {
                out.insert(attribute.clone());
            }
        }
    }

    fn related(&self, a: &str, b: &str) -> bool {
        let la = self.lineage.get(a).map(|v| v.as_slice()).unwrap_or(&[]);
        let lb = self.lineage.get(b).map(|v| v.as_slice()).unwrap_or(&[]);
        a == b || la.contains(&b) || lb.contains(&a)
    }

    /// The programmes a rule is about, by number of sessions: the rule's class narrowed by
    /// the service's own count. Two rules about one service but disjoint classes (fewer than
    /// 18 sessions, more than 40) do not decide about the same programmes.
    fn sessions(&self, rule: &str) -> (u64, u64) {
        self.classes.get(rule).copied().unwrap_or((0, u64::MAX))
    }

    /// The guidance for one offender.
    pub fn evaluate(&self, o: &Offender) -> Outcome {
        let bands = self
            .bundle
            .bands
            .band_sets
            .iter()
            .map(|set| {
                let band = match o.get(&set.attribute) {
                    Some(Value::Number(n)) => set.bands.iter().find(|b| *n >= b.min && *n <= b.max),
                    _ => None,
                };
                BandResult {
                    band_set: set.id.clone(),
                    attribute: set.attribute.clone(),
                    band: band.map(|b| b.id.clone()),
                    title: band.map(|b| b.title.clone()),
                }
            })
            .collect();
        let mut decisions = Vec::new();
        let mut undetermined = Vec::new();
        for r in &self.bundle.rules.rules {
            match self.holds(&r.condition, o) {
                Some(true) => decisions.push(Decision {
                    rule: r.id.clone(),
                    targeting: r.targeting.clone(),
                    verb: r.verb.clone(),
                    number: r.number,
                    service: r.service.clone(),
                    text: r.text.clone(),
                    label: r.label,
                    reason: r.reason.clone(),
                    source: r.source.clone(),
                    superseded_by: None,
                    exceptions: Vec::new(),
                }),
                Some(false) => {}
                None => {
                    let mut needed = BTreeSet::new();
                    Self::attributes(&r.condition, &mut needed);
                    undetermined.push(Undetermined {
                        rule: r.id.clone(),
                        verb: r.verb.clone(),
                        label: r.label,
                        service: r.service.clone(),
                        missing: needed.into_iter().filter(|a| !o.contains_key(a)).collect(),
                    });
                }
            }
        }
        // Where guidance that wins decides the other way, the losing decision is kept but
        // marked, so a caseworker sees both and which prevails: superseded when the winner
        // covers all of it, an exception when it covers part.
        let n = decisions.len();
        let tix: Vec<usize> =
            decisions.iter().map(|d| self.targeting_index.get(d.targeting.as_str()).copied().unwrap_or(usize::MAX)).collect();
        let beats = |i: usize, j: usize| tix[i] != usize::MAX && tix[j] != usize::MAX && self.beats[tix[i]][tix[j]];
        for j in 0..n {
            for i in 0..n {
                // The override relation is the cheapest test and rules out most pairs.
                if !beats(i, j) {
                    continue;
                }
                let (a, b) = (&decisions[i], &decisions[j]);
                if a.verb == b.verb || a.verb == "note" || b.verb == "note" {
                    continue;
                }
                let (Some(sa), Some(sb)) = (&a.service, &b.service) else { continue };
                let (ca, cb) = (self.sessions(&a.rule), self.sessions(&b.rule));
                let overlap = ca.0.max(cb.0) <= ca.1.min(cb.1);
                if !(self.related(sa, sb) && overlap) {
                    continue;
                }
                let covers_service = sa == sb || self.lineage.get(sb.as_str()).is_some_and(|l| l.contains(&sa.as_str()));
                let covers_sessions = ca.0 <= cb.0 && ca.1 >= cb.1;
                let winner = a.rule.clone();
                if covers_service && covers_sessions {
                    if decisions[j].superseded_by.is_none() {
                        decisions[j].superseded_by = Some(winner);
                    }
                } else {
                    decisions[j].exceptions.push(winner);
                }
            }
        }
        Outcome { bands, decisions, undetermined }
    }
}
