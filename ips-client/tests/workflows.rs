//! Running and watching jobs against the mock IPS server.

use std::time::Duration;

use ips_client::mock::{JobScript, MockIps, DEFAULT_PASSWORD, DEFAULT_USER};
use ips_client::workflows::{run_and_watch, JobProgress, WatchError, WatchOptions};
use ips_client::IpsClient;

fn fast() -> WatchOptions {
    WatchOptions {
        first_interval: Duration::from_millis(5),
        max_interval: Duration::from_millis(20),
        deadline: Duration::from_secs(10),
    }
}

async fn client(mock: &MockIps) -> IpsClient {
    IpsClient::builder()
        .endpoint(mock.endpoint())
        .user_password(DEFAULT_USER, DEFAULT_PASSWORD)
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_job_runs_reports_progress_and_succeeds() {
    let mock = MockIps::start().await.unwrap();
    mock.script_job(
        "47|nightly|",
        JobScript {
            active_polls: 3,
            fails: false,
        },
    );
    let client = client(&mock).await;
    let mut seen = Vec::new();
    let outcome = run_and_watch(&client, "47", "47|nightly|", fast(), |p| {
        seen.push(p.clone())
    })
    .await
    .expect("the job ends");
    assert!(!outcome.failed(), "{outcome:?}");
    assert_eq!(outcome.log.job_handle, "47|nightly|");
    let active: Vec<i32> = seen
        .iter()
        .filter_map(|p| match p {
            JobProgress::Active { progress, .. } => Some(*progress),
            JobProgress::Pending => None,
        })
        .collect();
    assert_eq!(
        active,
        vec![30, 60, 90],
        "progress is reported at every poll"
    );
}

#[tokio::test]
async fn a_failing_job_is_reported_as_failed() {
    let mock = MockIps::start().await.unwrap();
    mock.script_job(
        "47|broken|",
        JobScript {
            active_polls: 1,
            fails: true,
        },
    );
    let client = client(&mock).await;
    let outcome = run_and_watch(&client, "47", "47|broken|", fast(), |_| {})
        .await
        .unwrap();
    assert!(outcome.failed());
    assert_eq!(outcome.log.file_error_count, 3);
}

#[tokio::test]
async fn a_job_that_never_ends_hits_the_deadline() {
    let mock = MockIps::start().await.unwrap();
    mock.script_job(
        "47|stuck|",
        JobScript {
            active_polls: u32::MAX,
            fails: false,
        },
    );
    let client = client(&mock).await;
    let options = WatchOptions {
        deadline: Duration::from_millis(200),
        ..fast()
    };
    let error = run_and_watch(&client, "47", "47|stuck|", options, |_| {})
        .await
        .unwrap_err();
    match error {
        WatchError::Deadline {
            last: Some(JobProgress::Active { .. }),
            ..
        } => {}
        other => panic!("expected the deadline, got {other:?}"),
    }
}

#[tokio::test]
async fn a_fault_while_starting_ends_the_watch() {
    let mock = MockIps::with_credentials(DEFAULT_USER, "other")
        .await
        .unwrap();
    let client = client(&mock).await;
    let error = run_and_watch(&client, "47", "47|x|", fast(), |_| {})
        .await
        .unwrap_err();
    assert!(matches!(error, WatchError::Call { .. }), "{error:?}");
}

#[tokio::test]
async fn search_results_are_fetched_page_by_page_on_demand() {
    use ips_client::api::{Asset, SearchAssetsParam};
    use ips_client::workflows::search_asset_pages;

    let mock = MockIps::start().await.unwrap();
    let assets: Vec<Asset> = (0..25)
        .map(|i| Asset {
            asset_handle: Some(format!("a|{i}")),
            name: Some(format!("image-{i}.jpg")),
            ..Default::default()
        })
        .collect();
    mock.set_assets(assets.clone());
    let client = client(&mock).await;
    let request = SearchAssetsParam {
        company_handle: "47".into(),
        ..Default::default()
    };
    let mut pages = search_asset_pages(&client, request, 10);

    let first = pages.next_page().await.unwrap().expect("a first page");
    assert_eq!(first.len(), 10);
    assert_eq!(mock.requests().len(), 1, "only the first page was fetched");
    assert_eq!(pages.total_rows(), Some(25));

    let mut all = first;
    while let Some(page) = pages.next_page().await.unwrap() {
        all.extend(page);
    }
    assert_eq!(all, assets, "every asset once, in order");
    assert_eq!(mock.requests().len(), 3, "pages of 10, 10 and 5");
    assert!(pages.next_page().await.unwrap().is_none());
    assert_eq!(mock.requests().len(), 3, "nothing fetched after the end");
}

#[tokio::test]
async fn the_search_stream_fetches_a_page_only_when_polled_for_it() {
    use futures_util::StreamExt as _;
    use ips_client::api::{Asset, SearchAssetsParam};
    use ips_client::workflows::search_asset_pages;

    let mock = MockIps::start().await.unwrap();
    let assets: Vec<Asset> = (0..25)
        .map(|i| Asset {
            asset_handle: Some(format!("a|{i}")),
            ..Default::default()
        })
        .collect();
    mock.set_assets(assets.clone());
    let client = client(&mock).await;
    let request = SearchAssetsParam {
        company_handle: "47".into(),
        ..Default::default()
    };
    let mut stream = std::pin::pin!(search_asset_pages(&client, request, 10).into_stream());
    assert_eq!(
        mock.requests().len(),
        0,
        "nothing fetched before the first poll"
    );
    let first = stream.next().await.expect("a page").expect("no error");
    assert_eq!(first.len(), 10);
    assert_eq!(mock.requests().len(), 1);
    let mut all = first;
    while let Some(page) = stream.next().await {
        all.extend(page.expect("no error"));
    }
    assert_eq!(all, assets);
    assert_eq!(mock.requests().len(), 3);

    // An error is yielded, then the stream ends.
    mock.fail_next(ips_client::api::Fault::IpsApiFault(Default::default()));
    let request = SearchAssetsParam {
        company_handle: "47".into(),
        ..Default::default()
    };
    let mut failing = std::pin::pin!(search_asset_pages(&client, request, 10).into_stream());
    assert!(failing.next().await.expect("an item").is_err());
    assert!(failing.next().await.is_none());
}
