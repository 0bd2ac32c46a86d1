//! A page whose content depends on where it is scrolled (a virtualised timeline, which keeps
//! only the posts near the view): found by a probe before the full page is taken (a feed
//! that loads more only once its data arrives is found if it has grown within the probe's
//! frames; otherwise it is as loaded, and the worker follows it by asking), and then captured by scrolling, as a person would
//! see it. One screen at a time, with overlap, each taken once the page has drawn (network
//! quiet, fonts and images decoded, no layout change for a moment; bounded in time); fixed
//! and sticky elements drawn once (made transparent after the screen they were first drawn
//! in, and put back afterwards); the page scrolled back to where the worker had it. Nothing
//! on the page is clicked, typed into or hovered over: the page is only scrolled.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Instant;
use triangulate_core::scrolling::{ScrollLimits, ScrollState, Stop, oldest_date, should_stop};
use triangulate_evidence::{FrameInfo, JoinInfo, Screen, compose_screens, png_dimensions, sha256_hex};

use crate::cdp::Cdp;
use crate::error::{CaptureError, Result};
use crate::recorder::Clock;

/// What the worker asked of a capture's scrolling, and the policy's limits and dates.
#[derive(Debug, Clone)]
pub struct ScrollOptions {
    /// Capture by scrolling whatever the page is.
    pub force: bool,
    /// Follow a feed that loads more as it is scrolled (past the height it had when the
    /// capture began), until `until` or the limits.
    pub follow: bool,
    /// Stop once a post older than this appears.
    pub until: Option<NaiveDate>,
    /// The platform the page is read as, and its date selector from the policy, if any.
    pub platform: String,
    pub date_selector: Option<String>,
    pub limits: ScrollLimits,
}

impl Default for ScrollOptions {
    fn default() -> ScrollOptions {
        ScrollOptions {
            force: false,
            follow: false,
            until: None,
            platform: String::new(),
            date_selector: None,
            limits: ScrollLimits {
                max_screens: 400,
                max_height_css: 250_000.0,
                max_seconds: 300,
                screens_asked: false,
            },
        }
    }
}

/// How far a capture taken by scrolling has got, for a screen to show while it runs, and
/// the worker's stop.
#[derive(Debug, Default)]
pub struct ScrollProgress {
    /// Whether the capture is scrolling (rather than taking the page at once).
    pub scrolling: AtomicBool,
    pub screens: AtomicU32,
    /// How far down the page, in CSS pixels.
    pub reached_css: AtomicU64,
    /// The worker asked it to stop: the screens so far are kept and composed.
    pub stop: AtomicBool,
}

/// Finds whether the page's content changes as it is scrolled: with its DOM watched, it is
/// scrolled to its bottom for two frames, then back to where the worker had it. A page that
/// fits its viewport is not probed. The DOM's churn over two frames while still is measured
/// first, so that a page that changes by itself (a clock, a rotating banner) is not mistaken
/// for one. Kept to a few frames: every capture of a page taller than its window pays it.
const PROBE: &str = r#"(async () => {
  const root = document.documentElement;
  const max = () => Math.max(0, root.scrollHeight - innerHeight);
  if (max() < 1) return null;
  const was = [scrollX, scrollY];
  let nodes = 0;
  const observer = new MutationObserver((records) => { for (const r of records) nodes += r.addedNodes.length + r.removedNodes.length; });
  observer.observe(root, { childList: true, subtree: true });
  const frames = () => new Promise((done) => { requestAnimationFrame(() => requestAnimationFrame(done)); setTimeout(done, 100); });
  await frames();
  const still = nodes;
  const before = root.scrollHeight;
  scrollTo({ left: 0, top: max(), behavior: 'instant' });
  await frames();
  const moved = nodes - still;
  const grew = root.scrollHeight - before;
  observer.disconnect();
  scrollTo({ left: was[0], top: was[1], behavior: 'instant' });
  return { still, moved, grew };
})()"#;

/// Why the page's content depends on where it is scrolled, if the probe found that it does.
pub(crate) async fn probe(cdp: &Cdp, tab: &str) -> Option<String> {
    let timer = Instant::now();
    let found = cdp.evaluate(tab, PROBE, true).await;
    tracing::debug!(probe_ms = timer.elapsed().as_millis() as u64, "probed for content that changes as it scrolls");
    let found = match found {
        Ok(found) => found,
        Err(error) => {
            tracing::warn!(%error, "the page could not be probed for content that changes as it scrolls");
            return None;
        }
    };
    let still = found["still"].as_u64()?;
    let moved = found["moved"].as_u64().unwrap_or(0);
    let grew = found["grew"].as_f64().unwrap_or(0.0);
    let mut why = Vec::new();
    // More than twice its churn while still, and more than a few nodes: the scrolling
    // changed it.
    if moved > 2 * still + 4 {
        why.push(format!("{moved} of its elements were added or removed as it was scrolled"));
    }
    if grew >= 1.0 {
        why.push(format!("it grew by {} CSS px as it was scrolled to its bottom", grew.round()));
    }
    (!why.is_empty()).then(|| format!("the page changes as it is scrolled: {}", why.join("; ")))
}

/// The state kept in the page while it is scrolled: its DOM and layout watched, the fixed
/// and sticky elements seen and those made transparent, with their own styles as they were.
const STATE: &str = r#"(() => {
  const s = { hidden: new Map(), seen: new WeakSet(), lastChange: performance.now(), observers: [] };
  const changed = () => { s.lastChange = performance.now(); };
  const dom = new MutationObserver(changed);
  dom.observe(document.documentElement, { childList: true, subtree: true, attributes: true, characterData: true });
  s.observers.push(dom);
  for (const type of ['resource', 'layout-shift']) {
    try { const o = new PerformanceObserver(changed); o.observe({ type }); s.observers.push(o); } catch (e) {}
  }
  return s;
})()"#;

/// Scrolls to `y` and waits until the page has drawn: nothing loaded, added or moved for
/// `quiet` ms, fonts ready and the images in view decoded; no longer than `most` ms.
const DRAWN: &str = r#"async function (y, quiet, most) {
  const s = this;
  const start = performance.now();
  const root = document.documentElement;
  const frames = () => new Promise((done) => { requestAnimationFrame(() => requestAnimationFrame(done)); setTimeout(done, 100); });
  const wait = (ms) => new Promise((done) => setTimeout(done, ms));
  const left = () => Math.max(0, most - (performance.now() - start));
  scrollTo({ left: 0, top: y, behavior: 'instant' });
  await frames();
  let height = root.scrollHeight;
  let settled = false;
  while (left() > 0) {
    await wait(50);
    if (root.scrollHeight !== height) { height = root.scrollHeight; s.lastChange = performance.now(); }
    if (performance.now() - s.lastChange < quiet) continue;
    const pending = Array.from(document.images).filter((img) => {
      const r = img.getBoundingClientRect();
      return r.bottom > 0 && r.top < innerHeight && r.width > 0 && r.height > 0;
    }).map((img) => img.decode().catch(() => {}));
    const done = Promise.all([document.fonts ? document.fonts.ready : null, ...pending]).then(() => true);
    settled = await Promise.race([done, wait(left()).then(() => false)]);
    if (!settled || performance.now() - s.lastChange >= quiet) break;
  }
  await frames();
  return { y: scrollY, x: scrollX, height: root.scrollHeight, viewport: innerHeight, settled };
}"#;

/// Waits up to `most` ms for the page to grow past `height` (a feed loading more at its
/// bottom); returns its height then.
const GROWN: &str = r#"async function (height, most) {
  const start = performance.now();
  while (performance.now() - start < most) {
    if (document.documentElement.scrollHeight > height) break;
    await new Promise((done) => setTimeout(done, 50));
  }
  return document.documentElement.scrollHeight;
}"#;

/// After a screen is taken: the fixed and sticky elements drawn in it are noted, and every
/// one noted is made transparent (its own style kept), so the next screens do not draw it
/// again. A sticky element counts once it has been drawn whole.
const AFTER_SCREEN: &str = r#"function () {
  const s = this;
  for (const el of document.querySelectorAll('*')) {
    const position = getComputedStyle(el).position;
    if (position !== 'fixed' && position !== 'sticky') continue;
    if (!s.seen.has(el)) {
      const r = el.getBoundingClientRect();
      if (r.width <= 0 || r.height <= 0) continue;
      const inView = position === 'fixed'
        ? r.bottom > 0 && r.top < innerHeight
        : r.top >= 0 && r.bottom <= innerHeight;
      if (!inView) continue;
      s.seen.add(el);
    }
    if (!s.hidden.has(el)) {
      s.hidden.set(el, { attribute: el.getAttribute('style'), value: el.style.getPropertyValue('opacity'), priority: el.style.getPropertyPriority('opacity') });
      el.style.setProperty('opacity', '0', 'important');
    }
  }
  return s.hidden.size;
}"#;

/// The dates the page shows, by the policy's selector: each element's `datetime`, else its
/// text.
const DATES: &str = r#"function (selector) {
  return Array.from(document.querySelectorAll(selector), (el) => el.getAttribute('datetime') || el.textContent || '').slice(0, 5000);
}"#;

/// Puts every style back as it was, stops watching, and scrolls to where the worker was.
const RESTORE: &str = r#"async function (x, y) {
  const s = this;
  for (const [el, was] of s.hidden) {
    if (was.value) el.style.setProperty('opacity', was.value, was.priority); else el.style.removeProperty('opacity');
    if (was.attribute === null && el.getAttribute('style') === '') el.removeAttribute('style');
  }
  for (const o of s.observers) o.disconnect();
  scrollTo({ left: x, top: y, behavior: 'instant' });
  await new Promise((done) => { requestAnimationFrame(() => requestAnimationFrame(done)); setTimeout(done, 100); });
  return [scrollX, scrollY, s.hidden.size];
}"#;

/// How long the page has to draw after each scroll, and how long it must be still.
const QUIET_MS: u64 = 200;
const MOST_MS: u64 = 3_000;
/// How long a followed feed has, at its bottom, to load more.
const GROW_MS: u64 = 4_000;

/// A full-page picture composed while scrolling, and how.
pub(crate) struct Scrolled {
    pub png: Vec<u8>,
    pub height_px: u32,
    pub frames: Vec<FrameInfo>,
    pub joins: Vec<JoinInfo>,
    pub overlap_css: f64,
    pub stop: Stop,
    pub oldest_date: Option<NaiveDate>,
    pub dates: String,
    pub hidden: u64,
    pub restored: (f64, f64),
    pub page_height_css: f64,
}

fn millis(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Takes the page by scrolling from its top, as described above; the page is scrolled back
/// to `was` (where the worker had it) and its styles put back even when a screen fails.
pub(crate) async fn take(
    cdp: &Cdp,
    tab: &str,
    options: &ScrollOptions,
    was: (f64, f64),
    scale: f64,
    clock: &Clock,
    progress: Option<&ScrollProgress>,
) -> Result<Scrolled> {
    let state = cdp.make_object(tab, STATE).await?;
    let run = screens(cdp, tab, &state, options, clock, progress).await;
    let restored = cdp.call_on(tab, &state, RESTORE, vec![json!(was.0), json!(was.1)]).await;
    let _ = cdp.tab_call(tab, "Runtime.releaseObject", json!({ "objectId": state })).await;
    let (shots, stop, oldest, dates, page_height_css, overlap_css) = run?;
    let restored = restored?;
    let hidden = restored[2].as_u64().unwrap_or(0);
    let restored = (restored[0].as_f64().unwrap_or(was.0), restored[1].as_f64().unwrap_or(was.1));

    let max_height_px = (options.limits.max_height_css * scale).floor() as u64;
    let tops: Vec<u64> = shots.iter().map(|shot| (shot.y * scale).round() as u64).collect();
    let pngs: Vec<Vec<u8>> = shots.iter().map(|shot| shot.png.clone()).collect();
    let composed = tokio::task::spawn_blocking(move || {
        let screens: Vec<Screen> = tops.iter().zip(&pngs).map(|(&top_px, png)| Screen { top_px, png }).collect();
        compose_screens(&screens, Some(max_height_px))
    })
    .await
    .map_err(|e| CaptureError::DevTools(format!("the screens could not be composed: {e}")))?
    .map_err(|e| CaptureError::DevTools(format!("the screens could not be composed: {e}")))?;
    let frames = shots
        .iter()
        .enumerate()
        .map(|(index, shot)| {
            let (width_px, height_px) = png_dimensions(&shot.png).unwrap_or((0, 0));
            FrameInfo {
                index: index as u32 + 1,
                scroll_y_css: shot.y,
                taken_at: millis(shot.at),
                width_px,
                height_px,
                sha256: sha256_hex(&shot.png),
                settled: shot.settled,
            }
        })
        .collect();
    let joins = composed
        .joins
        .iter()
        .map(|join| JoinInfo {
            frame: join.screen as u32 + 1,
            page_y_px: join.page_y_px,
            frame_y_px: join.screen_y_px,
            rows_px: join.rows_px,
            overlap_rows_differing: join.overlap_rows_differing,
        })
        .collect();
    Ok(Scrolled {
        height_px: composed.height,
        png: composed.png,
        frames,
        joins,
        overlap_css,
        stop,
        oldest_date: oldest,
        dates,
        hidden,
        restored,
        page_height_css,
    })
}

struct Shot {
    y: f64,
    at: DateTime<Utc>,
    png: Vec<u8>,
    settled: bool,
}

type Screens = (Vec<Shot>, Stop, Option<NaiveDate>, String, f64, f64);

async fn screens(
    cdp: &Cdp,
    tab: &str,
    state: &str,
    options: &ScrollOptions,
    clock: &Clock,
    progress: Option<&ScrollProgress>,
) -> Result<Screens> {
    let timer = Instant::now();
    let drawn = |y: f64| cdp.call_on(tab, state, DRAWN, vec![json!(y), json!(QUIET_MS), json!(MOST_MS)]);
    let mut place = drawn(0.0).await?;
    let viewport = place["viewport"].as_f64().unwrap_or(0.0).max(1.0);
    // An eighth of a screen overlaps the one before: enough to see a seam, little to redo.
    let overlap_css = (viewport / 8.0).round().max(16.0).min(viewport - 1.0).max(0.0);
    let step = (viewport - overlap_css).max(1.0);
    let as_loaded =
        (!options.follow).then(|| place["height"].as_f64().unwrap_or(0.0).min(options.limits.max_height_css));
    let dates_words = match (&options.date_selector, options.until) {
        (_, None) => "no date was asked for: the limits alone".to_string(),
        (Some(selector), Some(_)) => format!(
            "dates read from the elements matching {selector:?} (their datetime attribute, else their text), as the policy gives for {}",
            options.platform
        ),
        (None, Some(_)) => format!(
            "the policy gives no way to find the dates of posts on {}: followed to the limits alone",
            if options.platform.is_empty() { "this platform" } else { options.platform.as_str() }
        ),
    };
    let until = options.until.filter(|_| options.date_selector.is_some());
    let mut shots: Vec<Shot> = Vec::new();
    let mut state_now = ScrollState::default();
    let mut height = place["height"].as_f64().unwrap_or(0.0);
    loop {
        let y = place["y"].as_f64().unwrap_or(0.0);
        if let Some(last) = shots.last()
            && y <= last.y + 0.5
        {
            // No further to scroll: a followed feed has a moment to load more.
            let mut grew = false;
            if options.follow {
                let now = cdp
                    .call_on(tab, state, GROWN, vec![json!(height), json!(GROW_MS)])
                    .await?
                    .as_f64()
                    .unwrap_or(height);
                if now > height {
                    grew = true;
                    place = drawn(last.y + step).await?;
                }
            }
            if !grew || place["y"].as_f64().unwrap_or(0.0) <= last.y + 0.5 {
                state_now.at_end = true;
                let stop = should_stop(&options.limits, until, as_loaded, &state_now).unwrap_or(Stop::EndOfPage);
                return Ok((shots, stop, state_now.oldest_date, dates_words, height, overlap_css));
            }
            continue;
        }
        let shot =
            cdp.tab_call(tab, "Page.captureScreenshot", json!({ "format": "png", "optimizeForSpeed": true })).await?;
        let png = crate::take::decode_base64(shot["data"].as_str().unwrap_or_default())?;
        shots.push(Shot { y, at: clock(), png, settled: place["settled"] == true });
        cdp.call_on(tab, state, AFTER_SCREEN, vec![]).await?;
        if let (Some(selector), Some(_)) = (&options.date_selector, until) {
            match cdp.call_on(tab, state, DATES, vec![json!(selector)]).await {
                Ok(texts) => {
                    let texts: Vec<&str> =
                        texts.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
                    let oldest = oldest_date(texts);
                    state_now.oldest_date = match (state_now.oldest_date, oldest) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
                Err(error) => tracing::warn!(%error, "the page's dates could not be read"),
            }
        }
        height = place["height"].as_f64().unwrap_or(height);
        state_now.screens = shots.len() as u32;
        state_now.reached_css = y + viewport;
        state_now.elapsed_ms = timer.elapsed().as_millis() as u64;
        state_now.stop_asked = progress.is_some_and(|p| p.stop.load(Ordering::SeqCst));
        if let Some(progress) = progress {
            progress.screens.store(state_now.screens, Ordering::SeqCst);
            progress.reached_css.store(state_now.reached_css as u64, Ordering::SeqCst);
        }
        tracing::debug!(screen = state_now.screens, y, height, "screen taken while scrolling");
        if let Some(stop) = should_stop(&options.limits, until, as_loaded, &state_now) {
            return Ok((shots, stop, state_now.oldest_date, dates_words, height, overlap_css));
        }
        place = drawn(y + step).await?;
    }
}
