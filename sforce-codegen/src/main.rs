//! `sforce-codegen`: Salesforce describes to typed Rust structs. See `sforce-codegen --help`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Parser, ValueEnum};
use sforce_codegen::{Generator, Options, OrgOptions, PicklistMode};

/// Generate typed `#[derive(sforce::SObject)]` structs from Salesforce describe output.
///
/// Reads sObject describes (the JSON of `GET /services/data/vXX.X/sobjects/{name}/describe`)
/// from files, a directory, or a live org, and writes one Rust module per sObject plus a
/// `mod.rs` into the output directory. The output is formatted and deterministic: the same
/// describes always give byte-identical files.
#[derive(Debug, Parser)]
#[command(name = "sforce-codegen", version, about, long_about)]
#[command(group(ArgGroup::new("source").required(true).args(["from_dir", "from_file", "from_org"])))]
#[command(after_help = "Examples:
  sforce-codegen --from-dir schema/ --out src/sobjects
  sforce-codegen --from-file Task.json Account.json --out src/sobjects --picklists strings
  SF_INSTANCE_URL=https://acme.my.salesforce.com SF_ACCESS_TOKEN=... \\
    sforce-codegen --from-org --objects Task,Account --out src/sobjects

Then, in the crate: `#[rustfmt::skip] mod sobjects;` (the output is formatted already, and
`--check` compares it byte for byte).")]
struct Cli {
    /// Read every *.json describe in DIR (one sObject per file; not recursive).
    #[arg(long, value_name = "DIR")]
    from_dir: Option<PathBuf>,

    /// Read these describe files (one sObject per file).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    from_file: Vec<PathBuf>,

    /// Fetch describes from the org configured in the environment: SF_INSTANCE_URL and
    /// SF_ACCESS_TOKEN (or any other credentials sforce's `Client::from_env` accepts).
    #[arg(long)]
    from_org: bool,

    /// Directory to write the modules and mod.rs into (created if missing); with --single-file,
    /// the file to write.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,

    /// Write all modules inlined into one file (for `include!`, e.g. from a build script).
    #[arg(long)]
    single_file: bool,

    /// Only these sObjects (API names, comma-separated). Default: all of the input; for
    /// --from-org, every queryable object in the org.
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    objects: Vec<String>,

    /// Leave out these fields (Object.Field, comma-separated).
    #[arg(long, value_name = "OBJ.FIELD", value_delimiter = ',')]
    exclude_fields: Vec<String>,

    /// How to type picklist fields.
    #[arg(long, value_enum, default_value_t = Picklists::Enums)]
    picklists: Picklists,

    /// With --from-org: at most N describe requests in flight.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,

    /// Write nothing; exit with status 1 if the files in --out are not up to date.
    #[arg(long)]
    check: bool,

    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Picklists {
    /// An enum per picklist: the active values plus a fallback carrying any other value.
    Enums,
    /// Plain strings.
    Strings,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line (errors do not repeat their source's text).
fn report(err: impl std::error::Error + 'static) -> String {
    sforce_core::error::Chain(&err).to_string()
}

fn run(cli: &Cli) -> Result<ExitCode, String> {
    let mut options = Options::new().picklists(match cli.picklists {
        Picklists::Enums => PicklistMode::Enums,
        Picklists::Strings => PicklistMode::Strings,
    });
    if !cli.objects.is_empty() {
        options = options.objects(cli.objects.iter().map(|o| o.trim()));
    }
    for spec in &cli.exclude_fields {
        options = options.exclude_field_spec(spec.trim()).map_err(report)?;
    }
    let mut generator = Generator::new(options);
    if let Some(dir) = &cli.from_dir {
        generator.add_dir(dir).map_err(report)?;
    }
    for file in &cli.from_file {
        generator.add_file(file).map_err(report)?;
    }
    if cli.from_org {
        let client = sforce_core::client::Client::from_env().map_err(report)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the async runtime: {e}"))?;
        let org = OrgOptions::new().concurrency(usize::from(cli.concurrency));
        runtime
            .block_on(generator.add_org(&client, &org))
            .map_err(report)?;
    }
    let output = generator.generate().map_err(report)?;
    let objects = output.files().len() - 1;
    let files: Vec<(PathBuf, String)> = if cli.single_file {
        vec![(cli.out.clone(), output.single_file())]
    } else {
        output
            .files()
            .iter()
            .map(|f| (cli.out.join(&f.path), f.contents.clone()))
            .collect()
    };
    if cli.check {
        let stale: Vec<String> = files
            .iter()
            .filter(|(path, contents)| {
                std::fs::read(path).map_or(true, |old| old != contents.as_bytes())
            })
            .map(|(path, _)| path.display().to_string())
            .collect();
        if stale.is_empty() {
            if !cli.quiet {
                eprintln!("{} is up to date ({objects} sObjects)", cli.out.display());
            }
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "error: {} is out of date: {} differ; rerun without --check",
            cli.out.display(),
            stale.join(", ")
        );
        return Ok(ExitCode::FAILURE);
    }
    if cli.single_file {
        let written = output.write_single_file(&cli.out).map_err(report)?;
        if !cli.quiet {
            eprintln!(
                "generated {objects} sObject module{} into {} ({})",
                if objects == 1 { "" } else { "s" },
                cli.out.display(),
                if written { "changed" } else { "unchanged" },
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let written = output.write_to(&cli.out).map_err(report)?;
    if !cli.quiet {
        eprintln!(
            "generated {objects} sObject module{} into {} ({written} file{} changed)",
            if objects == 1 { "" } else { "s" },
            cli.out.display(),
            if written == 1 { "" } else { "s" },
        );
    }
    Ok(ExitCode::SUCCESS)
}
