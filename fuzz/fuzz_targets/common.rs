//! What every target does with a project: check it, render its diagnostics in every format,
//! and build it when it is clean. Any panic is a finding.

use intentc::diagnostics::render::{render, Format};
use intentc::diagnostics::Policy;
use intentc::emit::{self, bundle::Meta};
use intentc::source::Project;

pub fn check_and_render(project: &Project) {
    for strict in [false, true] {
        let result = intentc::check(project, Policy { strict_welsh: strict, deny_warnings: false });
        let diagnostics = &result.diagnostics.items;
        for format in [Format::Human, Format::Short, Format::Json, Format::Sarif, Format::Github] {
            let _ = render(project, diagnostics, format, strict);
        }
        if let Some(model) = result.model {
            let _ = emit::build(&model, &Meta::of(project, None, None));
        }
    }
}
