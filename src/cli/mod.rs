//! The command line: the only part of intentc that touches files, the terminal and the
//! environment. Everything it does is read the inputs, call the library, and write outputs.

mod build;
mod diff;
mod eval;
pub mod load;

use crate::diagnostics::render::{self, Format};
use crate::diagnostics::{registry, Policy};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Exit codes.
pub const OK: i32 = 0;
pub const FOUND_ERRORS: i32 = 1;
pub const USAGE: i32 = 2;

#[derive(Parser, Debug)]
#[command(name = "intentc", version, about = "The commissioning-intentions compiler", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Deny {
    Warnings,
}

#[derive(clap::Args, Debug)]
struct Report {
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Colour in the human format: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Treat missing or stale Welsh as errors.
    #[arg(long)]
    strict: bool,
    /// `--deny warnings` turns every warning into an error.
    #[arg(long, value_enum)]
    deny: Option<Deny>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check the policy: every mistake, with where, what and how to fix it.
    Check {
        /// A folder of .intent files (or one file).
        #[arg(default_value = "intentions")]
        path: PathBuf,
        #[command(flatten)]
        report: Report,
    },
    /// Build the English and Welsh documents, the SLA annexes and the JSON rule bundle.
    Build {
        /// A folder of .intent files.
        #[arg(default_value = "intentions")]
        path: PathBuf,
        /// Where to write the outputs; replaced as a whole only when the build succeeds. It may
        /// not be, hold or lie inside the sources, nor be a file or a folder of other files.
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        #[command(flatten)]
        report: Report,
    },
    /// Evaluate an offender against a bundle: the band and every invest / do-not-invest decision.
    Eval {
        /// The bundle folder (`dist/bundle`).
        #[arg(long, default_value = "dist/bundle")]
        bundle: PathBuf,
        /// An attribute value, `name=value` (repeatable).
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
        /// A JSON file with the offender's attribute values.
        #[arg(long)]
        offender: Option<PathBuf>,
        /// human or json.
        #[arg(long, value_enum, default_value = "human")]
        format: EvalFormat,
    },
    /// Compare two versions of a policy: what changed, and whose decisions change.
    ///
    /// Exit 0: no differences; 1: differences; 2: a usage or file problem, or a version that
    /// does not check clean. Examples: `intentc diff old/intentions intentions`,
    /// `intentc diff intentions --git main` (main against the work tree),
    /// `intentc diff --git v1 v2 --format markdown`.
    Diff {
        /// The old and the new folder; with --git, the policy's folder in the repository
        /// (default `intentions`), given before --git.
        paths: Vec<PathBuf>,
        /// Compare git revisions: REV is the old version, REV2 the new (default: the work tree).
        #[arg(long, num_args = 1..=2, value_names = ["REV", "REV2"])]
        git: Option<Vec<String>>,
        /// human (for a terminal), json (docs/diff.md) or markdown (for a pull-request comment).
        #[arg(long, value_enum, default_value = "human")]
        format: diff::DiffFormat,
    },
    /// Tools for translators.
    Welsh {
        #[command(subcommand)]
        command: WelshCommand,
    },
    /// Explain a diagnostic code, with a wrong and a right example.
    Explain {
        /// A code such as E0401.
        code: Option<String>,
        /// List every code.
        #[arg(long)]
        list: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
enum EvalFormat {
    Human,
    Json,
}

#[derive(Subcommand, Debug)]
enum WelshCommand {
    /// Record, beside each Welsh text, the English it now matches (run after checking the
    /// Welsh). Files are rewritten in place; only the `cy@…` stamps change.
    Stamp {
        /// .intent files, or folders of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { USAGE } else { OK };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Check { path, report } => check(&path, &report),
        Command::Explain { code, list } => explain(code.as_deref(), list),
        Command::Build { path, out, report } => build::run(&path, &out, &report),
        Command::Eval { bundle, set, offender, format } => eval::run(&bundle, &set, offender.as_deref(), format == EvalFormat::Json),
        Command::Welsh { command: WelshCommand::Stamp { paths } } => stamp(&paths),
        Command::Diff { paths, git, format } => diff::run(&paths, git.as_deref(), format),
    }
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal(),
    }
}

fn policy(report: &Report) -> Policy {
    Policy { strict_welsh: report.strict, deny_warnings: report.deny == Some(Deny::Warnings) }
}

fn check(path: &std::path::Path, report: &Report) -> i32 {
    let project = match load::project(path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    let result = crate::check(&project, policy(report));
    print_diagnostics(&project, &result.diagnostics.items, report);
    if result.diagnostics.has_errors() {
        FOUND_ERRORS
    } else {
        OK
    }
}

/// Human diagnostics go to stderr (beside the program's other messages); the machine formats
/// go to stdout, so `check --format sarif > out.sarif` captures them whole.
fn print_diagnostics(project: &crate::source::Project, diagnostics: &[crate::diagnostics::Diagnostic], report: &Report) {
    let text = render::render(project, diagnostics, report.format, use_color(report.color));
    if report.format == Format::Human {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
        let files = project.files.len();
        let _ = writeln!(err, "checked {files} file{}: {}", if files == 1 { "" } else { "s" }, render::summary(diagnostics));
    } else {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
}

fn explain(code: Option<&str>, list: bool) -> i32 {
    if list || code.is_none() {
        for c in registry::ALL {
            println!("{}  {:<8} {}", c.id, c.severity().as_str(), c.title);
        }
        return OK;
    }
    let code = code.unwrap_or_default();
    match registry::lookup(code) {
        Some(c) => {
            match c.explanation() {
                Some(page) => print!("{page}"),
                None => println!("# {}: {}\n\n(No explanation page yet.)", c.id, c.title),
            }
            OK
        }
        None => {
            eprintln!("error: `{code}` is not a diagnostic code; `intentc explain --list` lists them");
            USAGE
        }
    }
}

fn stamp(paths: &[PathBuf]) -> i32 {
    let mut total = 0;
    for path in paths {
        let project = match load::project(path) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}");
                return USAGE;
            }
        };
        for f in project.files.iter().filter(|f| f.kind == crate::source::FileKind::Intent) {
            let (text, changed) = crate::syntax::stamp::stamp_file(&project, f.id);
            if changed > 0 {
                // The path shown is the path read (see load::display), so it can be written back.
                if let Err(e) = load::write_atomically(std::path::Path::new(&f.path), text.as_bytes()) {
                    eprintln!("error: cannot write `{}`: {e}", f.path);
                    return USAGE;
                }
                eprintln!("stamped {changed} Welsh text{} in {}", if changed == 1 { "" } else { "s" }, f.path);
                total += changed;
            }
        }
    }
    if total == 0 {
        eprintln!("every Welsh text already records its English");
    }
    OK
}
