// The investigation log (Appendix 2) of a request: the searches made, the findings and the
// captures they rest on, disagreements about what is relevant with the service manager's
// outcome, the access worker's completion, the social worker's assessment, and sharing.
// What may be done now comes from the backend (`actions`); each is a form of its own.
// A finalised version is read-only; a correction starts a new one, and every version can be
// read and compared with another.
import { App, attempt, pageHeading, submitForm, ukTime } from "../app";
import { Errors, backLink, button, capturePicture, checkboxes, dateInput, errorsFrom, linkButton, plural, radios, sentence, summaryList, table, textArea, textInput } from "../components";
import { Child, h } from "../dom";
import type { Contribution, FieldError, InvestigationLog, LogPage, SearchForm, ShareRecipient, StaffRecord, Step } from "../generated/ipc";
import { asIpcError } from "../backend";
import { choiceName, deciderValue, laptopWorker, notYours, proxyFields } from "./decider";
import { requestHref } from "./request-page";
import { stateTag } from "./requests";

export const CONTRIBUTIONS: [Contribution, string, string][] = [
  ["little", "Little", "The check added little to what was known"],
  ["some", "Some", "The check added something to the assessment"],
  ["considerable", "Considerable", "The check added considerably to the assessment"],
  ["significant", "Significant", "The check was significant to the assessment"],
];

const RECIPIENTS: [ShareRecipient, string][] = [
  ["tm", "The team manager"],
  ["sm", "The service manager"],
  ["sd", "The service director"],
];

export const LOG_FORMS = ["search", "finding", "disagree", "settle", "complete", "finalise", "share", "correct"] as const;
export type LogForm = (typeof LOG_FORMS)[number];

export function isLogForm(value: string | undefined): value is LogForm {
  return (LOG_FORMS as readonly string[]).includes(value ?? "");
}

function logHref(reference: string, rest = ""): string {
  return requestHref(reference, `/log${rest}`);
}

function paragraphs(text: string): HTMLElement {
  return h("div", {}, ...text.split(/\n{2,}/).map((p) => h("p", { class: "govuk-body app-pre-line" }, p)));
}

function accountName(page: LogPage, id: number): string {
  const account = page.accounts.find((a) => a.id === id);
  return account ? `${account.platform}: ${account.handle}` : `Account ${id}`;
}

function captureName(page: LogPage, id: number): string {
  const capture = page.captures.find((c) => c.id === id);
  return capture ? `Capture ${id}: ${capture.title || capture.url} (${ukTime(capture.taken_at)})` : `Capture ${id}`;
}

/** A capture a finding rests on: its thumbnail and its whole page's SHA-256 (filled in by
 *  `fillCaptures` once the page is shown), linked to the capture's own screen. */
function restsOn(page: LogPage, id: number): HTMLElement {
  return h(
    "li",
    { class: "app-rests-on__item" },
    h("img", { class: "app-rests-on__thumbnail", alt: `Capture ${id} as the worker saw it`, "data-capture": String(id) }),
    h(
      "div",
      {},
      h("a", { class: "govuk-link", href: `#/captures/${id}` }, `Capture ${id}`),
      h("span", { class: "app-untrusted" }, captureName(page, id).replace(/^Capture \d+/, "")),
      h("br"),
      h("span", { class: "govuk-body-s" }, "Whole page SHA-256 "),
      h("code", { class: "app-digest", "data-capture-digest": String(id) }, "…"),
    ),
  );
}

let revealCount = 0;

/** Loads each capture a finding rests on once, for its thumbnail and digest. */
async function fillCaptures(app: App): Promise<void> {
  const ids = [...new Set([...document.querySelectorAll<HTMLImageElement>("img[data-capture]")].map((img) => Number(img.dataset.capture)))];
  for (const id of ids) {
    const capture = await app.backend.call("capture_get", { id }).catch(() => null);
    for (const img of document.querySelectorAll<HTMLImageElement>(`img[data-capture="${id}"]`)) {
      if (!capture) {
        img.remove();
        continue;
      }
      img.src = capture.thumbnail;
      // Blurred in the same task, before the page is drawn again: never shown sharp first.
      if (capture.blurred) img.replaceWith(capturePicture(img.cloneNode(true) as HTMLImageElement, true, `reveal-${id}-${++revealCount}`));
    }
    const digest = capture?.artefacts.find((a) => a.kind === "full_page_png")?.sha256 ?? "not readable";
    for (const code of document.querySelectorAll(`code[data-capture-digest="${id}"]`)) code.textContent = digest;
  }
}

export async function logScreen(app: App, reference: string, version: number | null, compare: number | null): Promise<void> {
  const page = await attempt(app, () => app.backend.call("log_get", { reference, version, compare }));
  if (!page) return;
  const request = await app.backend.call("request_get", { reference }).catch(() => null);
  showLog(app, page, request?.record.log_versions.map((v) => sentence(v.in_words)) ?? []);
}

function versionLinks(page: LogPage): Child[] {
  const shown = page.shown!;
  if (page.versions.length < 2) return [];
  return [
    h("h2", { class: "govuk-heading-m" }, "Versions"),
    h(
      "ul",
      { class: "govuk-list", id: "versions" },
      ...page.versions.map((v) =>
        h(
          "li",
          {},
          v === shown.version
            ? h("span", { class: "govuk-!-font-weight-bold", "aria-current": "page" }, `Version ${v} (shown)`)
            : h("a", { class: "govuk-link", href: logHref(page.reference, `?version=${v}`) }, `Version ${v}`),
          v === shown.version ? null : " – ",
          v === shown.version ? null : h("a", { class: "govuk-link", href: logHref(page.reference, `?version=${shown.version}&compare=${v}`), id: `compare-${v}` }, `what changed between versions ${Math.min(v, shown.version)} and ${Math.max(v, shown.version)}`),
        ),
      ),
    ),
  ];
}

function comparison(page: LogPage): Child[] {
  const c = page.comparison;
  if (!c) return [];
  if (!c.differences.length) return [h("p", { class: "govuk-body", id: "differences" }, `Versions ${c.from} and ${c.to} are the same.`)];
  return [
    table(
      `What changed between version ${c.from} and version ${c.to}`,
      ["Part", `Version ${c.from}`, `Version ${c.to}`],
      c.differences.map((d) => [d.part, d.before ?? "Not there", d.after ?? "Not there"]),
      "differences",
    ),
  ];
}

function logContent(page: LogPage, log: InvestigationLog, editable: boolean): Child[] {
  const content: Child[] = [];
  content.push(
    log.searches.length
      ? table(
          "Searches made",
          ["Time", "Platform", "Sanctioned account", "What was searched", "Result"],
          log.searches.map((s) => [ukTime(s.at), s.platform, accountName(page, s.account_id), s.searched, paragraphs(s.result)]),
          "searches",
        )
      : h("h2", { class: "govuk-heading-m" }, "Searches made"),
  );
  if (!log.searches.length) content.push(h("p", { class: "govuk-body", id: "no-searches" }, "No search recorded yet."));
  content.push(h("h2", { class: "govuk-heading-m" }, "Findings"));
  content.push(
    log.findings.length
      ? h(
          "ol",
          { class: "govuk-list", id: "findings" },
          ...log.findings.map((f) =>
            h(
              "li",
              {},
              h("h3", { class: "govuk-heading-s" }, `Finding ${f.number}`),
              paragraphs(f.text),
              f.captures.length
                ? h(
                    "div",
                    { class: "app-rests-on" },
                    h("p", { class: "govuk-body-s" }, "Rests on:"),
                    h("ul", { class: "govuk-list app-rests-on__list" }, ...f.captures.map((c) => restsOn(page, c))),
                  )
                : null,
            ),
          ),
        )
      : h("p", { class: "govuk-body", id: "no-findings" }, "No finding recorded yet."),
  );
  if (log.disagreements.length) {
    content.push(
      h("h2", { class: "govuk-heading-m" }, "Disagreements about what is relevant"),
      h(
        "ol",
        { class: "govuk-list", id: "disagreements" },
        ...log.disagreements.map((d) =>
          h(
            "li",
            {},
            h("h3", { class: "govuk-heading-s" }, `Disagreement ${d.number}`),
            paragraphs(d.about),
            h("p", { class: "govuk-body-s" }, `Raised by ${d.raised_by}, ${ukTime(d.at)}.`),
            d.outcome
              ? h("div", { class: "govuk-inset-text" }, h("p", { class: "govuk-body" }, `Service manager's outcome (${d.outcome.by}, ${ukTime(d.outcome.at)}):`), paragraphs(d.outcome.decision))
              : h(
                  "p",
                  { class: "govuk-body" },
                  "Waiting for the service manager's outcome. ",
                  editable ? h("a", { class: "govuk-link", href: logHref(page.reference, `/settle/${d.number}`), id: `settle-${d.number}` }, `Record the outcome of disagreement ${d.number}`) : null,
                ),
          ),
        ),
      ),
    );
  }
  const rating = log.assessment ? CONTRIBUTIONS.find(([c]) => c === log.assessment!.rating)?.[1] ?? log.assessment.rating : null;
  content.push(
    h("h2", { class: "govuk-heading-m" }, "Completion, assessment and sharing"),
    summaryList(
      [
        ["Completed by the Authorised Access Worker", log.completed ? `${log.completed.by}, ${ukTime(log.completed.at)}` : "Not yet", null],
        ["Contribution of the check", rating ?? "Not assessed yet", null],
        ["Assessment", log.assessment ? paragraphs(log.assessment.text) : "Not assessed yet", null],
        ["Assessed by", log.assessment ? `${log.assessment.by}, ${ukTime(log.assessment.at)}` : "Not assessed yet", null],
        [
          "Shared",
          log.shared.length
            ? h("ul", { class: "govuk-list" }, ...log.shared.map((s) => h("li", {}, `With ${s.with.map((w) => RECIPIENTS.find(([r]) => r === w)?.[1].toLowerCase() ?? w).join(", ")}, by ${s.by}, ${ukTime(s.at)}`)))
            : "Not yet",
          null,
        ],
      ],
      "log-summary",
    ),
  );
  return content;
}

export function showLog(app: App, page: LogPage, signed: string[]): void {
  const title = "Investigation log";
  const content: Child[] = [backLink(requestHref(page.reference), `Request ${page.reference}`), ...pageHeading(title, `Request ${page.reference}, case ${page.case_reference}`)];
  content.push(h("p", { class: "govuk-body", id: "request-state" }, "Request: ", stateTag(page.state, page.state_label)));
  const shown = page.shown;
  const a = page.actions;
  if (!shown) {
    content.push(
      h("p", { class: "govuk-body", id: "no-log" }, "The log starts with the first search. "),
      a.add_search
        ? linkButton("Record a search", logHref(page.reference, "/search"), { id: "add-search" })
        : h("p", { class: "govuk-body", id: "not-ready" }, "Searches are recorded once the request is permitted and its legitimacy confirmed by an Authorised Access Worker."),
    );
    app.show(title, ...content.filter((c): c is Node => c instanceof Node));
    return;
  }
  const status = shown.finalised_at
    ? `Version ${shown.version}, finalised ${ukTime(shown.finalised_at)}: read-only.`
    : `Version ${shown.version}, being written.`;
  content.push(h("p", { class: "govuk-body", id: "log-version" }, status));
  if (!page.latest) content.push(h("div", { class: "govuk-inset-text", id: "earlier-version" }, "This is an earlier version, kept as it was. ", h("a", { class: "govuk-link", href: logHref(page.reference) }, "Read the latest version")));
  if (shown.log.correction_note) content.push(h("div", { class: "govuk-inset-text", id: "correction-note" }, h("p", { class: "govuk-body" }, "Why this version corrects the last:"), paragraphs(shown.log.correction_note)));
  content.push(...comparison(page));
  // One main action: once the latest version is finalised, the final PDF for the care
  // record; before, finalising or completing when it is the worker's own, and otherwise
  // recording a search (the first, or another).
  const own = (step: Step) => page.offers.find((o) => o.step === step)?.yours ?? true;
  const finalised = page.latest && Boolean(shown.finalised_at);
  const main = finalised
    ? "export"
    : a.finalise && own("finalise-log")
      ? "finalise"
      : a.complete && own("complete-log") && shown.log.searches.length
        ? "complete"
        : a.add_search
          ? "search"
          : a.share && own("share")
            ? "share"
            : null;
  const actions: Child[] = [
    finalised ? linkButton("Export the final PDF for the care record", requestHref(page.reference, "/export"), { id: "export-final" }) : null,
    a.add_search ? linkButton("Record a search", logHref(page.reference, "/search"), { id: "add-search", secondary: main !== "search" }) : null,
    a.add_finding ? linkButton("Record a finding", logHref(page.reference, "/finding"), { id: "add-finding", secondary: true }) : null,
    a.disagree ? linkButton("Record a disagreement about relevance", logHref(page.reference, "/disagree"), { id: "disagree", secondary: true }) : null,
    a.complete ? offered(page, "complete-log", "Complete the log", "complete", main !== "complete") : null,
    a.finalise ? offered(page, "finalise-log", "Assess and finalise", "finalise", main !== "finalise") : null,
    a.share ? offered(page, "share", "Record sharing", "share", main !== "share") : null,
    a.correct ? linkButton("Correct", logHref(page.reference, "/correct"), { id: "correct", secondary: true }) : null,
    a.close ? linkButton("Close the request", requestHref(page.reference, "/step/close"), { id: "close", secondary: true }) : null,
  ].filter(Boolean);
  if (actions.length) content.push(h("div", { class: "govuk-button-group", id: "log-actions" }, ...actions.filter((c) => !(c instanceof HTMLElement && c.classList.contains("app-offer")))));
  content.push(...actions.filter((c) => c instanceof HTMLElement && c.classList.contains("app-offer")));
  if (signed.length) content.push(versionsSigned(signed));
  content.push(...logContent(page, shown.log, page.latest && !shown.finalised_at));
  content.push(...versionLinks(page));
  if (!finalised) content.push(h("p", { class: "govuk-body" }, h("a", { class: "govuk-link", href: requestHref(page.reference, "/export"), id: "export-log" }, "Export the log as a PDF to share")));
  app.show(title, ...content.filter((c): c is Node => c instanceof Node));
  void fillCaptures(app);
}

/** Completing, finalising or sharing: a button when it is the worker's own step; otherwise
 *  who it waits for, and a link to record a decision made by email. */
function offered(page: LogPage, step: Step, label: string, form: LogForm, secondary: boolean): HTMLElement {
  const offer = page.offers.find((o) => o.step === step);
  if (!offer || offer.yours) return linkButton(label, logHref(page.reference, `/${form}`), { id: form, secondary });
  return h(
    "div",
    { class: "app-offer app-next-step", id: `offer-${form}` },
    h("h2", { class: "govuk-heading-s" }, label),
    notYours(`waits-${form}`, offer.not_yours, offer.waits_for),
    offer.waits_for.length
      ? h("p", { class: "govuk-body" }, h("a", { class: "govuk-link", href: logHref(page.reference, `/${form}/proxy`), id: `proxy-${form}` }, "Record a decision made by email", h("span", { class: "govuk-visually-hidden" }, `: ${label.toLowerCase()}`)))
      : null,
  );
}

/** Who completed and who finalised each version of the log, from the request's record. */
function versionsSigned(signed: string[]): HTMLElement {
  return h("div", { id: "versions-signed" }, h("h2", { class: "govuk-heading-m" }, "Who completed and finalised each version"), h("ul", { class: "govuk-list" }, ...signed.map((v) => h("li", {}, v))));
}

/** One of the log's forms: its fields, drawn again with the errors the backend gives. */
async function logFormScreen(
  app: App,
  reference: string,
  title: string,
  fields: (page: LogPage, errors: Errors) => Child[],
  submit: (page: LogPage) => Promise<unknown>,
  done: string,
): Promise<void> {
  const page = await attempt(app, () => app.backend.call("log_get", { reference, version: null, compare: null }));
  if (!page) return;
  const render = (errorList: FieldError[]) => {
    const errors = errorsFrom(errorList);
    app.show(
      title,
      backLink(logHref(reference), "Investigation log"),
      h("span", { class: "govuk-caption-l" }, `Request ${reference}`),
      h("h1", { class: "govuk-heading-l" }, title),
      h("form", { novalidate: "", id: "log-form" }, ...fields(page, errors), button(title, () => save(), { id: "save" })),
    );
    if (errorList.length) app.showErrors(errorList);
  };
  const save = () =>
    submitForm(
      app,
      async () => {
        await submit(page);
        app.flash(done);
        app.go(logHref(reference));
      },
      render,
    );
  render([]);
}

export async function logForm(app: App, reference: string, form: LogForm, number: number | null, proxy = false): Promise<void> {
  const worker = await laptopWorker(app);
  const name = worker?.name ?? "";
  if (form === "complete" || form === "finalise" || form === "share") return signForm(app, reference, form, worker, proxy);
  if (form === "search") {
    const args: SearchForm = { account: null, platform: "", searched: "", result: "", date: { day: "", month: "", year: "" }, time: "" };
    return logFormScreen(
      app,
      reference,
      "Record a search",
      (page, errors) => [
        page.accounts.length
          ? radios<number>({ id: "account", label: "Sanctioned account used", errors, value: args.account, choices: page.accounts.map((acc) => ({ value: acc.id, label: `${acc.platform}: ${acc.handle}`, hint: acc.identifiable_as_council ? "Identifiable as the council's" : "Not identifiable as the council's" })), onChange: (v) => (args.account = v) })
          : h("div", { class: "govuk-inset-text", id: "account" }, "No sanctioned account is registered: ", h("a", { class: "govuk-link", href: "#/accounts" }, "add one"), " first."),
        textInput({ id: "searched", label: "What was searched", hint: "The name, alias or address searched for", errors, value: args.searched, onInput: (v) => (args.searched = v) }),
        textArea({ id: "result", label: "Result", hint: "What the search found, or that it found nothing", errors, rows: 4, value: args.result, onInput: (v) => (args.result = v) }),
        dateInput({ id: "at", label: "Date of the search", optional: true, hint: "For example, 23 11 2026. Leave the date and time empty for now.", errors, value: args.date, onInput: (v) => (args.date = v) }),
        textInput({ id: "time", label: "Time of the search", optional: true, hint: "UK time on the 24-hour clock, for example 14:05", width: "5", errors, value: args.time, onInput: (v) => (args.time = v) }),
      ],
      () => app.backend.call("log_add_search", { reference, search: args }),
      "The search is recorded",
    );
  }
  if (form === "finding") {
    const args = { text: "", captures: [] as number[] };
    return logFormScreen(
      app,
      reference,
      "Record a finding",
      (page, errors) => [
        textArea({ id: "text", label: "Finding", hint: "What was found that bears on the concern", errors, rows: 5, value: args.text, onInput: (v) => (args.text = v) }),
        page.captures.length
          ? checkboxes<number>({ id: "captures", label: "Captures it rests on", optional: true, hint: "The captures of this request that show it", errors, values: args.captures, choices: page.captures.map((c) => ({ value: c.id, label: captureName(page, c.id), hint: c.relevant === null ? "Not judged yet" : c.relevant ? "Judged relevant" : "Judged not relevant" })), onChange: (v) => (args.captures = v) })
          : h("p", { class: "govuk-body", id: "captures" }, "No capture of this request has been taken."),
      ],
      () => app.backend.call("log_add_finding", { reference, text: args.text, captures: args.captures }),
      "The finding is recorded",
    );
  }
  if (form === "disagree") {
    const args = { by: name, about: "" };
    return logFormScreen(
      app,
      reference,
      "Record a disagreement about relevance",
      (_, errors) => [
        h("p", { class: "govuk-body" }, "Where the social worker and the Authorised Access Worker disagree about what is relevant, the service manager decides."),
        textInput({ id: "by", label: "Raised by", errors, value: args.by, onInput: (v) => (args.by = v) }),
        textArea({ id: "about", label: "What is disagreed about", hint: "The information, and each side's view", errors, rows: 5, value: args.about, onInput: (v) => (args.about = v) }),
      ],
      () => app.backend.call("log_disagree", { reference, by: args.by, about: args.about }),
      "The disagreement is recorded for the service manager",
    );
  }
  if (form === "settle") {
    const args = { by: "", outcome: "" };
    return logFormScreen(
      app,
      reference,
      `Record the service manager's outcome of disagreement ${number ?? ""}`.trim(),
      (_, errors) => [
        textInput({ id: "by", label: "Service manager", hint: "Their full name", errors, value: args.by, onInput: (v) => (args.by = v) }),
        textArea({ id: "outcome", label: "Outcome", errors, rows: 4, value: args.outcome, onInput: (v) => (args.outcome = v) }),
      ],
      () => app.backend.call("log_settle", { reference, disagreement: number ?? 0, by: args.by, outcome: args.outcome }),
      "The service manager's outcome is recorded",
    );
  }
  const args = { note: "" };
  return logFormScreen(
    app,
    reference,
    "Correct the log",
    (_, errors) => [
      h("p", { class: "govuk-body" }, "A correction starts a new version, copied from this one, to be edited and finalised again. This version stays as it is."),
      textArea({ id: "note", label: "Why the log is corrected", errors, rows: 4, value: args.note, onInput: (v) => (args.note = v) }),
    ],
    () => app.backend.call("log_correct", { reference, note: args.note }),
    "A new version of the log is started",
  );
}

const SIGN_STEPS: Record<"complete" | "finalise" | "share", [Step, string, string]> = {
  complete: ["complete-log", "Complete the log", "The log is completed"],
  finalise: ["finalise-log", "Assess and finalise", "The log is finalised"],
  share: ["share", "Record sharing", "The sharing is recorded"],
};

/** Completing, finalising or sharing: in the worker's own name when the step is theirs (the
 *  form does not ask who), or for the person who took it, chosen from those who may, with
 *  the evidence it came in. */
async function signForm(app: App, reference: string, form: "complete" | "finalise" | "share", worker: StaffRecord | null, proxy: boolean): Promise<void> {
  const [step, title, done] = SIGN_STEPS[form];
  const who = { decided_by: "", evidence: "" };
  const assessment = { rating: null as Contribution | null, text: "" };
  const recipients = { with: [] as ShareRecipient[] };
  let forSomeoneElse = proxy || !worker;
  const whose = h("p", { class: "govuk-body", id: "whose-decision" });
  const by = () => (forSomeoneElse ? who.decided_by : deciderValue(worker!));
  const evidence = () => (forSomeoneElse ? who.evidence : "");
  const call = async (): Promise<unknown> => {
    try {
      if (form === "complete") return await app.backend.call("log_complete", { reference, by: by(), evidence: evidence() });
      if (form === "finalise") return await app.backend.call("log_finalise", { reference, by: by(), evidence: evidence(), rating: assessment.rating ?? "", assessment: assessment.text });
      return await app.backend.call("log_share", { reference, by: by(), evidence: evidence(), with: recipients.with });
    } catch (error) {
      const failure = asIpcError(error);
      // The backend names the decider's field "by", as the CLI's flag; a person not in the
      // directory is a problem with that field.
      if ((failure.code === "invalid_fields" || failure.code === "unknown_staff") && failure.fields.length) {
        // Chosen among radios, an empty decider is a choice not made, not a name not typed.
        const unchosen = forSomeoneElse && !who.decided_by.trim();
        throw {
          ...failure,
          code: "invalid_fields",
          fields: failure.fields.map((f) => (f.field === "by" ? { ...f, field: forSomeoneElse ? "decided_by" : "by", ...(unchosen ? { message: "Choose whose decision it is" } : {}) } : f)),
        };
      }
      throw failure;
    }
  };
  return logFormScreen(
    app,
    reference,
    title,
    (page, errors) => {
      const offer = page.offers.find((o) => o.step === step);
      if (offer && !offer.yours) forSomeoneElse = true;
      whose.textContent = forSomeoneElse
        ? "Record a decision made by email or memo: choose whose it is and give its evidence."
        : `Recorded in your own name, ${worker!.name}.`;
      const fields: Child[] = [];
      if (forSomeoneElse && offer && !offer.yours) fields.push(notYours("not-yours", offer.not_yours, offer.waits_for));
      fields.push(whose);
      if (forSomeoneElse) {
        fields.push(...proxyFields(who, offer?.waits_for ?? [], errors, (choice) => {
          whose.textContent = `You are recording ${choiceName(choice)}'s decision, made by email or memo.`;
        }));
      }
      if (form === "complete") {
        fields.unshift(h("p", { class: "govuk-body" }, `The Authorised Access Worker completes the log when the searches are done; it passes to the originating social worker to assess. ${plural(page.shown?.log.searches.length ?? 0, "search", "searches")} and ${plural(page.shown?.log.findings.length ?? 0, "finding")} recorded.`));
      }
      if (form === "finalise") {
        fields.push(
          radios<Contribution>({ id: "rating", label: "How much did the check contribute?", errors, value: assessment.rating, choices: CONTRIBUTIONS.map(([value, label, hint]) => ({ value, label, hint })), onChange: (v) => (assessment.rating = v) }),
          textArea({ id: "assessment", label: "Assessment of the information", errors, rows: 5, value: assessment.text, onInput: (v) => (assessment.text = v) }),
          h("p", { class: "govuk-body" }, "Once finalised, this version of the log is read-only; a mistake is put right by a correction, which starts a new version."),
        );
      }
      if (form === "share") {
        fields.push(checkboxes<ShareRecipient>({ id: "with", label: "Shared with", errors, values: recipients.with, choices: RECIPIENTS.map(([value, label]) => ({ value, label })), onChange: (v) => (recipients.with = v) }));
      }
      return fields;
    },
    () => call(),
    done,
  );
}
