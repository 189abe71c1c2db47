//! The generic SOAP runtime over real HTTP on 127.0.0.1, with small
//! hand-written types standing in for generated ones.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ips_client::soap::server::{Handler, HttpRequest, HttpResponse, Reaction, TestServer};
use ips_client::soap::xml::unexpected;
use ips_client::soap::{
    write_envelope, write_fault, Call, ConfigError, DecodeError, DecodeErrorKind, EncodeError,
    Error, FaultCode, FaultDetail, Limits, NoFaults, Operation, OperationBinding, Part,
    RequestEnvelope, SoapClient, SoapVersion, Start, XmlDecode, XmlEncode, XmlName, XmlReader,
    XmlWriter,
};

const NS: &str = "urn:test:echo";
const ECHO_REQUEST: XmlName<'static> = XmlName::new(Some(NS), "echoRequest");
const ECHO_RESPONSE: XmlName<'static> = XmlName::new(Some(NS), "echoResponse");
const AUTH: XmlName<'static> = XmlName::new(Some(NS), "auth");
const INVALID: XmlName<'static> = XmlName::new(Some(NS), "invalidInput");
const TEXT: XmlName<'static> = XmlName::new(Some(NS), "text");
const ACTION: &str = "urn:test:echo#echo";

/// `<name><text>...</text></name>`: request, response, header and fault
/// detail all use this shape.
#[derive(Debug, Clone, PartialEq)]
struct Message {
    text: String,
}

fn message(text: &str) -> Message {
    Message { text: text.into() }
}

impl XmlEncode for Message {
    fn encode_xml(&self, w: &mut XmlWriter, name: XmlName<'_>) -> Result<(), EncodeError> {
        w.start_element(name);
        w.text_element(TEXT, &self.text)?;
        w.end_element();
        Ok(())
    }
}

impl XmlDecode for Message {
    fn decode_xml(r: &mut XmlReader<'_>, _: &Start) -> Result<Self, DecodeError> {
        let mut text = None;
        while let Some(child) = r.next_child()? {
            if child.is(TEXT) && text.is_none() {
                text = Some(r.read_text()?);
            } else {
                return Err(unexpected(r, &child));
            }
        }
        let text =
            text.ok_or_else(|| r.error(DecodeErrorKind::MissingElement(TEXT.to_string())))?;
        Ok(Message { text })
    }
}

/// The declared faults of the test service.
#[derive(Debug, Clone, PartialEq)]
enum TestFault {
    InvalidInput(Message),
}

impl FaultDetail for TestFault {
    fn accepts(start: &Start) -> bool {
        start.is(INVALID)
    }
    fn decode_detail(r: &mut XmlReader<'_>, start: &Start) -> Result<Self, DecodeError> {
        Message::decode_xml(r, start).map(TestFault::InvalidInput)
    }
}

static ECHO: Operation = Operation {
    name: "echo",
    bindings: &[
        OperationBinding {
            version: SoapVersion::Soap11,
            soap_action: Some(ACTION),
        },
        OperationBinding {
            version: SoapVersion::Soap12,
            soap_action: Some(ACTION),
        },
    ],
    request: &[ECHO_REQUEST],
    response: Some(ECHO_RESPONSE),
};

static NOTIFY: Operation = Operation {
    name: "notify",
    bindings: &[OperationBinding {
        version: SoapVersion::Soap11,
        soap_action: None,
    }],
    request: &[],
    response: None,
};

/// Echoes `text` back, or misbehaves as `text` asks.
#[derive(Clone, Default)]
struct EchoService {
    seen: Arc<Mutex<Vec<HttpRequest>>>,
}

impl EchoService {
    fn requests(&self) -> Vec<HttpRequest> {
        self.seen.lock().unwrap().clone()
    }

    fn answer(request: &HttpRequest) -> HttpResponse {
        let limits = Limits::default();
        let envelope = match RequestEnvelope::parse(&request.body, &limits) {
            Ok(envelope) => envelope,
            Err(e) => {
                let fault =
                    write_fault(SoapVersion::Soap11, FaultCode::Client, &e.to_string(), None)
                        .unwrap();
                return HttpResponse::xml(500, SoapVersion::Soap11, fault);
            }
        };
        let version = envelope.version;
        if envelope.body_name().is_none() {
            // One-way notifications: accepted, nothing to say.
            return HttpResponse::new(202, Vec::new());
        }
        let input: Message = envelope.body(ECHO_REQUEST).unwrap();
        let fault = |status, detail: Option<Part<'_>>| {
            let body = write_fault(version, FaultCode::Client, "invalid input", detail).unwrap();
            HttpResponse::xml(status, version, body)
        };
        let why = message("text must not be 'fault'");
        let other = message("something else");
        match input.text.as_str() {
            "fault" => fault(500, Some(Part::new(INVALID, &why))),
            "fault-200" => fault(200, Some(Part::new(INVALID, &why))),
            "unknown-fault" => fault(
                500,
                Some(Part::new(
                    XmlName::new(Some("urn:elsewhere"), "other"),
                    &other,
                )),
            ),
            "wrong-element" => {
                let body = write_envelope(version, &[], &[Part::new(ECHO_REQUEST, &input)]);
                HttpResponse::xml(200, version, body.unwrap())
            }
            "body-with-500" => {
                let body = write_envelope(version, &[], &[Part::new(ECHO_RESPONSE, &input)]);
                HttpResponse::xml(500, version, body.unwrap())
            }
            text => {
                // Echo the auth header too, to show it arrived.
                let user = envelope
                    .header::<Message>(AUTH)
                    .unwrap()
                    .map(|m| m.text)
                    .unwrap_or_default();
                let reply = message(&format!("{text}/{user}"));
                let body = write_envelope(version, &[], &[Part::new(ECHO_RESPONSE, &reply)]);
                let response = HttpResponse::xml(200, version, body.unwrap());
                if text.starts_with("gzip") && request.accepts_gzip() {
                    response.gzip()
                } else {
                    response
                }
            }
        }
    }
}

impl Handler for EchoService {
    async fn handle(&self, request: HttpRequest) -> Reaction {
        let response = Self::answer(&request);
        self.seen.lock().unwrap().push(request);
        Reaction::Respond(response)
    }
}

async fn echo_server() -> (TestServer, EchoService) {
    let service = EchoService::default();
    let server = TestServer::start(service.clone()).await.unwrap();
    (server, service)
}

fn client(server: &TestServer, version: SoapVersion) -> SoapClient {
    SoapClient::builder(&server.url("/soap"))
        .version(version)
        .build()
        .unwrap()
}

async fn echo<F: FaultDetail>(client: &SoapClient, text: &str) -> Result<Message, Error<F>> {
    let auth = message("alice");
    let input = message(text);
    client
        .call(Call {
            operation: &ECHO,
            headers: vec![Part::new(AUTH, &auth)],
            body: vec![Part::new(ECHO_REQUEST, &input)],
        })
        .await
}

#[tokio::test]
async fn soap11_call_sends_the_expected_request() {
    let (server, service) = echo_server().await;
    let reply = echo::<TestFault>(&client(&server, SoapVersion::Soap11), "hello")
        .await
        .unwrap();
    assert_eq!(reply, message("hello/alice"));

    let requests = service.requests();
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/soap");
    assert_eq!(
        request.header("content-type"),
        Some("text/xml; charset=utf-8")
    );
    assert_eq!(request.header("soapaction"), Some("\"urn:test:echo#echo\""));
    assert!(request.accepts_gzip());
    assert_eq!(
        request.header("accept"),
        Some("text/xml, application/soap+xml")
    );
}

#[tokio::test]
async fn soap12_call_sends_the_action_in_the_content_type() {
    let (server, service) = echo_server().await;
    let reply = echo::<TestFault>(&client(&server, SoapVersion::Soap12), "hello")
        .await
        .unwrap();
    assert_eq!(reply, message("hello/alice"));

    let request = &service.requests()[0];
    assert_eq!(
        request.header("content-type"),
        Some("application/soap+xml; charset=utf-8; action=\"urn:test:echo#echo\"")
    );
    assert_eq!(request.header("soapaction"), None);
}

#[tokio::test]
async fn declared_fault_is_typed() {
    let (server, _) = echo_server().await;
    for version in [SoapVersion::Soap11, SoapVersion::Soap12] {
        let err = echo::<TestFault>(&client(&server, version), "fault")
            .await
            .unwrap_err();
        let Error::Fault { detail, fault } = &err else {
            panic!("expected a declared fault, got {err:?}");
        };
        assert_eq!(
            detail,
            &TestFault::InvalidInput(message("text must not be 'fault'"))
        );
        assert_eq!(fault.reason, "invalid input");
        let code = match version {
            SoapVersion::Soap11 => "soapenv:Client",
            SoapVersion::Soap12 => "soap:Sender",
        };
        assert_eq!(fault.code, code);
        assert!(fault.detail.is_empty());
        assert_eq!(err.to_string(), format!("SOAP fault {code}: invalid input"));
        assert!(err.fault().is_some());
        assert!(err.soap_fault().is_some());
        assert_eq!(err.http_status(), None);
    }
}

#[tokio::test]
async fn undeclared_fault_keeps_the_raw_detail() {
    let (server, _) = echo_server().await;
    let err = echo::<TestFault>(&client(&server, SoapVersion::Soap11), "unknown-fault")
        .await
        .unwrap_err();
    let Error::SoapFault(fault) = &err else {
        panic!("expected a plain SOAP fault, got {err:?}");
    };
    assert_eq!(
        fault.detail,
        vec![
            r#"<other xmlns="urn:elsewhere"><text xmlns="urn:test:echo">something else</text></other>"#
        ]
    );
    assert!(err.fault().is_none());

    // With no declared faults at all, a declared-looking one is raw too.
    let err = echo::<NoFaults>(&client(&server, SoapVersion::Soap11), "fault")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::SoapFault(f) if f.detail.len() == 1),
        "{err:?}"
    );
}

#[tokio::test]
async fn fault_with_status_200_is_still_a_fault() {
    let (server, _) = echo_server().await;
    let err = echo::<TestFault>(&client(&server, SoapVersion::Soap11), "fault-200")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Fault { .. }), "{err:?}");
}

#[tokio::test]
async fn gzip_response_is_decompressed() {
    let (server, service) = echo_server().await;
    let reply = echo::<TestFault>(&client(&server, SoapVersion::Soap11), "gzip me")
        .await
        .unwrap();
    assert_eq!(reply, message("gzip me/alice"));
    assert!(service.requests()[0].accepts_gzip());
}

#[tokio::test]
async fn html_error_page_is_an_http_error() {
    let server = TestServer::start(|_: HttpRequest| {
        HttpResponse::html(
            502,
            "<!DOCTYPE html>\n<html>\n  <body>\n    <h1>502   Bad Gateway</h1>\n  </body>\n</html>",
        )
        .into()
    })
    .await
    .unwrap();
    let err = echo::<TestFault>(&client(&server, SoapVersion::Soap11), "hi")
        .await
        .unwrap_err();
    let Error::Http {
        status,
        content_type,
        snippet,
    } = &err
    else {
        panic!("expected an HTTP error, got {err:?}");
    };
    assert_eq!(*status, 502);
    assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
    assert_eq!(
        snippet,
        "<!DOCTYPE html> <html> <body> <h1>502 Bad Gateway</h1> </body> </html>"
    );
    assert_eq!(err.http_status(), Some(502));
    assert!(err.to_string().contains("HTTP 502"), "{err}");
}

#[tokio::test]
async fn empty_body_is_an_http_error() {
    for status in [500, 200] {
        let server =
            TestServer::start(move |_: HttpRequest| HttpResponse::new(status, vec![]).into())
                .await
                .unwrap();
        let err = echo::<TestFault>(&client(&server, SoapVersion::Soap11), "hi")
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Http { status: s, snippet, .. } if *s == status && snippet.is_empty()),
            "{err:?}"
        );
        assert!(err.to_string().contains("empty body"), "{err}");
    }
}

#[tokio::test]
async fn normal_envelope_with_error_status_is_an_http_error() {
    let (server, _) = echo_server().await;
    let err = echo::<TestFault>(&client(&server, SoapVersion::Soap11), "body-with-500")
        .await
        .unwrap_err();
    assert_eq!(err.http_status(), Some(500), "{err:?}");
}

#[tokio::test]
async fn undecodable_envelope_is_a_decode_error() {
    let (server, _) = echo_server().await;
    let err = echo::<TestFault>(&client(&server, SoapVersion::Soap11), "wrong-element")
        .await
        .unwrap_err();
    let Error::Decode(e) = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert!(
        matches!(&e.kind, DecodeErrorKind::WrongElement { found, .. } if found.contains("echoRequest"))
    );

    // A SOAP 1.2 answer to a SOAP 1.1 client.
    let server = TestServer::start(|_: HttpRequest| {
        let body = write_fault(SoapVersion::Soap12, FaultCode::Server, "v", None).unwrap();
        HttpResponse::xml(500, SoapVersion::Soap12, body).into()
    })
    .await
    .unwrap();
    let err = echo::<TestFault>(&client(&server, SoapVersion::Soap11), "hi")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}

#[tokio::test]
async fn hanging_server_times_out() {
    let server = TestServer::start(|_: HttpRequest| Reaction::Hang)
        .await
        .unwrap();
    let client = SoapClient::builder(&server.url("/soap"))
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = echo::<TestFault>(&client, "hi").await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(300)),
        "{err:?}"
    );
    assert!(err.is_timeout());
    assert!(started.elapsed() < Duration::from_secs(5));
    server.shutdown().await;
}

#[tokio::test]
async fn oversized_response_is_refused() {
    let big = "x".repeat(100_000);
    for compress in [false, true] {
        let body = big.clone();
        let server = TestServer::start(move |_: HttpRequest| {
            let reply = message(&body);
            let envelope = write_envelope(
                SoapVersion::Soap11,
                &[],
                &[Part::new(ECHO_RESPONSE, &reply)],
            )
            .unwrap();
            let response = HttpResponse::xml(200, SoapVersion::Soap11, envelope);
            // Compressed, the body is small on the wire: the limit must
            // apply to the decompressed size.
            if compress { response.gzip() } else { response }.into()
        })
        .await
        .unwrap();
        let client = SoapClient::builder(&server.url("/soap"))
            .limits(Limits {
                max_body_bytes: 10_000,
                ..Limits::default()
            })
            .build()
            .unwrap();
        let err = echo::<TestFault>(&client, "hi").await.unwrap_err();
        assert!(
            matches!(err, Error::ResponseTooLarge { limit: 10_000 }),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn corrupt_gzip_is_a_transport_error() {
    let server = TestServer::start(|_: HttpRequest| {
        // Poorly compressible, so half the gzip stream is really cut short.
        let noise = (0..3000u32).map(|i| (i * 7919 % 251) as u8).collect();
        let mut response = HttpResponse::xml(200, SoapVersion::Soap11, noise).gzip();
        response.body.truncate(response.body.len() / 2);
        response.into()
    })
    .await
    .unwrap();
    let err = echo::<TestFault>(&client(&server, SoapVersion::Soap11), "hi")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

#[tokio::test]
async fn refused_connection_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = SoapClient::builder(&format!("http://{addr}/soap"))
        .build()
        .unwrap();
    let err = echo::<TestFault>(&client, "hi").await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
}

#[test]
fn plain_http_to_a_remote_host_needs_opt_in() {
    let err = SoapClient::builder("http://soap.example.com/service")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, ConfigError::InsecureHttp { host } if host == "soap.example.com"),
        "{err:?}"
    );
}

#[tokio::test]
async fn secrets_are_redacted_from_errors() {
    const SECRET: &str = "S3cr3t-Pa55w0rd";
    let server = TestServer::start(|request: HttpRequest| {
        // A careless server echoing the request (and the password in it).
        let body = String::from_utf8_lossy(&request.body).into_owned();
        if request.path == "/fault" {
            let envelope = write_fault(
                SoapVersion::Soap11,
                FaultCode::Client,
                &format!("bad login for password {SECRET}"),
                None,
            )
            .unwrap();
            HttpResponse::xml(500, SoapVersion::Soap11, envelope).into()
        } else {
            HttpResponse::html(500, &format!("<html><pre>{SECRET}: {body}</pre></html>")).into()
        }
    })
    .await
    .unwrap();

    for path in ["/html", "/fault"] {
        let client = SoapClient::builder(&server.url(path))
            .redact(SECRET)
            .redact("")
            .build()
            .unwrap();
        let auth = message(SECRET);
        let input = message("hi");
        let err = client
            .call::<Message, TestFault>(Call {
                operation: &ECHO,
                headers: vec![Part::new(AUTH, &auth)],
                body: vec![Part::new(ECHO_REQUEST, &input)],
            })
            .await
            .unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }
}

#[test]
fn client_debug_shows_no_secrets() {
    let client = SoapClient::builder("https://svc-user:hunter2@soap.example.com/api?key=abc123")
        .redact("other-secret")
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let shown = format!("{client:?}");
    assert!(shown.contains("https://soap.example.com/api"), "{shown}");
    assert!(shown.contains("Soap11") && shown.contains("5s"), "{shown}");
    for secret in ["svc-user", "hunter2", "abc123", "other-secret"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

#[tokio::test]
async fn one_way_send() {
    let (server, service) = echo_server().await;
    let client = client(&server, SoapVersion::Soap11);
    client
        .send::<TestFault>(Call {
            operation: &NOTIFY,
            headers: vec![],
            body: vec![],
        })
        .await
        .unwrap();
    assert_eq!(service.requests()[0].header("soapaction"), Some("\"\""));

    // A fault still counts.
    let input = message("fault");
    let err = client
        .send::<TestFault>(Call {
            operation: &NOTIFY,
            headers: vec![],
            body: vec![Part::new(ECHO_REQUEST, &input)],
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Fault { .. }), "{err:?}");
}

#[tokio::test]
async fn unbound_version_fails_without_a_request() {
    let (server, service) = echo_server().await;
    let err = client(&server, SoapVersion::Soap12)
        .send::<NoFaults>(Call {
            operation: &NOTIFY,
            headers: vec![],
            body: vec![],
        })
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotBound {
                operation: "notify",
                version: SoapVersion::Soap12
            }
        ),
        "{err:?}"
    );
    assert!(service.requests().is_empty());
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = TestServer::start(|_: HttpRequest| {
        HttpResponse::new(302, vec![])
            .with_header("location", "http://127.0.0.1:1/elsewhere")
            .into()
    })
    .await
    .unwrap();
    let err = echo::<TestFault>(&client(&server, SoapVersion::Soap11), "hi")
        .await
        .unwrap_err();
    assert_eq!(err.http_status(), Some(302), "{err:?}");
}

#[tokio::test]
async fn call_futures_are_send_and_can_be_spawned() {
    let (server, _) = echo_server().await;
    let client = client(&server, SoapVersion::Soap11);
    let task = tokio::spawn(async move { echo::<TestFault>(&client, "spawned").await });
    assert_eq!(task.await.unwrap().unwrap(), message("spawned/alice"));
}
