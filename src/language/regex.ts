/**
 * The regular expressions the string operators mean, written so that MongoDB's PCRE and
 * JavaScript read them alike. The language owns them (rather than the MongoDB target)
 * because it also bounds them: a value whose pattern would exceed MongoDB's limit is
 * refused when it is parsed, as a condition too deep for MongoDB is.
 */
import type { LeafTest } from "./operators.js";

/**
 * Regex-escapes a literal so that it means the same to MongoDB's PCRE and to JavaScript:
 * every metacharacter gets a backslash, and NUL (which MongoDB refuses inside a pattern)
 * becomes `\x00`. No user character is ever left to act as regex syntax.
 */
export function escapeRegex(literal: string): string {
  return literal.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&").replace(/\0/g, "\\x00");
}

/**
 * "At the very end". PCRE's `$` also matches before a final newline (and JS has no `\z`),
 * so `bc$` would match "abc\n"; a lookahead for "no character follows" means end-of-string
 * in both engines.
 */
export const END_OF_STRING = "(?![\\s\\S])";

/** MongoDB refuses a `$regex` pattern longer than this many UTF-8 bytes (`RegexMatchExpression::kMaxPatternSize`). */
export const MAX_REGEX_BYTES = 32_764;

/**
 * The pattern of each leaf test on a literal: the string tests have one; the others are no
 * regular expression (undefined). Keyed by every leaf test, so a new one must say which.
 */
const PATTERNS: { readonly [K in LeafTest]: ((literal: string) => string) | undefined } = {
  eq: undefined,
  gt: undefined,
  gte: undefined,
  lt: undefined,
  lte: undefined,
  in: undefined,
  contains: (literal) => escapeRegex(literal),
  startsWith: (literal) => `^${escapeRegex(literal)}`,
  endsWith: (literal) => `${escapeRegex(literal)}${END_OF_STRING}`,
  null: undefined,
};

/** The pattern of a string test on `literal`, or undefined for the other tests. */
export function regexPattern(test: LeafTest, literal: string): string | undefined {
  return PATTERNS[test]?.(literal);
}

/** The UTF-8 length of the pattern a string test emits, or undefined for the other tests. */
export function regexBytes(test: LeafTest, literal: string): number | undefined {
  const pattern = regexPattern(test, literal);
  return pattern === undefined ? undefined : new TextEncoder().encode(pattern).length;
}
