// The pilot's evaluation for the service manager and the service director: the figures over a
// period (default: the policy's pilot period), from this laptop and the other laptops' signed
// exports chosen here, as charts drawn by the app (SVG, each with its data table beside it for
// screen readers), saved as CSV or PDF; and this laptop's own figures exported for the service
// manager.
import { App, attempt, longDate, pageHeading, submitForm } from "../app";
import { backLink, button, dateInput, errorsFrom, notification, plural, summaryList, table, warningText } from "../components";
import { Child, h } from "../dom";
import type { DateParts, FieldError, PilotReportArgs, PilotReportPage } from "../generated/ipc";

const SVG = "http://www.w3.org/2000/svg";

function svg(name: string, attributes: Record<string, string | number>, ...children: (SVGElement | string)[]): SVGElement {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  for (const child of children) element.append(child);
  return element;
}

interface Series {
  name: string;
  values: number[];
}

/** A bar chart drawn as SVG, with the same figures in a table beside it. */
export function barChart(id: string, caption: string, categoryName: string, categories: string[], series: Series[], unit: string): HTMLElement {
  const width = 600;
  const height = 260;
  const left = 40;
  const bottom = 60;
  const top = 20;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const plot = height - top - bottom;
  const slot = (width - left - 10) / Math.max(1, categories.length);
  const barWidth = Math.min(60, Math.max(4, (slot * 0.7) / series.length));
  const titleId = `${id}-title`;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": titleId, id: `${id}-chart` }, svg("title", { id: titleId }, caption));
  chart.append(svg("line", { class: "app-chart__axis", x1: left, y1: height - bottom, x2: width - 5, y2: height - bottom }));
  categories.forEach((category, c) => {
    series.forEach((s, k) => {
      const value = s.values[c] ?? 0;
      const barHeight = (value / max) * plot;
      const x = left + c * slot + (slot - barWidth * series.length) / 2 + k * barWidth;
      const y = height - bottom - barHeight;
      chart.append(svg("rect", { class: `app-chart__bar--${k}`, x, y, width: barWidth - 2, height: Math.max(barHeight, 0) }));
      chart.append(svg("text", { class: "app-chart__value", x: x + (barWidth - 2) / 2, y: y - 4, "text-anchor": "middle" }, String(value)));
    });
    chart.append(svg("text", { class: "app-chart__label", x: left + c * slot + slot / 2, y: height - bottom + 18, "text-anchor": "middle" }, category));
  });
  const key = series.length > 1
    ? h("p", { class: "govuk-body-s", "aria-hidden": "true" }, ...series.flatMap((s, k) => [h("span", { class: `app-chart__key app-chart__key--${k}` }), `${s.name} `]))
    : null;
  const rows = categories.map((category, c) => [category, ...series.map((s) => `${s.values[c] ?? 0}${unit}`)]);
  return h(
    "figure",
    { class: "app-chart", id },
    h("div", { class: "app-chart__drawing" }, chart as unknown as Node, key),
    table(caption, [categoryName, ...series.map((s) => s.name)], rows, `${id}-table`),
  );
}

function figures(page: PilotReportPage): Child[] {
  const r = page.report;
  const or = (v: number | null, unit = "") => (v === null ? "None yet" : `${v}${unit}`);
  const period = r.from || r.to ? `${page.pilot_period ? "in the pilot period, " : ""}from ${r.from ? longDate(r.from) : "the first request"} to ${r.to ? longDate(r.to) : "today"}` : "at any time";
  const ratingNames = ["Little", "Some", "Considerable", "Significant"];
  return [
    h("p", { class: "govuk-body", id: "report-period" }, `Requests made ${period}. From ${page.sources.length === 1 ? "this laptop alone" : `${page.sources.length} sources`}; ${page.duplicates === 1 ? "1 request seen twice was" : `${page.duplicates} requests seen twice were`} counted once.`),
    summaryList(
      [
        ["Requests", String(r.requests), null],
        ["Checks done", String(r.checks), null],
        ["Minutes per check", or(r.minutes_per_check), null],
        ["Useful pieces of information", `${r.useful_total} (${or(r.useful_per_check)} per check)`, null],
        ["Unique pieces (not otherwise available)", `${r.unique_total} (${or(r.unique_per_check)} per check)`, null],
        ["Feedback given, and awaited", `${r.feedback_given} given, ${r.feedback_awaited} awaited`, null],
        ["Days from submission to permission", r.permissions ? `mean ${r.turnaround_mean_days}, median ${r.turnaround_median_days}, over ${r.permissions === 1 ? "1 permission" : `${r.permissions} permissions`}` : "No permission given in the period", null],
        ["Refusals, and referrals back", `${r.refusals} refused, ${r.referrals_back} referred back`, null],
        ["Repeat viewing", `${plural(r.repeat_viewing_warnings, "warning")} accepted, ${plural(r.repeat_viewing_refusals, "refusal")}`, null],
        ["The authorisation process (1 to 5)", `ease ${or(r.process_ease_mean)}, effectiveness ${or(r.process_effectiveness_mean)}, from ${plural(r.process_ratings, "rating")}`, null],
      ],
      "figures",
    ),
    h("h2", { class: "govuk-heading-m" }, "Checks each month"),
    r.checks_per_month.length
      ? barChart("checks-per-month", "Checks done each month", "Month", r.checks_per_month.map((m) => m.label), [{ name: "Checks", values: r.checks_per_month.map((m) => m.count) }], "")
      : h("p", { class: "govuk-body", id: "checks-per-month" }, "No check was done in the period."),
    h("h2", { class: "govuk-heading-m" }, "How much the information contributed"),
    barChart(
      "ratings",
      "Ratings at finalisation and six months on",
      "Rating",
      ratingNames,
      [
        { name: "At finalisation", values: r.ratings_at_finalisation.map((c) => c.count) },
        { name: "Six months on", values: r.ratings_at_six_months.map((c) => c.count) },
      ],
      "",
    ),
    h("h2", { class: "govuk-heading-m" }, "Where the figures came from"),
    table("Sources", ["Source", "Requests", "Signing key"], page.sources.map((s) => [s.source, String(s.records), h("code", { class: "app-digest" }, s.fingerprint)]), "sources"),
  ];
}

export async function pilotScreen(app: App): Promise<void> {
  const empty = (): DateParts => ({ day: "", month: "", year: "" });
  const state = { from: empty(), to: empty(), imports: [] as string[] };
  const args = (): PilotReportArgs => ({ from: state.from, to: state.to, imports: state.imports });
  const first = await attempt(app, () => app.backend.call("pilot_report", args()));
  if (!first) return;
  const status = h("div", { id: "pilot-status", role: "status", "aria-live": "polite" });
  const render = (page: PilotReportPage, fields: FieldError[]) => {
    const errors = errorsFrom(fields);
    const refresh = () =>
      submitForm(app, async () => render(await app.backend.call("pilot_report", args()), []), (f) => render(page, f));
    const write = async (format: "csv" | "pdf") => {
      const path = await app.backend.chooseSaveFile(`pilot-report.${format}`, format);
      if (!path) return;
      await submitForm(app, async () => {
        const written = await app.backend.call("pilot_report_write", { report: args(), format, path: path.toLowerCase().endsWith(`.${format}`) ? path : `${path}.${format}` });
        status.replaceChildren(notification("Report saved", `${written.path}. SHA-256 ${written.sha256}.`));
      }, (f) => render(page, f));
    };
    const exportOwn = async () => {
      const path = await app.backend.chooseSaveFile("pilot-figures.json", "json");
      if (!path) return;
      await submitForm(app, async () => {
        const written = await app.backend.call("pilot_export", { path: path.toLowerCase().endsWith(".json") ? path : `${path}.json` });
        status.replaceChildren(notification("This laptop's figures exported", `${written.records === 1 ? "1 request" : `${written.records} requests`}, without names, signed with the key ${written.fingerprint}: ${written.path}.`));
      }, (f) => render(page, f));
    };
    const content: Child[] = [
      backLink("#/settings", "Settings"),
      ...pageHeading("The pilot's evaluation"),
      h("p", { class: "govuk-body" }, "What the service director judges the pilot on: how often checks were used, the time they took, the useful and unique information found, how much it contributed at finalisation and six months on, and how the authorisation process worked."),
      h(
        "form",
        { novalidate: "", id: "period-form" },
        dateInput({ id: "from", label: "From", optional: true, hint: "Leave both dates blank for the policy's pilot period", errors, value: state.from, onInput: (v) => (state.from = v) }),
        dateInput({ id: "to", label: "To", optional: true, errors, value: state.to, onInput: (v) => (state.to = v) }),
        state.imports.length ? h("ul", { class: "govuk-list", id: "imports" }, ...state.imports.map((p) => h("li", {}, p))) : null,
        errors.has("import") ? h("p", { class: "govuk-error-message", id: "import" }, errors.get("import")!) : null,
        h(
          "div",
          { class: "govuk-button-group" },
          button("Show the report", () => refresh(), { id: "show-report" }),
          button("Add other laptops' figures", async () => {
            const chosen = await app.backend.chooseOpenFiles("json");
            if (!chosen.length) return;
            // A refused file is not kept: the report stays as it was, with the refusal said.
            const before = state.imports;
            state.imports = [...new Set([...state.imports, ...chosen])];
            await submitForm(app, async () => render(await app.backend.call("pilot_report", args()), []), (f) => {
              state.imports = before;
              render(page, f);
            });
          }, { id: "add-imports", secondary: true }),
        ),
      ),
      ...figures(page),
      h("h2", { class: "govuk-heading-m" }, "Save or share"),
      h("div", { class: "govuk-button-group" }, button("Save as CSV", () => write("csv"), { id: "save-csv", secondary: true }), button("Save as PDF", () => write("pdf"), { id: "save-pdf", secondary: true })),
      warningText("This laptop's figures hold no names and are signed with its key, so the service manager can merge every laptop's into one report and see that none was changed."),
      button("Export this laptop's figures", () => exportOwn(), { id: "export-figures", secondary: true }),
      status,
    ];
    app.show("The pilot's evaluation", ...content.filter((c): c is Node => c instanceof Node));
    if (fields.length) app.showErrors(fields);
  };
  render(first, []);
}
