//! The `ips` command-line tool, run as a process against the mock IPS on
//! 127.0.0.1: generated subcommands for every operation, JSON and table
//! output, exit statuses, `watch-job`, and secrets kept out of all output.

mod common;

use std::process::{Command, Output};

use ips_client::api::cli::ips_api_port_type_client::COMMANDS;
use ips_client::api::{self, Fault};
use ips_client::mock::{JobScript, MockIps, DEFAULT_PASSWORD, DEFAULT_USER};
use serde_json::Value;

const TOKEN: &str = "tok-9f8e7d6c5b4a";

/// Runs `ips` with `args`, the mock's endpoint and the given credentials in
/// the environment; checks that no output shows the password or token.
fn run_with(endpoint: Option<&str>, credentials: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ips"));
    command
        .args(args)
        .env_remove("IPS_ENDPOINT")
        .env_remove("IPS_USER")
        .env_remove("IPS_PASSWORD")
        .env_remove("IPS_ACCESS_TOKEN")
        .stdin(std::process::Stdio::null());
    if let Some(endpoint) = endpoint {
        command.env("IPS_ENDPOINT", endpoint);
    }
    for (name, value) in credentials {
        command.env(name, value);
    }
    let output = command.output().expect("running ips");
    for (_, secret) in credentials.iter().filter(|(name, _)| *name != "IPS_USER") {
        for (stream, text) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            let text = String::from_utf8_lossy(text);
            assert!(
                !text.contains(secret),
                "a secret appears on {stream} of ips {args:?}:\n{text}"
            );
        }
    }
    output
}

/// `ips` against the mock, signed in as the mock's user.
fn ips(mock: &MockIps, args: &[&str]) -> Output {
    run_with(
        Some(&mock.endpoint()),
        &[
            ("IPS_USER", DEFAULT_USER),
            ("IPS_PASSWORD", DEFAULT_PASSWORD),
        ],
        args,
    )
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn status(output: &Output) -> i32 {
    output.status.code().expect("an exit status")
}

/// Exit 0, and stdout parsed as JSON.
fn json(output: &Output) -> Value {
    assert_eq!(status(output), 0, "stderr: {}", stderr(output));
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(output)))
}

#[test]
fn help_lists_a_subcommand_for_every_operation_of_the_wsdl() {
    let output = run_with(None, &[("IPS_PASSWORD", DEFAULT_PASSWORD)], &["--help"]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    let help = stdout(&output);
    let operations = common::wsdl_operations();
    let mut generated: Vec<String> = COMMANDS.iter().map(|(_, op)| (*op).to_owned()).collect();
    generated.sort();
    assert_eq!(generated, operations, "one subcommand per WSDL operation");
    for (command, _) in COMMANDS {
        assert!(
            help.lines()
                .any(|line| line.trim_start().starts_with(&format!("{command} "))),
            "--help does not list {command}:\n{help}"
        );
    }
    assert!(help.contains("watch-job"));
    assert!(help.contains("IPS_PASSWORD"), "credentials are explained");
}

#[test]
fn every_generated_subcommand_has_working_help() {
    for (command, operation) in COMMANDS {
        let output = run_with(None, &[], &[command, "--help"]);
        assert_eq!(status(&output), 0, "{command} --help: {}", stderr(&output));
        let help = stdout(&output);
        assert!(
            help.contains(&format!("Usage: ips {command}")),
            "{command}:\n{help}"
        );
        assert!(
            help.contains(&format!("Operation `{operation}`.")),
            "{command}'s help names its operation:\n{help}"
        );
    }
    let help = stdout(&run_with(None, &[], &["execute-job", "--help"]));
    let mut expected = vec!["--company-handle <TEXT>", "--job-handle <TEXT>"];
    // The project's WSDL documents its fields (the official ones do not).
    if std::env::var_os("IPS_WSDL").is_none() {
        expected.push("Handle of the company that owns the job.");
    }
    for expected in expected {
        assert!(help.contains(expected), "missing {expected}:\n{help}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn execute_job_succeeds_with_json_output() {
    let mock = MockIps::start().await.unwrap();
    let output = ips(
        &mock,
        &[
            "execute-job",
            "--company-handle",
            "47",
            "--job-handle",
            "47|My Test Job|",
        ],
    );
    assert_eq!(
        json(&output),
        serde_json::json!({}),
        "the empty response element"
    );
    assert_eq!(stderr(&output), "");
    assert_eq!(
        mock.executed_jobs(),
        vec![ips_client::mock::ExecutedJob {
            company_handle: "47".into(),
            job_handle: "47|My Test Job|".into()
        }]
    );
    // The same over SOAP 1.2.
    let output = ips(
        &mock,
        &[
            "--soap-version",
            "1.2",
            "execute-job",
            "--company-handle",
            "47",
            "--job-handle",
            "47|x|",
        ],
    );
    json(&output);
    let last = mock.requests().pop().expect("a request");
    assert!(
        last.content_type
            .unwrap_or_default()
            .contains(r#"action="executeJob""#),
        "SOAP 1.2 carries the action in the content type"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn submit_job_then_get_active_jobs_in_json_and_table_form() {
    let mock = MockIps::start().await.unwrap();
    let job = r#"{"urlArray": [{"sourceUrl": "https://example.com/a.jpg", "destPath": "a.jpg"}],
                  "overwrite": true, "readyForPublish": false, "createMask": false,
                  "emailSetting": "None"}"#;
    let dir = std::env::temp_dir().join(format!("ips-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let job_file = dir.join("job.json");
    std::fs::write(&job_file, job).unwrap();
    let job_arg = format!("@{}", job_file.display());
    let submitted = json(&ips(
        &mock,
        &[
            "submit-job",
            "--company-handle",
            "47",
            "--job-name",
            "nightly",
            "--upload-urls-job",
            &job_arg,
        ],
    ));
    assert_eq!(submitted, serde_json::json!({"jobHandle": "47|nightly|1"}));
    // The JSON argument reached the wire as the nested element.
    let body = mock.requests().pop().unwrap().body;
    assert!(body.contains("https://example.com/a.jpg"), "{body}");
    assert!(body.contains("<overwrite>true</overwrite>"), "{body}");

    let table = ips(
        &mock,
        &[
            "-o",
            "table",
            "submit-job",
            "--company-handle",
            "47",
            "--job-name",
            "other",
            "--description",
            "by the CLI test",
        ],
    );
    assert_eq!(status(&table), 0, "{}", stderr(&table));
    let text = stdout(&table);
    assert!(
        text.contains("jobHandle") && text.contains("47|other|2"),
        "{text}"
    );

    let active = json(&ips(&mock, &["get-active-jobs", "--company-handle", "47"]));
    let jobs = active["jobArray"].as_array().expect("jobArray is an array");
    let handles: Vec<&str> = jobs
        .iter()
        .map(|j| j["jobHandle"].as_str().unwrap())
        .collect();
    assert_eq!(handles, ["47|nightly|1", "47|other|2"]);
    assert_eq!(jobs[0]["progress"], 30, "numbers stay numbers");
    assert_eq!(jobs[0]["state"], "Running");

    let output = ips(
        &mock,
        &[
            "--output",
            "table",
            "get-active-jobs",
            "--company-handle",
            "47",
        ],
    );
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("jobArray: 2 rows"), "{text}");
    let header = text.lines().nth(1).expect("a header row");
    for column in [
        "companyHandle",
        "jobHandle",
        "state",
        "progress",
        "progressMessage",
    ] {
        assert!(header.contains(column), "column {column} missing:\n{text}");
    }
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("|47|") || l.contains("| 47 "))
        .collect();
    assert_eq!(rows.len(), 2, "one row per job:\n{text}");
    assert!(
        rows[0].contains("47|nightly|1") && rows[1].contains("47|other|2"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

fn asset(n: usize) -> api::Asset {
    api::Asset {
        asset_handle: Some(format!("a|{n}")),
        name: Some(format!("image-{n}")),
        type_: Some("Image".into()),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn search_assets_in_json_and_table_form() {
    let mock = MockIps::start().await.unwrap();
    mock.set_assets((1..=3).map(asset).collect());
    let args = [
        "search-assets",
        "--company-handle",
        "47",
        "--include-subfolders",
        "true",
        "--records-per-page",
        "2",
    ];
    let found = json(&ips(&mock, &args));
    assert_eq!(found["totalRows"], 3);
    let names: Vec<&str> = found["assetArray"]
        .as_array()
        .expect("assetArray")
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["image-1", "image-2"], "the first page");
    assert!(
        found["assetArray"][0].get("fileName").is_none(),
        "absent optional fields are left out"
    );

    let mut table_args = vec!["--output", "table"];
    table_args.extend(args);
    let first = ips(&mock, &table_args);
    assert_eq!(status(&first), 0, "{}", stderr(&first));
    let text = stdout(&first);
    assert!(text.contains("totalRows") && text.contains("| 3"), "{text}");
    assert!(text.contains("assetArray: 2 rows"), "{text}");
    assert!(text.contains("image-1") && text.contains("a|2"), "{text}");
    assert_eq!(stdout(&ips(&mock, &table_args)), text, "deterministic");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fault_exits_with_1_and_shows_code_and_message_on_stderr() {
    let mock = MockIps::start().await.unwrap();
    mock.fail_next(Fault::IpsApiFault(api::IpsApiFault {
        code: 30001,
        reason: "Invalid parameter: jobHandle".into(),
        ..Default::default()
    }));
    let output = ips(
        &mock,
        &[
            "execute-job",
            "--company-handle",
            "47",
            "--job-handle",
            "nope",
        ],
    );
    assert_eq!(status(&output), 1);
    assert_eq!(stdout(&output), "");
    let err = stderr(&output);
    assert!(err.starts_with("error: SOAP fault"), "{err}");
    assert!(err.contains("Invalid parameter: jobHandle"), "{err}");
    assert!(err.contains("30001"), "the IPS fault code: {err}");
    assert!(
        err.contains("ipsApiFault"),
        "the fault's detail element: {err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_credentials_fail_without_showing_them() {
    let mock = MockIps::start().await.unwrap();
    let wrong = "Wr0ng-Passw0rd!";
    let output = run_with(
        Some(&mock.endpoint()),
        &[("IPS_USER", DEFAULT_USER), ("IPS_PASSWORD", wrong)],
        &["get-active-jobs", "--company-handle", "47"],
    );
    assert_eq!(status(&output), 1);
    let err = stderr(&output);
    assert!(
        err.contains("authenticationFault") && err.contains("10001"),
        "{err}"
    );
    // An access token is sent in place of a password, and never shown either.
    let output = run_with(
        Some(&mock.endpoint()),
        &[("IPS_ACCESS_TOKEN", TOKEN)],
        &["get-active-jobs", "--company-handle", "47"],
    );
    assert_eq!(status(&output), 1, "the mock accepts passwords only");
    let body = mock.requests().pop().unwrap().body;
    assert!(body.contains(TOKEN), "the token was sent");
    // Help never shows a secret from the environment either.
    let output = run_with(
        Some(&mock.endpoint()),
        &[
            ("IPS_PASSWORD", DEFAULT_PASSWORD),
            ("IPS_ACCESS_TOKEN", TOKEN),
        ],
        &["--help"],
    );
    assert_eq!(status(&output), 0);
    assert!(
        !stdout(&output).contains(&mock.endpoint()),
        "an endpoint URL may hold user information: not echoed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_exit_with_2_before_anything_is_sent() {
    let mock = MockIps::start().await.unwrap();
    let missing = ips(&mock, &["execute-job", "--company-handle", "47"]);
    assert_eq!(status(&missing), 2);
    assert!(
        stderr(&missing).contains("--job-handle"),
        "{}",
        stderr(&missing)
    );

    let bad_int = ips(
        &mock,
        &[
            "search-assets",
            "--company-handle",
            "47",
            "--include-subfolders",
            "true",
            "--records-per-page",
            "many",
        ],
    );
    assert_eq!(status(&bad_int), 2);
    let err = stderr(&bad_int);
    assert!(
        err.contains("--records-per-page") && err.contains("xsd:int"),
        "{err}"
    );

    let bad_bool = ips(
        &mock,
        &[
            "search-assets",
            "--company-handle",
            "47",
            "--include-subfolders",
            "maybe",
        ],
    );
    assert_eq!(status(&bad_bool), 2);
    assert!(
        stderr(&bad_bool).contains("xsd:boolean"),
        "{}",
        stderr(&bad_bool)
    );

    let bad_json = ips(
        &mock,
        &[
            "submit-job",
            "--company-handle",
            "47",
            "--job-name",
            "x",
            "--upload-urls-job",
            r#"{"overwrit": true}"#,
        ],
    );
    assert_eq!(status(&bad_json), 2);
    let err = stderr(&bad_json);
    assert!(
        err.contains("--upload-urls-job") && err.contains("unknown field `overwrit`"),
        "{err}"
    );

    let no_endpoint = run_with(
        None,
        &[],
        &["execute-job", "--company-handle", "47", "--job-handle", "j"],
    );
    assert_eq!(status(&no_endpoint), 2);
    assert!(
        stderr(&no_endpoint).contains("IPS_ENDPOINT"),
        "{}",
        stderr(&no_endpoint)
    );

    let unknown = ips(&mock, &["no-such-operation"]);
    assert_eq!(status(&unknown), 2);
    assert!(mock.requests().is_empty(), "nothing reached the server");
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_job_shows_progress_and_ends_with_the_outcome() {
    let mock = MockIps::start().await.unwrap();
    mock.script_job(
        "47|nightly|",
        JobScript {
            active_polls: 3,
            fails: false,
        },
    );
    let fast = [
        "--interval",
        "0.01",
        "--max-interval",
        "0.02",
        "--deadline",
        "20",
    ];
    let mut args = vec![
        "watch-job",
        "--run",
        "--company-handle",
        "47",
        "--job-handle",
        "47|nightly|",
    ];
    args.extend(fast);
    let output = ips(&mock, &args);
    let log = json(&output);
    assert_eq!(log["jobHandle"], "47|nightly|");
    assert_eq!(log["logType"], "UploadSuccess");
    let err = stderr(&output);
    let progress: Vec<&str> = err.lines().filter(|l| l.contains('%')).collect();
    assert_eq!(
        progress.len(),
        3,
        "one line per poll while not on a terminal:\n{err}"
    );
    assert!(
        progress[0].contains("30%") && progress[0].contains("Running"),
        "{err}"
    );
    assert!(progress[2].contains("90%"), "{err}");
    assert!(err.contains("job 47|nightly| succeeded"), "{err}");
    assert_eq!(mock.executed_jobs().len(), 1, "--run started it");

    mock.script_job(
        "47|broken|",
        JobScript {
            active_polls: 1,
            fails: true,
        },
    );
    let mut args = vec![
        "-o",
        "table",
        "watch-job",
        "--run",
        "--company-handle",
        "47",
        "--job-handle",
        "47|broken|",
    ];
    args.extend(fast);
    let output = ips(&mock, &args);
    assert_eq!(status(&output), 3, "a failed job: {}", stderr(&output));
    assert!(
        stdout(&output).contains("UploadError"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("job 47|broken| failed"),
        "{}",
        stderr(&output)
    );

    // Watching a job that never ends stops at the deadline with status 1.
    mock.script_job(
        "47|stuck|",
        JobScript {
            active_polls: u32::MAX,
            fails: false,
        },
    );
    let output = ips(
        &mock,
        &[
            "watch-job",
            "--run",
            "--company-handle",
            "47",
            "--job-handle",
            "47|stuck|",
            "--interval",
            "0.01",
            "--deadline",
            "0.2",
        ],
    );
    assert_eq!(status(&output), 1);
    assert!(
        stderr(&output).contains("did not end within"),
        "{}",
        stderr(&output)
    );
}
