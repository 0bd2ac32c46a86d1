// One capture: the page as the worker saw it, its provenance (the same rows as the
// care-record PDF), every artefact's SHA-256 in full, the signature's state, the findings
// that rest on it, and the worker's judgement. The title, the address and the picture are
// page content: text nodes and an image, never markup.
import { App, attempt, pageHeading, submitForm, ukTime } from "../app";
import { backLink, button, capturePicture, errorsFrom, radios, summaryList, tag, textArea, textInput, warningText } from "../components";
import { Child, h } from "../dom";
import type { Attribution, CapturePage, FieldError, JudgementInput } from "../generated/ipc";

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

export async function captureScreen(app: App, id: number): Promise<void> {
  const page = await attempt(app, () => app.backend.call("capture_get", { id }));
  if (!page) return;
  const input = judgementInput(page);
  let tagsText = input.tags.join(", ");
  const title = `Capture ${page.id}`;
  const dispute = { by: "", text: "" };
  const render = (current: CapturePage, fields: FieldError[]) => {
    const errors = errorsFrom(fields);
    const signature = current.signature_valid && current.stored_hashes_match
      ? tag("Signature verified", "green")
      : tag("Signature does not verify", "red");
    const content: Child[] = [
      backLink(`#/sessions/${current.session}`, "Back to the session"),
      ...pageHeading(title, `Request ${current.request}`),
      // A long title scrolls in its box, which the keyboard can reach.
      h("p", { class: "govuk-body app-untrusted app-capture-title", id: "capture-title", tabindex: "0" }, current.title || "(no title)"),
      h("p", { class: "govuk-body app-untrusted", id: "capture-url" }, current.url),
      h("p", { class: "govuk-body", id: "signature" }, signature, " ",
        current.signature_valid
          ? current.stored_hashes_match ? "The signed manifest and every stored file match." : "A stored file no longer matches its digest."
          : current.signature_problem ?? ""),
      current.cut_at_limit ? warningText(`${current.cut_at_limit.summary}.`) : null,
      current.taken ? h("p", { class: "govuk-body", id: "taken-way" }, `Full page: ${current.taken.label}${current.taken.stopped ? `; ${current.taken.stopped}` : ""}.`) : null,
      h("figure", { class: "app-thumbnail" },
        capturePicture(h("img", { src: current.thumbnail, alt: `The window as the worker saw it when capture ${current.id} was taken`, id: "thumbnail" }) as HTMLImageElement, current.blurred, "reveal"),
        h("figcaption", { class: "govuk-hint" }, `Captured at ${current.captured_at_text}`)),
      h("h2", { class: "govuk-heading-m" }, "Judgement"),
      current.judgement ? null : h("p", { class: "govuk-body", id: "not-judged" }, "Not judged yet: the care-record PDF needs every capture judged."),
      h(
        "form",
        { novalidate: "", id: "judgement-form" },
        radios<boolean>({ id: "relevant", label: "Is it relevant to the concern?", errors, value: input.relevant, choices: [{ value: true, label: "Yes, relevant" }, { value: false, label: "No, not relevant", hint: "Deleted under the retention policy" }], onChange: (v) => (input.relevant = v) }),
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
        h("div", { class: "govuk-button-group" }, button(current.judgement ? "Save the changed judgement" : "Save the judgement", () => save(), { id: "save-judgement" })),
      ),
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
      h("h2", { class: "govuk-heading-m" }, "Disputes"),
      current.disputes.length
        ? h("ul", { class: "govuk-list", id: "disputes" }, ...current.disputes.map((d) => h("li", {}, h("strong", {}, `${d.disputed_by}, ${ukTime(d.recorded_at)}: `), h("span", { class: "app-user-text" }, d.text))))
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
            render(await app.backend.call("capture_get", { id }), []);
          }, (f) => {
            render(current, f.map((e) => ({ ...e, field: `dispute-${e.field}` })));
            (document.getElementById("dispute-details") as HTMLDetailsElement | null)?.setAttribute("open", "");
          }), { id: "record-dispute", secondary: true }),
        ),
      ),
      h("h2", { class: "govuk-heading-m" }, "Findings that rest on it"),
      current.findings.length
        ? h("ul", { class: "govuk-list", id: "findings" }, ...current.findings.map((f) => h("li", {}, h("a", { class: "govuk-link", href: `#/requests/${encodeURIComponent(current.request)}/log` }, `Finding ${f.number}`), `: ${f.text}`)))
        : h("p", { class: "govuk-body", id: "findings" }, "No finding of the log names it yet."),
      h("h2", { class: "govuk-heading-m" }, "Files and their SHA-256"),
      summaryList(current.artefacts.map((a) => [ARTEFACTS[a.kind] ?? a.kind, h("span", {}, h("code", { class: "app-digest" }, a.sha256), h("br"), h("span", { class: "govuk-hint" }, `${bytes(Number(a.size))}${a.width && a.height ? `, ${a.width} × ${a.height} px` : ""}`)), null]), "hashes"),
      h("h2", { class: "govuk-heading-m" }, "Provenance"),
      // A long value (a 10,000-character title) scrolls in its own box, reachable by keyboard.
      summaryList(current.provenance.map((r) => [r.label, r.value.length > 300 ? h("div", { class: "app-untrusted app-pre-line app-capture-title", tabindex: "0" }, r.value) : h("span", { class: "app-untrusted app-pre-line" }, r.value), null]), "provenance"),
    ];
    app.show(title, ...content.filter((c): c is Node => c instanceof Node));
    if (fields.length) app.showErrors(fields);
  };
  const save = () =>
    submitForm(app, async () => {
      input.tags = tagsText.split(",").map((t) => t.trim()).filter(Boolean);
      const saved = await app.backend.call("capture_judge", { id, judgement: input });
      app.flash(`Capture ${id} judged`, saved.judgement?.relevant ? "Judged relevant." : "Judged not relevant: it is deleted under the retention policy.");
      render(saved, []);
    }, (fields) => render(page, fields));
  render(page, []);
}

/** Whether the capture has a full-page picture that is not the same file as its viewport. */
function separateFullPage(capture: CapturePage): boolean {
  const digest = (kind: string) => capture.artefacts.find((a) => a.kind === kind)?.sha256;
  return digest("full_page_png") !== undefined && digest("full_page_png") !== digest("viewport_png");
}
