/** The rules that keep every field path a plain dotted MongoDB path. */
import type { FieldPathProblem } from "../errors.js";

const FORBIDDEN_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);

/** Why a name is refused, with the name and the segment at fault: an issue's data (messages.ts words it). */
export interface FieldPathRefusal {
  readonly problem: FieldPathProblem;
  readonly name: string;
  readonly segment?: string;
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
export function fieldPathRefusal(name: string): FieldPathRefusal | undefined {
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
function checkSegment(name: string, start: number, end: number): FieldPathRefusal | undefined {
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
