//! `ips`: the IPS API from the command line (feature `cli`).
//!
//! Every subcommand but one is generated from the WSDL the crate was built
//! from (`api::cli`): one per operation, one argument per request field.
//! `watch-job` is written here, on top of `workflows::watch_job`.
//!
//! Exit status: 0 success; 1 a SOAP fault or another call error (printed on
//! standard error); 2 a usage error; 3 a watched job that ended in failure.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Command};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use ips_client::api::cli::ips_api_port_type_client as operations;
use ips_client::api::{self, cli::SENSITIVE_FIELDS};
use ips_client::soap::cli::{describe_error, exit, render, CliError, OutputFormat, Redaction};
use ips_client::soap::SoapVersion;
use ips_client::workflows::{self, JobProgress, WatchError, WatchOptions};
use ips_client::{Environment, IpsClient, IpsClientBuilder, Region};

/// Exit status of `watch-job` when the job ended and failed.
const JOB_FAILED: u8 = 3;

const CREDENTIALS_HELP: &str = "\
Options go before the subcommand: ips --output table get-active-jobs ...

Credentials are read from the environment only, never from arguments, and are
never printed: IPS_USER and IPS_PASSWORD, or IPS_ACCESS_TOKEN.

Structured arguments take JSON, inline or from a file: --job '{\"name\": ...}'
or --job @job.json (@- reads standard input).

Exit status: 0 success, 1 a SOAP fault or another call error, 2 a usage error,
3 a watched job that failed.";

fn seconds(text: &str) -> Result<Duration, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| "expected a number of seconds, such as 30 or 0.5".to_owned())
}

fn command() -> Command {
    Command::new("ips")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Calls the Adobe Dynamic Media Classic (Scene7) IPS API: one subcommand per operation.")
        .after_help(CREDENTIALS_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new("endpoint")
                .long("endpoint")
                .env("IPS_ENDPOINT")
                // A URL may carry user information: --help does not echo it.
                .hide_env_values(true)
                .value_name("URL")
                .help("The IPS SOAP endpoint (or use --region)."),
        )
        .arg(
            Arg::new("region")
                .long("region")
                .value_name("REGION")
                .value_parser(["na", "emea", "apac"])
                .help("A documented regional endpoint, in place of --endpoint."),
        )
        .arg(
            Arg::new("staging")
                .long("staging")
                .action(ArgAction::SetTrue)
                .help("With --region: the region's staging environment."),
        )
        .arg(
            Arg::new("allow-insecure-http")
                .long("allow-insecure-http")
                .action(ArgAction::SetTrue)
                .help("Permit a plain http:// endpoint on a non-loopback host (credentials then travel unencrypted)."),
        )
        .arg(
            Arg::new("output")
                .long("output")
                .short('o')
                .value_name("FORMAT")
                .value_parser(["json", "table"])
                .default_value("json")
                .help("How responses are printed."),
        )
        .arg(
            Arg::new("soap-version")
                .long("soap-version")
                .value_name("VERSION")
                .value_parser(["1.1", "1.2"])
                .default_value("1.1"),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .value_name("SECONDS")
                .value_parser(seconds)
                .help("Limit for each call, response included [default: 60]."),
        )
        .subcommands(operations::commands())
        .subcommand(watch_job_command())
}

fn watch_job_command() -> Command {
    Command::new("watch-job")
        .about("Watches a job to its end, showing progress on standard error, then prints its log entry.")
        .long_about(
            "Watches a job to its end: polls getActiveJobs while it runs, showing its progress on \
             standard error, then prints its getJobLogs entry. With --run, starts it first with \
             executeJob. Exits with 3 when the job failed.",
        )
        .arg(
            Arg::new("company-handle")
                .long("company-handle")
                .value_name("TEXT")
                .required(true)
                .help("Handle of the company that owns the job."),
        )
        .arg(
            Arg::new("job-handle")
                .long("job-handle")
                .value_name("TEXT")
                .required(true)
                .help("Handle of the job."),
        )
        .arg(
            Arg::new("run")
                .long("run")
                .action(ArgAction::SetTrue)
                .help("Start the job first (executeJob)."),
        )
        .arg(
            Arg::new("interval")
                .long("interval")
                .value_name("SECONDS")
                .value_parser(seconds)
                .default_value("2")
                .help("Wait before the first poll; doubled after each poll."),
        )
        .arg(
            Arg::new("max-interval")
                .long("max-interval")
                .value_name("SECONDS")
                .value_parser(seconds)
                .default_value("30")
                .help("Longest wait between polls."),
        )
        .arg(
            Arg::new("deadline")
                .long("deadline")
                .value_name("SECONDS")
                .value_parser(seconds)
                .default_value("3600")
                .help("Give up after this long (the job keeps running in IPS)."),
        )
}

/// A usage error in clap's format and with its exit status.
fn usage_error(message: impl std::fmt::Display) -> ExitCode {
    let error = command().error(clap::error::ErrorKind::InvalidValue, message);
    // Printing to a closed terminal is the only failure; the status says it all.
    let _ = error.print();
    ExitCode::from(exit::USAGE)
}

/// A non-empty environment variable.
fn env_var(name: &str) -> Result<Option<String>, String> {
    match std::env::var(name) {
        Ok(value) if value.is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!("{name} is not valid UTF-8")),
    }
}

/// The client the global options and the environment describe, and the
/// redaction that keeps its secret out of the output.
fn configure(matches: &ArgMatches) -> Result<(IpsClientBuilder, Redaction), String> {
    let mut builder = IpsClient::builder().app("ips", env!("CARGO_PKG_VERSION"));
    let region = matches.get_one::<String>("region");
    let endpoint = matches.get_one::<String>("endpoint");
    let endpoint_given = matches.value_source("endpoint") == Some(ValueSource::CommandLine);
    builder = match (region, endpoint) {
        (Some(_), Some(_)) if endpoint_given => {
            return Err("give either --endpoint or --region, not both".to_owned())
        }
        (Some(region), _) => {
            let region = match region.as_str() {
                "emea" => Region::Emea,
                "apac" => Region::AsiaPacific,
                _ => Region::NorthAmerica,
            };
            let environment = if matches.get_flag("staging") {
                Environment::Staging
            } else {
                Environment::Production
            };
            builder.region(region, environment)
        }
        (None, Some(url)) => builder.endpoint(url),
        (None, None) => {
            return Err(
                "no endpoint: give --endpoint URL (or set IPS_ENDPOINT), or --region".to_owned(),
            )
        }
    };
    if matches
        .get_one::<String>("soap-version")
        .map(String::as_str)
        == Some("1.2")
    {
        builder = builder.soap_version(SoapVersion::Soap12);
    }
    if matches.get_flag("allow-insecure-http") {
        builder = builder.allow_insecure_http(true);
    }
    if let Some(timeout) = matches.get_one::<Duration>("timeout") {
        builder = builder.timeout(*timeout);
    }
    let mut redaction = Redaction::new(SENSITIVE_FIELDS);
    let token = env_var("IPS_ACCESS_TOKEN")?;
    let user = env_var("IPS_USER")?;
    let password = env_var("IPS_PASSWORD")?;
    builder = match (token, user, password) {
        (Some(token), _, _) => {
            redaction.secret(&token);
            builder.access_token(token)
        }
        (None, Some(user), Some(password)) => {
            redaction.secret(&password);
            builder.user_password(user, password)
        }
        (None, Some(_), None) => return Err("IPS_USER is set but IPS_PASSWORD is not".to_owned()),
        (None, None, Some(_)) => return Err("IPS_PASSWORD is set but IPS_USER is not".to_owned()),
        (None, None, None) => builder,
    };
    Ok((builder, redaction))
}

/// Writes to standard output; false when that failed (a closed pipe).
fn print_stdout(text: &str) -> bool {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .is_ok()
}

fn main() -> ExitCode {
    // Help, version and usage errors exit here (0, 0 and 2).
    let matches = command().get_matches();
    let (builder, redaction) = match configure(&matches) {
        Ok(configured) => configured,
        Err(message) => return usage_error(message),
    };
    let client = match builder.build() {
        Ok(client) => client,
        Err(error) => return usage_error(redaction.text(&error.to_string())),
    };
    let format = match matches.get_one::<String>("output").map(String::as_str) {
        Some("table") => OutputFormat::Table,
        _ => OutputFormat::Json,
    };
    let Some((name, arguments)) = matches.subcommand() else {
        return usage_error("a subcommand is required");
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::from(exit::FAILED);
        }
    };
    if name == "watch-job" {
        return runtime.block_on(watch_job(&client, arguments, format, &redaction));
    }
    match runtime.block_on(operations::run(&client, name, arguments)) {
        Ok(response) => {
            if print_stdout(&render(&response, format, &redaction)) {
                ExitCode::from(exit::SUCCESS)
            } else {
                ExitCode::from(exit::FAILED)
            }
        }
        Err(error) => {
            eprint!("{}", describe_error(&error, &redaction));
            ExitCode::from(error.exit_code())
        }
    }
}

/// Shows job progress: a bar on a terminal, one line per poll otherwise
/// (logs, pipes, CI).
struct ProgressView {
    bar: ProgressBar,
    job_handle: String,
}

impl ProgressView {
    fn new(job_handle: &str) -> Self {
        let bar = ProgressBar::with_draw_target(Some(100), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{bar:30}] {pos:>3}% {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        // Keeps the spinner turning between polls, which may be minutes apart.
        bar.enable_steady_tick(Duration::from_millis(200));
        ProgressView {
            bar,
            job_handle: job_handle.to_owned(),
        }
    }

    fn show(&self, progress: &JobProgress, redaction: &Redaction) {
        let (percent, text) = match progress {
            JobProgress::Active {
                state,
                progress,
                message,
            } => (
                Some(u64::try_from(*progress).unwrap_or(0).min(100)),
                redaction.text(&format!("{state}: {message}")),
            ),
            JobProgress::Pending => (None, "pending (queued, or finishing)".to_owned()),
        };
        if self.bar.is_hidden() {
            match percent {
                Some(percent) => eprintln!("job {}: {percent}% {text}", self.job_handle),
                None => eprintln!("job {}: {text}", self.job_handle),
            }
        } else {
            self.bar.set_message(text);
            if let Some(percent) = percent {
                self.bar.set_position(percent);
            }
        }
    }
}

async fn watch_job(
    client: &IpsClient,
    arguments: &ArgMatches,
    format: OutputFormat,
    redaction: &Redaction,
) -> ExitCode {
    let text = |id: &str| arguments.get_one::<String>(id).cloned().unwrap_or_default();
    let duration = |id: &str| {
        arguments
            .get_one::<Duration>(id)
            .copied()
            .unwrap_or_default()
    };
    let (company_handle, job_handle) = (text("company-handle"), text("job-handle"));
    let options = WatchOptions {
        first_interval: duration("interval"),
        max_interval: duration("max-interval"),
        deadline: duration("deadline"),
    };
    let view = ProgressView::new(&job_handle);
    let on_progress = |progress: &JobProgress| view.show(progress, redaction);
    let outcome = if arguments.get_flag("run") {
        workflows::run_and_watch(client, &company_handle, &job_handle, options, on_progress).await
    } else {
        workflows::watch_job(client, &company_handle, &job_handle, options, on_progress).await
    };
    view.bar.finish_and_clear();
    match outcome {
        Ok(outcome) => {
            let log = &outcome.log;
            let verdict = if outcome.failed() {
                "failed"
            } else {
                "succeeded"
            };
            eprintln!(
                "{}",
                redaction.text(&format!(
                    "job {job_handle} {verdict}: {} ({} of {} files succeeded, {} failed)",
                    log.log_type,
                    log.file_success_count,
                    log.total_file_count,
                    log.file_error_count
                ))
            );
            let shown = match serde_json::to_value(log) {
                Ok(json) => print_stdout(&render(&json, format, redaction)),
                Err(error) => {
                    eprintln!("error: the job log cannot be shown as JSON: {error}");
                    false
                }
            };
            match (shown, outcome.failed()) {
                (false, _) => ExitCode::from(exit::FAILED),
                (true, true) => ExitCode::from(JOB_FAILED),
                (true, false) => ExitCode::from(exit::SUCCESS),
            }
        }
        Err(WatchError::Call { source, .. }) => {
            let error: CliError<api::Fault> = CliError::from(source);
            eprint!("{}", describe_error(&error, redaction));
            ExitCode::from(exit::FAILED)
        }
        Err(deadline @ WatchError::Deadline { .. }) => {
            eprintln!("error: {}", redaction.text(&deadline.to_string()));
            ExitCode::from(exit::FAILED)
        }
    }
}
