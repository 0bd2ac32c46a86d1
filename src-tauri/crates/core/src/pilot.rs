//! The pilot's evaluation: what the service director judges the scheme on — how often it was
//! used, the time a check took, the useful and the unique pieces of information, how much they
//! contributed at finalisation and six months on, how long permission took, refusals and
//! referrals back, repeat-viewing warnings and refusals, and the users' view of the
//! authorisation process. Pure: each request's figures come in (from this laptop's store or
//! from other laptops' signed exports), with the period.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

use crate::home::{DueItem, DueKind};
use crate::local_time::long_date;
pub use crate::log::Contribution as Rating;

/// The format of a laptop's pilot export.
pub const PILOT_EXPORT_FORMAT: &str = "triangulate-pilot/1";

/// The social worker's feedback after a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeedbackFigures {
    pub time_minutes: u32,
    pub useful: u32,
    pub unique: u32,
    pub rating: Rating,
}

/// One person's rating of the authorisation process for a request, from 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProcessFigures {
    pub ease: u8,
    pub effectiveness: u8,
}

/// One request's figures, as a laptop exports them: no name, no reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PilotRecord {
    /// SHA-256 of the store's id and the request's reference: the same request always has
    /// the same id, so it is counted once however often it is exported.
    pub id: String,
    pub created_on: NaiveDate,
    pub submitted_on: Option<NaiveDate>,
    pub permitted_on: Option<NaiveDate>,
    pub refused: bool,
    pub referred_back: u32,
    /// The day access started (its first access session, or its first search logged): the
    /// day the check was done.
    pub checked_on: Option<NaiveDate>,
    /// The access sessions' minutes, summed.
    pub session_minutes: u32,
    pub finalised_on: Option<NaiveDate>,
    pub feedback: Option<FeedbackFigures>,
    /// The six-month re-check's rating.
    pub recheck: Option<Rating>,
    pub process: Vec<ProcessFigures>,
    pub repeat_viewing_warnings: u32,
    pub repeat_viewing_refusals: u32,
}

/// A laptop's pilot figures as it exports them: no names, signed with its installation's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PilotExport {
    pub format: String,
    pub exported_at: String,
    pub records: Vec<PilotRecord>,
    pub signing_key: triangulate_evidence::SigningKeyInfo,
}

/// The file: the export and its Ed25519 signature over the export's canonical JSON.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignedExport {
    export: serde_json::Value,
    signature: String,
}

impl PilotExport {
    /// The bytes the signature covers.
    pub fn signed_bytes(&self) -> String {
        triangulate_evidence::canonical_json(&serde_json::to_value(self).expect("an export serialises"))
    }

    /// The file's text, given the signature over [`Self::signed_bytes`].
    pub fn file_text(&self, signature: &str) -> String {
        let file = SignedExport {
            export: serde_json::to_value(self).expect("an export serialises"),
            signature: signature.to_string(),
        };
        serde_json::to_string_pretty(&file).expect("a file serialises")
    }

    /// Reads an export file: its format, that the key's fingerprint is the key's, and that the
    /// signature over its canonical JSON verifies with that key. Any change is refused.
    pub fn read(text: &str) -> Result<PilotExport, String> {
        let file: SignedExport = serde_json::from_str(text).map_err(|e| format!("it is not a pilot export: {e}"))?;
        if file.export["format"] != PILOT_EXPORT_FORMAT {
            return Err(format!("its format is {}, not {PILOT_EXPORT_FORMAT}", file.export["format"]));
        }
        let export: PilotExport =
            serde_json::from_value(file.export.clone()).map_err(|e| format!("its figures cannot be read: {e}"))?;
        let key = &export.signing_key;
        let fingerprint = hex::decode(&key.public_key)
            .map(|raw| triangulate_evidence::sha256_hex(&raw))
            .map_err(|_| "its public key is not hex".to_string())?;
        if fingerprint != key.fingerprint {
            return Err("its key's fingerprint is not the SHA-256 of its public key".into());
        }
        let signed = triangulate_evidence::canonical_json(&file.export);
        triangulate_evidence::verify_signature(&key.public_key, signed.as_bytes(), &file.signature).map_err(|_| {
            "its signature does not match its figures: it was changed after it was exported".to_string()
        })?;
        Ok(export)
    }
}

/// The most a real check's figures can be: a file with any figure beyond these is refused
/// whole. Four weeks of minutes for a check or its sessions; a thousand pieces of
/// information; fifty referrals back; a hundred repeat-viewing warnings or refusals; fifty
/// ratings of the process (one per person involved).
pub const MAX_MINUTES: u32 = 4 * 7 * 24 * 60;
pub const MAX_PIECES: u32 = 1_000;
pub const MAX_REFERRALS_BACK: u32 = 50;
pub const MAX_REPEAT_VIEWING: u32 = 100;
pub const MAX_PROCESS_RATINGS: usize = 50;

/// Without a pilot period in the policy, no figure is dated before this day.
pub fn earliest_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).expect("a date")
}

/// Whether an export's key is one this laptop trusts: its own, or one the policy lists
/// (`[pilot] trusted_keys`). Fingerprints are compared without case.
pub fn trusted_key(fingerprint: &str, own: &str, listed: &[String]) -> bool {
    let fingerprint = fingerprint.trim();
    fingerprint.eq_ignore_ascii_case(own) || listed.iter().any(|k| k.trim().eq_ignore_ascii_case(fingerprint))
}

/// Every figure of an export that a real check cannot have, each named by its record (from 1)
/// and field: dates inside the pilot period (`starts` to `ends`, for the day a request was
/// made; from `starts` to the day of the export for what followed), in the order they happen
/// (made, submitted, permitted, checked, finalised), no date after the export was made,
/// nothing exported in the future (`today`, a day's grace for clocks), and counts within the
/// bounds above. Empty when the file may be counted.
pub fn check_export(
    export: &PilotExport,
    starts: Option<NaiveDate>,
    ends: Option<NaiveDate>,
    today: NaiveDate,
) -> Vec<crate::FieldError> {
    use crate::FieldError;
    let mut errors = Vec::new();
    let exported = chrono::DateTime::parse_from_rfc3339(&export.exported_at)
        .ok()
        .map(|t| crate::local_time::uk_date(t.with_timezone(&chrono::Utc)));
    let exported = match exported {
        Some(day) if day > today + chrono::Days::new(1) => {
            errors.push(FieldError::new(
                "exported_at",
                format!("it says it was exported on {}, which has not come yet", long_date(day)),
            ));
            today
        }
        Some(day) => day,
        None => {
            errors.push(FieldError::new(
                "exported_at",
                format!("its export time {:?} is not a time such as 2026-11-30T10:00:00Z", export.exported_at),
            ));
            today
        }
    };
    let earliest = starts.unwrap_or_else(earliest_day);
    let mut seen_ids = std::collections::BTreeSet::new();
    for (k, r) in export.records.iter().enumerate() {
        let at = |field: &str| format!("records[{}].{field}", k + 1);
        let mut bad = |field: &str, message: String| errors.push(FieldError::new(at(field), message));
        if r.id.len() != 64 || !r.id.bytes().all(|b| b.is_ascii_hexdigit()) {
            bad("id", "the request's id is not a SHA-256 in hex".into());
        } else if !seen_ids.insert(r.id.to_ascii_lowercase()) {
            bad("id", "the same request is in the file twice".into());
        }
        // In the order they happen; each within the period and not after the export.
        let dates = [
            ("created_on", "made", Some(r.created_on)),
            ("submitted_on", "submitted", r.submitted_on),
            ("permitted_on", "permitted", r.permitted_on),
            ("checked_on", "checked", r.checked_on),
            ("finalised_on", "finalised", r.finalised_on),
        ];
        let mut before: Option<(&str, NaiveDate)> = None;
        for (field, what, day) in dates {
            let Some(day) = day else { continue };
            let mut in_bounds = false;
            if day < earliest {
                let limit = if starts.is_some() { "the pilot started" } else { "Triangulate's figures begin" };
                bad(field, format!("it was {what} on {}, before {limit} ({})", long_date(day), long_date(earliest)));
            } else if day > exported {
                bad(
                    field,
                    format!(
                        "it was {what} on {}, after the file was exported ({})",
                        long_date(day),
                        long_date(exported)
                    ),
                );
            } else if let Some((earlier, on)) = before
                && day < on
            {
                bad(field, format!("it was {what} on {}, before it was {earlier} ({})", long_date(day), long_date(on)));
            } else {
                in_bounds = true;
            }
            if field == "created_on"
                && let Some(end) = ends
                && day > end
            {
                bad(field, format!("it was made on {}, after the pilot ended ({})", long_date(day), long_date(end)));
            }
            // A date already refused is no measure of the ones after it.
            if in_bounds {
                before = Some((what, day));
            }
        }
        let mut count = |field: &str, what: &str, value: u32, max: u32| {
            if value > max {
                bad(field, format!("{what}: {value}, where a check has at most {max}"));
            }
        };
        count("referred_back", "the number of referrals back", r.referred_back, MAX_REFERRALS_BACK);
        count("session_minutes", "the access sessions' minutes", r.session_minutes, MAX_MINUTES);
        count("repeat_viewing_warnings", "the repeat-viewing warnings", r.repeat_viewing_warnings, MAX_REPEAT_VIEWING);
        count("repeat_viewing_refusals", "the repeat-viewing refusals", r.repeat_viewing_refusals, MAX_REPEAT_VIEWING);
        if let Some(f) = &r.feedback {
            count("feedback.time_minutes", "the time the check took, in minutes", f.time_minutes, MAX_MINUTES);
            count("feedback.useful", "the useful pieces of information", f.useful, MAX_PIECES);
            count("feedback.unique", "the unique pieces of information", f.unique, MAX_PIECES);
            if f.unique > f.useful {
                bad("feedback.unique", format!("{} unique pieces is more than the {} useful ones", f.unique, f.useful));
            }
        }
        if (r.feedback.is_some() || r.recheck.is_some()) && r.finalised_on.is_none() {
            let field = if r.feedback.is_some() { "feedback" } else { "recheck" };
            bad(field, "it has feedback on a check whose log was never finalised".into());
        }
        if r.permitted_on.is_some() && r.submitted_on.is_none() {
            bad("permitted_on", "it was permitted but never submitted".into());
        }
        if r.process.len() > MAX_PROCESS_RATINGS {
            bad(
                "process",
                format!("{} ratings of the process: a request has at most {MAX_PROCESS_RATINGS}", r.process.len()),
            );
        }
        for (n, p) in r.process.iter().enumerate() {
            for (field, value) in [("ease", p.ease), ("effectiveness", p.effectiveness)] {
                if !(1..=5).contains(&value) {
                    bad(&format!("process[{}].{field}", n + 1), format!("the rating is {value}, not 1 to 5"));
                }
            }
        }
    }
    errors
}

impl PilotRecord {
    /// A request's figures before anything happened to it.
    pub fn new(id: String, created_on: NaiveDate) -> PilotRecord {
        PilotRecord {
            id,
            created_on,
            submitted_on: None,
            permitted_on: None,
            refused: false,
            referred_back: 0,
            checked_on: None,
            session_minutes: 0,
            finalised_on: None,
            feedback: None,
            recheck: None,
            process: Vec::new(),
            repeat_viewing_warnings: 0,
            repeat_viewing_refusals: 0,
        }
    }
}

/// A count for one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct MonthCount {
    /// `2026-11`.
    pub month: String,
    /// `November 2026`.
    pub label: String,
    pub count: u32,
}

/// How many ratings of each level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RatingCount {
    pub rating: Rating,
    pub count: u32,
}

/// The report over a period.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PilotReport {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Requests made in the period.
    pub requests: u32,
    /// Requests checked (at least one access session), and how many each month.
    pub checks: u32,
    pub checks_per_month: Vec<MonthCount>,
    /// Checks with the social worker's feedback.
    pub feedback_given: u32,
    /// Checks finalised with no feedback yet.
    pub feedback_awaited: u32,
    /// Minutes a check took, by the feedback: total and mean.
    pub minutes_total: u32,
    pub minutes_per_check: Option<f64>,
    /// The access sessions' own minutes, summed, for comparison.
    pub session_minutes_total: u32,
    pub useful_total: u32,
    pub unique_total: u32,
    pub useful_per_check: Option<f64>,
    pub unique_per_check: Option<f64>,
    pub ratings_at_finalisation: Vec<RatingCount>,
    pub ratings_at_six_months: Vec<RatingCount>,
    /// Days from submission to the service director's permission: how many, mean, median.
    pub permissions: u32,
    pub turnaround_mean_days: Option<f64>,
    pub turnaround_median_days: Option<f64>,
    pub refusals: u32,
    pub referrals_back: u32,
    pub repeat_viewing_warnings: u32,
    pub repeat_viewing_refusals: u32,
    /// Ratings of the authorisation process: how many, and the mean of each (1 to 5).
    pub process_ratings: u32,
    pub process_ease_mean: Option<f64>,
    pub process_effectiveness_mean: Option<f64>,
}

const RATINGS: [Rating; 4] = [Rating::Little, Rating::Some, Rating::Considerable, Rating::Significant];

fn mean(total: f64, count: u32) -> Option<f64> {
    (count > 0).then(|| (total / f64::from(count) * 10.0).round() / 10.0)
}

fn median(mut values: Vec<i64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 { values[n / 2] as f64 } else { (values[n / 2 - 1] + values[n / 2]) as f64 / 2.0 })
}

fn ratings(given: impl Iterator<Item = Rating>) -> Vec<RatingCount> {
    let mut counts = [0u32; 4];
    for r in given {
        counts[RATINGS.iter().position(|x| *x == r).expect("every rating is listed")] += 1;
    }
    RATINGS.iter().zip(counts).map(|(rating, count)| RatingCount { rating: *rating, count }).collect()
}

/// The report over the requests made from `from` to `to` (both included; either open).
pub fn report(records: &[PilotRecord], from: Option<NaiveDate>, to: Option<NaiveDate>) -> PilotReport {
    let in_period: Vec<&PilotRecord> = records
        .iter()
        .filter(|r| from.is_none_or(|f| r.created_on >= f) && to.is_none_or(|t| r.created_on <= t))
        .collect();
    let checked: Vec<&&PilotRecord> = in_period.iter().filter(|r| r.checked_on.is_some()).collect();
    let mut months: BTreeMap<(i32, u32), u32> = BTreeMap::new();
    for r in &checked {
        let day = r.checked_on.expect("checked");
        *months.entry((day.year(), day.month())).or_default() += 1;
    }
    // Every month of the span, those with no check too, so a chart's gaps are real.
    let mut checks_per_month = Vec::new();
    if let (Some(first), Some(last)) = (months.keys().next().copied(), months.keys().last().copied()) {
        let mut month = NaiveDate::from_ymd_opt(first.0, first.1, 1).expect("a month");
        let end = NaiveDate::from_ymd_opt(last.0, last.1, 1).expect("a month");
        while month <= end {
            checks_per_month.push(MonthCount {
                month: month.format("%Y-%m").to_string(),
                label: month.format("%B %Y").to_string(),
                count: months.get(&(month.year(), month.month())).copied().unwrap_or(0),
            });
            month = month.checked_add_months(Months::new(1)).expect("a month");
        }
    }
    let feedback: Vec<FeedbackFigures> = in_period.iter().filter_map(|r| r.feedback).collect();
    let given = feedback.len() as u32;
    let minutes_total: u32 = feedback.iter().map(|f| f.time_minutes).sum();
    let useful_total: u32 = feedback.iter().map(|f| f.useful).sum();
    let unique_total: u32 = feedback.iter().map(|f| f.unique).sum();
    let turnarounds: Vec<i64> =
        in_period.iter().filter_map(|r| Some((r.permitted_on? - r.submitted_on?).num_days())).collect();
    let process: Vec<ProcessFigures> = in_period.iter().flat_map(|r| r.process.iter().copied()).collect();
    let process_count = process.len() as u32;
    PilotReport {
        from,
        to,
        requests: in_period.len() as u32,
        checks: checked.len() as u32,
        checks_per_month,
        feedback_given: given,
        feedback_awaited: in_period.iter().filter(|r| r.finalised_on.is_some() && r.feedback.is_none()).count() as u32,
        minutes_total,
        minutes_per_check: mean(f64::from(minutes_total), given),
        session_minutes_total: in_period.iter().map(|r| r.session_minutes).sum(),
        useful_total,
        unique_total,
        useful_per_check: mean(f64::from(useful_total), given),
        unique_per_check: mean(f64::from(unique_total), given),
        ratings_at_finalisation: ratings(feedback.iter().map(|f| f.rating)),
        ratings_at_six_months: ratings(in_period.iter().filter_map(|r| r.recheck)),
        permissions: turnarounds.len() as u32,
        turnaround_mean_days: mean(turnarounds.iter().sum::<i64>() as f64, turnarounds.len() as u32),
        turnaround_median_days: median(turnarounds),
        refusals: in_period.iter().filter(|r| r.refused).count() as u32,
        referrals_back: in_period.iter().map(|r| r.referred_back).sum(),
        repeat_viewing_warnings: in_period.iter().map(|r| r.repeat_viewing_warnings).sum(),
        repeat_viewing_refusals: in_period.iter().map(|r| r.repeat_viewing_refusals).sum(),
        process_ratings: process_count,
        process_ease_mean: mean(process.iter().map(|p| f64::from(p.ease)).sum(), process_count),
        process_effectiveness_mean: mean(process.iter().map(|p| f64::from(p.effectiveness)).sum(), process_count),
    }
}

/// Records from several sources, each request once: the first seen of each id is kept.
/// Returns the records and how many duplicates were left out.
pub fn merge(sources: impl IntoIterator<Item = Vec<PilotRecord>>) -> (Vec<PilotRecord>, u32) {
    let mut seen = std::collections::BTreeSet::new();
    let mut merged = Vec::new();
    let mut duplicates = 0;
    for records in sources {
        for record in records {
            if seen.insert(record.id.clone()) {
                merged.push(record);
            } else {
                duplicates += 1;
            }
        }
    }
    (merged, duplicates)
}

/// A request as the pilot's "Due" items need it.
pub struct FeedbackFacts<'a> {
    pub request: &'a str,
    pub finalised_on: Option<NaiveDate>,
    pub feedback_given: bool,
    pub recheck_given: bool,
}

/// What Home asks for: the social worker's feedback on each finalised check until it is
/// given, and the re-check `recheck_months` after finalisation until it is recorded.
pub fn due(requests: &[FeedbackFacts], today: NaiveDate, recheck_months: u32) -> Vec<DueItem> {
    let mut items = Vec::new();
    for r in requests {
        let Some(finalised) = r.finalised_on else { continue };
        if !r.feedback_given {
            items.push(DueItem {
                kind: DueKind::Feedback,
                request: r.request.into(),
                overdue: false,
                date: Some(finalised),
                text: format!(
                    "The social worker's feedback on the check for {} (finalised {}) is not recorded yet",
                    r.request,
                    long_date(finalised)
                ),
            });
        }
        let recheck_on = finalised.checked_add_months(Months::new(recheck_months)).unwrap_or(NaiveDate::MAX);
        if !r.recheck_given && recheck_on <= today {
            items.push(DueItem {
                kind: DueKind::Recheck,
                request: r.request.into(),
                overdue: false,
                date: Some(recheck_on),
                text: format!(
                    "How useful the information for {} proved in the longer term: the re-check was due on {}",
                    r.request,
                    long_date(recheck_on)
                ),
            });
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn record(id: &str, created: NaiveDate) -> PilotRecord {
        PilotRecord::new(id.into(), created)
    }

    /// Four requests, each figure worked out by hand below.
    fn fixed() -> Vec<PilotRecord> {
        let mut a = record("a", day(9, 1));
        a.submitted_on = Some(day(9, 1));
        a.permitted_on = Some(day(9, 4)); // 3 days
        a.checked_on = Some(day(9, 10));
        a.session_minutes = 40;
        a.finalised_on = Some(day(9, 20));
        a.feedback = Some(FeedbackFigures { time_minutes: 45, useful: 3, unique: 1, rating: Rating::Considerable });
        a.recheck = Some(Rating::Significant);
        a.process = vec![ProcessFigures { ease: 4, effectiveness: 5 }, ProcessFigures { ease: 2, effectiveness: 3 }];
        a.repeat_viewing_warnings = 1;
        let mut b = record("b", day(9, 15));
        b.submitted_on = Some(day(9, 15));
        b.permitted_on = Some(day(9, 25)); // 10 days
        b.referred_back = 2;
        b.checked_on = Some(day(11, 2)); // October has no check
        b.session_minutes = 20;
        b.finalised_on = Some(day(11, 5));
        b.feedback = Some(FeedbackFigures { time_minutes: 30, useful: 0, unique: 0, rating: Rating::Little });
        b.repeat_viewing_refusals = 1;
        let mut c = record("c", day(10, 1));
        c.submitted_on = Some(day(10, 1));
        c.refused = true;
        let mut d = record("d", day(11, 3));
        d.submitted_on = Some(day(11, 3));
        d.permitted_on = Some(day(11, 4)); // 1 day
        d.checked_on = Some(day(11, 20));
        d.finalised_on = Some(day(11, 25)); // no feedback yet
        d.process = vec![ProcessFigures { ease: 3, effectiveness: 4 }];
        vec![a, b, c, d]
    }

    #[test]
    fn every_figure_of_a_small_fixed_set_is_what_it_is_by_hand() {
        let r = report(&fixed(), None, None);
        assert_eq!((r.requests, r.checks), (4, 3));
        let months: Vec<(&str, u32)> = r.checks_per_month.iter().map(|m| (m.month.as_str(), m.count)).collect();
        assert_eq!(months, [("2026-09", 1), ("2026-10", 0), ("2026-11", 2)]);
        assert_eq!(r.checks_per_month[1].label, "October 2026");
        assert_eq!((r.feedback_given, r.feedback_awaited), (2, 1));
        // (45 + 30) / 2 = 37.5 minutes; sessions 40 + 20 + 0.
        assert_eq!((r.minutes_total, r.minutes_per_check, r.session_minutes_total), (75, Some(37.5), 60));
        // Useful 3 + 0 over 2 checks with feedback; unique 1 + 0.
        assert_eq!((r.useful_total, r.unique_total), (3, 1));
        assert_eq!((r.useful_per_check, r.unique_per_check), (Some(1.5), Some(0.5)));
        let counts = |v: &[RatingCount]| v.iter().map(|c| c.count).collect::<Vec<_>>();
        assert_eq!(counts(&r.ratings_at_finalisation), [1, 0, 1, 0], "little, some, considerable, significant");
        assert_eq!(counts(&r.ratings_at_six_months), [0, 0, 0, 1]);
        // Turnarounds 3, 10 and 1 days: mean 14 / 3 = 4.7, median 3.
        assert_eq!((r.permissions, r.turnaround_mean_days, r.turnaround_median_days), (3, Some(4.7), Some(3.0)));
        assert_eq!((r.refusals, r.referrals_back), (1, 2));
        assert_eq!((r.repeat_viewing_warnings, r.repeat_viewing_refusals), (1, 1));
        // Ease (4 + 2 + 3) / 3 = 3, effectiveness (5 + 3 + 4) / 3 = 4.
        assert_eq!((r.process_ratings, r.process_ease_mean, r.process_effectiveness_mean), (3, Some(3.0), Some(4.0)));
    }

    #[test]
    fn a_period_counts_the_requests_made_in_it_and_an_empty_one_has_no_means() {
        let october = report(&fixed(), Some(day(10, 1)), Some(day(10, 31)));
        assert_eq!((october.requests, october.checks, october.refusals), (1, 0, 1));
        assert!(october.checks_per_month.is_empty());
        assert_eq!((october.minutes_per_check, october.turnaround_median_days), (None, None));
        let from_b = report(&fixed(), Some(day(9, 15)), None);
        assert_eq!(from_b.requests, 3, "from the day of b, both included");
        let even = median(vec![10, 1, 3, 7]);
        assert_eq!(even, Some(5.0), "the mean of the middle two");
    }

    #[test]
    fn an_export_reads_back_only_untouched_and_signed_by_the_key_it_names() {
        let key = triangulate_evidence::SigningKey::from_bytes(&[3; 32]);
        let export = PilotExport {
            format: PILOT_EXPORT_FORMAT.into(),
            exported_at: "2026-11-30T10:00:00Z".into(),
            records: fixed(),
            signing_key: triangulate_evidence::SigningKeyInfo::of(&key),
        };
        let text = export.file_text(&triangulate_evidence::sign_manifest(&key, &export.signed_bytes()));
        assert_eq!(PilotExport::read(&text), Ok(export.clone()));
        let tampered = text.replacen("\"useful\": 3", "\"useful\": 30", 1);
        assert_ne!(tampered, text);
        assert!(PilotExport::read(&tampered).unwrap_err().contains("changed after it was exported"));
        let other = triangulate_evidence::SigningKey::from_bytes(&[4; 32]);
        let forged = export.file_text(&triangulate_evidence::sign_manifest(&other, &export.signed_bytes()));
        assert!(PilotExport::read(&forged).is_err(), "signed with a key other than the one named");
        assert!(PilotExport::read("{}").is_err());
    }

    fn exported(records: Vec<PilotRecord>) -> PilotExport {
        let key = triangulate_evidence::SigningKey::from_bytes(&[3; 32]);
        PilotExport {
            format: PILOT_EXPORT_FORMAT.into(),
            exported_at: "2026-11-30T10:00:00Z".into(),
            records,
            signing_key: triangulate_evidence::SigningKeyInfo::of(&key),
        }
    }

    fn hex_id(n: u8) -> String {
        format!("{n:02x}").repeat(32)
    }

    #[test]
    fn only_this_laptops_key_and_the_keys_the_policy_lists_are_trusted() {
        let own = "a".repeat(64);
        let listed = vec!["B".repeat(64)];
        assert!(trusted_key(&own, &own, &[]));
        assert!(trusted_key(&"b".repeat(64), &own, &listed), "listed, compared without case");
        assert!(!trusted_key(&"c".repeat(64), &own, &listed));
        assert!(!trusted_key("", &own, &listed));
    }

    #[test]
    fn figures_a_real_check_can_have_pass_and_each_one_beyond_them_is_named() {
        let mut good: Vec<PilotRecord> = fixed();
        for (k, r) in good.iter_mut().enumerate() {
            r.id = hex_id(k as u8 + 1);
        }
        let today = day(12, 1);
        assert_eq!(check_export(&exported(good.clone()), Some(day(9, 1)), Some(day(11, 30)), today), []);
        assert_eq!(check_export(&exported(good.clone()), None, None, today), [], "no period: the floor and the export");

        let mut bad = good.clone();
        bad[0].feedback =
            Some(FeedbackFigures { time_minutes: 45, useful: 4_000_000_000, unique: 1, rating: Rating::Significant });
        bad[1].submitted_on = NaiveDate::from_ymd_opt(1900, 1, 1);
        bad[1].permitted_on = NaiveDate::from_ymd_opt(2100, 1, 1);
        bad[2].session_minutes = MAX_MINUTES + 1;
        bad[3].process = vec![ProcessFigures { ease: 9, effectiveness: 4 }];
        bad[3].finalised_on = Some(day(11, 10)); // before it was checked, on 20 November
        let errors = check_export(&exported(bad), Some(day(9, 1)), Some(day(11, 30)), today);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "records[1].feedback.useful",
                "records[2].submitted_on",
                "records[2].permitted_on",
                "records[3].session_minutes",
                "records[4].finalised_on",
                "records[4].process[1].ease",
            ],
            "{errors:?}"
        );
        assert!(errors[0].message.contains("4000000000") && errors[0].message.contains("1000"), "{errors:?}");
        assert!(errors[1].message.contains("before the pilot started"), "{errors:?}");
        assert!(errors[2].message.contains("after the file was exported"), "{errors:?}");
        assert!(errors[4].message.contains("before it was checked"), "{errors:?}");

        // A request made after the pilot ended, an export dated in the future, one request twice.
        let mut late = good.clone();
        late[3] = record(&late[3].id, day(12, 1));
        late[2].id = late[1].id.clone();
        let mut export = exported(late);
        export.exported_at = "2027-06-01T10:00:00Z".into();
        let errors = check_export(&export, Some(day(9, 1)), Some(day(11, 30)), today);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["exported_at", "records[3].id", "records[4].created_on"], "{errors:?}");
        assert!(errors[2].message.contains("after the pilot ended"), "{errors:?}");
    }

    #[test]
    fn merged_sources_count_each_request_once() {
        let set = fixed();
        let (merged, duplicates) = merge([set.clone(), set[..2].to_vec(), vec![record("e", day(11, 1))]]);
        assert_eq!((merged.len(), duplicates), (5, 2));
        assert_eq!(report(&merged, None, None).requests, 5);
    }

    /// What a laptop exports: each request's figures, its id made from the laptop's store
    /// and the request's reference, as the store makes it.
    fn laptop(store: &str, requests: &[(&str, NaiveDate, Option<(NaiveDate, NaiveDate)>)]) -> Vec<PilotRecord> {
        requests
            .iter()
            .map(|(reference, created, decided)| {
                let mut r =
                    record(&triangulate_evidence::sha256_hex(format!("{store}:{reference}").as_bytes()), *created);
                if let Some((submitted, permitted)) = decided {
                    r.submitted_on = Some(*submitted);
                    r.permitted_on = Some(*permitted);
                }
                r
            })
            .collect()
    }

    #[test]
    fn two_laptops_figures_add_up_to_the_report_with_each_permission_counted() {
        // Two laptops, one request each; the second permitted after 4 days.
        let first = laptop("store-1", &[("REQ-2026-0001", day(11, 2), None)]);
        let second = laptop("store-2", &[("REQ-2026-0001", day(11, 3), Some((day(11, 3), day(11, 7))))]);
        let (merged, duplicates) = merge([first.clone(), second.clone()]);
        let r = report(&merged, None, None);
        assert_eq!((r.requests, duplicates), (2, 0), "the same reference on two laptops is two requests");
        assert_eq!((r.permissions, r.turnaround_mean_days, r.turnaround_median_days), (1, Some(4.0), Some(4.0)));

        // The first laptop's own file added again, and a third request made in October.
        let mut second = second;
        second.extend(laptop("store-2", &[("REQ-2026-0002", day(10, 20), Some((day(10, 20), day(10, 21))))]));
        let sources = [first.clone(), second.clone(), first.clone()];
        let held: usize = sources.iter().map(Vec::len).sum();
        let (merged, duplicates) = merge(sources);
        let november = report(&merged, Some(day(11, 1)), Some(day(11, 30)));
        let outside = merged.len() as u32 - november.requests;
        assert_eq!((held, duplicates, outside, november.requests), (4, 1, 1, 2));
        assert_eq!(
            held as u32,
            november.requests + duplicates + outside,
            "every request of every source is counted once, or said why not"
        );
        assert_eq!(november.permissions, 1, "October's permission is outside November");
        assert_eq!(report(&merged, None, None).permissions, 2);
    }

    #[test]
    fn feedback_is_asked_for_until_given_and_the_recheck_from_six_months_after_finalisation() {
        let facts = [
            FeedbackFacts {
                request: "R1",
                finalised_on: Some(day(5, 31)),
                feedback_given: false,
                recheck_given: false,
            },
            FeedbackFacts { request: "R2", finalised_on: Some(day(6, 1)), feedback_given: true, recheck_given: false },
            FeedbackFacts { request: "R3", finalised_on: None, feedback_given: false, recheck_given: false },
            FeedbackFacts { request: "R4", finalised_on: Some(day(1, 1)), feedback_given: true, recheck_given: true },
        ];
        let items = due(&facts, day(11, 30), 6);
        let kinds: Vec<(&str, DueKind)> = items.iter().map(|i| (i.request.as_str(), i.kind)).collect();
        // R1's re-check fell due on 30 November (31 May + 6 months, clamped); R2's is due on 1 December.
        assert_eq!(kinds, [("R1", DueKind::Feedback), ("R1", DueKind::Recheck)]);
        assert!(due(&facts, day(12, 1), 6).iter().any(|i| i.request == "R2" && i.kind == DueKind::Recheck));
    }
}
