/**
 * A date relative to the clock: the value of a range test on a date field written as date
 * math (`"now-30d"`, time/date-math.ts). The AST holds it as it is; each target resolves it
 * to an instant when it runs (the MongoDB filter and SQL at the instant they are asked
 * for, the predicate at each call), rounding as the test needs it.
 */
import type { DateMath } from "../time/date-math.js";
import type { DateStorage } from "./fields.js";

export class RelativeDate {
  /**
   * @param text the date math as written
   * @param up rounding up (the last millisecond of the unit: `gt`, `lte`) or down (the first: `gte`, `lt`), as Elasticsearch's range rules say
   * @param storage how the field holds the date: a resolved value is a Date, or epoch milliseconds
   */
  constructor(
    readonly text: string,
    readonly math: DateMath,
    readonly up: boolean,
    readonly storage: DateStorage,
  ) {
    Object.freeze(this);
  }
}

/** The tests a relative date may be the value of, and the rounding each needs. */
export const RELATIVE_TESTS: { readonly [test: string]: boolean } = Object.freeze({
  gt: true,
  gte: false,
  lt: false,
  lte: true,
});

/** Whether `operator`'s value may be a relative date (on a date field): `gt`, `gte`, `lt`, `lte`. */
export const takesRelative = (operator: string): boolean => Object.hasOwn(RELATIVE_TESTS, operator);
