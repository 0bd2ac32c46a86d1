// The pilot's evaluation for the service manager and the service director: the figures over a
// period (default: the policy's pilot period), from this laptop and the other laptops' signed
// exports chosen here, and how their requests add up to those counted; charts drawn by the app
// (SVG, each with its data table under it); saved as CSV or PDF; and this laptop's own figures
// exported for the service manager.
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

/** The steps of a count axis: whole numbers, about five of them, from 0 to at least `max`. */
function ticks(max: number): number[] {
  const step = Math.max(1, Math.ceil(max / 5));
  const top = Math.max(step, Math.ceil(max / step) * step);
  const values: number[] = [];
  for (let v = 0; v <= top; v += step) values.push(v);
  return values;
}

/** About how wide text is at the charts' 16px, in the chart's units. */
const textWidth = (text: string) => text.length * 10;

/** A category's label in the room under its bars: on one line, or its words on two ("November"
 *  over "2026"), or shortened to three letters a word ("Nov" over "2026") where they do not fit.
 *  The table under the chart has every label in full. */
function labelLines(label: string, room: number): string[] {
  if (textWidth(label) <= room - 4) return [label];
  const words = label.split(" ");
  const [first, ...rest] = words;
  const lines = rest.length ? [first, rest.join(" ")] : [first];
  if (lines.every((line) => textWidth(line) <= room - 4)) return lines;
  return lines.map((line) => (textWidth(line) <= room - 4 ? line : line.slice(0, 3)));
}

/** A bar chart drawn as SVG at its own size: a title and description for screen readers,
 *  the legend above the plot, a value axis with gridlines, each bar's value on it, and each
 *  series told apart by its pattern and its name as well as its colour; the same figures in a
 *  table below it. `axisName` names what the bars count. */
export function barChart(id: string, caption: string, categoryName: string, categories: string[], series: Series[], unit: string, axisName: string): HTMLElement {
  const width = 640;
  const left = 64;
  const right = 16;
  const legendHeight = series.length > 1 ? 36 : 0;
  const top = 16 + legendHeight + 12;
  const plot = 200;
  const bottom = 56;
  const height = top + plot + bottom;
  const scale = ticks(Math.max(0, ...series.flatMap((s) => s.values)));
  const max = scale[scale.length - 1];
  const yOf = (value: number) => top + plot - (value / max) * plot;
  const slot = (width - left - right) / Math.max(1, categories.length);
  const barWidth = Math.min(56, Math.max(8, (slot * 0.75) / series.length));
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const words = categories.map((category, c) => `${category}: ${series.map((s) => `${series.length > 1 ? `${s.name.toLowerCase()} ` : ""}${s.values[c] ?? 0}${unit}`).join(", ")}`).join("; ");
  const chart = svg(
    "svg",
    { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-labelledby": `${titleId} ${descId}`, id: `${id}-chart`, class: "app-chart__svg" },
    svg("title", { id: titleId }, caption),
    svg("desc", { id: descId }, `Bar chart. ${words}.`),
  );
  // Each series' pattern: the first solid, the second with diagonal white stripes.
  const defs = svg("defs", {});
  series.forEach((_, k) => {
    const pattern = svg("pattern", { id: `${id}-pattern-${k}`, patternUnits: "userSpaceOnUse", width: 8, height: 8, patternTransform: "rotate(45)" });
    pattern.append(svg("rect", { class: `app-chart__fill--${k}`, width: 8, height: 8 }));
    if (k % 2 === 1) pattern.append(svg("rect", { class: "app-chart__stripe", x: 0, y: 0, width: 3, height: 8 }));
    defs.append(pattern);
  });
  chart.append(defs);
  // The legend, above the plot.
  if (series.length > 1) {
    const legend = svg("g", { class: "app-chart__legend", id: `${id}-legend` });
    let x = left;
    series.forEach((s, k) => {
      legend.append(svg("rect", { class: "app-chart__swatch", x, y: 16, width: 24, height: 20, fill: `url(#${id}-pattern-${k})` }));
      legend.append(svg("text", { class: "app-chart__label", x: x + 32, y: 32 }, s.name));
      x += 32 + textWidth(s.name) + 24;
    });
    chart.append(legend);
  }
  // The value axis: its gridlines and numbers, and what it counts.
  const grid = svg("g", { class: "app-chart__grid", id: `${id}-grid` });
  for (const value of scale) {
    const y = yOf(value);
    grid.append(svg("line", { class: value === 0 ? "app-chart__axis" : "app-chart__gridline", x1: left, y1: y, x2: width - right, y2: y }));
    grid.append(svg("text", { class: "app-chart__label app-chart__tick", x: left - 8, y: y + 5, "text-anchor": "end" }, String(value)));
  }
  grid.append(svg("line", { class: "app-chart__axis", x1: left, y1: top, x2: left, y2: top + plot }));
  grid.append(svg("text", { class: "app-chart__label app-chart__axis-name", x: 0, y: 0, "text-anchor": "middle", transform: `translate(18 ${top + plot / 2}) rotate(-90)` }, axisName));
  chart.append(grid);
  const plotArea = svg("g", { class: "app-chart__plot", id: `${id}-plot` });
  categories.forEach((category, c) => {
    series.forEach((s, k) => {
      const value = s.values[c] ?? 0;
      const x = left + c * slot + (slot - barWidth * series.length) / 2 + k * barWidth;
      const y = yOf(value);
      const bar = svg("rect", { class: `app-chart__bar app-chart__bar--${k}`, x, y, width: barWidth - 4, height: Math.max(top + plot - y, 0), fill: `url(#${id}-pattern-${k})` }, svg("title", {}, `${s.name}, ${category}: ${value}${unit}`));
      plotArea.append(bar);
      plotArea.append(svg("text", { class: "app-chart__value", x: x + (barWidth - 4) / 2, y: y - 6, "text-anchor": "middle" }, `${value}${unit}`));
    });
    const x = left + c * slot + slot / 2;
    const label = svg("text", { class: "app-chart__label app-chart__category", x, y: top + plot + 24, "text-anchor": "middle" });
    labelLines(category, slot).forEach((line, n) => label.append(svg("tspan", { x, dy: n === 0 ? 0 : 20 }, line)));
    plotArea.append(label);
  });
  chart.append(plotArea);
  const rows = categories.map((category, c) => [category, ...series.map((s) => `${s.values[c] ?? 0}${unit}`)]);
  return h(
    "figure",
    { class: "app-chart", id },
    h("div", { class: "app-chart__drawing" }, chart as unknown as Node),
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
      ? barChart("checks-per-month", "Checks done each month", "Month", r.checks_per_month.map((m) => m.label), [{ name: "Checks", values: r.checks_per_month.map((m) => m.count) }], "", "Checks")
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
      "Ratings",
    ),
    h("h2", { class: "govuk-heading-m" }, "Where the figures came from"),
    table("Sources", ["Source", "Requests", "Signing key"], page.sources.map((s) => [s.source, String(s.records), h("code", { class: "app-digest" }, s.fingerprint)]), "sources"),
    ...reconciliation(page),
  ];
}

/** How the sources' requests come to the report's: every request the sources hold, less those
 *  seen in more than one (counted once), less those made outside the period. */
function reconciliation(page: PilotReportPage): Child[] {
  const held = page.in_sources;
  const outside = page.outside_period;
  const requests = (n: number) => (n === 1 ? "1 request" : `${n} requests`);
  return [
    h("h3", { class: "govuk-heading-s", id: "reconciliation-heading" }, "How the requests add up"),
    summaryList(
      [
        ["In the sources", requests(held), null],
        ["Seen in more than one source, counted once", `less ${requests(page.duplicates)}`, null],
        ["Made outside the period", `less ${requests(outside)}`, null],
        ["Counted in this report", requests(page.report.requests), null],
      ],
      "reconciliation",
    ),
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
      backLink("#/records", "Records"),
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
