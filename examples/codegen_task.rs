//! Schema codegen end to end: generate typed structs from the bundled Task describe, then use the
//! generated `Task` to upsert a call log by its `uuid__c` external ID.
//!
//! ```text
//! cargo run --example codegen_task
//! ```
//!
//! Runs against the embedded emulator. With `SF_INSTANCE_URL` and `SF_ACCESS_TOKEN` set it runs
//! against that org instead (its Task needs the custom fields of the emulator's Task describe,
//! `uuid__c` among them).
//!
//! The module used below, `examples/codegen_generated/`, is the checked-in output of
//!
//! ```text
//! cargo run -p sforce-codegen -- --from-file sforce-emulator/describes/Task.json --out examples/codegen_generated
//! ```
//!
//! and the test `codegen_golden::example_module_is_up_to_date` keeps it so. This program also
//! regenerates it in memory (from the emulator's bundled describe) and says whether it matches.

use std::error::Error;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sforce::client::Client;
use sforce::emulator::Emulator;
use sforce::types::{DateTime, Picklist};
use sforce_codegen::{Generator, Options};

#[path = "codegen_generated/mod.rs"]
#[allow(dead_code, unused_imports)]
#[rustfmt::skip]
mod sobjects;

use sobjects::Task;
use sobjects::task::{CallType, Status};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    // 1. Generate from the bundled Task describe.
    let describe = sforce::emulator::builtin_describes()
        .into_iter()
        .find(|d| d.name == "Task")
        .ok_or("the emulator has no built-in Task describe")?;
    let mut generator = Generator::new(Options::new());
    generator.add_describe(&describe)?;
    let output = generator.generate()?;
    let task_rs = &output
        .file("task.rs")
        .ok_or("no task.rs generated")?
        .contents;
    let checked_in = include_str!("codegen_generated/task.rs");
    println!(
        "generated task.rs from the bundled Task describe: {} fields, {} lines; the checked-in \
         module is {}",
        describe.fields.len(),
        task_rs.lines().count(),
        if task_rs == checked_in {
            "up to date"
        } else {
            "STALE (regenerate it)"
        }
    );

    // 2. Connect: a real org from the environment, or the embedded emulator.
    let (client, _emulator) = if std::env::var_os("SF_INSTANCE_URL").is_some() {
        (Client::from_env()?, None)
    } else {
        let emu = Emulator::start().await?;
        let client = Client::builder()
            .instance_url(emu.url())
            .access_token(emu.token())
            .build()?;
        (client, Some(emu))
    };

    // 3. Use the generated struct: the telephony system creates the call, then completes it.
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let uuid = format!("codegen-example-{nanos:x}");
    let started = DateTime::now_utc();
    let call = Task {
        uuid: Some(uuid.clone()),
        subject: Some("Call".into()),
        call_type: Some(CallType::Outbound),
        status: Some(Status::InProgress),
        description: Some("Called C to discuss the reinstall.".into()),
        call_started: Some(started),
        is_transfer: Some(false),
        ..Task::default()
    };
    let created = call.upsert_by_uuid(&client).await?;
    println!(
        "upsert #1: id {} created={} ({} attempt(s))",
        created.id(),
        created.created(),
        created.attempts()
    );

    let hangup = Task {
        uuid: Some(uuid.clone()),
        status: Some(Status::Completed),
        call_duration_in_seconds: Some(597),
        call_hangup: Some(DateTime::new(started.get() + Duration::from_secs(597))),
        reason_text: Some("Success call".into()),
        ..Task::default()
    };
    let updated = hangup.upsert_by_uuid(&client).await?;
    println!(
        "upsert #2: id {} created={}",
        updated.id(),
        updated.created()
    );

    let read = Task::get_by_uuid(&client, uuid).await?;
    println!(
        "read back: status={} call_type={} duration={:?}s subject={:?}",
        read.status.as_ref().map_or("-", Status::as_str),
        read.call_type.as_ref().map_or("-", CallType::as_str),
        read.call_duration_in_seconds,
        read.subject,
    );
    assert_eq!(read.id.as_ref(), Some(created.id()));
    assert_eq!(read.status, Some(Status::Completed));
    Ok(())
}
