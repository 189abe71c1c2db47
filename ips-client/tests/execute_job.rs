//! executeJob end to end: generated client -> real HTTP on 127.0.0.1 ->
//! mock IPS server, and back.

mod common;

use std::time::Duration;

use common::{canonical, canonical_body};
use ips_client::api::{self, ExecuteJobParam, Fault};
use ips_client::mock::{Behavior, MockIps, DEFAULT_PASSWORD, DEFAULT_USER};
use ips_client::soap::SoapVersion;
use ips_client::{Error, IpsClient};

fn job() -> ExecuteJobParam {
    ExecuteJobParam::new("47", "47|My Test Job|")
}

fn client(mock: &MockIps) -> IpsClient {
    IpsClient::builder()
        .endpoint(mock.endpoint())
        .user_password(DEFAULT_USER, DEFAULT_PASSWORD)
        .app("ips-client-tests", "1.0")
        .build()
        .expect("client")
}

#[tokio::test]
async fn request_body_and_headers_match_the_documented_example_soap11() {
    let mock = MockIps::start().await.unwrap();
    client(&mock)
        .execute_job(&job())
        .await
        .expect("executeJob succeeds");

    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.soap_action.as_deref(), Some("\"executeJob\""));
    assert_eq!(
        request.content_type.as_deref(),
        Some("text/xml; charset=utf-8")
    );
    // The documented example, in the namespace of the WSDL version built
    // (2014-04-03 by default; another with IPS_WSDL).
    let namespace = api::operations::EXECUTE_JOB.request[0]
        .namespace
        .expect("a qualified request element");
    if std::env::var_os("IPS_WSDL").is_none() {
        assert_eq!(namespace, "http://www.scene7.com/IpsApi/xsd/2014-04-03");
    }
    let expected = format!(
        r#"<executeJobParam xmlns="{namespace}"><companyHandle>47</companyHandle><jobHandle>47|My Test Job|</jobHandle></executeJobParam>"#
    );
    assert_eq!(canonical_body(&request.body), canonical(&expected));
    assert!(request
        .body
        .contains("http://schemas.xmlsoap.org/soap/envelope/"));

    // The header carries the authHeader with the credentials and app identity.
    let header = common::canonical_header(&request.body);
    let header_namespace = api::Headers::AUTH_HEADER
        .namespace
        .expect("a qualified header");
    let expected_header = format!(
        r#"<authHeader xmlns="{header_namespace}"><user>{DEFAULT_USER}</user><password>{DEFAULT_PASSWORD}</password><appName>ips-client-tests</appName><appVersion>1.0</appVersion></authHeader>"#
    );
    assert_eq!(header, canonical(&expected_header));

    assert_eq!(
        mock.executed_jobs(),
        vec![ips_client::mock::ExecutedJob {
            company_handle: "47".into(),
            job_handle: "47|My Test Job|".into()
        }]
    );
}

#[tokio::test]
async fn soap12_uses_the_action_parameter_of_the_content_type() {
    let mock = MockIps::start().await.unwrap();
    let client = IpsClient::builder()
        .endpoint(mock.endpoint())
        .user_password(DEFAULT_USER, DEFAULT_PASSWORD)
        .soap_version(SoapVersion::Soap12)
        .build()
        .unwrap();
    client
        .execute_job(&job())
        .await
        .expect("executeJob over SOAP 1.2");
    let request = &mock.requests()[0];
    assert_eq!(
        request.content_type.as_deref(),
        Some(r#"application/soap+xml; charset=utf-8; action="executeJob""#)
    );
    assert_eq!(request.soap_action, None);
    assert!(request
        .body
        .contains("http://www.w3.org/2003/05/soap-envelope"));
}

fn expect_fault(result: Result<(), Error>) -> Fault {
    match result {
        Err(Error::Fault { detail, .. }) => detail,
        other => panic!("expected a typed IPS fault, got {other:?}"),
    }
}

#[tokio::test]
async fn each_ips_fault_arrives_as_its_own_variant() {
    let mock = MockIps::start().await.unwrap();
    let client = client(&mock);

    mock.fail_next(Fault::IpsApiFault(api::IpsApiFault {
        code: 30001,
        reason: "Invalid parameter: jobHandle".into(),
        ..Default::default()
    }));
    match expect_fault(client.execute_job(&job()).await) {
        Fault::IpsApiFault(f) => {
            assert_eq!(f.code, 30001);
            assert_eq!(f.reason, "Invalid parameter: jobHandle");
        }
        other => panic!("wrong variant {other:?}"),
    }

    mock.fail_next(Fault::AuthenticationFault(api::AuthenticationFault {
        code: 10002,
        reason: "Unknown user".into(),
        ..Default::default()
    }));
    assert!(matches!(
        expect_fault(client.execute_job(&job()).await),
        Fault::AuthenticationFault(api::AuthenticationFault { code: 10002, .. })
    ));

    mock.fail_next(Fault::AuthorizationFault(api::AuthorizationFault {
        code: 20003,
        reason: "User does not have permission to access operation 'executeJob'".into(),
        ..Default::default()
    }));
    match expect_fault(client.execute_job(&job()).await) {
        Fault::AuthorizationFault(f) => {
            assert_eq!(f.code, 20003);
            assert!(f.reason.contains("executeJob"));
        }
        other => panic!("wrong variant {other:?}"),
    }
    // Nothing was executed while faulting.
    assert!(mock.executed_jobs().is_empty());
}

#[tokio::test]
async fn wrong_credentials_give_the_authentication_fault() {
    let mock = MockIps::start().await.unwrap();
    let client = IpsClient::builder()
        .endpoint(mock.endpoint())
        .user_password(DEFAULT_USER, "not-the-password")
        .build()
        .unwrap();
    let error = client.execute_job(&job()).await.unwrap_err();
    let text = format!("{error} {error:?}");
    match &error {
        Error::Fault {
            detail: Fault::AuthenticationFault(f),
            fault,
        } => {
            assert_eq!(f.code, 10001);
            assert!(fault.code.ends_with("Client"), "{fault:?}");
        }
        other => panic!("expected an authentication fault, got {other:?}"),
    }
    assert!(!text.contains("not-the-password"), "{text}");
}

#[tokio::test]
async fn fault_with_status_200_is_still_a_fault() {
    let mock = MockIps::start().await.unwrap();
    let client = IpsClient::builder()
        .endpoint(mock.endpoint())
        .user_password(DEFAULT_USER, DEFAULT_PASSWORD)
        .fault_http_status_code(200)
        .build()
        .unwrap();
    mock.fail_next(Fault::IpsApiFault(api::IpsApiFault {
        code: 30000,
        reason: "boom".into(),
        ..Default::default()
    }));
    assert!(matches!(
        expect_fault(client.execute_job(&job()).await),
        Fault::IpsApiFault(api::IpsApiFault { code: 30000, .. })
    ));
}

#[tokio::test]
async fn gzip_compressed_responses_decode() {
    let mock = MockIps::start().await.unwrap();
    let client = client(&mock);
    client
        .execute_job(&job())
        .await
        .expect("gzip response decodes");
    let accept = mock.requests()[0]
        .accept_encoding
        .clone()
        .unwrap_or_default();
    assert!(
        accept.contains("gzip"),
        "client must accept gzip, sent {accept:?}"
    );

    // The mock really compresses: read the raw response without decompression.
    let raw = reqwest::Client::builder()
        .no_gzip()
        .build()
        .unwrap()
        .post(mock.endpoint())
        .header("Content-Type", "text/xml; charset=utf-8")
        .header("SOAPAction", "\"executeJob\"")
        .header("Accept-Encoding", "gzip")
        .body(mock.requests()[0].body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        raw.headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    let bytes = raw.bytes().await.unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "gzip magic");
}

#[tokio::test]
async fn html_502_gives_an_http_error_naming_the_status() {
    let mock = MockIps::start().await.unwrap();
    mock.set_behavior(Behavior::HtmlError(502));
    let error = client(&mock).execute_job(&job()).await.unwrap_err();
    match &error {
        Error::Http {
            status, snippet, ..
        } => {
            assert_eq!(*status, 502);
            assert!(snippet.contains("Bad Gateway"), "{snippet}");
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
    assert!(error.to_string().contains("502"), "{error}");
}

#[tokio::test]
async fn empty_body_is_an_http_error() {
    let mock = MockIps::start().await.unwrap();
    mock.set_behavior(Behavior::EmptyBody);
    let error = client(&mock).execute_job(&job()).await.unwrap_err();
    assert!(
        matches!(error, Error::Http { status: 200, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let mock = MockIps::start().await.unwrap();
    mock.set_behavior(Behavior::Hang);
    let client = IpsClient::builder()
        .endpoint(mock.endpoint())
        .user_password(DEFAULT_USER, DEFAULT_PASSWORD)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = client.execute_job(&job()).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn the_password_never_appears_in_debug_or_errors() {
    let secret = "s3cr3t-Pa55word";
    let mock = MockIps::with_credentials(DEFAULT_USER, secret)
        .await
        .unwrap();
    let client = IpsClient::builder()
        .endpoint(mock.endpoint())
        .user_password(DEFAULT_USER, secret)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let mut texts = vec![format!("{client:?}"), format!("{:?}", client.headers())];

    for behavior in [
        Behavior::HtmlError(502),
        Behavior::EmptyBody,
        Behavior::Hang,
    ] {
        mock.set_behavior(behavior);
        let error = client.execute_job(&job()).await.unwrap_err();
        texts.push(format!("{error}"));
        texts.push(format!("{error:?}"));
    }
    mock.set_behavior(Behavior::Normal);
    for fault in [
        Fault::IpsApiFault(api::IpsApiFault {
            code: 30000,
            reason: format!("echo {secret}"),
            ..Default::default()
        }),
        Fault::AuthorizationFault(api::AuthorizationFault::default()),
    ] {
        mock.fail_next(fault);
        let error = client.execute_job(&job()).await.unwrap_err();
        texts.push(format!("{error}"));
        texts.push(format!("{error:?}"));
    }
    // The request really carried it: the check above is not vacuous.
    assert!(mock.requests().iter().any(|r| r.body.contains(secret)));
    for text in texts {
        assert!(!text.contains(secret), "secret leaked in: {text}");
    }
}

#[test]
fn plain_http_is_refused_off_loopback_unless_allowed() {
    let refused = IpsClient::builder()
        .endpoint("http://ips.example.com/scene7/services/IpsApiService")
        .user_password("u", "p")
        .build();
    assert!(refused.is_err());
    let allowed = IpsClient::builder()
        .endpoint("http://ips.example.com/scene7/services/IpsApiService")
        .allow_insecure_http(true)
        .build();
    assert!(allowed.is_ok());
    assert!(IpsClient::builder()
        .endpoint("http://127.0.0.1:9/x")
        .build()
        .is_ok());
    assert!(IpsClient::builder()
        .endpoint("http://localhost:9/x")
        .build()
        .is_ok());
    assert!(IpsClient::builder()
        .endpoint("http://[::1]:9/x")
        .build()
        .is_ok());
}

#[test]
fn regions_map_to_the_documented_hosts() {
    use ips_client::{Environment, Region};
    assert_eq!(
        Region::Emea.endpoint(Environment::Staging),
        "https://s7sps3apissl-staging.scene7.com/scene7/services/IpsApiService"
    );
    assert_eq!(
        IpsClient::builder().endpoint_url(),
        "https://s7sps1apissl.scene7.com/scene7/services/IpsApiService"
    );
}
