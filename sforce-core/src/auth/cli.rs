//! Tokens from the Salesforce CLI (`sf`).

use std::ffi::OsString;
use std::io;
use std::process::Command;

use futures::future::BoxFuture;
use serde_json::Value;

use super::{AccessToken, AuthError, TokenProvider};
use crate::error::Error;

const FLOW: &str = "sf-cli";

/// Borrows the session of an org the Salesforce CLI is logged in to (`sf org login web ...`).
///
/// Runs `sf org display --json --target-org <org>` for the instance URL (and, on CLI versions
/// that still print it, the token). Current versions print a redacted placeholder
/// (`[REDACTED] Use 'sf org auth show-access-token' to view`) instead of the token, or omit it;
/// the token is then read with `sf org auth show-access-token --target-org <org> --json`. A refresh runs the
/// commands again (the CLI refreshes its session itself).
///
/// The program defaults to `sf` on the `PATH`; [`SfCli::program`] points elsewhere.
#[derive(Debug, Clone)]
pub struct SfCli {
    target_org: String,
    program: OsString,
}

impl SfCli {
    /// Uses the org with this alias or username.
    pub fn new(target_org: impl Into<String>) -> Self {
        Self {
            target_org: target_org.into(),
            program: OsString::from("sf"),
        }
    }

    /// The CLI executable to run (default `sf`).
    pub fn program(mut self, program: impl Into<OsString>) -> Self {
        self.program = program.into();
        self
    }

    /// The target org alias or username.
    pub fn target_org(&self) -> &str {
        &self.target_org
    }

    fn run(&self, args: &[&str]) -> Result<Value, AuthError> {
        let program = self.program.to_string_lossy().into_owned();
        tracing::debug!(flow = FLOW, program, ?args, "running the Salesforce CLI");
        let output = Command::new(&self.program)
            .args(args)
            // JSON errors on stdout, no colour codes, no prompts.
            .env("SF_JSON_TO_STDOUT", "true")
            .env("FORCE_COLOR", "0")
            .env("SF_DISABLE_TELEMETRY", "true")
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => AuthError::CliNotFound {
                    program: program.clone(),
                },
                _ => AuthError::Cli {
                    message: format!("cannot run `{program}`: {e}"),
                },
            })?;
        let parsed = serde_json::from_slice::<Value>(&output.stdout)
            .or_else(|_| serde_json::from_slice::<Value>(&output.stderr));
        let command = format!("{program} {}", args.join(" "));
        match parsed {
            Ok(json) if output.status.success() && json["status"].as_i64().unwrap_or(0) == 0 => {
                Ok(json)
            }
            // The CLI's error JSON: {"status":1,"name":"NoOrgFound","message":"..."}.
            Ok(json) => Err(AuthError::Cli {
                message: format!(
                    "`{command}` failed: {}{}",
                    json["name"]
                        .as_str()
                        .map(|n| format!("{n}: "))
                        .unwrap_or_default(),
                    json["message"].as_str().unwrap_or("no message")
                ),
            }),
            Err(_) => Err(AuthError::Cli {
                message: format!(
                    "`{command}` did not print JSON (exit status {})",
                    output.status
                ),
            }),
        }
    }

    fn fetch_blocking(&self) -> Result<AccessToken, AuthError> {
        let org = self.target_org.as_str();
        let display = self.run(&["org", "display", "--json", "--target-org", org])?;
        let result = &display["result"];
        let instance_url = result["instanceUrl"]
            .as_str()
            .ok_or_else(|| AuthError::Cli {
                message: format!("`sf org display` gave no instanceUrl for {org}"),
            })?;
        let token = match result["accessToken"]
            .as_str()
            .filter(|t| !is_placeholder(t))
        {
            // Older CLIs print the token itself.
            Some(token) => token.to_owned(),
            None => {
                let json = self.run(&[
                    "org",
                    "auth",
                    "show-access-token",
                    "--target-org",
                    org,
                    "--json",
                ])?;
                let result = &json["result"];
                result["accessToken"]
                    .as_str()
                    .or(result.as_str())
                    .filter(|t| !is_placeholder(t))
                    .ok_or_else(|| AuthError::Cli {
                        message: format!(
                            "`sf org auth show-access-token` gave no access token for {org}"
                        ),
                    })?
                    .to_owned()
            }
        };
        Ok(AccessToken::new(token).with_instance_url(instance_url.trim_end_matches('/')))
    }
}

/// Whether `sf org display` printed a placeholder instead of the token.
fn is_placeholder(token: &str) -> bool {
    let t = token.trim();
    t.is_empty() || t.to_ascii_uppercase().contains("REDACTED") || t.contains(' ')
}

impl TokenProvider for SfCli {
    fn fetch(&self, _http: &reqwest::Client) -> BoxFuture<'_, Result<AccessToken, Error>> {
        let this = self.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || this.fetch_blocking())
                .await
                .map_err(|e| AuthError::Cli {
                    message: format!("the CLI task failed: {e}"),
                })?
                .map_err(Error::from)
        })
    }

    fn kind(&self) -> &'static str {
        FLOW
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        assert!(is_placeholder(
            "[REDACTED] Use 'sf org auth show-access-token' to view"
        ));
        assert!(is_placeholder(""));
        assert!(!is_placeholder("00D000000000001!AQEAQ.abc"));
    }

    #[test]
    fn missing_program_is_a_clear_error() {
        let cli = SfCli::new("my-org").program("/nonexistent/sf-cli-for-test");
        let err = cli.fetch_blocking().unwrap_err();
        assert!(matches!(err, AuthError::CliNotFound { .. }), "{err}");
        assert!(err.to_string().contains("SF_CLI_PATH"));
    }
}
