/**
 * The small part of MongoDB Extended JSON (relaxed mode) that conditions, filters and
 * contacts use: dates, regular expressions and the numbers JSON cannot write. Written here
 * rather than taken from `bson`, so the command-line tool needs no dependency the library
 * does not have.
 */

/** JSON text of `value` in relaxed Extended JSON: a Date as `{"$date": "…"}`, a RegExp as `{"$regularExpression": …}`, -0 and non-finite numbers as `$numberDouble`. */
export function stringify(value: unknown, indent = 2): string {
  return JSON.stringify(toEjson(value), null, indent);
}

function toEjson(value: unknown): unknown {
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? { $date: { $numberLong: "0" } } : { $date: value.getUTCFullYear() >= 1970 && value.getUTCFullYear() <= 9999 ? value.toISOString() : { $numberLong: String(ms) } };
  }
  if (value instanceof RegExp) return { $regularExpression: { pattern: value.source, options: value.flags } };
  if (typeof value === "number") {
    if (Object.is(value, -0)) return { $numberDouble: "-0.0" };
    if (!Number.isFinite(value)) return { $numberDouble: Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity" };
    return value;
  }
  if (Array.isArray(value)) return value.map(toEjson);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: toEjson(v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** Parses JSON text, reading Extended JSON's `$date`, `$regularExpression`, `$numberDouble`, `$numberInt` and `$numberLong` as values. */
export function parse(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => fromEjson(value));
}

function fromEjson(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const v = (value as Record<string, unknown>)[keys[0] as string];
  switch (keys[0]) {
    case "$date": {
      // Text must say its offset (as the library's dates do): "2024-01-01T00:00:00" would be read in the machine's zone.
      if (typeof v === "string") return /(?:Z|[+-]\d{2}:?\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)) ? new Date(v) : value;
      if (typeof v === "number") return new Date(v);
      if (v instanceof Date) return v;
      return value;
    }
    case "$numberLong": {
      if (typeof v !== "string" || !/^-?\d+$/.test(v)) return value;
      // Beyond 2^53 a double would round it: a bigint keeps its value (documents compare it by value).
      const n = Number(v);
      return Number.isSafeInteger(n) ? n : BigInt(v);
    }
    case "$numberInt":
    case "$numberDouble":
      return typeof v === "string" ? Number(v === "-0.0" ? "-0" : v) : value;
    case "$numberDecimal":
      throw new Error(`$numberDecimal ${JSON.stringify(String(v)).slice(0, 40)} cannot be read without losing precision`);
    case "$regularExpression": {
      if (typeof v !== "object" || v === null) return value;
      const { pattern, options } = v as { pattern?: unknown; options?: unknown };
      if (typeof pattern !== "string") return value;
      // Options JavaScript has no flag for (PCRE's x, l) keep the value as it is: a lift must refuse it, not lose them.
      if (options !== undefined && (typeof options !== "string" || !/^[imsu]*$/.test(options))) return value;
      try {
        return new RegExp(pattern, (options as string | undefined) ?? "");
      } catch {
        return value;
      }
    }
    default:
      return value;
  }
}
