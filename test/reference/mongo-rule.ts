/**
 * MongoDB's matching rule for one filter leaf, written from the server's documented
 * behaviour (src/mongo/db/matcher/path.cpp and expression_leaf.cpp, jstests/core/query/
 * null_query_semantics.js, 6.0–8.0) as plainly as possible: first list every candidate
 * value the path yields, then test each. It deliberately shares no code with src/, and is
 * used only where mingo departs from MongoDB (see deviations.ts).
 */

export const MISSING = Symbol("missing");
type Candidate = unknown;

function isDocument(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function arrayIndex(segment: string): number | undefined {
  return /^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : undefined;
}

/**
 * Every value MongoDB's path iterator offers to a leaf operator, `MISSING` included. With
 * `expandLeafArrays: false` (as for `$elemMatch`), an array at the end is offered only whole.
 */
export function candidates(doc: unknown, path: string, expandLeafArrays = true): Candidate[] {
  const segments = path.split(".");
  const out: Candidate[] = [];
  const walk = (value: unknown, i: number, selectedByIndex: boolean): void => {
    if (i === segments.length) {
      if (value === undefined) out.push(MISSING);
      else {
        // An array at the end offers its elements and itself, unless an index selected it.
        if (Array.isArray(value) && !selectedByIndex && expandLeafArrays) out.push(...value);
        out.push(value);
      }
      return;
    }
    const segment = segments[i]!;
    if (Array.isArray(value)) {
      const index = arrayIndex(segment);
      value.forEach((element, k) => {
        if (isDocument(element)) walk(Object.hasOwn(element, segment) ? element[segment] : undefined, i + 1, false);
        if (index === k) walk(element, i + 1, true);
      });
      return;
    }
    if (isDocument(value)) {
      walk(Object.hasOwn(value, segment) ? value[segment] : undefined, i + 1, false);
      return;
    }
    out.push(MISSING);
  };
  walk(doc, 0, false);
  return out;
}

/** Code point order, by comparing arrays of code points (no UTF-16 shortcuts). */
export function compareByCodePoint(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

type BsonType = "missing" | "null" | "number" | "string" | "boolean" | "other";
function bsonType(v: Candidate): BsonType {
  if (v === MISSING) return "missing";
  if (v === null || v === undefined) return "null";
  if (typeof v === "number") return "number";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "boolean";
  return "other";
}

/** -1/0/1 within one type, or undefined across types or with NaN (which compares false). */
function compare(a: Candidate, b: unknown): number | undefined {
  if (a instanceof Date || b instanceof Date) {
    if (!(a instanceof Date && b instanceof Date)) return undefined;
    return Math.sign(a.getTime() - b.getTime());
  }
  const ta = bsonType(a);
  if (ta !== bsonType(b) || ta === "other" || ta === "missing" || ta === "null") return undefined;
  if (ta === "number") {
    if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
    return Math.sign((a as number) - (b as number));
  }
  if (ta === "string") return Math.sign(compareByCodePoint(a as string, b as string));
  return Math.sign(Number(a) - Number(b));
}

function equals(c: Candidate, v: unknown): boolean {
  if (v === null) return c === MISSING || c === null || c === undefined;
  return compare(c, v) === 0;
}

/** Whether `doc` matches `{ [path]: { [op]: operand } }` on a MongoDB server. */
export function mongoLeafMatches(doc: unknown, path: string, op: string, operand: unknown): boolean {
  const cs = candidates(doc, path);
  switch (op) {
    case "$eq":
      return cs.some((c) => equals(c, operand));
    case "$ne":
      return !cs.some((c) => equals(c, operand));
    case "$in":
      return cs.some((c) => (operand as unknown[]).some((v) => equals(c, v)));
    case "$nin":
      return !cs.some((c) => (operand as unknown[]).some((v) => equals(c, v)));
    case "$gt":
      return cs.some((c) => compare(c, operand) === 1);
    case "$gte":
      return cs.some((c) => { const o = compare(c, operand); return o === 1 || o === 0; });
    case "$lt":
      return cs.some((c) => compare(c, operand) === -1);
    case "$lte":
      return cs.some((c) => { const o = compare(c, operand); return o === -1 || o === 0; });
    case "$elemMatch":
      // The object form: some element of an array at the path is a document matching every clause.
      return candidates(doc, path, false).some(
        (c) =>
          Array.isArray(c) &&
          c.some(
            (element) =>
              typeof element === "object" && element !== null && !Array.isArray(element) && !(element instanceof Date) &&
              Object.entries(operand as Record<string, Record<string, unknown>>).every(([p, ops]) =>
                Object.entries(ops).every(([o, v]) => mongoLeafMatches(element, p, o, v)),
              ),
          ),
      );
    case "$not":
      return !Object.entries(operand as Record<string, unknown>).every(([o, v]) => mongoLeafMatches(doc, path, o, v));
    case "$regex":
      // Only the patterns segmatch emits (escaped literal, `^`, end lookahead), which mean the same in PCRE and JS.
      return cs.some((c) => typeof c === "string" && new RegExp(operand as string).test(c));
    default:
      throw new Error(`mongo-rule: operator ${op} not modelled`);
  }
}
