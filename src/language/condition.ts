/**
 * The input language: the three JSON shapes a segment condition is built from. These are
 * the types of validated input; `parseCondition` returns them unchanged in meaning.
 */

/** Every operator of a {@link FieldCondition}. */
export const OPERATORS = [
  "eq",
  "ne",
  "gt",
  "gte",
  "lt",
  "lte",
  "in",
  "nin",
  "contains",
  "startsWith",
  "endsWith",
  "exists",
] as const;
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
type FieldKey = "field" | "operator" | "value";
type TopicKey = "subscribedToTopic" | "notSubscribedToTopic";
type LogicalKey = "$and" | "$or" | "$not";
/** The keys of the shape an object was meant to be, by the keys it shares with each: field first, then topics, then logical. */
type ShapeKeys<T> = [Extract<Keys<T>, FieldKey>] extends [never]
  ? [Extract<Keys<T>, TopicKey>] extends [never]
    ? [Extract<Keys<T>, LogicalKey>] extends [never]
      ? FieldKey
      : LogicalKey
    : TopicKey
  : FieldKey;
/** The keys an object has beyond its shape's: misspelt keys, or keys of another shape. */
type UnknownKeys<T> = Exclude<Keys<T>, ShapeKeys<T>>;
type Get<T, K extends PropertyKey> = T extends { readonly [P in K]: infer V } ? V : unknown;
/** An operator written as a literal must be one of the language's; a widened `string` is checked at run time. */
type KnownOperator<O> = string extends O ? true : [O] extends [Operator] ? true : false;
type AllValid<C> = false extends Valid<C> ? false : true;
/** The children of `$and`/`$or`: at least one, each valid (a value that is not a list is left to the run-time check). */
type Children<V> = V extends readonly [] ? false : V extends readonly (infer C)[] ? AllValid<C> : true;
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
        : [UnknownKeys<T>] extends [never]
          ? ShapeKeys<T> extends FieldKey
            ? [FieldKey] extends [Keys<T>]
              ? KnownOperator<Get<T, "operator">>
              : false
            : ShapeKeys<T> extends TopicKey
              ? true
              : Children<Get<T, "$and">> extends true
                ? Children<Get<T, "$or">> extends true
                  ? AllValid<Get<T, "$not">>
                  : false
                : false
          : false
      : false;

/**
 * A required property for each unknown key, named after it: no value has it, so a condition
 * kept in a variable with a misspelt key is refused too, with the key's name in the message.
 * (A literal is refused earlier, by TypeScript's excess-property check, which names the key.)
 */
type NotAKeyOfACondition<K extends PropertyKey> = {
  readonly [P in K as `${P & string} is not a key of a condition`]: never;
};

/**
 * The shape an invalid object was meant to have, with its children checked: what TypeScript
 * compares the argument with, so that its message names what is wrong ("'operatr' does not
 * exist in type … Did you mean to write 'operator'?", "Type '"like"' is not assignable to
 * type '"eq" | "ne" | …'"), under TypeScript 5 and 7 alike (a single object type, not a union
 * whose member each compiler may choose differently to report).
 */
type Shape<T> =
  ShapeKeys<T> extends FieldKey
    ? {
        readonly field: string;
        readonly operator: KnownOperator<Get<T, "operator">> extends true
          ? Get<T, "operator"> extends string
            ? Get<T, "operator">
            : string
          : Operator;
        readonly value: unknown;
      }
    : ShapeKeys<T> extends TopicKey
      ? { readonly subscribedToTopic?: readonly string[]; readonly notSubscribedToTopic?: readonly string[] }
      : {
          readonly $and?: ListArgument<Get<T, "$and">>;
          readonly $or?: ListArgument<Get<T, "$or">>;
          readonly $not?: ConditionArgument<Get<T, "$not">>;
        };
/** A list of child conditions, each checked; an empty literal list is refused (at run time too). */
type ListArgument<V> = V extends readonly []
  ? readonly [Condition, ...Condition[]]
  : V extends readonly unknown[]
    ? { readonly [I in keyof V]: ConditionArgument<V[I]> }
    : V;
type Expected<T> = T extends readonly unknown[]
  ? Condition
  : T extends object
    ? [UnknownKeys<T>] extends [never]
      ? Shape<T>
      : NotAKeyOfACondition<UnknownKeys<T>> & Shape<T>
    : Condition;

/**
 * The type of an entry point's `input: ConditionArgument<T>` (`T` inferred from the
 * argument): anything typed `unknown` or `any` (input from outside, validated at run time),
 * a condition kept in a variable, and a literal whose keys and operators are the language's
 * are taken as they are; anything else is compared with the shape it was meant to have, so
 * that `{ field: "country", operatr: "eq", value: "US" }` is a type error in an editor that
 * names `operatr` (and suggests `operator`).
 */
export type ConditionArgument<T> = AllValid<T> extends true ? T : Expected<T>;
