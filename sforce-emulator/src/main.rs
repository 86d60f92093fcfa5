//! `sforce-emulator`: run the embedded Salesforce emulator as a standalone server.
//!
//! ```text
//! cargo run -p sforce-emulator -- --port 8080 --token T --latency-ms 200 --describe f.json
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use sforce_core::error::Chain;
use sforce_emulator::{DEFAULT_TOKEN, Emulator};

/// An embedded Salesforce REST emulator (real HTTP, Salesforce's JSON shapes and upsert race).
#[derive(Debug, Parser)]
#[command(name = "sforce-emulator", version, about)]
struct Args {
    /// Port to listen on (0 = any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// The bearer token to accept; any other token gets 401 INVALID_SESSION_ID.
    #[arg(long, default_value = DEFAULT_TOKEN)]
    token: String,
    /// Milliseconds between an upsert's lookup and its commit (the race window).
    #[arg(long, default_value_t = 200)]
    latency_ms: u64,
    /// A describe JSON file to serve (repeatable); replaces a built-in object of the same name.
    #[arg(long = "describe", value_name = "FILE")]
    describes: Vec<PathBuf>,
    /// Do not serve the built-in standard objects.
    #[arg(long)]
    no_builtins: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => return fail(&err),
    };
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(err.as_ref()),
    }
}

/// Prints the error and its causes (`error: cannot listen on 127.0.0.1:8080: Address in use`).
fn fail(err: &(dyn std::error::Error + 'static)) -> ExitCode {
    eprintln!("error: {}", Chain(err));
    ExitCode::FAILURE
}

async fn serve(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    // Logs go to stderr: stdout carries the URL and token lines a script reads.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let mut builder = Emulator::builder()
        .bind((args.host, args.port).into())
        .token(args.token)
        .commit_latency(Duration::from_millis(args.latency_ms));
    if args.no_builtins {
        builder = builder.without_builtin_describes();
    }
    for path in &args.describes {
        builder = builder.describe_file(path);
    }
    let emu = builder.start().await?;
    // The token is a test credential chosen by the user: printing it is the point.
    println!("sforce-emulator listening on {}", emu.url());
    println!("SF_INSTANCE_URL={}", emu.url());
    println!("SF_ACCESS_TOKEN={}", emu.token());
    tokio::signal::ctrl_c().await?;
    Ok(())
}
