//! Uploading files to IPS through its UploadFile servlet.
//!
//! IPS takes files as `multipart/form-data` POSTs to
//! `https://<server>/scene7/UploadFile` (a different host than the SOAP
//! API: see [`Region::upload_url`](crate::Region::upload_url)). Each POST
//! carries three kinds of form parts:
//!
//! - `auth`: the same `authHeader` document the SOAP calls send as a header
//!   (credentials, application name and version, locale);
//! - `uploadParams`: an `uploadPostParam` document ([`UploadPostParams`]):
//!   the company, the job (a new job's name, or the handle of a job an
//!   earlier POST opened), whether this POST ends the job, and, for a new
//!   job, how IPS processes the files ([`api::UploadPostJob`]);
//! - one part per file, whose `filename` is the name IPS stores it under.
//!
//! Every POST of one job goes to the same job handle, which the servlet
//! returns from the first; the last POST sets `endJob` so that IPS finishes
//! the job as soon as the files are processed (otherwise it waits 30
//! minutes for more). All POSTs of one job must come from the same IP
//! address. A refused POST is answered with one of the API's fault
//! documents ([`api::Fault`]).
//!
//! [`Uploader::upload`] does all of that for a list of files, in one POST
//! or several ([`Uploader::files_per_post`]); [`Uploader::post`] sends a
//! single POST as given; [`upload_and_watch`] uploads and then follows the
//! job IPS runs on the files to its end.
//!
//! Files are streamed from disk, never read whole into memory. Sizes are
//! checked against the limits before anything is sent, and a file that
//! changes size while it is being sent fails the upload rather than
//! arriving cut short or padded.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use ips_client::upload::{UploadFile, UploadJob};
//! use ips_client::{Environment, IpsClient, Region};
//!
//! let builder = IpsClient::builder()
//!     .region(Region::NorthAmerica, Environment::Staging)
//!     .user_password("user@example.com", "secret")
//!     .app("my-app", "1.0");
//! let uploader = builder.build_uploader()?.max_file_bytes(2 << 30);
//! let job = UploadJob::new("c|2101", "spring-catalog-2024-03-01");
//! let files = [UploadFile::new("shoes.jpg"), UploadFile::new("hats.psd").named("hats/main.psd")];
//! let outcome = uploader
//!     .upload(&job, &files, |p| eprintln!("{} of {} bytes", p.bytes_sent, p.bytes_total))
//!     .await?;
//! println!("job {}", outcome.job_handle);
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::Stream;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use reqwest::multipart::{Form, Part};
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tracing::Instrument as _;
use url::Url;

use crate::api::{self, AuthHeader, Fault};
use crate::soap::client::{checked_endpoint, default_http_client, display_url, percent_decode};
use crate::soap::error::{transport_message, Redactor};
use crate::soap::xml::{self, encode_document};
use crate::soap::{
    ConfigError, DecodeError, DecodeErrorKind, EncodeError, FaultDetail, Limits, Start, XmlDecode,
    XmlEncode, XmlName, XmlReader, XmlWriter,
};
use crate::workflows::{watch_job, JobOutcome, JobProgress, WatchError, WatchOptions};
use crate::IpsClient;

/// The schema namespace of the API version this crate was generated for
/// (the upload documents live in the same one as `authHeader`).
const TYPES_NS: Option<&str> = api::Headers::AUTH_HEADER.namespace;

/// Root element of the `uploadParams` form part.
pub const UPLOAD_POST_PARAM: XmlName<'static> = XmlName::new(TYPES_NS, "uploadPostParam");
/// Root element of the servlet's answer to a successful POST.
pub const UPLOAD_POST_RETURN: XmlName<'static> = XmlName::new(TYPES_NS, "uploadPostReturn");

/// Form part names the servlet reads.
pub const AUTH_PART: &str = "auth";
pub const PARAMS_PART: &str = "uploadParams";

/// Content type of the two XML form parts.
const XML_PART_TYPE: &str = "text/plain; charset=UTF-8";
/// Content type of file parts: IPS decides the type from the content.
const FILE_PART_TYPE: &str = "application/octet-stream";

/// Bytes read from a file at a time.
const CHUNK_BYTES: usize = 64 * 1024;
/// Progress reports queued between the file readers and the caller; the
/// readers wait when it is full, so reporting never falls far behind.
const PROGRESS_QUEUE: usize = 16;
const DEFAULT_STALL_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_FILES_PER_POST: usize = 20;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

fn name(local: &'static str) -> XmlName<'static> {
    XmlName::new(TYPES_NS, local)
}

/// Which job a POST belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobRef {
    /// Start a new job with this name (the first POST of a job). A unique
    /// name makes the job easy to find in job lists and logs.
    Name(String),
    /// Add to the job an earlier POST started, by the handle it returned.
    Handle(String),
}

/// The `uploadPostParam` document sent as the `uploadParams` form part.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadPostParams {
    /// Handle of the company the files are uploaded to.
    pub company_handle: String,
    pub job: JobRef,
    /// Language and country for messages, such as `en-US`.
    pub locale: Option<String>,
    /// Description of the job.
    pub description: Option<String>,
    /// Folder prefixed to each file's name, for clients that cannot send
    /// paths in file names.
    pub dest_folder: Option<String>,
    /// Name to store the file under, in place of the file part's
    /// `filename` (meant for POSTs of one file).
    pub file_name: Option<String>,
    /// True on the last POST of a job: IPS then finishes the job once the
    /// files are processed instead of waiting 30 minutes for more.
    pub end_job: Option<bool>,
    /// How the job processes the files. Read from the POST that starts the
    /// job; IPS ignores it on later POSTs and keeps the job's settings.
    pub upload_params: Option<api::UploadPostJob>,
}

impl UploadPostParams {
    /// Parameters for a POST of `job` in the company, the options empty.
    pub fn new(company_handle: impl Into<String>, job: JobRef) -> Self {
        UploadPostParams {
            company_handle: company_handle.into(),
            job,
            locale: None,
            description: None,
            dest_folder: None,
            file_name: None,
            end_job: None,
            upload_params: None,
        }
    }
}

/// Refuses attributes on a root element that declares none (`xsi:` ones pass).
fn check_attributes(reader: &XmlReader<'_>, start: &Start) -> Result<(), DecodeError> {
    for attribute in &start.attributes {
        xml::undeclared_attribute(reader, start, attribute)?;
    }
    Ok(())
}

impl XmlEncode for UploadPostParams {
    fn encode_xml(&self, writer: &mut XmlWriter, element: XmlName<'_>) -> Result<(), EncodeError> {
        writer.start_element(element);
        writer.text_element(name("companyHandle"), &self.company_handle)?;
        match &self.job {
            JobRef::Name(job_name) => writer.text_element(name("jobName"), job_name)?,
            JobRef::Handle(handle) => writer.text_element(name("jobHandle"), handle)?,
        }
        let optional = [
            ("locale", &self.locale),
            ("description", &self.description),
            ("destFolder", &self.dest_folder),
            ("fileName", &self.file_name),
        ];
        for (local, value) in optional {
            if let Some(value) = value {
                writer.text_element(name(local), value)?;
            }
        }
        if let Some(end_job) = self.end_job {
            xml::encode_value(writer, name("endJob"), &end_job)?;
        }
        if let Some(params) = &self.upload_params {
            params.encode_xml(writer, name("uploadParams"))?;
        }
        writer.end_element();
        Ok(())
    }
}

impl XmlDecode for UploadPostParams {
    fn decode_xml(reader: &mut XmlReader<'_>, start: &Start) -> Result<Self, DecodeError> {
        check_attributes(reader, start)?;
        let mut company_handle = None;
        let mut job_name: Option<String> = None;
        let mut job_handle: Option<String> = None;
        let mut locale = None;
        let mut description = None;
        let mut dest_folder = None;
        let mut file_name = None;
        let mut end_job = None;
        let mut upload_params = None;
        while let Some(child) = reader.next_child()? {
            let text_slots: [(&str, &mut Option<String>); 7] = [
                ("companyHandle", &mut company_handle),
                ("jobName", &mut job_name),
                ("jobHandle", &mut job_handle),
                ("locale", &mut locale),
                ("description", &mut description),
                ("destFolder", &mut dest_folder),
                ("fileName", &mut file_name),
            ];
            if let Some((local, slot)) = text_slots
                .into_iter()
                .find(|(local, _)| child.is(name(local)))
            {
                let value = reader.read_text()?;
                xml::set_once(reader, slot, value, name(local))?;
            } else if child.is(name("endJob")) {
                let value = reader.read_value()?;
                xml::set_once(reader, &mut end_job, value, name("endJob"))?;
            } else if child.is(name("uploadParams")) {
                let value = api::UploadPostJob::decode_xml(reader, &child)?;
                xml::set_once(reader, &mut upload_params, value, name("uploadParams"))?;
            } else {
                return Err(xml::unexpected(reader, &child));
            }
        }
        let company_handle = xml::require(
            reader,
            "uploadPostParam",
            company_handle,
            name("companyHandle"),
        )?;
        let job = match (job_name, job_handle) {
            (Some(job_name), None) => JobRef::Name(job_name),
            (None, Some(handle)) => JobRef::Handle(handle),
            (None, None) => {
                return Err(reader.error(DecodeErrorKind::MissingElement(format!(
                    "{} or {} in uploadPostParam",
                    name("jobName"),
                    name("jobHandle")
                ))))
            }
            (Some(_), Some(_)) => {
                return Err(reader.error(DecodeErrorKind::UnexpectedElement(format!(
                    "{} next to {} (a POST starts a job or continues one, not both)",
                    name("jobHandle"),
                    name("jobName")
                ))))
            }
        };
        Ok(UploadPostParams {
            company_handle,
            job,
            locale,
            description,
            dest_folder,
            file_name,
            end_job,
            upload_params,
        })
    }
}

/// The servlet's answer to a successful POST (`uploadPostReturn`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadPostReturn {
    /// The job the POST's files belong to: pass it in the job's later POSTs,
    /// and use it to follow the job (getActiveJobs, getJobLogs).
    pub job_handle: String,
}

impl XmlEncode for UploadPostReturn {
    fn encode_xml(&self, writer: &mut XmlWriter, element: XmlName<'_>) -> Result<(), EncodeError> {
        writer.start_element(element);
        writer.text_element(name("jobHandle"), &self.job_handle)?;
        writer.end_element();
        Ok(())
    }
}

impl XmlDecode for UploadPostReturn {
    fn decode_xml(reader: &mut XmlReader<'_>, start: &Start) -> Result<Self, DecodeError> {
        check_attributes(reader, start)?;
        let mut job_handle = None;
        while let Some(child) = reader.next_child()? {
            if !child.is(name("jobHandle")) {
                return Err(xml::unexpected(reader, &child));
            }
            let value = reader.read_text()?;
            xml::set_once(reader, &mut job_handle, value, name("jobHandle"))?;
        }
        Ok(UploadPostReturn {
            job_handle: xml::require(reader, "uploadPostReturn", job_handle, name("jobHandle"))?,
        })
    }
}

/// One file to upload: where it is on disk and the name IPS stores it under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadFile {
    path: PathBuf,
    name: Option<String>,
}

impl UploadFile {
    /// The file at `path`, stored under its own file name.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        UploadFile {
            path: path.into(),
            name: None,
        }
    }

    /// Stores the file under `name` instead; it may contain folders
    /// (`shoes/red.jpg`), relative to the job's destination folder.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The name the file is sent under: the one given, else the path's
    /// file name, which must then be valid UTF-8.
    pub fn target_name(&self) -> Result<String, UploadError> {
        let invalid = |name: String, reason| UploadError::InvalidFileName {
            path: self.path.clone(),
            name,
            reason,
        };
        let name = match &self.name {
            Some(name) => name.clone(),
            None => {
                let file_name = self
                    .path
                    .file_name()
                    .ok_or_else(|| invalid(String::new(), "the path has no file name"))?;
                file_name.to_str().map(str::to_owned).ok_or_else(|| {
                    invalid(
                        file_name.to_string_lossy().into_owned(),
                        "the file name is not valid UTF-8; give one with UploadFile::named",
                    )
                })?
            }
        };
        if name.trim().is_empty() {
            return Err(invalid(name, "the name is empty"));
        }
        // The name travels in a quoted header parameter: characters that
        // would need escaping there are refused rather than altered.
        if name
            .chars()
            .any(|c| c.is_control() || c == '"' || c == '\\')
        {
            return Err(invalid(
                name,
                "the name contains a control character, a double quote or a backslash",
            ));
        }
        Ok(name)
    }
}

impl<P: Into<PathBuf>> From<P> for UploadFile {
    fn from(path: P) -> Self {
        UploadFile::new(path)
    }
}

/// A whole upload job, for [`Uploader::upload`].
#[derive(Debug, Clone, PartialEq)]
pub struct UploadJob {
    pub company_handle: String,
    /// Name of the new job; a unique one makes it easy to find later.
    pub job_name: String,
    pub description: Option<String>,
    /// Language and country for messages, such as `en-US`.
    pub locale: Option<String>,
    /// Folder the files are stored in (prefixed to their names).
    pub dest_folder: Option<String>,
    /// How IPS processes the files.
    pub options: api::UploadPostJob,
}

impl UploadJob {
    /// A job with [`default_options`].
    pub fn new(company_handle: impl Into<String>, job_name: impl Into<String>) -> Self {
        UploadJob {
            company_handle: company_handle.into(),
            job_name: job_name.into(),
            description: None,
            locale: None,
            dest_folder: None,
            options: default_options(),
        }
    }
}

/// The processing options [`UploadJob::new`] starts from: replace assets of
/// the same name, do not mark them ready for publishing, create no masks,
/// send no e-mail. Everything else is left to the company's settings.
pub fn default_options() -> api::UploadPostJob {
    api::UploadPostJob::new(true, false, false, "None")
}

/// How far an upload has got, reported after each chunk handed to the HTTP
/// connection. Counts only grow; the last report of a file has
/// `file_bytes_sent == file_bytes_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadProgress {
    /// Index of the file in the list given to the uploader.
    pub file_index: usize,
    pub file_bytes_sent: u64,
    pub file_bytes_total: u64,
    /// Over all the files of the call.
    pub bytes_sent: u64,
    pub bytes_total: u64,
}

/// What [`Uploader::upload`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadOutcome {
    /// The job IPS runs on the files; follow it with
    /// [`watch_job`].
    pub job_handle: String,
    /// POSTs sent.
    pub posts: usize,
    pub files: usize,
    pub bytes: u64,
}

/// Why a POST failed. Texts from the server or the transport have the
/// password and access token replaced by `[redacted]`.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// A file could not be examined, opened or read.
    #[error("{}: {source}", path.display())]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a regular file", path.display())]
    NotAFile { path: PathBuf },
    #[error("cannot upload {} as {name:?}: {reason}", path.display())]
    InvalidFileName {
        path: PathBuf,
        name: String,
        reason: &'static str,
    },
    /// Refused before anything was sent.
    #[error("{} is {size} bytes, over the limit of {limit} bytes per file", path.display())]
    FileTooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    /// Refused before anything was sent.
    #[error(
        "the {files} files add up to {total} bytes, over the limit of {limit} bytes per upload"
    )]
    TotalTooLarge {
        files: usize,
        total: u64,
        limit: u64,
    },
    /// The file grew while it was sent; the request was aborted, so the
    /// servlet never saw a complete POST.
    #[error("{} grew while it was uploaded (it had {expected} bytes when the upload started); the upload was aborted", path.display())]
    FileGrew { path: PathBuf, expected: u64 },
    /// The file shrank while it was sent; the request was aborted.
    #[error("{} shrank while it was uploaded: it ended after {read} of the {expected} bytes it had when the upload started; the upload was aborted", path.display())]
    FileShrank {
        path: PathBuf,
        expected: u64,
        read: u64,
    },
    #[error("no files to upload")]
    NoFiles,
    /// The connection broke while the request was being sent or before an
    /// answer came: the servlet may or may not have taken the files.
    #[error("the upload was interrupted after {bytes_sent} of {bytes_total} bytes{}: {message}", file.as_ref().map(|p| format!(" (in {})", p.display())).unwrap_or_default())]
    Interrupted {
        /// The file being sent when it broke.
        file: Option<PathBuf>,
        bytes_sent: u64,
        bytes_total: u64,
        message: String,
    },
    #[error("connection failed: {message}")]
    Connect { message: String },
    /// Nothing was sent and no answer came for this long.
    #[error("the upload made no progress for {0:?}")]
    Timeout(Duration),
    /// The servlet refused the POST with one of the API's faults.
    #[error(
        "the servlet refused the upload (HTTP {status}): {}",
        describe_fault(fault)
    )]
    Fault { status: u16, fault: Fault },
    /// An answer that is neither an `uploadPostReturn` nor a fault: a
    /// proxy's error page, an empty body...
    #[error("unexpected HTTP {status} answer{}: {}", content_type.as_ref().map(|c| format!(" ({c})")).unwrap_or_default(), if snippet.is_empty() { "empty body" } else { snippet.as_str() })]
    Http {
        status: u16,
        content_type: Option<String>,
        /// The start of the body, whitespace collapsed, secrets redacted.
        snippet: String,
    },
    /// The answer could not be read to its end; the servlet may have taken
    /// the files.
    #[error("the answer could not be read: {message}")]
    Transport { message: String },
    #[error("answer body larger than the {limit}-byte limit")]
    ResponseTooLarge { limit: usize },
    #[error("could not decode the servlet's answer: {0}")]
    Decode(DecodeError),
    #[error("could not encode the request: {0}")]
    Encode(EncodeError),
    /// A later POST of a job was answered with another job's handle.
    #[error("a POST for job {expected} was answered with job {found}")]
    JobHandleMismatch { expected: String, found: String },
}

fn describe_fault(fault: &Fault) -> String {
    let (kind, code, reason) = match fault {
        Fault::IpsApiFault(f) => ("ipsApiFault", f.code, &f.reason),
        Fault::AuthenticationFault(f) => ("authenticationFault", f.code, &f.reason),
        Fault::AuthorizationFault(f) => ("authorizationFault", f.code, &f.reason),
    };
    format!("{kind} {code}: {reason}")
}

impl UploadError {
    /// The IPS fault, when the servlet sent one.
    pub fn fault(&self) -> Option<&Fault> {
        match self {
            UploadError::Fault { fault, .. } => Some(fault),
            _ => None,
        }
    }

    /// True for the refusals found from the file list and metadata alone,
    /// before anything was sent (a [`File`](Self::File) error may come
    /// before or while sending).
    pub fn is_refused_before_sending(&self) -> bool {
        matches!(
            self,
            UploadError::NotAFile { .. }
                | UploadError::InvalidFileName { .. }
                | UploadError::FileTooLarge { .. }
                | UploadError::TotalTooLarge { .. }
                | UploadError::NoFiles
        )
    }
}

/// Why [`Uploader::upload`] failed, and how far the job had got.
#[derive(Debug, thiserror::Error)]
#[error("upload failed{} after {files_accepted} accepted file(s): {error}", job_handle.as_ref().map(|h| format!(" in job {h}")).unwrap_or_default())]
pub struct UploadJobError {
    /// The job earlier POSTs opened, if any. It stays open on the server,
    /// which processes the files it accepted and ends the job after 30
    /// minutes without POSTs.
    pub job_handle: Option<String>,
    /// Files the servlet accepted before the failure (the first ones of
    /// the list).
    pub files_accepted: usize,
    #[source]
    pub error: UploadError,
}

/// Everything an [`Uploader`] is built from (see
/// [`IpsClientBuilder::build_uploader`](crate::IpsClientBuilder::build_uploader)).
pub(crate) struct UploaderConfig {
    pub url: String,
    pub allow_insecure_http: bool,
    pub http_client: Option<reqwest::Client>,
    pub auth_header: AuthHeader,
    pub secret: Option<String>,
    pub user_agent: String,
    pub limits: Limits,
    pub stall_timeout: Option<Duration>,
}

/// Sends files to the UploadFile servlet. Built by
/// [`IpsClientBuilder::build_uploader`](crate::IpsClientBuilder::build_uploader)
/// from the client's configuration; cheap to clone. `Debug` shows the URL
/// and settings, never the credentials.
#[derive(Clone)]
pub struct Uploader {
    shared: Arc<Shared>,
    settings: Settings,
}

struct Shared {
    url: Url,
    http: reqwest::Client,
    auth_header: AuthHeader,
    user_agent: HeaderValue,
    redactor: Redactor,
    limits: Limits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Settings {
    max_file_bytes: Option<u64>,
    max_total_bytes: Option<u64>,
    files_per_post: usize,
    stall_timeout: Duration,
}

impl fmt::Debug for Uploader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Uploader")
            .field("url", &display_url(&self.shared.url))
            .field("user", &self.shared.auth_header.user)
            .field("max_file_bytes", &self.settings.max_file_bytes)
            .field("max_total_bytes", &self.settings.max_total_bytes)
            .field("files_per_post", &self.settings.files_per_post)
            .field("stall_timeout", &self.settings.stall_timeout)
            .finish_non_exhaustive()
    }
}

/// A file checked and ready to send.
#[derive(Debug, Clone)]
struct Planned {
    /// Index in the caller's list.
    index: usize,
    path: PathBuf,
    name: String,
    size: u64,
}

impl Uploader {
    pub(crate) fn from_config(config: UploaderConfig) -> Result<Self, ConfigError> {
        let url = checked_endpoint(&config.url, config.allow_insecure_http)?;
        let http = match config.http_client {
            Some(client) => client,
            None => default_http_client(CONNECT_TIMEOUT)?,
        };
        let user_agent = HeaderValue::from_str(&config.user_agent)
            .map_err(|_| ConfigError::Http("invalid user agent".to_owned()))?;
        let mut redactor = Redactor::default();
        if let Some(secret) = &config.secret {
            redactor.add(secret);
        }
        if let Some(password) = url.password() {
            redactor.add(password);
            redactor.add(&percent_decode(password));
        }
        Ok(Uploader {
            shared: Arc::new(Shared {
                url,
                http,
                auth_header: config.auth_header,
                user_agent,
                redactor,
                limits: config.limits,
            }),
            settings: Settings {
                max_file_bytes: None,
                max_total_bytes: None,
                files_per_post: DEFAULT_FILES_PER_POST,
                stall_timeout: config.stall_timeout.unwrap_or(DEFAULT_STALL_TIMEOUT),
            },
        })
    }

    /// The UploadFile servlet URL.
    pub fn url(&self) -> &Url {
        &self.shared.url
    }

    /// Refuses, before sending anything, any file larger than this (no
    /// limit by default).
    pub fn max_file_bytes(mut self, limit: u64) -> Self {
        self.settings.max_file_bytes = Some(limit);
        self
    }

    /// Refuses, before sending anything, a call whose files add up to more
    /// than this (no limit by default).
    pub fn max_total_bytes(mut self, limit: u64) -> Self {
        self.settings.max_total_bytes = Some(limit);
        self
    }

    /// How many files [`upload`](Self::upload) sends per POST (default 20,
    /// at least 1).
    pub fn files_per_post(mut self, files: usize) -> Self {
        self.settings.files_per_post = files.max(1);
        self
    }

    /// How long a POST may go without sending a byte, and then wait for
    /// the answer, before it is abandoned with [`UploadError::Timeout`]
    /// (default: the client builder's timeout, else 60 s). There is no
    /// bound on a whole upload, which may take hours.
    pub fn stall_timeout(mut self, timeout: Duration) -> Self {
        self.settings.stall_timeout = timeout;
        self
    }

    /// Uploads `files` as one job: the first POST starts the job named in
    /// `job`, later ones add to it, and the last ends it. Files go
    /// [`files_per_post`](Self::files_per_post) at a time, in order.
    /// `on_progress` sees every file's progress and the total.
    ///
    /// Every file is examined and checked against the size limits before
    /// the first byte is sent.
    pub async fn upload(
        &self,
        job: &UploadJob,
        files: &[UploadFile],
        mut on_progress: impl FnMut(&UploadProgress),
    ) -> Result<UploadOutcome, UploadJobError> {
        let failed = |job_handle: Option<&String>, files_accepted, error| UploadJobError {
            job_handle: job_handle.cloned(),
            files_accepted,
            error,
        };
        if files.is_empty() {
            return Err(failed(None, 0, UploadError::NoFiles));
        }
        let planned = self.plan(files).await.map_err(|e| failed(None, 0, e))?;
        let bytes_total: u64 = planned.iter().map(|f| f.size).sum();
        let batches: Vec<&[Planned]> = planned.chunks(self.settings.files_per_post).collect();
        let mut progress = Progress::new(bytes_total);

        let Some((first, rest)) = batches.split_first() else {
            return Err(failed(None, 0, UploadError::NoFiles));
        };
        let start = UploadPostParams {
            locale: job.locale.clone(),
            description: job.description.clone(),
            dest_folder: job.dest_folder.clone(),
            end_job: Some(rest.is_empty()),
            upload_params: Some(job.options.clone()),
            ..UploadPostParams::new(&job.company_handle, JobRef::Name(job.job_name.clone()))
        };
        let job_handle = self
            .send_post(&start, first, &mut progress, &mut on_progress)
            .await
            .map_err(|e| failed(None, 0, e))?
            .job_handle;
        let mut files_accepted = first.len();
        for (i, batch) in rest.iter().enumerate() {
            let params = UploadPostParams {
                locale: job.locale.clone(),
                dest_folder: job.dest_folder.clone(),
                end_job: Some(i + 1 == rest.len()),
                ..UploadPostParams::new(&job.company_handle, JobRef::Handle(job_handle.clone()))
            };
            let reply = self
                .send_post(&params, batch, &mut progress, &mut on_progress)
                .await
                .map_err(|e| failed(Some(&job_handle), files_accepted, e))?;
            if reply.job_handle != job_handle {
                let mismatch = UploadError::JobHandleMismatch {
                    expected: job_handle.clone(),
                    found: reply.job_handle,
                };
                return Err(failed(Some(&job_handle), files_accepted, mismatch));
            }
            files_accepted += batch.len();
        }
        Ok(UploadOutcome {
            job_handle,
            posts: batches.len(),
            files: planned.len(),
            bytes: bytes_total,
        })
    }

    /// Sends one POST with `params` as given and `files` (possibly none:
    /// a POST with `endJob` alone ends a job). The files are checked against
    /// the size limits first.
    pub async fn post(
        &self,
        params: &UploadPostParams,
        files: &[UploadFile],
        mut on_progress: impl FnMut(&UploadProgress),
    ) -> Result<UploadPostReturn, UploadError> {
        let planned = self.plan(files).await?;
        let mut progress = Progress::new(planned.iter().map(|f| f.size).sum());
        self.send_post(params, &planned, &mut progress, &mut on_progress)
            .await
    }

    /// Examines every file and applies the limits.
    async fn plan(&self, files: &[UploadFile]) -> Result<Vec<Planned>, UploadError> {
        let mut planned = Vec::with_capacity(files.len());
        let mut total: u64 = 0;
        for (index, file) in files.iter().enumerate() {
            let name = file.target_name()?;
            let metadata =
                tokio::fs::metadata(&file.path)
                    .await
                    .map_err(|source| UploadError::File {
                        path: file.path.clone(),
                        source,
                    })?;
            if !metadata.is_file() {
                return Err(UploadError::NotAFile {
                    path: file.path.clone(),
                });
            }
            let size = metadata.len();
            if let Some(limit) = self.settings.max_file_bytes.filter(|limit| size > *limit) {
                return Err(UploadError::FileTooLarge {
                    path: file.path.clone(),
                    size,
                    limit,
                });
            }
            total = total.saturating_add(size);
            planned.push(Planned {
                index,
                path: file.path.clone(),
                name,
                size,
            });
        }
        if let Some(limit) = self.settings.max_total_bytes.filter(|limit| total > *limit) {
            return Err(UploadError::TotalTooLarge {
                files: planned.len(),
                total,
                limit,
            });
        }
        Ok(planned)
    }

    /// One POST, in a `tracing` span with the host and the number of
    /// files and bytes (never names or content).
    async fn send_post(
        &self,
        params: &UploadPostParams,
        files: &[Planned],
        progress: &mut Progress,
        on_progress: &mut impl FnMut(&UploadProgress),
    ) -> Result<UploadPostReturn, UploadError> {
        let span = tracing::info_span!(
            "ips_upload_post",
            host = self.shared.url.host_str().unwrap_or(""),
            files = files.len(),
            bytes = files.iter().map(|f| f.size).sum::<u64>(),
        );
        self.exchange(params, files, progress, on_progress)
            .instrument(span)
            .await
    }

    /// Builds the form with the files streamed from disk, sends it while
    /// relaying progress to the caller, and reads the answer.
    async fn exchange(
        &self,
        params: &UploadPostParams,
        files: &[Planned],
        progress: &mut Progress,
        on_progress: &mut impl FnMut(&UploadProgress),
    ) -> Result<UploadPostReturn, UploadError> {
        let shared = &self.shared;
        let auth = encode_document(&shared.auth_header, api::Headers::AUTH_HEADER)
            .map_err(UploadError::Encode)?;
        let upload_params =
            encode_document(params, UPLOAD_POST_PARAM).map_err(UploadError::Encode)?;

        let (ticks, mut received) = mpsc::channel(PROGRESS_QUEUE);
        let failure = FailureSlot::default();
        let mut form = Form::new()
            .part(AUTH_PART, text_part(auth))
            .part(PARAMS_PART, text_part(upload_params));
        for (position, file) in files.iter().enumerate() {
            let reader = FileReader {
                path: file.path.clone(),
                index: file.index,
                expected: file.size,
                read: 0,
                file: None,
                ticks: ticks.clone(),
            };
            let body = reqwest::Body::wrap_stream(reader.into_stream(failure.clone()));
            let part = Part::stream_with_length(body, file.size)
                .file_name(file.name.clone())
                .headers(content_type(FILE_PART_TYPE));
            form = form.part(format!("file{}", position + 1), part);
        }
        // Only the readers hold senders now: the queue closes when the last
        // file has been read.
        drop(ticks);

        let request = shared
            .http
            .post(shared.url.clone())
            .header(USER_AGENT, shared.user_agent.clone())
            .header(
                ACCEPT,
                HeaderValue::from_static("text/xml, application/xml"),
            )
            .multipart(form)
            .send();
        tokio::pin!(request);

        let stall = self.settings.stall_timeout;
        let mut deadline = Instant::now() + stall;
        let mut reading = true;
        let sent = loop {
            tokio::select! {
                biased;
                tick = received.recv(), if reading => match tick {
                    Some(tick) => {
                        on_progress(&progress.record(tick, files));
                        deadline = Instant::now() + stall;
                    }
                    None => reading = false,
                },
                sent = &mut request => break sent,
                () = tokio::time::sleep_until(deadline) => {
                    tracing::debug!(outcome = "timeout", "upload POST stalled");
                    return Err(failure.take().unwrap_or(UploadError::Timeout(stall)));
                }
            }
        };
        while let Ok(tick) = received.try_recv() {
            on_progress(&progress.record(tick, files));
        }
        drop(received);

        let response = match sent {
            Ok(response) => response,
            Err(error) => {
                let error = failure
                    .take()
                    .unwrap_or_else(|| self.send_failure(error, progress));
                tracing::debug!(outcome = "failed", "upload POST failed");
                return Err(error);
            }
        };
        let status = response.status().as_u16();
        let content_type = response.headers().get(CONTENT_TYPE).map(|value| {
            shared
                .redactor
                .apply(&String::from_utf8_lossy(value.as_bytes()))
        });
        let body = match tokio::time::timeout(stall, self.read_body(response)).await {
            Ok(body) => body?,
            Err(_) => return Err(UploadError::Timeout(stall)),
        };
        let outcome = self.conclude(status, content_type, &body);
        tracing::debug!(
            outcome = if outcome.is_ok() { "ok" } else { "refused" },
            http_status = status,
            "upload POST answered"
        );
        outcome
    }

    /// Maps a transport failure while sending (no file at fault).
    fn send_failure(&self, error: reqwest::Error, progress: &Progress) -> UploadError {
        let redactor = &self.shared.redactor;
        if error.is_connect() {
            UploadError::Connect {
                message: transport_message(error, redactor),
            }
        } else if error.is_timeout() {
            UploadError::Timeout(self.settings.stall_timeout)
        } else {
            UploadError::Interrupted {
                file: progress.current_path.clone(),
                bytes_sent: progress.bytes_sent,
                bytes_total: progress.bytes_total,
                message: transport_message(error, redactor),
            }
        }
    }

    /// Reads the answer, within the size limit.
    async fn read_body(&self, mut response: reqwest::Response) -> Result<Vec<u8>, UploadError> {
        let limit = self.shared.limits.max_body_bytes;
        if response.content_length().unwrap_or(0) > limit as u64 {
            return Err(UploadError::ResponseTooLarge { limit });
        }
        let mut body = Vec::new();
        loop {
            let chunk = response
                .chunk()
                .await
                .map_err(|error| UploadError::Transport {
                    message: transport_message(error, &self.shared.redactor),
                })?;
            let Some(chunk) = chunk else {
                return Ok(body);
            };
            if chunk.len() > limit - body.len() {
                return Err(UploadError::ResponseTooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
    }

    /// Turns the answer into the job handle or a typed error: a fault
    /// document is decoded whatever the status (IPS may send it with 200).
    fn conclude(
        &self,
        status: u16,
        content_type: Option<String>,
        body: &[u8],
    ) -> Result<UploadPostReturn, UploadError> {
        let shared = &self.shared;
        let http_error = || UploadError::Http {
            status,
            content_type: content_type.clone(),
            snippet: shared.redactor.snippet(body),
        };
        let decode_error = |e| UploadError::Decode(shared.redactor.decode_error(e));
        let mut reader = XmlReader::new(body, &shared.limits);
        let Ok(root) = reader.root() else {
            return Err(http_error());
        };
        if Fault::accepts(&root) {
            // A fault that quotes a secret back is decoded from a redacted
            // copy, so the typed fault cannot carry it.
            let fault = if shared.redactor.found_in(body) {
                let redacted = shared.redactor.apply(&String::from_utf8_lossy(body));
                decode_fault(redacted.as_bytes(), &shared.limits)
            } else {
                decode_fault(body, &shared.limits)
            };
            return Err(match fault {
                Ok(fault) => UploadError::Fault { status, fault },
                Err(e) => decode_error(e),
            });
        }
        let success = (200..300).contains(&status);
        if !success {
            return Err(http_error());
        }
        if !root.is(UPLOAD_POST_RETURN) {
            return Err(decode_error(reader.error(DecodeErrorKind::WrongElement {
                expected: UPLOAD_POST_RETURN.to_string(),
                found: root.display_name(),
            })));
        }
        let reply = UploadPostReturn::decode_xml(&mut reader, &root).map_err(decode_error)?;
        reader.finish().map_err(decode_error)?;
        Ok(reply)
    }
}

fn decode_fault(document: &[u8], limits: &Limits) -> Result<Fault, DecodeError> {
    let mut reader = XmlReader::new(document, limits);
    let root = reader.root()?;
    let fault = Fault::decode_detail(&mut reader, &root)?;
    reader.finish()?;
    Ok(fault)
}

fn content_type(value: &'static str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
    headers
}

fn text_part(text: String) -> Part {
    Part::text(text).headers(content_type(XML_PART_TYPE))
}

/// A file reader's report: this many bytes of file `index` handed over.
#[derive(Debug, Clone, Copy)]
struct Tick {
    index: usize,
    file_sent: u64,
}

/// The running totals of one call, across its POSTs.
struct Progress {
    bytes_sent: u64,
    bytes_total: u64,
    /// Bytes reported so far for each file, by index.
    file_sent: std::collections::BTreeMap<usize, u64>,
    current_path: Option<PathBuf>,
}

impl Progress {
    fn new(bytes_total: u64) -> Self {
        Progress {
            bytes_sent: 0,
            bytes_total,
            file_sent: Default::default(),
            current_path: None,
        }
    }

    fn record(&mut self, tick: Tick, files: &[Planned]) -> UploadProgress {
        let previous = self
            .file_sent
            .insert(tick.index, tick.file_sent)
            .unwrap_or(0);
        self.bytes_sent += tick.file_sent.saturating_sub(previous);
        let file = files.iter().find(|f| f.index == tick.index);
        self.current_path = file.map(|f| f.path.clone());
        UploadProgress {
            file_index: tick.index,
            file_bytes_sent: tick.file_sent,
            file_bytes_total: file.map_or(tick.file_sent, |f| f.size),
            bytes_sent: self.bytes_sent,
            bytes_total: self.bytes_total,
        }
    }
}

/// Where a file reader leaves the reason it failed, for the caller to
/// report instead of the transport's generic "body error".
#[derive(Clone, Default)]
struct FailureSlot(Arc<Mutex<Option<UploadError>>>);

impl FailureSlot {
    fn set(&self, error: UploadError) {
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // The first failure is the cause; later ones are consequences.
        if slot.is_none() {
            *slot = Some(error);
        }
    }

    fn take(&self) -> Option<UploadError> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// Streams one file: exactly the size it had when the upload was planned,
/// opened only when the transport first asks for it (so a long list of
/// files never holds many open at once).
struct FileReader {
    path: PathBuf,
    index: usize,
    expected: u64,
    read: u64,
    file: Option<tokio::fs::File>,
    ticks: mpsc::Sender<Tick>,
}

impl FileReader {
    fn into_stream(
        self,
        failure: FailureSlot,
    ) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
        futures_util::stream::try_unfold((self, failure), |(mut reader, failure)| async move {
            match reader.next_chunk().await {
                Ok(Some(chunk)) => Ok(Some((chunk, (reader, failure)))),
                Ok(None) => Ok(None),
                Err(error) => {
                    let message = error.to_string();
                    failure.set(error);
                    Err(std::io::Error::other(message))
                }
            }
        })
    }

    async fn next_chunk(&mut self) -> Result<Option<Bytes>, UploadError> {
        let io_error = |source| UploadError::File {
            path: self.path.clone(),
            source,
        };
        let mut file = match self.file.take() {
            Some(file) => file,
            None => tokio::fs::File::open(&self.path).await.map_err(io_error)?,
        };
        if self.read == self.expected {
            // One more byte means the file grew: the copy sent would be a
            // truncated one, so the request is aborted instead.
            let mut probe = [0u8; 1];
            if file.read(&mut probe).await.map_err(io_error)? > 0 {
                return Err(UploadError::FileGrew {
                    path: self.path.clone(),
                    expected: self.expected,
                });
            }
            if self.expected == 0 {
                self.report().await;
            }
            return Ok(None);
        }
        let want = (self.expected - self.read).min(CHUNK_BYTES as u64);
        let mut chunk = BytesMut::with_capacity(want as usize);
        let count = (&mut file)
            .take(want)
            .read_buf(&mut chunk)
            .await
            .map_err(io_error)?;
        if count == 0 {
            return Err(UploadError::FileShrank {
                path: self.path.clone(),
                expected: self.expected,
                read: self.read,
            });
        }
        self.read += count as u64;
        self.file = Some(file);
        self.report().await;
        Ok(Some(chunk.freeze()))
    }

    async fn report(&self) {
        let tick = Tick {
            index: self.index,
            file_sent: self.read,
        };
        // No receiver means nobody is watching any more (the answer came).
        let _ = self.ticks.send(tick).await;
    }
}

/// What [`upload_and_watch`] reports as it goes.
#[derive(Debug, Clone, PartialEq)]
pub enum UploadWatchProgress {
    Upload(UploadProgress),
    Job(JobProgress),
}

/// Why [`upload_and_watch`] stopped without an outcome.
#[derive(Debug, thiserror::Error)]
pub enum UploadWatchError {
    #[error(transparent)]
    Upload(#[from] UploadJobError),
    /// The files were uploaded, but following the job failed or ran past
    /// the deadline (the job may still be running).
    #[error(transparent)]
    Watch(#[from] WatchError),
}

/// Uploads `files` as one job with `uploader`, then follows the job IPS
/// runs on them with [`watch_job`] through `client` until it ends or
/// `options.deadline` passes. Whether the job succeeded is the
/// [`JobOutcome`]'s to say ([`JobOutcome::failed`]).
pub async fn upload_and_watch(
    client: &IpsClient,
    uploader: &Uploader,
    job: &UploadJob,
    files: &[UploadFile],
    options: WatchOptions,
    mut on_progress: impl FnMut(&UploadWatchProgress),
) -> Result<(UploadOutcome, JobOutcome), UploadWatchError> {
    let uploaded = uploader
        .upload(job, files, |p| {
            on_progress(&UploadWatchProgress::Upload(*p))
        })
        .await?;
    let outcome = watch_job(
        client,
        &job.company_handle,
        &uploaded.job_handle,
        options,
        |p| on_progress(&UploadWatchProgress::Job(p.clone())),
    )
    .await?;
    Ok((uploaded, outcome))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::xml::decode_document;

    fn ns() -> &'static str {
        TYPES_NS.unwrap_or("")
    }

    #[test]
    fn upload_post_params_round_trip() {
        let mut options = default_options();
        options.preserve_crop = Some(true);
        let params = UploadPostParams {
            locale: Some("en-US".into()),
            description: Some("catalog <spring> & more".into()),
            dest_folder: Some("c/spring/".into()),
            file_name: None,
            end_job: Some(true),
            upload_params: Some(options),
            ..UploadPostParams::new("c|2101", JobRef::Name("upload-1".into()))
        };
        let xml = encode_document(&params, UPLOAD_POST_PARAM).unwrap();
        assert!(xml.starts_with(&format!("<uploadPostParam xmlns=\"{}\">", ns())));
        let back: UploadPostParams =
            decode_document(xml.as_bytes(), UPLOAD_POST_PARAM, &Limits::default()).unwrap();
        assert_eq!(back, params);

        let continued = UploadPostParams::new("c|2101", JobRef::Handle("j|1".into()));
        let xml = encode_document(&continued, UPLOAD_POST_PARAM).unwrap();
        assert!(xml.contains("<jobHandle>j|1</jobHandle>"), "{xml}");
        let back: UploadPostParams =
            decode_document(xml.as_bytes(), UPLOAD_POST_PARAM, &Limits::default()).unwrap();
        assert_eq!(back, continued);
    }

    /// The parameters document as the API reference shows it, processing
    /// options included.
    #[test]
    fn decodes_a_documented_request() {
        let xml = format!(
            r#"<uploadPostParam xmlns="{}">
                <companyHandle>c|2101</companyHandle>
                <jobName>uploadFileServlet-1376682217351</jobName>
                <uploadParams>
                    <overwrite>true</overwrite>
                    <readyForPublish>true</readyForPublish>
                    <preservePublishState>true</preservePublishState>
                    <createMask>true</createMask>
                    <preserveCrop>true</preserveCrop>
                    <manualCropOptions><left>500</left><right>500</right><top>500</top><bottom>500</bottom></manualCropOptions>
                    <emailSetting>None</emailSetting>
                </uploadParams>
            </uploadPostParam>"#,
            ns()
        );
        let params: UploadPostParams =
            decode_document(xml.as_bytes(), UPLOAD_POST_PARAM, &Limits::default()).unwrap();
        assert_eq!(
            params.job,
            JobRef::Name("uploadFileServlet-1376682217351".into())
        );
        let options = params.upload_params.unwrap();
        assert!(options.overwrite && options.create_mask);
        assert_eq!(options.email_setting, "None");
        assert!(options.manual_crop_options.is_some());
    }

    #[test]
    fn job_name_and_handle_exclude_each_other() {
        for children in [
            "<jobName>a</jobName><jobHandle>b</jobHandle>",
            "",
            "<jobName>a</jobName><jobName>b</jobName>",
        ] {
            let xml = format!(
                "<uploadPostParam xmlns=\"{}\"><companyHandle>c</companyHandle>{children}</uploadPostParam>",
                ns()
            );
            let result: Result<UploadPostParams, _> =
                decode_document(xml.as_bytes(), UPLOAD_POST_PARAM, &Limits::default());
            assert!(result.is_err(), "{children}");
        }
    }

    #[test]
    fn target_names() {
        assert_eq!(
            UploadFile::new("/tmp/a b.jpg").target_name().unwrap(),
            "a b.jpg"
        );
        assert_eq!(
            UploadFile::new("/tmp/x")
                .named("folder/y.jpg")
                .target_name()
                .unwrap(),
            "folder/y.jpg"
        );
        for bad in ["", "a\"b", "a\nb", "a\\b"] {
            assert!(matches!(
                UploadFile::new("/tmp/x").named(bad).target_name(),
                Err(UploadError::InvalidFileName { .. })
            ));
        }
        assert!(UploadFile::new("/").target_name().is_err());
    }
}
