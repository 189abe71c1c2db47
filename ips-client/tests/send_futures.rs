//! The generated methods' futures are `Send`: calls can be spawned on a
//! multi-threaded runtime (`cargo xtask bench` runs 256 concurrent callers).

use ips_client::{api, IpsClient};

fn assert_send<T: Send>(_: &T) {}

#[test]
fn client_futures_are_send() {
    let client = IpsClient::builder()
        .endpoint("http://127.0.0.1:9/scene7/services/IpsApiService")
        .user_password("user@example.com", "secret")
        .app("send-test", "1.0")
        .build()
        .expect("valid configuration");
    let request = api::ExecuteJobParam::new("47", "47|job|");
    let call = client.execute_job(&request);
    assert_send(&call);
}
