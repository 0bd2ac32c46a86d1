// The worker profile of the person using this laptop, and the register of Authorised
// Access Workers.
import { App, attempt, longDate, pageHeading, ukTime } from "../app";
import { asIpcError } from "../backend";
import { button, dateInput, errorsFrom, radios, select, table, tag, textInput } from "../components";
import { h } from "../dom";
import type { AawRecord, FieldError, WorkerProfileInput } from "../generated/ipc";
import { WORKER_ROLES } from "../labels";

/** `complete` names a person whose registration is to be completed (a staff ID or name). */
export async function profileScreen(app: App, complete = ""): Promise<void> {
  const [profile, aaws, directory] = await Promise.all([
    attempt(app, () => app.backend.call("worker_profile_get", {})),
    attempt(app, () => app.backend.call("aaw_list", {})),
    attempt(app, () => app.backend.call("staff_list", {})),
  ]);
  if (profile === undefined || !aaws || !directory) return;
  const args: WorkerProfileInput = { name: profile?.name ?? "", role: profile?.role ?? "", staff_id: profile?.staff_id ?? "" };
  const register = { name: complete, decided_by: "", evidence: "", trained: { day: "", month: "", year: "" } };
  // The register is the service director's decision: one of the directory's service directors.
  const directors = directory.staff.filter((p) => p.roles.includes("sd") && !p.left_on);
  const title = "Worker profile";
  const render = (fields: FieldError[], registerFields: FieldError[] = []) => {
    const errors = errorsFrom(fields);
    const registerErrors = errorsFrom(registerFields);
    app.show(
      title,
      ...pageHeading(title),
      h("p", { class: "govuk-body" }, "Every change made on this laptop is recorded against this profile."),
      h(
        "form",
        { novalidate: "", id: "profile-form" },
        textInput({ id: "name", label: "Your full name", errors, value: args.name, autocomplete: "name", onInput: (v) => (args.name = v) }),
        radios({ id: "role", label: "Your role", errors, value: args.role || null, choices: WORKER_ROLES.map(([value, label]) => ({ value, label })), onChange: (v) => (args.role = v) }),
        textInput({ id: "staff_id", label: "Staff id", optional: true, errors, width: "10", value: args.staff_id ?? "", onInput: (v) => (args.staff_id = v) }),
        button("Save profile", () => save(), { id: "save-profile" }),
      ),
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
        select({ id: "decided_by", label: "The service director who decided", hint: directors.length ? "A service director of the staff directory" : "The staff directory has no service director: add them on the staff screen first", errors: registerErrors, value: register.decided_by, empty: "Choose the service director", choices: directors.map((d) => ({ value: d.staff_id ?? d.name, label: d.staff_id ? `${d.name} (staff ID ${d.staff_id})` : d.name })), onChange: (v) => (register.decided_by = v) }),
        textInput({ id: "evidence", label: "Reference of the service director's decision", hint: "The email or memo that names them", errors: registerErrors, value: register.evidence, onInput: (v) => (register.evidence = v) }),
        dateInput({ id: "trained", label: "Date they were trained in the protocol", hint: "For example, 2 10 2026", errors: registerErrors, value: register.trained, onInput: (v) => (register.trained = v) }),
        button("Register", () => registerAaw(), { id: "register-aaw", secondary: true }),
      ),
    );
    if (fields.length) app.showErrors(fields);
    if (registerFields.length) app.showErrors(registerFields);
  };
  const save = async () => {
    try {
      await app.backend.call("worker_profile_set", { ...args, staff_id: args.staff_id?.trim() ? args.staff_id : null });
      app.flash("Profile saved");
      app.go("#/requests");
    } catch (error) {
      const failure = asIpcError(error);
      if (failure.code === "invalid_fields") render(failure.fields);
      else app.showFailure(failure);
    }
  };
  const registerAaw = async () => {
    try {
      const added = await app.backend.call("aaw_register", { name: register.name, decided_by: register.decided_by, evidence: register.evidence, trained: register.trained });
      app.flash(`${added.name} is registered as an Authorised Access Worker`);
      void profileScreen(app);
    } catch (error) {
      const failure = asIpcError(error);
      if ((failure.code === "invalid_fields" || failure.code === "unknown_staff") && failure.fields.length) render([], failure.fields.map((f) => ({ ...f, field: f.field === "name" ? "aaw-name" : f.field })));
      else app.showFailure(failure);
    }
  };
  render([]);
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
