//! Uploads files through the IPS UploadFile servlet, printing the progress,
//! then follows the job IPS runs on them and prints how it ended.
//!
//! Without configuration it starts the embedded mock IPS server on
//! 127.0.0.1 and talks to it over real HTTP. To upload to a real IPS
//! instead, set `IPS_ENDPOINT` (the SOAP endpoint; the UploadFile URL is
//! derived from it, or set `IPS_UPLOAD_ENDPOINT`), `IPS_USER`,
//! `IPS_PASSWORD` and `IPS_COMPANY_HANDLE`.
//!
//! `cargo run -p ips-client --example upload [FILE...]`
//!
//! Without files it uploads a generated 3 MiB file.

#[path = "common/mod.rs"]
mod common;

use std::io::Write as _;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use ips_client::upload::{upload_and_watch, UploadFile, UploadJob, UploadWatchProgress};
use ips_client::workflows::JobProgress;

/// The files named on the command line, or a generated one (kept alive by
/// the returned guard).
fn files() -> Result<(Vec<UploadFile>, Option<tempfile::TempDir>), String> {
    let named: Vec<UploadFile> = std::env::args_os().skip(1).map(UploadFile::new).collect();
    if !named.is_empty() {
        return Ok((named, None));
    }
    let dir = tempfile::tempdir().map_err(|e| format!("creating a temporary folder: {e}"))?;
    let path = dir.path().join("ips-client-example.bin");
    let mut file = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let line: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    for _ in 0..768 {
        file.write_all(&line)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok((vec![UploadFile::new(path)], Some(dir)))
}

#[tokio::main]
async fn main() -> ExitCode {
    let setup = async {
        let target = common::Target::from_env().await?;
        let company = target.setting("IPS_COMPANY_HANDLE", "c|47")?;
        Ok::<_, String>((target, company, files()?))
    };
    let (target, company, (files, _generated)) = match setup.await {
        Ok(ready) => ready,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let mut builder = target.builder();
    if let Ok(url) = std::env::var("IPS_UPLOAD_ENDPOINT") {
        builder = builder.upload_endpoint(url);
    }
    let (client, uploader) = match builder
        .build_uploader()
        .and_then(|uploader| Ok((builder.build()?, uploader)))
    {
        Ok(built) => built,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };

    println!("upload to: {}{}", uploader.url(), target.label());
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let job = UploadJob::new(&company, format!("ips-client-example-{stamp}"));
    println!(
        "job:       {} in company {}",
        job.job_name, job.company_handle
    );
    let options = target.watch_options();

    // One line per file per tenth, not one per chunk.
    let mut shown = None;
    let outcome = upload_and_watch(
        &client,
        &uploader,
        &job,
        &files,
        options,
        |event| match event {
            UploadWatchProgress::Upload(p) => {
                let tenth = (p.file_bytes_sent * 10)
                    .checked_div(p.file_bytes_total)
                    .unwrap_or(10);
                if shown != Some((p.file_index, tenth)) {
                    shown = Some((p.file_index, tenth));
                    println!(
                        "sent:      {} {}/{} bytes (all files: {}/{})",
                        files[p.file_index].path().display(),
                        p.file_bytes_sent,
                        p.file_bytes_total,
                        p.bytes_sent,
                        p.bytes_total
                    );
                }
            }
            UploadWatchProgress::Job(JobProgress::Active {
                state,
                progress,
                message,
            }) => println!("job:       {state} {progress}% {message}"),
            UploadWatchProgress::Job(JobProgress::Pending) => println!("job:       pending"),
        },
    )
    .await;

    if let Some(mock) = &target.mock {
        for post in mock.uploads() {
            for file in post.files {
                println!(
                    "received:  {} ({} bytes) in job {}",
                    file.stored_as,
                    file.bytes.len(),
                    post.job_handle
                );
            }
        }
    }
    match outcome {
        Ok((uploaded, ended)) => common::report(
            &format!("job {} ", uploaded.job_handle),
            Ok::<_, String>(ended),
        ),
        Err(error) => common::report("", Err(error)),
    }
}
