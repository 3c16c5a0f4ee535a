/**
 * What a visual segment builder needs of a catalog, from the same tables the parser uses:
 * per field, its type, the operators it accepts with their words, and an enum's values. A
 * UI that lists these never keeps a table of its own that could drift from the parser's.
 */
import type { Operator } from "../language/condition.js";
import { operatorLabel } from "../language/words.js";
import type { FieldType, ResolvedField } from "./catalog.js";
import { TYPE_OPERATORS } from "./typing.js";

export interface FieldDescription {
  /** The name a condition uses. */
  readonly name: string;
  readonly label?: string;
  readonly description?: string;
  readonly type: FieldType;
  /** The operators the field accepts, in the language's order, with their English words. */
  readonly operators: readonly { readonly operator: Operator; readonly label: string }[];
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
          TYPE_OPERATORS[f.type].map((operator) => Object.freeze({ operator, label: operatorLabel(operator, f.type) })),
        ),
        ...(f.values !== undefined ? { values: f.values } : {}),
      }),
    );
  }
  return Object.freeze(out);
}
