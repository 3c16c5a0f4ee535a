/** The rules that keep every field path a plain dotted MongoDB path. */

/** Why a field name (or a catalog field's path, or `topics.path`) is not a usable document path. */
export type FieldPathProblem =
  | "empty"
  | "nul"
  | "lone_surrogate"
  /** `a..b`, `.a`, `a.` */
  | "empty_segment"
  /** A segment starting with `$`, which MongoDB reads as an operator. */
  | "operator_segment"
  /** `__proto__`, `constructor` or `prototype`. */
  | "reserved_segment"
  /** A digits-only segment with a leading zero (`items.01`). */
  | "leading_zero"
  /** A catalog's path or `topics.path` longer than its bound (a condition's names are bounded by `limits.maxStringLength`). */
  | "too_long";

const FORBIDDEN_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);

/** Why a name is refused, with the name (its first 200 characters) and the segment at fault: an issue's data (messages.ts words it). */
export interface FieldPathData {
  readonly problem: FieldPathProblem;
  /** The name or path refused, cut to 200 characters. */
  readonly name: string;
  /** The segment at fault, for `reserved_segment` and `leading_zero` (cut to 200 characters). */
  readonly segment?: string;
  /** For `too_long`: the most characters allowed. */
  readonly maximum?: number;
}

/**
 * Why a field name is not a safe MongoDB path, or undefined when it is. The rules keep
 * every name a plain dotted path: no operator (`$…`), no empty segment (`a..b`), no NUL
 * (MongoDB refuses it), no segment that reaches into JavaScript prototypes, and no
 * digits-only segment with a leading zero (`items.01`): a digits-only segment is also an
 * array position in MongoDB, and one with a leading zero is ambiguous between the two.
 */
export function checkFieldPath(name: string): FieldPathProblem | undefined {
  return fieldPathRefusal(name)?.problem;
}

/** {@link checkFieldPath} with the name and the segment at fault, for an issue. */
export function fieldPathRefusal(name: string, maxLength = Infinity): FieldPathData | undefined {
  const cut = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
  if (name.length > maxLength) return { problem: "too_long", name: cut(name), maximum: maxLength };
  const refusal = refusalOf(name);
  if (refusal === undefined) return undefined;
  return refusal.segment === undefined
    ? { problem: refusal.problem, name: cut(refusal.name) }
    : { problem: refusal.problem, name: cut(refusal.name), segment: cut(refusal.segment) };
}

function refusalOf(name: string): FieldPathData | undefined {
  if (name.length === 0) return { problem: "empty", name };
  if (name.includes("\0")) return { problem: "nul", name };
  if (!name.isWellFormed()) return { problem: "lone_surrogate", name };
  let start = 0;
  while (start <= name.length) {
    let end = name.indexOf(".", start);
    if (end === -1) end = name.length;
    const problem = checkSegment(name, start, end);
    if (problem) return problem;
    start = end + 1;
  }
  return undefined;
}

/** The problem with the segment `name[start, end)`, if any (without splitting the name: a long path stays linear). */
function checkSegment(name: string, start: number, end: number): FieldPathData | undefined {
  if (end === start) return { problem: "empty_segment", name };
  const first = name.charCodeAt(start);
  if (first === 36 /* $ */) return { problem: "operator_segment", name };
  if (end - start >= 7 && end - start <= 11) {
    const segment = name.slice(start, end);
    if (FORBIDDEN_SEGMENTS.has(segment)) return { problem: "reserved_segment", name, segment };
  }
  if (first === 48 /* 0 */ && end - start > 1) {
    let digits = true;
    for (let i = start + 1; i < end && digits; i++) {
      const c = name.charCodeAt(i);
      digits = c >= 48 && c <= 57;
    }
    if (digits) return { problem: "leading_zero", name, segment: name.slice(start, end) };
  }
  return undefined;
}
