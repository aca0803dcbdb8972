//! `intentc build`: check strictly, emit everything in memory, then replace the output folder
//! in one step. A failed build leaves the previous output exactly as it was.

use super::{load, policy, print_diagnostics, Report, FOUND_ERRORS, OK, USAGE};
use crate::emit::{self, bundle::Meta};
use std::io::IsTerminal;
use std::path::{Component, Path, PathBuf};

pub fn run(path: &Path, out: &Path, report: &Report) -> i32 {
    if let Err(problem) = refuse_unsafe_out(path, out) {
        eprintln!("error: {problem}");
        return USAGE;
    }
    // Paths from the project folder's name, so outputs do not depend on how PATH is spelled.
    let project = match load::project_for_output(path).and_then(|p| load::require_sources(&p, path).map(|()| p)) {
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

/// Refuses an output folder that a build would damage: the sources themselves, a folder that
/// holds them or one inside them (the swap replaces `out` as a whole), an existing file, or a
/// folder of other files that intentc did not write.
fn refuse_unsafe_out(sources: &Path, out: &Path) -> Result<(), String> {
    let shown = out.display();
    let src = std::fs::canonicalize(sources).map_err(|e| format!("cannot read `{}`: {e}", sources.display()))?;
    let target = absolute(out).map_err(|e| format!("cannot use `--out {shown}`: {e}"))?;
    let whose = format!("`{}`", sources.display());
    if target == src {
        return Err(format!("`--out {shown}` is the source folder {whose}: the build replaces its output folder as a whole; choose another folder, like `--out dist`"));
    }
    if src.starts_with(&target) {
        return Err(format!("`--out {shown}` contains the sources {whose}: the build replaces its output folder as a whole; choose a folder outside them, like `--out dist`"));
    }
    if target.starts_with(&src) {
        return Err(format!("`--out {shown}` is inside the sources {whose}; choose a folder outside them, like `--out dist`"));
    }
    match std::fs::metadata(out) {
        Ok(m) if !m.is_dir() => {
            Err(format!("`--out {shown}` is a file, not a folder; it was left as it is: choose a folder, like `--out dist`"))
        }
        Ok(_) => {
            let empty = std::fs::read_dir(out).map_err(|e| format!("cannot read `{shown}`: {e}"))?.next().is_none();
            if empty || out.join("bundle/manifest.json").is_file() {
                Ok(())
            } else {
                Err(format!("`--out {shown}` holds files that intentc did not write (it has no bundle/manifest.json), and a build replaces the whole folder; choose a new or empty folder, like `--out dist`"))
            }
        }
        Err(_) => Ok(()),
    }
}

/// `path` made absolute with symbolic links resolved, for a path that need not exist yet: the
/// longest part that exists is resolved, and the rest (which cannot be a link) is added to it.
fn absolute(path: &Path) -> std::io::Result<PathBuf> {
    let path = std::path::absolute(path)?;
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = std::fs::canonicalize(existing) {
            let mut out = c;
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(p) => out.push(p),
                    _ => {}
                }
            }
            return Ok(out);
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return Ok(path.clone()),
        }
    }
}

/// Writes every file into a fresh folder beside `out`, then swaps it in. Every folder made
/// on the way is a `TempDir`, so each failure removes it; the swap is done under a lock, so
/// two builds into one `out` take turns and each leaves a complete output.
fn write(out: &Path, output: &emit::Output, progress: Option<&indicatif::ProgressBar>) -> std::io::Result<()> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let staging = tempfile::Builder::new().prefix(&format!(".intentc-new-{name}-")).tempdir_in(parent)?;
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
    let mut lock = lock(parent, &name);
    let _guard = lock.as_mut().and_then(|l| l.write().ok());
    if std::fs::symlink_metadata(out).is_ok() {
        if !std::fs::metadata(out).is_ok_and(|m| m.is_dir()) {
            return Err(std::io::Error::other("it is no longer a folder"));
        }
        // The old output goes inside a folder of its own, removed (with it) when dropped.
        let old = tempfile::Builder::new().prefix(&format!(".intentc-old-{name}-")).tempdir_in(parent)?;
        let previous = old.path().join("previous");
        std::fs::rename(out, &previous)?;
        if let Err(e) = std::fs::rename(staging.path(), out) {
            if std::fs::rename(&previous, out).is_err() {
                // Never delete the only copy of the previous output.
                let kept = old.keep().join("previous");
                return Err(std::io::Error::other(format!("{e}; the previous output is in `{}`", kept.display())));
            }
            return Err(e);
        }
        let _ = staging.keep();
        if let Err(e) = old.close() {
            eprintln!("warning: the previous output could not all be removed: {e}");
        }
    } else {
        std::fs::rename(staging.path(), out)?;
        let _ = staging.keep();
    }
    Ok(())
}

/// An exclusive lock for swapping `out`: on the folder that holds it where the system allows
/// that (nothing is left behind), else on a lock file beside it.
fn lock(parent: &Path, name: &str) -> Option<fd_lock::RwLock<std::fs::File>> {
    let file = if cfg!(unix) {
        std::fs::File::open(parent).ok()
    } else {
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(parent.join(format!(".intentc-lock-{name}"))).ok()
    };
    file.map(fd_lock::RwLock::new)
}
