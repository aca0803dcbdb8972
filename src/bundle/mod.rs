//! The JSON rule bundle, for the systems that consume the policy: its format (the types
//! below, from which the JSON Schemas are generated), a reader that checks the format
//! version, and the reference evaluator ("what does the guidance say for this offender?").
//!
//! This module is the consumer's side and stands alone: it reads only the bundle, never the
//! compiler's model, so another Rust system can use it as a library. docs/bundle.md
//! describes the format for consumers in other languages.

pub mod eval;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The bundle format's version. A consumer accepts any version with the same major number;
/// a change that could break a consumer bumps the major.
///
/// 2.0.0: every rule says whether its decision is the document's own label or the
/// publisher's reading (`label`, `reason`). A 1.x consumer would show a derived reading as
/// the document's decision, so this is a change of meaning, not an optional addition.
/// 2.1.0: a rule's `text` keeps the shape of its prose (paragraphs, list items on their own
/// lines) instead of being folded onto one line; the words are the same.
/// 2.2.0: a requirement may say why it measures no intention (`no_intention`).
pub const FORMAT_VERSION: &str = "2.2.0";
pub const FORMAT_MAJOR: u64 = 2;

/// The files of a bundle, in the order the manifest lists them.
pub const FILES: &[&str] = &[
    "attributes.json",
    "bands.json",
    "establishments.json",
    "intentions.json",
    "partners.json",
    "requirements.json",
    "rules.json",
    "services.json",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    pub cy: String,
}

/// Where an item is declared in the policy sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub file: String,
    pub line: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileDigest {
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// First day, `YYYY-MM-DD`.
    pub start: String,
    /// Last day, included.
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentInfo {
    pub id: String,
    pub title: Text,
    pub commissioner: String,
    /// The financial year the intentions are for. Publisher's addition: not in the 2014 document.
    pub period: Period,
}

/// A field whose values the publisher added: the 2014 document does not give them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Editorial {
    /// The bundle file, like `intentions.json`.
    pub file: String,
    /// The field of each item of that file (or `document.period` in the manifest).
    pub field: String,
}

/// Every field of the bundle that is a publisher's addition, not the 2014 document's text.
pub const EDITORIAL: &[(&str, &str)] = &[
    ("intentions.json", "measured_by"),
    ("intentions.json", "unmeasured"),
    ("manifest.json", "document.period"),
    ("partners.json", "applies"),
    ("requirements.json", "measures"),
    ("requirements.json", "no_intention"),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Compiler {
    pub name: String,
    pub version: String,
}

/// `manifest.json`: what the bundle is and the digest of everything it was made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Semantic version of the bundle format (see docs/bundle.md).
    pub format_version: String,
    pub document: DocumentInfo,
    pub compiler: Compiler,
    /// The git commit of the sources, when they were built from a git checkout.
    pub git_revision: Option<String>,
    /// Seconds since the epoch, only when SOURCE_DATE_EPOCH was set for the build.
    pub built_at: Option<u64>,
    /// SHA-256 of every source file, by path.
    pub sources: Vec<FileDigest>,
    /// SHA-256 of every other file of the bundle, by path relative to the bundle.
    pub files: Vec<FileDigest>,
    /// The fields whose values the publisher added (not the 2014 document's text). A rule's
    /// own `label` says whether its decision is the document's or the publisher's reading.
    pub editorial: Vec<Editorial>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Setting {
    Custody,
    Community,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Nation {
    England,
    Wales,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sector {
    Public,
    Private,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Intention {
    pub id: String,
    pub label: String,
    /// The overarching intention, for a specific one.
    pub under: Option<String>,
    pub theme: Option<String>,
    pub setting: Option<Setting>,
    pub applies: Vec<Nation>,
    pub partners: Vec<String>,
    pub title: Text,
    /// The requirements that measure it. Publisher's addition: not in the 2014 document.
    pub measured_by: Vec<String>,
    /// Why no requirement measures it. Publisher's addition: not in the 2014 document.
    pub unmeasured: Option<Text>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Intentions {
    pub intentions: Vec<Intention>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    pub id: String,
    pub name: Text,
    pub short: Option<Text>,
    pub kind: String,
    /// The nations the body works in. Publisher's addition: not in the 2014 document.
    pub applies: Vec<Nation>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Partners {
    pub partners: Vec<Partner>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// percent, count, rate, days, score, rating or fixed.
    pub kind: String,
    /// For ratings, the scale as `[min, max]`.
    pub scale: Option<[f64; 2]>,
    /// at_least, at_most, below or exactly; absent for fixed measures.
    pub direction: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub id: String,
    pub setting: Setting,
    pub heading: String,
    pub outcomes: Text,
    /// The measure, with `{target}` where the negotiated value goes.
    pub measure: Text,
    pub target: Target,
    pub driver: Text,
    pub sectors: Vec<Sector>,
    pub applies: Vec<Nation>,
    pub part_of: Option<String>,
    /// The intentions it measures (the reverse of `measured_by`). Publisher's addition: not in the 2014 document.
    pub measures: Vec<String>,
    /// Why it measures no intention, where its author said (added in 2.2.0). Publisher's addition: not in the 2014 document.
    pub no_intention: Option<Text>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Requirements {
    pub requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id: String,
    pub name: Text,
    pub short: Option<Text>,
    pub kind: String,
    /// The class of services it belongs to.
    pub within: Option<String>,
    /// Number of sessions as `[min, max]`; `max` is null when there is no upper limit.
    pub sessions: Option<(u64, Option<u64>)>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Services {
    pub services: Vec<Service>,
}

/// The values an attribute takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Domain {
    /// Whole numbers from `min` to `max`, both included.
    Number {
        min: i64,
        max: i64,
    },
    /// Ordered levels, lowest first.
    Level {
        values: Vec<String>,
    },
    Option {
        values: Vec<String>,
    },
    YesNo,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    pub id: String,
    pub name: Text,
    pub domain: Domain,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attributes {
    pub attributes: Vec<Attribute>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub id: String,
    pub min: i64,
    pub max: i64,
    pub title: Text,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BandSet {
    pub id: String,
    pub attribute: String,
    pub title: Text,
    /// Sorted by `min`; together they cover the attribute's values exactly once.
    pub bands: Vec<Band>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    pub band_sets: Vec<BandSet>,
}

/// A value of an attribute: a whole number, yes/no, or a level or option name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Value {
    Number(i64),
    Bool(bool),
    Word(String),
}

/// A condition on an offender, as structured data.
/// A comparison. Any other operator makes the bundle unreadable: a reader that took an
/// unknown operator as "does not hold" would silently drop the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Op {
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
}

impl Op {
    /// Whether `a op b` holds, given how `a` compares with `b`.
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Op::Eq => ord == Equal,
            Op::Ne => ord != Equal,
            Op::Lt => ord == Less,
            Op::Le => ord != Greater,
            Op::Gt => ord == Greater,
            Op::Ge => ord != Less,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// Every part holds (an empty list always holds).
    All(Vec<Condition>),
    /// At least one part holds.
    Any(Vec<Condition>),
    Not(Box<Condition>),
    /// `attribute op value`; `<`, `>` and the like follow a level attribute's order.
    Compare {
        attribute: String,
        op: Op,
        value: Value,
    },
    OneOf {
        attribute: String,
        values: Vec<Value>,
    },
    /// Whole numbers from `min` to `max`, both included.
    Between {
        attribute: String,
        min: i64,
        max: i64,
    },
    /// A yes/no attribute is yes.
    Is {
        attribute: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id: the targeting id, the scope names and the item number.
    pub id: String,
    pub targeting: String,
    /// invest, avoid or note.
    pub verb: String,
    pub number: Option<u32>,
    /// The service (or class of services) the rule is about.
    pub service: Option<String>,
    /// When the rule applies, with its scopes and bands folded in.
    pub condition: Condition,
    /// The session class the rule is about, as `[min, max]` (`max` null: no limit).
    pub sessions: Option<(u64, Option<u64>)>,
    pub examples: Vec<String>,
    pub text: Option<Text>,
    /// Whose decision the verb is: the document's own label, or the publisher's reading of
    /// guidance the document gives without one.
    pub label: Label,
    /// Why the publisher reads the guidance so; present exactly when `label` is `derived`.
    pub reason: Option<Text>,
    pub source: Source,
}

/// Whose decision a rule's verb is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// The 2014 document labels the guidance so (a `note` is the document's unlabelled
    /// guidance, given as it stands).
    Document,
    /// The document gives the guidance without an invest / do-not-invest label; the verb is
    /// the publisher's reading of it, and `reason` says why.
    Derived,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Targeting {
    pub id: String,
    /// The intention the guidance belongs to.
    pub under: Option<String>,
    pub part: Option<String>,
    pub title: Text,
    pub bands: Option<String>,
    /// Guidance this one wins over when both decide about one service.
    pub overrides: Vec<String>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub targeting: Vec<Targeting>,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetValue {
    pub requirement: String,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Establishment {
    pub id: String,
    pub name: Text,
    pub setting: Setting,
    pub sector: Sector,
    pub nation: Nation,
    /// True when the targets are illustrative values, not negotiated figures.
    pub illustrative: bool,
    pub targets: Vec<TargetValue>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Establishments {
    pub establishments: Vec<Establishment>,
}

/// The JSON Schema (draft 2020-12) of each bundle file, by file name.
pub fn schemas() -> BTreeMap<&'static str, serde_json::Value> {
    let mut m = BTreeMap::new();
    m.insert("manifest.json", serde_json::to_value(schemars::schema_for!(Manifest)).unwrap_or_default());
    m.insert("attributes.json", serde_json::to_value(schemars::schema_for!(Attributes)).unwrap_or_default());
    m.insert("bands.json", serde_json::to_value(schemars::schema_for!(Bands)).unwrap_or_default());
    m.insert("establishments.json", serde_json::to_value(schemars::schema_for!(Establishments)).unwrap_or_default());
    m.insert("intentions.json", serde_json::to_value(schemars::schema_for!(Intentions)).unwrap_or_default());
    m.insert("partners.json", serde_json::to_value(schemars::schema_for!(Partners)).unwrap_or_default());
    m.insert("requirements.json", serde_json::to_value(schemars::schema_for!(Requirements)).unwrap_or_default());
    m.insert("rules.json", serde_json::to_value(schemars::schema_for!(Rules)).unwrap_or_default());
    m.insert("services.json", serde_json::to_value(schemars::schema_for!(Services)).unwrap_or_default());
    m
}

/// A whole bundle, read from its files.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub manifest: Manifest,
    pub intentions: Intentions,
    pub partners: Partners,
    pub requirements: Requirements,
    pub services: Services,
    pub attributes: Attributes,
    pub bands: Bands,
    pub rules: Rules,
    pub establishments: Establishments,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReadError {
    Missing(String),
    Invalid {
        file: String,
        problem: String,
    },
    /// The bundle was written in a format this reader does not understand.
    Version {
        found: String,
        supported: String,
    },
    Digest {
        file: String,
    },
    /// A bundle file that manifest.json gives no digest for: nothing vouches for it.
    Unlisted {
        file: String,
    },
    /// Not a regular file (a FIFO, a device, a folder): refused rather than read.
    NotAFile {
        file: String,
    },
    TooLarge {
        file: String,
        limit: u64,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Missing(file) => write!(f, "the bundle has no {file}"),
            ReadError::Invalid { file, problem } => write!(f, "{file} is not a valid bundle file: {problem}"),
            ReadError::Version { found, supported } => {
                write!(
                    f,
                    "the bundle's format version is `{found}`; this reader understands {supported}.x (a release, like {supported}.0.0)"
                )
            }
            ReadError::Digest { file } => {
                write!(f, "{file} does not match the digest in manifest.json: the bundle was changed after it was built")
            }
            ReadError::Unlisted { file } => {
                write!(f, "manifest.json gives no digest for {file}, so nothing shows it is the file that was built")
            }
            ReadError::NotAFile { file } => write!(f, "{file} in the bundle is not a regular file"),
            ReadError::TooLarge { file, limit } => write!(f, "{file} is larger than {} MiB, more than any bundle file can be", limit >> 20),
        }
    }
}

impl ReadError {
    /// The diagnostic code: E0704 for a format version this reader does not read, E0705 for a
    /// bundle that is incomplete, changed or unreadable.
    pub fn code(&self) -> Option<&'static str> {
        Some(if matches!(self, ReadError::Version { .. }) { "E0704" } else { "E0705" })
    }

    /// One line of help.
    pub fn help(&self) -> &'static str {
        match self {
            ReadError::Version { .. } => "use an intentc that reads this format version, or rebuild the bundle",
            _ => "rebuild the bundle with `intentc build`, and copy the whole bundle folder",
        }
    }

    /// The file the problem is in.
    pub fn file(&self) -> &str {
        match self {
            ReadError::Missing(file) => file,
            ReadError::Version { .. } => "manifest.json",
            ReadError::Invalid { file, .. }
            | ReadError::Digest { file }
            | ReadError::Unlisted { file }
            | ReadError::NotAFile { file }
            | ReadError::TooLarge { file, .. } => file,
        }
    }
}

/// The largest bundle file the reader takes (the 2014 corpus's largest is under 1 MiB).
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// Whether a format version is one this reader reads: a release (no `-beta`) of
/// [`FORMAT_MAJOR`], written as semantic versioning requires (`1` and `01.0.0` are not).
fn readable(version: &str) -> bool {
    semver::Version::parse(version).is_ok_and(|v| v.major == FORMAT_MAJOR && v.pre.is_empty())
}

impl Bundle {
    /// Reads a bundle from its files' contents (`get` returns a file's bytes by name), checks
    /// the format version first, then that manifest.json lists every file with the digest of
    /// its bytes.
    pub fn read(get: impl Fn(&str) -> Option<Vec<u8>>) -> Result<Bundle, ReadError> {
        Bundle::read_with(|name| Ok(get(name)))
    }

    fn read_with(get: impl Fn(&str) -> Result<Option<Vec<u8>>, ReadError>) -> Result<Bundle, ReadError> {
        let raw = get("manifest.json")?.ok_or_else(|| ReadError::Missing("manifest.json".into()))?;
        // The version is read before anything else, so a future format fails with a clear
        // message and not with a confusing field error.
        let value: serde_json::Value =
            serde_json::from_slice(&raw).map_err(|e| ReadError::Invalid { file: "manifest.json".into(), problem: e.to_string() })?;
        let found = match value.get("format_version") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        if !readable(&found) {
            return Err(ReadError::Version { found, supported: FORMAT_MAJOR.to_string() });
        }
        let manifest: Manifest =
            serde_json::from_value(value).map_err(|e| ReadError::Invalid { file: "manifest.json".into(), problem: e.to_string() })?;
        let mut files: BTreeMap<&str, Vec<u8>> = BTreeMap::new();
        for name in FILES {
            // Every file read must be vouched for by the manifest: one missing from `files`
            // (or an empty `files`) would otherwise be taken on trust.
            let mut listed = manifest.files.iter().filter(|d| d.path == *name);
            let digest = listed.next().ok_or_else(|| ReadError::Unlisted { file: name.to_string() })?;
            if listed.next().is_some() {
                return Err(ReadError::Invalid { file: "manifest.json".into(), problem: format!("it lists {name} twice") });
            }
            let bytes = get(name)?.ok_or_else(|| ReadError::Missing(name.to_string()))?;
            if sha256_hex(&bytes) != digest.sha256 {
                return Err(ReadError::Digest { file: name.to_string() });
            }
            files.insert(name, bytes);
        }
        fn parse<T: serde::de::DeserializeOwned>(files: &BTreeMap<&str, Vec<u8>>, name: &str) -> Result<T, ReadError> {
            serde_json::from_slice(&files[name]).map_err(|e| ReadError::Invalid { file: name.to_string(), problem: e.to_string() })
        }
        Ok(Bundle {
            intentions: parse(&files, "intentions.json")?,
            partners: parse(&files, "partners.json")?,
            requirements: parse(&files, "requirements.json")?,
            services: parse(&files, "services.json")?,
            attributes: parse(&files, "attributes.json")?,
            bands: parse(&files, "bands.json")?,
            rules: parse(&files, "rules.json")?,
            establishments: parse(&files, "establishments.json")?,
            manifest,
        })
    }

    /// Reads a bundle from a folder. Only regular files are read, and none past
    /// [`MAX_FILE_BYTES`]: a FIFO or a device in the folder is refused, not read forever.
    pub fn read_dir(dir: &std::path::Path) -> Result<Bundle, ReadError> {
        Bundle::read_with(|name| read_regular(&dir.join(name), name))
    }
}

/// A regular file's bytes; `None` if it does not exist.
fn read_regular(path: &std::path::Path, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
    use std::io::Read;
    let invalid = |e: std::io::Error| ReadError::Invalid { file: name.to_string(), problem: e.to_string() };
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(invalid(e)),
        Ok(m) if !m.is_file() => return Err(ReadError::NotAFile { file: name.to_string() }),
        Ok(_) => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // Opening a FIFO waits for a writer; without blocking, a FIFO put in the file's place
    // since the check above opens at once and is refused below.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(invalid)?;
    if !file.metadata().map_err(invalid)?.is_file() {
        return Err(ReadError::NotAFile { file: name.to_string() });
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(invalid)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge { file: name.to_string(), limit: MAX_FILE_BYTES });
    }
    Ok(Some(bytes))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
