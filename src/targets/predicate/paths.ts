/**
 * The paths of one evaluation (a condition's predicate, or a bulk pass over many): each
 * distinct path prepared once, and each long path that several leaves read shared, so
 * that its walk is paid once per document rather than once per leaf (250 leaves on a
 * 2,048-segment path walk 2,048 segments, not 512,000). Short paths are read in place: a
 * shared read costs an array, which a few property reads do not.
 */
import { unlowered } from "../topics.js";
import { dottedPath, fold, type Node } from "../../language/ast.js";
import type { Semantics } from "../../language/versions.js";
import { PathValues, preparePath, type Clock, type PreparedPath } from "../../runtime/path.js";

/** Paths longer than this, read by more than one leaf, are read once per call. */
const SHARED_PATH_SEGMENTS = 6;

export class EvaluationPaths {
  /** Advanced once per call of the evaluation (see {@link PathValues}). */
  readonly clock: Clock = { now: 0 };
  readonly #prepared = new Map<string, PreparedPath>();
  readonly #shared = new Map<string, PathValues>();
  /** Long paths read by more than one leaf: their keys. */
  readonly #sharedKeys = new Set<string>();
  /** Each path array's key, computed once (the parser hands every node on one field the same frozen array). */
  readonly #keys = new Map<readonly string[], string>();

  #key(path: readonly string[]): string {
    let key = this.#keys.get(path);
    if (key === undefined) this.#keys.set(path, (key = dottedPath(path)));
    return key;
  }

  constructor(
    roots: readonly Node[],
    readonly sem: Semantics,
  ) {
    const seen = new Set<string>();
    for (const root of roots) {
      fold<void>(root, {
        leaf: (n) => {
          if (n.field.path.length <= SHARED_PATH_SEGMENTS) return;
          const key = this.#key(n.field.path);
          if (seen.has(key)) this.#sharedKeys.add(key);
          else seen.add(key);
        },
        topic: unlowered,
        elemMatch: (_n, where) => where(),
        and: () => {},
        or: () => {},
        not: () => {},
      });
    }
  }

  /** Starts one call: what shared reads remember from another call is stale. */
  begin(): void {
    this.clock.now++;
  }

  /** Ends one call: shared reads let go of the document and the values they read, so a predicate keeps no document alive. */
  end(): void {
    for (const values of this.#shared.values()) values.clear();
  }

  /** Whether any path is shared (then each call must begin and end a pass). */
  get sharing(): boolean {
    return this.#sharedKeys.size > 0;
  }

  /** The prepared path, once per distinct path. */
  prepared(path: readonly string[]): PreparedPath {
    const key = this.#key(path);
    let prepared = this.#prepared.get(key);
    if (prepared === undefined) this.#prepared.set(key, (prepared = preparePath(path, this.sem.nullThroughArrays)));
    return prepared;
  }

  /** The shared read of a long path that several leaves read, or undefined. */
  shared(path: readonly string[]): PathValues | undefined {
    if (path.length <= SHARED_PATH_SEGMENTS) return undefined;
    const key = this.#key(path);
    if (!this.#sharedKeys.has(key)) return undefined;
    let values = this.#shared.get(key);
    if (values === undefined) this.#shared.set(key, (values = new PathValues(this.prepared(path), this.clock)));
    return values;
  }
}
