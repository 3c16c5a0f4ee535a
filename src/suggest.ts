/** "Did you mean …?": the closest candidates to a misspelt word, for error messages (worded once, by `meant` in messages.ts). */

function normalize(word: string): string {
  return word.toLowerCase().replace(/[\s_\-$]/g, "");
}

/** Edit distance with adjacent transpositions (optimal string alignment), capped for speed. */
function editDistance(a: string, b: string, cap = 8): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (rows[i - 1]![j] as number) + 1,
        (row[j - 1] as number) + 1,
        (rows[i - 1]![j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (rows[i - 2]![j - 2] as number) + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > cap) return cap + 1;
    rows.push(row);
  }
  return rows[a.length]![b.length] as number;
}

/**
 * The candidates close enough to `word` to be a likely typo, best first: the same word up
 * to case and separators, or within an edit distance of about a third of its length.
 */
export function closest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const w = normalize(word.slice(0, 200));
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of candidates) {
    const c = normalize(candidate);
    const score = c === w ? 0 : editDistance(w, c, Math.max(1, Math.floor(Math.max(w.length, c.length) / 3)));
    const allowed = Math.max(1, Math.floor(Math.max(w.length, c.length) / 3));
    if (score <= allowed || (w.length >= 3 && c.startsWith(w)) || (c.length >= 2 && w.startsWith(c)))
      scored.push({ candidate, score });
  }
  return scored
    .sort((x, y) => x.score - y.score)
    .slice(0, max)
    .map((s) => s.candidate);
}

/**
 * What people write for the language's operators, which edit distance cannot find: the
 * names of SQL, of other filter languages, and of words (normalised: lower case, no
 * separators).
 */
const OPERATOR_SYNONYMS: Readonly<Record<string, string>> = {
  "==": "eq",
  "===": "eq",
  "=": "eq",
  is: "eq",
  equals: "eq",
  equal: "eq",
  eql: "eq",
  "!=": "ne",
  "!==": "ne",
  "<>": "ne",
  not: "ne",
  isnot: "ne",
  notequal: "ne",
  notequals: "ne",
  neq: "ne",
  ">": "gt",
  greaterthan: "gt",
  above: "gt",
  after: "gt",
  morethan: "gt",
  ">=": "gte",
  greaterthanorequal: "gte",
  greaterthanorequalto: "gte",
  atleast: "gte",
  ge: "gte",
  "<": "lt",
  lessthan: "lt",
  below: "lt",
  before: "lt",
  "<=": "lte",
  lessthanorequal: "lte",
  lessthanorequalto: "lte",
  atmost: "lte",
  le: "lte",
  oneof: "in",
  anyof: "in",
  within: "in",
  includesany: "in",
  notin: "nin",
  noneof: "nin",
  notoneof: "nin",
  like: "contains",
  ilike: "contains",
  includes: "contains",
  has: "contains",
  substring: "contains",
  match: "contains",
  matches: "contains",
  regex: "contains",
  beginswith: "startsWith",
  prefix: "startsWith",
  startswith: "startsWith",
  suffix: "endsWith",
  endswith: "endsWith",
  isset: "exists",
  present: "exists",
  notnull: "exists",
  isnotnull: "exists",
  defined: "exists",
  hasvalue: "exists",
  exist: "exists",
};

/** The operators a mistaken one most likely meant: a known synonym first, then the nearest by spelling. */
export function operatorSuggestions(word: string, operators: readonly string[]): string[] {
  const normalized = normalize(word.slice(0, 200));
  const synonym = Object.hasOwn(OPERATOR_SYNONYMS, normalized)
    ? OPERATOR_SYNONYMS[normalized]
    : Object.hasOwn(OPERATOR_SYNONYMS, word)
      ? OPERATOR_SYNONYMS[word]
      : undefined;
  const near = closest(word, operators, 2);
  return synonym !== undefined ? [synonym, ...near.filter((n) => n !== synonym)].slice(0, 2) : near;
}

/** An issue's data for `key` where one of `allowed` belongs: the key as received (quoted, cut), the choices, and the closest two. */
export function choices(
  key: string,
  allowed: readonly string[],
): { received: string; allowed: readonly string[]; suggestions: string[] } {
  return { received: JSON.stringify(key.slice(0, 100)), allowed, suggestions: closest(key, allowed, 2) };
}
