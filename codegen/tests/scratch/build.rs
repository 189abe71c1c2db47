// The build script a user of the generator writes (copied into a scratch
// crate by codegen/tests/build_script.rs).
fn main() {
    codegen::Builder::new()
        .input("wsdl/service.wsdl")
        .module_name("catalog")
        .runtime_path("ips_client::soap")
        .server(true)
        .module_tree(true)
        .map_type("xs:dateTime", "chrono::DateTime<chrono::FixedOffset>")
        .map_type("{urn:example:scratch}Money", "crate::money::Money")
        .rename("ItemRecord", "Item")
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
}
