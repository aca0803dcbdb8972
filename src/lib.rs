//! intentc: the commissioning-intentions compiler.
//!
//! The phases run in one direction, each a pure function of the one before (the CLI at the
//! edge does all file IO):
//!
//! ```text
//! source::Project ─ syntax ─▶ ast ─ resolve ─▶ symbols ─ check ─▶ diagnostics
//!                                                      └─ model ─▶ Policy ─ emit ─▶ documents, SLA annexes, bundle
//! ```
//!
//! See ARCHITECTURE.md for the tour.

pub mod bundle;
pub mod check;
pub mod cli;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod fmt;
pub mod lsp;
pub mod model;
pub mod resolve;
pub mod source;
pub mod syntax;

use diagnostics::{Diagnostics, Policy};
use source::Project;

/// What `check` found.
pub struct CheckResult {
    pub diagnostics: Diagnostics,
    pub files: Vec<syntax::ParsedFile>,
    /// The checked model, when there were no errors.
    pub model: Option<model::Policy>,
}

/// Runs every phase up to the checks: the diagnostics, sorted by place, and the model when
/// there were no errors.
pub fn check(project: &Project, policy: Policy) -> CheckResult {
    run(project, policy, check::Purpose::Build)
}

/// [`check`]'s diagnostics alone, as `intentc check` wants them. Every phase runs the same,
/// the model's build included (its refusals are diagnostics too), but without the prose trees
/// that only the documents need: on a large project they are a fifth of the memory.
pub fn diagnose(project: &Project, policy: Policy) -> Diagnostics {
    run(project, policy, check::Purpose::Diagnose).diagnostics
}

fn run(project: &Project, policy: Policy, purpose: check::Purpose) -> CheckResult {
    let (files, diags) = syntax::parse_project(project);
    let mut diagnostics = Diagnostics::default();
    diagnostics.extend(diags);
    let mut model = None;
    {
        let (symbols, errors) = resolve::resolve(&files);
        diagnostics.extend(errors.iter().map(diagnostics::Report::report));
        let checked = check::check_all(project, &symbols, purpose);
        diagnostics.extend(checked.errors.iter().map(diagnostics::Report::report));
        if !diagnostics.items.iter().any(|d| policy.is_error(d)) {
            // `diagnose` wants only the model's refusals: it is built part by part and dropped.
            let built = match purpose {
                check::Purpose::Build => model::build(project, &symbols, checked.facts).map(Some),
                check::Purpose::Diagnose => model::verify(project, &symbols, checked.facts).map(|()| None),
            };
            match built {
                Ok(m) => model = m,
                Err(e) => diagnostics.extend(e.diagnostics()),
            }
        }
        diagnostics.finish(project, policy);
    }
    CheckResult { diagnostics, files, model }
}
