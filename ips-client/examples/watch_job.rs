//! Runs a saved IPS job with executeJob, then follows it until it ends,
//! printing its progress, and prints how it ended.
//!
//! Against the embedded mock (the default) the job is scripted to report
//! progress for a few polls and succeed; `-- --fail` scripts it to fail.
//! For a real IPS set `IPS_ENDPOINT`, `IPS_USER`, `IPS_PASSWORD`,
//! `IPS_COMPANY_HANDLE` and `IPS_JOB_HANDLE`.
//!
//! `cargo run -p ips-client --example watch_job [-- --fail]`

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use ips_client::mock::JobScript;
use ips_client::workflows::{run_and_watch, JobProgress};

#[tokio::main]
async fn main() -> ExitCode {
    let fail = std::env::args().any(|a| a == "--fail");
    let setup = async {
        let target = common::Target::from_env().await?;
        let company = target.setting("IPS_COMPANY_HANDLE", "47")?;
        let job = target.setting("IPS_JOB_HANDLE", "47|nightly publish|")?;
        let client = target.builder().build().map_err(|e| e.to_string())?;
        Ok::<_, String>((target, company, job, client))
    };
    let (target, company, job, client) = match setup.await {
        Ok(ready) => ready,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(mock) = &target.mock {
        mock.script_job(
            &job,
            JobScript {
                active_polls: 4,
                fails: fail,
            },
        );
    }
    println!("endpoint: {}{}", target.endpoint, target.label());
    println!("job:      {job} in company {company}");

    let outcome = run_and_watch(
        &client,
        &company,
        &job,
        target.watch_options(),
        |progress| match progress {
            JobProgress::Active {
                state,
                progress,
                message,
            } => println!("progress: {state} {progress}% {message}"),
            JobProgress::Pending => println!("progress: pending"),
        },
    )
    .await;
    common::report("", outcome)
}
