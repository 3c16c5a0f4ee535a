/**
 * The one never-check: the `default` of every switch over a closed union (node kinds, leaf
 * tests, field types, commands) ends in it, so that a new member fails the type check at
 * each switch that misses it, and, should an unchecked value reach one at run time, it
 * throws rather than falling through to some other member's meaning.
 */

/** Fails to compile when a switch over a closed union misses a member; throws if reached. */
export function assertNever(value: never, what: string): never {
  throw new Error(`segmatch: unhandled ${what} ${JSON.stringify(value)}`);
}
