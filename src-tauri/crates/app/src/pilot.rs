//! The pilot's evaluation: feedback after a check, the six-month re-check and ratings of the
//! authorisation process, recorded by whoever uses the app for the social worker; this laptop's
//! figures exported without names and signed; and the report over a period, from this laptop
//! and other laptops' exports merged (each signature checked, each request counted once), as
//! figures, CSV and a PDF. The figures are the core's (`triangulate_core::pilot`).

use chrono::NaiveDate;
use serde::Serialize;
use std::path::{Path, PathBuf};
use triangulate_core::FieldError;
use triangulate_core::pilot::{PILOT_EXPORT_FORMAT, PilotExport, PilotRecord, PilotReport};
use triangulate_pdf::{BarChart, Block, DocumentInfo};
pub use triangulate_store::pilot::{FeedbackInput, FeedbackRecord, PilotFeedback, ProcessRecord, RecheckRecord};
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::host::Host;

/// The largest export read.
const MAX_EXPORT_BYTES: u64 = 64 << 20;

pub fn feedback(host: &dyn Host, reference: &str) -> Result<PilotFeedback> {
    Ok(host.store()?.pilot_feedback(reference)?)
}

/// Records the social worker's feedback; a time not given is the access sessions' minutes,
/// where there were any (the form's prefilled value).
pub fn give_feedback(host: &dyn Host, reference: &str, input: &FeedbackInput) -> Result<PilotFeedback> {
    let mut store = host.store()?;
    let sessions = store.pilot_feedback(reference)?.session_minutes;
    let time_minutes = input.time_minutes.or((sessions > 0).then_some(sessions));
    let input = FeedbackInput { time_minutes, ..*input };
    Ok(store.give_feedback(reference, &input, host.now())?)
}

pub fn give_recheck(
    host: &dyn Host,
    reference: &str,
    rating: &str,
    comments: Option<&str>,
    by: &str,
) -> Result<PilotFeedback> {
    Ok(host.store()?.give_recheck(reference, rating, comments, by, host.now())?)
}

pub fn give_process_rating(
    host: &dyn Host,
    reference: &str,
    ease: Option<u8>,
    effectiveness: Option<u8>,
    comments: Option<&str>,
    by: &str,
) -> Result<PilotFeedback> {
    Ok(host.store()?.give_process_rating(reference, ease, effectiveness, comments, by, host.now())?)
}

/// An export written.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PilotExported {
    pub path: String,
    pub records: u32,
    pub sha256: String,
    /// The installation key's fingerprint, which the report names for each laptop.
    pub fingerprint: String,
}

/// Writes this laptop's figures, without names, signed with the installation's key, to a new
/// file.
pub fn export(host: &dyn Host, out: &Path) -> Result<PilotExported> {
    crate::export::check_destination(out)?;
    let now = host.now();
    let pilot = host.policy()?.pilot;
    let (records, signing_key) = {
        let mut store = host.store()?;
        // The export is an audit event: with no one to record it as, nothing is written.
        store.check_recorder()?;
        // A request made outside the policy's pilot period is not the pilot's.
        let records: Vec<PilotRecord> = store
            .pilot_records()?
            .into_iter()
            .map(|(_, r)| r)
            .filter(|r| pilot.starts.is_none_or(|s| r.created_on >= s) && pilot.ends.is_none_or(|e| r.created_on <= e))
            .collect();
        (records, store.signing_key_info(now)?)
    };
    let export = PilotExport {
        format: PILOT_EXPORT_FORMAT.into(),
        exported_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        records,
        signing_key,
    };
    let (signature, _) = host.store()?.sign_with_installation_key(&export.signed_bytes(), now)?;
    let text = export.file_text(&signature);
    let (written, ()) = crate::export::write_new_file(out, |file| file.write_all(text.as_bytes()))?;
    if let Err(error) =
        host.store().and_then(|mut s| Ok(s.record_pilot_export(export.records.len(), &written.sha256, now)?))
    {
        // An export that is not in the audit chain does not exist.
        let _ = std::fs::remove_file(&written.path);
        return Err(error);
    }
    tracing::info!(records = export.records.len(), "pilot figures exported");
    Ok(PilotExported {
        path: written.path.display().to_string(),
        records: export.records.len() as u32,
        sha256: written.sha256,
        fingerprint: export.signing_key.fingerprint,
    })
}

/// Where a report's figures came from.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PilotSource {
    /// `this laptop`, or the file imported.
    pub source: String,
    pub fingerprint: String,
    pub records: u32,
}

/// The report as the doors show it: the figures, where they came from, and how many
/// requests were seen twice and counted once.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PilotReportPage {
    pub report: PilotReport,
    pub sources: Vec<PilotSource>,
    pub duplicates: u32,
    /// Every request the sources hold, duplicates included.
    pub in_sources: u32,
    /// Requests, each counted once, made outside the period: so that `in_sources` less
    /// `duplicates` less `outside_period` is the report's `requests`.
    pub outside_period: u32,
    /// Whether the period is the policy's pilot period (neither date given).
    pub pilot_period: bool,
}

fn period_date(errors: &mut Vec<FieldError>, field: &str, what: &str, text: Option<&str>) -> Option<NaiveDate> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(day) => Some(day),
        Err(_) => {
            errors.push(FieldError::new(field, format!("{what} must be a real date, such as 2026-09-01")));
            None
        }
    }
}

/// The report from `from` to `to` (default: the policy's pilot period), over this laptop's
/// figures and each export in `imports`. An export that does not verify is refused, and
/// nothing is reported.
pub fn report(host: &dyn Host, from: Option<&str>, to: Option<&str>, imports: &[PathBuf]) -> Result<PilotReportPage> {
    let mut errors = Vec::new();
    let from_day = period_date(&mut errors, "from", "The start of the period", from);
    let to_day = period_date(&mut errors, "to", "The end of the period", to);
    if let (Some(f), Some(t)) = (from_day, to_day)
        && t < f
    {
        errors.push(FieldError::new("to", "The end of the period must not be before its start"));
    }
    if !errors.is_empty() {
        return Err(AppError::fields_error(errors));
    }
    let policy = host.policy()?;
    let pilot_period = from_day.is_none() && to_day.is_none();
    let (from_day, to_day) = if pilot_period { (policy.pilot.starts, policy.pilot.ends) } else { (from_day, to_day) };
    let mut sources = Vec::new();
    let mut sets = Vec::new();
    let own_fingerprint = {
        let mut store = host.store()?;
        let local: Vec<PilotRecord> = store.pilot_records()?.into_iter().map(|(_, r)| r).collect();
        let fingerprint = store.signing_key_info(host.now())?.fingerprint;
        sources.push(PilotSource {
            source: "this laptop".into(),
            fingerprint: fingerprint.clone(),
            records: local.len() as u32,
        });
        sets.push(local);
        fingerprint
    };
    let today = triangulate_core::local_time::uk_date(host.now());
    for (n, path) in imports.iter().enumerate() {
        let refused = |why: String| {
            AppError::fields_error(vec![FieldError::new("import", format!("{} is refused: {why}", path.display()))])
        };
        let size = std::fs::metadata(path).map_err(|e| refused(e.to_string()))?.len();
        if size > MAX_EXPORT_BYTES {
            return Err(refused(format!("it is larger than {MAX_EXPORT_BYTES} bytes")));
        }
        let text = std::fs::read_to_string(path).map_err(|e| refused(e.to_string()))?;
        let export = PilotExport::read(&text).map_err(refused)?;
        // The signature proves the file unchanged, not who made it: only the council's own
        // laptops count.
        let fingerprint = &export.signing_key.fingerprint;
        if !triangulate_core::pilot::trusted_key(fingerprint, &own_fingerprint, &policy.pilot.trusted_keys) {
            return Err(refused(format!(
                "it is signed by the key with fingerprint {fingerprint}, which is not one of the council's laptops' keys; if that laptop is the council's, add \"{fingerprint}\" to trusted_keys under [pilot] in {}",
                host.data_dir().policy_file().display()
            )));
        }
        // Every figure within what a real check can have, or the whole file is refused.
        let bad = triangulate_core::pilot::check_export(&export, policy.pilot.starts, policy.pilot.ends, today);
        if !bad.is_empty() {
            return Err(AppError::fields_error(
                bad.into_iter()
                    .map(|e| {
                        FieldError::new(
                            format!("import[{}].{}", n + 1, e.field),
                            format!("{} is refused: {}", path.display(), e.message),
                        )
                    })
                    .collect(),
            ));
        }
        sources.push(PilotSource {
            source: path.display().to_string(),
            fingerprint: export.signing_key.fingerprint.clone(),
            records: export.records.len() as u32,
        });
        sets.push(export.records);
    }
    let (records, duplicates) = triangulate_core::pilot::merge(sets);
    let timer = std::time::Instant::now();
    let report = triangulate_core::pilot::report(&records, from_day, to_day);
    tracing::debug!(records = records.len(), ms = timer.elapsed().as_millis() as u64, "pilot report");
    let in_sources = sources.iter().map(|s| s.records).sum();
    let outside_period = (records.len() as u32).saturating_sub(report.requests);
    Ok(PilotReportPage { report, sources, duplicates, in_sources, outside_period, pilot_period })
}

fn figure(value: Option<f64>) -> String {
    value.map(|v| format!("{v}")).unwrap_or_default()
}

/// The report's rows: section, item, value.
pub fn rows(page: &PilotReportPage) -> Vec<[String; 3]> {
    let r = &page.report;
    let mut rows: Vec<[String; 3]> = Vec::new();
    let mut push = |section: &str, item: &str, value: String| rows.push([section.into(), item.into(), value]);
    push("period", "from", r.from.map(|d| d.to_string()).unwrap_or_default());
    push("period", "to", r.to.map(|d| d.to_string()).unwrap_or_default());
    push("use", "requests", r.requests.to_string());
    push("use", "checks", r.checks.to_string());
    for m in &r.checks_per_month {
        push("checks_per_month", &m.month, m.count.to_string());
    }
    push("time", "feedback_given", r.feedback_given.to_string());
    push("time", "feedback_awaited", r.feedback_awaited.to_string());
    push("time", "minutes_total", r.minutes_total.to_string());
    push("time", "minutes_per_check", figure(r.minutes_per_check));
    push("time", "session_minutes_total", r.session_minutes_total.to_string());
    push("information", "useful_total", r.useful_total.to_string());
    push("information", "unique_total", r.unique_total.to_string());
    push("information", "useful_per_check", figure(r.useful_per_check));
    push("information", "unique_per_check", figure(r.unique_per_check));
    for c in &r.ratings_at_finalisation {
        push("rating_at_finalisation", c.rating.as_str(), c.count.to_string());
    }
    for c in &r.ratings_at_six_months {
        push("rating_at_six_months", c.rating.as_str(), c.count.to_string());
    }
    push("permission", "permissions", r.permissions.to_string());
    push("permission", "turnaround_mean_days", figure(r.turnaround_mean_days));
    push("permission", "turnaround_median_days", figure(r.turnaround_median_days));
    push("permission", "refusals", r.refusals.to_string());
    push("permission", "referrals_back", r.referrals_back.to_string());
    push("repeat_viewing", "warnings", r.repeat_viewing_warnings.to_string());
    push("repeat_viewing", "refusals", r.repeat_viewing_refusals.to_string());
    push("process", "ratings", r.process_ratings.to_string());
    push("process", "ease_mean", figure(r.process_ease_mean));
    push("process", "effectiveness_mean", figure(r.process_effectiveness_mean));
    for s in &page.sources {
        push("source", &s.source, format!("{} requests, key {}", s.records, s.fingerprint));
    }
    push("source", "duplicates_counted_once", page.duplicates.to_string());
    rows
}

/// A file written from the report.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReportWritten {
    pub path: String,
    pub sha256: String,
}

/// Writes the report as CSV (`section,item,value`) to a new file.
pub fn write_csv(page: &PilotReportPage, out: &Path) -> Result<ReportWritten> {
    crate::export::check_destination(out)?;
    let (written, ()) = crate::export::write_new_file(out, |file| {
        let mut writer = csv::Writer::from_writer(file);
        writer.write_record(["section", "item", "value"]).map_err(std::io::Error::other)?;
        for row in rows(page) {
            writer.write_record(&row).map_err(std::io::Error::other)?;
        }
        writer.flush()
    })?;
    Ok(ReportWritten { path: written.path.display().to_string(), sha256: written.sha256 })
}

/// Writes the report as a PDF (its figures as charts and tables) to a new file.
pub fn write_pdf(host: &dyn Host, page: &PilotReportPage, out: &Path) -> Result<ReportWritten> {
    crate::export::check_destination(out)?;
    let policy = host.policy()?;
    let r = &page.report;
    let long = |d: Option<NaiveDate>| d.map(triangulate_core::local_time::long_date);
    let period = match (long(r.from), long(r.to)) {
        (Some(f), Some(t)) => format!("{f} to {t}"),
        (Some(f), None) => format!("from {f}"),
        (None, Some(t)) => format!("up to {t}"),
        (None, None) => "at any time".into(),
    };
    let or_none = |v: Option<f64>, unit: &str| v.map_or("none yet".to_string(), |v| format!("{v}{unit}"));
    // Each rating with its count at finalisation and six months on: charted, then tabled.
    let ratings: Vec<(&str, u32, u32)> = r
        .ratings_at_finalisation
        .iter()
        .zip(&r.ratings_at_six_months)
        .map(|(at, later)| (at.rating.label(), at.count, later.count))
        .collect();
    let mut blocks = vec![
        Block::Section("The pilot's evaluation".into()),
        Block::Paragraph(format!(
            "Requests made {period}. The figures come from {}; a request seen in more than one is counted once ({} seen twice).",
            if page.sources.len() == 1 { "1 source".to_string() } else { format!("{} sources", page.sources.len()) },
            page.duplicates
        )),
        Block::Heading { text: "How often the checks were used".into(), outline: true },
        Block::Fields(vec![("Requests".into(), r.requests.to_string()), ("Checks done".into(), r.checks.to_string())]),
        Block::Chart(BarChart {
            caption: "Checks done each month".into(),
            series: vec!["Checks".into()],
            categories: r.checks_per_month.iter().map(|m| (m.label.clone(), vec![m.count as f64])).collect(),
        }),
        Block::Fields(r.checks_per_month.iter().map(|m| (m.label.clone(), m.count.to_string())).collect()),
        Block::Heading { text: "Time, and what was found".into(), outline: true },
        Block::Fields(vec![
            ("Checks with feedback".into(), r.feedback_given.to_string()),
            ("Feedback awaited".into(), r.feedback_awaited.to_string()),
            ("Minutes per check".into(), or_none(r.minutes_per_check, "")),
            ("Minutes in all".into(), r.minutes_total.to_string()),
            ("Access sessions' minutes".into(), r.session_minutes_total.to_string()),
            (
                "Useful pieces of information".into(),
                format!("{} ({} per check)", r.useful_total, or_none(r.useful_per_check, "")),
            ),
            (
                "Unique pieces (not otherwise available)".into(),
                format!("{} ({} per check)", r.unique_total, or_none(r.unique_per_check, "")),
            ),
        ]),
        Block::Heading { text: "How much the information contributed".into(), outline: true },
        Block::Chart(BarChart {
            caption: "Ratings at finalisation and six months on".into(),
            series: vec!["At finalisation".into(), "Six months on".into()],
            categories: ratings
                .iter()
                .map(|(rating, at, later)| (rating.to_string(), vec![*at as f64, *later as f64]))
                .collect(),
        }),
        Block::Fields(
            ratings
                .iter()
                .map(|(rating, at, later)| (rating.to_string(), format!("{at} at finalisation, {later} six months on")))
                .collect(),
        ),
        Block::Heading { text: "The authorisation process".into(), outline: true },
        Block::Fields(vec![
            ("Permissions given".into(), r.permissions.to_string()),
            (
                "Days from submission to permission".into(),
                format!(
                    "mean {}, median {}",
                    or_none(r.turnaround_mean_days, ""),
                    or_none(r.turnaround_median_days, "")
                ),
            ),
            ("Refusals".into(), r.refusals.to_string()),
            ("Referrals back".into(), r.referrals_back.to_string()),
            ("Repeat-viewing warnings accepted".into(), r.repeat_viewing_warnings.to_string()),
            ("Repeat-viewing refusals".into(), r.repeat_viewing_refusals.to_string()),
            ("Ratings of the process".into(), r.process_ratings.to_string()),
            ("Ease (1 to 5)".into(), or_none(r.process_ease_mean, "")),
            ("Effectiveness (1 to 5)".into(), or_none(r.process_effectiveness_mean, "")),
        ]),
        Block::Heading { text: "Where the figures came from".into(), outline: true },
        Block::Fields(
            page.sources
                .iter()
                .map(|s| {
                    let requests = if s.records == 1 { "request" } else { "requests" };
                    (s.source.clone(), format!("{} {requests}; signing key {}", s.records, s.fingerprint))
                })
                .collect(),
        ),
    ];
    blocks.retain(|b| match b {
        Block::Fields(rows) => !rows.is_empty(),
        Block::Chart(chart) => !chart.categories.is_empty(),
        _ => true,
    });
    let info = DocumentInfo {
        title: "The pilot's evaluation".into(),
        author: policy.organisation.clone(),
        subject: format!("pilot report, {period}"),
        keywords: vec!["pilot".into(), "evaluation".into()],
        creator: format!("Triangulate {}", env!("CARGO_PKG_VERSION")),
        created: host.now(),
        marking: policy.protective_marking.clone(),
        draft: None,
    };
    let (written, _) = crate::export::write_new_pdf(out, &info, &blocks, &[], &mut |_| {})?;
    Ok(ReportWritten { path: written.path.display().to_string(), sha256: written.sha256 })
}
