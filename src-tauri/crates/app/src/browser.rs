//! The browser an access session opens, decided in one place for both doors: the one the
//! door was given (the command line's own option), else the one the environment names
//! (`TRIANGULATE_BROWSER`, for scripts and tests), else the worker's choice for this laptop,
//! else the first Edge, Chrome or Chromium installed. The worker's choice is kept in the
//! store, checked when it is made (a file that is there), and audited in their name.

use serde::Serialize;
use std::path::{Path, PathBuf};
use triangulate_core::FieldError;
use triangulate_store::{BrowserChoiceRecord, StaffRef, Store};
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::host::Host;

/// Where the browser in use comes from, first to last in precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BrowserSource {
    /// Given to the command that starts the session.
    Given,
    /// Named by the environment (`TRIANGULATE_BROWSER`).
    Environment,
    /// Chosen by a worker for this laptop.
    Chosen,
    /// Found installed in the usual places.
    Found,
}

/// A browser's program and what it is called ("Microsoft Edge", "Google Chrome", "Chromium").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NamedBrowser {
    pub name: String,
    pub path: String,
}

impl NamedBrowser {
    fn of(path: &Path) -> NamedBrowser {
        NamedBrowser {
            name: triangulate_capture::browser::browser_name(path).to_string(),
            path: path.display().to_string(),
        }
    }
}

/// The browser a session opens, and why that one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BrowserInUse {
    pub browser: NamedBrowser,
    pub source: BrowserSource,
    /// "Captures will use Microsoft Edge at C:\…\msedge.exe".
    pub in_words: String,
}

impl BrowserInUse {
    pub fn path(&self) -> PathBuf {
        PathBuf::from(&self.browser.path)
    }
}

/// The worker's choice for this laptop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChosenBrowser {
    pub browser: NamedBrowser,
    pub chosen_at: String,
    pub chosen_by: StaffRef,
    /// Whether the program is still there.
    pub present: bool,
}

/// What the settings show about the browser for captures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BrowserSetting {
    /// The browser a session opens now; empty when none would open (`problem` says why).
    pub in_use: Option<BrowserInUse>,
    /// Why no browser would open now, and what to do.
    pub problem: Option<String>,
    /// The worker's choice for this laptop, if any.
    pub chosen: Option<ChosenBrowser>,
    /// The first Edge, Chrome or Chromium installed in the usual places, if any.
    pub found: Option<NamedBrowser>,
    /// The browser the environment names, which comes before the worker's choice.
    pub environment: Option<NamedBrowser>,
}

/// Where a worker puts it right, in the words every refusal uses.
const WHERE_TO_CHOOSE: &str = "in Settings, under \"Browser for captures\"";

/// Decides which browser a session opens: each source in turn, the first one set wins; a
/// source that names a program which is not there refuses rather than falls through, so a
/// session never opens a browser other than the one asked for. `found` is looked for only
/// when nothing comes before it.
fn decide(
    given: Option<&Path>,
    environment: Option<PathBuf>,
    chosen: Option<&BrowserChoiceRecord>,
    found: impl FnOnce() -> Option<PathBuf>,
) -> std::result::Result<BrowserInUse, String> {
    let in_use = |path: &Path, source| {
        let browser = NamedBrowser::of(path);
        let in_words = format!("Captures will use {} at {}", browser.name, browser.path);
        BrowserInUse { browser, source, in_words }
    };
    if let Some(path) = given {
        return if path.is_file() {
            Ok(in_use(path, BrowserSource::Given))
        } else {
            Err(format!("the browser given, {}, is not a file on this laptop", path.display()))
        };
    }
    if let Some(path) = environment {
        return if path.is_file() {
            Ok(in_use(&path, BrowserSource::Environment))
        } else {
            Err(format!(
                "the browser this laptop's environment names ({}), {}, is not a file on this laptop",
                triangulate_capture::browser::BROWSER_ENV,
                path.display()
            ))
        };
    }
    if let Some(choice) = chosen {
        let path = Path::new(&choice.path);
        return if path.is_file() {
            Ok(in_use(path, BrowserSource::Chosen))
        } else {
            Err(format!(
                "the browser chosen for captures, {}, is no longer on this laptop: choose it again {WHERE_TO_CHOOSE}",
                choice.path
            ))
        };
    }
    match found() {
        Some(path) => Ok(in_use(&path, BrowserSource::Found)),
        None => Err(format!(
            "no browser for captures was found on this laptop, and none has been chosen: install Microsoft Edge or \
             Google Chrome, or choose the browser's program {WHERE_TO_CHOOSE}"
        )),
    }
}

/// The browser a session opens (see [`decide`]), with the store the caller already holds.
pub(crate) fn resolve_in(store: &Store, host: &dyn Host, given: Option<&Path>) -> Result<BrowserInUse> {
    let chosen = store.browser_choice()?;
    decide(given, host.browser_from_environment(), chosen.as_ref(), || host.installed_browser())
        .map_err(AppError::Browser)
}

/// The browser a session opens: `given` by the door, else the environment's, else the
/// worker's choice for this laptop, else the first installed; refused, naming where to
/// choose one, when there is none or the one named is not there.
pub fn resolve(host: &dyn Host, given: Option<&Path>) -> Result<BrowserInUse> {
    resolve_in(&*host.store()?, host, given)
}

/// The browser for captures as the settings show it: the one in use and why, or why none.
pub fn show(host: &dyn Host) -> Result<BrowserSetting> {
    let chosen = host.store()?.browser_choice()?;
    let environment = host.browser_from_environment();
    let found = host.installed_browser();
    let decided = decide(None, environment.clone(), chosen.as_ref(), || found.clone());
    let (in_use, problem) = match decided {
        Ok(in_use) => (Some(in_use), None),
        Err(problem) => (None, Some(problem)),
    };
    Ok(BrowserSetting {
        in_use,
        problem,
        chosen: chosen.map(|c| ChosenBrowser {
            browser: NamedBrowser::of(Path::new(&c.path)),
            present: Path::new(&c.path).is_file(),
            chosen_at: c.chosen_at,
            chosen_by: c.chosen_by,
        }),
        found: found.as_deref().map(NamedBrowser::of),
        environment: environment.as_deref().map(NamedBrowser::of),
    })
}

/// The field of a browser's program, in forms and in errors.
pub const PATH_FIELD: &str = "path";

/// Keeps `typed` as the browser for this laptop's captures, in the laptop worker's name
/// (audited): it must be a file that is there (a relative path is taken from the current
/// folder and kept whole). Otherwise a field error says why, and nothing changes.
pub fn choose(host: &dyn Host, typed: &str) -> Result<BrowserSetting> {
    let path =
        checked_program(typed).map_err(|message| AppError::fields_error(vec![FieldError::new(PATH_FIELD, message)]))?;
    host.store()?.choose_browser(&path, host.now())?;
    tracing::info!("a browser was chosen for captures");
    show(host)
}

/// Forgets the browser chosen for this laptop (audited): sessions then use the first found.
pub fn forget(host: &dyn Host) -> Result<BrowserSetting> {
    host.store()?.forget_browser(host.now())?;
    tracing::info!("the browser chosen for captures was forgotten");
    show(host)
}

/// The program's whole path as it will be kept, or why it cannot be.
fn checked_program(typed: &str) -> std::result::Result<String, String> {
    if triangulate_core::validation::is_blank(typed) {
        return Err("Choose the browser's program file, such as msedge.exe for Microsoft Edge".into());
    }
    let typed = Path::new(typed.trim());
    let path = std::path::absolute(typed).map_err(|e| format!("{} cannot be read as a path: {e}", typed.display()))?;
    let metadata = match std::fs::metadata(&path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("There is no file at {}: choose the browser's program file", path.display()));
        }
        Err(error) => return Err(format!("{} cannot be read: {error}", path.display())),
    };
    if metadata.is_dir() {
        return Err(format!(
            "{} is a folder: choose the browser's program file in it, such as msedge.exe",
            path.display()
        ));
    }
    if !metadata.is_file() {
        return Err(format!("{} is not a file: choose the browser's program file", path.display()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if metadata.permissions().mode() & 0o111 == 0 {
            return Err(format!("{} is not a program: choose the browser's program file", path.display()));
        }
    }
    #[cfg(windows)]
    if !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("exe")) {
        return Err(format!(
            "{} is not a program: choose the browser's program file, whose name ends in .exe",
            path.display()
        ));
    }
    path.to_str().map(str::to_string).ok_or_else(|| {
        format!("{} has characters that cannot be kept: move the browser to a plain folder", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(path: &str) -> BrowserChoiceRecord {
        BrowserChoiceRecord {
            path: path.into(),
            chosen_at: "2026-12-01T10:00:00Z".into(),
            chosen_by: StaffRef { id: Some(1), staff_id: None, name: "Ana Access".into() },
        }
    }

    #[test]
    fn the_first_source_set_wins_and_one_that_is_not_there_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, b"").unwrap();
            path
        };
        let (given, env, chosen, found) = (file("given"), file("env"), file("chosen"), file("msedge.exe"));
        let chosen = choice(chosen.to_str().unwrap());
        let missing = dir.path().join("missing");
        let source = |r: std::result::Result<BrowserInUse, String>| r.map(|b| b.source);
        let mut looked = false;
        assert_eq!(
            source(decide(Some(&given), Some(env.clone()), Some(&chosen), || {
                looked = true;
                Some(found.clone())
            })),
            Ok(BrowserSource::Given)
        );
        assert!(!looked, "nothing is looked for when a browser is given");
        assert_eq!(
            source(decide(None, Some(env.clone()), Some(&chosen), || Some(found.clone()))),
            Ok(BrowserSource::Environment)
        );
        assert_eq!(source(decide(None, None, Some(&chosen), || Some(found.clone()))), Ok(BrowserSource::Chosen));
        let in_use = decide(None, None, None, || Some(found.clone())).unwrap();
        assert_eq!(in_use.source, BrowserSource::Found);
        assert_eq!(in_use.in_words, format!("Captures will use Microsoft Edge at {}", found.display()));

        let refused = decide(Some(&missing), None, Some(&chosen), || Some(found.clone())).unwrap_err();
        assert!(refused.contains(&missing.display().to_string()), "{refused}");
        let refused = decide(None, Some(missing.clone()), Some(&chosen), || Some(found.clone())).unwrap_err();
        assert!(refused.contains("TRIANGULATE_BROWSER"), "{refused}");
        let gone = choice(missing.to_str().unwrap());
        let refused = decide(None, None, Some(&gone), || Some(found.clone())).unwrap_err();
        assert!(refused.contains("no longer on this laptop") && refused.contains("Settings"), "{refused}");
        let refused = decide(None, None, None, || None).unwrap_err();
        assert!(
            refused.contains("install Microsoft Edge or Google Chrome") && refused.contains("Settings"),
            "{refused}"
        );
        assert!(!refused.contains("--"), "names no flag: {refused}");
    }
}
