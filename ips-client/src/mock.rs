//! An in-process mock IPS server on 127.0.0.1, for tests, examples and
//! users' own tests. Real HTTP on an ephemeral port, not a fake transport.
//!
//! It checks what a real IPS checks first (method, SOAPAction, envelope,
//! credentials in the `authHeader`), answers the operations this client
//! declares, and can be told to fail in each way a real deployment does.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::api::{self, AuthHeader, Fault};
use crate::soap::server::{Handler, HttpRequest, HttpResponse, Reaction, TestServer};
use crate::soap::service::action_from_content_type;
use crate::soap::{Limits, RequestEnvelope, ServiceError};

/// User and password the mock accepts unless told otherwise.
pub const DEFAULT_USER: &str = "demo@example.com";
pub const DEFAULT_PASSWORD: &str = "demo-password";

/// Path the mock serves, the same as a real IPS host's.
pub const SERVICE_PATH: &str = "/scene7/services/IpsApiService";

/// How the mock answers the next requests.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Behavior {
    /// Answer like IPS.
    #[default]
    Normal,
    /// A proxy's HTML error page with this status (502, say).
    HtmlError(u16),
    /// 200 with an empty body.
    EmptyBody,
    /// Never answer.
    Hang,
}

/// One request as the mock received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub soap_action: Option<String>,
    pub content_type: Option<String>,
    pub accept_encoding: Option<String>,
    /// The body as text (it holds the credentials: keep it in tests).
    pub body: String,
}

/// A job the mock was asked to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutedJob {
    pub company_handle: String,
    pub job_handle: String,
}

/// How a job started on the mock (executeJob, submitJob) runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobScript {
    /// getActiveJobs calls that list the job before it ends (`u32::MAX`: never ends).
    pub active_polls: u32,
    /// Whether it ends with file errors.
    pub fails: bool,
}

impl Default for JobScript {
    fn default() -> Self {
        JobScript {
            active_polls: 2,
            fails: false,
        }
    }
}

/// A job the mock is running.
#[derive(Debug, Clone)]
struct RunningJob {
    company_handle: String,
    job_handle: String,
    polls_left: u32,
    polls_done: u32,
    fails: bool,
}

#[derive(Debug, Default)]
struct State {
    behavior: Behavior,
    queued_faults: Vec<Fault>,
    requests: Vec<RecordedRequest>,
    executed: Vec<ExecutedJob>,
    scripts: Vec<(String, JobScript)>,
    running: Vec<RunningJob>,
    logs: Vec<api::JobLog>,
    submitted: u32,
    assets: Vec<api::Asset>,
}

impl State {
    fn start_job(&mut self, company_handle: &str, job_handle: &str) {
        let script = self
            .scripts
            .iter()
            .find(|(handle, _)| handle == job_handle)
            .map(|(_, script)| *script)
            .unwrap_or_default();
        self.running.push(RunningJob {
            company_handle: company_handle.to_owned(),
            job_handle: job_handle.to_owned(),
            polls_left: script.active_polls,
            polls_done: 0,
            fails: script.fails,
        });
    }
}

fn job_log(job: &RunningJob) -> api::JobLog {
    let (log_type, errors) = if job.fails {
        ("UploadError", 3)
    } else {
        ("UploadSuccess", 0)
    };
    api::JobLog {
        company_handle: job.company_handle.clone(),
        job_handle: job.job_handle.clone(),
        job_name: job.job_handle.clone(),
        original_job_name: job.job_handle.clone(),
        submit_user_email: DEFAULT_USER.to_owned(),
        log_type: log_type.to_owned(),
        job_sub_type: "UploadUrlsJob".to_owned(),
        description: if job.fails { "3 files failed" } else { "done" }.to_owned(),
        file_success_count: 10 - errors,
        file_error_count: errors,
        total_file_count: 10,
        fatal_error: false,
        ..Default::default()
    }
}

#[derive(Debug)]
struct Shared {
    user: String,
    password: String,
    state: Mutex<State>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not take the server down with it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A running mock IPS server; stops when dropped.
pub struct MockIps {
    server: TestServer,
    shared: Arc<Shared>,
}

impl MockIps {
    /// Starts a mock that accepts [`DEFAULT_USER`] / [`DEFAULT_PASSWORD`].
    pub async fn start() -> std::io::Result<Self> {
        Self::with_credentials(DEFAULT_USER, DEFAULT_PASSWORD).await
    }

    /// Starts a mock that accepts only these credentials.
    pub async fn with_credentials(user: &str, password: &str) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            user: user.to_owned(),
            password: password.to_owned(),
            state: Mutex::new(State::default()),
        });
        let server = TestServer::start(MockHandler {
            shared: shared.clone(),
        })
        .await?;
        Ok(MockIps { server, shared })
    }

    /// The SOAP endpoint URL (plain HTTP on 127.0.0.1).
    pub fn endpoint(&self) -> String {
        self.server.url(SERVICE_PATH)
    }

    /// Changes how following requests are answered.
    pub fn set_behavior(&self, behavior: Behavior) {
        self.shared.state().behavior = behavior;
    }

    /// Makes the next authenticated call fail with `fault`.
    pub fn fail_next(&self, fault: Fault) {
        self.shared.state().queued_faults.push(fault);
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.state().requests.clone()
    }

    /// Every job executeJob started so far.
    pub fn executed_jobs(&self) -> Vec<ExecutedJob> {
        self.shared.state().executed.clone()
    }

    /// The assets searchAssets pages through (in this order).
    pub fn set_assets(&self, assets: Vec<api::Asset>) {
        self.shared.state().assets = assets;
    }

    /// How the job with this handle runs once started (default: active for
    /// two polls, then a success).
    pub fn script_job(&self, job_handle: &str, script: JobScript) {
        self.shared
            .state()
            .scripts
            .push((job_handle.to_owned(), script));
    }

    /// Stops the server.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

struct MockHandler {
    shared: Arc<Shared>,
}

impl Handler for MockHandler {
    async fn handle(&self, request: HttpRequest) -> Reaction {
        let behavior = {
            let mut state = self.shared.state();
            state.requests.push(RecordedRequest {
                soap_action: request.header("soapaction").map(str::to_owned),
                content_type: request.header("content-type").map(str::to_owned),
                accept_encoding: request.header("accept-encoding").map(str::to_owned),
                body: String::from_utf8_lossy(&request.body).into_owned(),
            });
            state.behavior.clone()
        };
        match behavior {
            Behavior::Normal => Reaction::Respond(self.answer(&request).await),
            Behavior::HtmlError(status) => Reaction::Respond(HttpResponse::html(
                status,
                "<html><head><title>Bad Gateway</title></head><body><h1>Bad Gateway</h1>\
                 <p>The proxy server received an invalid response from an upstream server.</p></body></html>",
            )),
            Behavior::EmptyBody => Reaction::Respond(HttpResponse {
                status: 200,
                headers: Vec::new(),
                body: Vec::new(),
            }),
            Behavior::Hang => Reaction::Hang,
        }
    }
}

impl MockHandler {
    /// Routes the request through the generated dispatcher to [`MockService`].
    async fn answer(&self, request: &HttpRequest) -> HttpResponse {
        let action = request.header("soapaction").or_else(|| {
            request
                .header("content-type")
                .and_then(action_from_content_type)
        });
        let service = MockService {
            shared: self.shared.clone(),
        };
        let dispatched =
            api::dispatch_ips_api_port_type(&service, &request.body, action, &Limits::default())
                .await;
        // authHeader settings that shape the HTTP answer, as IPS honours them.
        let header: Option<AuthHeader> = RequestEnvelope::parse(&request.body, &Limits::default())
            .ok()
            .and_then(|envelope| envelope.header(api::Headers::AUTH_HEADER).ok().flatten());
        let status = match header.as_ref().and_then(|h| h.fault_http_status_code) {
            Some(code) if dispatched.status == 500 => u16::try_from(code)
                .ok()
                .filter(|s| (200..600).contains(s))
                .unwrap_or(500),
            _ => dispatched.status,
        };
        let response = HttpResponse::xml(status, dispatched.version, dispatched.body);
        let gzip =
            request.accepts_gzip() && header.as_ref().and_then(|h| h.gzip_response) != Some(false);
        if gzip {
            response.gzip()
        } else {
            response
        }
    }
}

/// The mock's implementation of the generated service trait.
struct MockService {
    shared: Arc<Shared>,
}

fn authentication_fault(code: i32, reason: &str) -> ServiceError<Fault> {
    ServiceError::Fault(Fault::AuthenticationFault(api::AuthenticationFault {
        code,
        reason: reason.to_owned(),
        ..Default::default()
    }))
}

impl api::IpsApiPortTypeService for MockService {
    /// Credentials first, as IPS does, then any fault a test queued.
    async fn check_headers(
        &self,
        _operation: &'static str,
        headers: &api::Headers,
    ) -> Result<(), ServiceError<Fault>> {
        let Some(header) = &headers.auth_header else {
            return Err(authentication_fault(10000, "No credentials were supplied."));
        };
        match (&header.user, &header.password) {
            (Some(user), Some(password))
                if *user == self.shared.user && *password == self.shared.password => {}
            (Some(user), Some(_)) if *user == self.shared.user => {
                return Err(authentication_fault(10001, "Invalid credentials."))
            }
            (Some(_), Some(_)) => return Err(authentication_fault(10002, "Unknown user.")),
            _ => return Err(authentication_fault(10000, "No credentials were supplied.")),
        }
        let mut state = self.shared.state();
        if state.queued_faults.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Fault(state.queued_faults.remove(0)))
        }
    }

    async fn execute_job(
        &self,
        _headers: &api::Headers,
        request: api::ExecuteJobParam,
    ) -> Result<(), ServiceError<Fault>> {
        if request.company_handle.is_empty() || request.job_handle.is_empty() {
            return Err(ServiceError::Fault(Fault::IpsApiFault(api::IpsApiFault {
                code: 30002,
                reason: "companyHandle and jobHandle are required.".into(),
                ..Default::default()
            })));
        }
        let mut state = self.shared.state();
        state.start_job(&request.company_handle, &request.job_handle);
        state.executed.push(ExecutedJob {
            company_handle: request.company_handle,
            job_handle: request.job_handle,
        });
        Ok(())
    }

    async fn submit_job(
        &self,
        _headers: &api::Headers,
        request: api::SubmitJobParam,
    ) -> Result<api::SubmitJobReturn, ServiceError<Fault>> {
        let mut state = self.shared.state();
        state.submitted += 1;
        let job_handle = format!(
            "{}|{}|{}",
            request.company_handle, request.job_name, state.submitted
        );
        state.start_job(&request.company_handle, &job_handle);
        Ok(api::SubmitJobReturn { job_handle })
    }

    /// Lists running jobs; each listing brings a job one poll closer to its end.
    async fn get_active_jobs(
        &self,
        _headers: &api::Headers,
        request: api::GetActiveJobsParam,
    ) -> Result<api::GetActiveJobsReturn, ServiceError<Fault>> {
        let mut state = self.shared.state();
        let wanted = |job: &RunningJob| {
            request
                .company_handle
                .as_ref()
                .is_none_or(|c| *c == job.company_handle)
                && request
                    .job_handle
                    .as_ref()
                    .is_none_or(|j| *j == job.job_handle)
        };
        let (ended, running): (Vec<RunningJob>, Vec<RunningJob>) =
            std::mem::take(&mut state.running)
                .into_iter()
                .partition(|job| wanted(job) && job.polls_left == 0);
        state.running = running;
        state.logs.extend(ended.iter().map(job_log));
        let mut listed = Vec::new();
        for job in state.running.iter_mut().filter(|job| wanted(job)) {
            job.polls_left = job.polls_left.saturating_sub(1);
            job.polls_done += 1;
            listed.push(api::ActiveJob {
                company_handle: job.company_handle.clone(),
                job_handle: job.job_handle.clone(),
                name: job.job_handle.clone(),
                original_name: job.job_handle.clone(),
                type_: "UploadUrlsJob".to_owned(),
                state: "Running".to_owned(),
                submit_user_email: DEFAULT_USER.to_owned(),
                server_name: "mock".to_owned(),
                progress: (job.polls_done * 30).min(99) as i32,
                progress_message: format!("step {}", job.polls_done),
                ..Default::default()
            });
        }
        Ok(api::GetActiveJobsReturn { job_array: listed })
    }

    /// Pages through the assets set with `set_assets` (pages count from 1).
    async fn search_assets(
        &self,
        _headers: &api::Headers,
        request: api::SearchAssetsParam,
    ) -> Result<api::SearchAssetsReturn, ServiceError<Fault>> {
        let state = self.shared.state();
        let per_page = request.records_per_page.unwrap_or(1000).max(1) as usize;
        let page = request.results_page.unwrap_or(1).max(1) as usize;
        let assets: Vec<api::Asset> = state
            .assets
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .cloned()
            .collect();
        Ok(api::SearchAssetsReturn {
            total_rows: Some(state.assets.len() as i32),
            asset_array: Some(assets),
        })
    }

    async fn get_job_logs(
        &self,
        _headers: &api::Headers,
        request: api::GetJobLogsParam,
    ) -> Result<api::GetJobLogsReturn, ServiceError<Fault>> {
        let state = self.shared.state();
        let logs = state
            .logs
            .iter()
            .filter(|log| {
                request
                    .company_handle
                    .as_ref()
                    .is_none_or(|c| *c == log.company_handle)
            })
            .cloned()
            .collect();
        Ok(api::GetJobLogsReturn {
            job_log_array: logs,
        })
    }
}
