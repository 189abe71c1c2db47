//! Response-decoding fuzz on stable Rust (no cargo-fuzz): valid response
//! envelopes of several IPS operations, built from the generated sample
//! values (plus declared and undeclared faults, SOAP 1.1 and 1.2), are
//! mutated and decoded with `read_response` into the generated types.
//! Whatever the input, decoding must end in `Ok` or a `DecodeError`, never
//! a panic; a decoded value must encode again without panicking.
//!
//! Knobs, as for the other fuzz targets (`wsdl/tests/fuzz_support`):
//! `FUZZ_ITERATIONS` (default 1000), `FUZZ_SECONDS` (run for this long
//! instead), `FUZZ_SEED`. The seed is printed, so a failure reproduces; a
//! failing input is printed and saved under `target/tmp/fuzz-crashes/`.
//! The input being decoded is always in `target/tmp/fuzz-responses/current`
//! (for a stack overflow, which cannot be caught).

#[path = "../../wsdl/tests/fuzz_support/mod.rs"]
mod fuzz_support;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

use fuzz_support::{mutate, Config, Rng};
use ips_client::api::{self, Fault};
use ips_client::soap::sample::{sample, Gen, Sample};
use ips_client::soap::{
    read_response, write_envelope, write_fault, FaultCode, Limits, Operation, Part, Reply,
    SoapVersion, XmlDecode, XmlEncode, XmlName,
};

/// Decodes one document; `Ok` holds the outcome's category for the stats.
type Decoder = Box<dyn Fn(&[u8]) -> Result<String, String>>;

struct Target {
    name: String,
    document: Vec<u8>,
    decode: Decoder,
}

fn response_name(operation: &'static Operation) -> XmlName<'static> {
    operation
        .response
        .expect("the fuzzed operations have responses")
}

/// Decodes as `T` (the response of `operation`) and, when that succeeds,
/// encodes the value again.
fn decoder<T>(operation: &'static Operation, version: SoapVersion) -> Decoder
where
    T: XmlDecode + XmlEncode + 'static,
{
    let limits = Limits::default();
    Box::new(move |document: &[u8]| {
        match read_response::<T, Fault>(document, version, response_name(operation), &limits) {
            Ok(Reply::Body(value)) => {
                write_envelope(version, &[], &[Part::new(response_name(operation), &value)])
                    .map_err(|e| format!("a decoded value does not encode: {e}"))?;
                Ok("decoded".to_owned())
            }
            Ok(Reply::Fault { detail, .. }) => Ok(match detail {
                Some(_) => "typed fault",
                None => "soap fault",
            }
            .to_owned()),
            Err(error) => {
                // The message is built from input-derived text: it must not panic either.
                let _ = error.to_string();
                let kind = format!("{:?}", error.kind);
                let variant = kind.split(['(', ' ', '{']).next().unwrap_or_default();
                Ok(variant.to_owned())
            }
        }
    })
}

/// A response target: the sample value of `T` (seeded by the operation
/// name), in an envelope of `version`.
fn target<T>(operation: &'static Operation, version: SoapVersion) -> Target
where
    T: Sample + XmlDecode + XmlEncode + 'static,
{
    let value: T = sample(&mut Gen::new(operation.name));
    let document = write_envelope(version, &[], &[Part::new(response_name(operation), &value)])
        .expect("samples encode");
    Target {
        name: format!("{} ({version:?})", operation.name),
        document,
        decode: decoder::<T>(operation, version),
    }
}

fn targets() -> Vec<Target> {
    use api::operations as op;
    let v11 = SoapVersion::Soap11;
    let v12 = SoapVersion::Soap12;
    let mut targets = vec![
        target::<api::GetFolderTreeReturn>(&op::GET_FOLDER_TREE, v11),
        target::<api::SearchAssetsReturn>(&op::SEARCH_ASSETS, v11),
        target::<api::GetAssetsReturn>(&op::GET_ASSETS, v11),
        target::<api::GetActiveJobsReturn>(&op::GET_ACTIVE_JOBS, v11),
        target::<api::GetJobLogsReturn>(&op::GET_JOB_LOGS, v11),
        target::<api::GetJobLogDetailsReturn>(&op::GET_JOB_LOG_DETAILS, v11),
        target::<api::SubmitJobReturn>(&op::SUBMIT_JOB, v11),
        target::<api::GetCompanyInfoReturn>(&op::GET_COMPANY_INFO, v11),
        target::<api::GetMetadataFieldsReturn>(&op::GET_METADATA_FIELDS, v11),
        target::<api::SearchAssetsReturn>(&op::SEARCH_ASSETS, v12),
    ];
    // Faults: a declared one in each version, and one with a foreign detail.
    let detail: api::IpsApiFault = sample(&mut Gen::new("fault"));
    let detail_name = XmlName::new(Some(api::NS_XSD), "ipsApiFault");
    for version in [v11, v12] {
        targets.push(Target {
            name: format!("ipsApiFault ({version:?})"),
            document: write_fault(
                version,
                FaultCode::Client,
                "bad <parameter> & more",
                Some(Part::new(detail_name, &detail)),
            )
            .expect("fault encodes"),
            decode: decoder::<api::SearchAssetsReturn>(&op::SEARCH_ASSETS, version),
        });
    }
    let foreign: api::Folder = sample(&mut Gen::new("foreign"));
    targets.push(Target {
        name: "foreign fault detail".into(),
        document: write_fault(
            v11,
            FaultCode::Server,
            "proxy",
            Some(Part::new(
                XmlName::new(Some("urn:vendor"), "trace"),
                &foreign,
            )),
        )
        .expect("fault encodes"),
        decode: decoder::<api::GetFolderTreeReturn>(&op::GET_FOLDER_TREE, v11),
    });
    targets
}

/// Element text values that stress the simple-type parsers.
const VALUES: &[&str] = &[
    "",
    " ",
    "-",
    "+",
    "0",
    "-0",
    "1e309",
    "NaN",
    "-INF",
    "INF",
    "inf",
    "99999999999999999999999999",
    "-9223372036854775809",
    "2147483648",
    "true",
    "maybe",
    "2024-02-30T25:61:61Z",
    "2024-05-01T10:00:00+14:01",
    "-0001-01-01T00:00:00",
    "9999999999-01-01T00:00:00Z",
    "2024-05-01T10:00:00.99999999999999999999Z",
    "P1Y2M3DT4H5M6.7S",
    "&#0;",
    "&#xD800;",
    "&#x10FFFF;",
    "&bogus;",
    "&amp;&lt;&gt;",
    "<![CDATA[x]]>",
    "\u{e9}\u{1F980}",
    "<x/>",
];

/// Response-specific mutations: element text replaced, elements renamed
/// to other names of the same document, namespaces swapped, xsi:nil added.
fn mutate_response(rng: &mut Rng, data: &mut Vec<u8>) -> &'static str {
    // Positions just after a start tag's '>' whose content is text.
    let texts: Vec<usize> = data
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] == b'>' && w[1] != b'<')
        .map(|(i, _)| i + 1)
        .collect();
    match rng.below(4) {
        0 if !texts.is_empty() => {
            let start = *rng.pick(&texts);
            let end = data[start..]
                .iter()
                .position(|&b| b == b'<')
                .map_or(data.len(), |p| start + p);
            data.splice(start..end, rng.pick(VALUES).bytes());
            "replace text"
        }
        1 => {
            // Rename one tag (start or end) to another local name seen in the document.
            let names = local_names(data);
            let tags: Vec<usize> = data
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'<')
                .map(|(i, _)| i)
                .collect();
            if names.is_empty() || tags.is_empty() {
                return "rename (none)";
            }
            let at = *rng.pick(&tags) + 1;
            let at = if data.get(at) == Some(&b'/') {
                at + 1
            } else {
                at
            };
            let end = data[at..]
                .iter()
                .position(|&b| matches!(b, b' ' | b'>' | b'/'))
                .map_or(data.len(), |p| at + p);
            let local = data[at..end]
                .iter()
                .rposition(|&b| b == b':')
                .map_or(at, |p| at + p + 1);
            let new = rng.pick(&names).clone();
            data.splice(local..end, new);
            "rename tag"
        }
        2 => {
            let spots: Vec<usize> = fuzz_support_find(data, b" xmlns=\"");
            if spots.is_empty() {
                return "namespace (none)";
            }
            let start = *rng.pick(&spots) + 8;
            let end = data[start..]
                .iter()
                .position(|&b| b == b'"')
                .map_or(data.len(), |p| start + p);
            let ns = *rng.pick(&[
                "",
                "urn:other",
                api::NS_XSD,
                api::NS_V20140403,
                "http://schemas.xmlsoap.org/soap/envelope/",
                "http://www.w3.org/2003/05/soap-envelope",
            ]);
            data.splice(start..end, ns.bytes());
            "swap namespace"
        }
        _ => {
            // xsi:nil, or another attribute, on some start tag.
            let tags: Vec<usize> = data
                .windows(2)
                .enumerate()
                .filter(|(_, w)| w[0] == b'<' && w[1].is_ascii_alphabetic())
                .map(|(i, _)| i)
                .collect();
            if tags.is_empty() {
                return "attribute (none)";
            }
            let at = *rng.pick(&tags);
            let end = data[at..]
                .iter()
                .position(|&b| matches!(b, b' ' | b'>' | b'/'))
                .map_or(data.len(), |p| at + p);
            const ATTRIBUTES: &[&str] = &[
                " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:nil=\"true\"",
                " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"xsd:int\"",
                " xsi:nil=\"true\"",
                " surprise=\"1\"",
                " xmlns:q=\"urn:q\" q:x=\"&#10;\"",
            ];
            let attribute = rng.pick(ATTRIBUTES).as_bytes();
            data.splice(end..end, attribute.iter().copied());
            "add attribute"
        }
    }
}

fn fuzz_support_find(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    hay.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

/// Distinct local names of the start tags in `data`.
fn local_names(data: &[u8]) -> Vec<Vec<u8>> {
    let mut names: Vec<Vec<u8>> = Vec::new();
    for (i, w) in data.windows(2).enumerate() {
        if w[0] != b'<' || !w[1].is_ascii_alphabetic() {
            continue;
        }
        let start = i + 1;
        let end = data[start..]
            .iter()
            .position(|&b| matches!(b, b' ' | b'>' | b'/'))
            .map_or(data.len(), |p| start + p);
        let local = data[start..end]
            .iter()
            .rposition(|&b| b == b':')
            .map_or(start, |p| start + p + 1);
        let name = data[local..end].to_vec();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

fn describe_panic(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(non-string payload)")
        .to_owned()
}

fn run(config: &Config) {
    let targets = targets();
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let work = tmp.join("fuzz-responses");
    let crashes = tmp.join("fuzz-crashes");
    std::fs::create_dir_all(&work).expect("work dir");
    let current = work.join("current");
    eprintln!(
        "fuzz_responses: {} targets, seed {:#x} (FUZZ_SEED={}); an input that aborts the process is left in {}",
        targets.len(),
        config.seed,
        config.seed,
        current.display()
    );
    // Each unmodified target must decode (or be the fault it is).
    for target in &targets {
        let outcome = (target.decode)(&target.document);
        assert!(
            matches!(
                outcome.as_deref(),
                Ok("decoded" | "typed fault" | "soap fault")
            ),
            "{}: the unmutated document gives {outcome:?}",
            target.name
        );
    }

    let mut rng = Rng::new(config.seed);
    let started = Instant::now();
    let deadline = config.seconds.map(|s| started + Duration::from_secs_f64(s));
    let mut executions = 0u64;
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let mut failures = Vec::new();
    loop {
        match deadline {
            Some(d) if Instant::now() >= d => break,
            None if executions >= config.iterations => break,
            _ => {}
        }
        let target = rng.pick(&targets);
        let other = &rng.pick(&targets).document;
        let mut data = target.document.clone();
        let mut applied = Vec::new();
        for _ in 0..*rng.pick(&[1, 1, 1, 2, 2, 3, 5]) {
            applied.push(if rng.chance(2) {
                mutate_response(&mut rng, &mut data)
            } else {
                mutate(&mut rng, &mut data, other)
            });
        }
        data.truncate(config.max_len);
        // Kept before the run: a stack overflow aborts without unwinding.
        let _ = std::fs::write(&current, &data);
        executions += 1;
        let outcome = catch_unwind(AssertUnwindSafe(|| (target.decode)(&data)));
        let failure = match outcome {
            Ok(Ok(category)) => {
                *outcomes.entry(category).or_default() += 1;
                None
            }
            Ok(Err(why)) => Some(why),
            Err(panic) => Some(format!("panicked: {}", describe_panic(&*panic))),
        };
        if let Some(why) = failure {
            let _ = std::fs::create_dir_all(&crashes);
            let saved = crashes.join(format!("responses-{executions}.xml"));
            let _ = std::fs::write(&saved, &data);
            failures.push(format!(
                "#{executions} {} [{}]: {why}\n    input (saved as {}): {}",
                target.name,
                applied.join(", "),
                saved.display(),
                String::from_utf8_lossy(&data).escape_debug()
            ));
        }
    }
    let summary: Vec<String> = outcomes.iter().map(|(k, n)| format!("{k} {n}")).collect();
    eprintln!(
        "fuzz_responses: {executions} executions in {:.1?}: {}; {} failures",
        started.elapsed(),
        summary.join(", "),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failing input(s) (seed {:#x}):\n{}",
        failures.len(),
        config.seed,
        failures.join("\n")
    );
}

#[test]
fn response_decoding_never_panics() {
    let mut config = Config::from_env(1000);
    config.max_len = 256 * 1024;
    // The client decodes on tokio workers, whose stacks are 2 MiB: fuzz with
    // the same, so a nesting the depth limit lets through but that stack
    // cannot hold shows up here.
    std::thread::Builder::new()
        .name("fuzz-responses".into())
        .stack_size(2 * 1024 * 1024)
        .spawn(move || run(&config))
        .expect("spawn")
        .join()
        .unwrap_or_else(|panic| panic!("{}", describe_panic(&*panic)));
}
