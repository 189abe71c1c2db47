//! Opt-in retries: only listed operations, only transient failures, with
//! backoff; an operation that changes state is sent exactly once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ips_client::api::{ExecuteJobParam, GetActiveJobsParam};
use ips_client::soap::RetryPolicy;
use ips_client::{Error, IpsClient};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const ACTIVE_JOBS: &str = r#"<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><getActiveJobsReturn xmlns="http://www.scene7.com/IpsApi/xsd/2014-04-03"><jobArray/></getActiveJobsReturn></soapenv:Body></soapenv:Envelope>"#;

/// Answers the first `failures` connections with a 503 page, then with a
/// getActiveJobs response; counts the requests. Stops after 10 connections.
async fn flaky_server(failures: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    tokio::spawn(async move {
        for _ in 0..10 {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let mut buffer = vec![0u8; 64 * 1024];
            let _ = tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buffer)).await;
            let n = seen.fetch_add(1, Ordering::SeqCst);
            let (status, body) = if n < failures {
                ("503 Service Unavailable", "<html>try again</html>")
            } else {
                ("200 OK", ACTIVE_JOBS)
            };
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
    });
    (
        format!("http://{address}/scene7/services/IpsApiService"),
        count,
    )
}

fn client(endpoint: &str) -> IpsClient {
    IpsClient::builder()
        .endpoint(endpoint)
        .user_password("user@example.com", "secret")
        .retry(
            RetryPolicy::for_operations(["getActiveJobs"])
                .attempts(3)
                .backoff(Duration::from_millis(10), Duration::from_millis(40)),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_listed_operation_is_retried_through_transient_failures() {
    let (endpoint, requests) = flaky_server(2).await;
    client(&endpoint)
        .get_active_jobs(&GetActiveJobsParam::default())
        .await
        .expect("succeeds on the third attempt");
    assert_eq!(requests.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn retries_stop_after_the_allowed_attempts() {
    let (endpoint, requests) = flaky_server(5).await;
    let error = client(&endpoint)
        .get_active_jobs(&GetActiveJobsParam::default())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Http { status: 503, .. }),
        "{error:?}"
    );
    assert_eq!(requests.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn an_operation_that_changes_state_is_sent_once() {
    let (endpoint, requests) = flaky_server(1).await;
    let error = client(&endpoint)
        .execute_job(&ExecuteJobParam::new("47", "j"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Http { status: 503, .. }),
        "{error:?}"
    );
    assert_eq!(
        requests.load(Ordering::SeqCst),
        1,
        "executeJob is never retried"
    );
}
