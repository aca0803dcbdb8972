//! The command line: the only part of intentc that touches files, the terminal and the
//! environment. Everything it does is read the inputs, call the library, and write outputs.

mod build;
mod diff;
mod eval;
mod eval_text;
mod fmt;
mod init;
pub mod load;
mod people;
mod serve;
mod watch;

use crate::diagnostics::render::{self, Format};
use crate::diagnostics::{registry, Policy};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Exit codes.
pub const OK: i32 = 0;
pub const FOUND_ERRORS: i32 = 1;
pub const USAGE: i32 = 2;

/// Shown under `intentc --help`: the commands a new user needs, in the order they need them.
const EXAMPLES: &str = "\
Examples:
  intentc init my-policy                  a new bilingual project that checks clean
  intentc check my-policy                 every mistake, with where, what and how to fix it
  intentc check my-policy --watch         check again each time a file is saved
  intentc serve my-policy                 the documents in a browser, rebuilt on save
  intentc build my-policy --out dist      the documents, SLA annexes and JSON bundle
  intentc fmt my-policy                   lay the files out in the canonical layout
  intentc welsh stamp my-policy/a.intent  record the English each checked Welsh text matches
  intentc diff my-policy --git main       what changed since main, and whose decisions change
  intentc explain W0603                   what a diagnostic code means, with examples
  intentc completions bash > ~/.local/share/bash-completion/completions/intentc";

#[derive(Parser, Debug)]
#[command(name = "intentc", version, about = "The commissioning-intentions compiler", long_about = None, after_help = EXAMPLES)]
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
    #[command(after_help = "\
Examples:
  intentc check                           the `intentions` folder
  intentc check my-policy --strict        missing or stale Welsh is an error (as `build` has it)
  intentc check my-policy --format short  one line per diagnostic, for editors
  intentc check my-policy --format sarif > check.sarif
  intentc check my-policy --watch         check again each time a file is saved (Ctrl-C stops)")]
    Check {
        /// A folder of .intent files (or one file).
        #[arg(default_value = "intentions")]
        path: PathBuf,
        #[command(flatten)]
        report: Report,
        /// Keep running, and check again each time a source file is saved.
        #[arg(long)]
        watch: bool,
    },
    /// Build the English and Welsh documents, the SLA annexes and the JSON rule bundle.
    #[command(after_help = "\
Examples:
  intentc build                           `intentions` into `dist`
  intentc build my-policy --out site      then open site/index.html")]
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
    /// Preview the documents in a browser: built in memory, served on 127.0.0.1, rebuilt on
    /// every save; the open page reloads itself and shows the errors while there are any.
    #[command(after_help = "\
Examples:
  intentc serve my-policy                 then open http://127.0.0.1:8000/
  intentc serve my-policy --port 0        any free port (the address is printed)")]
    Serve {
        /// A folder of .intent files.
        #[arg(default_value = "intentions")]
        path: PathBuf,
        /// The port on 127.0.0.1 to serve on; 0 takes any free one.
        #[arg(long, default_value_t = 8000)]
        port: u16,
    },
    /// Evaluate an offender against a bundle: the band and every invest / do-not-invest decision.
    #[command(after_help = "\
Examples:
  intentc eval --set ogrs3=62 --set index_offence=theft --set drug_driven=yes
  intentc eval --set ogrs3=62 --lang cy   the report in Welsh
  intentc eval --set ogrs3=62 --undetermined   every rule the facts given do not decide
  intentc eval --bundle site/bundle --offender offender.json --format json")]
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
        /// The language of the human report: en or cy.
        #[arg(long, value_enum, default_value = "en")]
        lang: eval_text::Lang,
        /// List each rule that is not decided, not only the facts that would decide them.
        #[arg(long)]
        undetermined: bool,
    },
    /// Compare two versions of a policy: what changed, and which offenders' decisions change.
    /// Exit 0: no differences; 1: differences; 2: a usage or file problem, or a version that
    /// does not check clean.
    #[command(after_help = "\
Examples:
  intentc diff old/intentions intentions          two folders
  intentc diff intentions --git main              main against the work tree
  intentc diff intentions --git v1 v2 --format markdown > comment.md")]
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
    /// Run the language server (LSP on standard input and output), for editors.
    #[command(after_help = "\
Examples:
  intentc lsp            started by an editor's client (see editors/README.md), not by hand
  intentc lsp --strict   missing or stale Welsh shown as errors, as `check --strict` does")]
    Lsp {
        /// Treat missing or stale Welsh as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Rewrite .intent files in the canonical layout (white space only; texts, comments and
    /// stamps are kept exactly). Files with syntax errors are reported and left alone.
    Fmt {
        /// .intent files, or folders of them.
        #[arg(default_value = "intentions")]
        paths: Vec<PathBuf>,
        /// Write nothing: list the files that would change, and exit 1 if there are any.
        #[arg(long)]
        check: bool,
    },
    /// Write a small bilingual starter project into a new or empty folder.
    #[command(after_help = "\
Examples:
  intentc init my-policy && intentc check my-policy --strict")]
    Init {
        /// The folder to create (it may exist, if it is empty).
        dir: PathBuf,
    },
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    #[command(after_help = "\
Examples:
  intentc completions bash > ~/.local/share/bash-completion/completions/intentc
  intentc completions zsh > ~/.zfunc/_intentc        (with `fpath+=~/.zfunc` in ~/.zshrc)
  intentc completions fish > ~/.config/fish/completions/intentc.fish")]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
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
        Command::Check { path, report, watch: false } => check(&path, &report),
        Command::Check { path, report, watch: true } => check_watch(&path, &report),
        Command::Explain { code, list } => explain(code.as_deref(), list),
        Command::Build { path, out, report } => build::run(&path, &out, &report),
        Command::Serve { path, port } => serve::run(&path, port),
        Command::Eval { bundle, set, offender, format, lang, undetermined } => {
            eval::run(&bundle, &set, offender.as_deref(), format == EvalFormat::Json, lang, undetermined)
        }
        Command::Welsh { command: WelshCommand::Stamp { paths } } => stamp(&paths),
        Command::Diff { paths, git, format } => diff::run(&paths, git.as_deref(), format),
        Command::Lsp { strict } => crate::lsp::run(crate::lsp::Options { strict }),
        Command::Fmt { paths, check } => fmt::run(&paths, check),
        Command::Init { dir } => init::run(&dir),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "intentc", &mut std::io::stdout());
            OK
        }
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
    let project = match load::project(path).and_then(|p| load::require_sources(&p, path).map(|()| p)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    let diagnostics = crate::diagnose(&project, policy(report));
    print_diagnostics(&project, &diagnostics.items, report);
    if diagnostics.has_errors() {
        FOUND_ERRORS
    } else {
        OK
    }
}

/// `check --watch`: check, then check again after every save, until interrupted.
fn check_watch(path: &std::path::Path, report: &Report) -> i32 {
    // The watch starts before the first check, so a save made during it is seen.
    let watch = match watch::Watch::new(path) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    if check(path, report) == USAGE {
        return USAGE;
    }
    eprintln!("watching `{}` for changes (Ctrl-C stops)", path.display());
    loop {
        match watch.next() {
            Ok(changed) => {
                eprintln!("\n--- {} changed: checking again ---", watch::describe(&changed));
                check(path, report);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return USAGE;
            }
        }
    }
}

/// Human diagnostics go to stderr (beside the program's other messages); the machine formats
/// go to stdout, so `check --format sarif > out.sarif` captures them whole.
fn print_diagnostics(project: &crate::source::Project, diagnostics: &[crate::diagnostics::Diagnostic], report: &Report) {
    if report.format == Format::Human {
        let text = people::human(project, diagnostics, use_color(report.color));
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
        let files = project.files.len();
        let _ = writeln!(err, "checked {files} file{}: {}", if files == 1 { "" } else { "s" }, render::summary(diagnostics));
    } else {
        let text = render::render(project, diagnostics, report.format, use_color(report.color));
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
        let loaded = match load::load(path, load::Naming::AsGiven) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: {}", render::escape(&e, true));
                return USAGE;
            }
        };
        let project = &loaded.project;
        for f in project.files.iter().filter(|f| f.kind == crate::source::FileKind::Intent) {
            let (text, changed) = crate::syntax::stamp::stamp_file(project, f.id);
            if changed > 0 {
                // Written back to the file it was read from: the path shown may differ (a name
                // that is not UTF-8 or holds a `\`), and must never name another file.
                let origin = &loaded.origins[f.id.0 as usize];
                let shown = render::escape(&f.display, true);
                if let Err(e) = load::write_atomically(origin, text.as_bytes()) {
                    eprintln!("error: cannot write `{shown}`: {e}");
                    return USAGE;
                }
                eprintln!("stamped {changed} Welsh text{} in {shown}", if changed == 1 { "" } else { "s" });
                total += changed;
            }
        }
    }
    if total == 0 {
        eprintln!("every Welsh text already records its English");
    }
    OK
}
