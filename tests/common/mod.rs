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
