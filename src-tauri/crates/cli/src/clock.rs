//! The clock the command line records its times by: the system's; or, in a debug build and
//! when `TRIANGULATE_TEST_CLOCK` names a file, a clock the tests of the whole product can set
//! and move (the UI's flows over `triangulate serve`, whose rules count days). The file holds
//! one instant in RFC 3339 (`2026-11-23T10:00:00Z`): the clock shows that instant as of when
//! the file was last written, and runs on from there at the system's pace, so that what is
//! recorded keeps its order. Every process reading the file (a door and the recorders it
//! starts, which inherit the variable) counts from the file's own time of writing, so they
//! agree. A release build has no test clock: the variable is ignored there.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use chrono::{DateTime, TimeDelta, Utc};
use triangulate_app::AppError;
use triangulate_app::host::Clock;
use triangulate_core::FieldError;

/// The variable naming the test clock's file.
pub(crate) const TEST_CLOCK: &str = "TRIANGULATE_TEST_CLOCK";

/// The system's clock, or, in a debug build, the test clock the environment names.
pub(crate) fn from_environment() -> Result<Clock, AppError> {
    match std::env::var_os(TEST_CLOCK) {
        Some(file) if cfg!(debug_assertions) => {
            let clock = TestClock::open(PathBuf::from(file))?;
            tracing::warn!(file = %clock.file.display(), "times are taken from a test clock");
            Ok(Arc::new(move || clock.now()))
        }
        _ => Ok(Arc::new(Utc::now)),
    }
}

struct TestClock {
    file: PathBuf,
    /// When the file was last written, and the clock's distance from the system's.
    set: Mutex<(SystemTime, TimeDelta)>,
}

impl TestClock {
    fn open(file: PathBuf) -> Result<Self, AppError> {
        let (written, offset) = read(&file).map_err(|message| problem(&file, &message))?;
        Ok(Self { file, set: Mutex::new((written, offset)) })
    }

    fn now(&self) -> DateTime<Utc> {
        let mut set = self.set.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // A file written again is read again; one being written, or not readable for a
        // moment, leaves the clock as it was.
        let written = std::fs::metadata(&self.file).and_then(|m| m.modified()).ok();
        if written.is_some_and(|w| w != set.0) {
            match read(&self.file) {
                Ok(read) => *set = read,
                Err(message) => tracing::warn!(file = %self.file.display(), "the test clock is left as it was: {message}"),
            }
        }
        Utc::now() + set.1
    }
}

/// When the file was written, and how far the instant it holds is from the system's clock
/// at that moment.
fn read(file: &Path) -> Result<(SystemTime, TimeDelta), String> {
    let held = std::fs::read_to_string(file).map_err(|e| format!("cannot be read: {e}"))?;
    let written = std::fs::metadata(file).and_then(|m| m.modified()).map_err(|e| format!("cannot be read: {e}"))?;
    Ok((written, offset_from(&held, DateTime::<Utc>::from(written))?))
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

    /// Writes the file and says when it was written.
    fn write(file: &Path, text: &str, written: SystemTime) {
        std::fs::write(file, text).unwrap();
        std::fs::File::options().write(true).open(file).unwrap().set_modified(written).unwrap();
    }

    #[test]
    fn the_clock_is_set_by_the_file_moves_when_it_is_written_and_runs_on_between() {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("clock");
        let start = SystemTime::now();
        write(&file, "2026-11-23T10:00:00Z\n", start);
        let clock = TestClock::open(file.clone()).unwrap();
        let first = clock.now();
        let set: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        assert!(first >= set && first - set < TimeDelta::seconds(5), "{first}");
        assert!(clock.now() >= first, "the clock runs on");

        // Two processes reading the same file agree, whenever each read it.
        let other = TestClock::open(file.clone()).unwrap();
        assert!((other.now() - clock.now()).abs() < TimeDelta::milliseconds(100));

        write(&file, "2027-01-05T09:30:00+00:00", SystemTime::now());
        let moved = clock.now();
        let to: DateTime<Utc> = "2027-01-05T09:30:00Z".parse().unwrap();
        assert!(moved >= to && moved - to < TimeDelta::seconds(5), "{moved}");

        // The same instant written again sets the clock back to it.
        write(&file, "2027-01-05T09:30:00+00:00", SystemTime::now() - std::time::Duration::from_secs(3600));
        let again = clock.now();
        assert!(again - to > TimeDelta::minutes(59), "counted from its writing an hour ago: {again}");

        // A file that does not read leaves the clock where it was.
        write(&file, "next tuesday", SystemTime::now());
        let kept = clock.now();
        assert!(kept >= again && kept - again < TimeDelta::seconds(5), "{kept}");
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
