//! Rust types for XSD built-ins that have no exact std counterpart.

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use chrono::{FixedOffset, NaiveDateTime, Offset, TimeZone};

use super::xml::XmlValue;

/// `xs:dateTime`: a date and time, with the UTC offset when the value
/// carried one. XSD allows a date-time without a time zone; keeping that
/// distinction means a value read and written again is the value received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    /// The date and time as written (local to `offset` when there is one).
    pub local: NaiveDateTime,
    /// The offset from UTC, `None` for a value without a time zone.
    pub offset: Option<FixedOffset>,
}

impl DateTime {
    /// The instant, when the value has a time zone.
    pub fn to_chrono(&self) -> Option<chrono::DateTime<FixedOffset>> {
        let offset = self.offset?;
        offset.from_local_datetime(&self.local).single()
    }

    /// The instant, reading a value without a time zone as UTC.
    pub fn to_utc(&self) -> chrono::DateTime<chrono::Utc> {
        match self.to_chrono() {
            Some(dt) => dt.with_timezone(&chrono::Utc),
            None => chrono::Utc.from_utc_datetime(&self.local),
        }
    }
}

impl<Tz: TimeZone> From<chrono::DateTime<Tz>> for DateTime {
    fn from(value: chrono::DateTime<Tz>) -> Self {
        DateTime {
            local: value.naive_local(),
            offset: Some(value.offset().fix()),
        }
    }
}

impl Default for DateTime {
    /// The Unix epoch in UTC, so types holding a `DateTime` can derive `Default`.
    fn default() -> Self {
        DateTime {
            local: NaiveDateTime::default(),
            offset: Some(FixedOffset::east_opt(0).unwrap_or_else(|| chrono::Utc.fix())),
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.local.format("%Y-%m-%dT%H:%M:%S%.f"))?;
        match self.offset {
            None => Ok(()),
            Some(offset) if offset.local_minus_utc() == 0 => f.write_str("Z"),
            Some(offset) => {
                let seconds = offset.local_minus_utc();
                let sign = if seconds < 0 { '-' } else { '+' };
                let seconds = seconds.unsigned_abs();
                write!(
                    f,
                    "{sign}{:02}:{:02}",
                    seconds / 3600,
                    (seconds % 3600) / 60
                )
            }
        }
    }
}

impl XmlValue for DateTime {
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }

    fn from_xml_text(text: &str) -> Result<Self, String> {
        const EXPECTED: &str = "xsd:dateTime (YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm])";
        let text = text.trim();
        // Split a trailing zone designator off: "Z", or "+hh:mm" / "-hh:mm"
        // after the time part (the date's own '-' come before the 'T').
        let (local, offset) = if let Some(local) = text.strip_suffix('Z') {
            (local, Some(0))
        } else {
            match text.rfind(['+', '-']) {
                Some(at) if text[..at].contains('T') => {
                    let zone = &text[at..];
                    let sign = if zone.starts_with('-') { -1 } else { 1 };
                    let (hours, minutes) = zone[1..].split_once(':').ok_or(EXPECTED)?;
                    let hours: i32 = hours.parse().map_err(|_| EXPECTED)?;
                    let minutes: i32 = minutes.parse().map_err(|_| EXPECTED)?;
                    if hours > 14 || minutes > 59 {
                        return Err(EXPECTED.into());
                    }
                    (&text[..at], Some(sign * (hours * 3600 + minutes * 60)))
                }
                _ => (text, None),
            }
        };
        let local = match parse_plain_date_time(local) {
            Some(local) => local,
            // Anything else (an expanded year, a leap second...) as chrono reads it.
            None => NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M:%S%.f")
                .map_err(|_| EXPECTED)?,
        };
        let offset = match offset {
            Some(seconds) => Some(FixedOffset::east_opt(seconds).ok_or(EXPECTED)?),
            None => None,
        };
        Ok(DateTime { local, offset })
    }
}

/// `YYYY-MM-DDThh:mm:ss[.f]` with a four-digit year, seconds below 60 and at
/// most nine fractional digits, the form nearly every value has, read
/// directly (chrono's format-string parser costs more than the rest of
/// decoding such an element). `None` for any other text, which is then left
/// to chrono, so what is accepted does not change.
fn parse_plain_date_time(text: &str) -> Option<NaiveDateTime> {
    let bytes = text.as_bytes();
    let (main, fraction) = bytes.split_at_checked(19)?;
    let number = |range: std::ops::Range<usize>| {
        main.get(range)?.iter().try_fold(0u32, |value, &digit| {
            digit
                .is_ascii_digit()
                .then(|| value * 10 + u32::from(digit - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if separators
        .iter()
        .any(|&(at, sep)| main.get(at) != Some(&sep))
    {
        return None;
    }
    let second = number(17..19).filter(|&s| s < 60)?;
    let nanos = match fraction {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            let value = digits.iter().try_fold(0u32, |value, &digit| {
                digit
                    .is_ascii_digit()
                    .then(|| value * 10 + u32::from(digit - b'0'))
            })?;
            value * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    chrono::NaiveDate::from_ymd_opt(
        i32::try_from(number(0..4)?).ok()?,
        number(5..7)?,
        number(8..10)?,
    )?
    .and_hms_nano_opt(number(11..13)?, number(14..16)?, second, nanos)
}

/// `xs:dateTime` as chrono's own type, for callers who map it there
/// (`codegen::Builder::map_type("xs:dateTime", "chrono::DateTime<chrono::FixedOffset>")`).
/// A value without a time zone is refused: this type cannot say "local
/// time, zone unknown" ([`DateTime`] can).
impl XmlValue for chrono::DateTime<FixedOffset> {
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Owned(
            DateTime {
                local: self.naive_local(),
                offset: Some(*self.offset()),
            }
            .to_string(),
        )
    }

    fn from_xml_text(text: &str) -> Result<Self, String> {
        let value = DateTime::from_xml_text(text)?;
        let offset = value
            .offset
            .ok_or("xsd:dateTime with a time zone (Z or ±hh:mm)")?;
        offset
            .from_local_datetime(&value.local)
            .single()
            .ok_or_else(|| "xsd:dateTime".to_owned())
    }
}

/// `xs:date` as chrono's date, for callers who map it there. A time zone,
/// which XSD allows on a date, is refused: this type has none.
impl XmlValue for chrono::NaiveDate {
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.format("%Y-%m-%d").to_string())
    }

    fn from_xml_text(text: &str) -> Result<Self, String> {
        chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| "xsd:date without a time zone (YYYY-MM-DD)".to_owned())
    }
}

/// `xs:base64Binary` is carried as the bytes themselves.
impl XmlValue for Vec<u8> {
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Owned(base64::engine::general_purpose::STANDARD.encode(self))
    }

    fn from_xml_text(text: &str) -> Result<Self, String> {
        // Whitespace (line breaks every 76 characters, say) is allowed in the lexical form.
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map_err(|_| "xsd:base64Binary".to_owned())
    }
}

/// A type that keeps the lexical form it was given (so a value read and
/// written again is byte-identical) and checks it on construction.
macro_rules! lexical {
    ($(#[$doc:meta])* $name:ident, $expected:literal, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Checks `text` (surrounding whitespace is dropped, as XSD does).
            pub fn new(text: impl AsRef<str>) -> Result<Self, String> {
                let text = text.as_ref().trim();
                let check: fn(&str) -> bool = $check;
                if check(text) {
                    Ok($name(text.to_owned()))
                } else {
                    Err($expected.to_owned())
                }
            }

            /// The lexical form.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                $name::new(text)
            }
        }

        impl XmlValue for $name {
            fn to_xml_text(&self) -> Cow<'_, str> {
                Cow::Borrowed(&self.0)
            }
            fn from_xml_text(text: &str) -> Result<Self, String> {
                $name::new(text)
            }
        }
    };
}

fn digits(text: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// Splits an optional time zone (`Z`, `+hh:mm`, `-hh:mm`) off the end.
fn split_zone(text: &str) -> Option<&str> {
    if let Some(rest) = text.strip_suffix('Z') {
        return Some(rest);
    }
    if text.len() > 6 {
        let (rest, zone) = text.split_at(text.len() - 6);
        let z = zone.as_bytes();
        if (z[0] == b'+' || z[0] == b'-') && z[3] == b':' {
            return (digits(&zone[1..3], 2, 2) && digits(&zone[4..6], 2, 2)).then_some(rest);
        }
    }
    Some(text)
}

fn is_year(text: &str) -> bool {
    let text = text.strip_prefix('-').unwrap_or(text);
    digits(text, 4, 12)
}

fn is_date(text: &str) -> bool {
    let Some(text) = split_zone(text) else {
        return false;
    };
    let mut parts = text.rsplitn(3, '-');
    let (Some(day), Some(month), Some(year)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    is_year(year) && digits(month, 2, 2) && digits(day, 2, 2)
}

fn is_time(text: &str) -> bool {
    let Some(text) = split_zone(text) else {
        return false;
    };
    let (hms, fraction) = match text.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (text, None),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    parts.len() == 3
        && parts.iter().all(|p| digits(p, 2, 2))
        && fraction.is_none_or(|f| digits(f, 1, 32))
}

fn is_decimal(text: &str) -> bool {
    let text = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    (!int.is_empty() || !frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

fn is_integer(text: &str) -> bool {
    let text = text.strip_prefix(['+', '-']).unwrap_or(text);
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

fn is_duration(text: &str) -> bool {
    let text = text.strip_prefix('-').unwrap_or(text);
    let Some(text) = text.strip_prefix('P') else {
        return false;
    };
    let (date, time) = match text.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let fields = |part: &str, units: &[u8], fraction_last: bool| -> Option<usize> {
        let mut count = 0;
        let mut number = String::new();
        let mut allowed = units;
        for c in part.chars() {
            if c.is_ascii_digit() || (fraction_last && c == '.') {
                number.push(c);
                continue;
            }
            let at = allowed.iter().position(|&u| u as char == c)?;
            if number.is_empty() || (number.contains('.') && c != 'S') {
                return None;
            }
            if !is_decimal(&number) {
                return None;
            }
            allowed = &allowed[at + 1..];
            number.clear();
            count += 1;
        }
        number.is_empty().then_some(count)
    };
    let Some(date_fields) = fields(date, b"YMD", false) else {
        return false;
    };
    match time {
        None => date_fields > 0,
        Some(t) => fields(t, b"HMS", true).is_some_and(|n| n > 0),
    }
}

lexical!(
    /// `xs:decimal`, kept exactly as written (never rounded through a float).
    Decimal,
    "xsd:decimal (digits with an optional sign and decimal point)",
    is_decimal
);

impl Decimal {
    /// The value as an `f64`, which may round.
    pub fn to_f64(&self) -> Option<f64> {
        self.0.parse().ok()
    }
}

impl Default for Decimal {
    fn default() -> Self {
        Decimal("0".to_owned())
    }
}

impl From<i64> for Decimal {
    fn from(value: i64) -> Self {
        Decimal(value.to_string())
    }
}

lexical!(
    /// `xs:integer` and its unbounded derivations (`nonNegativeInteger`,
    /// `positiveInteger`...), of any size, kept exactly as written.
    Integer,
    "xsd:integer (digits with an optional sign)",
    is_integer
);

impl Integer {
    /// The value, when it fits an `i64`.
    pub fn to_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }
}

impl Default for Integer {
    fn default() -> Self {
        Integer("0".to_owned())
    }
}

impl From<i64> for Integer {
    fn from(value: i64) -> Self {
        Integer(value.to_string())
    }
}

impl From<u64> for Integer {
    fn from(value: u64) -> Self {
        Integer(value.to_string())
    }
}

lexical!(
    /// `xs:date` (`YYYY-MM-DD` with an optional zone), kept as written.
    Date,
    "xsd:date (YYYY-MM-DD[Z|±hh:mm])",
    is_date
);
lexical!(
    /// `xs:time` (`hh:mm:ss[.fff]` with an optional zone), kept as written.
    Time,
    "xsd:time (hh:mm:ss[.fff][Z|±hh:mm])",
    is_time
);
lexical!(
    /// `xs:duration` (`PnYnMnDTnHnMnS`), kept as written.
    Duration,
    "xsd:duration (PnYnMnDTnHnMnS)",
    is_duration
);
lexical!(
    /// `xs:gYear`, kept as written.
    GYear,
    "xsd:gYear (YYYY)",
    |t| split_zone(t).is_some_and(is_year)
);
lexical!(
    /// `xs:gYearMonth`, kept as written.
    GYearMonth,
    "xsd:gYearMonth (YYYY-MM)",
    |t| split_zone(t)
        .and_then(|t| t.rsplit_once('-'))
        .is_some_and(|(y, m)| is_year(y) && digits(m, 2, 2))
);
lexical!(
    /// `xs:gMonth`, kept as written.
    GMonth,
    "xsd:gMonth (--MM)",
    |t| split_zone(t)
        .and_then(|t| t.strip_prefix("--"))
        .is_some_and(|m| digits(m, 2, 2) || m.strip_suffix("--").is_some_and(|m| digits(m, 2, 2)))
);
lexical!(
    /// `xs:gMonthDay`, kept as written.
    GMonthDay,
    "xsd:gMonthDay (--MM-DD)",
    |t| split_zone(t)
        .and_then(|t| t.strip_prefix("--"))
        .and_then(|t| t.split_once('-'))
        .is_some_and(|(m, d)| digits(m, 2, 2) && digits(d, 2, 2))
);
lexical!(
    /// `xs:gDay`, kept as written.
    GDay,
    "xsd:gDay (---DD)",
    |t| split_zone(t)
        .and_then(|t| t.strip_prefix("---"))
        .is_some_and(|d| digits(d, 2, 2))
);
lexical!(
    /// `xs:QName` as written (`prefix:local`). The prefix is the one the
    /// sender declared; the declaration itself is not carried along.
    QName,
    "xsd:QName (prefix:local)",
    |t| {
        let mut parts = t.split(':');
        let ok = |p: &str| !p.is_empty() && !p.contains(char::is_whitespace);
        match (parts.next(), parts.next(), parts.next()) {
            (Some(local), None, None) => ok(local),
            (Some(prefix), Some(local), None) => ok(prefix) && ok(local),
            _ => false,
        }
    }
);

macro_rules! lexical_default {
    ($($name:ident => $value:literal),* $(,)?) => {$(
        impl Default for $name {
            fn default() -> Self {
                $name($value.to_owned())
            }
        }
    )*};
}

lexical_default!(Date => "1970-01-01", Time => "00:00:00", Duration => "PT0S",
    GYear => "1970", GYearMonth => "1970-01", GMonth => "--01", GMonthDay => "--01-01",
    GDay => "---01", QName => "x");

/// `xs:hexBinary`: the bytes, written as upper-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct HexBinary(pub Vec<u8>);

impl XmlValue for HexBinary {
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.0.iter().map(|b| format!("{b:02X}")).collect())
    }

    fn from_xml_text(text: &str) -> Result<Self, String> {
        const EXPECTED: &str = "xsd:hexBinary (pairs of hex digits)";
        let text = text.trim();
        if text.len() % 2 != 0 {
            return Err(EXPECTED.into());
        }
        (0..text.len())
            .step_by(2)
            .map(|i| {
                text.get(i..i + 2)
                    .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                    .ok_or_else(|| EXPECTED.to_owned())
            })
            .collect::<Result<Vec<u8>, String>>()
            .map(HexBinary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_keep_their_zone_or_its_absence() {
        for text in [
            "2008-07-31T18:00:00Z",
            "2008-07-31T12:00:00-06:00",
            "2008-07-31T12:00:00.125+05:30",
            "2008-07-31T12:00:00",
        ] {
            let value = DateTime::from_xml_text(text).unwrap();
            assert_eq!(value.to_xml_text(), text);
        }
        let with_zone = DateTime::from_xml_text("2008-07-31T12:00:00-06:00").unwrap();
        assert_eq!(with_zone.to_utc().to_rfc3339(), "2008-07-31T18:00:00+00:00");
        assert!(DateTime::from_xml_text("2008-07-31").is_err());
        // The direct reading agrees with chrono's, and leaves it the rest.
        for text in [
            "2008-07-31T12:00:00",
            "2008-07-31T12:00:00.5",
            "2008-07-31T12:00:00.123456789",
            "0001-01-01T00:00:00",
            "2008-02-29T23:59:59.000001",
        ] {
            assert_eq!(
                parse_plain_date_time(text),
                NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok(),
                "{text}"
            );
        }
        for text in [
            "2007-02-29T12:00:00",
            "2008-07-31T24:00:00",
            "2008-07-31T12:00:60",
            "2008-07-31T12:00:00.1234567891",
            "2008-07-31T12:00:00.",
            "2008-7-31T12:00:00",
            "12008-07-31T12:00:00",
            "2008-07-31 12:00:00",
            "2008-07-31T12:0a:00",
        ] {
            assert_eq!(parse_plain_date_time(text), None, "{text}");
        }
        assert!(DateTime::from_xml_text("2007-02-29T12:00:00Z").is_err());
        assert!(DateTime::from_xml_text("2008-07-31T12:00:00+25:00").is_err());
        assert_eq!(
            DateTime::from_xml_text("2008-07-31T18:00:00.000Z")
                .unwrap()
                .to_xml_text(),
            "2008-07-31T18:00:00Z"
        );
    }

    #[test]
    fn lexical_values_keep_their_form_and_are_checked() {
        for ok in ["12.50", "-0.1", "+3", ".5", "7."] {
            assert_eq!(Decimal::from_xml_text(ok).unwrap().as_str(), ok);
        }
        assert!(Decimal::from_xml_text("1e5").is_err());
        assert!(Decimal::from_xml_text(".").is_err());
        let big = "123456789012345678901234567890";
        assert_eq!(Integer::from_xml_text(big).unwrap().to_xml_text(), big);
        assert!(Integer::from_xml_text("1.0").is_err());
        assert!(Date::from_xml_text("2024-02-29Z").is_ok());
        assert!(Date::from_xml_text("2024-02-29+05:30").is_ok());
        assert!(Date::from_xml_text("24-2-29").is_err());
        assert!(Time::from_xml_text("10:20:30.5").is_ok());
        assert!(Duration::from_xml_text("P1Y2M3DT4H5M6.7S").is_ok());
        assert!(Duration::from_xml_text("-PT5M").is_ok());
        assert!(Duration::from_xml_text("P").is_err());
        assert!(Duration::from_xml_text("PT").is_err());
        assert!(GYear::from_xml_text("2024").is_ok());
        assert!(GMonthDay::from_xml_text("--12-25").is_ok());
        assert!(GDay::from_xml_text("---05").is_ok());
        assert_eq!(
            HexBinary::from_xml_text("0aFF").unwrap(),
            HexBinary(vec![10, 255])
        );
        assert_eq!(HexBinary(vec![10, 255]).to_xml_text(), "0AFF");
        assert!(QName::from_xml_text("p:x").is_ok());
        assert!(QName::from_xml_text("p:").is_err());
    }

    #[test]
    fn bytes_are_base64_on_the_wire() {
        let bytes = vec![0u8, 1, 2, 254, 255];
        let text = bytes.to_xml_text().into_owned();
        assert_eq!(text, "AAEC/v8=");
        assert_eq!(Vec::<u8>::from_xml_text(" AAEC\n/v8= ").unwrap(), bytes);
        assert!(Vec::<u8>::from_xml_text("not base64!").is_err());
    }
}
