//! What the application layer's tests share: a host with a fixed clock, the store kept open,
//! the recorder in a thread of the test, and every progress report kept.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use triangulate_app::{
    DataDir, Host, KeptStore, Keystore, OpenStore, Progress, RecorderOrder, admin, people, requests,
};
use triangulate_core::WorkerProfileInput;
use triangulate_core::workflow::DecisionInput;

pub struct TestHost {
    pub data_dir: DataDir,
    store: KeptStore,
    pub now: DateTime<Utc>,
    reports: Mutex<Vec<Progress>>,
}

impl TestHost {
    /// A host over `dir`, its clock fixed at `now`.
    pub fn new(dir: &Path, now: DateTime<Utc>) -> TestHost {
        TestHost { data_dir: DataDir::new(dir), store: KeptStore::default(), now, reports: Mutex::new(Vec::new()) }
    }

    /// The progress reports since the last call.
    #[allow(dead_code)] // not every test reads them
    pub fn take(&self) -> Vec<Progress> {
        std::mem::take(&mut *self.reports.lock().unwrap())
    }

    /// Whether a report so far names a step with these words.
    #[allow(dead_code)] // not every test reads them
    pub fn seen(&self, words: &str) -> bool {
        self.reports.lock().unwrap().iter().any(|r| r.step.contains(words))
    }
}

impl Host for TestHost {
    fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    fn clock(&self) -> triangulate_app::host::Clock {
        let now = self.now;
        Arc::new(move || now)
    }

    fn store(&self) -> triangulate_app::Result<OpenStore<'_>> {
        self.store.open(&self.data_dir)
    }

    fn start_recorder(&self, order: &RecorderOrder) -> triangulate_app::Result<()> {
        let (data_dir, order, clock) = (self.data_dir.clone(), order.clone(), self.clock());
        std::thread::spawn(move || triangulate_app::recorder::run(&data_dir, &order, clock));
        Ok(())
    }

    fn progress(&self, report: &Progress) {
        self.reports.lock().unwrap().push(report.clone());
    }
}

impl Drop for TestHost {
    fn drop(&mut self) {
        if let Ok(store) = self.store() {
            let _ = Keystore::kernel_keyring().unwrap().delete_key(store.store_id());
        }
    }
}

/// A decision by `by`, with its evidence when recorded for them.
pub fn decision(by: &str, evidence: Option<&str>) -> DecisionInput {
    DecisionInput {
        decided_by: by.into(),
        evidence: evidence.map(Into::into),
        note: None,
        conditions: None,
        decided_on: None,
    }
}

/// A new store with the example staff directory, Sam Patel its registered access worker, and
/// the example request, its subject's profile on the fixture site at `base`: its reference.
pub fn staffed_with_a_request(host: &TestHost, base: &str) -> String {
    admin::init(host).unwrap();
    people::import_staff(host, include_str!("../../../../../tests/fixtures/staff-example.csv")).unwrap();
    people::set_profile(host, &WorkerProfileInput { name: "Sam Patel".into(), role: "aaw".into(), staff_id: None })
        .unwrap();
    people::register_aaw(host, "Sam Patel", "Director", "SD memo 12", "2026-10-01").unwrap();
    let mut file: serde_json::Value =
        serde_json::from_str(include_str!("../../../../../tests/fixtures/request-example.json")).unwrap();
    file["subjects"][0]["profiles"] =
        serde_json::json!([{ "platform": "facebook", "url": format!("{base}/profile/jane") }]);
    requests::create(host, &file.to_string(), &BTreeMap::new(), None).unwrap().reference
}
