/**
 * What a typed field accepts: which operators suit its type, and which values, converted to
 * the form the document stores (a `Date`, or epoch milliseconds, for dates).
 */
import { OPERATORS, type Operator } from "../language/condition.js";
import { assertNever } from "../language/never.js";
import { describe, type IssueInput } from "../errors.js";
import { closest } from "../suggest.js";
import { FIELD_TYPES, type FieldType, type ResolvedField } from "./catalog.js";
import { toEpochMillis } from "./dates.js";
import { RELATIVE_TESTS, RelativeDate } from "../language/relative.js";
import { parseDateMath } from "../time/date-math.js";

const ORDERED: readonly FieldType[] = ["string", "number", "date"];
const LISTED: readonly FieldType[] = ["string", "number", "date", "enum"];
const TEXT: readonly FieldType[] = ["string"];

/**
 * The field types each operator applies to: no substring tests but on strings, no ranges on
 * enums or booleans. Keyed by every operator, so a new one must say which types take it.
 */
const OPERATOR_TYPES: { readonly [K in Operator]: readonly FieldType[] } = {
  eq: FIELD_TYPES,
  ne: FIELD_TYPES,
  gt: ORDERED,
  gte: ORDERED,
  lt: ORDERED,
  lte: ORDERED,
  in: LISTED,
  nin: LISTED,
  contains: TEXT,
  startsWith: TEXT,
  endsWith: TEXT,
  exists: FIELD_TYPES,
};

const operatorsOf = (type: FieldType): readonly Operator[] =>
  OPERATORS.filter((operator) => OPERATOR_TYPES[operator].includes(type));

/** The operators each type accepts, in the order of `OPERATORS`. */
export const TYPE_OPERATORS: { readonly [T in FieldType]: readonly Operator[] } = {
  string: operatorsOf("string"),
  number: operatorsOf("number"),
  date: operatorsOf("date"),
  enum: operatorsOf("enum"),
  boolean: operatorsOf("boolean"),
};

export type TypedValue = string | number | boolean | Date | RelativeDate;
type Checked = { ok: TypedValue } | { issue: Extract<IssueInput, { code: "invalid_value" | "invalid_date" }> };

/** Date math on a date field: a relative date for a range test, refused for any other operator. */
function relative(field: ResolvedField, text: string, operator: Operator | undefined): Checked {
  const math = parseDateMath(text);
  if (math === undefined) throw new Error("segmatch: date math that does not start with now");
  if ("problem" in math) {
    return {
      issue: {
        code: "invalid_date",
        field: field.name,
        received: describe(text),
        problem: `date_math_${math.problem}`,
      },
    };
  }
  const up = operator !== undefined && Object.hasOwn(RELATIVE_TESTS, operator) ? RELATIVE_TESTS[operator] : undefined;
  if (up === undefined) {
    return {
      issue: {
        code: "invalid_value",
        reason: "relative_operator",
        field: field.name,
        operator: operator ?? "",
        received: describe(text),
      },
    };
  }
  return { ok: new RelativeDate(text, math, up, field.storage) };
}

/** Checks one value (a scalar, or one item of an `in` list) against the field's type. */
export function checkTyped(
  field: ResolvedField,
  value: unknown,
  maySuggest: () => boolean = () => true,
  operator?: Operator,
): Checked {
  const refused = (more: { allowed?: readonly string[]; suggestions?: readonly string[] } = {}): Checked => ({
    issue: {
      code: "invalid_value",
      reason: "field_type",
      field: field.name,
      type: field.type,
      received: describe(value),
      ...more,
    },
  });
  switch (field.type) {
    case "string":
      // Date math where a range test meets a text field: a relative date on a field that is not a date.
      if (typeof value === "string" && operator !== undefined && Object.hasOwn(RELATIVE_TESTS, operator)) {
        const math = parseDateMath(value);
        if (math !== undefined && !("problem" in math))
          return {
            issue: {
              code: "invalid_value",
              reason: "relative_field",
              field: field.name,
              type: field.type,
              received: describe(value),
            },
          };
      }
      return typeof value === "string" ? { ok: value } : refused();
    case "number": {
      if (typeof value === "number") return { ok: value };
      return refused(
        typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))
          ? { suggestions: [String(Number(value))] }
          : {},
      );
    }
    case "boolean":
      return typeof value === "boolean" ? { ok: value } : refused();
    case "enum": {
      const values = field.values ?? [];
      if (typeof value === "string" && values.includes(value)) return { ok: value };
      const near = typeof value === "string" && maySuggest() ? closest(value, values, 1) : [];
      return refused({ allowed: values, suggestions: near });
    }
    case "date": {
      if (typeof value === "string" && value.startsWith("now")) return relative(field, value, operator);
      const result = toEpochMillis(value);
      if ("problem" in result)
        return { issue: { code: "invalid_date", field: field.name, received: describe(value), ...result } };
      return { ok: field.storage === "epochMillis" ? result.ms : new Date(result.ms) };
    }
    default:
      return assertNever(field.type, "field type");
  }
}
