//! Deterministic sample values for generated types, so tests can exercise
//! every field of every operation without hand-listing values.
//!
//! Values are non-trivial on purpose: strings carry markup characters and
//! non-ASCII text, numbers vary, optional fields are set and lists hold
//! two entries, down to a nesting depth that keeps recursive types finite.

use chrono::{Duration, FixedOffset, NaiveDate};

use super::values::DateTime;

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

/// Sample of `T`, for generated code.
pub fn sample<T: Sample>(gen: &mut Gen) -> T {
    T::sample(gen)
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
        let n = gen.number();
        (0..(n % 7 + 1))
            .map(|i| (n.wrapping_add(i * 37) % 256) as u8)
            .collect()
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

impl<T: Sample> Sample for Box<T> {
    fn sample(gen: &mut Gen) -> Self {
        Box::new(T::sample(gen))
    }
}

impl<T: Sample> Sample for super::xml::Nillable<T> {
    /// Nil about one time in three, so both forms cross the wire.
    fn sample(gen: &mut Gen) -> Self {
        if gen.number() % 3 == 0 {
            super::xml::Nillable::Nil
        } else {
            super::xml::Nillable::Value(T::sample(gen))
        }
    }
}

/// Lexical-form types: a valid form that varies with the next number.
macro_rules! sample_lexical {
    ($($ty:ident => |$n:ident| $form:expr;)*) => {$(
        impl Sample for super::values::$ty {
            fn sample(gen: &mut Gen) -> Self {
                let $n = gen.number();
                let form: String = $form;
                super::values::$ty::new(&form).unwrap_or_default()
            }
        }
    )*};
}

sample_lexical! {
    // Exact values beyond any float: many digits, a sign, a fraction.
    Decimal => |n| format!("-{}{:04}.{:03}", n % 1000, n % 10_000, n % 997);
    Integer => |n| format!("{}98765432109876543210", n % 1000);
    Date => |n| format!("20{:02}-{:02}-{:02}", n % 100, n % 12 + 1, n % 28 + 1);
    Time => |n| format!("{:02}:{:02}:{:02}", n % 24, n % 60, (n / 7) % 60);
    Duration => |n| format!("P{}DT{}H{}M", n % 400, n % 24, n % 60);
    GYear => |n| format!("{}", 1900 + n % 200);
    GYearMonth => |n| format!("{}-{:02}", 1900 + n % 200, n % 12 + 1);
    GMonth => |n| format!("--{:02}", n % 12 + 1);
    GMonthDay => |n| format!("--{:02}-{:02}", n % 12 + 1, n % 28 + 1);
    GDay => |n| format!("---{:02}", n % 28 + 1);
    // Unprefixed, so it needs no namespace binding to be meaningful.
    QName => |n| format!("v{n}");
}

impl Sample for super::values::HexBinary {
    fn sample(gen: &mut Gen) -> Self {
        super::values::HexBinary(Vec::<u8>::sample(gen))
    }
}

impl<T: Sample + super::xml::XmlValue> Sample for super::xml::List<T> {
    /// Two items; an item whose form holds whitespace (a string sample)
    /// would split in two on the wire, so it is replaced by a single token.
    fn sample(gen: &mut Gen) -> Self {
        let items = (0..2)
            .map(|_| {
                let item = T::sample(gen);
                if item.to_xml_text().contains(char::is_whitespace) {
                    T::from_xml_text(&format!("v{}", gen.number())).unwrap_or(item)
                } else {
                    item
                }
            })
            .collect();
        super::xml::List(items)
    }
}

impl Sample for super::xml::Node {
    /// Text: two text nodes side by side would read back as one.
    fn sample(gen: &mut Gen) -> Self {
        super::xml::Node::Text(String::sample(gen))
    }
}

impl Sample for super::xml::AnyContent {
    fn sample(gen: &mut Gen) -> Self {
        super::xml::AnyContent::text(String::sample(gen))
    }
}

impl Gen {
    /// An element kept as received, for `xs:any`: in `namespace` (which the
    /// wildcard must accept), with an attribute, text and a child.
    pub fn raw_element(&mut self, namespace: Option<&str>) -> super::xml::RawElement {
        let n = self.number();
        let xmlns = namespace
            .map(|ns| format!(" xmlns=\"{}\"", quick_xml::escape::escape(ns)))
            .unwrap_or_default();
        let xml =
            format!("<extra{n}{xmlns} n=\"{n}\">text {n} &amp; more<child>{n}</child></extra{n}>");
        super::xml::RawElement::parse(&xml).unwrap_or_default()
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
