/**
 * MongoDB Extended JSON in and out of the command-line tool, with the official `bson`
 * package's `EJSON` (relaxed mode) building the values, behind a strict gate of our own.
 *
 * What the tool reads: contacts as `mongoexport` writes them (relaxed or canonical), and
 * conditions, catalogs and MongoDB filters (plain JSON, or Extended JSON for a filter).
 * Documents get the values the driver would hand over, which the library compares exactly
 * as MongoDB does: `{"$numberDecimal": "9.99"}` a Decimal128, `{"$oid": …}` an ObjectId,
 * `{"$date": …}` a Date, `{"$numberLong": …}` a number (a bigint beyond 2^53),
 * `{"$binary"|"$uuid"|"$timestamp"|"$symbol"|"$code"|"$minKey"|"$maxKey": …}` bson's types,
 * `{"$undefined": true}` undefined (MongoDB 8.0 tells a stored undefined from null).
 *
 * Why not `EJSON.parse(text, { relaxed: true })` as it is: it reads several inputs as
 * another value without a word, and a count would silently change.
 * - `{"$numberLong": "9007199254740993"}` becomes the double 9007199254740992; a plain
 *   integer literal beyond 2^53 (relaxed mongoexport writes an int64 so) is rounded by
 *   JSON.parse. Here a `$numberLong`, and an integer literal a double cannot hold exactly
 *   (within int64), become a bigint, which documents compare exactly (and which a condition
 *   or filter refuses, with a note: the language's values are doubles).
 * - `{"$date": "2024-01-01T00:00:00"}` is read in the machine's time zone, `"2024-02-30"` as
 *   March 1st, `"garbage"` as an Invalid Date (epoch 0 to MongoDB), a fractional number is
 *   truncated. Here `$date` text is the library's strict ISO-8601 (an offset is required),
 *   and a number must be whole epoch milliseconds.
 * - `{"$numberInt": "1.5"}` becomes 1 and `{"$numberDouble": "1x"}` 1 (parseInt,
 *   parseFloat). Here the text must be the number.
 * - `{"$regex": "^a", "$ne": "x"}` (any object with one such key) becomes a regex and drops
 *   the other keys; in a filter `$regex`/`$options` is MongoDB's operator, not a value.
 *   Here only an object whose single key is a wrapper (`$code` may have `$scope`) is one, and
 *   the legacy `{"$regex", "$options"}` is left as written. `{"$ref", "$id"}` is left as the
 *   embedded document MongoDB stores.
 * - `{"$regularExpression": …}` becomes a BSONRegExp, which `fromMongoQuery` does not know.
 *   Here it is a RegExp when its options are JavaScript's (i, m, s, u); with PCRE-only
 *   options (x, l) a filter keeps the object as written, so the lift refuses it rather than
 *   lose them, and a contact gets bson's BSONRegExp.
 * - `{"$numberDecimal": "0.1000000000000000000000000000000000001"}` (37 digits) becomes
 *   0.1 in bson 7.3.4, though Decimal128.fromString refuses most text it would round. Here
 *   the decimal's value is compared with the text's.
 *
 * So bson builds the values (ObjectId, Decimal128, Long, doubles, Binary, Timestamp,
 * BSONSymbol, Code, MinKey, MaxKey, BSONRegExp) once a wrapper has passed the checks; a
 * `$date` becomes a Date from the library's own strict ISO-8601 reader (parseIsoDate), a
 * `$regularExpression` a RegExp, `$undefined` undefined.
 *
 * A wrapper that fails those checks stops the run in a contact (the line is reported, as
 * text that is not JSON is). In a condition, catalog or filter it is left as the object it
 * is, with a note, so that the library refuses it with its path (exit code 1) instead of a
 * value that would mean something else.
 *
 * Output (`filter`, `from-mongo`, `diff`) is `EJSON.stringify` in relaxed mode: a Date as
 * `{"$date": "2024-01-01T00:00:00Z"}`, a RegExp as `{"$regularExpression": …}`.
 */
import { EJSON } from "bson";
import { parseIsoDate } from "../catalog/dates.js";
import { dateProblemText } from "../messages.js";

/** JSON text of `value` in relaxed Extended JSON (bson's EJSON.stringify), indented by `indent`. */
export function stringify(value: unknown, indent = 2): string {
  return EJSON.stringify(value, undefined, indent, { relaxed: true });
}

/** A wrapper that a contact must not hold: its message says why; the reader adds the line. */
export class ExtendedJsonError extends Error {}

/** What a text was read for: a contact document, or a condition, catalog or filter. */
export type Purpose = "document" | "input";

/** The value of a text; `notes` say which wrappers of an input were left as written, and why. */
export interface Parsed {
  readonly value: unknown;
  readonly notes: readonly string[];
}

const INT32 = 2 ** 31;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** The range of a JavaScript (and so of a driver-decoded BSON) date. */
const MAX_DATE_MS = 8.64e15;
const INTEGER = /^-?\d+$/;
const DOUBLE = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$|^-?Infinity$|^NaN$/;
const JS_REGEX_OPTIONS = /^(?!.*(.).*\1)[imsu]*$/;
const PCRE_OPTIONS = /^(?!.*(.).*\1)[ilmsux]*$/;
/** The wrappers bson's EJSON builds a value for, with no check needed beyond theirs. */
const BSON_WRAPPERS = new Set(["$binary", "$uuid", "$timestamp", "$symbol", "$code", "$minKey", "$maxKey"]);

/** The deepest text whose wrappers are read (far beyond any condition's or document's depth MongoDB accepts). */
const MAX_REVIVED_DEPTH = 1_000;

/** How deep the text's arrays and objects nest, strings skipped (an upper bound if it is not JSON). */
function nesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote, past escapes.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Stands for `undefined` while JSON.parse runs (a reviver returning undefined deletes the key). */
const UNDEFINED: unique symbol = Symbol("undefined");

/** Parses JSON text, reading Extended JSON's wrappers as values (see the header). */
export function parse(text: string, purpose: Purpose): Parsed {
  const notes: string[] = [];
  let sawUndefined = false;
  const exact = exactIntegers(text, (literal) => {
    if (purpose === "input" && notes.length < 10)
      notes.push(`${literal} is beyond 2^53, where a double would round it: it is read as a 64-bit integer`);
  });
  // JSON.parse reads any depth, but a reviver recurses: text nested deeper than any input can be
  // is read as plain JSON, for the checks to refuse as too deep (not a stack overflow).
  if (nesting(exact) > MAX_REVIVED_DEPTH) {
    // A contact read without its wrappers would answer otherwise (a $date as an object): refused, as MongoDB stores at most 100 levels.
    if (purpose === "document")
      throw new ExtendedJsonError(`nested deeper than ${MAX_REVIVED_DEPTH} levels; MongoDB stores at most 100`);
    notes.push(`nested deeper than ${MAX_REVIVED_DEPTH} levels: Extended JSON wrappers are not read`);
    return { value: JSON.parse(exact) as unknown, notes };
  }
  const value: unknown = JSON.parse(exact, (_key, v: unknown) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
    const read = readWrapper(v as Record<string, unknown>, purpose);
    if (read === NOT_A_WRAPPER) return v;
    if ("problem" in read) {
      if (purpose === "document") throw new ExtendedJsonError(read.problem);
      if (notes.length < 10) notes.push(read.problem);
      return v;
    }
    if (read.value === UNDEFINED) sawUndefined = true;
    return read.value;
  });
  return { value: sawUndefined ? restoreUndefined(value) : value, notes };
}

/**
 * The text with each integer literal that a double cannot hold exactly (and int64 can)
 * written as `{"$numberLong": "…"}`, so that it is read as a bigint rather than rounded.
 * Only texts where 16 digits follow what may precede a number are scanned.
 */
function exactIntegers(text: string, rewritten: (literal: string) => void): string {
  // A number literal starts the text or follows "[", "," or ":" (and white space).
  if (!/(?:^|[[,:])\s*-?\d{16}/.test(text)) return text;
  let out = "";
  let last = 0;
  for (const m of text.matchAll(/"(?:[^"\\]|\\[\s\S])*"|-?\d{16,}(?![.eE\d])/g)) {
    const literal = m[0];
    if (literal.startsWith('"')) continue;
    const exact = BigInt(literal);
    if (BigInt(Number(literal)) === exact) continue;
    // Beyond int64 there is no exact value to read it as; JSON.parse would round it without a word.
    if (exact < INT64_MIN || exact > INT64_MAX)
      throw new ExtendedJsonError(
        `the integer ${literal.length > 40 ? `${literal.slice(0, 40)}…` : literal} is beyond 64 bits: it cannot be read without rounding (write it as a decimal number, or as {"$numberDecimal": "…"})`,
      );
    // A literal right after a digit, a dot or an exponent is part of a longer number: the regex starts at a number's start only.
    const before = text[m.index - 1];
    if (before !== undefined && /[-\d.eE+]/.test(before)) continue;
    rewritten(literal);
    out += `${text.slice(last, m.index)}{"$numberLong":"${literal}"}`;
    last = m.index + literal.length;
  }
  return last === 0 ? text : out + text.slice(last);
}

const NOT_A_WRAPPER = Symbol("not a wrapper");

/** The value of an Extended JSON wrapper, why it cannot be read, or NOT_A_WRAPPER for any other object. */
function readWrapper(
  object: Record<string, unknown>,
  purpose: Purpose,
): { value: unknown } | { problem: string } | typeof NOT_A_WRAPPER {
  let key: string | undefined;
  let count = 0;
  for (const k in object) {
    if (!Object.hasOwn(object, k)) continue;
    if (++count > 2) return NOT_A_WRAPPER;
    if (count === 1) key = k;
    else if (!(key === "$code" && k === "$scope") && !(key === "$scope" && k === "$code")) return NOT_A_WRAPPER;
    else key = "$code";
  }
  if (key === undefined || key.charCodeAt(0) !== 36 /* $ */) return NOT_A_WRAPPER;
  const v = object[key];
  const shown = () =>
    JSON.stringify(object, (_k, x: unknown) => (typeof x === "bigint" ? String(x) : x))?.slice(0, 80) ?? key;
  const bad = (why: string) => ({ problem: `${shown()} is not read as a value: ${why}` });
  switch (key) {
    case "$oid":
      return typeof v === "string" && /^[0-9a-fA-F]{24}$/.test(v)
        ? { value: viaBson(object) }
        : bad("an ObjectId is 24 hexadecimal digits");
    case "$date": {
      // An inner {"$numberLong": …} was read already (JSON.parse revives from the leaves up).
      if (typeof v === "number" || typeof v === "bigint") {
        return Number.isInteger(Number(v)) && Math.abs(Number(v)) <= MAX_DATE_MS
          ? { value: new Date(Number(v)) }
          : bad("a date number is whole epoch milliseconds within ±8.64e15");
      }
      if (typeof v !== "string") return bad("a date is ISO-8601 text or epoch milliseconds");
      // Older mongoexport wrote the offset without a colon ("2014-03-13T13:47:42.483-0400").
      const date = parseIsoDate(/T.*[+-]\d{4}$/.test(v) ? v.replace(/(\d{2})(\d{2})$/, "$1:$2") : v);
      return "ms" in date ? { value: new Date(date.ms) } : bad(dateProblemText(date));
    }
    case "$numberInt":
      return typeof v === "string" && INTEGER.test(v) && Number(v) >= -INT32 && Number(v) < INT32
        ? { value: Number(v) }
        : bad("a $numberInt is a whole number within 32 bits, as text");
    case "$numberLong": {
      if (typeof v !== "string" || !INTEGER.test(v) || BigInt(v) < INT64_MIN || BigInt(v) > INT64_MAX)
        return bad("a $numberLong is a whole number within 64 bits, as text");
      const long = viaBson(object, { useBigInt64: true }) as bigint;
      return { value: Number.isSafeInteger(Number(long)) ? Number(long) : long };
    }
    case "$numberDouble":
      return typeof v === "string" && DOUBLE.test(v)
        ? { value: viaBson(object) }
        : bad("a $numberDouble is a number, Infinity, -Infinity or NaN, as text");
    case "$numberDecimal":
      if (typeof v !== "string") return bad("a $numberDecimal is a decimal number as text");
      try {
        // Decimal128.fromString refuses most text it would have to round, but not all (bson 7.3.4 reads
        // "0.1000000000000000000000000000000000001" as 0.1): the value is compared with the text.
        const decimal = viaBson(object);
        return sameDecimal(v, String(decimal))
          ? { value: decimal }
          : bad(`${JSON.stringify(v.slice(0, 60))} has more digits than a Decimal128 holds (34)`);
      } catch (error) {
        return bad((error as Error).message);
      }
    case "$regularExpression": {
      const r = v as { pattern?: unknown; options?: unknown } | null;
      if (
        typeof r !== "object" ||
        r === null ||
        typeof r.pattern !== "string" ||
        typeof r.options !== "string" ||
        Object.keys(r).length !== 2
      ) {
        return bad('a $regularExpression is {"pattern": text, "options": text}');
      }
      if (!PCRE_OPTIONS.test(r.options))
        return bad(`"${r.options}" are not MongoDB's regular expression options (i, l, m, s, u, x)`);
      if (JS_REGEX_OPTIONS.test(r.options)) {
        try {
          return { value: new RegExp(r.pattern, r.options) };
        } catch {
          // A pattern JavaScript cannot compile: as a PCRE-only one below.
        }
      }
      if (purpose === "input")
        return bad(
          `a regular expression is read only when JavaScript runs it with the same options, not /${r.pattern.slice(0, 40)}/${r.options}`,
        );
      return { value: viaBson(object) };
    }
    case "$undefined":
      return v === true ? { value: UNDEFINED } : bad('undefined is written {"$undefined": true}');
    default:
      if (!BSON_WRAPPERS.has(key)) return NOT_A_WRAPPER;
      try {
        return { value: viaBson(object) };
      } catch (error) {
        return bad((error as Error).message);
      }
  }
}

const DECIMAL_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Whether two decimal texts say the same number (NaN and the infinities by their words). */
function sameDecimal(a: string, b: string): boolean {
  const norm = (text: string): string => {
    const m = DECIMAL_TEXT.exec(text);
    if (!m || (m[2] === "" && (m[3] ?? "") === ""))
      return text
        .toLowerCase()
        .replace(/^\+/, "")
        .replace(/^(-?)inf$/, "$1infinity");
    const [, sign = "", whole = "", fraction = "", exponent = "0"] = m;
    let digits = (whole + fraction).replace(/^0+/, "");
    let e = BigInt(exponent) - BigInt(fraction.length);
    if (digits === "") return "0";
    const trimmed = digits.replace(/0+$/, "");
    e += BigInt(digits.length - trimmed.length);
    digits = trimmed;
    return `${sign === "-" ? "-" : ""}${digits}e${e}`;
  };
  return norm(a) === norm(b);
}

/** bson's value for one checked wrapper. */
function viaBson(wrapper: Record<string, unknown>, options: { useBigInt64?: boolean } = {}): unknown {
  return EJSON.deserialize(wrapper, { relaxed: true, ...options }) as unknown;
}

/** The value with every UNDEFINED stand-in replaced by `undefined` (the key kept). */
function restoreUndefined(value: unknown): unknown {
  if (value === UNDEFINED) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restoreUndefined(value[i]);
  } else if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    for (const k of Object.keys(record))
      if (typeof record[k] === "object" || record[k] === UNDEFINED) record[k] = restoreUndefined(record[k]);
  }
  return value;
}
