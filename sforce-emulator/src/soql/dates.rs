//! SOQL date literals (`TODAY`, `LAST_N_DAYS:7`, `THIS_QUARTER`, ...) as ranges of days.
//!
//! Each literal is a half-open range `[start, end)` of whole days counted from the start of
//! the current day, week, month, quarter or year. The emulator's clock is UTC (Salesforce
//! uses the running user's time zone), weeks start on Sunday (the en_US locale), and the
//! fiscal year is the calendar year (Salesforce's default fiscal year setting).

use time::{Date, Duration, Month};

/// The unit a date literal counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// A date literal: units `from..to` relative to the start of the current unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DateLiteral {
    pub(crate) unit: Unit,
    pub(crate) from: i64,
    pub(crate) to: i64,
}

impl DateLiteral {
    const fn new(unit: Unit, from: i64, to: i64) -> Self {
        DateLiteral { unit, from, to }
    }

    /// The literal `name` (any case), without an `:n` argument. `None` if unknown or if it
    /// needs one.
    pub(crate) fn fixed(name: &str) -> Option<Self> {
        use Unit::*;
        let name = name.to_ascii_uppercase();
        let name = fiscal_as_calendar(&name);
        Some(match name {
            "YESTERDAY" => Self::new(Day, -1, 0),
            "TODAY" => Self::new(Day, 0, 1),
            "TOMORROW" => Self::new(Day, 1, 2),
            "LAST_WEEK" => Self::new(Week, -1, 0),
            "THIS_WEEK" => Self::new(Week, 0, 1),
            "NEXT_WEEK" => Self::new(Week, 1, 2),
            "LAST_MONTH" => Self::new(Month, -1, 0),
            "THIS_MONTH" => Self::new(Month, 0, 1),
            "NEXT_MONTH" => Self::new(Month, 1, 2),
            "LAST_90_DAYS" => Self::new(Day, -90, 1),
            "NEXT_90_DAYS" => Self::new(Day, 1, 91),
            "LAST_QUARTER" => Self::new(Quarter, -1, 0),
            "THIS_QUARTER" => Self::new(Quarter, 0, 1),
            "NEXT_QUARTER" => Self::new(Quarter, 1, 2),
            "LAST_YEAR" => Self::new(Year, -1, 0),
            "THIS_YEAR" => Self::new(Year, 0, 1),
            "NEXT_YEAR" => Self::new(Year, 1, 2),
            _ => return None,
        })
    }

    /// Whether `name` is a literal that takes `:n` (`LAST_N_DAYS`, `N_MONTHS_AGO`, ...).
    pub(crate) fn takes_n(name: &str) -> bool {
        Self::with_n(name, 1).is_some()
    }

    /// The literal `name:n` (`LAST_N_DAYS:7`).
    pub(crate) fn with_n(name: &str, n: i64) -> Option<Self> {
        use Unit::*;
        let name = name.to_ascii_uppercase();
        let name = fiscal_as_calendar(&name);
        let (kind, unit) = name
            .strip_prefix("LAST_N_")
            .map(|u| ("last", u))
            .or_else(|| name.strip_prefix("NEXT_N_").map(|u| ("next", u)))
            .or_else(|| {
                name.strip_prefix("N_")
                    .and_then(|u| u.strip_suffix("_AGO"))
                    .map(|u| ("ago", u))
            })?;
        let unit = match unit {
            "DAYS" => Day,
            "WEEKS" => Week,
            "MONTHS" => Month,
            "QUARTERS" => Quarter,
            "YEARS" => Year,
            _ => return None,
        };
        Some(match (kind, unit) {
            // LAST_N_DAYS includes today; NEXT_N_DAYS starts tomorrow.
            ("last", Day) => Self::new(Day, -n, 1),
            ("last", u) => Self::new(u, -n, 0),
            ("next", u) => Self::new(u, 1, n + 1),
            (_, u) => Self::new(u, -n, -n + 1),
        })
    }

    /// The days `[start, end)` this literal covers when today is `today`.
    pub(crate) fn range(&self, today: Date) -> (Date, Date) {
        let start = unit_start(self.unit, today);
        (
            shift(self.unit, start, self.from),
            shift(self.unit, start, self.to),
        )
    }
}

/// Fiscal literals are their calendar twins (fiscal year = calendar year).
fn fiscal_as_calendar(name: &str) -> &str {
    match name {
        "THIS_FISCAL_QUARTER" => "THIS_QUARTER",
        "LAST_FISCAL_QUARTER" => "LAST_QUARTER",
        "NEXT_FISCAL_QUARTER" => "NEXT_QUARTER",
        "THIS_FISCAL_YEAR" => "THIS_YEAR",
        "LAST_FISCAL_YEAR" => "LAST_YEAR",
        "NEXT_FISCAL_YEAR" => "NEXT_YEAR",
        "LAST_N_FISCAL_QUARTERS" => "LAST_N_QUARTERS",
        "NEXT_N_FISCAL_QUARTERS" => "NEXT_N_QUARTERS",
        "N_FISCAL_QUARTERS_AGO" => "N_QUARTERS_AGO",
        "LAST_N_FISCAL_YEARS" => "LAST_N_YEARS",
        "NEXT_N_FISCAL_YEARS" => "NEXT_N_YEARS",
        "N_FISCAL_YEARS_AGO" => "N_YEARS_AGO",
        other => other,
    }
}

/// A datetime as SOQL writes it (`2021-07-20T10:00:00Z`, optional fraction, `±hh:mm`) or as
/// the store keeps it (`2021-07-20T10:00:00.000+0000`).
pub(crate) fn parse_datetime(raw: &str) -> Option<time::OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    // `+0000` → `+00:00` (RFC 3339 wants the colon).
    let split = raw
        .len()
        .checked_sub(5)
        .filter(|i| raw.is_char_boundary(*i));
    let fixed = match split.map(|i| raw.split_at(i)) {
        Some((head, zone))
            if (zone.starts_with('+') || zone.starts_with('-'))
                && zone[1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{head}{}:{}", &zone[..3], &zone[3..])
        }
        _ => raw.to_owned(),
    };
    time::OffsetDateTime::parse(&fixed, &Rfc3339).ok()
}

fn unit_start(unit: Unit, today: Date) -> Date {
    let first_of_month =
        |month: Month| Date::from_calendar_date(today.year(), month, 1).expect("day 1 exists");
    match unit {
        Unit::Day => today,
        Unit::Week => today - Duration::days(i64::from(today.weekday().number_days_from_sunday())),
        Unit::Month => first_of_month(today.month()),
        Unit::Quarter => {
            let q = (u8::from(today.month()) - 1) / 3;
            first_of_month(Month::try_from(q * 3 + 1).expect("valid month"))
        }
        Unit::Year => first_of_month(Month::January),
    }
}

/// `start` moved by `n` units (start is the first day of its unit, so months never overflow).
fn shift(unit: Unit, start: Date, n: i64) -> Date {
    let months = |m: i64| {
        let index = i64::from(start.year()) * 12 + i64::from(u8::from(start.month())) - 1 + m;
        let year = i32::try_from(index.div_euclid(12)).unwrap_or(i32::MAX);
        let month =
            Month::try_from(u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1)).expect("1..=12");
        Date::from_calendar_date(year, month, 1).unwrap_or(start)
    };
    match unit {
        Unit::Day => start.saturating_add(Duration::days(n)),
        Unit::Week => start.saturating_add(Duration::weeks(n)),
        Unit::Month => months(n),
        Unit::Quarter => months(n * 3),
        Unit::Year => months(n * 12),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn range(name: &str, n: Option<i64>, today: Date) -> (Date, Date) {
        match n {
            Some(n) => DateLiteral::with_n(name, n),
            None => DateLiteral::fixed(name),
        }
        .unwrap_or_else(|| panic!("{name}"))
        .range(today)
    }

    #[test]
    fn ranges_from_a_wednesday_in_may() {
        let today = date!(2024 - 05 - 15); // a Wednesday
        let cases: &[(&str, Option<i64>, Date, Date)] = &[
            ("TODAY", None, date!(2024 - 05 - 15), date!(2024 - 05 - 16)),
            (
                "yesterday",
                None,
                date!(2024 - 05 - 14),
                date!(2024 - 05 - 15),
            ),
            (
                "TOMORROW",
                None,
                date!(2024 - 05 - 16),
                date!(2024 - 05 - 17),
            ),
            (
                "THIS_WEEK",
                None,
                date!(2024 - 05 - 12),
                date!(2024 - 05 - 19),
            ),
            (
                "LAST_WEEK",
                None,
                date!(2024 - 05 - 05),
                date!(2024 - 05 - 12),
            ),
            (
                "NEXT_WEEK",
                None,
                date!(2024 - 05 - 19),
                date!(2024 - 05 - 26),
            ),
            (
                "THIS_MONTH",
                None,
                date!(2024 - 05 - 01),
                date!(2024 - 06 - 01),
            ),
            (
                "LAST_MONTH",
                None,
                date!(2024 - 04 - 01),
                date!(2024 - 05 - 01),
            ),
            (
                "NEXT_MONTH",
                None,
                date!(2024 - 06 - 01),
                date!(2024 - 07 - 01),
            ),
            (
                "THIS_QUARTER",
                None,
                date!(2024 - 04 - 01),
                date!(2024 - 07 - 01),
            ),
            (
                "LAST_FISCAL_QUARTER",
                None,
                date!(2024 - 01 - 01),
                date!(2024 - 04 - 01),
            ),
            (
                "THIS_YEAR",
                None,
                date!(2024 - 01 - 01),
                date!(2025 - 01 - 01),
            ),
            (
                "LAST_YEAR",
                None,
                date!(2023 - 01 - 01),
                date!(2024 - 01 - 01),
            ),
            (
                "LAST_90_DAYS",
                None,
                date!(2024 - 02 - 15),
                date!(2024 - 05 - 16),
            ),
            (
                "LAST_N_DAYS",
                Some(3),
                date!(2024 - 05 - 12),
                date!(2024 - 05 - 16),
            ),
            (
                "NEXT_N_DAYS",
                Some(3),
                date!(2024 - 05 - 16),
                date!(2024 - 05 - 19),
            ),
            (
                "N_DAYS_AGO",
                Some(3),
                date!(2024 - 05 - 12),
                date!(2024 - 05 - 13),
            ),
            (
                "LAST_N_MONTHS",
                Some(5),
                date!(2023 - 12 - 01),
                date!(2024 - 05 - 01),
            ),
            (
                "NEXT_N_QUARTERS",
                Some(2),
                date!(2024 - 07 - 01),
                date!(2025 - 01 - 01),
            ),
            (
                "N_YEARS_AGO",
                Some(2),
                date!(2022 - 01 - 01),
                date!(2023 - 01 - 01),
            ),
            (
                "LAST_N_WEEKS",
                Some(2),
                date!(2024 - 04 - 28),
                date!(2024 - 05 - 12),
            ),
        ];
        for (name, n, start, end) in cases {
            assert_eq!(range(name, *n, today), (*start, *end), "{name}:{n:?}");
        }
    }

    #[test]
    fn datetimes_as_written_and_as_stored() {
        let t = parse_datetime("2021-07-20T12:00:00.000+0200").unwrap();
        assert_eq!(t, parse_datetime("2021-07-20T10:00:00Z").unwrap());
        assert_eq!(t, parse_datetime("2021-07-20T06:00:00-04:00").unwrap());
        assert!(parse_datetime("2021-07-20").is_none());
        assert!(parse_datetime("ünï").is_none());
        assert!(parse_datetime("2021-07-20T10:00:00ü+0200").is_none());
    }

    #[test]
    fn unknown_names_and_arity() {
        assert!(DateLiteral::fixed("LAST_N_DAYS").is_none());
        assert!(DateLiteral::fixed("SOMEDAY").is_none());
        assert!(DateLiteral::takes_n("n_weeks_ago"));
        assert!(!DateLiteral::takes_n("TODAY"));
        assert!(!DateLiteral::takes_n("LAST_N_FORTNIGHTS"));
    }
}
