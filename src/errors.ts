/**
 * Errors are data: every problem found in an input is one {@link ConditionIssue},
 * and a {@link ConditionError} carries all of them at once.
 */

import { assertNever } from "./language/never.js";
import { sentence, writePath, type Chapter } from "./messages.js";

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
  /** A part of a MongoDB filter that `fromMongoQuery` cannot lift without changing its meaning, or of a stored platform condition that `liftStoredCondition` cannot. */
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

import type { FieldPathData, FieldPathProblem } from "./language/field-path.js";
export type { FieldPathData, FieldPathProblem };

/** Why a text is not a date value (a date field's value, a segment's timestamps). */
export type DateProblem =
  /** A datetime without `Z` or `±HH:MM`. */
  | "needs_offset"
  /** More than 3 fractional digits. */
  | "too_precise"
  /** Not ISO-8601 at all (`part` absent). */
  | "not_iso"
  /** `part`: the month. */
  | "no_month"
  /** `part`: the date (`2023-02-29`). */
  | "no_day"
  /** `part`: the time (`25:00:00`). */
  | "no_time"
  /** `part`: the offset (`+24:00`). */
  | "no_offset"
  /** Epoch milliseconds with a fraction (`part`: the number). */
  | "not_whole"
  /** Epoch milliseconds beyond ±8.64e15 (`part`: the number). */
  | "out_of_range"
  /** Neither text nor a number. */
  | "not_date"
  /** Text starting with `now` that is not date math (its syntax). */
  | "date_math_syntax"
  /** Date math with more than 32 steps. */
  | "date_math_steps"
  /** Date math moving more than 10,000 years from now. */
  | "date_math_range";

/** Why a platform contact property (`catalogFromProperties`) is refused. */
export type PropertyProblem =
  /** The list, or one property, is not an object. */
  | "not_object"
  /** The name is not 1–100 letters, digits, `_`, spaces and hyphens, trimmed. */
  | "name"
  /** The platform takes the name, but no document path can name it (`007`, `constructor`). */
  | "name_path"
  /** Not DATE, NUMBER or STRING. */
  | "type"
  /** Not a slot column (`propertyFloat0`…`34`, `propertyString0`…`49`). */
  | "slot"
  /** A Float slot for a STRING property, or a String slot for a DATE or NUMBER one. */
  | "slot_type"
  | "duplicate_name"
  | "duplicate_slot";

/** Why the platform cannot run a stored condition today: its query fails. */
export type PlatformFailure =
  /** Neither a field condition (`field`, `operator`, `value`), nor topics, nor logical keys. */
  | "shape"
  /** Logical keys, none of them set. */
  | "logical"
  /** `$and`/`$or` that is not a list. */
  | "list"
  /** Topic ids that are not a list of strings, or no topic list set. */
  | "topics"
  /** A field that is neither built-in nor a property of the workspace. */
  | "field"
  /** An operator the platform does not know. */
  | "operator"
  /** An operator the column's type does not take (`contains` on a number, `gt` on the status). */
  | "operator_type"
  /** A value the column's type does not take (`expected`). */
  | "value"
  /** A LIKE pattern ending in its escape character, `\`. */
  | "like_escape";

/** Why a stored condition's members have no condition of the language, though the platform selects them. */
export type Inexpressible =
  /** `_` in a string test: any one character, in LIKE. */
  | "like_underscore"
  /** `%` between two literals in a string test. */
  | "like_gap"
  /** A datetime with more than millisecond precision. */
  | "datetime"
  /** A DATE property compared with a fraction of a millisecond, or beyond a Date's range. */
  | "epoch";

/** Why a name cannot be an SQL identifier (`options.sql`). */
/** `qualified`: a table name with more than one dot, or a list of other than one or two names. */
export type IdentifierProblem = "empty" | "malformed" | "too_long" | "qualified";

/** Where a leaf's problem is: `field`, `value` (of `operator`), `subscribedToTopic`, `$and`… */
export interface LeafData {
  readonly key: string;
  /** For `key: "value"`: the operator whose value it is (absent when the operator is unknown). */
  readonly operator?: string;
}

type Received = { readonly received: string };
type Expected = { readonly expected: string; readonly received: string };
type Choices = {
  readonly received: string;
  readonly allowed: readonly string[];
  readonly suggestions: readonly string[];
};
type Bound = { readonly maximum: number; readonly limit: string };

/**
 * The data each code's issues carry besides `code`, `path` and `message`: enough, with
 * `reason` where one code covers several sentences, to write the sentence in another
 * language (docs/errors.md lists them). `expected` and `received` describe values in
 * English words; `received` is also what was written, quoted, where it is a key or an
 * operator.
 */
export interface IssueDataOf {
  readonly invalid_type:
    /** A condition is not a plain object (an array: wrap it in `$and`/`$or`). */
    | ({ readonly reason: "condition" } & Expected)
    /** `$and`/`$or` (`key`) is not a list. */
    | ({ readonly reason: "logical_list"; readonly key: string } & Expected)
    /** `$not` holds a list. */
    | ({ readonly reason: "not_list" } & Expected)
    /** A leaf (`field`, a topic list, an item) has the wrong type. */
    | ({ readonly reason: "leaf" } & LeafData & Expected)
    /** `operator` is not a string. */
    | ({ readonly reason: "operator"; readonly allowed: readonly string[] } & Expected)
    /** A MongoDB filter (fromMongoQuery) is not a plain object. */
    | ({ readonly reason: "filter" } & Expected)
    /** A filter's `$and`/`$or`/`$nor` (`key`) is not a non-empty list. */
    | ({ readonly reason: "filter_list"; readonly key: string } & Expected)
    /** A filter's operator (`key`: `$not`, `$regex`, `$in`, `$nin`) has the wrong operand. */
    | ({ readonly reason: "filter_operand"; readonly key: string } & Expected)
    /** An argument (`argument`: `body`, `segment`, `contacts`, `segments`, `segment_pair`, `segment_id`, `text` with `key`, `path`, `path_key`) is of the wrong type. */
    | ({ readonly reason: "argument"; readonly argument: ArgumentName; readonly key?: string } & Expected)
    /** A contact has neither `_id` nor `id`, and no `options.id` names it. */
    | ({ readonly reason: "contact_id" } & Expected)
    /** `this` is not a compiled condition (a copy or a proxy of one). */
    | { readonly reason: "not_compiled" }
    /** A ConditionError was constructed with something that is not an issue. */
    | { readonly reason: "not_an_issue" };
  /** A condition object's key (also a segment body's); `mongoSyntax` when it looks like `{ field: { $eq: … } }`. */
  readonly unknown_key: { readonly reason: "condition"; readonly mongoSyntax?: boolean } & Choices;
  readonly unknown_shape:
    /** An object mixing shapes: `shapes` in order, `keys` the keys of each that it has. */
    | {
        readonly reason: "mixed";
        readonly shapes: readonly ("field" | "topic" | "logical")[];
        readonly keys: readonly string[];
      }
    | { readonly reason: "empty" };
  readonly missing_key: {
    /** `field_condition` (`field`, `operator`, `value`), `body` (a segment body), `segment` (a stored segment), `option` (`options.id`). */
    readonly reason: "field_condition" | "body" | "segment" | "option";
    readonly key: string;
  };
  readonly unknown_operator: Choices;
  readonly invalid_value:
    /** The value does not suit the operator. */
    | ({ readonly reason: "leaf" } & LeafData & Expected)
    /** Date math (`"now-7d"`) compared with a field that is not a date (with a catalog). */
    | ({ readonly reason: "relative_field"; readonly field: string; readonly type: string } & Received)
    /** A relative date (`"now-7d"`) with an operator that takes none (`eq`, `ne`, `in`, `nin`: an instant to the millisecond is not what is meant). */
    | ({ readonly reason: "relative_operator"; readonly field: string; readonly operator: string } & Received)
    /** With a catalog: the value does not suit the field's type (`enum`: `allowed`, `suggestions`; `number`: `suggestions` holds the number a numeric string spells). */
    | ({
        readonly reason: "field_type";
        readonly field: string;
        readonly type: string;
        readonly allowed?: readonly string[];
        readonly suggestions?: readonly string[];
      } & Received)
    /** A segment's `name` or `description` (`key`) is too long or, trimmed, empty. */
    | {
        readonly reason: "text_length";
        readonly key: string;
        readonly size: number;
        readonly maximum: number;
        readonly trimmed: boolean;
      }
    /** A stored segment's field (`key`) is malformed. */
    | ({ readonly reason: "segment_field"; readonly key: string } & Expected)
    /** fromMongoQuery: the filter compares with a value the language cannot (`null` beyond `$eq`/`$ne`, a Date without a date field, an object…). */
    | ({ readonly reason: "lift_operand"; readonly kind: "null" | "date" | "other" } & Received)
    /** fromMongoQuery: an invalid Date. */
    | ({ readonly reason: "lift_invalid_date" } & Received)
    /** fromMongoQuery: a date field compared with what its storage (`storage`) does not hold. */
    | ({ readonly reason: "lift_date_field"; readonly field: string; readonly storage: string } & Received);
  readonly null_value:
    ({ readonly reason: "leaf" } & LeafData) | ({ readonly reason: "logical_list"; readonly key: string } & Expected);
  readonly non_finite_number: LeafData & Received;
  readonly empty_list: LeafData;
  readonly invalid_field: FieldPathData;
  readonly invalid_topic: object;
  readonly invalid_string: LeafData;
  readonly cyclic_input: object;
  readonly too_deep: { readonly reason: "condition" } & Bound;
  readonly too_many_nodes: Bound;
  readonly too_many_items:
    /** A list of `size` items. */
    | ({ readonly reason: "list"; readonly size: number } & Bound)
    /** More segments in one call than `segmentsPerCall`. */
    | ({ readonly reason: "segments" } & Bound)
    /** More contacts entering or leaving in one diff than `changesPerDiff`. */
    | ({ readonly reason: "changes" } & Bound)
    /** The distinct field paths have more segments together than `maxPathSegments`. */
    | ({ readonly reason: "path_segments" } & Bound)
    /** An SQL expression needs placeholders up to `placeholder` (the `size`th), beyond the database's (`database`) bound. */
    | ({
        readonly reason: "parameters";
        readonly size: number;
        readonly placeholder: string;
        readonly database: string;
      } & Bound);
  readonly too_long:
    /** A string, or a key (`reason: "key"`), of `size` characters; a path of `size` keys (`"path"`). */
    | ({ readonly reason: "string" | "key" | "path"; readonly size: number } & Bound)
    /** The strings and keys have more characters together than `maxTotalLength` (the issue's path is where the count passed it). */
    | ({ readonly reason: "total" } & Bound)
    /** The value of `operator` compiles to a `$regex` of `size` bytes. */
    | ({ readonly reason: "regex"; readonly operator: string; readonly size: number } & Bound);
  readonly unreadable_input: {
    /** `input`: a part of a condition or filter; `argument`: an argument (named by the path). */
    readonly reason: "input" | "argument";
    /** The message of what reading threw. */
    readonly thrown: string;
  };
  readonly invalid_options:
    | { readonly reason: "unreadable"; readonly thrown: string }
    /** The clock function of `options.now` threw. */
    | { readonly reason: "clock"; readonly thrown: string }
    /** `option` (a dotted name under `options`; `""` for the options themselves) must be `expected`. */
    | {
        readonly reason: "option_value";
        readonly option: string;
        readonly expected: string;
        readonly received?: string;
        readonly allowed?: readonly string[];
      }
    /** An unknown key in `scope` (`""`: the options; `limits`, `topics`, `sql`, `sql.topics`). */
    | ({ readonly reason: "unknown_option"; readonly scope: string } & Choices)
    /** A condition option given to an engine's method (they are given once, to createSegmatch). */
    | ({ readonly reason: "engine_option" } & Received)
    /** `limits.maxDepth` above its ceiling. */
    | ({ readonly reason: "max_depth" } & Bound)
    /** `topics.path` is not a usable document path. */
    | ({ readonly reason: "topics_path" } & FieldPathData)
    /** An identifier of `options.sql` (`option`) cannot be quoted; for a field without a column (`field`), its own name. */
    | {
        readonly reason: "sql_identifier";
        readonly option: string;
        readonly field?: string;
        readonly identifier: IdentifierProblem;
        readonly maximum?: number;
      }
    /** `sql.columns` names a field (`field`) the catalog lacks. */
    | { readonly reason: "sql_unknown_field"; readonly field: string }
    /** toSql without a catalog, or without `options.sql` (`option`). */
    | { readonly reason: "sql_needs"; readonly option: "fields" | "sql" };
  readonly invalid_catalog:
    | { readonly reason: "unreadable"; readonly thrown: string }
    | { readonly reason: "not_object" }
    | { readonly reason: "field_name" }
    | { readonly reason: "spec_not_object"; readonly field: string }
    | ({ readonly reason: "unknown_key" } & Choices)
    | ({ readonly reason: "type"; readonly allowed: readonly string[] } & Received)
    | { readonly reason: "path_type" }
    /** The field's path is refused; `defaulted` when it is the field's name (no `path` given). */
    | ({ readonly reason: "path"; readonly defaulted: boolean } & FieldPathData)
    | { readonly reason: "enum_values" }
    | { readonly reason: "enum_unique" }
    /** `values` (`key: "values"`) or `storage` (`key: "storage"`) on a field of `type` that takes none. */
    | { readonly reason: "not_applicable"; readonly key: "values" | "storage"; readonly type: string }
    | ({ readonly reason: "storage"; readonly allowed: readonly string[] } & Received)
    /** `label` or `description` (`key`). */
    | { readonly reason: "text"; readonly key: string; readonly maximum: number }
    /** catalogFromProperties: a platform contact property the platform would not hold. */
    | ({ readonly reason: "property"; readonly problem: PropertyProblem } & Received);
  readonly unknown_field:
    /** A condition's field: `allowed` for catalogs of up to 100 fields, `known` the catalog's first 20 names (for a hint when none is near). */
    | ({
        readonly reason: "catalog";
        readonly suggestions: readonly string[];
        readonly allowed?: readonly string[];
        readonly known: readonly string[];
      } & Received)
    /** fromMongoQuery: no catalog field is stored at the filter's path. */
    | ({ readonly reason: "stored_at" } & Received);
  readonly not_liftable:
    | { readonly reason: "empty_filter" }
    /** A MongoDB operator (`operator`: `$exists`, `$where`, `$expr`, `$type`, `$size`, `$all`, `$elemMatch`, `$mod`, `$text`) the language has no words for, each with its own sentence. */
    | { readonly reason: "refused_operator"; readonly operator: string }
    /** An unknown operator; at a field, `allowed` lists those that lift. */
    | { readonly reason: "unknown_operator"; readonly operator: string; readonly allowed?: readonly string[] }
    /** An expression mixing operators and field names. */
    | { readonly reason: "mixed_expression" }
    /** `$options` beside other operators. */
    | { readonly reason: "regex_options_alone" }
    | { readonly reason: "regex_nul" }
    /** A `$regex` with options (`flags`). */
    | { readonly reason: "regex_flags"; readonly flags: string }
    /** A `$regex` ending in `$`. */
    | { readonly reason: "regex_dollar" }
    /** A `$regex` with regular-expression syntax. */
    | { readonly reason: "regex_syntax" }
    /** A `$regex` anchored at both ends. */
    | { readonly reason: "regex_whole" }
    /** A plain-literal `$regex` written otherwise than segmatch writes `operator` of `literal`: as `pattern`. */
    | { readonly reason: "regex_form"; readonly operator: string; readonly literal: string; readonly pattern: string }
    /** At the topics path, with a catalog: anything but the records layout's topic test. */
    | { readonly reason: "topics_path" }
    /** liftStoredCondition: the platform's query fails on this today (`fails`; `expected` for a value, `type` for an operator). */
    | ({
        readonly reason: "platform_fails";
        readonly fails: PlatformFailure;
        readonly expected?: string;
        readonly type?: string;
      } & Received)
    /** liftStoredCondition: the platform selects members no condition of the language selects (`what`). */
    | ({ readonly reason: "inexpressible"; readonly what: Inexpressible } & Received);
  readonly invalid_operator: {
    readonly field: string;
    readonly type: string;
    readonly allowed: readonly string[];
  } & Received;
  readonly invalid_date: { readonly field: string; readonly problem: DateProblem; readonly part?: string } & Received;
  readonly duplicate_id: Received;
  readonly foreign_condition: {
    /** `options`: other options than the call's; `call`: other options than another compiled condition of the call. */
    readonly reason: "options" | "call";
  };
}

/** The arguments an `invalid_type` issue with `reason: "argument"` names. */
export type ArgumentName =
  | "body"
  | "segment"
  | "contacts"
  | "segments"
  | "segment_pair"
  | "segment_id"
  | "text"
  | "path"
  | "path_key"
  | "instant"
  | "error"
  | "options"
  | "database"
  | "page";

/** What every issue has. */
export interface IssueBase {
  /** Where the problem is, from the root of the input: `["$and", 1, "operator"]`. */
  readonly path: ConditionPath;
  /** A sentence a person can act on: {@link issueMessage} of the rest. */
  readonly message: string;
  /** Which of the code's sentences, where a code has several (see {@link IssueDataOf}). */
  readonly reason?: string;
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
   * (`"segmentsPerCall"`, `"pathKeys"`).
   */
  readonly limit?: string;
  /** …and, where it is known, the size found (items, characters, bytes, keys, placeholders). */
  readonly size?: number;
  /** fromMongoQuery: the condition (JSON, cut at 200 characters) that a filter part was lifted as, when the language refused it. */
  readonly lifted?: string;
}

/** One problem: a code, a path, a message, and the code's own data (a union discriminated by `code`, as zod's issues). */
export type ConditionIssue = {
  [C in ConditionIssueCode]: IssueBase & { readonly code: C } & IssueDataOf[C];
}[ConditionIssueCode];

/** The issue of one code. */
export type ConditionIssueOf<C extends ConditionIssueCode> = Extract<ConditionIssue, { readonly code: C }>;

type WithoutMessage<T> = T extends unknown ? Omit<T, "message"> : never;
/** An issue before its message is written: what {@link issueMessage} reads. */
export type IssueContent = WithoutMessage<ConditionIssue>;

type WithoutMessageOrPath<T> = T extends unknown ? Omit<T, "message" | "path"> : never;
/** An issue's code and data, before its path and message: what a site reports. */
export type IssueInput = WithoutMessageOrPath<ConditionIssue>;

type WithoutCode<T> = T extends unknown ? Omit<T, "code"> : never;
/** The data a site reports for an issue of code `C` (with its `reason`, where it has several). */
export type IssueDataFor<C extends ConditionIssueCode> = WithoutCode<Extract<IssueInput, { readonly code: C }>>;

/**
 * The issue at `path` with `input`'s code and data, and its message written by the one
 * renderer from the reporting module's chapter (messages.ts; the core one if not told).
 */
export function issue(path: ConditionPath, input: IssueInput, chapter?: Chapter): ConditionIssue {
  const content = { ...input, path: [...path] } as IssueContent;
  // Code, path and message first, as a person reads them; then the data.
  return Object.assign(
    { code: input.code, path: content.path, message: sentence(content, chapter) },
    input,
  ) as ConditionIssue;
}

/** The same issue at another path, its message written again with `more` (fromMongoQuery's `lifted`). */
export function reissue(
  from: ConditionIssue,
  path: ConditionPath,
  more: Pick<IssueBase, "lifted"> = {},
  chapter?: Chapter,
): ConditionIssue {
  const input: Record<string, unknown> = { ...from, ...more };
  delete input.message;
  delete input.path;
  return issue(path, input as IssueInput, chapter);
}

/** The same issue at another path (its message names no path, so it stays true). */
export function moved(from: ConditionIssue, path: ConditionPath): ConditionIssue {
  return { ...from, path: [...path] };
}

/** The data fields an issue may carry besides its code, path and message. */
export type IssueData = Pick<IssueBase, "expected" | "received" | "allowed" | "suggestions" | "maximum" | "limit">;

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
  if (!Array.isArray(path))
    throw new ConditionError([
      issue([], {
        code: "invalid_type",
        reason: "argument",
        argument: "path",
        expected: "a list of keys and indexes",
        received: describe(path),
      }),
    ]);
  if (path.length > MAX_PATH_KEYS)
    throw new ConditionError([
      issue([], { code: "too_long", reason: "path", size: path.length, maximum: MAX_PATH_KEYS, limit: "pathKeys" }),
    ]);
  for (let i = 0; i < path.length; i++) {
    const key: unknown = path[i];
    if (typeof key !== "number" && typeof key !== "string")
      throw new ConditionError([
        issue([i], {
          code: "invalid_type",
          reason: "argument",
          argument: "path_key",
          expected: "a string or a number",
          received: describe(key),
        }),
      ]);
  }
  return writePath(path);
}

function formatIssue(issue: ConditionIssue): string {
  return `${formatKeys(issue.path)}: ${issue.message}`;
}

/** More issues than anyone reads; the rest are dropped. */
const MAX_ISSUES = 10_000;
const FALLBACK_ISSUE: ConditionIssue = Object.freeze(issue([], { code: "invalid_type", reason: "not_an_issue" }));
/** An issue has a few data fields; a caller's object with more is not one. */
const MAX_DATA_KEYS = 32;
/** Path keys copied over all the issues of one error (10,000 issues 100 keys deep; 10,000 of 10,000 keys would be 100 million): beyond them an issue is not copied. */
const MAX_TOTAL_PATH_KEYS = 1_000_000;

/**
 * A frozen copy of one issue as given, or undefined when it is not one (read defensively: a
 * caller may construct the error): its code, path and message, and every data field that is
 * a string, a number, a boolean or a short list of strings.
 */
function copyIssue(given: unknown, keysLeft: { n: number }): ConditionIssue | undefined {
  try {
    if (typeof given !== "object" || given === null) return undefined;
    const { code, path, message } = given as Record<string, unknown>;
    if (typeof code !== "string" || typeof message !== "string" || !Array.isArray(path) || path.length > MAX_PATH_KEYS)
      return undefined;
    if ((keysLeft.n -= path.length) < 0) return undefined;
    const keys = Array.from(path as unknown[]);
    if (!keys.every((k) => typeof k === "string" || typeof k === "number")) return undefined;
    const copy: Record<string, unknown> = { code, path: Object.freeze(keys), message };
    // The data: simple values and short lists of strings, up to MAX_DATA_KEYS of them; a key that cannot be read is left out.
    const names = Object.keys(given).slice(0, MAX_DATA_KEYS + 3);
    for (const name of names) {
      if (name === "code" || name === "path" || name === "message" || name === "__proto__") continue;
      try {
        const value: unknown = (given as Record<string, unknown>)[name];
        if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") copy[name] = value;
        else if (Array.isArray(value) && value.length <= 1_000 && value.every((x) => typeof x === "string"))
          copy[name] = Object.freeze([...(value as string[])]);
      } catch {
        // an unreadable data key is dropped; the issue stays
      }
    }
    return Object.freeze(copy) as unknown as ConditionIssue;
  } catch {
    return undefined;
  }
}

/** The only error segmatch throws for bad input. */
export class ConditionError extends Error {
  override readonly name = "ConditionError";
  readonly issues: readonly ConditionIssue[];

  /**
   * `issues`: as segmatch makes them, or any objects with a code, a path and a message (their
   * data is copied where it is simple: strings, numbers, booleans, short lists of strings).
   */
  constructor(issues: readonly (ConditionIssue | ({ readonly code: ConditionIssueCode } & IssueBase))[]) {
    const list: ConditionIssue[] = [];
    try {
      // Read defensively and at most MAX_ISSUES items: a caller may hand anything to the constructor.
      const n = Array.isArray(issues) ? Math.min(issues.length, MAX_ISSUES) : 0;
      const keysLeft = { n: MAX_TOTAL_PATH_KEYS };
      for (let i = 0; i < n; i++) list.push(copyIssue((issues as readonly unknown[])[i], keysLeft) ?? FALLBACK_ISSUE);
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
    return (
      typeof value === "object" &&
      value !== null &&
      Object.hasOwn(value, BRAND) &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  } catch {
    return false;
  }
}

/** The same error with every path under `prefix` (an argument's name, a segment's id). */
export function underPath(error: ConditionError, prefix: ConditionPath): ConditionError {
  return new ConditionError(error.issues.map((i) => moved(i, [...prefix, ...i.path])));
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
    throw new ConditionError([
      issue(path, { code: "unreadable_input", reason: "argument", thrown: thrownMessage(error) }),
    ]);
  }
}

/** Collects issues while walking an input; callers throw once at the end. */
export class IssueList {
  readonly items: ConditionIssue[] = [];
  /** `chapter`: the sentences of the module that collects (messages.ts), if not the core's. */
  constructor(private readonly chapter?: Chapter) {}
  add(path: ConditionPath, input: IssueInput): void {
    this.items.push(issue(path, input, this.chapter));
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
  const kind = typeof value;
  switch (kind) {
    case "string":
      return (value as string).length > 40
        ? `a string of ${(value as string).length} characters`
        : JSON.stringify(value);
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
    case "object":
      try {
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto === Object.prototype || proto === null) return "an object";
        // segmatch's own objects say what they are, not the name of an internal class.
        const own: unknown = Object.hasOwn(proto as object, DESCRIBED_AS)
          ? (proto as Record<string, unknown>)[DESCRIBED_AS]
          : undefined;
        if (typeof own === "string") return own;
        // The class that made it, named by its own prototype's constructor (not one inherited from further up).
        const ctor: unknown = Object.hasOwn(proto as object, "constructor")
          ? (proto as { constructor?: unknown }).constructor
          : undefined;
        const name = typeof ctor === "function" ? ctor.name : "";
        return name !== "" && name !== "Object" ? `an instance of ${name}` : "an object with a custom prototype";
      } catch {
        return "an unreadable object";
      }
    default:
      return assertNever(kind, "typeof");
  }
}

/** The message of something thrown, without ever throwing itself (a getter, a null-prototype object…). */
export function thrownMessage(error: unknown): string {
  try {
    // At most 200 characters: an issue says what was thrown, it does not carry it.
    if (error instanceof Error && typeof error.message === "string")
      return error.message.length > 200 ? `${error.message.slice(0, 200)}…` : error.message;
    return describe(error);
  } catch {
    return "an unreadable error";
  }
}
