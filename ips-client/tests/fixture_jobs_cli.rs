//! Compiles the checked-in snapshot of the `jobs` fixture generated with
//! the command-line front end and serde (codegen/tests/snapshots/jobs_cli.rs)
//! and drives it: subcommands parsed by clap, requests built from the
//! arguments, sent over HTTP on 127.0.0.1 to the generated dispatcher, and
//! the responses returned as JSON. Also serde's view of the generated types.

mod generated {
    include!("../../codegen/tests/snapshots/jobs_cli.rs");
}

use std::sync::{Arc, Mutex};

use generated::jobs_cli::cli::jobs_port_client::{commands, run, COMMANDS};
use generated::jobs_cli::*;
use ips_client::soap::cli::{CliError, Command};
use ips_client::soap::server::{Handler, HttpRequest, HttpResponse, Reaction, TestServer};
use ips_client::soap::service::action_from_content_type;
use ips_client::soap::{Limits, ServiceError, SoapClient};
use serde_json::json;

/// Keeps submitted jobs and lists them back.
#[derive(Clone, Default)]
struct Jobs {
    submitted: Arc<Mutex<Vec<Job>>>,
}

impl JobsPortService for Jobs {
    async fn submit_job(
        &self,
        _headers: &Headers,
        request: SubmitJob,
    ) -> Result<SubmitJobResponse, ServiceError<Fault>> {
        if request.job.name.is_empty() {
            return Err(ServiceError::Fault(Fault::JobFault(JobFault {
                code: 7,
                reason: "a job needs a name".into(),
            })));
        }
        let mut submitted = self.submitted.lock().unwrap();
        submitted.push(request.job);
        Ok(SubmitJobResponse {
            job_handle: format!("job-{}", submitted.len()),
        })
    }

    async fn list_jobs(&self, _headers: &Headers) -> Result<ListJobsResponse, ServiceError<Fault>> {
        Ok(ListJobsResponse {
            job: self.submitted.lock().unwrap().clone(),
        })
    }
}

impl Handler for Jobs {
    async fn handle(&self, request: HttpRequest) -> Reaction {
        let action = request.header("soapaction").or_else(|| {
            request
                .header("content-type")
                .and_then(action_from_content_type)
        });
        let dispatched = dispatch_jobs_port(self, &request.body, action, &Limits::default()).await;
        Reaction::Respond(HttpResponse::xml(
            dispatched.status,
            dispatched.version,
            dispatched.body,
        ))
    }
}

fn tool() -> Command {
    Command::new("jobs")
        .subcommand_required(true)
        .subcommands(commands())
}

/// Parses `args` as the generated tool would and runs the subcommand.
async fn call(
    client: &JobsPortClient,
    args: &[&str],
) -> Result<serde_json::Value, CliError<Fault>> {
    let matches = tool()
        .try_get_matches_from(std::iter::once("jobs").chain(args.iter().copied()))
        .unwrap_or_else(|e| panic!("{args:?} should parse: {e}"));
    let (name, arguments) = matches.subcommand().expect("a subcommand");
    run(client, name, arguments).await
}

const JOB: &str = r#"{
    "id": "7", "revision": 3,
    "name": "resize & crop", "state": "running", "priority": 5, "weight": 1.5,
    "tag": ["a", "b"],
    "parent": {"id": "1", "name": "root", "state": "paused"},
    "type": "batch",
    "limits": {"maxSeconds": 3600, "retry": true},
    "otherAttributes": [{"namespace": "urn:other", "local": "flag", "value": "on"}]
}"#;

#[tokio::test]
async fn subcommands_build_requests_call_and_return_json() {
    assert_eq!(
        COMMANDS,
        [("submit-job", "submitJob"), ("list-jobs", "listJobs")]
    );
    let service = Jobs::default();
    let server = TestServer::start(service.clone()).await.unwrap();
    let client = JobsPortClient::new(SoapClient::builder(&server.url("/jobs")).build().unwrap());

    let submitted = call(&client, &["submit-job", "--job", JOB]).await.unwrap();
    assert_eq!(submitted, json!({"jobHandle": "job-1"}));

    // Every field crossed the wire: attributes, the open attribute, the
    // unlisted enumeration value, the recursive parent, the nested type.
    let job = service.submitted.lock().unwrap()[0].clone();
    assert_eq!(job.id, "7");
    assert_eq!(job.revision, Some(3));
    assert_eq!(job.state, JobState::Running);
    assert_eq!(job.tag, ["a", "b"]);
    let parent = job.parent.as_deref().expect("parent");
    assert_eq!(parent.state, JobState::Other("paused".into()));
    assert_eq!(job.limits.as_ref().map(|l| l.max_seconds), Some(3600));
    assert_eq!(job.other_attributes[0].local, "flag");

    let listed = call(&client, &["list-jobs"]).await.unwrap();
    let expected: serde_json::Value = serde_json::from_str(JOB).unwrap();
    assert_eq!(
        listed,
        json!({"job": [expected]}),
        "the job comes back as sent"
    );

    // A declared fault arrives typed.
    let fault = call(
        &client,
        &[
            "submit-job",
            "--job",
            r#"{"id": "8", "name": "", "state": "queued"}"#,
        ],
    )
    .await
    .unwrap_err();
    match fault {
        CliError::Call(error) => assert!(
            matches!(error.fault(), Some(Fault::JobFault(f)) if f.code == 7),
            "{error:?}"
        ),
        other => panic!("expected the job fault, got {other:?}"),
    }
    server.shutdown().await;
}

#[test]
fn arguments_are_checked_when_parsed() {
    let missing = tool()
        .try_get_matches_from(["jobs", "submit-job"])
        .unwrap_err();
    assert_eq!(
        missing.kind(),
        clap::error::ErrorKind::MissingRequiredArgument
    );
    assert!(missing.to_string().contains("--job"), "{missing}");

    for (bad, expected) in [
        (r#"{"id": "1", "name": "x"}"#, "missing field `state`"),
        (
            r#"{"id": "1", "name": "x", "state": "queued", "colour": 1}"#,
            "unknown field `colour`",
        ),
        (
            r#"{"id": "1", "name": "x", "state": "queued", "revision": -1}"#,
            "invalid value",
        ),
        ("{", "EOF"),
        ("@/nonexistent/job.json", "reading /nonexistent/job.json"),
    ] {
        let error = tool()
            .try_get_matches_from(["jobs", "submit-job", "--job", bad])
            .unwrap_err();
        assert_eq!(
            error.kind(),
            clap::error::ErrorKind::ValueValidation,
            "{bad}"
        );
        let text = error.to_string();
        assert!(
            text.contains("--job") && text.contains(expected),
            "{bad}: {text}"
        );
    }
    let help = tool().render_long_help().to_string();
    assert!(help.contains("submit-job") && help.contains("Queues a job and returns its handle."));
}

#[test]
fn serde_uses_wire_names_and_wire_text() {
    let job = Job {
        id: "7".into(),
        name: "n".into(),
        state: JobState::Other("paused".into()),
        type_: Some("batch".into()),
        limits: Some(JobLimits {
            max_seconds: 60,
            retry: None,
        }),
        ..Default::default()
    };
    let value = serde_json::to_value(&job).unwrap();
    assert_eq!(
        value,
        json!({
            "id": "7", "name": "n", "state": "paused", "type": "batch",
            "limits": {"maxSeconds": 60}
        })
    );
    let back: Job = serde_json::from_value(value).unwrap();
    assert_eq!(back, job);
    let fault: Fault =
        serde_json::from_value(json!({"jobFault": {"code": 1, "reason": "r"}})).unwrap();
    assert_eq!(
        fault,
        Fault::JobFault(JobFault {
            code: 1,
            reason: "r".into()
        })
    );
}
