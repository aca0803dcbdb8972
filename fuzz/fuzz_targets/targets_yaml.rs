//! An SLA targets file, any bytes, named by a small valid project.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

const PROJECT: &str = include_str!("targets_project.intent");

fuzz_target!(|data: &[u8]| {
    let mut project = intentc::source::Project::new();
    project.add("fuzz/policy.intent", PROJECT.as_bytes()).unwrap();
    project.add("fuzz/targets.yaml", data).unwrap();
    project.sort();
    common::check_and_render(&project);
});
