// The staff directory: the people who take part in the protocol, each with their roles. Every
// decision names one of them. A person is added on this screen or imported from a CSV file
// (every bad row reported at once, nobody added on any error), and marked as left, never
// deleted. Names and teams are shown as text only.
import { App, attempt, longDate, pageHeading } from "../app";
import { asIpcError } from "../backend";
import { button, checkboxes, dateInput, errorsFrom, select, showFormErrors, table, tag, textInput } from "../components";
import { Child, h } from "../dom";
import type { DateParts, FieldError, StaffDirectory, StaffRecord } from "../generated/ipc";
import { STAFF_ROLES, labelOf } from "../labels";

/** The largest staff file read, as the backend reads it. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Which form the errors shown are about. */
type Failed = { form: "add" | "import" | "change" | "leave"; fields: FieldError[] } | null;

export async function staffScreen(app: App): Promise<void> {
  const directory = await attempt(app, () => app.backend.call("staff_list", {}));
  if (directory) showStaff(app, directory, null);
}

/** A person's roles in words: "Team manager, service director". */
export function rolesInWords(person: StaffRecord): string {
  const words = person.roles.map((r) => labelOf(STAFF_ROLES, r));
  return words.map((w, i) => (i === 0 || w.startsWith("Authorised") ? w : w.charAt(0).toLowerCase() + w.slice(1))).join(", ");
}

function accessWorker(person: StaffRecord): Child {
  if (person.aaw === "registered") return tag("Registered", "green");
  if (person.aaw === "incomplete") return h("span", {}, tag("Registration incomplete", "red"), " ", h("a", { class: "govuk-link", href: `#/profile?complete=${encodeURIComponent(person.staff_id ?? person.name)}` }, "Complete it", h("span", { class: "govuk-visually-hidden" }, ` for ${person.name}`)));
  return person.roles.includes("aaw") ? tag("Not registered", "grey") : "No";
}

function nameCell(person: StaffRecord): Child {
  return h(
    "span",
    {},
    person.name,
    person.laptop_worker ? h("span", {}, " ", tag("Using this laptop", "blue")) : null,
    person.review ? h("span", {}, " ", tag("To review", "yellow"), h("span", { class: "govuk-body-s app-review-why" }, ` ${person.review}`)) : null,
  );
}

function showStaff(app: App, directory: StaffDirectory, failed: Failed, kept?: { add: AddForm; leave: LeaveForm; change?: ChangeForm }): void {
  const add: AddForm = kept?.add ?? { name: "", roles: [], staff_id: "", team: "" };
  const change: ChangeForm = kept?.change ?? { person: "", roles: [], staff_id: "", team: "" };
  const changeErrors = errorsFrom(failed?.form === "change" ? failed.fields : []);
  const leave: LeaveForm = kept?.leave ?? { person: "", on: { day: "", month: "", year: "" } };
  const addErrors = errorsFrom(failed?.form === "add" ? failed.fields : []);
  const importFields = failed?.form === "import" ? failed.fields : [];
  const leaveErrors = errorsFrom(failed?.form === "leave" ? failed.fields : []);
  const staying = directory.staff.filter((p) => !p.left_on);
  const redraw = (next: StaffDirectory, nextFailed: Failed) => showStaff(app, next, nextFailed, { add, leave, change });

  const content: Child[] = [
    ...pageHeading("Staff directory"),
    h("p", { class: "govuk-body" }, "The people who take part in checks. Every decision is recorded in the name of one of them; a person who leaves is marked so, never removed."),
    directory.to_review
      ? h("div", { class: "govuk-inset-text", id: "to-review" }, `${directory.to_review} ${directory.to_review === 1 ? "entry is" : "entries are"} flagged to review (each says why): check and complete them below.`)
      : null,
    directory.staff.length
      ? table(
          "People",
          ["Name", "Staff ID", "Team", "Roles", "Registered access worker", "Left"],
          directory.staff.map((p) => [nameCell(p), p.staff_id ?? "None", p.team ?? "Not known", p.roles.length ? rolesInWords(p) : "Not known", accessWorker(p), p.left_on ? `Left on ${longDate(p.left_on)}` : "No"]),
          "staff",
        )
      : h("p", { class: "govuk-body", id: "staff" }, "No one is in the directory yet."),
  ];

  content.push(
    h(
      "form",
      { novalidate: "", id: "add-form" },
      h("h2", { class: "govuk-heading-m" }, "Add a person"),
      textInput({ id: "name", label: "Full name", errors: addErrors, value: add.name, onInput: (v) => (add.name = v) }),
      checkboxes<string>({ id: "roles", label: "Roles", hint: "Select every role they hold", errors: addErrors, values: add.roles, choices: STAFF_ROLES.map(([value, label]) => ({ value, label })), onChange: (v) => (add.roles = v), small: true }),
      textInput({ id: "staff_id", label: "Staff ID", optional: true, hint: "As the council's HR system gives it, with no spaces", width: "10", errors: addErrors, value: add.staff_id, onInput: (v) => (add.staff_id = v) }),
      textInput({ id: "team", label: "Team", optional: true, errors: addErrors, value: add.team, onInput: (v) => (add.team = v) }),
      button("Add the person", async () => {
        try {
          const next = await app.backend.call("staff_add", { name: add.name, roles: add.roles, staff_id: add.staff_id, team: add.team });
          const name = add.name.trim();
          Object.assign(add, { name: "", roles: [], staff_id: "", team: "" });
          app.flash(`${name} is added to the staff directory`);
          redraw(next, null);
        } catch (error) {
          // The boxes name the roles: the codes the file and the command line use are not asked for here.
          failedWith(app, error, "add", (fields) => redraw(directory, { form: "add", fields: fields.map((f) => (f.field === "roles" ? { ...f, message: "Select at least one role" } : f)) }));
        }
      }, { id: "add-person", secondary: true }),
    ),
  );

  const fileInput = h("input", {
    class: `govuk-file-upload${importFields.length ? " govuk-file-upload--error" : ""}`,
    id: "file", name: "file", type: "file", accept: ".csv,text/csv",
    "aria-describedby": `file-hint${importFields.length ? " file-error" : ""}`,
  }) as HTMLInputElement;
  content.push(
    h(
      "form",
      { novalidate: "", id: "import-form" },
      h("h2", { class: "govuk-heading-m" }, "Import people from a file"),
      h(
        "div",
        { class: `govuk-form-group${importFields.length ? " govuk-form-group--error" : ""}` },
        h("label", { class: "govuk-label govuk-label--s", for: "file" }, "CSV file of people"),
        h("div", { class: "govuk-hint", id: "file-hint" }, "A header row ", h("code", {}, "staff_id,name,roles,team"), ", then one row per person; several roles are joined with a semicolon, such as ", h("code", {}, "tm;sd"), ". A person already in the directory is brought up to date; nothing changes while any row has a problem."),
        importFields.length
          ? h(
              "div",
              { class: "govuk-error-message", id: "file-error" },
              h("span", { class: "govuk-visually-hidden" }, "Error: "),
              h("ul", { class: "govuk-list", id: "import-errors" }, ...importFields.map((f) => h("li", {}, ...withCodes(f.message)))),
            )
          : null,
        fileInput,
      ),
      button("Import", () => importFile(app, fileInput, (next, fields) => redraw(next ?? directory, fields ? { form: "import", fields } : null)), { id: "import", secondary: true }),
    ),
  );

  // A person's roles, team or staff ID changed: the entries added from earlier records are
  // checked and completed here, which clears their review flag.
  const chosen = staying.find((p) => (p.staff_id ?? p.name) === change.person);
  content.push(
    h(
      "form",
      { novalidate: "", id: "change-form" },
      h("h2", { class: "govuk-heading-m" }, "Change a person's roles or team"),
      select({
        id: "change-person", label: "Person", errors: changeErrors, value: change.person, empty: "Choose the person",
        choices: staying.map((p) => ({ value: p.staff_id ?? p.name, label: `${p.staff_id ? `${p.name} (staff ID ${p.staff_id})` : p.name}${p.review ? " (to review)" : ""}` })),
        onChange: (v) => {
          const person = staying.find((p) => (p.staff_id ?? p.name) === v);
          Object.assign(change, { person: v, roles: person ? [...person.roles] : [], team: person?.team ?? "", staff_id: person?.staff_id ?? "" });
          redraw(directory, null);
        },
      }),
      chosen
        ? h(
            "div",
            {},
            checkboxes<string>({ id: "change-roles", label: "Roles", hint: `The roles ${chosen.name} holds now`, errors: changeErrors, values: change.roles, choices: STAFF_ROLES.map(([value, label]) => ({ value, label })), onChange: (v) => (change.roles = v), small: true }),
            textInput({ id: "change-staff_id", label: "Staff ID", optional: true, width: "10", errors: changeErrors, value: change.staff_id, onInput: (v) => (change.staff_id = v) }),
            textInput({ id: "change-team", label: "Team", optional: true, errors: changeErrors, value: change.team, onInput: (v) => (change.team = v) }),
          )
        : null,
      button("Save the changes", async () => {
        try {
          const next = await app.backend.call("staff_update", { person: change.person, name: "", roles: change.roles, staff_id: change.staff_id, team: change.team });
          const who = chosen?.name ?? change.person;
          Object.assign(change, { person: "", roles: [], staff_id: "", team: "" });
          app.flash(`${who}'s entry is changed`);
          redraw(next, null);
        } catch (error) {
          // The backend asks for the person as typed text; here they are chosen from a list.
          const field = (f: FieldError): FieldError => ({
            ...f,
            field: f.field === "person" ? "change-person" : `change-${f.field}`,
            message: f.field === "roles" ? "Select at least one role" : f.field === "person" && !change.person ? "Choose the person whose entry changes" : f.message,
          });
          failedWith(app, error, "change", (fields) => redraw(directory, { form: "change", fields: fields.map(field) }));
        }
      }, { id: "change-entry", secondary: true }),
    ),
  );

  content.push(
    h(
      "form",
      { novalidate: "", id: "leave-form" },
      h("h2", { class: "govuk-heading-m" }, "Mark a person as left"),
      h("p", { class: "govuk-body" }, "They stay in the directory, and in every record that names them, but take no step after the day they left."),
      select({ id: "person", label: "Person", errors: leaveErrors, value: leave.person, empty: "Choose the person", choices: staying.map((p) => ({ value: p.staff_id ?? p.name, label: p.staff_id ? `${p.name} (staff ID ${p.staff_id})` : p.name })), onChange: (v) => (leave.person = v) }),
      dateInput({ id: "on", label: "The day they left", hint: "For example, 30 11 2026", errors: leaveErrors, value: leave.on, onInput: (v) => (leave.on = v) }),
      button("Mark as left", async () => {
        try {
          const next = await app.backend.call("staff_leave", { person: leave.person, on: leave.on });
          const who = staying.find((p) => (p.staff_id ?? p.name) === leave.person)?.name ?? leave.person;
          Object.assign(leave, { person: "", on: { day: "", month: "", year: "" } });
          app.flash(`${who} is marked as left`);
          redraw(next, null);
        } catch (error) {
          const field = (f: FieldError): FieldError => (f.field === "person" && !leave.person ? { ...f, message: "Choose the person who left" } : f);
          failedWith(app, error, "leave", (fields) => redraw(directory, { form: "leave", fields: fields.map(field) }));
        }
      }, { id: "mark-left", secondary: true }),
    ),
  );

  app.show("Staff directory", ...content.filter((c): c is Node => c instanceof Node));
  // Each form's problems in a summary of its own, at its top: four forms share this page.
  if (failed?.form === "import") {
    // Every row's problem in the summary, each linked to the file it is in.
    showFormErrors("import-form", importFields.map((f) => ({ field: "file", message: f.message.replace(/: use osw .*$/, "") })), "There is a problem with the file");
  } else if (failed) {
    const titles = { add: "There is a problem with the person to add", change: "There is a problem with the change", leave: "There is a problem with the person who left" };
    showFormErrors(`${failed.form}-form`, failed.fields, titles[failed.form]);
  }
}

/** A message about the file, its role codes shown as code: "use osw (originating social worker), …". */
function withCodes(text: string): (Node | string)[] {
  return text.split(/\b(osw|tm|sm|sd|aaw|legal)\b/).map((part, i) => (i % 2 ? h("code", {}, part) : part));
}

interface AddForm { name: string; roles: string[]; staff_id: string; team: string }
interface LeaveForm { person: string; on: DateParts }
interface ChangeForm { person: string; roles: string[]; staff_id: string; team: string }

/** A field error (or a person not found) draws the form again with it; anything else is shown. */
function failedWith(app: App, error: unknown, _form: string, render: (fields: FieldError[]) => void): void {
  const failure = asIpcError(error);
  if ((failure.code === "invalid_fields" || failure.code === "unknown_staff") && failure.fields.length) render(failure.fields);
  else app.showFailure(failure);
}

/** Reads the chosen file as text in the window (no plugin), and imports it. */
async function importFile(app: App, input: HTMLInputElement, done: (next: StaffDirectory | null, fields: FieldError[] | null) => void): Promise<void> {
  const file = input.files?.[0];
  if (!file) return done(null, [{ field: "file", message: "Choose the CSV file of people to import" }]);
  if (file.size > MAX_FILE_BYTES) return done(null, [{ field: "file", message: `The file is too large: a staff file may be at most ${MAX_FILE_BYTES} bytes` }]);
  const text = await new Promise<string | null>((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === "string" ? reader.result : null);
    reader.onerror = () => resolve(null);
    reader.readAsText(file, "utf-8");
  });
  if (text === null) return done(null, [{ field: "file", message: `${file.name} cannot be read` }]);
  try {
    const next = await app.backend.call("staff_import", { text });
    app.flash(`The people in ${file.name} are added to the staff directory`);
    done(next, null);
  } catch (error) {
    const failure = asIpcError(error);
    if (failure.code === "invalid_fields" && failure.fields.length) done(null, failure.fields);
    else app.showFailure(failure);
  }
}
