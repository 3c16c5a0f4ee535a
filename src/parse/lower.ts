/**
 * The reusable leaf lowering: one field condition (`field`, `operator`, `value`, as read
 * from any front end) checked against the language, the catalog and MongoDB's limits, and
 * lowered to a node; or issues, with paths under the caller's. The grammar of the JSON
 * shapes (grammar.ts) calls it for every `{field, operator, value}` object.
 */
import { describe, type ConditionPath, type IssueList } from "../errors.js";
import { fieldRef, node, type FieldRef, type Node, type Origin } from "../language/ast.js";
import { OPERATORS, type ListItem, type Operator, type Scalar } from "../language/condition.js";
import { RelativeDate } from "../language/relative.js";
import { checkFieldPath, fieldPathRefusal } from "../language/field-path.js";
import { OPERATOR_SPECS, type ValueKind } from "../language/operators.js";
import { MAX_REGEX_BYTES, regexBytes } from "../language/regex.js";
import type { ResolvedOptions } from "../options.js";
import { closest, operatorSuggestions } from "../suggest.js";
import type { ResolvedField } from "../catalog/catalog.js";
import { checkTyped, TYPE_OPERATORS, type TypedValue } from "../catalog/typing.js";
import {
  fieldNameAccepts,
  fieldNameFailures,
  valueFailures,
  VALUE_ACCEPTS,
  VALUE_EXPECTED,
  type Failure,
} from "./schema.js";
import { Opaque, type Snapshot } from "./snapshot.js";

/** What a lowering needs from its caller: where to put issues, the resolved options, and the "did you mean" budget. */
export interface LoweringContext {
  readonly issues: IssueList;
  readonly options: ResolvedOptions;
  /** Whether one more "did you mean" may be computed (each costs an edit distance per candidate). */
  readonly suggest: () => boolean;
  /**
   * Untyped field names (no catalog) already checked in this input: the field each names
   * (one frozen reference, shared by every leaf on it), or why it is refused. A name
   * repeated in many leaves is checked and split once. A catalog field's reference is the
   * catalog's own.
   */
  readonly paths: Map<string, FieldRef | { readonly problem: string }>;
  /** The fields whose path segments are counted (each once), and their segments, bounded by `limits.maxPathSegments`. */
  readonly counted: Set<FieldRef>;
  segments: number;
  /** Set when a leaf's value is a relative date. */
  relative: boolean;
}

/** The three parts of a field condition, as read (any may be absent). */
export interface FieldInput {
  readonly field?: Snapshot;
  readonly operator?: Snapshot;
  readonly value?: Snapshot;
}

export const FIELD_KEYS = ["field", "operator", "value"] as const;

export function received(value: Snapshot | undefined): string {
  return value instanceof Opaque ? describe(value.value) : describe(value);
}

function freezeDeep<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) freezeDeep((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Turns the failures of a leaf (schema.ts) into issues with our codes, paths and sentences. */
export function leafIssues(
  issues: IssueList,
  failures: readonly Failure[],
  value: Snapshot,
  path: ConditionPath,
  what: { readonly key: string; readonly operator?: string },
  expected: string,
  itemExpected: string,
  code: "invalid_value" | "invalid_type",
): void {
  for (const failure of failures) {
    const rel = failure.path;
    let at: Snapshot | undefined = value;
    for (const k of rel) at = (at as readonly Snapshot[] | undefined)?.[k];
    const where = [...path, ...rel];
    const wanted = rel.length > 0 ? itemExpected : expected;
    if (at === null) {
      issues.add(where, { code: "null_value", reason: "leaf", ...what });
    } else if (typeof at === "number" && !Number.isFinite(at)) {
      issues.add(where, { code: "non_finite_number", ...what, received: received(at) });
    } else if (typeof at === "string" && !at.isWellFormed()) {
      issues.add(where, { code: "invalid_string", ...what });
    } else if (failure.tooSmall && Array.isArray(at)) {
      issues.add(where, { code: "empty_list", ...what });
    } else if (failure.tooSmall && at === "") {
      issues.add(where, { code: "invalid_topic" });
    } else {
      issues.add(where, { code, reason: "leaf", ...what, expected: wanted, received: received(at) });
    }
  }
}

const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);
/** No string test's pattern can reach MongoDB's limit unless its literal is longer than this (≤ 4 UTF-8 bytes per UTF-16 unit, ≤ 16 bytes of anchors). */
const REGEX_SAFE_LENGTH = Math.floor((MAX_REGEX_BYTES - 16) / 4);

export function lowerField(ctx: LoweringContext, value: FieldInput, path: ConditionPath): Node | undefined {
  const start = ctx.issues.items.length;
  for (const key of FIELD_KEYS) {
    if (!(key in value)) ctx.issues.add([...path, key], { code: "missing_key", reason: "field_condition", key });
  }
  const { field, operator, value: operand } = value;
  const catalog = ctx.options.fields;
  let typed: ResolvedField | undefined;
  if (field !== undefined) {
    if (!fieldNameAccepts(field)) {
      leafIssues(
        ctx.issues,
        fieldNameFailures(field),
        field,
        [...path, "field"],
        { key: "field" },
        'a string (a document path such as "address.city")',
        "",
        "invalid_type",
      );
    } else if (catalog) {
      typed = catalog.get(field as string);
      if (!typed) unknownField(ctx, catalog, field as string, [...path, "field"]);
      else countSegments(ctx, typed.ref, [...path, "field"]);
    } else {
      const checked = untypedField(ctx, field as string);
      if ("problem" in checked)
        ctx.issues.add([...path, "field"], { code: "invalid_field", ...fieldPathRefusal(field as string)! });
      else countSegments(ctx, checked, [...path, "field"]);
    }
  }
  let op: Operator | undefined;
  if (operator !== undefined) {
    if (typeof operator === "string" && OPERATOR_SET.has(operator)) op = operator as Operator;
    else if (typeof operator === "string") {
      const suggestions = operatorSuggestions(operator, OPERATORS);
      ctx.issues.add([...path, "operator"], {
        code: "unknown_operator",
        received: JSON.stringify(operator.slice(0, 100)),
        allowed: OPERATORS,
        suggestions,
      });
    } else {
      ctx.issues.add([...path, "operator"], {
        code: "invalid_type",
        reason: "operator",
        expected: "a string",
        received: received(operator),
        allowed: OPERATORS,
      });
    }
  }
  if (op !== undefined && typed !== undefined && !TYPE_OPERATORS[typed.type].includes(op)) {
    ctx.issues.add([...path, "operator"], {
      code: "invalid_operator",
      field: typed.name,
      type: typed.type,
      received: JSON.stringify(op),
      allowed: TYPE_OPERATORS[typed.type],
    });
    op = undefined;
  }
  let typedOperand: Snapshot | readonly TypedValue[] | TypedValue | undefined;
  if (operand !== undefined) {
    if (op !== undefined) {
      const kind: ValueKind = OPERATOR_SPECS[op].value;
      if (VALUE_ACCEPTS[kind](operand)) {
        if (typed && op !== "exists") {
          typedOperand = typedValue(ctx, typed, operand, path, op);
          if (typedOperand instanceof RelativeDate) ctx.relative = true;
        }
      } else {
        let expected = VALUE_EXPECTED[kind];
        if (op === "exists" && typeof operand === "string") expected += " (a JSON boolean, not a string)";
        leafIssues(
          ctx.issues,
          valueFailures(kind, operand),
          operand,
          [...path, "value"],
          { key: "value", operator: op },
          expected,
          "a string or a finite number",
          "invalid_value",
        );
      }
    } else if (operand === null) {
      ctx.issues.add([...path, "value"], { code: "null_value", reason: "leaf", key: "value" });
    }
  }
  if (ctx.issues.items.length > start || op === undefined) return undefined;
  const lowered = OPERATOR_SPECS[op].lower((typedOperand ?? operand) as never);
  // The filter's `$regex` must stay within MongoDB's pattern limit, as its depth stays within 100 levels.
  if (typeof lowered.value === "string" && lowered.value.length > REGEX_SAFE_LENGTH) {
    const bytes = regexBytes(lowered.test, lowered.value);
    if (bytes !== undefined && bytes > MAX_REGEX_BYTES) {
      ctx.issues.add([...path, "value"], {
        code: "too_long",
        reason: "regex",
        operator: op,
        size: bytes,
        maximum: MAX_REGEX_BYTES,
        limit: "mongodb.regexBytes",
      });
      return undefined;
    }
  }
  const origin: Origin = Object.freeze({
    from: "field",
    field: field as string,
    operator: op,
    value: operand as Scalar | readonly ListItem[],
  });
  const leaf = node.leaf(
    typed ? typed.ref : (untypedField(ctx, field as string) as FieldRef),
    lowered.test,
    freezeDeep(lowered.value),
    origin,
  );
  return lowered.negate ? node.not(leaf, origin) : leaf;
}

/** Counts a field's path segments the first time the input names it; the one issue is where the count passes the bound. */
function countSegments(ctx: LoweringContext, ref: FieldRef, at: ConditionPath): void {
  if (ctx.counted.has(ref)) return;
  ctx.counted.add(ref);
  const { maxPathSegments } = ctx.options.limits;
  const before = ctx.segments;
  ctx.segments += ref.path.length;
  if (ctx.segments > maxPathSegments && before <= maxPathSegments)
    ctx.issues.add(at, {
      code: "too_many_items",
      reason: "path_segments",
      maximum: maxPathSegments,
      limit: "maxPathSegments",
    });
}

/** Names an engine's field cache holds at most (it starts over when full), and the longest it holds. */
const FIELD_CACHE_SIZE = 4_096;
const FIELD_CACHE_NAME = 256;

/**
 * The field an untyped name (a document path) refers to, checked and split once per input,
 * and once per engine for names of at most {@link FIELD_CACHE_NAME} characters (an index
 * registering thousands of segments over the same fields splits each name once). The
 * input's own map comes first: a name keeps one FieldRef throughout a parse (its segments
 * are counted once, its leaves grouped), even when the engine's cache starts over during it.
 */
function untypedField(ctx: LoweringContext, name: string): FieldRef | { readonly problem: string } {
  let found = ctx.paths.get(name);
  if (found !== undefined) return found;
  const shared = name.length <= FIELD_CACHE_NAME ? ctx.options.fieldCache : undefined;
  found = shared?.get(name);
  if (found === undefined) {
    const problem = checkFieldPath(name);
    found = problem === undefined ? fieldRef(name, name) : { problem };
    if (shared !== undefined) {
      if (shared.size >= FIELD_CACHE_SIZE) shared.clear();
      shared.set(name, found);
    }
  }
  ctx.paths.set(name, found);
  return found;
}

/** A name that is not in the catalog: say which field is stored at that path, or the nearest names. */
function unknownField(
  ctx: LoweringContext,
  catalog: ReadonlyMap<string, ResolvedField>,
  name: string,
  at: ConditionPath,
): void {
  // A document path written where a field name belongs: name the field stored there.
  const allowed = ctx.suggest();
  const byPath = allowed ? [...catalog.values()].filter((f) => f.path === name).map((f) => f.name) : [];
  const near = byPath.length > 0 || !allowed ? byPath : closest(name, catalog.keys(), 3);
  const first: string[] = [];
  for (const key of catalog.keys()) if (first.push(key) === 20) break;
  const all = catalog.size <= 100 ? { allowed: [...catalog.keys()] } : {};
  ctx.issues.add(at, {
    code: "unknown_field",
    reason: "catalog",
    received: JSON.stringify(name.slice(0, 100)),
    suggestions: near,
    known: first,
    ...all,
  });
}

/** The operand converted to the field's stored form, item by item for lists; issues on failure. */
function typedValue(
  ctx: LoweringContext,
  field: ResolvedField,
  operand: Snapshot,
  path: ConditionPath,
  operator: Operator,
): TypedValue | readonly TypedValue[] | undefined {
  const one = (v: Snapshot, index?: number): TypedValue | undefined => {
    const checked = checkTyped(field, v, ctx.suggest, operator);
    if ("ok" in checked) return checked.ok;
    ctx.issues.add(index === undefined ? [...path, "value"] : [...path, "value", index], checked.issue);
    return undefined;
  };
  if (!Array.isArray(operand)) return one(operand);
  const out = operand.map((v, i) => one(v, i));
  return out.every((v): v is TypedValue => v !== undefined) ? out : undefined;
}
