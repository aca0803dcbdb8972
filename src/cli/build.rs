//! `intentc build`: check strictly, emit everything in memory, then replace the output folder
//! in one step. A failed build leaves the previous output exactly as it was.

use super::{load, policy, print_diagnostics, Report, FOUND_ERRORS, OK, USAGE};
use crate::emit::{self, bundle::Meta};
use std::io::IsTerminal;
use std::path::Path;

pub fn run(path: &Path, out: &Path, report: &Report) -> i32 {
    let project = match load::project(path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    // Publishing needs complete, current Welsh: the Welsh checks are errors here.
    let mut policy = policy(report);
    policy.strict_welsh = true;
    let result = crate::check(&project, policy);
    if result.diagnostics.has_errors() || result.model.is_none() {
        print_diagnostics(&project, &result.diagnostics.items, report);
        eprintln!("build refused: fix the errors above; `{}` was not changed", out.display());
        return FOUND_ERRORS;
    }
    let model = result.model.expect("checked above");
    let built_at = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse().ok());
    let meta = Meta::of(&project, git_revision(path), built_at);
    let output = match emit::build(&model, &meta) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return FOUND_ERRORS;
        }
    };
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(output.files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message("writing");
        bar
    });
    match write(out, &output, progress.as_ref()) {
        Ok(()) => {
            if let Some(p) = progress {
                p.finish_and_clear();
            }
            eprintln!("built {} files in {}", output.files.len(), out.display());
            OK
        }
        Err(e) => {
            eprintln!("error: cannot write `{}`: {e}; the previous output is unchanged", out.display());
            USAGE
        }
    }
}

/// The commit of the sources, if they are in a git checkout with git installed.
fn git_revision(path: &Path) -> Option<String> {
    let dir = if path.is_dir() { path } else { path.parent()? };
    let out = std::process::Command::new("git").arg("-C").arg(dir).args(["rev-parse", "HEAD"]).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string()).filter(|s| !s.is_empty())
}

/// Writes every file into a fresh folder beside `out`, then swaps it in.
fn write(out: &Path, output: &emit::Output, progress: Option<&indicatif::ProgressBar>) -> std::io::Result<()> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let staging = tempfile::Builder::new().prefix(".intentc-build-").tempdir_in(parent)?;
    for (rel, bytes) in &output.files {
        let path = staging.path().join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, bytes)?;
        if let Some(p) = progress {
            p.inc(1);
        }
    }
    let staged = staging.keep();
    if out.exists() {
        // Move the old output aside, move the new one in, and only then delete the old.
        let old = tempfile::Builder::new().prefix(".intentc-old-").tempdir_in(parent)?.keep();
        std::fs::remove_dir(&old)?;
        std::fs::rename(out, &old)?;
        if let Err(e) = std::fs::rename(&staged, out) {
            let _ = std::fs::rename(&old, out);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e);
        }
        std::fs::remove_dir_all(&old)?;
    } else {
        std::fs::rename(&staged, out)?;
    }
    Ok(())
}
