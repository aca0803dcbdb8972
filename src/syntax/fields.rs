//! The fields each kind of declaration has: the one list of field names.
//!
//! The lowering (`lower/`) reads values by these names and reports any other field as
//! unknown, with a "did you mean" from this list; the editor's completion (`lsp/schema.rs`)
//! offers these names. A new field is added here, once. A field in its kind's list is never
//! "unknown", whether or not the lowering got to read it (a declaration missing a required
//! field still has its other fields).

/// Each kind (and `band`, `rule`, `scope`, which stand inside a declaration) with its fields,
/// in the order docs/language.md gives them.
pub const FIELDS: &[(&str, &[&str])] = &[
    ("document", &["title", "commissioner", "period", "signed"]),
    ("section", &["under", "annex", "title", "text", "includes"]),
    (
        "intention",
        &["under", "theme", "setting", "applies", "partners", "title", "text", "summary", "expects", "measured_by", "unmeasured"],
    ),
    ("theme", &["title"]),
    ("heading", &["title"]),
    ("characteristic", &["name"]),
    ("partner", &["name", "short", "kind", "applies"]),
    ("requirement", &["setting", "heading", "outcomes", "measure", "target", "driver", "sector", "applies", "part_of", "no_intention"]),
    ("service", &["name", "short", "kind", "within", "sessions", "text"]),
    // `range`, `levels` and `options` each belong to one `type`; the lowering says so when
    // one is given with another type.
    ("attribute", &["name", "type", "range", "levels", "options"]),
    ("bands", &["attribute", "title"]),
    ("band", &["range", "title", "text"]),
    ("targeting", &["under", "part", "title", "text", "bands", "overrides"]),
    ("establishment", &["name", "setting", "sector", "applies", "targets", "text"]),
    ("previous_intention", &["number", "setting", "co_commissioned", "applies", "text", "continued_by"]),
    ("term", &["en", "cy"]),
    ("rule", &["sessions", "examples", "text", "derived"]),
    ("scope", &["text"]),
];

/// The fields of a kind; none for a kind the language does not have.
pub fn of(kind: &str) -> &'static [&'static str] {
    FIELDS.iter().find(|(k, _)| *k == kind).map_or(&[], |(_, f)| f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::DECLARATION_KINDS;

    #[test]
    fn every_kind_has_its_fields_once() {
        let kinds: Vec<&str> = FIELDS.iter().map(|(k, _)| *k).collect();
        let mut expected: Vec<&str> = DECLARATION_KINDS.to_vec();
        expected.extend(["band", "rule", "scope"]);
        let (mut a, mut b) = (kinds.clone(), expected);
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b, "one entry per kind");
        for (kind, fields) in FIELDS {
            let mut sorted = fields.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), fields.len(), "{kind} lists a field twice");
        }
    }

    /// Messages of one code for a text parsed as one file.
    fn messages(text: &str, code: &str) -> Vec<String> {
        use crate::diagnostics::Report;
        let mut p = crate::source::Project::new();
        let id = p.add_str("a.intent", text).unwrap();
        let (_, errors) = crate::syntax::parse_file(&p, id);
        errors.iter().map(|e| e.report()).filter(|d| d.code.id == code).map(|d| d.message).collect()
    }

    /// `kind`'s block holding `body`, inside what it stands in.
    fn wrap(kind: &str, body: &str) -> String {
        match kind {
            "band" => format!("bands b {{\n attribute a\n title \"t\"\n band x {{\n{body}\n }}\n}}"),
            "rule" => format!("targeting t {{\n title \"t\"\n invest 1 s {{\n{body}\n }}\n}}"),
            "scope" => format!("targeting t {{\n title \"t\"\n when a {{\n{body}\n  invest 1 s\n }}\n}}"),
            _ => format!("{kind} x {{\n{body}\n}}"),
        }
    }

    /// However broken a declaration is (here every field has the value `1`, which most do not
    /// take, so required fields fail), none of its kind's fields is reported as unknown, and
    /// every one is read (`Fields::finish` asserts that in a debug build).
    #[test]
    fn a_field_of_the_kind_is_never_unknown() {
        for (kind, fields) in FIELDS {
            for skip in 0..=fields.len() {
                // All the fields, then all but one: a missing required field must not make
                // the others unknown.
                let body: String = fields.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, f)| format!("  {f} 1\n")).collect();
                let unknown = messages(&wrap(kind, &body), "E0105");
                assert!(unknown.is_empty(), "{kind} without its field {skip}: {unknown:?}");
            }
            // And a field that is not in the table is reported, so the test can fail.
            let unknown = messages(&wrap(kind, &format!("  zzz 1\n  {} 1", fields[0])), "E0105");
            assert_eq!(unknown.len(), 1, "{kind}: {unknown:?}");
        }
    }
}
