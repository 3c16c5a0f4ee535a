/**
 * MongoDB orders strings by their UTF-8 bytes, which is Unicode code point order.
 * JavaScript's `<` compares UTF-16 code units, and the two disagree exactly when the first
 * difference sets a surrogate (U+D800–U+DFFF, half of a character beyond the BMP) against
 * a code unit in U+E000–U+FFFF: "\u{1F600}" > "\uFFFF" for MongoDB, but not for `<`.
 */

/** True when `s` holds a code unit at or above U+D800; only then can `<` go wrong against it. */
export function hasCodeUnitsAboveSurrogates(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0xd800) return true;
  return false;
}

/** Compares two well-formed strings in code point order: negative, zero or positive. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates encode code points above U+FFFF, so they sort after every BMP unit.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? (y >= 0xe000 ? 1 : x - y) : x >= 0xe000 ? -1 : x - y;
    return x - y;
  }
  return a.length - b.length;
}
