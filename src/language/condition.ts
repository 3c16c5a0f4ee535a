/**
 * The input language: the three JSON shapes a segment condition is built from. These are
 * the types of validated input; `parseCondition` returns them unchanged in meaning.
 */

/** Every operator of a {@link FieldCondition}. */
export const OPERATORS = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "contains", "startsWith", "endsWith", "exists"] as const;
export type Operator = (typeof OPERATORS)[number];

export type Scalar = string | number | boolean;
export type ListItem = string | number;

/** `{ field, operator, value }`: one test on one document path. */
export type FieldCondition =
  | { readonly field: string; readonly operator: "eq" | "ne" | "gt" | "gte" | "lt" | "lte"; readonly value: Scalar }
  | { readonly field: string; readonly operator: "in" | "nin"; readonly value: readonly ListItem[] }
  | { readonly field: string; readonly operator: "contains" | "startsWith" | "endsWith"; readonly value: string }
  | { readonly field: string; readonly operator: "exists"; readonly value: boolean };

/** Subscribed to any of `subscribedToTopic`, and to none of `notSubscribedToTopic`. */
export type TopicCondition =
  | { readonly subscribedToTopic: readonly string[]; readonly notSubscribedToTopic?: readonly string[] }
  | { readonly subscribedToTopic?: readonly string[]; readonly notSubscribedToTopic: readonly string[] };

/** `$and`, `$or` and `$not`; several keys in one object must all hold. */
export interface LogicalOperatorCondition {
  readonly $and?: readonly Condition[];
  readonly $or?: readonly Condition[];
  readonly $not?: Condition;
}

export type Condition = FieldCondition | TopicCondition | LogicalOperatorCondition;
