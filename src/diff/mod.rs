//! `intentc diff`: what changed between two versions of a policy, as a reviewer asks it.
//!
//! Two checked models are compared, never their files, so moving a declaration to another
//! file, re-flowing a text or renumbering lines is no change. Two kinds of answer:
//!
//! - [`entities`]: declarations added, removed or changed, field by field (intentions,
//!   requirements, SLA targets, partners, services, attributes, bands, targeting, rules,
//!   texts), and for a changed English text whether its Welsh is now stale;
//! - [`decisions`]: for each service, the regions of offender space whose invest / do not
//!   invest decisions change, each with a witness offender. They are computed from the
//!   conditions, exactly: see that module.
//!
//! [`render`] prints the result for people (plain text, Markdown for a pull request); the
//! JSON form is this module's types, serialized (docs/diff.md documents it).
//! Like every phase, nothing here reads a file or prints: the CLI does (src/cli/diff.rs).

pub mod decisions;
pub mod entities;
pub mod render;

use crate::check::logic::Val;
use crate::model::Policy;
use serde::Serialize;
use std::collections::BTreeMap;

/// The version of the JSON form. Fields may be added within a version; a field that changes
/// meaning or goes away makes a new version.
pub const FORMAT_VERSION: u32 = 1;

/// Everything that differs between two versions.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub format_version: u32,
    /// What the versions are, as the user named them (a folder, or `REV:path`).
    pub old: String,
    pub new: String,
    pub summary: Summary,
    /// Declarations added, removed or changed, by kind (in [`Kind::ORDER`]), then in source order.
    pub changes: Vec<Change>,
    /// Services whose decisions change for some offenders.
    pub decisions: Vec<ServiceDecisions>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    /// Services with a change of decision, and the regions of offender space in all.
    pub services: usize,
    pub regions: usize,
    /// Services whose rules changed but had too many combinations to work out (see
    /// [`ServiceDecisions::unknown`]).
    pub unknown: usize,
}

/// The kinds of declaration compared, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Document,
    Intention,
    Requirement,
    Establishment,
    Partner,
    Service,
    Attribute,
    Bands,
    Targeting,
    Rule,
    Section,
    Theme,
    Heading,
    Characteristic,
    PreviousIntention,
}

impl Kind {
    pub const ORDER: [Kind; 15] = [
        Kind::Document,
        Kind::Intention,
        Kind::Requirement,
        Kind::Establishment,
        Kind::Partner,
        Kind::Service,
        Kind::Attribute,
        Kind::Bands,
        Kind::Targeting,
        Kind::Rule,
        Kind::Section,
        Kind::Theme,
        Kind::Heading,
        Kind::Characteristic,
        Kind::PreviousIntention,
    ];

    /// The heading of its part of the report.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Document => "Document",
            Kind::Intention => "Intentions",
            Kind::Requirement => "Requirements",
            Kind::Establishment => "Establishments and SLA targets",
            Kind::Partner => "Partners",
            Kind::Service => "Services",
            Kind::Attribute => "Attributes",
            Kind::Bands => "Bands",
            Kind::Targeting => "Targeting",
            Kind::Rule => "Targeting rules",
            Kind::Section => "Sections",
            Kind::Theme => "Themes",
            Kind::Heading => "Requirement headings",
            Kind::Characteristic => "Characteristics",
            Kind::PreviousIntention => "2013-14 intentions",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One declaration added, removed or changed.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub kind: Kind,
    pub id: String,
    pub change: ChangeKind,
    /// Its English title or name (the new one, unless it was removed), if it has one.
    pub title: Option<String>,
    /// What changed, field by field; empty for an added or removed declaration.
    pub fields: Vec<FieldChange>,
}

/// One field of a changed declaration.
#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    /// `title`, `measured_by`, `band medium`, `target CU016`, …
    pub field: String,
    #[serde(flatten)]
    pub what: What,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum What {
    /// A single value; `None` where the field is absent.
    Value { before: Option<String>, now: Option<String> },
    /// A list: the items that came and went (order is not compared).
    List { added: Vec<String>, removed: Vec<String> },
    /// A text in both languages. `en` / `cy` are set when that language changed.
    Text { en: Option<Pair>, cy: Option<Pair>, welsh: WelshChange },
}

/// A text before and now; `None` where there was none.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    pub before: Option<String>,
    pub now: Option<String>,
}

/// The Welsh of a changed text, in the new version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WelshChange {
    /// The English changed and the Welsh was translated again.
    Updated,
    /// The English changed; the Welsh did not, and is stamped as made from the new English.
    Confirmed,
    /// The English changed and the Welsh still records the old English (W0602).
    Stale,
    /// The Welsh records no English (W0603).
    Unstamped,
    /// There is no Welsh (W0601).
    Missing,
    /// Only the Welsh changed.
    Revised,
    /// The text was removed.
    Removed,
}

/// A service whose decisions change for some offenders.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceDecisions {
    pub service: String,
    /// Its English name (the new one, if it has one).
    pub name: String,
    /// Where decisions change, exactly; empty when `unknown` is set.
    pub regions: Vec<Region>,
    /// Set when the rules about the service changed but the offenders they distinguish were
    /// too many to enumerate: the reason. The rule changes are still listed.
    pub unknown: Option<String>,
}

/// A region of offender space: a value range or set for each attribute that matters, the
/// rest any value. Every offender in it gets `before` from the old version and `now` from
/// the new one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Region {
    /// The attributes that are narrowed; an attribute not listed may take any value.
    pub offenders: Vec<Constraint>,
    /// One offender in the region, with a value for every attribute the rules test.
    pub witness: BTreeMap<String, Val>,
    pub before: Verdict,
    pub now: Verdict,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Constraint {
    /// Whole numbers from `min` to `max`, both included.
    Range { attribute: String, min: i64, max: i64 },
    /// One of these values. `except` lists the values that are not, when they are fewer
    /// (a reader takes "other than theft" in more easily); otherwise it is empty and absent.
    Values {
        attribute: String,
        values: Vec<Val>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        except: Vec<Val>,
    },
}

impl Constraint {
    pub fn attribute(&self) -> &str {
        match self {
            Constraint::Range { attribute, .. } | Constraint::Values { attribute, .. } => attribute,
        }
    }
}

/// What one version decides about a service for the offenders of a region.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Verdict {
    /// Decisions about the service itself, not superseded.
    pub decisions: Vec<Decision>,
    /// When there are none: the decisions about the classes it is within that apply.
    pub inherited: Vec<Decision>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Decision {
    /// `invest` or `avoid` (do not invest).
    pub verb: String,
    pub service: String,
    /// The session class the rule is about, if it names one.
    pub sessions: Option<Sessions>,
    pub rule: String,
}

/// A session class: from `min` to `max` sessions, both included (`max` absent: no limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Sessions {
    pub min: i64,
    pub max: Option<i64>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.decisions.is_empty()
    }
}

/// Compares two checked versions of a policy.
pub fn diff(old: &Policy, new: &Policy, old_label: &str, new_label: &str) -> Diff {
    diff_within(old, new, old_label, new_label, crate::check::logic::MAX_COMBINATIONS)
}

/// [`diff`], giving up on a service's regions past `max_groups` groups of offenders.
pub fn diff_within(old: &Policy, new: &Policy, old_label: &str, new_label: &str, max_groups: usize) -> Diff {
    let changes = entities::changes(old, new);
    let decisions = decisions::decisions(old, new, max_groups);
    let count = |k: ChangeKind| changes.iter().filter(|c| c.change == k).count();
    let summary = Summary {
        added: count(ChangeKind::Added),
        removed: count(ChangeKind::Removed),
        changed: count(ChangeKind::Changed),
        services: decisions.iter().filter(|d| !d.regions.is_empty()).count(),
        regions: decisions.iter().map(|d| d.regions.len()).sum(),
        unknown: decisions.iter().filter(|d| d.unknown.is_some()).count(),
    };
    Diff { format_version: FORMAT_VERSION, old: old_label.to_string(), new: new_label.to_string(), summary, changes, decisions }
}
