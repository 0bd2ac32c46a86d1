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
