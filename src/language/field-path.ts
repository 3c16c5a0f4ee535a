/** The rules that keep every field path a plain dotted MongoDB path. */

const FORBIDDEN_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Why a field name is not a safe MongoDB path, or undefined when it is. The rules keep
 * every name a plain dotted path: no operator (`$…`), no empty segment (`a..b`), no NUL
 * (MongoDB refuses it) and no segment that reaches into JavaScript prototypes.
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
  }
  return undefined;
}
