// The worker profile of the person using this laptop, and the register of Authorised
// Access Workers.
import { App, attempt, pageHeading, ukTime } from "../app";
import { asIpcError } from "../backend";
import { button, errorsFrom, radios, table, textInput } from "../components";
import { h } from "../dom";
import type { FieldError, WorkerProfileInput } from "../generated/ipc";
import { WORKER_ROLES } from "../labels";

export async function profileScreen(app: App): Promise<void> {
  const [profile, aaws] = await Promise.all([
    attempt(app, () => app.backend.call("worker_profile_get", {})),
    attempt(app, () => app.backend.call("aaw_list", {})),
  ]);
  if (profile === undefined || !aaws) return;
  const args: WorkerProfileInput = { name: profile?.name ?? "", role: profile?.role ?? "", staff_id: profile?.staff_id ?? "" };
  const register = { name: "" };
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
        ? table("Register of Authorised Access Workers", ["Name", "Registered"], aaws.map((a) => [a.name, ukTime(a.registered_at)]), "aaw-register")
        : h("h2", { class: "govuk-heading-m" }, "Register of Authorised Access Workers"),
      aaws.length ? null : h("p", { class: "govuk-body", id: "aaw-register" }, "No one is registered yet."),
      h(
        "form",
        { novalidate: "", id: "register-form" },
        textInput({ id: "aaw-name", label: "Register an Authorised Access Worker", hint: "Their full name, as the service director's list gives it", errors: registerErrors, value: register.name, onInput: (v) => (register.name = v) }),
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
      const added = await app.backend.call("aaw_register", { name: register.name });
      app.flash(`${added.name} is registered as an Authorised Access Worker`);
      void profileScreen(app);
    } catch (error) {
      const failure = asIpcError(error);
      if (failure.code === "invalid_fields") render([], failure.fields.map((f) => ({ ...f, field: "aaw-name" })));
      else app.showFailure(failure);
    }
  };
  render([]);
}
