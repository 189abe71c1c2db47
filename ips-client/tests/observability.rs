//! Tracing: a span per call with its outcome, and never the password.
//! (Alone in its binary: it installs the global subscriber.)

use std::io::Write;
use std::sync::{Arc, Mutex};

use ips_client::api::{self, ExecuteJobParam, Fault};
use ips_client::mock::{Behavior, MockIps, DEFAULT_USER};
use ips_client::IpsClient;

const SECRET: &str = "0bs3rv4ble-Pa55";

/// A `MakeWriter` that appends everything to one buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().map(|b| b.clone()).unwrap_or_default()).into_owned()
    }
}

#[tokio::test]
async fn each_call_has_a_span_with_outcome_and_no_secret() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    // The only test in this binary, so a global subscriber sees every callsite
    // (a thread-local one can miss callsites another test thread registered first).
    tracing::subscriber::set_global_default(subscriber).expect("first subscriber");

    let mock = MockIps::with_credentials(DEFAULT_USER, SECRET)
        .await
        .unwrap();
    let client = IpsClient::builder()
        .endpoint(mock.endpoint())
        .user_password(DEFAULT_USER, SECRET)
        .build()
        .unwrap();
    client
        .execute_job(&ExecuteJobParam::new("47", "job"))
        .await
        .unwrap();
    mock.fail_next(Fault::AuthorizationFault(api::AuthorizationFault {
        code: 20003,
        reason: format!("not for you ({SECRET})"),
        ..Default::default()
    }));
    client
        .execute_job(&ExecuteJobParam::new("47", "job"))
        .await
        .unwrap_err();

    // An access token is a secret too: through faults, HTML errors, a
    // timeout and the client's own Debug, with every log line captured.
    const TOKEN: &str = "t0k3n-abcdef-123456";
    let mut texts = Vec::new();
    let token_client = IpsClient::builder()
        .endpoint(mock.endpoint())
        .access_token(TOKEN)
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    texts.push(format!("{token_client:?}"));
    for behavior in [
        Behavior::Normal,
        Behavior::HtmlError(502),
        Behavior::EmptyBody,
        Behavior::Hang,
    ] {
        mock.set_behavior(behavior);
        let error = token_client
            .execute_job(&ExecuteJobParam::new("47", TOKEN))
            .await
            .unwrap_err();
        texts.push(format!("{error} {error:?}"));
    }
    mock.set_behavior(Behavior::Normal);
    assert!(
        mock.requests().iter().any(|r| r.body.contains(TOKEN)),
        "the token was sent"
    );

    let text = logs.text();
    for leaked in texts.iter().chain([&text]) {
        assert!(
            !leaked.contains(TOKEN),
            "the access token leaked:\n{leaked}"
        );
    }
    assert!(text.contains("soap_call"), "{text}");
    assert!(
        text.contains("operation=\"executeJob\"") || text.contains("operation=executeJob"),
        "{text}"
    );
    assert!(
        text.contains("outcome=\"ok\"") || text.contains("outcome=ok"),
        "{text}"
    );
    assert!(text.contains("fault"), "{text}");
    assert!(
        text.contains("host=\"127.0.0.1\"") || text.contains("host=127.0.0.1"),
        "{text}"
    );
    assert!(text.contains("duration_ms"), "{text}");
    assert!(
        !text.contains(SECRET),
        "the password leaked into the logs:\n{text}"
    );
}
