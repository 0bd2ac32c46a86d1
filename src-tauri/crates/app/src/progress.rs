//! How far long work has got: a capture, a PDF, an evidence bundle, a subject access export
//! and a disposal each report their steps through the [`Host`], which shows them (the command
//! line as a bar on a terminal, the desktop as an event its window draws).
//!
//! One scheme for all five: `done` and `total` count the work's steps. `total` is known at
//! the start, and grows once only when the work learns how many items it has (the captures
//! a bundle holds); `done` never goes backwards and never passes `total`. Each report names
//! the step now under way; the last one is `finished`, with `done == total` when the work
//! succeeded, or `failed` where it stopped.

use serde::Serialize;
use ts_rs::TS;

use crate::host::Host;

/// Which long work a report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Work {
    Capture,
    ExportPdf,
    Bundle,
    SubjectAccess,
    Disposal,
}

impl Work {
    /// The work in a few words, as a bar's prefix shows it.
    pub fn label(self) -> &'static str {
        match self {
            Work::Capture => "Capture",
            Work::ExportPdf => "PDF",
            Work::Bundle => "Evidence bundle",
            Work::SubjectAccess => "Subject access",
            Work::Disposal => "Disposal",
        }
    }
}

/// One report of how far a piece of long work has got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Progress {
    pub work: Work,
    /// What it is about: the request's reference, "access session 3", "person 4", or
    /// "records due" for a disposal.
    pub about: String,
    /// The step under way, in plain words ("Reading the pictures"); when finished, how it ended.
    pub step: String,
    /// Steps done so far: never fewer than the report before.
    pub done: u32,
    /// Steps in all.
    pub total: u32,
    /// The last report of this work.
    pub finished: bool,
    /// It ended in an error (the error itself is the command's answer).
    pub failed: bool,
}

/// Reports the steps of one piece of work to the host; a tracker dropped before
/// [`Tracker::finish`] reports the work as failed where it stopped, so every run of the work
/// ends with a finished report whichever way it returns.
pub(crate) struct Tracker<'a> {
    host: &'a dyn Host,
    work: Work,
    about: String,
    done: u32,
    total: u32,
    step: String,
    ended: bool,
}

impl<'a> Tracker<'a> {
    /// The work begins: its first step, none done.
    pub(crate) fn start(host: &'a dyn Host, work: Work, about: impl Into<String>, total: u32, first: &str) -> Self {
        let tracker =
            Tracker { host, work, about: about.into(), done: 0, total: total.max(1), step: first.into(), ended: false };
        tracker.report(false, false);
        tracker
    }

    fn report(&self, finished: bool, failed: bool) {
        self.host.progress(&Progress {
            work: self.work,
            about: self.about.clone(),
            step: self.step.clone(),
            done: self.done,
            total: self.total,
            finished,
            failed,
        });
    }

    /// The step before is done; this one begins.
    pub(crate) fn next(&mut self, step: impl Into<String>) {
        // The last step is done only by `finish`.
        self.done = (self.done + 1).min(self.total - 1);
        self.step = step.into();
        self.report(false, false);
    }

    /// The step under way, said again with how far it has got (the same steps done).
    pub(crate) fn detail(&mut self, step: impl Into<String>) {
        let step = step.into();
        if step != self.step {
            self.step = step;
            self.report(false, false);
        }
    }

    /// More steps than were known at the start (the items, once counted).
    pub(crate) fn add_steps(&mut self, more: u32) {
        self.total += more;
    }

    /// The work succeeded: every step done.
    pub(crate) fn finish(mut self, step: impl Into<String>) {
        self.done = self.total;
        self.step = step.into();
        self.ended = true;
        self.report(true, false);
    }
}

impl Drop for Tracker<'_> {
    fn drop(&mut self) {
        if !self.ended {
            self.step = format!("Stopped: {}", lower_first(&self.step));
            self.report(true, true);
        }
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Runs `work` with its tracker and finishes it with `done` when it succeeds; when it fails,
/// the tracker's drop reports where it stopped.
pub(crate) fn tracked<'a, T, E>(
    mut tracker: Tracker<'a>,
    done: impl FnOnce(&T) -> String,
    work: impl FnOnce(&mut Tracker<'a>) -> std::result::Result<T, E>,
) -> std::result::Result<T, E> {
    let result = work(&mut tracker)?;
    tracker.finish(done(&result));
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A host that keeps the reports and nothing else.
    struct Reports(Mutex<Vec<Progress>>);

    impl Host for Reports {
        fn data_dir(&self) -> &triangulate_store::DataDir {
            unreachable!("no store here")
        }
        fn clock(&self) -> crate::host::Clock {
            unreachable!("no clock here")
        }
        fn store(&self) -> crate::Result<crate::OpenStore<'_>> {
            unreachable!("no store here")
        }
        fn start_recorder(&self, _: &crate::RecorderOrder) -> crate::Result<()> {
            unreachable!("no recorder here")
        }
        fn progress(&self, report: &Progress) {
            self.0.lock().unwrap().push(report.clone());
        }
    }

    fn seen(host: &Reports) -> Vec<(u32, u32, String, bool, bool)> {
        host.0.lock().unwrap().iter().map(|r| (r.done, r.total, r.step.clone(), r.finished, r.failed)).collect()
    }

    #[test]
    fn steps_go_forward_grow_when_counted_and_finish_at_the_total() {
        let host = Reports(Mutex::new(Vec::new()));
        let result: Result<u32, ()> = tracked(
            Tracker::start(&host, Work::Bundle, "REQ-2026-0001", 2, "First"),
            |n| format!("Done: {n}"),
            |t| {
                t.add_steps(1);
                t.next("Second");
                t.detail("Second, half way");
                t.detail("Second, half way");
                t.next("Third");
                Ok(7)
            },
        );
        assert_eq!(result, Ok(7));
        let s = |t: &str| t.to_string();
        assert_eq!(
            seen(&host),
            [
                (0, 2, s("First"), false, false),
                (1, 3, s("Second"), false, false),
                (1, 3, s("Second, half way"), false, false),
                (2, 3, s("Third"), false, false),
                (3, 3, s("Done: 7"), true, false),
            ],
            "a detail said twice is reported once"
        );
        let first = &host.0.lock().unwrap()[0];
        assert_eq!(first.work, Work::Bundle);
        assert_eq!(first.about, "REQ-2026-0001");
        assert_eq!(
            serde_json::to_value(first).unwrap()["work"],
            "bundle",
            "the work crosses as the UI's type names it"
        );
    }

    #[test]
    fn an_error_ends_with_a_failed_report_where_it_stopped_and_more_steps_than_counted_never_pass_the_total() {
        let host = Reports(Mutex::new(Vec::new()));
        let result: Result<(), &str> = tracked(
            Tracker::start(&host, Work::Disposal, "records due", 2, "Working out what is due"),
            |_| "never".into(),
            |t| {
                t.next("Deleting");
                t.next("One step too many");
                Err("refused")
            },
        );
        assert_eq!(result, Err("refused"));
        let s = |t: &str| t.to_string();
        assert_eq!(
            seen(&host),
            [
                (0, 2, s("Working out what is due"), false, false),
                (1, 2, s("Deleting"), false, false),
                (1, 2, s("One step too many"), false, false),
                (1, 2, s("Stopped: one step too many"), true, true),
            ]
        );
    }
}
