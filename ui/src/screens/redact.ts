// Redacting a capture's picture: boxes drawn over it with the mouse (or typed, for the
// keyboard), why, and who. The result is a new copy, signed and linked to the sealed
// original, which never changes; documents show the copy.
import { App, attempt, pageHeading, submitForm } from "../app";
import { backLink, button, errorsFrom, textArea, textInput, warningText } from "../components";
import { h } from "../dom";
import type { BoxArgs, FieldError } from "../generated/ipc";

export async function redactScreen(app: App, id: number, artefact: "viewport_png" | "full_page_png"): Promise<void> {
  const page = await attempt(app, () => app.backend.call("capture_get", { id }));
  if (!page) return;
  const fullPage = artefact === "full_page_png";
  const source = fullPage ? (await attempt(app, () => app.backend.call("capture_picture", { id, artefact })))?.data_url : page.thumbnail;
  if (!source) return;
  const worker = await app.backend.call("worker_profile_get", {}).catch(() => null);
  const boxes: BoxArgs[] = [];
  const typed = { x: "", y: "", width: "", height: "" };
  const form = { reason: "", by: worker?.name ?? "" };
  const title = `Redact capture ${id}: the picture of ${fullPage ? "the whole page" : "the window"}`;

  const render = (fields: FieldError[]) => {
    const errors = errorsFrom(fields);
    const img = h("img", { src: source, alt: fullPage ? `The whole page of capture ${id}, to draw boxes on` : `Capture ${id} as the worker saw it, to draw boxes on`, id: "redact-picture", draggable: "false" }) as HTMLImageElement;
    const layer = h("div", { class: "app-redact__layer", id: "redact-layer" });
    const stage = h("div", { class: "app-redact", id: "redact-stage" }, img, layer);
    const scale = () => (img.naturalWidth ? img.clientWidth / img.naturalWidth : 1);
    const drawBoxes = () => {
      // Placed through the style object: the app's content security policy allows no
      // style attribute.
      layer.replaceChildren(
        ...boxes.map((b, k) => {
          const box = h("div", { class: "app-redact__box", "aria-hidden": "true" }, String(k + 1));
          Object.assign(box.style, { left: `${b.x * scale()}px`, top: `${b.y * scale()}px`, width: `${b.width * scale()}px`, height: `${b.height * scale()}px` });
          return box;
        }),
      );
    };
    img.addEventListener("load", drawBoxes);
    // A box is drawn with the pointer from one corner to the other, in the picture's pixels.
    let start: { x: number; y: number } | null = null;
    const point = (event: PointerEvent) => {
      const rect = img.getBoundingClientRect();
      const s = scale();
      const clamp = (v: number, max: number) => Math.max(0, Math.min(max, Math.round(v / s)));
      return { x: clamp(event.clientX - rect.left, img.naturalWidth), y: clamp(event.clientY - rect.top, img.naturalHeight) };
    };
    stage.addEventListener("pointerdown", (event) => {
      start = point(event);
      stage.setPointerCapture(event.pointerId);
    });
    stage.addEventListener("pointerup", (event) => {
      if (!start) return;
      const end = point(event);
      const box = { x: Math.min(start.x, end.x), y: Math.min(start.y, end.y), width: Math.abs(end.x - start.x), height: Math.abs(end.y - start.y) };
      start = null;
      if (box.width >= 2 && box.height >= 2) {
        boxes.push(box);
        render([]);
      }
    });
    app.show(
      title,
      backLink(`#/captures/${id}`),
      ...pageHeading(title, `Request ${page.request}`),
      h("p", { class: "govuk-body" }, "Draw a box over everything that must not be disclosed — other children's faces, third parties' names. The redacted copy is a new picture; the original is sealed and never changes."),
      warningText(fullPage ? "Documents then show the redacted copy. Redact the picture of the window too where it shows the same." : "Documents then show the redacted copy. Redact the picture of the whole page too where it shows the same."),
      stage,
      h("h2", { class: "govuk-heading-m" }, "Boxes"),
      boxes.length
        ? h("ol", { class: "govuk-list govuk-list--number", id: "boxes" }, ...boxes.map((b, k) => h("li", {}, `${b.width} × ${b.height} px at ${b.x}, ${b.y} `, button(`Remove box ${k + 1}`, () => { boxes.splice(k, 1); render([]); }, { secondary: true }))))
        : h("p", { class: "govuk-body", id: "boxes" }, "No box drawn yet."),
      h(
        "details",
        { class: "govuk-details", id: "typed-box" },
        h("summary", { class: "govuk-details__summary" }, h("span", { class: "govuk-details__summary-text" }, "Type a box instead of drawing it")),
        h(
          "div",
          { class: "govuk-details__text" },
          ...(["x", "y", "width", "height"] as const).map((k) =>
            textInput({ id: `box-${k}`, label: { x: "From the left (px)", y: "From the top (px)", width: "Width (px)", height: "Height (px)" }[k], width: "4", errors, value: typed[k], onInput: (v) => (typed[k] = v) }),
          ),
          button("Add this box", () => {
            const n = (v: string) => (/^\d+$/.test(v.trim()) ? Number(v) : NaN);
            const box = { x: n(typed.x), y: n(typed.y), width: n(typed.width), height: n(typed.height) };
            if (Object.values(box).some(Number.isNaN) || box.width < 1 || box.height < 1) {
              render([{ field: "box-x", message: "Enter the box as whole pixels: from the left, from the top, its width and its height" }]);
              (document.getElementById("typed-box") as HTMLDetailsElement | null)?.setAttribute("open", "");
              return;
            }
            boxes.push(box);
            render([]);
          }, { secondary: true, id: "add-box" }),
        ),
      ),
      h(
        "form",
        { novalidate: "", id: "redact-form" },
        textArea({ id: "reason", label: "Why it is redacted", rows: 2, errors, value: form.reason, onInput: (v) => (form.reason = v) }),
        textInput({ id: "by", label: "Who redacts it", errors, value: form.by, onInput: (v) => (form.by = v) }),
        button("Save the redacted copy", () => submitForm(app, async () => {
          await app.backend.call("capture_redact", { id, artefact, boxes, reason: form.reason, by: form.by });
          app.flash("Redacted copy saved", "Documents show it in place of the original, which stays sealed.");
          app.go(`#/captures/${id}`);
        }, render), { id: "save-redaction" }),
      ),
    );
    if (img.complete) drawBoxes();
    if (fields.length) app.showErrors(fields);
  };
  render([]);
}
