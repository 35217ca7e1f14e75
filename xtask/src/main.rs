//! `cargo xtask …`: the project's own commands.

mod bench;
mod corpus;
mod diff;
mod drift;
mod generate;
mod import;
mod stats;
mod sync;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "bitrix24-api project tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse api-spec/pages into the IR and regenerate bitrix24-api/src/generated.
    Generate {
        /// Change nothing; print a diff and fail when a committed file is stale.
        #[arg(long)]
        check: bool,
        /// Print the generated lines, items (methods and events) and lines per item, per module.
        #[arg(long)]
        stats: bool,
    },
    /// Print the IR of pages (files, or every page under a folder). Diagnostics go to stderr.
    Parse {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print JSON instead of a readable summary.
        #[arg(long)]
        json: bool,
    },
    /// Parse every `.md` file under a docs folder and summarise what was found.
    Corpus {
        #[arg(long)]
        docs: PathBuf,
        /// Print exactly one JSON object on stdout.
        #[arg(long)]
        json: bool,
        /// Add `pages_detail`, one object per file.
        #[arg(long)]
        pages: bool,
        /// List every fact read from prose (maps, groups, required fields) on stderr, as `file:line: fact`.
        #[arg(long)]
        facts: bool,
    },
    /// Measure the parser, codegen, the client and bulk work side by side with their anchors; writes
    /// target/bench/report.md and report.json. Use a release build for real figures.
    Bench {
        #[arg(long, default_value = "../shared/b24restdocs")]
        docs: PathBuf,
        /// Also print the report's JSON object on stdout.
        #[arg(long)]
        json: bool,
        /// Fewer rounds and no clean builds: under 3 minutes.
        #[arg(long)]
        quick: bool,
        /// Leave out the clean builds of `build_s`.
        #[arg(long)]
        no_build: bool,
    },
    /// Scaffold an api-spec page for a method or event from an upstream docs checkout: structure and
    /// facts kept, descriptions left as TODO.
    Import {
        #[arg(long)]
        docs: PathBuf,
        /// The method or event name, such as `imopenlines.session.open`.
        #[arg(long)]
        method: String,
        /// Where api-spec pages live.
        #[arg(long, default_value = "api-spec/pages")]
        out: PathBuf,
        /// Overwrite an existing page.
        #[arg(long)]
        force: bool,
    },
    /// Bring every method and event page of a docs checkout into api-spec/pages: new pages arrive
    /// facts-only, pages we have get upstream's facts and keep our words, pages gone upstream are
    /// listed (never deleted).
    Sync {
        /// The docs checkout (the folder holding api-reference/, or a folder above it).
        #[arg(long)]
        docs: PathBuf,
        /// Where api-spec pages live.
        #[arg(long, default_value = "api-spec/pages")]
        pages: PathBuf,
        /// Write nothing; print what would change.
        #[arg(long)]
        dry_run: bool,
        /// Also write the API changelog (what the sync changed, for users of bitrix24-api) here,
        /// as Markdown for the pull request's description.
        #[arg(long, value_name = "FILE")]
        changelog: Option<PathBuf>,
    },
    /// The API changelog between two versions of the docs (checkouts, pages folders, or folders
    /// inside them): methods, events, parameters, fields, error codes and documented values added,
    /// removed or changed, each breaking or compatible for users of bitrix24-api, and the release
    /// that needs.
    Diff {
        old: PathBuf,
        new: PathBuf,
        /// Print one JSON object instead of Markdown.
        #[arg(long)]
        json: bool,
        /// Keep only these scopes (comma-separated; a method's documented scopes and its name's
        /// first segment both count).
        #[arg(long, value_delimiter = ',')]
        scopes: Vec<String>,
    },
    /// Compare the facts of api-spec/pages with the upstream pages they mirror.
    Drift {
        #[arg(long)]
        docs: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate { check, stats } => {
            generate::run(check, stats).map(|()| ExitCode::SUCCESS)
        }
        Command::Parse { paths, json } => corpus::parse(&paths, json),
        Command::Corpus {
            docs,
            json,
            pages,
            facts,
        } => corpus::corpus(&docs, json, pages, facts),
        Command::Bench {
            docs,
            json,
            quick,
            no_build,
        } => bench::run(&bench::Options {
            docs,
            json,
            quick,
            no_build,
        })
        .map(|()| ExitCode::SUCCESS),
        Command::Import {
            docs,
            method,
            out,
            force,
        } => import::run(&docs, &method, &out, force).map(|path| {
            println!("wrote {}", path.display());
            ExitCode::SUCCESS
        }),
        Command::Sync {
            docs,
            pages,
            dry_run,
            changelog,
        } => sync::run(&sync::Options {
            docs,
            pages,
            dry_run,
            changelog,
            progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
        })
        .map(|summary| {
            summary.print(dry_run);
            ExitCode::SUCCESS
        }),
        Command::Diff {
            old,
            new,
            json,
            scopes,
        } => diff::run(&diff::Options {
            old,
            new,
            json,
            scopes,
        })
        .map(|()| ExitCode::SUCCESS),
        Command::Drift { docs, json } => drift::run(&docs, json),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
