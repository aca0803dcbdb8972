//! The fields of each kind of declaration and what each field takes, for completion. The
//! field names come from the one table, `syntax/fields.rs`; this file adds only what a
//! field's value is (an id of some kind, one of some words), keyed by kind and name. The
//! tests below hold the annotations to the table, the table to the lowering, and the corpus
//! to the table.

use crate::resolve::Kind;
use crate::syntax::ast::{Direction, Generated, PartnerKind, ServiceKind, TargetKind};

/// What a field's value is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// Ids of this kind (one, or a list).
    Id(Kind),
    /// One of these words (or a list of them).
    Words(&'static [&'static str]),
    /// A kind of target, then a direction.
    Target,
    /// A text, a number, a range, a date: nothing to complete.
    Free,
}

const SETTINGS: &[&str] = &["custody", "community"];
const NATIONS: &[&str] = &["england", "wales"];
const SECTORS: &[&str] = &["public", "private"];
const YES_NO: &[&str] = &["yes", "no"];
pub const ATTRIBUTE_TYPES: &[&str] = &["percent", "number", "level", "option", "yes_no"];

fn names<T>(table: &'static [(&'static str, T)]) -> Vec<&'static str> {
    table.iter().map(|(n, _)| *n).collect()
}

pub fn partner_kinds() -> Vec<&'static str> {
    names(PartnerKind::ALL)
}
pub fn service_kinds() -> Vec<&'static str> {
    names(ServiceKind::ALL)
}
pub fn generated() -> Vec<&'static str> {
    names(Generated::ALL)
}
pub fn target_kinds() -> Vec<&'static str> {
    names(TargetKind::ALL)
}
pub fn directions() -> Vec<&'static str> {
    names(Direction::ALL)
}

/// What the fields with something to complete take, by kind and field name; every other
/// field of the table is [`Value::Free`].
const VALUES: &[(&str, &str, Value)] = {
    use Value::*;
    &[
        ("document", "commissioner", Id(Kind::Partner)),
        ("section", "under", Id(Kind::Section)),
        ("section", "includes", Words(&[])),
        ("intention", "under", Id(Kind::Intention)),
        ("intention", "theme", Id(Kind::Theme)),
        ("intention", "setting", Words(SETTINGS)),
        ("intention", "applies", Words(NATIONS)),
        ("intention", "partners", Id(Kind::Partner)),
        ("intention", "measured_by", Id(Kind::Requirement)),
        ("partner", "kind", Words(&[])),
        ("partner", "applies", Words(NATIONS)),
        ("requirement", "setting", Words(SETTINGS)),
        ("requirement", "heading", Id(Kind::Heading)),
        ("requirement", "target", Target),
        ("requirement", "sector", Words(SECTORS)),
        ("requirement", "applies", Words(NATIONS)),
        ("requirement", "part_of", Id(Kind::Requirement)),
        ("service", "kind", Words(&[])),
        ("service", "within", Id(Kind::Service)),
        ("attribute", "type", Words(ATTRIBUTE_TYPES)),
        ("bands", "attribute", Id(Kind::Attribute)),
        ("targeting", "under", Id(Kind::Intention)),
        ("targeting", "bands", Id(Kind::Bands)),
        ("targeting", "overrides", Id(Kind::Targeting)),
        ("establishment", "setting", Words(SETTINGS)),
        ("establishment", "sector", Words(SECTORS)),
        ("establishment", "applies", Words(NATIONS)),
        ("previous_intention", "setting", Words(SETTINGS)),
        ("previous_intention", "co_commissioned", Words(YES_NO)),
        ("previous_intention", "applies", Words(NATIONS)),
        ("previous_intention", "continued_by", Id(Kind::Intention)),
        ("rule", "examples", Id(Kind::Service)),
    ]
};

/// The fields of a declaration kind (or `band`, `rule`, `scope` inside one), in the order
/// the documentation gives them, with what each takes.
pub fn fields(kind: &str) -> Vec<(&'static str, Value)> {
    crate::syntax::fields::of(kind)
        .iter()
        .map(|&field| {
            let value = VALUES.iter().find(|(k, f, _)| *k == kind && *f == field).map_or(Value::Free, |(_, _, v)| *v);
            (field, value)
        })
        .collect()
}

/// The words a field takes, where the table is not a constant (kinds of partner and
/// service, generated contents).
pub fn words(kind: &str, field: &str, value: Value) -> Vec<&'static str> {
    match (kind, field, value) {
        ("partner", "kind", _) => partner_kinds(),
        ("service", "kind", _) => service_kinds(),
        ("section", "includes", _) => generated(),
        (_, _, Value::Words(w)) => w.to_vec(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Project;
    use crate::syntax::ast::{Body, TargetingItem, DECLARATION_KINDS};

    fn errors_of(text: &str) -> Vec<String> {
        let mut p = Project::new();
        let id = p.add_str("a.intent", text).unwrap();
        let (_, errors) = crate::syntax::parse_file(&p, id);
        use crate::diagnostics::Report;
        errors.iter().map(|e| e.report()).filter(|d| d.code.id == "E0105").map(|d| d.message).collect()
    }

    /// A complete declaration of each kind (so that no required field is missing and the
    /// lowering reads every field), with `FIELD` where the field under test goes.
    fn example(kind: &str) -> String {
        let t = r#"{ en "x" cy "y" }"#;
        match kind {
            "document" => format!("document d {{\n title {t}\n commissioner p\n period 2014-04-01 .. 2015-03-31\n FIELD\n}}"),
            "section" | "theme" | "heading" => format!("{kind} s {{\n title {t}\n FIELD\n}}"),
            "intention" => format!("intention 1 {{\n title {t}\n FIELD\n}}"),
            "characteristic" => format!("characteristic c {{\n name {t}\n FIELD\n}}"),
            "partner" => format!("partner p {{\n name {t}\n kind other\n applies england\n FIELD\n}}"),
            "requirement" => format!(
                "requirement r {{\n setting custody\n heading h\n outcomes {t}\n measure {t}\n target percent at_least\n driver {t}\n FIELD\n}}"
            ),
            "service" => format!("service s {{\n name {t}\n kind other\n FIELD\n}}"),
            "attribute" => format!("attribute a {{\n name {t}\n type yes_no\n FIELD\n}}"),
            "bands" => format!("bands b {{\n attribute a\n title {t}\n FIELD\n}}"),
            "band" => format!("bands b {{\n attribute a\n title {t}\n band x {{\n  range 0 ..= 1\n  title {t}\n  FIELD\n }}\n}}"),
            "targeting" => format!("targeting t {{\n title {t}\n FIELD\n}}"),
            "establishment" => {
                format!("establishment e {{\n name {t}\n setting custody\n sector public\n applies wales\n FIELD\n}}")
            }
            "previous_intention" => format!(
                "previous_intention p {{\n number \"1\"\n setting custody\n co_commissioned no\n applies wales\n text {t}\n FIELD\n}}"
            ),
            "term" => "term t {\n en \"a\"\n cy \"b\"\n FIELD\n}".to_string(),
            "rule" => format!("targeting t {{\n title {t}\n invest 1 s {{\n  FIELD\n }}\n}}"),
            "scope" => format!("targeting t {{\n title {t}\n when a {{\n  FIELD\n  invest 1 s\n }}\n}}"),
            _ => unreachable!("{kind}"),
        }
    }

    #[test]
    fn every_annotation_is_a_field_of_the_table() {
        for (kind, field, _) in VALUES {
            assert!(crate::syntax::fields::of(kind).contains(field), "{kind}.{field} is annotated but is not in syntax/fields.rs");
        }
    }

    #[test]
    fn every_field_in_the_table_is_read_by_the_lowering() {
        let mut kinds: Vec<&str> = DECLARATION_KINDS.to_vec();
        kinds.extend(["band", "rule", "scope"]);
        for kind in kinds {
            let table = fields(kind);
            assert!(!table.is_empty(), "{kind} has no fields in the table");
            // A field that does not exist is reported, so the test can fail.
            assert!(!errors_of(&example(kind).replace("FIELD", "zzz 1")).is_empty(), "{kind}: an unknown field is not reported");
            for (field, _) in table {
                if kind == "attribute" || (kind == "term" && matches!(field, "en" | "cy")) {
                    continue;
                }
                let text = example(kind).replace("FIELD", &format!("{field} 1"));
                let unknown: Vec<String> = errors_of(&text).into_iter().filter(|m| m.contains(&format!("no field `{field}`"))).collect();
                assert!(unknown.is_empty(), "{kind}.{field} is not a field the lowering reads: {unknown:?}");
            }
        }
        // An attribute's other fields depend on its type.
        for (ty, field) in [("number", "range 1 ..= 2"), ("level", "levels a, b"), ("option", "options a, b")] {
            let text = format!("attribute a {{\n name {{ en \"x\" cy \"y\" }}\n type {ty}\n {field}\n}}");
            assert!(errors_of(&text).is_empty(), "attribute of type {ty}: {:?}", errors_of(&text));
        }
    }

    #[test]
    fn every_field_the_corpus_uses_is_in_the_table() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("intentions");
        let project = crate::cli::load::project(&root).expect("the corpus");
        let (files, _) = crate::syntax::parse_project(&project);
        let mut seen = 0;
        for f in &files {
            for d in &f.ast.declarations {
                // Field names are the words that start a line of the declaration's own block.
                let text = project.text(d.span);
                let kind = d.kind.node.as_str();
                let known: Vec<&str> = fields(kind).iter().map(|(n, _)| *n).collect();
                for line in text.lines().skip(1) {
                    let word: String = line.trim_start().chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                    let indent = line.len() - line.trim_start().len();
                    if indent == 2
                        && !word.is_empty()
                        && !["band", "invest", "avoid", "note", "in", "when", "en", "cy"].contains(&word.as_str())
                    {
                        assert!(known.contains(&word.as_str()), "{kind} {} uses `{word}`, not in the table", d.id.name);
                        seen += 1;
                    }
                }
                if let Body::Targeting(t) = &d.body {
                    assert!(t.items.iter().all(|i| matches!(i, TargetingItem::Rule(_) | TargetingItem::Scope(_))));
                }
            }
        }
        assert!(seen > 500, "only {seen} fields seen: is the corpus indented by two spaces?");
    }
}
