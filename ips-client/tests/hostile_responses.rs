//! Hostile and broken responses, decoded into the generated IPS types:
//! each must end in a distinct, typed error — no panic, no stack overflow,
//! no unbounded memory. Servers are raw TCP on 127.0.0.1, so the bytes on
//! the wire (framing, encoding, truncation) are exactly what the test says.
//! The runtime-level equivalents with hand-written types are in
//! `soap_runtime.rs` and `network_faults.rs`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ips_client::api::{self, Fault, GetFolderTreeReturn, SearchAssetsReturn, SubmitJobReturn};
use ips_client::soap::server::HttpResponse;
use ips_client::soap::{
    read_response, write_envelope, write_fault, DecodeError, DecodeErrorKind, FaultCode, Limits,
    Operation, Part, Reply, SoapVersion, XmlName,
};
use ips_client::{Error, IpsClient};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const NS: &str = api::NS_V20140403;
const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// Wraps body XML in a SOAP 1.1 envelope.
fn envelope(body: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="{SOAP11}"><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"#
    )
    .into_bytes()
}

/// An HTTP/1.1 response head with `Connection: close`.
fn head(status: &str, headers: &[(&str, String)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// A complete response with a correct Content-Length.
fn response(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = head(
        status,
        &[
            ("Content-Type", content_type.to_owned()),
            ("Content-Length", body.len().to_string()),
        ],
    );
    out.extend_from_slice(body);
    out
}

fn xml_200(body: &[u8]) -> Vec<u8> {
    response("200 OK", "text/xml; charset=utf-8", body)
}

/// Reads one request (head plus Content-Length body), so the client is not
/// reset while still sending.
async fn read_request(stream: &mut TcpStream) {
    let mut data = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        let Ok(Ok(n)) =
            tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await
        else {
            return;
        };
        if n == 0 {
            return;
        }
        data.extend_from_slice(&buffer[..n]);
        let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if data.len() >= end + 4 + length {
            return;
        }
    }
}

/// A server that answers each of up to `connections` connections with
/// `respond` (given the connection's number), then stops. Returns the
/// endpoint and the count of requests read.
async fn raw_server<F, Fut>(connections: usize, respond: F) -> (String, Arc<AtomicUsize>)
where
    F: Fn(usize, TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    tokio::spawn(async move {
        for i in 0..connections {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            read_request(&mut stream).await;
            seen.fetch_add(1, Ordering::SeqCst);
            respond(i, stream).await;
        }
    });
    (
        format!("http://{address}/scene7/services/IpsApiService"),
        count,
    )
}

/// A server sending the same bytes to every connection (up to 4).
async fn fixed_server(bytes: Vec<u8>) -> String {
    let bytes = Arc::new(bytes);
    raw_server(4, move |_, mut stream| {
        let bytes = Arc::clone(&bytes);
        async move {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
    })
    .await
    .0
}

fn client(endpoint: &str) -> IpsClient {
    IpsClient::builder()
        .endpoint(endpoint)
        .user_password("user@example.com", "secret")
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

async fn search_assets(endpoint: &str) -> Error {
    client(endpoint)
        .search_assets(&Default::default())
        .await
        .expect_err("the response must be refused")
}

fn decode_error(error: &Error) -> &DecodeError {
    match error {
        Error::Decode(e) => e,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

fn response_name(operation: &Operation) -> XmlName<'static> {
    operation.response.expect("a request-response operation")
}

/// A searchAssetsReturn of five assets, the fourth with an invalid `created`.
fn assets_with_bad_fourth_date() -> Vec<u8> {
    let items: String = (0..5)
        .map(|i| {
            let created = if i == 3 {
                "yesterday"
            } else {
                "2024-05-01T10:00:00Z"
            };
            format!("<items><assetHandle>a|{i}</assetHandle><name>asset {i}</name><created>{created}</created></items>")
        })
        .collect();
    envelope(&format!(
        r#"<searchAssetsReturn xmlns="{NS}"><totalRows>5</totalRows><assetArray>{items}</assetArray></searchAssetsReturn>"#
    ))
}

#[test]
fn decode_error_path_names_the_fourth_repeated_element() {
    let document = assets_with_bad_fourth_date();
    let error = read_response::<SearchAssetsReturn, Fault>(
        &document,
        SoapVersion::Soap11,
        response_name(&api::operations::SEARCH_ASSETS),
        &Limits::default(),
    )
    .expect_err("invalid dateTime");
    assert_eq!(
        error.path,
        "Envelope/Body/searchAssetsReturn/assetArray/items[3]/created"
    );
    let DecodeErrorKind::InvalidValue { value, expected } = &error.kind else {
        panic!("expected an invalid value, got {error:?}");
    };
    assert_eq!(value, "yesterday");
    assert!(expected.contains("xsd:dateTime"), "{expected}");
    let message = error.to_string();
    assert!(
        message.contains("items[3]/created") && message.contains("expected xsd:dateTime"),
        "{message}"
    );
}

#[tokio::test]
async fn decode_error_path_through_the_client() {
    let endpoint = fixed_server(xml_200(&assets_with_bad_fourth_date())).await;
    let error = search_assets(&endpoint).await;
    let decode = decode_error(&error);
    assert!(decode.path.ends_with("items[3]/created"), "{decode}");
    assert!(
        error.to_string().contains("expected xsd:dateTime"),
        "{error}"
    );
}

#[tokio::test]
async fn a_truncated_document_is_a_decode_error() {
    let full = assets_with_bad_fourth_date();
    // Correct HTTP framing around half a document.
    let endpoint = fixed_server(xml_200(&full[..full.len() / 2])).await;
    let error = search_assets(&endpoint).await;
    assert!(
        matches!(
            decode_error(&error).kind,
            DecodeErrorKind::UnexpectedEof | DecodeErrorKind::Syntax(_)
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_a_transport_error() {
    let full = assets_with_bad_fourth_date();
    let mut bytes = head(
        "200 OK",
        &[
            ("Content-Type", "text/xml".to_owned()),
            ("Content-Length", full.len().to_string()),
        ],
    );
    // A clean close (not a reset) half way through the declared body.
    bytes.extend_from_slice(&full[..full.len() / 2]);
    let endpoint = fixed_server(bytes).await;
    let error = search_assets(&endpoint).await;
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}

#[tokio::test]
async fn a_truncated_gzip_stream_is_a_transport_error() {
    // A valid envelope, big and varied enough that half the stream is
    // really missing data, compressed and then cut; no Content-Length, so
    // only the gzip stream itself can tell it ended early.
    let names: String = (0..400u32)
        .map(|i| format!("<items><name>asset {}</name></items>", i * 7919 % 10007))
        .collect();
    let document = envelope(&format!(
        r#"<searchAssetsReturn xmlns="{NS}"><assetArray>{names}</assetArray></searchAssetsReturn>"#
    ));
    let gzipped = HttpResponse::new(200, document).gzip().body;
    let mut bytes = head(
        "200 OK",
        &[
            ("Content-Type", "text/xml".to_owned()),
            ("Content-Encoding", "gzip".to_owned()),
        ],
    );
    bytes.extend_from_slice(&gzipped[..gzipped.len() / 2]);
    let endpoint = fixed_server(bytes).await;
    let error = search_assets(&endpoint).await;
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}

#[tokio::test]
async fn invalid_utf8_is_a_syntax_error() {
    let mut document = envelope(&format!(
        r#"<searchAssetsReturn xmlns="{NS}"><assetArray><items><name>@@</name></items></assetArray></searchAssetsReturn>"#
    ));
    let at = document
        .windows(2)
        .position(|w| w == b"@@")
        .expect("marker");
    // A lone continuation byte and an overlong encoding of '/'.
    document.splice(at..at + 2, [0x80, 0xC0, 0xAF]);
    let endpoint = fixed_server(xml_200(&document)).await;
    let error = search_assets(&endpoint).await;
    let decode = decode_error(&error);
    assert!(
        matches!(decode.kind, DecodeErrorKind::Syntax(_)),
        "{decode:?}"
    );
    assert!(decode.path.ends_with("items/name"), "{decode}");
}

/// "Billion laughs": ten levels of ten-fold entity expansion.
fn entity_bomb() -> Vec<u8> {
    let mut doctype = String::from("<!DOCTYPE soapenv:Envelope [<!ENTITY l0 \"lol\">");
    for level in 1..10 {
        let refs = format!("&l{};", level - 1).repeat(10);
        doctype.push_str(&format!("<!ENTITY l{level} \"{refs}\">"));
    }
    doctype.push_str("]>");
    format!(
        r#"<?xml version="1.0"?>{doctype}<soapenv:Envelope xmlns:soapenv="{SOAP11}"><soapenv:Body><searchAssetsReturn xmlns="{NS}"><assetArray><items><name>&l9;</name></items></assetArray></searchAssetsReturn></soapenv:Body></soapenv:Envelope>"#
    )
    .into_bytes()
}

#[test]
fn an_entity_bomb_is_refused_before_any_expansion() {
    let error = read_response::<SearchAssetsReturn, Fault>(
        &entity_bomb(),
        SoapVersion::Soap11,
        response_name(&api::operations::SEARCH_ASSETS),
        &Limits::default(),
    )
    .expect_err("DOCTYPE refused");
    assert_eq!(error.kind, DecodeErrorKind::DocType);
}

#[tokio::test]
async fn an_entity_bomb_from_the_server_is_not_taken_for_soap() {
    // A document with a DOCTYPE is not a SOAP envelope (SOAP forbids DTDs),
    // so the client reports what it got, like an HTML page.
    let endpoint = fixed_server(xml_200(&entity_bomb())).await;
    let error = search_assets(&endpoint).await;
    let Error::Http {
        status, snippet, ..
    } = &error
    else {
        panic!("expected an HTTP error, got {error:?}");
    };
    assert_eq!(*status, 200);
    assert!(snippet.contains("DOCTYPE"), "{snippet}");
    // Not expanded: the snippet is the raw text, and it is short.
    assert!(!snippet.contains("lollol"), "{snippet}");
}

/// Decodes `document` as a getFolderTreeReturn on a thread with a
/// `stack_kib` stack: a stack overflow aborts the test process.
fn decode_folder_tree_on_small_stack(
    document: Vec<u8>,
    limits: Limits,
    stack_kib: usize,
) -> Result<(), DecodeError> {
    std::thread::Builder::new()
        .name("small-stack-decode".into())
        .stack_size(stack_kib * 1024)
        .spawn(move || {
            read_response::<GetFolderTreeReturn, Fault>(
                &document,
                SoapVersion::Soap11,
                response_name(&api::operations::GET_FOLDER_TREE),
                &limits,
            )
            .map(|_| ())
        })
        .expect("spawn")
        .join()
        .expect("the decode thread must not panic")
}

/// Folder inside FolderArray inside Folder..., `levels` times: the generated
/// decoders recurse once per level.
fn nested_folders(levels: usize) -> Vec<u8> {
    let open = format!("<folders>{}", "<subfolderArray><items>".repeat(levels));
    let close = format!("{}</folders>", "</items></subfolderArray>".repeat(levels));
    envelope(&format!(
        r#"<getFolderTreeReturn xmlns="{NS}">{open}{close}</getFolderTreeReturn>"#
    ))
}

#[test]
fn deeply_nested_folders_hit_the_depth_limit_not_the_stack() {
    const LEVELS: usize = 100_000;
    // The stack a decode needs grows with the depth limit: in an
    // unoptimised build each Folder level costs about 10 KiB of stack, so
    // the default limit (256 elements, 126 Folder levels) needs about
    // 1.3 MiB there — within the 2 MiB of a tokio worker or a default
    // spawned thread, where the client decodes. (Optimised, 512 KiB does.)
    let default = Limits::default();
    let error = decode_folder_tree_on_small_stack(nested_folders(LEVELS), default, 2048)
        .expect_err("too deep");
    assert_eq!(error.kind, DecodeErrorKind::TooDeep(default.max_depth));
    assert_eq!(
        error.path.split('/').count(),
        default.max_depth,
        "{}",
        error.path
    );
    assert!(
        error.path.starts_with(
            "Envelope/Body/getFolderTreeReturn/folders/subfolderArray/items/subfolderArray"
        ),
        "{}",
        error.path
    );

    // A caller on a 512 KiB stack lowers the limit to match.
    let small = Limits {
        max_depth: 64,
        ..Limits::default()
    };
    let error = decode_folder_tree_on_small_stack(nested_folders(LEVELS), small, 512)
        .expect_err("too deep");
    assert_eq!(error.kind, DecodeErrorKind::TooDeep(64));

    // Just within the limit decodes: the limit, not the nesting, decides.
    let within = (small.max_depth - 4) / 2;
    assert_eq!(
        decode_folder_tree_on_small_stack(nested_folders(within), small, 512),
        Ok(())
    );
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_without_reading_it_all() {
    const LIMIT: usize = 64 * 1024;
    // Chunked, so the size is unknown up front; the server would send
    // 256 MiB, and stops as soon as the client hangs up.
    let (endpoint, _) = raw_server(1, |_, mut stream| async move {
        let start = head(
            "200 OK",
            &[
                ("Content-Type", "text/xml".to_owned()),
                ("Transfer-Encoding", "chunked".to_owned()),
            ],
        );
        if stream.write_all(&start).await.is_err() {
            return;
        }
        let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
        chunk.extend(std::iter::repeat_n(b' ', 64 * 1024));
        chunk.extend_from_slice(b"\r\n");
        for _ in 0..4096 {
            if stream.write_all(&chunk).await.is_err() {
                return;
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n").await;
    })
    .await;
    let client = IpsClient::builder()
        .endpoint(&endpoint)
        .user_password("user@example.com", "secret")
        .timeout(Duration::from_secs(30))
        .limits(Limits {
            max_body_bytes: LIMIT,
            ..Limits::default()
        })
        .build()
        .expect("client");
    let error = client
        .search_assets(&Default::default())
        .await
        .expect_err("too large");
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: LIMIT }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_missing_required_element_is_named() {
    let document = envelope(&format!(r#"<submitJobReturn xmlns="{NS}"/>"#));
    let endpoint = fixed_server(xml_200(&document)).await;
    let error = client(&endpoint)
        .submit_job(&Default::default())
        .await
        .expect_err("jobHandle is required");
    let decode = decode_error(&error);
    assert!(
        matches!(&decode.kind, DecodeErrorKind::MissingElement(name) if name.contains("jobHandle")),
        "{decode:?}"
    );
    // The required field exists in the generated type.
    let _: fn(&SubmitJobReturn) -> &String = |r| &r.job_handle;
}

#[tokio::test]
async fn an_unexpected_element_is_refused_not_dropped() {
    let document = envelope(&format!(
        r#"<searchAssetsReturn xmlns="{NS}"><totalRows>1</totalRows><surpriseField>1</surpriseField></searchAssetsReturn>"#
    ));
    let endpoint = fixed_server(xml_200(&document)).await;
    let error = search_assets(&endpoint).await;
    let decode = decode_error(&error);
    assert!(
        matches!(&decode.kind, DecodeErrorKind::UnexpectedElement(name) if name.contains("surpriseField")),
        "{decode:?}"
    );
}

#[tokio::test]
async fn a_response_in_another_namespace_is_the_wrong_element() {
    // The same local names, in the previous API version's namespace.
    let document = envelope(
        r#"<searchAssetsReturn xmlns="http://www.scene7.com/IpsApi/xsd/2013-01-01"><totalRows>1</totalRows></searchAssetsReturn>"#,
    );
    let endpoint = fixed_server(xml_200(&document)).await;
    let error = search_assets(&endpoint).await;
    let decode = decode_error(&error);
    let DecodeErrorKind::WrongElement { expected, found } = &decode.kind else {
        panic!("expected a wrong element, got {decode:?}");
    };
    assert!(expected.contains(NS), "{expected}");
    assert!(found.contains("2013-01-01"), "{found}");

    // A known child in a foreign namespace is not taken for the real one.
    let document = envelope(&format!(
        r#"<searchAssetsReturn xmlns="{NS}"><totalRows xmlns="urn:elsewhere">1</totalRows></searchAssetsReturn>"#
    ));
    let endpoint = fixed_server(xml_200(&document)).await;
    let error = search_assets(&endpoint).await;
    assert!(
        matches!(&decode_error(&error).kind, DecodeErrorKind::UnexpectedElement(name) if name.contains("urn:elsewhere")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_fault_with_an_unknown_detail_keeps_it_raw() {
    let document = format!(
        r#"<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="{SOAP11}"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>proxy said no</faultstring><detail><v:trace xmlns:v="urn:vendor" id="7">stack &amp; more</v:trace></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#
    );
    let endpoint = fixed_server(response(
        "500 Internal Server Error",
        "text/xml",
        document.as_bytes(),
    ))
    .await;
    let error = search_assets(&endpoint).await;
    let Error::SoapFault(fault) = &error else {
        panic!("expected an untyped SOAP fault, got {error:?}");
    };
    assert_eq!(fault.reason, "proxy said no");
    assert_eq!(fault.detail.len(), 1, "{fault:?}");
    let raw = &fault.detail[0];
    assert!(
        raw.contains("trace") && raw.contains("urn:vendor") && raw.contains("stack &amp; more"),
        "{raw}"
    );
}

#[tokio::test]
async fn a_declared_fault_with_status_200_is_still_a_typed_fault() {
    let detail = api::IpsApiFault::new(30001, "bad parameter");
    let document = write_fault(
        SoapVersion::Soap11,
        FaultCode::Client,
        "bad parameter",
        Some(Part::new(
            XmlName::new(Some(api::NS_XSD), "ipsApiFault"),
            &detail,
        )),
    )
    .expect("fault envelope");
    let endpoint = fixed_server(xml_200(&document)).await;
    let error = search_assets(&endpoint).await;
    match &error {
        Error::Fault {
            detail: Fault::IpsApiFault(f),
            fault,
        } => {
            assert_eq!(f.code, 30001);
            assert_eq!(fault.reason, "bad parameter");
        }
        other => panic!("expected the typed IPS fault, got {other:?}"),
    }
}

#[tokio::test]
async fn a_500_carrying_html_is_an_http_error() {
    let page = "<!DOCTYPE html><html><head><title>502</title></head><body><h1>Internal Server Error</h1><p>upstream exploded</p></body></html>";
    let endpoint = fixed_server(response(
        "500 Internal Server Error",
        "text/html; charset=utf-8",
        page.as_bytes(),
    ))
    .await;
    let error = search_assets(&endpoint).await;
    let Error::Http {
        status,
        content_type,
        snippet,
    } = &error
    else {
        panic!("expected an HTTP error, got {error:?}");
    };
    assert_eq!(*status, 500);
    assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
    assert!(snippet.contains("upstream exploded"), "{snippet}");
}

#[test]
fn a_valid_response_still_decodes() {
    // The baseline the hostile variants above are cut from.
    let document = envelope(&format!(
        r#"<searchAssetsReturn xmlns="{NS}"><totalRows>2</totalRows><assetArray><items><name>a</name></items><items><name>b</name></items></assetArray></searchAssetsReturn>"#
    ));
    let reply = read_response::<SearchAssetsReturn, Fault>(
        &document,
        SoapVersion::Soap11,
        response_name(&api::operations::SEARCH_ASSETS),
        &Limits::default(),
    )
    .expect("valid");
    let Reply::Body(value) = reply else {
        panic!("not a fault");
    };
    assert_eq!(value.total_rows, Some(2));
    assert_eq!(value.asset_array.map(|a| a.len()), Some(2));
    // And envelopes written by the runtime decode the same way.
    let written = write_envelope(
        SoapVersion::Soap11,
        &[],
        &[Part::new(
            XmlName::new(Some(NS), "searchAssetsReturn"),
            &SearchAssetsReturn {
                total_rows: Some(0),
                asset_array: None,
            },
        )],
    )
    .expect("encode");
    assert!(read_response::<SearchAssetsReturn, Fault>(
        &written,
        SoapVersion::Soap11,
        response_name(&api::operations::SEARCH_ASSETS),
        &Limits::default(),
    )
    .is_ok());
}
