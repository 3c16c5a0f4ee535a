/**
 * What the language's leaves accept: each operator's value, a field name, a topic list.
 * These plain functions are the parser's verdicts and name what fails (the failures' paths,
 * as a schema validator reports them), so that the parser words every refusal without a
 * validator in the bundle. The zod schemas of the same leaves (zod-schemas.ts) define them
 * for JSON Schema; a property test (test/schema.test.ts) holds each function to its zod
 * schema, verdicts and failure paths alike.
 */
import type { ValueKind } from "../language/operators.js";

export const VALUE_EXPECTED: { readonly [K in ValueKind]: string } = {
  scalar: "a string, a finite number or a boolean",
  list: "a non-empty list of strings and/or finite numbers",
  string: "a string",
  boolean: "true or false",
};

/** Any string the language stores must survive UTF-8 encoding unchanged. */
const isText = (v: unknown): boolean => typeof v === "string" && v.isWellFormed();
/** JSON has no NaN or ±Infinity; neither does the language. */
const isFinite = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v);
const isItem = (v: unknown): boolean => isText(v) || isFinite(v);

/** Whether each kind of operand is acceptable. */
export const VALUE_ACCEPTS: { readonly [K in ValueKind]: (value: unknown) => boolean } = {
  scalar: (v) => isItem(v) || typeof v === "boolean",
  list: (v) => Array.isArray(v) && v.length > 0 && v.every(isItem),
  string: isText,
  boolean: (v) => typeof v === "boolean",
};

export const fieldNameAccepts = isText;

export const topicListAccepts = (v: unknown): boolean =>
  Array.isArray(v) && v.length > 0 && v.every((id) => isText(id) && id !== "");

/** One failure of a leaf: where (relative to the leaf), and whether it is a list or an id that is empty. */
export interface Failure {
  readonly path: readonly number[];
  readonly tooSmall: boolean;
}

const at = (path: readonly number[], tooSmall = false): Failure => ({ path, tooSmall });

/** The failures of an operand of `kind` (none when it is acceptable). */
export function valueFailures(kind: ValueKind, value: unknown): Failure[] {
  if (kind !== "list") return VALUE_ACCEPTS[kind](value) ? [] : [at([])];
  if (!Array.isArray(value)) return [at([])];
  if (value.length === 0) return [at([], true)];
  const out: Failure[] = [];
  for (let i = 0; i < value.length; i++) if (!isItem(value[i])) out.push(at([i]));
  return out;
}

/** The failures of a field name. */
export function fieldNameFailures(value: unknown): Failure[] {
  return isText(value) ? [] : [at([])];
}

/** The failures of a topic list: a non-empty list of non-empty, well-formed ids. */
export function topicListFailures(value: unknown): Failure[] {
  if (!Array.isArray(value)) return [at([])];
  if (value.length === 0) return [at([], true)];
  const out: Failure[] = [];
  for (let i = 0; i < value.length; i++) {
    const id: unknown = value[i];
    if (id === "") out.push(at([i], true));
    else if (!isText(id)) out.push(at([i]));
  }
  return out;
}
