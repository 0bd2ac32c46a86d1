// Access sessions in the desktop: choosing the person and the sanctioned account, the
// guards' answer before the browser opens (a refusal with what would allow it, a warning at
// the repeat-viewing limit to accept), the live session panel with its Capture button and
// the global shortcut, the trail as it grows, captures and their judgement, and the end.
// Page titles and addresses are page content: text nodes only, wrapped, isolated.
import { App, attempt, pageHeading, ukTime } from "../app";
import { asIpcError } from "../backend";
import { backLink, button, capturePicture, checkboxes, errorsFrom, linkButton, radios, sentence, summaryList, tag, textArea, warningText } from "../components";
import { Child, h } from "../dom";
import { withProgress } from "../progress";
import type { CaptureItem, FieldError, IpcError, RequestPage, SessionPage } from "../generated/ipc";
import { requestHref } from "./request-page";


/** The shortcut as the keyboard shows it: "Ctrl+Shift+F9". */
export function shortcutText(shortcut: string): string {
  const mac = /Mac/.test(navigator.platform);
  return shortcut
    .split("+")
    .map((part) => {
      const key = part.trim();
      if (/^(CommandOrControl|CmdOrCtrl)$/i.test(key)) return mac ? "Cmd" : "Ctrl";
      if (/^Control$/i.test(key)) return "Ctrl";
      return key.length === 1 ? key.toUpperCase() : key.charAt(0).toUpperCase() + key.slice(1);
    })
    .join("+");
}

/** Where a refusal is put right, by its code: a link, or nothing when no screen fixes it. */
function remedyLink(reference: string, code: string): HTMLElement | null {
  const link = (href: string, text: string) => h("a", { class: "govuk-link", href }, text);
  switch (code) {
    case "repeat_viewing_limit":
    case "directed_surveillance_without_consent":
    case "chis_authorisation_needed":
      return link(requestHref(reference, "/authorisations"), "Record an authorisation for this request");
    case "not_registered_aaw":
    case "aaw_registration_incomplete":
      return link("#/profile", "Open the worker profile and the register");
    case "separation_of_duties":
    case "staff_member_left":
      return link("#/staff", "Open the staff directory");
    case "conditions_not_confirmed": {
      // The box is on this screen: the link moves focus to it, never to another screen.
      const toBox = link("#conditions_confirmed", "Confirm the service director's conditions");
      toBox.addEventListener("click", (event) => {
        event.preventDefault();
        document.getElementById("conditions_confirmed")?.focus();
      });
      return toBox;
    }
    case "account_not_registered":
      return link("#/accounts", "Open the sanctioned accounts");
    case "browser_failed":
      return link("#/browser", "Choose the browser for captures in Settings");
    default:
      return link(requestHref(reference), "Open the request");
  }
}

/** Why a session cannot start, each refusal with what would allow it, from its code. */
function refusalPanel(reference: string, error: IpcError): HTMLElement {
  const refusals = error.refusals.length ? error.refusals : [{ code: error.code, reason: error.message, remedy: "" }];
  return h(
    "div",
    { class: "govuk-error-summary", id: "refused", tabindex: "-1" },
    h(
      "div",
      { role: "alert" },
      h("h2", { class: "govuk-error-summary__title" }, "The access session cannot start"),
      h(
        "div",
        { class: "govuk-error-summary__body" },
        h(
          "ul",
          { class: "govuk-list" },
          ...refusals.map((r) =>
            h(
              "li",
              { class: "app-refusal", "data-code": r.code },
              h("p", { class: "govuk-body" }, sentence(r.reason)),
              r.remedy ? h("p", { class: "govuk-body" }, h("strong", {}, "What would allow it: "), sentence(r.remedy)) : null,
              remedyLink(reference, r.code),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The person and the sanctioned account for a new session; then the guards' answer. */
export async function sessionStartScreen(app: App, reference: string): Promise<void> {
  const loaded = await attempt(app, () => Promise.all([app.backend.call("request_get", { reference }), app.backend.call("account_list", {})]));
  if (!loaded) return;
  const [page, accounts] = loaded as [RequestPage, Awaited<ReturnType<typeof app.backend.call<"account_list">>>];
  const subjects = page.record.request.subjects;
  const choice = { subject: subjects.length === 1 ? 1 : (null as number | null), account: accounts.length === 1 ? accounts[0].id : (null as number | null) };
  const title = "Start an access session";
  let warnings: string[] | null = null;
  // The service director's conditions: the worker confirms them before the browser opens.
  let conditions: string | null = page.access?.conditions ?? null;
  const confirmed = { yes: [] as string[] };

  const render = (fields: FieldError[], refused: IpcError | null = null) => {
    const errors = errorsFrom(fields);
    const content: Child[] = [backLink(requestHref(reference)), ...pageHeading(title, `Request ${reference}`)];
    if (refused) content.push(refusalPanel(reference, refused));
    if (warnings) {
      content.push(
        h("h2", { class: "govuk-heading-m", id: "before-you-start", tabindex: "-1" }, "Before you start"),
        ...warnings.map((w) => warningText(sentence(w))),
        h("p", { class: "govuk-body" }, "Start the session only if these are understood and recorded where the policy asks."),
        h(
          "div",
          { class: "govuk-button-group" },
          button("Start the session", () => start(), { id: "start-anyway" }),
          button("Choose again", () => { warnings = null; render([]); }, { secondary: true, id: "choose-again" }),
        ),
      );
      app.show(title, ...content.filter((c): c is Node => c instanceof Node));
      // The warnings are read first; the button is not pressed by an Enter meant for something else.
      document.getElementById("before-you-start")?.focus();
      return;
    }
    content.push(
      h("p", { class: "govuk-body" }, "The sanctioned browser opens on the person's first listed profile. Every page visited is recorded in the session's trail."),
      h(
        "form",
        { novalidate: "", id: "session-form" },
        radios<number>({
          id: "subject",
          label: "Whose pages will you look at?",
          legendSize: "m",
          errors,
          value: choice.subject,
          choices: subjects.map((s, i) => ({ value: i + 1, label: s.name ?? `Not named: ${s.description ?? ""}`, hint: s.profiles.length ? s.profiles.map((p) => p.url).join(", ") : "No profile listed" })),
          onChange: (v) => (choice.subject = v),
        }),
        accounts.length
          ? radios<number>({
              id: "account",
              label: "Which sanctioned account?",
              legendSize: "m",
              errors,
              value: choice.account,
              choices: accounts.map((a) => ({ value: a.id, label: `${a.handle} (${a.platform})`, hint: a.identifiable_as_council ? "Can be identified as the council's" : "Cannot be identified as the council's" })),
              onChange: (v) => (choice.account = v),
            })
          : h("p", { class: "govuk-body", id: "account" }, "No sanctioned account is registered. ", h("a", { class: "govuk-link", href: "#/accounts" }, "Add the council's account first"), "."),
        conditions
          ? h(
              "div",
              { id: "conditions" },
              h("h2", { class: "govuk-heading-m" }, "The service director's conditions"),
              h("div", { class: "govuk-inset-text app-pre-line", id: "conditions-text" }, conditions),
              checkboxes<string>({ id: "conditions_confirmed", label: "Your confirmation", errors, values: confirmed.yes, choices: [{ value: "yes", label: "I have read the service director's conditions and will keep to them in this session" }], onChange: (v) => (confirmed.yes = v) }),
            )
          : null,
        h("div", { class: "govuk-button-group" }, button("Continue", () => check(), { id: "continue" })),
      ),
    );
    app.show(title, ...content.filter((c): c is Node => c instanceof Node));
    if (refused) document.getElementById("refused")?.focus();
    else if (fields.length) app.showErrors(fields);
  };

  const check = async () => {
    const fields: FieldError[] = [];
    if (choice.subject === null) fields.push({ field: "subject", message: "Select whose pages you will look at" });
    if (choice.account === null) fields.push({ field: "account", message: "Select the sanctioned account" });
    if (fields.length) return render(fields);
    try {
      const answer = await app.backend.call("session_check", { reference, subject: choice.subject!, account: choice.account! });
      if (answer.conditions !== conditions) {
        // The conditions changed since the page was read: they are shown to be confirmed.
        conditions = answer.conditions;
        confirmed.yes = [];
        return render([]);
      }
      if (answer.warnings.length) {
        warnings = answer.warnings;
        return render([]);
      }
      await start();
    } catch (error) {
      const failure = asIpcError(error);
      if (failure.code === "invalid_fields") render(failure.fields);
      else if (failure.code === "guard_refused" || failure.code === "refused" || failure.code === "illegal_step") render([], failure);
      else app.showFailure(failure);
    }
  };

  const start = async () => {
    const status = h("p", { class: "govuk-body", id: "opening", role: "status" }, "Opening the sanctioned browser…");
    document.querySelector("main .govuk-button-group")?.replaceWith(status);
    try {
      const session = await app.backend.call("session_start", { reference, subject: choice.subject!, account: choice.account!, conditions_confirmed: conditions !== null && confirmed.yes.includes("yes"), headless: false });
      app.flash("The access session has started", session.warnings.map(sentence).join(" "));
      app.go(`#/sessions/${session.id}`);
    } catch (error) {
      const failure = asIpcError(error);
      warnings = null;
      if (failure.code === "guard_refused" || failure.code === "refused" || failure.code === "browser_failed") render([], failure);
      else {
        render([]);
        app.showFailure(failure);
      }
    }
  };

  render([]);
}

function minutes(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [h_, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const two = (n: number) => String(n).padStart(2, "0");
  return h_ ? `${h_}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

function durationText(from: string, to: string): string {
  const ms = new Date(to).getTime() - new Date(from).getTime();
  const total = Math.max(0, Math.round(ms / 60000));
  if (ms < 60000) {
    const seconds = Math.max(1, Math.round(ms / 1000));
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  }
  const hours = Math.floor(total / 60);
  const mins = total % 60;
  const parts = [hours ? `${hours} hour${hours === 1 ? "" : "s"}` : "", mins ? `${mins} minute${mins === 1 ? "" : "s"}` : ""].filter(Boolean);
  return parts.join(" ");
}

const TRAIL_WORDS: Record<string, string> = {
  recording_started: "Recording started",
  recording_stopped: "Recording stopped",
  navigation: "Opened",
  same_document: "Moved within the page to",
  redirect: "Redirected to",
  new_tab: "New tab opened on",
  tab_open: "Tab already open on",
  tab_closed: "Tab closed",
};

function trailList(session: SessionPage): HTMLElement {
  const steps = session.trail;
  return steps.length
    ? h(
        "ol",
        { class: "govuk-list govuk-list--number app-trail", id: "trail" },
        ...steps.map((t) => h("li", {}, h("span", { class: "app-trail__what" }, TRAIL_WORDS[t.kind] ?? "Recorded"), t.url ? " " : "", t.url ? h("span", { class: "app-untrusted" }, t.url) : "", h("span", { class: "govuk-hint app-trail__when" }, ` ${ukTimeSeconds(t.at)}`))),
      )
    : h("p", { class: "govuk-body", id: "trail" }, "Nothing visited yet.");
}

function ukTimeSeconds(stored: string): string {
  const date = new Date(stored);
  if (Number.isNaN(date.getTime())) return stored;
  return date.toLocaleTimeString("en-GB", { timeZone: "Europe/London", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function judged(c: CaptureItem): HTMLElement {
  if (c.relevant === null) return tag("Not judged yet", "yellow");
  return c.relevant ? tag("Relevant", "green") : tag("Not relevant", "grey");
}

function captureList(session: SessionPage): HTMLElement {
  return session.captures.length
    ? h(
        "ul",
        { class: "govuk-list app-captures", id: "captures" },
        ...session.captures.map((c) =>
          h(
            "li",
            { class: "app-capture-item" },
            h("a", { class: "govuk-link", href: `#/captures/${c.id}` }, `Capture ${c.id}`),
            " ",
            judged(c),
            c.cut_at_limit ? " " : null,
            c.cut_at_limit ? tag("Cut at the policy's limit", "orange") : null,
            c.outside_profiles ? " " : null,
            c.outside_profiles ? tag("Not a listed profile", "orange") : null,
            h("span", { class: "app-untrusted app-capture-item__title" }, c.title || "(no title)"),
            c.cut_at_limit ? h("span", { class: "govuk-hint app-capture-item__cut" }, c.cut_at_limit.summary) : null,
            h("span", { class: "app-untrusted govuk-hint app-capture-item__url" }, c.url),
          ),
        ),
      )
    : h("p", { class: "govuk-body", id: "captures" }, "No capture yet.");
}

/** The live session: elapsed time, the Capture button and the shortcut, the trail and the
 *  captures as they come, and the end. Regions update in place: focus is never taken. */
export async function sessionScreen(app: App, id: number): Promise<void> {
  let session = await attempt(app, () => app.backend.call("session_get", { id }));
  if (!session) return;
  const title = `Access session ${id}`;
  const elapsed = h("span", { id: "elapsed" }, "");
  const status = h("div", { id: "capture-status", role: "status", "aria-live": "polite" });
  const trailBox = h("div", { id: "trail-box" }, trailList(session));
  const capturesBox = h("div", { id: "captures-box" }, captureList(session));
  const outside = h("div", { id: "outside-box" });
  const progressBox = h("div", { id: "capture-progress-bar" });
  let capturing = false;
  let timers: number[] = [];
  let unlisten: (() => void) | null = null;
  const stopTimers = () => {
    timers.forEach((t) => window.clearInterval(t));
    timers = [];
    unlisten?.();
    unlisten = null;
  };
  app.beforeLeave(async () => {
    stopTimers();
    await app.backend.keepOnTop(false).catch(() => undefined);
    return true;
  });

  const refresh = async () => {
    const next = await app.backend.call("session_get", { id }).catch(() => null);
    if (!next) return;
    const grew = next.trail.length !== session!.trail.length;
    const capturesChanged = JSON.stringify(next.captures) !== JSON.stringify(session!.captures);
    session = next;
    if (grew) trailBox.replaceChildren(trailList(next));
    if (capturesChanged) capturesBox.replaceChildren(captureList(next));
    if (next.ended_at || next.recording_stopped_at) {
      stopTimers();
      void sessionScreen(app, id);
    }
  };

  const capture = async (reason = "", whole = false) => {
    if (capturing || !session || session.ended_at) return;
    capturing = true;
    const buttons = ["capture", "capture-whole"].map((b) => document.getElementById(b) as HTMLButtonElement | null);
    buttons.forEach((b) => { if (b) b.disabled = true; });
    outside.replaceChildren();
    document.getElementById("capture")?.classList.remove("govuk-button--secondary");
    status.replaceChildren(h("p", { class: "govuk-body app-capturing" }, whole
      ? "Capturing the whole timeline… scrolling it one screen at a time, then the window as seen, the page's archive and its provenance."
      : "Capturing the page… the whole page, the window as seen, the page's archive and its provenance."));
    // While it scrolls: how far it has got, and a way to stop it (what it took is kept).
    const progressLine = h("p", { class: "govuk-body", id: "capture-progress" });
    const stopButton = button("Stop scrolling", async () => { stopButton.setAttribute("disabled", ""); await app.backend.call("capture_stop", { id }).catch(() => null); }, { secondary: true, id: "stop-capture" });
    const poll = window.setInterval(async () => {
      const now = await app.backend.call("capture_progress", { id }).catch(() => null);
      if (!now || !now.capturing || !now.scrolling || !capturing) return;
      if (!progressLine.isConnected) status.append(progressLine, stopButton);
      progressLine.textContent = `${now.screens} ${now.screens === 1 ? "screen" : "screens"} taken, ${now.reached_css} CSS px down the page${now.stop_asked ? ": stopping, keeping what was taken" : ""}.`;
    }, 500);
    try {
      const [trigger, other] = whole ? [buttons[1], buttons[0]] : buttons;
      const long = { work: "capture" as const, about: `access session ${id}`, label: whole ? "Capturing the whole timeline" : "Capturing the page", place: progressBox, trigger, others: [other], busy: "Capturing…" };
      const taken = await withProgress(app, long, () => app.backend.call("capture_take", { session: id, url: "", statement: "", outside_scope_reason: reason, whole_timeline: whole }));
      window.clearInterval(poll);
      if (!taken) return;
      const shown = await app.backend.call("capture_get", { id: taken.capture_id }).catch(() => null);
      const row = (label: string) => shown?.provenance.find((r) => r.label === label)?.value ?? "";
      status.replaceChildren(
        h(
          "div",
          { class: "govuk-notification-banner govuk-notification-banner--success", id: "captured", role: "alert" },
          h("div", { class: "govuk-notification-banner__content app-captured" },
            shown ? capturePicture(h("img", { class: "app-captured__thumbnail", src: shown.thumbnail, alt: `Capture ${taken.capture_id} as the worker saw it` }) as HTMLImageElement, shown.blurred, `reveal-${taken.capture_id}`) : null,
            h("div", { class: "app-captured__facts" },
              h("p", { class: "govuk-notification-banner__heading" }, `Captured: capture ${taken.capture_id}`),
              shown ? h("p", { class: "govuk-body app-untrusted app-capture-item__title" }, shown.title || "(no title)") : null,
              h("p", { class: "govuk-body app-untrusted" }, taken.url),
              taken.cut_at_limit ? warningText(`${taken.cut_at_limit.summary}.`) : null,
              h("p", { class: "govuk-body-s", id: "taken-way" }, `Full page: ${taken.taken.label}${taken.taken.stopped ? `; ${taken.taken.stopped}` : ""}.`),
              taken.taken.scroll_dependent ? warningText(`Taken by scrolling: ${taken.taken.scroll_dependent}, so no picture of it at one moment would show it whole.`) : null,
              taken.taken.cut_short ? warningText(`The scrolling ${taken.taken.stopped}: the picture holds the page only so far.`) : null,
              shown ? h("p", { class: "govuk-body-s" }, `Captured at ${row("Captured at")}. HTTP status ${row("HTTP status")}. ${shown.signature_valid ? "Signed and verified." : "The signature does not verify."}`) : null,
              h("a", { class: "govuk-link", href: `#/captures/${taken.capture_id}`, id: "judge-latest" }, `Judge capture ${taken.capture_id}, and see its provenance and digests`),
            ),
          ),
        ),
      );
      await refresh();
    } catch (error) {
      const failure = asIpcError(error);
      if (failure.code === "outside_scope") {
        status.replaceChildren();
        outside.replaceChildren(outsideScope(failure.url ?? "", session!, (why) => void capture(why, whole)));
        document.getElementById("outside-heading")?.focus();
      } else {
        status.replaceChildren(
          h("div", { class: "govuk-error-summary", id: "capture-failed", tabindex: "-1" },
            h("div", { role: "alert" }, h("h2", { class: "govuk-error-summary__title" }, "The page was not captured"), h("p", { class: "govuk-body" }, sentence(failure.message)))),
        );
        if (failure.code === "recording_stopped") await refresh();
      }
    } finally {
      window.clearInterval(poll);
      capturing = false;
      buttons.forEach((b) => { if (b) b.disabled = false; });
    }
  };

  const end = async () => {
    const ended = await attempt(app, () => app.backend.call("session_end", { id }));
    if (!ended) return;
    stopTimers();
    await app.backend.keepOnTop(false).catch(() => undefined);
    app.flash(`Access session ${id} ended`, `It lasted ${durationText(ended.started_at, ended.ended_at ?? ended.started_at)}. The browser is closed.`);
    app.go(`#/sessions/${id}`);
  };

  const s = session;
  const facts = summaryList([
    ["Request", h("a", { class: "govuk-link", href: requestHref(s.request) }, `Request ${s.request}`), null],
    ["Person", s.person, null],
    ["Listed profiles", s.profiles.length ? h("ul", { class: "govuk-list" }, ...s.profiles.map((p) => h("li", { class: "app-untrusted" }, p))) : "None listed", null],
    ["Sanctioned account", s.account, null],
    ["Started", ukTime(s.started_at), null],
  ], "session-facts");

  if (s.ended_at) {
    const notRelevant = s.captures.filter((c) => c.relevant === false);
    const unjudged = s.captures.filter((c) => c.relevant === null);
    app.show(
      title,
      backLink(requestHref(s.request)),
      ...pageHeading(title, s.person),
      h("p", { class: "govuk-body", id: "ended" }, `Ended ${ukTime(s.ended_at)}, after ${durationText(s.started_at, s.ended_at)}${s.end_reason && s.end_reason !== "ended by the worker" ? `: ${s.end_reason}` : ""}.`),
      facts,
      h("h2", { class: "govuk-heading-m" }, "Captures"),
      captureList(s),
      unjudged.length ? warningText(`${unjudged.length === 1 ? "1 capture is" : `${unjudged.length} captures are`} not judged yet: judge each before the care-record PDF is made.`) : null,
      notRelevant.length
        ? h("div", { class: "govuk-inset-text", id: "to-be-deleted" }, h("p", { class: "govuk-body" }, "To be deleted under the retention policy (judged not relevant):"), h("ul", { class: "govuk-list govuk-list--bullet" }, ...notRelevant.map((c) => h("li", {}, `Capture ${c.id}: `, h("span", { class: "app-untrusted app-capture-item__title" }, c.title || c.url)))))
        : null,
      h("h2", { class: "govuk-heading-m" }, "Trail"),
      trailList(s),
      h("div", { class: "govuk-button-group" }, linkButton("Back to the request", requestHref(s.request), { id: "back-to-request" }), linkButton("Open the investigation log", requestHref(s.request, "/log"), { secondary: true })),
    );
    return;
  }

  if (s.recording_stopped_at) {
    app.show(
      title,
      backLink(requestHref(s.request)),
      ...pageHeading(title, s.person),
      h("div", { class: "govuk-error-summary", id: "recording-stopped", tabindex: "-1" },
        h("div", { role: "alert" }, h("h2", { class: "govuk-error-summary__title" }, "Recording stopped"),
          h("p", { class: "govuk-body" }, `Recording stopped ${ukTime(s.recording_stopped_at)}. Nothing can be captured until the session is resumed: resuming opens the browser again and records again.`))),
      facts,
      h("div", { class: "govuk-button-group" },
        button("Resume recording", async () => { const resumed = await attempt(app, () => app.backend.call("session_resume", { id })); if (resumed) app.go(`#/sessions/${id}`); }, { id: "resume" }),
        button("End session", () => end(), { secondary: true, id: "end" })),
    );
    return;
  }

  const shortcut = shortcutText(s.shortcut);
  app.show(
    title,
    backLink(requestHref(s.request)),
    ...pageHeading(title, s.person),
    // The session's state and its end, at the top: ending it closes the browser and keeps
    // everything recorded, so it is an ordinary secondary action.
    h(
      "div",
      { class: "app-session-state", id: "session-state" },
      h("p", { class: "govuk-body app-elapsed" }, tag("Recording", "green"), " for ", elapsed),
      button("End session", () => end(), { secondary: true, id: "end" }),
    ),
    h(
      "div",
      { class: "app-session-actions" },
      button("Capture this page", () => capture(), { id: "capture" }),
      button("Capture the whole timeline", () => capture("", true), { secondary: true, id: "capture-whole" }),
      h("p", { class: "govuk-body", id: "shortcut" }, "Or press ", h("kbd", {}, shortcut), " while the browser is in front. Nothing is added to the page."),
    ),
    status,
    progressBox,
    outside,
    checkboxes<string>({
      id: "on-top",
      label: "This window",
      small: true,
      errors: new Map(),
      values: [],
      choices: [{ value: "on-top", label: "Keep this window on top of the browser" }],
      onChange: (v) => void app.backend.keepOnTop(v.includes("on-top")),
    }),
    h("h2", { class: "govuk-heading-m" }, "Captures"),
    capturesBox,
    h("h2", { class: "govuk-heading-m" }, "Trail"),
    trailBox,
    facts,
  );
  const tick = () => (elapsed.textContent = minutes(Date.now() - new Date(s.started_at).getTime()));
  tick();
  timers.push(window.setInterval(tick, 1000), window.setInterval(() => void refresh(), 1500));
  unlisten = await app.backend.onCaptureShortcut(() => void capture());
}

/** A page outside the person's listed profiles: say why it is theirs, or raise a linked
 *  request for the other person. Nothing is captured until one is chosen. */
function outsideScope(url: string, session: SessionPage, captureWith: (why: string) => void): HTMLElement {
  const answer = { choice: null as "theirs" | "other" | null, why: "" };
  const box = h("div", { class: "app-outside" });
  // While the question is open, its Continue is the page's one main button.
  const captureButton = (main: boolean) => document.getElementById("capture")?.classList.toggle("govuk-button--secondary", !main);
  const draw = (fields: FieldError[]) => {
    const errors = errorsFrom(fields);
    captureButton(false);
    box.replaceChildren(
      h("h2", { class: "govuk-heading-m", id: "outside-heading", tabindex: "-1" }, `This page is not one of ${session.person}'s listed profiles`),
      h("p", { class: "govuk-body app-untrusted", id: "outside-url" }, url),
      h("p", { class: "govuk-body" }, "Nothing has been captured."),
      radios<"theirs" | "other">({
        id: "outside-choice",
        label: "Whose page is it?",
        errors,
        value: answer.choice,
        choices: [
          { value: "theirs", label: `It belongs to ${session.person}`, conditional: () => textArea({ id: "outside_scope_reason", label: "Why it belongs to them", hint: "Recorded with the capture and in its signed provenance", errors, rows: 3, value: answer.why, onInput: (v) => (answer.why = v) }) },
          { value: "other", label: "It belongs to someone else", hint: "Raise a linked request for them instead: it is flagged for the service director" },
        ],
        onChange: (v) => { answer.choice = v; draw([]); document.getElementById(v === "theirs" ? "outside-choice" : "outside-choice-2")?.focus(); },
      }),
      h("div", { class: "govuk-button-group" },
        button("Continue", async () => {
          if (answer.choice === null) return draw([{ field: "outside-choice", message: "Select whose page it is" }]);
          if (answer.choice === "theirs") {
            if (!answer.why.trim()) return draw([{ field: "outside_scope_reason", message: "Enter why the page belongs to this person" }]);
            return captureWith(answer.why);
          }
          location.hash = `#/requests/${encodeURIComponent(session.request)}/linked?url=${encodeURIComponent(url)}`;
        }, { id: "outside-continue" }),
        button("Do not capture it", () => { box.replaceChildren(); captureButton(true); }, { secondary: true, id: "outside-cancel" })),
    );
    if (fields.length) document.getElementById(`${fields[0].field === "outside-choice" ? "outside-choice" : fields[0].field}`)?.focus();
  };
  draw([]);
  return box;
}
