// The pilot's feedback on a request, recorded by whoever uses the app for the person giving
// it: the originating social worker's feedback after the check (time taken prefilled from the
// access sessions; the form prints, for a worker who does not use the app), how useful the
// information proved six months on, and a rating of the authorisation process.
import { App, attempt, longDate, pageHeading, submitForm, ukTime } from "../app";
import { backLink, button, errorsFrom, plural, radios, summaryList, textArea, textInput } from "../components";
import { Child, h } from "../dom";
import type { Contribution, FieldError, PilotFeedback } from "../generated/ipc";
import { requestHref } from "./request-page";

export type FeedbackKind = "feedback" | "recheck" | "process";

const RATINGS: { value: Contribution; label: string }[] = [
  { value: "little", label: "Little" },
  { value: "some", label: "Some" },
  { value: "considerable", label: "Considerable" },
  { value: "significant", label: "Significant" },
];

const SCORES = [1, 2, 3, 4, 5].map((n) => ({ value: n, label: n === 1 ? "1 (poor)" : n === 5 ? "5 (very good)" : String(n) }));

function given(held: PilotFeedback, kind: FeedbackKind): Child {
  const rating = (r: Contribution) => RATINGS.find((x) => x.value === r)?.label ?? r;
  if (kind === "feedback" && held.feedback) {
    const f = held.feedback;
    return summaryList([
      ["Time taken", plural(f.time_minutes, "minute"), null],
      ["Useful pieces of information", String(f.useful), null],
      ["Unique pieces (not otherwise available)", String(f.unique), null],
      ["How much it contributed", rating(f.rating), null],
      ["Comments", h("span", { class: "app-user-text" }, f.comments ?? "None"), null],
      ["Given by", `${f.given_by}, recorded ${ukTime(f.recorded_at)}`, null],
    ], "given");
  }
  if (kind === "recheck" && held.recheck) {
    const r = held.recheck;
    return summaryList([
      ["How useful it proved", rating(r.rating), null],
      ["Comments", h("span", { class: "app-user-text" }, r.comments ?? "None"), null],
      ["Given by", `${r.given_by}, recorded ${ukTime(r.recorded_at)}`, null],
    ], "given");
  }
  return null;
}

export async function feedbackScreen(app: App, reference: string, kind: FeedbackKind): Promise<void> {
  const held = await attempt(app, () => app.backend.call("pilot_feedback_get", { reference }));
  if (!held) return;
  const worker = await app.backend.call("worker_profile_get", {}).catch(() => null);
  const titles: Record<FeedbackKind, string> = {
    feedback: "The social worker's feedback on the check",
    recheck: "How useful the information proved six months on",
    process: "A rating of the authorisation process",
  };
  const title = titles[kind];
  const form = {
    time_minutes: held.session_minutes ? String(held.session_minutes) : "",
    useful: "",
    unique: "",
    rating: null as Contribution | null,
    ease: null as number | null,
    effectiveness: null as number | null,
    comments: "",
    by: kind === "process" ? worker?.name ?? "" : "",
  };
  const render = (fields: FieldError[]) => {
    const errors = errorsFrom(fields);
    const done = given(held, kind);
    const intro: Record<FeedbackKind, string> = {
      feedback: `The originating social worker says what the check gave, after the log was finalised${held.finalised_on ? ` on ${longDate(held.finalised_on)}` : ""}. A worker who does not use the app fills in the printed form, and it is recorded here.`,
      recheck: "Six months after the log was finalised, the originating social worker says how useful the information proved in the longer term.",
      process: "The requester and the managers each rate how easy and how effective the authorisation process was for this request.",
    };
    const fieldsFor: Record<FeedbackKind, Child[]> = {
      feedback: [
        textInput({ id: "time_minutes", label: "Time the check took, in minutes", hint: held.session_minutes ? `Prefilled from the access sessions: ${plural(held.session_minutes, "minute")}. Change it to the time the whole check took.` : "The access sessions' time is not known: enter the time the whole check took.", width: "4", errors, value: form.time_minutes, onInput: (v) => (form.time_minutes = v) }),
        textInput({ id: "useful", label: "How many useful pieces of information were found", width: "4", errors, value: form.useful, onInput: (v) => (form.useful = v) }),
        textInput({ id: "unique", label: "How many of them were unique (not otherwise available)", width: "4", errors, value: form.unique, onInput: (v) => (form.unique = v) }),
        radios<Contribution>({ id: "rating", label: "How much the information contributed", errors, value: form.rating, choices: RATINGS, onChange: (v) => (form.rating = v) }),
      ],
      recheck: [radios<Contribution>({ id: "rating", label: "How useful the information proved in the longer term", errors, value: form.rating, choices: RATINGS, onChange: (v) => (form.rating = v) })],
      process: [
        radios<number>({ id: "ease", label: "How easy was the authorisation process?", errors, value: form.ease, small: true, choices: SCORES, onChange: (v) => (form.ease = v) }),
        radios<number>({ id: "effectiveness", label: "How effective was it?", errors, value: form.effectiveness, small: true, choices: SCORES, onChange: (v) => (form.effectiveness = v) }),
      ],
    };
    const save = () =>
      submitForm(app, async () => {
        if (kind === "feedback") await app.backend.call("feedback_give", { reference, time_minutes: form.time_minutes, useful: form.useful, unique: form.unique, rating: form.rating, comments: form.comments, by: form.by });
        else if (kind === "recheck") await app.backend.call("feedback_recheck", { reference, rating: form.rating, comments: form.comments, by: form.by });
        else await app.backend.call("feedback_process", { reference, ease: form.ease, effectiveness: form.effectiveness, comments: form.comments, by: form.by });
        app.flash("Recorded", title);
        app.go(requestHref(reference));
      }, render);
    const ratedBy = kind === "process" && held.process.length
      ? h("p", { class: "govuk-body", id: "rated-by" }, `Rated already by ${held.process.map((p) => `${p.given_by} (ease ${p.ease}, effectiveness ${p.effectiveness})`).join("; ")}.`)
      : null;
    app.show(
      title,
      backLink(requestHref(reference)),
      ...pageHeading(title, `Request ${reference}`),
      h("p", { class: "govuk-body" }, intro[kind]),
      done
        ? h("div", {}, h("p", { class: "govuk-body", id: "already" }, "This is recorded:"), done)
        : h(
            "form",
            { novalidate: "", id: "feedback-form" },
            ratedBy,
            ...fieldsFor[kind],
            textArea({ id: "comments", label: "Comments", optional: true, errors, rows: 3, value: form.comments, onInput: (v) => (form.comments = v) }),
            textInput({ id: "by", label: kind === "process" ? "Who gives the rating" : "The social worker who gave it", errors, value: form.by, onInput: (v) => (form.by = v) }),
            h(
              "div",
              { class: "govuk-button-group" },
              button("Save", () => save(), { id: "save" }),
              kind === "process" ? null : button("Print the form", () => window.print(), { id: "print", secondary: true }),
            ),
          ),
    );
    if (fields.length) app.showErrors(fields);
  };
  render([]);
}
