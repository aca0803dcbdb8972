//! `intentc serve PATH`: a preview for authors. The project is checked as `check` does and
//! built in memory, and the documents are served on 127.0.0.1 only. A watch rebuilds on every
//! save and the open page reloads itself. When the sources have errors, every page shows them
//! (escaped) instead of the last good documents, so a preview never shows something the
//! sources no longer say.
//!
//! The Welsh checks stay warnings here, unlike in `build`: an author who changes the English
//! makes the Welsh stale, and the preview should still show the change. While there are such
//! warnings, every page says so in a banner: `build` would refuse to publish it.
//!
//! The reload script is added to a page as it is served; built files never contain it. The
//! build is kept in memory, not in a folder: nothing to clean up, nothing half-written served.

use super::{people, print_diagnostics, watch, ColorChoice, Report, USAGE};
use crate::diagnostics::render::{self, Format};
use crate::diagnostics::Policy;
use crate::emit::{self, bundle::Meta, html::escape};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

/// Where the open page asks whether the site changed.
const VERSION_PATH: &str = "/__intentc/version";

/// What is served: the built files, or the report of why there are none.
struct Site {
    /// Changes on every rebuild; a page compares it with the one it was served with.
    version: String,
    pages: Result<BTreeMap<String, Vec<u8>>, String>,
    /// How many Welsh texts are missing, stale or unstamped (warnings here, errors in `build`).
    welsh: usize,
}

pub fn run(path: &Path, port: u16) -> i32 {
    let watch = match watch::Watch::new(path) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    // A run's versions start from the clock, so a page left open from an earlier run reloads.
    let epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let server = match tiny_http::Server::http(("127.0.0.1", port)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot serve on 127.0.0.1:{port}: {e}; choose another port with `--port N` (`--port 0` takes any free one)");
            return USAGE;
        }
    };
    let Some(addr) = server.server_addr().to_ip() else {
        eprintln!("error: the server has no IP address");
        return USAGE;
    };
    let port = addr.port();
    // Bound first, built second: a port in use is reported at once, and requests made while
    // the first build runs wait for it.
    let (pages, welsh) = build(path);
    let site = Arc::new(RwLock::new(Site { version: format!("{epoch}-0"), pages, welsh }));
    eprintln!("serving `{}` at http://127.0.0.1:{port}/ (rebuilt on every save; Ctrl-C stops)", path.display());

    let rebuild = {
        let site = Arc::clone(&site);
        let path = path.to_path_buf();
        std::thread::spawn(move || rebuild_on_save(&watch, &path, &site, epoch))
    };
    for request in server.incoming_requests() {
        if rebuild.is_finished() {
            // The watch broke (its error is printed): stop rather than serve a stale preview.
            return USAGE;
        }
        let response = respond(&request, &site, port);
        let _ = request.respond(response);
    }
    USAGE
}

fn rebuild_on_save(watch: &watch::Watch, path: &Path, site: &RwLock<Site>, epoch: u128) {
    let mut count = 0u64;
    loop {
        match watch.next() {
            Ok(changed) => {
                eprintln!("\n--- {} changed: building again ---", watch::describe(&changed));
                let (pages, welsh) = build(path);
                count += 1;
                if let Ok(mut s) = site.write() {
                    *s = Site { version: format!("{epoch}-{count}"), pages, welsh };
                }
            }
            Err(e) => {
                eprintln!("error: {e}; the preview stops");
                return;
            }
        }
    }
}

/// Checks as `intentc check` does and builds, printing the diagnostics to the terminal too.
/// Returns the built files (or the report of the errors) and the count of Welsh warnings.
fn build(path: &Path) -> (Result<BTreeMap<String, Vec<u8>>, String>, usize) {
    let project = match super::load::project(path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return (Err(format!("error: {e}\n")), 0);
        }
    };
    let result = crate::check(&project, Policy::default());
    let report = Report { format: Format::Human, color: ColorChoice::Auto, strict: false, deny: None };
    print_diagnostics(&project, &result.diagnostics.items, &report);
    let welsh = result.diagnostics.items.iter().filter(|d| d.code.id.starts_with("W06")).count();
    let pages = match result.model {
        Some(model) if !result.diagnostics.has_errors() => match emit::build(&model, &Meta::of(&project, None, None)) {
            Ok(output) => {
                eprintln!("built {} files", output.files.len());
                Ok(output.files)
            }
            Err(e) => {
                eprintln!("error: {e}");
                Err(format!("error: {e}\n"))
            }
        },
        _ => {
            let mut text = people::human(&project, &result.diagnostics.items, false);
            let files = project.files.len();
            text.push_str(&format!(
                "checked {files} file{}: {}\n",
                if files == 1 { "" } else { "s" },
                render::summary(&result.diagnostics.items)
            ));
            Err(text)
        }
    };
    (pages, welsh)
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

fn respond(request: &tiny_http::Request, site: &RwLock<Site>, port: u16) -> Response {
    use tiny_http::Method;
    if !matches!(request.method(), Method::Get | Method::Head) {
        return plain(405, "only GET and HEAD are served");
    }
    // Another site's page can reach 127.0.0.1 through a name it points there (DNS
    // rebinding); such a request names that site in `Host` and is refused.
    let host_ok = request.headers().iter().filter(|h| h.field.equiv("Host")).all(|h| {
        let host = h.value.as_str();
        [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")].iter().any(|ok| ok == host)
    });
    if !host_ok {
        return plain(403, "this preview answers only requests for 127.0.0.1 or localhost");
    }
    let Ok(site) = site.read() else {
        return plain(500, "the preview failed; restart `intentc serve`");
    };
    let url = request.url();
    let path = url.split(['?', '#']).next().unwrap_or_default();
    if path == VERSION_PATH {
        return with_type(Response::from_string(site.version.clone()), "text/plain; charset=utf-8");
    }
    let Some(path) = decode(path) else {
        return plain(400, "the address is not valid UTF-8");
    };
    let key = path.trim_start_matches('/');
    let pages = match &site.pages {
        Ok(pages) => pages,
        Err(report) => {
            let html = inject(&errors_page(report), &site.version);
            return with_type(Response::from_data(html.into_bytes()).with_status_code(500), "text/html; charset=utf-8");
        }
    };
    let key = if key.is_empty() || key.ends_with('/') { format!("{key}index.html") } else { key.to_string() };
    match pages.get(&key) {
        Some(bytes) => {
            let kind = content_type(&key);
            let body = if kind.starts_with("text/html") {
                let page = inject(&String::from_utf8_lossy(bytes), &site.version);
                banner(&page, site.welsh).into_bytes()
            } else {
                bytes.clone()
            };
            with_type(Response::from_data(body), kind)
        }
        None if pages.contains_key(&format!("{key}/index.html")) => {
            // A folder without its `/`: the page's relative links need it.
            let to = format!("/{key}/");
            plain(301, "moved").with_header(header("Location", &to))
        }
        None => plain(404, "no such page in the built documents"),
    }
}

fn plain(status: u16, text: &str) -> Response {
    with_type(Response::from_string(text).with_status_code(status), "text/plain; charset=utf-8")
}

fn with_type(r: Response, kind: &str) -> Response {
    // no-store: a reload always fetches the rebuilt page.
    r.with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|()| {
        // Only fixed names and values reach here; a bad one is a bug, answered harmlessly.
        tiny_http::Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("a valid header")
    })
}

fn content_type(path: &str) -> &'static str {
    match Path::new(path).extension().and_then(|x| x.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("txt") | Some("md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `%XX` sequences decoded; None if the result is not UTF-8.
fn decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b))) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The page with the reload script before its `</body>`: it asks every half second whether
/// the site changed since this page was served, and reloads when it has.
fn inject(page: &str, version: &str) -> String {
    let script = format!(
        r#"<script>/* added by intentc serve, not part of the built documents: reloads this page when the sources change */
(function () {{
  var served = "{version}";
  function poll() {{
    fetch("{VERSION_PATH}", {{ cache: "no-store" }})
      .then(function (r) {{ return r.text(); }})
      .then(function (v) {{ if (v !== served) {{ location.reload(); }} else {{ setTimeout(poll, 500); }} }})
      .catch(function () {{ setTimeout(poll, 2000); }});
  }}
  setTimeout(poll, 500);
}})();
</script>
"#,
        version = escape(version),
    );
    match page.rfind("</body>") {
        Some(i) => format!("{}{script}{}", &page[..i], &page[i..]),
        None => format!("{page}{script}"),
    }
}

/// The page with a banner at the top of its body, when its Welsh is not ready to publish.
fn banner(page: &str, welsh: usize) -> String {
    if welsh == 0 {
        return page.to_string();
    }
    let texts = if welsh == 1 { "1 Welsh text is".to_string() } else { format!("{welsh} Welsh texts are") };
    let note = format!(
        "<div lang=\"en\" style=\"background:#fff7bf;color:#0b0c0c;border-bottom:3px solid #0b0c0c;padding:0.5rem 1rem;font-family:system-ui,sans-serif\">\
<strong>Preview</strong> (intentc serve): {texts} missing, stale or unstamped, so <code>intentc build</code> would refuse to publish this. \
The terminal running <code>intentc serve</code> lists them.</div>\n"
    );
    match page.find("<body>") {
        Some(i) => format!("{}{note}{}", &page[..i + 6], &page[i + 6..]),
        None => format!("{note}{page}"),
    }
}

/// The page served instead of the documents while the sources have errors.
fn errors_page(report: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The sources have errors: intentc serve</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1b1b1b; background: #fff; line-height: 1.5; }}
pre {{ white-space: pre-wrap; overflow-wrap: anywhere; background: #f4f4f4; border-left: 0.3rem solid #b00020; padding: 1rem; font-size: 0.9rem; }}
pre:focus {{ outline: 3px solid #1d70b8; }}
</style>
</head>
<body>
<main>
<h1>The sources have errors</h1>
<p>The documents are built again when the errors below are fixed, and this page then shows them by itself. The same report is in the terminal running <code>intentc serve</code>.</p>
<pre tabindex="0" aria-label="Diagnostics">{}</pre>
</main>
</body>
</html>
"#,
        escape(report)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let page = inject("<html><body><p>x</p></body></html>", "1-2");
        assert!(page.contains("var served = \"1-2\""));
        assert!(page.ends_with("</script>\n</body></html>"), "{page}");
    }

    #[test]
    fn error_reports_are_escaped() {
        let page = errors_page("titel <script>alert(1)</script> & \"x\"");
        assert!(page.contains("titel &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
        assert!(!page.contains("<script>alert"));
    }

    #[test]
    fn addresses_are_decoded() {
        assert_eq!(decode("/cy/%C3%A2.html").as_deref(), Some("/cy/â.html"));
        assert_eq!(decode("/a%2"), Some("/a%2".to_string()));
        assert_eq!(decode("/%FF"), None);
    }
}
