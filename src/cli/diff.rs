//! `intentc diff`: two versions of a policy, from two folders or from git, compared.
//!
//! A git revision is read with `git ls-tree` and `git cat-file --batch` into memory: the work
//! tree, the index and HEAD are never touched.

use super::{load, FOUND_ERRORS, OK, USAGE};
use crate::diagnostics::render::{self, Format};
use crate::source::Project;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum DiffFormat {
    Human,
    Json,
    Markdown,
}

/// A version to compare: where it comes from, and how to name it.
enum Version {
    Folder(PathBuf),
    Git { rev: String, folder: PathBuf },
}

pub fn run(paths: &[PathBuf], git: Option<&[String]>, format: DiffFormat) -> i32 {
    let (old, new) = match versions(paths, git) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    let mut models = Vec::new();
    for (side, v) in [("old", &old), ("new", &new)] {
        let (project, label) = match load_version(v) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}");
                return USAGE;
            }
        };
        let result = crate::check(&project, crate::diagnostics::Policy::default());
        match result.model {
            Some(m) if !result.diagnostics.has_errors() => models.push((m, label)),
            _ => {
                let errors: Vec<_> = result.diagnostics.items.iter().filter(|d| d.is_error()).cloned().collect();
                let _ = std::io::stderr().lock().write_all(render::render(&project, &errors, Format::Human, false).as_bytes());
                eprintln!(
                    "error: the {side} version ({label}) does not check clean ({}); a diff compares checked policies, so fix it first",
                    render::summary(&errors)
                );
                return USAGE;
            }
        }
    }
    let (new_model, new_label) = models.pop().expect("two versions");
    let (old_model, old_label) = models.pop().expect("two versions");
    let d = crate::diff::diff(&old_model, &new_model, &old_label, &new_label);
    let text = match format {
        DiffFormat::Human => crate::diff::render::human(&d),
        DiffFormat::Markdown => crate::diff::render::markdown(&d),
        DiffFormat::Json => crate::emit::bundle::canonical(&serde_json::to_value(&d).unwrap_or_default()),
    };
    // A closed pipe (`intentc diff … | head`) is not an error.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if d.is_empty() {
        OK
    } else {
        FOUND_ERRORS
    }
}

fn versions(paths: &[PathBuf], git: Option<&[String]>) -> Result<(Version, Version), String> {
    match git {
        None => match paths {
            [old, new] => Ok((Version::Folder(old.clone()), Version::Folder(new.clone()))),
            _ => Err("give two folders, `intentc diff OLD NEW`, or git revisions, `intentc diff [FOLDER] --git REV [REV2]`".into()),
        },
        Some(revs) => {
            let folder = match paths {
                [] => PathBuf::from("intentions"),
                [one] => one.clone(),
                _ => return Err("with --git, give at most one folder (the policy's folder in the repository), before --git".into()),
            };
            if let Some(bad) = revs.iter().find(|r| r.starts_with('-') || r.is_empty()) {
                return Err(format!("`{bad}` is not a git revision"));
            }
            let old = Version::Git { rev: revs[0].clone(), folder: folder.clone() };
            let new = match revs.get(1) {
                Some(r) => Version::Git { rev: r.clone(), folder },
                None => Version::Folder(folder),
            };
            Ok((old, new))
        }
    }
}

fn load_version(v: &Version) -> Result<(Project, String), String> {
    match v {
        Version::Folder(p) => {
            let project = load::project(p)?;
            Ok((project, p.display().to_string()))
        }
        Version::Git { rev, folder } => {
            let project = from_git(rev, folder)?;
            Ok((project, format!("{rev}:{}", folder.display())))
        }
    }
}

fn git(args: &[&str], dir: Option<&Path>) -> Result<Vec<u8>, String> {
    let mut cmd = Command::new("git");
    if let Some(d) = dir {
        cmd.arg("-C").arg(d);
    }
    let out = cmd.args(args).stdin(Stdio::null()).output().map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(out.stdout)
}

/// Reads the policy's files at a revision, as `load::project` reads a folder: `.intent`,
/// `.yaml` and `.yml` files, skipping names that start with a dot. Paths are shown as
/// `REV:path/from/the/repository/root`, which `git show` understands.
fn from_git(rev: &str, folder: &Path) -> Result<Project, String> {
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).trim().to_string();
    // git runs in the folder when it exists (it may be in another repository than the current
    // folder); otherwise here, with the folder taken from here.
    let (run_in, rest) = if folder.is_dir() { (folder, Path::new("")) } else { (Path::new("."), folder) };
    let top = text(git(&["rev-parse", "--show-toplevel"], Some(run_in)).map_err(|e| format!("--git needs a git repository: {e}"))?);
    let prefix = text(git(&["rev-parse", "--show-prefix"], Some(run_in))?);
    let commit = text(git(&["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")], Some(run_in)).map_err(|_| {
        if !Path::new(rev).exists() {
            format!("`{rev}` is not a git revision")
        } else {
            format!("`{rev}` is not a git revision; to compare the folder `{rev}`, put it before --git: `intentc diff {rev} --git REV`")
        }
    })?);
    // The folder, from the repository's root, with `.` and `..` worked out.
    let (rest, from_root) = match rest.strip_prefix(&top) {
        Ok(inside) => (inside, true),
        Err(_) if rest.is_absolute() => return Err(format!("`{}` is outside the git repository at `{top}`", folder.display())),
        Err(_) => (rest, false),
    };
    let mut parts: Vec<String> =
        if from_root { Vec::new() } else { prefix.split('/').filter(|p| !p.is_empty()).map(str::to_string).collect() };
    for c in rest.to_string_lossy().replace('\\', "/").split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("`{}` is outside the git repository", folder.display()));
                }
            }
            c => parts.push(c.to_string()),
        }
    }
    let path = parts.join("/");
    let listing = git(&["ls-tree", "-r", "-z", &commit, "--", if path.is_empty() { "." } else { &path }], Some(Path::new(&top)))?;
    let mut blobs: Vec<(String, String)> = Vec::new();
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, name)) = entry.split_once('\t') else { continue };
        let mut meta = meta.split(' ');
        let (Some(mode), Some(kind), Some(sha)) = (meta.next(), meta.next(), meta.next()) else { continue };
        // Symbolic links (mode 120000) are skipped, as reading a folder skips them.
        let wanted = kind == "blob"
            && mode != "120000"
            && name.strip_prefix(&path).is_some_and(|rest| path.is_empty() || rest.starts_with('/') || rest.is_empty())
            && !name.split('/').any(|c| c.starts_with('.'))
            && [".intent", ".yaml", ".yml"].iter().any(|x| name.ends_with(x));
        if wanted {
            blobs.push((name.to_string(), sha.to_string()));
        }
    }
    if blobs.is_empty() {
        return Err(format!("there are no .intent files in `{}` at {rev}", if path.is_empty() { "." } else { &path }));
    }
    let contents = cat_blobs(&top, &blobs.iter().map(|(_, sha)| sha.as_str()).collect::<Vec<_>>())?;
    let mut project = Project::new();
    for ((name, _), bytes) in blobs.iter().zip(contents) {
        project.add(format!("{rev}:{name}"), &bytes).map_err(|e| e.to_string())?;
    }
    project.sort();
    Ok(project)
}

/// The contents of blobs, in order, from one `git cat-file --batch`.
fn cat_blobs(top: &str, shas: &[&str]) -> Result<Vec<Vec<u8>>, String> {
    let mut child = Command::new("git")
        .args(["-C", top, "cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("cannot write to git")?;
    let input: String = shas.iter().map(|s| format!("{s}\n")).collect();
    // Written from another thread, so git never waits on a full pipe while we do.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut out = Vec::new();
    child.stdout.take().ok_or("cannot read from git")?.read_to_end(&mut out).map_err(|e| format!("cannot read from git: {e}"))?;
    let _ = writer.join();
    let status = child.wait().map_err(|e| format!("git failed: {e}"))?;
    if !status.success() {
        return Err("git cat-file failed".into());
    }
    let mut blobs = Vec::new();
    let mut at = 0;
    for sha in shas {
        let end = out[at..].iter().position(|b| *b == b'\n').map(|p| at + p).ok_or("unexpected output from git cat-file")?;
        let header = String::from_utf8_lossy(&out[at..end]).to_string();
        let size: usize =
            header.split(' ').nth(2).and_then(|s| s.parse().ok()).ok_or_else(|| format!("git cannot read the object {sha}: {header}"))?;
        let start = end + 1;
        let stop = start.checked_add(size).filter(|s| *s <= out.len()).ok_or("short output from git cat-file")?;
        blobs.push(out[start..stop].to_vec());
        at = stop + 1;
    }
    Ok(blobs)
}
