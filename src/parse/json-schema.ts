/**
 * The JSON Schema (draft 2020-12) of the condition language, for an OpenAPI document or a
 * form library, built from the parser's own definitions: the shapes' keys (grammar.ts,
 * lower.ts), the operators and what each takes (language/operators.ts), the leaf value
 * schemas (schema.ts, converted by zod), and with a catalog, each field's operators and
 * value type (catalog/typing.ts).
 *
 * What a schema cannot say, the parser still checks: the limits on depth and on the total
 * number of values, dates' calendar rules (a schema checks the ISO shape, not that February
 * has 28 or 29 days), date math's limits (its number of steps and how far it reaches; the
 * schema checks its syntax, on the range operators of date fields), well-formed Unicode
 * (lone surrogates), and MongoDB's $regex length.
 */
import * as z from "zod/mini";
import type { ResolvedField } from "../catalog/catalog.js";
import { TYPE_OPERATORS } from "../catalog/typing.js";
import { OPERATORS, type Operator } from "../language/condition.js";
import { OPERATOR_SPECS, type ValueKind } from "../language/operators.js";
import { takesRelative } from "../language/relative.js";
import type { ResolvedOptions } from "../options.js";
import { MAX_SHIFT_YEARS, MAX_STEPS } from "../time/date-math.js";
import { leafSchemas } from "./zod-schemas.js";

type JsonSchema = { readonly [key: string]: unknown };

/** A leaf schema as JSON Schema, without its own `$schema` (it is embedded). */
function leaf(schema: z.ZodMiniType): JsonSchema {
  const converted = z.toJSONSchema(schema) as Record<string, unknown>;
  delete converted.$schema;
  return singleTypes(converted) as JsonSchema;
}

/** `type: ["string", "number"]` as `anyOf` of single types, which validators in strict mode (ajv's default) accept. */
function singleTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(singleTypes);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = singleTypes(value);
  if (Array.isArray(out.type)) {
    const types = out.type as string[];
    delete out.type;
    return { ...out, anyOf: types.map((type) => ({ type })) };
  }
  return out;
}

/** The shape of an ISO date or datetime (the calendar rules are the parser's). */
const ISO_DATE: JsonSchema = {
  type: "string",
  pattern: "^\\d{4}-\\d{2}-\\d{2}(?:T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,3})?)?(?:Z|[+-]\\d{2}:\\d{2}))?$",
};
const EPOCH_MILLIS: JsonSchema = { type: "integer", minimum: -8.64e15, maximum: 8.64e15 };
/** Date math (time/date-math.ts), a relative date; its limits on steps and range are the parser's. */
const DATE_MATH: JsonSchema = { type: "string", pattern: "^now([+-][0-9]{1,9}[yMwdhms])*(/[yMwdhms])?$" };

/** An ISO date or datetime, or epoch milliseconds. */
const DATE_VALUE: JsonSchema = { anyOf: [ISO_DATE, EPOCH_MILLIS] };
/** The value of a range test on a date: also date math. */
const RANGE_DATE_VALUE: JsonSchema = { anyOf: [ISO_DATE, DATE_MATH, EPOCH_MILLIS] };

/** A field name without a catalog: a dotted path without empty or `$` segments, prototype names, leading-zero numbers or NUL. */
const FIELD_PATH: JsonSchema = {
  type: "string",
  pattern:
    "^(?!(?:.*\\.)?(?:__proto__|constructor|prototype)(?:\\..*)?$)(?!(?:.*\\.)?0\\d+(?:\\..*)?$)[^.$\\u0000][^.\\u0000]*(?:\\.[^.$\\u0000][^.\\u0000]*)*$",
};

/** What a typed field's value must be for `operator`, item by item for lists. */
function typedValue(field: ResolvedField, operator: Operator): JsonSchema {
  const kind: ValueKind = OPERATOR_SPECS[operator].value;
  const one: JsonSchema =
    field.type === "enum"
      ? { enum: field.values }
      : field.type === "date"
        ? takesRelative(operator)
          ? RANGE_DATE_VALUE
          : DATE_VALUE
        : field.type === "number"
          ? { type: "number" }
          : field.type === "boolean"
            ? { type: "boolean" }
            : { type: "string" };
  if (kind === "list") return { type: "array", minItems: 1, items: one };
  if (kind === "boolean") return { type: "boolean" };
  return one;
}

/** `if operator is X then value is Y`, for each operator. */
function valueByOperator(operators: readonly Operator[], value: (operator: Operator) => JsonSchema): JsonSchema[] {
  return operators.map((operator) => ({
    if: { properties: { operator: { const: operator } }, required: ["operator"] },
    then: { properties: { value: value(operator) } },
  }));
}

const fieldShape = (
  field: JsonSchema,
  operators: readonly Operator[],
  value: (operator: Operator) => JsonSchema,
  extra: JsonSchema = {},
): JsonSchema => ({
  type: "object",
  required: ["field", "operator", "value"],
  additionalProperties: false,
  properties: { field, operator: { enum: operators }, value: {} },
  allOf: valueByOperator(operators, value),
  ...extra,
});

export function conditionSchema(resolved: ResolvedOptions): JsonSchema {
  const { maxStringLength, maxListLength } = resolved.limits;
  const schemas = leafSchemas();
  const untypedValue = (operator: Operator) => leaf(schemas.values[OPERATOR_SPECS[operator].value]);
  const field: JsonSchema = resolved.fields
    ? {
        anyOf: [...resolved.fields.values()].map((f) =>
          fieldShape({ const: f.name }, TYPE_OPERATORS[f.type], (operator) => typedValue(f, operator), {
            ...(f.label !== undefined ? { title: f.label } : {}),
            ...(f.description !== undefined ? { description: f.description } : {}),
          }),
        ),
      }
    : fieldShape(FIELD_PATH, OPERATORS, untypedValue);
  const conditions = { type: "array", minItems: 1, maxItems: maxListLength, items: { $ref: "#/$defs/condition" } };
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "segmatch condition",
    description:
      "A segment condition: a field condition, a topic condition, or $and/$or/$not of conditions. " +
      `The parser also checks what this schema cannot say: at most ${resolved.limits.maxDepth} levels and ${resolved.limits.maxNodes} values, ` +
      `strings of at most ${maxStringLength} characters (${resolved.limits.maxTotalLength} with the keys together), ` +
      `field paths of at most ${resolved.limits.maxPathSegments} segments together, well-formed Unicode, dates' calendar rules, ` +
      `date math's limits (at most ${MAX_STEPS} steps, within ${MAX_SHIFT_YEARS.toLocaleString("en-US")} years of now), and MongoDB's $regex length.`,
    $ref: "#/$defs/condition",
    $defs: {
      condition: { anyOf: [{ $ref: "#/$defs/field" }, { $ref: "#/$defs/topic" }, { $ref: "#/$defs/logical" }] },
      field,
      topic: {
        type: "object",
        minProperties: 1,
        additionalProperties: false,
        properties: {
          subscribedToTopic: { ...leaf(schemas.topicList), maxItems: maxListLength },
          notSubscribedToTopic: { ...leaf(schemas.topicList), maxItems: maxListLength },
        },
      },
      logical: {
        type: "object",
        minProperties: 1,
        additionalProperties: false,
        properties: { $and: conditions, $or: conditions, $not: { $ref: "#/$defs/condition" } },
      },
    },
  };
}
