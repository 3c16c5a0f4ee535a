/**
 * The MongoDB server versions whose answers the predicate can give, and the one table of
 * how they differ. The filter is the same for every version; the server's answer to it is
 * not. Every target that evaluates in memory reads this table, and nothing else decides a
 * version-dependent meaning.
 */

export const MONGO_VERSIONS = ["7.0", "8.0", "9.0"] as const;
export type MongoVersion = (typeof MONGO_VERSIONS)[number];
export const DEFAULT_MONGO_VERSION: MongoVersion = "8.0";

export interface Semantics {
  readonly version: MongoVersion;
  /**
   * Null equality (`$eq: null`, `$in: [null]`, and so the `exists` operator) also matches
   * the deprecated BSON `undefined`, which the driver decodes to a JavaScript `undefined`
   * own property. True before 8.0 ("Compatibility Changes in MongoDB 8.0").
   */
  readonly undefinedIsNull: boolean;
  /**
   * A dotted path through an array yields "missing" (so null) for an empty array and for
   * each element it cannot descend into (a scalar, a nested array the path does not select
   * by position). From 9.0 ("Null Comparisons on Dotted Paths That Traverse Arrays", SERVER-36681).
   */
  readonly nullThroughArrays: boolean;
}

export const SEMANTICS: { readonly [V in MongoVersion]: Semantics } = Object.freeze({
  "7.0": Object.freeze({ version: "7.0", undefinedIsNull: true, nullThroughArrays: false }),
  "8.0": Object.freeze({ version: "8.0", undefinedIsNull: false, nullThroughArrays: false }),
  "9.0": Object.freeze({ version: "9.0", undefinedIsNull: false, nullThroughArrays: true }),
});
