//! Access sessions and captures through the CLI, with Debian's Chromium headless against the
//! fixture site: the trail (redirect hops, pushState, new tabs) recorded as the worker clicks,
//! artefacts whose stored bytes match their digests, signed manifests, capped tall pages,
//! TLS facts, the guards, and no half capture after SIGKILL.

use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::time::Duration;
use triangulate_store::{DataDir, Keystore, Store, verify_manifest};

use crate::fixture_site::{self, Site, TRICKY_TITLE, TlsSite};
use crate::protocol::authorise;
use crate::{Setup, setup};

/// A store whose request names Jane with her fixture profiles, authorised and confirmed, and
/// a sanctioned account (id 1).
fn ready(site: &Site, tls: Option<&TlsSite>) -> (Setup, String) {
    ready_with(site, tls, |_| {})
}

/// Like [`ready`], with the request file changed by `edit` before it is created.
pub(crate) fn ready_with(
    site: &Site,
    tls: Option<&TlsSite>,
    edit: impl FnOnce(&mut serde_json::Value),
) -> (Setup, String) {
    let s = setup();
    s.init();
    s.staff();
    assert_eq!(s.run(&["worker", "set", "--name", "Sam Patel", "--role", "aaw"]).code, 0);
    s.register_aaw("Sam Patel");
    let mut request: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/request-example.json")).unwrap();
    let mut profiles =
        vec![serde_json::json!({ "platform": "facebook", "url": format!("{}/profile/jane", site.base) })];
    if let Some(tls) = tls {
        profiles.push(serde_json::json!({ "platform": "facebook", "url": format!("{}/profile/jane.html", tls.base) }));
    }
    request["subjects"][0]["profiles"] = serde_json::Value::Array(profiles);
    edit(&mut request);
    let file = s.data_dir.parent().unwrap().join("request.json");
    std::fs::write(&file, request.to_string()).unwrap();
    let run = s.run(&["request", "create", "--file", file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reference = run.stdout.trim().to_string();
    authorise(&s, &reference);
    assert_eq!(s.run(&["account", "add", "--platform", "fixture", "--handle", "council.checks"]).code, 0);
    (s, reference)
}

/// A started session: ended (browser closed) when dropped, even when a test fails.
pub(crate) struct Session<'a> {
    s: &'a Setup,
    pub(crate) id: String,
    pub(crate) devtools: String,
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = self.s.run(&["session", "end", &self.id]);
    }
}

/// The session's record as stored, with its private channel's secret.
fn stored_session(s: &Setup, id: &str) -> triangulate_store::SessionRecord {
    let store = Store::open(&DataDir::new(&s.data_dir), &Keystore::kernel_keyring().unwrap()).unwrap();
    store.session(id.parse().unwrap()).unwrap()
}

pub(crate) fn start<'a>(s: &'a Setup, reference: &str, extra: &[&str]) -> Session<'a> {
    let mut args = vec![
        "session",
        "start",
        reference,
        "--subject",
        "1",
        "--account",
        "1",
        "--headless",
        "--confirm-conditions",
        "--json",
    ];
    args.extend_from_slice(extra);
    let run = s.run(&args);
    assert_eq!(run.code, 0, "session start: {}", run.stderr);
    let json = run.json();
    let id = json["session_id"].to_string();
    assert_eq!(json["conditions_confirmed"], "One-off review only", "the service director's conditions, as confirmed");
    // The worker's clicks reach the browser as this installation's own processes do: over
    // the recorder's private channel, with the session's secret from the encrypted store.
    let devtools = stored_session(s, &id).private_url().expect("the session's private channel");
    assert!(devtools.starts_with(json["devtools_url"].as_str().unwrap()), "the printed address has no secret");
    Session { s, id, devtools }
}

pub(crate) fn capture(s: &Setup, session: &Session, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["capture", "--session", &session.id, "--statement", "Visible to anyone without logging in"];
    args.extend_from_slice(extra);
    let run = s.run(&args);
    assert_eq!(run.code, 0, "capture: {}", run.stderr);
    run.json()
}

pub(crate) fn show(s: &Setup, id: &serde_json::Value) -> serde_json::Value {
    let run = s.run(&["capture", "show", &id.to_string(), "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}

fn artefact<'a>(shown: &'a serde_json::Value, kind: &str) -> &'a serde_json::Value {
    shown["artefacts"].as_array().unwrap().iter().find(|a| a["kind"] == kind).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
}

/// Clicks the element once the document has it (the page may still be loading).
async fn click(page: &chromiumoxide::Page, selector: &str) {
    for _ in 0..50 {
        if let Ok(element) = page.find_element(selector).await
            && element.click().await.is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{selector} could not be clicked");
}

/// The session's tab. The connection learns of the browser's tabs as it attaches to them, so
/// it is waited for (a loaded machine may take seconds), never assumed.
pub(crate) async fn first_tab(browser: &chromiumoxide::Browser) -> chromiumoxide::Page {
    for _ in 0..150 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if let Some(page) = browser.pages().await.unwrap().into_iter().next() {
            return page;
        }
    }
    panic!("the session's tab was not seen within 15 s");
}

/// Browses as a worker would, in the session's own browser: a start page, a link through a
/// redirect chain to the profile, a pushState link, and a link that opens a new tab.
fn browse_by_clicking(devtools: &str, base: &str) {
    runtime().block_on(async {
        let (browser, driver) = triangulate_capture::connect(devtools).await.unwrap();
        let page = first_tab(&browser).await;
        page.goto(format!("{base}/start")).await.unwrap();
        click(&page, "#to-profile").await;
        for _ in 0..50 {
            if page.url().await.unwrap().unwrap_or_default().ends_with("/profile/jane") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        click(&page, "#spa").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        click(&page, "#newtab").await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        driver.abort();
    });
}

#[test]
fn clicking_through_a_session_records_the_trail_and_captures_the_current_tab_whole_and_signed() {
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    let session = start(&s, &reference, &[]);
    browse_by_clicking(&session.devtools, &site.base);

    let taken = capture(&s, &session, &[]);
    assert_eq!(taken["url"], format!("{}/profile/jane/about", site.base), "the new tab is the one in view");
    let shown = show(&s, &taken["capture_id"]);
    assert_eq!(shown["signature_valid"], true, "{}", shown["signature_problem"]);
    assert_eq!(shown["stored_hashes_match"], true);
    let trail = s.run(&["session", "show", &session.id, "--json"]).json()["trail"].clone();
    let steps: Vec<(String, String)> = trail
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap().to_string(), e["url"].as_str().unwrap().replace(&site.base, "")))
        .collect();
    let has = |kind: &str, url: &str| steps.iter().any(|(k, u)| k == kind && u == url);
    assert!(has("redirect", "/r1") && has("redirect", "/r2"), "both redirect hops: {steps:?}");
    assert!(has("navigation", "/profile/jane"), "{steps:?}");
    assert!(has("same_document", "/profile/jane/photos"), "the pushState step: {steps:?}");
    let events = trail.as_array().unwrap();
    let new_tab = events.iter().find(|e| e["kind"] == "new_tab").expect("the new tab is in the trail");
    let first_tab = events.iter().find(|e| e["kind"] == "tab_open").unwrap()["tab"].clone();
    assert_eq!(new_tab["detail"]["opener"], first_tab, "opened from the profile's tab");
    assert!(
        events.iter().any(|e| e["kind"] == "navigation"
            && e["tab"] == new_tab["tab"]
            && e["url"].as_str().unwrap().ends_with("/profile/jane/about")),
        "the new tab's page: {steps:?}"
    );
    let redirect = trail.as_array().unwrap().iter().find(|e| e["kind"] == "redirect").unwrap();
    assert_eq!(redirect["detail"]["status"], 302);
    // The trail is in the signed manifest too.
    let signed_trail = shown["manifest"]["trail"].as_array().unwrap();
    assert!(signed_trail.iter().any(|e| e["kind"] == "same_document"), "{signed_trail:?}");
    assert!(signed_trail.iter().any(|e| e["kind"] == "redirect" && e["detail"]["status"] == 301), "{signed_trail:?}");

    // The long profile page, navigated to in the same session: the full page goes beyond the viewport.
    let long = capture(&s, &session, &["--url", &format!("{}/profile/jane", site.base)]);
    let shown = show(&s, &long["capture_id"]);
    let full = artefact(&shown, "full_page_png");
    let viewport = artefact(&shown, "viewport_png");
    assert!(full["height"].as_u64().unwrap() > viewport["height"].as_u64().unwrap() * 3, "{full} vs {viewport}");
    let provenance = &shown["manifest"]["provenance"];
    assert_eq!(provenance["http"]["known"], true);
    assert_eq!(provenance["http"]["status"], 200);
    assert_eq!(provenance["http"]["headers"]["X-Fixture"], "triangulate");
    assert_eq!(provenance["http"]["remote_ip_address"], "127.0.0.1");
    assert_eq!(provenance["worker_statement"]["words"], "Visible to anyone without logging in");
    assert!(provenance["browser"]["product"].as_str().unwrap().contains('/'));

    // Export: the files' digests are the manifest's, and the exported manifest verifies.
    let out = s.data_dir.parent().unwrap().join("exhibit");
    let run = s.run(&["capture", "export", &long["capture_id"].to_string(), "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = long["capture_id"].to_string();
    let bytes = std::fs::read(out.join(format!("capture-{id}-full-page-png.png"))).unwrap();
    assert_eq!(hex::encode(Sha256::digest(&bytes)), full["sha256"].as_str().unwrap());
    // Written segmented, so that the PDF's strips are cut from it as it is.
    assert!(triangulate_evidence::segmented::is_segmented(&bytes), "the full page is segmented");
    let manifest = std::fs::read_to_string(out.join(format!("capture-{id}-manifest.json"))).unwrap();
    let signature = std::fs::read_to_string(out.join(format!("capture-{id}-manifest.sig"))).unwrap();
    assert_eq!(verify_manifest(&manifest, signature.trim()), Ok(()));
    let tampered = manifest.replace("/profile/jane", "/profile/john");
    assert!(verify_manifest(&tampered, signature.trim()).is_err(), "a changed manifest fails");
    let again = s.run(&["capture", "export", &id, "--out", out.to_str().unwrap()]);
    assert_eq!(again.code, 1, "an export never overwrites: {}", again.stderr);

    // The worker's judgement.
    let bad = s.run(&["capture", "judge", &id, "--relevant", "maybe"]);
    assert_eq!(bad.code, 2);
    let judged = s.run(&[
        "capture",
        "judge",
        &id,
        "--relevant",
        "yes",
        "--attribution",
        "probable",
        "--why",
        "Same photo as the school's record",
        "--useful",
        "yes",
        "--tag",
        "party",
        "--collateral",
        "Two children's faces, not used",
    ]);
    assert_eq!(judged.code, 0, "{}", judged.stderr);
    assert_eq!(show(&s, &long["capture_id"])["judgement"]["attribution"], "probable");
    assert_eq!(s.run(&["audit", "verify"]).code, 0);
}

#[test]
fn a_40000_px_page_is_captured_whole_and_only_a_policy_limit_below_it_cuts() {
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    let session = start(&s, &reference, &[]);
    let tall = format!("{}/profile/jane/tall", site.base);
    let taken = capture(&s, &session, &["--url", &tall]);
    let shown = show(&s, &taken["capture_id"]);
    let full_page = &shown["manifest"]["provenance"]["full_page"];
    assert_eq!(full_page["capped"], false, "{full_page}");
    let height = full_page["page_height_css"].as_f64().unwrap();
    assert!(height >= 40000.0);
    assert_eq!(artefact(&shown, "full_page_png")["height"], height as u64, "the whole page, in one PNG");
    assert!(full_page["tiles"].as_array().unwrap().len() >= 3, "{full_page}");

    assert_eq!(taken["cut_at_limit"], serde_json::Value::Null, "a whole page is not said to be cut: {taken}");
    assert_eq!(shown["cut_at_limit"], serde_json::Value::Null);

    std::fs::write(s.data_dir.join("policy.toml"), "[capture]\nfull_page_max_css_px = 20000\n").unwrap();
    let run = s.run(&["capture", "--session", &session.id, "--url", &tall]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let taken = run.json();
    let shown = show(&s, &taken["capture_id"]);
    let full_page = &shown["manifest"]["provenance"]["full_page"];
    assert_eq!(full_page["capped"], true);
    assert_eq!(full_page["limit_css_px"], 20000.0);
    assert_eq!(artefact(&shown, "full_page_png")["height"], 20000, "cut at the policy's limit, no less");
    // Said at once, with both heights: the capture's own JSON and a warning, and capture show.
    let cut = &taken["cut_at_limit"];
    assert_eq!(cut["page_height_css"].as_f64().unwrap(), height, "{taken}");
    assert_eq!(cut["captured_height_css"], 20000.0, "{taken}");
    assert_eq!(cut["limit_css_px"], 20000.0, "{taken}");
    let words =
        format!("the page is {} CSS px tall; the full-page picture holds its first 20000 CSS px", height.round());
    assert!(run.stderr.contains(&words), "{}", run.stderr);
    assert_eq!(&shown["cut_at_limit"], cut);
    let text = s.run(&["capture", "show", &taken["capture_id"].to_string()]);
    assert!(text.stdout.contains(&format!("Cut at the policy's limit: {words}")), "{}", text.stdout);
}

/// Goes to `url` in the session's tab as the worker would, runs `script` there, and gives
/// the page a moment to load what it shows.
pub(crate) fn in_the_sessions_tab(session: &Session, url: &str, script: &str) {
    runtime().block_on(async {
        let (browser, driver) = triangulate_capture::connect(&session.devtools).await.unwrap();
        let page = first_tab(&browser).await;
        page.goto(url.to_string()).await.unwrap();
        page.evaluate(script.to_string()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        driver.abort();
    });
}

/// The pixel at (x, y) of a PNG, read row by row without holding the whole picture.
fn pixels_at(png: &[u8], points: &[(u32, u32)]) -> Vec<[u8; 3]> {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let info = reader.info().clone();
    let channels = info.color_type.samples();
    let mut found = vec![[0u8; 3]; points.len()];
    let mut y = 0u32;
    while let Some(row) = reader.next_row().unwrap() {
        for (i, (px, py)) in points.iter().enumerate() {
            if *py == y {
                let at = *px as usize * channels;
                found[i] = [row.data()[at], row.data()[at + 1], row.data()[at + 2]];
            }
        }
        y += 1;
    }
    found
}

#[test]
fn a_250000_px_page_with_a_fixed_header_and_a_sticky_sidebar_is_captured_whole() {
    use fixture_site::{BOTTOM_AT_PX, BOTTOM_RGB, HEADER_PX, HEADER_RGB, LONG_PAGE_PX, SIDEBAR_RGB};
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    let session = start(&s, &reference, &[]);
    let long = format!("{}/profile/jane/long", site.base);
    // The worker scrolls down the timeline before capturing.
    in_the_sessions_tab(&session, &long, "window.scrollTo(0, 123456)");
    let requests_before = site.hits("/profile/jane/long");
    let taken = capture(&s, &session, &[]);
    assert_eq!(site.hits("/profile/jane/long"), requests_before, "the page was asked for again at capture time");
    let shown = show(&s, &taken["capture_id"]);
    let full_page = &shown["manifest"]["provenance"]["full_page"];
    assert_eq!(full_page["page_height_css"], f64::from(LONG_PAGE_PX), "{full_page}");
    assert_eq!(full_page["capped"], false);
    assert_eq!(artefact(&shown, "full_page_png")["height"], LONG_PAGE_PX);
    let tiles = full_page["tiles"].as_array().unwrap();
    assert_eq!(tiles.len(), (LONG_PAGE_PX as usize).div_ceil(16_384));
    assert_eq!(tiles.iter().map(|t| t["height_px"].as_u64().unwrap()).sum::<u64>(), u64::from(LONG_PAGE_PX));

    let store = Store::open(&DataDir::new(&s.data_dir), &Keystore::kernel_keyring().unwrap()).unwrap();
    let (png, _) = store.capture_artefact(taken["capture_id"].as_i64().unwrap(), "full_page_png").unwrap();
    drop(store);
    // The header only at the top; the sidebar where it sits at the top of the page; further
    // down (where the worker had scrolled, too) neither is drawn over the page; the bottom
    // row is there with its colour.
    let x_header = 400;
    let mut points = vec![(x_header, HEADER_PX / 2), (50, HEADER_PX + 100), (x_header, BOTTOM_AT_PX + 25)];
    for y in (1_500..LONG_PAGE_PX - 1_000).step_by(10_000) {
        points.push((x_header, y));
        points.push((50, y + 200));
    }
    points.push((x_header, 123_456 + HEADER_PX / 2));
    points.push((50, 123_456 + HEADER_PX + 100));
    let found = pixels_at(&png, &points);
    assert_eq!(found[0], HEADER_RGB, "the header at the top");
    assert_eq!(found[1], SIDEBAR_RGB, "the sidebar at the top");
    assert_eq!(found[2], BOTTOM_RGB, "the row near the bottom");
    for (point, colour) in points.iter().zip(&found).skip(3) {
        assert_ne!(*colour, HEADER_RGB, "the header is drawn again at {point:?}");
        assert_ne!(*colour, SIDEBAR_RGB, "the sidebar is drawn again at {point:?}");
    }
    // The worker's page is left where the worker had it.
    let scrolled = runtime().block_on(async {
        let (browser, driver) = triangulate_capture::connect(&session.devtools).await.unwrap();
        let page = first_tab(&browser).await;
        let y: f64 = page.evaluate("window.scrollY").await.unwrap().into_value().unwrap();
        driver.abort();
        y
    });
    assert_eq!(scrolled, 123_456.0);
}

#[test]
fn titles_and_names_are_stored_exactly_and_a_404_is_recorded_as_one() {
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    let session = start(&s, &reference, &[]);
    let taken = capture(&s, &session, &["--url", &format!("{}/profile/jane/title", site.base)]);
    let shown = show(&s, &taken["capture_id"]);
    assert_eq!(shown["manifest"]["provenance"]["title"], TRICKY_TITLE);
    // A page that fits the window: its viewport and its full page are one file, stored once.
    let (full, viewport) = (artefact(&shown, "full_page_png"), artefact(&shown, "viewport_png"));
    assert_eq!(full["height"], viewport["height"], "{full} vs {viewport}");
    assert_eq!(full["sha256"], viewport["sha256"], "one file: {full} vs {viewport}");
    let text = s.run(&["capture", "show", &taken["capture_id"].to_string()]);
    assert!(
        text.stdout.contains("\\u{") || text.stdout.contains("<script>"),
        "printed as quoted data: {}",
        text.stdout
    );
    // The artefacts (the MHTML holds the page's text) are stored encrypted.
    for file in ["triangulate.db", "triangulate.db-wal"] {
        if let Ok(bytes) = std::fs::read(s.data_dir.join(file)) {
            assert!(
                !crate::contains(&bytes, "Łukasz Żółć") && !crate::contains(&bytes, "pwned"),
                "{file} holds page text in the clear"
            );
        }
    }
    let missing = capture(&s, &session, &["--url", &format!("{}/profile/jane/missing", site.base)]);
    assert_eq!(show(&s, &missing["capture_id"])["manifest"]["provenance"]["http"]["status"], 404);
}

#[test]
fn https_captures_record_the_protocol_and_the_certificate() {
    let site = fixture_site::start();
    let tls = fixture_site::start_tls();
    let (s, reference) = ready(&site, Some(&tls));
    let session = start(&s, &reference, &["--ignore-certificate-errors-for-tests"]);
    let taken = capture(&s, &session, &["--url", &format!("{}/profile/jane.html", tls.base)]);
    let shown = show(&s, &taken["capture_id"]);
    let tls_facts = &shown["manifest"]["provenance"]["tls"];
    assert_eq!(tls_facts["https"], true);
    assert!(tls_facts["protocol"].as_str().unwrap_or("").starts_with("TLS"), "{tls_facts}");
    assert_eq!(tls_facts["subject"], "127.0.0.1");
    assert!(tls_facts["issuer"].as_str().unwrap_or("").contains("127.0.0.1"), "{tls_facts}");
    assert!(tls_facts["valid_to"].as_f64().unwrap() > tls_facts["valid_from"].as_f64().unwrap());
    let pem = std::fs::read_to_string(&tls.certificate_pem).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(body).unwrap();
    assert_eq!(tls_facts["certificate_sha256"], hex::encode(Sha256::digest(der)));
    assert!(shown["manifest"]["session"]["browser"].as_str().unwrap().contains("certificate errors ignored"));
}

#[test]
fn the_guards_refuse_sessions_and_captures_outside_the_protocol() {
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    // A request not yet permitted.
    let draft = s.run(&[
        "request",
        "create",
        "--file",
        s.data_dir.parent().unwrap().join("request.json").to_str().unwrap(),
        "--same-person",
        "1=1",
        "--same-person",
        "2=2",
    ]);
    assert_eq!(draft.code, 0, "{}", draft.stderr);
    let refused = s.run(&[
        "session",
        "start",
        draft.stdout.trim(),
        "--subject",
        "1",
        "--account",
        "1",
        "--headless",
        "--confirm-conditions",
    ]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("cannot start") && refused.stderr.contains("not yet submitted"),
        "{}",
        refused.stderr
    );
    let unregistered = s.run(&[
        "session",
        "start",
        &reference,
        "--subject",
        "1",
        "--account",
        "9",
        "--headless",
        "--confirm-conditions",
    ]);
    assert_eq!(unregistered.code, 1);
    assert!(unregistered.stderr.contains("register of sanctioned accounts"), "{}", unregistered.stderr);

    {
        let session = start(&s, &reference, &[]);
        let outside = s.run(&["capture", "--session", &session.id, "--url", &format!("{}/elsewhere/page", site.base)]);
        assert_eq!(outside.code, 1);
        assert!(
            outside.stderr.contains("not within the profiles") && outside.stderr.contains("--parent"),
            "{}",
            outside.stderr
        );
        let elsewhere = format!("{}/elsewhere/page", site.base);
        let reasoned = capture(
            &s,
            &session,
            &["--url", &elsewhere, "--outside-scope-reason", "Her second account, named in the school's report"],
        );
        assert_eq!(
            show(&s, &reasoned["capture_id"])["manifest"]["provenance"]["outside_scope_reason"],
            "Her second account, named in the school's report"
        );
        assert_eq!(s.run(&["session", "end", &session.id]).code, 0);
        let ended = s.run(&["capture", "--session", &session.id]);
        assert_eq!(ended.code, 1);
        assert!(ended.stderr.contains("ended"), "{}", ended.stderr);
    }
    // Repeat viewing: the policy allows two views of a person; the third needs directed surveillance.
    drop(start(&s, &reference, &[]));
    let third = s.run(&[
        "session",
        "start",
        &reference,
        "--subject",
        "1",
        "--account",
        "1",
        "--headless",
        "--confirm-conditions",
    ]);
    assert_eq!(third.code, 1);
    assert!(third.stderr.contains("directed surveillance authorisation"), "{}", third.stderr);
    let today = chrono::Utc::now().date_naive().to_string();
    let ds = s.run(&[
        "authorisation",
        "add",
        &reference,
        "--kind",
        "directed-surveillance",
        "--reference",
        "URN-DS-1",
        "--officer",
        "Sue Director",
        "--granted",
        &today,
        "--person",
        "1",
    ]);
    assert_eq!(ds.code, 0, "{}", ds.stderr);
    // Until a justice of the peace approves it, it allows nothing.
    let unapproved = s.run(&[
        "session",
        "start",
        &reference,
        "--subject",
        "1",
        "--account",
        "1",
        "--headless",
        "--confirm-conditions",
    ]);
    assert_eq!(unapproved.code, 1);
    assert!(unapproved.stderr.contains("no magistrate's approval"), "{}", unapproved.stderr);
    let approved = s.run(&["authorisation", "approve", "URN-DS-1", "--approved", &today, "--by", "Legal Services"]);
    assert_eq!(approved.code, 0, "{}", approved.stderr);
    drop(start(&s, &reference, &[]));
}

#[test]
fn a_capture_killed_at_any_moment_leaves_no_half_capture() {
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    let session = start(&s, &reference, &[]);
    let url = format!("{}/profile/jane", site.base);
    for delay in [150u64, 300, 450, 600, 800, 1100] {
        let mut child = s
            .command(&["capture", "--session", &session.id, "--url", &url])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
    }
    // One more, left to finish: the store is usable after the kills.
    capture(&s, &session, &["--url", &url]);
    let store = Store::open(&DataDir::new(&s.data_dir), &Keystore::kernel_keyring().unwrap()).unwrap();
    let ids = store.capture_ids().unwrap();
    assert!(!ids.is_empty());
    for id in &ids {
        let record = store.capture(*id).unwrap();
        assert_eq!(verify_manifest(&record.manifest, &record.signature), Ok(()), "capture {id}");
        let kinds: BTreeSet<String> = record.artefacts.iter().map(|a| a.kind.clone()).collect();
        let whole: BTreeSet<String> = ["full_page_png", "mhtml", "viewport_png", "warc"].map(String::from).into();
        assert_eq!(kinds, whole, "capture {id} is whole");
        for artefact in &record.artefacts {
            let (bytes, stored) = store.capture_artefact(*id, &artefact.kind).unwrap();
            assert_eq!(hex::encode(Sha256::digest(&bytes)), stored);
            assert_eq!(stored, artefact.sha256);
        }
    }
    let orphans: i64 = store
        .connection_for_tests()
        .query_row(
            "SELECT COUNT(*) FROM capture_artefacts WHERE capture_id NOT IN (SELECT id FROM captures)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
    assert!(matches!(store.audit_verify().unwrap(), triangulate_core::ChainReport::Intact { .. }));
    // The signing key's fingerprint is in the audit chain, and it is the one every manifest names.
    let manifest: serde_json::Value = serde_json::from_str(&store.capture(ids[0]).unwrap().manifest).unwrap();
    let fingerprint = manifest["signing_key"]["fingerprint"].as_str().unwrap().to_string();
    let recorded: String = store
        .connection_for_tests()
        .query_row("SELECT object_ids FROM audit_events WHERE action = 'signing_key.create'", [], |r| r.get(0))
        .unwrap();
    assert!(recorded.contains(&format!("signing-key:ed25519:{fingerprint}")), "{recorded}");
}

/// The processes of the session's browser: every process whose command line names the
/// account's profile folder.
fn browser_processes(profile_dir: &std::path::Path) -> Vec<(u32, String)> {
    let needle = profile_dir.to_string_lossy().into_owned();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(raw) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let cmdline = String::from_utf8_lossy(&raw).replace('\0', " ");
        if cmdline.contains(&needle) {
            found.push((pid, cmdline));
        }
    }
    found
}

/// The socket inodes listening for TCP connections on this machine.
fn listening_inodes() -> BTreeSet<String> {
    let mut inodes = BTreeSet::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        for line in std::fs::read_to_string(table).unwrap_or_default().lines().skip(1) {
            let columns: Vec<&str> = line.split_whitespace().collect();
            if columns.get(3) == Some(&"0A") {
                inodes.insert(columns[9].to_string());
            }
        }
    }
    inodes
}

fn socket_inodes(pid: u32) -> BTreeSet<String> {
    let mut inodes = BTreeSet::new();
    for fd in std::fs::read_dir(format!("/proc/{pid}/fd")).into_iter().flatten().flatten() {
        if let Ok(target) = std::fs::read_link(fd.path()) {
            let target = target.to_string_lossy().into_owned();
            if let Some(inode) = target.strip_prefix("socket:[").and_then(|t| t.strip_suffix(']')) {
                inodes.insert(inode.to_string());
            }
        }
    }
    inodes
}

#[test]
fn no_process_without_the_sessions_secret_can_drive_its_browser() {
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    let session = start(&s, &reference, &[]);
    let stored = stored_session(&s, &session.id);
    let profile_dir = s.data_dir.join("browser-profiles").join("account-1");
    let processes = browser_processes(&profile_dir);
    assert!(!processes.is_empty(), "the browser runs with the account's profile");
    let main = processes.iter().find(|(pid, _)| Some(*pid) == stored.browser_pid).expect("the session's browser");
    assert!(main.1.contains("--remote-debugging-pipe"), "{}", main.1);
    let listening = listening_inodes();
    for (pid, cmdline) in &processes {
        assert!(!cmdline.contains("--remote-debugging-port"), "no DevTools port: {cmdline}");
        let open: Vec<String> = socket_inodes(*pid).intersection(&listening).cloned().collect();
        assert!(open.is_empty(), "browser process {pid} listens on TCP: {open:?}");
    }

    // The recorder's channel refuses anyone without the secret, before any DevTools message.
    let endpoint = stored.devtools_url.clone();
    let address = endpoint.trim_start_matches("ws://").split('/').next().unwrap().to_string();
    runtime().block_on(async {
        for url in [endpoint.clone(), format!("{endpoint}/{}", "0".repeat(64)), format!("ws://{address}/json/version")]
        {
            let refused = triangulate_capture::connect(&url).await;
            assert!(refused.is_err(), "{url} must be refused");
        }
        let status = triangulate_capture::bridge::recorder_status(&endpoint, Duration::from_secs(2)).await;
        assert!(status.is_err(), "no answer without the secret");
    });
    let mut plain = std::net::TcpStream::connect(&address).unwrap();
    use std::io::{Read, Write};
    plain.write_all(format!("GET /json/version HTTP/1.1\r\nHost: {address}\r\n\r\n").as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = plain.read_to_string(&mut answer);
    assert!(!answer.contains("webSocketDebuggerUrl") && !answer.contains("Browser"), "{answer}");

    // As another local user (nobody), the channel's port is no way in either.
    let python = std::path::Path::new("/usr/bin/python3");
    if python.exists() && std::process::Command::new("setpriv").arg("--version").output().is_ok() && running_as_root() {
        let other = std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .args([
                "/usr/bin/python3",
                "-c",
                "import socket,sys; s=socket.create_connection((sys.argv[1], int(sys.argv[2]))); s.sendall(b'GET /devtools/browser HTTP/1.1\\r\\nHost: x\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n'); print(s.recv(200).decode().splitlines()[0])",
            ])
            .args(address.split(':'))
            .output()
            .unwrap();
        let line = String::from_utf8_lossy(&other.stdout);
        assert!(
            line.contains("403"),
            "another user's handshake is forbidden: {line} {}",
            String::from_utf8_lossy(&other.stderr)
        );
    }

    // The session's own processes, holding the secret, still capture.
    capture(&s, &session, &["--url", &format!("{}/profile/jane", site.base)]);
}

fn running_as_root() -> bool {
    std::process::Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false)
}

#[test]
fn a_killed_recorder_stops_captures_and_is_recorded_until_the_session_resumes() {
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    let session = start(&s, &reference, &[]);
    let stored = stored_session(&s, &session.id);
    let recorder = stored.recorder_pid.expect("the recorder's process");
    let status = std::process::Command::new("kill").args(["-9", &recorder.to_string()]).status().unwrap();
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(300));

    let url = format!("{}/profile/jane", site.base);
    let refused = s.run(&["capture", "--session", &session.id, "--url", &url]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(refused.stderr.contains("no longer recorded"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains(&format!("session resume {}", session.id))
            && refused.stderr.contains(&format!("session end {}", session.id)),
        "the way to resume or end it: {}",
        refused.stderr
    );
    // Scripts decide on codes: a guard's code reaches the JSON of a refused command.
    let guarded = s.run(&[
        "session",
        "start",
        &reference,
        "--subject",
        "1",
        "--account",
        "9",
        "--headless",
        "--confirm-conditions",
        "--json",
    ]);
    assert_eq!(guarded.code, 1, "{}", guarded.stderr);
    let error = &guarded.json()["error"];
    assert_eq!(error["code"], "guard_refused", "{error}");
    assert_eq!(error["guards"], serde_json::json!(["account_not_registered"]), "{error}");
    let shown = s.run(&["session", "show", &session.id, "--json"]).json();
    assert!(shown["session"]["recording_stopped_at"].is_string(), "{shown}");
    assert!(shown["session"]["ended_at"].is_null(), "the session stays open, saying recording stopped");
    let trail = shown["trail"].as_array().unwrap();
    assert_eq!(trail.last().unwrap()["kind"], "recording_stopped", "{trail:?}");
    let store = Store::open(&DataDir::new(&s.data_dir), &Keystore::kernel_keyring().unwrap()).unwrap();
    assert!(store.capture_ids().unwrap().is_empty(), "nothing was captured unrecorded");
    drop(store);
    // The browser, which no one can record any more, is closed.
    let pid = stored.browser_pid.unwrap();
    let gone = (0..50).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        std::fs::read_to_string(format!("/proc/{pid}/stat")).map(|t| t.contains(") Z ")).unwrap_or(true)
    });
    assert!(gone, "the unrecorded browser is stopped");

    let resumed = s.run(&["session", "resume", &session.id, "--headless"]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    let taken = capture(&s, &Session { s: &s, id: session.id.clone(), devtools: String::new() }, &["--url", &url]);
    assert!(taken["capture_id"].is_number());
    let trail = s.run(&["session", "show", &session.id, "--json"]).json()["trail"].clone();
    let started = trail.as_array().unwrap().iter().filter(|e| e["kind"] == "recording_started").count();
    assert_eq!(started, 2, "recording started, stopped, and started again: {trail}");
    assert_eq!(s.run(&["audit", "verify"]).code, 0);
}

#[test]
fn a_file_address_or_an_out_of_scope_page_is_refused_before_the_browser_goes_there() {
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    let session = start(&s, &reference, &[]);
    let trail_before = s.run(&["session", "show", &session.id, "--json"]).json()["trail"].as_array().unwrap().len();

    let started = std::time::Instant::now();
    let file = s.run(&["capture", "--session", &session.id, "--url", "file:///etc/passwd"]);
    assert_eq!(file.code, 2, "{}", file.stderr);
    assert!(file.stderr.contains("url: Only a web page can be captured"), "{}", file.stderr);
    assert!(started.elapsed() < Duration::from_secs(10), "refused only after {:?}", started.elapsed());
    let hidden = s.run(&["capture", "--session", &session.id, "--url", &format!("{}/profile/jane\n", site.base)]);
    assert_eq!(hidden.code, 2, "{}", hidden.stderr);
    let elsewhere = format!("{}/profile/someone-else", site.base);
    let hostile_reason = s.run(&[
        "capture",
        "--session",
        &session.id,
        "--url",
        &elsewhere,
        "--outside-scope-reason",
        "Her\u{1b}[2J account",
    ]);
    assert_eq!(hostile_reason.code, 2, "{}", hostile_reason.stderr);
    assert!(hostile_reason.stderr.contains("outside_scope_reason:"), "{}", hostile_reason.stderr);

    let elsewhere = format!("{}/profile/someone-else", site.base);
    let outside = s.run(&["capture", "--session", &session.id, "--url", &elsewhere]);
    assert_eq!(outside.code, 1, "{}", outside.stderr);
    assert!(outside.stderr.contains("is not within the profiles listed"), "{}", outside.stderr);
    let trail = s.run(&["session", "show", &session.id, "--json"]).json()["trail"].clone();
    let trail = trail.as_array().unwrap();
    assert!(
        !trail.iter().any(|e| e["url"].as_str().is_some_and(|u| u.contains("someone-else") || u.starts_with("file:"))),
        "the browser went to a refused page: {trail:?}"
    );
    assert_eq!(trail.len(), trail_before, "the trail grew: {trail:?}");
}

#[cfg(unix)]
#[test]
fn exported_evidence_and_browser_profiles_are_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt;
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    let session = start(&s, &reference, &[]);
    let taken = capture(&s, &session, &["--url", &format!("{}/profile/jane", site.base)]);
    let out = s.data_dir.parent().unwrap().join("exported");
    let run = s.run(&["capture", "export", &taken["capture_id"].to_string(), "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&out), 0o700);
    let files = crate::files_below(&out);
    assert!(files.len() >= 3);
    for file in files {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    let profiles = s.data_dir.join("browser-profiles");
    assert_eq!(mode(&profiles), 0o700);
    assert_eq!(mode(&profiles.join("account-1")), 0o700);
    assert_eq!(mode(&s.data_dir.join("logs/recorder.log")), 0o600);
}

#[test]
fn a_journal_deleted_while_the_recorder_writes_is_explained_and_the_session_still_ends() {
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    let session = start(&s, &reference, &[]);
    // The recorder writes the trail as the worker browses.
    browse_by_clicking(&session.devtools, &site.base);
    let wal = s.data_dir.join("triangulate.db-wal");
    assert!(wal.exists());
    std::fs::remove_file(&wal).unwrap();

    // Either the recorder has already written its journal back, or the message says what
    // happened and what to do; never a bare "disk I/O error".
    let shown = s.run(&["session", "show", &session.id]);
    if shown.code != 0 {
        assert!(shown.stderr.contains("journal file") && shown.stderr.contains("was deleted"), "{}", shown.stderr);
        assert!(!shown.stderr.contains("disk I/O error"), "{}", shown.stderr);
    }
    let mut ended = s.run(&["session", "end", &session.id]);
    for _ in 0..20 {
        if ended.code == 0 {
            break;
        }
        assert!(!ended.stderr.contains("disk I/O error"), "{}", ended.stderr);
        std::thread::sleep(Duration::from_millis(500));
        ended = s.run(&["session", "end", &session.id]);
    }
    assert_eq!(ended.code, 0, "{}", ended.stderr);
    let shown = s.run(&["session", "show", &session.id, "--json"]).json();
    assert!(shown["session"]["ended_at"].is_string(), "{shown}");
    let trail = shown["trail"].as_array().unwrap();
    assert!(
        trail.iter().any(|e| e["url"].as_str().is_some_and(|u| u.contains("/r2"))),
        "the trail before the deletion was lost"
    );
    assert_eq!(s.run(&["audit", "verify"]).code, 0);
}

/// A program of the test environment's Python tools (warcio, pywb), installed by
/// `.ci/setup-debian` into `target/test-python`.
pub(crate) fn python_tool(name: &str) -> std::path::PathBuf {
    let tool = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../target/test-python/bin").join(name);
    assert!(tool.exists(), "{} is missing: run .ci/setup-debian", tool.display());
    tool
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn http_get(port: u16, path: &str) -> (u16, Vec<u8>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n").unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    let split = reply.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(reply.len());
    let head = String::from_utf8_lossy(&reply[..split]).to_string();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, reply[(split + 4).min(reply.len())..].to_vec())
}

#[test]
fn the_web_archive_passes_warcio_and_replays_in_pywb_without_asking_the_site_again() {
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    let session = start(&s, &reference, &[]);
    let profile = format!("{}/profile/jane", site.base);
    in_the_sessions_tab(&session, &profile, "null");
    let page_requests = site.hits("/profile/jane");
    let image_requests = site.hits("/img/1.svg");
    assert!(image_requests >= 1, "the first photo was loaded");
    let taken = capture(&s, &session, &[]);
    assert_eq!(site.hits("/profile/jane"), page_requests, "the page was asked for again at capture time");
    assert_eq!(site.hits("/img/1.svg"), image_requests, "a photo was asked for again at capture time");
    let shown = show(&s, &taken["capture_id"]);
    let warc_record = artefact(&shown, "warc");
    assert_eq!(warc_record["media_type"], "application/warc");
    let archive = &shown["manifest"]["provenance"]["archive"];
    assert!(archive["responses"].as_u64().unwrap() >= 2, "{archive}");

    let out = s.data_dir.parent().unwrap().join("exhibit");
    let run = s.run(&["capture", "export", &taken["capture_id"].to_string(), "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warc = out.join(format!("capture-{}-warc.warc", taken["capture_id"]));
    let bytes = std::fs::read(&warc).unwrap();
    assert_eq!(hex::encode(Sha256::digest(&bytes)), warc_record["sha256"].as_str().unwrap());

    let check = std::process::Command::new(python_tool("warcio")).args(["check", "-v"]).arg(&warc).output().unwrap();
    assert!(
        check.status.success(),
        "warcio check: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let index = std::process::Command::new(python_tool("warcio")).arg("index").arg(&warc).output().unwrap();
    let index = String::from_utf8_lossy(&index.stdout).to_string();
    for kind in ["warcinfo", "request", "response", "metadata"] {
        assert!(index.contains(&format!("\"warc-type\": \"{kind}\"")), "no {kind} record: {index}");
    }
    // The pictures and the MHTML stand beside the WARC as artefacts of their own: no record of
    // it carries them again, by digest or by bytes, and the warcinfo names each.
    assert!(!index.contains("\"warc-type\": \"resource\""), "a resource record: {index}");
    let digests = std::process::Command::new(python_tool("warcio"))
        .args(["index", "-f", "warc-payload-digest,warc-block-digest"])
        .arg(&warc)
        .output()
        .unwrap();
    let digests = String::from_utf8_lossy(&digests.stdout).to_string();
    assert!(digests.contains("sha256:"), "{digests}");
    for kind in ["full_page_png", "viewport_png", "mhtml"] {
        let stored = std::fs::read(out.join(format!(
            "capture-{}-{}.{}",
            taken["capture_id"],
            kind.replace('_', "-"),
            if kind == "mhtml" { "mhtml" } else { "png" }
        )))
        .unwrap();
        assert_eq!(hex::encode(Sha256::digest(&stored)), artefact(&shown, kind)["sha256"].as_str().unwrap());
        let digest = triangulate_evidence::warc::sha256_base32(&stored);
        assert!(!digests.contains(&digest), "the WARC carries the {kind} again: {digests}");
        assert!(!bytes.windows(stored.len()).any(|w| w == stored.as_slice()), "the WARC holds the {kind}'s bytes");
        let named = format!("sha256:{}", hex::encode(Sha256::digest(&stored)));
        assert!(bytes.windows(named.len()).any(|w| w == named.as_bytes()), "the warcinfo does not name the {kind}");
    }

    // Replay from the archive alone, in pywb.
    let replay = tempfile::tempdir().unwrap();
    let manager = |args: &[&str]| {
        let run = std::process::Command::new(python_tool("wb-manager"))
            .args(args)
            .current_dir(replay.path())
            .output()
            .unwrap();
        assert!(run.status.success(), "wb-manager {args:?}: {}", String::from_utf8_lossy(&run.stderr));
    };
    manager(&["init", "exhibit"]);
    manager(&["add", "exhibit", warc.to_str().unwrap()]);
    let port = free_port();
    let mut wayback = std::process::Command::new(python_tool("wayback"))
        .args(["-p", &port.to_string(), "-b", "127.0.0.1"])
        .current_dir(replay.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let answered = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(200));
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    let page = answered.then(|| http_get(port, &format!("/exhibit/2id_/{profile}")));
    // pywb's own choice of capture for the address (the latest, no date given) is the page,
    // not the provenance record that describes it.
    let latest = answered.then(|| http_get(port, &format!("/exhibit/id_/{profile}")));
    let provenance = answered.then(|| http_get(port, &format!("/exhibit/id_/urn:triangulate:provenance:{profile}")));
    let image = answered.then(|| http_get(port, &format!("/exhibit/2id_/{}/img/1.svg", site.base)));
    let _ = wayback.kill();
    let _ = wayback.wait();
    assert!(answered, "pywb did not start");
    let (status, body) = page.unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("Jane Doe"), "{}", String::from_utf8_lossy(&body));
    let (status, body) = latest.unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let body = String::from_utf8_lossy(&body).to_string();
    assert!(
        body.contains("Jane Doe") && body.contains("<html"),
        "the latest capture of the page is not the page: {body}"
    );
    assert!(!body.contains("\"capture_started_at\""), "pywb replays the provenance as the page: {body}");
    let (status, body) = provenance.unwrap();
    assert_eq!(status, 200, "the provenance is replayed under its own name");
    assert!(String::from_utf8_lossy(&body).contains(&profile), "{}", String::from_utf8_lossy(&body));
    let (status, body) = image.unwrap();
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("<svg"), "{}", String::from_utf8_lossy(&body));
}

/// The capture's web archive as WACZ: the signed WARC inside it byte for byte, the index the
/// reference indexer writes for it, the page, a datapackage that `wacz validate` accepts; and
/// the page replayed from it in ReplayWeb.page (tests/replay/replaywebpage.mjs), whose
/// screenshot is kept in tests/out/replay.
#[test]
fn the_wacz_export_validates_and_replays_in_replaywebpage() {
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    let session = start(&s, &reference, &[]);
    let profile = format!("{}/profile/jane", site.base);
    in_the_sessions_tab(&session, &profile, "null");
    let taken = capture(&s, &session, &[]);
    drop(session);
    let id = taken["capture_id"].to_string();
    let shown = show(&s, &taken["capture_id"]);
    let out = s.data_dir.parent().unwrap().join("exhibit");
    let run = s.run(&["capture", "export", &id, "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let wacz = out.join(format!("capture-{id}.wacz"));
    assert!(wacz.exists(), "{}", run.stdout);
    if let Ok(keep) = std::env::var("WACZ_KEEP") {
        std::fs::copy(&wacz, keep).unwrap();
    }

    let tested = std::process::Command::new("unzip").arg("-t").arg(&wacz).output().unwrap();
    assert!(tested.status.success(), "{}", String::from_utf8_lossy(&tested.stdout));
    let entry = |name: &str| {
        let read = std::process::Command::new("unzip").arg("-p").arg(&wacz).arg(name).output().unwrap();
        assert!(read.status.success(), "no {name} in the WACZ");
        read.stdout
    };
    let warc = entry("archive/data.warc");
    assert_eq!(warc, std::fs::read(out.join(format!("capture-{id}-warc.warc"))).unwrap(), "the WARC byte for byte");
    assert_eq!(hex::encode(Sha256::digest(&warc)), artefact(&shown, "warc")["sha256"].as_str().unwrap());

    let validate =
        std::process::Command::new(python_tool("wacz")).args(["validate", "--file"]).arg(&wacz).output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&validate.stdout), String::from_utf8_lossy(&validate.stderr));
    assert!(validate.status.success() && said.contains("Validation succeeded"), "wacz validate: {said}");

    // The index is the reference indexer's for the same file.
    let copy = tempfile::tempdir().unwrap();
    std::fs::write(copy.path().join("data.warc"), &warc).unwrap();
    let reference_index = std::process::Command::new(python_tool("cdxj-indexer"))
        .arg("--sort")
        .arg(copy.path().join("data.warc"))
        .output()
        .unwrap();
    assert!(reference_index.status.success());
    let index = String::from_utf8(entry("indexes/index.cdxj")).unwrap();
    assert_eq!(index, String::from_utf8(reference_index.stdout).unwrap());
    assert!(index.contains(&format!("\"url\": \"{profile}\"")), "{index}");

    let pages = String::from_utf8(entry("pages/pages.jsonl")).unwrap();
    let pages: Vec<serde_json::Value> = pages.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert_eq!(pages[0]["format"], "json-pages-1.0");
    assert_eq!(pages[1]["url"], profile.as_str());
    assert_eq!(pages[1]["title"], shown["manifest"]["provenance"]["title"]);
    let package: serde_json::Value = serde_json::from_slice(&entry("datapackage.json")).unwrap();
    assert_eq!(package["wacz_version"], "1.1.1");
    assert_eq!(package["profile"], "data-package");
    let warc_resource =
        package["resources"].as_array().unwrap().iter().find(|r| r["path"] == "archive/data.warc").unwrap();
    assert_eq!(warc_resource["hash"], format!("sha256:{}", hex::encode(Sha256::digest(&warc))));
    assert_eq!(warc_resource["bytes"], warc.len());

    // Webrecorder's own player shows the captured page from the WACZ alone.
    let hits = site.hits("/profile/jane");
    let screenshot = crate::repo_root().join("tests/out/replay/replaywebpage-capture.png");
    let _ = std::fs::remove_file(&screenshot);
    let replay = std::process::Command::new("node")
        .arg(crate::repo_root().join("tests/replay/replaywebpage.mjs"))
        .arg(&wacz)
        .arg(&profile)
        .arg(&screenshot)
        .output()
        .unwrap();
    assert!(replay.status.success(), "{}", String::from_utf8_lossy(&replay.stderr));
    let replayed: serde_json::Value = serde_json::from_slice(&replay.stdout).unwrap();
    assert!(replayed["text"].as_str().unwrap().contains("Jane Doe"), "{replayed}");
    assert!(replayed["replayed_url"].as_str().unwrap().ends_with(&format!("mp_/{profile}")), "{replayed}");
    assert!(screenshot.exists(), "a screenshot of the replay");
    assert_eq!(site.hits("/profile/jane"), hits, "the player asked the site itself");
}

#[test]
fn a_tab_opened_by_the_page_has_its_first_page_recorded_with_its_headers() {
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    let session = start(&s, &reference, &[]);
    browse_by_clicking(&session.devtools, &site.base);
    let mut trail = Vec::new();
    for _ in 0..40 {
        let shown = s.run(&["session", "show", &session.id, "--json"]).json();
        trail = shown["trail"].as_array().unwrap().clone();
        let new_tab = trail.iter().find(|e| e["kind"] == "new_tab").map(|e| e["tab"].clone());
        if trail.iter().any(|e| Some(&e["tab"]) == new_tab.as_ref() && e["kind"] == "navigation") {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let opened = trail.iter().find(|e| e["kind"] == "new_tab").expect("the new tab is in the trail");
    let first = trail
        .iter()
        .find(|e| e["tab"] == opened["tab"] && e["kind"] == "navigation")
        .unwrap_or_else(|| panic!("no navigation in the new tab: {trail:?}"));
    assert!(first["url"].as_str().unwrap().ends_with("/profile/jane/about"), "{first}");
    assert!(first["detail"].get("seen_after_load").is_none(), "its first page was seen only after it loaded: {first}");

    let taken = capture(&s, &session, &[]);
    let provenance = show(&s, &taken["capture_id"])["manifest"]["provenance"].clone();
    assert!(provenance["url"].as_str().unwrap().ends_with("/profile/jane/about"), "{provenance}");
    assert_eq!(provenance["http"]["known"], true, "{}", provenance["http"]);
    assert_eq!(provenance["http"]["status"], 200);
    assert_eq!(provenance["http"]["headers"]["X-Fixture"], "triangulate");
    assert!(provenance["archive"]["responses"].as_u64().unwrap() >= 1, "{}", provenance["archive"]);
}

#[test]
fn a_finding_names_the_captures_it_rests_on_and_only_this_requests() {
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    let session = start(&s, &reference, &[]);
    let taken = capture(&s, &session, &["--url", &format!("{}/profile/jane", site.base)]);
    let id = taken["capture_id"].to_string();
    let add = |captures: &[&str]| {
        let mut args = vec!["log", "add-finding", &reference, "--text", "Photo with Mr Nowak dated 3 November"];
        for capture in captures {
            args.extend(["--capture", capture]);
        }
        s.run(&args)
    };
    let missing = add(&["999"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(missing.stderr.contains("captures: There is no capture 999"), "{}", missing.stderr);
    let added = add(&[&id]);
    assert_eq!(added.code, 0, "{}", added.stderr);
    let log = s.run(&["log", "show", &reference, "--json"]).json();
    let findings = log["version"]["log"]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "the refused finding was not written: {log}");
    assert_eq!(findings[0]["captures"], serde_json::json!([taken["capture_id"]]));
    let shown = s.run(&["log", "show", &reference]);
    assert!(shown.stdout.contains(&format!("Finding 1 (captures {id}):")), "{}", shown.stdout);
}

#[test]
fn without_written_consent_the_policy_switch_asks_for_directed_surveillance_before_a_session() {
    let site = fixture_site::start();
    let (s, reference) = ready_with(&site, None, |_| {});
    std::fs::write(s.data_dir.join("policy.toml"), "[consent]\ndirected_surveillance_without_written_consent = true\n")
        .unwrap();
    let args = [
        "session",
        "start",
        &reference,
        "--subject",
        "1",
        "--account",
        "1",
        "--headless",
        "--confirm-conditions",
        "--json",
    ];
    let refused = s.run(&args);
    assert_eq!(refused.code, 1, "{}", refused.stdout);
    let error = &refused.json()["error"];
    assert_eq!(error["guards"], serde_json::json!(["directed_surveillance_without_consent"]), "{error}");
    assert!(error["message"].as_str().unwrap().contains("[consent] directed_surveillance_without_written_consent"));
    // A directed surveillance authorisation for the person allows it.
    let authorised = s.run(&[
        "authorisation",
        "add",
        &reference,
        "--kind",
        "directed-surveillance",
        "--reference",
        "DS-2026-3",
        "--officer",
        "Head of Legal",
        "--granted",
        &chrono::Utc::now().format("%Y-%m-%d").to_string(),
        "--approved",
        &chrono::Utc::now().format("%Y-%m-%d").to_string(),
        "--person",
        "1",
    ]);
    assert_eq!(authorised.code, 0, "{}", authorised.stderr);
    let session = start(&s, &reference, &[]);
    drop(session);
}

/// Every row's pixel in column `x` of a PNG.
fn column(png: &[u8], x: u32) -> Vec<[u8; 3]> {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let channels = reader.info().color_type.samples();
    let mut found = Vec::new();
    while let Some(row) = reader.next_row().unwrap() {
        let at = x as usize * channels;
        found.push([row.data()[at], row.data()[at + 1], row.data()[at + 2]]);
    }
    found
}

fn stored_full_page(s: &Setup, id: &serde_json::Value) -> Vec<u8> {
    let store = Store::open(&DataDir::new(&s.data_dir), &Keystore::kernel_keyring().unwrap()).unwrap();
    store.capture_artefact(id.as_i64().unwrap(), "full_page_png").unwrap().0
}

fn scroll_y(session: &Session) -> f64 {
    runtime().block_on(async {
        let (browser, driver) = triangulate_capture::connect(&session.devtools).await.unwrap();
        let page = first_tab(&browser).await;
        let y: f64 = page.evaluate("window.scrollY").await.unwrap().into_value().unwrap();
        driver.abort();
        y
    })
}

/// The rows of a column that differ from what was expected, the first few, as text.
fn mismatches(found: &[[u8; 3]], expected: impl Fn(u32) -> [u8; 3]) -> Vec<String> {
    found
        .iter()
        .enumerate()
        .filter(|(y, colour)| **colour != expected(*y as u32))
        .take(8)
        .map(|(y, colour)| format!("row {y}: {colour:?}, not {:?}", expected(y as u32)))
        .collect()
}

const WHITE: [u8; 3] = [255, 255, 255];

#[test]
fn a_virtualised_feed_is_found_out_and_taken_by_scrolling_with_every_post_once_in_its_place() {
    use fixture_site::{
        FEED_TOP_PX, HEADER_PX, HEADER_RGB, MARKER_PX, POST_PX, POST_RGB, POSTS, SIDEBAR_RGB, marker_rgb,
    };
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    let session = start(&s, &reference, &[]);
    // The worker has scrolled down the timeline; a picture of it at one moment would show
    // the few posts drawn there and empty page everywhere else.
    in_the_sessions_tab(&session, &format!("{}/profile/jane/virtual", site.base), "window.scrollTo(0, 5000)");
    let run = s.run(&["capture", "--session", &session.id, "--statement", "Visible to anyone without logging in"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("Warning: the page changes as it is scrolled")
            && run.stderr.contains("so it was taken by scrolling"),
        "the worker is told: {}",
        run.stderr
    );
    let taken = run.json();
    assert_eq!(taken["taken"]["method"], "scrolling", "{taken}");
    let screens = taken["taken"]["screens"].as_u64().unwrap();
    assert_eq!(taken["taken"]["label"], format!("composed from {screens} screens while scrolling"));

    let shown = show(&s, &taken["capture_id"]);
    assert_eq!(shown["signature_valid"], true, "{}", shown["signature_problem"]);
    assert_eq!(shown["stored_hashes_match"], true);
    let provenance = &shown["manifest"]["provenance"];
    assert_eq!(provenance["viewport"]["device_scale_factor"], 1.0);
    let viewport = provenance["viewport"]["height"].as_f64().unwrap();
    let full_page = &provenance["full_page"];
    assert_eq!(full_page["method"], "scrolling");
    assert!(full_page["scroll_dependent"].as_str().unwrap().contains("were added or removed as it was scrolled"));
    assert_eq!(full_page["tiles"], serde_json::json!([]), "no picture of it at one moment is kept as the page");
    let scrolling = &full_page["scrolling"];
    let frames = scrolling["frames"].as_array().unwrap();
    assert_eq!(frames.len() as u64, screens);
    let page_px = FEED_TOP_PX + POSTS * POST_PX;
    assert!(screens as f64 >= f64::from(page_px) / viewport, "{screens} screens of {viewport} px");
    let offsets: Vec<f64> = frames.iter().map(|f| f["scroll_y_css"].as_f64().unwrap()).collect();
    assert_eq!(offsets[0], 0.0);
    assert!(offsets.windows(2).all(|w| w[1] > w[0] && w[1] - w[0] < viewport), "overlapping: {offsets:?}");
    assert_eq!(*offsets.last().unwrap(), f64::from(page_px) - viewport, "the last screen at the bottom");
    for frame in frames {
        assert_eq!(frame["sha256"].as_str().unwrap().len(), 64);
        assert!(frame["taken_at"].as_str().unwrap().ends_with('Z'));
    }
    assert_eq!(scrolling["joins"].as_array().unwrap().len() as u64, screens);
    assert!(scrolling["stopped"].as_str().unwrap().starts_with("reached the bottom of the page"), "{scrolling}");
    assert_eq!(scrolling["restored_scroll_y"], 5000.0);
    assert!(scrolling["page_changes"][0].as_str().unwrap().starts_with("2 fixed or sticky elements"), "{scrolling}");
    assert_eq!(artefact(&shown, "full_page_png")["height"], page_px);
    let text = s.run(&["capture", "show", &taken["capture_id"].to_string()]);
    assert!(
        text.stdout.contains(&format!("Full page: composed from {screens} screens while scrolling")),
        "{}",
        text.stdout
    );

    // Every post once, in its place, its marker band then its body; no blank band, none twice.
    let png = stored_full_page(&s, &taken["capture_id"]);
    let post_column = column(&png, 400);
    assert_eq!(post_column.len() as u32, page_px);
    let wrong = mismatches(&post_column, |y| match y {
        y if y < HEADER_PX => HEADER_RGB,
        y if y < FEED_TOP_PX => WHITE,
        y => {
            let (post, within) = ((y - FEED_TOP_PX) / POST_PX + 1, (y - FEED_TOP_PX) % POST_PX);
            if within < MARKER_PX { marker_rgb(post) } else { POST_RGB }
        }
    });
    assert!(wrong.is_empty(), "the posts' column: {wrong:?}");
    for post in [1, 2, 100, POSTS] {
        assert_eq!(post_column.iter().filter(|c| **c == marker_rgb(post)).count() as u32, MARKER_PX, "post {post}");
    }
    // The fixed header and the sticky sidebar drawn once, where they sit at the top.
    let sidebar_column = column(&png, 50);
    let wrong = mismatches(&sidebar_column, |y| match y {
        y if y < HEADER_PX => HEADER_RGB,
        y if (FEED_TOP_PX..FEED_TOP_PX + 300).contains(&y) => SIDEBAR_RGB,
        _ => WHITE,
    });
    assert!(wrong.is_empty(), "the sidebar's column: {wrong:?}");
    // The worker's page is where the worker had it.
    assert_eq!(scroll_y(&session), 5000.0);
}

#[test]
fn an_ordinary_page_is_taken_at_once_and_by_scrolling_when_asked_with_fixed_and_sticky_elements_drawn_once() {
    use fixture_site::{BOTTOM_RGB, HEADER_PX, HEADER_RGB, SIDEBAR_RGB};
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    let session = start(&s, &reference, &[]);
    let long = format!("{}/profile/jane/long?h=6000", site.base);
    in_the_sessions_tab(&session, &long, "window.scrollTo(0, 2500)");
    let at_once = capture(&s, &session, &[]);
    assert_eq!(at_once["taken"]["method"], "all_at_once", "{at_once}");
    assert_eq!(at_once["taken"]["label"], "the page at one moment");
    let shown = show(&s, &at_once["capture_id"]);
    let full_page = &shown["manifest"]["provenance"]["full_page"];
    assert_eq!(full_page["method"], "all_at_once");
    assert_eq!(full_page["scroll_dependent"], serde_json::Value::Null, "an ordinary page is not mistaken: {full_page}");
    assert_eq!(full_page["scrolling"], serde_json::Value::Null);
    assert_eq!(scroll_y(&session), 2500.0, "the probe put the page back");

    let run = s.run(&["capture", "--session", &session.id, "--scroll", "--statement", "Visible to anyone"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("Warning"), "{}", run.stderr);
    let taken = run.json();
    assert_eq!(taken["taken"]["method"], "scrolling");
    assert_eq!(taken["taken"]["chosen"], "the worker asked for the page to be taken by scrolling");
    let shown = show(&s, &taken["capture_id"]);
    assert_eq!(shown["signature_valid"], true, "{}", shown["signature_problem"]);
    let scrolling = &shown["manifest"]["provenance"]["full_page"]["scrolling"];
    assert!(scrolling["overlap_css"].as_f64().unwrap() > 0.0);
    assert!(scrolling["joins"].as_array().unwrap().len() >= 5, "{scrolling}");
    assert!(
        scrolling["joins"].as_array().unwrap().iter().all(|j| j["overlap_rows_differing"] == 0),
        "a still page's screens agree where they overlap: {scrolling}"
    );
    let png = stored_full_page(&s, &taken["capture_id"]);
    let header_column = column(&png, 400);
    assert_eq!(header_column.len(), 6000);
    assert_eq!(header_column.iter().filter(|c| **c == HEADER_RGB).count() as u32, HEADER_PX, "the header drawn once");
    assert!(header_column[..HEADER_PX as usize].iter().all(|c| *c == HEADER_RGB));
    assert_eq!(header_column[5925], BOTTOM_RGB, "the row near the bottom, in its place");
    let sidebar_column = column(&png, 50);
    // Drawn once where it sits at the top (its word "Friends" crosses this column near its top).
    let blue: Vec<usize> = (0..sidebar_column.len()).filter(|y| sidebar_column[*y] == SIDEBAR_RGB).collect();
    assert!(blue.iter().all(|y| (HEADER_PX as usize..HEADER_PX as usize + 300).contains(y)), "the sidebar drawn again");
    assert!(sidebar_column[HEADER_PX as usize + 40..HEADER_PX as usize + 300].iter().all(|c| *c == SIDEBAR_RGB));
    assert_eq!(scroll_y(&session), 2500.0, "scrolled back to where the worker had it");
    // The care record's words say which way it was taken.
    let rows = s.run(&["capture", "show", &taken["capture_id"].to_string()]);
    assert!(rows.stdout.contains("Full page: composed from"), "{}", rows.stdout);

    // Fewer screens than the page needs: said, and kept as far as it got.
    let run = s.run(&["capture", "--session", &session.id, "--scroll", "--max-screens", "2", "--statement", "Public"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let short = run.json();
    assert_eq!(short["taken"]["screens"], 2);
    assert_eq!(short["taken"]["stopped"], "reached the 2 screens the worker asked for");
    assert_eq!(short["taken"]["cut_short"], true);
    assert!(run.stderr.contains("Warning: the scrolling reached the 2 screens the worker asked for"), "{}", run.stderr);

    // Bad input is a field-level error that captures nothing.
    let before = s.run(&["session", "show", &session.id, "--json"]).stdout;
    for (flag, value, words) in [
        ("--max-screens", "0", "between 1 and the policy's 400"),
        ("--max-screens", "401", "between 1 and the policy's 400"),
        ("--until-date", "31/07/2026", "must be a date as 2026-08-01"),
    ] {
        let run = s.run(&["capture", "--session", &session.id, flag, value]);
        assert_eq!(run.code, 2, "{flag} {value}: {}", run.stderr);
        assert!(run.stderr.contains(words), "{flag} {value}: {}", run.stderr);
    }
    assert_eq!(s.run(&["session", "show", &session.id, "--json"]).stdout, before, "nothing captured or visited");
}

#[test]
fn a_feed_that_loads_more_is_followed_to_a_date_and_its_archive_holds_every_batch_it_loaded() {
    use fixture_site::{FEED_BATCH, feed_date};
    let site = fixture_site::start();
    let (s, reference) = ready(&site, None);
    std::fs::write(s.data_dir.join("policy.toml"), "[capture]\ndate_selectors = { fixture = \"time[datetime]\" }\n")
        .unwrap();
    let session = start(&s, &reference, &[]);
    in_the_sessions_tab(&session, &format!("{}/profile/jane/feed", site.base), "null");
    assert_eq!(site.hits("/profile/jane/feed/batch/1"), 0, "nothing more loads until it is scrolled");
    let taken = capture(&s, &session, &["--until-date", "2026-08-01"]);
    let way = &taken["taken"];
    assert_eq!(way["method"], "scrolling", "{taken}");
    let stopped = way["stopped"].as_str().unwrap();
    assert!(stopped.starts_with("reached 1 August 2026: a post dated "), "{stopped}");
    assert_eq!(way["cut_short"], false);
    assert!(way["dates"].as_str().unwrap().contains("\"time[datetime]\""), "{way}");
    // The first post older than the date is in the second batch: it stops there.
    let older = (0..).find(|k| feed_date(*k) < chrono::NaiveDate::from_ymd_opt(2026, 8, 1).unwrap()).unwrap();
    let last_batch = older / FEED_BATCH;
    assert_eq!(last_batch, 2);
    for batch in 1..=last_batch {
        assert_eq!(site.hits(&format!("/profile/jane/feed/batch/{batch}")), 1, "batch {batch} loaded once");
    }
    assert_eq!(site.hits("/profile/jane/feed/batch/5"), 0, "followed no further than the date");
    let shown = show(&s, &taken["capture_id"]);
    assert_eq!(shown["signature_valid"], true, "{}", shown["signature_problem"]);
    let scrolling = &shown["manifest"]["provenance"]["full_page"]["scrolling"];
    assert_eq!(scrolling["followed_until"], "2026-08-01");
    let seen = chrono::NaiveDate::parse_from_str(scrolling["oldest_date_seen"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert!(seen < chrono::NaiveDate::from_ymd_opt(2026, 8, 1).unwrap() && seen >= feed_date(4 * FEED_BATCH));

    // The web archive holds every batch the feed loaded while it was scrolled, as served.
    let out = s.data_dir.parent().unwrap().join("feed-exhibit");
    let run = s.run(&["capture", "export", &taken["capture_id"].to_string(), "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warc = out.join(format!("capture-{}-warc.warc", taken["capture_id"]));
    let index = std::process::Command::new(python_tool("warcio")).arg("index").arg(&warc).output().unwrap();
    assert!(index.status.success(), "{}", String::from_utf8_lossy(&index.stderr));
    let index = String::from_utf8_lossy(&index.stdout).to_string();
    for batch in 1..=last_batch {
        let uri = format!("{}/profile/jane/feed/batch/{batch}", site.base);
        let line = index
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|r| r["warc-type"] == "response" && r["warc-target-uri"] == uri)
            .unwrap_or_else(|| panic!("no response for batch {batch}: {index}"));
        let payload = std::process::Command::new(python_tool("warcio"))
            .args(["extract", "--payload"])
            .arg(&warc)
            .arg(line["offset"].as_str().map(str::to_string).unwrap_or_else(|| line["offset"].to_string()))
            .output()
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&payload.stdout).unwrap();
        assert_eq!(body[0]["n"], batch * FEED_BATCH, "batch {batch} as served");
        assert_eq!(body.as_array().unwrap().len() as u32, FEED_BATCH);
    }
}
