//! Shared by the integration tests: the corpus as a project, checked and built in memory.
#![allow(dead_code)]

use intentc::diagnostics::Policy;
use intentc::emit::{self, bundle::Meta, Output};
use intentc::model;
use intentc::source::Project;
use std::path::Path;

/// Reads a project as `intentc check` does (paths shown as given, here absolute).
pub fn load(dir: &Path) -> Project {
    intentc::cli::load::project(dir).unwrap_or_else(|e| panic!("{e}"))
}

pub fn corpus() -> Project {
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("intentions"))
}

pub fn corpus_model() -> model::Policy {
    let result = intentc::check(&corpus(), Policy { strict_welsh: true, deny_warnings: false });
    assert!(!result.diagnostics.has_errors(), "the corpus has errors: {:?}", result.diagnostics.codes());
    result.model.expect("a model for a clean corpus")
}

pub fn corpus_output() -> Output {
    let p = corpus();
    let result = intentc::check(&p, Policy { strict_welsh: true, deny_warnings: false });
    let model = result.model.expect("a model for a clean corpus");
    emit::build(&model, &Meta::of(&p, None, None)).expect("the corpus builds")
}

/// Checks and builds a small project written here (with the fixtures' prelude, Welsh stamped).
pub fn build_small(files: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    let prelude = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prelude.intent")).unwrap();
    let mut project = intentc::source::Project::new();
    project.add_str("intentions/prelude.intent", &prelude).unwrap();
    for (path, text) in files {
        project.add_str(*path, text).unwrap();
    }
    project.sort();
    let project = stamped(&project);
    let result = intentc::check(&project, intentc::diagnostics::Policy { strict_welsh: true, deny_warnings: true });
    assert!(!result.diagnostics.has_errors(), "{:?}", result.diagnostics.codes());
    let out = intentc::emit::build(&result.model.unwrap(), &Default::default()).unwrap();
    out.files.into_iter().map(|(k, v)| (k, String::from_utf8(v).unwrap())).collect()
}

/// The project with every file's Welsh stamped (`intentc welsh stamp`, in memory).
pub fn stamped(project: &Project) -> Project {
    let mut out = Project::new();
    for f in &project.files {
        out.add_str(f.path.clone(), &intentc::syntax::stamp::stamp_file(project, f.id).0).unwrap();
    }
    out.sort();
    out
}

/// Copies a folder and everything in it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}
