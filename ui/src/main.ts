import "./styles/app.scss";
import { App, Shell, createShell } from "./app";
import { Backend, httpBackend, tauriBackend } from "./backend";
import { sentence, warningText } from "./components";
import type { Step, WorkerRole } from "./generated/ipc";
import { WORKER_ROLES, labelOf } from "./labels";
import { accountsScreen } from "./screens/accounts";
import { auditScreen } from "./screens/audit";
import { browserScreen } from "./screens/browser";
import { homeScreen } from "./screens/home";
import { settingsScreen } from "./screens/settings";
import { authorisationScreen } from "./screens/authorisation";
import { decisionScreen } from "./screens/decision";
import { exportScreen, filingScreen } from "./screens/export";
import { isLogForm, logForm, logScreen } from "./screens/log";
import { profileScreen } from "./screens/profile";
import { draftScreen, isStep, matchScreen } from "./screens/request-form";
import { sessionScreen, sessionStartScreen } from "./screens/session";
import { captureScreen } from "./screens/capture";
import { redactScreen } from "./screens/redact";
import { registerActionScreen, registerScreen } from "./screens/register";
import { feedbackScreen } from "./screens/feedback";
import { pilotScreen } from "./screens/pilot";
import { disposeScreen, releaseScreen, retentionScreen } from "./screens/retention";
import { incidentsScreen, subjectAccessScreen } from "./screens/incidents";
import { recordsScreen } from "./screens/records";
import { requestScreen } from "./screens/request-page";
import { requestsScreen } from "./screens/requests";
import { staffScreen } from "./screens/staff";
import { statusScreen } from "./screens/status";

const STEPS: Step[] = ["submit", "agree", "permit", "refuse", "refer-back", "confirm-legitimacy", "raise-doubts", "withdraw", "close"];

/** Which screen a location shows. The path and query come after `#`. */
let shown = "";
let storeReady = false;

async function route(shell: Shell, hash: string): Promise<void> {
  if (!(await shell.leave())) {
    // A draft could not be saved: stay on it, where the failure is shown.
    history.replaceState(null, "", shown);
    return;
  }
  shown = hash;
  const app = shell.view();
  const [path, queryText = ""] = hash.replace(/^#/, "").split("?");
  const query = new URLSearchParams(queryText);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  highlight(sectionOf(parts[0]));
  // The store's full status (it checks the whole audit chain) is read until it is ready,
  // and on the status screen; not on every screen.
  if (!storeReady || parts[0] === "status") {
    const status = await app.backend.call("store_status", {}).catch(() => null);
    document.getElementById("protective-marking")!.textContent = status?.protective_marking ?? "";
    storeReady = status?.state === "ready";
    document.getElementById("main-nav")!.hidden = !storeReady;
    showRecoveryWarning(status?.recovery_warning ?? null);
    showBanner("rollback-warning", status?.rollback_warning ?? null);
  }
  if (!storeReady || parts[0] === "status") {
    showWorker(null);
    return statusScreen(app);
  }
  showWorker(await app.backend.call("worker_profile_get", {}).catch(() => null));
  const [section, id, sub, extra, more] = parts;
  if (section === "profile") return profileScreen(app, query.get("complete") ?? "", query.has("setup"));
  if (section === "browser") return browserScreen(app, query.has("setup"));
  if (section === "staff") return staffScreen(app);
  if (section === "settings") return settingsScreen(app);
  if (section === "records") return recordsScreen(app);
  if (section === "retention" && id === "dispose") return disposeScreen(app);
  if (section === "retention" && id === "release" && sub) return releaseScreen(app, sub);
  if (section === "retention") return retentionScreen(app);
  if (section === "incidents") return incidentsScreen(app);
  if (section === "authorisations" && id && (sub === "approve" || sub === "review" || sub === "cancel")) return registerActionScreen(app, id, sub);
  if (section === "authorisations") return registerScreen(app);
  if (section === "pilot") return pilotScreen(app);
  if (section === "requests" && id && (sub === "feedback" || sub === "recheck" || sub === "process")) return feedbackScreen(app, id, sub);
  if (section === "people" && id && sub === "subject-access") return subjectAccessScreen(app, Number(id), query.get("request"));
  if (section === "accounts") return accountsScreen(app);
  if (section === "drafts" && id && sub === "match") return matchScreen(app, Number(id), numberOrNull(extra ?? null) ?? 1);
  if (section === "drafts" && id) {
    return draftScreen(app, Number(id), {
      step: sub && isStep(sub) ? sub : "case",
      person: sub === "people" ? numberOrNull(extra ?? null) : null,
      remove: more === "remove",
      showErrors: query.has("errors"),
      fromCheck: query.get("from") === "check",
    });
  }
  if (section === "requests" && id === "new") return newRequest(app);
  if (section === "requests" && id && sub === "session") return sessionStartScreen(app, id);
  if (section === "requests" && id && sub === "linked") return linkedRequest(app, id, query.get("url") ?? "");
  if (section === "sessions" && id) return sessionScreen(app, Number(id));
  if (section === "captures" && id && sub === "redact") return redactScreen(app, Number(id), "viewport_png");
  if (section === "captures" && id && sub === "redact-full-page") return redactScreen(app, Number(id), "full_page_png");
  if (section === "captures" && id) return captureScreen(app, Number(id));
  if (section === "requests" && id && sub === "step" && STEPS.includes(extra as Step)) return decisionScreen(app, id, extra as Step, more === "proxy");
  if (section === "requests" && id && sub === "authorisations") return authorisationScreen(app, id);
  if (section === "requests" && id && sub === "export") return exportScreen(app, id);
  if (section === "requests" && id && sub === "audit") return auditScreen(app, id);
  if (section === "requests" && id && sub === "log" && isLogForm(extra)) return logForm(app, id, extra, more && more !== "proxy" ? Number(more) : null, more === "proxy");
  if (section === "requests" && id && sub === "log") return logScreen(app, id, numberOrNull(query.get("version")), numberOrNull(query.get("compare")));
  if (section === "requests" && id && sub === "filed") return filingScreen(app, id, query.get("sha") ?? "");
  if (section === "requests" && id) return requestScreen(app, id);
  if (section === "requests") return requestsScreen(app, query.get("q") ?? "");
  return homeScreen(app);
}

/** The menu's section a screen belongs to: the register under Authorisations; retention,
 *  incidents, subject access and the pilot under Records; the store and the browser under
 *  Settings. */
function sectionOf(first: string | undefined): string {
  if (first === undefined) return "home";
  if (["status", "browser"].includes(first)) return "settings";
  if (["retention", "incidents", "pilot", "people"].includes(first)) return "records";
  return first;
}

/** Who is using the app, and in what role, in the header on every screen; the menu's
 *  entries for the roles that use them (`data-roles` in the page). */
function showWorker(worker: { name: string; role: WorkerRole } | null): void {
  document.getElementById("signed-in")!.textContent = worker ? `${worker.name}, ${labelOf(WORKER_ROLES, worker.role)}` : "";
  for (const item of document.querySelectorAll<HTMLElement>("#main-nav [data-roles]")) {
    item.hidden = !worker || !item.dataset.roles!.split(" ").includes(worker.role);
  }
}

function numberOrNull(text: string | null): number | null {
  return text && /^\d+$/.test(text) ? Number(text) : null;
}

/** On every start, and on every screen until it is fixed: without its recovery file the
 * store is lost when its key is. */
function showRecoveryWarning(warning: string | null): void {
  showBanner("recovery-warning", warning);
}

/** A warning about the store kept in sight on every screen, or taken away. */
function showBanner(id: string, warning: string | null): void {
  const banner = document.getElementById(id)!;
  banner.replaceChildren(...(warning ? [warningText(sentence(warning))] : []));
  banner.hidden = !warning;
}

/** A linked request for another person whose page was found in a session on `parent`:
 *  prefilled with the page address and flagged for the service director. */
async function linkedRequest(app: App, parent: string, url: string): Promise<void> {
  try {
    const draft = await app.backend.call("draft_start", { reference: null, linked: { parent, url } });
    app.flash("A linked request is started", `It is for the person whose page was found during request ${parent}, and it is flagged for the service director. The access session stays open.`);
    location.replace(`#/drafts/${draft.id}/case`);
  } catch (error) {
    app.showFailure(error);
  }
}

async function newRequest(app: App): Promise<void> {
  try {
    const draft = await app.backend.call("draft_start", { reference: null, linked: null });
    location.replace(`#/drafts/${draft.id}/case`);
  } catch (error) {
    app.showFailure(error);
  }
}

function highlight(section: string): void {
  for (const link of document.querySelectorAll<HTMLAnchorElement>(".app-nav__link")) {
    if (link.dataset.section === section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

/** The HTTP door's token: given once in the address (`#token=…`, then taken out of it) and
 *  kept for this tab only. */
function doorToken(): string | null {
  const given = /^#token=([0-9a-f]{64})$/.exec(location.hash);
  if (given) {
    sessionStorage.setItem("triangulate-token", given[1]);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem("triangulate-token");
}

async function chooseBackend(): Promise<Backend> {
  // In the desktop's window, its IPC; in a browser, the HTTP door that served the page.
  if ("__TAURI_INTERNALS__" in window) return tauriBackend;
  return httpBackend(location.origin, doorToken() ?? "");
}

async function start(): Promise<void> {
  const main = document.getElementById("main-content")!;
  const backend = await chooseBackend();
  const shell: Shell = createShell(backend, main, () => void route(shell, location.hash));
  window.addEventListener("hashchange", () => void route(shell, location.hash));
  // The skip link moves focus to the content; it is not a screen of its own.
  document.getElementById("skip-link")!.addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
  await route(shell, location.hash);
}

void start();
