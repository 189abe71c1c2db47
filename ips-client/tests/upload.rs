//! Uploading files through the UploadFile servlet, against the mock IPS
//! server over real HTTP on 127.0.0.1.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ips_client::api::{self, Fault};
use ips_client::mock::{Behavior, JobScript, MockIps, DEFAULT_PASSWORD, DEFAULT_USER};
use ips_client::soap::server::{HttpResponse, TestServer};
use ips_client::upload::{
    upload_and_watch, JobRef, UploadError, UploadFile, UploadJob, UploadPostParams, UploadProgress,
    UploadWatchError, UploadWatchProgress, Uploader,
};
use ips_client::workflows::{watch_job, JobProgress, WatchError, WatchOptions};
use ips_client::{Environment, IpsClient, IpsClientBuilder, Region};

const COMPANY: &str = "c|47";

fn fast() -> WatchOptions {
    WatchOptions {
        first_interval: Duration::from_millis(5),
        max_interval: Duration::from_millis(20),
        deadline: Duration::from_secs(10),
    }
}

fn builder(mock: &MockIps) -> IpsClientBuilder {
    IpsClient::builder()
        .endpoint(mock.endpoint())
        .user_password(DEFAULT_USER, DEFAULT_PASSWORD)
        .app("upload-test", "1.0")
}

fn uploader(mock: &MockIps) -> Uploader {
    builder(mock).build_uploader().expect("uploader")
}

/// Deterministic, non-repeating content, so a shifted or reordered chunk
/// cannot compare equal.
fn content(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write a test file");
    path
}

/// Every report's counts only grow, per file and in all, and each file's
/// last report reaches its size.
fn check_progress(reports: &[UploadProgress], sizes: &[u64]) {
    let total: u64 = sizes.iter().sum();
    let mut last_per_file: BTreeMap<usize, u64> = BTreeMap::new();
    let mut last_total = 0;
    for report in reports {
        assert_eq!(report.bytes_total, total, "{report:?}");
        assert_eq!(
            report.file_bytes_total, sizes[report.file_index],
            "{report:?}"
        );
        assert!(
            report.bytes_sent >= last_total,
            "overall went back: {report:?}"
        );
        let previous = last_per_file.insert(report.file_index, report.file_bytes_sent);
        assert!(
            previous.is_none_or(|p| report.file_bytes_sent >= p),
            "file progress went back: {report:?}"
        );
        assert!(report.file_bytes_sent <= report.file_bytes_total);
        last_total = report.bytes_sent;
    }
    assert_eq!(last_total, total, "the overall progress reaches the total");
    for (index, size) in sizes.iter().enumerate() {
        assert_eq!(
            last_per_file.get(&index),
            Some(size),
            "file {index} reaches its size"
        );
    }
}

#[tokio::test]
async fn several_files_in_several_posts_arrive_intact_with_progress() {
    let mock = MockIps::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let contents = [
        content(300_000, 1),
        content(1, 2),
        Vec::new(),
        content(1_500_000, 3),
        content(70_000, 4),
    ];
    let files = [
        UploadFile::new(write(dir.path(), "a.jpg", &contents[0])),
        UploadFile::new(write(dir.path(), "b.txt", &contents[1])),
        UploadFile::new(write(dir.path(), "empty.bin", &contents[2])),
        UploadFile::new(write(dir.path(), "c.psd", &contents[3])).named("layers/c.psd"),
        UploadFile::new(write(dir.path(), "d.tif", &contents[4])),
    ];
    let sizes: Vec<u64> = contents.iter().map(|c| c.len() as u64).collect();
    let job = UploadJob {
        dest_folder: Some("spring/".to_owned()),
        description: Some("spring catalog".to_owned()),
        ..UploadJob::new(COMPANY, "spring-upload")
    };
    let uploader = uploader(&mock).files_per_post(2);

    let mut reports = Vec::new();
    let outcome = uploader
        .upload(&job, &files, |p| reports.push(*p))
        .await
        .expect("the upload succeeds");

    assert_eq!(outcome.posts, 3);
    assert_eq!(outcome.files, 5);
    assert_eq!(outcome.bytes, sizes.iter().sum::<u64>());
    check_progress(&reports, &sizes);

    let posts = mock.uploads();
    assert_eq!(posts.len(), 3);
    // The first POST names and configures the job; later ones continue it
    // by its handle; only the last ends it.
    assert_eq!(
        posts[0].params.job,
        JobRef::Name("spring-upload".to_owned())
    );
    assert_eq!(posts[0].params.upload_params, Some(job.options.clone()));
    assert_eq!(
        posts[0].params.description.as_deref(),
        Some("spring catalog")
    );
    for post in &posts[1..] {
        assert_eq!(post.params.job, JobRef::Handle(outcome.job_handle.clone()));
        assert_eq!(post.params.upload_params, None);
    }
    let ends: Vec<Option<bool>> = posts.iter().map(|p| p.params.end_job).collect();
    assert_eq!(ends, [Some(false), Some(false), Some(true)]);
    assert!(posts.iter().all(|p| p.job_handle == outcome.job_handle));
    assert!(posts.iter().all(|p| p.params.company_handle == COMPANY));
    // The builder's credentials travel in every POST's auth part.
    assert!(posts.iter().all(|p| {
        p.auth.user.as_deref() == Some(DEFAULT_USER)
            && p.auth.password.as_deref() == Some(DEFAULT_PASSWORD)
    }));

    let received: Vec<_> = posts.iter().flat_map(|p| p.files.clone()).collect();
    let names: Vec<&str> = received.iter().map(|f| f.file_name.as_str()).collect();
    assert_eq!(
        names,
        ["a.jpg", "b.txt", "empty.bin", "layers/c.psd", "d.tif"]
    );
    assert_eq!(received[3].stored_as, "spring/layers/c.psd");
    for (file, expected) in received.iter().zip(&contents) {
        assert!(
            file.bytes.as_ref() == expected.as_slice(),
            "{} arrived altered ({} bytes, {} sent)",
            file.file_name,
            file.bytes.len(),
            expected.len()
        );
        assert_eq!(
            file.content_type.as_deref(),
            Some("application/octet-stream")
        );
    }

    // The job the upload started runs to its end.
    let client = builder(&mock).build().unwrap();
    let ended = watch_job(&client, COMPANY, &outcome.job_handle, fast(), |_| {})
        .await
        .expect("the upload job ends");
    assert!(!ended.failed(), "{ended:?}");
    assert_eq!(ended.log.job_sub_type, "UploadPostJob");
    assert_eq!(ended.log.job_name, "spring-upload");
    assert_eq!(ended.log.total_file_count, 5);
}

#[tokio::test]
async fn one_post_as_given() {
    let mock = MockIps::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bytes = content(10_000, 9);
    let file = write(dir.path(), "one.jpg", &bytes);
    let uploader = uploader(&mock);

    let start = UploadPostParams {
        file_name: Some("renamed.jpg".to_owned()),
        upload_params: Some(ips_client::upload::default_options()),
        ..UploadPostParams::new(COMPANY, JobRef::Name("by-hand".to_owned()))
    };
    let reply = uploader
        .post(&start, &[UploadFile::new(&file)], |_| {})
        .await
        .expect("first POST");
    // A POST without files that only ends the job.
    let end = UploadPostParams {
        end_job: Some(true),
        ..UploadPostParams::new(COMPANY, JobRef::Handle(reply.job_handle.clone()))
    };
    let again = uploader.post(&end, &[], |_| {}).await.expect("ending POST");
    assert_eq!(again.job_handle, reply.job_handle);

    let posts = mock.uploads();
    assert_eq!(posts[0].files[0].stored_as, "renamed.jpg");
    assert_eq!(posts[0].files[0].bytes.as_ref(), bytes.as_slice());
    assert!(posts[1].files.is_empty());

    // A handle the servlet does not know is refused with its fault.
    let unknown = UploadPostParams::new(COMPANY, JobRef::Handle("nope".to_owned()));
    let error = uploader.post(&unknown, &[], |_| {}).await.unwrap_err();
    match error {
        UploadError::Fault {
            fault: Fault::IpsApiFault(fault),
            ..
        } => assert_eq!(fault.code, 30001),
        other => panic!("expected an ipsApiFault, got {other:?}"),
    }
}

#[tokio::test]
async fn files_over_the_limits_are_refused_before_any_byte_is_sent() {
    // No servlet at all: a listener that only records connection attempts.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/scene7/UploadFile",
        listener.local_addr().unwrap()
    );
    let dir = tempfile::tempdir().unwrap();
    let small = write(dir.path(), "small.jpg", &content(500, 1));
    let large = write(dir.path(), "large.jpg", &content(1001, 2));
    let uploader = IpsClient::builder()
        .upload_endpoint(&url)
        .user_password(DEFAULT_USER, DEFAULT_PASSWORD)
        .build_uploader()
        .unwrap();
    let job = UploadJob::new(COMPANY, "too-large");
    let files = [UploadFile::new(&small), UploadFile::new(&large)];

    let mut reports = 0;
    let error = uploader
        .clone()
        .max_file_bytes(1000)
        .upload(&job, &files, |_| reports += 1)
        .await
        .unwrap_err();
    assert_eq!(error.job_handle, None);
    assert_eq!(error.files_accepted, 0);
    match &error.error {
        UploadError::FileTooLarge { path, size, limit } => {
            assert_eq!((path, *size, *limit), (&large, 1001, 1000));
        }
        other => panic!("expected FileTooLarge, got {other:?}"),
    }
    assert!(error.error.is_refused_before_sending());
    let message = error.to_string();
    for expected in ["large.jpg", "1001", "1000"] {
        assert!(message.contains(expected), "{message}");
    }

    let error = uploader
        .clone()
        .max_total_bytes(1200)
        .upload(&job, &files, |_| reports += 1)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error.error,
            UploadError::TotalTooLarge {
                files: 2,
                total: 1501,
                limit: 1200
            }
        ),
        "{error:?}"
    );

    let params = UploadPostParams::new(COMPANY, JobRef::Name("x".to_owned()));
    let error = uploader
        .clone()
        .max_file_bytes(1000)
        .post(&params, &files, |_| reports += 1)
        .await
        .unwrap_err();
    assert!(
        matches!(error, UploadError::FileTooLarge { .. }),
        "{error:?}"
    );

    let missing = dir.path().join("missing.jpg");
    let error = uploader
        .upload(&job, &[UploadFile::new(&missing)], |_| reports += 1)
        .await
        .unwrap_err();
    assert!(
        matches!(&error.error, UploadError::File { path, .. } if *path == missing),
        "{error:?}"
    );
    let error = uploader
        .upload(&job, &[UploadFile::new(dir.path())], |_| reports += 1)
        .await
        .unwrap_err();
    assert!(
        matches!(error.error, UploadError::NotAFile { .. }),
        "{error:?}"
    );

    assert_eq!(reports, 0, "no progress: nothing was sent");
    // Every call has returned: a connection it had opened would be queued.
    let accepted = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
    assert!(accepted.is_err(), "no connection was opened");
}

async fn assert_nothing_arrived(mock: &MockIps) {
    assert!(mock.uploads().is_empty(), "{:?}", mock.uploads().len());
    let client = builder(mock).build().unwrap();
    let active = client
        .get_active_jobs(&api::GetActiveJobsParam {
            company_handle: Some(COMPANY.to_owned()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(active.job_array.is_empty(), "{active:?}");
    let logs = client
        .get_job_logs(&api::GetJobLogsParam {
            company_handle: Some(COMPANY.to_owned()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        logs.job_log_array.is_empty(),
        "no job, so no success: {logs:?}"
    );
}

#[tokio::test]
async fn a_connection_cut_midway_is_an_interruption_and_no_job() {
    let mock = MockIps::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let big = write(dir.path(), "big.tif", &content(8 * 1024 * 1024, 5));
    let job = UploadJob::new(COMPANY, "cut-off");
    let files = [UploadFile::new(&big)];
    mock.cut_next_upload_after(256 * 1024);

    let mut reports = Vec::new();
    let error = uploader(&mock)
        .upload(&job, &files, |p| reports.push(*p))
        .await
        .unwrap_err();
    assert_eq!(error.job_handle, None);
    assert_eq!(error.files_accepted, 0);
    match &error.error {
        UploadError::Interrupted {
            file,
            bytes_sent,
            bytes_total,
            ..
        } => {
            assert_eq!(*bytes_total, 8 * 1024 * 1024);
            assert!(bytes_sent <= bytes_total);
            assert_eq!(file.as_ref(), Some(&big));
        }
        other => panic!("expected Interrupted, got {other:?}"),
    }
    assert!(!error.error.is_refused_before_sending());
    assert_nothing_arrived(&mock).await;

    // The servlet is fine afterwards: the same upload goes through.
    let outcome = uploader(&mock).upload(&job, &files, |_| {}).await.unwrap();
    assert_eq!(mock.uploads()[0].job_handle, outcome.job_handle);
}

#[tokio::test]
async fn a_cut_in_a_later_post_keeps_the_job_and_what_was_accepted() {
    let mock = MockIps::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<UploadFile> = (0..3)
        .map(|i| UploadFile::new(write(dir.path(), &format!("{i}.jpg"), &content(200_000, i))))
        .collect();
    let job = UploadJob::new(COMPANY, "cut-later");
    mock.cut_upload_after(1, 1024);
    let error = uploader(&mock)
        .files_per_post(1)
        .upload(&job, &files, |_| {})
        .await
        .unwrap_err();
    let posts = mock.uploads();
    assert_eq!(posts.len(), 1);
    assert_eq!(error.job_handle.as_ref(), Some(&posts[0].job_handle));
    assert_eq!(error.files_accepted, 1);
    assert!(
        matches!(&error.error, UploadError::Interrupted { file: Some(f), .. } if f.ends_with("1.jpg")),
        "{error:?}"
    );
    assert!(error.to_string().contains(&posts[0].job_handle), "{error}");
    // The job was never ended, so it neither runs nor has a log.
    let client = builder(&mock).build().unwrap();
    let logs = client
        .get_job_logs(&api::GetJobLogsParam {
            company_handle: Some(COMPANY.to_owned()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(logs.job_log_array.is_empty(), "{logs:?}");
}

#[tokio::test]
async fn a_file_that_shrinks_or_grows_while_sent_aborts_the_upload() {
    let mock = MockIps::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let size = 4 * 1024 * 1024;
    let path = write(dir.path(), "moving.bin", &content(size, 6));
    let job = UploadJob::new(COMPANY, "moving");
    let files = [UploadFile::new(&path)];

    // Cut the file short once the first chunk has gone out.
    let mut truncated = false;
    let error = uploader(&mock)
        .upload(&job, &files, |_| {
            if !truncated {
                std::fs::File::options()
                    .write(true)
                    .open(&path)
                    .and_then(|f| f.set_len(1000))
                    .unwrap();
                truncated = true;
            }
        })
        .await
        .unwrap_err();
    match &error.error {
        UploadError::FileShrank {
            path: at,
            expected,
            read,
        } => {
            assert_eq!(at, &path);
            assert_eq!(*expected, size as u64);
            assert!(*read < *expected);
        }
        other => panic!("expected FileShrank, got {other:?}"),
    }

    // Grow it after the first chunk went out.
    std::fs::write(&path, content(size, 6)).unwrap();
    let mut grown = false;
    let error = uploader(&mock)
        .upload(&job, &files, |_| {
            if !grown {
                use std::io::Write as _;
                std::fs::File::options()
                    .append(true)
                    .open(&path)
                    .and_then(|mut f| f.write_all(b"more"))
                    .unwrap();
                grown = true;
            }
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&error.error, UploadError::FileGrew { expected, .. } if *expected == size as u64),
        "{error:?}"
    );
    assert!(error.to_string().contains("moving.bin"), "{error}");
    assert_nothing_arrived(&mock).await;
}

#[tokio::test]
async fn servlet_faults_are_typed_errors() {
    let mock = MockIps::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = [UploadFile::new(write(dir.path(), "x.jpg", b"jpeg"))];
    let job = UploadJob::new(COMPANY, "refused");

    mock.fail_next(Fault::AuthorizationFault(api::AuthorizationFault {
        code: 20001,
        reason: "Not a member of company c|47.".to_owned(),
        ..Default::default()
    }));
    let error = uploader(&mock)
        .upload(&job, &files, |_| {})
        .await
        .unwrap_err();
    match &error.error {
        UploadError::Fault {
            status,
            fault: Fault::AuthorizationFault(fault),
        } => {
            assert_eq!(*status, 500);
            assert_eq!(fault.code, 20001);
            assert_eq!(fault.reason, "Not a member of company c|47.");
        }
        other => panic!("expected an authorizationFault, got {other:?}"),
    }
    assert!(error.to_string().contains("20001"), "{error}");

    // The status the authHeader asks for faults, as IPS honours it.
    let error = builder(&mock)
        .user_password(DEFAULT_USER, "not-the-password")
        .fault_http_status_code(200)
        .build_uploader()
        .unwrap()
        .upload(&job, &files, |_| {})
        .await
        .unwrap_err();
    match &error.error {
        UploadError::Fault {
            status: 200,
            fault: Fault::AuthenticationFault(fault),
        } => assert_eq!(fault.code, 10001),
        other => panic!("expected an authenticationFault, got {other:?}"),
    }

    mock.set_behavior(Behavior::HtmlError(502));
    let error = uploader(&mock)
        .upload(&job, &files, |_| {})
        .await
        .unwrap_err();
    match &error.error {
        UploadError::Http {
            status, snippet, ..
        } => {
            assert_eq!(*status, 502);
            assert!(snippet.contains("Bad Gateway"), "{snippet}");
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
    mock.set_behavior(Behavior::Normal);
    assert!(mock.uploads().is_empty());
}

#[tokio::test]
async fn the_documented_error_answer_decodes_to_its_fault() {
    // The servlet answers a refused POST with 200 and a bare fault element.
    let server = TestServer::start(|_| {
        HttpResponse::new(
            200,
            b"<?xml version='1.0' encoding='UTF-8'?><tns:authenticationFault \
              xmlns:tns=\"http://www.scene7.com/IpsApi/xsd\"><tns:code>10001</tns:code>\
              <tns:reason>Invalid username/password</tns:reason></tns:authenticationFault>"
                .to_vec(),
        )
        .with_header("content-type", "text/xml;charset=utf-8")
        .into()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let uploader = IpsClient::builder()
        .upload_endpoint(server.url("/scene7/UploadFile"))
        .user_password("someone@example.com", "pw")
        .build_uploader()
        .unwrap();
    let error = uploader
        .post(
            &UploadPostParams::new(COMPANY, JobRef::Name("j".to_owned())),
            &[UploadFile::new(write(dir.path(), "a.jpg", b"a"))],
            |_| {},
        )
        .await
        .unwrap_err();
    match error.fault() {
        Some(Fault::AuthenticationFault(fault)) => {
            assert_eq!(
                (fault.code, fault.reason.as_str()),
                (10001, "Invalid username/password")
            );
        }
        other => panic!("expected an authenticationFault, got {other:?} from {error:?}"),
    }
}

#[tokio::test]
async fn a_servlet_that_stops_answering_times_out() {
    let mock = MockIps::start().await.unwrap();
    mock.set_behavior(Behavior::Hang);
    let dir = tempfile::tempdir().unwrap();
    let files = [UploadFile::new(write(dir.path(), "x.jpg", b"jpeg"))];
    let error = uploader(&mock)
        .stall_timeout(Duration::from_millis(300))
        .upload(&UploadJob::new(COMPANY, "hang"), &files, |_| {})
        .await
        .unwrap_err();
    assert!(matches!(error.error, UploadError::Timeout(_)), "{error:?}");
}

#[tokio::test]
async fn a_scripted_failing_upload_job_is_reported_by_the_watch() {
    let mock = MockIps::start().await.unwrap();
    mock.script_upload(
        "failing-upload",
        JobScript {
            active_polls: 2,
            fails: true,
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let files = [
        UploadFile::new(write(dir.path(), "1.jpg", &content(2000, 1))),
        UploadFile::new(write(dir.path(), "2.jpg", &content(3000, 2))),
    ];
    let client = builder(&mock).build().unwrap();
    let uploader = uploader(&mock);

    let mut events = Vec::new();
    let (uploaded, outcome) = upload_and_watch(
        &client,
        &uploader,
        &UploadJob::new(COMPANY, "failing-upload"),
        &files,
        fast(),
        |event| events.push(event.clone()),
    )
    .await
    .expect("the job ends");
    assert!(outcome.failed(), "{outcome:?}");
    assert_eq!(outcome.log.job_handle, uploaded.job_handle);
    assert_eq!(outcome.log.file_error_count, 2);
    assert_eq!(outcome.log.log_type, "UploadError");
    let uploads = events
        .iter()
        .filter(|e| matches!(e, UploadWatchProgress::Upload(_)))
        .count();
    let polls = events
        .iter()
        .filter(|e| matches!(e, UploadWatchProgress::Job(JobProgress::Active { .. })))
        .count();
    assert!(uploads >= 2, "{events:?}");
    assert_eq!(polls, 2, "{events:?}");
    // Upload progress comes first, then the job's.
    let first_job = events
        .iter()
        .position(|e| matches!(e, UploadWatchProgress::Job(_)))
        .unwrap();
    assert!(events[first_job..]
        .iter()
        .all(|e| matches!(e, UploadWatchProgress::Job(_))));

    // A job that never ends runs into the deadline, as a watch error.
    mock.script_upload(
        "endless-upload",
        JobScript {
            active_polls: u32::MAX,
            fails: false,
        },
    );
    let short = WatchOptions {
        deadline: Duration::from_millis(100),
        ..fast()
    };
    let error = upload_and_watch(
        &client,
        &uploader,
        &UploadJob::new(COMPANY, "endless-upload"),
        &files,
        short,
        |_| {},
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, UploadWatchError::Watch(WatchError::Deadline { .. })),
        "{error:?}"
    );
}

#[tokio::test]
async fn credentials_never_show_in_debug_display_or_errors() {
    const PASSWORD: &str = "s3cret-Upl0ad-pw";
    const TOKEN: &str = "tok-9f8e7d6c5b4a";
    // A servlet that quotes the whole request back, the way a careless
    // error page would: in a fault's reason, then in an HTML page.
    let echo_fault = TestServer::start(|request: ips_client::soap::server::HttpRequest| {
        let echoed = String::from_utf8_lossy(&request.body).into_owned();
        let body = format!(
            "<ipsApiFault xmlns=\"http://www.scene7.com/IpsApi/xsd\"><code>30003</code>\
             <reason>{}</reason></ipsApiFault>",
            quick_xml::escape::escape(echoed.as_str())
        );
        HttpResponse::new(500, body.into_bytes()).into()
    })
    .await
    .unwrap();
    let echo_html = TestServer::start(|request: ips_client::soap::server::HttpRequest| {
        let echoed = String::from_utf8_lossy(&request.body);
        let auth = echoed.find("<authHeader").unwrap_or(0);
        HttpResponse::html(
            400,
            &format!("<html><body>{}</body></html>", &echoed[auth..]),
        )
        .into()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = [UploadFile::new(write(dir.path(), "a.jpg", b"a"))];
    let job = UploadJob::new(COMPANY, "secrets");

    for credentials in [
        ips_client::Credentials::password(DEFAULT_USER, PASSWORD),
        ips_client::Credentials::AccessToken(TOKEN.to_owned()),
    ] {
        for server in [&echo_fault, &echo_html] {
            let builder = IpsClient::builder()
                .upload_endpoint(server.url("/scene7/UploadFile"))
                .credentials(credentials.clone());
            let uploader = builder.build_uploader().unwrap();
            let error = uploader.upload(&job, &files, |_| {}).await.unwrap_err();
            let texts = [
                format!("{uploader:?}"),
                format!("{builder:?}"),
                format!("{error}"),
                format!("{error:?}"),
                format!("{}", error.error),
            ];
            for text in texts {
                assert!(
                    !text.contains(PASSWORD) && !text.contains(TOKEN),
                    "a secret leaked: {text}"
                );
            }
            // The echo did reach the error, with the secret masked.
            let shown = format!("{error:?}");
            assert!(shown.contains("[redacted]"), "{shown}");
        }
    }
}

#[test]
fn upload_urls_follow_the_configured_endpoint() {
    let region = IpsClient::builder().region(Region::Emea, Environment::Staging);
    assert_eq!(
        region.upload_endpoint_url().unwrap(),
        "https://s7sps3ssl-staging.scene7.com/scene7/UploadFile"
    );
    assert_eq!(
        Region::NorthAmerica.upload_url(Environment::Production),
        "https://s7sps1ssl.scene7.com/scene7/UploadFile"
    );
    let derived = IpsClient::builder()
        .endpoint("https://ips.example.com:8443/scene7/services/IpsApiService?x=1")
        .upload_endpoint_url()
        .unwrap();
    assert_eq!(derived, "https://ips.example.com:8443/scene7/UploadFile");
    assert!(IpsClient::builder()
        .endpoint("https://ips.example.com/soap")
        .upload_endpoint_url()
        .is_err());
    assert_eq!(
        IpsClient::builder()
            .endpoint("https://ips.example.com/soap")
            .upload_endpoint("https://upload.example.com/scene7/UploadFile")
            .upload_endpoint_url()
            .unwrap(),
        "https://upload.example.com/scene7/UploadFile"
    );
    // The https rule of the SOAP client applies to uploads too.
    let insecure = IpsClient::builder()
        .upload_endpoint("http://upload.example.com/scene7/UploadFile")
        .build_uploader();
    assert!(
        matches!(
            insecure,
            Err(ips_client::soap::ConfigError::InsecureHttp { .. })
        ),
        "{insecure:?}"
    );
    assert!(IpsClient::builder()
        .upload_endpoint("http://upload.example.com/scene7/UploadFile")
        .allow_insecure_http(true)
        .build_uploader()
        .is_ok());
}

#[tokio::test]
async fn the_mock_upload_url_is_derived_from_its_endpoint() {
    let mock = MockIps::start().await.unwrap();
    assert_eq!(uploader(&mock).url().as_str(), mock.upload_endpoint());
}
