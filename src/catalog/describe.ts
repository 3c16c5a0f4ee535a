/**
 * What a visual segment builder needs of a catalog, from the same tables the parser uses:
 * per field, its type, the operators it accepts with their words and whether each takes a
 * relative date, and an enum's values. A UI that lists these never keeps a table of its own
 * that could drift from the parser's.
 */
import type { Operator } from "../language/condition.js";
import { takesRelative } from "../language/relative.js";
import { operatorLabel } from "../language/words.js";
import type { FieldType, ResolvedField } from "./catalog.js";
import { TYPE_OPERATORS } from "./typing.js";

export interface OperatorDescription {
  readonly operator: Operator;
  /** Its English words for the field's type ("is on or after" for a date). */
  readonly label: string;
  /**
   * Whether its value may be a relative date, date math such as `"now-30d"`
   * (docs/language.md#relative-dates): true for `gt`, `gte`, `lt` and `lte` on a date field.
   */
  readonly relative: boolean;
}

export interface FieldDescription {
  /** The name a condition uses. */
  readonly name: string;
  readonly label?: string;
  readonly description?: string;
  readonly type: FieldType;
  /** The operators the field accepts, in the language's order. */
  readonly operators: readonly OperatorDescription[];
  /** An enum's values. */
  readonly values?: readonly string[];
}

/** The descriptions of resolved catalog fields, in the catalog's order, frozen. */
export function describeResolved(fields: Iterable<ResolvedField>): readonly FieldDescription[] {
  const out: FieldDescription[] = [];
  for (const f of fields) {
    out.push(
      Object.freeze({
        name: f.name,
        ...(f.label !== undefined ? { label: f.label } : {}),
        ...(f.description !== undefined ? { description: f.description } : {}),
        type: f.type,
        operators: Object.freeze(
          TYPE_OPERATORS[f.type].map((operator) =>
            Object.freeze({
              operator,
              label: operatorLabel(operator, f.type),
              relative: f.type === "date" && takesRelative(operator),
            }),
          ),
        ),
        ...(f.values !== undefined ? { values: f.values } : {}),
      }),
    );
  }
  return Object.freeze(out);
}
