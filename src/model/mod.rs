//! Phase 4, the model: the checked policy as plain data, for the emitters.
//!
//! Built only from a project with no errors. References are resolved to ids that exist,
//! prose is parsed, targets are read, rules are flattened with typed conditions. Everything
//! keeps its source location, so documents and the bundle can cite the policy.

mod build;
mod decide;

pub use decide::Applied;

pub use build::{build, intention_label, verify, ModelError};

use crate::check::logic::{Cond, Domain, Domains};
pub use crate::source::SharedStr;
use crate::syntax::ast::{self, Nation, Setting};
use crate::syntax::prose::Prose;
use serde::Serialize;

/// Where something is declared: `intentions/annex-c/custody.intent`, line 12.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub file: String,
    pub line: usize,
}

/// A plain text in both languages. `cy` is `None` only where the Welsh is missing, which
/// `build` refuses; `check` can still build a model for inspection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bi {
    pub en: SharedStr,
    pub cy: Option<SharedStr>,
    /// Whether the Welsh was made from this English. Not published: `intentc diff` uses it.
    #[serde(skip)]
    pub welsh: Welsh,
}

/// Whether a text's Welsh was made from its current English (the checks' finding).
pub use crate::check::WelshState as Welsh;

impl Bi {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Cy => self.cy.as_deref().unwrap_or(&self.en),
        }
    }
}

/// A prose text in both languages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BiProse {
    pub en: Prose,
    pub cy: Option<Prose>,
    /// Whether the Welsh was made from this English. Not published: `intentc diff` uses it.
    #[serde(skip)]
    pub welsh: Welsh,
}

impl BiProse {
    pub fn get(&self, lang: Lang) -> &Prose {
        match lang {
            Lang::En => &self.en,
            Lang::Cy => self.cy.as_ref().unwrap_or(&self.en),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Cy,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Cy];
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Cy => "cy",
        }
    }
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Cy,
            Lang::Cy => Lang::En,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub id: String,
    pub title: Bi,
    pub commissioner: String,
    pub period: (ast::Date, ast::Date),
    pub signed: Option<Bi>,
    pub source: Source,
}

impl Serialize for ast::Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:04}-{:02}-{:02}", self.year, self.month, self.day))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub id: String,
    pub title: Bi,
    pub text: Option<BiProse>,
    pub annex: Option<String>,
    pub includes: Option<String>,
    pub children: Vec<Section>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Intention {
    pub id: String,
    /// As the document numbers it: `1`, `1(a)`.
    pub label: String,
    pub under: Option<String>,
    pub theme: Option<String>,
    pub setting: Option<Setting>,
    pub applies: Vec<Nation>,
    pub partners: Vec<String>,
    pub title: Bi,
    pub text: Option<BiProse>,
    pub summary: Option<BiProse>,
    pub expects: Option<BiProse>,
    pub measured_by: Vec<String>,
    pub unmeasured: Option<Bi>,
    pub targeting: Vec<String>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub id: String,
    pub title: Bi,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Partner {
    pub id: String,
    pub name: Bi,
    pub short: Option<Bi>,
    pub kind: String,
    pub applies: Vec<Nation>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub kind: String,
    pub scale: Option<(f64, f64)>,
    pub direction: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub id: String,
    pub setting: Setting,
    pub heading: String,
    pub outcomes: Bi,
    pub measure: Bi,
    pub target: Target,
    pub driver: Bi,
    pub sectors: Vec<ast::Sector>,
    pub applies: Vec<Nation>,
    pub part_of: Option<String>,
    /// The intentions this requirement measures (the reverse of `measured_by`).
    pub measures: Vec<String>,
    /// Why it measures no intention, if its author said.
    pub no_intention: Option<Bi>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub id: String,
    pub name: Bi,
    pub short: Option<Bi>,
    pub kind: String,
    pub within: Option<String>,
    pub sessions: Option<String>,
    /// Whole-number interval; `None` for the upper bound means "no limit".
    pub session_range: Option<(i64, Option<i64>)>,
    pub text: Option<BiProse>,
    /// The service and the classes it is within, itself first (`check::rules::lineage`).
    #[serde(skip)]
    pub lineage: Vec<String>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attribute {
    pub id: String,
    pub name: Bi,
    pub domain: Domain,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Band {
    pub id: String,
    pub min: i64,
    pub max: i64,
    pub title: Bi,
    pub text: Option<BiProse>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct BandSet {
    pub id: String,
    pub attribute: String,
    pub title: Bi,
    pub bands: Vec<Band>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub id: String,
    pub targeting: String,
    pub verb: String,
    pub number: Option<u32>,
    pub service: Option<String>,
    pub bands: Vec<String>,
    /// The scopes around the rule, outermost first (band ids joined by `-`, or `when` names).
    pub scopes: Vec<String>,
    pub condition: Cond,
    pub sessions: Option<(i64, Option<i64>)>,
    /// The session counts the rule is about: its class narrowed to its service's count
    /// (`check::rules::session_class`); `i64::MAX` for no upper bound.
    #[serde(skip)]
    pub class: (i64, i64),
    pub examples: Vec<String>,
    pub text: Option<BiProse>,
    /// Set when the decision is the publisher's reading of unlabelled guidance: the reason.
    /// `None`: the decision is the document's own label.
    pub derived: Option<Bi>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Targeting {
    pub id: String,
    pub under: Option<String>,
    pub part: Option<String>,
    pub title: Bi,
    pub text: Option<BiProse>,
    pub bands: Option<String>,
    pub overrides: Vec<String>,
    /// Every targeting this one wins over: `overrides`, followed transitively (the checker's).
    #[serde(skip)]
    pub supersedes: Vec<String>,
    pub scopes: Vec<ScopeText>,
    pub source: Source,
}

/// A scope's own text, shown above its rules (the band descriptions of vii).
#[derive(Debug, Clone, Serialize)]
pub struct ScopeText {
    pub name: String,
    pub text: BiProse,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetValue {
    pub requirement: String,
    pub value: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Establishment {
    pub id: String,
    pub name: Bi,
    pub setting: Setting,
    pub sector: ast::Sector,
    pub applies: Nation,
    pub text: Option<BiProse>,
    pub illustrative: bool,
    /// The requirements that apply to it (`check::targets::applies`), in declaration order.
    #[serde(skip)]
    pub requirements: Vec<String>,
    /// Targets for the requirements that apply, in the order of the requirements.
    pub targets: Vec<TargetValue>,
    pub targets_file: Option<String>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviousIntention {
    pub id: String,
    pub number: String,
    pub settings: Vec<Setting>,
    pub co_commissioned: bool,
    pub applies: Vec<Nation>,
    pub text: Bi,
    pub continued_by: Vec<String>,
    pub source: Source,
}

/// The whole checked policy.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    pub document: Document,
    pub sections: Vec<Section>,
    pub intentions: Vec<Intention>,
    pub themes: Vec<Named>,
    pub partners: Vec<Partner>,
    pub headings: Vec<Named>,
    pub requirements: Vec<Requirement>,
    pub services: Vec<Service>,
    pub attributes: Vec<Attribute>,
    pub bands: Vec<BandSet>,
    pub targeting: Vec<Targeting>,
    pub rules: Vec<Rule>,
    pub establishments: Vec<Establishment>,
    pub previous_intentions: Vec<PreviousIntention>,
    pub characteristics: Vec<Named>,
    #[serde(skip)]
    pub domains: Domains,
}

impl BandSet {
    /// The band an offender's score falls in.
    pub fn band_of(&self, value: i64) -> Option<&Band> {
        self.bands.iter().find(|b| value >= b.min && value <= b.max)
    }
}
