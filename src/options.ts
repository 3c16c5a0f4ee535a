import { ConditionError, describe, issue, thrownMessage, type ConditionIssue, type IssueDataFor } from "./errors.js";
import { checkCatalog, type FieldCatalog, type ResolvedField } from "./catalog/catalog.js";
import { fieldPathRefusal } from "./language/field-path.js";
import { choices } from "./suggest.js";
import { TOPIC_LAYOUTS, type TopicLayout } from "./language/topics.js";
import {
  DEFAULT_MONGO_VERSION,
  MONGO_VERSIONS,
  SEMANTICS,
  type MongoVersion,
  type Semantics,
} from "./language/versions.js";
import type { SqlOptions } from "./targets/sql/options.js";
import { ownValues } from "./runtime/plain.js";
import { UTC, zone, type Zone } from "./time/zone.js";
import type { FieldRef } from "./language/ast.js";

/** Bounds on the size of an input; each protects the process from absurd or hostile input. */
export interface ConditionLimits {
  /** Nesting of conditions: a bare field condition has depth 1, `{ $and: [f] }` depth 2. */
  readonly maxDepth: number;
  /** All condition objects in the tree, at every level. */
  readonly maxNodes: number;
  /** Items of one list: `$and`/`$or` children, `in`/`nin` values, topic ids. */
  readonly maxListLength: number;
  /** Characters (UTF-16 code units) of any string: field names, values, topic ids. */
  readonly maxStringLength: number;
  /** Characters of all strings and keys together: what a condition costs to read grows with them. */
  readonly maxTotalLength: number;
  /** Segments of the paths of the distinct fields a condition names, together (`"a.b"` has 2; a catalog field counts its path): what a condition costs to compile grows with them. */
  readonly maxPathSegments: number;
}

/** The default limits; `maxDepth` may be raised up to {@link MAX_DEPTH_CEILING}. */
export const DEFAULT_LIMITS: ConditionLimits = Object.freeze({
  maxDepth: 32,
  maxNodes: 10_000,
  maxListLength: 10_000,
  maxStringLength: 4_096,
  maxTotalLength: 1_000_000,
  maxPathSegments: 25_000,
});

/**
 * The deepest condition whose filters MongoDB still accepts (see {@link DEFAULT_LIMITS}):
 * a filter is at most `2d + 4` levels deep (targets/mongo/filter.ts), and
 * `membershipChangeFilters` wraps it 4 levels deeper (`{$and: [after, {$nor: [before]}]}`),
 * which stays within MongoDB's 100 levels for d ≤ 46.
 */
export const MAX_DEPTH_CEILING = 46;

export { TOPIC_LAYOUTS, type TopicLayout };

export interface TopicOptions {
  /** Document path of the contact's topic subscriptions. Default `"topics"`. */
  readonly path?: string | undefined;
  /** How subscriptions are stored. Default `"ids"`. */
  readonly layout?: TopicLayout | undefined;
}

/**
 * Options of the condition functions and of `createSegmatch`. Every option may be left out
 * or given as `undefined` (the same thing: the default), so that under
 * `exactOptionalPropertyTypes` a caller can pass `{ fields: maybeCatalog }`.
 */
export interface ConditionOptions {
  /** Any of the {@link DEFAULT_LIMITS} to change; a limit left out (or `undefined`) keeps its default. */
  readonly limits?: { readonly [K in keyof ConditionLimits]?: ConditionLimits[K] | undefined } | undefined;
  readonly topics?: TopicOptions | undefined;
  /** A field catalog: with it, conditions are checked and compiled against typed fields. */
  readonly fields?: FieldCatalog | undefined;
  /**
   * The MongoDB server whose answers the in-memory predicate gives: `"7.0"`, `"8.0"` (the
   * default) or `"9.0"`. The filter is the same for all; they differ in null equality on a
   * stored `undefined` (8.0) and on dotted paths through arrays (9.0).
   */
  readonly mongoVersion?: MongoVersion | undefined;
  /**
   * Never generate code (`new Function`): every predicate runs on closures. For a strict
   * Content-Security-Policy without `unsafe-eval`. Default false (code is generated where
   * it pays, and an environment that forbids it is detected).
   */
  readonly jitless?: boolean | undefined;
  /** Where conditions meet a PostgreSQL table, for `toSql` (see {@link SqlOptions}). */
  readonly sql?: SqlOptions | undefined;
  /**
   * The time zone of relative dates (`"now-1M/M"`): an IANA name such as
   * `"Europe/Amsterdam"`. Calendar steps (`y M w d`) and rounding happen on its wall clock;
   * weeks start on Monday. Default `"UTC"`.
   */
  readonly timeZone?: string | undefined;
  /**
   * The clock that relative dates are resolved with: an instant (a Date, or epoch
   * milliseconds), or a function that gives the current one. Default the system clock. A
   * condition without a relative date never reads it.
   */
  readonly now?: Date | number | (() => Date | number) | undefined;
}

export interface ResolvedOptions {
  readonly limits: ConditionLimits;
  readonly topicsPath: string;
  readonly topicsLayout: TopicLayout;
  readonly fields: ReadonlyMap<string, ResolvedField> | undefined;
  readonly semantics: Semantics;
  /** Whether code generation is off (`options.jitless`). */
  readonly jitless: boolean;
  /**
   * `options.sql` as given, its parts the SQL reader reads copied once (`copySql`): checked
   * here only when the caller hands over the reader (`createSegmatch` and the functions that
   * write SQL pass `checkSql`), and otherwise by the SQL target when it reads it (`sqlOf` in
   * targets/sql/options.ts), so that a program without SQL carries no SQL reader.
   */
  readonly sql: unknown;
  /** `options.timeZone`. */
  readonly zone: Zone;
  /** `options.now`: the current instant, in epoch milliseconds (a ConditionError if a clock function gives no instant). */
  readonly clock: () => number;
  /**
   * What a compiled condition depends on (catalog, topic storage, server version, and
   * whether code may be generated), as one string: two option sets with equal settings
   * compile any condition alike. Limits are not part of it: they bound inputs, not meanings.
   */
  readonly settings: string;
  /**
   * Whether any option was given a value (an options object whose every key is absent or
   * `undefined` is the same as none): then a compiled condition must have these settings,
   * else it is taken with its own.
   */
  readonly given: boolean;
  /**
   * The untyped fields already checked, by name, shared by every parse with these options:
   * an engine's (see {@link withFieldCache}); undefined for options resolved for one call.
   */
  readonly fieldCache?: Map<string, FieldRef | { readonly problem: string }> | undefined;
}

/** The same options with a cache of checked field names of their own (an engine parses many conditions). */
export function withFieldCache(resolved: ResolvedOptions): ResolvedOptions {
  return Object.freeze({ ...resolved, fieldCache: new Map() });
}

function settingsOf(
  topicsPath: string,
  topicsLayout: TopicLayout,
  fields: ReadonlyMap<string, ResolvedField> | undefined,
  semantics: Semantics,
  jitless: boolean,
  zone: Zone,
): string {
  // Sorted: the order of a catalog's entries, or of an enum's values, changes no meaning.
  const catalog = fields
    ? [...fields.values()]
        .map((f) => [f.name, f.type, f.path, f.values ? [...f.values].sort() : null, f.storage])
        .sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1))
    : null;
  return JSON.stringify([topicsPath, topicsLayout, semantics.version, jitless, catalog, zone.name]);
}

const DEFAULT_RESOLVED: ResolvedOptions = Object.freeze({
  limits: DEFAULT_LIMITS,
  topicsPath: "topics",
  topicsLayout: "ids",
  fields: undefined,
  semantics: SEMANTICS[DEFAULT_MONGO_VERSION],
  jitless: false,
  sql: undefined,
  zone: UTC,
  clock: Date.now,
  settings: settingsOf("topics", "ids", undefined, SEMANTICS[DEFAULT_MONGO_VERSION], false, UTC),
  given: false,
});
/** The keys of {@link ConditionOptions}. */
export const OPTION_KEYS: readonly string[] = [
  "limits",
  "topics",
  "fields",
  "mongoVersion",
  "jitless",
  "sql",
  "timeZone",
  "now",
];

/**
 * A check of `options.sql` that reports each problem through `bad` (the SQL target's
 * reader): given by the functions that write SQL, so that its problems are reported with the
 * other options', while options.ts imports no target.
 */
export type SqlCheck = (
  sql: unknown,
  bad: (path: (string | number)[], data: IssueDataFor<"invalid_options">) => void,
) => unknown;

/** Checks and fills in options once; a malformed option is a ConditionError too. */
export function resolveOptions(options: ConditionOptions | undefined, checkSql?: SqlCheck): ResolvedOptions {
  if (options === undefined) return DEFAULT_RESOLVED;
  try {
    return readOptions(options, checkSql);
  } catch (error) {
    if (error instanceof ConditionError) throw error;
    // A getter that throws, a revoked proxy: the options cannot be read.
    throw new ConditionError([
      issue(["options"], { code: "invalid_options", reason: "unreadable", thrown: thrownMessage(error) }),
    ]);
  }
}

/** The refusal of options that are not an object. */
export function notAnObject(input: unknown): ConditionError {
  return new ConditionError([
    issue(["options"], {
      code: "invalid_options",
      reason: "option_value",
      option: "",
      expected: "an object",
      received: describe(input),
    }),
  ]);
}

/**
 * Validates a copy in which every option was read once, so that a getter cannot answer one
 * thing to the check and another to the use.
 */
/** An instant a clock gives, or undefined when it is none (an invalid Date, a number that is no instant). */
export function instantOf(value: unknown): number | undefined {
  let t = value;
  if (typeof value === "object" && value !== null) {
    // Date's own getTime: a look-alike, a proxy or a Date with its own methods cannot answer for it.
    try {
      t = Date.prototype.getTime.call(value);
    } catch {
      return undefined;
    }
  }
  // Whole milliseconds, as a Date keeps them (truncated): every target then resolves at the same instant.
  return typeof t === "number" && Number.isFinite(t) && Math.abs(t) <= 8.64e15 ? Math.trunc(t) + 0 : undefined;
}

/** `options.now` as a clock, or undefined when it is neither an instant nor a function. */
export function clockOf(now: unknown): (() => number) | undefined {
  if (typeof now === "function") {
    return () => {
      let given: unknown;
      try {
        given = (now as () => unknown)();
      } catch (error) {
        throw new ConditionError([
          issue(["options", "now"], { code: "invalid_options", reason: "clock", thrown: thrownMessage(error) }),
        ]);
      }
      // Whole milliseconds within a Date's range, the common answer, at once.
      if (typeof given === "number" && Math.floor(given) === given && Math.abs(given) <= 8.64e15) return given + 0;
      const t = instantOf(given);
      if (t === undefined)
        throw new ConditionError([
          issue(["options", "now"], {
            code: "invalid_options",
            reason: "option_value",
            option: "now()",
            expected: "a valid Date or epoch milliseconds",
            received: describe(given),
          }),
        ]);
      return t;
    };
  }
  const t = instantOf(now);
  return t === undefined ? undefined : () => t;
}

/**
 * `options.sql` with what the SQL target reads from it read once, now: its own keys, those of
 * `columns` and `topics`, and the first three names of a join table given as a list (a
 * longer list is refused whatever the rest). Every other value stays as given: the SQL
 * reader refuses anything but a string or a number there by its type, without reading it.
 */
function copySql(value: unknown): unknown {
  const sql = ownValues(value);
  if (sql === undefined) return value;
  for (const key of ["columns", "topics"]) {
    const inner = ownValues(sql[key]);
    if (inner === undefined) continue;
    const table = inner.table;
    if (key === "topics" && Array.isArray(table)) {
      const list = table as readonly unknown[];
      inner.table = Object.freeze(Array.from({ length: Math.min(list.length, 3) }, (_, i) => list[i]));
    }
    sql[key] = Object.freeze(inner);
  }
  return Object.freeze(sql);
}

function readOptions(input: ConditionOptions, checkSql?: SqlCheck): ResolvedOptions {
  const issues: ConditionIssue[] = [];
  const bad = (path: (string | number)[], data: IssueDataFor<"invalid_options">) =>
    issues.push(issue(["options", ...path], { code: "invalid_options", ...data }));
  /** An option whose value is not what `expected` says, at the path its dotted name spells. */
  const badValue = (option: string, expected: string, value: unknown, allowed?: readonly string[]) =>
    bad(option.split("."), {
      reason: "option_value",
      option,
      expected,
      received: describe(value),
      ...(allowed === undefined ? {} : { allowed }),
    });
  const unknownKey = (path: (string | number)[], scope: string, key: string, allowed: readonly string[]) =>
    bad([...path, key], {
      reason: "unknown_option",
      scope,
      ...choices(key, allowed),
    });
  const options = ownValues(input);
  if (options === undefined) throw notAnObject(input);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) unknownKey([], "", key, OPTION_KEYS);
  }
  const limits: Record<keyof ConditionLimits, number> = { ...DEFAULT_LIMITS };
  if (options.limits !== undefined) {
    const given = ownValues(options.limits);
    if (given === undefined) badValue("limits", "an object", options.limits);
    else {
      for (const [key, value] of Object.entries(given)) {
        if (!Object.hasOwn(DEFAULT_LIMITS, key)) {
          unknownKey(["limits"], "limits", key, Object.keys(DEFAULT_LIMITS));
        } else if (value === undefined) {
          // Given as undefined: the default, as when it is left out.
        } else if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
          badValue(`limits.${key}`, "a positive integer", value);
        } else {
          limits[key as keyof ConditionLimits] = value;
        }
      }
      if (limits.maxDepth > MAX_DEPTH_CEILING) {
        bad(["limits", "maxDepth"], { reason: "max_depth", maximum: MAX_DEPTH_CEILING, limit: "maxDepth" });
      }
    }
  }
  let topicsPath = "topics";
  let topicsLayout: TopicLayout = "ids";
  if (options.topics !== undefined) {
    const topics = ownValues(options.topics);
    if (topics === undefined) badValue("topics", "an object", options.topics);
    else {
      for (const key of Object.keys(topics)) {
        if (key !== "path" && key !== "layout") unknownKey(["topics"], "topics", key, ["path", "layout"]);
      }
      if (topics.path !== undefined) {
        if (typeof topics.path !== "string") badValue("topics.path", "a string", topics.path);
        else topicsPath = topics.path;
      }
      if (topics.layout !== undefined) {
        const layout = TOPIC_LAYOUTS.find((l) => l === topics.layout);
        if (layout === undefined)
          badValue("topics.layout", `one of ${TOPIC_LAYOUTS.join(", ")}`, topics.layout, TOPIC_LAYOUTS);
        else topicsLayout = layout;
      }
    }
  }
  let fields: ReadonlyMap<string, ResolvedField> | undefined;
  if (options.fields !== undefined) {
    const checked = checkCatalog(options.fields, ["options", "fields"]);
    if ("issues" in checked) issues.push(...checked.issues);
    else fields = checked.fields;
  }
  let version: MongoVersion = DEFAULT_MONGO_VERSION;
  if (options.mongoVersion !== undefined) {
    const known = MONGO_VERSIONS.find((v) => v === options.mongoVersion);
    if (known === undefined)
      badValue(
        "mongoVersion",
        `one of ${MONGO_VERSIONS.map((v) => `"${v}"`).join(", ")} (a string)`,
        options.mongoVersion,
        MONGO_VERSIONS,
      );
    else version = known;
  }
  let jitless = false;
  if (options.jitless !== undefined) {
    if (typeof options.jitless !== "boolean") badValue("jitless", "true or false", options.jitless);
    else jitless = options.jitless;
  }
  // Copied now, read later: the SQL target checks it when it first reads it (sqlOf), and what it checks is what was given.
  const sql = options.sql === undefined ? undefined : copySql(options.sql);
  if (sql !== undefined && checkSql !== undefined) checkSql(sql, bad);
  let timeZone = UTC;
  if (options.timeZone !== undefined) {
    const found = typeof options.timeZone === "string" ? zone(options.timeZone) : undefined;
    if (found === undefined)
      badValue("timeZone", 'an IANA time zone name such as "Europe/Amsterdam"', options.timeZone);
    else timeZone = found;
  }
  let clock: () => number = Date.now;
  if (options.now !== undefined) {
    const read = clockOf(options.now);
    if (read === undefined)
      badValue("now", "a valid Date, epoch milliseconds, or a function that gives one", options.now);
    else clock = read;
  }
  const semantics = SEMANTICS[version];
  const given = Object.keys(options).some((key) => options[key] !== undefined);
  const resolved: ResolvedOptions = Object.freeze({
    limits: Object.freeze(limits),
    topicsPath,
    topicsLayout,
    fields,
    semantics,
    jitless,
    sql,
    zone: timeZone,
    clock,
    settings: settingsOf(topicsPath, topicsLayout, fields, semantics, jitless, timeZone),
    given,
  });
  // The topic path obeys the same rules as any field path.
  // A fixed bound, as a catalog path's: configuration, not a condition (a low maxStringLength must not refuse "topics").
  const pathProblem = fieldPathRefusal(topicsPath, 4_096);
  if (pathProblem) bad(["topics", "path"], { reason: "topics_path", ...pathProblem });
  if (issues.length > 0) throw new ConditionError(issues);
  return resolved;
}
