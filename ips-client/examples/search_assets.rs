//! Searches assets page by page, as a stream that fetches the next page
//! only when the previous one has been used, and prints each asset.
//!
//! Against the embedded mock (the default) the company holds 45 generated
//! assets, read 20 at a time. For a real IPS set `IPS_ENDPOINT`,
//! `IPS_USER`, `IPS_PASSWORD` and `IPS_COMPANY_HANDLE` (and optionally
//! `IPS_FOLDER`, a folder path to search in).
//!
//! `cargo run -p ips-client --example search_assets`

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use futures_util::StreamExt as _;
use ips_client::api::{Asset, SearchAssetsParam};
use ips_client::workflows::search_asset_pages;

#[tokio::main]
async fn main() -> ExitCode {
    let setup = async {
        let target = common::Target::from_env().await?;
        let company = target.setting("IPS_COMPANY_HANDLE", "47")?;
        let client = target.builder().build().map_err(|e| e.to_string())?;
        Ok::<_, String>((target, company, client))
    };
    let (target, company, client) = match setup.await {
        Ok(ready) => ready,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(mock) = &target.mock {
        mock.set_assets(
            (1..=45)
                .map(|n| Asset {
                    asset_handle: Some(format!("a|{n}")),
                    name: Some(format!("product-{n:02}.jpg")),
                    type_: Some("Image".into()),
                    ..Default::default()
                })
                .collect(),
        );
    }
    println!("endpoint: {}{}", target.endpoint, target.label());
    let request = SearchAssetsParam {
        company_handle: company,
        folder: std::env::var("IPS_FOLDER").ok(),
        ..Default::default()
    };
    let mut pages = std::pin::pin!(search_asset_pages(&client, request, 20).into_stream());
    let mut seen = 0;
    while let Some(page) = pages.next().await {
        match page {
            Ok(assets) => {
                println!("page of {} assets:", assets.len());
                for asset in assets {
                    seen += 1;
                    println!(
                        "  {seen:>4} {} {}",
                        asset.asset_handle.as_deref().unwrap_or("(no handle)"),
                        asset.name.as_deref().unwrap_or("(no name)")
                    );
                }
            }
            Err(error) => {
                println!("outcome:  {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("outcome:  {seen} assets");
    ExitCode::SUCCESS
}
