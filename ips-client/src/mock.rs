//! An in-process mock IPS server on 127.0.0.1, for tests, examples and
//! users' own tests. Real HTTP on an ephemeral port, not a fake transport.
//!
//! It checks what a real IPS checks first (method, SOAPAction, envelope,
//! credentials in the `authHeader`), answers the operations this client
//! declares, and can be told to fail in each way a real deployment does.
//!
//! It also serves the UploadFile servlet ([`UPLOAD_PATH`]): it reads the
//! multipart POSTs [`crate::upload`] sends, checks the `auth` part like the
//! SOAP header, keeps the files it received ([`MockIps::uploads`]), and runs
//! the upload job once a POST ends it, like the jobs executeJob starts.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;

use crate::api::{self, AuthHeader, Fault};
use crate::soap::server::{Handler, HttpRequest, HttpResponse, Reaction, TestServer};
use crate::soap::service::action_from_content_type;
use crate::soap::xml::{decode_document, encode_document, XmlWriter};
use crate::soap::{Limits, RequestEnvelope, ServiceError};
use crate::upload::{
    JobRef, UploadPostParams, UploadPostReturn, AUTH_PART, PARAMS_PART, UPLOAD_POST_PARAM,
    UPLOAD_POST_RETURN,
};

/// User and password the mock accepts unless told otherwise.
pub const DEFAULT_USER: &str = "demo@example.com";
pub const DEFAULT_PASSWORD: &str = "demo-password";

/// Path the mock serves, the same as a real IPS host's.
pub const SERVICE_PATH: &str = "/scene7/services/IpsApiService";

/// Path of the mock's UploadFile servlet, the same as a real IPS host's.
pub const UPLOAD_PATH: &str = "/scene7/UploadFile";

/// File bytes the mock keeps from uploads, in all; a POST that would go
/// over is refused with an ipsApiFault (see [`MockIps::clear_uploads`]).
pub const MAX_KEPT_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

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

/// One UploadFile POST the mock accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedPost {
    /// The job the POST was added to (new or continued).
    pub job_handle: String,
    /// The `auth` part, decoded. It holds the credentials (its `Debug`
    /// hides them): keep it in tests.
    pub auth: AuthHeader,
    /// The `uploadParams` part, decoded.
    pub params: UploadPostParams,
    pub files: Vec<ReceivedFile>,
}

/// One file part of an accepted POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedFile {
    /// The form part's name (`file1`...).
    pub field: String,
    /// The `filename` the part carried.
    pub file_name: String,
    /// Where IPS would store it: the POST's `destFolder` followed by its
    /// `fileName`, or else by the part's `filename`.
    pub stored_as: String,
    pub content_type: Option<String>,
    pub bytes: Bytes,
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
    kind: JobKind,
    polls_left: u32,
    polls_done: u32,
    fails: bool,
}

/// What a running job is, for its listing and its log.
#[derive(Debug, Clone)]
enum JobKind {
    /// Started with executeJob or submitJob.
    Submitted,
    /// Opened by an UploadFile POST and ended by one with `endJob`.
    UploadPost { job_name: String, files: i32 },
}

/// An upload job POSTs are being added to.
#[derive(Debug, Clone)]
struct OpenUpload {
    company_handle: String,
    job_handle: String,
    job_name: String,
    files: i32,
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
    upload_scripts: Vec<(String, JobScript)>,
    open_uploads: Vec<OpenUpload>,
    uploads: Vec<ReceivedPost>,
    kept_upload_bytes: usize,
    upload_jobs_started: u32,
    /// (UploadFile POSTs to let through first, bytes to read of the one cut).
    upload_cut: Option<(usize, usize)>,
}

impl State {
    fn start_job(&mut self, company_handle: &str, job_handle: &str, kind: JobKind) {
        let by_handle = self.scripts.iter().find(|(handle, _)| handle == job_handle);
        let by_name = match &kind {
            JobKind::UploadPost { job_name, .. } => self
                .upload_scripts
                .iter()
                .find(|(name, _)| name == job_name),
            JobKind::Submitted => None,
        };
        let script = by_handle
            .or(by_name)
            .map(|(_, script)| *script)
            .unwrap_or_default();
        self.running.push(RunningJob {
            company_handle: company_handle.to_owned(),
            job_handle: job_handle.to_owned(),
            kind,
            polls_left: script.active_polls,
            polls_done: 0,
            fails: script.fails,
        });
    }
}

impl RunningJob {
    fn job_type(&self) -> &'static str {
        match self.kind {
            JobKind::Submitted => "UploadUrlsJob",
            JobKind::UploadPost { .. } => "UploadPostJob",
        }
    }

    fn name(&self) -> &str {
        match &self.kind {
            JobKind::Submitted => &self.job_handle,
            JobKind::UploadPost { job_name, .. } => job_name,
        }
    }
}

fn job_log(job: &RunningJob) -> api::JobLog {
    // A submitted job stands for ten files, three of which fail when
    // scripted to; a failing upload job fails every file it received.
    let total = match job.kind {
        JobKind::Submitted => 10,
        JobKind::UploadPost { files, .. } => files,
    };
    let errors = match (job.fails, &job.kind) {
        (false, _) => 0,
        (true, JobKind::Submitted) => 3,
        (true, JobKind::UploadPost { .. }) => total.max(1),
    };
    let log_type = if job.fails {
        "UploadError"
    } else {
        "UploadSuccess"
    };
    api::JobLog {
        company_handle: job.company_handle.clone(),
        job_handle: job.job_handle.clone(),
        job_name: job.name().to_owned(),
        original_job_name: job.name().to_owned(),
        submit_user_email: DEFAULT_USER.to_owned(),
        log_type: log_type.to_owned(),
        job_sub_type: job.job_type().to_owned(),
        description: if job.fails {
            format!("{errors} files failed")
        } else {
            "done".to_owned()
        },
        file_success_count: (total - errors).max(0),
        file_error_count: errors,
        total_file_count: total,
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

    /// The UploadFile servlet URL, which an [`IpsClientBuilder`] pointed at
    /// [`endpoint`](Self::endpoint) derives by itself.
    ///
    /// [`IpsClientBuilder`]: crate::IpsClientBuilder
    pub fn upload_endpoint(&self) -> String {
        self.server.url(UPLOAD_PATH)
    }

    /// Every UploadFile POST the mock accepted so far, in order.
    pub fn uploads(&self) -> Vec<ReceivedPost> {
        self.shared.state().uploads.clone()
    }

    /// Forgets the uploads received so far, freeing their bytes.
    pub fn clear_uploads(&self) {
        let mut state = self.shared.state();
        state.uploads.clear();
        state.kept_upload_bytes = 0;
    }

    /// The next UploadFile POST is cut off: the mock reads `bytes` of its
    /// body, then drops the connection without answering (nothing of that
    /// POST is kept and no job starts).
    pub fn cut_next_upload_after(&self, bytes: usize) {
        self.cut_upload_after(0, bytes);
    }

    /// Like [`cut_next_upload_after`](Self::cut_next_upload_after) for the
    /// UploadFile POST that follows `posts_let_through` others (counted as
    /// their request heads arrive), to cut a later POST of a job.
    pub fn cut_upload_after(&self, posts_let_through: usize, bytes: usize) {
        self.shared.state().upload_cut = Some((posts_let_through, bytes));
    }

    /// How the upload job started with this job name runs once a POST ends
    /// it (default: active for two polls, then a success; a failing one
    /// logs every file as failed).
    pub fn script_upload(&self, job_name: &str, script: JobScript) {
        self.shared
            .state()
            .upload_scripts
            .push((job_name.to_owned(), script));
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

fn is_upload(path: &str) -> bool {
    path.split('?').next() == Some(UPLOAD_PATH)
}

impl Handler for MockHandler {
    async fn handle(&self, request: HttpRequest) -> Reaction {
        let upload = is_upload(&request.path);
        let behavior = {
            let mut state = self.shared.state();
            // Uploads are kept as received files, not as text.
            if !upload {
                state.requests.push(RecordedRequest {
                    soap_action: request.header("soapaction").map(str::to_owned),
                    content_type: request.header("content-type").map(str::to_owned),
                    accept_encoding: request.header("accept-encoding").map(str::to_owned),
                    body: String::from_utf8_lossy(&request.body).into_owned(),
                });
            }
            state.behavior.clone()
        };
        match behavior {
            Behavior::Normal if upload => Reaction::Respond(self.answer_upload(&request).await),
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

    fn cut_off_after(&self, _method: &str, path: &str) -> Option<usize> {
        if !is_upload(path) {
            return None;
        }
        let mut state = self.shared.state();
        match state.upload_cut.as_mut() {
            Some((0, _)) => state.upload_cut.take().map(|(_, bytes)| bytes),
            Some((let_through, _)) => {
                *let_through -= 1;
                None
            }
            None => None,
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

/// A refused UploadFile POST: the fault and the HTTP status to send it with.
struct UploadRefusal {
    fault: Fault,
    status: u16,
}

fn ips_api_fault(code: i32, reason: impl Into<String>) -> Fault {
    Fault::IpsApiFault(api::IpsApiFault {
        code,
        reason: reason.into(),
        ..Default::default()
    })
}

/// The parts of an UploadFile POST.
#[derive(Default)]
struct UploadForm {
    auth: Option<Bytes>,
    params: Option<Bytes>,
    files: Vec<ReceivedFile>,
}

/// Reads the multipart body; anything that is neither of the two XML
/// parts nor a file is refused.
async fn read_upload_form(request: &HttpRequest) -> Result<UploadForm, Fault> {
    let content_type = request.header("content-type").unwrap_or("");
    let boundary = multer::parse_boundary(content_type).map_err(|e| {
        ips_api_fault(
            30003,
            format!("expected a multipart/form-data request: {e}"),
        )
    })?;
    let body = futures_util::stream::once(std::future::ready(Ok::<_, std::convert::Infallible>(
        request.body.clone(),
    )));
    let mut multipart = multer::Multipart::new(body, boundary);
    let unreadable = |e: multer::Error| ips_api_fault(30003, format!("unreadable form: {e}"));
    let mut form = UploadForm::default();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let bytes = field.bytes().await.map_err(unreadable)?;
        match (name.as_str(), file_name) {
            (AUTH_PART, None) => form.auth = Some(bytes),
            (PARAMS_PART, None) => form.params = Some(bytes),
            (_, Some(file_name)) => form.files.push(ReceivedFile {
                field: name,
                stored_as: file_name.clone(),
                file_name,
                content_type,
                bytes,
            }),
            (other, None) => {
                return Err(ips_api_fault(
                    30001,
                    format!("form part {other:?} is neither {AUTH_PART}, {PARAMS_PART} nor a file"),
                ))
            }
        }
    }
    Ok(form)
}

impl MockHandler {
    /// Answers an UploadFile POST as the servlet does: `uploadPostReturn`
    /// with the job handle, or a fault document.
    async fn answer_upload(&self, request: &HttpRequest) -> HttpResponse {
        let (status, body) = match self.receive_upload(request).await {
            Ok(reply) => (200, encode_document(&reply, UPLOAD_POST_RETURN)),
            Err(UploadRefusal { fault, status }) => {
                let (name, detail) = fault.detail();
                let mut writer = XmlWriter::new();
                (
                    status,
                    detail
                        .encode_xml(&mut writer, name)
                        .map(|()| writer.into_string()),
                )
            }
        };
        match body {
            Ok(body) => HttpResponse::new(status, body.into_bytes())
                .with_header("content-type", "text/xml;charset=utf-8"),
            // Only text the client sent can fail to encode.
            Err(e) => HttpResponse::new(400, e.to_string().into_bytes())
                .with_header("content-type", "text/plain; charset=utf-8"),
        }
    }

    async fn receive_upload(
        &self,
        request: &HttpRequest,
    ) -> Result<UploadPostReturn, UploadRefusal> {
        let limits = Limits::default();
        let refuse = |fault| UploadRefusal { fault, status: 500 };
        if request.method != "POST" {
            return Err(refuse(ips_api_fault(
                30001,
                "UploadFile takes POST requests",
            )));
        }
        let form = read_upload_form(request).await.map_err(refuse)?;
        let Some(auth) = &form.auth else {
            return Err(refuse(Fault::AuthenticationFault(
                api::AuthenticationFault {
                    code: 10000,
                    reason: "No credentials were supplied.".to_owned(),
                    ..Default::default()
                },
            )));
        };
        let header: AuthHeader = decode_document(auth, api::Headers::AUTH_HEADER, &limits)
            .map_err(|e| refuse(ips_api_fault(30003, format!("unreadable {AUTH_PART}: {e}"))))?;
        // Faults go out with the status the authHeader asks for, as IPS does.
        let status = header
            .fault_http_status_code
            .and_then(|code| u16::try_from(code).ok())
            .filter(|s| (200..600).contains(s))
            .unwrap_or(500);
        let refuse = |fault| UploadRefusal { fault, status };
        check_credentials(&self.shared, Some(&header)).map_err(refuse)?;
        let Some(params) = &form.params else {
            return Err(refuse(ips_api_fault(
                30002,
                format!("{PARAMS_PART} is required"),
            )));
        };
        let params: UploadPostParams = decode_document(params, UPLOAD_POST_PARAM, &limits)
            .map_err(|e| {
                refuse(ips_api_fault(
                    30003,
                    format!("unreadable {PARAMS_PART}: {e}"),
                ))
            })?;
        if params.company_handle.is_empty() {
            return Err(refuse(ips_api_fault(30002, "companyHandle is required")));
        }

        let mut state = self.shared.state();
        let received: usize = form.files.iter().map(|f| f.bytes.len()).sum();
        if state.kept_upload_bytes + received > MAX_KEPT_UPLOAD_BYTES {
            return Err(refuse(ips_api_fault(
                30000,
                format!(
                    "the mock keeps at most {MAX_KEPT_UPLOAD_BYTES} bytes of uploads; clear_uploads() frees them"
                ),
            )));
        }
        let open = match &params.job {
            JobRef::Name(job_name) => {
                state.upload_jobs_started += 1;
                let job_handle = format!(
                    "{}|{}|upload-{}",
                    params.company_handle, job_name, state.upload_jobs_started
                );
                state.open_uploads.push(OpenUpload {
                    company_handle: params.company_handle.clone(),
                    job_handle,
                    job_name: job_name.clone(),
                    files: 0,
                });
                state.open_uploads.len() - 1
            }
            JobRef::Handle(handle) => state
                .open_uploads
                .iter()
                .position(|job| {
                    job.job_handle == *handle && job.company_handle == params.company_handle
                })
                .ok_or_else(|| {
                    refuse(ips_api_fault(
                        30001,
                        format!(
                            "no open upload job {handle} in company {}",
                            params.company_handle
                        ),
                    ))
                })?,
        };
        let files: Vec<ReceivedFile> = form
            .files
            .into_iter()
            .map(|file| {
                let name = params
                    .file_name
                    .clone()
                    .unwrap_or_else(|| file.file_name.clone());
                let stored_as = match &params.dest_folder {
                    Some(folder) if !folder.is_empty() => {
                        format!("{}/{name}", folder.trim_end_matches('/'))
                    }
                    _ => name,
                };
                ReceivedFile { stored_as, ..file }
            })
            .collect();
        state.kept_upload_bytes += received;
        let job = &mut state.open_uploads[open];
        job.files += files.len() as i32;
        let job_handle = job.job_handle.clone();
        if params.end_job == Some(true) {
            let job = state.open_uploads.remove(open);
            state.start_job(
                &job.company_handle,
                &job.job_handle,
                JobKind::UploadPost {
                    job_name: job.job_name,
                    files: job.files,
                },
            );
        }
        state.uploads.push(ReceivedPost {
            job_handle: job_handle.clone(),
            auth: header,
            params,
            files,
        });
        Ok(UploadPostReturn { job_handle })
    }
}

/// Checks credentials as IPS does, then hands out any fault a test queued.
fn check_credentials(shared: &Shared, header: Option<&AuthHeader>) -> Result<(), Fault> {
    let authentication = |code, reason: &str| {
        Fault::AuthenticationFault(api::AuthenticationFault {
            code,
            reason: reason.to_owned(),
            ..Default::default()
        })
    };
    let Some(header) = header else {
        return Err(authentication(10000, "No credentials were supplied."));
    };
    match (&header.user, &header.password) {
        (Some(user), Some(password)) if *user == shared.user && *password == shared.password => {}
        (Some(user), Some(_)) if *user == shared.user => {
            return Err(authentication(10001, "Invalid credentials."))
        }
        (Some(_), Some(_)) => return Err(authentication(10002, "Unknown user.")),
        _ => return Err(authentication(10000, "No credentials were supplied.")),
    }
    let mut state = shared.state();
    if state.queued_faults.is_empty() {
        Ok(())
    } else {
        Err(state.queued_faults.remove(0))
    }
}

/// The mock's implementation of the generated service trait.
struct MockService {
    shared: Arc<Shared>,
}

impl api::IpsApiPortTypeService for MockService {
    /// Credentials first, as IPS does, then any fault a test queued.
    async fn check_headers(
        &self,
        _operation: &'static str,
        headers: &api::Headers,
    ) -> Result<(), ServiceError<Fault>> {
        check_credentials(&self.shared, headers.auth_header.as_ref()).map_err(ServiceError::Fault)
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
        state.start_job(
            &request.company_handle,
            &request.job_handle,
            JobKind::Submitted,
        );
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
        state.start_job(&request.company_handle, &job_handle, JobKind::Submitted);
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
                name: job.name().to_owned(),
                original_name: job.name().to_owned(),
                type_: job.job_type().to_owned(),
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
