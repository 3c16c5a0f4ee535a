/**
 * Lowers raw input to a validated {@link Condition} and its AST, collecting every issue
 * with its path. Nothing is dropped or coerced: an input is either accepted as it is, or
 * refused with the reasons.
 */
import type { z } from "zod";
import { ConditionError, describe, IssueList, type ConditionIssue, type ConditionPath } from "../errors.js";
import type { Node } from "../language/ast.js";
import { OPERATORS, type Condition, type Operator } from "../language/condition.js";
import { MAX_REGEX_BYTES, OPERATOR_SPECS, regexBytes, type ValueKind } from "../language/operators.js";
import { checkFieldPath } from "../language/field-path.js";
import { resolveOptions, type ConditionOptions, type ResolvedOptions } from "../options.js";
import { closest, didYouMean } from "../suggest.js";
import type { ResolvedField } from "../catalog/catalog.js";
import { checkTyped, TYPE_OPERATORS, type TypedValue } from "../catalog/typing.js";
import { fieldNameSchema, topicListSchema, VALUE_EXPECTED, VALUE_SCHEMAS } from "./schema.js";
import { Opaque, snapshot, type Snapshot } from "./snapshot.js";

export interface Parsed {
  readonly condition: Condition;
  readonly ast: Node;
}

const FIELD_KEYS = ["field", "operator", "value"] as const;
const TOPIC_KEYS = ["subscribedToTopic", "notSubscribedToTopic"] as const;
const LOGICAL_KEYS = ["$and", "$or", "$not"] as const;
const ALL_KEYS: readonly string[] = [...FIELD_KEYS, ...TOPIC_KEYS, ...LOGICAL_KEYS];
const SHAPES = [
  { name: "a field condition", keys: FIELD_KEYS as readonly string[] },
  { name: "a topic condition", keys: TOPIC_KEYS as readonly string[] },
  { name: "a logical condition", keys: LOGICAL_KEYS as readonly string[] },
] as const;
const SHAPE_HELP = "expected {field, operator, value}, {subscribedToTopic and/or notSubscribedToTopic} or {$and/$or/$not}";

type SnapshotObject = { readonly [key: string]: Snapshot };

function isObject(value: Snapshot | undefined): value is SnapshotObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Opaque);
}

function received(value: Snapshot | undefined): string {
  return value instanceof Opaque ? describe(value.value) : describe(value);
}

function freezeDeep<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) freezeDeep((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Turns zod's verdict on a leaf into issues with our codes, paths and sentences. */
function leafIssues(
  issues: IssueList,
  result: z.ZodSafeParseResult<unknown>,
  value: Snapshot,
  path: ConditionPath,
  what: string,
  expected: string,
  itemExpected: string,
  code: "invalid_value" | "invalid_type",
): void {
  if (result.success) return;
  for (const zi of result.error.issues) {
    const rel = zi.path.filter((k): k is string | number => typeof k !== "symbol");
    let at: Snapshot | undefined = value;
    for (const k of rel) at = (at as Record<string | number, Snapshot> | undefined)?.[k];
    const where = [...path, ...rel];
    const wanted = rel.length > 0 ? itemExpected : expected;
    if (at === null) {
      issues.add("null_value", where, `${what} must not be null (to test whether a field is set, use the "exists" operator)`);
    } else if (typeof at === "number" && !Number.isFinite(at)) {
      issues.add("non_finite_number", where, `${what} must be a finite number, not ${at}`);
    } else if (typeof at === "string" && !at.isWellFormed()) {
      issues.add("invalid_string", where, `${what} must be well-formed Unicode text (it has a lone surrogate, which MongoDB would store as U+FFFD)`);
    } else if (zi.code === "too_small" && Array.isArray(at)) {
      issues.add("empty_list", where, `${what} must not be an empty list`);
    } else if (zi.code === "too_small" && at === "") {
      issues.add("invalid_topic", where, "a topic id must not be empty");
    } else {
      issues.add(code, where, `${what} must be ${wanted}, not ${received(at)}`);
    }
  }
}

/** "Did you mean" costs an edit distance per candidate: only so many per input, so that thousands of typos stay cheap. */
const SUGGESTION_BUDGET = 20;

class Parser {
  readonly issues = new IssueList();
  private suggestionsLeft = SUGGESTION_BUDGET;

  private suggest(): boolean {
    return this.suggestionsLeft-- > 0;
  }
  constructor(private readonly options: ResolvedOptions) {}

  condition(value: Snapshot, path: ConditionPath, depth: number): Node | undefined {
    if (!isObject(value)) {
      const hint = Array.isArray(value) ? " (wrap a list of conditions in {\"$and\": [...]} or {\"$or\": [...]})" : "";
      this.issues.add("invalid_type", path, `a condition must be a plain object, not ${received(value)}${hint}`);
      return undefined;
    }
    if (depth > this.options.limits.maxDepth) {
      this.issues.add("too_deep", path, `the condition nests deeper than ${this.options.limits.maxDepth} levels (limits.maxDepth)`);
      return undefined;
    }
    const keys = Object.keys(value);
    const unknown = keys.filter((k) => !ALL_KEYS.includes(k));
    const shapes = SHAPES.filter((shape) => keys.some((k) => shape.keys.includes(k)));
    for (const key of unknown) this.unknownKey(value, key, path, shapes.length === 1 ? shapes[0]!.keys : ALL_KEYS);
    if (shapes.length > 1) {
      const parts = shapes.map((s) => `${s.name} (${keys.filter((k) => s.keys.includes(k)).join(", ")})`);
      this.issues.add("unknown_shape", path, `an object must be one kind of condition, but this mixes ${parts.join(" and ")}; combine separate conditions with $and`);
      return undefined;
    }
    const shape = shapes[0];
    if (shape === undefined) {
      if (unknown.length === 0) this.issues.add("unknown_shape", path, `an empty object is not a condition: ${SHAPE_HELP}`);
      return undefined;
    }
    if (shape.keys === FIELD_KEYS) return this.field(value, path);
    if (shape.keys === TOPIC_KEYS) return this.topic(value, path);
    return this.logical(value, path, depth);
  }

  private unknownKey(value: SnapshotObject, key: string, path: ConditionPath, expected: readonly string[]): void {
    const inner = value[key];
    // `{ "country": { "$eq": "US" } }` is MongoDB's syntax, which the platform's own docs show but never accepted.
    const mongoStyle = !key.startsWith("$") && isObject(inner) && Object.keys(inner).some((k) => k.startsWith("$"));
    const hint = mongoStyle
      ? ` (MongoDB filter syntax is not accepted; write {"field": ${JSON.stringify(key)}, "operator": …, "value": …})`
      : didYouMean(key, expected) || ` (expected ${expected.join(", ")})`;
    this.issues.add("unknown_key", [...path, key], `unknown key ${JSON.stringify(key.slice(0, 100))}${hint}`);
  }

  private field(value: SnapshotObject, path: ConditionPath): Node | undefined {
    const start = this.issues.items.length;
    for (const key of FIELD_KEYS) {
      if (!(key in value)) this.issues.add("missing_key", [...path, key], `a field condition needs "${key}"`);
    }
    const { field, operator, value: operand } = value;
    const catalog = this.options.fields;
    let typed: ResolvedField | undefined;
    if (field !== undefined) {
      const at = [...path, "field"];
      const result = fieldNameSchema.safeParse(field);
      if (!result.success) leafIssues(this.issues, result, field, at, "field", "a string (a document path such as \"address.city\")", "", "invalid_type");
      else if (catalog) {
        typed = catalog.get(result.data);
        if (!typed) {
          // A document path written where a field name belongs: name the field stored there.
          const allowed = this.suggest();
          const byPath = allowed ? [...catalog.values()].filter((f) => f.path === result.data).map((f) => f.name) : [];
          const near = byPath.length > 0 || !allowed ? byPath : closest(result.data, catalog.keys(), 3);
          const hint = near.length > 0 ? ` (did you mean ${near.join(" or ")}?)` : ` (known fields: ${[...catalog.keys()].slice(0, 20).join(", ")})`;
          this.issues.add("unknown_field", at, `unknown field ${JSON.stringify(result.data.slice(0, 100))}${hint}`);
        }
      } else {
        const problem = checkFieldPath(result.data);
        if (problem) this.issues.add("invalid_field", at, problem);
      }
    }
    let op: Operator | undefined;
    if (operator !== undefined) {
      if (typeof operator === "string" && (OPERATORS as readonly string[]).includes(operator)) op = operator as Operator;
      else if (typeof operator === "string") {
        this.issues.add("unknown_operator", [...path, "operator"], `unknown operator ${JSON.stringify(operator.slice(0, 100))}${didYouMean(operator, OPERATORS)} (expected one of ${OPERATORS.join(", ")})`);
      } else {
        this.issues.add("invalid_type", [...path, "operator"], `operator must be a string (one of ${OPERATORS.join(", ")}), not ${received(operator)}`);
      }
    }
    if (op !== undefined && typed !== undefined && !TYPE_OPERATORS[typed.type].includes(op)) {
      this.issues.add("invalid_operator", [...path, "operator"], `operator "${op}" does not apply to ${typed.type} field ${JSON.stringify(typed.name)} (use one of ${TYPE_OPERATORS[typed.type].join(", ")})`);
      op = undefined;
    }
    let typedOperand: Snapshot | readonly TypedValue[] | TypedValue | undefined;
    if (operand !== undefined) {
      const at = [...path, "value"];
      if (op !== undefined) {
        const kind: ValueKind = OPERATOR_SPECS[op].value;
        const result = VALUE_SCHEMAS[kind].safeParse(operand);
        let expected = VALUE_EXPECTED[kind];
        if (op === "exists" && typeof operand === "string") expected += " (a JSON boolean, not a string)";
        leafIssues(this.issues, result, operand, at, `the value of "${op}"`, expected, "a string or a finite number", "invalid_value");
        if (result.success && typed && op !== "exists") typedOperand = this.typedValue(typed, operand, at);
      } else if (operand === null) {
        this.issues.add("null_value", at, `value must not be null (to test whether a field is set, use the "exists" operator)`);
      }
    }
    if (this.issues.items.length > start || op === undefined) return undefined;
    const lowered = OPERATOR_SPECS[op].lower((typedOperand ?? operand) as never);
    // The filter's `$regex` must stay within MongoDB's pattern limit, as its depth stays within 100 levels.
    const bytes = typeof lowered.value === "string" ? regexBytes(lowered.test, lowered.value) : undefined;
    if (bytes !== undefined && bytes > MAX_REGEX_BYTES) {
      this.issues.add("too_long", [...path, "value"], `the value of "${op}" compiles to a $regex of ${bytes} bytes, longer than MongoDB's limit of ${MAX_REGEX_BYTES}`);
      return undefined;
    }
    return Object.freeze({
      kind: "compare",
      path: Object.freeze((typed ? typed.path : (field as string)).split(".")),
      test: lowered.test,
      negate: lowered.negate,
      value: freezeDeep(lowered.value),
    });
  }

  /** The operand converted to the field's stored form, item by item for lists; issues on failure. */
  private typedValue(field: ResolvedField, operand: Snapshot, at: ConditionPath): TypedValue | readonly TypedValue[] | undefined {
    const one = (v: Snapshot, where: ConditionPath): TypedValue | undefined => {
      const checked = checkTyped(field, v, () => this.suggest());
      if ("ok" in checked) return checked.ok;
      this.issues.add(checked.code, where, checked.message);
      return undefined;
    };
    if (!Array.isArray(operand)) return one(operand, at);
    const out = operand.map((v, i) => one(v, [...at, i]));
    return out.every((v): v is TypedValue => v !== undefined) ? out : undefined;
  }

  private topic(value: SnapshotObject, path: ConditionPath): Node | undefined {
    const start = this.issues.items.length;
    const nodes: Node[] = [];
    for (const key of TOPIC_KEYS) {
      const ids = value[key];
      if (ids === undefined) continue;
      const result = topicListSchema.safeParse(ids);
      leafIssues(this.issues, result, ids, [...path, key], key, "a non-empty list of topic ids", "a non-empty string (a topic id)", "invalid_type");
      if (result.success) {
        nodes.push(Object.freeze({
          kind: "topic",
          path: Object.freeze(this.options.topicsPath.split(".")),
          layout: this.options.topicsLayout,
          ids: freezeDeep([...result.data]),
          negate: key === "notSubscribedToTopic",
        }));
      }
    }
    if (this.issues.items.length > start) return undefined;
    return nodes.length === 1 ? nodes[0] : Object.freeze({ kind: "and", children: Object.freeze(nodes), sameObject: true });
  }

  private logical(value: SnapshotObject, path: ConditionPath, depth: number): Node | undefined {
    const start = this.issues.items.length;
    const parts: Node[] = [];
    for (const key of ["$and", "$or"] as const) {
      const list = value[key];
      if (list === undefined) continue;
      const at = [...path, key];
      if (!Array.isArray(list)) {
        const hint = isObject(list) ? ` (wrap a single condition in a list: {"${key}": [ … ]})` : "";
        this.issues.add(list === null ? "null_value" : "invalid_type", at, `${key} must be a non-empty list of conditions, not ${received(list)}${hint}`);
        continue;
      }
      if (list.length === 0) {
        this.issues.add("empty_list", at, `${key} must not be an empty list`);
        continue;
      }
      const children = list.map((child, i) => this.condition(child, [...at, i], depth + 1));
      if (children.every((c): c is Node => c !== undefined)) parts.push(Object.freeze({ kind: key === "$and" ? "and" : "or", children: Object.freeze(children) }));
    }
    const inner = value.$not;
    if (inner !== undefined) {
      if (Array.isArray(inner)) {
        this.issues.add("invalid_type", [...path, "$not"], `$not takes one condition, not a list (negate several with {"$not": {"$and": [ … ]}} or {"$not": {"$or": [ … ]}})`);
      } else {
        const child = this.condition(inner, [...path, "$not"], depth + 1);
        if (child) parts.push(Object.freeze({ kind: "not", child }));
      }
    }
    if (this.issues.items.length > start) return undefined;
    return parts.length === 1 ? parts[0] : Object.freeze({ kind: "and", children: Object.freeze(parts), sameObject: true });
  }
}

/** Parses or returns the issues; the one place that turns raw input into a condition. */
export function parse(input: unknown, options?: ConditionOptions): { ok: true; parsed: Parsed; options: ResolvedOptions } | { ok: false; issues: readonly ConditionIssue[] } {
  let resolved: ResolvedOptions;
  try {
    resolved = resolveOptions(options);
  } catch (error) {
    if (error instanceof ConditionError) return { ok: false, issues: error.issues };
    throw error;
  }
  return parseWith(input, resolved);
}

/** {@link parse} with options already resolved (once per call, by the caller). */
export function parseWith(input: unknown, resolved: ResolvedOptions): { ok: true; parsed: Parsed; options: ResolvedOptions } | { ok: false; issues: readonly ConditionIssue[] } {
  const snap = snapshot(input, resolved.limits);
  if ("issues" in snap) return { ok: false, issues: snap.issues };
  const parser = new Parser(resolved);
  const ast = parser.condition(snap.value, [], 1);
  if (!parser.issues.ok || ast === undefined) return { ok: false, issues: parser.issues.items };
  return { ok: true, parsed: { condition: freezeDeep(snap.value) as Condition, ast }, options: resolved };
}

/** Parses or throws the {@link ConditionError} with every issue. */
export function parseOrThrow(input: unknown, options?: ConditionOptions): Parsed & { options: ResolvedOptions } {
  return parseOrThrowWith(input, resolveOptions(options));
}

/** {@link parseOrThrow} with options already resolved. */
export function parseOrThrowWith(input: unknown, resolved: ResolvedOptions): Parsed & { options: ResolvedOptions } {
  const result = parseWith(input, resolved);
  if (!result.ok) throw new ConditionError(result.issues);
  return { ...result.parsed, options: result.options };
}
