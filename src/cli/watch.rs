//! Waiting for an author to save: `check --watch` and `serve` re-run when a source file
//! changes. notify watches the folder; the burst of events one save makes (editors write a
//! temporary file, rename it, touch the folder) is folded into one change by waiting until
//! the folder has been quiet for a moment. Only events that change a file count: reading the
//! sources (which every check does) makes open and access events, and counting those would
//! check again forever.

use notify::event::{EventKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::Duration;

/// How long the folder must be quiet before a change is reported.
const QUIET: Duration = Duration::from_millis(150);

pub struct Watch {
    /// Kept so the watch lasts as long as this value.
    _watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    /// The folder or file watched, with links resolved (the paths notify reports are under it).
    root: PathBuf,
    /// What the user typed, to show changed paths as they would write them.
    shown: PathBuf,
    /// Set when the user named one file: only it counts.
    file: Option<PathBuf>,
}

impl Watch {
    /// Starts watching `path` (a folder, recursively, or one file). Start it before the first
    /// check, so a save made while that check runs is not missed.
    pub fn new(path: &Path) -> Result<Watch, String> {
        let root = std::fs::canonicalize(path).map_err(|e| format!("cannot watch `{}`: {e}", path.display()))?;
        let (tx, events) = channel();
        let mut watcher = notify::recommended_watcher(tx).map_err(|e| format!("cannot watch `{}`: {e}", path.display()))?;
        // A single file is watched through its folder: editors that save by renaming a new
        // file over the old one would otherwise end the watch at the first save.
        let (watched, mode, file) = if root.is_dir() {
            (root.clone(), RecursiveMode::Recursive, None)
        } else {
            let parent = root.parent().map(Path::to_path_buf).unwrap_or_else(|| root.clone());
            (parent, RecursiveMode::NonRecursive, Some(root.clone()))
        };
        watcher.watch(&watched, mode).map_err(|e| format!("cannot watch `{}`: {e}", path.display()))?;
        Ok(Watch { _watcher: watcher, events, root, shown: path.to_path_buf(), file })
    }

    /// Blocks until a source file (`.intent`, `.yaml`, `.yml`, not hidden) changes, and returns
    /// the changed files as the user would write them. Err when the watch itself broke.
    pub fn next(&self) -> Result<Vec<String>, String> {
        let mut changed: Vec<String> = Vec::new();
        // Wait for the first change, then gather the rest of the burst until QUIET passes
        // with nothing new.
        while changed.is_empty() {
            let event = self.events.recv().map_err(|_| self.stopped(None))?;
            self.gather(event, &mut changed)?;
        }
        loop {
            match self.events.recv_timeout(QUIET) {
                Ok(event) => self.gather(event, &mut changed)?,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return Err(self.stopped(None)),
            }
        }
        changed.sort();
        changed.dedup();
        Ok(changed)
    }

    fn gather(&self, event: notify::Result<notify::Event>, changed: &mut Vec<String>) -> Result<(), String> {
        let event = event.map_err(|e| self.stopped(Some(e)))?;
        let writes = match event.kind {
            EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any => true,
            EventKind::Modify(ModifyKind::Metadata(_)) => false,
            EventKind::Modify(_) => true,
            EventKind::Access(_) | EventKind::Other => false,
        };
        if writes {
            changed.extend(event.paths.iter().filter_map(|p| self.source_path(p)));
        }
        Ok(())
    }

    fn stopped(&self, e: Option<notify::Error>) -> String {
        match e {
            Some(e) => format!("the watch on `{}` stopped: {e}", self.shown.display()),
            None => format!("the watch on `{}` stopped", self.shown.display()),
        }
    }

    fn source_path(&self, path: &Path) -> Option<String> {
        if let Some(file) = &self.file {
            return (path == file).then(|| self.shown.display().to_string());
        }
        let rel = path.strip_prefix(&self.root).ok()?;
        let hidden = rel.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        let source = matches!(rel.extension().and_then(|x| x.to_str()), Some("intent" | "yaml" | "yml"));
        (source && !hidden).then(|| self.shown.join(rel).to_string_lossy().replace('\\', "/"))
    }
}

/// "a.intent" or "a.intent and 2 other files".
pub fn describe(changed: &[String]) -> String {
    let first = crate::diagnostics::render::escape(changed.first().map(String::as_str).unwrap_or_default(), true);
    match changed.len() {
        0 | 1 => first,
        2 => format!("{first} and 1 other file"),
        n => format!("{first} and {} other files", n - 1),
    }
}
