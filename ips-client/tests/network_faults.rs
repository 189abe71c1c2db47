//! Under load and under network faults, against servers on 127.0.0.1:
//! nothing lost or crossed, and each failure a distinct, typed error within
//! the configured timeout. Bounded loops only; every server stops itself.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ips_client::api::{ExecuteJobParam, SubmitJobParam};
use ips_client::mock::{MockIps, DEFAULT_PASSWORD, DEFAULT_USER};
use ips_client::{Error, IpsClient};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn client(endpoint: &str, timeout: Duration) -> IpsClient {
    IpsClient::builder()
        .endpoint(endpoint)
        .user_password(DEFAULT_USER, DEFAULT_PASSWORD)
        .timeout(timeout)
        .build()
        .expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_requests_from_256_tasks_each_get_their_own_answer() {
    const CALLS: usize = 10_000;
    const TASKS: usize = 256;
    let mock = MockIps::start().await.unwrap();
    let client = Arc::new(client(&mock.endpoint(), Duration::from_secs(30)));
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let client = Arc::clone(&client);
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            for call in (task..CALLS).step_by(TASKS) {
                let name = format!("job-{call}");
                let request = SubmitJobParam {
                    company_handle: format!("c{call}"),
                    job_name: name.clone(),
                    ..Default::default()
                };
                let reply = client.submit_job(&request).await.expect("submitJob");
                // The handle echoes this request's company and name: a crossed
                // response would carry another call's.
                assert!(
                    reply.job_handle.starts_with(&format!("c{call}|{name}|")),
                    "call {call} got {}",
                    reply.job_handle
                );
                answers.push(reply.job_handle);
            }
            answers
        }));
    }
    let mut handles = HashSet::new();
    for task in tasks {
        for handle in task.await.expect("task") {
            assert!(handles.insert(handle), "a job handle came back twice");
        }
    }
    assert_eq!(handles.len(), CALLS, "nothing lost");
    assert_eq!(mock.requests().len(), CALLS);
}

/// A server that answers each connection with `respond` and then stops
/// after `connections` connections.
async fn raw_server<F, Fut>(connections: usize, respond: F) -> String
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        for _ in 0..connections {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            // Read the request head (and whatever body came with it).
            let mut buffer = vec![0u8; 64 * 1024];
            let _ = tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buffer)).await;
            respond(stream).await;
        }
    });
    format!("http://{address}/scene7/services/IpsApiService")
}

const ENVELOPE: &str = r#"<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><executeJobReturn xmlns="http://www.scene7.com/IpsApi/xsd/2014-04-03"/></soapenv:Body></soapenv:Envelope>"#;

#[tokio::test]
async fn a_connection_reset_mid_response_is_a_transport_error() {
    let endpoint = raw_server(1, |mut stream| async move {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 5000\r\n\r\n<soapenv:Envelope";
        let _ = stream.write_all(head.as_bytes()).await;
        // Zero linger: closing sends a reset instead of a clean end.
        let _ = stream.set_zero_linger();
        drop(stream);
    })
    .await;
    let started = Instant::now();
    let error = client(&endpoint, Duration::from_secs(5))
        .execute_job(&ExecuteJobParam::new("47", "j"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_slow_loris_server_hits_the_timeout() {
    let endpoint = raw_server(1, |mut stream| async move {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n";
        let _ = stream.write_all(head.as_bytes()).await;
        // One byte every 50 ms, for at most 4 s.
        for _ in 0..80 {
            if stream.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let timeout = Duration::from_millis(500);
    let started = Instant::now();
    let error = client(&endpoint, timeout)
        .execute_job(&ExecuteJobParam::new("47", "j"))
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(
        started.elapsed() < timeout + Duration::from_secs(1),
        "bounded by the timeout"
    );
}

#[tokio::test]
async fn a_server_closing_every_connection_still_answers_each_call() {
    const CALLS: usize = 20;
    let endpoint = raw_server(CALLS, |mut stream| async move {
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{ENVELOPE}",
            ENVELOPE.len()
        );
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
    let client = client(&endpoint, Duration::from_secs(5));
    for call in 0..CALLS {
        client
            .execute_job(&ExecuteJobParam::new("47", format!("j{call}")))
            .await
            .unwrap_or_else(|e| panic!("call {call}: {e:?}"));
    }
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    // Bind, note the port, and close: nothing listens there any more.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let endpoint = format!("http://{address}/scene7/services/IpsApiService");
    let error = client(&endpoint, Duration::from_secs(5))
        .execute_job(&ExecuteJobParam::new("47", "j"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Connect { .. }), "{error:?}");
}

#[tokio::test]
async fn an_unresolvable_host_is_a_connect_error() {
    // `.invalid` never resolves (RFC 2606), so no traffic leaves the machine.
    let error = IpsClient::builder()
        .endpoint("https://ips.example.invalid/scene7/services/IpsApiService")
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
        .execute_job(&ExecuteJobParam::new("47", "j"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Connect { .. }), "{error:?}");
}
