//! `intentc lsp`: a language server over standard input and output.
//!
//! It is the compiler's own phases behind the Language Server Protocol: the parse, the
//! resolver and the checks run on the project of each open file (its saved files overlaid by
//! the editor's unsaved buffers), and the features read the same syntax trees. The server is
//! synchronous (`lsp-server`): one message at a time, with the analysis run once a batch of
//! edits has arrived, and reused until the next edit.
//!
//! - diagnostics: on open, change and save, for every file of the project, with related
//!   places and each code linked to its explain page;
//! - hover, definition, references, rename ([`features`]);
//! - completion ([`complete`]);
//! - quick fixes: the "did you mean" suggestions, and Welsh stamps ([`actions`]).

mod actions;
mod complete;
mod convert;
mod features;
mod index;
mod schema;
mod workspace;

use crate::diagnostics::{Diagnostic, Policy, Severity};
use convert::{path_key, path_to_url, url_to_path, LineIndex};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{self as lsp, Url};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use workspace::{Analysis, Doc, ProjectState};

/// How the server treats warnings: `--strict` makes missing or stale Welsh an error, as in
/// `intentc check --strict`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub strict: bool,
}

/// Runs the server on standard input and output until the client says `exit`. Returns the
/// process's exit code: 0 after `shutdown` then `exit`, 1 otherwise (as the protocol asks).
pub fn run(options: Options) -> i32 {
    let (connection, io_threads) = Connection::stdio();
    match serve(connection, options) {
        Ok(code) => {
            // The reader stops after `exit`; the writer when the connection is dropped.
            let _ = io_threads.join();
            code
        }
        Err(e) => {
            eprintln!("intentc lsp: {e}");
            1
        }
    }
}

/// Serves one connection (standard IO, or in-memory channels in tests). Returns the exit code.
pub fn serve(connection: Connection, options: Options) -> Result<i32, String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: lsp::InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let result = lsp::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(lsp::ServerInfo { name: "intentc".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
    };
    connection.initialize_finish(id, serde_json::to_value(result).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let mut server = Server::new(&connection, &params, options);
    server.main_loop()
}

fn capabilities() -> lsp::ServerCapabilities {
    use lsp::*;
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            ..Default::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions { prepare_provider: Some(true), work_done_progress_options: Default::default() })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".into(), "[".into(), ",".into(), "(".into()]),
            ..Default::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::SOURCE]),
            ..Default::default()
        })),
        ..Default::default()
    }
}

pub(crate) struct Server<'c> {
    connection: &'c Connection,
    folders: Vec<PathBuf>,
    pub(crate) docs: HashMap<String, Doc>,
    /// The URI each open document was opened with, echoed back in diagnostics.
    urls: HashMap<String, Url>,
    pub(crate) projects: Vec<ProjectState>,
    policy: Policy,
    /// Where the explain pages were written for diagnostics to link to.
    explain: Option<PathBuf>,
    shut_down: bool,
    /// Files whose text changed since diagnostics were last published: they get a fresh
    /// publication even when their diagnostics are the same.
    touched: HashSet<String>,
    watch_files: bool,
    /// The project root of each folder that held an open file, found once: a save or a change
    /// on disk forgets them (a `document` may have been added or moved).
    roots: HashMap<PathBuf, PathBuf>,
}

impl<'c> Server<'c> {
    fn new(connection: &'c Connection, params: &lsp::InitializeParams, options: Options) -> Server<'c> {
        let mut folders: Vec<PathBuf> = params.workspace_folders.iter().flatten().filter_map(|f| url_to_path(&f.uri)).collect();
        #[allow(deprecated)]
        if let Some(root) = params.root_uri.as_ref().and_then(url_to_path) {
            folders.push(root);
        }
        let watch_files = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        Server {
            connection,
            folders,
            docs: HashMap::new(),
            urls: HashMap::new(),
            projects: Vec::new(),
            policy: Policy { strict_welsh: options.strict, deny_warnings: false },
            explain: write_explain_pages(),
            shut_down: false,
            touched: HashSet::new(),
            watch_files,
            roots: HashMap::new(),
        }
    }

    fn main_loop(&mut self) -> Result<i32, String> {
        if self.watch_files {
            self.register_watcher();
        }
        let mut pending: Option<Message> = None;
        loop {
            let msg = match pending.take() {
                Some(m) => m,
                None => match self.connection.receiver.recv() {
                    Ok(m) => m,
                    // The client went away without `exit`.
                    Err(_) => return Ok(1),
                },
            };
            match msg {
                Message::Request(req) => {
                    self.refresh();
                    let response = self.guarded_request(req);
                    self.send(response.into());
                }
                Message::Notification(n) if n.method == lsp::notification::Exit::METHOD => {
                    return Ok(if self.shut_down { 0 } else { 1 });
                }
                Message::Notification(n) => {
                    let method = n.method.clone();
                    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.notification(n))).is_err() {
                        self.log(&format!("internal error while handling {method}"));
                    }
                }
                Message::Response(_) => {}
            }
            // Edits that arrive together are analysed once: if another message is already
            // waiting, take it first.
            if self.projects.iter().any(|p| p.dirty) {
                match self.connection.receiver.try_recv() {
                    Ok(m) => pending = Some(m),
                    Err(_) => self.refresh(),
                }
            }
        }
    }

    fn send(&self, msg: Message) {
        let _ = self.connection.sender.send(msg);
    }

    fn log(&self, message: &str) {
        let params = lsp::LogMessageParams { typ: lsp::MessageType::WARNING, message: format!("intentc: {message}") };
        self.send(Notification::new(lsp::notification::LogMessage::METHOD.into(), params).into());
    }

    fn register_watcher(&self) {
        let options = lsp::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![lsp::FileSystemWatcher { glob_pattern: lsp::GlobPattern::String("**/*.{intent,yaml,yml}".into()), kind: None }],
        };
        let params = lsp::RegistrationParams {
            registrations: vec![lsp::Registration {
                id: "intentc-files".into(),
                method: lsp::notification::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        let req = Request::new(RequestId::from("intentc-register".to_string()), lsp::request::RegisterCapability::METHOD.into(), params);
        self.send(req.into());
    }

    /// Answers a request; a panic in a handler becomes an error response, never a dead server.
    fn guarded_request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let method = req.method.clone();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.request(req))) {
            Ok(r) => r,
            Err(_) => Response::new_err(id, ErrorCode::InternalError as i32, format!("internal error while answering {method}")),
        }
    }

    fn request(&mut self, req: Request) -> Response {
        use lsp::request::*;
        let id = req.id.clone();
        if self.shut_down {
            return Response::new_err(id, ErrorCode::InvalidRequest as i32, "the server is shutting down".into());
        }
        fn params<P: serde::de::DeserializeOwned>(req: &lsp_server::Request) -> Result<P, Response> {
            serde_json::from_value(req.params.clone())
                .map_err(|e| Response::new_err(req.id.clone(), ErrorCode::InvalidParams as i32, format!("invalid params: {e}")))
        }
        macro_rules! answer {
            ($req:ty, $f:expr) => {
                match params::<<$req as lsp::request::Request>::Params>(&req) {
                    Ok(p) => match $f(self, p) {
                        Ok(result) => Response::new_ok(id, result),
                        Err(message) => Response::new_err(id, ErrorCode::RequestFailed as i32, message),
                    },
                    Err(r) => r,
                }
            };
        }
        match req.method.as_str() {
            Shutdown::METHOD => {
                self.shut_down = true;
                Response::new_ok(id, ())
            }
            HoverRequest::METHOD => answer!(HoverRequest, features::hover),
            GotoDefinition::METHOD => answer!(GotoDefinition, features::definition),
            References::METHOD => answer!(References, features::references),
            PrepareRenameRequest::METHOD => answer!(PrepareRenameRequest, features::prepare_rename),
            Rename::METHOD => answer!(Rename, features::rename),
            DocumentSymbolRequest::METHOD => answer!(DocumentSymbolRequest, features::document_symbols),
            Completion::METHOD => answer!(Completion, complete::completion),
            CodeActionRequest::METHOD => answer!(CodeActionRequest, actions::code_actions),
            _ => Response::new_err(id, ErrorCode::MethodNotFound as i32, format!("`{}` is not supported", req.method)),
        }
    }

    fn notification(&mut self, n: Notification) {
        use lsp::notification::*;
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD) else { return };
                let Some(path) = url_to_path(&p.text_document.uri) else { return };
                let key = path_key(&path);
                // Only policy files: a project is not opened for any other file the client sends.
                if !workspace::is_source(&key) {
                    return;
                }
                self.urls.insert(key.clone(), p.text_document.uri);
                self.docs.insert(key.clone(), Doc { text: p.text_document.text, version: p.text_document.version });
                let i = self.project_index(&path);
                self.projects[i].dirty = true;
                self.touched.insert(key);
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp::DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD) else { return };
                let Some(path) = url_to_path(&p.text_document.uri) else { return };
                let key = path_key(&path);
                let Some(doc) = self.docs.get_mut(&key) else { return };
                for change in p.content_changes {
                    apply_change(&mut doc.text, change);
                }
                doc.version = p.text_document.version;
                for project in self.projects.iter_mut().filter(|pr| pr.contains(&path)) {
                    project.dirty = true;
                }
                self.touched.insert(key);
            }
            DidSaveTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp::DidSaveTextDocumentParams>(DidSaveTextDocument::METHOD) else { return };
                let Some(path) = url_to_path(&p.text_document.uri) else { return };
                let key = path_key(&path);
                self.roots.clear();
                // Other files may have changed on disk too (a formatter, a checkout).
                for project in self.projects.iter_mut().filter(|pr| pr.contains(&path)) {
                    project.rescan();
                }
                self.touched.insert(key);
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD) else { return };
                let Some(path) = url_to_path(&p.text_document.uri) else { return };
                let key = path_key(&path);
                self.docs.remove(&key);
                for project in self.projects.iter_mut().filter(|pr| pr.contains(&path)) {
                    project.reread(&key);
                }
                self.touched.insert(key);
            }
            DidChangeWatchedFiles::METHOD => {
                let Ok(p) = n.extract::<lsp::DidChangeWatchedFilesParams>(DidChangeWatchedFiles::METHOD) else { return };
                self.roots.clear();
                for change in p.changes {
                    let Some(path) = url_to_path(&change.uri) else { continue };
                    let key = path_key(&path);
                    for project in self.projects.iter_mut().filter(|pr| pr.contains(&path)) {
                        project.reread(&key);
                    }
                }
            }
            _ => {}
        }
    }

    /// The project a file belongs to, opened if it is not yet.
    fn project_index(&mut self, path: &Path) -> usize {
        let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        let root = match self.roots.get(&dir) {
            Some(r) => r.clone(),
            None => {
                let r = workspace::find_root(path, &self.folders, &self.docs);
                self.roots.insert(dir, r.clone());
                r
            }
        };
        if let Some(i) = self.projects.iter().position(|p| p.root == root) {
            return i;
        }
        let project = ProjectState::new(root);
        if !project.complete {
            self.log(&format!(
                "`{}` holds more than {} policy files or {} entries: only the first were read. Open a folder that holds one project's `document`.",
                project.root.display(),
                workspace::MAX_FILES,
                workspace::MAX_ENTRIES
            ));
        }
        self.projects.push(project);
        self.projects.len() - 1
    }

    /// The project holding a document, with its analysis brought up to date, and the file.
    pub(crate) fn prepare(&mut self, url: &Url) -> Result<(usize, crate::source::FileId), String> {
        let path = url_to_path(url).ok_or_else(|| format!("`{url}` is not a file"))?;
        let key = path_key(&path);
        if !workspace::is_source(&key) {
            return Err(format!("`{key}` is not an .intent or targets file"));
        }
        let i = self.project_index(&path);
        if self.projects[i].dirty || self.projects[i].analysis.is_none() {
            self.refresh();
        }
        let file = self.analysis(i)?.file_id(&key).ok_or_else(|| format!("`{key}` is not in the project"))?;
        Ok((i, file))
    }

    pub(crate) fn analysis(&self, project: usize) -> Result<&Analysis, String> {
        self.projects.get(project).and_then(|p| p.analysis.as_ref()).ok_or_else(|| "the project could not be analysed".to_string())
    }

    pub(crate) fn url_of(&self, path: &str) -> Option<Url> {
        self.urls.get(path).cloned().or_else(|| path_to_url(path))
    }

    /// Analyses every project with changes, and publishes the diagnostics that changed.
    fn refresh(&mut self) {
        let policy = self.policy;
        for i in 0..self.projects.len() {
            if !self.projects[i].dirty {
                continue;
            }
            let docs = &self.docs;
            let project = &mut self.projects[i];
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| project.analyse(docs, policy))).is_err() {
                project.dirty = false;
                self.log("internal error while checking the project");
                continue;
            }
            self.publish(i);
        }
        self.touched.clear();
    }

    fn publish(&mut self, i: usize) {
        let Some(analysis) = &self.projects[i].analysis else { return };
        let mut by_file: HashMap<String, Vec<lsp::Diagnostic>> = HashMap::new();
        for f in &analysis.project.files {
            by_file.insert(f.path.clone(), Vec::new());
        }
        for d in &analysis.diagnostics {
            let path = &analysis.project.file(d.primary.span.file).path;
            let converted = to_lsp_diagnostic(self, analysis, d);
            by_file.entry(path.clone()).or_default().push(converted);
        }
        // A file under a nested project's root (one found later, when a `document` was added
        // below this root) is that project's to report: one list of diagnostics per file.
        let root = &self.projects[i].root;
        let nested: Vec<PathBuf> = self.projects.iter().map(|p| &p.root).filter(|r| *r != root && r.starts_with(root)).cloned().collect();
        let is_nested = |path: &str| nested.iter().any(|r| Path::new(path).starts_with(r));
        by_file.retain(|path, _| !is_nested(path));
        self.projects[i].published.retain(|path, _| !is_nested(path));
        let mut notes = Vec::new();
        let published = &self.projects[i].published;
        // Files that left the project get an empty list, so their old diagnostics go.
        for path in published.keys() {
            if !by_file.contains_key(path) {
                notes.push((path.clone(), Vec::new()));
            }
        }
        for (path, diags) in by_file {
            let same = published.get(&path).is_some_and(|old| *old == diags) || (diags.is_empty() && !published.contains_key(&path));
            if !same || self.touched.contains(&path) {
                notes.push((path, diags));
            }
        }
        // The edited files first: the author is looking at them.
        notes.sort_by(|a, b| (!self.touched.contains(&a.0), &a.0).cmp(&(!self.touched.contains(&b.0), &b.0)));
        for (path, diags) in notes {
            let Some(uri) = self.url_of(&path) else { continue };
            let version = self.docs.get(&path).map(|d| d.version);
            let params = lsp::PublishDiagnosticsParams { uri, diagnostics: diags.clone(), version };
            self.send(Notification::new(lsp::notification::PublishDiagnostics::METHOD.into(), params).into());
            let published = &mut self.projects[i].published;
            if diags.is_empty() {
                published.remove(&path);
            } else {
                published.insert(path, diags);
            }
        }
    }
}

/// Applies one change from the editor: a range replaced, or the whole text. Positions past
/// the end are clamped; a reversed range is read in order.
fn apply_change(text: &mut String, change: lsp::TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let lines = LineIndex::new(text);
            let a = lines.offset(text, range.start);
            let b = lines.offset(text, range.end);
            text.replace_range(a.min(b)..a.max(b), &change.text);
        }
    }
}

pub(crate) fn to_lsp_diagnostic(server: &Server, analysis: &Analysis, d: &Diagnostic) -> lsp::Diagnostic {
    let range = |span: crate::source::Span| {
        let f = analysis.project.file(span.file);
        analysis.lines[span.file.0 as usize].range(&f.text, span.start(), span.end())
    };
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter_map(|l| {
            let uri = server.url_of(&analysis.project.file(l.span.file).path)?;
            Some(lsp::DiagnosticRelatedInformation { location: lsp::Location { uri, range: range(l.span) }, message: l.message.clone() })
        })
        .collect();
    let mut message = d.message.clone();
    if !d.primary.message.is_empty() && d.primary.message != d.message {
        message.push_str(&format!(" ({})", d.primary.message));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let code_description = server.explain.as_ref().and_then(|dir| Url::from_file_path(dir.join(format!("{}.md", d.code.id))).ok());
    if code_description.is_none() {
        message.push_str(&format!("\n(`intentc explain {}` says more)", d.code.id));
    }
    lsp::Diagnostic {
        range: range(d.primary.span),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(d.code.id.into())),
        code_description: code_description.map(|href| lsp::CodeDescription { href }),
        source: Some("intentc".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// Writes every code's explain page (the text `intentc explain` prints) to a cache folder of
/// this version, for diagnostics to link to: they open in the editor, offline. `None` if the
/// folder cannot be written.
fn write_explain_pages() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join("intentc").join(concat!("explain-", env!("CARGO_PKG_VERSION")));
    std::fs::create_dir_all(&dir).ok()?;
    for code in crate::diagnostics::registry::ALL {
        let page = code.explanation().map(str::to_string).unwrap_or_else(|| format!("# {}: {}\n", code.id, code.title));
        let path = dir.join(format!("{}.md", code.id));
        if std::fs::read_to_string(&path).ok().as_deref() != Some(page.as_str()) {
            crate::cli::load::write_atomically(&path, page.as_bytes()).ok()?;
        }
    }
    Some(dir)
}
