//! Deterministic sample values for generated types, so tests can exercise
//! every field of every operation without hand-listing values (feature
//! `samples`).
//!
//! Values are non-trivial on purpose: strings carry markup characters and
//! non-ASCII text, numbers vary, optional fields are set and lists hold
//! two entries, down to a nesting depth that keeps recursive types finite.
//! Values of restricted simple types follow the schema's facets
//! ([`Facets`], [`sample_with`]) so that the messages built from them are
//! schema-valid: lengths, ranges, digits, enumerations, and patterns (a
//! string is generated from the pattern's regular expression).

use std::convert::Infallible;

use chrono::{Duration, FixedOffset, NaiveDate};
use rand::distr::Distribution as _;
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Repetition};

use super::values::{
    Date, DateTime, Decimal, Duration as XsdDuration, GDay, GMonth, GMonthDay, GYear, GYearMonth,
    HexBinary, Integer, QName, Time,
};
use super::xml::{AnyContent, List, Nillable, Node, RawElement, XmlValue};

/// A value that can be made up for tests.
pub trait Sample: Sized {
    fn sample(gen: &mut Gen) -> Self;
}

/// The source of sample values: a counter seeded from a name, plus the
/// current nesting depth.
#[derive(Debug, Clone)]
pub struct Gen {
    counter: u64,
    depth: usize,
    max_depth: usize,
}

impl Gen {
    /// A generator whose values depend only on `seed` (an operation name, say).
    pub fn new(seed: &str) -> Self {
        // FNV-1a: stable across platforms and runs, unlike std's hasher.
        let counter = seed.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        Gen {
            counter,
            depth: 0,
            max_depth: 4,
        }
    }

    /// The next number in the sequence.
    pub fn number(&mut self) -> u64 {
        self.counter = self
            .counter
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.counter >> 33
    }

    /// Runs `make` one level deeper; `None` once the depth limit is reached,
    /// which is what ends recursive types.
    pub fn nest<T>(&mut self, make: impl FnOnce(&mut Gen) -> T) -> Option<T> {
        if self.depth >= self.max_depth {
            return None;
        }
        self.depth += 1;
        let value = make(self);
        self.depth -= 1;
        Some(value)
    }

    /// Two values one level deeper (none past the depth limit).
    pub fn many_with<T>(&mut self, mut make: impl FnMut(&mut Gen) -> T) -> Vec<T> {
        (0..2).filter_map(|_| self.nest(&mut make)).collect()
    }

    /// Like [`many_with`](Self::many_with) for a list the schema requires
    /// `min` entries in: at least `min` values, and past the depth limit
    /// still `min`, made deeper still, up to a hard limit that keeps a
    /// schema requiring endless nesting finite.
    pub fn at_least<T>(&mut self, min: usize, mut make: impl FnMut(&mut Gen) -> T) -> Vec<T> {
        if self.depth < self.max_depth {
            return (0..min.max(2))
                .filter_map(|_| self.nest(&mut make))
                .collect();
        }
        if self.depth >= self.max_depth * 4 {
            return Vec::new();
        }
        self.depth += 1;
        let items = (0..min).map(|_| make(self)).collect();
        self.depth -= 1;
        items
    }

    /// Like [`repeat`](Self::repeat), with at least `min` values.
    pub fn repeat_at_least<T>(&mut self, min: usize, make: impl FnMut(&mut Gen) -> T) -> Vec<T> {
        let mut make = make;
        (0..min.max(2)).map(|_| make(self)).collect()
    }

    /// Two values of a simple type: no depth is used, since they cannot recurse.
    pub fn repeat<T>(&mut self, mut make: impl FnMut(&mut Gen) -> T) -> Vec<T> {
        (0..2).map(|_| make(self)).collect()
    }

    /// An optional list: two values one level deeper, or `None` rather than
    /// an empty list past the depth limit (a present but empty wrapper is a
    /// value some stacks do not keep, so samples avoid it).
    pub fn nest_many<T>(&mut self, make: impl FnMut(&mut Gen) -> T) -> Option<Vec<T>> {
        Some(self.many_with(make)).filter(|items| !items.is_empty())
    }

    /// An index below `count`, by the next number; 0 at the depth limit
    /// (so a recursive choice among types ends with the first).
    pub fn pick_index(&mut self, count: usize) -> usize {
        if count == 0 || self.depth >= self.max_depth {
            return 0;
        }
        (self.number() % count as u64) as usize
    }

    /// One of `choices`, by the next number.
    pub fn pick<T: Clone>(&mut self, choices: &[T]) -> Option<T> {
        if choices.is_empty() {
            return None;
        }
        let index = (self.number() % choices.len() as u64) as usize;
        choices.get(index).cloned()
    }
}

/// The generator is the random source of pattern-driven strings, so they
/// too depend only on the seed.
impl rand::TryRng for Gen {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.number() as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok((self.number() << 32) ^ self.number())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for byte in dst {
            *byte = self.number() as u8;
        }
        Ok(())
    }
}

/// Sample of `T`, for generated code.
pub fn sample<T: Sample>(gen: &mut Gen) -> T {
    T::sample(gen)
}

/// What the schema says about a simple value: the XSD built-in type its
/// type derives from and the facets of its restrictions. Generated code
/// writes these as constants; the empty default constrains nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facets {
    /// Local name of the XSD built-in at the root of the derivation
    /// (`"NCName"`, `"positiveInteger"`); empty when there is none to honour.
    pub builtin: &'static str,
    pub length: Option<u64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// A pattern, already translated from XSD to `regex-syntax` syntax,
    /// without anchors: as in XSD, the whole value matches it.
    pub pattern: Option<&'static str>,
    pub min_inclusive: Option<&'static str>,
    pub max_inclusive: Option<&'static str>,
    pub min_exclusive: Option<&'static str>,
    pub max_exclusive: Option<&'static str>,
    pub total_digits: Option<u32>,
    pub fraction_digits: Option<u32>,
    /// The values allowed (the enumerations of a union's member, say).
    pub enumeration: &'static [&'static str],
    /// For an `xs:list`: the constraints of each item (the length facets
    /// above then count items).
    pub item: Option<&'static Facets>,
}

impl Facets {
    /// No constraint at all.
    pub const NONE: Facets = Facets {
        builtin: "",
        length: None,
        min_length: None,
        max_length: None,
        pattern: None,
        min_inclusive: None,
        max_inclusive: None,
        min_exclusive: None,
        max_exclusive: None,
        total_digits: None,
        fraction_digits: None,
        enumeration: &[],
        item: None,
    };
}

/// A sample of `T` that satisfies `facets`: a lexical form is made to fit
/// them, then parsed as `T`. Should the form not parse (a facet combination
/// no value satisfies), the unconstrained sample is used, and schema
/// validation of the message will say which value is wrong.
pub fn sample_with<T: XmlValue + Sample>(gen: &mut Gen, facets: &Facets) -> T {
    let text = lexical(gen, facets, false);
    T::from_xml_text(&text).unwrap_or_else(|_| T::sample(gen))
}

/// A lexical form satisfying `facets`; `in_list` keeps whitespace out
/// (list items are separated by it).
pub fn lexical(gen: &mut Gen, facets: &Facets, in_list: bool) -> String {
    if let Some(item) = facets.item {
        let count = fit_length(2, facets).max(1);
        return (0..count)
            .map(|_| lexical(gen, item, true))
            .collect::<Vec<_>>()
            .join(" ");
    }
    if !facets.enumeration.is_empty() {
        return gen.pick(facets.enumeration).unwrap_or_default().to_owned();
    }
    if let Some(pattern) = facets.pattern {
        if let Some(text) = from_pattern(gen, pattern, facets) {
            return text;
        }
    }
    let builtin = facets.builtin;
    if let Some((min, max)) = integer_bounds(builtin) {
        return integer_text(gen, facets, min, max);
    }
    match builtin {
        "decimal" | "float" | "double" => decimal_text(gen, facets),
        "boolean" => if gen.number() % 2 == 0 {
            "true"
        } else {
            "false"
        }
        .to_owned(),
        "dateTime" => DateTime::sample(gen).to_string(),
        "date" => Date::sample(gen).to_string(),
        "time" => Time::sample(gen).to_string(),
        "duration" => XsdDuration::sample(gen).to_string(),
        "gYear" => GYear::sample(gen).to_string(),
        "gYearMonth" => GYearMonth::sample(gen).to_string(),
        "gMonth" => GMonth::sample(gen).to_string(),
        "gMonthDay" => GMonthDay::sample(gen).to_string(),
        "gDay" => GDay::sample(gen).to_string(),
        "hexBinary" => HexBinary(bytes(gen, facets)).to_xml_text().into_owned(),
        "base64Binary" => bytes(gen, facets).to_xml_text().into_owned(),
        "NMTOKENS" | "IDREFS" | "ENTITIES" => {
            let item = if builtin == "NMTOKENS" {
                "NMTOKEN"
            } else {
                "NCName"
            };
            let count = fit_length(2, facets).max(1);
            (0..count)
                .map(|_| name_like(gen, item, &Facets::NONE))
                .collect::<Vec<_>>()
                .join(" ")
        }
        "QName" | "NOTATION" | "Name" | "NCName" | "ID" | "IDREF" | "ENTITY" | "NMTOKEN"
        | "language" | "anyURI" => name_like(gen, builtin, facets),
        _ => {
            let text = if in_list {
                format!("item{}", gen.number())
            } else {
                String::sample(gen)
            };
            fit_text(text, facets, 'x')
        }
    }
}

/// Names, tokens, languages and URIs, cut or padded to the length facets
/// with characters that keep them well-formed.
fn name_like(gen: &mut Gen, builtin: &str, facets: &Facets) -> String {
    let n = gen.number();
    let text = match builtin {
        "language" => ["en", "fr-CA", "de", "pt-BR"][(n % 4) as usize].to_owned(),
        "anyURI" => format!("http://example.com/v{n}"),
        "NMTOKEN" => format!("{n}-token"),
        _ => format!("name{n}"),
    };
    let pad = if builtin == "language" { 'a' } else { 'x' };
    fit_text(text, facets, pad)
}

/// `text` cut or padded with `pad` to satisfy the length facets.
fn fit_text(text: String, facets: &Facets, pad: char) -> String {
    let count = text.chars().count();
    let wanted = fit_length(count as u64, facets) as usize;
    if wanted <= count {
        text.chars().take(wanted).collect()
    } else {
        let mut text = text;
        text.extend(std::iter::repeat_n(pad, wanted - count));
        text
    }
}

/// The length closest to `natural` that the length facets allow.
fn fit_length(natural: u64, facets: &Facets) -> u64 {
    if let Some(length) = facets.length {
        return length;
    }
    let mut wanted = natural;
    if let Some(max) = facets.max_length {
        wanted = wanted.min(max);
    }
    if let Some(min) = facets.min_length {
        wanted = wanted.max(min);
    }
    wanted
}

fn bytes(gen: &mut Gen, facets: &Facets) -> Vec<u8> {
    let n = gen.number();
    let count = fit_length(n % 7 + 1, facets);
    (0..count)
        .map(|i| (n.wrapping_add(i * 37) % 256) as u8)
        .collect()
}

/// The value range of the integer built-ins.
fn integer_bounds(builtin: &str) -> Option<(i128, i128)> {
    Some(match builtin {
        "integer" => (i128::from(i64::MIN), i128::from(i64::MAX)),
        "nonNegativeInteger" => (0, i128::from(i64::MAX)),
        "positiveInteger" => (1, i128::from(i64::MAX)),
        "nonPositiveInteger" => (i128::from(i64::MIN), 0),
        "negativeInteger" => (i128::from(i64::MIN), -1),
        "long" => (i128::from(i64::MIN), i128::from(i64::MAX)),
        "int" => (i128::from(i32::MIN), i128::from(i32::MAX)),
        "short" => (i128::from(i16::MIN), i128::from(i16::MAX)),
        "byte" => (i128::from(i8::MIN), i128::from(i8::MAX)),
        "unsignedLong" => (0, i128::from(u64::MAX)),
        "unsignedInt" => (0, i128::from(u32::MAX)),
        "unsignedShort" => (0, i128::from(u16::MAX)),
        "unsignedByte" => (0, i128::from(u8::MAX)),
        _ => return None,
    })
}

/// The bounds the range facets set, as decimals (`None` where the facets
/// and `floor` leave that side open).
fn range(facets: &Facets) -> (Option<f64>, Option<f64>, bool, bool) {
    let parse = |v: Option<&str>| v.and_then(|v| v.trim().parse::<f64>().ok());
    let (min_in, min_ex) = (parse(facets.min_inclusive), parse(facets.min_exclusive));
    let (max_in, max_ex) = (parse(facets.max_inclusive), parse(facets.max_exclusive));
    (
        min_in.or(min_ex),
        max_in.or(max_ex),
        min_in.is_none() && min_ex.is_some(),
        max_in.is_none() && max_ex.is_some(),
    )
}

fn integer_text(gen: &mut Gen, facets: &Facets, min: i128, max: i128) -> String {
    let (low, high, low_open, high_open) = range(facets);
    let mut lo = min;
    let mut hi = max;
    if let Some(low) = low {
        let bound = if low_open {
            low.floor() as i128 + 1
        } else {
            low.ceil() as i128
        };
        lo = lo.max(bound);
    }
    if let Some(high) = high {
        let bound = if high_open {
            high.ceil() as i128 - 1
        } else {
            high.floor() as i128
        };
        hi = hi.min(bound);
    }
    if let Some(digits) = facets.total_digits {
        let limit = 10_i128.saturating_pow(digits.min(30)) - 1;
        lo = lo.max(-limit);
        hi = hi.min(limit);
    }
    // Prefer small, readable values, signed where the range allows.
    let (window_lo, window_hi) = (lo.max(-500), hi.min(999));
    let (lo, hi) = if window_lo <= window_hi {
        (window_lo, window_hi)
    } else {
        (lo, hi)
    };
    if lo > hi {
        return lo.to_string();
    }
    let span = (hi - lo) as u128 + 1;
    (lo + (u128::from(gen.number()) % span) as i128).to_string()
}

/// A decimal (or float) with an exactly representable fraction, inside the
/// range and digit facets.
fn decimal_text(gen: &mut Gen, facets: &Facets) -> String {
    let fraction_digits = facets.fraction_digits.unwrap_or(3).min(3);
    let integer_digits = facets
        .total_digits
        .map(|t| t.saturating_sub(fraction_digits));
    let (low, high, low_open, high_open) = range(facets);
    let limit = integer_digits.map(|d| 10_f64.powi(d.min(15) as i32) - 1.0);
    let mut lo = low.unwrap_or(-500.0).max(limit.map_or(f64::MIN, |l| -l));
    let mut hi = high.unwrap_or(999.0).min(limit.unwrap_or(f64::MAX));
    if low.is_none() && hi < lo {
        lo = hi - 10.0;
    }
    if high.is_none() && hi < lo {
        hi = lo + 10.0;
    }
    let fraction = match fraction_digits {
        0 => 0.0,
        1 => 0.5,
        2 => 0.25,
        _ => 0.125,
    };
    let whole_lo = lo.ceil() as i64;
    let whole_hi = hi.floor() as i64;
    let span = (whole_hi - whole_lo).max(0) as u64 + 1;
    let mut whole = whole_lo + (gen.number() % span) as i64;
    let mut value = whole as f64 + fraction;
    // Step back inside the range where the fraction or an open bound
    // pushed the value out.
    if value > hi || (high_open && value >= hi) {
        whole -= 1;
        value = whole as f64 + fraction;
    }
    if value < lo || (low_open && value <= lo) || value > hi || (high_open && value >= hi) {
        value = whole as f64;
    }
    let text = format!("{value}");
    if text.contains(['e', 'E', 'i', 'N']) {
        "0".to_owned()
    } else {
        text
    }
}

/// A string generated from `pattern` that also satisfies the length
/// facets (a few tries); `None` when the pattern cannot be used.
fn from_pattern(gen: &mut Gen, pattern: &str, facets: &Facets) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()?;
    let max_repeat = facets
        .max_length
        .or(facets.length)
        .map_or(8, |m| m.clamp(1, 32) as u32);
    let regex = rand_regex::Regex::with_hir(printable(hir), max_repeat).ok()?;
    let fits = |text: &str| {
        let count = text.chars().count() as u64;
        facets.length.is_none_or(|l| count == l)
            && facets.min_length.is_none_or(|m| count >= m)
            && facets.max_length.is_none_or(|m| count <= m)
    };
    let mut last = None;
    for _ in 0..32 {
        let text: String = regex.sample(gen);
        if fits(&text) {
            return Some(text);
        }
        last = Some(text);
    }
    last
}

/// Narrows every character class to printable ASCII where it has such
/// characters, otherwise to characters XML allows: a string from the
/// narrowed expression still matches the original one.
fn printable(hir: Hir) -> Hir {
    match hir.into_kind() {
        HirKind::Class(Class::Unicode(class)) => {
            let mut ascii = ClassUnicode::new([ClassUnicodeRange::new(' ', '~')]);
            ascii.intersect(&class);
            if ascii.ranges().is_empty() {
                let mut allowed = ClassUnicode::new([
                    ClassUnicodeRange::new('\u{A0}', '\u{D7FF}'),
                    ClassUnicodeRange::new('\u{E000}', '\u{FFFD}'),
                    ClassUnicodeRange::new('\u{10000}', '\u{10FFFF}'),
                ]);
                allowed.intersect(&class);
                Hir::class(Class::Unicode(allowed))
            } else {
                Hir::class(Class::Unicode(ascii))
            }
        }
        HirKind::Class(Class::Bytes(class)) => {
            let mut ascii =
                regex_syntax::hir::ClassBytes::new([regex_syntax::hir::ClassBytesRange::new(
                    b' ', b'~',
                )]);
            ascii.intersect(&class);
            Hir::class(Class::Bytes(ascii))
        }
        HirKind::Repetition(repetition) => Hir::repetition(Repetition {
            sub: Box::new(printable(*repetition.sub)),
            ..repetition
        }),
        HirKind::Capture(capture) => printable(*capture.sub),
        HirKind::Concat(items) => Hir::concat(items.into_iter().map(printable).collect()),
        HirKind::Alternation(items) => Hir::alternation(items.into_iter().map(printable).collect()),
        HirKind::Literal(literal) => Hir::literal(literal.0),
        // Anchors say nothing a whole-value match does not already say.
        HirKind::Look(_) => Hir::empty(),
        HirKind::Empty => Hir::empty(),
    }
}

impl Sample for String {
    fn sample(gen: &mut Gen) -> Self {
        // Markup characters, quotes and non-ASCII text test the escaping.
        const SUFFIXES: [&str; 4] = [" <a & b>", " \"quoted\" 'text'", " café ✓", " plain"];
        let n = gen.number();
        format!("v{n}{}", SUFFIXES[(n % 4) as usize])
    }
}

impl Sample for bool {
    fn sample(gen: &mut Gen) -> Self {
        gen.number() % 2 == 0
    }
}

macro_rules! sample_integer {
    ($($ty:ty),*) => {$(
        impl Sample for $ty {
            fn sample(gen: &mut Gen) -> Self {
                // Vary the sign for signed types; stay inside the type's range.
                let n = gen.number();
                let value = (n % 1000) as i64 - if <$ty>::MIN as i64 == 0 { 0 } else { 500 };
                value as $ty
            }
        }
    )*};
}

sample_integer!(i8, i16, i32, i64, u8, u16, u32, u64);

// Floating samples always have a fraction that binary represents exactly,
// so every SOAP stack writes the same shortest form ("12.125", never "12" vs "12.0").
impl Sample for f64 {
    fn sample(gen: &mut Gen) -> Self {
        (gen.number() % 100_000) as f64 + 0.125 - 1000.0
    }
}

impl Sample for f32 {
    fn sample(gen: &mut Gen) -> Self {
        (gen.number() % 10_000) as f32 + 0.25
    }
}

impl Sample for Vec<u8> {
    fn sample(gen: &mut Gen) -> Self {
        bytes(gen, &Facets::NONE)
    }
}

impl Sample for DateTime {
    fn sample(gen: &mut Gen) -> Self {
        let n = gen.number();
        // Whole seconds and a non-zero offset: the lexical form every stack
        // agrees on (some write UTC as "Z", others as "+00:00").
        let base = NaiveDate::from_ymd_opt(2014, 4, 3)
            .and_then(|d| d.and_hms_opt(12, 30, 15))
            .unwrap_or_default();
        let local = base + Duration::seconds((n % 100_000_000) as i64);
        let offset = [3_600, 19_800, -21_600][(n % 3) as usize];
        DateTime {
            local,
            offset: FixedOffset::east_opt(offset),
        }
    }
}

/// Lexical types: a valid form made from the next number (the forms are
/// checked by the types themselves; a miss falls back to the type's default).
macro_rules! sample_lexical {
    ($($ty:ty => $make:expr),* $(,)?) => {$(
        impl Sample for $ty {
            fn sample(gen: &mut Gen) -> Self {
                let make: fn(u64) -> String = $make;
                <$ty>::new(make(gen.number())).unwrap_or_default()
            }
        }
    )*};
}

sample_lexical!(
    Decimal => |n| format!("{}.{:02}", n % 100_000, n % 97 + 1),
    Integer => |n| format!("{}", n % 1_000_000),
    Date => |n| format!("20{:02}-{:02}-{:02}", n % 30 + 10, n % 12 + 1, n % 28 + 1),
    Time => |n| format!("{:02}:{:02}:{:02}", n % 24, n % 60, (n / 60) % 60),
    XsdDuration => |n| format!("P{}DT{}H{}M", n % 30, n % 24, n % 60),
    GYear => |n| format!("{}", 1990 + n % 40),
    GYearMonth => |n| format!("{}-{:02}", 1990 + n % 40, n % 12 + 1),
    GMonth => |n| format!("--{:02}", n % 12 + 1),
    GMonthDay => |n| format!("--{:02}-{:02}", n % 12 + 1, n % 28 + 1),
    GDay => |n| format!("---{:02}", n % 28 + 1),
    // Unprefixed: a prefix would need a declaration in scope where it is written.
    QName => |n| format!("name{n}"),
);

impl Sample for HexBinary {
    fn sample(gen: &mut Gen) -> Self {
        HexBinary(bytes(gen, &Facets::NONE))
    }
}

impl<T: Sample> Sample for List<T> {
    fn sample(gen: &mut Gen) -> Self {
        List(gen.repeat(T::sample))
    }
}

impl<T: Sample> Sample for Nillable<T> {
    fn sample(gen: &mut Gen) -> Self {
        Nillable::Value(T::sample(gen))
    }
}

/// Text content, which any `xs:anyType` element may hold.
impl Sample for AnyContent {
    fn sample(gen: &mut Gen) -> Self {
        AnyContent::text(String::sample(gen))
    }
}

/// Mixed content: one text node (two in a row would be read back as one).
impl Sample for Node {
    fn sample(gen: &mut Gen) -> Self {
        Node::Text(String::sample(gen))
    }
}

/// An element for an `xs:any` wildcard, in `namespace` (unqualified when
/// `None`), with text content: named so that no schema declares it, which
/// a lax or skip wildcard accepts.
pub fn any_element(gen: &mut Gen, namespace: Option<&str>) -> RawElement {
    let n = gen.number();
    let xml = match namespace {
        Some(ns) => format!("<sampleExtension xmlns=\"{ns}\">extension {n}</sampleExtension>"),
        None => format!("<sampleExtension>extension {n}</sampleExtension>"),
    };
    RawElement::parse(&xml).unwrap_or_default()
}

impl<T: Sample> Sample for Box<T> {
    fn sample(gen: &mut Gen) -> Self {
        Box::new(T::sample(gen))
    }
}

impl Sample for chrono::DateTime<FixedOffset> {
    /// The same instants as [`DateTime`]'s samples, which always carry an offset.
    fn sample(gen: &mut Gen) -> Self {
        let value = DateTime::sample(gen);
        value
            .offset
            .and_then(|offset| {
                chrono::TimeZone::from_local_datetime(&offset, &value.local).single()
            })
            .unwrap_or_default()
    }
}

impl Sample for chrono::NaiveDate {
    fn sample(gen: &mut Gen) -> Self {
        DateTime::sample(gen).local.date()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<T: XmlValue + Sample>(facets: &Facets, ok: impl Fn(&str) -> bool) {
        let mut gen = Gen::new("facets");
        for _ in 0..50 {
            let value: T = sample_with(&mut gen, facets);
            let text = value.to_xml_text();
            assert!(ok(&text), "{text:?} breaks {facets:?}");
        }
    }

    #[test]
    fn strings_keep_to_their_lengths() {
        let facets = Facets {
            min_length: Some(12),
            max_length: Some(14),
            ..Facets::NONE
        };
        check::<String>(&facets, |t| (12..=14).contains(&t.chars().count()));
        let exact = Facets {
            length: Some(3),
            ..Facets::NONE
        };
        check::<String>(&exact, |t| t.chars().count() == 3);
    }

    #[test]
    fn numbers_keep_to_their_ranges_and_digits() {
        let facets = Facets {
            builtin: "int",
            min_inclusive: Some("1"),
            max_exclusive: Some("5"),
            ..Facets::NONE
        };
        check::<i32>(&facets, |t| (1..5).contains(&t.parse::<i32>().unwrap()));
        let negative = Facets {
            builtin: "negativeInteger",
            ..Facets::NONE
        };
        check::<Integer>(&negative, |t| t.starts_with('-'));
        let digits = Facets {
            builtin: "decimal",
            total_digits: Some(3),
            fraction_digits: Some(1),
            min_inclusive: Some("0"),
            ..Facets::NONE
        };
        check::<Decimal>(&digits, |t| {
            let v: f64 = t.parse().unwrap();
            (0.0..100.0).contains(&v) && t.split('.').nth(1).is_none_or(|f| f.len() <= 1)
        });
        let float = Facets {
            builtin: "float",
            min_inclusive: Some("0"),
            max_inclusive: Some("1"),
            ..Facets::NONE
        };
        check::<f32>(&float, |t| (0.0..=1.0).contains(&t.parse::<f32>().unwrap()));
    }

    #[test]
    fn patterns_generate_matching_printable_strings() {
        let facets = Facets {
            pattern: Some(r"[a-zA-Z0-9]{18}"),
            ..Facets::NONE
        };
        check::<String>(&facets, |t| {
            t.len() == 18 && t.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        let any = Facets {
            pattern: Some(r"[^<]{8,63}"),
            ..Facets::NONE
        };
        check::<String>(&any, |t| {
            (8..=63).contains(&t.len())
                && t.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'<')
        });
    }

    #[test]
    fn lists_names_and_enumerations() {
        static ITEM: Facets = Facets {
            builtin: "int",
            ..Facets::NONE
        };
        let list = Facets {
            item: Some(&ITEM),
            length: Some(3),
            ..Facets::NONE
        };
        check::<List<i32>>(&list, |t| t.split(' ').count() == 3);
        static WORD: Facets = Facets::NONE;
        let words = Facets {
            item: Some(&WORD),
            ..Facets::NONE
        };
        check::<List<String>>(&words, |t| t.split(' ').all(|w| !w.is_empty()));
        let names = Facets {
            builtin: "NCName",
            ..Facets::NONE
        };
        check::<String>(&names, |t| t.chars().next().unwrap().is_ascii_alphabetic());
        let language = Facets {
            builtin: "language",
            ..Facets::NONE
        };
        check::<String>(&language, |t| t.len() <= 5);
        let choices = Facets {
            enumeration: &["a", "b"],
            ..Facets::NONE
        };
        check::<String>(&choices, |t| t == "a" || t == "b");
    }

    #[test]
    fn every_builtin_has_a_form_its_type_reads() {
        let mut gen = Gen::new("builtins");
        for builtin in [
            "dateTime",
            "date",
            "time",
            "duration",
            "gYear",
            "gYearMonth",
            "gMonth",
            "gMonthDay",
            "gDay",
        ] {
            let facets = Facets {
                builtin,
                ..Facets::NONE
            };
            let text = lexical(&mut gen, &facets, false);
            let parsed = match builtin {
                "dateTime" => DateTime::from_xml_text(&text).is_ok(),
                "date" => Date::from_xml_text(&text).is_ok(),
                "time" => Time::from_xml_text(&text).is_ok(),
                "duration" => XsdDuration::from_xml_text(&text).is_ok(),
                "gYear" => GYear::from_xml_text(&text).is_ok(),
                "gYearMonth" => GYearMonth::from_xml_text(&text).is_ok(),
                "gMonth" => GMonth::from_xml_text(&text).is_ok(),
                "gMonthDay" => GMonthDay::from_xml_text(&text).is_ok(),
                _ => GDay::from_xml_text(&text).is_ok(),
            };
            assert!(parsed, "{builtin}: {text}");
        }
        let hex = Facets {
            builtin: "hexBinary",
            length: Some(4),
            ..Facets::NONE
        };
        check::<HexBinary>(&hex, |t| t.len() == 8);
    }

    #[test]
    fn required_lists_have_an_entry_past_the_depth_limit() {
        let mut gen = Gen::new("deep");
        // A list of lists of lists...: the required one always has an entry,
        // and the nesting still ends.
        fn tree(gen: &mut Gen) -> usize {
            1 + gen.at_least(1, tree).iter().sum::<usize>()
        }
        assert!(tree(&mut gen) > 1);
        let mut deep = Gen::new("x");
        let nested = deep.nest(|g| g.nest(|g| g.nest(|g| g.nest(|g| g.at_least(3, |_| 1)))));
        assert_eq!(nested.flatten().flatten().flatten(), Some(vec![1, 1, 1]));
        assert_eq!(Gen::new("y").repeat_at_least(3, |_| 0).len(), 3);
        assert_eq!(Gen::new("y").at_least(1, |_| 0).len(), 2);
    }

    #[test]
    fn any_elements_are_self_contained() {
        let mut gen = Gen::new("any");
        let element = any_element(&mut gen, Some("urn:x"));
        assert_eq!(element.namespace.as_deref(), Some("urn:x"));
        assert!(element.xml.contains("urn:x"));
        assert_eq!(any_element(&mut gen, None).namespace, None);
    }
}
