//! Describes from a live org: the global describe, then the selected objects' describes fetched
//! concurrently within a bound.

/// How describes are fetched from an org.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OrgOptions {
    /// At most this many describe requests in flight (default 8).
    pub concurrency: usize,
    /// Print progress on stderr (only when stderr is a terminal; default `true`).
    pub progress: bool,
}

impl Default for OrgOptions {
    fn default() -> Self {
        OrgOptions {
            concurrency: 8,
            progress: true,
        }
    }
}

impl OrgOptions {
    /// Defaults: 8 concurrent requests, progress on a terminal.
    pub fn new() -> Self {
        Self::default()
    }

    /// At most `n` describe requests in flight (at least 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Whether to print progress on stderr when it is a terminal.
    pub fn progress(mut self, on: bool) -> Self {
        self.progress = on;
        self
    }
}

use std::future::Future;
use std::io::{IsTerminal, Write};

use futures::stream::{self, StreamExt, TryStreamExt};
use sforce_core::describe::{GlobalDescribe, SObjectDescribe};

use crate::Generator;
use crate::error::{Error, Result};

impl Generator {
    /// Fetches describes with `describe` for the selected objects (all queryable objects of the
    /// global describe when [`Options::objects`](crate::Options::objects) was not set), at most
    /// `org.concurrency` at a time, and adds them. Objects are added in name order, so the
    /// result does not depend on which request finished first.
    pub async fn add_fetched<G, D, Fut>(
        &mut self,
        org: &OrgOptions,
        global: G,
        describe: D,
    ) -> Result<&mut Self>
    where
        G: Future<Output = Result<GlobalDescribe, sforce_core::error::Error>>,
        D: Fn(String) -> Fut,
        Fut: Future<Output = Result<SObjectDescribe, sforce_core::error::Error>>,
    {
        let global = global.await.map_err(|source| Error::Org {
            context: "global describe".to_owned(),
            source: Box::new(source),
        })?;
        let mut names: Vec<String> = match self.options().selected_objects() {
            Some(wanted) => {
                let wanted: Vec<&str> = wanted.collect();
                let mut names = Vec::new();
                for w in wanted {
                    match global
                        .sobjects
                        .iter()
                        .find(|s| s.name.eq_ignore_ascii_case(w))
                    {
                        Some(s) => names.push(s.name.clone()),
                        None => {
                            return Err(Error::UnknownObject {
                                name: w.to_owned(),
                                available: format!("{} objects in the org", global.sobjects.len()),
                            });
                        }
                    }
                }
                names
            }
            None => global
                .sobjects
                .iter()
                .filter(|s| s.properties.queryable)
                .map(|s| s.name.clone())
                .collect(),
        };
        names.sort();
        let total = names.len();
        let progress = Progress::new(org.progress && std::io::stderr().is_terminal(), total);
        let describe = &describe;
        let progress_ref = &progress;
        let mut fetched: Vec<SObjectDescribe> = stream::iter(names)
            .map(|name| async move {
                let result = describe(name.clone()).await.map_err(|source| Error::Org {
                    context: format!("describe {name}"),
                    source: Box::new(source),
                });
                progress_ref.tick();
                result
            })
            .buffer_unordered(org.concurrency.max(1))
            .try_collect()
            .await?;
        progress.finish();
        fetched.sort_by(|a, b| a.name.cmp(&b.name));
        for d in &fetched {
            self.add_describe_from(&format!("org:{}", d.name), d)?;
        }
        Ok(self)
    }
}

/// A one-line progress counter on stderr (only drawn on a terminal).
struct Progress {
    enabled: bool,
    total: usize,
    done: std::sync::atomic::AtomicUsize,
}

impl Progress {
    fn new(enabled: bool, total: usize) -> Self {
        Progress {
            enabled,
            total,
            done: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    fn tick(&self) {
        let done = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if self.enabled {
            let width = 30;
            let filled = (done * width)
                .checked_div(self.total)
                .unwrap_or(width)
                .min(width);
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\rdescribing [{}{}] {done}/{}",
                "#".repeat(filled),
                " ".repeat(width - filled),
                self.total
            );
            let _ = err.flush();
        }
    }

    fn finish(&self) {
        if self.enabled {
            let _ = writeln!(std::io::stderr());
        }
    }
}

impl Generator {
    /// Fetches describes from a live org through `client`: the global describe, then the selected
    /// objects' describes (all queryable objects when [`Options::objects`](crate::Options::objects)
    /// was not set), at most [`OrgOptions::concurrency`] in flight, with a progress line on
    /// stderr when it is a terminal.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use sforce_codegen::{Generator, OrgOptions, Options};
    /// let client = sforce_core::client::Client::from_env()?;
    /// let mut generator = Generator::new(Options::new().objects(["Task"]));
    /// generator.add_org(&client, &OrgOptions::new()).await?;
    /// generator.generate()?.write_to("src/sobjects")?;
    /// # Ok(()) }
    /// ```
    pub async fn add_org(
        &mut self,
        client: &sforce_core::client::Client,
        org: &OrgOptions,
    ) -> Result<&mut Self> {
        self.add_fetched(org, client.describe_global(), |name| async move {
            client.describe(&name).await
        })
        .await
    }
}
