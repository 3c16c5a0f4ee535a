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
  const segments = name.split(".");
  for (const segment of segments) {
    if (segment === "") return `field name "${name}" has an empty path segment`;
    if (segment.startsWith("$")) return `field name "${name}" has a segment starting with "$", which MongoDB reads as an operator`;
    if (FORBIDDEN_SEGMENTS.has(segment)) return `field name "${name}" uses the reserved segment "${segment}"`;
    if (/^0[0-9]+$/.test(segment)) {
      return `field name "${name}" has the segment "${segment}", a number with a leading zero, which MongoDB may read as an array position or as a key`;
    }
  }
  return undefined;
}
