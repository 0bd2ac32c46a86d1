//! A whole check through the application layer alone — no CLI process, no webview: a
//! request to permitted, legitimacy, an access session on the fixture site in Debian's
//! Chromium with its recorder in a thread of this test, a capture, the worker's judgement and
//! the end of the session. The host is the narrow trait and nothing more.

#[path = "../../../../tests/cli/fixture_site.rs"]
#[allow(dead_code)]
mod fixture_site;
mod support;
use support::{TestHost, decision};

use chrono::Utc;
use triangulate_app::captures::{self, CaptureOrder};
use triangulate_app::sessions::{self, BrowserChoice};
use triangulate_app::{AppError, ErrorCode, admin, register, requests};
use triangulate_core::ChainReport;
use triangulate_core::evidence::{Attribution, JudgementInput};
use triangulate_core::workflow::{RequestState, Step};

#[test]
fn a_whole_check_runs_through_the_application_layer_headless() {
    // SAFETY: set before any store is opened, to the same value by every test here.
    unsafe { std::env::set_var(triangulate_app::KEYSTORE_ENV, "kernel-keyring") };
    let site = fixture_site::start();
    let temp = tempfile::tempdir().unwrap();
    let host = TestHost::new(&temp.path().join("data"), Utc::now());

    let reference = support::staffed_with_a_request(&host, &site.base);
    requests::take_step(&host, &reference, Step::Submit, &decision("Rhian Evans", Some("email 19/11"))).unwrap();
    requests::take_step(&host, &reference, Step::Agree, &decision("Gwen Thomas", Some("email 20/11"))).unwrap();
    requests::take_step(&host, &reference, Step::Permit, &decision("Director", Some("memo SD/44"))).unwrap();
    let page = requests::take_step(&host, &reference, Step::ConfirmLegitimacy, &decision("Sam Patel", None)).unwrap();
    assert_eq!(page.record.state, RequestState::LegitimacyConfirmed);
    let account = register::add_account(&host, "fixture", "council.checks", Some(true)).unwrap();

    // A session on an unregistered account is refused by a guard, with its code.
    let refused =
        sessions::start(&host, &reference, 1, 99, &BrowserChoice { headless: true, ..Default::default() }, false)
            .err()
            .expect("an unregistered account is refused");
    assert_eq!(refused.code(), ErrorCode::GuardRefused, "{refused}");
    assert_eq!(refused.guards(), ["account_not_registered"]);

    let started = sessions::start(
        &host,
        &reference,
        1,
        account.id,
        &BrowserChoice { headless: true, ..Default::default() },
        false,
    )
    .unwrap();
    let id = started.session.id;
    assert!(started.session.browser.contains('/'), "the browser's product: {}", started.session.browser);
    assert!(started.session.private_url().is_some());
    assert_eq!(requests::show(&host, &reference).unwrap().state, RequestState::InProgress);

    // One session at a time on an account.
    let second = sessions::start(
        &host,
        &reference,
        1,
        account.id,
        &BrowserChoice { headless: true, ..Default::default() },
        false,
    );
    assert!(matches!(second, Err(AppError::Store(_))), "a second session on the account is refused");

    let order = CaptureOrder {
        url: Some(format!("{}/profile/jane", site.base)),
        statement: Some("Visible to anyone without logging in".into()),
        outside_scope_reason: None,
        ..CaptureOrder::default()
    };
    let taken = captures::take_capture(&host, id, &order).unwrap();
    assert_eq!(taken.url, format!("{}/profile/jane", site.base));
    let shown = captures::show(&host, taken.record.id).unwrap();
    assert_eq!(shown.signature, Ok(()));
    assert!(shown.stored_hashes_match);
    let provenance = &shown.manifest.as_ref().expect("the signed manifest reads").provenance;
    assert_eq!(provenance.http["status"], 200, "the recorder stored the response");
    assert_eq!(
        provenance.capture_started_at,
        host.now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "the capture's times come from the host's clock"
    );

    // Its screen's provenance card: who took it, through which account, in which session,
    // the whole page's digest, whose clock dates it; and what judging it not relevant would do.
    let page = captures::page(&host, taken.record.id).unwrap();
    assert_eq!(page.card.worker.as_deref(), Some("Sam Patel"), "the session's runner, by name");
    assert_eq!(page.card.account, "council.checks on fixture, which can be identified as the council's");
    assert!(page.card.session.starts_with(&format!("Access session {id} on ")), "{}", page.card.session);
    assert!(page.card.session.ends_with(", still open"), "{}", page.card.session);
    let full_page = shown.record.artefacts.iter().find(|a| a.kind == "full_page_png").unwrap();
    assert_eq!(page.card.whole_page_sha256.as_deref(), Some(full_page.sha256.as_str()));
    assert!(page.card.timestamp.starts_with("None: its time is this laptop's clock"), "{}", page.card.timestamp);
    assert!(!page.card.outside_profiles, "the listed profile itself");
    let policy = triangulate_core::policy::Policy::default();
    assert_eq!(
        page.if_not_relevant.due_on,
        (triangulate_core::local_time::uk_date(host.now)
            + chrono::Days::new(u64::from(policy.retention.not_relevant_capture_days)))
        .to_string()
    );
    assert!(!page.if_not_relevant.held);
    // A page outside the listed profiles, captured with the worker's reason, is marked so on
    // its screen and in the session's list; the others are not.
    let elsewhere = captures::take_capture(
        &host,
        id,
        &CaptureOrder {
            url: Some(format!("{}/elsewhere/page", site.base)),
            outside_scope_reason: Some("Her own blog: the same photos".into()),
            ..CaptureOrder::default()
        },
    )
    .unwrap();
    assert!(captures::page(&host, elsewhere.record.id).unwrap().card.outside_profiles);
    assert_eq!(sessions::show(&host, id).unwrap().outside_profiles, [elsewhere.record.id]);

    // The whole timeline, stopped by the worker part way: its progress is seen while it
    // scrolls, and what it took is kept and said to have been stopped.
    let timeline = CaptureOrder {
        url: Some(format!("{}/profile/jane/virtual", site.base)),
        scroll: true,
        ..CaptureOrder::default()
    };
    let (seen, stopped) = std::thread::scope(|scope| {
        let running = scope.spawn(|| captures::take_capture(&host, id, &timeline));
        let mut seen = None;
        for _ in 0..1200 {
            let now = captures::progress(&host, id);
            if now.capturing && now.scrolling && now.screens >= 3 {
                seen = Some(captures::stop(&host, id).unwrap());
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        (seen, running.join().unwrap())
    });
    let seen = seen.expect("the capture's progress was seen while it scrolled");
    assert!(seen.stop_asked, "{seen:?}");
    let stopped = stopped.unwrap();
    assert_eq!(stopped.way.stopped.as_deref(), Some("stopped by the worker"), "{:?}", stopped.way);
    assert!(stopped.way.cut_short);
    assert!(stopped.way.screens >= 3 && stopped.way.screens < 20, "{:?}", stopped.way);
    assert_eq!(captures::show(&host, stopped.record.id).unwrap().signature, Ok(()));
    assert!(!captures::progress(&host, id).capturing, "no capture is marked running after it");
    assert!(captures::stop(&host, id).is_err(), "nothing to stop");

    let judged = captures::judge(
        &host,
        taken.record.id,
        &JudgementInput {
            relevant: Some(true),
            attribution: Some(Attribution::Probable),
            attribution_reason: Some("Same photo as the school's record".into()),
            useful_and_unique: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(judged.judgement.unwrap().attribution, Attribution::Probable);

    let ended = sessions::end(&host, id).unwrap();
    assert!(ended.ended_at.is_some());
    let view = sessions::show(&host, id).unwrap();
    let kinds: Vec<&str> = view.trail.iter().map(|e| e.kind.as_str()).collect();
    assert!(kinds.contains(&"recording_started"), "{kinds:?}");
    assert!(
        view.trail.iter().any(|e| e.kind == "navigation" && e.url.ends_with("/profile/jane")),
        "the recorder stored the navigation: {kinds:?}"
    );
    assert!(view.session.recording_stopped_at.is_none(), "an ended session is not a stopped recording");
    let after = captures::take_capture(&host, id, &order).err().expect("no capture after the end");
    assert_eq!(after.code(), ErrorCode::Refused, "{after}");
    let verified = admin::audit_verify(&host).unwrap();
    assert!(matches!(verified.report, ChainReport::Intact { .. }));
    assert!(verified.rollback_ruled_out, "{verified:?}");
}
