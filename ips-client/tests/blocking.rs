//! The blocking client (feature `blocking`): same methods, no async caller.

use ips_client::api::{self, ExecuteJobParam, Fault};
use ips_client::mock::{MockIps, DEFAULT_PASSWORD, DEFAULT_USER};
use ips_client::{Error, IpsClient};

#[test]
fn blocking_calls_succeed_and_fault_like_async_ones() {
    // The mock server runs on its own runtime's threads; the test thread
    // itself has no runtime, as in a synchronous program.
    let server_runtime = tokio::runtime::Runtime::new().unwrap();
    let mock = server_runtime.block_on(MockIps::start()).unwrap();

    let client = IpsClient::builder()
        .endpoint(mock.endpoint())
        .user_password(DEFAULT_USER, DEFAULT_PASSWORD)
        .build_blocking()
        .expect("blocking client");
    client
        .execute_job(&ExecuteJobParam::new("47", "47|My Test Job|"))
        .expect("executeJob");
    assert_eq!(mock.executed_jobs().len(), 1);

    mock.fail_next(Fault::AuthorizationFault(api::AuthorizationFault {
        code: 20003,
        reason: "no".into(),
        ..Default::default()
    }));
    match client.execute_job(&ExecuteJobParam::new("47", "x")) {
        Err(Error::Fault {
            detail: Fault::AuthorizationFault(f),
            ..
        }) => assert_eq!(f.code, 20003),
        other => panic!("expected the authorization fault, got {other:?}"),
    }
    assert!(!format!("{client:?}").contains(DEFAULT_PASSWORD));
}
