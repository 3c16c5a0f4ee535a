/**
 * Relative dates in words: date math (`"now-30d"`, time/date-math.ts) as a marketer reads
 * it, for the explanation. An instant reads "now", "30 days ago", "1 week from now"; a
 * rounded one names its unit: "today", "yesterday", "this month", "last week", "the day 7
 * days ago". The common shapes get their own sentences ("in the last 30 days", "more than
 * 90 days ago", "in this month or later"); anything else is the operator's date words and
 * the instant's. Each operator's rounding (language/relative.ts) makes a rounded unit whole,
 * so "after today" starts tomorrow and "on or before today" includes all of it.
 */
import type { Operator } from "../../language/condition.js";
import { operatorLabel } from "../../language/words.js";
import type { DateMath, Step, Unit } from "../../time/date-math.js";

const UNIT_WORDS: { readonly [U in Unit]: string } = {
  y: "year",
  M: "month",
  w: "week",
  d: "day",
  h: "hour",
  m: "minute",
  s: "second",
};

/** `1 day`, `2 days`. */
const count = (n: number, unit: Unit): string => `${n} ${UNIT_WORDS[unit]}${n === 1 ? "" : "s"}`;

/** `a`, `a and b`, `a, b and c`. */
const andList = (words: readonly string[]): string =>
  words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;

/** An unrounded instant: `now`, `30 days ago`, `1 month and 2 days ago`, `1 week from now`, `now minus 1 month plus 2 days`. */
function instant(steps: readonly Step[]): string {
  if (steps.length === 0) return "now";
  if (steps.every((s) => s.amount < 0)) return `${andList(steps.map((s) => count(-s.amount, s.unit)))} ago`;
  if (steps.every((s) => s.amount > 0)) return `${andList(steps.map((s) => count(s.amount, s.unit)))} from now`;
  return `now ${steps.map((s) => `${s.amount < 0 ? "minus" : "plus"} ${count(Math.abs(s.amount), s.unit)}`).join(" ")}`;
}

/** A rounded instant, the unit it falls in, with the preposition a sentence puts before it ("in this month"; "today" takes none). */
interface Period {
  readonly text: string;
  readonly preposition: string;
}

function period(steps: readonly Step[], unit: Unit): Period {
  const name = UNIT_WORDS[unit];
  const clock = unit === "h" || unit === "m" || unit === "s";
  if (steps.length === 0)
    return unit === "d" ? { text: "today", preposition: "" } : { text: `this ${name}`, preposition: "in " };
  const only = steps.length === 1 ? steps[0]! : undefined;
  if (only !== undefined && only.unit === unit && Math.abs(only.amount) === 1) {
    const back = only.amount < 0;
    if (unit === "d") return { text: back ? "yesterday" : "tomorrow", preposition: "" };
    const which = clock ? (back ? "the previous" : "the next") : back ? "last" : "next";
    return { text: `${which} ${name}`, preposition: "in " };
  }
  const mixed = steps.some((s) => s.amount < 0) && steps.some((s) => s.amount > 0);
  return { text: `the ${name} ${mixed ? "of " : ""}${instant(steps)}`, preposition: unit === "d" ? "on " : "in " };
}

/** What follows the field's name for a range test whose value is date math: `is in the last 30 days`. */
export function relativeWords(operator: Operator, math: DateMath): string {
  // A step of zero does nothing (`now-0d` is `now`).
  const steps = math.steps.filter((s) => s.amount !== 0);
  if (math.round !== undefined) {
    const { text, preposition } = period(steps, math.round);
    if (operator === "gte") return `is ${preposition}${text} or later`;
    if (operator === "lte") return `is ${preposition}${text} or earlier`;
    return `${operatorLabel(operator, "date")} ${text}`;
  }
  const only = steps.length === 1 ? steps[0]! : undefined;
  if (only !== undefined && only.amount < 0) {
    const n = -only.amount;
    if (operator === "gt" || operator === "gte")
      return `is in the last ${n === 1 ? UNIT_WORDS[only.unit] : count(n, only.unit)}`;
    if (operator === "lt" || operator === "lte") return `is more than ${count(n, only.unit)} ago`;
  }
  return `${operatorLabel(operator, "date")} ${instant(steps)}`;
}
