/**
 * The zod schemas of the language's leaves: the definitions the JSON Schema of the language
 * (json-schema.ts) is generated from, and the oracle test/schema.test.ts holds the parser's
 * own checks (schema.ts) to. Built on first use, so a bundle that never asks for a JSON
 * Schema carries no validator.
 */
import * as z from "zod/mini";
import type { ValueKind } from "../language/operators.js";

export interface LeafSchemas {
  readonly values: { readonly [K in ValueKind]: z.ZodMiniType };
  readonly fieldName: z.ZodMiniType;
  readonly topicList: z.ZodMiniType;
}

let built: LeafSchemas | undefined;

export function leafSchemas(): LeafSchemas {
  if (built) return built;
  /** Any string the language stores must survive UTF-8 encoding unchanged. */
  const text = () => z.string().check(z.refine((s) => s.isWellFormed(), { params: { code: "invalid_string" } }));
  /** zod's `z.number()` already refuses NaN and ±Infinity. */
  const finite = z.number();
  built = {
    values: {
      scalar: z.union([text(), finite, z.boolean()]),
      list: z.array(z.union([text(), finite])).check(z.minLength(1)),
      string: text(),
      boolean: z.boolean(),
    },
    fieldName: text(),
    topicList: z.array(text().check(z.minLength(1))).check(z.minLength(1)),
  };
  return built;
}
