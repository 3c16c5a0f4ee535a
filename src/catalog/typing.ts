/**
 * What a typed field accepts: which operators suit its type, and which values, converted to
 * the form the document stores (a `Date`, or epoch milliseconds, for dates).
 */
import type { Operator } from "../language/condition.js";
import { describe, type IssueData } from "../errors.js";
import { closest, meant } from "../suggest.js";
import type { FieldType, ResolvedField } from "./catalog.js";
import { toEpochMillis } from "./dates.js";

const ALL: readonly Operator[] = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "contains", "startsWith", "endsWith", "exists"];

/** The operators each type accepts: no substring tests but on strings, no ranges on enums or booleans. */
export const TYPE_OPERATORS: { readonly [T in FieldType]: readonly Operator[] } = {
  string: ALL,
  number: ["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "exists"],
  date: ["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "exists"],
  enum: ["eq", "ne", "in", "nin", "exists"],
  boolean: ["eq", "ne", "exists"],
};

export type TypedValue = string | number | boolean | Date;
type Checked = { ok: TypedValue } | { code: "invalid_value" | "invalid_date"; message: string; data?: IssueData };

/** Checks one value (a scalar, or one item of an `in` list) against the field's type. */
export function checkTyped(field: ResolvedField, value: unknown, maySuggest: () => boolean = () => true): Checked {
  const label = (): string => `field ${JSON.stringify(field.name)} is ${field.type === "enum" ? "an" : "a"} ${field.type}`;
  switch (field.type) {
    case "string":
      return typeof value === "string" ? { ok: value } : { code: "invalid_value", message: `${label()}: the value must be a string, not ${describe(value)}` };
    case "number": {
      if (typeof value === "number") return { ok: value };
      const hint = typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)) ? ` (write ${Number(value)}, without quotes)` : "";
      return { code: "invalid_value", message: `${label()}: the value must be a number, not ${describe(value)}${hint}` };
    }
    case "boolean":
      return typeof value === "boolean" ? { ok: value } : { code: "invalid_value", message: `${label()}: the value must be true or false, not ${describe(value)}` };
    case "enum": {
      const values = field.values ?? [];
      if (typeof value === "string" && values.includes(value)) return { ok: value };
      const near = typeof value === "string" && maySuggest() ? closest(value, values, 1) : [];
      return { code: "invalid_value", message: `${label()}: ${describe(value)} is not one of ${values.join(", ")}${meant(near)}`, data: { received: describe(value), allowed: values, suggestions: near } };
    }
    case "date": {
      const result = toEpochMillis(value);
      if ("problem" in result) return { code: "invalid_date", message: `${label()}: ${describe(value)} is not a date: ${result.problem}` };
      return { ok: field.storage === "epochMillis" ? result.ms : new Date(result.ms) };
    }
  }
}
