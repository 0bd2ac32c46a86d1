// The shell every screen renders into: the backend, the main element, page titles, focus,
// and a one-time message carried to the next screen.
import type { Backend } from "./backend";
import { asIpcError } from "./backend";
import { errorSummary, notification } from "./components";
import { h } from "./dom";
import type { FieldError } from "./generated/ipc";

export interface App {
  backend: Backend;
  /** Replaces the main content; the page's title is "<heading> – Triangulate". */
  show(title: string, ...content: (Node | null)[]): void;
  /** Shows an error summary at the top of the current content and moves focus to it. */
  showErrors(fields: FieldError[]): void;
  /** Shows a failure that is not about a field: what went wrong, in the backend's words. */
  showFailure(error: unknown): void;
  go(hash: string): void;
  /** A success message for the next screen shown. */
  flash(title: string, body?: string): void;
  /** Work to finish before the next screen loads, such as a draft's pending save. */
  beforeLeave(work: () => Promise<unknown>): void;
  /** Finishes that work; the router calls it before every screen. */
  leave(): Promise<void>;
}

export function createApp(backend: Backend, main: HTMLElement, route: () => void): App {
  let pendingFlash: { title: string; body: string } | null = null;
  let currentTitle = "Triangulate";
  let leaving: (() => Promise<unknown>)[] = [];
  const app: App = {
    backend,
    show(title, ...content) {
      currentTitle = title;
      document.title = `${title} – Triangulate`;
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
      document.title = `Error: ${currentTitle} – Triangulate`;
      main.querySelector("#error-summary")?.remove();
      main.querySelector("#failure")?.remove();
      const summary = errorSummary(fields);
      const anchor = main.querySelector(".govuk-back-link");
      if (anchor) anchor.after(summary);
      else main.prepend(summary);
      summary.focus();
    },
    showFailure(error) {
      const failure = asIpcError(error);
      if (failure.code === "invalid_fields") {
        app.showErrors(failure.fields);
        return;
      }
      document.title = `Error: ${currentTitle} – Triangulate`;
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
      if (location.hash === hash) route();
      else location.hash = hash;
    },
    flash(title, body = "") {
      pendingFlash = { title, body };
    },
    beforeLeave(work) {
      leaving.push(work);
    },
    async leave() {
      const work = leaving;
      leaving = [];
      await Promise.all(work.map((w) => w()));
    },
  };
  return app;
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
