/**
 * The second front end: a MongoDB filter lifted into the language, where the lift keeps
 * its meaning exactly; every part it cannot lift is an issue with its path in the filter.
 *
 * - `{f: v}`, `{f: {$eq|$ne|$gt|$gte|$lt|$lte: v}}` with a scalar (or, for a date field of
 *   the catalog, a Date); `{f: {$in|$nin: [...]}}`; `{f: null}`, `{f: {$eq: null}}` and
 *   `{f: {$ne: null}}` as `exists`; several operators on one field as `$and`.
 * - `$and`, `$or`, `$nor` (as `$not` of `$or`), and `{f: {$not: {...}}}`, which MongoDB
 *   evaluates as "no value at f passes", exactly the language's `$not` of that test.
 * - `$regex` that is a plain literal, optionally anchored with `^` or followed by the
 *   end-of-string lookahead segmatch writes (`(?![\s\S])`): `contains`, `startsWith`,
 *   `endsWith`. A trailing `$` is refused: PCRE's `$` also matches before a final newline,
 *   so `abc$` is not "ends with abc".
 * - At the topics path, `$in`/`$nin` of ids (ids layout) or the records layout's
 *   `$elemMatch` (and its `$not`) as topic conditions.
 * With a catalog, storage paths are mapped back to field names, and each lifted field
 * condition is checked against its type (a filter comparing a date field with a string
 * would mean something else, and is refused).
 */
import {
  ConditionError,
  describe,
  issue as coreIssue,
  readArgument,
  reissue,
  type ConditionIssue,
  type ConditionPath,
  type IssueDataFor,
  type IssueInput,
} from "../errors.js";
import { LIFT, REFUSED_OPERATORS } from "../messages.js";
import type { Condition, FieldCondition, Operator, Scalar } from "../language/condition.js";
import { OPERATOR_SPECS } from "../language/operators.js";
import { END_OF_STRING, regexPattern } from "../language/regex.js";
import { SUBSCRIBED } from "../language/topics.js";
import type { ResolvedField } from "../catalog/catalog.js";
import type { ResolvedOptions } from "../options.js";
import { parse } from "./parse.js";
import { Opaque, snapshot, type Snapshot } from "./snapshot.js";
import { isPlainObject } from "../runtime/plain.js";

/** An issue of this module, its message from its chapter of the sentences. */
const issue = (path: ConditionPath, input: IssueInput) => coreIssue(path, input, LIFT);

const COMPARISONS: Readonly<Record<string, Operator>> = {
  $eq: "eq",
  $ne: "ne",
  $gt: "gt",
  $gte: "gte",
  $lt: "lt",
  $lte: "lte",
  $in: "in",
  $nin: "nin",
};

/** The operators refused by name, each for its own reason (messages.ts says why). */
const REFUSED: ReadonlySet<string> = /* @__PURE__ */ new Set(REFUSED_OPERATORS);

const isDate = (value: unknown): value is Date => value instanceof Date;

/** A RegExp given as a value: its pattern and flags. */
function regexParts(value: unknown): { source: string; flags: string } | undefined {
  return value instanceof RegExp ? { source: value.source, flags: value.flags } : undefined;
}

/** The literal a pattern of escaped characters spells, or undefined when any character acts as regex syntax. */
function literalOf(pattern: string): string | undefined {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\") {
      const next = pattern[i + 1];
      if (next === undefined) return undefined;
      if (next === "x" && /^[0-9a-fA-F]{2}$/.test(pattern.slice(i + 2, i + 4))) {
        out += String.fromCharCode(parseInt(pattern.slice(i + 2, i + 4), 16));
        i += 3;
        continue;
      }
      // \n, \r, \t mean the control characters in PCRE and JavaScript alike (RegExp.source writes a newline as \n).
      const control = next === "n" ? "\n" : next === "r" ? "\r" : next === "t" ? "\t" : undefined;
      if (control !== undefined) {
        out += control;
        i++;
        continue;
      }
      if (!"\\^$.|?*+()[]{}/-".includes(next)) return undefined;
      out += next;
      i++;
      continue;
    }
    if ("^$.|?*+()[]{}".includes(c)) return undefined;
    out += c;
  }
  return out;
}

/** A plain-literal `$regex` as a string test, or why not. */
function liftRegex(
  pattern: string,
  flags: string,
): { operator: "contains" | "startsWith" | "endsWith"; value: string } | { problem: IssueDataFor<"not_liftable"> } {
  if (flags !== "") return { problem: { reason: "regex_flags", flags: flags.slice(0, 10) } };
  let body = pattern;
  const start = body.startsWith("^");
  if (start) body = body.slice(1);
  const end = body.endsWith(END_OF_STRING);
  if (end) body = body.slice(0, -END_OF_STRING.length);
  const literal = literalOf(body);
  if (literal === undefined) {
    if (/(^|[^\\])\$$/.test(body)) return { problem: { reason: "regex_dollar" } };
    return { problem: { reason: "regex_syntax" } };
  }
  if (start && end) return { problem: { reason: "regex_whole" } };
  const operator = start ? "startsWith" : end ? "endsWith" : "contains";
  // Only a pattern written exactly as the lifted condition's filter writes it: then the two filters are the
  // same text, and mean the same on every value (a stored regular expression, a NUL, which MongoDB refuses raw).
  if (regexPattern(operator, literal) !== pattern) {
    return {
      problem: {
        reason: "regex_form",
        operator,
        literal: literal.slice(0, 40),
        pattern: regexPattern(operator, literal)!.slice(0, 80),
      },
    };
  }
  return { operator, value: literal };
}

/** Lifts one filter, collecting an issue for every part it cannot lift. */
class Lift {
  readonly issues: ConditionIssue[] = [];
  /** Characters of the RegExp sources read so far. */
  private sources = 0;
  /** Storage path → the catalog fields stored there, in catalog order. */
  private readonly byPath = new Map<string, ResolvedField[]>();
  constructor(private readonly options: ResolvedOptions) {
    for (const f of options.fields?.values() ?? []) {
      const list = this.byPath.get(f.path);
      if (list) list.push(f);
      else this.byPath.set(f.path, [f]);
    }
  }

  private refuse(path: ConditionPath, data: IssueDataFor<"not_liftable">): undefined {
    this.issues.push(issue(path, { code: "not_liftable", ...data }));
    return undefined;
  }

  /** A query-level object: `$and`/`$or`/`$nor` and field keys, all of which must hold. */
  filter(value: unknown, path: ConditionPath): Condition | undefined {
    if (!isPlainObject(value)) {
      this.issues.push(
        issue(path, { code: "invalid_type", reason: "filter", expected: "a plain object", received: describe(value) }),
      );
      return undefined;
    }
    const keys = Object.keys(value);
    if (keys.length === 0) return this.refuse(path, { reason: "empty_filter" });
    const logical: Record<string, unknown> = {};
    const parts: Condition[] = [];
    let ok = true;
    for (const key of keys) {
      const at = [...path, key];
      if (key === "$and" || key === "$or" || key === "$nor") {
        const list = value[key];
        if (!Array.isArray(list) || list.length === 0) {
          this.issues.push(
            issue(at, {
              code: "invalid_type",
              reason: "filter_list",
              key,
              expected: "a non-empty list of filters",
              received: describe(list),
            }),
          );
          ok = false;
          continue;
        }
        const children = list.map((child: unknown, i: number) => this.filter(child, [...at, i]));
        if (!children.every((c): c is Condition => c !== undefined)) {
          ok = false;
          continue;
        }
        // $nor: none holds, the language's $not of their $or.
        if (key === "$nor") logical.$not = children.length === 1 ? children[0] : { $or: children };
        else logical[key] = children;
      } else if (key.startsWith("$")) {
        ok = false;
        this.refuse(
          at,
          REFUSED.has(key)
            ? { reason: "refused_operator", operator: key }
            : { reason: "unknown_operator", operator: key.slice(0, 100) },
        );
      } else {
        const lifted = this.field(key, value[key], at);
        if (lifted === undefined) ok = false;
        else parts.push(lifted);
      }
    }
    if (!ok) return undefined;
    if (Object.keys(logical).length > 0) parts.unshift(logical as Condition);
    return parts.length === 1 ? parts[0] : { $and: parts };
  }

  /** The tests of one field key. */
  private field(key: string, expression: unknown, at: ConditionPath): Condition | undefined {
    const topics = key === this.options.topicsPath ? this.topics(expression, at) : undefined;
    if (topics !== undefined) return topics === "refused" ? undefined : topics;
    // A regular expression as the value is a $regex test, as MongoDB reads it.
    const direct = regexParts(expression);
    if (direct) return this.regex(key, direct.source, direct.flags, at);
    // A value that is not an operator expression is equality (an object or array would be exact-match, which the language has no words for).
    if (
      !isPlainObject(expression) ||
      Object.keys(expression).length === 0 ||
      !Object.keys(expression).every((k) => k.startsWith("$"))
    ) {
      if (isPlainObject(expression) && Object.keys(expression).some((k) => k.startsWith("$"))) {
        return this.refuse(at, { reason: "mixed_expression" });
      }
      return this.test(key, "$eq", expression, at);
    }
    const tests: Condition[] = [];
    let ok = true;
    for (const op of Object.keys(expression)) {
      const lifted = this.operator(key, op, expression[op], [...at, op]);
      if (lifted === undefined) ok = false;
      else tests.push(...lifted);
    }
    if (!ok) return undefined;
    return tests.length === 1 ? tests[0] : { $and: tests };
  }

  /** One operator on a field: usually one condition; `$regex` with `$options` is one test read from two keys. */
  private operator(key: string, op: string, operand: unknown, at: ConditionPath): Condition[] | undefined {
    if (op in COMPARISONS) {
      const t = this.test(key, op, operand, at);
      return t === undefined ? undefined : [t];
    }
    if (op === "$not") {
      const regex = regexParts(operand);
      const inner = regex
        ? this.regex(key, regex.source, regex.flags, at)
        : isPlainObject(operand)
          ? this.field(key, operand, at)
          : undefined;
      if (!regex && !isPlainObject(operand)) {
        this.issues.push(
          issue(at, {
            code: "invalid_type",
            reason: "filter_operand",
            key: "$not",
            expected: "an operator expression or a regular expression",
            received: describe(operand),
          }),
        );
        return undefined;
      }
      if (inner === undefined) return undefined;
      return [{ $not: inner }];
    }
    if (op === "$regex") {
      const regex = regexParts(operand);
      if (regex) return this.wrap(this.regex(key, regex.source, regex.flags, at));
      if (typeof operand !== "string") {
        this.issues.push(
          issue(at, {
            code: "invalid_type",
            reason: "filter_operand",
            key: "$regex",
            expected: "a string or a regular expression",
            received: describe(operand),
          }),
        );
        return undefined;
      }
      return this.wrap(this.regex(key, operand, "", at));
    }
    if (op === "$options") return this.refuse(at, { reason: "regex_options_alone" });
    return this.refuse(
      at,
      REFUSED.has(op)
        ? { reason: "refused_operator", operator: op }
        : {
            reason: "unknown_operator",
            operator: op.slice(0, 100),
            allowed: [...Object.keys(COMPARISONS), "$not", "$regex"],
          },
    );
  }

  private wrap(c: Condition | undefined): Condition[] | undefined {
    return c === undefined ? undefined : [c];
  }

  private regex(key: string, pattern: string, flags: string, at: ConditionPath): Condition | undefined {
    // A RegExp's source was not in the boundary copy: bounded here, as a $regex string is there, before it is read.
    const { maxStringLength, maxTotalLength } = this.options.limits;
    const longest = 4 * maxStringLength + END_OF_STRING.length;
    if (pattern.length > longest) {
      this.issues.push(
        issue(at, {
          code: "too_long",
          reason: "string",
          size: pattern.length,
          maximum: longest,
          limit: "maxStringLength",
        }),
      );
      return undefined;
    }
    if ((this.sources += pattern.length) > 4 * maxTotalLength) {
      this.issues.push(
        issue(at, { code: "too_long", reason: "total", maximum: 4 * maxTotalLength, limit: "maxTotalLength" }),
      );
      return undefined;
    }
    if (pattern.includes("\0")) return this.refuse(at, { reason: "regex_nul" });
    const lifted = liftRegex(pattern, flags);
    if ("problem" in lifted) return this.refuse(at, lifted.problem);
    return this.leaf(key, lifted.operator, lifted.value, at);
  }

  /** `$eq`, `$ne`, a range or a list on one field. */
  private test(key: string, op: string, operand: unknown, at: ConditionPath): Condition | undefined {
    const operator = COMPARISONS[op] as Operator;
    if (operand === null && (operator === "eq" || operator === "ne"))
      return this.leaf(key, "exists", operator === "ne", at);
    if (OPERATOR_SPECS[operator].value === "list" && (!Array.isArray(operand) || operand.length === 0)) {
      this.issues.push(
        issue(at, {
          code: "invalid_type",
          reason: "filter_operand",
          key: op,
          expected: "a non-empty list",
          received: describe(operand),
        }),
      );
      return undefined;
    }
    return this.leaf(key, operator, operand, at);
  }

  /**
   * A filter operand as the language writes it for a field of `type` (undefined: no
   * catalog), or why not. A date field compares with a Date (storage "date", written as
   * ISO text, or epoch milliseconds beyond year 9999) or a whole number (storage
   * "epochMillis"); a filter comparing it with anything else means something a date
   * condition would not.
   */
  private operand(
    field: ResolvedField | undefined,
    value: unknown,
    booleans: boolean,
  ): { value: Scalar } | { problem: IssueDataFor<"invalid_value"> } {
    if (field?.type === "date") {
      if (field.storage === "date" && isDate(value)) {
        const ms = value.getTime();
        if (Number.isNaN(ms)) return { problem: { reason: "lift_invalid_date", received: describe(value) } };
        const year = value.getUTCFullYear();
        return { value: year >= 0 && year <= 9999 ? value.toISOString() : ms };
      }
      if (field.storage === "epochMillis" && typeof value === "number" && Number.isInteger(value)) return { value };
      return {
        problem: { reason: "lift_date_field", field: field.name, storage: field.storage, received: describe(value) },
      };
    }
    if (
      typeof value === "string" ||
      (typeof value === "number" && Number.isFinite(value)) ||
      (booleans && typeof value === "boolean")
    )
      return { value };
    return {
      problem: {
        reason: "lift_operand",
        kind: value === null ? "null" : isDate(value) ? "date" : "other",
        received: describe(value),
      },
    };
  }

  /**
   * One field condition, checked against the language and the catalog here, so its issues
   * carry the filter's path. With a catalog, the fields stored at the path are tried in
   * order; every one of them compiles the operand to the same filter test.
   */
  private leaf(key: string, operator: Operator, raw: unknown, at: ConditionPath): Condition | undefined {
    const candidates: (ResolvedField | undefined)[] = this.options.fields ? (this.byPath.get(key) ?? []) : [undefined];
    if (candidates.length === 0) {
      this.issues.push(
        issue(at, { code: "unknown_field", reason: "stored_at", received: JSON.stringify(key.slice(0, 100)) }),
      );
      return undefined;
    }
    let first: ConditionIssue[] | undefined;
    const kind = OPERATOR_SPECS[operator].value;
    for (const field of candidates) {
      const issues: ConditionIssue[] = [];
      let value: unknown = raw;
      if (kind === "list") {
        value = (raw as unknown[]).map((item, i) => {
          const lifted = this.operand(field, item, false);
          if ("problem" in lifted) issues.push(issue([...at, i], { code: "invalid_value", ...lifted.problem }));
          return "value" in lifted ? lifted.value : undefined;
        });
      } else if (kind === "scalar") {
        const lifted = this.operand(field, raw, true);
        if ("problem" in lifted) issues.push(issue(at, { code: "invalid_value", ...lifted.problem }));
        else value = lifted.value;
      }
      const condition = { field: field ? field.name : key, operator, value } as FieldCondition;
      if (issues.length === 0) {
        const checked = parse(condition, this.options);
        if (checked.ok) return condition;
        const lifted = preview(condition);
        issues.push(...checked.issues.map((i) => reissue(i, at, { lifted })));
      }
      first ??= issues;
    }
    this.issues.push(...(first ?? []));
    return undefined;
  }

  /** A test at the topics path: topic conditions, "refused", or undefined for an ordinary field (ids layout, no catalog). */
  private topics(expression: unknown, at: ConditionPath): Condition | "refused" | undefined {
    if (!isPlainObject(expression)) return undefined;
    const keys = Object.keys(expression);
    const out: { subscribedToTopic?: string[]; notSubscribedToTopic?: string[] } = {};
    const ids = (list: unknown): string[] | undefined =>
      Array.isArray(list) && list.length > 0 && list.every((id) => typeof id === "string" && id !== "")
        ? [...(list as string[])]
        : undefined;
    if (this.options.topicsLayout === "ids") {
      if (!keys.every((k) => k === "$in" || k === "$nin")) return undefined;
      const yes = expression.$in === undefined ? undefined : ids(expression.$in);
      const no = expression.$nin === undefined ? undefined : ids(expression.$nin);
      if ((expression.$in !== undefined && !yes) || (expression.$nin !== undefined && !no)) return undefined;
      if (yes) out.subscribedToTopic = yes;
      if (no) out.notSubscribedToTopic = no;
      return out as Condition;
    }
    // Records: {$elemMatch: {topicId: {$in: ids} | id, status: {$eq: "SUBSCRIBED"} | "SUBSCRIBED"}}, or its $not.
    const records = (match: unknown): string[] | undefined => {
      if (!isPlainObject(match) || Object.keys(match).length !== 2) return undefined;
      const { topicId, status } = match;
      const subscribed =
        status === SUBSCRIBED ||
        (isPlainObject(status) && Object.keys(status).length === 1 && status.$eq === SUBSCRIBED);
      if (!subscribed) return undefined;
      if (typeof topicId === "string" && topicId !== "") return [topicId];
      if (isPlainObject(topicId) && Object.keys(topicId).length === 1)
        return topicId.$in !== undefined
          ? ids(topicId.$in)
          : typeof topicId.$eq === "string" && topicId.$eq !== ""
            ? [topicId.$eq]
            : undefined;
      return undefined;
    };
    for (const k of keys) {
      const v = expression[k];
      const yes = k === "$elemMatch" ? records(v) : undefined;
      const no = k === "$not" && isPlainObject(v) && Object.keys(v).length === 1 ? records(v.$elemMatch) : undefined;
      if (yes) out.subscribedToTopic = yes;
      else if (no) out.notSubscribedToTopic = no;
      else {
        if (this.options.fields) {
          this.refuse([...at, k], { reason: "topics_path" });
          return "refused";
        }
        return undefined;
      }
    }
    return out as Condition;
  }
}

/** The first 200 characters of a lifted condition's JSON, for a message, without writing the whole of a large one. */
function preview(condition: unknown): string {
  let budget = 200;
  return JSON.stringify(condition, (_key, v: unknown) => {
    if (budget <= 0) return undefined;
    if (typeof v === "string") {
      budget -= Math.min(v.length, 200);
      return v.length > 200 ? v.slice(0, 200) : v;
    }
    if (Array.isArray(v) && v.length > 20) return v.slice(0, 20);
    budget -= 2;
    return v;
  }).slice(0, 200);
}

/**
 * Lifts a MongoDB filter into the language: a validated condition with exactly the filter's
 * meaning, or a ConditionError listing every part that cannot be lifted, with its path in
 * the filter (under `filter`).
 */
export function liftMongoQuery(filter: unknown, resolved: ResolvedOptions): Condition {
  // A Date or RegExp is kept as it was given (a proxy of one, a throwing getter): reading it may throw, as a ConditionError.
  return readArgument(["filter"], () => lift(filter, resolved));
}

function lift(filter: unknown, resolved: ResolvedOptions): Condition {
  // The boundary guard first: a getter, a proxy or a cycle is refused before anything reads the filter.
  // A filter this library writes from a condition within the limits is larger than it: a $regex
  // escapes each character in up to four (NUL as \x00) and adds an anchor, and a records-layout
  // topic test is seven values where the condition has three. The lifted condition is checked
  // against the limits themselves below.
  const { limits } = resolved;
  const snap = snapshot(filter, {
    ...limits,
    maxDepth: Math.max(limits.maxDepth, 50),
    maxNodes: 3 * limits.maxNodes,
    // An anchor: "^" or END_OF_STRING.
    maxStringLength: 4 * limits.maxStringLength + END_OF_STRING.length,
    // The strings four times over, and per value an anchor and operator keys ($regex, $options, $elemMatch…).
    maxTotalLength: 4 * limits.maxTotalLength + 32 * 3 * limits.maxNodes,
  });
  if ("issues" in snap) throw new ConditionError(snap.issues.map((i) => ({ ...i, path: ["filter", ...i.path] })));
  const lift = new Lift(resolved);
  const condition = lift.filter(unwrap(snap.value), ["filter"]);
  if (lift.issues.length > 0 || condition === undefined) throw new ConditionError(lift.issues);
  const checked = parse(condition, resolved);
  if (!checked.ok) {
    const whole = preview(condition);
    throw new ConditionError(checked.issues.map((i) => reissue(i, ["condition", ...i.path], { lifted: whole })));
  }
  return checked.parsed.condition;
}

/** The snapshot, with the Dates and RegExps it keeps as opaque values unwrapped (a filter may hold them). */
function unwrap(value: Snapshot): unknown {
  if (value instanceof Opaque) return value.value;
  if (Array.isArray(value)) return value.map(unwrap);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value))
      Object.defineProperty(out, k, {
        value: unwrap((value as Record<string, Snapshot>)[k] as Snapshot),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  return value;
}
