//! The projects the editor has files open in, their texts (saved files, overlaid by the
//! editor's unsaved buffers), and the analysis of each: the same phases as `intentc check`,
//! with the parse of each file and its Welsh checks kept while the file is unchanged.

use super::convert::{path_key, LineIndex};
use super::index::{self, Index, Occurrence, Role};
use crate::diagnostics::{Diagnostic, Diagnostics, Policy, Report};
use crate::resolve::{self, Kind};
use crate::source::{FileId, FileKind, Project};
use crate::syntax::{self, ast::Body, ParsedFile};
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// Folders never read as part of a project: build outputs and dependencies, which can hold
/// thousands of files and no policy.
const SKIPPED: &[&str] = &["target", "node_modules", "dist"];
/// Guards against opening a file under a huge folder (a home directory): past this many
/// policy files, or this many entries looked at, the rest are not read (and the editor is told).
pub const MAX_FILES: usize = 20_000;
pub const MAX_ENTRIES: usize = 200_000;

/// An open document: the editor's text, which wins over the file on disk.
#[derive(Debug, Clone)]
pub struct Doc {
    pub text: String,
    pub version: i32,
}

/// What one analysis found.
pub struct Analysis {
    pub project: Project,
    /// The parsed `.intent` files, in path order.
    pub files: Vec<ParsedFile>,
    /// Sorted by file and position, with the `--strict` policy applied.
    pub diagnostics: Vec<Diagnostic>,
    /// Line starts of each file, by `FileId`.
    pub lines: Vec<LineIndex>,
    pub index: Index,
}

impl Analysis {
    pub fn file_id(&self, path: &str) -> Option<FileId> {
        self.project.find(path).map(|f| f.id)
    }

    pub fn parsed(&self, file: FileId) -> Option<&ParsedFile> {
        self.files.iter().find(|f| f.file == file)
    }
}

/// A file's analysis kept between runs while its text and place are the same.
struct Cached {
    id: FileId,
    text: std::sync::Arc<str>,
    parsed: Option<ParsedFile>,
    syntax: Vec<Diagnostic>,
    /// The Welsh checks of its declarations, valid while the termbase is unchanged and its
    /// cross-references name the same kinds of things.
    welsh: Option<Vec<Diagnostic>>,
    /// The ids its prose links to, and the kind each named when the Welsh was checked.
    links: Vec<(String, Option<Kind>)>,
    occurrences: Vec<Occurrence>,
    lines: LineIndex,
}

pub struct ProjectState {
    pub root: PathBuf,
    /// Saved texts, by path key.
    disk: BTreeMap<String, Vec<u8>>,
    cache: HashMap<String, Cached>,
    termbase: u64,
    pub analysis: Option<Analysis>,
    /// Set when a text changed since the last analysis.
    pub dirty: bool,
    /// False when the folder was too large to read whole.
    pub complete: bool,
    /// The paths whose diagnostics were last published, and what was published.
    pub published: HashMap<String, Vec<lsp_types::Diagnostic>>,
}

impl ProjectState {
    pub fn new(root: PathBuf) -> ProjectState {
        let mut p = ProjectState {
            root,
            disk: BTreeMap::new(),
            cache: HashMap::new(),
            termbase: 0,
            analysis: None,
            dirty: true,
            complete: true,
            published: HashMap::new(),
        };
        p.rescan();
        p
    }

    /// Reads the project's files from disk again.
    pub fn rescan(&mut self) {
        let mut paths = Vec::new();
        self.complete = walk(&self.root, &mut paths, &mut 0);
        self.disk = paths.into_iter().filter_map(|p| Some((path_key(&p), std::fs::read(&p).ok()?))).collect();
        self.dirty = true;
    }

    /// Is this file part of the project (under its root)?
    pub fn contains(&self, path: &Path) -> bool {
        path.starts_with(&self.root)
    }

    /// Re-reads one file (after a save or a close), or forgets it if it is gone.
    pub fn reread(&mut self, key: &str) {
        match std::fs::read(key) {
            Ok(bytes) => {
                self.disk.insert(key.to_string(), bytes);
            }
            Err(_) => {
                self.disk.remove(key);
            }
        }
        self.dirty = true;
    }

    /// Runs the phases of `check` over the saved files and the open documents.
    pub fn analyse(&mut self, docs: &HashMap<String, Doc>, policy: Policy) {
        let mut project = Project::new();
        let mut keys: Vec<&String> = self.disk.keys().collect();
        let open: Vec<&String> = docs.keys().filter(|k| self.contains(Path::new(k.as_str())) && is_source(k)).collect();
        keys.extend(open);
        keys.sort();
        keys.dedup();
        for k in keys {
            // A file longer than a source file may be (4 GiB) is left out, as an unreadable
            // one is.
            let _ = match docs.get(k) {
                Some(d) => project.add(k.clone(), d.text.as_bytes()),
                None => project.add(k.clone(), &self.disk[k]),
            };
        }
        // Keep what is still valid: same text at the same place.
        let mut changed = Vec::new();
        let mut cache = std::mem::take(&mut self.cache);
        cache.retain(|path, c| project.find(path).is_some_and(|f| f.id == c.id && *f.text == *c.text));
        for f in &project.files {
            if cache.contains_key(&f.path) {
                continue;
            }
            changed.push(f.id);
            let (parsed, syntax, occurrences) = if f.kind == FileKind::Intent {
                let (parsed, errors) = syntax::parse_file(&project, f.id);
                let occurrences = index::file_occurrences(&parsed, &f.text);
                (Some(parsed), errors.iter().map(Report::report).collect(), occurrences)
            } else {
                (None, Vec::new(), Vec::new())
            };
            let lines = LineIndex::new(&f.text);
            cache.insert(
                f.path.clone(),
                Cached { id: f.id, text: f.text.clone(), parsed, syntax, welsh: None, links: Vec::new(), occurrences, lines },
            );
        }
        let mut by_id: Vec<&mut Cached> = cache.values_mut().collect();
        by_id.sort_by_key(|c| c.id);
        let files: Vec<ParsedFile> = by_id.iter().filter_map(|c| c.parsed.clone()).collect();
        let index = {
            let pairs: Vec<(&ParsedFile, &[Occurrence])> =
                by_id.iter().filter_map(|c| Some((c.parsed.as_ref()?, c.occurrences.as_slice()))).collect();
            Index::build(&project, &pairs)
        };
        let kind_of = |id: &str| index.decls.get(id).map(|(k, _)| *k);
        let mut diagnostics = Diagnostics::default();
        for c in &by_id {
            diagnostics.extend(c.syntax.iter().cloned());
        }
        {
            let (symbols, errors) = resolve::resolve(&files);
            diagnostics.extend(errors.iter().map(Report::report));
            diagnostics.extend(crate::check::check_project(&project, &symbols).iter().map(Report::report));
            // The Welsh checks read a declaration, the termbase, and the kinds of the ids its
            // prose links to: only files where one of those changed need them again.
            let termbase = termbase_digest(&symbols);
            let all = termbase != self.termbase;
            self.termbase = termbase;
            for c in by_id.iter_mut() {
                if all || c.links.iter().any(|(id, k)| kind_of(id) != *k) {
                    c.welsh = None;
                }
            }
            let stale: Vec<FileId> = by_id.iter().filter(|c| c.welsh.is_none()).map(|c| c.id).collect();
            let found = crate::check::check_welsh(&symbols, &|d| stale.binary_search(&d.span.file).is_ok());
            let mut per_file: BTreeMap<FileId, Vec<Diagnostic>> = stale.iter().map(|id| (*id, Vec::new())).collect();
            for e in &found {
                let d = e.report();
                per_file.entry(d.primary.span.file).or_default().push(d);
            }
            for c in by_id.iter_mut() {
                if let Some(ds) = per_file.remove(&c.id) {
                    c.welsh = Some(ds);
                    c.links = c.occurrences.iter().filter(|o| o.role == Role::Link).map(|o| (o.name.clone(), kind_of(&o.name))).collect();
                }
                diagnostics.extend(c.welsh.iter().flatten().cloned());
            }
        }
        diagnostics.finish(&project, policy);
        let lines = by_id.iter().map(|c| c.lines.clone()).collect();
        drop(by_id);
        self.cache = cache;
        self.analysis = Some(Analysis { project, files, diagnostics: diagnostics.items, lines, index });
        self.dirty = false;
    }
}

/// A digest of the termbase: the Welsh checks' only input beyond the declaration itself.
fn termbase_digest(symbols: &resolve::Symbols) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for d in symbols.all(Kind::Term) {
        if let Body::Term(t) = &d.body {
            // The span too: the termbase diagnostics point at the term.
            d.id.hash(&mut h);
            for f in t.en.iter().chain(&t.cy) {
                f.node.hash(&mut h);
            }
            t.en.len().hash(&mut h);
        }
    }
    h.finish()
}

pub fn is_source(path: &str) -> bool {
    path.ends_with(".intent") || path.ends_with(".yaml") || path.ends_with(".yml")
}

/// Collects the project's files; false if a limit stopped it (so the project is incomplete).
fn walk(dir: &Path, out: &mut Vec<PathBuf>, seen: &mut usize) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return true };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        *seen += 1;
        if out.len() >= MAX_FILES || *seen >= MAX_ENTRIES {
            return false;
        }
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() && !SKIPPED.contains(&name.as_ref()) {
            if !walk(&e.path(), out, seen) {
                return false;
            }
        } else if ft.is_file() && is_source(&name) {
            out.push(e.path());
        }
    }
    true
}

/// The project a file belongs to: the nearest folder above it that holds the `document`
/// declaration or a `.git`, or is a workspace folder; else the file's own folder.
pub fn find_root(file: &Path, folders: &[PathBuf], docs: &HashMap<String, Doc>) -> PathBuf {
    let start = file.parent().unwrap_or(Path::new("/")).to_path_buf();
    let mut dir = start.as_path();
    loop {
        if holds_document(dir, docs) || dir.join(".git").exists() || folders.iter().any(|f| f == dir) {
            return dir.to_path_buf();
        }
        match dir.parent() {
            Some(p) => dir = p,
            None => return start,
        }
    }
}

/// Does one of the folder's own `.intent` files declare the document? A line scan: the
/// file need not parse.
fn holds_document(dir: &Path, docs: &HashMap<String, Doc>) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    entries.filter_map(Result::ok).filter(|e| e.path().extension().is_some_and(|x| x == "intent")).any(|e| {
        let key = path_key(&e.path());
        let text = match docs.get(&key) {
            Some(d) => d.text.clone(),
            None => std::fs::read(e.path()).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default(),
        };
        text.lines().any(|l| l.trim_start().strip_prefix("document").is_some_and(|rest| rest.starts_with([' ', '\t'])))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;

    fn summary(ds: &[Diagnostic], p: &Project) -> Vec<String> {
        ds.iter()
            .map(|d| {
                let labels: Vec<String> = d.secondary.iter().map(|l| format!("{}@{:?}", l.message, p.location(l.span))).collect();
                format!(
                    "{} {:?} {} {} {:?} {labels:?}",
                    d.code.id,
                    p.location(d.primary.span),
                    d.message,
                    d.severity == Severity::Error,
                    d.help
                )
            })
            .collect()
    }

    /// After every edit, the incremental analysis says exactly what `intentc check` says of
    /// the same texts.
    #[test]
    fn incremental_analysis_matches_a_full_check() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("intentions");
        copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("intentions"), &root);
        let policy = Policy { strict_welsh: true, deny_warnings: false };
        let mut state = ProjectState::new(root.clone());
        let mut docs: HashMap<String, Doc> = HashMap::new();
        let key = |rel: &str| path_key(&root.join(rel));
        let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
        let integration = read("annex-a/2-integration.intent");
        let terms = read("termbase.intent");
        let likelihood = read("annex-a/4a-targeting/2-likelihood-of-reconviction.intent");
        let bands = read("annex-a/4a-targeting/7-reconviction-bands.intent");
        let edits: Vec<(&str, String)> = vec![
            ("annex-a/2-integration.intent", integration.replacen("NOMS expects providers", "NOMS expects all providers", 1)),
            ("annex-a/2-integration.intent", integration.replacen("measured_by CU016", "measured_by CU0016", 1)),
            ("termbase.intent", terms.replacen("cy \"bwriad comisiynu\", \"bwriadau comisiynu\"", "cy \"cynllun\"", 1)),
            // The same terms, a line lower: the termbase diagnostics point at the new places.
            (
                "termbase.intent",
                format!("// a new first line\n{}", terms.replacen("cy \"bwriad comisiynu\", \"bwriadau comisiynu\"", "cy \"cynllun\"", 1)),
            ),
            // The targeting the prose links to changes its id, then comes back.
            ("annex-a/4a-targeting/7-reconviction-bands.intent", bands.replacen("targeting reconviction_bands", "targeting ogrs_table", 1)),
            ("annex-a/4a-targeting/7-reconviction-bands.intent", bands.clone()),
            ("annex-a/4a-targeting/2-likelihood-of-reconviction.intent", likelihood.replacen("](#reconviction_bands)", "](#ogrs3)", 1)),
            ("annex-a/2-integration.intent", integration.replacen("intention 2a {", "intention 2a {{", 1)),
            ("zz-new.intent", "theme zz { title { en \"Zz\" cy \"Zz\" } }\n".to_string()),
            ("annex-a/2-integration.intent", integration.clone()),
        ];
        for (rel, text) in edits {
            docs.insert(key(rel), Doc { text, version: 1 });
            state.dirty = true;
            state.analyse(&docs, policy);
            let a = state.analysis.as_ref().unwrap();
            let full = crate::check(&a.project, policy);
            assert_eq!(summary(&a.diagnostics, &a.project), summary(&full.diagnostics.items, &a.project), "after editing {rel}");
        }
        let a = state.analysis.as_ref().unwrap();
        assert!(a.diagnostics.iter().any(|d| d.code.id == "W0605"), "the termbase edits showed");
        assert!(a.diagnostics.iter().any(|d| d.code.id == "E0111"), "the link to an attribute showed");
    }

    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
}
