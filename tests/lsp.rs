//! `intentc lsp`, driven as an editor drives it: the binary is started, and scripted JSON-RPC
//! sessions go over its standard input and output. Every wait has a time limit, so a server
//! that hangs fails the test instead of stalling it.

mod common;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Notifications (and requests from the server) not yet looked at.
    stash: Vec<Value>,
    next_id: i64,
    _cache: tempfile::TempDir,
}

impl Client {
    fn start(args: &[&str]) -> Client {
        let cache = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_intentc"))
            .arg("lsp")
            .args(args)
            .env("XDG_CACHE_HOME", cache.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("intentc lsp starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                if tx.send(serde_json::from_slice::<Value>(&body).expect("JSON from the server")).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Client { child, stdin, incoming: rx, stash: Vec::new(), next_id: 1, _cache: cache }
    }

    fn send(&mut self, msg: &Value) {
        let body = serde_json::to_string(msg).unwrap();
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns the whole response (with `result` or `error`).
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none(), &format!("the answer to {method}"))
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.call(method, params);
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    fn wait_for(&mut self, pred: impl Fn(&Value) -> bool, what: &str) -> Value {
        if let Some(i) = self.stash.iter().position(&pred) {
            return self.stash.remove(i);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = self.incoming.recv_timeout(left).unwrap_or_else(|_| panic!("no {what} within {WAIT:?}"));
            if pred(&m) {
                return m;
            }
            self.stash.push(m);
        }
    }

    /// The next diagnostics published for a file (earlier ones for it are dropped).
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let is_it = |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri;
        self.stash.retain(|m| !is_it(m));
        let m = self.wait_for(is_it, &format!("diagnostics for {uri}"));
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn initialize(&mut self, root: &Path) -> Value {
        let r = self.request(
            "initialize",
            json!({"processId": null, "rootUri": uri(root), "capabilities": {}, "workspaceFolders": [{"uri": uri(root), "name": "w"}]}),
        );
        self.notify("initialized", json!({}));
        r
    }

    fn open(&mut self, path: &Path) -> String {
        let text = std::fs::read_to_string(path).unwrap();
        self.open_text(path, &text)
    }

    fn open_text(&mut self, path: &Path, text: &str) -> String {
        let u = uri(path);
        self.notify("textDocument/didOpen", json!({"textDocument": {"uri": u, "languageId": "intent", "version": 1, "text": text}}));
        u
    }

    fn change(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// `shutdown` then `exit`: the server must end, with exit code 0.
    fn finish(mut self) {
        let r = self.call("shutdown", json!(null));
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", json!(null));
        drop(self.stdin.take());
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert_eq!(status.code(), Some(0), "exit code after shutdown and exit");
                return;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A copy of the reference corpus in a fresh folder (the tests edit and rename in it).
fn corpus() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("intentions");
    common::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("intentions"), &root);
    (dir, root)
}

/// The protocol position (line, UTF-16 column) of the `nth` occurrence of `needle`, plus `ahead`
/// characters.
fn pos(text: &str, needle: &str, nth: usize, ahead: usize) -> Value {
    let at = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("`{needle}` #{nth} not found")).0;
    let before = &text[..at];
    let line = before.matches('\n').count();
    let col: usize = before.rsplit('\n').next().unwrap().chars().map(char::len_utf16).sum();
    json!({"line": line, "character": col + ahead})
}

fn td(uri: &str, position: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position})
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags.iter().map(|d| d["code"].as_str().unwrap_or("").to_string()).collect()
}

#[test]
fn a_scripted_session_on_the_corpus() {
    let (_dir, root) = corpus();
    let mut c = Client::start(&[]);
    let init = c.initialize(&root);
    let caps = &init["capabilities"];
    for cap in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "completionProvider",
        "documentSymbolProvider",
        "codeActionProvider",
    ] {
        assert!(!caps[cap].is_null(), "{cap} missing from {caps}");
    }

    // didOpen with a mistake: the diagnostic comes with its code and a link to its page.
    let file = root.join("annex-a/1-public-protection.intent");
    let good = std::fs::read_to_string(&file).unwrap();
    let bad = good.replacen("  theme   enabling_rehabilitation", "  theme   enabling_rehabilitatoin", 1);
    let u = c.open_text(&file, &bad);
    let diags = c.diagnostics(&u);
    assert_eq!(codes(&diags), ["E0202"], "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["severity"], 1);
    assert!(d["message"].as_str().unwrap().contains("did you mean `enabling_rehabilitation`?"), "{d}");
    let href = d["codeDescription"]["href"].as_str().unwrap();
    assert!(href.starts_with("file://") && href.ends_with("/E0202.md"), "{href}");
    let page = std::fs::read_to_string(href.trim_start_matches("file://")).unwrap();
    assert!(page.contains("## Wrong") && page.contains("## Right"), "the linked page is the explain page");
    assert_eq!(d["range"]["start"], pos(&bad, "enabling_rehabilitatoin\n", 0, 0));

    // The quick fix for the suggestion.
    let actions =
        c.request("textDocument/codeAction", json!({"textDocument": {"uri": u}, "range": d["range"], "context": {"diagnostics": [d]}}));
    let fix = actions.as_array().unwrap().iter().find(|a| a["kind"] == "quickfix").expect("a quick fix");
    assert_eq!(fix["title"], "Replace `enabling_rehabilitatoin` with `enabling_rehabilitation`");
    let edit = &fix["edit"]["changes"][&u][0];
    assert_eq!(edit["newText"], "enabling_rehabilitation");
    assert_eq!(edit["range"], d["range"]);

    // didChange fixing it: no diagnostics.
    c.change(&u, 2, &good);
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());

    // Hover on a theme: its kind and its title in both languages.
    let h = c.request("textDocument/hover", td(&u, pos(&good, "theme   enabling_rehabilitation", 0, 10)));
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**theme** `enabling_rehabilitation`"), "{text}");
    assert!(
        text.contains("Enabling rehabilitation and desistance") && text.contains("Galluogi adsefydlu ac ymatal rhag troseddu"),
        "{text}"
    );

    // Hover on a requirement: its measure and target.
    let h = c.request("textDocument/hover", td(&u, pos(&good, "measured_by CU016", 0, 13)));
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("**delivery requirement** `CU016`") && text.contains("*Measure:*") && text.contains("*Target:* percent"),
        "{text}"
    );
    assert!(text.contains("*Cymraeg:*"), "{text}");

    // Definition: the theme is declared in the same file; the requirement in annex C.
    let def = c.request("textDocument/definition", td(&u, pos(&good, "measured_by CU016", 0, 13)));
    assert_eq!(def["uri"], uri(&root.join("annex-c/custody.intent")));
    let custody = std::fs::read_to_string(root.join("annex-c/custody.intent")).unwrap();
    assert_eq!(def["range"]["start"], pos(&custody, "requirement CU016", 0, 12));

    // References: the declaration, the intentions that measure by it, the targets files.
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": u}, "position": pos(&good, "measured_by CU016", 0, 13), "context": {"includeDeclaration": true}}),
    );
    let uris: Vec<&str> = refs.as_array().unwrap().iter().map(|l| l["uri"].as_str().unwrap()).collect();
    assert_eq!(uris.len(), 1 + 3 + 4, "{uris:?}");
    assert!(uris.iter().any(|x| x.ends_with("targets/hmp-parc.yaml")), "{uris:?}");
    let without = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": u}, "position": pos(&good, "measured_by CU016", 0, 13), "context": {"includeDeclaration": false}}),
    );
    assert_eq!(without.as_array().unwrap().len(), uris.len() - 1);

    // Rename across files, targets files included; refused to a taken id or a non-id.
    let at = td(&u, pos(&good, "measured_by CU016", 0, 13));
    let prep = c.request("textDocument/prepareRename", at.clone());
    assert_eq!(prep["placeholder"], "CU016");
    let mut params = at.clone();
    params["newName"] = json!("CU016x");
    let edit = c.request("textDocument/rename", params.clone());
    let changes = edit["changes"].as_object().unwrap();
    let mut files: Vec<&String> = changes.keys().collect();
    files.sort();
    let short: Vec<String> = files.iter().map(|f| f.rsplit("intentions/").next().unwrap().to_string()).collect();
    assert_eq!(
        short,
        [
            "annex-a/1-public-protection.intent",
            "annex-a/2-integration.intent",
            "annex-c/custody.intent",
            "establishments/targets/hmp-altcourse.yaml",
            "establishments/targets/hmp-cardiff.yaml",
            "establishments/targets/hmp-leeds.yaml",
            "establishments/targets/hmp-parc.yaml",
        ]
    );
    assert_eq!(changes.values().map(|v| v.as_array().unwrap().len()).sum::<usize>(), 8);
    assert!(changes.values().flat_map(|v| v.as_array().unwrap()).all(|e| e["newText"] == "CU016x"));
    params["newName"] = json!("CU001");
    let refused = c.call("textDocument/rename", params.clone());
    assert!(refused["error"]["message"].as_str().unwrap().contains("already declared"), "{refused}");
    params["newName"] = json!("not an id");
    let refused = c.call("textDocument/rename", params);
    assert!(refused["error"]["message"].as_str().unwrap().contains("is not an id"), "{refused}");

    // Completion: a field takes ids of its kind; field names at the start of a line.
    let edited = good.replacen("  theme   enabling_rehabilitation", "  theme   ", 1);
    c.change(&u, 3, &edited);
    let list = c.request("textDocument/completion", td(&u, pos(&edited, "  theme   \n", 0, 10)));
    let labels: Vec<&str> = list["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"enabling_rehabilitation") && labels.contains(&"safety_and_security"), "{labels:?}");
    assert!(!labels.contains(&"1a") && !labels.contains(&"CU016"), "only themes: {labels:?}");
    let edited = good.replacen("  theme   enabling_rehabilitation", "  th", 1);
    c.change(&u, 4, &edited);
    let list = c.request("textDocument/completion", td(&u, pos(&edited, "  th\n", 0, 4)));
    let labels: Vec<&str> = list["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["theme"]);
    // A field the declaration already has (`title`, below the cursor) is not offered again.
    let edited = good.replacen("  theme   enabling_rehabilitation", "  t", 1);
    c.change(&u, 4, &edited);
    let list = c.request("textDocument/completion", td(&u, pos(&edited, "  t\n", 0, 3)));
    let labels: Vec<&str> = list["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["theme"]);
    c.change(&u, 5, &good);

    // The outline.
    let symbols = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": u}}));
    let names: Vec<&str> = symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(&names[..3], ["enabling_rehabilitation", "safety_and_security", "1a"]);
    assert!(symbols[2]["detail"].as_str().unwrap().starts_with("intention: There is a sense of purpose"));

    // Welsh: the English changed, so the Welsh is stale; the stamp fixes one text or the file.
    let stale = good.replacen("Safety and Security", "Safety and security", 1);
    c.change(&u, 6, &stale);
    let diags = c.diagnostics(&u);
    assert_eq!(codes(&diags), ["W0602"]);
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": diags[0]["range"], "context": {"diagnostics": diags}}),
    );
    let titles: Vec<&str> = actions.as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "Stamp this Welsh text: it was translated from the current English",
            "Stamp every Welsh text in this file (1 text), as `intentc welsh stamp` does"
        ]
    );
    let edit = &actions[0]["edit"]["changes"][&u][0];
    let digest = intentc::syntax::text::digest("Safety and security");
    assert_eq!(edit["newText"], format!("cy@{digest}"));
    let stamped = stale.replacen("cy@9fd443d3", &format!("cy@{digest}"), 1);
    c.change(&u, 7, &stamped);
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());

    c.finish();
}

#[test]
fn related_places_and_rules() {
    let (_dir, root) = corpus();
    let mut c = Client::start(&["--strict"]);
    c.initialize(&root);
    // A second declaration of a theme, in another file: the first is a related place.
    let file = root.join("annex-a/2-integration.intent");
    let text = std::fs::read_to_string(&file).unwrap();
    let dup = format!(
        "{text}\ntheme safety_and_security {{\n  title {{ en \"Safety and Security\" cy@9fd443d3 \"Diogelwch a Diogeledd\" }}\n}}\n"
    );
    let u = c.open_text(&file, &dup);
    let diags = c.diagnostics(&u);
    assert_eq!(codes(&diags), ["E0201"]);
    let related = &diags[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri(&root.join("annex-a/1-public-protection.intent")));
    assert!(related["message"].as_str().unwrap().contains("declared here first"));
    // Closed without saving: the file on disk is what counts again.
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());
    // Saved: the text on disk is read again.
    std::fs::write(&file, &dup).unwrap();
    let u = c.open(&file);
    assert_eq!(codes(&c.diagnostics(&u)), ["E0201"]);
    std::fs::write(&file, &text).unwrap();
    c.change(&u, 2, &text);
    c.notify("textDocument/didSave", json!({"textDocument": {"uri": u}}));
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());

    // Hover on a rule: its decision and where it comes from.
    let file = root.join("annex-a/4a-targeting/4-sex-offenders.intent");
    let text = std::fs::read_to_string(&file).unwrap();
    let u = c.open(&file);
    let h = c.request("textDocument/hover", td(&u, pos(&text, "invest 1 core_sotp", 0, 1)));
    let v = h["contents"]["value"].as_str().unwrap();
    assert!(v.contains("**rule** `") && v.contains("*Decision:* invest in `core_sotp`"), "{v}");
    assert!(v.contains("*Source:* targeting `"), "{v}");

    // A targeting is named by `overrides` and by cross-references in prose: rename finds both.
    let mut params = td(&u, pos(&text, "  overrides reconviction_bands", 0, 14));
    params["newName"] = json!("ogrs_table");
    let edit = c.request("textDocument/rename", params);
    let changes = edit["changes"].as_object().unwrap();
    let links = &changes[&uri(&root.join("annex-a/4a-targeting/2-likelihood-of-reconviction.intent"))];
    assert_eq!(links.as_array().unwrap().len(), 2, "the English and Welsh links: {links}");
    let likelihood = std::fs::read_to_string(root.join("annex-a/4a-targeting/2-likelihood-of-reconviction.intent")).unwrap();
    assert_eq!(links[0]["range"]["start"], pos(&likelihood, "#reconviction_bands", 0, 1));
    assert_eq!(changes.values().map(|v| v.as_array().unwrap().len()).sum::<usize>(), 1 + 4 + 2);

    // An attribute's values are named things too: hover, definition, rename.
    let at = td(&u, pos(&text, "when sex == male", 0, 13));
    let h = c.request("textDocument/hover", at.clone());
    assert!(h["contents"]["value"].as_str().unwrap().starts_with("**option** `male` of `sex`"), "{h}");
    let def = c.request("textDocument/definition", at.clone());
    let attributes = std::fs::read_to_string(root.join("annex-a/4a-targeting/attributes.intent")).unwrap();
    assert_eq!(def["uri"], uri(&root.join("annex-a/4a-targeting/attributes.intent")));
    assert_eq!(def["range"]["start"], pos(&attributes, "options male", 0, 8));
    let mut params = at.clone();
    params["newName"] = json!("female");
    let refused = c.call("textDocument/rename", params.clone());
    assert!(refused["error"]["message"].as_str().unwrap().contains("`sex` already has a value `female`"), "{refused}");
    params["newName"] = json!("men");
    let edit = c.request("textDocument/rename", params);
    let changes = edit["changes"].as_object().unwrap();
    let total: usize = changes.values().map(|v| v.as_array().unwrap().len()).sum();
    let in_conditions: usize = std::fs::read_dir(root.join("annex-a/4a-targeting"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .map(|t| t.lines().filter(|l| !l.trim_start().starts_with("//")).map(|l| l.matches("sex == male").count()).sum::<usize>())
        .sum();
    assert!(in_conditions >= 2);
    assert_eq!(total, 1 + in_conditions, "the option and every condition that names it: {changes:?}");

    // Completion in a condition: attributes, then the values of one.
    let edited = text.replacen("when sex == male\n", "when sex == \n", 1);
    c.change(&u, 2, &edited);
    let list = c.request("textDocument/completion", td(&u, pos(&edited, "when sex == \n", 0, 12)));
    let labels: Vec<&str> = list["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["male", "female"]);
    let edited = text.replacen("when sex == male\n", "when \n", 1);
    c.change(&u, 3, &edited);
    let list = c.request("textDocument/completion", td(&u, pos(&edited, "when \n", 0, 5)));
    let labels: Vec<&str> = list["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"ogrs3") && labels.contains(&"index_offence") && !labels.contains(&"core_sotp"), "{labels:?}");
    c.finish();
}

#[test]
fn hostile_input_does_not_break_the_server() {
    let (_dir, root) = corpus();
    let mut c = Client::start(&[]);
    c.initialize(&root);
    // A 10 MB buffer: reported (too large), quickly.
    let big = root.join("big.intent");
    let text = format!("// {}\n", "x".repeat(10 * 1024 * 1024));
    let started = Instant::now();
    let u = c.open_text(&big, &text);
    assert_eq!(codes(&c.diagnostics(&u)), ["E0002"]);
    assert!(started.elapsed() < Duration::from_secs(30));
    // Positions past the end of a line or of the file.
    let h = c.call("textDocument/hover", td(&u, json!({"line": 1_000_000, "character": 1_000_000})));
    assert!(h.get("error").is_none(), "{h}");
    let r = c.call("textDocument/completion", td(&u, json!({"line": 0, "character": 4_000_000_000u32})));
    assert!(r.get("error").is_none(), "{r}");
    // An edit with a range past the end.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"range": {"start": {"line": 99, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "ü"}]}),
    );
    assert!(!c.diagnostics(&u).is_empty());
    // Unknown methods and malformed params get errors, not silence.
    let r = c.call("textDocument/noSuchThing", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    let r = c.call("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(r["error"]["code"], -32602);
    // A document outside any project folder, and a URI that is not a file.
    let r = c.call("textDocument/hover", td("untitled:Untitled-1", json!({"line": 0, "character": 0})));
    assert!(r.get("error").is_some());
    c.notify("textDocument/didOpen", json!({"textDocument": {"uri": "untitled:1", "languageId": "intent", "version": 1, "text": "x"}}));
    // Still answering.
    let file = root.join("annex-c/headings.intent");
    let text = std::fs::read_to_string(&file).unwrap();
    let u = c.open(&file);
    let h = c.request("textDocument/hover", td(&u, pos(&text, "heading regimes", 0, 9)));
    assert!(h["contents"]["value"].as_str().unwrap().contains("**heading** `regimes`"));
    c.finish();
}

#[test]
fn a_malformed_message_ends_the_server_instead_of_hanging_it() {
    let (_dir, root) = corpus();
    let mut c = Client::start(&[]);
    c.initialize(&root);
    let stdin = c.stdin.as_mut().unwrap();
    write!(stdin, "Content-Length: 9\r\n\r\n{{not json").unwrap();
    stdin.flush().unwrap();
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(status) = c.child.try_wait().unwrap() {
            // Not a clean shutdown: the protocol's exit code for that is 1.
            assert_eq!(status.code(), Some(1));
            return;
        }
        assert!(Instant::now() < deadline, "the server neither answered nor ended");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_nested_project_reports_its_own_files() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(w.join(".git")).unwrap();
    std::fs::create_dir_all(w.join("sub")).unwrap();
    let prelude = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prelude.intent")).unwrap();
    std::fs::write(w.join("sub/00-document.intent"), &prelude).unwrap();
    // The same partner again, outside `sub`: for a project of the whole folder, the one in
    // `sub` is then declared a second time.
    let partner = prelude.split("partner noms").nth(1).map(|p| format!("partner noms{p}")).unwrap();
    std::fs::write(w.join("a.intent"), &partner).unwrap();
    let doc = w.join("sub/00-document.intent");
    let u = uri(&doc);
    let mut c = Client::start(&[]);
    c.initialize(&w);
    // `a.intent` has no `document` beside it: its project is the repository (`.git`).
    let a = c.open(&w.join("a.intent"));
    assert_eq!(codes(&c.diagnostics(&u)), ["E0201"], "the whole folder's view");
    // `sub` holds a document: its files are a project of their own, which is clean.
    c.open(&doc);
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());
    // The outer project, checked again, no longer reports on `sub`'s files.
    c.change(&a, 2, &format!("\n{partner}"));
    c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": u}}));
    let published: Vec<&Value> =
        c.stash.iter().filter(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == u).collect();
    assert!(published.iter().all(|m| m["params"]["diagnostics"] == json!([])), "{published:?}");
    c.finish();
}
