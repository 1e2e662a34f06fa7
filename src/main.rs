//! The `moot` command: parses the command line, runs the library, prints what happened.

use clap::{Parser, Subcommand};
use moot::scaffold::{self, NewKind, NewRequest};
use moot::Options;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A fast static-site generator for the wikis and calendars of learning groups.
#[derive(Parser)]
#[command(name = "moot", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct SiteArgs {
    /// The site folder (the one holding moot.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Include pages marked `draft: true`
    #[arg(long)]
    drafts: bool,
    /// Print how long each stage took
    #[arg(long)]
    timings: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Write a small working site into DIR (default: the current folder)
    Init {
        /// Where to create the site
        dir: Option<PathBuf>,
        /// The site's title
        #[arg(long)]
        title: Option<String>,
        /// Its time zone, an IANA name such as Europe/London (default: this machine's)
        #[arg(long)]
        timezone: Option<String>,
        /// Where it will be published, e.g. https://learn.example.org
        #[arg(long)]
        base_url: Option<String>,
        /// Do not start a git repository (page history needs one)
        #[arg(long)]
        no_git: bool,
        /// Also write a publishing recipe: github (a GitHub Pages workflow), gitlab (.gitlab-ci.yml), netlify (netlify.toml); may be given more than once
        #[arg(long, value_enum, value_name = "HOST")]
        publish: Vec<scaffold::Publish>,
    },
    /// Build the site into the output folder
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Output folder (changed only when the whole build succeeds)
        #[arg(long, short, default_value = "public")]
        output: PathBuf,
        /// Override `base_url` of moot.toml (e.g. for a preview deploy)
        #[arg(long)]
        base_url: Option<String>,
        /// Write into an output folder that holds files moot did not make (none is deleted)
        #[arg(long)]
        force: bool,
    },
    /// Check everything `build` checks, writing nothing
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Build, serve on loopback and rebuild when files change
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Port to listen on
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// Address to bind (loopback by default; 0.0.0.0 exposes the site to your network)
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Open the site in a browser
        #[arg(long)]
        open: bool,
    },
    /// Print the email that announces a meeting to its group's mailing list, .ics attached (pipe it to `sendmail -t`)
    Announce {
        /// The meeting's file, e.g. content/meetings/2026/alma-circle.md
        file: PathBuf,
        /// For a series: the date of the session to announce (default: the next that takes place)
        #[arg(long, value_name = "YYYY-MM-DD")]
        session: Option<String>,
        /// Write the message to FILE (an .eml, which mail programs open) instead of printing it
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The site folder (the one holding moot.toml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Write a new page with the right front matter and path (never overwrites)
    New {
        /// What to create
        #[arg(value_enum)]
        kind: NewKind,
        /// Its title; the file name is made from it
        title: String,
        /// The group it belongs to (its slug)
        #[arg(long)]
        group: Option<String>,
        /// For meetings (required; asked for in a terminal): "YYYY-MM-DD HH:MM" (local time), "YYYY-MM-DD" (all day) or RFC 3339
        #[arg(long)]
        start: Option<String>,
        /// Who leads it (a meeting's leader, a group's leader, a story's or article's author)
        #[arg(long)]
        leader: Option<String>,
        /// The file name without .md (default: made from the title, in ASCII)
        #[arg(long)]
        slug: Option<String>,
        /// The site folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

/// The allocator: see Cargo.toml for what it buys.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn site_options(site: &SiteArgs) -> Options {
    let mut opts = Options::new(&site.root);
    opts.drafts = site.drafts;
    opts
}

fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Init { dir, title, timezone, base_url, no_git, publish } => {
            let dir = dir.unwrap_or_else(|| PathBuf::from("."));
            let today = scaffold::today(&dir);
            let existing = dir.join("moot.toml").exists();
            let files = scaffold::init(&dir, &scaffold::InitRequest { title, timezone, base_url, publish }, today)?;
            for f in files {
                println!("created {}", f.display());
            }
            if existing {
                return Ok(());
            }
            if !no_git && scaffold::git_init(&dir) {
                println!("started a git repository in {} (page history comes from it)", dir.display());
            }
            println!("now run: cd {} && moot serve", dir.display());
            Ok(())
        }
        Command::Build { site, output, base_url, force } => {
            let mut opts = site_options(&site);
            opts.output =
                if output.is_absolute() || site.root == Path::new(".") { output } else { site.root.join(output) };
            opts.base_url = base_url;
            opts.force = force;
            report(moot::build(&opts), &format!("built into {}", opts.output.display()), site.timings)
        }
        Command::Check { site } => {
            let mut opts = site_options(&site);
            opts.check_only = true;
            report(moot::build(&opts), "checked, no problems", site.timings)
        }
        Command::Serve { site, port, bind, open } => moot::serve::serve(site_options(&site), &bind, port, open),
        Command::Announce { file, session, out, root } => {
            announce(&moot::announce::Request { root, file, session }, out)
        }
        Command::New { kind, title, group, start, leader, slug, root } => {
            let start = match start {
                None if kind == NewKind::Meeting && root.join("moot.toml").exists() => ask_start()?,
                s => s,
            };
            let req = NewRequest {
                kind,
                title: &title,
                group: group.as_deref(),
                start: start.as_deref(),
                leader: leader.as_deref(),
                slug: slug.as_deref(),
                today: scaffold::today(&root),
            };
            let path = scaffold::new_page(&root, &req)?;
            println!("created {}", path.display());
            Ok(())
        }
    }
}

/// A meeting's start, asked for when a person is at the terminal (else `moot new` says
/// that `--start` is needed).
fn ask_start() -> Result<Option<String>, String> {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    print!("When does it start? (\"YYYY-MM-DD HH:MM\", local time): ");
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("cannot read the start: {e}"))?;
    Ok(Some(line.trim().to_string()).filter(|l| !l.is_empty()))
}

/// Prints the message, or writes it to `out`; the build's warnings go to stderr.
fn announce(req: &moot::announce::Request, out: Option<PathBuf>) -> Result<(), String> {
    let a = moot::announce::announce(req).map_err(|diags| {
        let n = diags.errors().count();
        format!("{diags}{n} error{} — no message was written", if n == 1 { "" } else { "s" })
    })?;
    for w in &a.warnings {
        eprintln!("{w}");
    }
    match out {
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(a.message.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| format!("cannot print the message: {e}"))
        }
        Some(path) => {
            std::fs::write(&path, &a.message)
                .map_err(|e| format!("{}: error: cannot write the message: {e}", path.display()))?;
            // Told on stdout as the other commands do (a closed stdout is no error here).
            use std::io::Write;
            let _ = writeln!(std::io::stdout(), "wrote {}: {:?} to {}", path.display(), a.subject, a.to.join(", "));
            Ok(())
        }
    }
}

fn report(result: Result<moot::Report, moot::diag::Diagnostics>, done: &str, timings: bool) -> Result<(), String> {
    match result {
        Ok(r) => {
            if timings {
                for (stage, d) in &r.stages {
                    eprintln!("{:>8.1} ms  {stage}", d.as_secs_f64() * 1000.0);
                }
            }
            for w in &r.warnings {
                eprintln!("{w}");
            }
            println!("{done}: {r}");
            Ok(())
        }
        Err(diags) => {
            let n = diags.errors().count();
            let s = if n == 1 { "" } else { "s" };
            if diags.wrote_some() {
                Err(format!("{diags}{n} error{s}"))
            } else {
                Err(format!("{diags}{n} error{s} — nothing was written"))
            }
        }
    }
}
