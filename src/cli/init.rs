//! `intentc init DIR`: a small bilingual starter project that checks clean with `--strict`.
//! The files are in `src/cli/starter/`, compiled in, so an installed `intentc` needs nothing
//! beside it. A test checks that they check clean and that their Welsh stamps are current.

use super::{OK, USAGE};
use std::io::Write;
use std::path::Path;

/// The starter project: (path inside DIR, contents). One of each thing a policy has: a
/// document, a partner, an overarching and a specific intention, a requirement, an
/// establishment with its targets file, a termbase entry; the Welsh stamped.
pub const STARTER: &[(&str, &str)] = &[
    ("00-document.intent", include_str!("starter/00-document.intent")),
    ("01-intentions.intent", include_str!("starter/01-intentions.intent")),
    ("02-requirements.intent", include_str!("starter/02-requirements.intent")),
    ("establishments/hmp-example.intent", include_str!("starter/establishments/hmp-example.intent")),
    ("establishments/targets/hmp-example.yaml", include_str!("starter/establishments/targets/hmp-example.yaml")),
    ("partners.intent", include_str!("starter/partners.intent")),
    ("termbase.intent", include_str!("starter/termbase.intent")),
];

pub fn run(dir: &Path) -> i32 {
    match write(dir) {
        Ok(()) => {
            let shown = dir.display();
            eprintln!("created a starter project in `{shown}` ({} files)", STARTER.len());
            eprintln!("next:");
            eprintln!("  intentc check {shown} --strict      # every mistake, with where, what and how to fix it");
            eprintln!("  intentc serve {shown}               # the documents in your browser, rebuilt on save");
            eprintln!("  intentc build {shown} --out dist    # the documents, SLA annexes and JSON bundle");
            OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            USAGE
        }
    }
}

fn write(dir: &Path) -> Result<(), String> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(format!(
                    "`{}` is not empty; `intentc init` writes a new project only into a new or empty folder, so that it never overwrites a file",
                    dir.display()
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => return Err(format!("`{}` is a file, not a folder", dir.display())),
        Err(e) => return Err(format!("cannot read `{}`: {e}", dir.display())),
    }
    for (path, text) in STARTER {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        // `create_new`: even if something appeared in the folder since it was found empty, no
        // file is ever overwritten.
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(|e| format!("cannot create `{}`: {e}", target.display()))?;
        f.write_all(text.as_bytes()).map_err(|e| format!("cannot write `{}`: {e}", target.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::STARTER;
    use crate::diagnostics::Policy;
    use crate::source::{FileKind, Project};

    fn starter() -> Project {
        let mut project = Project::new();
        for (path, text) in STARTER {
            project.add(format!("starter/{path}"), text.as_bytes()).unwrap();
        }
        project.sort();
        project
    }

    #[test]
    fn the_starter_checks_clean_with_strict_welsh() {
        let project = starter();
        let result = crate::check(&project, Policy { strict_welsh: true, deny_warnings: true });
        assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics.codes());
        assert!(result.model.is_some());
    }

    #[test]
    fn the_starter_welsh_is_stamped_with_its_english() {
        let project = starter();
        for f in project.files.iter().filter(|f| f.kind == FileKind::Intent) {
            let (_, changed) = crate::syntax::stamp::stamp_file(&project, f.id);
            assert_eq!(changed, 0, "{} has stamps that `intentc welsh stamp` would change", f.path);
        }
    }
}
