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
  /** With a catalog: the field is not in it (or, lifting a MongoDB filter, no field is stored at the path). */
  | "unknown_field"
  /** A part of a MongoDB filter that `fromMongoQuery` cannot lift without changing its meaning. */
  | "not_liftable"
  /** With a catalog: the operator does not apply to the field's type (e.g. `contains` on a number). */
  | "invalid_operator"
  /** With a catalog: a date field's value is not an ISO-8601 date or datetime, or epoch milliseconds. */
  | "invalid_date"
  /** Two segments of one call share an id. */
  | "duplicate_id"
  /** A compiled condition was given where other options (catalog, topics, mongoVersion) apply. */
  | "foreign_condition";

export type ConditionPath = readonly (string | number)[];

export interface ConditionIssue {
  readonly code: ConditionIssueCode;
  /** Where the problem is, from the root of the input: `["$and", 1, "operator"]`. */
  readonly path: ConditionPath;
  /** A sentence a person can act on. */
  readonly message: string;
  /** What was expected there, in words (`"a string"`), where the issue is about a type or shape. */
  readonly expected?: string;
  /** What was found there, described without echoing it whole (`"an array"`, `"\"like\""`). */
  readonly received?: string;
  /** The values that would be accepted there (operators, keys, enum values, catalog fields), where they are few enough to list. */
  readonly allowed?: readonly string[];
  /** The accepted values closest to what was written, best first. */
  readonly suggestions?: readonly string[];
  /** For a size issue (`too_deep`, `too_many_nodes`, `too_many_items`, `too_long`): the bound that was passed… */
  readonly maximum?: number;
  /**
   * …and its name: a limit of `options.limits` (`"maxDepth"`), a bound of the database's
   * (`"mongodb.regexBytes"`, `"postgresql.parameters"`), or one of segmatch's fixed bounds
   * (`"segmentsPerCall"`).
   */
  readonly limit?: string;
}

/** The data fields an issue may carry besides its code, path and message. */
export type IssueData = Pick<ConditionIssue, "expected" | "received" | "allowed" | "suggestions" | "maximum" | "limit">;

/** An error an API can return as it is: `{ formErrors, fieldErrors }` keyed by the formatted path, as zod's `flatten()`. */
export interface FlattenedConditionError {
  /** Messages of the issues about the input as a whole (path `[]`). */
  readonly formErrors: string[];
  /** Messages by formatted path (`"$and[1].operator"`). */
  readonly fieldErrors: Record<string, string[]>;
}

/**
 * A getter on the prototype of segmatch's own classes: how a message names an instance
 * (never the class's name). A string key, so that class bodies name it with a literal and
 * bundlers still see them as free of side effects.
 */
export const DESCRIBED_AS = "segmatch:describedAs";

/** Marks ConditionErrors across copies of the package (an ESM and a CJS copy in one process share the symbol registry). */
const BRAND: unique symbol = Symbol.for("segmatch.ConditionError") as never;

/** No path of an input within any limit is longer (a condition nests at most 46 levels). */
const MAX_PATH_KEYS = 10_000;

/** Formats a path the way a person writes it: `$and[1].operator`. */
export function formatPath(path: ConditionPath): string {
  return readArgument([], () => formatKeys(path));
}

function formatKeys(path: ConditionPath): string {
  if (!Array.isArray(path)) throw new ConditionError([{ code: "invalid_type", path: [], message: `a path must be a list of keys and indexes, not ${describe(path)}` }]);
  if (path.length > MAX_PATH_KEYS) throw new ConditionError([{ code: "too_long", path: [], message: `a path of ${path.length} keys is longer than ${MAX_PATH_KEYS}` }]);
  let out = "";
  for (let i = 0; i < path.length; i++) {
    const key: unknown = path[i];
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key !== "string") throw new ConditionError([{ code: "invalid_type", path: [i], message: `a path holds strings and numbers, not ${describe(key)}` }]);
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out === "" ? "(root)" : out;
}

function formatIssue(issue: ConditionIssue): string {
  return `${formatKeys(issue.path)}: ${issue.message}`;
}

/** More issues than anyone reads; the rest are dropped. */
const MAX_ISSUES = 10_000;
const FALLBACK_ISSUE: ConditionIssue = Object.freeze({ code: "invalid_type", path: Object.freeze([]), message: "invalid condition" });

/** A frozen copy of one issue as given, or undefined when it is not one (read defensively: a caller may construct the error). */
function copyIssue(issue: unknown): ConditionIssue | undefined {
  try {
    if (typeof issue !== "object" || issue === null) return undefined;
    const { code, path, message } = issue as Record<string, unknown>;
    if (typeof code !== "string" || typeof message !== "string" || !Array.isArray(path)) return undefined;
    const keys = Array.from(path as unknown[]);
    if (!keys.every((k) => typeof k === "string" || typeof k === "number")) return undefined;
    const copy: { -readonly [K in keyof ConditionIssue]: ConditionIssue[K] } = { code: code as ConditionIssueCode, path: Object.freeze(keys as (string | number)[]), message };
    const { expected, received, allowed, suggestions, maximum, limit } = issue as Record<string, unknown>;
    if (typeof expected === "string") copy.expected = expected;
    if (typeof maximum === "number") copy.maximum = maximum;
    if (typeof limit === "string") copy.limit = limit;
    if (typeof received === "string") copy.received = received;
    const list = (v: unknown) => (Array.isArray(v) && v.length <= 1_000 && v.every((x) => typeof x === "string") ? Object.freeze([...(v as string[])]) : undefined);
    const allowedList = list(allowed);
    if (allowedList) copy.allowed = allowedList;
    const suggestionList = list(suggestions);
    if (suggestionList) copy.suggestions = suggestionList;
    return Object.freeze(copy);
  } catch {
    return undefined;
  }
}

/** The only error segmatch throws for bad input. */
export class ConditionError extends Error {
  override readonly name = "ConditionError";
  readonly issues: readonly ConditionIssue[];

  constructor(issues: readonly ConditionIssue[]) {
    const list: ConditionIssue[] = [];
    try {
      // Read defensively and at most MAX_ISSUES items: a caller may hand anything to the constructor.
      const n = Array.isArray(issues) ? Math.min(issues.length, MAX_ISSUES) : 0;
      for (let i = 0; i < n; i++) list.push(copyIssue((issues as readonly unknown[])[i]) ?? FALLBACK_ISSUE);
    } catch {
      list.length = 0;
    }
    if (list.length === 0) list.push(FALLBACK_ISSUE);
    const head = list.slice(0, 10).map(formatIssue);
    if (list.length > 10) head.push(`… and ${list.length - 10} more issues`);
    super(head.join("\n"));
    this.issues = Object.freeze(list);
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * Whether `value` is a ConditionError, from this copy of the package or another (an ESM
   * and a CJS copy in one process): `instanceof` answers the same.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // A subclass keeps the ordinary prototype test: not every ConditionError is one of its instances.
    return this === ConditionError ? isConditionError(value) : Function.prototype[Symbol.hasInstance].call(this, value);
  }

  /** The issues by formatted path, as zod's `flatten()`: what a server returns in an HTTP 400 body. */
  flatten(): FlattenedConditionError {
    const formErrors: string[] = [];
    const fieldErrors: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    for (const issue of this.issues) {
      if (issue.path.length === 0) formErrors.push(issue.message);
      else (fieldErrors[formatKeys(issue.path)] ??= []).push(issue.message);
    }
    return { formErrors, fieldErrors };
  }

  /** What `JSON.stringify` writes: `{ name, message, issues }`. */
  toJSON(): { name: "ConditionError"; message: string; issues: readonly ConditionIssue[] } {
    return { name: "ConditionError", message: this.message, issues: this.issues };
  }
}

/** Whether `value` is a ConditionError, whichever copy of the package made it. Never throws. */
export function isConditionError(value: unknown): value is ConditionError {
  try {
    return typeof value === "object" && value !== null && Object.hasOwn(value, BRAND) && (value as Record<symbol, unknown>)[BRAND] === true;
  } catch {
    return false;
  }
}

/** The same error with every path under `prefix` (an argument's name, a segment's id). */
export function underPath(error: ConditionError, prefix: ConditionPath): ConditionError {
  return new ConditionError(error.issues.map((i) => ({ ...i, path: [...prefix, ...i.path] })));
}

/**
 * Runs `read` (reading a caller's argument) and turns anything it throws other than a
 * ConditionError into one, with code `unreadable_input` at `path`: a throwing getter or a
 * revoked proxy is bad input like any other.
 */
export function readArgument<T>(path: ConditionPath, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConditionError) throw error;
    throw new ConditionError([{ code: "unreadable_input", path, message: `${path.length > 0 ? formatKeys(path) : "the argument"} could not be read: ${thrownMessage(error)}` }]);
  }
}

/** Collects issues while walking an input; callers throw once at the end. */
export class IssueList {
  readonly items: ConditionIssue[] = [];
  add(code: ConditionIssueCode, path: ConditionPath, message: string, data?: IssueData): void {
    this.items.push(data === undefined ? { code, path: [...path], message } : { code, path: [...path], message, ...data });
  }
  get ok(): boolean {
    return this.items.length === 0;
  }
}

/** Describes a received value in an error message without echoing megabytes of it; never throws. */
export function describe(value: unknown): string {
  try {
    return describeValue(value);
  } catch {
    return "an unreadable value";
  }
}

function describeValue(value: unknown): string {
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
        // segmatch's own objects say what they are, not the name of an internal class.
        const own: unknown = Object.hasOwn(proto as object, DESCRIBED_AS) ? (proto as Record<string, unknown>)[DESCRIBED_AS] : undefined;
        if (typeof own === "string") return own;
        // The class that made it, named by its own prototype's constructor (not one inherited from further up).
        const ctor: unknown = Object.hasOwn(proto as object, "constructor") ? (proto as { constructor?: unknown }).constructor : undefined;
        const name = typeof ctor === "function" ? ctor.name : "";
        return name !== "" && name !== "Object" ? `an instance of ${name}` : "an object with a custom prototype";
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
