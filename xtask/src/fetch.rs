//! `cargo xtask fetch-wsdl`: downloads an official IPS WSDL to the
//! git-ignored place the ips-client build script prefers
//! (`ips-client/wsdl/fetched/IpsApi.wsdl`). The build itself never touches
//! the network; this command is the one explicit opt-in.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// Largest WSDL accepted (the official ones are about 0.6 MB).
const MAX_BYTES: u64 = 32 * 1024 * 1024;

/// The documented IPS hosts, by region code and environment.
pub fn region_host(region: &str, staging: bool) -> Result<String, String> {
    let number = match region {
        "na" => 1,
        "emea" => 3,
        "apac" => 5,
        other => {
            return Err(format!(
                "unknown region {other:?}: expected na, emea or apac"
            ))
        }
    };
    let suffix = if staging { "-staging" } else { "" };
    Ok(format!("s7sps{number}apissl{suffix}.scene7.com"))
}

/// The URL of a WSDL version on a regional host.
pub fn official_url(region: &str, staging: bool, version: &str) -> Result<String, String> {
    if !version.chars().all(|c| c.is_ascii_digit() || c == '-') || version.is_empty() {
        return Err(format!(
            "invalid API version {version:?}: expected a date such as 2014-04-03"
        ));
    }
    Ok(format!(
        "https://{}/scene7/webservice/IpsApi-{version}.wsdl",
        region_host(region, staging)?
    ))
}

/// The default destination, preferred by the ips-client build script.
pub fn default_destination() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ips-client/wsdl/fetched/IpsApi.wsdl")
}

/// Downloads `url` to `destination`: only a complete response that loads as
/// a WSDL replaces the destination (through a temporary file and a rename).
pub fn fetch(url: &str, destination: &Path) -> Result<String, String> {
    let loopback = url.starts_with("http://127.")
        || url.starts_with("http://localhost")
        || url.starts_with("http://[::1]");
    if !url.starts_with("https://") && !loopback {
        return Err(format!(
            "refusing {url}: only https:// (or http:// on loopback) is fetched"
        ));
    }
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))?;
    let response = client
        .get(url)
        .send()
        .map_err(|e| format!("fetching {url}: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("fetching {url}: HTTP {status}"));
    }
    if response.content_length().is_some_and(|n| n > MAX_BYTES) {
        return Err(format!("fetching {url}: larger than {MAX_BYTES} bytes"));
    }
    let body = response
        .bytes()
        .map_err(|e| format!("reading {url}: {e}"))?;
    if body.len() as u64 > MAX_BYTES {
        return Err(format!("fetching {url}: larger than {MAX_BYTES} bytes"));
    }
    let dir = destination.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let tmp = destination.with_extension(format!("wsdl.{}.tmp", std::process::id()));
    std::fs::write(&tmp, &body).map_err(|e| format!("writing {}: {e}", tmp.display()))?;
    // Check before replacing: a proxy's HTML page must not become the build's input.
    let summary = match wsdl::load(&tmp) {
        Ok(defs) => {
            let operations: usize = defs.port_types.values().map(|p| p.operations.len()).sum();
            format!("{} bytes, {operations} operations", body.len())
        }
        Err(error) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(format!("{url} did not return a usable WSDL: {error}"));
        }
    };
    std::fs::rename(&tmp, destination).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("moving the download to {}: {e}", destination.display())
    })?;
    Ok(summary)
}
