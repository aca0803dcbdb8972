//! One `.intent` file, any bytes: parse, resolve, check, render, build.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut project = intentc::source::Project::new();
    project.add("fuzz/policy.intent", data).unwrap();
    common::check_and_render(&project);
});
