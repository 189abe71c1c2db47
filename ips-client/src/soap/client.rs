//! The HTTP side of a SOAP call: request building, transport, limits and
//! the mapping of whatever comes back to a value or an [`Error`].

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use tracing::Instrument as _;
use url::{Host, Url};

use super::envelope::{
    is_envelope, quoted_string, read_acknowledgement, read_response, write_envelope, FaultDetail,
    Part, Reply, SoapVersion,
};
use super::error::{transport_message, Error, Redactor};
use super::xml::{DecodeError, DecodeErrorKind, EncodeError, Limits, XmlDecode, XmlName};

/// Static description of one operation as bound for a SOAP version, emitted
/// by the generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationBinding {
    pub version: SoapVersion,
    pub soap_action: Option<&'static str>,
}

#[derive(Debug)]
pub struct Operation {
    pub name: &'static str,
    pub bindings: &'static [OperationBinding],
    /// The request body elements, in message order.
    pub request: &'static [XmlName<'static>],
    /// The response element; `None` for one-way operations.
    pub response: Option<XmlName<'static>>,
}

impl Operation {
    /// The binding of this operation for `version`, if it has one.
    pub fn binding(&self, version: SoapVersion) -> Option<&OperationBinding> {
        self.bindings.iter().find(|b| b.version == version)
    }
}

/// One call: generated code fills this in.
#[derive(Debug)]
pub struct Call<'a> {
    pub operation: &'static Operation,
    pub headers: Vec<Part<'a>>,
    pub body: Vec<Part<'a>>,
}

/// A SOAP endpoint plus the HTTP client and settings used to call it.
/// Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct SoapClient {
    inner: Arc<Inner>,
}

struct Inner {
    endpoint: Url,
    version: SoapVersion,
    timeout: Duration,
    limits: Limits,
    http: reqwest::Client,
    user_agent: Option<HeaderValue>,
    redactor: Redactor,
    inspector: Option<Inspector>,
    retry: Option<RetryPolicy>,
}

/// A caller's view of one exchange, with every secret the client knows
/// replaced by `[redacted]`: for debugging and audit logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    pub operation: &'static str,
    /// The request envelope as sent, redacted.
    pub request: String,
    /// HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// The response body as received (after decompression), redacted.
    pub response: Option<String>,
}

/// The hook given to [`SoapClientBuilder::inspect`].
type Inspector = Arc<dyn Fn(&Exchange) + Send + Sync>;

impl fmt::Debug for SoapClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoapClient")
            .field("endpoint", &display_url(&self.inner.endpoint))
            .field("version", &self.inner.version)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

/// `url` without userinfo, query and fragment, which may carry credentials.
pub(crate) fn display_url(url: &Url) -> String {
    let mut shown = url.clone();
    // These only fail for URLs that cannot have credentials anyway.
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

impl SoapClient {
    pub fn builder(endpoint: &str) -> SoapClientBuilder {
        SoapClientBuilder {
            endpoint: endpoint.to_owned(),
            version: SoapVersion::Soap11,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            limits: Limits::default(),
            http: None,
            allow_insecure_http: false,
            secrets: Vec::new(),
            user_agent: None,
            inspector: None,
            retry: None,
        }
    }

    pub fn version(&self) -> SoapVersion {
        self.inner.version
    }

    pub fn endpoint(&self) -> &Url {
        &self.inner.endpoint
    }

    /// Sends the call and decodes the response element into `T`.
    ///
    /// Not an `async fn`: the envelope is written before the future is
    /// returned, so the future does not hold `call` (whose parts are
    /// `&dyn XmlEncode`, not `Sync`) and stays `Send`. Call sites are the
    /// same: `client.call(call).await`.
    pub fn call<T: XmlDecode, F: FaultDetail>(
        &self,
        call: Call<'_>,
    ) -> impl Future<Output = Result<T, Error<F>>> + Send {
        let inner = Arc::clone(&self.inner);
        let operation = call.operation;
        let prepared = inner.prepare(&call);
        let span = inner.span(operation);
        async move {
            let started = Instant::now();
            let outcome = async {
                let Some(response) = operation.response else {
                    return Err(Error::Decode(one_way_error(operation)));
                };
                let received = inner.exchange(operation, prepared?).await?;
                let version = inner.version;
                inner.conclude(&received, |doc, limits| {
                    read_response::<T, F>(doc, version, response, limits)
                })
            }
            .await;
            record_outcome(started, &outcome);
            outcome
        }
        .instrument(span)
    }

    /// For one-way operations: sends the call and checks only that no fault
    /// came back (a 2xx with an empty body, or any envelope without a fault).
    pub fn send<F: FaultDetail>(
        &self,
        call: Call<'_>,
    ) -> impl Future<Output = Result<(), Error<F>>> + Send {
        let inner = Arc::clone(&self.inner);
        let operation = call.operation;
        let prepared = inner.prepare(&call);
        let span = inner.span(operation);
        async move {
            let started = Instant::now();
            let outcome = async {
                let received = inner.exchange(operation, prepared?).await?;
                if received.is_success() && received.body.iter().all(u8::is_ascii_whitespace) {
                    return Ok(());
                }
                let version = inner.version;
                inner.conclude(&received, |doc, limits| {
                    read_acknowledgement::<F>(doc, version, limits)
                })
            }
            .await;
            record_outcome(started, &outcome);
            outcome
        }
        .instrument(span)
    }
}

/// Records how a call ended on the current span, and logs it at debug
/// level. Only names, codes and durations: never message content.
fn record_outcome<T, F>(started: Instant, outcome: &Result<T, Error<F>>) {
    let span = tracing::Span::current();
    let elapsed = started.elapsed();
    span.record("duration_ms", elapsed.as_millis() as u64);
    let kind = match outcome {
        Ok(_) => "ok",
        Err(Error::Fault { .. }) => "fault",
        Err(Error::SoapFault(_)) => "soap_fault",
        Err(Error::Http { .. }) => "http_error",
        Err(Error::Timeout(_)) => "timeout",
        Err(Error::ResponseTooLarge { .. }) => "too_large",
        Err(Error::Connect { .. }) => "connect_error",
        Err(Error::Transport { .. }) => "transport_error",
        Err(Error::Decode(_)) => "decode_error",
        Err(Error::Encode(_)) => "encode_error",
        Err(Error::NotBound { .. }) => "not_bound",
    };
    span.record("outcome", kind);
    if let Some(fault) = outcome.as_ref().err().and_then(Error::soap_fault) {
        span.record("fault_code", fault.code.as_str());
    }
    if let Err(Error::Http { status, .. }) = outcome {
        span.record("http_status", *status);
    }
    tracing::debug!(
        outcome = kind,
        duration_ms = elapsed.as_millis() as u64,
        "SOAP call finished"
    );
}

fn one_way_error(operation: &Operation) -> DecodeError {
    DecodeError {
        path: String::new(),
        position: 0,
        kind: DecodeErrorKind::MissingElement(format!(
            "response element (operation {} is one-way: use send)",
            operation.name
        )),
    }
}

/// A failure before any response was decoded. Not generic, so the futures
/// returned by `call`/`send` do not hold an `Error<F>` and need no `F: Send`.
enum Failure {
    NotBound {
        operation: &'static str,
        version: SoapVersion,
    },
    Encode(EncodeError),
    Timeout(Duration),
    TooLarge(usize),
    Connect(String),
    Transport(String),
}

impl<F> From<Failure> for Error<F> {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::NotBound { operation, version } => Error::NotBound { operation, version },
            Failure::Encode(e) => Error::Encode(e),
            Failure::Timeout(d) => Error::Timeout(d),
            Failure::TooLarge(limit) => Error::ResponseTooLarge { limit },
            Failure::Connect(message) => Error::Connect { message },
            Failure::Transport(message) => Error::Transport { message },
        }
    }
}

/// A complete HTTP response.
struct Received {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Received {
    fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Retries for operations the caller declares safe to repeat. Nothing is
/// retried unless it is listed: a call that changes state (executeJob,
/// submitJob...) may have taken effect even when its answer was lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    operations: std::collections::BTreeSet<String>,
    attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl RetryPolicy {
    /// Retries the named operations (wire names, such as `getActiveJobs`):
    /// 3 attempts in all, waiting 200 ms, then 400 ms (doubling, at most 5 s).
    pub fn for_operations<I, S>(operations: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        RetryPolicy {
            operations: operations.into_iter().map(Into::into).collect(),
            attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The first wait, doubled after each attempt up to `max`.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }
}

/// A request ready to send, with its envelope kept for the inspector.
struct Prepared {
    request: reqwest::RequestBuilder,
    envelope: Option<Vec<u8>>,
}

impl Inner {
    /// The span of one call: operation, host and SOAP version up front; the
    /// outcome, fault code and duration once it ends. No message content.
    fn span(&self, operation: &Operation) -> tracing::Span {
        tracing::info_span!(
            "soap_call",
            operation = operation.name,
            host = self.endpoint.host_str().unwrap_or(""),
            version = ?self.version,
            outcome = tracing::field::Empty,
            fault_code = tracing::field::Empty,
            http_status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        )
    }

    /// Picks the binding and writes the request; everything that needs the
    /// call's borrowed parts happens here.
    fn prepare(&self, call: &Call<'_>) -> Result<Prepared, Failure> {
        let operation = call.operation;
        let binding = operation
            .bindings
            .iter()
            .find(|b| b.version == self.version)
            .ok_or(Failure::NotBound {
                operation: operation.name,
                version: self.version,
            })?;
        let envelope =
            write_envelope(self.version, &call.headers, &call.body).map_err(Failure::Encode)?;

        let mut headers = HeaderMap::new();
        let content_type = self.version.content_type(binding.soap_action);
        headers.insert(CONTENT_TYPE, header_value(&content_type, "soapAction")?);
        if self.version == SoapVersion::Soap11 {
            let action = quoted_string(binding.soap_action.unwrap_or(""));
            headers.insert("soapaction", header_value(&action, "soapAction")?);
        }
        headers.insert(
            ACCEPT,
            HeaderValue::from_static("text/xml, application/soap+xml"),
        );
        if let Some(agent) = &self.user_agent {
            headers.insert(USER_AGENT, agent.clone());
        }
        // The envelope is copied only when someone inspects exchanges.
        let kept = self.inspector.as_ref().map(|_| envelope.clone());
        // Accept-Encoding is left to reqwest: it sends `gzip` exactly when
        // its client will also decompress the answer.
        Ok(Prepared {
            request: self
                .http
                .post(self.endpoint.clone())
                .headers(headers)
                .body(envelope),
            envelope: kept,
        })
    }

    /// Sends the request and reads the whole body, within the timeout and
    /// the body size limit; shows the exchange to the inspector, if any.
    async fn exchange(
        &self,
        operation: &Operation,
        prepared: Prepared,
    ) -> Result<Received, Failure> {
        let policy = self
            .retry
            .as_ref()
            .filter(|policy| policy.operations.contains(operation.name));
        let mut attempt = 1;
        let mut backoff = policy.map(|p| p.initial_backoff).unwrap_or_default();
        let result = loop {
            // Each attempt sends its own copy: the body is in memory, so it clones.
            let request = match (policy, prepared.request.try_clone()) {
                (Some(_), Some(copy)) => copy,
                _ => break self.attempt(prepared.request).await,
            };
            let result = self.attempt(request).await;
            match policy {
                Some(policy) if attempt < policy.attempts && self.is_transient(&result) => {
                    tracing::debug!(
                        operation = operation.name,
                        attempt,
                        ?backoff,
                        "retrying a transient failure"
                    );
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(policy.max_backoff);
                    attempt += 1;
                }
                _ => break result,
            }
        };
        if let (Some(inspect), Some(envelope)) = (&self.inspector, &prepared.envelope) {
            let received = result.as_ref().ok();
            inspect(&Exchange {
                operation: operation.name,
                request: self.redactor.apply(&String::from_utf8_lossy(envelope)),
                status: received.map(|r| r.status),
                response: received.map(|r| self.redactor.apply(&String::from_utf8_lossy(&r.body))),
            });
        }
        result
    }

    /// Failures worth another attempt: no connection, no answer in time, or
    /// a gateway saying the service is momentarily unavailable (with no SOAP
    /// answer: a fault is the service's final word).
    fn is_transient(&self, result: &Result<Received, Failure>) -> bool {
        match result {
            Err(Failure::Connect(_) | Failure::Timeout(_)) => true,
            Ok(received) => {
                matches!(received.status, 502..=504) && !is_envelope(&received.body, &self.limits)
            }
            Err(_) => false,
        }
    }

    /// One attempt, within the timeout.
    async fn attempt(&self, request: reqwest::RequestBuilder) -> Result<Received, Failure> {
        match tokio::time::timeout(self.timeout, self.transfer(request)).await {
            Ok(result) => result,
            Err(_) => Err(Failure::Timeout(self.timeout)),
        }
    }

    async fn transfer(&self, request: reqwest::RequestBuilder) -> Result<Received, Failure> {
        let mut response = request.send().await.map_err(|e| self.failure(e))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| self.redactor.apply(&String::from_utf8_lossy(v.as_bytes())));
        let limit = self.limits.max_body_bytes;
        // Known only when the body is not being decompressed.
        let declared = response.content_length().unwrap_or(0);
        if declared > limit as u64 {
            return Err(Failure::TooLarge(limit));
        }
        // Trust the declared length for early refusal, not for allocation.
        let mut body = Vec::with_capacity(declared.min(1 << 20) as usize);
        while let Some(chunk) = response.chunk().await.map_err(|e| self.failure(e))? {
            if chunk.len() > limit - body.len() {
                return Err(Failure::TooLarge(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Received {
            status,
            content_type,
            body,
        })
    }

    fn failure(&self, error: reqwest::Error) -> Failure {
        // A connect timeout is reported as a connection failure: the
        // configured (whole-call) timeout did not elapse.
        if error.is_connect() {
            Failure::Connect(transport_message(error, &self.redactor))
        } else if error.is_timeout() {
            Failure::Timeout(self.timeout)
        } else {
            Failure::Transport(transport_message(error, &self.redactor))
        }
    }

    /// Maps a complete response to the call's outcome: any SOAP envelope is
    /// decoded whatever the status (faults often come with 500, sometimes
    /// with 200); anything else is an HTTP error.
    // The error's layout is the public contract; it is only built on failure.
    #[allow(clippy::result_large_err)]
    fn conclude<B, F>(
        &self,
        received: &Received,
        decode: impl Fn(&[u8], &Limits) -> Result<Reply<B, F>, DecodeError>,
    ) -> Result<B, Error<F>> {
        if !is_envelope(&received.body, &self.limits) {
            return Err(self.http_error(received));
        }
        let decoded = match decode(&received.body, &self.limits) {
            // A fault that quotes a secret back (a server echoing the request,
            // say) is decoded again from a redacted copy, so the typed detail
            // carried by the error cannot leak it either.
            Ok(Reply::Fault { .. }) if self.redactor.found_in(&received.body) => {
                let redacted = self
                    .redactor
                    .apply(&String::from_utf8_lossy(&received.body));
                decode(redacted.as_bytes(), &self.limits)
            }
            other => other,
        };
        match decoded {
            Ok(Reply::Body(value)) if received.is_success() => Ok(value),
            Ok(Reply::Body(_)) => Err(self.http_error(received)),
            Ok(Reply::Fault {
                detail: Some(detail),
                fault,
            }) => Err(Error::Fault {
                detail,
                fault: self.redactor.fault(fault),
            }),
            Ok(Reply::Fault {
                detail: None,
                fault,
            }) => Err(Error::SoapFault(self.redactor.fault(fault))),
            Err(e) => Err(Error::Decode(self.redactor.decode_error(e))),
        }
    }

    fn http_error<F>(&self, received: &Received) -> Error<F> {
        Error::Http {
            status: received.status,
            content_type: received.content_type.clone(),
            snippet: self.redactor.snippet(&received.body),
        }
    }
}

fn header_value(value: &str, location: &str) -> Result<HeaderValue, Failure> {
    HeaderValue::from_str(value).map_err(|_| {
        let code = value
            .chars()
            .find(|c| c.is_control() && *c != '\t')
            .map_or(0, u32::from);
        Failure::Encode(EncodeError::InvalidCharacter {
            code,
            location: location.to_owned(),
        })
    })
}

/// Settings for a [`SoapClient`]; see [`SoapClient::builder`].
pub struct SoapClientBuilder {
    endpoint: String,
    version: SoapVersion,
    timeout: Duration,
    connect_timeout: Duration,
    limits: Limits,
    http: Option<reqwest::Client>,
    allow_insecure_http: bool,
    secrets: Vec<String>,
    user_agent: Option<String>,
    inspector: Option<Inspector>,
    retry: Option<RetryPolicy>,
}

impl fmt::Debug for SoapClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let endpoint = Url::parse(&self.endpoint)
            .map(|u| display_url(&u))
            .unwrap_or_else(|_| "(invalid)".to_owned());
        f.debug_struct("SoapClientBuilder")
            .field("endpoint", &endpoint)
            .field("version", &self.version)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl SoapClientBuilder {
    /// Default: SOAP 1.1.
    pub fn version(mut self, version: SoapVersion) -> Self {
        self.version = version;
        self
    }

    /// Bound on a whole call, body read included. Default: 60 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Bound on establishing a connection. Default: 10 s. Not applied to a
    /// client given with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Uses this client (proxies, TLS settings, connection pool) instead of
    /// building one. The timeout is still applied to each call.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Allows plain `http://` to a host that is not loopback.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// A string replaced by `[redacted]` in any text the runtime puts in
    /// errors (empty strings are ignored). The endpoint's URL password is
    /// added automatically.
    pub fn redact(mut self, secret: impl Into<String>) -> Self {
        self.secrets.push(secret.into());
        self
    }

    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Retries transient failures (no connection, timeout, 502-504 without a
    /// SOAP answer) of the operations `policy` lists, with backoff. Off by
    /// default; each attempt gets the whole timeout.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Shows every exchange (request and response XML, with secrets
    /// redacted) to `hook`, for debugging. Off by default: it costs a copy
    /// of each request.
    pub fn inspect(mut self, hook: impl Fn(&Exchange) + Send + Sync + 'static) -> Self {
        self.inspector = Some(Arc::new(hook));
        self
    }

    pub fn build(self) -> Result<SoapClient, ConfigError> {
        let endpoint = checked_endpoint(&self.endpoint, self.allow_insecure_http)?;

        let user_agent = match &self.user_agent {
            Some(agent) => Some(
                HeaderValue::from_str(agent)
                    .map_err(|_| ConfigError::Http("invalid user agent".to_owned()))?,
            ),
            None => None,
        };

        let http = match self.http {
            Some(client) => client,
            None => default_http_client(self.connect_timeout)?,
        };

        let mut redactor = Redactor::default();
        for secret in &self.secrets {
            redactor.add(secret);
        }
        if let Some(password) = endpoint.password() {
            redactor.add(password);
            redactor.add(&percent_decode(password));
        }

        Ok(SoapClient {
            inner: Arc::new(Inner {
                endpoint,
                version: self.version,
                timeout: self.timeout,
                limits: self.limits,
                http,
                user_agent,
                redactor,
                inspector: self.inspector,
                retry: self.retry,
            }),
        })
    }
}

/// Parses an endpoint URL and applies the transport rule: https, or plain
/// http to a loopback host unless `allow_insecure_http` permits any host.
pub(crate) fn checked_endpoint(
    endpoint: &str,
    allow_insecure_http: bool,
) -> Result<Url, ConfigError> {
    // The parse error never includes the input, which may hold secrets.
    let url = Url::parse(endpoint).map_err(|e| ConfigError::InvalidEndpoint {
        reason: e.to_string(),
    })?;
    let host = url.host().ok_or_else(|| ConfigError::InvalidEndpoint {
        reason: "no host".to_owned(),
    })?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&host) => {}
        "http" => {
            return Err(ConfigError::InsecureHttp {
                host: host.to_string(),
            })
        }
        other => {
            return Err(ConfigError::UnsupportedScheme {
                scheme: other.to_owned(),
            })
        }
    }
    Ok(url)
}

/// The HTTP client used when the caller gives none.
pub(crate) fn default_http_client(
    connect_timeout: Duration,
) -> Result<reqwest::Client, ConfigError> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        // Following a redirect would turn the POST into a GET (301, 302) or
        // could leave https; the endpoint is explicit.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ConfigError::Http(transport_message(e, &Redactor::default())))
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// Decodes `%XX` escapes (lossily), as in a URL's userinfo.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Why a [`SoapClient`] could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid endpoint URL: {reason}")]
    InvalidEndpoint { reason: String },
    #[error("refusing plain http:// to non-loopback host {host}: use https, or allow_insecure_http(true)")]
    InsecureHttp { host: String },
    #[error("unsupported endpoint scheme {scheme:?}: expected https")]
    UnsupportedScheme { scheme: String },
    #[error("could not set up the HTTP client: {0}")]
    Http(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_rules() {
        for ok in [
            "https://example.com/soap",
            "http://127.0.0.1:8080/soap",
            "http://127.9.9.9/soap",
            "http://[::1]:80/soap",
            "http://LocalHost/soap",
        ] {
            assert!(SoapClient::builder(ok).build().is_ok(), "{ok}");
        }
        assert!(matches!(
            SoapClient::builder("http://example.com/soap").build(),
            Err(ConfigError::InsecureHttp { host }) if host == "example.com"
        ));
        assert!(SoapClient::builder("http://example.com/soap")
            .allow_insecure_http(true)
            .build()
            .is_ok());
        assert!(matches!(
            SoapClient::builder("ftp://example.com/").build(),
            Err(ConfigError::UnsupportedScheme { .. })
        ));
        assert!(matches!(
            SoapClient::builder("not a url").build(),
            Err(ConfigError::InvalidEndpoint { .. })
        ));
    }

    #[test]
    fn debug_hides_credentials() {
        let client = SoapClient::builder("https://user:p%40ss@example.com/soap?token=abc#x")
            .redact("other-secret")
            .build()
            .unwrap();
        let shown = format!("{client:?}");
        assert!(shown.contains("https://example.com/soap"), "{shown}");
        for secret in ["user", "p%40ss", "token", "abc", "other-secret"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert_eq!(
            client.inner.redactor.apply("p@ss p%40ss"),
            "[redacted] [redacted]"
        );
    }

    #[test]
    fn percent_decoding_is_lossy_not_failing() {
        assert_eq!(percent_decode("a%40b%zz%4"), "a@b%zz%4");
    }
}
