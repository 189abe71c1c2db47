//! A deterministic, seeded mutation fuzzer for stable Rust (no cargo-fuzz):
//! takes valid seed WSDLs, applies byte-, line- and token-level mutations,
//! writes each mutant over a temp copy of its seed's directory (so relative
//! imports still resolve) and runs a check on it, catching panics.
//!
//! Shared by `wsdl/tests/fuzz_loader.rs` and `xtask/tests/fuzz_generate.rs`
//! (through `#[path]`). Knobs, all environment variables:
//!
//! - `FUZZ_ITERATIONS`: executions to run (default: the caller's, small);
//! - `FUZZ_SECONDS`: if set, run until this many seconds have passed instead;
//! - `FUZZ_SEED`: the RNG seed (default fixed, so runs are reproducible);
//! - `FUZZ_CORPUS`: a directory whose `*.wsdl` files (with their
//!   directories) are added to the seeds, e.g. `../shared/wsdl-corpus`.
//!
//! A panic does not stop the run: the input is saved under
//! `target/tmp/fuzz-crashes/` and the run fails at the end, listing them.
//! A stack overflow cannot be caught: the input being run is always in
//! `target/tmp/fuzz-<name>/current/`, and its name is printed first.

#![allow(dead_code)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// xorshift64*: small, fast, and the same sequence on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        // Never zero (xorshift would stay at zero).
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15 | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A range inside `0..len`, short ranges more likely than long ones.
    pub fn range(&mut self, len: usize) -> (usize, usize) {
        if len == 0 {
            return (0, 0);
        }
        let start = self.below(len);
        let max = (len - start).min(*self.pick(&[4, 16, 64, 512, 4096, len]));
        (
            start,
            start + 1 + self.below(max.max(1)).min(len - start - 1),
        )
    }
}

/// One seed: a directory copied to the temp dir, and the entry file in it.
pub struct Seed {
    pub name: String,
    /// The directory copied (recursively) so imports resolve; `None` copies
    /// the entry alone.
    pub dir: Option<PathBuf>,
    /// The entry WSDL (absolute).
    pub entry: PathBuf,
}

impl Seed {
    fn single(path: PathBuf) -> Seed {
        Seed {
            name: path.file_name().unwrap().to_string_lossy().into_owned(),
            dir: None,
            entry: path,
        }
    }

    fn with_dir(dir: PathBuf, entry: &str) -> Seed {
        Seed {
            name: format!("{}/{entry}", dir.file_name().unwrap().to_string_lossy()),
            entry: dir.join(entry),
            dir: Some(dir),
        }
    }
}

fn wsdl_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "wsdl") && p.is_file())
        .collect();
    out.sort();
    out
}

/// The seeds: the wsdl crate's valid fixtures (single files and import
/// trees), its error fixtures, the fuzz regressions, the project's IPS WSDL
/// and, when `FUZZ_CORPUS` is set, every `*.wsdl` under that directory.
pub fn seeds() -> Vec<Seed> {
    let wsdl = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("wsdl");
    let fixtures = wsdl.join("tests/fixtures");
    let mut seeds: Vec<Seed> = Vec::new();
    seeds.extend(wsdl_files(&fixtures).into_iter().map(Seed::single));
    seeds.push(Seed::with_dir(fixtures.join("imports"), "main.wsdl"));
    seeds.push(Seed::single(fixtures.join("hostile/valid.wsdl")));
    seeds.push(Seed::with_dir(fixtures.join("hostile/cycle"), "a.wsdl"));
    seeds.push(Seed::with_dir(fixtures.join("hostile/twice"), "main.wsdl"));
    seeds.extend(
        wsdl_files(&fixtures.join("errors"))
            .into_iter()
            .map(Seed::single),
    );
    seeds.extend(
        wsdl_files(&fixtures.join("hostile/fuzz-regressions"))
            .into_iter()
            .map(Seed::single),
    );
    seeds.push(Seed::single(
        wsdl.join("../ips-client/wsdl/IpsApi-2014-04-03.wsdl"),
    ));
    if let Some(corpus) = std::env::var_os("FUZZ_CORPUS") {
        let mut stack = vec![PathBuf::from(corpus)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "wsdl") {
                    let name = path.file_name().unwrap().to_string_lossy().into_owned();
                    seeds.push(Seed::with_dir(dir.clone(), &name));
                }
            }
        }
    }
    seeds.retain(|s| s.entry.is_file());
    seeds
}

/// Names that WSDL and XSD elements and attributes use: renames and new
/// values are drawn from these so mutants reach deep into the resolver.
const ELEMENT_NAMES: &[&str] = &[
    "definitions",
    "types",
    "schema",
    "element",
    "complexType",
    "simpleType",
    "sequence",
    "choice",
    "all",
    "any",
    "anyAttribute",
    "attribute",
    "attributeGroup",
    "group",
    "restriction",
    "extension",
    "complexContent",
    "simpleContent",
    "list",
    "union",
    "enumeration",
    "pattern",
    "maxLength",
    "import",
    "include",
    "redefine",
    "annotation",
    "documentation",
    "message",
    "part",
    "portType",
    "operation",
    "input",
    "output",
    "fault",
    "binding",
    "service",
    "port",
    "body",
    "header",
    "headerfault",
    "address",
    "unique",
    "key",
    "keyref",
    "notation",
    "multipartRelated",
];

const ATTRIBUTE_VALUES: &[&str] = &[
    "",
    " ",
    "x",
    ":",
    "a:b:c",
    ":x",
    "x:",
    "tns:",
    "xs:string",
    "xs:anyType",
    "xs:nope",
    "xsd:int",
    "zz:y",
    "unbounded",
    "0",
    "1",
    "-1",
    "2",
    "4294967296",
    "99999999999999999999",
    "true",
    "false",
    "yes",
    "literal",
    "encoded",
    "rpc",
    "document",
    "qualified",
    "unqualified",
    "prohibited",
    "required",
    "optional",
    "http://schemas.xmlsoap.org/wsdl/",
    "http://www.w3.org/2001/XMLSchema",
    "urn:h",
    "",
    "missing.xsd",
    "./",
    "../",
    ".",
    "%",
    "%zz",
    "%41.xsd",
    "https://example.invalid/x.xsd",
    "ftp://x/y",
    "a#b",
    "self.wsdl",
    "\u{e9}\u{1F980}",
    "&amp;",
    "&lt;x&gt;",
    "&#10;",
    "##any",
    "lax",
    // Not files: endless, blocking or generated on read.
    "/dev/zero",
    "/dev/stdin",
    "/proc/self/status",
    "/",
];

const TOKENS: &[&[u8]] = &[
    b"<",
    b">",
    b"&",
    b"\"",
    b"'",
    b"</",
    b"/>",
    b"<!--",
    b"-->",
    b"<![CDATA[",
    b"]]>",
    b"&amp;",
    b"&lt;",
    b"&#0;",
    b"&#x10FFFF;",
    b"&#xD800;",
    b"&bogus;",
    b"<?xml version=\"1.0\"?>",
    b"<?pi data?>",
    b"<!DOCTYPE x>",
    b"<!DOCTYPE x [<!ENTITY e \"e\">]>",
    b" xmlns:p=\"\"",
    b" xmlns=\"\"",
    b" xmlns:tns=\"urn:other\"",
    b"\0",
    b"\xFF",
    b"\xC3",
    b"\xEF\xBB\xBF",
    b"\r\n",
    b"=",
    b":",
    b"\t",
    b"]]",
    b"<x/>",
    b"</x>",
    b"<wsdl:documentation>",
    b"</wsdl:documentation>",
    b" name=\"dup\"",
    b" ref=\"tns:ping\"",
    b" type=\"tns:PingType\"",
    b" minOccurs=\"3\" maxOccurs=\"2\"",
];

/// New names for definitions: Rust keywords, names that collide once
/// case-converted, names that are not identifiers, and long ones.
const TRICKY_NAMES: &[&str] = &[
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "async",
    "await",
    "dyn",
    "fn",
    "match",
    "mod",
    "move",
    "ref",
    "loop",
    "union",
    "r#type",
    "_",
    "__",
    "a_",
    "A",
    "a",
    "AB",
    "a_b",
    "aB",
    "AB_",
    "1st",
    "a-b",
    "a.b",
    "a__b",
    "\u{e9}t\u{e9}",
    "\u{1F980}",
    "Result",
    "Option",
    "String",
    "Vec",
    "Box",
    "Default",
    "Error",
    "rt",
    "client",
    "Client",
    "request",
    "response",
    "None",
    "Some",
    "Ok",
    "Err",
    "ping",
    "Ping",
    "PING",
    "pingRequest",
    "PingRequest",
    "ping_request",
    "xmlns",
    "xml",
    "Xml",
    "thisIsAVeryLongNameThatGoesOnAndOnAndOnAndOnAndOnAndOnAndOnAndOnAndOnAndOn",
];

const PREFIXES: &[&str] = &[
    "", "zz", "xs", "xsd", "s", "tns", "wsdl", "soap", "soap12", "xml", "xmlns", "a\u{e9}", "ns1",
];

/// Positions of `needle` in `hay`.
fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return Vec::new();
    }
    hay.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') || b >= 0x80
}

/// Start positions of lines.
fn line_starts(data: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        data.iter()
            .enumerate()
            .filter(|(_, &b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    starts
}

/// The mutations, with weights: those that keep the XML well-formed
/// (values, names, attributes, whole elements) are drawn more often than
/// raw byte damage, so mutants get past the parser into the resolver.
const MUTATIONS: &[(usize, &str)] = &[
    (1, "delete range"),
    (1, "duplicate range"),
    (1, "swap ranges"),
    (1, "flip bits"),
    (1, "set byte"),
    (2, "insert token"),
    (1, "deep nesting"),
    (3, "change prefix"),
    (4, "drop attribute"),
    (6, "replace attribute value"),
    (4, "rename element"),
    (2, "rename definition"),
    (3, "duplicate element"),
    (2, "delete element"),
    (2, "lines"),
    (1, "splice"),
    (1, "truncate"),
    (1, "repeat line"),
];

/// Mutations that mostly keep a document well-formed and loadable, for
/// fuzzing what comes after the loader (the generator).
const STRUCTURAL_MUTATIONS: &[(usize, &str)] = &[
    (4, "drop attribute"),
    (8, "replace attribute value"),
    (4, "rename element"),
    (6, "rename definition"),
    (4, "duplicate element"),
    (3, "delete element"),
    (2, "change prefix"),
];

/// Applies one random mutation to `data` and says which. `other` is
/// another seed to splice from.
pub fn mutate(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8]) -> &'static str {
    mutate_with(MUTATIONS, rng, data, other)
}

/// Like [`mutate`], with only the mutations that mostly keep a document
/// loadable.
pub fn mutate_structurally(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8]) -> &'static str {
    mutate_with(STRUCTURAL_MUTATIONS, rng, data, other)
}

fn mutate_with(
    table: &[(usize, &'static str)],
    rng: &mut Rng,
    data: &mut Vec<u8>,
    other: &[u8],
) -> &'static str {
    let total: usize = table.iter().map(|(w, _)| w).sum();
    let mut roll = rng.below(total);
    let name = table
        .iter()
        .find(|(w, _)| {
            let hit = roll < *w;
            roll = roll.saturating_sub(*w);
            hit
        })
        .map_or("truncate", |(_, n)| n);
    let structural = std::ptr::eq(table, STRUCTURAL_MUTATIONS);
    apply(rng, name, data, other, structural);
    name
}

/// The end of the element that starts at `lt` (a `<` of a start tag): just
/// past its matching end tag, or its `/>`. Counts same-named tags only, so
/// it is approximate; `None` when not found.
fn element_end(data: &[u8], lt: usize) -> Option<usize> {
    let mut end = lt + 1;
    while end < data.len() && (is_name_byte(data[end]) || data[end] == b':') {
        end += 1;
    }
    let name = &data[lt + 1..end];
    if name.is_empty() {
        return None;
    }
    let tag_end = lt + data[lt..].iter().position(|&b| b == b'>')?;
    if data[tag_end - 1] == b'/' {
        return Some(tag_end + 1);
    }
    let open: Vec<u8> = [b"<".as_slice(), name].concat();
    let close: Vec<u8> = [b"</".as_slice(), name, b">"].concat();
    let mut depth = 1usize;
    let mut i = tag_end + 1;
    while i < data.len() {
        if data[i..].starts_with(&close) {
            depth -= 1;
            if depth == 0 {
                return Some(i + close.len());
            }
            i += close.len();
        } else if data[i..].starts_with(&open)
            && data
                .get(i + open.len())
                .is_some_and(|&b| !is_name_byte(b) && b != b':')
        {
            // A nested same-named start tag, unless self-closing.
            let e = i + data[i..].iter().position(|&b| b == b'>')?;
            if data[e - 1] != b'/' {
                depth += 1;
            }
            i = e + 1;
        } else {
            i += 1;
        }
    }
    None
}

/// `<` positions that start a start tag (followed by a name byte).
fn start_tags(data: &[u8]) -> Vec<usize> {
    find_all(data, b"<")
        .into_iter()
        .filter(|&i| data.get(i + 1).is_some_and(|&b| is_name_byte(b)))
        .collect()
}

/// Applies mutation `name`. `structural` prefers the variants that keep
/// the document well-formed and its references resolvable.
fn apply(rng: &mut Rng, name: &str, data: &mut Vec<u8>, other: &[u8], structural: bool) {
    let len = data.len();
    match name {
        "delete range" => {
            let (a, b) = rng.range(len);
            data.drain(a..b);
        }
        "duplicate range" => {
            let (a, b) = rng.range(len);
            let copy = data[a..b].to_vec();
            let at = rng.below(len + 1);
            data.splice(at..at, copy);
        }
        "swap ranges" => {
            let (a, b) = rng.range(len);
            let (c, d) = rng.range(len);
            let ((a, b), (c, d)) = if a <= c {
                ((a, b), (c, d))
            } else {
                ((c, d), (a, b))
            };
            if b <= c {
                let first = data[a..b].to_vec();
                let second = data[c..d].to_vec();
                data.splice(c..d, first);
                data.splice(a..b, second);
            }
        }
        "flip bits" => {
            for _ in 0..1 + rng.below(8) {
                if !data.is_empty() {
                    let at = rng.below(data.len());
                    data[at] ^= 1 << rng.below(8);
                }
            }
        }
        "set byte" => {
            if !data.is_empty() {
                let at = rng.below(data.len());
                data[at] = *rng.pick(&[b'<', b'>', b'&', b'"', b'\'', b'/', b':', b'=', 0, 0xFF]);
            }
        }
        "insert token" => {
            let token = *rng.pick(TOKENS);
            let at = rng.below(len + 1);
            data.splice(at..at, token.iter().copied());
        }
        "deep nesting" => {
            let tags = start_tags(data);
            let at = if tags.is_empty() { 0 } else { *rng.pick(&tags) };
            let depth = *rng.pick(&[8, 64, 250, 509, 511, 513, 2000]);
            let name = *rng.pick(&["d", "xs:sequence", "wsdl:documentation", "x:e"]);
            let mut nest = format!("<{name}>").repeat(depth);
            if !rng.chance(3) {
                nest.push_str(&format!("</{name}>").repeat(depth));
            }
            data.splice(at..at, nest.into_bytes());
        }
        "change prefix" => {
            // In a QName value (`="p:x"`) mostly, else anywhere.
            let colons: Vec<usize> = if !structural && rng.chance(3) {
                find_all(data, b":")
            } else {
                find_all(data, b"=\"")
                    .into_iter()
                    .filter_map(|q| {
                        let v = &data[q + 2..];
                        let p = v.iter().take(32).position(|&b| b == b':' || b == b'"')?;
                        (v[p] == b':').then_some(q + 2 + p)
                    })
                    .collect()
            };
            if let Some(&at) = (!colons.is_empty()).then(|| rng.pick(&colons)) {
                let mut start = at;
                while start > 0 && is_name_byte(data[start - 1]) {
                    start -= 1;
                }
                let prefix = rng.pick(PREFIXES);
                let mut new = prefix.as_bytes().to_vec();
                if !prefix.is_empty() || rng.chance(2) {
                    new.push(b':');
                }
                data.splice(start..at + 1, new);
            }
        }
        "drop attribute" => {
            let quotes = find_all(data, b"=\"");
            if let Some(&eq) = (!quotes.is_empty()).then(|| rng.pick(&quotes)) {
                let mut start = eq;
                while start > 0 && !matches!(data[start - 1], b' ' | b'\n' | b'\t') {
                    start -= 1;
                }
                let end = data[eq + 2..]
                    .iter()
                    .position(|&b| b == b'"')
                    .map_or(data.len(), |p| eq + 2 + p + 1);
                data.drain(start.saturating_sub(1)..end);
            }
        }
        "replace attribute value" => {
            let quotes = find_all(data, b"=\"");
            if let Some(&eq) = (!quotes.is_empty()).then(|| rng.pick(&quotes)) {
                let start = eq + 2;
                let end = data[start..]
                    .iter()
                    .position(|&b| b == b'"')
                    .map_or(data.len(), |p| start + p);
                let from_document = if structural {
                    !rng.chance(3)
                } else {
                    rng.chance(3)
                };
                let value: Vec<u8> = if from_document {
                    // Another value from the document: duplicates, cycles.
                    let o = *rng.pick(&quotes) + 2;
                    let oe = data[o..]
                        .iter()
                        .position(|&b| b == b'"')
                        .map_or(o, |p| o + p);
                    data[o..oe].to_vec()
                } else {
                    rng.pick(ATTRIBUTE_VALUES).as_bytes().to_vec()
                };
                data.splice(start..end, value);
            }
        }
        "rename element" => {
            // The local part of a tag name: in every start and end tag of
            // that name (stays well-formed), or in one tag only.
            let tags = find_all(data, b"<");
            if let Some(&lt) = (!tags.is_empty()).then(|| rng.pick(&tags)) {
                let mut start = lt + 1;
                if data.get(start) == Some(&b'/') {
                    start += 1;
                }
                let mut end = start;
                while end < data.len() && (is_name_byte(data[end]) || data[end] == b':') {
                    end += 1;
                }
                let local = data[start..end]
                    .iter()
                    .rposition(|&b| b == b':')
                    .map_or(start, |p| start + p + 1);
                let new = rng.pick(ELEMENT_NAMES).as_bytes();
                if (!structural && rng.chance(3)) || local == end {
                    data.splice(local..end, new.iter().copied());
                } else {
                    let qname = data[start..end].to_vec();
                    let renamed: Vec<u8> = [&data[start..local], new].concat();
                    let mut out = Vec::with_capacity(data.len());
                    let mut i = 0;
                    while i < data.len() {
                        let tag = if data[i..].starts_with(b"</") { 2 } else { 1 };
                        if data[i] == b'<'
                            && data[i + tag..].starts_with(&qname)
                            && data
                                .get(i + tag + qname.len())
                                .is_some_and(|&b| !is_name_byte(b) && b != b':')
                        {
                            out.extend_from_slice(&data[i..i + tag]);
                            out.extend_from_slice(&renamed);
                            i += tag + qname.len();
                        } else {
                            out.push(data[i]);
                            i += 1;
                        }
                    }
                    *data = out;
                }
            }
        }
        "rename definition" => {
            // A `name="X"`, renamed together with every reference to it
            // (`"X"`, `:X"`, ` X"`), so the document stays consistent.
            let names = find_all(data, b"name=\"");
            if let Some(&at) = (!names.is_empty()).then(|| rng.pick(&names)) {
                let start = at + 6;
                let end = data[start..]
                    .iter()
                    .position(|&b| b == b'"')
                    .map_or(start, |p| start + p);
                let old = data[start..end].to_vec();
                if !old.is_empty() && !old.contains(&b'<') {
                    let new: Vec<u8> = if rng.chance(4) {
                        // A case variant of itself: collides after case conversion.
                        old.iter()
                            .map(|b| {
                                if rng.chance(2) {
                                    b.to_ascii_uppercase()
                                } else {
                                    b.to_ascii_lowercase()
                                }
                            })
                            .collect()
                    } else {
                        rng.pick(TRICKY_NAMES).as_bytes().to_vec()
                    };
                    let mut out = Vec::with_capacity(data.len());
                    let mut i = 0;
                    while i < data.len() {
                        let before = i.checked_sub(1).map(|j| data[j]);
                        if matches!(before, Some(b'"' | b':' | b' '))
                            && data[i..].starts_with(&old)
                            && matches!(data.get(i + old.len()), Some(b'"' | b' '))
                        {
                            out.extend_from_slice(&new);
                            i += old.len();
                        } else {
                            out.push(data[i]);
                            i += 1;
                        }
                    }
                    *data = out;
                }
            }
        }
        "duplicate element" | "delete element" => {
            // Not the root: a copy would be a second root, no copy an empty file.
            let tags: Vec<usize> = start_tags(data).into_iter().skip(1).collect();
            if let Some(&lt) = (!tags.is_empty()).then(|| rng.pick(&tags)) {
                if let Some(end) = element_end(data, lt) {
                    if name == "delete element" {
                        data.drain(lt..end);
                    } else {
                        let copy = data[lt..end].to_vec();
                        let times = *rng.pick(&[1, 1, 1, 2, 50]);
                        let at = if rng.chance(4) { *rng.pick(&tags) } else { end };
                        data.splice(at..at, copy.repeat(times));
                    }
                }
            }
        }
        "lines" => {
            let starts = line_starts(data);
            let i = rng.below(starts.len());
            let j = (i + 1 + rng.below(8)).min(starts.len());
            let (a, b) = (starts[i], starts.get(j).copied().unwrap_or(data.len()));
            let lines = data[a..b].to_vec();
            match rng.below(3) {
                0 => {
                    data.drain(a..b);
                }
                1 => {
                    data.splice(b..b, lines);
                }
                _ => {
                    data.drain(a..b);
                    let starts = line_starts(data);
                    let at = *rng.pick(&starts);
                    data.splice(at..at, lines);
                }
            }
        }
        "splice" => {
            if !other.is_empty() {
                let (a, b) = rng.range(other.len());
                let at = rng.below(len + 1);
                data.splice(at..at, other[a..b].iter().copied());
            }
        }
        "truncate" => data.truncate(rng.below(len + 1)),
        "repeat line" => {
            let tags = start_tags(data);
            if let Some(&lt) = (!tags.is_empty()).then(|| rng.pick(&tags)) {
                let end = data[lt..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(data.len(), |p| lt + p + 1);
                let piece = data[lt..end].to_vec();
                let times = *rng.pick(&[2, 10, 100, 1000]);
                data.splice(end..end, piece.repeat(times));
            }
        }
        other => unreachable!("mutation {other}"),
    }
}

/// What a check made of one input.
pub enum Outcome {
    Accepted,
    /// A clean error, with a category for the statistics (e.g. the variant).
    Rejected(String),
}

/// What one run of the harness did.
pub struct Report {
    pub executions: u64,
    pub accepted: u64,
    /// Clean rejections by category.
    pub rejected: std::collections::BTreeMap<String, u64>,
    pub slowest: (Duration, String),
    pub elapsed: Duration,
}

pub struct Config {
    pub iterations: u64,
    pub seconds: Option<f64>,
    pub seed: u64,
    /// Largest mutant run; larger ones are cut (keeps debug runs fast).
    pub max_len: usize,
    /// Only structure-keeping mutations, and only the seeds that load: for
    /// fuzzing past the loader.
    pub structural: bool,
}

impl Config {
    pub fn from_env(default_iterations: u64) -> Config {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let parse = |name: &str, v: String| -> f64 {
            v.trim()
                .parse()
                .unwrap_or_else(|_| panic!("{name}={v:?} is not a number"))
        };
        Config {
            iterations: var("FUZZ_ITERATIONS")
                .map_or(default_iterations, |v| parse("FUZZ_ITERATIONS", v) as u64),
            seconds: var("FUZZ_SECONDS").map(|v| parse("FUZZ_SECONDS", v)),
            seed: var("FUZZ_SEED").map_or(0x5EED_2014_0403, |v| parse("FUZZ_SEED", v) as u64),
            max_len: 512 * 1024,
            structural: false,
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else if path.is_file() {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// A seed laid out under the work dir: the entry's copy and the other files
/// of its directory tree (candidates for mutation too).
struct Laid {
    entry: PathBuf,
    original: Vec<u8>,
    others: Vec<(PathBuf, Vec<u8>)>,
}

fn lay_out(seed: &Seed, work: &Path, index: usize) -> Laid {
    let root = work.join(format!("seed{index}"));
    let _ = std::fs::remove_dir_all(&root);
    let entry = match &seed.dir {
        Some(dir) => {
            copy_dir(dir, &root);
            root.join(seed.entry.strip_prefix(dir).unwrap())
        }
        None => {
            std::fs::create_dir_all(&root).unwrap();
            let entry = root.join(seed.entry.file_name().unwrap());
            std::fs::copy(&seed.entry, &entry).unwrap();
            entry
        }
    };
    let mut others = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p != entry {
                let bytes = std::fs::read(&p).unwrap();
                others.push((p, bytes));
            }
        }
    }
    others.sort();
    Laid {
        original: std::fs::read(&entry).unwrap(),
        entry,
        others,
    }
}

/// Runs the fuzz loop: each execution mutates a seed (and sometimes one of
/// the files it imports), writes it in place and calls `check` on the
/// entry. `check` returns an [`Outcome`] for an accepted or a cleanly
/// rejected input and `Err(why)` when a property is violated; a
/// panic is caught. Panics and violations fail the run at the end, with
/// their inputs saved.
pub fn run(
    name: &str,
    config: &Config,
    check: impl Fn(&Path) -> Result<Outcome, String>,
) -> Report {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let work = tmp.join(format!("fuzz-{name}"));
    let crashes = tmp.join("fuzz-crashes");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let mut seeds = seeds();
    if config.structural {
        seeds.retain(|s| !s.entry.parent().is_some_and(|p| p.ends_with("errors")));
    }
    assert!(!seeds.is_empty(), "no seeds found");
    let laid: Vec<Laid> = seeds
        .iter()
        .enumerate()
        .map(|(i, s)| lay_out(s, &work, i))
        .collect();
    eprintln!(
        "{name}: {} seeds, seed {:#x}; an input that aborts the process (stack overflow) is left in {}",
        seeds.len(),
        config.seed,
        work.display()
    );

    let mut rng = Rng::new(config.seed);
    let started = Instant::now();
    let deadline = config.seconds.map(|s| started + Duration::from_secs_f64(s));
    let mut report = Report {
        executions: 0,
        accepted: 0,
        rejected: Default::default(),
        slowest: (Duration::ZERO, String::new()),
        elapsed: Duration::ZERO,
    };
    let mut failures: Vec<String> = Vec::new();
    loop {
        match deadline {
            Some(d) if Instant::now() >= d => break,
            None if report.executions >= config.iterations => break,
            _ => {}
        }
        let i = rng.below(seeds.len());
        let seed = &laid[i];
        let other = &laid[rng.below(laid.len())].original;
        // Mutate the entry (mostly) or one of the files it imports.
        let target = if !seed.others.is_empty() && rng.chance(4) {
            Some(rng.below(seed.others.len()))
        } else {
            None
        };
        let (path, original) = match target {
            Some(t) => (&seed.others[t].0, &seed.others[t].1),
            None => (&seed.entry, &seed.original),
        };
        let mut data = original.clone();
        let mut applied = Vec::new();
        let count = *rng.pick(&[1, 1, 1, 1, 1, 2, 2, 3, 4]);
        for _ in 0..count {
            let table = if config.structural {
                STRUCTURAL_MUTATIONS
            } else {
                MUTATIONS
            };
            applied.push(mutate_with(table, &mut rng, &mut data, other));
        }
        data.truncate(config.max_len);
        std::fs::write(path, &data).unwrap();

        let t = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| check(&seed.entry)));
        let took = t.elapsed();
        report.executions += 1;
        let what = format!(
            "#{} {} [{}] mutating {}",
            report.executions,
            seeds[i].name,
            applied.join(", "),
            path.display()
        );
        if took > report.slowest.0 {
            // Kept for a look: a slow input may be a hang in the making.
            let _ = std::fs::write(work.join("slowest-input"), &data);
            report.slowest = (took, what.clone());
        }
        let failure = match outcome {
            Ok(Ok(Outcome::Accepted)) => {
                report.accepted += 1;
                None
            }
            Ok(Ok(Outcome::Rejected(category))) => {
                *report.rejected.entry(category).or_default() += 1;
                None
            }
            Ok(Err(why)) => Some(why),
            Err(panic) => Some(format!(
                "panicked: {}",
                panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("(non-string payload)")
            )),
        };
        if let Some(why) = failure {
            std::fs::create_dir_all(&crashes).unwrap();
            let saved = crashes.join(format!(
                "{name}-{}-{}",
                report.executions,
                path.file_name().unwrap().to_string_lossy()
            ));
            std::fs::write(&saved, &data).unwrap();
            failures.push(format!(
                "{what}: {why}\n    input saved as {}",
                saved.display()
            ));
        }
        if target.is_some() {
            std::fs::write(path, original).unwrap();
        }
    }
    report.elapsed = started.elapsed();
    let rejected: Vec<String> = report
        .rejected
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    eprintln!(
        "{name}: {} executions in {:.1?}: {} accepted, rejected cleanly: {}; {} failures\n  slowest {:.1?}: {} (kept as {})",
        report.executions,
        report.elapsed,
        report.accepted,
        rejected.join(", "),
        failures.len(),
        report.slowest.0,
        report.slowest.1,
        work.join("slowest-input").display()
    );
    println!("{name}: {} executions", report.executions);
    assert!(
        failures.is_empty(),
        "{} failing input(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    report
}
