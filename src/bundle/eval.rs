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

/// A test of one attribute, with level and option values resolved to their positions once,
/// when the evaluator is made. Given the attribute's value, it says exactly what
/// [`Evaluator::holds`] says of the comparison it was made from; an attribute not given
/// leaves every test of it unknown.
#[derive(Debug, Clone, PartialEq)]
enum Leaf<'b> {
    /// A number attribute compared with a number.
    Number {
        op: Op,
        value: i64,
    },
    /// A level attribute compared with a level (`None`: not one of its levels).
    Level {
        op: Op,
        position: Option<usize>,
    },
    /// An option attribute compared with one of its values: equal or not, by position.
    Position {
        op: Op,
        position: usize,
    },
    /// Any other comparison: equal or not.
    Same {
        op: Op,
        value: &'b Value,
    },
    /// An attribute the bundle does not declare, compared: never known.
    Undeclared,
    /// A level or option attribute tested against some of its values, as a set of their
    /// positions in the domain (bit i: the i-th value): one test instead of comparing words.
    OneOfPositions {
        positions: u128,
    },
    OneOf {
        values: &'b [Value],
    },
    Between {
        min: i64,
        max: i64,
    },
    Is,
}

// Kleene's three values as bytes, ordered false < unknown < true: "all" is then the least of
// its parts, "any" the greatest, and "not" the reverse (`TRUE - v`).
const FALSE: u8 = 0;
const UNKNOWN: u8 = 1;
const TRUE: u8 = 2;

fn tri(b: Option<bool>) -> u8 {
    match b {
        Some(true) => TRUE,
        Some(false) => FALSE,
        None => UNKNOWN,
    }
}

/// A compound condition over values computed before it (children: a range of
/// `Evaluator::children`, each the index of a value).
#[derive(Debug, Clone, Copy)]
enum Node {
    All(u32, u32),
    Any(u32, u32),
    Not(u32),
}

/// An attribute the rules or band sets read.
struct Slot<'b> {
    name: &'b str,
    /// Its domain, if the bundle declares it.
    domain: Option<&'b Domain>,
    /// Its tests: a range of `Evaluator::leaves`, and of the values.
    leaves: std::ops::Range<usize>,
}

/// A rule, ready to evaluate.
struct Prepared<'b> {
    /// The index of its condition's value.
    root: usize,
    /// The attributes the condition needs (sorted, distinct), with their slots.
    needs: Vec<(&'b str, usize)>,
    /// The rules (by index, in the bundle's order) of guidance that overrides this rule's
    /// and decides the other way about what it is about, each with whether it covers all of
    /// it (`true`: supersedes) or part (an exception). Only those that apply count.
    beaten_by: Vec<(usize, bool)>,
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
///
/// The rules' conditions are compiled into one program whose values are computed once per
/// offender: first every distinct test of an attribute (`leaves`, grouped by attribute), then
/// every distinct compound condition (`nodes`, each after its parts). A part several rules
/// share (`index_offence == sex or sexual_element`, an OGRS3 band) is computed once, and a
/// rule's outcome is one value read.
pub struct Evaluator<'b> {
    bundle: &'b Bundle,
    /// The slots in the order of their attributes' names.
    by_name: Vec<usize>,
    domains: BTreeMap<&'b str, &'b Domain>,
    slots: Vec<Slot<'b>>,
    leaves: Vec<Leaf<'b>>,
    nodes: Vec<Node>,
    children: Vec<u32>,
    /// The rules, in the bundle's order.
    rules: Vec<Prepared<'b>>,
    /// Each band set's attribute slot.
    band_slots: Vec<usize>,
}

impl<'b> Evaluator<'b> {
    pub fn new(bundle: &'b Bundle) -> Evaluator<'b> {
        let domains = bundle.attributes.attributes.iter().map(|a| (a.id.as_str(), &a.domain)).collect();
        let mut program = Program::new(&domains);
        let roots = bundle.rules.rules.iter().map(|r| program.compile(&r.condition)).collect();
        let band_slots = bundle.bands.band_sets.iter().map(|set| program.slot(&set.attribute)).collect();
        let needs: Vec<Vec<(&str, usize)>> = bundle
            .rules
            .rules
            .iter()
            .map(|r| {
                let mut needed = BTreeSet::new();
                Self::attributes(&r.condition, &mut needed);
                needed.into_iter().map(|a| (a, program.slot(a))).collect()
            })
            .collect();
        let Laid { slots, leaves, nodes, children, roots } = program.finish(roots);
        let rules = needs
            .into_iter()
            .zip(beaten_by(bundle))
            .zip(roots)
            .map(|((needs, beaten_by), root)| Prepared { root, needs, beaten_by })
            .collect();
        let mut by_name: Vec<usize> = (0..slots.len()).collect();
        by_name.sort_by_key(|&i| slots[i].name);
        Evaluator { bundle, by_name, domains, slots, leaves, nodes, children, rules, band_slots }
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

    /// Computes every value of the program for the offender (`values` starts all unknown)
    /// and each slot's value (`given`).
    fn run<'o>(&self, o: &'o Offender, values: &mut [u8], given: &mut [Option<&'o Value>]) {
        // The offender's attributes and the slots, both in name order, walked side by side.
        let mut rest = o.iter();
        let mut next = rest.next();
        for &s in &self.by_name {
            let slot = &self.slots[s];
            let value = loop {
                match next {
                    Some((k, v)) if k.as_str() == slot.name => {
                        next = rest.next();
                        break Some(v);
                    }
                    Some((k, _)) if k.as_str() < slot.name => next = rest.next(),
                    _ => break None,
                }
            };
            given[s] = value;
            // Not given: its tests stay unknown.
            let Some(v) = value else { continue };
            let position = match (slot.domain, v) {
                (Some(Domain::Level { values } | Domain::Option { values }), Value::Word(w)) => values.iter().position(|x| x == w),
                _ => None,
            };
            for (out, leaf) in values[slot.leaves.clone()].iter_mut().zip(&self.leaves[slot.leaves.clone()]) {
                *out = tri(leaf.holds(v, position));
            }
        }
        let base = self.leaves.len();
        for (k, node) in self.nodes.iter().enumerate() {
            let parts = |a: u32, b: u32| self.children[a as usize..b as usize].iter().map(|&c| values[c as usize]);
            let value = match *node {
                Node::All(a, b) => parts(a, b).fold(TRUE, u8::min),
                Node::Any(a, b) => parts(a, b).fold(FALSE, u8::max),
                Node::Not(c) => TRUE - values[c as usize],
            };
            values[base + k] = value;
        }
    }

    /// The guidance for one offender.
    pub fn evaluate(&self, o: &Offender) -> Outcome<'b> {
        // Scratch space on the stack for a bundle of the usual size, on the heap beyond.
        const VALUES: usize = 512;
        const SLOTS: usize = 64;
        let width = self.leaves.len() + self.nodes.len();
        let (mut small_values, mut small_given) = ([UNKNOWN; VALUES], [None; SLOTS]);
        let (mut large_values, mut large_given);
        let values: &mut [u8] = if width <= VALUES {
            &mut small_values[..width]
        } else {
            large_values = vec![UNKNOWN; width];
            &mut large_values
        };
        let given: &mut [Option<&Value>] = if self.slots.len() <= SLOTS {
            &mut small_given[..self.slots.len()]
        } else {
            large_given = vec![None; self.slots.len()];
            &mut large_given
        };
        self.run(o, values, given);
        let bands = self
            .bundle
            .bands
            .band_sets
            .iter()
            .zip(&self.band_slots)
            .map(|(set, &slot)| {
                let band = match given[slot] {
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
        let (mut applied, mut unknown) = (0, 0);
        for p in &self.rules {
            match values[p.root] {
                TRUE => applied += 1,
                UNKNOWN => unknown += 1,
                _ => {}
            }
        }
        let mut decisions = Vec::with_capacity(applied);
        let mut undetermined = Vec::with_capacity(unknown);
        let all = &self.bundle.rules.rules;
        for (r, p) in all.iter().zip(&self.rules) {
            match values[p.root] {
                TRUE => {
                    // Where guidance that wins decides the other way, the losing decision is
                    // kept but marked, so a caseworker sees both and which prevails: superseded
                    // when the winner covers all of it, an exception when it covers part.
                    let mut superseded_by = None;
                    let mut exceptions = Vec::new();
                    for &(i, covers) in &p.beaten_by {
                        if values[self.rules[i].root] != TRUE {
                            continue;
                        }
                        if !covers {
                            exceptions.push(all[i].id.as_str());
                        } else if superseded_by.is_none() {
                            superseded_by = Some(all[i].id.as_str());
                        }
                    }
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
                        superseded_by,
                        exceptions,
                    });
                }
                UNKNOWN => undetermined.push(Undetermined {
                    rule: &r.id,
                    verb: &r.verb,
                    label: r.label,
                    service: r.service.as_deref(),
                    missing: p.needs.iter().filter(|(_, slot)| given[*slot].is_none()).map(|(a, _)| *a).collect(),
                }),
                _ => {}
            }
        }
        Outcome { bands, decisions, undetermined }
    }
}

/// For each rule, in the bundle's order, the rules that can supersede it or make an exception
/// to it, with whether they cover all of it. Whether one rule wins over another depends only
/// on the two rules (their guidance, verbs, services and session classes), never on the
/// offender, so it is worked out once here; an offender only decides which rules apply.
fn beaten_by(bundle: &Bundle) -> Vec<Vec<(usize, bool)>> {
    let within: HashMap<&str, &str> = bundle.services.services.iter().filter_map(|s| Some((s.id.as_str(), s.within.as_deref()?))).collect();
    let lineage: HashMap<&str, Vec<&str>> = bundle
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
    let related = |a: &str, b: &str| {
        let la = lineage.get(a).map(|v| v.as_slice()).unwrap_or(&[]);
        let lb = lineage.get(b).map(|v| v.as_slice()).unwrap_or(&[]);
        a == b || la.contains(&b) || lb.contains(&a)
    };
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
    // `beats[a][b]`: targeting a overrides targeting b (transitively), by index.
    let mut beats = vec![vec![false; n]; n];
    for (a, b) in &wins {
        if let (Some(&i), Some(&j)) = (targeting_index.get(a), targeting_index.get(b)) {
            beats[i][j] = true;
        }
    }
    let rules = &bundle.rules.rules;
    let targeting: Vec<Option<usize>> = rules.iter().map(|r| targeting_index.get(r.targeting.as_str()).copied()).collect();
    let class: Vec<(u64, u64)> = rules.iter().map(|r| class_of(r, &services)).collect();
    let wins_over = |i: usize, j: usize| -> Option<bool> {
        // The override relation is the cheapest test and rules out most pairs.
        if !beats[targeting[i]?][targeting[j]?] {
            return None;
        }
        let (a, b) = (&rules[i], &rules[j]);
        if a.verb == b.verb || a.verb == "note" || b.verb == "note" {
            return None;
        }
        let (sa, sb) = (a.service.as_deref()?, b.service.as_deref()?);
        let (ca, cb) = (class[i], class[j]);
        let overlap = ca.0.max(cb.0) <= ca.1.min(cb.1);
        if !(related(sa, sb) && overlap) {
            return None;
        }
        let covers_service = sa == sb || lineage.get(sb).is_some_and(|l| l.contains(&sa));
        let covers_sessions = ca.0 <= cb.0 && ca.1 >= cb.1;
        Some(covers_service && covers_sessions)
    };
    (0..rules.len())
        .map(|j| {
            // Most guidance is overridden by none: then no rule can win over this one.
            if !targeting[j].is_some_and(|b| beats.iter().any(|row| row[b])) {
                return Vec::new();
            }
            (0..rules.len()).filter_map(|i| Some((i, wins_over(i, j)?))).collect()
        })
        .collect()
}

/// Builds the evaluator's program: gives each attribute a slot and compiles each condition to
/// the index of its value, each distinct test and compound condition once (`compile`); then
/// lays the tests out slot after slot, with the compound conditions after them (`finish`).
struct Program<'b, 'd> {
    domains: &'d BTreeMap<&'b str, &'b Domain>,
    index: HashMap<&'b str, usize>,
    slots: Vec<Slot<'b>>,
    /// The distinct tests in the order met, each with its slot; until `finish`, a test's
    /// index here stands for its value.
    tests: Vec<(usize, Leaf<'b>)>,
    /// Each slot's tests, by index in `tests`.
    by_slot: Vec<Vec<u32>>,
    nodes: Vec<Node>,
    children: Vec<u32>,
    /// Each compound condition's index, by its kind and its parts' indexes.
    shared: HashMap<(u8, Vec<u32>), u32>,
}

/// Until `finish`, a compound condition's index is its place in `nodes` with this bit set.
const COMPOUND: u32 = 1 << 31;

/// The program, laid out for `Evaluator::run`.
struct Laid<'b> {
    slots: Vec<Slot<'b>>,
    leaves: Vec<Leaf<'b>>,
    nodes: Vec<Node>,
    children: Vec<u32>,
    /// Each rule's condition's value index.
    roots: Vec<usize>,
}

impl<'b, 'd> Program<'b, 'd> {
    fn new(domains: &'d BTreeMap<&'b str, &'b Domain>) -> Self {
        Program {
            domains,
            index: HashMap::new(),
            slots: Vec::new(),
            tests: Vec::new(),
            by_slot: Vec::new(),
            nodes: Vec::new(),
            children: Vec::new(),
            shared: HashMap::new(),
        }
    }

    fn slot(&mut self, name: &'b str) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.slots.push(Slot { name, domain: self.domains.get(name).copied(), leaves: 0..0 });
        self.by_slot.push(Vec::new());
        self.index.insert(name, self.slots.len() - 1);
        self.slots.len() - 1
    }

    /// The index of a test of a slot, the same for the same test.
    fn test(&mut self, slot: usize, leaf: Leaf<'b>) -> u32 {
        if let Some(&i) = self.by_slot[slot].iter().find(|&&i| self.tests[i as usize].1 == leaf) {
            return i;
        }
        self.tests.push((slot, leaf));
        let i = (self.tests.len() - 1) as u32;
        self.by_slot[slot].push(i);
        i
    }

    /// The index of the condition's value (until `finish`).
    fn compile(&mut self, c: &'b Condition) -> u32 {
        let (kind, parts) = match c {
            Condition::All(cs) => (0, cs.iter().map(|c| self.compile(c)).collect()),
            Condition::Any(cs) => (1, cs.iter().map(|c| self.compile(c)).collect()),
            Condition::Not(c) => (2, vec![self.compile(c)]),
            Condition::Compare { attribute, op, value } => return self.compare(attribute, *op, value),
            Condition::OneOf { attribute, values } => return self.one_of(attribute, values),
            Condition::Between { attribute, min, max } => {
                let slot = self.slot(attribute);
                return self.test(slot, Leaf::Between { min: *min, max: *max });
            }
            Condition::Is { attribute } => {
                let slot = self.slot(attribute);
                return self.test(slot, Leaf::Is);
            }
        };
        let next = COMPOUND | self.nodes.len() as u32;
        *self.shared.entry((kind, parts)).or_insert_with_key(|(kind, parts)| {
            let (a, b) = (self.children.len() as u32, (self.children.len() + parts.len()) as u32);
            self.children.extend(parts);
            self.nodes.push(match kind {
                0 => Node::All(a, b),
                1 => Node::Any(a, b),
                _ => Node::Not(parts[0]),
            });
            next
        })
    }

    fn compare(&mut self, attribute: &'b str, op: Op, value: &'b Value) -> u32 {
        let slot = self.slot(attribute);
        let leaf = match (self.slots[slot].domain, value) {
            (None, _) => Leaf::Undeclared,
            (Some(Domain::Number { .. }), Value::Number(v)) => Leaf::Number { op, value: *v },
            (Some(Domain::Level { values }), Value::Word(w)) => Leaf::Level { op, position: values.iter().position(|x| x == w) },
            // An option's value is equal to the word exactly when its position is the word's
            // (the first, as the offender's is found); a word outside the domain is compared
            // as a word.
            (Some(Domain::Option { values }), Value::Word(w)) => match values.iter().position(|x| x == w) {
                Some(position) => Leaf::Position { op, position },
                None => Leaf::Same { op, value },
            },
            _ => Leaf::Same { op, value },
        };
        self.test(slot, leaf)
    }

    fn one_of(&mut self, attribute: &'b str, values: &'b [Value]) -> u32 {
        let slot = self.slot(attribute);
        // Positions when every value is one of the domain's (the checker sees to that); a
        // value outside it, in a bundle written by hand, is compared as a word.
        let positions = match self.slots[slot].domain {
            Some(Domain::Level { values: domain } | Domain::Option { values: domain }) if domain.len() <= 128 => values
                .iter()
                .map(|v| match v {
                    Value::Word(w) => domain.iter().position(|x| x == w).map(|i| 1u128 << i),
                    _ => None,
                })
                .try_fold(0u128, |acc, bit| Some(acc | bit?)),
            _ => None,
        };
        let leaf = match positions {
            Some(positions) => Leaf::OneOfPositions { positions },
            None => Leaf::OneOf { values },
        };
        self.test(slot, leaf)
    }

    /// Lays the tests out slot after slot, the compound conditions after them, and gives
    /// every index (parts and `roots`) its final place.
    fn finish(self, roots: Vec<u32>) -> Laid<'b> {
        let Program { mut slots, tests, by_slot, mut nodes, mut children, .. } = self;
        let mut place = vec![0u32; tests.len()];
        let mut order = Vec::with_capacity(tests.len());
        for (slot, ids) in slots.iter_mut().zip(&by_slot) {
            slot.leaves = order.len()..order.len() + ids.len();
            for &i in ids {
                place[i as usize] = order.len() as u32;
                order.push(i);
            }
        }
        let count = tests.len() as u32;
        let at = |i: u32| if i & COMPOUND != 0 { count + (i & !COMPOUND) } else { place[i as usize] };
        let mut tests: Vec<Option<Leaf>> = tests.into_iter().map(|(_, leaf)| Some(leaf)).collect();
        let leaves = order.iter().filter_map(|&i| tests[i as usize].take()).collect();
        children.iter_mut().for_each(|c| *c = at(*c));
        for node in &mut nodes {
            if let Node::Not(c) = node {
                *c = at(*c);
            }
        }
        let roots = roots.into_iter().map(|r| at(r) as usize).collect();
        Laid { slots, leaves, nodes, children, roots }
    }
}

impl Leaf<'_> {
    /// What [`Evaluator::holds`] says of the comparison this was made from, for an attribute
    /// given `v` (`position`: its position in a level or option domain, for a word).
    fn holds(&self, v: &Value, position: Option<usize>) -> Option<bool> {
        use std::cmp::Ordering;
        // A value of another type than the comparison's is never equal to it.
        let equal = |same: bool| if same { Ordering::Equal } else { Ordering::Less };
        match self {
            Leaf::Number { op, value } => match v {
                Value::Number(a) => Some(op.holds(a.cmp(value))),
                _ => Some(op.holds(Ordering::Less)),
            },
            Leaf::Level { op, position: p } => match v {
                Value::Word(_) => Some(op.holds(position?.cmp(&(*p)?))),
                _ => Some(op.holds(Ordering::Less)),
            },
            Leaf::Position { op, position: p } => Some(op.holds(equal(position == Some(*p)))),
            Leaf::Same { op, value } => Some(op.holds(equal(v == *value))),
            Leaf::Undeclared => None,
            // A word outside the domain, or a value of another type, is none of them.
            Leaf::OneOfPositions { positions } => Some(position.is_some_and(|i| positions & (1u128 << i) != 0)),
            Leaf::OneOf { values } => Some(values.contains(v)),
            Leaf::Between { min, max } => match v {
                Value::Number(n) => Some(n >= min && n <= max),
                _ => Some(false),
            },
            Leaf::Is => Some(matches!(v, Value::Bool(true))),
        }
    }
}
