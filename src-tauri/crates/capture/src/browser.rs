//! Finding and opening the sanctioned browser: a Chromium-family browser already installed
//! (Edge, Chrome or Chromium), with a profile folder of its own per sanctioned account inside
//! the data folder, its disk cache off, and DevTools on a pipe held by the process that
//! started it (no DevTools port: no other process can drive it). It is started detached
//! from the terminal.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::bridge::BrowserPipe;
use crate::error::{CaptureError, Result};

/// `TRIANGULATE_BROWSER`: the browser's executable, set for scripts and tests; it comes
/// before the worker's own choice (the application layer decides which browser is used).
pub const BROWSER_ENV: &str = "TRIANGULATE_BROWSER";

/// The browser `TRIANGULATE_BROWSER` names, when it is set and not empty.
pub fn from_environment() -> Option<PathBuf> {
    std::env::var_os(BROWSER_ENV).filter(|value| !value.is_empty()).map(PathBuf::from)
}

/// The first Edge, Chrome or Chromium installed in the usual places (on Windows the
/// program-files and local application-data folders, on macOS `/Applications`, and the
/// `PATH`), in that order of preference.
pub fn installed() -> Option<PathBuf> {
    candidates().into_iter().find(|p| p.is_file())
}

/// What a browser's executable is called in words, from its file name and folder:
/// "Microsoft Edge", "Google Chrome" or "Chromium"; "the browser" for any other.
pub fn browser_name(path: &Path) -> &'static str {
    // Both separators, whatever the machine: a path from Windows reads the same anywhere.
    let text = path.to_string_lossy().to_lowercase().replace('\\', "/");
    let file = text.rsplit('/').next().unwrap_or_default();
    let file = file.strip_suffix(".exe").unwrap_or(file);
    if file == "msedge" || file.starts_with("microsoft-edge") || file == "microsoft edge" {
        "Microsoft Edge"
    } else if file.starts_with("google-chrome") || file == "google chrome" {
        "Google Chrome"
    } else if file.starts_with("chromium") {
        "Chromium"
    } else if file == "chrome" && text.contains("/chromium/") {
        "Chromium"
    } else if file == "chrome" {
        "Google Chrome"
    } else {
        "the browser"
    }
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
    /// The only way to drive it: the DevTools pipe, held by this process alone.
    pub pipe: BrowserPipe,
    pub child: std::process::Child,
}

/// Opens the browser with DevTools on a pipe only (no port) and hands back the pipe. The
/// caller keeps the pipe and serves it onwards (`bridge::serve`); when the caller goes, the
/// pipe closes and the browser can no longer be driven by anyone.
pub fn launch(options: &LaunchOptions) -> Result<LaunchedBrowser> {
    // The profile holds the account's cookies and the pages seen: its owner's only.
    let mut folder = std::fs::DirBuilder::new();
    folder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut folder, 0o700);
    folder.create(options.profile_dir).map_err(|e| {
        CaptureError::Launch(format!("the profile folder {} cannot be made: {e}", options.profile_dir.display()))
    })?;
    let mut command = Command::new(options.executable);
    command.arg(format!("--user-data-dir={}", options.profile_dir.display())).args([
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
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    detach(&mut command);
    let (child, pipe) = spawn_with_pipe(command, options.executable)?;
    Ok(LaunchedBrowser { pid: child.id(), pipe, child })
}

fn pipe_error(error: std::io::Error) -> CaptureError {
    CaptureError::Launch(format!("the DevTools pipe cannot be made: {error}"))
}

/// Unix: the browser reads commands on its fd 3 and writes on its fd 4.
#[cfg(unix)]
fn spawn_with_pipe(mut command: Command, executable: &Path) -> Result<(std::process::Child, BrowserPipe)> {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let (browser_reads, we_write) = std::io::pipe().map_err(pipe_error)?;
    let (we_read, browser_writes) = std::io::pipe().map_err(pipe_error)?;
    let (read_fd, write_fd) = (browser_reads.as_raw_fd(), browser_writes.as_raw_fd());
    command.arg("--remote-debugging-pipe").arg("about:blank");
    // SAFETY: between fork and exec only async-signal-safe calls are made (fcntl, dup2).
    unsafe {
        command.pre_exec(move || {
            // Moved above 4 first, so that neither end is overwritten by the other's dup2.
            let high_read = libc::fcntl(read_fd, libc::F_DUPFD, 10);
            let high_write = libc::fcntl(write_fd, libc::F_DUPFD, 10);
            if high_read < 0 || high_write < 0 || libc::dup2(high_read, 3) < 0 || libc::dup2(high_write, 4) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::close(high_read);
            libc::close(high_write);
            Ok(())
        });
    }
    let child = command
        .spawn()
        .map_err(|e| CaptureError::Launch(format!("{} could not be started: {e}", executable.display())))?;
    drop((browser_reads, browser_writes));
    Ok((child, BrowserPipe { to_browser: Box::new(we_write), from_browser: Box::new(we_read) }))
}

/// Windows: the browser is given the handles of two inheritable pipe ends
/// (`--remote-debugging-io-pipes=READ,WRITE`).
#[cfg(windows)]
fn spawn_with_pipe(mut command: Command, executable: &Path) -> Result<(std::process::Child, BrowserPipe)> {
    use std::os::windows::io::AsRawHandle;
    use windows_sys::Win32::Foundation::{HANDLE_FLAG_INHERIT, SetHandleInformation};
    let (browser_reads, we_write) = std::io::pipe().map_err(pipe_error)?;
    let (we_read, browser_writes) = std::io::pipe().map_err(pipe_error)?;
    for end in [browser_reads.as_raw_handle(), browser_writes.as_raw_handle()] {
        // SAFETY: the handle is open and owned by this process for the call.
        if unsafe { SetHandleInformation(end as _, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT) } == 0 {
            return Err(pipe_error(std::io::Error::last_os_error()));
        }
    }
    command
        .arg("--remote-debugging-pipe")
        .arg(format!(
            "--remote-debugging-io-pipes={},{}",
            browser_reads.as_raw_handle() as usize,
            browser_writes.as_raw_handle() as usize
        ))
        .arg("about:blank");
    let child = command
        .spawn()
        .map_err(|e| CaptureError::Launch(format!("{} could not be started: {e}", executable.display())))?;
    drop((browser_reads, browser_writes));
    Ok((child, BrowserPipe { to_browser: Box::new(we_write), from_browser: Box::new(we_read) }))
}

#[cfg(unix)]
fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
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
    fn browsers_are_named_from_their_install_places() {
        let named = |path: &str| browser_name(Path::new(path));
        assert_eq!(named(r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe"), "Microsoft Edge");
        assert_eq!(named(r"C:\Program Files\Google\Chrome\Application\chrome.exe"), "Google Chrome");
        assert_eq!(named(r"C:\Users\ana\AppData\Local\Chromium\Application\chrome.exe"), "Chromium");
        assert_eq!(named("/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"), "Microsoft Edge");
        assert_eq!(named("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"), "Google Chrome");
        assert_eq!(named("/usr/bin/chromium"), "Chromium");
        assert_eq!(named("/usr/bin/chromium-browser"), "Chromium");
        assert_eq!(named("/usr/bin/microsoft-edge-stable"), "Microsoft Edge");
        assert_eq!(named("/usr/bin/google-chrome-stable"), "Google Chrome");
        assert_eq!(named("/opt/portable/brave.exe"), "the browser");
    }
}
