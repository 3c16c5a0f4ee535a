/**
 * AST → one English sentence, for a segment preview or an audit log. It speaks the user's
 * words, which every node keeps as its origin: field names as written (catalog names, not
 * storage paths), operands as given (a date as the user wrote it, date math in words:
 * dates.ts), topic ids. Structure stays unambiguous: where `and` and `or` mix, the inner
 * part is bracketed, and a negated part is bracketed unless it is a single test.
 */
import { fold, type Node, type Origin } from "../../language/ast.js";
import type { ListItem, Scalar } from "../../language/condition.js";
import { operatorLabel, type WordedType } from "../../language/words.js";
import { OPERATOR_SPECS } from "../../language/operators.js";
import { takesRelative } from "../../language/relative.js";
import { parseDateMath } from "../../time/date-math.js";
import { relativeWords } from "./dates.js";

/** A part of the sentence, and how it is built (so that a parent knows whether to bracket it). */
interface Part {
  readonly text: string;
  readonly kind: "test" | "and" | "or" | "not";
}

/** A value as a person reads it: plain words bare, anything that could blur the sentence quoted. */
function word(value: Scalar): string {
  if (typeof value !== "string") return String(value);
  // Bare unless it could be read as a number, a boolean or a word of the sentence itself.
  const bare =
    /^[\p{L}\p{N}][\p{L}\p{N}@._+:/-]*$/u.test(value) &&
    !/^(?:and|or|not|set|true|false|null|[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)$/i.test(value);
  return bare ? value : JSON.stringify(value);
}

/** `a`, `a or b`, `a, b or c`. */
function list(values: readonly (ListItem | string)[], conjunction: "or" | "and"): string {
  const words = values.map(word);
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} ${conjunction} ${words.at(-1)}`;
}

function fieldTest(origin: Extract<Origin, { from: "field" }>, type: WordedType): string {
  const { field, operator, value } = origin;
  const name = word(field);
  if (operator === "exists") return `${name} ${value === true ? "is set" : "is not set"}`;
  if (type === "date" && takesRelative(operator) && typeof value === "string") {
    // Date math, which the parser has checked: said in words rather than as written.
    const math = parseDateMath(value);
    if (math !== undefined && !("problem" in math)) return `${name} ${relativeWords(operator, math)}`;
  }
  if (OPERATOR_SPECS[operator].value === "list")
    return `${name} ${operatorLabel(operator, type)} ${list(value as readonly ListItem[], "or")}`;
  return `${name} ${operatorLabel(operator, type)} ${word(value as Scalar)}`;
}

function topicTest(origin: Extract<Origin, { from: "topic" }>): string {
  if (origin.key === "subscribedToTopic") return `subscribed to ${list(origin.ids, "or")}`;
  return origin.ids.length === 1
    ? `not subscribed to ${list(origin.ids, "or")}`
    : `not subscribed to any of ${list(origin.ids, "or")}`;
}

/** The sentence for a parsed condition; `typeOf` names a field's catalog type, for the words of dates. */
export function explain(root: Node, typeOf: (field: string) => WordedType): string {
  const join = (children: readonly Part[], kind: "and" | "or"): Part => {
    if (children.length === 1) return children[0] as Part;
    const texts = children.map((c) =>
      c.kind === "test" || c.kind === "not" || c.kind === kind ? c.text : `(${c.text})`,
    );
    return { text: texts.join(`, ${kind} `), kind };
  };
  // A node made from a field or topic condition is said from its origin, whatever it lowered to.
  const said = (n: Node): Part | undefined => {
    if (n.origin.from === "field") return { text: fieldTest(n.origin, typeOf(n.origin.field)), kind: "test" };
    if (n.origin.from === "topic") return { text: topicTest(n.origin), kind: "test" };
    return undefined;
  };
  return fold<Part>(root, {
    leaf: (n) => said(n) ?? { text: "(a test)", kind: "test" },
    topic: (n) => said(n) ?? { text: `subscribed to ${list(n.ids, "or")}`, kind: "test" },
    elemMatch: (n, where) => said(n) ?? where(),
    and: (n, children) => said(n) ?? join(children, "and"),
    or: (n, children) => said(n) ?? join(children, "or"),
    not: (n, child) => said(n) ?? { text: `not (${child.text})`, kind: "not" },
  }).text;
}
