//! Typed async client for the Adobe Dynamic Media Classic (Scene7) IPS API.
//!
//! Everything under [`api`] is generated at build time from the WSDL in
//! `wsdl/`: one type per schema type and one async method per operation on
//! [`IpsClient`]. [`soap`] is the generic runtime the generated code calls.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use ips_client::{api, IpsClient, Region, Environment};
//!
//! let client = IpsClient::builder()
//!     .region(Region::NorthAmerica, Environment::Staging)
//!     .user_password("user@example.com", "secret")
//!     .app("my-app", "1.0")
//!     .build()?;
//! client
//!     .execute_job(&api::ExecuteJobParam::new("47", "47|My Test Job|"))
//!     .await?;
//! # Ok(())
//! # }
//! ```

pub mod soap;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/ips_api.rs"));
}

/// Types and the client generated from the IPS WSDL.
pub use generated::ips_api as api;

mod ips;
pub use ips::{Credentials, Environment, IpsClient, IpsClientBuilder, Region};

/// The blocking twin of [`IpsClient`] (feature `blocking`).
#[cfg(feature = "blocking")]
pub type IpsBlockingClient = api::IpsApiPortTypeClientBlocking;
#[cfg(feature = "blocking")]
pub use ips::BlockingBuildError;

/// The error of every IPS call: a typed IPS fault ([`api::Fault`]), another
/// SOAP fault, or an HTTP, timeout, transport or decoding error.
pub type Error = api::Error;

#[cfg(feature = "mock")]
pub mod mock;
pub mod upload;
pub mod workflows;
