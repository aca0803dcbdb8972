//! How long `intentc lsp` takes to publish fresh diagnostics after an edit to one file of the
//! reference corpus: the time from writing a `didChange` to reading the
//! `publishDiagnostics` for the edited file's new version, measured as an editor sees it (the
//! binary over pipes, JSON both ways).
//!
//! ```text
//! cargo build --release --bin intentc --example bench_lsp
//! target/release/examples/bench_lsp [--bin target/release/intentc] [--dir intentions] [--runs 40]
//! ```
//!
//! The edits never reach the disk: they are the editor's unsaved buffer. Each kind of edit is
//! made `--runs` times, alternating with the edit that undoes it (both timed), and the median,
//! 90th percentile and maximum are printed as a Markdown table:
//!
//! - `prose`: a word added to an English paragraph of the largest file (its Welsh goes stale);
//! - `reference`: a `measured_by` id mistyped (an unknown id) in the same file;
//! - `new id`: a declaration's id changed, so every reference to it is unknown;
//! - `termbase`: a term's Welsh changed, so every file's Welsh is checked again (the worst case).

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    pid: u32,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("the server reads");
        self.stdin.flush().expect("the server reads");
    }

    /// The server's CPU time so far (user + system), from /proc; `None` off Linux.
    fn cpu(&self) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)).ok()?;
        // Fields after the command name (which is in brackets and may hold spaces).
        let rest = &stat[stat.rfind(')')? + 2..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        // Linux reports in clock ticks of 1/100 s (USER_HZ) on every common configuration.
        Some(Duration::from_millis(ticks * 10))
    }

    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self.incoming.recv_timeout(Duration::from_secs(120)).expect("the server answers within 2 minutes");
            if pred(&m) {
                return m;
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == id && m.get("method").is_none())
    }

    /// Sends the new text and times the arrival of its diagnostics.
    fn edit(&mut self, uri: &str, version: i64, text: &str) -> Duration {
        let msg = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}});
        let started = Instant::now();
        self.send(msg);
        self.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri && m["params"]["version"] == version);
        started.elapsed()
    }
}

fn start(bin: &Path, root: &Path) -> Server {
    let cache = std::env::temp_dir().join("intentc-bench-lsp-cache");
    let mut child = Command::new(bin)
        .arg("lsp")
        .env("XDG_CACHE_HOME", &cache)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        loop {
            let mut length = 0;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if line.trim().is_empty() {
                    break;
                }
                if let Some(n) = line.trim().strip_prefix("Content-Length: ") {
                    length = n.parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if r.read_exact(&mut body).is_err() || tx.send(serde_json::from_slice(&body).unwrap_or(Value::Null)).is_err() {
                return;
            }
        }
    });
    let mut s = Server { pid: child.id(), stdin: child.stdin.take().unwrap(), child, incoming: rx, next_id: 1 };
    let root_uri = format!("file://{}", root.display());
    s.request("initialize", json!({"processId": null, "rootUri": root_uri, "capabilities": {}}));
    s.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    s
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let mut bin = PathBuf::from("target/release/intentc");
    let mut dir = PathBuf::from("intentions");
    let mut runs = 40usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bin" => bin = args.next().map(PathBuf::from).expect("--bin PATH"),
            "--dir" => dir = args.next().map(PathBuf::from).expect("--dir DIR"),
            "--runs" => runs = args.next().and_then(|r| r.parse().ok()).expect("--runs N"),
            other => panic!("unknown argument {other}"),
        }
    }
    let root = std::fs::canonicalize(&dir).expect("the corpus folder");
    let mut server = start(&bin, &root);

    let open = |server: &mut Server, rel: &str| {
        let path = root.join(rel);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let uri = format!("file://{}", path.display());
        let started = Instant::now();
        server.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "intent", "version": 0, "text": text}}}));
        server.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri);
        (uri, text, started.elapsed())
    };
    let (big_uri, big, first) = open(&mut server, "annex-a/2-integration.intent");
    let (terms_uri, terms, _) = open(&mut server, "termbase.intent");
    let files = walk_count(&root);
    println!("Corpus: {} ({files} files); edited file: annex-a/2-integration.intent ({} bytes).", dir.display(), big.len());
    println!("First analysis (open, whole project parsed and checked): {}.\n", ms(first));

    let kinds: Vec<(&str, &str, String, String)> = vec![
        ("prose", big_uri.as_str(), big.clone(), big.replacen("    NOMS expects providers", "    NOMS expects all providers", 1)),
        ("reference", big_uri.as_str(), big.clone(), big.replacen("measured_by CU016", "measured_by CU0016", 1)),
        ("new id", big_uri.as_str(), big.clone(), replace_decl_id(&big)),
        ("termbase", terms_uri.as_str(), terms.clone(), terms.replacen("\"bwriad comisiynu\"", "\"bwriad comisiynu newydd\"", 1)),
    ];
    println!("| edit | edits timed | median | 90th percentile | max | server CPU per edit (mean) |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let mut version = 1;
    for (name, uri, before, after) in kinds {
        assert_ne!(before, after, "the {name} edit changes nothing: has the corpus changed?");
        let mut times = Vec::new();
        let cpu_before = server.cpu();
        for i in 0..runs * 2 {
            let text = if i % 2 == 0 { &after } else { &before };
            times.push(server.edit(uri, version, text));
            version += 1;
        }
        let cpu = match (cpu_before, server.cpu()) {
            (Some(a), Some(b)) => ms((b - a) / times.len() as u32),
            _ => "–".to_string(),
        };
        times.sort();
        println!(
            "| {name} | {} | {} | {} | {} | {cpu} |",
            times.len(),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.9)),
            ms(times[times.len() - 1])
        );
    }
    server.request("shutdown", Value::Null);
    server.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let _ = server.child.wait();
}

/// The file with its first intention's id changed (`1a` → `1a_new`), as an author renaming
/// by hand would leave it for a moment.
fn replace_decl_id(text: &str) -> String {
    let at = text.find("\nintention ").expect("an intention in the file") + "\nintention ".len();
    let end = at + text[at..].find(' ').expect("the id ends");
    format!("{}{}_new{}", &text[..at], &text[at..end], &text[end..])
}

fn walk_count(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|es| {
            es.filter_map(Result::ok)
                .map(|e| {
                    if e.path().is_dir() {
                        walk_count(&e.path())
                    } else {
                        usize::from(e.path().extension().is_some_and(|x| x == "intent" || x == "yaml"))
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
