//! A capture of the tab the worker is looking at, as it is: the page is never reloaded and
//! the viewport never resized. The visible viewport; the whole page beyond it, up to the
//! policy's limit, in tiles within the browser's texture limit, each exactly as rendered,
//! joined into one lossless PNG (or kept as ordered tiles past what one PNG should hold);
//! an MHTML snapshot; a WARC 1.1 web archive of what the browser received for the page, as
//! the recorder kept it, with the capture's metadata (the pictures and the MHTML are artefacts
//! of their own beside it, named in the archive's warcinfo); and the provenance:
//! addresses, title, times, the document's HTTP response and TLS certificate as the recorder
//! saw them (or what is unknown, and why), the browser, viewport and machine.
//!
//! Fixed and sticky elements: the tiles are taken with the page scrolled to its top (and put
//! back where the worker had it afterwards), so a fixed header or a sticky sidebar is drawn
//! once, where it sits at the top of the page, never repeated down the picture or laid over
//! content further down.

use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::time::Duration;
use triangulate_evidence::tiles::{Effort, join_png_tiles_to_vec_with};
use triangulate_evidence::{
    AppInfo, ArchiveInfo, BrowserInfo, DocumentResponse, FullPageInfo, MissingBody, NewArtefact, OperatingSystemInfo,
    Provenance, ScrollingInfo, TileInfo, TrailEvent, ViewportInfo, WorkerStatement, png_dimensions, sha256_hex,
};

use crate::archive::PageArchive;
use crate::cdp::Cdp;
use crate::error::{CaptureError, Result};
use crate::recorder::Clock;

/// The tallest tile the browser is asked for, in device pixels: its texture limit.
pub const TILE_DEVICE_PX: f64 = 16_384.0;

/// The tallest picture joined into one PNG, in device pixels (common PNG readers refuse
/// taller images by default); a taller page's tiles are kept as they are, in order.
pub const SINGLE_PNG_MAX_DEVICE_PX: f64 = 1_000_000.0;

/// What the worker asked of the capture, and the policy's limits.
#[derive(Debug, Clone, Default)]
pub struct TakeOptions<'a> {
    /// Go here first; otherwise the tab is captured as it is.
    pub navigate_to: Option<&'a str>,
    pub statement: Option<&'a str>,
    pub outside_scope_reason: Option<&'a str>,
    /// The tallest full-page picture, in CSS pixels.
    pub full_page_max_css_px: f64,
    /// Whether and how to take the page by scrolling (a page found to change as it is
    /// scrolled is taken so whatever this says).
    pub scroll: crate::scroll::ScrollOptions,
    /// Where a capture taken by scrolling has got, and the worker's stop.
    pub progress: Option<&'a crate::scroll::ScrollProgress>,
}

/// What the store knows that the capture needs.
pub trait SessionFacts {
    /// The document's response as recorded, if the recorder saw it load; `just_loaded` when
    /// the capture navigated there itself, so the recorder may still be storing it.
    fn document_response(&self, tab: &str, url: &str, just_loaded: bool) -> Option<DocumentResponse>;
    /// The trail so far.
    fn trail(&self) -> Vec<TrailEvent>;
    /// Whether this page may be captured (scope, the session and request still open). A
    /// refusal is the caller's own error in `CaptureError::Refused`, and comes back unchanged.
    fn may_capture(&self, url: &str) -> Result<()>;
}

pub struct Taken {
    pub tab: String,
    pub url: String,
    pub artefacts: Vec<NewArtefact>,
    pub provenance: Provenance,
}

pub(crate) fn decode_base64(data: impl AsRef<str>) -> Result<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(data.as_ref())
        .map_err(|e| CaptureError::DevTools(format!("the browser sent an image that is not base64: {e}")))
}

/// A tab, by its target id; commands reach it through the recorder's own session with it.
struct Tab {
    target: String,
}

/// The tab the worker is looking at: visible and focused, else the one the trail last
/// touched, else any visible tab.
async fn current_tab(cdp: &Cdp, trail: &[TrailEvent]) -> Result<Tab> {
    let targets = cdp.call(None, "Target.getTargets", json!({})).await?;
    let pages: Vec<String> = targets["targetInfos"]
        .as_array()
        .map(|infos| {
            infos
                .iter()
                .filter(|info| info["type"] == "page")
                .filter_map(|info| info["targetId"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let last_tab = trail.iter().rev().find(|e| !e.tab.is_empty() && e.kind != "tab_closed").map(|e| e.tab.clone());
    if let [only] = pages.as_slice() {
        return Ok(Tab { target: only.clone() });
    }
    let mut looks = Vec::new();
    for target in pages {
        let state = cdp
            .evaluate(
                &target,
                "({ visible: document.visibilityState === 'visible', focused: document.hasFocus() })",
                false,
            )
            .await
            .unwrap_or_default();
        looks.push((Tab { target }, state["visible"] == true, state["focused"] == true));
    }
    let is_last = |tab: &Tab| last_tab.as_deref() == Some(tab.target.as_str());
    let pick = looks
        .iter()
        .position(|(_, visible, focused)| *visible && *focused)
        .or_else(|| looks.iter().position(|(tab, visible, _)| *visible && is_last(tab)))
        .or_else(|| looks.iter().position(|(tab, _, _)| is_last(tab)))
        .or_else(|| looks.iter().position(|(_, visible, _)| *visible))
        .or((!looks.is_empty()).then_some(0))
        .ok_or_else(|| CaptureError::DevTools("the browser has no open tab to capture".into()))?;
    Ok(looks.swap_remove(pick).0)
}

/// Goes to `url` in the tab and returns once the new document has loaded: its time origin
/// differs from the old one's and it is complete. Within 30 seconds however the browser
/// answers: a question the document being left, or a stalled page, never answers is given up
/// on, not waited for.
async fn navigate(cdp: &Cdp, tab: &Tab, url: &str) -> Result<()> {
    const DOCUMENT: &str = "[performance.timeOrigin, document.readyState, location.href]";
    const LOADING: Duration = Duration::from_secs(30);
    const ONE_ANSWER: Duration = Duration::from_secs(5);
    let started = tokio::time::Instant::now();
    let read = |value: Value| serde_json::from_value::<(f64, String, String)>(value).ok();
    let ask = |expression: String| async move {
        tokio::time::timeout(ONE_ANSWER, cdp.evaluate(&tab.target, &expression, false)).await.ok().and_then(|a| a.ok())
    };
    let before = ask(DOCUMENT.to_string()).await.and_then(read);
    let address = serde_json::to_string(url).expect("a string serialises");
    // The document being left may not answer: the navigation has started all the same.
    let _ = ask(format!("window.location.href = {address}")).await;
    while started.elapsed() < LOADING {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = ask(DOCUMENT.to_string()).await.and_then(read);
        // The new document, loaded, and not the empty one a tab holds before it.
        if let Some((origin, state, href)) = now
            && state == "complete"
            && !href.starts_with("about:")
            && before.as_ref().is_none_or(|(old, _, _)| *old != origin)
        {
            return Ok(());
        }
    }
    Err(CaptureError::DevTools(format!("{url} did not finish loading within 30 seconds")))
}

/// Opens `url` in the tab the worker is looking at (the session's first page, when it
/// starts) and returns once it has loaded; the recorder writes the visit to the trail.
pub async fn open_page(devtools_url: &str, trail: &[TrailEvent], url: &str) -> Result<()> {
    let cdp = Cdp::connect(devtools_url).await?;
    let tab = current_tab(&cdp, trail).await?;
    navigate(&cdp, &tab, url).await
}

/// The address the worker asked for, before redirects: the start of the redirect chain
/// that ended at `url` in this tab, or `url` itself.
pub fn original_url(trail: &[TrailEvent], tab: &str, url: &str) -> String {
    let mut current = url.to_string();
    for event in trail.iter().rev().filter(|e| e.tab == tab) {
        if event.kind == "redirect" && event.detail["to"].as_str() == Some(current.as_str()) {
            current = event.url.clone();
        } else if event.kind == "navigation" && event.url != url && current == url {
            break;
        }
    }
    current
}

pub async fn take(
    devtools_url: &str,
    options: &TakeOptions<'_>,
    facts: &dyn SessionFacts,
    clock: Clock,
) -> Result<Taken> {
    let timer = std::time::Instant::now();
    let cdp = Cdp::connect(devtools_url).await?;
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "connected");
    take_with(&cdp, devtools_url, options, facts, clock).await
}

/// Scrolls the page to its top and says where it was, if it was elsewhere; waits for the
/// next frames (or a tenth of a second in a tab that draws none).
async fn scroll_to_top(cdp: &Cdp, tab: &Tab) -> Option<(f64, f64)> {
    const SCROLL: &str = "(() => { const was = [window.scrollX, window.scrollY]; if (was[0] === 0 && was[1] === 0) return null; window.scrollTo({ left: 0, top: 0, behavior: 'instant' }); return new Promise((done) => { const finish = () => done(was); requestAnimationFrame(() => requestAnimationFrame(finish)); setTimeout(finish, 100); }); })()";
    let value = cdp.evaluate(&tab.target, SCROLL, true).await.ok()?;
    Some((value[0].as_f64()?, value[1].as_f64()?))
}

async fn scroll_back(cdp: &Cdp, tab: &Tab, (x, y): (f64, f64)) {
    let _ = cdp
        .evaluate(&tab.target, &format!("window.scrollTo({{ left: {x}, top: {y}, behavior: 'instant' }})"), false)
        .await;
}

async fn screenshot(cdp: &Cdp, tab: &Tab, params: Value) -> Result<Vec<u8>> {
    let shot = cdp.tab_call(&tab.target, "Page.captureScreenshot", params).await?;
    decode_base64(shot["data"].as_str().unwrap_or_default())
}

/// The whole page down to `height` (CSS px), in tiles within the texture limit, top to
/// bottom: where each starts and how tall it is (CSS px), and its PNG as the browser gave it.
async fn full_page_tiles(
    cdp: &Cdp,
    tab: &Tab,
    width: f64,
    height: f64,
    scale: f64,
) -> Result<Vec<(f64, f64, Vec<u8>)>> {
    let tile_css = (TILE_DEVICE_PX / scale).floor().max(1.0);
    let mut tiles = Vec::new();
    let mut y = 0.0;
    while y < height {
        let h = tile_css.min(height - y);
        let params = json!({
            "format": "png",
            "captureBeyondViewport": true,
            "optimizeForSpeed": true,
            "clip": { "x": 0.0, "y": y, "width": width, "height": h, "scale": 1.0 },
        });
        tiles.push((y, h, screenshot(cdp, tab, params).await?));
        y += h;
    }
    Ok(tiles)
}

/// The pictures as taken: the viewport, and the full page being joined (or its one tile
/// encoded again) in a thread of its own.
struct Shot {
    viewport: Vec<u8>,
    joining: tokio::task::JoinHandle<Result<Joined>>,
    /// A page of one tile: the tile as the browser gave it.
    one_tile: Option<Vec<u8>>,
}

impl Shot {
    /// The viewport and the full page, once joined. A viewport that is the same pixels as a
    /// page of one tile, byte for byte as the browser gave them, is kept as the one file the
    /// full page was written as, so that it is stored and shown once.
    async fn finish(self) -> Result<(Vec<u8>, Result<Joined>)> {
        let joined =
            self.joining.await.map_err(|e| CaptureError::DevTools(format!("the tiles could not be joined: {e}")))?;
        let mut viewport = self.viewport;
        if self.one_tile.as_ref() == Some(&viewport)
            && let Ok((artefacts, _)) = &joined
            && let Some(full_page) = artefacts.iter().find(|a| a.kind == "full_page_png")
        {
            viewport = full_page.bytes.clone();
        }
        Ok((viewport, joined))
    }
}

/// The whole page from its top, in tiles, then the viewport as the worker sees it, once the
/// page is scrolled back to where the worker had it. (Never both at once: a picture beyond
/// the viewport stretches the viewport while it is taken.) The tiles are joined in a thread
/// of their own meanwhile.
async fn pictures(cdp: &Cdp, tab: &Tab, width: f64, height: f64, scale: f64) -> Result<Shot> {
    let scrolled = scroll_to_top(cdp, tab).await;
    let tiles = full_page_tiles(cdp, tab, width, height, scale).await;
    let one_tile = tiles.as_ref().ok().and_then(|t| (t.len() == 1).then(|| t[0].2.clone()));
    let joining = tiles.map(|tiles| tokio::task::spawn_blocking(move || all_at_once(tiles)));
    if let Some(position) = scrolled {
        scroll_back(cdp, tab, position).await;
    }
    // Lossless all the same: only the PNG encoder's effort is lower for the small image.
    let viewport = screenshot(cdp, tab, json!({ "format": "png", "optimizeForSpeed": true })).await;
    Ok(Shot { viewport: viewport?, joining: joining?, one_tile })
}

/// Passes a value through, noting in the debug log when it came.
fn timed<T>(timer: std::time::Instant, what: &'static str) -> impl FnOnce(T) -> T {
    move |value| {
        tracing::debug!(ms = timer.elapsed().as_millis() as u64, "{what} in");
        value
    }
}

async fn take_with(
    cdp: &Cdp,
    devtools_url: &str,
    options: &TakeOptions<'_>,
    facts: &dyn SessionFacts,
    clock: Clock,
) -> Result<Taken> {
    let navigate_to = options.navigate_to;
    let statement = options.statement;
    let timer = std::time::Instant::now();
    let trail = facts.trail();
    let current = current_tab(cdp, &trail).await?;
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "tab found");
    if let Some(url) = navigate_to {
        navigate(cdp, &current, url).await?;
    }
    let tab = current.target.clone();
    // The document's own address, title and pixel ratio, and the page's size, together.
    let document = cdp.evaluate(
        &current.target,
        "({ href: location.href, title: document.title, scale: window.devicePixelRatio })",
        false,
    );
    let metrics = cdp.tab_call(&current.target, "Page.getLayoutMetrics", json!({}));
    let (document, metrics) = tokio::join!(document, metrics);
    let (document, metrics) = (document?, metrics?);
    let url = document["href"].as_str().unwrap_or_default().to_string();
    facts.may_capture(&url)?;
    let started: DateTime<Utc> = clock();

    let title = document["title"].as_str().unwrap_or_default().to_string();
    let scale = document["scale"].as_f64().unwrap_or(1.0);
    let content = &metrics["cssContentSize"];
    let (page_width, page_height) =
        (content["width"].as_f64().unwrap_or(0.0), content["height"].as_f64().unwrap_or(0.0));
    let viewport = &metrics["cssLayoutViewport"];
    let limit_css = options.full_page_max_css_px;
    let captured_height = page_height.min(limit_css).floor();
    let width = page_width.floor();
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "metrics read");
    // Where the worker has the page, to put it back there whichever way it is taken.
    let position = worker_position(cdp, &current).await;
    let asked = options.scroll.force || options.scroll.follow;
    use futures::FutureExt;
    // Unless the worker asked for scrolling: the pictures (the compositor's work), then the
    // probe, while the full page is joined (the probe mostly waits for frames), the MHTML
    // (the page's), the browser's version and the page's archive (the recorder's) are asked
    // for. A page the probe finds changing as it scrolls is taken by scrolling instead (its
    // pictures taken at once are dropped, never stored), and those are asked for again once
    // it has been.
    let mut scroll_dependent = None;
    let mut at_once = None;
    if !asked {
        let probed = async {
            let shot = pictures(cdp, &current, width, captured_height, scale).await;
            match crate::scroll::probe(cdp, &current.target).await {
                Some(why) => Err(why),
                None => Ok(match shot {
                    Ok(shot) => shot.finish().await,
                    Err(e) => Err(e),
                }),
            }
        }
        .map(timed(timer, "pictures and probe"));
        let snapshot = cdp
            .tab_call(&current.target, "Page.captureSnapshot", json!({ "format": "mhtml" }))
            .map(timed(timer, "MHTML"));
        let browser_version = cdp.call(None, "Browser.getVersion", json!({})).map(timed(timer, "version"));
        let page = page_archive(devtools_url, &tab).map(timed(timer, "archive"));
        let (probed, snapshot, browser_version, page) = tokio::join!(probed, snapshot, browser_version, page);
        match probed {
            Err(why) => scroll_dependent = Some(why),
            Ok(pictures) => at_once = Some((pictures, snapshot, browser_version, page)),
        }
    }
    let (picture_artefacts, viewport_png, mhtml, version, archive, full_page);
    if let Some((pictures, snapshot, browser_version, page)) = at_once {
        let (viewport, joined) = pictures?;
        viewport_png = viewport;
        mhtml = snapshot?["data"].as_str().unwrap_or_default().to_string();
        version = browser_version?;
        archive = page;
        let (artefacts, info) = joined?;
        tracing::debug!(
            ms = timer.elapsed().as_millis() as u64,
            tiles = info.0.len(),
            "pictures, MHTML, version and archive taken"
        );
        picture_artefacts = artefacts;
        full_page = FullPageInfo {
            page_width_css: page_width,
            page_height_css: page_height,
            captured_height_css: captured_height,
            capped: page_height > limit_css,
            cap_device_px: limit_css * scale,
            limit_css_px: limit_css,
            tiles: info.0,
            joined: info.1,
            method: Some("all_at_once".into()),
            scroll_dependent: None,
            scrolling: None,
        };
    } else {
        if let Some(progress) = options.progress {
            progress.scrolling.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        let mut scroll = options.scroll.clone();
        scroll.limits.max_height_css = limit_css;
        let scrolled =
            crate::scroll::take(cdp, &current.target, &scroll, position, scale, &clock, options.progress).await?;
        tracing::debug!(ms = timer.elapsed().as_millis() as u64, screens = scrolled.frames.len(), "scrolled");
        // Once scrolled back: the viewport as the worker sees it, the MHTML, and what the
        // browser received, the responses that came while scrolling included.
        viewport_png = screenshot(cdp, &current, json!({ "format": "png", "optimizeForSpeed": true })).await?;
        let snapshot = cdp.tab_call(&current.target, "Page.captureSnapshot", json!({ "format": "mhtml" }));
        let browser_version = cdp.call(None, "Browser.getVersion", json!({}));
        let (snapshot, browser_version, page) =
            tokio::join!(snapshot, browser_version, page_archive(devtools_url, &tab));
        mhtml = snapshot?["data"].as_str().unwrap_or_default().to_string();
        version = browser_version?;
        archive = page;
        let screens = scrolled.frames.len() as u32;
        let chosen = match (&scroll_dependent, options.scroll.follow) {
            (Some(why), _) => format!("{why}: no picture of it at one moment shows it whole"),
            (None, true) => "the worker asked for the feed to be followed as it loads more".to_string(),
            (None, false) => "the worker asked for the page to be taken by scrolling".to_string(),
        };
        let cut_by_height = matches!(scrolled.stop, triangulate_core::scrolling::Stop::Height(_));
        full_page = FullPageInfo {
            page_width_css: page_width,
            page_height_css: scrolled.page_height_css,
            captured_height_css: f64::from(scrolled.height_px) / scale,
            capped: cut_by_height,
            cap_device_px: limit_css * scale,
            limit_css_px: limit_css,
            tiles: Vec::new(),
            joined: true,
            method: Some("scrolling".into()),
            scroll_dependent: scroll_dependent.clone(),
            scrolling: Some(ScrollingInfo {
                label: scrolling_label(screens),
                screens,
                chosen,
                overlap_css: scrolled.overlap_css,
                frames: scrolled.frames,
                joins: scrolled.joins,
                stopped: scrolled.stop.words(),
                cut_short: scrolled.stop.cut_short(),
                followed_until: options.scroll.until.map(|d| d.format("%Y-%m-%d").to_string()),
                dates: scrolled.dates,
                oldest_date_seen: scrolled.oldest_date.map(|d| d.format("%Y-%m-%d").to_string()),
                page_changes: if scrolled.hidden == 0 {
                    Vec::new()
                } else {
                    vec![format!(
                        "{} fixed or sticky elements were made transparent (opacity 0 in their own style) after the screen they were first drawn in, so that each is drawn once; their styles were put back afterwards",
                        scrolled.hidden
                    )]
                },
                restored_scroll_x: scrolled.restored.0,
                restored_scroll_y: scrolled.restored.1,
            }),
        };
        picture_artefacts =
            vec![NewArtefact { kind: "full_page_png".into(), media_type: "image/png", bytes: scrolled.png }];
    }
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "full page joined");

    let http = http_provenance(cdp, &current, facts.document_response(&tab, &url, navigate_to.is_some())).await;
    let tls = tls_provenance(cdp, &current, &url, &http).await;
    let ended = clock();
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "provenance written");
    let provenance = Provenance {
        original_url: navigate_to.map(str::to_string).unwrap_or_else(|| original_url(&facts.trail(), &tab, &url)),
        url: url.clone(),
        title,
        tab: tab.clone(),
        capture_started_at: started.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        capture_ended_at: ended.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        http,
        tls,
        browser: BrowserInfo {
            product: version["product"].as_str().unwrap_or_default().to_string(),
            revision: version["revision"].as_str().unwrap_or_default().to_string(),
            protocol_version: version["protocolVersion"].as_str().unwrap_or_default().to_string(),
            user_agent: version["userAgent"].as_str().unwrap_or_default().to_string(),
        },
        viewport: ViewportInfo {
            width: viewport["clientWidth"].as_i64().unwrap_or(0),
            height: viewport["clientHeight"].as_i64().unwrap_or(0),
            device_scale_factor: scale,
        },
        full_page,
        operating_system: OperatingSystemInfo {
            family: std::env::consts::OS.to_string(),
            arch: std::env::consts::ARCH.to_string(),
        },
        app: AppInfo { name: "Triangulate".to_string(), version: env!("CARGO_PKG_VERSION").to_string() },
        worker_statement: statement
            .map(|s| WorkerStatement { visible_without_friending_or_interacting: true, words: s.to_string() }),
        outside_scope_reason: options.outside_scope_reason.map(str::to_string),
        archive: Some(archive_info(&archive, &url)),
    };
    let mut artefacts = picture_artefacts;
    artefacts.push(NewArtefact { kind: "viewport_png".into(), media_type: "image/png", bytes: viewport_png });
    artefacts.push(NewArtefact { kind: "mhtml".into(), media_type: "multipart/related", bytes: mhtml.into_bytes() });
    let warc = crate::warc::write(&archive, &provenance, &artefacts, ended);
    artefacts.push(NewArtefact { kind: "warc".into(), media_type: "application/warc", bytes: warc });
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "web archive written");
    Ok(Taken { tab, url, artefacts, provenance })
}

/// A full page's picture artefacts, the tiles' facts and whether they were joined.
type Joined = (Vec<NewArtefact>, (Vec<TileInfo>, bool));

/// The tiles of a page taken at once: joined into one PNG, or kept as ordered tiles past
/// what one PNG should hold; and the tiles' facts and whether they were joined. The browser
/// gives its tiles with its fast encoder (a full capture waits on it); a page of one tile is
/// encoded again at zlib's level 2, near the size the browser's full encoder gives, while the
/// probe runs, and several tiles are joined at zlib's fastest level. Either way the
/// picture is written segmented, so that the PDF's strips are cut from it as it is.
fn all_at_once(tiles: Vec<(f64, f64, Vec<u8>)>) -> Result<Joined> {
    let timer = std::time::Instant::now();
    let tile_infos: Vec<TileInfo> = tiles
        .iter()
        .enumerate()
        .map(|(index, (y, h, png))| {
            let (width_px, height_px) = png_dimensions(png).unwrap_or((0, 0));
            TileInfo {
                index: index as u32 + 1,
                y_css: *y,
                height_css: *h,
                width_px,
                height_px,
                sha256: sha256_hex(png),
            }
        })
        .collect();
    let device_height: f64 = tile_infos.iter().map(|t| f64::from(t.height_px)).sum();
    let joined = device_height <= SINGLE_PNG_MAX_DEVICE_PX;
    let mut picture_artefacts = Vec::new();
    if joined {
        let png = {
            let effort = if tiles.len() == 1 { Effort::Compact } else { Effort::Fast };
            let parts: Vec<&[u8]> = tiles.iter().map(|(_, _, png)| png.as_slice()).collect();
            let joined = join_png_tiles_to_vec_with(&parts, effort)
                .map(|(png, _)| png)
                .map_err(|e| CaptureError::DevTools(format!("the tiles could not be joined: {e}")))?;
            tracing::debug!(join_ms = timer.elapsed().as_millis() as u64, tiles = parts.len(), "full page encoded");
            joined
        };
        picture_artefacts.push(NewArtefact { kind: "full_page_png".into(), media_type: "image/png", bytes: png });
    } else {
        for (index, (_, _, png)) in tiles.into_iter().enumerate() {
            picture_artefacts.push(NewArtefact {
                kind: format!("full_page_tile_{:04}", index + 1),
                media_type: "image/png",
                bytes: png,
            });
        }
    }
    Ok((picture_artefacts, (tile_infos, joined)))
}

/// "composed from N screens while scrolling": how a picture taken by scrolling is labelled
/// wherever it is shown, never as the page at one moment.
pub fn scrolling_label(screens: u32) -> String {
    format!("composed from {screens} screen{} while scrolling", if screens == 1 { "" } else { "s" })
}

/// Where the worker has the page scrolled.
async fn worker_position(cdp: &Cdp, tab: &Tab) -> (f64, f64) {
    let value = cdp.evaluate(&tab.target, "[window.scrollX, window.scrollY]", false).await.unwrap_or_default();
    (value[0].as_f64().unwrap_or(0.0), value[1].as_f64().unwrap_or(0.0))
}

/// What the recorder kept of the tab's page, once the bodies it was still fetching are in;
/// an empty archive when the recorder cannot say (the capture still goes on, and says so).
async fn page_archive(devtools_url: &str, tab: &str) -> PageArchive {
    for _ in 0..40 {
        match crate::bridge::page_archive(devtools_url, tab, Duration::from_secs(10)).await {
            Ok(archive) if archive.pending == 0 => return archive,
            Ok(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            Err(error) => {
                tracing::warn!(%error, "the recorder gave no page archive");
                return PageArchive::default();
            }
        }
    }
    crate::bridge::page_archive(devtools_url, tab, Duration::from_secs(10)).await.unwrap_or_default()
}

/// How many responses the archive holds with their bodies, and which it holds without, why.
fn archive_info(archive: &PageArchive, url: &str) -> ArchiveInfo {
    let mut missing = Vec::new();
    let without_fragment = |u: &str| u.split('#').next().unwrap_or(u).to_string();
    let document_seen =
        archive.exchanges.iter().any(|e| without_fragment(&e.url) == without_fragment(url) && e.response.is_some());
    if !document_seen {
        missing.push(MissingBody {
            url: url.to_string(),
            reason: "the page was loaded before the session's recorder saw it: what the browser received for it was not recorded".into(),
        });
    }
    let mut responses = 0;
    for exchange in &archive.exchanges {
        match (&exchange.response, &exchange.body_base64, &exchange.missing) {
            (Some(_), Some(_), _) => responses += 1,
            (_, _, Some(reason)) => missing.push(MissingBody { url: exchange.url.clone(), reason: reason.clone() }),
            (None, None, None) => missing.push(MissingBody {
                url: exchange.url.clone(),
                reason: "no response had arrived when the page was captured".into(),
            }),
            (Some(_), None, None) => missing.push(MissingBody {
                url: exchange.url.clone(),
                reason: "its body had not finished loading when the page was captured".into(),
            }),
            _ => {}
        }
    }
    ArchiveInfo { responses, bodies_missing: missing }
}

/// The document's response as the recorder saw it; when it loaded before the recorder
/// attached, the status from the page's own navigation timing and what is not known.
async fn http_provenance(cdp: &Cdp, tab: &Tab, recorded: Option<DocumentResponse>) -> Value {
    if let Some(recorded) = recorded {
        let r = &recorded.response;
        return json!({
            "known": true,
            "recorded_at": recorded.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "status": r["status"],
            "status_text": r["statusText"],
            "headers": r["headers"],
            "mime_type": r["mimeType"],
            "protocol": r["protocol"],
            "remote_ip_address": r["remoteIPAddress"],
            "remote_port": r["remotePort"],
            "security_state": r["securityState"],
            "security_details": r["securityDetails"],
        });
    }
    let status = cdp
        .evaluate(&tab.target, "performance.getEntriesByType('navigation')[0]?.responseStatus ?? null", false)
        .await
        .ok()
        .and_then(|value| value.as_i64());
    json!({
        "known": false,
        "why": "the page was loaded before the session's recorder saw it: its headers, server address and certificate were not recorded",
        "status_from_navigation_timing": status,
    })
}

/// The TLS facts of an HTTPS document: protocol, certificate subject, issuer, validity and
/// the SHA-256 fingerprint of the leaf certificate (DER).
async fn tls_provenance(cdp: &Cdp, tab: &Tab, url: &str, http: &Value) -> Value {
    if !url.starts_with("https://") {
        return json!({ "https": false });
    }
    let details = &http["security_details"];
    let origin = url::Url::parse(url).map(|u| u.origin().ascii_serialization()).unwrap_or_default();
    let fingerprint = match cdp.tab_call(&tab.target, "Network.getCertificate", json!({ "origin": origin })).await {
        Ok(reply) => reply["tableNames"].as_array().and_then(|names| names.first()).and_then(|der| {
            base64::engine::general_purpose::STANDARD
                .decode(der.as_str().unwrap_or_default())
                .ok()
                .map(|bytes| hex::encode(Sha256::digest(bytes)))
        }),
        Err(error) => {
            tracing::warn!(%error, "the certificate could not be read");
            None
        }
    };
    json!({
        "https": true,
        "protocol": details["protocol"],
        "cipher": details["cipher"],
        "subject": details["subjectName"],
        "issuer": details["issuer"],
        "valid_from": details["validFrom"],
        "valid_to": details["validTo"],
        "san_list": details["sanList"],
        "certificate_sha256": fingerprint,
        "details_recorded": !details.is_null(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, tab: &str, url: &str, detail: Value) -> TrailEvent {
        TrailEvent { at: Utc::now(), kind: kind.into(), tab: tab.into(), url: url.into(), detail }
    }

    #[test]
    fn the_original_url_is_the_start_of_the_redirect_chain() {
        let trail = vec![
            event("navigation", "A", "http://x/home", json!({})),
            event("redirect", "A", "http://x/r1", json!({ "to": "http://x/r2" })),
            event("redirect", "A", "http://x/r2", json!({ "to": "http://x/profile" })),
            event("navigation", "A", "http://x/profile", json!({})),
            event("redirect", "B", "http://x/other", json!({ "to": "http://x/profile" })),
        ];
        assert_eq!(original_url(&trail, "A", "http://x/profile"), "http://x/r1");
        assert_eq!(original_url(&trail, "A", "http://x/home"), "http://x/home");
        assert_eq!(original_url(&trail, "C", "http://x/profile"), "http://x/profile");
    }
}
