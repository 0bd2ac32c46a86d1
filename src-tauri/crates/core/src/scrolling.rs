//! When a capture taken by scrolling stops: at the end of the page, at a date (posts older
//! than the one asked for have appeared), at the policy's limits (screens, height, time), or
//! when the worker stops it; and what stopped it, in words recorded with the capture. The
//! dates a page shows are read as the platform's policy entry says; these rules only judge
//! them. No IO and no clock: the time taken is passed in.

use chrono::NaiveDate;

use crate::local_time::long_date;

/// The policy's limits on one capture taken by scrolling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScrollLimits {
    /// The most screens taken.
    pub max_screens: u32,
    /// The tallest composed picture, in CSS pixels.
    pub max_height_css: f64,
    /// The longest a capture scrolls, in seconds.
    pub max_seconds: u32,
    /// The worker asked for fewer screens than the policy's limit (`max_screens` is theirs).
    pub screens_asked: bool,
}

/// What the scrolling capture has done so far.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ScrollState {
    /// Screens taken.
    pub screens: u32,
    /// How far down the page the screens reach, in CSS pixels.
    pub reached_css: f64,
    /// Time since the scrolling began, in milliseconds.
    pub elapsed_ms: u64,
    /// The oldest date read on the page so far.
    pub oldest_date: Option<NaiveDate>,
    /// The page ends here: scrolled to its bottom, and it loaded no more.
    pub at_end: bool,
    /// The worker asked it to stop.
    pub stop_asked: bool,
}

/// Why a scrolling capture stopped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stop {
    /// The bottom of the page, with nothing more loaded.
    EndOfPage,
    /// As far down as the page reached when the capture began (the page was not followed).
    PageAsLoaded {
        height_css: f64,
    },
    /// A post older than `until` appeared (dated `seen`).
    ReachedDate {
        until: NaiveDate,
        seen: NaiveDate,
    },
    /// The most screens: the policy's, or fewer that the worker asked for.
    Screens {
        screens: u32,
        asked: bool,
    },
    Height(f64),
    Time(u32),
    Worker,
}

impl Stop {
    /// What stopped it, as recorded in the provenance and told to the worker.
    pub fn words(&self) -> String {
        match self {
            Stop::EndOfPage => "reached the end of the page: scrolled to its bottom, it loaded no more".into(),
            Stop::PageAsLoaded { height_css } => {
                format!(
                    "reached the bottom of the page as it was when the capture began ({} CSS px)",
                    height_css.round()
                )
            }
            Stop::ReachedDate { until, seen } => {
                format!("reached {}: a post dated {} appeared", long_date(*until), long_date(*seen))
            }
            Stop::Screens { screens, asked: false } => format!("reached the policy's limit of {screens} screens"),
            Stop::Screens { screens, asked: true } => format!("reached the {screens} screens the worker asked for"),
            Stop::Height(px) => format!("reached the policy's limit of {} CSS px of height", px.round()),
            Stop::Time(s) => format!("reached the policy's limit of {s} seconds"),
            Stop::Worker => "stopped by the worker".into(),
        }
    }

    /// Whether the picture holds less than the page would have shown (a limit or the worker
    /// cut it short).
    pub fn cut_short(&self) -> bool {
        matches!(self, Stop::Screens { .. } | Stop::Height(_) | Stop::Time(_) | Stop::Worker)
    }
}

/// Whether to stop after the screens so far. `until`: follow the page until a post older
/// than this date appears; `as_loaded`: when the page is not followed, the height it had
/// when the capture began. The worker's stop comes first, then the page's own end or date,
/// then the limits.
pub fn should_stop(
    limits: &ScrollLimits,
    until: Option<NaiveDate>,
    as_loaded: Option<f64>,
    state: &ScrollState,
) -> Option<Stop> {
    if state.stop_asked {
        return Some(Stop::Worker);
    }
    if let (Some(until), Some(seen)) = (until, state.oldest_date)
        && seen < until
    {
        return Some(Stop::ReachedDate { until, seen });
    }
    if let Some(height_css) = as_loaded
        && state.reached_css >= height_css
    {
        return Some(Stop::PageAsLoaded { height_css });
    }
    if state.at_end {
        return Some(Stop::EndOfPage);
    }
    if state.reached_css >= limits.max_height_css {
        return Some(Stop::Height(limits.max_height_css));
    }
    if state.screens >= limits.max_screens {
        return Some(Stop::Screens { screens: limits.max_screens, asked: limits.screens_asked });
    }
    if state.elapsed_ms >= u64::from(limits.max_seconds) * 1000 {
        return Some(Stop::Time(limits.max_seconds));
    }
    None
}

/// A date as a page writes it for machines: `2026-07-31`, an RFC 3339 moment
/// (`2026-07-31T22:15:00Z`, `2026-07-31T22:15:00+01:00`; its own calendar day), or Unix
/// seconds. Anything else is no date.
pub fn page_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Ok(moment) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(moment.date_naive());
    }
    if let Ok(moment) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(moment.date());
    }
    if let Some(day) = text.get(..10)
        && let Ok(date) = NaiveDate::parse_from_str(day, "%Y-%m-%d")
        && (text.len() == 10 || text[10..].starts_with(['T', ' ']))
    {
        return Some(date);
    }
    if !text.is_empty() && text.len() <= 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        let seconds: i64 = text.parse().ok()?;
        return chrono::DateTime::from_timestamp(seconds, 0).map(|t| t.date_naive());
    }
    None
}

/// The oldest of the dates a page shows; texts that are no date are passed over.
pub fn oldest_date<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<NaiveDate> {
    texts.into_iter().filter_map(page_date).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const LIMITS: ScrollLimits =
        ScrollLimits { max_screens: 400, max_height_css: 250_000.0, max_seconds: 300, screens_asked: false };

    #[test]
    fn a_followed_feed_stops_when_a_post_older_than_the_date_appears() {
        let until = Some(day(2026, 8, 1));
        let mut state =
            ScrollState { screens: 12, reached_css: 9_000.0, oldest_date: Some(day(2026, 8, 1)), ..Default::default() };
        assert_eq!(should_stop(&LIMITS, until, None, &state), None, "a post of the day itself is not older");
        state.oldest_date = Some(day(2026, 7, 29));
        let stop = should_stop(&LIMITS, until, None, &state).unwrap();
        assert_eq!(stop, Stop::ReachedDate { until: day(2026, 8, 1), seen: day(2026, 7, 29) });
        assert_eq!(stop.words(), "reached 1 August 2026: a post dated 29 July 2026 appeared");
        assert!(!stop.cut_short());
        assert_eq!(should_stop(&LIMITS, None, None, &state), None, "no date asked: dates do not stop it");
    }

    #[test]
    fn the_limits_stop_it_and_say_which() {
        let at =
            |screens, reached_css, elapsed_ms| ScrollState { screens, reached_css, elapsed_ms, ..Default::default() };
        assert_eq!(should_stop(&LIMITS, None, None, &at(399, 100_000.0, 299_999)), None);
        let screens = should_stop(&LIMITS, None, None, &at(400, 100_000.0, 1)).unwrap();
        assert_eq!(screens.words(), "reached the policy's limit of 400 screens");
        assert!(screens.cut_short());
        let asked = ScrollLimits { max_screens: 3, screens_asked: true, ..LIMITS };
        let fewer = should_stop(&asked, None, None, &at(3, 1_000.0, 1)).unwrap();
        assert_eq!(fewer.words(), "reached the 3 screens the worker asked for");
        assert!(fewer.cut_short());
        assert_eq!(should_stop(&LIMITS, None, None, &at(3, 250_000.0, 1)), Some(Stop::Height(250_000.0)));
        let time = should_stop(&LIMITS, None, None, &at(3, 1.0, 300_000)).unwrap();
        assert_eq!(time.words(), "reached the policy's limit of 300 seconds");
    }

    #[test]
    fn the_end_the_page_as_loaded_and_the_worker_stop_it_in_that_order() {
        let end = ScrollState { screens: 5, reached_css: 3_000.0, at_end: true, ..Default::default() };
        assert_eq!(should_stop(&LIMITS, Some(day(2026, 1, 1)), None, &end), Some(Stop::EndOfPage));
        assert_eq!(
            should_stop(&LIMITS, None, Some(3_000.0), &ScrollState { at_end: false, ..end }),
            Some(Stop::PageAsLoaded { height_css: 3_000.0 })
        );
        assert_eq!(should_stop(&LIMITS, None, Some(3_000.5), &ScrollState { at_end: false, ..end }), None);
        let asked = ScrollState { stop_asked: true, screens: 500, ..end };
        assert_eq!(should_stop(&LIMITS, None, None, &asked), Some(Stop::Worker));
        assert_eq!(Stop::Worker.words(), "stopped by the worker");
    }

    #[test]
    fn dates_are_read_as_pages_write_them_for_machines() {
        assert_eq!(page_date("2026-07-31"), Some(day(2026, 7, 31)));
        assert_eq!(page_date(" 2026-07-31T23:30:00+01:00 "), Some(day(2026, 7, 31)), "its own calendar day");
        assert_eq!(page_date("2026-07-31T22:15:00.123Z"), Some(day(2026, 7, 31)));
        assert_eq!(page_date("2026-07-31T22:15:00"), Some(day(2026, 7, 31)));
        assert_eq!(page_date("1785456000"), Some(day(2026, 7, 31)));
        for nothing in ["", "yesterday", "31/07/2026", "2026-07-31x", "2026-13-01", "12345678901234"] {
            assert_eq!(page_date(nothing), None, "{nothing:?}");
        }
        assert_eq!(oldest_date(["2026-09-02", "soon", "2026-08-30T10:00:00Z", "2026-10-01"]), Some(day(2026, 8, 30)));
        assert_eq!(oldest_date(["soon"]), None);
    }
}
