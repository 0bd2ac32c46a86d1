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

/// A calendar date as people write it: "2 March 1990".
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_evening_in_summer_is_already_tomorrow_in_the_uk() {
        let now = DateTime::parse_from_rfc3339("2026-06-30T23:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(uk_date(now), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        let winter = DateTime::parse_from_rfc3339("2026-12-31T23:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(uk_date(winter), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert_eq!(uk_time("2026-06-30T23:30:00Z"), "1 July 2026 00:30 BST");
        assert_eq!(uk_time("not a time"), "not a time");
        assert_eq!(uk_time_seconds("2026-06-30T23:30:05.250Z"), "1 July 2026 00:30:05 BST");
        assert_eq!(long_date(NaiveDate::from_ymd_opt(1990, 3, 2).unwrap()), "2 March 1990");
    }
}
