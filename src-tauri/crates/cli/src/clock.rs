//! The clock the command line records its times by: the system's; or, when
//! `TRIANGULATE_TEST_CLOCK` names a file, a clock the tests of the whole product can set and
//! move (the UI's flows over `triangulate serve`, whose rules count days). The file holds one
//! instant in RFC 3339 (`2026-11-23T10:00:00Z`); the clock shows that instant when the file is
//! first read and each time what it holds changes, and runs on from there at the system's
//! pace, so that what is recorded keeps its order. A recorder started from this process
//! inherits the variable and keeps the same time. The laptop's own clock is trusted no more
//! than this: a time that must stand up is the time-stamping authority's.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};
use triangulate_app::AppError;
use triangulate_app::host::Clock;
use triangulate_core::FieldError;

/// The variable naming the test clock's file.
pub(crate) const TEST_CLOCK: &str = "TRIANGULATE_TEST_CLOCK";

/// The system's clock, or the test clock the environment names.
pub(crate) fn from_environment() -> Result<Clock, AppError> {
    match std::env::var_os(TEST_CLOCK) {
        None => Ok(Arc::new(Utc::now)),
        Some(file) => {
            let clock = TestClock::open(PathBuf::from(file))?;
            tracing::warn!(file = %clock.file.display(), "times are taken from a test clock");
            Ok(Arc::new(move || clock.now()))
        }
    }
}

struct TestClock {
    file: PathBuf,
    /// What the file held when last read, and the clock's distance from the system's.
    set: Mutex<(String, TimeDelta)>,
}

impl TestClock {
    fn open(file: PathBuf) -> Result<Self, AppError> {
        let held = std::fs::read_to_string(&file).map_err(|e| problem(&file, &format!("cannot be read: {e}")))?;
        let offset = offset_from(&held, Utc::now()).map_err(|message| problem(&file, &message))?;
        Ok(Self { file, set: Mutex::new((held, offset)) })
    }

    fn now(&self) -> DateTime<Utc> {
        let system = Utc::now();
        let mut set = self.set.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // A file being rewritten, or not readable for a moment, leaves the clock as it was.
        if let Ok(held) = std::fs::read_to_string(&self.file)
            && held != set.0
        {
            match offset_from(&held, system) {
                Ok(offset) => *set = (held, offset),
                Err(message) => tracing::warn!(file = %self.file.display(), "the test clock is left as it was: {message}"),
            }
        }
        system + set.1
    }
}

/// How far the instant the file holds is from `system`.
fn offset_from(held: &str, system: DateTime<Utc>) -> Result<TimeDelta, String> {
    let instant = DateTime::parse_from_rfc3339(held.trim())
        .map_err(|_| format!("holds {:?}, not an instant such as 2026-11-23T10:00:00Z", held.trim()))?;
    Ok(instant.with_timezone(&Utc) - system)
}

fn problem(file: &Path, message: &str) -> AppError {
    AppError::fields_error(vec![FieldError::new(TEST_CLOCK, format!("the test clock's file {} {message}", file.display()))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_is_set_by_the_file_moves_when_it_changes_and_runs_on_between() {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("clock");
        std::fs::write(&file, "2026-11-23T10:00:00Z\n").unwrap();
        let clock = TestClock::open(file.clone()).unwrap();
        let first = clock.now();
        let set: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        assert!(first >= set && first - set < TimeDelta::seconds(5), "{first}");
        let later = clock.now();
        assert!(later >= first, "the clock runs on");

        std::fs::write(&file, "2027-01-05T09:30:00+00:00").unwrap();
        let moved = clock.now();
        let to: DateTime<Utc> = "2027-01-05T09:30:00Z".parse().unwrap();
        assert!(moved >= to && moved - to < TimeDelta::seconds(5), "{moved}");

        // A file that does not read leaves the clock where it was.
        std::fs::write(&file, "next tuesday").unwrap();
        let kept = clock.now();
        assert!(kept >= moved && kept - to < TimeDelta::seconds(5), "{kept}");
    }

    #[test]
    fn a_file_that_does_not_hold_an_instant_is_refused_naming_the_variable() {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("clock");
        std::fs::write(&file, "23/11/2026").unwrap();
        let error = TestClock::open(file).err().expect("refused");
        let fields = error.fields();
        assert_eq!(fields[0].field, TEST_CLOCK);
        assert!(fields[0].message.contains("not an instant"), "{}", fields[0].message);
        let missing = TestClock::open(folder.path().join("absent")).err().expect("refused");
        assert!(missing.fields()[0].message.contains("cannot be read"));
    }
}
