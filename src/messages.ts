/**
 * The one place where issues become English: every sentence of every issue code, keyed by
 * code and, where a code has several, by `reason` (see `IssueDataOf` in errors.ts). Sites
 * report data; {@link issueMessage} writes the message from that data alone, so a caller
 * can write its own language from the same data. One "did you mean" rule ({@link meant}).
 */
import type {
  ConditionIssueCode,
  ConditionPath,
  DateProblem,
  FieldPathProblem,
  IdentifierProblem,
  Inexpressible,
  IssueContent,
  PlatformFailure,
  PropertyProblem,
} from "./errors.js";
import { END_OF_STRING } from "./language/regex.js";

type Of<C extends ConditionIssueCode> = Extract<IssueContent, { readonly code: C }>;
type Sentence<I> = (issue: I) => string;
/** A sentence per reason of code `C`, each reading its own reason's data. */
type ByReason<C extends ConditionIssueCode> = {
  readonly [R in Of<C>["reason"] & string]: Sentence<WithReason<Of<C>, R>>;
};
/** The members of `I` that may have reason `R` (a member may list several reasons with the same data). */
type WithReason<I, R> = I extends { readonly reason: infer Q }
  ? R extends Q
    ? I & { readonly reason: R }
    : never
  : never;

/** ` (did you mean "x"?)` (or `"x" or "y"`), or nothing when there is no suggestion: the one wording. */
export function meant(suggestions: readonly string[] | undefined): string {
  return suggestions === undefined || suggestions.length === 0
    ? ""
    : ` (did you mean ${suggestions.map((s) => JSON.stringify(s)).join(" or ")}?)`;
}

/** A path as a person writes it (`$and[1].operator`), for keys already known to be strings and numbers. */
export function writePath(path: ConditionPath): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out === "" ? "(root)" : out;
}

const list = (values: readonly string[] | undefined): string => (values ?? []).join(", ");
/** A table's own entry for `key` (never one inherited from Object.prototype, whatever an issue holds). */
const own = <T>(table: { readonly [key: string]: T }, key: unknown): T | undefined =>
  typeof key === "string" && Object.hasOwn(table, key) ? table[key] : undefined;
const quote = (text: string, max = 100): string => JSON.stringify(text.slice(0, max));
/** The part of a leaf a sentence is about: `field`, `subscribedToTopic`, `the value of "in"`. */
const leaf = (i: { readonly key: string; readonly operator?: string }): string =>
  i.key === "value" && i.operator !== undefined ? `the value of "${i.operator}"` : i.key;
/** A key that is not one of `allowed`: the nearest ones, or all of them. */
const unknown = (i: {
  readonly received: string;
  readonly allowed: readonly string[];
  readonly suggestions: readonly string[];
}): string => `${i.received}${meant(i.suggestions) || ` (expected ${list(i.allowed)})`}`;
const mustBe = (subject: string, expected: string, received: string | undefined): string =>
  `${subject} must be ${expected}${received === undefined ? "" : `, not ${received}`}`;
const logicalList = (i: { readonly key: string; readonly received: string }): string =>
  `${i.key} must be a non-empty list of conditions, not ${i.received}${i.received === "an object" ? ` (wrap a single condition in a list: {"${i.key}": [ … ]})` : ""}`;

const FIELD_PATH: {
  readonly [P in FieldPathProblem]: (name: string, segment: string | undefined, maximum: number | undefined) => string;
} = {
  empty: () => "field name must not be empty",
  nul: () => "field name must not contain a NUL character",
  lone_surrogate: () => "field name must be well-formed Unicode (it has a lone surrogate)",
  empty_segment: (name) => `field name "${name}" has an empty path segment`,
  operator_segment: (name) =>
    `field name "${name}" has a segment starting with "$", which MongoDB reads as an operator`,
  reserved_segment: (name, segment) => `field name "${name}" uses the reserved segment "${segment}"`,
  leading_zero: (name, segment) =>
    `field name "${name}" has the segment "${segment}", a number with a leading zero, which MongoDB may read as an array position or as a key`,
  too_long: (name, _segment, maximum) => `field name "${name}" is longer than ${maximum} characters`,
};
const fieldPath = (i: {
  readonly problem: FieldPathProblem;
  readonly name: string;
  readonly segment?: string;
  readonly maximum?: number;
}): string =>
  (own(FIELD_PATH, i.problem) ?? (() => `field name "${i.name}" is not a usable path`))(i.name, i.segment, i.maximum);

const DATE: { readonly [P in DateProblem]: (part: string) => string } = {
  needs_offset: () => "a datetime needs an offset: add Z (UTC) or ±HH:MM",
  too_precise: () => "dates are stored to the millisecond: give at most 3 fractional digits",
  not_iso: () => "expected an ISO-8601 date (2024-01-01) or datetime with offset (2024-01-01T12:00:00Z)",
  no_month: (part) => `there is no month ${part}`,
  no_day: (part) => `${part.slice(0, 7)} has no day ${part.slice(8)}`,
  no_time: (part) => `${part} is not a time of day`,
  no_offset: (part) => `${part} is not a UTC offset`,
  not_whole: (part) => `epoch milliseconds must be a whole number, not ${part}`,
  out_of_range: (part) => `${part} is outside the range of dates`,
  not_date: () => "expected an ISO-8601 date or datetime, or epoch milliseconds",
  date_math_syntax: () =>
    'relative dates are date math: now, then any number of +N or -N with a unit, then optionally /unit to round; units y (years), M (months), w (weeks), d (days), h (hours), m (minutes), s (seconds); e.g. "now-30d", "now-1M/M", "now/d"',
  date_math_steps: () => "date math has at most 32 steps",
  date_math_range: () => "date math may move at most 10,000 years from now",
};

/** Why a value is not a date, in words (the CLI's EJSON reader says it too). */
export function dateProblemText(refusal: { readonly problem: DateProblem; readonly part?: string }): string {
  return (own(DATE, refusal.problem) ?? DATE.not_date)(refusal.part ?? "");
}

const IDENTIFIER: { readonly [P in IdentifierProblem]: (maximum: number | undefined) => string } = {
  empty: () => "must be a non-empty string",
  malformed: () => "must be well-formed text without NUL",
  too_long: (maximum) => `must be at most ${maximum} bytes (the database truncates longer names)`,
  qualified: () => `must be "table", "schema.table" or a list of names ["a.b", "c"]`,
};
const identifier = (i: { readonly identifier: IdentifierProblem; readonly maximum?: number }): string =>
  (own(IDENTIFIER, i.identifier) ?? IDENTIFIER.malformed)(i.maximum);

/** The subject of an `invalid_type` issue about an argument. */
const ARGUMENT: { readonly [A in Extract<Of<"invalid_type">, { readonly reason: "argument" }>["argument"]]: string } = {
  body: "the body",
  segment: "segment",
  contacts: "contacts",
  segments: "segments",
  segment_pair: "each segment",
  segment_id: "a segment id",
  text: "the text",
  path: "a path",
  path_key: "each key of a path",
  instant: "an instant",
  error: "the error",
  options: "the options",
  database: "the database",
  page: "the page",
};

const SHAPES = {
  field: { name: "a field condition", keys: ["field", "operator", "value"] },
  topic: { name: "a topic condition", keys: ["subscribedToTopic", "notSubscribedToTopic"] },
  logical: { name: "a logical condition", keys: ["$and", "$or", "$not"] },
} as const;

/** Why fromMongoQuery refuses each MongoDB operator the language has no words for. */
const REFUSED_OPERATOR: Readonly<Record<string, string>> = {
  $exists:
    '$exists counts a field holding null as set, unlike the language\'s "exists"; write {"$ne": null} for "is set"',
  $where: "$where runs JavaScript, which the language never does",
  $expr: "$expr compares with aggregation expressions, which the language has no words for",
  $type: "$type tests a BSON type, which the language has no words for",
  $size: "$size tests an array's length, which the language has no words for",
  $all: "$all needs every listed value, which the language has no words for (write $and of eq tests)",
  $elemMatch: "$elemMatch is lifted only as the records layout's topic test",
  $mod: "$mod has no counterpart in the language",
  $text: "$text searches a text index, which the language has no words for",
};

/** The MongoDB operators fromMongoQuery refuses by name, each with its own sentence. */
export const REFUSED_OPERATORS: readonly string[] = /* @__PURE__ */ Object.keys(REFUSED_OPERATOR);

const UNKNOWN_OPTION_SCOPE: Readonly<Record<string, string>> = {
  "": "option",
  limits: "limit",
  topics: "topics option",
  sql: "sql option",
  "sql.topics": "sql.topics key",
};

const FIELD_TYPE_EXPECTED: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
};

/** Sentences for some codes and reasons: a chapter of the one table. Modules that report only some issues take only their chapter, so a bundle holds only the English it can say. */
export type Chapter = { readonly [C in ConditionIssueCode]?: Sentence<Of<C>> | Partial<ByReason<C>> };

/** The sentences of parsing, options, catalogs and compiling: what every entry point can say. */
export const CORE = {
  invalid_type: {
    condition: (i) =>
      `a condition must be a plain object, not ${i.received}${i.received === "an array" ? ' (wrap a list of conditions in {"$and": [...]} or {"$or": [...]})' : ""}`,
    logical_list: logicalList,
    not_list: () =>
      '$not takes one condition, not a list (negate several with {"$not": {"$and": [ … ]}} or {"$not": {"$or": [ … ]}})',
    leaf: (i) => mustBe(leaf(i), i.expected, i.received),
    operator: (i) => `operator must be a string (one of ${list(i.allowed)}), not ${i.received}`,
    argument: (i) =>
      mustBe(
        i.argument === "text" && i.key !== undefined ? i.key : (own(ARGUMENT, i.argument) ?? "the argument"),
        i.expected,
        i.received,
      ),
    not_compiled: () =>
      "this is not a compiled condition (a copy or a proxy of one has no filter of its own; use the compiled condition itself)",
    not_an_issue: () => "invalid condition",
  },
  unknown_key: {
    condition: (i) =>
      i.mongoSyntax === true
        ? `unknown key ${i.received} (MongoDB filter syntax is not accepted; write {"field": ${i.received}, "operator": …, "value": …})`
        : `unknown key ${unknown(i)}`,
  },
  unknown_shape: {
    mixed: (i) =>
      `an object must be one kind of condition, but this mixes ${i.shapes.map((s) => `${SHAPES[s].name} (${i.keys.filter((k) => (SHAPES[s].keys as readonly string[]).includes(k)).join(", ")})`).join(" and ")}; combine separate conditions with $and`,
    empty: () =>
      "an empty object is not a condition: expected {field, operator, value}, {subscribedToTopic and/or notSubscribedToTopic} or {$and/$or/$not}",
  },
  missing_key: {
    field_condition: (i) => `a field condition needs "${i.key}"`,
  },
  unknown_operator: (i) => `unknown operator ${i.received}${meant(i.suggestions)} (expected one of ${list(i.allowed)})`,
  invalid_value: {
    leaf: (i) => mustBe(leaf(i), i.expected, i.received),
    relative_field: (i) =>
      `field ${JSON.stringify(i.field)} is a ${i.type}, not a date: ${i.received} is date math, which only a date field compares with`,
    relative_operator: (i) =>
      `field ${JSON.stringify(i.field)} is a date: "${i.operator}" does not take a relative date such as ${i.received} (an instant to the millisecond is not what is meant); use gt, gte, lt or lte, e.g. "gte" with "now-7d/d"`,
    field_type: (i) => {
      const label = `field ${JSON.stringify(i.field)} is ${i.type === "enum" ? "an" : "a"} ${i.type}`;
      if (i.type === "enum") return `${label}: ${i.received} is not one of ${list(i.allowed)}${meant(i.suggestions)}`;
      const number = i.type === "number" ? i.suggestions?.[0] : undefined;
      const hint = number === undefined ? "" : ` (write ${number}, without quotes)`;
      return `${label}: ${mustBe("the value", own(FIELD_TYPE_EXPECTED, i.type) ?? `a ${i.type}`, i.received)}${hint}`;
    },
  },
  null_value: {
    leaf: (i) => `${leaf(i)} must not be null (to test whether a field is set, use the "exists" operator)`,
    logical_list: logicalList,
  },
  non_finite_number: (i) => `${leaf(i)} must be a finite number, not ${i.received}`,
  empty_list: (i) => `${leaf(i)} must not be an empty list`,
  invalid_field: fieldPath,
  invalid_topic: () => "a topic id must not be empty",
  invalid_string: (i) =>
    `${leaf(i)} must be well-formed Unicode text (it has a lone surrogate, which MongoDB would store as U+FFFD)`,
  cyclic_input: () => "the condition contains itself (a cycle)",
  too_deep: {
    condition: (i) => `the condition nests deeper than ${i.maximum} levels (limits.${i.limit})`,
  },
  too_many_nodes: (i) => `the condition has more than ${i.maximum} values (limits.${i.limit})`,
  too_many_items: {
    list: (i) => `list of ${i.size} items is longer than ${i.maximum} (limits.${i.limit})`,
    path_segments: (i) => `the field paths have more than ${i.maximum} segments together (limits.${i.limit})`,
  },
  too_long: {
    string: (i) => `string of ${i.size} characters is longer than ${i.maximum} (limits.${i.limit})`,
    key: (i) => `key of ${i.size} characters is longer than ${i.maximum} (limits.${i.limit})`,
    total: (i) => `the strings and keys have more than ${i.maximum} characters together (limits.${i.limit})`,
    path: (i) => `a path of ${i.size} keys is longer than ${i.maximum}`,
    regex: (i) =>
      `the value of "${i.operator}" compiles to a $regex of ${i.size} bytes, longer than MongoDB's limit of ${i.maximum}`,
  },
  unreadable_input: {
    input: (i) => `the input could not be read: ${i.thrown}`,
    argument: (i) => `${i.path.length > 0 ? writePath(i.path) : "the argument"} could not be read: ${i.thrown}`,
  },
  invalid_options: {
    unreadable: (i) => `the options could not be read: ${i.thrown}`,
    clock: (i) => `the clock (options.now) threw: ${i.thrown}`,
    option_value: (i) => mustBe(i.option === "" ? "options" : i.option, i.expected, i.received),
    unknown_option: (i) => `unknown ${own(UNKNOWN_OPTION_SCOPE, i.scope) ?? `${i.scope} option`} ${unknown(i)}`,
    engine_option: (i) => `unknown option ${i.received} here: condition options are given once, to createSegmatch`,
    max_depth: (i) =>
      `limits.maxDepth may be at most ${i.maximum}: deeper conditions compile to filters MongoDB refuses (100 levels)`,
    topics_path: fieldPath,
    sql_identifier: (i) =>
      i.field !== undefined
        ? `field ${quote(i.field, 80)} needs a column in sql.columns: as a column name it ${identifier(i)}`
        : `${i.option} ${identifier(i)}`,
  },
  invalid_catalog: {
    unreadable: (i) => `the catalog could not be read: ${i.thrown}`,
    not_object: () =>
      "a field catalog must be an object mapping field names to { type, path?, values?, storage?, label?, description? }",
    field_name: () => "a field name must be non-empty, well-formed text without NUL, of at most 4096 characters",
    spec_not_object: (i) =>
      `field ${JSON.stringify(i.field)} must be described by an object { type, path?, values?, storage?, label?, description? }`,
    unknown_key: (i) => `unknown key ${unknown(i)}`,
    type: (i) => `type must be one of ${list(i.allowed)}`,
    path_type: () => "path must be a string",
    path: (i) => `${fieldPath(i)}${i.defaulted ? '; give this field a "path"' : ""}`,
    enum_values: () => "an enum needs values: a list of 1 to 10000 non-empty strings of at most 4096 characters",
    enum_unique: () => "enum values must be unique",
    not_applicable: (i) =>
      i.key === "values"
        ? `values apply only to enum fields, not ${i.type}`
        : `storage applies only to date fields, not ${i.type}`,
    storage: (i) => `storage must be one of ${list(i.allowed)}`,
    text: (i) => `${i.key} must be non-empty, well-formed text of at most ${i.maximum} characters`,
  },
  unknown_field: {
    catalog: (i) => `unknown field ${i.received}${meant(i.suggestions) || ` (known fields: ${list(i.known)})`}`,
  },
  invalid_operator: (i) =>
    `operator ${i.received} does not apply to ${i.type} field ${JSON.stringify(i.field)} (use one of ${list(i.allowed)})`,
  invalid_date: (i) => `field ${JSON.stringify(i.field)} is a date: ${i.received} is not a date: ${dateProblemText(i)}`,
  foreign_condition: {
    options: () =>
      "this condition was compiled with other options (catalog, topics, mongoVersion, jitless or timeZone) than the ones given here; compile it with these options, or pass it where it was compiled",
    call: () =>
      "this condition was compiled with other options (catalog, topics, mongoVersion, jitless or timeZone) than another compiled condition of this call; compile them with the same options, or pass the raw conditions with options",
  },
} satisfies Chapter;

/** The sentences of fromMongoQuery. */
export const LIFT = {
  invalid_type: {
    filter: (i) => mustBe("a filter", i.expected, i.received),
    filter_list: (i) => mustBe(i.key, i.expected, i.received),
    filter_operand: (i) =>
      i.key === "$not" ? `$not takes ${i.expected}, not ${i.received}` : mustBe(i.key, i.expected, i.received),
  },
  invalid_value: {
    lift_operand: (i) =>
      `the language cannot compare with ${i.kind === "null" ? "null (only $eq: null and $ne: null lift, as exists)" : i.kind === "date" ? "a Date (only a date field of the catalog compares with one)" : i.received}`,
    lift_invalid_date: () => "an invalid Date compares as epoch 0 in MongoDB, which a condition cannot say",
    lift_date_field: (i) =>
      `field ${JSON.stringify(i.field)} is a date stored as ${i.storage === "date" ? "a Date" : "epoch milliseconds"}; a filter comparing it with ${i.received} does not mean a date condition`,
  },
  unknown_field: {
    stored_at: (i) => `no catalog field is stored at ${i.received}`,
  },
  not_liftable: {
    empty_filter: () => "an empty filter matches every contact, which the language has no single condition for",
    refused_operator: (i) =>
      own(REFUSED_OPERATOR, i.operator) ?? `${quote(i.operator)} cannot be lifted into the language`,
    unknown_operator: (i) =>
      `${quote(i.operator)} cannot be lifted into the language${i.allowed === undefined ? " (it lifts $and, $or, $nor and field tests)" : ""}`,
    mixed_expression: () => "an expression cannot mix operators and field names",
    regex_options_alone: () =>
      "$options is lifted only beside $regex in an expression of its own; a $regex with options is not a plain substring test",
    regex_nul: () => "MongoDB refuses a $regex with an embedded NUL character (write it as \\x00)",
    regex_flags: (i) => `a $regex with options ("${i.flags.slice(0, 10)}") is not a plain substring test`,
    regex_dollar: () =>
      `a $regex ending in "$" also matches before a final newline, so it is not "endsWith"; write the literal followed by ${END_OF_STRING}`,
    regex_syntax: () =>
      "the $regex is not a plain literal (it has classes, alternation, quantifiers or other syntax), which the language has no words for",
    regex_whole: () =>
      'a $regex anchored at both ends is a whole-string match, which MongoDB also applies to stored regular expressions; write "eq"',
    regex_form: (i) =>
      `write this $regex as segmatch writes the ${i.operator} test of ${quote(i.literal, 40)}: ${quote(i.pattern, 80)}`,
    topics_path: () =>
      "at the topics path, only the records layout's $elemMatch of a topic id and status SUBSCRIBED (or its $not) lifts",
  },
} satisfies Chapter;

const PROPERTY_PROBLEMS: { readonly [P in PropertyProblem]: string } = {
  not_object: "properties must be a list of at most 1000 { name, type, slot }",
  name: "a property name is 1–100 letters, digits, _, spaces and hyphens, with no space at either end",
  name_path:
    "no document path can name this property (a digits-only name with a leading zero, or __proto__, constructor, prototype)",
  type: "a property type is DATE, NUMBER or STRING",
  slot: "a slot is a column of the contacts table: propertyFloat0 to propertyFloat34, or propertyString0 to propertyString49",
  slot_type: "DATE and NUMBER properties live in propertyFloat slots, STRING properties in propertyString slots",
  duplicate_name: "two properties have this name",
  duplicate_slot: "two properties share this slot",
};

const FAILURES: {
  readonly [F in PlatformFailure]: (i: { received: string; expected?: string; type?: string }) => string;
} = {
  shape: (i) => `${i.received} is neither a field condition, nor topics, nor $and/$or/$not`,
  logical: () => "none of $and, $or and $not is set",
  list: (i) => `a list of conditions was expected, not ${i.received}`,
  topics: (i) => `topic ids must be a list of strings, not ${i.received}`,
  field: (i) => `${i.received} is neither a built-in contact field nor a property of the workspace`,
  operator: (i) => `${i.received} is not an operator`,
  operator_type: (i) => `${i.received} does not apply to a ${i.type} field`,
  value: (i) => `${i.expected ?? "another value"} was expected, not ${i.received}`,
  like_escape: () => "the pattern ends with LIKE's escape character, \\, which PostgreSQL refuses",
};

const INEXPRESSIBLE: { readonly [W in Inexpressible]: string } = {
  like_underscore:
    "the platform runs this as a LIKE pattern in which _ matches any one character; no condition of the language says that",
  like_gap:
    "the platform runs this as a LIKE pattern with % between two literals (one, then later the other); no condition of the language says that",
  datetime: "a datetime finer than a millisecond, which a condition cannot say",
  epoch:
    "a date property compared with a fraction of a millisecond (or beyond a Date's range), which a condition cannot say",
};

/** The sentences of the platform's entry point (`segmatch/kibamail`). */
export const PLATFORM = {
  invalid_catalog: {
    property: (i) => `${PROPERTY_PROBLEMS[i.problem] ?? "the property is refused"} (got ${i.received})`,
  },
  not_liftable: {
    platform_fails: (i) =>
      `the platform cannot run this today, its query fails: ${(own(FAILURES, i.fails) ?? (() => i.received))(i)}`,
    inexpressible: (i) =>
      `${own(INEXPRESSIBLE, i.what) ?? "no condition of the language selects these members"} (${i.received})`,
  },
} satisfies Chapter;

/** The sentences of the segment functions (bodies, stored segments, counts and diffs). */
export const SEGMENTS = {
  invalid_type: {
    contact_id: () =>
      "a contact has no _id or id to name it in the diff; pass options.id, a function from a contact to its id",
  },
  missing_key: {
    body: (i) => `"${i.key}" is required`,
    segment: (i) => `a segment has "${i.key}"`,
    option: (i) => `options.${i.key} is required`,
  },
  invalid_value: {
    text_length: (i) =>
      `${i.key} must be ${i.trimmed ? `1 to ${i.maximum} characters after trimming` : `at most ${i.maximum} characters`}, not ${i.size}`,
    segment_field: (i) => mustBe(i.key, i.expected, i.received),
  },
  too_many_items: {
    segments: (i) => `more than ${i.maximum} segments in one call`,
    changes: (i) =>
      `more than ${i.maximum} contacts enter or leave in one diff; diff fewer contacts at a time, or count the change in the database (membershipChangeFilters, membershipChangeSql)`,
  },
  duplicate_id: (i) => `segment id ${i.received} is given twice; each id counts once`,
} satisfies Chapter;

/** The sentences of the SQL target. */
export const SQL = {
  too_many_items: {
    parameters: (i) =>
      `the expression needs placeholders up to ${i.placeholder}, beyond ${i.database}'s ${i.maximum}; split the condition or lower sql.paramOffset`,
  },
  invalid_options: {
    sql_needs: (i) =>
      i.option === "fields"
        ? "toSql needs a field catalog (options.fields): SQL columns are typed"
        : "toSql needs options.sql: { table, id, columns?, topics, paramOffset? }",
    sql_unknown_field: (i) => `${JSON.stringify(i.field)} is not a field of the catalog`,
  },
} satisfies Chapter;

/**
 * Every code's sentences, from every chapter: a missing code or reason fails the type check
 * here. Built by a function, so that a bundle without `issueMessage` drops it (a spread at
 * the top level is kept, as it may run getters).
 */
const everySentence = (): { readonly [C in ConditionIssueCode]: Sentence<Of<C>> | ByReason<C> } => ({
  ...CORE,
  invalid_type: { ...CORE.invalid_type, ...LIFT.invalid_type, ...SEGMENTS.invalid_type },
  missing_key: { ...CORE.missing_key, ...SEGMENTS.missing_key },
  invalid_value: { ...CORE.invalid_value, ...LIFT.invalid_value, ...SEGMENTS.invalid_value },
  too_many_items: { ...CORE.too_many_items, ...SEGMENTS.too_many_items, ...SQL.too_many_items },
  invalid_options: { ...CORE.invalid_options, ...SQL.invalid_options },
  unknown_field: { ...CORE.unknown_field, ...LIFT.unknown_field },
  invalid_catalog: { ...CORE.invalid_catalog, ...PLATFORM.invalid_catalog },
  not_liftable: { ...LIFT.not_liftable, ...PLATFORM.not_liftable },
  duplicate_id: SEGMENTS.duplicate_id,
});
let MESSAGES: Chapter | undefined;

/**
 * The English sentence of an issue, from its code and data alone (its `message` is this):
 * the one renderer. An API that speaks another language writes its own from the same data.
 * Never throws: an object that is not an issue (or lacks its code's data) gets a sentence
 * that says so.
 */
export function issueMessage(issue: IssueContent): string {
  return written(issue, (MESSAGES ??= everySentence()));
}

/**
 * The sentence of an issue from `chapter` (then the core chapter): what `issue()` writes
 * for the modules that report it. A module passes its own chapter, so that a bundle holds
 * the English of the modules it holds, not all of it.
 */
export function sentence(issue: IssueContent, chapter: Chapter = CORE): string {
  return written(issue, chapter);
}

function written(issue: IssueContent, chapter: Chapter): string {
  try {
    const code: unknown = issue.code;
    const reason: unknown = issue.reason;
    const find = (table: Chapter): Sentence<IssueContent> | undefined => {
      const entry = (
        typeof code === "string" && Object.hasOwn(table, code) ? table[code as ConditionIssueCode] : undefined
      ) as Sentence<IssueContent> | Readonly<Record<string, Sentence<IssueContent>>> | undefined;
      return typeof entry === "function"
        ? entry
        : entry !== undefined && typeof reason === "string" && Object.hasOwn(entry, reason)
          ? entry[reason]
          : undefined;
    };
    if (typeof code !== "string" || !(Object.hasOwn(chapter, code) || Object.hasOwn(CORE, code)))
      return "invalid issue";
    const found = find(chapter) ?? find(CORE);
    const text: unknown = found === undefined ? `invalid input (${code})` : found(issue);
    if (typeof text !== "string") return "invalid issue";
    const lifted: unknown = issue.lifted;
    return typeof lifted === "string" ? `${text} (lifted as ${lifted})` : text;
  } catch {
    return "invalid issue";
  }
}
