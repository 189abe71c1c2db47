//! Deterministic inputs for the decoding and encoding benchmarks, shared by
//! `benches/soap.rs` (criterion) and `cargo xtask bench` (which includes
//! this file by path), so both measure the same bytes.

use ips_client::api;
use ips_client::soap::sample::{Gen, Sample};
use ips_client::soap::{self, Limits, Part, SoapVersion, XmlName};

/// Asset number `i`: every field present, with sample values (markup
/// characters, non-ASCII text, varied numbers and dates). The metadata and
/// permission lists hold two full entries and `imageInfo` has every field
/// but its lists; the other per-type info elements carry their required
/// fields only (IPS fills in just the one for the asset's type).
pub fn sample_asset(i: usize) -> api::Asset {
    let mut gen = Gen::new(&format!("asset {i}"));
    // Sampled three levels down, nested structures get only required fields.
    let mut asset = gen
        .nest(|g| g.nest(|g| g.nest(api::Asset::sample)))
        .flatten()
        .flatten()
        .expect("within the sample depth limit");
    asset.metadata_array = Some(gen.many_with(Sample::sample));
    asset.permissions = Some(gen.many_with(Sample::sample));
    asset.image_info = gen
        .nest(|g| g.nest(|g| g.nest(Sample::sample)))
        .flatten()
        .flatten();
    asset
}

/// Asset number `i` shaped as IPS returns one: the common fields, the
/// metadata and permission lists and the info field of its type (an image),
/// every other info field absent.
pub fn sparse_asset(i: usize) -> api::Asset {
    let full = sample_asset(i);
    api::Asset {
        asset_handle: full.asset_handle,
        type_: full.type_,
        sub_type: full.sub_type,
        name: full.name,
        file_name: full.file_name,
        folder: full.folder,
        folder_handle: full.folder_handle,
        ready_for_publish: full.ready_for_publish,
        trash_state: full.trash_state,
        projects: full.projects,
        ips_image_url: full.ips_image_url,
        created: full.created,
        create_user: full.create_user,
        last_modified: full.last_modified,
        last_modify_user: full.last_modify_user,
        metadata_array: full.metadata_array,
        image_info: full.image_info,
        permissions: full.permissions,
        ..Default::default()
    }
}

/// The wire name of searchAssets' response element.
pub fn search_assets_name() -> XmlName<'static> {
    api::operations::SEARCH_ASSETS
        .response
        .expect("searchAssets has a response")
}

/// A SOAP 1.1 searchAssetsReturn envelope with `n` assets (see
/// [`sample_asset`]), the same bytes for the same `n`.
pub fn search_assets_envelope(n: usize) -> Vec<u8> {
    search_assets_envelope_of(n, sample_asset)
}

/// A searchAssetsReturn envelope with assets `asset(0)` to `asset(n - 1)`.
pub fn search_assets_envelope_of(n: usize, asset: fn(usize) -> api::Asset) -> Vec<u8> {
    let reply = api::SearchAssetsReturn {
        total_rows: Some(i32::try_from(n).unwrap_or(i32::MAX)),
        asset_array: Some((0..n).map(asset).collect()),
    };
    soap::write_envelope(
        SoapVersion::Soap11,
        &[],
        &[Part::new(search_assets_name(), &reply)],
    )
    .expect("sample values encode")
}

/// Decodes a searchAssets response the way the client does (no body size
/// limit: the inputs are ours); returns the number of assets.
pub fn decode_search_assets(document: &[u8]) -> Result<usize, soap::DecodeError> {
    decode_search_assets_reply(document).map(|body| body.asset_array.map_or(0, |a| a.len()))
}

/// [`decode_search_assets`], returning what was decoded (a fault as an
/// empty reply), so that a benchmark can free it outside the timed part.
pub fn decode_search_assets_reply(
    document: &[u8],
) -> Result<api::SearchAssetsReturn, soap::DecodeError> {
    let limits = Limits {
        max_body_bytes: usize::MAX,
        ..Limits::default()
    };
    match soap::read_response::<api::SearchAssetsReturn, api::Fault>(
        document,
        SoapVersion::Soap11,
        search_assets_name(),
        &limits,
    )? {
        soap::Reply::Body(body) => Ok(body),
        soap::Reply::Fault { .. } => Ok(api::SearchAssetsReturn::default()),
    }
}

/// The floor: every event, element names resolved against the namespaces
/// in scope, with the reader settings `XmlReader` uses; builds nothing.
pub fn scan_ns_reader(document: &[u8]) -> usize {
    let mut reader = quick_xml::NsReader::from_reader(document);
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    config.check_end_names = true;
    let mut events = 0;
    loop {
        match reader.read_resolved_event() {
            Ok((_, quick_xml::events::Event::Eof)) => return events,
            Ok(_) => events += 1,
            Err(e) => panic!("scan failed: {e}"),
        }
    }
}

/// The lower floor: every event, no namespace resolution.
pub fn scan_reader(document: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_reader(document);
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    config.check_end_names = true;
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return events,
            Ok(_) => events += 1,
            Err(e) => panic!("scan failed: {e}"),
        }
    }
}

/// A setAssetMetadata request with `updates` metadata updates, and the
/// authHeader sent with it.
pub fn set_asset_metadata_request(updates: usize) -> (api::AuthHeader, api::SetAssetMetadataParam) {
    let mut gen = Gen::new("setAssetMetadata");
    let auth = api::AuthHeader::sample(&mut gen);
    let mut param = api::SetAssetMetadataParam::sample(&mut gen);
    param.update_array = (0..updates)
        .map(|_| api::MetadataUpdate::sample(&mut gen))
        .collect();
    (auth, param)
}

/// The request envelope, as the client writes it.
pub fn encode_set_asset_metadata(
    auth: &api::AuthHeader,
    param: &api::SetAssetMetadataParam,
) -> Vec<u8> {
    soap::write_envelope(
        SoapVersion::Soap11,
        &[Part::new(api::Headers::AUTH_HEADER, auth)],
        &[Part::new(
            api::operations::SET_ASSET_METADATA.request[0],
            param,
        )],
    )
    .expect("sample values encode")
}
