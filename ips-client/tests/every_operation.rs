//! Every operation of the WSDL the client was built from (the project's own
//! by default, an official one with IPS_WSDL) round-trips over real HTTP on
//! 127.0.0.1: generated client -> generated dispatcher -> generated sample
//! service -> response, with every field of every request and response set
//! to generated, non-trivial values, checked equal on arrival both ways.

mod common;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use ips_client::api::{self, samples};
use ips_client::soap::server::{Handler, HttpRequest, HttpResponse, Reaction, TestServer};
use ips_client::soap::service::action_from_content_type;
use ips_client::soap::{Limits, SoapVersion};
use ips_client::IpsClient;

/// One exchange: the operation routed to, the HTTP status, request and response bodies.
type Exchange = (Option<&'static str>, u16, Vec<u8>, Vec<u8>);

/// Serves the sample service and keeps every body it exchanged.
#[derive(Clone, Default)]
struct SampleHandler {
    exchanged: Arc<Mutex<Vec<Exchange>>>,
}

impl Handler for SampleHandler {
    async fn handle(&self, request: HttpRequest) -> Reaction {
        let action = request.header("soapaction").or_else(|| {
            request
                .header("content-type")
                .and_then(action_from_content_type)
        });
        let service = samples::SampleIpsApiPortTypeService;
        let dispatched =
            api::dispatch_ips_api_port_type(&service, &request.body, action, &Limits::default())
                .await;
        if let Ok(mut exchanged) = self.exchanged.lock() {
            exchanged.push((
                dispatched.operation,
                dispatched.status,
                request.body.to_vec(),
                dispatched.body.clone(),
            ));
        }
        Reaction::Respond(HttpResponse::xml(
            dispatched.status,
            dispatched.version,
            dispatched.body,
        ))
    }
}

async fn round_trip(version: SoapVersion) {
    let handler = SampleHandler::default();
    let server = TestServer::start(handler.clone()).await.expect("server");
    let client = IpsClient::builder()
        .endpoint(server.url("/scene7/services/IpsApiService"))
        .user_password("sample@example.com", "sample-password")
        .soap_version(version)
        .build()
        .expect("client");

    let outcomes = samples::call_every_operation_ips_api_port_type(&client).await;
    let failures: Vec<String> = outcomes
        .iter()
        .filter_map(|(name, outcome)| outcome.as_ref().err().map(|e| format!("{name}: {e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} operations failed:\n{}",
        failures.len(),
        failures.join("\n")
    );

    let mut called: Vec<String> = outcomes
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    called.sort();
    assert_eq!(
        called,
        common::wsdl_operations(),
        "every operation of the WSDL is exercised"
    );

    // The bodies were real: every exchange was routed to its operation and
    // carried data both ways.
    let exchanged = handler.exchanged.lock().expect("lock").clone();
    assert_eq!(exchanged.len(), called.len());
    for (operation, status, request, response) in &exchanged {
        assert!(operation.is_some(), "unrouted request");
        assert_eq!(*status, 200, "{operation:?}");
        assert!(request.len() > 200 && response.len() > 100, "{operation:?}");
    }
    dump_bodies(&exchanged, version);
    server.shutdown().await;
}

/// With SAMPLE_BODIES_DIR set, writes every request and response body there
/// (for schema validation by `.ci/run`).
fn dump_bodies(exchanged: &[Exchange], version: SoapVersion) {
    let Some(dir) = std::env::var_os("SAMPLE_BODIES_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("bodies dir");
    let tag = match version {
        SoapVersion::Soap11 => "soap11",
        SoapVersion::Soap12 => "soap12",
    };
    for (operation, _, request, response) in exchanged {
        let name = operation.unwrap_or("unrouted");
        for (kind, envelope) in [("request", request), ("response", response)] {
            let payload = body_payload(envelope);
            std::fs::write(dir.join(format!("{name}.{tag}.{kind}.xml")), payload).expect("write");
            std::fs::write(dir.join(format!("{name}.{tag}.{kind}.envelope")), envelope)
                .expect("write");
        }
    }
}

/// The element inside the SOAP Body, as a standalone document.
fn body_payload(envelope: &[u8]) -> String {
    use ips_client::soap::XmlReader;
    let mut reader = XmlReader::new(envelope, &Limits::default());
    reader.root().expect("Envelope");
    while let Some(child) = reader.next_child().expect("envelope child") {
        if child.local != "Body" {
            reader.skip_element().expect("header");
            continue;
        }
        let payload = reader
            .next_child()
            .expect("body child")
            .expect("a body element");
        return reader.read_element_xml(&payload).expect("payload");
    }
    panic!("no SOAP Body")
}

#[tokio::test]
async fn every_operation_round_trips_over_soap11() {
    round_trip(SoapVersion::Soap11).await;
}

#[tokio::test]
async fn every_operation_round_trips_over_soap12() {
    round_trip(SoapVersion::Soap12).await;
}
