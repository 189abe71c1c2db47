//! The opt-in exchange inspector: redacted request and response XML.

use std::sync::{Arc, Mutex};

use ips_client::api::ExecuteJobParam;
use ips_client::mock::{MockIps, DEFAULT_USER};
use ips_client::soap::Exchange;
use ips_client::IpsClient;

const SECRET: &str = "1nsp3ct-Pa55";

#[tokio::test]
async fn the_inspector_sees_redacted_request_and_response_xml() {
    let mock = MockIps::with_credentials(DEFAULT_USER, SECRET)
        .await
        .unwrap();
    let seen: Arc<Mutex<Vec<Exchange>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let client = IpsClient::builder()
        .endpoint(mock.endpoint())
        .user_password(DEFAULT_USER, SECRET)
        .inspect(move |exchange| {
            if let Ok(mut seen) = sink.lock() {
                seen.push(exchange.clone());
            }
        })
        .build()
        .unwrap();
    client
        .execute_job(&ExecuteJobParam::new("47", "job"))
        .await
        .unwrap();

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let exchange = &seen[0];
    assert_eq!(exchange.operation, "executeJob");
    assert_eq!(exchange.status, Some(200));
    assert!(
        exchange.request.contains("<password>[redacted]</password>"),
        "{}",
        exchange.request
    );
    assert!(exchange.request.contains("<jobHandle>job</jobHandle>"));
    assert!(exchange
        .response
        .as_deref()
        .unwrap_or("")
        .contains("executeJobReturn"));
    assert!(!format!("{exchange:?}").contains(SECRET));
    // The request that really went out did carry it.
    assert!(mock.requests()[0].body.contains(SECRET));
}
