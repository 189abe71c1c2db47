//! What the examples share: where their calls go. Without configuration,
//! the embedded mock IPS server on 127.0.0.1, over real HTTP; with
//! `IPS_ENDPOINT`, `IPS_USER` and `IPS_PASSWORD` set, a real IPS.

// Each example uses part of this.
#![allow(dead_code)]

use std::process::ExitCode;
use std::time::Duration;

use ips_client::mock::{MockIps, DEFAULT_PASSWORD, DEFAULT_USER};
use ips_client::workflows::{JobOutcome, WatchOptions};
use ips_client::{IpsClient, IpsClientBuilder};

pub struct Target {
    pub endpoint: String,
    pub user: String,
    pub password: String,
    /// The embedded mock, when no real endpoint is configured.
    pub mock: Option<MockIps>,
}

impl Target {
    /// The real IPS the environment names, or a freshly started mock.
    pub async fn from_env() -> Result<Target, String> {
        let vars = ["IPS_ENDPOINT", "IPS_USER", "IPS_PASSWORD"].map(|v| std::env::var(v).ok());
        match vars {
            [Some(endpoint), Some(user), Some(password)] => Ok(Target {
                endpoint,
                user,
                password,
                mock: None,
            }),
            [None, None, None] => {
                let mock = MockIps::start()
                    .await
                    .map_err(|e| format!("starting the mock IPS server: {e}"))?;
                Ok(Target {
                    endpoint: mock.endpoint(),
                    user: DEFAULT_USER.to_owned(),
                    password: DEFAULT_PASSWORD.to_owned(),
                    mock: Some(mock),
                })
            }
            _ => Err(
                "set all of IPS_ENDPOINT, IPS_USER and IPS_PASSWORD, or none of them".to_owned(),
            ),
        }
    }

    /// A client builder for the target, identified as the examples.
    pub fn builder(&self) -> IpsClientBuilder {
        IpsClient::builder()
            .endpoint(&self.endpoint)
            .user_password(&self.user, &self.password)
            .app("ips-client-example", env!("CARGO_PKG_VERSION"))
    }

    /// `" (embedded mock IPS)"` for the mock, nothing for a real IPS.
    pub fn label(&self) -> &'static str {
        if self.mock.is_some() {
            " (embedded mock IPS)"
        } else {
            ""
        }
    }

    /// An environment variable for a real IPS, or `mock_value` for the mock.
    pub fn setting(&self, variable: &str, mock_value: &str) -> Result<String, String> {
        match (&self.mock, std::env::var(variable)) {
            (_, Ok(value)) => Ok(value),
            (Some(_), Err(_)) => Ok(mock_value.to_owned()),
            (None, Err(_)) => Err(format!("set {variable} to run this against a real IPS")),
        }
    }

    /// Polling quick enough for the mock, patient enough for a real IPS.
    pub fn watch_options(&self) -> WatchOptions {
        if self.mock.is_some() {
            WatchOptions {
                first_interval: Duration::from_millis(50),
                max_interval: Duration::from_millis(200),
                deadline: Duration::from_secs(30),
            }
        } else {
            WatchOptions {
                deadline: Duration::from_secs(15 * 60),
                ..WatchOptions::default()
            }
        }
    }
}

/// Prints how a job ended (`label` names it); failure if it failed.
pub fn report(label: &str, outcome: Result<JobOutcome, impl std::fmt::Display>) -> ExitCode {
    match outcome {
        Ok(ended) => {
            let log = &ended.log;
            println!(
                "outcome:   {label}{}: {} of {} files processed, {} failed ({})",
                log.log_type,
                log.file_success_count,
                log.total_file_count,
                log.file_error_count,
                log.description
            );
            if ended.failed() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(error) => {
            println!("outcome:   {error}");
            ExitCode::FAILURE
        }
    }
}
