//! What the application layer needs from the world, and nothing more: the data folder, a
//! clock, the open store, and a way to start a session's recorder in a process that outlives
//! the call. The CLI implements it over one command, the desktop over its whole run, and the
//! tests over a fixed clock with the recorder in a thread of their own.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use triangulate_core::Policy;
use triangulate_store::{DataDir, Keystore, Store};

use crate::error::{AppError, Result};
use crate::progress::Progress;

/// A clock that can be handed to the browser's tasks.
pub use triangulate_capture::recorder::Clock;

pub trait Host: Send + Sync {
    fn data_dir(&self) -> &DataDir;
    /// The clock every recorded time comes from.
    fn clock(&self) -> Clock;
    /// The store, opened on first use; one call at a time holds it.
    fn store(&self) -> Result<OpenStore<'_>>;
    /// Starts the recorder for a session (`recorder::run` with this order) where it outlives
    /// the caller and a reload of any window: the CLI and the desktop start their own binary
    /// in its recorder mode, detached.
    fn start_recorder(&self, order: &RecorderOrder) -> Result<()>;

    fn now(&self) -> DateTime<Utc> {
        (self.clock())()
    }

    /// Today in the UK, from the same clock.
    fn today(&self) -> NaiveDate {
        triangulate_core::local_time::uk_date(self.now())
    }

    /// A second connection to the same store, for reading beside `store()` in another thread
    /// (an export decrypts its pictures on two); nothing is written through it.
    fn reader(&self) -> Result<Store> {
        Ok(Store::open(self.data_dir(), &self.keystore()?)?)
    }

    /// Sends an RFC 3161 query to the policy's time-stamping authority at `url` and gives its
    /// answer unread (the application layer verifies it); `Err` says in words what went wrong
    /// ("cannot be reached …", "answered HTTP 500").
    fn ask_time_stamping_authority(&self, url: &str, query: Vec<u8>) -> std::result::Result<Vec<u8>, String> {
        crate::timestamping::post(url, query)
    }

    /// The local policy over the embedded defaults.
    fn policy(&self) -> Result<Policy> {
        Ok(triangulate_store::load_policy(self.data_dir())?.0)
    }

    /// The credential store this machine uses.
    fn keystore(&self) -> Result<Keystore> {
        Ok(Keystore::from_environment()?)
    }

    /// The browser the environment names (`TRIANGULATE_BROWSER`), for scripts and tests: it
    /// comes before the worker's choice (`browser::resolve`).
    fn browser_from_environment(&self) -> Option<PathBuf> {
        triangulate_capture::browser::from_environment()
    }

    /// The first Edge, Chrome or Chromium installed in the usual places on this machine.
    fn installed_browser(&self) -> Option<PathBuf> {
        triangulate_capture::browser::installed()
    }

    /// How far long work has got (a capture, an export, a disposal): the door shows it. Called
    /// on the thread doing the work; must return at once. Shows nothing unless a door says.
    fn progress(&self, _report: &Progress) {}
}

/// What a recorder is told when it starts: the session, and how to open its browser.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecorderOrder {
    pub session: i64,
    pub executable: PathBuf,
    pub headless: bool,
    /// Only for tests against a fixture site with a self-signed certificate; recorded.
    pub ignore_certificate_errors: bool,
}

/// The store kept open across calls, so the key is fetched from the credential store once;
/// a call that fails to open it leaves nothing kept, so the next one tries again.
pub struct KeptStore {
    store: Mutex<Option<Store>>,
}

/// The open store, held for one call.
pub struct OpenStore<'a>(MutexGuard<'a, Option<Store>>);

impl Deref for OpenStore<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.0.as_ref().expect("an OpenStore always holds a store")
    }
}

impl DerefMut for OpenStore<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        self.0.as_mut().expect("an OpenStore always holds a store")
    }
}

impl Default for KeptStore {
    fn default() -> Self {
        KeptStore { store: Mutex::new(None) }
    }
}

impl KeptStore {
    pub fn open(&self, data_dir: &DataDir) -> Result<OpenStore<'_>> {
        let mut guard = self
            .store
            .lock()
            .map_err(|_| AppError::Internal("an earlier call stopped while it held the store".into()))?;
        match guard.as_mut() {
            None => *guard = Some(Store::open(data_dir, &Keystore::from_environment()?)?),
            // A store kept open (the desktop's) writes its journal back if it was deleted.
            Some(store) => store.heal_journal()?,
        }
        Ok(OpenStore(guard))
    }

    /// Forgets the open store, so the next call opens it afresh (after it was created).
    pub fn forget(&self) {
        if let Ok(mut guard) = self.store.lock() {
            *guard = None;
        }
    }
}

/// Starts a door's binary in its recorder mode, detached: `executable args… SESSION`, where
/// the door's own arguments say which data folder and mode (only the door knows its flags),
/// its standard input the order as JSON (no secret on a command line), its standard error
/// appended to the data folder's `logs/recorder.log`. `executable` defaults to the running
/// binary.
pub fn spawn_recorder_process(
    data_dir: &DataDir,
    executable: Option<&std::path::Path>,
    args: &[std::ffi::OsString],
    order: &RecorderOrder,
) -> Result<()> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let refused = |e: std::io::Error| AppError::Refused(format!("the recorder cannot be started: {e}"));
    let executable = match executable {
        Some(path) => path.to_path_buf(),
        None => std::env::current_exe().map_err(refused)?,
    };
    let log = triangulate_store::private::append(&data_dir.logs().join("recorder.log")).ok();
    let mut command = Command::new(executable);
    command
        .args(args)
        .arg(order.session.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(log.map(Stdio::from).unwrap_or_else(Stdio::null));
    triangulate_capture::browser::detach(&mut command);
    let mut child = command.spawn().map_err(refused)?;
    let order = serde_json::to_vec(order).expect("an order serialises");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin.write_all(&order).map_err(refused)?;
    Ok(())
}
