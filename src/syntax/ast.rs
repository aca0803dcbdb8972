//! The syntax tree: what each declaration says, typed, with the span of every part.
//!
//! Nothing here is resolved yet: references are [`Ident`]s, and whether `under 1` names an
//! intention that exists is the resolver's business.

use crate::source::{SharedStr, Span, Spanned};
use crate::syntax::text;
use std::borrow::Cow;
use std::sync::Arc;

/// The declaration kinds, as written. The splitter uses this list to find where a new
/// declaration starts when an earlier one was left open.
pub const DECLARATION_KINDS: &[&str] = &[
    "document",
    "section",
    "intention",
    "theme",
    "partner",
    "heading",
    "requirement",
    "service",
    "attribute",
    "bands",
    "targeting",
    "establishment",
    "previous_intention",
    "characteristic",
    "term",
];

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// One language's text, as written.
///
/// The text is not copied out of the file: a `"…"` text without escapes is a slice of the
/// file, and a `"""` text is the file's lines, whose indentation [`LangText::value`] removes
/// when asked. (Copies of every text, kept for the whole run, were a fifth of `check`'s peak
/// memory on a large project.) Where the value is in the file follows from the literal's
/// span, and the language tag and stamp are read from the file too, so a text is 48 bytes:
/// a project holds tens of thousands of them, and every absent optional text takes a
/// [`Text`]'s room.
#[derive(Clone)]
pub struct LangText {
    /// The file's text, which `span` and the tag point into (`Project::add` refuses files too
    /// large for `u32` offsets).
    file: Arc<str>,
    /// A `"…"` text with escapes, unescaped once (rare). The `String` is boxed for a thin
    /// pointer: every text pays for this field, and a `String` or `Box<str>` here would make
    /// the text 56 bytes instead of 48.
    #[allow(clippy::box_collection)]
    escaped: Option<Box<String>>,
    /// The whole literal, quotes included.
    pub span: Span,
    /// The language tag with its stamp (`cy@5d1c0a9e`): `tag_start..tag_end` in the file;
    /// empty, at the literal's start, for a plain string.
    tag_start: u32,
    tag_end: u32,
    /// A `"""…"""` text: its value is the text without its common indentation.
    block: bool,
}

// A regression here multiplies across every text of a project (see the note above).
const _: () = assert!(std::mem::size_of::<LangText>() <= 48);
const _: () = assert!(std::mem::size_of::<Option<LangText>>() <= 48);

impl LangText {
    /// A `"…"` text without escapes (or one whose escape is wrong, reported, and left as
    /// written): `span` is the literal in `file`, quotes included.
    pub fn plain(file: &Arc<str>, span: Span) -> LangText {
        LangText::new(file, span, false, None)
    }

    /// A `"""…"""` text: `span` is the literal in `file`, quotes included.
    pub fn block(file: &Arc<str>, span: Span) -> LangText {
        LangText::new(file, span, true, None)
    }

    /// A `"…"` text with escapes, already unescaped.
    pub fn escaped(file: &Arc<str>, span: Span, value: String) -> LangText {
        LangText::new(file, span, false, Some(value))
    }

    fn new(file: &Arc<str>, span: Span, block: bool, escaped: Option<String>) -> LangText {
        // A plain string has no tag; `lower::bilingual` sets it.
        LangText { file: file.clone(), escaped: escaped.map(Box::new), span, tag_start: span.start, tag_end: span.start, block }
    }

    /// The language tag with its stamp (`cy@5d1c0a9e`); empty for a plain string.
    pub fn tag(&self) -> Span {
        Span::new(self.span.file, self.tag_start as usize, self.tag_end as usize)
    }

    /// Sets the language tag (`en`, `cy@5d1c0a9e`): `tag` is in the text's file.
    pub(crate) fn set_tag(&mut self, tag: Span) {
        self.tag_start = tag.start;
        self.tag_end = tag.end;
    }

    /// `cy@5d1c0a9e`: the digest of the English this Welsh was made from (`5d1c0a9e`), with
    /// the span of `@5d1c0a9e`. Any number of hex digits, as written: a wrong length is the
    /// syntax phase's to report.
    pub fn stamp(&self) -> Option<Spanned<&str>> {
        let tag = self.file.get(self.tag_start as usize..self.tag_end as usize)?;
        let at = tag.find('@')?;
        Some(Spanned::new(&tag[at + 1..], Span::new(self.span.file, self.tag_start as usize + at, self.tag_end as usize)))
    }

    /// Where the value is in the file, quotes removed (before escapes and indentation are).
    fn content(&self) -> std::ops::Range<usize> {
        let quotes = if self.block { 3 } else { 1 };
        let (start, end) = (self.span.start(), self.span.end());
        (start + quotes).min(end)..end.saturating_sub(quotes).max(start)
    }

    /// The text after escapes and (for `"""` texts) indentation are removed. A `"""` text is
    /// dedented on each call: bind the value when it is used more than once.
    pub fn value(&self) -> Cow<'_, str> {
        match &self.escaped {
            Some(value) => Cow::Borrowed(value.as_str()),
            None if self.block => Cow::Owned(text::dedented(&self.file[self.content()])),
            None => Cow::Borrowed(&self.file[self.content()]),
        }
    }

    /// [`LangText::value`], kept: a `"…"` text without escapes shares the file's text.
    pub fn shared_value(&self) -> SharedStr {
        match &self.escaped {
            Some(value) => SharedStr::from(value.as_str()),
            None if self.block => SharedStr::from(self.value().into_owned()),
            None => SharedStr::slice(&self.file, self.content()),
        }
    }

    /// A text with the same words as [`LangText::value`] (white space may differ: a `"""`
    /// text's indentation is still there), without copying. For the checks that fold white
    /// space anyway: the Welsh stamp's digest, the termbase, the numbers of the two languages.
    pub fn words(&self) -> &str {
        match &self.escaped {
            Some(value) => value,
            None => &self.file[self.content()],
        }
    }

    /// The file position of an offset in the value.
    pub fn source_offset(&self, offset: usize) -> usize {
        self.source_offsets(&[offset])[0]
    }

    /// [`LangText::source_offset`] of several offsets: a `"""` text's lines are mapped once.
    fn source_offsets<const N: usize>(&self, offsets: &[usize; N]) -> [usize; N] {
        let content = self.content();
        if self.escaped.is_some() {
            // Escapes make the value shorter than the text as written; offsets are counted
            // from the opening quote, near enough to point at the right words.
            return offsets.map(|o| self.span.start() + 1 + o);
        }
        if !self.block {
            return offsets.map(|o| content.start + o);
        }
        let (_, map) = text::dedent(&self.file[content.clone()], content.start);
        offsets.map(|offset| {
            let i = match map.binary_search_by_key(&offset, |(v, _)| *v) {
                Ok(i) => i,
                Err(i) => i.saturating_sub(1),
            };
            match map.get(i) {
                Some((v, s)) => s + (offset - v),
                None => self.span.start(),
            }
        })
    }

    pub fn span_of(&self, start: usize, end: usize) -> Span {
        let [a, b] = self.source_offsets(&[start, end]);
        Span::new(self.span.file, a, b.max(a))
    }
}

/// The value, not where it is kept: two texts that say the same thing are equal, however
/// they are indented in their files.
impl PartialEq for LangText {
    fn eq(&self, other: &LangText) -> bool {
        self.span == other.span && self.stamp() == other.stamp() && self.tag() == other.tag() && self.value() == other.value()
    }
}

impl std::fmt::Debug for LangText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LangText")
            .field("value", &self.value())
            .field("span", &self.span)
            .field("stamp", &self.stamp())
            .field("tag", &self.tag())
            .finish()
    }
}

/// A published text: English and Welsh side by side.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub en: Option<LangText>,
    pub cy: Option<LangText>,
    pub span: Span,
    /// Written as a plain string: the same in every language (an abbreviation, a path).
    pub neutral: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Setting {
    Custody,
    Community,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Nation {
    England,
    Wales,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sector {
    Public,
    Private,
}

/// Ordered by year, then month, then day (the order of the fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Declaration {
    pub kind: Spanned<String>,
    pub id: Ident,
    /// From the keyword to the closing `}`.
    pub span: Span,
    pub body: Body,
}

/// Each kind is boxed: kinds differ in size by a factor of ten (an intention holds six
/// bilingual texts) and a project holds thousands of declarations, so unboxed, every theme
/// and partner would take the room of an intention (about 2 KB; a third of `check`'s peak
/// memory on large projects).
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Document(Box<Document>),
    Section(Box<Section>),
    Intention(Box<Intention>),
    Theme(Box<Titled>),
    Partner(Box<Partner>),
    Heading(Box<Titled>),
    Requirement(Box<Requirement>),
    Service(Box<Service>),
    Attribute(Box<Attribute>),
    Bands(Box<Bands>),
    Targeting(Box<Targeting>),
    Establishment(Box<Establishment>),
    PreviousIntention(Box<PreviousIntention>),
    Characteristic(Box<Titled>),
    Term(Box<Term>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: Text,
    pub commissioner: Ident,
    pub period: Spanned<(Date, Date)>,
    pub signed: Option<Box<Text>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub under: Option<Ident>,
    pub annex: Option<Spanned<String>>,
    pub title: Text,
    pub text: Option<Box<Text>>,
    pub includes: Option<Spanned<Generated>>,
}

/// Content a section asks the compiler to generate from the declarations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Generated {
    OverarchingIntentions,
    SpecificIntentions,
    Characteristics,
    CommunityRequirements,
    CustodialRequirements,
    PreviousIntentions,
    Partners,
}

impl Generated {
    pub const ALL: &'static [(&'static str, Generated)] = &[
        ("overarching_intentions", Generated::OverarchingIntentions),
        ("specific_intentions", Generated::SpecificIntentions),
        ("characteristics", Generated::Characteristics),
        ("community_requirements", Generated::CommunityRequirements),
        ("custodial_requirements", Generated::CustodialRequirements),
        ("previous_intentions", Generated::PreviousIntentions),
        ("partners", Generated::Partners),
    ];
}

#[derive(Debug, Clone, PartialEq)]
pub struct Intention {
    pub under: Option<Ident>,
    pub theme: Option<Ident>,
    pub setting: Option<Spanned<Setting>>,
    pub applies: Option<Spanned<Vec<Nation>>>,
    pub partners: Vec<Ident>,
    pub title: Text,
    pub text: Option<Box<Text>>,
    pub summary: Option<Box<Text>>,
    pub expects: Option<Box<Text>>,
    pub measured_by: Vec<Ident>,
    /// The span of the `measured_by` field, when there is one.
    pub measured_by_span: Option<Span>,
    pub unmeasured: Option<Box<Text>>,
}

/// A declaration that is only a name: theme, heading, characteristic.
#[derive(Debug, Clone, PartialEq)]
pub struct Titled {
    pub title: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartnerKind {
    Commissioner,
    GovernmentDepartment,
    ExecutiveAgency,
    DevolvedGovernment,
    Legislature,
    HealthBody,
    LocalGovernment,
    Police,
    Court,
    Inspectorate,
    Provider,
    Voluntary,
    Other,
}

impl PartnerKind {
    pub const ALL: &'static [(&'static str, PartnerKind)] = &[
        ("commissioner", PartnerKind::Commissioner),
        ("government_department", PartnerKind::GovernmentDepartment),
        ("executive_agency", PartnerKind::ExecutiveAgency),
        ("devolved_government", PartnerKind::DevolvedGovernment),
        ("legislature", PartnerKind::Legislature),
        ("health_body", PartnerKind::HealthBody),
        ("local_government", PartnerKind::LocalGovernment),
        ("police", PartnerKind::Police),
        ("court", PartnerKind::Court),
        ("inspectorate", PartnerKind::Inspectorate),
        ("provider", PartnerKind::Provider),
        ("voluntary", PartnerKind::Voluntary),
        ("other", PartnerKind::Other),
    ];
}

#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    pub name: Text,
    pub short: Option<Box<Text>>,
    pub kind: Spanned<PartnerKind>,
    pub applies: Spanned<Vec<Nation>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetKind {
    Percent,
    Count,
    Rate,
    Days,
    Score,
    Rating,
    Fixed,
}

impl TargetKind {
    pub const ALL: &'static [(&'static str, TargetKind)] = &[
        ("percent", TargetKind::Percent),
        ("count", TargetKind::Count),
        ("rate", TargetKind::Rate),
        ("days", TargetKind::Days),
        ("score", TargetKind::Score),
        ("rating", TargetKind::Rating),
        ("fixed", TargetKind::Fixed),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, k)| *k == self).map(|(n, _)| *n).unwrap_or("?")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    AtLeast,
    AtMost,
    Below,
    Exactly,
}

impl Direction {
    pub const ALL: &'static [(&'static str, Direction)] =
        &[("at_least", Direction::AtLeast), ("at_most", Direction::AtMost), ("below", Direction::Below), ("exactly", Direction::Exactly)];
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetSpec {
    pub kind: TargetKind,
    /// For ratings: the scale.
    pub scale: Option<(f64, f64)>,
    pub direction: Option<Direction>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub setting: Spanned<Setting>,
    pub heading: Ident,
    pub outcomes: Text,
    pub measure: Text,
    pub target: TargetSpec,
    pub driver: Text,
    pub sector: Option<Spanned<Vec<Sector>>>,
    pub applies: Option<Spanned<Vec<Nation>>>,
    pub part_of: Option<Ident>,
    /// Why no intention lists it in `measured_by` (publisher's addition).
    pub no_intention: Option<Box<Text>>,
}

/// A number of sessions: exactly, within a range, or beyond a bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sessions {
    Exactly(f64),
    Range(f64, f64),
    Compare(CmpOp, f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceKind {
    AccreditedProgramme,
    Intervention,
    CaseManagement,
    RiskManagement,
    Treatment,
    AssessmentTool,
    Scheme,
    Partnership,
    System,
    Other,
}

impl ServiceKind {
    pub const ALL: &'static [(&'static str, ServiceKind)] = &[
        ("accredited_programme", ServiceKind::AccreditedProgramme),
        ("intervention", ServiceKind::Intervention),
        ("case_management", ServiceKind::CaseManagement),
        ("risk_management", ServiceKind::RiskManagement),
        ("treatment", ServiceKind::Treatment),
        ("assessment_tool", ServiceKind::AssessmentTool),
        ("scheme", ServiceKind::Scheme),
        ("partnership", ServiceKind::Partnership),
        ("system", ServiceKind::System),
        ("other", ServiceKind::Other),
    ];
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: Text,
    pub short: Option<Box<Text>>,
    pub kind: Spanned<ServiceKind>,
    pub within: Option<Ident>,
    pub sessions: Option<Spanned<Sessions>>,
    pub text: Option<Box<Text>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AttributeType {
    Percent,
    Number { min: f64, max: f64 },
    Level(Vec<Ident>),
    Option(Vec<Ident>),
    YesNo,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub name: Text,
    pub ty: Spanned<AttributeType>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub id: Ident,
    pub range: Spanned<(f64, f64)>,
    pub title: Text,
    pub text: Option<Box<Text>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bands {
    /// A band could not be read (its mistake is reported): coverage is not checked then.
    pub incomplete: bool,
    pub attribute: Ident,
    pub title: Text,
    pub bands: Vec<Band>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Number(f64),
    Word(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum TestOp {
    /// A yes/no attribute on its own: `clear_victim`.
    Flag,
    Compare(CmpOp, Spanned<Operand>),
    InSet(Vec<Spanned<Operand>>),
    InRange(Spanned<(f64, f64)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    pub attr: Ident,
    pub op: TestOp,
    pub span: Span,
}

/// A condition on an offender. `not` chains are folded by the parser, so the depth of this
/// tree is bounded by the bracket nesting limit.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Or(Vec<Condition>),
    And(Vec<Condition>),
    Not(Box<Condition>),
    Test(Test),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verb {
    Invest,
    Avoid,
    Note,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Invest => "invest",
            Verb::Avoid => "avoid",
            Verb::Note => "note",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub verb: Spanned<Verb>,
    pub number: Option<Spanned<u32>>,
    pub target: Option<Ident>,
    pub when: Option<Box<Spanned<Condition>>>,
    pub unless: Option<Box<Spanned<Condition>>>,
    pub sessions: Option<Spanned<Sessions>>,
    pub examples: Vec<Ident>,
    pub text: Option<Box<Text>>,
    /// `derived { en "…" cy "…" }`: the decision is the publisher's reading of unlabelled
    /// guidance, not the document's own label; the text says why it is read so.
    pub derived: Option<Box<Text>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScopeKind {
    Bands(Vec<Ident>),
    When { condition: Spanned<Condition>, name: Option<Ident> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    pub kind: ScopeKind,
    pub text: Option<Box<Text>>,
    pub items: Vec<TargetingItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TargetingItem {
    Rule(Rule),
    Scope(Scope),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Targeting {
    pub under: Option<Ident>,
    pub part: Option<Spanned<String>>,
    pub title: Text,
    pub text: Option<Box<Text>>,
    pub bands: Option<Ident>,
    pub overrides: Vec<Ident>,
    pub items: Vec<TargetingItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Establishment {
    pub name: Text,
    pub setting: Spanned<Setting>,
    pub sector: Spanned<Sector>,
    pub applies: Spanned<Nation>,
    pub targets: Option<Spanned<String>>,
    pub text: Option<Box<Text>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PreviousIntention {
    pub number: Spanned<String>,
    pub setting: Spanned<Vec<Setting>>,
    pub co_commissioned: Spanned<bool>,
    pub applies: Spanned<Vec<Nation>>,
    pub text: Text,
    pub continued_by: Vec<Ident>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub en: Vec<Spanned<String>>,
    pub cy: Vec<Spanned<String>>,
}

// The sizes a project holds thousands of (tens of thousands of texts): optional texts and
// conditions are boxed so an absent one costs a pointer. A regression here shows in `check`'s
// peak memory (BENCHMARKS.md), so it fails the build instead.
const _: () = assert!(std::mem::size_of::<Text>() <= 112);
const _: () = assert!(std::mem::size_of::<Option<Box<Text>>>() == 8);
const _: () = assert!(std::mem::size_of::<Intention>() <= 344);
const _: () = assert!(std::mem::size_of::<Service>() <= 224);
const _: () = assert!(std::mem::size_of::<Requirement>() <= 560);
const _: () = assert!(std::mem::size_of::<Rule>() <= 184);
const _: () = assert!(std::mem::size_of::<TargetingItem>() <= 208);

/// One parsed file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    pub declarations: Vec<Declaration>,
}

/// How a text is read: prose has markup; a plain text (titles, names, measures) is shown as
/// written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextRole {
    Plain,
    Prose,
}

impl Declaration {
    /// Every published text of the declaration, with its field name and role, in the order
    /// written. The Welsh checks and the termbase walk this.
    pub fn texts(&self) -> Vec<(&'static str, &Text, TextRole)> {
        use TextRole::*;
        type Out<'a> = Vec<(&'static str, &'a Text, TextRole)>;
        fn opt<'a>(name: &'static str, t: &'a Option<Box<Text>>, role: TextRole, out: &mut Out<'a>) {
            if let Some(t) = t {
                out.push((name, t, role));
            }
        }
        let mut out: Out = Vec::new();
        match &self.body {
            Body::Document(d) => {
                out.push(("title", &d.title, Plain));
                opt("signed", &d.signed, Plain, &mut out);
            }
            Body::Section(s) => {
                out.push(("title", &s.title, Plain));
                opt("text", &s.text, Prose, &mut out);
            }
            Body::Intention(i) => {
                out.push(("title", &i.title, Plain));
                opt("text", &i.text, Prose, &mut out);
                opt("summary", &i.summary, Prose, &mut out);
                opt("expects", &i.expects, Prose, &mut out);
                opt("unmeasured", &i.unmeasured, Plain, &mut out);
            }
            Body::Theme(t) | Body::Heading(t) => out.push(("title", &t.title, Plain)),
            Body::Characteristic(t) => out.push(("name", &t.title, Plain)),
            Body::Partner(p) => {
                out.push(("name", &p.name, Plain));
                opt("short", &p.short, Plain, &mut out);
            }
            Body::Requirement(r) => {
                out.push(("outcomes", &r.outcomes, Plain));
                out.push(("measure", &r.measure, Plain));
                out.push(("driver", &r.driver, Plain));
                opt("no_intention", &r.no_intention, Plain, &mut out);
            }
            Body::Service(s) => {
                out.push(("name", &s.name, Plain));
                opt("short", &s.short, Plain, &mut out);
                opt("text", &s.text, Prose, &mut out);
            }
            Body::Attribute(a) => out.push(("name", &a.name, Plain)),
            Body::Bands(b) => {
                out.push(("title", &b.title, Plain));
                for band in &b.bands {
                    out.push(("title", &band.title, Plain));
                    opt("text", &band.text, Prose, &mut out);
                }
            }
            Body::Targeting(t) => {
                out.push(("title", &t.title, Plain));
                opt("text", &t.text, Prose, &mut out);
                fn walk<'a>(items: &'a [TargetingItem], out: &mut Out<'a>) {
                    for i in items {
                        match i {
                            TargetingItem::Rule(r) => {
                                if let Some(t) = &r.text {
                                    out.push(("text", t, TextRole::Prose));
                                }
                                if let Some(t) = &r.derived {
                                    out.push(("derived", t, TextRole::Plain));
                                }
                            }
                            TargetingItem::Scope(s) => {
                                if let Some(t) = &s.text {
                                    out.push(("text", t, TextRole::Prose));
                                }
                                walk(&s.items, out);
                            }
                        }
                    }
                }
                walk(&t.items, &mut out);
            }
            Body::Establishment(e) => {
                out.push(("name", &e.name, Plain));
                opt("text", &e.text, Prose, &mut out);
            }
            Body::PreviousIntention(p) => out.push(("text", &p.text, Plain)),
            Body::Term(_) => {}
        }
        out
    }
}
