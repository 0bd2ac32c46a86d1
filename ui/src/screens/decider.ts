// Who takes a step: the person using this laptop in their own name, or someone of the staff
// directory whose decision came by email and is recorded here for them, with its evidence.
// Which it may be comes from the backend (`yours`, `not_yours`, `waits_for`): the screens
// never work out separation of duties themselves.
import type { App } from "../app";
import { Errors, radios, textInput } from "../components";
import { h } from "../dom";
import type { StaffChoice, StaffRecord } from "../generated/ipc";

/** The person using this laptop, as the staff directory has them; null without a profile. */
export async function laptopWorker(app: App): Promise<StaffRecord | null> {
  const directory = await app.backend.call("staff_list", {}).catch(() => null);
  return directory?.staff.find((p) => p.laptop_worker) ?? null;
}

/** What names a person in a decider field: their staff ID, or their name. */
export function deciderValue(person: StaffRecord): string {
  return person.staff_id ?? person.name;
}

/** "Waits for Tomasz Wiśniewski (team manager)", or for any of several people. */
export function waitsForWords(waits: StaffChoice[]): string {
  if (!waits.length) return "No one in the staff directory may take it now";
  const labels = waits.map((w) => w.label);
  const last = labels.pop()!;
  return `Waits for ${labels.length ? `${labels.join(", ")} or ${last}` : last}`;
}

/** Who may not take it, and why, then who it waits for: shown where a step is not the
 *  worker's own, in place of a button that would be refused. */
export function notYours(id: string, reasons: string[], waits: StaffChoice[]): HTMLElement {
  return h(
    "div",
    { class: "app-not-yours", id },
    h("p", { class: "govuk-body govuk-!-font-weight-bold app-waits-for" }, `${waitsForWords(waits)}.`),
    reasons.length ? h("ul", { class: "govuk-list govuk-list--bullet govuk-body-s" }, ...reasons.map((r) => h("li", {}, sentenceOf(r)))) : null,
  );
}

function sentenceOf(text: string): string {
  const t = text.trim();
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** The name a choice is for, without the role. */
export function choiceName(choice: StaffChoice): string {
  return choice.name;
}

/** The decider chosen from the people who may take the step, and the evidence the decision
 *  came in, both required. */
export function proxyFields(
  args: { decided_by: string; evidence: string },
  waits: StaffChoice[],
  errors: Errors,
  onChoose: (choice: StaffChoice) => void = () => {},
): HTMLElement[] {
  const deciders = waits.length
    ? radios<string>({
        id: "decided_by",
        label: "Whose decision it is",
        hint: "The people of the staff directory who may take this step now",
        errors,
        value: args.decided_by || null,
        choices: waits.map((w) => ({ value: w.value, label: w.label })),
        onChange: (v) => {
          args.decided_by = v;
          const chosen = waits.find((w) => w.value === v);
          if (chosen) onChoose(chosen);
        },
      })
    : h(
        "div",
        { class: "govuk-inset-text", id: "decided_by" },
        "No one in the staff directory may take this step now. ",
        h("a", { class: "govuk-link", href: "#/staff" }, "Add the person to the staff directory"),
        " with the role it needs.",
      );
  return [
    deciders,
    textInput({ id: "evidence", label: "Evidence of the decision", hint: "The reference of the email, memo or minutes it came in", errors, value: args.evidence, onInput: (v) => (args.evidence = v) }),
  ];
}
