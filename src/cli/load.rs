//! Reading a project from disk. Public so that tests, examples and other tools load a
//! project exactly as `intentc check` does.

use crate::source::Project;
use std::fs;
use std::path::{Path, PathBuf};

/// Reads every `.intent`, `.yaml` and `.yml` file under `root` (or `root` itself, if it is a
/// file). Paths are shown as `root/relative/path`, with `/` separators, so they can be
/// clicked in a terminal and match the repository in code-scanning reports.
pub fn project(root: &Path) -> Result<Project, String> {
    let meta = fs::metadata(root).map_err(|e| format!("cannot read `{}`: {e}", root.display()))?;
    let mut paths = Vec::new();
    if meta.is_file() {
        paths.push(root.to_path_buf());
    } else {
        walk(root, &mut paths).map_err(|e| format!("cannot read `{}`: {e}", root.display()))?;
    }
    paths.sort();
    let mut project = Project::new();
    for p in paths {
        let bytes = fs::read(&p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
        project.add(display(&p), &bytes);
    }
    project.sort();
    Ok(project)
}

/// A project with no `.intent` file has nothing to check: `check` and `build` refuse it
/// rather than report it clean (a mistyped folder, or files saved with another extension).
pub fn require_sources(project: &Project, root: &Path) -> Result<(), String> {
    if project.files.iter().any(|f| f.kind == crate::source::FileKind::Intent) {
        return Ok(());
    }
    Err(format!(
        "`{}` holds no .intent files, so there is no policy to check (`intentc init {}` starts one)",
        root.display(),
        root.display()
    ))
}

fn display(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let ft = e.file_type()?;
        if ft.is_dir() {
            walk(&path, out)?;
        } else if ft.is_file() && matches!(path.extension().and_then(|x| x.to_str()), Some("intent" | "yaml" | "yml")) {
            out.push(path);
        }
    }
    Ok(())
}

/// Replaces a file's contents in one step: written beside it, then renamed over it, so a
/// crash never leaves half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
