// The worker profile of the person using this laptop, and the register of Authorised
// Access Workers.
import { App, attempt, longDate, pageHeading, ukTime } from "../app";
import { asIpcError } from "../backend";
import { button, dateInput, errorsFrom, radios, select, showFormErrors, table, tag, textInput } from "../components";
import { h } from "../dom";
import type { AawRecord, FieldError, StaffRecord, WorkerProfileInput } from "../generated/ipc";
import { WORKER_ROLES, labelOf } from "../labels";
import { rolesInWords } from "./staff";

/** Who is using this laptop: a person of the staff directory, chosen from it, or added to it
 *  (when it is empty or they are not in it), in the role they work in here. `complete` names
 *  a person whose registration is to be completed (a staff ID or name). `setup` is the
 *  laptop's first start: after the profile comes the browser for captures. */
export async function profileScreen(app: App, complete = "", setup = false): Promise<void> {
  const [profile, aaws, directory] = await Promise.all([
    attempt(app, () => app.backend.call("worker_profile_get", {})),
    attempt(app, () => app.backend.call("aaw_list", {})),
    attempt(app, () => app.backend.call("staff_list", {})),
  ]);
  if (profile === undefined || !aaws || !directory) return;
  // The people who may be this laptop's worker: everyone who has not left.
  const people = directory.staff.filter((p) => !p.left_on).sort((a, b) => a.name.localeCompare(b.name, "en-GB"));
  const current = directory.staff.find((p) => p.laptop_worker && !p.left_on) ?? null;
  const answers = {
    listed: (current ? "yes" : null) as "yes" | "no" | null,
    person: current ? String(current.id) : "",
    name: profile && !current ? profile.name : "",
    staff_id: profile && !current ? (profile.staff_id ?? "") : "",
    role: profile?.role ?? "",
  };
  const register = { name: complete, decided_by: "", evidence: "", trained: { day: "", month: "", year: "" } };
  // The register is the service director's decision: one of the directory's service directors.
  const directors = directory.staff.filter((p) => p.roles.includes("sd") && !p.left_on);
  const title = "Worker profile";
  const chosen = () => (answers.listed === "yes" ? (people.find((p) => String(p.id) === answers.person) ?? null) : null);
  /** The roles offered: those the directory gives the person chosen, when it gives any. */
  const roleChoices = () => {
    const person = chosen();
    const held = person ? WORKER_ROLES.filter(([role]) => person.roles.includes(role)) : [];
    return held.length ? held : WORKER_ROLES;
  };
  /** A person the directory gives one of these roles has it chosen for them. */
  const settleRole = () => {
    const offered = roleChoices();
    if (offered.length === 1) answers.role = offered[0][0];
  };
  let shownFields: FieldError[] = [];
  /** The problems still shown once an answer changed: those of questions still unanswered. */
  const pending = () => {
    settleRole();
    return shownFields.filter(
      (f) =>
        !(f.field === "listed" && answers.listed) &&
        !(f.field === "person" && (answers.listed !== "yes" || chosen())) &&
        !(f.field === "role" && answers.role) &&
        !((f.field === "name" || f.field === "staff_id") && answers.listed === "yes"),
    );
  };
  const render = (fields: FieldError[], registerFields: FieldError[] = []) => {
    shownFields = fields;
    const errors = errorsFrom(fields);
    const registerErrors = errorsFrom(registerFields);
    const person = chosen();
    settleRole();
    const offered = roleChoices();
    const roleHint = person && offered === WORKER_ROLES
      ? `The staff directory does not give ${person.name} any of these roles: change their roles on the staff directory screen first`
      : person
        ? "The roles the staff directory gives you"
        : answers.listed === "no" || !people.length
          ? "You are added to the staff directory in this role, marked for whoever keeps the directory to check"
          : undefined;
    const newPerson = () =>
      h(
        "div",
        {},
        textInput({ id: "name", label: "Your full name", errors, value: answers.name, autocomplete: "name", onInput: (v) => (answers.name = v) }),
        textInput({ id: "staff_id", label: "Your staff ID", hint: "As the council's staff list gives it", optional: true, errors, width: "10", value: answers.staff_id, onInput: (v) => (answers.staff_id = v) }),
      );
    const whoAmI = people.length
      ? radios<"yes" | "no">({
          id: "listed",
          label: "Are you in the staff directory?",
          legendSize: "m",
          hint: `It has ${people.length === 1 ? "1 person" : `${people.length} people`} in it.`,
          errors,
          value: answers.listed,
          choices: [
            {
              value: "yes",
              label: "Yes: choose myself from it",
              conditional: () =>
                select({
                  id: "person",
                  label: "Your name in the staff directory",
                  errors,
                  value: answers.person,
                  empty: "Choose your name",
                  choices: people.map((p) => ({ value: String(p.id), label: directoryLabel(p) })),
                  onChange: (v) => {
                    answers.person = v;
                    answers.role = "";
                    render(pending());
                    document.getElementById("person")?.focus();
                  },
                }),
            },
            { value: "no", label: "No: add me to it", conditional: newPerson },
          ],
          onChange: (v) => {
            answers.listed = v;
            answers.role = "";
            render(pending());
            document.getElementById(v === "yes" ? "listed" : "listed-2")?.focus();
          },
        })
      : h(
          "div",
          { id: "directory-empty" },
          h("h2", { class: "govuk-heading-m" }, "Add yourself to the staff directory"),
          h("p", { class: "govuk-body" }, "The staff directory is empty: nobody has been added to it on this laptop yet. Add yourself now. The other people who take part can be added, or imported from the council's staff list, on the staff directory screen later."),
          newPerson(),
        );
    app.show(
      title,
      ...pageHeading(title, setup ? "Setting up this laptop" : undefined),
      h("p", { class: "govuk-body" }, "Every change made on this laptop is recorded against this profile: a person of the staff directory."),
      h(
        "form",
        { novalidate: "", id: "profile-form" },
        whoAmI,
        radios({
          id: "role",
          label: "Your role on this laptop",
          legendSize: "m",
          hint: roleHint,
          errors,
          value: answers.role || null,
          choices: offered.map(([value, label]) => ({ value, label })),
          onChange: (v) => (answers.role = v),
        }),
        button(setup ? "Save and continue" : "Save profile", () => save(), { id: "save-profile" }),
      ),
      ...(setup ? [] : registerSection(registerErrors)),
    );
    if (fields.length) app.showErrors(fields);
    if (registerFields.length) {
      // The register's form has its own summary, at its top: the profile's form is not at fault.
      showFormErrors("register-form", registerFields, "There is a problem with the registration");
    }
  };
  const registerSection = (registerErrors: ReturnType<typeof errorsFrom>): (Node | null)[] => [
    aaws.length
      ? table("Register of Authorised Access Workers", ["Name", "Decided by", "Service director's decision", "Trained", "Registered"], aaws.map(registerRow), "aaw-register")
      : h("h2", { class: "govuk-heading-m" }, "Register of Authorised Access Workers"),
    aaws.length ? null : h("p", { class: "govuk-body", id: "aaw-register" }, "No one is registered yet."),
    h(
      "form",
      { novalidate: "", id: "register-form" },
      h("h2", { class: "govuk-heading-m" }, complete ? "Complete a registration" : "Register an Authorised Access Worker"),
      h("p", { class: "govuk-body" }, "Registering an access worker is the service director's decision: it needs the decision, its evidence and the date they were trained. A registration without them is flagged, and its worker takes no access worker's step until it is completed here."),
      textInput({ id: "aaw-name", label: "The access worker", hint: "Their staff ID, or their name as the staff directory gives it", errors: registerErrors, value: register.name, onInput: (v) => (register.name = v) }),
      select({ id: "decided_by", label: "The service director who decided", hint: directors.length ? "A service director of the staff directory" : "The staff directory has no service director: add them on the staff directory screen first", errors: registerErrors, value: register.decided_by, empty: "Choose the service director", choices: directors.map((d) => ({ value: d.staff_id ?? d.name, label: d.staff_id ? `${d.name} (staff ID ${d.staff_id})` : d.name })), onChange: (v) => (register.decided_by = v) }),
      directors.length ? null : h("p", { class: "govuk-body", id: "no-director" }, h("a", { class: "govuk-link", href: "#/staff" }, "Add the service director to the staff directory")),
      textInput({ id: "evidence", label: "Reference of the service director's decision", hint: "The email or memo that names them", errors: registerErrors, value: register.evidence, onInput: (v) => (register.evidence = v) }),
      dateInput({ id: "trained", label: "Date they were trained in the protocol", hint: "For example, 2 10 2026", errors: registerErrors, value: register.trained, onInput: (v) => (register.trained = v) }),
      button("Register", () => registerAaw(), { id: "register-aaw", secondary: true }),
    ),
  ];
  const save = async () => {
    // Which person is meant: answered here before anything is sent.
    const missing: FieldError[] = [];
    if (people.length && answers.listed === null) missing.push({ field: "listed", message: "Select whether you are in the staff directory" });
    if (answers.listed === "yes" && !chosen()) missing.push({ field: "person", message: "Choose your name in the staff directory" });
    if (missing.length) {
      // The role is the backend's to check; it is asked for at the same time.
      if (!answers.role) missing.push({ field: "role", message: "Select your role on this laptop" });
      return render(missing);
    }
    const person = chosen();
    const added = !person;
    const args: WorkerProfileInput = person
      ? { name: person.name, role: answers.role, staff_id: person.staff_id }
      : { name: answers.name, role: answers.role, staff_id: answers.staff_id.trim() ? answers.staff_id : null };
    try {
      // Someone typed in may be in the directory after all (their name however spelt, or
      // added since this screen was drawn): the directory just before and after says.
      const before = added ? await app.backend.call("staff_list", {}) : null;
      const saved = await app.backend.call("worker_profile_set", args);
      const after = added ? await app.backend.call("staff_list", {}) : null;
      const me = after?.staff.find((p) => p.laptop_worker);
      const isNew = me !== undefined && before !== null && !before.staff.some((p) => p.id === me.id);
      app.flash(
        "Profile saved",
        isNew ? `${saved.name} is added to the staff directory in the role ${labelOf(WORKER_ROLES, saved.role)}, marked for whoever keeps the directory to check.` : "",
      );
      app.go(setup ? "#/browser?setup" : "#/requests");
    } catch (error) {
      const failure = asIpcError(error);
      if (failure.code === "invalid_fields" || failure.code === "unknown_staff") {
        // A problem with a person chosen from the directory is shown on the choice.
        render(person ? failure.fields.map((f) => ({ ...f, field: f.field === "name" || f.field === "staff_id" ? "person" : f.field })) : failure.fields);
      } else app.showFailure(failure);
    }
  };
  const registerAaw = async () => {
    try {
      const added = await app.backend.call("aaw_register", { name: register.name, decided_by: register.decided_by, evidence: register.evidence, trained: register.trained });
      app.flash(`${added.name} is registered as an Authorised Access Worker`);
      void profileScreen(app);
    } catch (error) {
      const failure = asIpcError(error);
      // The backend asks for the service director as typed text (a staff ID or a name); here
      // they are chosen among the directory's service directors.
      const field = (f: FieldError): FieldError =>
        f.field === "name" ? { ...f, field: "aaw-name" } : f.field === "decided_by" && !register.decided_by.trim() ? { ...f, message: "Choose the service director" } : f;
      if ((failure.code === "invalid_fields" || failure.code === "unknown_staff") && failure.fields.length) render([], failure.fields.map(field));
      else app.showFailure(failure);
    }
  };
  render([]);
}

/** A person as the directory's choice shows them: name, roles, team and staff ID. */
function directoryLabel(p: StaffRecord): string {
  const details = [rolesInWords(p), p.team, p.staff_id ? `staff ID ${p.staff_id}` : null].filter((d) => d);
  return details.length ? `${p.name} (${details.join("; ")})` : p.name;
}

/** A row of the register; one registered without the service director's decision, the
 *  evidence or the training date is flagged, with a link to complete it. */
export function registerRow(a: AawRecord): (Node | string)[] {
  const missing = h("span", {}, tag("Not recorded", "red"));
  const who = a.person.staff_id ?? a.person.name;
  return [
    a.incomplete
      ? h("span", {}, a.name, " ", tag("Incomplete", "red"), " ", h("a", { class: "govuk-link", href: `#/profile?complete=${encodeURIComponent(who)}`, id: `complete-${a.id}` }, "Complete the registration", h("span", { class: "govuk-visually-hidden" }, ` of ${a.name}`)))
      : a.name,
    a.decided_by ? a.decided_by.name : missing.cloneNode(true),
    a.evidence ?? missing,
    a.trained_on ? longDate(a.trained_on) : missing.cloneNode(true),
    ukTime(a.registered_at),
  ];
}
