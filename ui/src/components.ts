// GOV.UK Design System form patterns built from text-only DOM: labels, hints, inline error
// messages in the same words as the error summary, "(optional)" rather than asterisks.
import { Child, h } from "./dom";
import type { DateParts, FieldError } from "./generated/ipc";

export type Errors = Map<string, string>;

/** Each field's first error; an error on an item of a list (`subjects[1].aliases[2]`) is
 *  also shown on the list's own box (`subjects[1].aliases`). */
export function errorsFrom(fields: FieldError[]): Errors {
  const errors: Errors = new Map();
  for (const error of fields) {
    if (!errors.has(error.field)) errors.set(error.field, error.message);
    const list = error.field.replace(/\[\d+\]$/, "");
    if (list !== error.field && !errors.has(list)) errors.set(list, error.message);
  }
  return errors;
}

interface FieldOptions {
  id: string;
  label: string;
  hint?: string;
  optional?: boolean;
  errors: Errors;
  /** Show the label as the page heading (one question on the page). */
  pageHeading?: boolean;
  width?: string;
}

function labelText(options: FieldOptions): string {
  return options.optional ? `${options.label} (optional)` : options.label;
}

function errorMessage(id: string, message: string | undefined): HTMLElement | null {
  if (!message) return null;
  return h(
    "p",
    { class: "govuk-error-message", id: `${id}-error` },
    h("span", { class: "govuk-visually-hidden" }, "Error: "),
    message,
  );
}

function describedBy(options: FieldOptions, extra: string[] = []): string {
  const ids = [...extra];
  if (options.hint) ids.push(`${options.id}-hint`);
  if (options.errors.get(options.id)) ids.push(`${options.id}-error`);
  return ids.join(" ");
}

function group(options: FieldOptions, ...children: Child[]): HTMLElement {
  const failed = options.errors.has(options.id);
  return h("div", { class: `govuk-form-group${failed ? " govuk-form-group--error" : ""}` }, ...children);
}

function hint(options: FieldOptions): HTMLElement | null {
  return options.hint ? h("div", { class: "govuk-hint", id: `${options.id}-hint` }, options.hint) : null;
}

function withAria(element: HTMLElement, described: string): HTMLElement {
  if (described) element.setAttribute("aria-describedby", described);
  return element;
}

export function textInput(
  options: FieldOptions & { value: string; onInput: (value: string) => void; autocomplete?: string },
): HTMLElement {
  const failed = options.errors.has(options.id);
  const input = withAria(
    h("input", {
      class: `govuk-input${options.width ? ` govuk-input--width-${options.width}` : ""}${failed ? " govuk-input--error" : ""}`,
      id: options.id,
      name: options.id,
      type: "text",
      spellcheck: "false",
      autocomplete: options.autocomplete ?? "off",
    }),
    describedBy(options),
  ) as HTMLInputElement;
  input.value = options.value;
  input.addEventListener("input", () => options.onInput(input.value));
  const label = h("label", { class: `govuk-label ${options.pageHeading ? "govuk-label--l" : "govuk-label--s"}`, for: options.id }, labelText(options));
  return group(
    options,
    options.pageHeading ? h("h1", { class: "govuk-label-wrapper" }, label) : label,
    hint(options),
    errorMessage(options.id, options.errors.get(options.id)),
    input,
  );
}

export function textArea(options: FieldOptions & { value: string; onInput: (value: string) => void; rows?: number }): HTMLElement {
  const failed = options.errors.has(options.id);
  const area = withAria(
    h("textarea", {
      class: `govuk-textarea${failed ? " govuk-textarea--error" : ""}`,
      id: options.id,
      name: options.id,
      rows: String(options.rows ?? 5),
    }),
    describedBy(options),
  ) as HTMLTextAreaElement;
  area.value = options.value;
  area.addEventListener("input", () => options.onInput(area.value));
  return group(
    options,
    h("label", { class: "govuk-label govuk-label--s", for: options.id }, labelText(options)),
    hint(options),
    errorMessage(options.id, options.errors.get(options.id)),
    area,
  );
}

export interface Choice<T> {
  value: T;
  label: string;
  hint?: string;
  /** Shown under the choice when it is selected. */
  conditional?: () => HTMLElement;
}

export function radios<T extends string | number | boolean>(
  options: FieldOptions & { value: T | null; choices: Choice<T>[]; onChange: (value: T) => void; small?: boolean; legendSize?: string },
): HTMLElement {
  const items = options.choices.map((choice, index) => {
    const id = index === 0 ? options.id : `${options.id}-${index + 1}`;
    const input = h("input", {
      class: "govuk-radios__input",
      id,
      name: options.id,
      type: "radio",
      value: String(choice.value),
    }) as HTMLInputElement;
    input.checked = options.value === choice.value;
    const hintId = `${id}-item-hint`;
    if (choice.hint) input.setAttribute("aria-describedby", hintId);
    const conditional = choice.conditional && input.checked
      ? h("div", { class: "govuk-radios__conditional", id: `${id}-conditional` }, choice.conditional())
      : null;
    input.addEventListener("change", () => {
      if (input.checked) options.onChange(choice.value);
    });
    return [
      h(
        "div",
        { class: "govuk-radios__item" },
        input,
        h("label", { class: "govuk-label govuk-radios__label", for: id }, choice.label),
        choice.hint ? h("div", { class: "govuk-hint govuk-radios__hint", id: hintId }, choice.hint) : null,
      ),
      conditional,
    ];
  });
  const fieldset = withAria(
    h(
      "fieldset",
      { class: "govuk-fieldset" },
      h("legend", { class: `govuk-fieldset__legend govuk-fieldset__legend--${options.legendSize ?? "s"}` }, labelText(options)),
      hint(options),
      errorMessage(options.id, options.errors.get(options.id)),
      h("div", { class: `govuk-radios${options.small ? " govuk-radios--small" : ""}` }, ...items.flat()),
    ),
    describedBy(options),
  );
  return group(options, fieldset);
}

export function dateInput(options: FieldOptions & { value: DateParts; onInput: (value: DateParts) => void }): HTMLElement {
  const failed = options.errors.has(options.id);
  const part = (key: keyof DateParts, label: string, width: number): HTMLElement => {
    const id = `${options.id}.${key}`;
    const input = h("input", {
      class: `govuk-input govuk-date-input__input govuk-input--width-${width}${failed ? " govuk-input--error" : ""}`,
      id,
      name: id,
      type: "text",
      inputmode: "numeric",
    }) as HTMLInputElement;
    input.value = options.value[key];
    input.addEventListener("input", () => {
      options.value[key] = input.value;
      options.onInput(options.value);
    });
    return h(
      "div",
      { class: "govuk-date-input__item" },
      h("div", { class: "govuk-form-group" }, h("label", { class: "govuk-label govuk-date-input__label", for: id }, label), input),
    );
  };
  const fieldset = withAria(
    h(
      "fieldset",
      { class: "govuk-fieldset", role: "group" },
      h("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, labelText(options)),
      hint(options),
      errorMessage(options.id, options.errors.get(options.id)),
      h("div", { class: "govuk-date-input", id: options.id }, part("day", "Day", 2), part("month", "Month", 2), part("year", "Year", 4)),
    ),
    describedBy(options),
  );
  return group(options, fieldset);
}

/** The element an error's field names: the field itself, a date's day box, or the list it is in. */
export function errorTarget(field: string): string {
  if (document.getElementById(`${field}.day`)) return `${field}.day`;
  if (document.getElementById(field)) return field;
  const parent = field.replace(/\[\d+\]$/, "");
  if (parent !== field && document.getElementById(parent)) return parent;
  return field;
}

/** "There is a problem", each error linked to its field; focus moves to it. A second form on
 *  a page has a summary of its own, with its own `id` and `title`. */
export function errorSummary(fields: FieldError[], targetOf: (field: string) => string = errorTarget, own: { id: string; title: string } = { id: "error-summary", title: "There is a problem" }): HTMLElement {
  const list = h(
    "ul",
    { class: "govuk-list govuk-error-summary__list" },
    ...fields.map((error) => {
      const target = targetOf(error.field);
      const link = h("a", { href: `#${target}` }, error.message);
      link.addEventListener("click", (event) => {
        // Never a navigation: the fragment names a field, not a screen.
        event.preventDefault();
        const element = document.getElementById(target);
        if (!element) return;
        element.scrollIntoView({ block: "center" });
        element.focus();
      });
      return h("li", {}, link);
    }),
  );
  return errorBox(own.id, own.title, list);
}

/** The problems of one of several forms on a page, in a summary of its own at the top of that
 *  form (`<form id>-errors`), with focus on it; the page's title says there is an error. */
export function showFormErrors(formId: string, fields: FieldError[], title: string): void {
  const form = document.getElementById(formId);
  if (!form || !fields.length) return;
  document.getElementById(`${formId}-errors`)?.remove();
  const summary = errorSummary(fields, errorTarget, { id: `${formId}-errors`, title });
  form.prepend(summary);
  if (!document.title.startsWith("Error: ")) document.title = `Error: ${document.title}`;
  summary.focus();
}

/** GOV.UK's error summary around a list of problems, announced, and focusable. */
function errorBox(id: string, title: string, list: HTMLElement): HTMLElement {
  return h(
    "div",
    { class: "govuk-error-summary", "data-module": "govuk-error-summary", id, tabindex: "-1" },
    h("div", { role: "alert" }, h("h2", { class: "govuk-error-summary__title" }, title), h("div", { class: "govuk-error-summary__body" }, list)),
  );
}

/** A button; while the work its click starts is running, it is disabled, so a double click
 *  does not do the work twice. */
export function button(text: string, onClick: () => unknown, options: { id?: string; secondary?: boolean; warning?: boolean } = {}): HTMLElement {
  const classes = ["govuk-button"];
  if (options.secondary) classes.push("govuk-button--secondary");
  if (options.warning) classes.push("govuk-button--warning");
  const element = h("button", { class: classes.join(" "), type: "button", ...(options.id ? { id: options.id } : {}) }, text) as HTMLButtonElement;
  element.addEventListener("click", () => {
    if (element.disabled) return;
    const result = onClick();
    if (result instanceof Promise) {
      element.disabled = true;
      element.setAttribute("aria-disabled", "true");
      void result.finally(() => {
        element.disabled = false;
        element.removeAttribute("aria-disabled");
      });
    }
  });
  return element;
}

export function linkButton(text: string, href: string, options: { id?: string; secondary?: boolean } = {}): HTMLElement {
  return h(
    "a",
    { class: `govuk-button${options.secondary ? " govuk-button--secondary" : ""}`, href, role: "button", draggable: "false", ...(options.id ? { id: options.id } : {}) },
    text,
  );
}

export function backLink(href: string, text = "Back"): HTMLElement {
  return h("a", { class: "govuk-back-link", href }, text);
}

/** A row's action: "Change" unless `text` names another ("Remove"); `label` says what,
 *  for screen readers. */
export interface RowAction {
  href: string;
  label: string;
  text?: string;
  id?: string;
}

export function summaryList(rows: [string, Child, RowAction | RowAction[] | null][], id?: string): HTMLElement {
  const link = (action: RowAction) =>
    h("a", { class: "govuk-link", href: action.href, ...(action.id ? { id: action.id } : {}) }, action.text ?? "Change", h("span", { class: "govuk-visually-hidden" }, ` ${action.label}`));
  return h(
    "dl",
    { class: "govuk-summary-list", ...(id ? { id } : {}) },
    ...rows.map(([key, value, change]) => {
      const actions = change === null ? [] : Array.isArray(change) ? change : [change];
      return h(
        "div",
        { class: `govuk-summary-list__row${actions.length ? "" : " govuk-summary-list__row--no-actions"}` },
        h("dt", { class: "govuk-summary-list__key" }, key),
        h("dd", { class: "govuk-summary-list__value" }, value),
        actions.length === 1
          ? h("dd", { class: "govuk-summary-list__actions" }, link(actions[0]))
          : actions.length
            ? h("dd", { class: "govuk-summary-list__actions" }, h("ul", { class: "govuk-summary-list__actions-list" }, ...actions.map((a) => h("li", { class: "govuk-summary-list__actions-list-item" }, link(a)))))
            : null,
      );
    }),
  );
}

/** An error summary whose links open other screens (where each problem is fixed), with
 *  focus on it. */
export function linkedErrorSummary(title: string, id: string, problems: { message: string; href: string | null }[]): HTMLElement {
  return errorBox(
    id,
    title,
    h("ul", { class: "govuk-list govuk-error-summary__list" }, ...problems.map((p) => h("li", {}, p.href ? h("a", { href: p.href }, p.message) : p.message))),
  );
}

/** Takes a field's error off the page once it is fixed: its message, its red border, its
 *  line in the error summary (and the summary itself when it was the last). */
export function clearFieldError(field: string, message: string): void {
  document.getElementById(`${field}-error`)?.remove();
  const box = document.getElementById(field) ?? document.getElementById(`${field}.day`);
  const group = box?.closest(".govuk-form-group--error");
  group?.classList.remove("govuk-form-group--error");
  for (const input of group?.querySelectorAll(".govuk-input--error, .govuk-textarea--error, .govuk-select--error") ?? []) {
    input.classList.remove("govuk-input--error", "govuk-textarea--error", "govuk-select--error");
  }
  for (const described of group?.querySelectorAll("[aria-describedby]") ?? []) {
    const ids = described.getAttribute("aria-describedby")!.split(" ").filter((id) => id !== `${field}-error`);
    if (ids.length) described.setAttribute("aria-describedby", ids.join(" "));
    else described.removeAttribute("aria-describedby");
  }
  const summary = document.getElementById("error-summary");
  for (const item of summary?.querySelectorAll("li") ?? []) {
    if (item.textContent === message) item.remove();
  }
  if (summary && !summary.querySelector("li")) summary.remove();
}

/** A message from the backend as a sentence: a capital first letter and a full stop. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  const capitalised = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

export function warningText(text: string): HTMLElement {
  return h(
    "div",
    { class: "govuk-warning-text" },
    h("span", { class: "govuk-warning-text__icon", "aria-hidden": "true" }, "!"),
    h("strong", { class: "govuk-warning-text__text" }, h("span", { class: "govuk-visually-hidden" }, "Warning"), text),
  );
}

export function notification(title: string, body: string, success = true): HTMLElement {
  return h(
    "div",
    {
      class: `govuk-notification-banner${success ? " govuk-notification-banner--success" : ""}`,
      role: success ? "alert" : "region",
      "aria-labelledby": "notification-title",
      id: "notification",
    },
    h("div", { class: "govuk-notification-banner__header" }, h("h2", { class: "govuk-notification-banner__title", id: "notification-title" }, success ? "Success" : "Important")),
    h("div", { class: "govuk-notification-banner__content" }, h("p", { class: "govuk-notification-banner__heading" }, title), body ? h("p", { class: "govuk-body" }, body) : null),
  );
}

export function table(caption: string, head: string[], rows: Child[][], id?: string): HTMLElement {
  return h(
    "table",
    { class: "govuk-table", ...(id ? { id } : {}) },
    h("caption", { class: "govuk-table__caption govuk-table__caption--m" }, caption),
    h("thead", { class: "govuk-table__head" }, h("tr", { class: "govuk-table__row" }, ...head.map((c) => h("th", { scope: "col", class: "govuk-table__header" }, c)))),
    h("tbody", { class: "govuk-table__body" }, ...rows.map((row) => h("tr", { class: "govuk-table__row" }, ...row.map((c) => h("td", { class: "govuk-table__cell" }, c))))),
  );
}

/** A coloured tag whose words say the same as its colour. */
export function tag(text: string, colour: string): HTMLElement {
  return h("strong", { class: `govuk-tag govuk-tag--${colour}` }, text);
}

/** GOV.UK checkboxes: several choices, each on or off; `id` is the first box's and the
 *  group's error target. */
export function checkboxes<T extends string | number>(
  options: FieldOptions & { values: T[]; choices: Choice<T>[]; onChange: (values: T[]) => void; small?: boolean },
): HTMLElement {
  const chosen = new Set(options.values);
  const items = options.choices.map((choice, index) => {
    const id = index === 0 ? options.id : `${options.id}-${index + 1}`;
    const input = h("input", { class: "govuk-checkboxes__input", id, name: options.id, type: "checkbox", value: String(choice.value) }) as HTMLInputElement;
    input.checked = chosen.has(choice.value);
    const hintId = `${id}-item-hint`;
    if (choice.hint) input.setAttribute("aria-describedby", hintId);
    input.addEventListener("change", () => {
      if (input.checked) chosen.add(choice.value);
      else chosen.delete(choice.value);
      options.onChange(options.choices.map((c) => c.value).filter((v) => chosen.has(v)));
    });
    return h(
      "div",
      { class: "govuk-checkboxes__item" },
      input,
      h("label", { class: "govuk-label govuk-checkboxes__label", for: id }, choice.label),
      choice.hint ? h("div", { class: "govuk-hint govuk-checkboxes__hint", id: hintId }, choice.hint) : null,
    );
  });
  const fieldset = withAria(
    h(
      "fieldset",
      { class: "govuk-fieldset" },
      h("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, labelText(options)),
      hint(options),
      errorMessage(options.id, options.errors.get(options.id)),
      h("div", { class: `govuk-checkboxes${options.small ? " govuk-checkboxes--small" : ""}`, "data-module": "govuk-checkboxes" }, ...items),
    ),
    describedBy(options),
  );
  return group(options, fieldset);
}

/** A GOV.UK select: one choice from a short list, with an empty first option. */
export function select(options: FieldOptions & { value: string; choices: { value: string; label: string }[]; onChange: (value: string) => void; empty: string }): HTMLElement {
  const failed = options.errors.has(options.id);
  const element = withAria(
    h(
      "select",
      { class: `govuk-select${failed ? " govuk-select--error" : ""}`, id: options.id, name: options.id },
      h("option", { value: "" }, options.empty),
      ...options.choices.map((c) => h("option", { value: c.value }, c.label)),
    ),
    describedBy(options),
  ) as HTMLSelectElement;
  element.value = options.choices.some((c) => c.value === options.value) ? options.value : "";
  element.addEventListener("change", () => options.onChange(element.value));
  return group(
    options,
    h("label", { class: "govuk-label govuk-label--s", for: options.id }, labelText(options)),
    hint(options),
    errorMessage(options.id, options.errors.get(options.id)),
    element,
  );
}

/** A capture's picture that may open blurred (the policy says which): a button reveals it,
 *  and the picture is never shown sharp before that. */
export function capturePicture(img: HTMLImageElement, blurred: boolean, revealId: string): HTMLElement {
  if (!blurred) return img;
  img.classList.add("app-blurred");
  img.setAttribute("aria-describedby", `${revealId}-hint`);
  const box = h("div", { class: "app-blurred-box" });
  const reveal = button("Show the picture", () => {
    img.classList.remove("app-blurred");
    img.removeAttribute("aria-describedby");
    box.querySelector(".app-blurred-box__controls")?.remove();
  }, { secondary: true, id: revealId });
  box.append(img, h("div", { class: "app-blurred-box__controls" }, h("p", { class: "govuk-body-s", id: `${revealId}-hint` }, "Blurred: it may be distressing."), reveal));
  return box;
}

/** A count with its noun, singular for one: "1 change", "3 changes"; `many` where the
 *  plural is not the noun with an "s" ("1 person", "2 people"). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A file path that wraps at its separators, never inside a name: a break opportunity
 *  (`<wbr>`) after each `/` and `\`, each name kept whole (not broken at its hyphens), the
 *  path itself as text. */
export function filePath(path: string, attributes: Record<string, string> = {}): HTMLElement {
  const parts = path.split(/(?<=[/\\])/);
  const span = h("span", { class: "app-file-path", ...attributes });
  parts.forEach((part, index) => {
    span.append(h("span", { class: "app-file-path__part" }, part));
    if (index < parts.length - 1) span.append(h("wbr"));
  });
  return span;
}
