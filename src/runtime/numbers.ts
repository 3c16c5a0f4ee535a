/**
 * MongoDB compares every numeric BSON type by value: a double, a 32/64-bit integer and a
 * Decimal128 are all "numbers" to `$eq`, `$in` and the range operators. The driver hands
 * back a JS number for most of them, but a `bigint` (with `useBigInt64`), a `Long` past
 * 2^53, or wrapper objects (`Int32`, `Double`, with `promoteValues: false`) and always a
 * `Decimal128` object for decimals. This compares those, exactly, with a finite double.
 */

/** Sign of `x - v` for a non-`number` numeric value `x`; NaN when `x` is not numeric (or is NaN). */
export function compareNumeric(x: unknown, v: number): number {
  if (typeof x === "bigint") return x < v ? -1 : x > v ? 1 : 0; // JS compares bigint with number exactly.
  if (typeof x === "number") return x < v ? -1 : x > v ? 1 : x === v ? 0 : Number.NaN;
  if (typeof x !== "object" || x === null) return Number.NaN;
  switch ((x as { _bsontype?: unknown })._bsontype) {
    case "Long": {
      const long = x as { toBigInt?: () => bigint; toString: () => string };
      return compareNumeric(typeof long.toBigInt === "function" ? long.toBigInt() : BigInt(long.toString()), v);
    }
    case "Int32":
    case "Double":
      return compareNumeric((x as { valueOf: () => number }).valueOf(), v);
    case "Decimal128":
      return compareDecimal(String(x), v);
    default:
      return Number.NaN;
  }
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** A decimal's text (as Decimal128.toString writes it) against a double, exactly. */
function compareDecimal(text: string, v: number): number {
  if (text === "NaN" || text === "-NaN") return Number.NaN;
  if (text === "Infinity") return 1;
  if (text === "-Infinity") return -1;
  const m = DECIMAL.exec(text);
  if (!m) return Number.NaN;
  // The nearest double decides whenever it differs from v: rounding to nearest never
  // crosses a double, so a decimal whose nearest double is above v is itself above v.
  const nearest = Number(text);
  if (nearest !== v) return nearest > v ? 1 : -1;
  const [, sign, whole, fraction = "", exponent = "0"] = m;
  const coefficient = BigInt(whole! + fraction);
  const q = Number(exponent) - fraction.length; // value = ±coefficient × 10^q
  const [mantissa, e, vNegative] = decomposeDouble(v); // v = ±mantissa × 2^e
  const sd = coefficient === 0n ? 0 : sign === "-" ? -1 : 1;
  const sv = mantissa === 0n ? 0 : vNegative ? -1 : 1;
  if (sd !== sv || sd === 0) return Math.sign(sd - sv);
  const left = coefficient * 10n ** BigInt(Math.max(q, 0)) * 2n ** BigInt(Math.max(-e, 0));
  const right = mantissa * 2n ** BigInt(Math.max(e, 0)) * 10n ** BigInt(Math.max(-q, 0));
  return (left < right ? -1 : left > right ? 1 : 0) * sd;
}

/** A finite double as its exact ±mantissa × 2^exponent. */
function decomposeDouble(v: number): [bigint, number, boolean] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  if (biased === 0) return [fraction, -1074, negative]; // subnormal (or zero)
  return [fraction | (1n << 52n), biased - 1075, negative];
}

/** Whether a value may be a numeric BSON value other than a JS number (a cheap pre-check). */
export function mayBeOtherNumeric(x: unknown): boolean {
  return typeof x === "bigint" || (typeof x === "object" && x !== null);
}

/** The numbers of an `$in` list, sorted and without duplicates, for {@link numericIn}. */
export function sortedNumbers(items: Iterable<unknown>): readonly number[] {
  const numbers = new Set<number>();
  for (const item of items) if (typeof item === "number" && item === item) numbers.add(item === 0 ? 0 : item);
  return Object.freeze([...numbers].sort((a, b) => a - b));
}

/**
 * `x` equals one of `sorted` (for `$in`), for numeric values that are not JS numbers: a
 * binary search with exact comparisons, O(log n) per value.
 */
export function numericIn(x: unknown, sorted: readonly number[]): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const order = compareNumeric(x, sorted[mid] as number);
    if (order === 0) return true;
    if (order !== order) return false; // NaN, or not numeric: equal to nothing
    if (order < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return false;
}
