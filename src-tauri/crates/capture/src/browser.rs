//! Finding and opening the sanctioned browser: a Chromium-family browser already installed
//! (Edge, Chrome or Chromium), with a profile folder of its own per sanctioned account inside
//! the data folder, its disk cache off, and DevTools bound to the loopback address. It is
//! started detached, so that it outlives the command that opened it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{CaptureError, Result};

/// `TRIANGULATE_BROWSER`: the browser's executable, when it is not found on its own.
pub const BROWSER_ENV: &str = "TRIANGULATE_BROWSER";

/// The browser to use: the one given, else `TRIANGULATE_BROWSER`, else the first installed.
pub fn find_browser(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = given.map(Path::to_path_buf).or_else(|| std::env::var_os(BROWSER_ENV).map(PathBuf::from)) {
        return if path.is_file() {
            Ok(path)
        } else {
            Err(CaptureError::BrowserNotFound(format!("{} does not exist", path.display())))
        };
    }
    candidates()
        .into_iter()
        .find(|p| p.is_file())
        .ok_or_else(|| CaptureError::BrowserNotFound("no Edge, Chrome or Chromium was found on this computer".into()))
}

fn candidates() -> Vec<PathBuf> {
    let mut found = Vec::new();
    #[cfg(target_os = "windows")]
    for base in ["ProgramFiles(x86)", "ProgramFiles", "LocalAppData"] {
        if let Some(dir) = std::env::var_os(base).map(PathBuf::from) {
            found.push(dir.join(r"Microsoft\Edge\Application\msedge.exe"));
            found.push(dir.join(r"Google\Chrome\Application\chrome.exe"));
            found.push(dir.join(r"Chromium\Application\chrome.exe"));
        }
    }
    #[cfg(target_os = "macos")]
    for app in [
        "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        "/Applications/Chromium.app/Contents/MacOS/Chromium",
    ] {
        found.push(PathBuf::from(app));
    }
    let names = [
        "microsoft-edge",
        "microsoft-edge-stable",
        "google-chrome",
        "google-chrome-stable",
        "chromium",
        "chromium-browser",
    ];
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            for name in names {
                found.push(dir.join(name));
            }
        }
    }
    found
}

/// How the session's browser is opened.
pub struct LaunchOptions<'a> {
    pub executable: &'a Path,
    /// The sanctioned account's own profile folder: its log-in persists there.
    pub profile_dir: &'a Path,
    pub headless: bool,
    /// Only for tests against a fixture site with a self-signed certificate.
    pub ignore_certificate_errors: bool,
}

pub struct LaunchedBrowser {
    pub pid: u32,
    /// `ws://127.0.0.1:PORT/devtools/browser/ID`
    pub devtools_url: String,
}

/// Opens the browser detached and waits until its DevTools address is known.
pub fn launch(options: &LaunchOptions) -> Result<LaunchedBrowser> {
    std::fs::create_dir_all(options.profile_dir).map_err(|e| {
        CaptureError::Launch(format!("the profile folder {} cannot be made: {e}", options.profile_dir.display()))
    })?;
    let port_file = options.profile_dir.join("DevToolsActivePort");
    let _ = std::fs::remove_file(&port_file);
    let mut command = Command::new(options.executable);
    command
        .arg("--remote-debugging-port=0")
        .arg("--remote-debugging-address=127.0.0.1")
        .arg(format!("--user-data-dir={}", options.profile_dir.display()))
        .args([
            "--disk-cache-size=1",
            "--media-cache-size=1",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--window-size=1280,900",
        ]);
    if options.headless {
        command.arg("--headless=new").arg("--hide-scrollbars");
    }
    if options.ignore_certificate_errors {
        command.arg("--ignore-certificate-errors");
    }
    #[cfg(unix)]
    if running_as_root() {
        // Chromium refuses to run as root with its sandbox: only test machines do this.
        command.arg("--no-sandbox");
    }
    command.arg("about:blank").stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    detach(&mut command);
    let mut child = command
        .spawn()
        .map_err(|e| CaptureError::Launch(format!("{} could not be started: {e}", options.executable.display())))?;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(text) = std::fs::read_to_string(&port_file) {
            let mut lines = text.lines();
            if let (Some(port), Some(path)) = (lines.next(), lines.next())
                && port.parse::<u16>().is_ok()
            {
                return Ok(LaunchedBrowser { pid: child.id(), devtools_url: format!("ws://127.0.0.1:{port}{path}") });
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(CaptureError::Launch(format!(
                "the browser stopped at once ({status}) without opening its DevTools port. If council IT manages this browser, its policy may forbid remote debugging: IT must allow it (RemoteDebuggingAllowed) for this browser, bound to 127.0.0.1, or install a browser for Triangulate's use"
            )));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return Err(CaptureError::Launch(
                "the browser did not open its DevTools port within 20 seconds. If council IT manages this browser, its policy may forbid remote debugging: IT must allow it (RemoteDebuggingAllowed) for this browser, bound to 127.0.0.1".into(),
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(unix)]
fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe extern "C" {
        fn geteuid() -> u32;
    }
    unsafe { geteuid() == 0 }
}

/// Starts the process in its own process group (Unix) or detached (Windows), so that it
/// outlives the command and a Ctrl-C in the terminal does not close it.
pub fn detach(command: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt;
        const DETACHED_PROCESS: u32 = 0x0000_0008;
        const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
        command.creation_flags(DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_that_is_not_there_is_named() {
        let error = find_browser(Some(Path::new("/no/such/browser"))).unwrap_err();
        assert!(error.to_string().contains("/no/such/browser"), "{error}");
    }
}
