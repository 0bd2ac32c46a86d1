//! What the benchmarks share: the binary, a store with a request authorised for the fixture
//! site's Jane and an access session open on it, and the median.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub const TRIANGULATE: &str = env!("CARGO_BIN_EXE_triangulate");

pub fn run(data_dir: &Path, args: &[&str]) -> String {
    let output = Command::new(TRIANGULATE)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("TRIANGULATE_KEYSTORE", "kernel-keyring")
        .output()
        .expect("triangulate runs");
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Ends the session (closing its browser) however the benchmark ends.
pub struct EndSession(PathBuf, String);

impl Drop for EndSession {
    fn drop(&mut self) {
        let _ = Command::new(TRIANGULATE)
            .arg("--data-dir")
            .arg(&self.0)
            .args(["session", "end", &self.1])
            .env("TRIANGULATE_KEYSTORE", "kernel-keyring")
            .output();
    }
}

pub struct Ready {
    pub data: PathBuf,
    pub reference: String,
    pub session: String,
    /// The session's private channel, for baselines that drive the same browser.
    #[allow(dead_code)] // the export benchmark does not drive the browser
    pub devtools: String,
    pub end_session: EndSession,
}

/// A store in `temp/data` with a request for Jane (profile `{base}/profile/jane`) authorised
/// and confirmed, a sanctioned account, and a headless access session started on it.
pub fn ready(temp: &Path, base: &str) -> Ready {
    let data = temp.join("data");
    let url = format!("{base}/profile/jane");
    run(&data, &["init"]);
    for (name, role) in [("Bench Worker", "aaw"), ("A", "osw"), ("C", "tm"), ("D", "sd")] {
        run(&data, &["staff", "add", "--name", name, "--role", role]);
    }
    run(&data, &["worker", "set", "--name", "Bench Worker", "--role", "aaw"]);
    run(
        &data,
        &["worker", "register-aaw", "Bench Worker", "--decided-by", "D", "--evidence", "m", "--trained", "2026-01-02"],
    );
    let request = serde_json::json!({
        "case_reference": "BENCH-1", "originating_worker": { "name": "A", "team": "B" }, "team_manager": { "name": "C" },
        "reason": "risky_behaviour", "concern": "x", "triangulation": "y", "scope": "one_off",
        "period": { "from": "2026-01-01", "to": "2026-02-01" }, "consent": { "status": "informed" },
        "subjects": [{ "name": "Jane Doe", "role": "subject", "profiles": [{ "platform": "facebook", "url": url }] }]
    });
    let file = temp.join("request.json");
    std::fs::write(&file, request.to_string()).unwrap();
    let reference = run(&data, &["request", "create", "--file", file.to_str().unwrap()]).trim().to_string();
    run(&data, &["request", "submit", &reference, "--by", "A", "--evidence", "e"]);
    run(&data, &["request", "agree", &reference, "--by", "C", "--evidence", "e"]);
    run(&data, &["request", "permit", &reference, "--by", "D", "--evidence", "m"]);
    run(&data, &["request", "confirm-legitimacy", &reference, "--by", "Bench Worker"]);
    run(&data, &["account", "add", "--platform", "fixture", "--handle", "bench"]);
    let started: serde_json::Value = serde_json::from_str(&run(
        &data,
        &["session", "start", &reference, "--subject", "1", "--account", "1", "--headless", "--json"],
    ))
    .unwrap();
    let session = started["session_id"].to_string();
    let devtools = {
        let keystore = triangulate_store::Keystore::kernel_keyring().unwrap();
        let store = triangulate_store::Store::open(&triangulate_store::DataDir::new(&data), &keystore).unwrap();
        store.session(session.parse().unwrap()).unwrap().private_url().unwrap()
    };
    let end_session = EndSession(data.clone(), session.clone());
    Ready { data, reference, session, devtools, end_session }
}
