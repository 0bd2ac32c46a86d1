// One capture: its provenance first (address, time with its zone, who, account, session,
// the whole page's SHA-256, signature, trusted time, and tags for what a reader must know at
// once), any dispute, the page as the worker saw it, the worker's judgement (judging it not
// relevant confirmed first: it schedules a deletion), redacted copies, the findings that
// rest on it, every artefact's SHA-256 and every provenance row as the care-record PDF has
// them. The title, the address and the picture are page content: text nodes and an image,
// never markup.
import { App, attempt, longDate, pageHeading, submitForm, ukTime } from "../app";
import { backLink, button, capturePicture, errorsFrom, radios, sentence, summaryList, tag, textArea, textInput, warningText } from "../components";
import { Child, h } from "../dom";
import type { Attribution, CapturePage, FieldError, JudgementInput } from "../generated/ipc";

const CAPTURED_AT = "Captured at";

const ARTEFACTS: Record<string, string> = {
  full_page_png: "The whole page (PNG)",
  viewport_png: "The window as seen (PNG)",
  mhtml: "The page's snapshot (MHTML)",
  warc: "The page's web archive (WARC)",
};

const ATTRIBUTION: [Attribution, string, string][] = [
  ["verified", "Verified", "Confirmed as the person's: say how"],
  ["probable", "Probable", "Likely the person's: say why"],
  ["unverified", "Unverified", "Not known to be the person's"],
];

function bytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function judgementInput(page: CapturePage): JudgementInput {
  const j = page.judgement;
  return {
    relevant: j ? j.relevant : null,
    useful_and_unique: j ? j.useful_and_unique : null,
    attribution: j ? j.attribution : null,
    attribution_reason: j?.attribution_reason ?? "",
    notes: j?.notes ?? "",
    tags: j?.tags ?? [],
    collateral_intrusion: j?.collateral_intrusion ?? "",
  };
}

/** The capture's provenance first: where, when (with its zone), who, through which account
 *  and session, the whole page's SHA-256 with a way to copy it, the signature, whether a
 *  trusted timestamp dates it, and tags for what a reader must know at once. */
function provenanceCard(current: CapturePage): HTMLElement {
  const card = current.card;
  const tags: HTMLElement[] = [];
  if (card.outside_profiles) tags.push(tag("Not a listed profile", "orange"));
  if (current.cut_at_limit) tags.push(tag("Cut at the policy's limit", "orange"));
  if (current.disputes.length) tags.push(tag("Disputed", "red"));
  if (current.redactions.length) tags.push(tag("Redacted copy exists", "blue"));
  const signature = current.signature_valid && current.stored_hashes_match
    ? tag("Signature verified", "green")
    : tag("Signature does not verify", "red");
  const copied = h("span", { class: "govuk-body-s app-copy-status", id: "copy-status", role: "status", "aria-live": "polite" });
  const digest = card.whole_page_sha256;
  const copy = digest
    ? button("Copy the SHA-256", async () => {
        try {
          await navigator.clipboard.writeText(digest);
          copied.textContent = "Copied.";
        } catch {
          // Where the system refuses the clipboard, the digest is selected to copy by hand.
          const code = document.getElementById("card-sha256");
          if (code) window.getSelection()?.selectAllChildren(code);
          copied.textContent = "Selected: press Ctrl+C to copy it.";
        }
      }, { secondary: true, id: "copy-sha256" })
    : null;
  copy?.classList.add("app-copy-button");
  const rows: [string, Child][] = [
    ["Address", h("span", { class: "app-untrusted", id: "capture-url" }, current.url)],
    // A long title scrolls in its box, which the keyboard can reach.
    ["Page title", h("div", { class: "app-untrusted app-capture-title", id: "capture-title", tabindex: "0" }, current.title || "(no title)")],
    [CAPTURED_AT, h("span", { id: "card-captured-at" }, current.captured_at_text)],
    ["Captured by", h("span", { id: "card-worker" }, card.worker ?? "Not recorded: no worker profile when it was taken")],
    ["Sanctioned account", h("span", { id: "card-account" }, card.account)],
    ["Access session", h("span", { id: "card-session" }, card.session)],
    ["Whole page SHA-256", digest
      ? h("div", {}, h("code", { class: "app-digest", id: "card-sha256" }, digest), h("div", { class: "app-copy" }, copy, copied))
      : h("span", { id: "card-sha256" }, "No single picture of the whole page: it is kept as tiles, each with its digest below")],
    ["Signature", h("span", { id: "signature" }, signature, " ",
      current.signature_valid
        ? current.stored_hashes_match ? "The signed manifest and every stored file match." : "A stored file no longer matches its digest."
        : current.signature_problem ?? "")],
    ["Trusted timestamp", h("span", { id: "card-timestamp" }, sentence(card.timestamp))],
  ];
  if (current.taken) rows.push(["Full page", h("span", { id: "taken-way" }, sentence(`${current.taken.label}${current.taken.stopped ? `; ${current.taken.stopped}` : ""}`))]);
  if (current.cut_at_limit) rows.push(["Page height", h("span", { id: "card-cut" }, sentence(current.cut_at_limit.summary))]);
  return h(
    "div",
    { class: "govuk-summary-card", id: "provenance-card" },
    h("div", { class: "govuk-summary-card__title-wrapper" }, h("h2", { class: "govuk-summary-card__title" }, "Provenance")),
    h(
      "div",
      { class: "govuk-summary-card__content" },
      tags.length ? h("ul", { class: "app-tags", id: "card-tags" }, ...tags.map((t) => h("li", {}, t))) : null,
      summaryList(rows.map(([key, value]) => [key, value, null]), "card"),
    ),
  );
}

/** Disputes of the capture, near the top: each in its disputer's words, and a way to record one. */
function disputesSection(app: App, current: CapturePage, errors: ReturnType<typeof errorsFrom>, dispute: { by: string; text: string }, redraw: (next: CapturePage | null, fields: FieldError[]) => void): Child[] {
  return [
    h("h2", { class: "govuk-heading-m", id: "disputes-heading" }, "Disputes"),
    current.disputes.length
      ? h("ul", { class: "govuk-list app-disputes", id: "disputes" }, ...current.disputes.map((d) => h("li", {}, h("strong", {}, `${d.disputed_by}, ${ukTime(d.recorded_at)}: `), h("span", { class: "app-user-text" }, d.text))))
      : h("p", { class: "govuk-body", id: "disputes" }, "No one has disputed it."),
    h(
      "details",
      { class: "govuk-details", id: "dispute-details" },
      h("summary", { class: "govuk-details__summary" }, h("span", { class: "govuk-details__summary-text" }, "Record a dispute of this capture")),
      h(
        "div",
        { class: "govuk-details__text" },
        textInput({ id: "dispute-by", label: "Who disputes it", errors, value: dispute.by, onInput: (v) => (dispute.by = v) }),
        textArea({ id: "dispute-text", label: "What they dispute, in their words", rows: 3, errors, value: dispute.text, onInput: (v) => (dispute.text = v) }),
        button("Record the dispute", () => submitForm(app, async () => {
          await app.backend.call("dispute_record", { capture: current.id, request: null, finding: null, by: dispute.by, text: dispute.text });
          app.flash("Dispute recorded", "It goes with the capture into the care record and any subject access export.");
          dispute.by = "";
          dispute.text = "";
          redraw(await app.backend.call("capture_get", { id: current.id }), []);
        }, (f) => {
          redraw(null, f.map((e) => ({ ...e, field: `dispute-${e.field}` })));
          (document.getElementById("dispute-details") as HTMLDetailsElement | null)?.setAttribute("open", "");
        }), { id: "record-dispute", secondary: true }),
      ),
    ),
  ];
}

/** The days the policy keeps a capture judged not relevant, in words. */
function keptFor(days: number): string {
  if (days === 0) return "the retention policy does not keep captures judged not relevant";
  return `the retention policy keeps captures judged not relevant for ${days === 1 ? "1 day" : `${days} days`}`;
}

export async function captureScreen(app: App, id: number): Promise<void> {
  const page = await attempt(app, () => app.backend.call("capture_get", { id }));
  if (!page) return;
  const input = judgementInput(page);
  let tagsText = input.tags.join(", ");
  const title = `Capture ${page.id}`;
  const dispute = { by: "", text: "" };
  let shown = page;
  const render = (current: CapturePage, fields: FieldError[]) => {
    shown = current;
    const errors = errorsFrom(fields);
    const content: Child[] = [
      Object.assign(backLink(`#/sessions/${current.session}`, "Back to the session"), { id: "back-to-session" }),
      ...pageHeading(title, `Request ${current.request}`),
      provenanceCard(current),
      ...(current.disputes.length ? disputesSection(app, current, errors, dispute, (next, f) => render(next ?? shown, f)) : []),
      h("figure", { class: "app-thumbnail" },
        capturePicture(h("img", { src: current.thumbnail, alt: `The window as the worker saw it when capture ${current.id} was taken`, id: "thumbnail" }) as HTMLImageElement, current.blurred, "reveal"),
        h("figcaption", { class: "govuk-hint", id: "thumbnail-caption" }, `The window as the worker saw it. ${CAPTURED_AT}: `, h("span", { id: "thumbnail-captured-at" }, current.captured_at_text))),
      h("h2", { class: "govuk-heading-m", id: "judgement-heading" }, "Judgement"),
      current.judgement ? null : h("p", { class: "govuk-body", id: "not-judged" }, "Not judged yet: the care-record PDF needs every capture judged."),
      h(
        "form",
        { novalidate: "", id: "judgement-form" },
        radios<boolean>({ id: "relevant", label: "Is it relevant to the concern?", errors, value: input.relevant, choices: [{ value: true, label: "Yes, relevant" }, { value: false, label: "No, not relevant", hint: "Deleted under the retention policy: you are asked to confirm first" }], onChange: (v) => (input.relevant = v) }),
        radios<boolean>({ id: "useful_and_unique", label: "Is it useful, and not available elsewhere?", errors, value: input.useful_and_unique, choices: [{ value: true, label: "Yes, useful and not available elsewhere" }, { value: false, label: "No" }], onChange: (v) => (input.useful_and_unique = v) }),
        radios<Attribution>({
          id: "attribution",
          label: "Is the page the person's?",
          errors,
          value: input.attribution,
          choices: ATTRIBUTION.map(([value, label, hint]) => ({
            value,
            label,
            hint,
            conditional: value === "unverified" ? undefined : () => textArea({ id: "attribution_reason", label: "Why", errors, rows: 2, value: input.attribution_reason ?? "", onInput: (v) => (input.attribution_reason = v) }),
          })),
          onChange: (v) => { input.attribution = v; render(current, fields); document.getElementById(v === "verified" ? "attribution" : v === "probable" ? "attribution-2" : "attribution-3")?.focus(); },
        }),
        textArea({ id: "collateral_intrusion", label: "Collateral intrusion", optional: true, hint: "Who else appears (friends in photos, commenters), and what was done about it", errors, rows: 3, value: input.collateral_intrusion ?? "", onInput: (v) => (input.collateral_intrusion = v) }),
        textArea({ id: "notes", label: "Notes", optional: true, errors, rows: 3, value: input.notes ?? "", onInput: (v) => (input.notes = v) }),
        textInput({ id: "tags", label: "Tags", optional: true, hint: "Separated by commas. The tag distressing opens it blurred until someone chooses to see it", errors, value: tagsText, onInput: (v) => (tagsText = v) }),
        h("div", { class: "govuk-button-group" }, button(current.judgement ? "Save the changed judgement" : "Save the judgement", () => (input.relevant === false ? confirmNotRelevant(current) : save()), { id: "save-judgement" })),
      ),
      ...(current.disputes.length ? [] : disputesSection(app, current, errors, dispute, (next, f) => render(next ?? shown, f))),
      h("h2", { class: "govuk-heading-m" }, "Redacted copies"),
      current.redactions.length
        ? h(
            "ul",
            { class: "govuk-list", id: "redactions" },
            ...current.redactions.map((r) =>
              h(
                "li",
                { class: "app-redaction" },
                h("img", { class: "app-redaction__picture", src: r.picture, alt: `The redacted copy of the ${r.artefact === "viewport_png" ? "picture of the window" : "full page"}` }),
                h(
                  "div",
                  {},
                  h("p", { class: "govuk-body" }, `The ${r.artefact === "viewport_png" ? "picture of the window" : "full page"}, ${r.boxes === 1 ? "1 box" : `${r.boxes} boxes`}, by ${r.redacted_by}, ${ukTime(r.redacted_at)}: `, h("span", { class: "app-user-text" }, r.reason)),
                  h("p", { class: "govuk-body-s" }, r.signature_valid ? tag("Signed and verified", "green") : tag("Does not verify", "red"), " The original is sealed: SHA-256 ", h("code", { class: "app-digest" }, r.original_sha256)),
                ),
              ),
            ),
          )
        : h("p", { class: "govuk-body", id: "redactions" }, "No redacted copy. Documents show the original."),
      h("p", { class: "govuk-body" }, h("a", { class: "govuk-link", href: `#/captures/${current.id}/redact`, id: "redact-link" }, "Redact the picture of the window")),
      separateFullPage(current)
        ? h("p", { class: "govuk-body" }, h("a", { class: "govuk-link", href: `#/captures/${current.id}/redact-full-page`, id: "redact-full-page-link" }, "Redact the full page"))
        : h("p", { class: "govuk-body-s", id: "one-picture" }, "The page fitted the window: the full page and the window are one picture, and a redacted copy of it hides both."),
      h("h2", { class: "govuk-heading-m" }, "Findings that rest on it"),
      current.findings.length
        ? h("ul", { class: "govuk-list", id: "findings" }, ...current.findings.map((f) => h("li", {}, h("a", { class: "govuk-link", href: `#/requests/${encodeURIComponent(current.request)}/log` }, `Finding ${f.number}`), `: ${f.text}`)))
        : h("p", { class: "govuk-body", id: "findings" }, "No finding of the log names it yet."),
      h("h2", { class: "govuk-heading-m" }, "Files and their SHA-256"),
      summaryList(current.artefacts.map((a) => [ARTEFACTS[a.kind] ?? a.kind, h("span", {}, h("code", { class: "app-digest" }, a.sha256), h("br"), h("span", { class: "govuk-hint" }, `${bytes(Number(a.size))}${a.width && a.height ? `, ${a.width} × ${a.height} px` : ""}`)), null]), "hashes"),
      h("h2", { class: "govuk-heading-m" }, "Every provenance detail"),
      h("p", { class: "govuk-body" }, "As the care-record PDF shows them. Times are UK time with their zone; the last of them are the same moments in UTC."),
      // A long value (a 10,000-character title) scrolls in its own box, reachable by keyboard.
      summaryList(current.provenance.map((r) => [r.label, r.value.length > 300 ? h("div", { class: "app-untrusted app-pre-line app-capture-title", tabindex: "0" }, r.value) : h("span", { class: "app-untrusted app-pre-line" }, r.value), null]), "provenance"),
    ];
    app.show(title, ...content.filter((c): c is Node => c instanceof Node));
    if (fields.length) app.showErrors(fields);
  };
  /** Judging it not relevant schedules its deletion: what goes and when is said, and
   *  confirmed, before anything is recorded. */
  const confirmNotRelevant = (current: CapturePage) => {
    const plan = current.if_not_relevant;
    const confirmTitle = `Judge capture ${current.id} not relevant?`;
    const files = current.artefacts.map((a) => ARTEFACTS[a.kind] ?? a.kind);
    if (current.redactions.length) files.push(current.redactions.length === 1 ? "Its redacted copy" : `Its ${current.redactions.length} redacted copies`);
    files.push("Its signed manifest, provenance and judgement");
    // The confirmation is drawn in the capture's own address: going back draws the form again,
    // with what was chosen.
    const back = backLink(`#/captures/${current.id}`, "Back to the capture");
    back.addEventListener("click", (event) => {
      event.preventDefault();
      render(current, []);
    });
    app.show(
      confirmTitle,
      back,
      ...pageHeading(confirmTitle, `Request ${current.request}`),
      h("p", { class: "govuk-body", id: "deletion-when" }, plan.held
        ? `Request ${current.request} is on legal hold: nothing of it is deleted while the hold lasts. Once it is released, capture ${current.id} is due for deletion from ${longDate(plan.due_on)}: ${keptFor(plan.kept_days)}.`
        : `Judged not relevant today, capture ${current.id} is due for deletion on ${longDate(plan.due_on)}: ${keptFor(plan.kept_days)}. It is deleted when the records due are next disposed of.`),
      h("p", { class: "govuk-body" }, "What will be deleted:"),
      h("ul", { class: "govuk-list govuk-list--bullet", id: "deletion-what" }, ...files.map((f) => h("li", {}, f))),
      h("p", { class: "govuk-body" }, "A record that it existed, with its digests, is kept. Until the day it is deleted, the judgement can be changed and nothing is deleted."),
      current.findings.length ? warningText(`${current.findings.length === 1 ? "A finding of the log rests" : `${current.findings.length} findings of the log rest`} on it: ${current.findings.map((f) => `finding ${f.number}`).join(", ")}.`) : null,
      h(
        "div",
        { class: "govuk-button-group" },
        button("Yes, judge it not relevant", () => save(), { id: "confirm-not-relevant" }),
        button("No, go back to the judgement", () => render(current, []), { secondary: true, id: "cancel-not-relevant" }),
      ),
    );
  };
  const save = () =>
    submitForm(app, async () => {
      input.tags = tagsText.split(",").map((t) => t.trim()).filter(Boolean);
      const saved = await app.backend.call("capture_judge", { id, judgement: input });
      app.flash(
        `Capture ${id} judged`,
        saved.judgement?.relevant ? "Judged relevant." : `Judged not relevant: it is due for deletion on ${longDate(shown.if_not_relevant.due_on)} under the retention policy${shown.if_not_relevant.held ? ", once the legal hold is released" : ""}.`,
      );
      render(saved, []);
    }, (fields) => render(shown, fields));
  render(page, []);
}

/** Whether the capture has a full-page picture that is not the same file as its viewport. */
function separateFullPage(capture: CapturePage): boolean {
  const digest = (kind: string) => capture.artefacts.find((a) => a.kind === kind)?.sha256;
  return digest("full_page_png") !== undefined && digest("full_page_png") !== digest("viewport_png");
}
