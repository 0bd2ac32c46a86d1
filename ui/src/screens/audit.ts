// A request's audit trail as a person reads it: who did what and when (UK time), the
// decision each step recorded, and whether the request's own chain and the whole store's
// chain verify, with the store's count of events.
import { App, attempt, pageHeading } from "../app";
import { backLink, plural, table, warningText } from "../components";
import { Child, h } from "../dom";
import type { AuditTrail } from "../generated/ipc";
import { requestHref } from "./request-page";

export async function auditScreen(app: App, reference: string): Promise<void> {
  const trail = await attempt(app, () => app.backend.call("audit_trail_get", { reference }));
  if (trail) showTrail(app, trail);
}

function showTrail(app: App, trail: AuditTrail): void {
  const content: Child[] = [backLink(requestHref(trail.reference), `Request ${trail.reference}`), ...pageHeading("Audit trail", `Request ${trail.reference}`)];
  content.push(
    trail.request_chain_intact
      ? h("p", { class: "govuk-body", id: "request-chain" }, `Nothing in this request's record has been changed or removed since it was written: its ${plural(trail.events.length, "entry", "entries")} were checked, each against the one before.`)
      : h("div", { id: "request-chain" }, warningText(`This request's record may have been changed or had entries removed since it was written: ${trail.request_chain_problem ?? "the check does not say where"}.`)),
    trail.store_chain_intact
      ? h("p", { class: "govuk-body", id: "store-chain" }, `The record of every change on this laptop is whole: ${plural(trail.store_events, "entry", "entries")}, none changed or removed.`)
      : h("div", { id: "store-chain" }, warningText(`The record of every change on this laptop is not whole (${trail.store_chain_message}); it holds ${plural(trail.store_events, "entry", "entries")}.`)),
  );
  content.push(
    trail.events.length
      ? table(
          "What was done, in order",
          ["Event", "When", "Who", "What"],
          trail.events.map((e) => [String(e.seq), e.when, e.who, e.detail ? h("span", {}, e.what, h("br", {}), h("span", { class: "govuk-body-s" }, e.detail)) : e.what]),
          "audit-events",
        )
      : h("p", { class: "govuk-body", id: "no-events" }, "No event concerns this request."),
  );
  app.show("Audit trail", ...content.filter((c): c is Node => c instanceof Node));
}
