//! Phase 3, checks: the mistakes a policy author can make that the grammar cannot see.
//!
//! Each module looks at one family of mistakes (measures, targets, bands, targeting rules,
//! Welsh) and returns [`CheckError`]s: data carrying the ids, spans and values involved.
//! Nothing here stops at the first problem: every check runs, and the caller sorts what they
//! found by position.

mod bands;
pub mod logic;
pub mod markup;
pub mod measures;
pub mod rules;
pub mod targets;
mod termbase;
mod welsh;

pub use welsh::{WelshState, WelshStates};

use crate::diagnostics::{registry as codes, Diagnostic, Label, Report};
use crate::resolve::Symbols;
use crate::source::{Project, Span};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub enum CheckError {
    Unmeasured {
        intention: String,
        at: Span,
    },
    /// An intention with `measured_by` and `unmeasured`, or a requirement named in a
    /// `measured_by` that says it measures no intention.
    MeasuredAndNot {
        message: String,
        at: Span,
        field: &'static str,
        label: &'static str,
        link: Span,
        link_text: String,
    },
    /// A requirement that measures no intention and says not why, where nearly every other
    /// requirement of its setting is accounted for.
    RequirementMeasuresNothing {
        requirement: String,
        at: Span,
        setting: &'static str,
        accounted: usize,
        total: usize,
    },
    Placeholder {
        requirement: String,
        lang: &'static str,
        at: Span,
        problem: String,
        help: String,
    },
    MissingTarget {
        establishment: String,
        requirement: String,
        at: Span,
        requirement_at: Span,
    },
    UnexpectedTarget {
        establishment: String,
        requirement: String,
        at: Span,
        reason: String,
        help: String,
        related: Option<(Span, String)>,
    },
    SectorMismatch {
        establishment: String,
        requirement: String,
        at: Span,
        requirement_at: Span,
    },
    TargetOutOfRange {
        requirement: String,
        value: String,
        at: Span,
        expected: String,
        requirement_at: Span,
    },
    /// A target any value meets (`at_least 0`) or none can (`below 0`).
    VacuousTarget {
        requirement: String,
        value: String,
        direction: &'static str,
        always: bool,
        at: Span,
        requirement_at: Span,
    },
    MalformedTargets {
        at: Span,
        problem: String,
        help: String,
        /// Another place the problem involves (the first of a repeated key).
        related: Option<(Span, String)>,
    },
    TargetsNotFound {
        at: Span,
        path: String,
        suggestion: Option<String>,
    },
    BandOverlap {
        first: String,
        second: String,
        from: i64,
        to: i64,
        at: Span,
        other: Span,
    },
    BandGap {
        bands: String,
        from: i64,
        to: i64,
        at: Span,
        before: Option<(String, i64)>,
        after: Option<(String, i64)>,
    },
    BandOutsideDomain {
        band: String,
        at: Span,
        attribute: String,
        min: f64,
        max: f64,
    },
    BandNotWhole {
        band: String,
        at: Span,
        attribute: String,
    },
    BandEmpty {
        band: String,
        at: Span,
        from: f64,
        to: f64,
    },
    BandsNeedNumbers {
        bands: String,
        at: Span,
        attribute: String,
    },
    Conflict {
        invest: String,
        avoid: String,
        service: String,
        at: Span,
        other: Span,
        witness: String,
    },
    /// The conflict search stopped after `limit` conflicts.
    TooManyConflicts {
        at: Span,
        limit: usize,
    },
    ConditionType {
        attribute: String,
        at: Span,
        expected: String,
        found: String,
    },
    UnknownValue {
        attribute: String,
        at: Span,
        value: String,
        suggestion: Option<String>,
        values: Vec<String>,
    },
    Unreachable {
        rule: String,
        at: Span,
        why: String,
    },
    SessionMismatch {
        rule: String,
        at: Span,
        service: String,
        service_at: Span,
        service_sessions: String,
        rule_sessions: String,
    },
    NotWithin {
        rule: String,
        at: Span,
        example: String,
        service: String,
    },
    DuplicateRule {
        id: String,
        at: Span,
        first: Span,
    },
    MissingWelsh {
        at: Span,
        field: &'static str,
        decl: String,
        plain: bool,
    },
    StaleWelsh {
        at: Span,
        english: Span,
        field: &'static str,
        decl: String,
        recorded: String,
        current: String,
    },
    UnstampedWelsh {
        at: Span,
        field: &'static str,
        decl: String,
        digest: String,
    },
    LanguageMismatch {
        at: Span,
        english: Span,
        field: &'static str,
        decl: String,
        what: String,
    },
    Termbase {
        at: Span,
        english: Span,
        en: String,
        cy: String,
        term_at: Span,
    },
    Markup {
        at: Span,
        problem: String,
        help: String,
    },
    PartnerJurisdiction {
        intention: String,
        partner: String,
        at: Span,
        partner_at: Span,
        nation: &'static str,
    },
    SettingMismatch {
        intention: String,
        requirement: String,
        at: Span,
        requirement_at: Span,
        intention_setting: &'static str,
        requirement_setting: &'static str,
    },
}

impl Report for CheckError {
    fn report(&self) -> Diagnostic {
        use CheckError::*;
        match self {
            Unmeasured { intention, at } => Diagnostic::new(
                &codes::E0301,
                format!("intention {intention} is measured by no delivery requirement"),
                Label::new(*at, "no `measured_by` and no `unmeasured`"),
            )
            .with_help(
                "add `measured_by CU…` naming the requirements that measure it, or `unmeasured { en \"…\" cy \"…\" }` saying why none does",
            ),
            MeasuredAndNot { message, at, field, label, link, link_text } => Diagnostic::new(
                &codes::E0309,
                message.clone(),
                Label::new(*at, format!("`{field}` {label}")),
            )
            .with_label(*link, link_text.clone())
            .with_help(format!("keep the `measured_by` link and remove `{field}`, or remove the link if the reason is right")),
            RequirementMeasuresNothing { requirement, at, setting, accounted, total } => Diagnostic::new(
                &codes::W0310,
                format!(
                    "{requirement} measures no intention and does not say why, unlike {}",
                    match (total - 1, *accounted) {
                        (1, _) => format!("the other {setting} requirement"),
                        (others, a) if a == others => format!("every other {setting} requirement"),
                        (others, a) => format!("{a} of the other {others} {setting} requirements"),
                    }
                ),
                Label::new(*at, "named in no intention's `measured_by`"),
            )
            .with_help(format!(
                "add {requirement} to the `measured_by` of the intention it measures, or give `no_intention {{ en \"…\" cy \"…\" }}` saying why it measures none"
            )),
            Placeholder { requirement, lang, at, problem, help } => {
                Diagnostic::new(&codes::E0302, format!("the {lang} measure of {requirement} {problem}"), Label::new(*at, "this measure"))
                    .with_help(help.clone())
            }
            MissingTarget { establishment, requirement, at, requirement_at } => Diagnostic::new(
                &codes::E0303,
                format!("{establishment} has no target for {requirement}, which applies to it"),
                Label::new(*at, format!("no value for {requirement} in these targets")),
            )
            .with_label(*requirement_at, format!("{requirement} is declared here"))
            .with_help(format!("add `{requirement}: …` under `targets:` in the establishment's targets file")),
            UnexpectedTarget { establishment, requirement, at, reason, help, related } => {
                let d = Diagnostic::new(
                    &codes::E0304,
                    format!("{establishment} has a target for {requirement}, {reason}"),
                    Label::new(*at, "unexpected target"),
                )
                .with_help(help.clone());
                match related {
                    Some((s, m)) => d.with_label(*s, m.clone()),
                    None => d,
                }
            }
            SectorMismatch { establishment, requirement, at, requirement_at } => Diagnostic::new(
                &codes::E0803,
                format!("{requirement} applies to public sector prisons only, but {establishment} is privately managed"),
                Label::new(*at, "a public-sector-only target"),
            )
            .with_label(*requirement_at, format!("{requirement} is limited to `sector public` here"))
            .with_help(format!("remove {requirement} from this establishment's targets")),
            TargetOutOfRange { requirement, value, at, expected, requirement_at } => Diagnostic::new(
                &codes::E0305,
                format!("{value} is not a possible target for {requirement}: it takes {expected}"),
                Label::new(*at, format!("expected {expected}")),
            )
            .with_label(*requirement_at, format!("{requirement}'s target is declared here"))
            .with_help("correct the value, or the requirement's `target` if the measure allows it"),
            VacuousTarget { requirement, value, direction, always, at, requirement_at } => {
                let words = direction.replace('_', " ");
                Diagnostic::new(
                    &codes::W0308,
                    if *always {
                        format!("the target {value} for {requirement} asks for nothing: any result is {words} {value}")
                    } else {
                        format!("the target {value} for {requirement} can never be met: no result is {words} {value}")
                    },
                    Label::new(*at, if *always { "met whatever happens" } else { "never met" }),
                )
                .with_label(*requirement_at, format!("{requirement}'s target is `{direction}` here"))
                .with_help("give the figure the establishment is expected to reach (for a count of completions, 1 or more)")
            }
            MalformedTargets { at, problem, help, related } => {
                let d = Diagnostic::new(&codes::E0306, format!("this targets file is not valid: {problem}"), Label::new(*at, "here"))
                    .with_help(help.clone());
                match related {
                    Some((span, message)) => d.with_label(*span, message.clone()),
                    None => d,
                }
            }
            TargetsNotFound { at, path, suggestion } => {
                Diagnostic::new(&codes::E0307, format!("the targets file `{path}` is not in the project"), Label::new(*at, "named here"))
                    .with_help(match suggestion {
                        Some(s) => format!("did you mean `{s}`? (paths are relative to the .intent file that names them)"),
                        None => "the path is relative to the .intent file that names it; check the spelling and the folder".to_string(),
                    })
            }
            BandOverlap { first, second, from, to, at, other } => Diagnostic::new(
                &codes::E0401,
                if from == to {
                    format!("bands `{first}` and `{second}` both contain {from}")
                } else {
                    format!("bands `{first}` and `{second}` both contain {from} to {to}")
                },
                Label::new(*at, format!("`{second}` starts at {from}")),
            )
            .with_label(*other, format!("`{first}` runs to {to}"))
            .with_help(format!("make `{second}` start at {} (bounds are whole numbers and both ends are included)", to + 1)),
            BandGap { bands, from, to, at, before, after } => {
                let values = if from == to { format!("{from} is") } else { format!("the values {from} to {to} are") };
                let mut context = Vec::new();
                if let Some((b, v)) = before {
                    context.push(format!("{v} is in `{b}`"));
                }
                if let Some((b, v)) = after {
                    context.push(format!("{v} is in `{b}`"));
                }
                let context = if context.is_empty() { String::new() } else { format!(" ({})", context.join("; ")) };
                Diagnostic::new(
                    &codes::E0402,
                    format!("{values} in no band of `{bands}`{context}"),
                    Label::new(*at, format!("no band covers {from}..={to}")),
                )
                .with_help("extend a neighbouring band or add one; scores are whole numbers, so each band starts one after the last ends")
            }
            BandOutsideDomain { band, at, attribute, min, max } => Diagnostic::new(
                &codes::E0403,
                format!("band `{band}` reaches outside the values of {attribute}, which run from {min} to {max}"),
                Label::new(*at, "outside the attribute's values"),
            )
            .with_help(format!("keep the band within {min} ..= {max}")),
            BandNotWhole { band, at, attribute } => Diagnostic::new(
                &codes::E0403,
                format!("band `{band}` has a bound that is not a whole number, but {attribute} takes whole numbers"),
                Label::new(*at, "not a whole number"),
            )
            .with_help("write whole-number bounds: `0 ..= 24`, `25 ..= 49`"),
            BandEmpty { band, at, from, to } => Diagnostic::new(
                &codes::E0404,
                format!("band `{band}` runs from {from} down to {to}, so it holds nothing"),
                Label::new(*at, "reversed range"),
            )
            .with_help(format!("write the smaller bound first: `{to} ..= {from}`")),
            BandsNeedNumbers { bands, at, attribute } => Diagnostic::new(
                &codes::E0403,
                format!("`{bands}` bands {attribute}, which is not a number"),
                Label::new(*at, "not a numeric attribute"),
            )
            .with_help("bands divide a percent or number attribute; use conditions for levels and options"),
            Conflict { invest, avoid, service, at, other, witness } => Diagnostic::new(
                &codes::E0501,
                format!("rules {invest} and {avoid} both apply to {witness}: one invests in {service}, the other does not"),
                Label::new(*at, format!("{invest} invests")),
            )
            .with_label(*other, format!("{avoid} says do not invest"))
            .with_help("add `unless …` to one rule, or `overrides` to the guidance that should win"),
            TooManyConflicts { at, limit } => Diagnostic::new(
                &codes::E0501,
                format!("more invest and do-not-invest rules conflict than the {limit} reported: the search stopped here"),
                Label::new(*at, "the next conflict found"),
            )
            .with_help("so many conflicts usually have one cause, such as a missing `unless` or `overrides`: fix it and check again"),
            ConditionType { attribute, at, expected, found } => Diagnostic::new(
                &codes::E0502,
                format!("{attribute} is compared with {found}, but it takes {expected}"),
                Label::new(*at, format!("expected {expected}")),
            )
            .with_help(format!("compare {attribute} with {expected}")),
            UnknownValue { attribute, at, value, suggestion, values } => {
                Diagnostic::new(&codes::E0503, format!("{attribute} has no value `{value}`"), Label::new(*at, "unknown value")).with_help(
                    match suggestion {
                        Some(s) => format!("did you mean `{s}`? ({attribute} is one of {})", values.join(", ")),
                        None => format!("{attribute} is one of {}", values.join(", ")),
                    },
                )
            }
            Unreachable { rule, at, why } => {
                Diagnostic::new(&codes::W0504, format!("no offender can reach rule {rule}: {why}"), Label::new(*at, "unreachable rule"))
                    .with_help("correct the rule's conditions, or remove it")
            }
            SessionMismatch { rule, at, service, service_at, service_sessions, rule_sessions } => Diagnostic::new(
                &codes::E0505,
                format!("rule {rule} is about programmes of {rule_sessions} sessions, but {service} has {service_sessions} sessions"),
                Label::new(*at, format!("{rule_sessions} sessions")),
            )
            .with_label(*service_at, format!("{service}: {service_sessions} sessions"))
            .with_help("name a service that fits the session class, or correct the class"),
            NotWithin { rule, at, example, service } => Diagnostic::new(
                &codes::E0505,
                format!("rule {rule} gives {example} as an example, but {example} is not within {service}"),
                Label::new(*at, "not an example of the rule's service"),
            )
            .with_help(format!("give `within {service}` (or a class within it) to {example}, or choose another example")),
            DuplicateRule { id, at, first } => {
                Diagnostic::new(&codes::E0506, format!("two rules have the id {id}"), Label::new(*at, "this rule"))
                    .with_label(*first, "the first rule with that id")
                    .with_help("give each rule in a scope its own number")
            }
            MissingWelsh { at, field, decl, plain } => {
                Diagnostic::new(&codes::W0601, format!("the {field} of {decl} has no Welsh"), Label::new(*at, "English only")).with_help(
                    if *plain {
                        format!("write the {field} with both languages: `{field} {{ en \"…\" cy \"…\" }}`")
                    } else {
                        "add `cy \"…\"` beside the English; the Welsh edition needs every text".to_string()
                    },
                )
            }
            StaleWelsh { at, english, field, decl, recorded, current } => Diagnostic::new(
                &codes::W0602,
                format!("the English {field} of {decl} changed after the Welsh was translated (stamp {recorded}, English now {current})"),
                Label::new(*at, "translated from an older English"),
            )
            .with_label(*english, "the current English")
            .with_help("update the Welsh, then run `intentc welsh stamp` on the file to record the English it now matches"),
            UnstampedWelsh { at, field, decl, digest } => Diagnostic::new(
                &codes::W0603,
                format!("the Welsh {field} of {decl} does not record which English it was made from"),
                Label::new(*at, "no stamp"),
            )
            .with_help(format!("once the Welsh is checked, run `intentc welsh stamp` on the file (it writes `cy@{digest}`)")),
            LanguageMismatch { at, english, field, decl, what } => Diagnostic::new(
                &codes::E0604,
                format!("the {field} of {decl} differs between the languages: {what}"),
                Label::new(*at, "the Welsh"),
            )
            .with_label(*english, "the English")
            .with_help("numbers, dates and placeholders must be the same in both languages"),
            Termbase { at, english, en, cy, term_at } => Diagnostic::new(
                &codes::W0605,
                format!("the English uses the term \"{en}\", but the Welsh does not use \"{cy}\""),
                Label::new(*at, format!("expected \"{cy}\" (or a mutated form)")),
            )
            .with_label(*english, format!("\"{en}\" here"))
            .with_label(*term_at, "the termbase entry")
            .with_help(format!("use \"{cy}\" as the termbase says, or change the termbase entry if it is wrong")),
            Markup { at, problem, help } => {
                Diagnostic::new(&codes::E0111, problem.clone(), Label::new(*at, "here")).with_help(help.clone())
            }
            PartnerJurisdiction { intention, partner, at, partner_at, nation } => Diagnostic::new(
                &codes::E0801,
                format!("intention {intention} applies in {nation}, but {partner} does not work there"),
                Label::new(*at, format!("{partner} is not a partner in {nation}")),
            )
            .with_label(*partner_at, format!("the nations {partner} works in"))
            .with_help(if *nation == "Wales" {
                "in Wales, name the devolved body (often `welsh_government`), or limit the intention with `applies england`".to_string()
            } else {
                "name a partner that works in England, or limit the intention with `applies wales`".to_string()
            }),
            SettingMismatch { intention, requirement, at, requirement_at, intention_setting, requirement_setting } => Diagnostic::new(
                &codes::E0802,
                format!("{requirement} is a {requirement_setting} requirement, but intention {intention} is about {intention_setting}"),
                Label::new(*at, format!("a {requirement_setting} measure")),
            )
            .with_label(*requirement_at, format!("{requirement} is set in {requirement_setting} here"))
            .with_help(format!("measure a {intention_setting} intention with {intention_setting} requirements")),
        }
    }
}

/// What the checks built that the model needs, so it is not built twice.
#[derive(Debug, Clone, Default)]
pub struct Facts<'a> {
    /// The parsed markup of every prose text.
    pub prose: markup::ProseTexts,
    /// Whether each text's Welsh was made from its current English.
    pub welsh: WelshStates,
    /// Every targeting rule, flattened, with its typed condition; and which targetings win.
    pub rules: rules::RuleFacts<'a>,
    /// The targets files that were read, by establishment id.
    pub targets: BTreeMap<String, targets::Targets>,
}

/// What the checks found, and what they built.
#[derive(Debug, Clone, Default)]
pub struct Checked<'a> {
    pub errors: Vec<CheckError>,
    pub facts: Facts<'a>,
}

/// Runs every check.
pub fn check(project: &Project, symbols: &Symbols) -> Vec<CheckError> {
    check_all(project, symbols, Purpose::Diagnose).errors
}

/// What the checks are run for: what they keep for the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Documents will be written: keep every prose tree.
    Build,
    /// Only the diagnostics are wanted (`intentc check`): the prose trees, which only the
    /// documents need and which are most of a large project's memory, are read for their
    /// mistakes and dropped. The model is still built from the rest, so its refusals are
    /// reported the same.
    Diagnose,
}

/// Runs every check, and keeps what they built for the model.
///
/// The whole-project checks and the per-text ones run side by side (rayon); the errors come
/// out in the same order whatever ran where.
pub fn check_all<'a>(project: &Project, symbols: &Symbols<'a>, purpose: Purpose) -> Checked<'a> {
    let ((mut errors, (rules, targets)), (texts, prose, welsh)) = rayon::join(
        || project_checks(project, symbols),
        || {
            let mut errors = Vec::new();
            // The termbase's automata are built while the markup is read: on a small project
            // building them is much of the Welsh checks' time.
            let ((prose, markup_errors), termbase) = rayon::join(
                || {
                    let mut errors = Vec::new();
                    (markup::check(symbols, &|_| true, purpose, &mut errors), errors)
                },
                || termbase::Termbase::new(symbols),
            );
            errors.extend(markup_errors);
            let welsh = welsh::check(symbols, &termbase, &|_| true, &mut errors);
            (errors, prose, welsh)
        },
    );
    errors.extend(texts);
    Checked { errors, facts: Facts { prose, welsh, rules, targets } }
}

/// Every check but the per-text ones (markup and Welsh): [`check`] is this and
/// [`check_welsh`] of every declaration.
pub fn check_project(project: &Project, symbols: &Symbols) -> Vec<CheckError> {
    project_checks(project, symbols).0
}

type ProjectFacts<'a> = (rules::RuleFacts<'a>, BTreeMap<String, targets::Targets>);

fn project_checks<'a>(project: &Project, symbols: &Symbols<'a>) -> (Vec<CheckError>, ProjectFacts<'a>) {
    let mut errors = Vec::new();
    measures::check(symbols, &mut errors);
    let targets = targets::check(project, symbols, &mut errors);
    bands::check(symbols, &mut errors);
    let rules = rules::check(symbols, &mut errors);
    (errors, (rules, targets))
}

/// The per-text checks (markup and Welsh) of the declarations `only` accepts. They look at one
/// declaration at a time (with the termbase), and are most of the checks' time, so the
/// language server runs them only for the files that changed while the termbase is the same.
pub fn check_welsh(symbols: &Symbols, only: &(dyn Fn(&crate::syntax::ast::Declaration) -> bool + Sync)) -> Vec<CheckError> {
    let mut errors = Vec::new();
    markup::check(symbols, only, Purpose::Diagnose, &mut errors);
    welsh::check(symbols, &termbase::Termbase::new(symbols), only, &mut errors);
    errors
}
