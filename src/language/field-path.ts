/** The rules that keep every field path a plain dotted MongoDB path. */

const FORBIDDEN_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Why a field name is not a safe MongoDB path, or undefined when it is. The rules keep
 * every name a plain dotted path: no operator (`$…`), no empty segment (`a..b`), no NUL
 * (MongoDB refuses it), no segment that reaches into JavaScript prototypes, and no
 * digits-only segment with a leading zero (`items.01`): a digits-only segment is also an
 * array position in MongoDB, and one with a leading zero is ambiguous between the two.
 */
export function checkFieldPath(name: string): string | undefined {
  if (name.length === 0) return "field name must not be empty";
  if (name.includes("\0")) return "field name must not contain a NUL character";
  if (!name.isWellFormed()) return "field name must be well-formed Unicode (it has a lone surrogate)";
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
function checkSegment(name: string, start: number, end: number): string | undefined {
  if (end === start) return `field name "${name}" has an empty path segment`;
  const first = name.charCodeAt(start);
  if (first === 36 /* $ */) return `field name "${name}" has a segment starting with "$", which MongoDB reads as an operator`;
  if (end - start >= 7 && end - start <= 11) {
    const segment = name.slice(start, end);
    if (FORBIDDEN_SEGMENTS.has(segment)) return `field name "${name}" uses the reserved segment "${segment}"`;
  }
  if (first === 48 /* 0 */ && end - start > 1) {
    let digits = true;
    for (let i = start + 1; i < end && digits; i++) {
      const c = name.charCodeAt(i);
      digits = c >= 48 && c <= 57;
    }
    if (digits) {
      const segment = name.slice(start, end);
      return `field name "${name}" has the segment "${segment}", a number with a leading zero, which MongoDB may read as an array position or as a key`;
    }
  }
  return undefined;
}
