//! `intentc fmt`: rewrites `.intent` files in the canonical layout (the rules are in
//! src/fmt/). A file with syntax errors is reported and left as it is.

use super::{load, FOUND_ERRORS, OK, USAGE};
use crate::diagnostics::render::{self, Format};
use crate::fmt::{self, Error};
use crate::source::FileKind;
use std::io::Write;
use std::path::PathBuf;

/// With `check`, writes nothing: lists (on stdout) the files that would change, and exits 1
/// if there are any.
pub fn run(paths: &[PathBuf], check: bool) -> i32 {
    let (mut files, mut changed, mut failed) = (0, 0, 0);
    for path in paths {
        let (project, origins) = match load::load(path, load::Naming::AsGiven) {
            Ok(l) => (l.project, l.origins),
            Err(e) => {
                eprintln!("error: {e}");
                return USAGE;
            }
        };
        for f in project.files.iter().filter(|f| f.kind == FileKind::Intent) {
            files += 1;
            let text = match fmt::format_file(&project, f.id) {
                Ok(text) => text,
                Err(Error::Syntax(diagnostics)) => {
                    eprint!("{}", render::render(&project, &diagnostics, Format::Short, false));
                    eprintln!("error: {} is not formatted: it has syntax errors (see above)", f.path);
                    failed += 1;
                    continue;
                }
                Err(Error::TooLarge(e)) => {
                    eprintln!("error: {} is not formatted: {e}", f.path);
                    failed += 1;
                    continue;
                }
                Err(Error::Unsafe) => {
                    eprintln!(
                        "error: {} is not formatted: the new layout would change what the file says (a bug in intentc fmt; please report it)",
                        f.path
                    );
                    failed += 1;
                    continue;
                }
            };
            if *text == *f.text {
                continue;
            }
            changed += 1;
            if check {
                // Not println!: a closed pipe (`| head`) must not panic.
                let _ = writeln!(std::io::stdout().lock(), "{}", f.path);
            } else if let Err(e) = load::write_atomically(&origins[f.id.0 as usize], text.as_bytes()) {
                eprintln!("error: cannot write `{}`: {e}", f.path);
                return USAGE;
            }
        }
    }
    let s = |n: usize| if n == 1 { "" } else { "s" };
    let left = if failed > 0 {
        format!("; {failed} left as {} (see above)", if failed == 1 { "it was" } else { "they were" })
    } else {
        String::new()
    };
    match (check, changed) {
        (true, 0) if failed == 0 => eprintln!("{files} file{} checked: all in canonical layout", s(files)),
        (true, n) => eprintln!("{n} of {files} file{} would be reformatted{left}", s(files)),
        (false, n) => eprintln!("formatted {n} of {files} file{}{left}", s(files)),
    }
    if failed > 0 || (check && changed > 0) {
        FOUND_ERRORS
    } else {
        OK
    }
}
