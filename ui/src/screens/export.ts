// PDFs for the care record: what to put in, where to save it (the system's save dialog), the
// export with its progress, what was written (its SHA-256 in full), opening it, and the
// record that it was filed in the care record system.
import { App, attempt, pageHeading, submitForm, ukTime } from "../app";
import { asIpcError } from "../backend";
import { backLink, button, errorsFrom, filePath, linkButton, plural, radios, sentence, summaryList, table, textInput } from "../components";
import { Child, h } from "../dom";
import type { BundleExported, ExportFiledArgs, FieldError, FileDigest, PdfExported, PdfKind, RequestPage } from "../generated/ipc";
import { withProgress } from "../progress";
import { requestHref } from "./request-page";

/** What can be exported: a PDF of one of three kinds, or the evidence bundle. */
type Choice = PdfKind | "bundle";

const KINDS: { value: Choice; label: string; hint: string; file: string }[] = [
  { value: "care_record", label: "The care record", hint: "A cover sheet, the request, the log and every capture judged relevant, with its provenance", file: "care-record" },
  { value: "request", label: "Only the investigation request (Appendix 1)", hint: "With its authorisations", file: "request" },
  { value: "log", label: "Only the investigation log (Appendix 2)", hint: "To share with the team manager, service manager and service director", file: "log" },
  { value: "bundle", label: "The evidence bundle for a legal team (ZIP)", hint: "The care record PDF, every original file of each relevant capture, and a signed manifest a legal team checks offline", file: "evidence-bundle" },
];

const FINAL_STATES = ["finalised", "shared", "closed"];

/** The request page's part: where its PDFs were filed, and the way to export one. */
export function exportSection(page: RequestPage): Child[] {
  const { record } = page;
  return [
    h("h2", { class: "govuk-heading-m" }, "Care record and evidence"),
    record.filed.length
      ? table(
          "Filed in the care record",
          ["Where", "Reference", "Filed by", "Recorded", "PDF"],
          record.filed.map((f) => [f.place, f.record_reference, f.filed_by, ukTime(f.recorded_at), h("span", { class: "app-digest" }, `SHA-256 ${f.sha256}`)]),
          "filed",
        )
      : h("p", { class: "govuk-body", id: "filed" }, "No PDF of this request has been recorded as filed in the care record."),
    linkButton("Export a PDF or an evidence bundle", requestHref(record.reference, "/export"), { id: "export-link", secondary: true }),
  ];
}

export async function exportScreen(app: App, reference: string): Promise<void> {
  const page = await attempt(app, () => app.backend.call("request_get", { reference }));
  if (!page) return;
  const final = FINAL_STATES.includes(page.record.state);
  let kind: Choice = "care_record";
  let chosenPath: string | null = null;
  const title = "Export a PDF or an evidence bundle";
  const status = h("div", { class: "govuk-body", id: "export-status", role: "status", "aria-live": "polite" });
  const progress = h("div", { id: "export-progress" });

  const run = async (draft: boolean) => {
    const exporting = document.getElementById("export-pdf") as HTMLButtonElement | null;
    if (exporting) exporting.disabled = true;
    try {
      if (!chosenPath) {
        status.textContent = "Choose where to save the PDF.";
        const extension = kind === "bundle" ? "zip" : "pdf";
        const suggested = `${reference}-${KINDS.find((k) => k.value === kind)!.file}${draft ? "-draft" : ""}.${extension}`;
        const path = await app.backend.chooseSaveFile(suggested, extension);
        if (!path) {
          status.textContent = "Not exported: no file was chosen.";
          return;
        }
        chosenPath = path.toLowerCase().endsWith(`.${extension}`) ? path : `${path}.${extension}`;
      }
      status.textContent = "Exporting. A request with many captures takes a few seconds.";
      const path = chosenPath;
      const long = {
        about: reference,
        place: progress,
        trigger: exporting,
        busy: "Exporting…",
        others: [document.getElementById("export-draft") as HTMLButtonElement | null],
      };
      if (kind === "bundle") {
        const made = await withProgress(app, { ...long, work: "bundle", label: "Exporting the evidence bundle" }, () => app.backend.call("export_bundle", { reference, path, draft }));
        if (made) showBundle(app, reference, made);
      } else {
        const only = kind === "care_record" ? null : kind;
        const made = await withProgress(app, { ...long, work: "export_pdf", label: "Exporting the PDF" }, () => app.backend.call("export_pdf", { reference, path, draft, only }));
        if (made) showExported(app, reference, made);
      }
    } catch (error) {
      status.textContent = "";
      const failure = asIpcError(error);
      if (failure.code === "log_not_finalised" || failure.code === "captures_unjudged") {
        refused(failure.message);
      } else if (failure.code === "invalid_fields") {
        chosenPath = null;
        app.showFailure({ ...failure, code: "refused", message: failure.fields.map((f) => f.message).join(". ") });
      } else {
        chosenPath = null;
        app.showFailure(failure);
      }
    } finally {
      if (exporting?.isConnected) exporting.disabled = false;
    }
  };

  // A final PDF that the rules refuse: why, and the draft the worker may export instead.
  const refused = (message: string) => {
    document.getElementById("export-refused")?.remove();
    const box = h(
      "div",
      { class: "govuk-error-summary", id: "export-refused", tabindex: "-1" },
      h(
        "div",
        { role: "alert" },
        h("h2", { class: "govuk-error-summary__title" }, "The final PDF cannot be exported yet"),
        h("div", { class: "govuk-error-summary__body" }, h("p", { class: "govuk-body" }, message.charAt(0).toUpperCase() + message.slice(1) + ".")),
      ),
      button("Export a draft instead", () => run(true), { id: "export-draft", secondary: true }),
    );
    document.querySelector("main h1")?.before(box);
    box.focus();
  };

  app.show(
    title,
    backLink(requestHref(reference)),
    ...pageHeading(title, `Request ${reference}`),
    final
      ? h("p", { class: "govuk-body" }, "The investigation log is finalised: the PDF or bundle is final.")
      : h("div", { class: "govuk-inset-text", id: "draft-notice" }, "The investigation log is not finalised: a PDF or a bundle can only be a draft, with DRAFT on every page of the PDF. A draft is not filed in the care record."),
    h(
      "form",
      { novalidate: "", id: "export-form" },
      radios<Choice>({
        id: "only",
        label: "What to export",
        errors: errorsFrom([]),
        value: kind,
        choices: KINDS.map((k) => ({ value: k.value, label: k.label, hint: k.hint })),
        onChange: (v) => (kind = v),
      }),
      button(final ? "Choose where to save, and export" : "Choose where to save, and export a draft", () => run(!final), { id: "export-pdf" }),
      progress,
      status,
    ),
  );
}

function showExported(app: App, reference: string, done: PdfExported): void {
  const e = done.export;
  const title = e.draft ? "Draft PDF exported" : "PDF exported";
  const kind = KINDS.find((k) => k.value === e.kind)!;
  app.show(
    title,
    backLink(requestHref(reference)),
    ...pageHeading(title, `Request ${reference}`),
    summaryList(
      [
        ["File", filePath(done.path, { id: "exported-path" }), null],
        ["Contents", kind.label + (e.draft ? " (draft)" : ""), null],
        ["Pages", String(e.pages), null],
        ["Exhibits", e.exhibits.length ? e.exhibits.map((id) => `capture ${id}`).join(", ") : "None", null],
        ["SHA-256", h("span", { class: "app-digest", id: "exported-sha256" }, e.sha256), null],
      ],
      "exported",
    ),
    h(
      "div",
      { class: "govuk-button-group" },
      button("Open the PDF", () => app.backend.openPdf(done.path).catch((error) => app.showFailure(error)), { id: "open-pdf", secondary: true }),
      e.draft ? null : linkButton("Record that it was filed", requestHref(reference, `/filed?sha=${e.sha256}`), { id: "record-filing-link" }),
    ),
    e.draft ? h("p", { class: "govuk-body" }, "A draft is not filed in the care record. Export the final PDF once the log is finalised.") : null,
  );
}

function showBundle(app: App, reference: string, done: BundleExported): void {
  const title = done.draft ? "Draft evidence bundle exported" : "Evidence bundle exported";
  app.show(
    title,
    backLink(requestHref(reference)),
    ...pageHeading(title, `Request ${reference}`),
    summaryList(
      [
        ["File", filePath(done.path, { id: "exported-path" }), null],
        ["Files in it", String(done.files), null],
        ["Size", sizeInWords(done.bytes), null],
        ["Manifest SHA-256", h("span", { class: "app-digest", id: "bundle-manifest-sha256" }, done.manifest_sha256), null],
        ["Signing key fingerprint", h("span", { class: "app-digest", id: "bundle-fingerprint" }, done.fingerprint), null],
      ],
      "exported",
    ),
    h(
      "p",
      { class: "govuk-body" },
      "Give the legal team the ZIP, and the signing key's fingerprint as the council publishes it. They check the bundle offline, with triangulate-verify or the check page the council publishes (verify.html), without this app or its store.",
    ),
  );
}

/** A file's size as people read it: "812 bytes", "47 KB", "2.3 MB". */
function sizeInWords(bytes: number): string {
  if (bytes < 1024) return plural(bytes, "byte");
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export async function filingScreen(app: App, reference: string, sha256: string): Promise<void> {
  const profile = await attempt(app, () => app.backend.call("worker_profile_get", {}));
  if (profile === undefined) return;
  const args: ExportFiledArgs = { reference, sha256, place: "", record_reference: "", by: profile?.name ?? "" };
  // Where the PDF's SHA-256 comes from: the file the worker chose (worked out by the
  // backend), the export just made, or typed by hand.
  let source: "file" | "export" | "typed" = sha256 ? "export" : "typed";
  let chosen: FileDigest | null = null;
  let shown: FieldError[] = [];
  const title = "Record that the PDF was filed";
  const render = (fields: FieldError[]) => {
    shown = fields;
    // A problem with the PDF is put right where it came from: the file chooser, or the
    // box it was typed in.
    const nothing = !args.sha256.trim();
    const key = source === "typed" && !nothing ? "sha256" : "choose-pdf";
    const errors = errorsFrom(fields.map((f) => (f.field === "sha256" ? { ...f, field: key } : f)));
    const failed = errors.get(key);
    const typed = textInput({
      id: "sha256",
      label: "SHA-256 of the PDF",
      hint: "As the export showed it: 64 letters and digits",
      errors: key === "sha256" ? errors : new Map(),
      value: source === "typed" ? args.sha256 : "",
      onInput: (v) => {
        args.sha256 = v;
        source = "typed";
        chosen = null;
        document.getElementById("chosen-pdf")?.replaceChildren("The SHA-256 typed below is used.");
      },
    });
    const details = h(
      "details",
      { class: "govuk-details", id: "type-sha256", ...(source === "typed" && args.sha256.trim() ? { open: "" } : {}) },
      h("summary", { class: "govuk-details__summary" }, h("span", { class: "govuk-details__summary-text" }, "Or type its SHA-256")),
      h("div", { class: "govuk-details__text" }, typed),
    );
    const which =
      source === "file" && chosen
        ? summaryList(
            [
              ["File", filePath(chosen.path, { id: "chosen-path" }), null],
              ["Size", sizeInWords(chosen.size), null],
              ["SHA-256", h("span", { class: "app-digest", id: "chosen-sha256" }, chosen.sha256), null],
            ],
            "chosen-pdf",
          )
        : h(
            "p",
            { class: "govuk-body", id: "chosen-pdf" },
            source === "export" ? "The PDF exported just now, SHA-256 " : "No file chosen yet.",
            source === "export" ? h("span", { class: "app-digest", id: "chosen-sha256" }, args.sha256) : null,
          );
    const pdf = h(
      "div",
      { class: `govuk-form-group${key === "choose-pdf" && failed ? " govuk-form-group--error" : ""}` },
      h(
        "fieldset",
        { class: "govuk-fieldset", "aria-describedby": `pdf-hint${key === "choose-pdf" && failed ? " choose-pdf-error" : ""}` },
        h("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, "The PDF that was filed"),
        h("div", { class: "govuk-hint", id: "pdf-hint" }, "Choose the file you exported and filed: its SHA-256 is worked out from the file."),
        key === "choose-pdf" && failed ? h("p", { class: "govuk-error-message", id: "choose-pdf-error" }, h("span", { class: "govuk-visually-hidden" }, "Error: "), failed) : null,
        which,
        button(source === "typed" ? "Choose the PDF" : "Choose a different PDF", () => choose(), { id: "choose-pdf", secondary: true }),
        details,
      ),
    );
    app.show(
      title,
      backLink(requestHref(reference)),
      ...pageHeading(title, `Request ${reference}`),
      h("p", { class: "govuk-body" }, "The protocol puts a copy in the care record system's Assessments area. Record which PDF was filed, where, its reference there, and who filed it."),
      h(
        "form",
        { novalidate: "", id: "filing-form" },
        pdf,
        textInput({ id: "where", label: "Where it was filed", hint: "The system and its area, for example Mosaic: Assessments", errors, value: args.place, onInput: (v) => (args.place = v) }),
        textInput({ id: "reference", label: "The care record's reference", errors, width: "20", value: args.record_reference, onInput: (v) => (args.record_reference = v) }),
        textInput({ id: "by", label: "Who filed it", errors, width: "20", value: args.by, onInput: (v) => (args.by = v) }),
        button("Record filing", () => record(), { id: "record-filing" }),
      ),
    );
    if (fields.length) {
      app.showErrors(fields.map((f) => (f.field === "sha256" ? { ...f, field: key, message: errors.get(key) ?? f.message } : f)));
    }
  };
  const choose = async () => {
    const path = await app.backend.chooseOpenFile("pdf", "Choose the PDF that was filed");
    if (!path) return;
    const others = shown.filter((f) => f.field !== "sha256");
    try {
      chosen = await app.backend.call("export_file_digest", { path });
      source = "file";
      args.sha256 = chosen.sha256;
      render(others);
    } catch (error) {
      source = "file";
      chosen = null;
      args.sha256 = "";
      // Why is said on the path the backend was given: which file, and what is wrong with it.
      const failure = asIpcError(error);
      // The path's problem names the file and says why; anything else is said as it came.
      const message = failure.fields.length ? failure.fields.map((f) => f.message).join("; ") : `The file could not be read: ${failure.message}`;
      render([{ field: "sha256", message: sentence(message) }, ...others]);
    }
  };
  const record = () =>
    submitForm(app, async () => {
      await app.backend.call("export_filed", args);
      app.flash("Filing recorded", `The PDF is recorded as filed in ${args.place.trim()}.`);
      app.go(requestHref(reference));
    }, (fields) => {
      // With no file chosen and nothing typed, the way to put it right is to choose one.
      const none = !args.sha256.trim();
      render(fields.map((f) => (f.field === "sha256" && none ? { ...f, message: "Choose the PDF that was filed, or type its SHA-256" } : f)));
    });
  render([]);
}
