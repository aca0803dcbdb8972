//! The reference evaluator: which band an offender is in, and every invest / do-not-invest
//! decision of the guidance, with the rule id and source of each.
//!
//! An attribute the caller does not give is unknown, not false: a rule whose condition needs
//! it is listed as undetermined (with what is missing), never silently applied or dropped.
//! So `avoid … unless images_only` does not apply to an offender whose offence type is not
//! known. Conditions are evaluated in three-valued logic (Kleene's) for that.

use super::{Bundle, Condition, Domain, Op, Source, Text, Value};
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

// The outcome borrows from the bundle: evaluating an offender copies no id, text or source.

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandResult<'b> {
    pub band_set: &'b str,
    pub attribute: &'b str,
    pub band: Option<&'b str>,
    pub title: Option<&'b Text>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision<'b> {
    pub rule: &'b str,
    pub targeting: &'b str,
    pub verb: &'b str,
    pub number: Option<u32>,
    pub service: Option<&'b str>,
    pub text: Option<&'b Text>,
    /// The document's own label, or the publisher's reading (with `reason`).
    pub label: super::Label,
    pub reason: Option<&'b Text>,
    pub source: &'b Source,
    /// Set when guidance that overrides this rule's guidance decides the other way about
    /// everything this rule is about.
    pub superseded_by: Option<&'b str>,
    /// Rules of overriding guidance that decide the other way about part of what this rule
    /// is about (a programme within its class): the decision holds except for those.
    pub exceptions: Vec<&'b str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Undetermined<'b> {
    pub rule: &'b str,
    pub verb: &'b str,
    pub label: super::Label,
    pub service: Option<&'b str>,
    /// The attributes the rule needs that were not given.
    pub missing: Vec<&'b str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome<'b> {
    pub bands: Vec<BandResult<'b>>,
    pub decisions: Vec<Decision<'b>>,
    pub undetermined: Vec<Undetermined<'b>>,
}

/// A condition with its attributes resolved to slots (indexes into the offender's values)
/// and level values to their positions, once, when the evaluator is made. It means exactly
/// what [`Evaluator::holds`] says of the condition it was made from.
#[derive(Debug, Clone)]
enum Compiled<'b> {
    All(Vec<Compiled<'b>>),
    Any(Vec<Compiled<'b>>),
    Not(Box<Compiled<'b>>),
    /// A number attribute compared with a number.
    Number {
        slot: usize,
        op: Op,
        value: i64,
    },
    /// A level attribute compared with a level (`None`: not one of its levels).
    Level {
        slot: usize,
        op: Op,
        position: Option<usize>,
    },
    /// Any other comparison: equal or not.
    Same {
        slot: usize,
        op: Op,
        value: &'b Value,
    },
    /// An attribute the bundle does not declare, compared: never known.
    Undeclared,
    /// A level or option attribute tested against some of its values, as a set of their
    /// positions in the domain (bit i: the i-th value): one test instead of comparing words.
    OneOfPositions {
        slot: usize,
        positions: u128,
    },
    OneOf {
        slot: usize,
        values: &'b [Value],
    },
    Between {
        slot: usize,
        min: i64,
        max: i64,
    },
    Is {
        slot: usize,
    },
}

/// One attribute's value for the offender being evaluated.
#[derive(Clone, Copy)]
struct Slot<'o> {
    value: Option<&'o Value>,
    /// For a level or option attribute given one of its values: its position.
    position: Option<usize>,
}

/// A rule, ready to evaluate.
struct Prepared<'b> {
    condition: Compiled<'b>,
    /// The attributes the condition needs (sorted, distinct), with their slots.
    needs: Vec<(&'b str, usize)>,
    /// The session class.
    class: (u64, u64),
    /// Index of the rule's targeting in `beats` (`None`: not a targeting of the bundle).
    targeting: Option<usize>,
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
    /// `beats[a][b]`: targeting a overrides targeting b (transitively), by index.
    beats: Vec<Vec<bool>>,
    /// `overridden[b]`: some targeting overrides targeting b.
    overridden: Vec<bool>,
    /// The slots in the order of their attributes' names.
    by_name: Vec<usize>,
    domains: BTreeMap<&'b str, &'b Domain>,
    lineage: HashMap<&'b str, Vec<&'b str>>,
    /// The attributes the rules and band sets read, by slot: each with its domain, if the
    /// bundle declares it.
    slots: Vec<(&'b str, Option<&'b Domain>)>,
    /// The rules, in the bundle's order.
    rules: Vec<Prepared<'b>>,
    /// Each band set's attribute slot.
    band_slots: Vec<usize>,
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
        let targeting_index: HashMap<&str, usize> = bundle.rules.targeting.iter().enumerate().map(|(i, t)| (t.id.as_str(), i)).collect();
        let n = targeting_index.len();
        let mut beats = vec![vec![false; n]; n];
        for (a, b) in &wins {
            if let (Some(&i), Some(&j)) = (targeting_index.get(a), targeting_index.get(b)) {
                beats[i][j] = true;
            }
        }
        let mut slots = Slots { domains: &domains, index: HashMap::new(), slots: Vec::new() };
        let rules = bundle
            .rules
            .rules
            .iter()
            .map(|r| {
                let mut needed = BTreeSet::new();
                Self::attributes(&r.condition, &mut needed);
                Prepared {
                    condition: slots.compile(&r.condition),
                    needs: needed.into_iter().map(|a| (a, slots.slot(a))).collect(),
                    class: class_of(r, &services),
                    targeting: targeting_index.get(r.targeting.as_str()).copied(),
                }
            })
            .collect();
        let band_slots = bundle.bands.band_sets.iter().map(|set| slots.slot(&set.attribute)).collect();
        let slots = slots.slots;
        let overridden = (0..n).map(|b| beats.iter().any(|row| row[b])).collect();
        let mut by_name: Vec<usize> = (0..slots.len()).collect();
        by_name.sort_by_key(|&i| slots[i].0);
        Evaluator { bundle, beats, overridden, by_name, domains, lineage, slots, rules, band_slots }
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

    /// The attributes a condition reads.
    fn attributes<'c>(c: &'c Condition, out: &mut BTreeSet<&'c str>) {
        match c {
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| Self::attributes(c, out)),
            Condition::Not(c) => Self::attributes(c, out),
            Condition::Compare { attribute, .. }
            | Condition::OneOf { attribute, .. }
            | Condition::Between { attribute, .. }
            | Condition::Is { attribute } => {
                out.insert(attribute);
            }
        }
    }

    fn related(&self, a: &str, b: &str) -> bool {
        let la = self.lineage.get(a).map(|v| v.as_slice()).unwrap_or(&[]);
        let lb = self.lineage.get(b).map(|v| v.as_slice()).unwrap_or(&[]);
        a == b || la.contains(&b) || lb.contains(&a)
    }

    /// The offender's value of each slot, looked up by name once.
    fn slot_values<'o>(&self, o: &'o Offender) -> Vec<Slot<'o>> {
        let mut out = vec![Slot { value: None, position: None }; self.slots.len()];
        // The offender's attributes and the slots, both in name order, walked side by side:
        // one comparison of names a step instead of a search from the top for each slot.
        let mut given = o.iter().peekable();
        for &slot in &self.by_name {
            let (name, domain) = self.slots[slot];
            while given.next_if(|(k, _)| k.as_str() < name).is_some() {}
            let value = given.peek().filter(|(k, _)| k.as_str() == name).map(|(_, v)| *v);
            let position = match (domain, value) {
                (Some(Domain::Level { values } | Domain::Option { values }), Some(Value::Word(w))) => values.iter().position(|x| x == w),
                _ => None,
            };
            out[slot] = Slot { value, position };
        }
        out
    }

    /// The guidance for one offender.
    pub fn evaluate(&self, o: &Offender) -> Outcome<'b> {
        let values = self.slot_values(o);
        let bands = self
            .bundle
            .bands
            .band_sets
            .iter()
            .zip(&self.band_slots)
            .map(|(set, &slot)| {
                let band = match values[slot].value {
                    Some(Value::Number(n)) => set.bands.iter().find(|b| *n >= b.min && *n <= b.max),
                    _ => None,
                };
                BandResult {
                    band_set: &set.id,
                    attribute: &set.attribute,
                    band: band.map(|b| b.id.as_str()),
                    title: band.map(|b| &b.title),
                }
            })
            .collect();
        let mut decisions = Vec::with_capacity(self.rules.len());
        // The prepared rule of each decision.
        let mut of: Vec<&Prepared> = Vec::with_capacity(self.rules.len());
        let mut undetermined = Vec::new();
        for (r, p) in self.bundle.rules.rules.iter().zip(&self.rules) {
            match p.condition.holds(&values) {
                Some(true) => {
                    decisions.push(Decision {
                        rule: &r.id,
                        targeting: &r.targeting,
                        verb: &r.verb,
                        number: r.number,
                        service: r.service.as_deref(),
                        text: r.text.as_ref(),
                        label: r.label,
                        reason: r.reason.as_ref(),
                        source: &r.source,
                        superseded_by: None,
                        exceptions: Vec::new(),
                    });
                    of.push(p);
                }
                Some(false) => {}
                None => undetermined.push(Undetermined {
                    rule: &r.id,
                    verb: &r.verb,
                    label: r.label,
                    service: r.service.as_deref(),
                    missing: p.needs.iter().filter(|(_, slot)| values[*slot].value.is_none()).map(|(a, _)| *a).collect(),
                }),
            }
        }
        // Where guidance that wins decides the other way, the losing decision is kept but
        // marked, so a caseworker sees both and which prevails: superseded when the winner
        // covers all of it, an exception when it covers part.
        let n = decisions.len();
        let beats = |i: usize, j: usize| match (of[i].targeting, of[j].targeting) {
            (Some(a), Some(b)) => self.beats[a][b],
            _ => false,
        };
        for j in 0..n {
            // Most guidance is overridden by none: then no decision can win over this one.
            if !of[j].targeting.is_some_and(|b| self.overridden[b]) {
                continue;
            }
            for i in 0..n {
                // The override relation is the cheapest test and rules out most pairs.
                if !beats(i, j) {
                    continue;
                }
                let (a, b) = (&decisions[i], &decisions[j]);
                if a.verb == b.verb || a.verb == "note" || b.verb == "note" {
                    continue;
                }
                let (Some(sa), Some(sb)) = (a.service, b.service) else { continue };
                let (ca, cb) = (of[i].class, of[j].class);
                let overlap = ca.0.max(cb.0) <= ca.1.min(cb.1);
                if !(self.related(sa, sb) && overlap) {
                    continue;
                }
                let covers_service = sa == sb || self.lineage.get(sb).is_some_and(|l| l.contains(&sa));
                let covers_sessions = ca.0 <= cb.0 && ca.1 >= cb.1;
                let winner = a.rule;
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

/// Gives each attribute a slot and compiles conditions over the slots.
struct Slots<'b, 'd> {
    domains: &'d BTreeMap<&'b str, &'b Domain>,
    index: HashMap<&'b str, usize>,
    slots: Vec<(&'b str, Option<&'b Domain>)>,
}

impl<'b> Slots<'b, '_> {
    fn slot(&mut self, name: &'b str) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.slots.push((name, self.domains.get(name).copied()));
        self.index.insert(name, self.slots.len() - 1);
        self.slots.len() - 1
    }

    fn compile(&mut self, c: &'b Condition) -> Compiled<'b> {
        match c {
            Condition::All(cs) => Compiled::All(cs.iter().map(|c| self.compile(c)).collect()),
            Condition::Any(cs) => Compiled::Any(cs.iter().map(|c| self.compile(c)).collect()),
            Condition::Not(c) => Compiled::Not(Box::new(self.compile(c))),
            Condition::Compare { attribute, op, value } => {
                let slot = self.slot(attribute);
                match (self.slots[slot].1, value) {
                    (None, _) => Compiled::Undeclared,
                    (Some(Domain::Number { .. }), Value::Number(v)) => Compiled::Number { slot, op: *op, value: *v },
                    (Some(Domain::Level { values }), Value::Word(w)) => {
                        Compiled::Level { slot, op: *op, position: values.iter().position(|x| x == w) }
                    }
                    _ => Compiled::Same { slot, op: *op, value },
                }
            }
            Condition::OneOf { attribute, values } => {
                let slot = self.slot(attribute);
                // Positions when every value is one of the domain's (the checker sees to that);
                // a value outside it, in a bundle written by hand, is compared as a word.
                let positions = match self.slots[slot].1 {
                    Some(Domain::Level { values: domain } | Domain::Option { values: domain }) if domain.len() <= 128 => values
                        .iter()
                        .map(|v| match v {
                            Value::Word(w) => domain.iter().position(|x| x == w).map(|i| 1u128 << i),
                            _ => None,
                        })
                        .try_fold(0u128, |acc, bit| Some(acc | bit?)),
                    _ => None,
                };
                match positions {
                    Some(positions) => Compiled::OneOfPositions { slot, positions },
                    None => Compiled::OneOf { slot, values },
                }
            }
            Condition::Between { attribute, min, max } => Compiled::Between { slot: self.slot(attribute), min: *min, max: *max },
            Condition::Is { attribute } => Compiled::Is { slot: self.slot(attribute) },
        }
    }
}

impl Compiled<'_> {
    /// What [`Evaluator::holds`] says of the condition this was compiled from.
    fn holds(&self, values: &[Slot]) -> Option<bool> {
        use std::cmp::Ordering;
        // A value of another type than the comparison's is never equal to it.
        let other = |op: Op, v: &Value, value: &Value| Some(op.holds(if v == value { Ordering::Equal } else { Ordering::Less }));
        match self {
            Compiled::All(cs) => {
                let mut unknown = false;
                for c in cs {
                    match c.holds(values) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                (!unknown).then_some(true)
            }
            Compiled::Any(cs) => {
                let mut unknown = false;
                for c in cs {
                    match c.holds(values) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                (!unknown).then_some(false)
            }
            Compiled::Not(c) => c.holds(values).map(|b| !b),
            Compiled::Number { slot, op, value } => match values[*slot].value? {
                Value::Number(a) => Some(op.holds(a.cmp(value))),
                _ => Some(op.holds(Ordering::Less)),
            },
            Compiled::Level { slot, op, position } => match values[*slot].value? {
                Value::Word(_) => Some(op.holds(values[*slot].position?.cmp(&(*position)?))),
                _ => Some(op.holds(Ordering::Less)),
            },
            Compiled::Same { slot, op, value } => other(*op, values[*slot].value?, value),
            Compiled::Undeclared => None,
            Compiled::OneOfPositions { slot, positions } => {
                let s = values[*slot];
                s.value?;
                // A word outside the domain, or a value of another type, is none of them.
                Some(s.position.is_some_and(|i| positions & (1u128 << i) != 0))
            }
            Compiled::OneOf { slot, values: vs } => Some(vs.contains(values[*slot].value?)),
            Compiled::Between { slot, min, max } => match values[*slot].value? {
                Value::Number(n) => Some(n >= min && n <= max),
                _ => Some(false),
            },
            Compiled::Is { slot } => Some(matches!(values[*slot].value?, Value::Bool(true))),
        }
    }
}
