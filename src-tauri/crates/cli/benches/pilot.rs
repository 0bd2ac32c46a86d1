//! The pilot report's benchmark: 10,000 requests seeded through the application layer, each
//! created, submitted, agreed, permitted, confirmed, searched (which starts access), completed,
//! finalised and given its feedback and a process rating, over a year of a fixed clock. Then,
//! in the same run: the report (every request's figures read from the encrypted store, and the
//! figures worked out) against a baseline that only reads the same figures; prints each's
//! median time and their ratio. Target: the report under 100 ms.
//!
//!   cargo bench -p triangulate-cli --bench pilot
//!
//! `TRIANGULATE_BENCH_REQUESTS=N` seeds N instead. The store is made in /dev/shm where there
//! is one, so that seeding measures the app, not the disk.

use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;
use triangulate_app::host::{Clock, Host};
use triangulate_app::{DataDir, KeptStore, OpenStore, RecorderOrder};
use triangulate_core::workflow::{DecisionInput, Step};

const ROUNDS: usize = 7;

struct BenchHost {
    data_dir: DataDir,
    store: KeptStore,
    /// Minutes after the start of the pilot.
    minutes: Arc<AtomicI64>,
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
}

impl Host for BenchHost {
    fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }
    fn clock(&self) -> Clock {
        let minutes = self.minutes.clone();
        Arc::new(move || start() + Duration::minutes(minutes.load(Ordering::SeqCst)))
    }
    fn store(&self) -> triangulate_app::Result<OpenStore<'_>> {
        self.store.open(&self.data_dir)
    }
    fn start_recorder(&self, _: &RecorderOrder) -> triangulate_app::Result<()> {
        Err(triangulate_app::AppError::Internal("no recorder in the benchmark".into()))
    }
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn decision(by: &str, evidence: Option<&str>) -> DecisionInput {
    DecisionInput {
        decided_by: by.into(),
        evidence: evidence.map(String::from),
        note: None,
        conditions: None,
        decided_on: None,
    }
}

fn main() {
    let requests: usize =
        std::env::var("TRIANGULATE_BENCH_REQUESTS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let shm = std::path::Path::new("/dev/shm");
    let temp = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.unwrap();
    // SAFETY: set before any thread of this process reads the environment.
    unsafe { std::env::set_var("TRIANGULATE_KEYSTORE", "kernel-keyring") };
    let host = BenchHost {
        data_dir: DataDir::new(temp.path().join("data")),
        store: KeptStore::default(),
        minutes: Arc::new(AtomicI64::new(0)),
    };
    triangulate_app::admin::init(&host).unwrap();
    triangulate_app::people::import_staff(
        &host,
        "staff_id,name,roles,team\nB1,Ada Worker,aaw,\nB2,Rhian Evans,osw,\nB3,Gwen Thomas,tm,\nB4,Sue Director,sd,\n",
    )
    .unwrap();
    let profile =
        triangulate_core::WorkerProfileInput { name: "Ada Worker".into(), role: "aaw".into(), staff_id: None };
    triangulate_app::people::set_profile(&host, &profile).unwrap();
    triangulate_app::people::register_aaw(&host, "Ada Worker", "Sue Director", "SD memo 12", "2026-01-02").unwrap();
    let account = triangulate_app::register::add_account(&host, "facebook", "council.checks", Some(true)).unwrap().id;
    let file =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../tests/fixtures/request-example.json"))
            .unwrap();
    let mut request: serde_json::Value = serde_json::from_str(&file).unwrap();
    request["period"] = serde_json::json!({ "from": "2025-06-01", "to": "2025-12-31" });

    let seeding = Instant::now();
    let ratings = ["little", "some", "considerable", "significant"];
    for n in 0..requests {
        // Spread over a year: each request a few minutes on from the last.
        host.minutes.store((n as i64 * 525_600) / requests as i64, Ordering::SeqCst);
        request["case_reference"] = format!("CASE-{n}").into();
        request["subjects"][0]["name"] = format!("Person {n}").into();
        request["subjects"][1]["name"] = format!("Partner {n}").into();
        let settled: BTreeMap<usize, triangulate_app::PersonMatch> = BTreeMap::new();
        let created = triangulate_app::requests::create(&host, &request.to_string(), &settled, None).unwrap();
        let reference = created.reference;
        let step = |s: Step, input: DecisionInput| {
            triangulate_app::requests::take_step(&host, &reference, s, &input).unwrap();
        };
        step(Step::Submit, decision("Rhian Evans", Some("Email")));
        step(Step::Agree, decision("Gwen Thomas", Some("Email")));
        step(Step::Permit, decision("Sue Director", Some("Memo")));
        step(Step::ConfirmLegitimacy, decision("Ada Worker", None));
        let search = triangulate_app::log::NewSearch {
            platform: "facebook",
            account,
            searched: "Person",
            result: "Public profile",
            at: None,
        };
        triangulate_app::log::add_search(&host, &reference, &search).unwrap();
        triangulate_app::log::complete(&host, &reference, "Ada Worker", None).unwrap();
        triangulate_app::log::finalise(&host, &reference, "Rhian Evans", Some("Email"), ratings[n % 4], "It helped")
            .unwrap();
        let feedback = triangulate_app::pilot::FeedbackInput {
            time_minutes: Some(20 + (n % 40) as u32),
            useful: Some((n % 5) as u32),
            unique: Some((n % 3).min(n % 5) as u32),
            rating: ratings[(n + 1) % 4],
            comments: None,
            by: "Rhian Evans",
        };
        triangulate_app::pilot::give_feedback(&host, &reference, &feedback).unwrap();
        triangulate_app::pilot::give_process_rating(&host, &reference, Some(3), Some(4), None, "Gwen Thomas").unwrap();
        if n % 1000 == 999 {
            eprintln!("seeded {} requests in {:.0} s", n + 1, seeding.elapsed().as_secs_f64());
        }
    }
    println!("seeded {requests} requests through the application layer in {:.1} s", seeding.elapsed().as_secs_f64());

    // The baseline: only reading every request's figures from the store.
    let mut read = Vec::new();
    let mut report = Vec::new();
    let mut figures = 0;
    for _ in 0..ROUNDS {
        let timer = Instant::now();
        let records = host.store().unwrap().pilot_records().unwrap();
        read.push(timer.elapsed().as_secs_f64() * 1000.0);
        figures = records.len();
        let timer = Instant::now();
        let page = triangulate_app::pilot::report(&host, None, None, &[]).unwrap();
        report.push(timer.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(page.report.requests as usize, requests);
    }
    let (read, report) = (median(read), median(report));
    println!("records read (baseline): {figures} requests in {read:.1} ms (median of {ROUNDS})");
    println!("report: {report:.1} ms (median of {ROUNDS}); target under 100 ms");
    println!("ratio report / baseline: {:.2}", report / read);
}
