//! `Options::operations`: only the named operations and the types they reach.

use std::path::PathBuf;

fn jobs() -> wsdl::Definitions {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jobs.wsdl");
    wsdl::load(&path).expect("the jobs fixture")
}

fn options(only: &[&str]) -> codegen::Options {
    codegen::Options {
        module_name: "jobs".to_owned(),
        samples: true,
        operations: Some(only.iter().map(|s| (*s).to_owned()).collect()),
        ..codegen::Options::default()
    }
}

#[test]
fn only_the_named_operations_and_what_they_reach_are_generated() {
    let defs = jobs();
    let plan = codegen::plan::plan(&defs, &options(&["listJobs"])).unwrap();
    let operations: Vec<&str> = plan
        .clients
        .iter()
        .flat_map(|c| c.operations.iter().map(|o| o.xml_name.as_str()))
        .collect();
    assert_eq!(operations, ["listJobs"]);
    let types: Vec<&str> = plan.types.iter().map(|t| t.name()).collect();
    // listJobs reaches Job (and through it its state, priority and limits),
    // the header and the fault; submitJob's own elements are left out.
    for kept in [
        "ListJobs",
        "ListJobsResponse",
        "Job",
        "JobState",
        "Priority",
    ] {
        assert!(types.contains(&kept), "{kept} missing from {types:?}");
    }
    for dropped in ["SubmitJob", "SubmitJobResponse"] {
        assert!(!types.contains(&dropped), "{dropped} kept in {types:?}");
    }
    let all = codegen::plan::plan(&defs, &options(&["listJobs", "submitJob"])).unwrap();
    assert_eq!(all.types.len(), types.len() + 2);

    // The output is complete code: it parses, and names no dropped type.
    let generated = codegen::generate_source(&defs, &options(&["listJobs"])).unwrap();
    syn::parse_file(&generated.source).expect("generated code parses");
    assert!(!generated.source.contains("SubmitJob"));
    assert_eq!(generated.summary.operations, ["listJobs"]);
}

#[test]
fn an_unknown_operation_is_an_error_naming_it() {
    let error = codegen::generate_source(&jobs(), &options(&["listJobs", "listJob"]))
        .expect_err("an unknown operation");
    let message = error.to_string();
    assert!(message.contains("`listJob`"), "{message}");
    assert!(!message.contains("`listJobs`"), "{message}");
}

#[test]
fn the_builder_collects_operations() {
    let out = std::env::temp_dir().join(format!("only-operations-{}", std::process::id()));
    let written = codegen::Builder::new()
        .input(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jobs.wsdl"))
        .out_dir(&out)
        .module_name("jobs")
        .only_operations(["submitJob"])
        .emit_rerun_if_changed(false)
        .generate()
        .unwrap();
    std::fs::remove_dir_all(&out).unwrap();
    assert_eq!(written[0].1.summary.operations, ["submitJob"]);
}
