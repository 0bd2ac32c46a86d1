// Long work (a capture, a PDF, a bundle, a subject access export, a disposal) shown while it
// runs: a GOV.UK-style progress bar, a real <progress> with a visible label, fed by the
// backend's progress events for the work this screen started; the button that started it
// disabled and saying so until it ends, so it cannot be pressed twice; the bar gone after.
import type { App } from "./app";
import { h } from "./dom";
import type { Progress, Work } from "./generated/ipc";

export interface LongWork {
  /** Which work's events to show, and what it is about (as the backend names it). */
  work: Work;
  about: string;
  /** The bar's label and accessible name: "Exporting the PDF". */
  label: string;
  /** Where the bar is shown while the work runs. */
  place: HTMLElement;
  /** The button that started the work, and its words meanwhile ("Exporting…"). */
  trigger: HTMLButtonElement | null;
  busy: string;
  /** Other buttons that start the same work: disabled too. */
  others?: (HTMLButtonElement | null)[];
}

/** The work started on this page and not yet ended, by its work and subject. */
const running = new Set<string>();

/** The bar itself, for a screen that draws it (the session's own polling has its words). */
export function progressBar(label: string): { element: HTMLElement; show: (report: Progress) => void } {
  const bar = h("progress", { class: "app-progress__bar", id: "work-progress-bar", max: "1", value: "0", "aria-describedby": "work-progress-step" }) as HTMLProgressElement;
  const step = h("p", { class: "govuk-body app-progress__step", id: "work-progress-step", role: "status", "aria-live": "polite" }, "Starting…");
  const element = h(
    "div",
    { class: "app-progress", id: "work-progress" },
    h("label", { class: "govuk-label govuk-label--s", for: "work-progress-bar" }, label),
    bar,
    step,
  );
  const show = (report: Progress) => {
    bar.max = Math.max(report.total, 1);
    bar.value = Math.min(report.done, report.total);
    bar.textContent = `${report.done} of ${report.total} steps done`;
    step.textContent = `${report.step} (${report.done} of ${report.total} steps done)`;
  };
  return { element, show };
}

/** Runs `run` as long work: returns its answer, or undefined when the same work is already
 *  running (a second press starts nothing). A failure is thrown on, as `run` threw it. */
export async function withProgress<T>(app: App, options: LongWork, run: () => Promise<T>): Promise<T | undefined> {
  const key = `${options.work} ${options.about}`;
  if (running.has(key)) return undefined;
  running.add(key);
  const buttons = [options.trigger, ...(options.others ?? [])].filter((b): b is HTMLButtonElement => b !== null);
  const words = options.trigger?.textContent ?? "";
  buttons.forEach((b) => (b.disabled = true));
  if (options.trigger) {
    options.trigger.textContent = options.busy;
    options.trigger.setAttribute("aria-disabled", "true");
  }
  const { element, show } = progressBar(options.label);
  options.place.replaceChildren(element);
  const stop = await app.backend
    .onProgress((report) => {
      if (report.work !== options.work || report.about !== options.about) return;
      if (report.finished) element.remove();
      else show(report);
    })
    .catch(() => () => undefined);
  try {
    return await run();
  } finally {
    stop();
    element.remove();
    running.delete(key);
    if (options.trigger) {
      options.trigger.textContent = words;
      options.trigger.removeAttribute("aria-disabled");
    }
    buttons.forEach((b) => (b.disabled = false));
  }
}
