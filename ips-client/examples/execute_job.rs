//! Runs one IPS job with executeJob and prints the request and the outcome.
//!
//! Without configuration it starts the embedded mock IPS server on
//! 127.0.0.1 and talks to it over real HTTP. To call a real IPS instead, set
//! `IPS_ENDPOINT`, `IPS_USER` and `IPS_PASSWORD` (and optionally
//! `IPS_COMPANY_HANDLE`, `IPS_JOB_HANDLE`).
//!
//! `cargo run -p ips-client --example execute_job`

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use ips_client::api::{ExecuteJobParam, Fault};
use ips_client::Error;

#[tokio::main]
async fn main() -> ExitCode {
    let target = match common::Target::from_env().await {
        Ok(target) => target,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let company = std::env::var("IPS_COMPANY_HANDLE").unwrap_or_else(|_| "47".to_owned());
    let job = std::env::var("IPS_JOB_HANDLE").unwrap_or_else(|_| "47|My Test Job|".to_owned());

    let client = match target.builder().build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };

    println!("endpoint: {}{}", target.endpoint, target.label());
    let request = ExecuteJobParam::new(company, job);
    println!("request:  executeJob {request:?}");

    let outcome = client.execute_job(&request).await;

    if let Some(mock) = &target.mock {
        // Show what went over the wire, with the password masked.
        for recorded in mock.requests() {
            println!("SOAPAction: {}", recorded.soap_action.unwrap_or_default());
            println!("{}", recorded.body.replace(&target.password, "[redacted]"));
        }
    }
    match outcome {
        Ok(_) => {
            println!("outcome:  the job was started");
            ExitCode::SUCCESS
        }
        Err(Error::Fault { detail, .. }) => {
            let (kind, code, reason) = match &detail {
                Fault::IpsApiFault(f) => ("ipsApiFault", f.code, &f.reason),
                Fault::AuthenticationFault(f) => ("authenticationFault", f.code, &f.reason),
                Fault::AuthorizationFault(f) => ("authorizationFault", f.code, &f.reason),
            };
            println!("outcome:  {kind} {code}: {reason}");
            ExitCode::FAILURE
        }
        Err(error) => {
            println!("outcome:  {error}");
            ExitCode::FAILURE
        }
    }
}
