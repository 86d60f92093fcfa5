//! Salesforce dates, times and datetimes, in their wire formats.

use std::fmt;

/// Text that is not a Salesforce date, time or datetime.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Salesforce {kind} {value:?}: expected {expected}")]
pub struct InvalidDateTime {
    kind: &'static str,
    expected: &'static str,
    /// The rejected text.
    pub value: String,
}

impl InvalidDateTime {
    fn new(kind: &'static str, expected: &'static str, value: &str) -> Self {
        InvalidDateTime {
            kind,
            expected,
            value: value.to_owned(),
        }
    }
}

const DATETIME_FORMS: &str = "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|+HHMM)";
const DATE_FORMS: &str = "YYYY-MM-DD";
const TIME_FORMS: &str = "HH:MM:SS[.fff][Z]";

/// A Salesforce `datetime` value: an instant with an offset, millisecond precision on the wire.
///
/// Written as `2012-07-12T17:49:01.000Z` (UTC) or `2012-07-12T19:49:01.000+02:00`; read in those
/// forms and in the form Salesforce itself returns, `2012-07-12T17:49:01.000+0000` (an offset
/// without a colon, which strict RFC 3339 parsers reject).
///
/// ```
/// use sforce_core::types::DateTime;
/// let read: DateTime = "2012-07-12T17:49:01.000+0000".parse().unwrap();
/// assert_eq!(read.to_string(), "2012-07-12T17:49:01.000Z");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime(time::OffsetDateTime);

impl DateTime {
    /// Wraps a `time` datetime. Sub-millisecond precision is kept in memory but not written.
    pub fn new(value: time::OffsetDateTime) -> Self {
        DateTime(value)
    }

    /// The current instant, in UTC.
    pub fn now_utc() -> Self {
        DateTime(time::OffsetDateTime::now_utc())
    }

    /// From seconds since the Unix epoch, in UTC.
    pub fn from_unix_timestamp(seconds: i64) -> Result<Self, InvalidDateTime> {
        time::OffsetDateTime::from_unix_timestamp(seconds)
            .map(DateTime)
            .map_err(|_| {
                InvalidDateTime::new("datetime", "a representable instant", &seconds.to_string())
            })
    }

    /// The wrapped `time` value.
    pub fn get(&self) -> time::OffsetDateTime {
        self.0
    }

    /// The same instant with a UTC offset.
    pub fn to_utc(self) -> Self {
        DateTime(self.0.to_offset(time::UtcOffset::UTC))
    }
}

impl From<time::OffsetDateTime> for DateTime {
    fn from(value: time::OffsetDateTime) -> Self {
        DateTime(value)
    }
}

impl From<DateTime> for time::OffsetDateTime {
    fn from(value: DateTime) -> Self {
        value.0
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        write_date(f, v.date())?;
        f.write_str("T")?;
        write_time(f, v.time())?;
        let offset = v.offset();
        if offset.is_utc() {
            f.write_str("Z")
        } else {
            let (h, m, _) = offset.as_hms();
            let sign = if offset.is_negative() { '-' } else { '+' };
            write!(f, "{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
        }
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({self})")
    }
}

impl std::str::FromStr for DateTime {
    type Err = InvalidDateTime;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || InvalidDateTime::new("datetime", DATETIME_FORMS, s);
        let (date, rest) = s.split_once('T').ok_or_else(err)?;
        let date = parse_date(date).ok_or_else(err)?;
        let split = rest.find(['Z', 'z', '+', '-']).ok_or_else(err)?;
        let (clock, offset) = rest.split_at(split);
        let clock = parse_time(clock).ok_or_else(err)?;
        let offset = parse_offset(offset).ok_or_else(err)?;
        Ok(DateTime(
            time::PrimitiveDateTime::new(date, clock).assume_offset(offset),
        ))
    }
}

/// A Salesforce `date` value, `2021-07-20` on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(time::Date);

impl Date {
    /// Wraps a `time` date.
    pub fn new(value: time::Date) -> Self {
        Date(value)
    }

    /// From year, month (1-12) and day.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Result<Self, InvalidDateTime> {
        let err =
            || InvalidDateTime::new("date", "a calendar date", &format!("{year}-{month}-{day}"));
        let month = time::Month::try_from(month).map_err(|_| err())?;
        time::Date::from_calendar_date(year, month, day)
            .map(Date)
            .map_err(|_| err())
    }

    /// The wrapped `time` value.
    pub fn get(&self) -> time::Date {
        self.0
    }
}

impl From<time::Date> for Date {
    fn from(value: time::Date) -> Self {
        Date(value)
    }
}

impl From<Date> for time::Date {
    fn from(value: Date) -> Self {
        value.0
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_date(f, self.0)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({self})")
    }
}

impl std::str::FromStr for Date {
    type Err = InvalidDateTime;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_date(s)
            .map(Date)
            .ok_or_else(|| InvalidDateTime::new("date", DATE_FORMS, s))
    }
}

/// A Salesforce `time` value (a time of day without a date), `22:12:30.999Z` on the wire.
///
/// Read with or without the trailing `Z` and the fraction.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Time(time::Time);

impl Time {
    /// Wraps a `time` time of day.
    pub fn new(value: time::Time) -> Self {
        Time(value)
    }

    /// From hour, minute, second and millisecond.
    pub fn from_hms_milli(
        hour: u8,
        minute: u8,
        second: u8,
        milli: u16,
    ) -> Result<Self, InvalidDateTime> {
        time::Time::from_hms_milli(hour, minute, second, milli)
            .map(Time)
            .map_err(|_| {
                InvalidDateTime::new(
                    "time",
                    "a time of day",
                    &format!("{hour}:{minute}:{second}.{milli}"),
                )
            })
    }

    /// The wrapped `time` value.
    pub fn get(&self) -> time::Time {
        self.0
    }
}

impl From<time::Time> for Time {
    fn from(value: time::Time) -> Self {
        Time(value)
    }
}

impl From<Time> for time::Time {
    fn from(value: Time) -> Self {
        value.0
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_time(f, self.0)?;
        f.write_str("Z")
    }
}

impl fmt::Debug for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Time({self})")
    }
}

impl std::str::FromStr for Time {
    type Err = InvalidDateTime;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let clock = s.strip_suffix(['Z', 'z']).unwrap_or(s);
        parse_time(clock)
            .map(Time)
            .ok_or_else(|| InvalidDateTime::new("time", TIME_FORMS, s))
    }
}

fn write_date(f: &mut fmt::Formatter<'_>, d: time::Date) -> fmt::Result {
    let year = d.year();
    if (0..=9999).contains(&year) {
        write!(f, "{year:04}")?;
    } else {
        write!(f, "{year:+05}")?;
    }
    write!(f, "-{:02}-{:02}", u8::from(d.month()), d.day())
}

fn write_time(f: &mut fmt::Formatter<'_>, t: time::Time) -> fmt::Result {
    write!(
        f,
        "{:02}:{:02}:{:02}.{:03}",
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Parses exactly `n` ASCII digits.
fn digits(s: &str, n: usize) -> Option<u32> {
    if s.len() != n || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_date(s: &str) -> Option<time::Date> {
    let mut parts = s.splitn(3, '-');
    let year = digits(parts.next()?, 4)? as i32;
    let month = time::Month::try_from(digits(parts.next()?, 2)? as u8).ok()?;
    let day = digits(parts.next()?, 2)? as u8;
    time::Date::from_calendar_date(year, month, day).ok()
}

/// `HH:MM:SS` with an optional fraction of 1 to 9 digits.
fn parse_time(s: &str) -> Option<time::Time> {
    let (hms, fraction) = match s.split_once('.') {
        Some((hms, fraction)) => (hms, Some(fraction)),
        None => (s, None),
    };
    let mut parts = hms.splitn(3, ':');
    let hour = digits(parts.next()?, 2)? as u8;
    let minute = digits(parts.next()?, 2)? as u8;
    let second = digits(parts.next()?, 2)? as u8;
    let nanos = match fraction {
        None => 0,
        Some(f) if (1..=9).contains(&f.len()) => {
            digits(f, f.len())? * 10u32.pow(9 - f.len() as u32)
        }
        Some(_) => return None,
    };
    time::Time::from_hms_nano(hour, minute, second, nanos).ok()
}

/// `Z`, `+HH:MM`, `+HHMM` or `+HH` (and the `-` forms).
fn parse_offset(s: &str) -> Option<time::UtcOffset> {
    if s == "Z" || s == "z" {
        return Some(time::UtcOffset::UTC);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1i8, &s[1..]),
        b'-' => (-1i8, &s[1..]),
        _ => return None,
    };
    let (h, m) = match rest.len() {
        5 if rest.as_bytes()[2] == b':' => (&rest[..2], &rest[3..]),
        4 => (&rest[..2], &rest[2..]),
        2 => (rest, "00"),
        _ => return None,
    };
    let h = digits(h, 2)? as i8;
    let m = digits(m, 2)? as i8;
    time::UtcOffset::from_hms(sign * h, sign * m, 0).ok()
}

macro_rules! string_serde {
    ($($ty:ident: $expecting:expr;)*) => {$(
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$ty, E> {
                        v.parse().map_err(E::custom)
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    )*};
}

string_serde! {
    DateTime: "a Salesforce datetime string";
    Date: "a Salesforce date string";
    Time: "a Salesforce time string";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_reads_salesforce_forms() {
        for text in [
            "2012-07-12T17:49:01.000+0000",
            "2012-07-12T17:49:01.000Z",
            "2012-07-12T17:49:01Z",
            "2012-07-12T19:49:01.000+02:00",
            "2012-07-12T19:49:01.000+0200",
            "2012-07-12T15:49:01-02:00",
        ] {
            let dt: DateTime = text.parse().unwrap();
            assert_eq!(
                dt.to_utc().to_string(),
                "2012-07-12T17:49:01.000Z",
                "{text}"
            );
        }
        let offset: DateTime = "2012-07-12T19:49:01.5+02:00".parse().unwrap();
        assert_eq!(offset.to_string(), "2012-07-12T19:49:01.500+02:00");
        let neg: DateTime = "2012-07-12T13:19:01.000-0430".parse().unwrap();
        assert_eq!(neg.to_string(), "2012-07-12T13:19:01.000-04:30");
        for bad in [
            "2012-07-12",
            "2012-07-12T17:49:01",
            "2012-13-12T17:49:01Z",
            "x",
            "2012-07-12T17:49:01.Z",
        ] {
            assert!(bad.parse::<DateTime>().is_err(), "{bad}");
        }
    }

    #[test]
    fn date_and_time_round_trip() {
        let d: Date = "2021-07-20".parse().unwrap();
        assert_eq!(d.to_string(), "2021-07-20");
        assert!("2021-7-20".parse::<Date>().is_err());
        let t: Time = "22:12:30.999Z".parse().unwrap();
        assert_eq!(t.to_string(), "22:12:30.999Z");
        let t: Time = "08:00:00".parse().unwrap();
        assert_eq!(t.to_string(), "08:00:00.000Z");
        assert!("25:00:00Z".parse::<Time>().is_err());
    }

    proptest::proptest! {
        /// Any instant with any offset, written and read back in either offset form, is the
        /// same instant (at millisecond precision, as Salesforce stores it).
        #[test]
        fn datetime_round_trips(
            seconds in -62_135_500_000i64..253_402_200_000i64, // years 1..=9999 in any offset
            millis in 0u16..1000,
            offset_minutes in -840i32..=840i32,
        ) {
            let offset = time::UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap();
            let instant = time::OffsetDateTime::from_unix_timestamp(seconds).unwrap()
                + time::Duration::milliseconds(millis.into());
            let dt = DateTime::new(instant.to_offset(offset));
            let written = dt.to_string();
            let read: DateTime = written.parse().unwrap();
            proptest::prop_assert_eq!(read, dt);
            // Salesforce's read form: the offset without a colon.
            let salesforce = format!("{}{}", &written[..written.len() - 6], written[written.len() - 6..].replace(':', ""));
            if !written.ends_with('Z') {
                let read: DateTime = salesforce.parse().unwrap();
                proptest::prop_assert_eq!(read, dt);
            }
        }
    }

    #[test]
    fn serde_forms() {
        let dt: DateTime = serde_json::from_str("\"2012-07-12T17:49:01.000+0000\"").unwrap();
        assert_eq!(
            serde_json::to_string(&dt).unwrap(),
            "\"2012-07-12T17:49:01.000Z\""
        );
    }
}
