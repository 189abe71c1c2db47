//! Compiles the checked-in snapshot of the code generated for the `jobs`
//! fixture (codegen/tests/fixtures/jobs.wsdl) and round-trips sample XML
//! through it: decode, check every field, re-encode, compare canonically.

mod common;

mod generated {
    include!("../../codegen/tests/snapshots/jobs.rs");
}

use common::canonical;
use generated::jobs::*;
use ips_client::soap::xml::{decode_document, encode_document};
use ips_client::soap::{DecodeErrorKind, Limits, XmlName};

const SUBMIT: XmlName<'static> = XmlName::new(Some(NS_JOBS), "submitJob");

const SAMPLE: &str = r#"<j:submitJob xmlns:j="urn:example:jobs" xmlns:x="urn:other">
  <j:job id="7" revision="3" x:flag="on">
    <j:name>resize &amp; crop</j:name>
    <j:state>running</j:state>
    <j:priority>5</j:priority>
    <j:weight>1.5</j:weight>
    <j:tag>a</j:tag>
    <j:tag>b</j:tag>
    <j:parent id="1">
      <j:name>root</j:name>
      <j:state>paused</j:state>
    </j:parent>
    <j:type>batch</j:type>
    <j:limits><j:maxSeconds>3600</j:maxSeconds><j:retry>true</j:retry></j:limits>
  </j:job>
</j:submitJob>"#;

fn decode(xml: &str) -> Result<SubmitJob, ips_client::soap::DecodeError> {
    decode_document(xml.as_bytes(), SUBMIT, &Limits::default())
}

#[test]
fn sample_decodes_into_every_field() {
    let submit = decode(SAMPLE).expect("sample decodes");
    let job = &submit.job;
    assert_eq!(job.id, "7");
    assert_eq!(job.revision, Some(3));
    assert_eq!(job.other_attributes.len(), 1);
    assert_eq!(
        job.other_attributes[0].namespace.as_deref(),
        Some("urn:other")
    );
    assert_eq!(job.name, "resize & crop");
    assert_eq!(job.state, JobState::Running);
    assert_eq!(job.priority, Some(5));
    assert_eq!(job.weight, Some(1.5));
    assert_eq!(job.tag, vec!["a".to_owned(), "b".to_owned()]);
    let parent = job.parent.as_deref().expect("recursive parent");
    assert_eq!(parent.name, "root");
    // An enumeration value this schema does not list is kept, not refused.
    assert_eq!(parent.state, JobState::Other("paused".into()));
    assert_eq!(job.type_.as_deref(), Some("batch"));
    let limits = job.limits.as_ref().expect("limits");
    assert_eq!(limits.max_seconds, 3600);
    assert_eq!(limits.retry, Some(true));
}

#[test]
fn sample_round_trips_canonically() {
    let submit = decode(SAMPLE).unwrap();
    let encoded = encode_document(&submit, SUBMIT).unwrap();
    assert_eq!(canonical(&encoded), canonical(SAMPLE), "{encoded}");
    assert_eq!(decode(&encoded).unwrap(), submit);
}

#[test]
fn built_values_encode_with_only_what_is_set() {
    let job = Job::new("9", "thumbnail", JobState::Queued);
    let encoded = encode_document(&SubmitJob::new(job), SUBMIT).unwrap();
    assert_eq!(
        canonical(&encoded),
        canonical(
            r#"<submitJob xmlns="urn:example:jobs"><job id="9"><name>thumbnail</name><state>queued</state></job></submitJob>"#
        )
    );
}

#[test]
fn decode_errors_name_the_path_and_what_was_expected() {
    let missing = decode(
        r#"<submitJob xmlns="urn:example:jobs"><job id="1"><state>done</state></job></submitJob>"#,
    )
    .unwrap_err();
    assert!(
        matches!(missing.kind, DecodeErrorKind::MissingElement(_)),
        "{missing}"
    );
    assert!(missing.to_string().contains("name"), "{missing}");

    let invalid = decode(
        r#"<submitJob xmlns="urn:example:jobs"><job id="1"><name>n</name><state>done</state><priority>high</priority></job></submitJob>"#,
    )
    .unwrap_err();
    assert_eq!(invalid.path, "submitJob/job/priority");
    assert!(invalid.to_string().contains("xsd:int"), "{invalid}");

    let unexpected = decode(
        r#"<submitJob xmlns="urn:example:jobs"><job id="1"><name>n</name><state>done</state><colour>red</colour></job></submitJob>"#,
    )
    .unwrap_err();
    assert!(
        matches!(unexpected.kind, DecodeErrorKind::UnexpectedElement(_)),
        "{unexpected}"
    );
    assert_eq!(unexpected.path, "submitJob/job/colour");

    let wrong_namespace = decode(r#"<submitJob xmlns="urn:example:other"/>"#).unwrap_err();
    assert!(matches!(
        wrong_namespace.kind,
        DecodeErrorKind::WrongElement { .. }
    ));

    let missing_attribute = decode(
        r#"<submitJob xmlns="urn:example:jobs"><job><name>n</name><state>done</state></job></submitJob>"#,
    )
    .unwrap_err();
    assert!(
        matches!(missing_attribute.kind, DecodeErrorKind::MissingAttribute(_)),
        "{missing_attribute}"
    );
}

#[test]
fn sensitive_header_fields_are_redacted_in_debug() {
    let session = Session::new("tok-123");
    assert!(!format!("{session:?}").contains("tok-123"));
}

#[test]
fn descriptors_carry_the_bindings() {
    assert_eq!(operations::SUBMIT_JOB.name, "submitJob");
    assert_eq!(operations::SUBMIT_JOB.bindings.len(), 2);
    // listJobs is bound only for SOAP 1.1, with an empty soapAction.
    assert_eq!(operations::LIST_JOBS.bindings.len(), 1);
    assert_eq!(operations::LIST_JOBS.bindings[0].soap_action, Some(""));
}
