//! The recorder: the process (or, in tests, the thread) that owns a session's browser. It
//! opens the browser with DevTools on a pipe only it holds, serves that pipe onwards on a
//! private channel whose secret is kept in the encrypted store, stores the trail and each
//! document's response as they come, and answers the round trip that proves it is alive.
//! It ends when the session ends or the browser closes; if it is killed, the browser can no
//! longer be driven by anyone and the next use of the session records that recording stopped.

use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;
use triangulate_capture::archive::PageArchives;
use triangulate_capture::bridge::{self, StatusFn};
use triangulate_capture::browser::{LaunchOptions, launch};
use triangulate_capture::recorder::{Clock, Record, StillWanted, record};
use triangulate_store::{DataDir, Keystore, SessionBrowser, Store, StoreError, TrailEvent};

use crate::error::{AppError, Result};
use crate::host::RecorderOrder;

fn open(data_dir: &DataDir) -> Result<Store> {
    Ok(Store::open(data_dir, &Keystore::from_environment()?)?)
}

/// Reads the order the door wrote on standard input, then runs the recorder.
pub fn run_from_stdin(data_dir: &DataDir, clock: Clock) -> Result<()> {
    let order: RecorderOrder = serde_json::from_reader(std::io::stdin().lock())
        .map_err(|e| AppError::Internal(format!("the recorder was given no order: {e}")))?;
    run(data_dir, &order, clock)
}

/// Opens the session's browser and records until the session ends or the browser closes.
pub fn run(data_dir: &DataDir, order: &RecorderOrder, clock: Clock) -> Result<()> {
    let id = order.session;
    let mut store = open(data_dir)?;
    let session = store.session(id)?;
    if session.ended_at.is_some() {
        return Err(AppError::Refused(format!("access session {id} has ended")));
    }
    let profile_dir = data_dir.browser_profile(session.account_id);
    let launched = launch(&LaunchOptions {
        executable: &order.executable,
        profile_dir: &profile_dir,
        headless: order.headless,
        ignore_certificate_errors: order.ignore_certificate_errors,
    });
    let launched = match launched {
        Ok(launched) => launched,
        Err(error) => {
            let reason = format!("the browser could not be opened: {error}");
            store.end_session(id, &reason, clock())?;
            return Err(AppError::Browser(reason));
        }
    };
    let triangulate_capture::browser::LaunchedBrowser { pid: browser_pid, pipe, mut child } = launched;
    let runtime = crate::runtime()?;
    let recording = Arc::new(AtomicBool::new(false));
    let secret = bridge::new_secret()?;
    let max_body = triangulate_store::load_policy(data_dir)
        .map(|(policy, _)| policy.capture.max_response_body_bytes)
        .unwrap_or_else(|_| triangulate_core::Policy::default().capture.max_response_body_bytes);
    let archives = PageArchives::new(max_body as usize);
    let status: StatusFn = {
        let (recording, archives) = (recording.clone(), archives.clone());
        Arc::new(move |method, params| match method {
            bridge::RECORDER_STATUS => Some(json!({ "session": id, "recording": recording.load(Ordering::SeqCst) })),
            bridge::PAGE_ARCHIVE => Some(archives.answer(params)),
            _ => None,
        })
    };
    let served = runtime.block_on(bridge::serve(pipe, secret.clone(), status, i64::from(max_body)));
    let bridge = match served {
        Ok(bridge) => bridge,
        Err(error) => {
            let _ = child.kill();
            let reason = format!("the browser's private channel could not be opened: {error}");
            store.end_session(id, &reason, clock())?;
            return Err(AppError::Browser(reason));
        }
    };
    let private_url = bridge::private_url(&bridge.endpoint, &secret);
    let product = runtime.block_on(async {
        let (browser, driver) = triangulate_capture::connect(&private_url).await?;
        let version = tokio::time::timeout(Duration::from_secs(20), browser.version())
            .await
            .map_err(|_| triangulate_capture::CaptureError::DevTools("the browser did not answer".into()))??;
        driver.abort();
        Ok::<_, triangulate_capture::CaptureError>(version.product)
    });
    let mut product = match product {
        Ok(product) => product,
        Err(error) => {
            let _ = child.kill();
            let reason = format!("the browser did not answer over its DevTools pipe: {error}");
            store.end_session(id, &reason, clock())?;
            return Err(AppError::Browser(reason));
        }
    };
    if order.ignore_certificate_errors {
        product.push_str(" (certificate errors ignored: tests only)");
    }
    store.set_session_browser(
        id,
        &SessionBrowser {
            product: &product,
            endpoint: &bridge.endpoint,
            secret: &secret,
            browser_pid: Some(browser_pid),
            recorder_pid: std::process::id(),
        },
        clock(),
    )?;
    drop(store);
    tracing::info!(session = id, "recorder started");

    let (sender, receiver) = mpsc::channel::<Record>();
    let writer_dir = data_dir.clone();
    let writer_clock = clock.clone();
    let writer = std::thread::spawn(move || -> Result<()> {
        let mut store = open(&writer_dir)?;
        loop {
            let first = match receiver.recv_timeout(Duration::from_secs(1)) {
                Ok(first) => first,
                // Idle: if the journal was deleted under this long-lived connection, write it
                // back now, so that other processes can open the store again.
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Err(error) = store.heal_journal() {
                        tracing::warn!(%error, "the store's journal could not be written back yet");
                    }
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            };
            let mut batch = vec![first];
            while let Ok(more) = receiver.try_recv() {
                batch.push(more);
            }
            let mut trail: Vec<TrailEvent> = Vec::new();
            for record in batch {
                match record {
                    Record::Trail(event) => trail.push(event),
                    Record::Response(response) => {
                        store.add_trail_events(id, &std::mem::take(&mut trail), writer_clock())?;
                        store.add_document_response(id, &response, writer_clock())?;
                    }
                }
            }
            store.add_trail_events(id, &trail, writer_clock())?;
        }
        Ok(())
    });
    let watch_dir = data_dir.clone();
    let closed = bridge.closed;
    let tabs = bridge.tabs;
    let still_open = Arc::new(AtomicBool::new(true));
    let still_wanted: StillWanted = {
        let still_open = still_open.clone();
        // Recording stops when the session is ended or its database is gone (a missing
        // database beside the store's other files is reported as damaged, not as no store); a
        // passing failure to read the store does not stop it. A connection is opened for each
        // check and closed again: the writer's is the only one kept, the one that writes back
        // a deleted journal.
        Arc::new(move || {
            still_open.load(Ordering::SeqCst)
                && watch_dir.database().exists()
                && match open(&watch_dir).and_then(|store| Ok(store.session(id)?)) {
                    Ok(session) => session.ended_at.is_none(),
                    Err(AppError::Store(StoreError::NotInitialised(_))) => false,
                    Err(_) => true,
                }
        })
    };
    let outcome = runtime.block_on(async {
        let watcher = tokio::spawn(async move {
            let _ = closed.await;
            still_open.store(false, Ordering::SeqCst);
        });
        recording.store(true, Ordering::SeqCst);
        let outcome = record(tabs, clock.clone(), sender, still_wanted, archives).await;
        recording.store(false, Ordering::SeqCst);
        watcher.abort();
        outcome
    });
    let written = writer.join().unwrap_or_else(|_| Err(AppError::Internal("the trail writer stopped".into())));
    // The browser is ours: it does not outlive its recorder.
    if child.try_wait().ok().flatten().is_none() {
        let _ = runtime.block_on(async {
            let (mut browser, driver) = triangulate_capture::connect(&private_url).await?;
            let _ = tokio::time::timeout(Duration::from_secs(5), browser.close()).await;
            driver.abort();
            Ok::<_, triangulate_capture::CaptureError>(())
        });
        for _ in 0..50 {
            if child.try_wait().ok().flatten().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
    }
    let _ = child.wait();
    let mut store = open(data_dir)?;
    if store.session(id)?.ended_at.is_none() {
        store.end_session(id, "browser closed", clock())?;
    }
    tracing::info!(session = id, "recorder stopped");
    written?;
    outcome.map_err(AppError::from)
}
