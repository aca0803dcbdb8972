//! What every target does with a project: check it (plain and `--strict`), render its
//! diagnostics in every format, and build it when it is clean. Any panic is a finding.

use intentc::diagnostics::render::{render, Format};
use intentc::diagnostics::Policy;
use intentc::emit::{self, bundle::Meta};
use intentc::source::Project;

pub fn check_and_render(project: &Project) {
    for strict in [false, true] {
        let result = intentc::check(project, Policy { strict_welsh: strict, deny_warnings: false });
        for format in [Format::Human, Format::Short, Format::Json, Format::Sarif, Format::Github] {
            let _ = render(project, &result.diagnostics.items, format, strict);
        }
        // Building loads and compiles the templates each time, the slowest step by far: once
        // per input is enough.
        if let (false, Some(model)) = (strict, result.model) {
            let _ = emit::build(&model, &Meta::of(project, None, None));
        }
    }
}
