/**
 * A segment condition as the platform stores and evaluates it today, lifted into the
 * language: a condition that selects exactly the contacts the platform selects, under
 * segmatch's own (MongoDB's) semantics, and every change made to get there.
 *
 * The platform evaluates a stored condition on PostgreSQL through Prisma
 * (`conditionsToPrismaWhere`), which differs from the documented meaning in four ways that
 * the lift translates:
 * - **Three-valued logic.** A comparison with a NULL column is unknown, and `WHERE` keeps
 *   only what is true: `ne`, `nin`, `NOT` never select a contact with no value. Each node
 *   is lifted twice, as what it makes definitely true (T) and definitely false (F): `and`
 *   is T when all are T and F when one is F, `or` the dual, `$not` swaps them, and a
 *   comparison on a column that may be NULL is F only where the field exists. A node that
 *   is never unknown (a test on a NOT NULL column, `exists`, topics) keeps its form.
 * - **The first logical key only**: `$and`, else `$or`, else `$not`; others are ignored.
 * - **Lenient values**: a scalar `in` list, `in: []` (no one), `nin: []` (everyone),
 *   `exists` with anything but `true` ("is empty"), `""` topic ids (no topic), unknown keys.
 * - **LIKE patterns**: `contains`, `startsWith` and `endsWith` become `LIKE` patterns whose
 *   `%`, `_` and `\` act as wildcards and escapes. A pattern the language can say (a `%` at
 *   an end, an escaped character) is lifted as what it matches; one it cannot (`_`, a `%`
 *   between two literals) is refused with the reason.
 * String ranges compare by the database's collation, not by code point: kept, and noted.
 *
 * What the platform cannot run (it fails at query time) is refused with its path. With
 * `reading: "documented"` the same stored condition is read with the documented meaning
 * instead (two-valued logic, every logical key, literal strings), which the impact report
 * compares with today's.
 */
import {
  ConditionError,
  describe,
  issue as coreIssue,
  readArgument,
  type ConditionIssue,
  type ConditionPath,
  type IssueInput,
} from "../errors.js";
import { OPERATORS, type Condition } from "../language/condition.js";
import { PLATFORM } from "../messages.js";
import { MAX_DEPTH_CEILING, type ConditionLimits } from "../options.js";
import { Opaque, snapshot, type Snapshot } from "../parse/snapshot.js";
import { parseIsoDate } from "../catalog/dates.js";
import {
  BUILT_IN_FIELDS,
  catalogFromProperties,
  isPlatformOptions,
  NOT_NULL_FIELDS,
  type PlatformOptions,
} from "./properties.js";
import { resolveOptions } from "../options.js";
import { parse } from "../parse/parse.js";
import { ownValues } from "../runtime/plain.js";
import { badArgument } from "./errors.js";

const issue = (path: ConditionPath, input: IssueInput) => coreIssue(path, input, PLATFORM);

/** Which meaning a stored condition is read with. */
export type Reading = "platform" | "documented";

/** What the lift changed, where in the stored condition, and why (messages.ts words it). */
export type ChangeKind =
  /** `in: []` selects no one, `nin: []` everyone (and `$and: []` everyone, `$or: []` no one): the constant folded away. */
  | "empty_list"
  /** `exists` with a value other than `true` or `false`: read as the platform reads it, "is empty". */
  | "exists_value"
  /** `eq`/`ne` with `null`: "is empty" / "is set". */
  | "null_value"
  /** A key no shape has: dropped (the platform's validator strips it). */
  | "dropped_key"
  /** A key the platform does not evaluate: a second logical key, or logical keys beside a field or topic condition. */
  | "ignored_key"
  /** `ne`, `nin`, `$not`: a contact with no value is kept out, as SQL's three-valued logic does. */
  | "null_rule"
  /** `""` as a topic id: it names no topic. */
  | "empty_topic_id"
  /** `%`, `_` or `\` in a string test: read as the LIKE pattern the platform runs. */
  | "like_pattern"
  /** A datetime with a lower-case `t` or `z` (which the platform reads): written in capitals, as the language reads datetimes. */
  | "datetime_case"
  /** A string range: the platform compares by the database's collation, segmatch by code point. */
  | "collation";

export interface StoredChange {
  readonly path: ConditionPath;
  readonly change: ChangeKind;
  readonly message: string;
}

export interface LiftedCondition {
  /** A condition of the language: the platform's members (or, `documented`, the documented meaning's). */
  readonly condition: Condition;
  readonly changes: readonly StoredChange[];
}

export interface LiftOptions {
  /** Bounds on the stored condition (`maxDepth`, `maxNodes`…), as `options.limits` of any call; default the defaults. */
  readonly limits?: Partial<ConditionLimits>;
  /** The workspace's custom properties (`{ name, type, slot }`), or the options `catalogFromProperties` made. */
  readonly properties?: unknown;
  readonly platform?: PlatformOptions;
  readonly reading?: Reading;
}

/** Words for each change, at the stored value it concerns. */
const CHANGE_WORDS: { readonly [K in ChangeKind]: (detail: string) => string } = {
  empty_list: (d) => d,
  exists_value: (d) => `the platform reads exists ${d} as "is empty" (only true means "is set")`,
  null_value: (d) => `${d} with null is ${d === "eq" ? '"is empty" (exists false)' : '"is set" (exists true)'}`,
  dropped_key: (d) => `${d} is not a key of this condition: the platform drops it`,
  ignored_key: (d) => d,
  null_rule: (d) =>
    `${d}: a contact with no value is not selected, as the platform's SQL (three-valued logic) does; the documented meaning would select it`,
  empty_topic_id: () => `an empty topic id names no topic`,
  like_pattern: (d) => `the platform runs this as the SQL LIKE pattern ${d} (%, _ and \\ are wildcards and escapes)`,
  datetime_case: () => "written with a capital T and Z, as the language reads datetimes",
  collation: () =>
    "the platform compares strings by the database's collation, segmatch by code point: members can differ for letters of different case or outside ASCII",
};

/** A lifted node: a condition, or a constant the platform's SQL folds to (everyone, no one). */
type Lifted = Condition | boolean;

interface Field {
  readonly name: string;
  readonly kind: "string" | "enum" | "datetime" | "float";
  readonly type: "string" | "enum" | "date" | "number";
  readonly epoch: boolean;
  readonly nullable: boolean;
  readonly values?: readonly string[];
}

const ENUM_KINDS: ReadonlySet<string> = new Set(["eq", "ne", "in", "nin", "exists"]);
const TEXT_OPS: ReadonlySet<string> = new Set(["contains", "startsWith", "endsWith"]);
const RANGE_OPS: ReadonlySet<string> = new Set(["gt", "gte", "lt", "lte"]);
const COMPLEMENT: Readonly<Record<string, string>> = { gt: "lte", gte: "lt", lt: "gte", lte: "gt" };
/** The platform's operators: the language's twelve. */
const OPERATOR_NAMES: readonly string[] = OPERATORS;
/** A datetime as Prisma reads one (chrono's RFC 3339: seconds and an offset required, `T` and `Z` in either case). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Lifts a stored condition, or throws a {@link ConditionError} with every part the platform
 * cannot run or the language cannot say, each at its path in the stored condition.
 */
export function liftStoredCondition(stored: unknown, options: LiftOptions = {}): LiftedCondition {
  const given = readArgument(["options"], () => ownValues(options));
  if (given === undefined) throw badArgument(["options"], "options", "an object { properties, reading? }", options);
  const reading = given.reading ?? "platform";
  if (reading !== "platform" && reading !== "documented")
    throw badArgument(["options", "reading"], "options", '"platform" or "documented"', reading);
  if (given.platform !== undefined && !isPlatformOptions(given.platform))
    throw badArgument(["options", "platform"], "options", "the options catalogFromProperties returned", given.platform);
  const platform = given.platform ?? catalogFromProperties(given.properties ?? []);
  // The platform sets no limit on a stored condition; these bound the work (options.limits raises them, as for any call).
  const limits = resolveOptions(
    given.limits === undefined ? undefined : { limits: given.limits as ConditionLimits },
  ).limits;
  const snap = snapshot(stored, limits);
  if ("issues" in snap) throw new ConditionError(snap.issues);
  const fields = fieldsOf(platform);
  const lifter = new Lifter(fields, reading);
  const root = lifter.node(snap.value, []);
  if (lifter.issues.length > 0) throw new ConditionError(lifter.issues);
  const condition = constant(root.t());
  // The lift writes only conditions of the language; checked, so that a gap in it is a clear error, not a wrong answer.
  // A lifted condition is at most one level deeper (a guard's $and) and holds at most three nodes per stored one,
  // each with at most a field's name and a few keys more (its paths are the catalog's, not counted in maxPathSegments).
  const room = {
    ...limits,
    maxDepth: MAX_DEPTH_CEILING,
    maxNodes: 3 * limits.maxNodes + 4,
    maxTotalLength: 3 * limits.maxTotalLength + 64 * limits.maxNodes,
  };
  const checked = parse(condition, resolveOptions({ fields: platform.fields, limits: room }));
  if (!checked.ok) throw new ConditionError(checked.issues);
  return Object.freeze({ condition: checked.parsed.condition, changes: Object.freeze(lifter.changes) });
}

/** The catalog's fields as the platform stores them: their column kind and whether the column may be NULL. */
function fieldsOf(platform: PlatformOptions): Map<string, Field> {
  const out = new Map<string, Field>();
  const columns = platform.sql.columns ?? {};
  for (const [name, spec] of Object.entries(platform.fields)) {
    const column = columns[name] ?? name;
    // A built-in field in its own column (a property named like one lives in its slot).
    const builtIn = BUILT_IN_FIELDS.includes(name) && column === name;
    const type = spec.type as Field["type"];
    const kind =
      type === "enum"
        ? "enum"
        : type === "string"
          ? "string"
          : type === "number"
            ? "float"
            : builtIn
              ? "datetime"
              : "float";
    out.set(name, {
      name,
      kind,
      type,
      epoch: spec.storage === "epochMillis",
      nullable: !(builtIn && NOT_NULL_FIELDS.has(name)),
      ...(spec.values === undefined ? {} : { values: spec.values }),
    });
  }
  return out;
}

/** A constant as a condition: no single condition of the language says "everyone" or "no one", so two on `email` do. */
function constant(x: Lifted): Condition {
  if (x === true)
    return {
      $or: [
        { field: "email", operator: "exists", value: true },
        { field: "email", operator: "exists", value: false },
      ],
    };
  if (x === false)
    return {
      $and: [
        { field: "email", operator: "exists", value: true },
        { field: "email", operator: "exists", value: false },
      ],
    };
  return x;
}

/**
 * T: what the node makes definitely true; F: what it makes definitely false, worked out only
 * when a `$not` asks (it may note a change), and undefined when the node is never unknown
 * (then F is `$not` of T, which keeps the stored form).
 */
interface Pair {
  readonly t: () => Lifted;
  readonly f?: (() => Lifted) | undefined;
}

/** A value worked out once, when first asked for (a `$not`'s T is its operand's F, which may note a change). */
function once(make: () => Lifted): () => Lifted {
  let value: Lifted | undefined;
  return () => (value ??= make());
}
const pair = (t: Lifted, f?: () => Lifted): Pair => ({ t: () => t, f });
const not = (x: Lifted): Lifted => (typeof x === "boolean" ? !x : { $not: x });
const falseOf = (p: Pair): Lifted => (p.f === undefined ? not(p.t()) : p.f());

/** The `$and`/`$or` nodes the lift made itself (guards, pushed-down negations): flattened into their parents; the stored ones keep their form. */
const MADE = new WeakSet<object>();
const made = <T extends object>(x: T): T => {
  MADE.add(x);
  return x;
};

/**
 * `$and` of the parts, constants folded. A stored `$and` keeps its form (one child stays a
 * list of one); one the lift makes (`ours`) is flattened into its parent, its repeats dropped.
 */
function all(parts: readonly Lifted[], ours = false): Lifted {
  if (parts.some((p) => p === false)) return false;
  const kept = parts
    .filter((p): p is Condition => p !== true)
    .flatMap((p) => ("$and" in p && MADE.has(p) ? (p.$and as Condition[]) : [p]));
  if (kept.length === 0) return true;
  if (!ours) return { $and: kept };
  const unique = dedupe(kept);
  return unique.length === 1 ? unique[0]! : made({ $and: unique });
}

/** `$or` of the parts, as {@link all}. */
function any(parts: readonly Lifted[], ours = false): Lifted {
  if (parts.some((p) => p === true)) return true;
  const kept = parts
    .filter((p): p is Condition => p !== false)
    .flatMap((p) => ("$or" in p && MADE.has(p) ? (p.$or as Condition[]) : [p]));
  if (kept.length === 0) return false;
  if (!ours) return { $or: kept };
  const unique = dedupe(kept);
  return unique.length === 1 ? unique[0]! : made({ $or: unique });
}

/** The same condition written twice (a guard repeated by a pushed-down negation) is kept once. */
function dedupe(parts: readonly Condition[]): Condition[] {
  const seen = new Set<string>();
  return parts.filter((p) => {
    const key = JSON.stringify(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const isRecord = (x: Snapshot): x is { readonly [key: string]: Snapshot } =>
  typeof x === "object" && x !== null && !Array.isArray(x) && !(x.constructor?.name === "Opaque");

class Lifter {
  readonly issues: ConditionIssue[] = [];
  readonly changes: StoredChange[] = [];

  constructor(
    private readonly fields: Map<string, Field>,
    private readonly reading: Reading,
  ) {}

  private get platform(): boolean {
    return this.reading === "platform";
  }

  private change(path: ConditionPath, change: ChangeKind, detail = ""): void {
    this.changes.push(Object.freeze({ path: Object.freeze([...path]), change, message: CHANGE_WORDS[change](detail) }));
  }

  private refuse(path: ConditionPath, input: IssueInput): Pair {
    this.issues.push(issue(path, input));
    return pair(true);
  }

  /** The shape the platform's evaluation sees: a field condition, else a topic condition, else logical keys. */
  node(c: Snapshot, path: ConditionPath): Pair {
    if (!isRecord(c))
      return this.refuse(path, {
        code: "not_liftable",
        reason: "platform_fails",
        fails: "shape",
        received: shown(c),
      });
    if ("field" in c && "operator" in c && "value" in c) {
      this.extra(c, path, ["field", "operator", "value"]);
      return this.leaf(c, path);
    }
    if ("subscribedToTopic" in c || "notSubscribedToTopic" in c) {
      this.extra(c, path, ["subscribedToTopic", "notSubscribedToTopic"]);
      return this.topics(c, path);
    }
    if ("$and" in c || "$or" in c || "$not" in c) return this.logical(c, path);
    return this.refuse(path, { code: "not_liftable", reason: "platform_fails", fails: "shape", received: shown(c) });
  }

  /** Keys beside a shape's: logical keys the platform never evaluates there, and keys of no shape (dropped by its validator). */
  private extra(c: { readonly [key: string]: Snapshot }, path: ConditionPath, own: readonly string[]): void {
    for (const key of Object.keys(c)) {
      if (own.includes(key)) continue;
      if (
        key === "$and" ||
        key === "$or" ||
        key === "$not" ||
        key === "subscribedToTopic" ||
        key === "notSubscribedToTopic"
      )
        this.change(
          [...path, key],
          "ignored_key",
          `${key} beside a ${own.includes("field") ? "field" : "topic"} condition is not evaluated by the platform`,
        );
      else this.change([...path, key], "dropped_key", JSON.stringify(key));
    }
  }

  private logical(c: { readonly [key: string]: Snapshot }, path: ConditionPath): Pair {
    const keys = (["$and", "$or", "$not"] as const).filter((k) => k in c && truthy(c[k]!));
    for (const key of Object.keys(c)) {
      if (key === "$and" || key === "$or" || key === "$not") {
        if (!truthy(c[key]!)) this.change([...path, key], "dropped_key", JSON.stringify(key));
      } else this.change([...path, key], "dropped_key", JSON.stringify(key));
    }
    if (keys.length === 0)
      return this.refuse(path, {
        code: "not_liftable",
        reason: "platform_fails",
        fails: "logical",
        received: shown(c),
      });
    // Today only the first counts; the documented meaning has them all hold.
    const used = this.platform ? keys.slice(0, 1) : keys;
    if (this.platform)
      for (const k of keys.slice(1))
        this.change(
          [...path, k],
          "ignored_key",
          `the platform evaluates only the first of $and, $or and $not: ${k} is ignored`,
        );
    const pairs = used.map((k) => this.logicalKey(k, c[k]!, [...path, k]));
    if (pairs.length === 1) return pairs[0]!;
    // The documented meaning of several keys in one object: all of them hold.
    return this.and(pairs);
  }

  private logicalKey(key: "$and" | "$or" | "$not", value: Snapshot, path: ConditionPath): Pair {
    if (key === "$not") {
      const inner = this.node(value, path);
      return { t: once(() => falseOf(inner)), f: inner.f === undefined ? undefined : inner.t };
    }
    if (!Array.isArray(value))
      return this.refuse(path, {
        code: "not_liftable",
        reason: "platform_fails",
        fails: "list",
        received: shown(value),
      });
    const list = value as readonly Snapshot[];
    if (list.length === 0)
      this.change(path, "empty_list", `${key}: [] selects ${key === "$and" ? "every contact" : "no contact"}`);
    const pairs = list.map((child, i) => this.node(child, [...path, i]));
    return key === "$and" ? this.and(pairs) : this.or(pairs);
  }

  private and(pairs: readonly Pair[]): Pair {
    const t = once(() => all(pairs.map((p) => p.t())));
    if (pairs.every((p) => p.f === undefined)) return { t };
    return { t, f: once(() => any(pairs.map(falseOf), true)) };
  }

  private or(pairs: readonly Pair[]): Pair {
    const t = once(() => any(pairs.map((p) => p.t())));
    if (pairs.every((p) => p.f === undefined)) return { t };
    return { t, f: once(() => all(pairs.map(falseOf), true)) };
  }

  private topics(c: { readonly [key: string]: Snapshot }, path: ConditionPath): Pair {
    const parts: Pair[] = [];
    for (const key of ["subscribedToTopic", "notSubscribedToTopic"] as const) {
      const value = c[key];
      if (value === undefined || !truthy(value)) {
        if (key in c) this.change([...path, key], "dropped_key", JSON.stringify(key));
        continue;
      }
      if (!Array.isArray(value) || !(value as readonly Snapshot[]).every((id) => typeof id === "string"))
        return this.refuse([...path, key], {
          code: "not_liftable",
          reason: "platform_fails",
          fails: "topics",
          received: shown(value),
        });
      const given = value as readonly string[];
      const ids = [...new Set(given.filter((id) => id !== ""))];
      if (ids.length < given.filter((id) => id !== "").length || ids.length !== given.length) {
        given.forEach((id, i) => {
          if (id === "") this.change([...path, key, i], "empty_topic_id");
        });
      }
      const subscribed: Lifted = ids.length === 0 ? false : { subscribedToTopic: ids };
      if (ids.length === 0)
        this.change(
          [...path, key],
          "empty_list",
          `${key} names no topic: it ${key === "subscribedToTopic" ? "selects no contact" : "keeps every contact"}`,
        );
      parts.push(
        key === "subscribedToTopic"
          ? pair(subscribed)
          : pair(typeof subscribed === "boolean" ? !subscribed : { notSubscribedToTopic: ids }),
      );
    }
    if (parts.length === 0)
      return this.refuse(path, {
        code: "not_liftable",
        reason: "platform_fails",
        fails: "topics",
        received: shown(c),
      });
    if (parts.length === 1) return parts[0]!;
    const [a, b] = [parts[0]!.t(), parts[1]!.t()];
    // One topic condition with both lists, as stored; a list that names no topic folds away.
    if (typeof a !== "boolean" && typeof b !== "boolean") return pair({ ...a, ...b } as Condition);
    return pair(all([a, b], true));
  }

  private leaf(c: { readonly [key: string]: Snapshot }, path: ConditionPath): Pair {
    const name = c.field!;
    const operator = c.operator!;
    const value = c.value!;
    const fails = (at: string, f: string, detail: Record<string, unknown> = {}) =>
      this.refuse([...path, at], { code: "not_liftable", reason: "platform_fails", fails: f, ...detail } as IssueInput);
    const field = typeof name === "string" ? this.fields.get(name) : undefined;
    if (field === undefined) return fails("field", "field", { received: shown(name) });
    if (typeof operator !== "string" || !OPERATOR_NAMES.includes(operator))
      return fails("operator", "operator", { received: shown(operator) });
    const valuePath = [...path, "value"];
    const leaf = (op: string, v: unknown): Condition => ({ field: field.name, operator: op, value: v }) as Condition;
    if (operator === "exists" || (value === null && (operator === "eq" || operator === "ne"))) {
      // IS NULL / IS NOT NULL: Prisma refuses null on a required field, so on email, status, createdAt and updatedAt the query fails.
      if (!field.nullable)
        return fails("value", "value", { expected: "a value (the field is never empty)", received: shown(value) });
      if (operator !== "exists") {
        this.change(valuePath, "null_value", operator);
        return pair(leaf("exists", operator === "ne"));
      }
      if (value === true) return pair(leaf("exists", true));
      if (value !== false) this.change(valuePath, "exists_value", JSON.stringify(value));
      return pair(leaf("exists", false));
    }
    // What Prisma refuses for the column's type, the platform cannot run.
    if (field.kind === "enum" && !ENUM_KINDS.has(operator))
      return fails("operator", "operator_type", { received: operator, type: field.type });
    if ((field.kind === "datetime" || field.kind === "float") && TEXT_OPS.has(operator))
      return fails("operator", "operator_type", { received: operator, type: field.type });
    const list = operator === "in" || operator === "nin";
    // Prisma 5 and later take only a list for in/notIn (its "array shortcuts" were removed): a scalar fails.
    if (list && !Array.isArray(value)) return fails("value", "value", { expected: "a list", received: shown(value) });
    const items: readonly Snapshot[] = list ? (value as readonly Snapshot[]) : [value];
    const converted: (string | number)[] = [];
    const problems: [ConditionPath, IssueInput][] = [];
    for (const [i, item] of items.entries()) {
      const at = list && Array.isArray(value) ? [...valuePath, i] : valuePath;
      const problem = this.valueProblem(field, item);
      if (problem !== undefined) problems.push([at, problem]);
      else if (field.kind === "datetime" && item !== (item as string).toUpperCase()) {
        this.change(at, "datetime_case");
        converted.push((item as string).toUpperCase());
      } else converted.push(item as string | number);
    }
    // The item the platform's query fails on, before one the language cannot say: the query never runs.
    const [at, problem] = problems.find(([, p]) => "fails" in p) ?? problems[0] ?? [];
    if (problem !== undefined) return this.refuse(at!, problem);
    // Nullable columns: a comparison there is unknown where the field has no value.
    const unknownWhereEmpty = this.platform && field.nullable;
    const exists = leaf("exists", true);
    /** F of this leaf where the field may be empty: only where it is set; noted when a negation asks for it. */
    const definitelyFalse = (x: Condition, setAlready = false) =>
      unknownWhereEmpty
        ? () => {
            this.change(path, "null_rule", `$not of ${operator} on ${JSON.stringify(field.name)}`);
            return setAlready ? x : all([x, exists], true);
          }
        : undefined;
    if (list) {
      if (converted.length === 0) {
        // Prisma writes `in: []` as a false constant and `notIn: []` as a true one, whatever the column holds.
        this.change(
          valuePath,
          "empty_list",
          `${operator}: [] selects ${operator === "in" ? "no contact" : "every contact"}`,
        );
        return pair(operator === "nin");
      }
      const listed = leaf("in", converted);
      if (operator === "in") return pair(listed, definitelyFalse(leaf("nin", converted)));
      if (!unknownWhereEmpty) return pair(leaf("nin", converted));
      this.change(path, "null_rule", `nin on ${JSON.stringify(field.name)}`);
      return pair(all([leaf("nin", converted), exists], true), () => listed);
    }
    const v = converted[0]!;
    if (RANGE_OPS.has(operator) && field.kind === "string" && this.platform) this.change(path, "collation");
    if (operator === "eq") return pair(leaf("eq", v), definitelyFalse(leaf("ne", v)));
    if (operator === "ne") {
      if (!unknownWhereEmpty) return pair(leaf("ne", v));
      this.change(path, "null_rule", `ne on ${JSON.stringify(field.name)}`);
      return pair(all([leaf("ne", v), exists], true), () => leaf("eq", v));
    }
    // A range's complement on the same type: `lte v` is false where the field is empty, as SQL's NOT (x > v) is unknown there.
    if (RANGE_OPS.has(operator)) return pair(leaf(operator, v), definitelyFalse(leaf(COMPLEMENT[operator]!, v), true));
    // contains, startsWith, endsWith: a LIKE pattern today, a literal in the documented meaning.
    const like: Like | undefined =
      v === ""
        ? "any"
        : this.platform
          ? this.like(operator, v as string, valuePath)
          : { operator: operator as "contains", literal: v as string };
    if (like === undefined) return pair(true);
    // Any string: the field is set (its column holds text); it is never definitely false.
    if (like === "any") return this.platform ? pair(exists, () => false) : pair(exists);
    const t = leaf(like.operator, like.literal);
    return pair(t, definitelyFalse(not(t) as Condition));
  }

  /** Why Prisma would refuse a value for the field's column (the platform fails at query time), or why the language cannot say it. */
  private valueProblem(field: Field, v: Snapshot): IssueInput | undefined {
    const fails = (expected: string): IssueInput =>
      ({
        code: "not_liftable",
        reason: "platform_fails",
        fails: "value",
        expected,
        received: shown(v),
      }) as IssueInput;
    switch (field.kind) {
      case "string":
        return typeof v === "string" ? undefined : fails("a string");
      case "enum":
        return typeof v === "string" && field.values!.includes(v)
          ? undefined
          : fails(`one of ${field.values!.join(", ")}`);
      case "datetime": {
        if (typeof v !== "string" || !RFC3339.test(v)) return fails("an RFC 3339 datetime with an offset");
        const parsed = parseIsoDate(v.toUpperCase());
        if (!("problem" in parsed)) return undefined;
        // Finer than a millisecond: a condition cannot say it. Anything else (a 30th of February, hour 25) Prisma refuses.
        return parsed.problem === "too_precise"
          ? ({ code: "not_liftable", reason: "inexpressible", what: "datetime", received: shown(v) } as IssueInput)
          : fails("a real date and time");
      }
      case "float":
        if (typeof v !== "number") return fails("a number");
        if (field.epoch && (!Number.isInteger(v) || Math.abs(v) > 8.64e15))
          return { code: "not_liftable", reason: "inexpressible", what: "epoch", received: shown(v) } as IssueInput;
        return undefined;
    }
  }

  /**
   * The condition a LIKE pattern lifts to: `%` at an end and escaped characters are read as
   * PostgreSQL reads them; a pattern with `_`, or `%` between two literals, has no condition
   * in the language and is refused.
   */
  private like(operator: string, value: string, path: ConditionPath): Like | undefined {
    const pattern = (operator === "startsWith" ? "" : "%") + value + (operator === "endsWith" ? "" : "%");
    const inexpressible = (what: string) => {
      this.issues.push(
        issue(path, { code: "not_liftable", reason: "inexpressible", what, received: shown(value) } as IssueInput),
      );
      return undefined;
    };
    const pieces: string[] = [];
    let literal = "";
    let lead = false;
    let trail = false;
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i]!;
      if (ch === "\\") {
        // PostgreSQL refuses a pattern ending in its escape character: the query fails.
        if (i + 1 === pattern.length) {
          this.issues.push(
            issue(path, {
              code: "not_liftable",
              reason: "platform_fails",
              fails: "like_escape",
              received: shown(value),
            } as IssueInput),
          );
          return undefined;
        }
        literal += pattern[++i];
        trail = false;
      } else if (ch === "_") return inexpressible("like_underscore");
      else if (ch === "%") {
        if (literal !== "") pieces.push(literal);
        else if (pieces.length === 0) lead = true;
        literal = "";
        trail = true;
      } else {
        literal += ch;
        trail = false;
      }
    }
    if (literal !== "") pieces.push(literal);
    if (pieces.length > 1) return inexpressible("like_gap");
    if (pieces.length === 0) {
      this.change(path, "like_pattern", JSON.stringify(pattern));
      return "any";
    }
    const lifted = lead && trail ? "contains" : trail ? "startsWith" : lead ? "endsWith" : "eq";
    if (lifted !== operator || pieces[0] !== value) this.change(path, "like_pattern", JSON.stringify(pattern));
    return { operator: lifted, literal: pieces[0]! };
  }
}

/** What a LIKE pattern matches: any string, or one test of the language. */
type Like = "any" | { readonly operator: "contains" | "startsWith" | "endsWith" | "eq"; readonly literal: string };

/** JavaScript truthiness, as the platform's `if (condition.$and)` reads a key. */
const truthy = (x: Snapshot): boolean =>
  !(x === null || x === false || x === 0 || x === "" || (typeof x === "number" && Number.isNaN(x)));

/** A value in words: a non-JSON value as itself, not as the snapshot's wrapper. */
const shown = (x: Snapshot): string => describe(x instanceof Opaque ? x.value : x);
