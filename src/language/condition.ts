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

/** The keys a type really has: not the `key?: never` that TypeScript adds to the members of an inferred union. */
type Keys<T> = { [K in keyof T]-?: [T[K]] extends [undefined] ? never : K }[keyof T];
type Only<T, K extends PropertyKey> = Exclude<Keys<T>, K> extends never ? true : false;
type AllValid<C> = false extends Valid<C> ? false : true;
type Children<T, K extends PropertyKey> = T extends { readonly [P in K]: readonly (infer C)[] } ? AllValid<C> : true;
/** An operator written as a literal must be one of the language's; a widened `string` is checked at run time. */
type KnownOperator<O> = string extends O ? true : O extends Operator ? true : false;
/**
 * Whether a type is a condition of the language by its keys (a typo such as `operatr` is
 * not) and, where they are literals, its operators. Values are left to the run-time check,
 * so a condition kept in a variable (its strings widened) type-checks.
 */
type Valid<T> = unknown extends T
  ? true
  : T extends readonly unknown[]
    ? false
    : T extends object
      ? string extends keyof T
        ? true
        : "field" | "operator" | "value" extends Keys<T>
          ? Only<T, "field" | "operator" | "value"> extends true
            ? KnownOperator<T[keyof T & "operator"]>
            : false
          : Extract<Keys<T>, "field" | "operator" | "value"> extends never
            ? Extract<Keys<T>, "subscribedToTopic" | "notSubscribedToTopic"> extends never
              ? Extract<Keys<T>, "$and" | "$or" | "$not"> extends never
                ? false
                : Only<T, "$and" | "$or" | "$not"> extends true
                  ? Children<T, "$and"> extends true
                    ? Children<T, "$or"> extends true
                      ? T extends { readonly $not: infer N }
                        ? AllValid<N>
                        : true
                      : false
                    : false
                  : false
              : Only<T, "subscribedToTopic" | "notSubscribedToTopic">
            : false
      : false;

/**
 * What an entry point's `input: T & ConditionArgument<T>` accepts: anything typed `unknown`
 * or `any` (input from outside, validated at run time), a condition kept in a variable, and
 * a literal whose keys and operators are the language's, so that
 * `{ field: "country", operatr: "eq", value: "US" }` is a type error in an editor.
 */
export type ConditionArgument<T> = AllValid<T> extends true ? unknown : Condition & { readonly "not a condition of the language: check its keys and operators": never };
