//! Shared by the integration tests: the corpus as a project, checked and built in memory.
#![allow(dead_code)]

use intentc::diagnostics::Policy;
use intentc::emit::{self, bundle::Meta, Output};
use intentc::model;
use intentc::source::Project;
use std::path::Path;

/// Reads every .intent and .yaml file under `dir`, with paths as the CLI shows them.
pub fn load(dir: &Path) -> Project {
    fn walk(root: &Path, dir: &Path, p: &mut Project) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, p);
            } else if matches!(path.extension().and_then(|e| e.to_str()), Some("intent" | "yaml")) {
                let rel = path.strip_prefix(root.parent().unwrap()).unwrap().to_string_lossy().replace('\\', "/");
                p.add(rel, &std::fs::read(&path).unwrap());
            }
        }
    }
    let mut p = Project::new();
    walk(dir, dir, &mut p);
    p.sort();
    p
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
