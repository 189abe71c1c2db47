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

use std::io::Write as _;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ips_client::mock::{MockIps, DEFAULT_PASSWORD, DEFAULT_USER};
use ips_client::upload::{upload_and_watch, UploadFile, UploadJob, UploadWatchProgress};
use ips_client::workflows::{JobProgress, WatchOptions};
use ips_client::IpsClient;

struct Target {
    endpoint: String,
    user: String,
    password: String,
    company: String,
    mock: Option<MockIps>,
}

async fn target() -> Result<Target, String> {
    let vars = ["IPS_ENDPOINT", "IPS_USER", "IPS_PASSWORD"].map(|v| std::env::var(v).ok());
    match vars {
        [Some(endpoint), Some(user), Some(password)] => Ok(Target {
            endpoint,
            user,
            password,
            company: std::env::var("IPS_COMPANY_HANDLE")
                .map_err(|_| "set IPS_COMPANY_HANDLE to upload to a real IPS".to_owned())?,
            mock: None,
        }),
        [None, None, None] => {
            let mock = MockIps::start()
                .await
                .map_err(|e| format!("starting the mock IPS server: {e}"))?;
            Ok(Target {
                endpoint: mock.endpoint(),
                user: DEFAULT_USER.to_owned(),
                password: DEFAULT_PASSWORD.to_owned(),
                company: "c|47".to_owned(),
                mock: Some(mock),
            })
        }
        _ => Err("set all of IPS_ENDPOINT, IPS_USER and IPS_PASSWORD, or none of them".to_owned()),
    }
}

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
    let (target, (files, _generated)) =
        match async { Ok::<_, String>((target().await?, files()?)) }.await {
            Ok(ready) => ready,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        };
    let mut builder = IpsClient::builder()
        .endpoint(&target.endpoint)
        .user_password(&target.user, &target.password)
        .app("ips-client-example", env!("CARGO_PKG_VERSION"));
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

    let which = if target.mock.is_some() {
        " (embedded mock IPS)"
    } else {
        ""
    };
    println!("upload to: {}{which}", uploader.url());
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let job = UploadJob::new(&target.company, format!("ips-client-example-{stamp}"));
    println!(
        "job:       {} in company {}",
        job.job_name, job.company_handle
    );
    let options = if target.mock.is_some() {
        WatchOptions {
            first_interval: Duration::from_millis(50),
            max_interval: Duration::from_millis(200),
            deadline: Duration::from_secs(30),
        }
    } else {
        WatchOptions {
            deadline: Duration::from_secs(15 * 60),
            ..WatchOptions::default()
        }
    };

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
        Ok((uploaded, ended)) => {
            let log = &ended.log;
            println!(
                "outcome:   job {} {}: {} of {} files processed, {} failed ({})",
                uploaded.job_handle,
                log.log_type,
                log.file_success_count,
                log.total_file_count,
                log.file_error_count,
                log.description
            );
            if ended.failed() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(error) => {
            println!("outcome:   {error}");
            ExitCode::FAILURE
        }
    }
}
