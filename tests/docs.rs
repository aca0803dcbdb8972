//! The documentation that is derived from the code stays equal to it.

#[test]
fn the_code_index_matches_the_registry() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/codes.md");
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = intentc::diagnostics::registry::markdown_index();
    if written != generated && std::env::var_os("INTENTC_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    assert_eq!(written, generated, "docs/codes.md is out of date: rerun with INTENTC_UPDATE_DOCS=1");
}

#[test]
fn the_language_page_has_a_section_for_every_declaration_kind() {
    let page = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/language.md")).unwrap();
    // Section headings such as `### theme, heading, characteristic`, split into the kinds they name.
    let headed: Vec<&str> = page.lines().filter_map(|l| l.strip_prefix("### ")).flat_map(|h| h.split(',').map(str::trim)).collect();
    for kind in intentc::syntax::ast::DECLARATION_KINDS {
        assert!(headed.contains(kind), "docs/language.md has no `### {kind}` section");
    }
}
