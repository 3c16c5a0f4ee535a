/**
 * Errors are data: every problem found in an input is one {@link ConditionIssue},
 * and a {@link ConditionError} carries all of them at once.
 */

/** Machine-readable issue codes (snake_case, stable: callers may switch on them). */
export type ConditionIssueCode =
  /** A key holds the wrong JSON type (a field name that is not a string, a condition that is not an object). */
  | "invalid_type"
  /** An object has a key that the condition language does not define. */
  | "unknown_key"
  /** An object mixes the keys of two condition shapes, or has none of any shape. */
  | "unknown_shape"
  /** A required key is missing. */
  | "missing_key"
  /** `operator` is not one of the operators of the language. */
  | "unknown_operator"
  /** The `value` does not suit the operator (e.g. `in` with a scalar, `exists` with "true"). */
  | "invalid_value"
  /** `null` was given as a value; use the `exists` operator instead. */
  | "null_value"
  /** A number is `NaN`, `Infinity` or `-Infinity`. */
  | "non_finite_number"
  /** `$and`, `$or`, `in`, `nin` or a topic list is empty. */
  | "empty_list"
  /** A field name is not a usable document path. */
  | "invalid_field"
  /** A topic id is empty. */
  | "invalid_topic"
  /** A string is not well-formed UTF-16 (a lone surrogate), so MongoDB would store another string. */
  | "invalid_string"
  /** The input refers to itself. */
  | "cyclic_input"
  /** The condition nests deeper than `limits.maxDepth`. */
  | "too_deep"
  /** The condition has more nodes than `limits.maxNodes`. */
  | "too_many_nodes"
  /** A list has more items than `limits.maxListLength`. */
  | "too_many_items"
  /** A string is longer than `limits.maxStringLength`. */
  | "too_long"
  /** Reading the input threw (e.g. a getter or a revoked proxy). */
  | "unreadable_input"
  /** The options object itself is invalid. */
  | "invalid_options"
  /** A field catalog (`options.fields`, `defineFields`) is malformed. */
  | "invalid_catalog"
  /** With a catalog: the field is not in it. */
  | "unknown_field"
  /** With a catalog: the operator does not apply to the field's type (e.g. `contains` on a number). */
  | "invalid_operator"
  /** With a catalog: a date field's value is not an ISO-8601 date or datetime, or epoch milliseconds. */
  | "invalid_date";

export type ConditionPath = readonly (string | number)[];

export interface ConditionIssue {
  readonly code: ConditionIssueCode;
  /** Where the problem is, from the root of the input: `["$and", 1, "operator"]`. */
  readonly path: ConditionPath;
  /** A sentence a person can act on. */
  readonly message: string;
}

/** Formats a path the way a person writes it: `$and[1].operator`. */
export function formatPath(path: ConditionPath): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out === "" ? "(root)" : out;
}

function formatIssue(issue: ConditionIssue): string {
  return `${formatPath(issue.path)}: ${issue.message}`;
}

/** The only error segmatch throws for bad input. */
export class ConditionError extends Error {
  override readonly name = "ConditionError";
  readonly issues: readonly ConditionIssue[];

  constructor(issues: readonly ConditionIssue[]) {
    const list = issues.length > 0 ? issues : [{ code: "invalid_type", path: [], message: "invalid condition" } as const];
    const head = list.slice(0, 10).map(formatIssue);
    if (list.length > 10) head.push(`… and ${list.length - 10} more issues`);
    super(head.join("\n"));
    this.issues = Object.freeze(list.map((i) => Object.freeze({ ...i, path: Object.freeze([...i.path]) })));
  }
}

/** Collects issues while walking an input; callers throw once at the end. */
export class IssueList {
  readonly items: ConditionIssue[] = [];
  add(code: ConditionIssueCode, path: ConditionPath, message: string): void {
    this.items.push({ code, path: [...path], message });
  }
  get ok(): boolean {
    return this.items.length === 0;
  }
}

/** Describes a received value in an error message without echoing megabytes of it. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "boolean":
      return String(value);
    case "undefined":
      return "undefined";
    case "bigint":
      return "a bigint";
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    default:
      try {
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto === Object.prototype || proto === null) return "an object";
        const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
        return typeof name === "string" && name !== "" ? `a ${name}` : "an object";
      } catch {
        return "an unreadable object";
      }
  }
}

/** The message of something thrown, without ever throwing itself (a getter, a null-prototype object…). */
export function thrownMessage(error: unknown): string {
  try {
    if (error instanceof Error && typeof error.message === "string") return error.message;
    return describe(error);
  } catch {
    return "an unreadable error";
  }
}
