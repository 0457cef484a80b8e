//! Date-times as servers write them.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::time::SystemTime;

use chrono::{
    Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, SecondsFormat, TimeDelta, Timelike, Utc,
};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date and time, as the server wrote it.
///
/// Every `format: date-time` of the OpenAPI document is this type. Servers
/// write RFC 3339 with up to seven fraction digits
/// (`2022-01-21T22:53:13.9685934Z`), sometimes without an offset
/// (`2022-01-22T14:56:55.862`), and `9999-12-31T23:59:59.9999999Z` as the
/// end of a restore session that is still running. All of these read:
///
/// - any number of fraction digits (nanoseconds are kept; digits beyond
///   them stay in the text);
/// - `T`, `t` or a space between date and time;
/// - an offset `Z`, `z`, `+hh:mm`, `+hhmm`, or **none**. A value without an
///   offset is taken to be UTC, which is how the server keeps its times;
///   [`DateTime::offset`] is then `None`, so the fact that the server gave
///   no offset is not lost.
///
/// The text is kept and written back unchanged, so encoding a decoded value
/// sends the server exactly what it sent. A value made from a
/// [`chrono::DateTime`] or a [`SystemTime`] writes RFC 3339 in UTC (`...Z`).
///
/// Two values are equal when they name the same instant and both have an
/// offset or both have none; `.9685934Z` and `.968593400Z` are equal.
#[derive(Clone)]
pub struct DateTime {
    text: Box<str>,
    /// The wall-clock time as written.
    local: NaiveDateTime,
    offset: Option<FixedOffset>,
}

/// Why a text is not a date-time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeError {
    problem: &'static str,
}

impl fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an RFC 3339 date-time: {}", self.problem)
    }
}

impl std::error::Error for DateTimeError {}

impl DateTime {
    /// Reads a date-time (see the type's documentation for what is accepted).
    pub fn parse(text: &str) -> Result<Self, DateTimeError> {
        let (local, offset) = parse(text.as_bytes()).map_err(|problem| DateTimeError { problem })?;
        Ok(Self { text: text.into(), local, offset })
    }

    /// The instant in UTC; a value written without an offset is taken to be UTC.
    pub fn utc(&self) -> chrono::DateTime<Utc> {
        let shift = TimeDelta::seconds(i64::from(self.offset.map_or(0, |o| o.local_minus_utc())));
        // Years 0000-9999 shifted by less than a day stay within chrono's range.
        let utc = self.local.checked_sub_signed(shift).unwrap_or(self.local);
        chrono::DateTime::from_naive_utc_and_offset(utc, Utc)
    }

    /// The offset the server wrote, or `None` when it wrote none.
    pub fn offset(&self) -> Option<FixedOffset> {
        self.offset
    }

    /// The date and time as written, without the offset.
    pub fn local(&self) -> NaiveDateTime {
        self.local
    }

    /// The text, exactly as read (or as written for a value made here).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether this is the server's "not yet" marker,
    /// `9999-12-31T23:59:59.9999999Z`: the end time of a restore session
    /// that is still running.
    pub fn is_open_ended(&self) -> bool {
        let (date, time) = (self.local.date(), self.local.time());
        (date.year(), date.month(), date.day(), time.hour(), time.minute(), time.second()) == (9999, 12, 31, 23, 59, 59)
    }

    /// Now, in UTC.
    pub fn now() -> Self {
        Self::from(SystemTime::now())
    }

    fn key(&self) -> (chrono::DateTime<Utc>, bool) {
        (self.utc(), self.offset.is_some())
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(value: chrono::DateTime<Utc>) -> Self {
        let text = value.to_rfc3339_opts(SecondsFormat::AutoSi, true);
        Self { text: text.into(), local: value.naive_utc(), offset: Some(Utc.fix()) }
    }
}

impl From<chrono::DateTime<FixedOffset>> for DateTime {
    fn from(value: chrono::DateTime<FixedOffset>) -> Self {
        let text = value.to_rfc3339_opts(SecondsFormat::AutoSi, true);
        Self { text: text.into(), local: value.naive_local(), offset: Some(*value.offset()) }
    }
}

impl From<SystemTime> for DateTime {
    fn from(value: SystemTime) -> Self {
        Self::from(chrono::DateTime::<Utc>::from(value))
    }
}

impl From<DateTime> for chrono::DateTime<Utc> {
    fn from(value: DateTime) -> Self {
        value.utc()
    }
}

impl FromStr for DateTime {
    type Err = DateTimeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<&str> for DateTime {
    type Error = DateTimeError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        Self::parse(text)
    }
}

impl PartialEq for DateTime {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for DateTime {}

impl Hash for DateTime {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTime {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({:?})", &*self.text)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;

        impl Visitor<'_> for Text {
            type Value = DateTime;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 date-time")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<DateTime, E> {
                DateTime::parse(value).map_err(|e| {
                    let expected = format!("an RFC 3339 date-time ({})", e.problem);
                    E::invalid_value(de::Unexpected::Str(value), &expected.as_str())
                })
            }
        }

        deserializer.deserialize_str(Text)
    }
}

/// `YYYY-MM-DD(T|t| )hh:mm:ss(.f+)?(Z|z|±hh:mm|±hhmm)?`
fn parse(text: &[u8]) -> Result<(NaiveDateTime, Option<FixedOffset>), &'static str> {
    let mut at = Cursor { text, at: 0 };
    let year = at.digits(4, "a four-digit year")?;
    at.expect(b"-", "`-` after the year")?;
    let month = at.digits(2, "a two-digit month")?;
    at.expect(b"-", "`-` after the month")?;
    let day = at.digits(2, "a two-digit day")?;
    at.expect(b"Tt ", "`T` between date and time")?;
    let hour = at.digits(2, "a two-digit hour")?;
    at.expect(b":", "`:` after the hour")?;
    let minute = at.digits(2, "two-digit minutes")?;
    at.expect(b":", "`:` after the minutes")?;
    let second = at.digits(2, "two-digit seconds")?;
    let mut nanos = 0u32;
    if at.peek() == Some(b'.') {
        at.at += 1;
        let start = at.at;
        while at.peek().is_some_and(|b| b.is_ascii_digit()) {
            let digit = u32::from(at.text[at.at] - b'0');
            if at.at - start < 9 {
                nanos = nanos * 10 + digit;
            }
            at.at += 1;
        }
        let count = at.at - start;
        if count == 0 {
            return Err("no digits after the decimal point");
        }
        nanos *= 10u32.pow(9u32.saturating_sub(count as u32));
    }
    let offset = match at.peek() {
        None => None,
        Some(b'Z' | b'z') => {
            at.at += 1;
            Some(0)
        }
        Some(sign @ (b'+' | b'-')) => {
            at.at += 1;
            let hours = at.digits(2, "two-digit offset hours")?;
            if at.peek() == Some(b':') {
                at.at += 1;
            }
            let minutes = at.digits(2, "two-digit offset minutes")?;
            if hours > 23 || minutes > 59 {
                return Err("an offset out of range");
            }
            let seconds = (hours * 3600 + minutes * 60) as i32;
            Some(if sign == b'-' { -seconds } else { seconds })
        }
        Some(_) => return Err("an offset (`Z` or `+hh:mm`) or nothing after the time"),
    };
    if at.at != text.len() {
        return Err("text after the offset");
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day).ok_or("a date that does not exist")?;
    // A leap second (`:60`) is chrono's second 59 with a nanosecond overflow.
    let time = if second == 60 {
        NaiveTime::from_hms_nano_opt(hour, minute, 59, 1_000_000_000 + nanos)
    } else {
        NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
    };
    let time = time.ok_or("a time that does not exist")?;
    let offset = offset.map(|s| FixedOffset::east_opt(s).ok_or("an offset out of range")).transpose()?;
    Ok((NaiveDateTime::new(date, time), offset))
}

struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn digits(&mut self, count: usize, what: &'static str) -> Result<u32, &'static str> {
        let digits = self.text.get(self.at..self.at + count).ok_or(what)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(what);
        }
        self.at += count;
        Ok(digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    }

    fn expect(&mut self, one_of: &[u8], what: &'static str) -> Result<(), &'static str> {
        match self.peek() {
            Some(b) if one_of.contains(&b) => {
                self.at += 1;
                Ok(())
            }
            _ => Err(what),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime {
        DateTime::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn reads_what_servers_write() {
        let seven = at("2022-01-21T22:53:13.9685934Z");
        assert_eq!(seven.utc().timestamp_nanos_opt(), Some(1_642_805_593_968_593_400));
        assert_eq!(seven.offset(), Some(FixedOffset::east_opt(0).unwrap()));
        assert_eq!(at("2022-01-21T22:53:13.968593400Z"), seven, "other precision, same instant");
        assert_eq!(at("2022-01-21T23:53:13.9685934+01:00"), seven);
        assert_eq!(at("2022-01-21 23:53:13.9685934+0100"), seven);
        assert_eq!(at("2022-01-21t22:53:13.9685934z"), seven);
        assert_eq!(at("2022-01-21T22:53:13Z").utc().timestamp(), 1_642_805_593);
    }

    #[test]
    fn a_value_without_an_offset_is_kept_and_read_as_utc() {
        let local = at("2022-01-22T14:56:55.862");
        assert_eq!(local.offset(), None);
        assert_eq!(local.utc().to_rfc3339(), "2022-01-22T14:56:55.862+00:00");
        assert_ne!(local, at("2022-01-22T14:56:55.862Z"), "the missing offset is part of the value");
        assert_eq!(local.to_string(), "2022-01-22T14:56:55.862");
    }

    #[test]
    fn any_number_of_fraction_digits_reads() {
        assert_eq!(at("2022-01-22T14:56:55.1").utc().timestamp_subsec_nanos(), 100_000_000);
        let twelve = at("2022-01-22T14:56:55.123456789123Z");
        assert_eq!(twelve.utc().timestamp_subsec_nanos(), 123_456_789);
        assert_eq!(twelve.as_str(), "2022-01-22T14:56:55.123456789123Z", "the digits beyond stay in the text");
    }

    #[test]
    fn the_open_end_marker_reads() {
        let end = at("9999-12-31T23:59:59.9999999Z");
        assert!(end.is_open_ended());
        assert_eq!(end.utc().timestamp(), 253_402_300_799);
        assert!(!at("2022-01-22T14:56:55Z").is_open_ended());
        assert!(at("9999-12-31T23:59:59.9999999-05:00").utc().timestamp() > 253_402_300_799);
    }

    #[test]
    fn decoding_and_encoding_give_back_the_text() {
        for text in ["2022-01-22T14:56:55.862", "2022-01-21T22:53:13.9685934Z", "2022-01-21 23:53:13+0100"] {
            let json = serde_json::to_string(text).unwrap();
            let value: DateTime = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
        }
        let made = DateTime::from(chrono::DateTime::<Utc>::from_timestamp(1_642_805_593, 968_593_400).unwrap());
        assert_eq!(made.as_str(), "2022-01-21T22:53:13.968593400Z");
        assert_eq!(DateTime::parse(made.as_str()).unwrap(), made);
    }

    #[test]
    fn other_text_is_refused_with_a_reason() {
        for (text, reason) in [
            ("22.01.2022 14:56", "four-digit year"),
            ("2022-01-22", "`T`"),
            ("2022-02-30T00:00:00Z", "does not exist"),
            ("2022-01-22T25:00:00Z", "does not exist"),
            ("2022-01-22T14:56:55.Z", "no digits"),
            ("2022-01-22T14:56:55+1", "offset hours"),
            ("2022-01-22T14:56:55Zjunk", "after the offset"),
            ("2022-01-22T14:56:55 PM", "offset"),
            ("", "year"),
        ] {
            let err = DateTime::parse(text).unwrap_err().to_string();
            assert!(err.contains(reason), "{text:?}: {err}");
        }
        let err = serde_json::from_str::<DateTime>("\"yesterday\"").unwrap_err().to_string();
        assert!(err.contains("invalid value: string \"yesterday\""), "{err}");
        assert!(serde_json::from_str::<DateTime>("7").is_err());
    }
}
