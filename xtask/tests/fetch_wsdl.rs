//! `cargo xtask fetch-wsdl` against a local HTTP server (never the internet).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

/// Serves `body` with `status` to one request, on 127.0.0.1.
fn serve_once(status: &'static str, body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    format!("http://{address}/scene7/webservice/IpsApi-2014-04-03.wsdl")
}

fn project_wsdl() -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ips-client/wsdl/IpsApi-2014-04-03.wsdl");
    std::fs::read_to_string(path).expect("project WSDL")
}

fn fetch(url: &str, out: &PathBuf) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["fetch-wsdl", "--url", url, "--out"])
        .arg(out)
        .output()
        .expect("running xtask")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fetch-wsdl-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn downloads_a_wsdl_and_checks_it_loads() {
    let dir = scratch("ok");
    let out = dir.join("IpsApi.wsdl");
    let output = fetch(&serve_once("200 OK", project_wsdl()), &out);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("operations"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), project_wsdl());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_error_page_never_replaces_the_destination() {
    let dir = scratch("html");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("IpsApi.wsdl");
    std::fs::write(&out, "previous").unwrap();
    for (status, body) in [
        ("200 OK", "<html><body>Sign in</body></html>".to_owned()),
        ("502 Bad Gateway", "<html>Bad Gateway</html>".to_owned()),
    ] {
        let output = fetch(&serve_once(status, body), &out);
        assert!(!output.status.success());
        assert!(!String::from_utf8_lossy(&output.stderr).is_empty());
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous");
    }
    let leftovers = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file is left behind");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn plain_http_off_loopback_is_refused() {
    let dir = scratch("insecure");
    let output = fetch("http://example.com/IpsApi.wsdl", &dir.join("IpsApi.wsdl"));
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("https"));
}
