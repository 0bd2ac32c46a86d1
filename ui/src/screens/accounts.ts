// The register of sanctioned accounts: the only accounts a session may use.
import { App, attempt, pageHeading, submitForm, ukTime } from "../app";
import { button, errorsFrom, radios, table, textInput } from "../components";
import { h } from "../dom";
import type { AccountAddArgs, FieldError } from "../generated/ipc";

export async function accountsScreen(app: App): Promise<void> {
  const accounts = await attempt(app, () => app.backend.call("account_list", {}));
  if (!accounts) return;
  const args: AccountAddArgs = { platform: "", handle: "", identifiable_as_council: null };
  const title = "Sanctioned accounts";
  const render = (fields: FieldError[]) => {
    const errors = errorsFrom(fields);
    app.show(
      title,
      ...pageHeading(title),
      h("p", { class: "govuk-body" }, "Pages are viewed only through accounts in this register."),
      accounts.length
        ? table("Registered accounts", ["Id", "Platform", "Handle", "Identifiable as the council", "Added"], accounts.map((a) => [String(a.id), a.platform, a.handle, a.identifiable_as_council ? "Yes" : "No", ukTime(a.created_at)]), "accounts")
        : h("p", { class: "govuk-body", id: "accounts" }, "No account is registered yet."),
      h("h2", { class: "govuk-heading-m" }, "Add an account"),
      h(
        "form",
        { novalidate: "", id: "account-form" },
        textInput({ id: "platform", label: "Platform", hint: "For example facebook", errors, width: "10", value: args.platform, onInput: (v) => (args.platform = v) }),
        textInput({ id: "handle", label: "Account handle", errors, width: "20", value: args.handle, onInput: (v) => (args.handle = v) }),
        radios<boolean>({
          id: "identifiable_as_council",
          label: "Can the account be identified as the council's?",
          hint: "An account that cannot be may need a CHIS authorisation before use",
          errors,
          value: args.identifiable_as_council,
          choices: [
            { value: true, label: "Yes" },
            { value: false, label: "No" },
          ],
          onChange: (v) => (args.identifiable_as_council = v),
        }),
        button("Add account", () => add(), { id: "add-account" }),
      ),
    );
    if (fields.length) app.showErrors(fields);
  };
  const add = () =>
    submitForm(app, async () => {
      const added = await app.backend.call("account_add", args);
      app.flash(`Account ${added.platform}: ${added.handle} added`);
      void accountsScreen(app);
    }, render);
  render([]);
}
