/**
 * The zod schemas of the language's leaves: what each operator's value, a field name and a
 * topic list must be. The parser decides the shape of each object and walks the tree (with
 * paths and limits); these schemas decide whether a leaf is acceptable.
 */
// zod/mini: the same schemas with functions instead of methods, so a bundle keeps only what it uses.
import * as z from "zod/mini";
import type { ValueKind } from "../language/operators.js";

/** Any string the language stores must survive UTF-8 encoding unchanged. */
const text = z.string().check(z.refine((s) => s.isWellFormed(), { params: { code: "invalid_string" } }));
/** zod's `z.number()` already refuses NaN and ±Infinity. */
const finite = z.number();

export const VALUE_SCHEMAS: { readonly [K in ValueKind]: z.ZodMiniType } = {
  scalar: z.union([text, finite, z.boolean()]),
  list: z.array(z.union([text, finite])).check(z.minLength(1)),
  string: text,
  boolean: z.boolean(),
};

export const VALUE_EXPECTED: { readonly [K in ValueKind]: string } = {
  scalar: "a string, a finite number or a boolean",
  list: "a non-empty list of strings and/or finite numbers",
  string: "a string",
  boolean: "true or false",
};

export const fieldNameSchema = text;

const isText = (v: unknown): boolean => typeof v === "string" && v.isWellFormed();
const isFinite = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v);
const isItem = (v: unknown): boolean => isText(v) || isFinite(v);

/**
 * What each schema accepts, as a plain function: the parser asks these first and runs the
 * zod schema only to word the issues of a value they refuse. A property test
 * (test/schema.test.ts) holds each to its schema's verdict.
 */
export const VALUE_ACCEPTS: { readonly [K in ValueKind]: (value: unknown) => boolean } = {
  scalar: (v) => isItem(v) || typeof v === "boolean",
  list: (v) => Array.isArray(v) && v.length > 0 && v.every(isItem),
  string: isText,
  boolean: (v) => typeof v === "boolean",
};

export const fieldNameAccepts = isText;

export const topicListAccepts = (v: unknown): boolean => Array.isArray(v) && v.length > 0 && v.every((id) => isText(id) && id !== "");

export const topicListSchema = z.array(z.string().check(z.refine((s) => s.isWellFormed(), { params: { code: "invalid_string" } }), z.minLength(1))).check(z.minLength(1));
