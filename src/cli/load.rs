//! Reading a project from disk. Public so that tests, examples and other tools load a
//! project exactly as `intentc check` does.

use crate::source::{check_size, FileTooLarge, Project};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Reads every `.intent`, `.yaml` and `.yml` file under `root` (or `root` itself, if it is a
/// file). Paths are shown as `root/relative/path`, with `/` separators, so they can be
/// clicked in a terminal and match the repository in code-scanning reports.
pub fn project(root: &Path) -> Result<Project, String> {
    load(root, Naming::AsGiven).map(|l| l.project)
}

/// A project as the outputs name it: each file's path starts from the project folder's own
/// name (`intentions/annex-c/custody.intent`), however `root` was spelled (absolute, `./x`,
/// `x/`), so the bundle and documents never depend on it nor show the builder's file
/// system. Diagnostics still show the paths as spelled ([`crate::source::SourceFile::display`]).
pub fn project_for_output(root: &Path) -> Result<Project, String> {
    load(root, Naming::FromFolder).map(|l| l.project)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// `root/relative/path`, as `root` was spelled.
    AsGiven,
    /// `folder/relative/path`, from the name of the folder `root` is.
    FromFolder,
}

/// A project and the file each of its files was read from (by `FileId`), so a tool that
/// writes files back (`welsh stamp`, `fmt`) writes exactly those, whatever their names (a
/// name that is not UTF-8, or has a `\`, is shown changed in the project's paths).
pub struct Loaded {
    pub project: Project,
    pub origins: Vec<PathBuf>,
}

pub fn load(root: &Path, naming: Naming) -> Result<Loaded, String> {
    let meta = fs::metadata(root).map_err(|e| format!("cannot read `{}`: {e}", root.display()))?;
    let mut paths = Vec::new();
    if meta.is_file() {
        paths.push(root.to_path_buf());
    } else {
        walk(root, &mut paths).map_err(|e| format!("cannot read `{}`: {e}", root.display()))?;
    }
    let folder = match naming {
        Naming::AsGiven => None,
        Naming::FromFolder => {
            let canonical = fs::canonicalize(root).map_err(|e| format!("cannot read `{}`: {e}", root.display()))?;
            let name = if meta.is_file() { None } else { canonical.file_name().map(|n| n.to_string_lossy().into_owned()) };
            Some(name.unwrap_or_default())
        }
    };
    let mut files: Vec<(String, String, PathBuf)> = paths
        .into_iter()
        .map(|p| {
            let shown = display(&p);
            let path = match &folder {
                None => shown.clone(),
                Some(folder) => {
                    let rel = if meta.is_file() {
                        p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
                    } else {
                        p.strip_prefix(root).map(|r| r.to_string_lossy().replace('\\', "/")).unwrap_or_else(|_| shown.clone())
                    };
                    if folder.is_empty() {
                        rel
                    } else {
                        format!("{folder}/{rel}")
                    }
                }
            };
            (path.replace('\\', "/"), shown, p)
        })
        .collect();
    // Sorted as the project sorts its files, so file `i` was read from `origins[i]`.
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut project = Project::new();
    let mut origins = Vec::with_capacity(files.len());
    for (path, shown, p) in files {
        let bytes = read(&p)?;
        // `read` refused a file too long to be a project's file; one that grew since is
        // refused here.
        let id = project.add(path, &bytes).map_err(|e| FileTooLarge { path: p.display().to_string(), ..e }.to_string())?;
        project.files[id.0 as usize].display = shown;
        origins.push(p);
    }
    Ok(Loaded { project, origins })
}

/// Reads a file, refusing one longer than a project's file may be ([`crate::source::MAX_SPANNED_BYTES`]) before
/// reading a byte of it.
fn read(p: &Path) -> Result<Vec<u8>, String> {
    let cannot = |e: std::io::Error| format!("cannot read `{}`: {e}", p.display());
    let mut file = fs::File::open(p).map_err(cannot)?;
    let len = file.metadata().map_err(cannot)?.len();
    check_size(&p.display().to_string(), len).map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(len as usize);
    file.read_to_end(&mut bytes).map_err(cannot)?;
    Ok(bytes)
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
