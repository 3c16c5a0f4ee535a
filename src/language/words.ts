/**
 * The language's operators in English, per field type: what a visual segment builder shows
 * beside a field (describeFields) and what an explanation of a condition says.
 */
import type { Operator } from "./condition.js";

/** Whether a field is typed, and how: dates read "after", numbers "greater than". */
export type WordedType = "string" | "number" | "boolean" | "date" | "enum" | "untyped";

const GENERAL: { readonly [K in Operator]: string } = {
  eq: "is",
  ne: "is not",
  gt: "is greater than",
  gte: "is at least",
  lt: "is less than",
  lte: "is at most",
  in: "is one of",
  nin: "is not one of",
  contains: "contains",
  startsWith: "starts with",
  endsWith: "ends with",
  exists: "is set",
};

const DATES: Partial<{ readonly [K in Operator]: string }> = {
  gt: "is after",
  gte: "is on or after",
  lt: "is before",
  lte: "is on or before",
};

/** The words for an operator on a field of `type`. */
export function operatorLabel(operator: Operator, type: WordedType = "untyped"): string {
  return (type === "date" ? DATES[operator] : undefined) ?? GENERAL[operator];
}
