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
        let local =
            NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M:%S%.f").map_err(|_| EXPECTED)?;
        let offset = match offset {
            Some(seconds) => Some(FixedOffset::east_opt(seconds).ok_or(EXPECTED)?),
            None => None,
        };
        Ok(DateTime { local, offset })
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
        assert!(DateTime::from_xml_text("2008-07-31T12:00:00+25:00").is_err());
        assert_eq!(
            DateTime::from_xml_text("2008-07-31T18:00:00.000Z")
                .unwrap()
                .to_xml_text(),
            "2008-07-31T18:00:00Z"
        );
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
