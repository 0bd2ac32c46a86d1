//! Long work's progress as a bar on standard error, only when standard error is a terminal:
//! piped or redirected, nothing is drawn, so scripts and `--json` read what they always did.
//! Standard output is never touched. The bar is cleared when the work ends, however it ends;
//! the command then prints its result or its error as usual.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;
use triangulate_app::Progress;

use crate::out::inline;

/// The bar of the work under way, if any; `None` inside when standard error is no terminal.
pub(crate) struct Bar {
    shown: Option<Mutex<Option<ProgressBar>>>,
}

impl Bar {
    /// A bar on standard error when it is a terminal; otherwise one that never draws.
    pub(crate) fn on_stderr() -> Bar {
        Bar { shown: std::io::stderr().is_terminal().then(|| Mutex::new(None)) }
    }

    pub(crate) fn show(&self, report: &Progress) {
        let Some(shown) = &self.shown else { return };
        let mut shown = shown.lock().unwrap_or_else(|e| e.into_inner());
        if report.finished {
            if let Some(bar) = shown.take() {
                bar.finish_and_clear();
            }
            return;
        }
        let bar = shown.get_or_insert_with(|| {
            // Drawn only once it says what it is about.
            let bar = ProgressBar::with_draw_target(Some(u64::from(report.total)), ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix}: [{bar:24}] {pos}/{len} {wide_msg} {elapsed}")
                    .expect("the template is valid")
                    .progress_chars("=> "),
            );
            bar.set_prefix(format!("{} {}", report.work.label(), inline(&report.about)));
            bar.set_message(inline(&report.step));
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        bar.set_length(u64::from(report.total));
        bar.set_position(u64::from(report.done));
        bar.set_message(inline(&report.step));
    }
}

impl Drop for Bar {
    /// A bar still drawn when the command ends (it never does unless the work panicked) is cleared.
    fn drop(&mut self) {
        if let Some(Some(bar)) = self.shown.as_ref().map(|m| m.lock().unwrap_or_else(|e| e.into_inner()).take()) {
            bar.finish_and_clear();
        }
    }
}
