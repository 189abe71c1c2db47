//! An in-process mock IPS server on 127.0.0.1, for tests, examples and
//! users' own tests. Real HTTP on an ephemeral port, not a fake transport.
//!
//! It checks what a real IPS checks first (method, SOAPAction, envelope,
//! credentials in the `authHeader`), answers the operations this client
//! declares, and can be told to fail in each way a real deployment does.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::api::{self, AuthHeader, Fault};
use crate::soap::server::{Handler, HttpRequest, HttpResponse, Reaction, TestServer};
use crate::soap::{FaultCode, RequestEnvelope, SoapVersion, XmlName};
use crate::soap::{Limits, Part};

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

#[derive(Debug, Default)]
struct State {
    behavior: Behavior,
    queued_faults: Vec<Fault>,
    requests: Vec<RecordedRequest>,
    executed: Vec<ExecutedJob>,
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

    /// Stops the server.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

struct MockHandler {
    shared: Arc<Shared>,
}

/// What went wrong with a request, as IPS would report it.
enum Refusal {
    /// A SOAP fault with a typed IPS detail.
    Fault(Fault),
    /// A SOAP fault without detail (the request is not SOAP we understand).
    Client(String),
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
            Behavior::Normal => Reaction::Respond(self.answer(&request)),
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
    fn answer(&self, request: &HttpRequest) -> HttpResponse {
        let limits = Limits::default();
        let envelope = match RequestEnvelope::parse(&request.body, &limits) {
            Ok(envelope) => envelope,
            Err(error) => {
                // Not even an envelope: IPS answers with a plain client fault.
                return fault_response(
                    SoapVersion::Soap11,
                    Refusal::Client(format!("invalid SOAP request: {error}")),
                    None,
                    request.accepts_gzip(),
                );
            }
        };
        let version = envelope.version;
        let header: Option<AuthHeader> = envelope
            .header(XmlName::new(Some(api::NS_V20140403), "authHeader"))
            .ok()
            .flatten();
        let gzip =
            request.accepts_gzip() && header.as_ref().and_then(|h| h.gzip_response) != Some(false);
        let fault_status = header.as_ref().and_then(|h| h.fault_http_status_code);
        let outcome = self
            .check_action(request, &envelope)
            .and_then(|()| self.authenticate(header.as_ref()))
            .and_then(|()| self.dispatch(&envelope));
        match outcome {
            Ok(body) => {
                let response = HttpResponse::xml(200, version, body);
                if gzip {
                    response.gzip()
                } else {
                    response
                }
            }
            Err(refusal) => fault_response(version, refusal, fault_status, gzip),
        }
    }

    /// SOAP 1.1 carries the action in `SOAPAction`, SOAP 1.2 in the
    /// Content-Type's `action` parameter; it must name the body's operation.
    fn check_action(
        &self,
        request: &HttpRequest,
        envelope: &RequestEnvelope<'_>,
    ) -> Result<(), Refusal> {
        let action = match envelope.version {
            SoapVersion::Soap11 => request
                .header("soapaction")
                .map(|a| a.trim_matches('"').to_owned()),
            SoapVersion::Soap12 => request.header("content-type").and_then(|ct| {
                ct.split(';')
                    .filter_map(|p| p.trim().strip_prefix("action="))
                    .map(|a| a.trim_matches('"').to_owned())
                    .next()
            }),
        };
        let body = envelope
            .body_name()
            .map(|(_, local)| local)
            .unwrap_or_default();
        let expected = body.strip_suffix("Param").unwrap_or(&body);
        match action {
            Some(action) if action == expected => Ok(()),
            other => Err(Refusal::Client(format!(
                "SOAPAction {other:?} does not match the request body {body}"
            ))),
        }
    }

    fn authenticate(&self, header: Option<&AuthHeader>) -> Result<(), Refusal> {
        let auth_fault = |code: i32, reason: &str| {
            Refusal::Fault(Fault::AuthenticationFault(api::AuthenticationFault {
                code,
                reason: reason.to_owned(),
                ..Default::default()
            }))
        };
        let Some(header) = header else {
            return Err(auth_fault(10000, "No credentials were supplied."));
        };
        match (&header.user, &header.password) {
            (Some(user), Some(password))
                if *user == self.shared.user && *password == self.shared.password =>
            {
                Ok(())
            }
            (Some(user), Some(_)) if *user == self.shared.user => {
                Err(auth_fault(10001, "Invalid credentials."))
            }
            (Some(_), Some(_)) => Err(auth_fault(10002, "Unknown user.")),
            _ => Err(auth_fault(10000, "No credentials were supplied.")),
        }
    }

    fn dispatch(&self, envelope: &RequestEnvelope<'_>) -> Result<Vec<u8>, Refusal> {
        if let Some(fault) = {
            let mut state = self.shared.state();
            (!state.queued_faults.is_empty()).then(|| state.queued_faults.remove(0))
        } {
            return Err(Refusal::Fault(fault));
        }
        let invalid_xml = |error: crate::soap::DecodeError| {
            Refusal::Fault(Fault::IpsApiFault(api::IpsApiFault {
                code: 30003,
                reason: format!("The request XML is not valid: {error}"),
                ..Default::default()
            }))
        };
        let name = envelope
            .body_name()
            .map(|(_, local)| local)
            .unwrap_or_default();
        match name.as_str() {
            "executeJobParam" => {
                let param: api::ExecuteJobParam = envelope
                    .body(XmlName::new(Some(api::NS_V20140403), "executeJobParam"))
                    .map_err(invalid_xml)?;
                if param.company_handle.is_empty() || param.job_handle.is_empty() {
                    return Err(Refusal::Fault(Fault::IpsApiFault(api::IpsApiFault {
                        code: 30002,
                        reason: "companyHandle and jobHandle are required.".into(),
                        ..Default::default()
                    })));
                }
                self.shared.state().executed.push(ExecutedJob {
                    company_handle: param.company_handle,
                    job_handle: param.job_handle,
                });
                let reply = api::ExecuteJobReturn::new();
                let name = XmlName::new(Some(api::NS_V20140403), "executeJobReturn");
                crate::soap::write_envelope(
                    envelope.version,
                    &[],
                    &[Part {
                        name,
                        value: &reply,
                    }],
                )
                .map_err(|e| Refusal::Client(e.to_string()))
            }
            other => Err(Refusal::Fault(Fault::IpsApiFault(api::IpsApiFault {
                code: 30001,
                reason: format!("The mock does not implement {other}."),
                ..Default::default()
            }))),
        }
    }
}

fn fault_response(
    version: SoapVersion,
    refusal: Refusal,
    status: Option<i32>,
    gzip: bool,
) -> HttpResponse {
    let written = match &refusal {
        Refusal::Fault(fault) => {
            let (name, value) = fault.detail();
            let reason = match fault {
                Fault::AuthenticationFault(_) => "AuthenticationException",
                Fault::AuthorizationFault(_) => "AuthorizationException",
                Fault::IpsApiFault(_) => "IpsApiException",
            };
            crate::soap::write_fault(
                version,
                FaultCode::Client,
                reason,
                Some(Part { name, value }),
            )
        }
        Refusal::Client(reason) => {
            crate::soap::write_fault(version, FaultCode::Client, reason, None)
        }
    };
    let status = status
        .and_then(|s| u16::try_from(s).ok())
        .filter(|s| (200..600).contains(s))
        .unwrap_or(500);
    match written {
        Ok(body) => {
            let response = HttpResponse::xml(status, version, body);
            if gzip {
                response.gzip()
            } else {
                response
            }
        }
        Err(error) => HttpResponse::html(500, &format!("mock could not write a fault: {error}")),
    }
}
