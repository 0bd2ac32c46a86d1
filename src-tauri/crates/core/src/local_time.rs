//! UK local time: the protocol's dates (period of interest, authorisation terms, repeat
//! viewing) are the worker's calendar dates in England, whatever the laptop's clock zone.

use chrono::{DateTime, NaiveDate, Utc};

/// The calendar date in the UK at this instant.
pub fn uk_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::Europe::London).date_naive()
}

/// A stored RFC 3339 time shown in UK local time ("5 March 2026 14:07 GMT"); anything else
/// is shown as it is.
pub fn uk_time(stored: &str) -> String {
    match DateTime::parse_from_rfc3339(stored) {
        Ok(t) => t.with_timezone(&chrono_tz::Europe::London).format("%-d %B %Y %H:%M %Z").to_string(),
        Err(_) => stored.to_string(),
    }
}

/// Like [`uk_time`], to the second ("5 March 2026 14:07:09 GMT"), for evidence.
pub fn uk_time_seconds(stored: &str) -> String {
    match DateTime::parse_from_rfc3339(stored) {
        Ok(t) => t.with_timezone(&chrono_tz::Europe::London).format("%-d %B %Y %H:%M:%S %Z").to_string(),
        Err(_) => stored.to_string(),
    }
}

/// How every screen and document labels a capture's time.
pub const CAPTURED_AT: &str = "Captured at";

/// A capture's time as every screen and document shows it: the moment its pictures were
/// begun (the signed manifest's `capture_started_at`; the pictures, saved copy and archive
/// follow within a second or two), to the second, in UK time with its zone:
/// "5 March 2026 14:07:09 GMT (UK time)".
pub fn captured_at(stored: &str) -> String {
    format!("{} (UK time)", uk_time_seconds(stored))
}

/// A moment typed as people write it, in UK local time: a date's boxes and a time such as
/// "14:05" (or "14.05", "9:30"). `Ok(None)` when all are empty. A time the clocks skip in
/// spring is an error; one they repeat in autumn is taken the first time it happens.
pub fn from_uk(date: &crate::request_form::DateParts, time: &str) -> Result<Option<DateTime<Utc>>, String> {
    use chrono::TimeZone;
    let time = time.trim();
    let Some(text) = date.to_text() else {
        return if time.is_empty() { Ok(None) } else { Err("Enter the date as well as the time".into()) };
    };
    let day = NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|_| "The date must be a real date, such as 23 11 2026".to_string())?;
    let clock = chrono::NaiveTime::parse_from_str(&time.replace('.', ":"), "%H:%M")
        .map_err(|_| "Enter the time on the 24-hour clock, such as 14:05".to_string())?;
    chrono_tz::Europe::London
        .from_local_datetime(&day.and_time(clock))
        .earliest()
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or_else(|| format!("{time} did not happen on {}: the clocks went forward", long_date(day)))
}

/// Which box a problem `from_uk` finds is about: the time's once the date is a real one (the
/// time does not read, or the clocks skipped it); the date's otherwise.
pub fn problem_field<'a>(date: &crate::request_form::DateParts, date_field: &'a str, time_field: &'a str) -> &'a str {
    let real_date = date.to_text().is_some_and(|text| NaiveDate::parse_from_str(&text, "%Y-%m-%d").is_ok());
    if real_date { time_field } else { date_field }
}

/// A calendar date as people write it: "2 March 1990".
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moment_typed_in_uk_time_is_stored_in_utc() {
        use crate::request_form::DateParts;
        let day = |d: &str, m: &str| DateParts { day: d.into(), month: m.into(), year: "2026".into() };
        let summer = from_uk(&day("1", "7"), "14:05").unwrap().unwrap();
        assert_eq!(summer.to_rfc3339(), "2026-07-01T13:05:00+00:00", "BST is an hour ahead");
        let winter = from_uk(&day("23", "11"), "9.30").unwrap().unwrap();
        assert_eq!(winter.to_rfc3339(), "2026-11-23T09:30:00+00:00");
        assert_eq!(from_uk(&DateParts::default(), " ").unwrap(), None);
        assert!(from_uk(&DateParts::default(), "10:00").unwrap_err().contains("date as well"));
        assert!(from_uk(&day("31", "2"), "10:00").unwrap_err().contains("real date"));
        assert!(from_uk(&day("1", "7"), "25:00").unwrap_err().contains("24-hour clock"));
        assert_eq!(problem_field(&day("1", "7"), "at", "time"), "time", "a real date: the time is wrong");
        assert_eq!(problem_field(&day("31", "2"), "at", "time"), "at", "not a real date");
        assert_eq!(problem_field(&DateParts::default(), "at", "time"), "at", "no date for the time");
        assert!(from_uk(&day("29", "3"), "01:30").unwrap_err().contains("clocks went forward"));
    }

    #[test]
    fn late_evening_in_summer_is_already_tomorrow_in_the_uk() {
        let now = DateTime::parse_from_rfc3339("2026-06-30T23:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(uk_date(now), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        let winter = DateTime::parse_from_rfc3339("2026-12-31T23:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(uk_date(winter), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert_eq!(uk_time("2026-06-30T23:30:00Z"), "1 July 2026 00:30 BST");
        assert_eq!(uk_time("not a time"), "not a time");
        assert_eq!(uk_time_seconds("2026-06-30T23:30:05.250Z"), "1 July 2026 00:30:05 BST");
        assert_eq!(captured_at("2026-06-30T23:30:05.250Z"), "1 July 2026 00:30:05 BST (UK time)");
        assert_eq!(captured_at("2026-12-01T09:00:00.000Z"), "1 December 2026 09:00:00 GMT (UK time)");
        assert_eq!(long_date(NaiveDate::from_ymd_opt(1990, 3, 2).unwrap()), "2 March 1990");
    }
}
