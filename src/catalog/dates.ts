/**
 * Date values for `date` fields: ISO-8601 dates and datetimes, or epoch milliseconds.
 * Strict on purpose: `Date.parse` accepts "2024-02-30" (as March 1st) and reads a datetime
 * without an offset in the machine's local zone; both would silently change a count.
 */
import type { DateProblem } from "../errors.js";

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2}))?$/;
/** The range of a JavaScript (and so of a driver-decoded BSON) date: ±100,000,000 days. */
const MAX_MS = 8.64e15;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Epoch milliseconds for `2024-01-01` (UTC midnight), `2024-01-01T12:00Z` or
 * `2024-01-01T12:00:00.250+02:00`; or why the text is not such a date.
 */
/** Why a value is not a date (messages.ts words it), with the part at fault. */
export interface DateRefusal {
  readonly problem: DateProblem;
  readonly part?: string;
}

export function parseIsoDate(text: string): { ms: number } | DateRefusal {
  const m = ISO.exec(text);
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text)) return { problem: "needs_offset" };
    if (/^\d{4}-\d{2}-\d{2}T[\d:]+\.\d{4,}/.test(text)) return { problem: "too_precise" };
    return { problem: "not_iso" };
  }
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", offset = "Z"] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) return { problem: "no_month", part: mo as string };
  const days = month === 2 && isLeap(year) ? 29 : (DAYS[month - 1] as number);
  if (day < 1 || day > days) return { problem: "no_day", part: `${y}-${mo}-${d}` };
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return { problem: "no_time", part: `${h}:${mi}:${s}` };
  let offsetMinutes = 0;
  if (offset !== "Z") {
    const oh = Number(offset.slice(1, 3));
    const om = Number(offset.slice(4, 6));
    if (oh > 23 || om > 59) return { problem: "no_offset", part: offset };
    offsetMinutes = (offset[0] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(Number(h), Number(mi), Number(s), Number(frac.padEnd(3, "0")));
  return { ms: date.getTime() - offsetMinutes * 60_000 };
}

/** Epoch milliseconds for a date value (ISO text or an integer of epoch milliseconds), or why not. */
export function toEpochMillis(value: unknown): { ms: number } | DateRefusal {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return { problem: "not_whole", part: String(value) };
    if (Math.abs(value) > MAX_MS) return { problem: "out_of_range", part: String(value) };
    return { ms: value };
  }
  if (typeof value === "string") return parseIsoDate(value);
  return { problem: "not_date" };
}
