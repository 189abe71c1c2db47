fn main() {
    for arg in std::env::args().skip(1) {
        let t = std::time::Instant::now();
        match wsdl::load(std::path::Path::new(&arg)) {
            Ok(d) => {
                let ops: usize = d.port_types.values().map(|p| p.operations.len()).sum();
                println!(
                    "OK {arg}: files={} ops={} bindings={} services={} elements={} types={} ({:?})",
                    d.files.len(),
                    ops,
                    d.bindings.len(),
                    d.services.len(),
                    d.schema.elements.len(),
                    d.schema.types.len(),
                    t.elapsed()
                );
                for n in d.notes.iter().take(8) {
                    println!("   note: {n}");
                }
                if std::env::var("DUMP").is_ok() {
                    println!("{d:#?}");
                }
            }
            Err(e) => println!("ERR {arg}: {e}"),
        }
    }
}
