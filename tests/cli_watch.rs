//! `check --watch` and `serve`: a real process, a real folder, real saves. Every wait is
//! bounded and every process is killed when its test ends, pass or fail.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(20);

fn intentc(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_intentc")).args(args).current_dir(dir).env("NO_COLOR", "1").output().expect("intentc runs")
}

/// A running intentc whose stderr is read line by line; killed when dropped.
struct Running {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(args: &[&str], dir: &Path) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_intentc"))
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("intentc starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running { child, lines, seen: Vec::new() }
    }

    /// The next line that contains `needle`, waiting at most PATIENCE.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("no line with `{needle}` within {PATIENCE:?}; saw:\n{}", self.seen.join("\n"));
    }

    /// The lines printed during `wait`.
    fn lines_during(&mut self, wait: Duration) -> Vec<String> {
        let deadline = Instant::now() + wait;
        let mut out = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => out.push(line),
                Err(_) => break,
            }
        }
        out
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn starter() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(intentc(&["init", "policy"], tmp.path()).status.code(), Some(0));
    tmp
}

const BROKEN: &str = "intention 9 {\n  // <script>alert(1)</script>\n  titel { en \"x\" cy \"y\" }\n}\n";

#[test]
fn check_watch_checks_again_after_a_save_and_only_then() {
    let tmp = starter();
    let mut run = Running::start(&["check", "policy", "--watch"], tmp.path());
    run.wait_for("checked 7 files: 0 errors, 0 warnings");
    run.wait_for("watching");
    std::fs::write(tmp.path().join("policy/zz.intent"), BROKEN).unwrap();
    run.wait_for("policy/zz.intent changed: checking again");
    run.wait_for("checked 8 files: 1 error, 0 warnings");
    // Reading the sources is not a change: no check follows by itself.
    let after = run.lines_during(Duration::from_millis(1500));
    assert!(!after.iter().any(|l| l.contains("checking again")), "checked again with no save: {after:?}");
    // A file that is not a source (an editor's swap file, notes) is not a change either.
    std::fs::write(tmp.path().join("policy/.zz.intent.swp"), "x").unwrap();
    std::fs::write(tmp.path().join("policy/notes.txt"), "x").unwrap();
    let after = run.lines_during(Duration::from_millis(1000));
    assert!(!after.iter().any(|l| l.contains("checking again")), "{after:?}");
    std::fs::remove_file(tmp.path().join("policy/zz.intent")).unwrap();
    run.wait_for("checked 7 files: 0 errors, 0 warnings");
}

/// GET over loopback: (status, body).
fn get(port: u16, path: &str, host: &str) -> (u16, String) {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("the server is listening");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("a response");
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// Fetches `path` until `ok` holds for the answer, within PATIENCE.
fn poll(port: u16, path: &str, what: &str, ok: impl Fn(u16, &str) -> bool) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let (status, body) = get(port, path, &format!("127.0.0.1:{port}"));
        if ok(status, &body) {
            return body;
        }
        assert!(Instant::now() < deadline, "{what}: not seen within {PATIENCE:?}; last answer {status}:\n{body}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serve_serves_on_loopback_and_rebuilds_on_save() {
    let tmp = starter();
    let mut run = Running::start(&["serve", "policy", "--port", "0"], tmp.path());
    let line = run.wait_for("serving");
    let port: u16 = line.split("http://127.0.0.1:").nth(1).and_then(|r| r.split('/').next()).and_then(|p| p.parse().ok()).expect(&line);
    let host = format!("127.0.0.1:{port}");

    let (status, page) = get(port, "/en/index.html", &host);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Enhance public protection"), "{page}");
    assert!(page.contains("/__intentc/version"), "served pages reload themselves");
    assert!(!page.contains("would refuse to publish"), "no banner while the Welsh is ready");
    assert_eq!(get(port, "/", &host).0, 200);
    assert_eq!(get(port, "/en", &host).0, 301, "a folder without its slash is redirected");
    assert_eq!(get(port, "/nothing.html", &host).0, 404);
    assert_eq!(get(port, "/", "evil.example:80").0, 403, "another site's name for 127.0.0.1 is refused");
    let (_, version) = get(port, "/__intentc/version", &host);

    // An edit: the page changes, and the stale Welsh it leaves is announced in a banner.
    let file = tmp.path().join("policy/01-intentions.intent");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("Enhance public protection", "Enhance public safety")).unwrap();
    let page = poll(port, "/en/index.html", "the edit", |s, b| s == 200 && b.contains("Enhance public safety"));
    assert!(page.contains("would refuse to publish"), "{page}");
    assert_ne!(get(port, "/__intentc/version", &host).1, version, "the open page sees a new version");

    // A mistake: every page shows the errors, escaped, instead of the old documents.
    std::fs::write(tmp.path().join("policy/zz.intent"), BROKEN).unwrap();
    let page = poll(port, "/en/index.html", "the errors", |s, _| s == 500);
    assert!(page.contains("E0105") && page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{page}");
    assert!(!page.contains("<script>alert(1)"), "the sources reach the page escaped");
    assert!(!page.contains("Skip to main content"), "no old documents beside the errors");

    // Fixed and stamped: the documents are back, without the banner.
    std::fs::remove_file(tmp.path().join("policy/zz.intent")).unwrap();
    assert_eq!(intentc(&["welsh", "stamp", "policy"], tmp.path()).status.code(), Some(0));
    poll(port, "/en/index.html", "the fix", |s, b| s == 200 && b.contains("Enhance public safety") && !b.contains("would refuse"));
    drop(run);

    // `build` never writes the reload script.
    assert_eq!(intentc(&["build", "policy", "--out", "site"], tmp.path()).status.code(), Some(0));
    let mut stack = vec![tmp.path().join("site")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                assert!(!String::from_utf8_lossy(&bytes).contains("__intentc"), "{} has the reload script", p.display());
            }
        }
    }
}

#[test]
fn serve_refuses_a_port_in_use() {
    let tmp = starter();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = intentc(&["serve", "policy", "--port", &port], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--port"), "{}", String::from_utf8_lossy(&out.stderr));
}
