// The shell every screen renders into: the backend, the main element, page titles, focus,
// and a one-time message carried to the next screen. Each navigation gets its own view: a
// screen that finishes loading after the worker has moved on draws nothing.
import type { Backend } from "./backend";
import { asIpcError } from "./backend";
import { errorSummary, notification, sentence } from "./components";
import { h } from "./dom";
import type { FieldError } from "./generated/ipc";

export interface App {
  backend: Backend;
  /** Replaces the main content; the page's title is "<heading> – Triangulate". */
  show(title: string, ...content: (Node | null)[]): void;
  /** Shows an error summary at the top of the current content and moves focus to it. */
  showErrors(fields: FieldError[]): void;
  /** Shows a failure that is not about a field, in the backend's words; on a screen that has
   *  not drawn yet, as a page of its own. */
  showFailure(error: unknown): void;
  go(hash: string): void;
  /** A success message for the next screen shown. */
  flash(title: string, body?: string): void;
  /** Work to finish before the next screen loads, such as a draft's pending save; it
   *  resolves to false when the screen must not be left (the save failed). */
  beforeLeave(work: () => Promise<boolean>): void;
}

/** What the router holds: it opens one view per navigation. */
export interface Shell {
  view(): App;
  /** Runs every `beforeLeave`; false when one says the screen must not be left. */
  leave(): Promise<boolean>;
}

export function createShell(backend: Backend, main: HTMLElement, route: () => void): Shell {
  let pendingFlash: { title: string; body: string } | null = null;
  let leaving: (() => Promise<boolean>)[] = [];
  let generation = 0;

  const shell: Shell = {
    async leave() {
      const work = leaving;
      leaving = [];
      const results = await Promise.all(work.map((w) => w()));
      if (results.includes(false)) {
        leaving = work;
        return false;
      }
      return true;
    },
    view() {
      const mine = ++generation;
      const current = () => mine === generation;
      let title = "Triangulate";
      let shown = false;
      const app: App = {
        backend,
        show(pageTitle, ...content) {
          if (!current()) return;
          shown = true;
          title = pageTitle;
          document.title = `${pageTitle} – Triangulate`;
          const banner = pendingFlash ? notification(pendingFlash.title, pendingFlash.body) : null;
          pendingFlash = null;
          main.replaceChildren(...[banner, ...content].filter((c): c is Node => c !== null));
          const heading = main.querySelector("h1");
          if (heading) {
            heading.setAttribute("tabindex", "-1");
            heading.focus();
          }
        },
        showErrors(fields) {
          if (!current()) return;
          document.title = `Error: ${title} – Triangulate`;
          main.querySelector("#error-summary")?.remove();
          main.querySelector("#failure")?.remove();
          const summary = errorSummary(fields);
          const anchor = main.querySelector(".govuk-back-link");
          if (anchor) anchor.after(summary);
          else main.prepend(summary);
          summary.focus();
        },
        showFailure(error) {
          if (!current()) return;
          const failure = asIpcError(error);
          if (failure.code === "invalid_fields" && shown) {
            app.showErrors(failure.fields);
            return;
          }
          // What was asked for is not there: a page of its own with ways back, not a dead end.
          if (!shown && failure.code === "not_found") {
            app.show(
              "Not found",
              h("h1", { class: "govuk-heading-l" }, "Not found"),
              h("p", { class: "govuk-body", id: "not-found-message" }, sentence(failure.message)),
              h("p", { class: "govuk-body" }, "If a reference was typed or copied, check it. What is found here:"),
              h(
                "ul",
                { class: "govuk-list", id: "not-found-links" },
                h("li", {}, h("a", { class: "govuk-link", href: "#/requests", id: "not-found-requests" }, "All requests, with a search by reference, case or name")),
                h("li", {}, h("a", { class: "govuk-link", href: "#/", id: "not-found-home" }, "Home: what waits for you")),
              ),
            );
            document.title = "Not found – Triangulate";
            return;
          }
          if (!shown) app.show("This could not be opened", h("h1", { class: "govuk-heading-l" }, "This could not be opened"));
          document.title = `Error: ${title} – Triangulate`;
          main.querySelector("#failure")?.remove();
          const box = h(
            "div",
            { class: "govuk-error-summary", id: "failure", tabindex: "-1" },
            h("div", { role: "alert" }, h("h2", { class: "govuk-error-summary__title" }, "This could not be done"), h("div", { class: "govuk-error-summary__body" }, h("p", { class: "govuk-body", id: "failure-message" }, failure.message))),
          );
          main.prepend(box);
          box.focus();
        },
        go(hash) {
          if (!current()) return;
          if (location.hash === hash) route();
          else location.hash = hash;
        },
        flash(flashTitle, body = "") {
          pendingFlash = { title: flashTitle, body };
        },
        beforeLeave(work) {
          if (current()) leaving.push(work);
        },
      };
      return app;
    },
  };
  return shell;
}

/** Submits a form: field errors draw the form again with them; any other failure is shown. */
export async function submitForm(app: App, work: () => Promise<void>, render: (fields: FieldError[]) => void): Promise<void> {
  try {
    await work();
  } catch (error) {
    const failure = asIpcError(error);
    if (failure.code === "invalid_fields") render(failure.fields);
    else app.showFailure(failure);
  }
}

/** Runs a backend call; a failure is shown on the page instead of thrown. */
export async function attempt<T>(app: App, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    app.showFailure(error);
    return undefined;
  }
}

export function pageHeading(text: string, caption?: string): HTMLElement[] {
  const nodes: HTMLElement[] = [];
  if (caption) nodes.push(h("span", { class: "govuk-caption-l" }, caption));
  nodes.push(h("h1", { class: "govuk-heading-l" }, text));
  return nodes;
}

export function ukTime(stored: string): string {
  const date = new Date(stored);
  if (Number.isNaN(date.getTime())) return stored;
  return date.toLocaleString("en-GB", { timeZone: "Europe/London", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** A period as people write it: "1 September to 31 October 2026", "1 December 2026 to 2 January 2027". */
export function longPeriod(from: string, to: string): string {
  return joinPeriod(longDate(from), longDate(to));
}

/** Two dates already written out, as a period: the year said once when both share it. */
export function joinPeriod(from: string, to: string): string {
  const yearOf = (text: string) => text.match(/ (\d{4})$/)?.[1];
  if (yearOf(from) && yearOf(from) === yearOf(to)) return `${from.replace(/ \d{4}$/, "")} to ${to}`;
  return `${from} to ${to}`;
}

/** A calendar date as people write it: "2 March 1990"; anything else as it is. */
export function longDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return iso;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  // 31 February is not a date: it is shown as given, not as 3 March.
  if (date.getUTCDate() !== Number(match[3]) || date.getUTCMonth() !== Number(match[2]) - 1) return iso;
  return date.toLocaleDateString("en-GB", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" });
}
