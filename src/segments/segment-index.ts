/**
 * Incremental re-evaluation: many segments held at once, and for one contact update, only
 * the segments that read something that changed are evaluated again.
 *
 * A segment depends on the document paths and topic ids its compilation reports. An update
 * changes a path when the values under it differ; it changes a topic when the contact's
 * subscription to it differs. Both tests are sound: a segment none of whose paths or topics
 * changed gives the same answer before and after (a property test checks this against
 * re-evaluating every segment).
 */
import type { Context } from "../context.js";
import { reads } from "../language/ast.js";
import type { Semantics } from "../language/versions.js";
import type { ResolvedOptions } from "../options.js";
import { SharedLeaves } from "../targets/predicate/shared.js";
import { ConditionError, describe, issue } from "../errors.js";
import type { TopicLayout } from "../language/topics.js";
import { lowerTopics, subscribedIds } from "../targets/topics.js";
import { relativeLeaves } from "../targets/predicate/matcher.js";
import type { Clocked } from "../targets/predicate/clocked.js";
import { nextChange, planLeaves, type LeafPlan } from "../targets/predicate/next-change.js";
import { instantArgument } from "../compile.js";
import { asDocument, field, preparePath, type PreparedPath } from "../runtime/path.js";
import type { ConditionInput } from "./membership.js";
import { EMPTY_DOC, isPlainObject } from "../runtime/plain.js";

export interface SegmentIndex {
  /** Adds or replaces a segment. */
  set(id: string, condition: ConditionInput): void;
  /** Removes a segment; returns whether it was there. */
  delete(id: string): boolean;
  has(id: string): boolean;
  readonly size: number;
  /** Ids of the segments the contact is in. */
  match(contact: unknown): string[];
  /** The segments a contact enters and leaves with one update, re-evaluating only those that read what changed. */
  changes(before: unknown, after: unknown): { entered: string[]; left: string[] };
  /**
   * The segments an unchanged contact enters and leaves between two instants (segments with
   * relative dates; the others never change): `{ entered, left }`.
   */
  changesBetween(contact: unknown, from: Date | number, to: Date | number): { entered: string[]; left: string[] };
  /**
   * The earliest instant after `at` (default: the clock's) at which the segments of an
   * unchanged contact change, or null when they never will: when to check it again.
   */
  nextChange(contact: unknown, at?: Date | number): Date | null;
}

/** MongoDB stores documents at most 100 levels deep; beyond this, values are taken to differ (a safe answer) rather than walked. */
const MAX_COMPARED_DEPTH = 128;
/** Values compared per call: a document that shares subtrees (a DAG in memory) could otherwise take exponential time. */
const MAX_COMPARED_VALUES = 1_000_000;

/**
 * Deep equality of document values as MongoDB would store them (plain data and Dates).
 * Past the depth or size bounds it answers "different", which is always safe for change
 * detection: the segments reading the value are evaluated again.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  const budget = { left: MAX_COMPARED_VALUES };
  return same(a, b, 0, budget);
}

function same(a: unknown, b: unknown, depth: number, budget: { left: number }): boolean {
  // Every value compared counts, equal ones too: two arrays of 2^32 - 1 holes are equal element by element.
  if (--budget.left < 0) return false;
  if (Object.is(a, b)) return true;
  if (depth > MAX_COMPARED_DEPTH) return false;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    // -0 and 0 are the same number to every comparison the language makes; NaN equals NaN above.
    return typeof a === "number" && typeof b === "number" && a === b;
  }
  if (a instanceof Date || b instanceof Date)
    return a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime());
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length || a.length > budget.left) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i], depth + 1, budget)) return false;
    return true;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  // Bytes (a BSON Binary's buffer) are compared as bytes, against the budget: listing a typed array's names lists every index.
  if (ArrayBuffer.isView(a)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(
      (b as ArrayBufferView).buffer,
      (b as ArrayBufferView).byteOffset,
      (b as ArrayBufferView).byteLength,
    );
    if (x.length !== y.length || (budget.left -= x.length) < 0) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  // Own names, enumerable or not: the predicate reads any own property.
  const ka = Object.getOwnPropertyNames(a);
  if (ka.length !== Object.getOwnPropertyNames(b).length) return false;
  for (const k of ka)
    if (
      !Object.hasOwn(b, k) ||
      !same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth + 1, budget)
    )
      return false;
  return true;
}

/** Walks down `path` through documents only; what is left there decides every value under it. */
function subtree(doc: unknown, path: PreparedPath): { depth: number; value: unknown } {
  let value: unknown = doc;
  let depth = 0;
  for (let doc = asDocument(value); depth < path.segments.length && doc !== undefined; doc = asDocument(value)) {
    value = field(doc, path.segments[depth++] as string);
  }
  return { depth, value };
}

function pathChanged(before: unknown, after: unknown, path: PreparedPath): boolean {
  const a = subtree(before, path);
  const b = subtree(after, path);
  return a.depth !== b.depth || !sameValue(a.value, b.value);
}

interface Entry {
  readonly id: string;
  /** The last `changes()` collection that counted this segment as affected (a stamp, so nothing is cleared per call). */
  mark: number;
  /** Set when the segment is deleted or replaced: the lists of {@link Readers} drop it lazily. */
  unlinked: boolean;
  /** The document paths and topic ids the segment reads. */
  readonly fields: readonly string[];
  readonly topics: readonly string[];
  readonly storage: TopicStorage;
  /** The segment's predicate over shared leaves (valid within a pass of its pool). */
  readonly predicate: (doc: Record<string, unknown>) => boolean;
  readonly pool: SharedLeaves;
  readonly slots: readonly number[];
  /** For a segment with relative dates (undefined for most): what nextChange needs. */
  readonly timed: Timed | undefined;
}

/** A segment's relative dates: the leaves that compare with one, the pool's cells they read, and their slots. */
interface Timed {
  readonly plans: readonly LeafPlan[];
  readonly cells: readonly Clocked[];
  readonly clockedSlots: readonly number[];
}

/** The segments as flat arrays, in registration order (for match), and those with relative dates (for nextChange). */
interface Flat {
  readonly ids: string[];
  readonly predicates: ((doc: Record<string, unknown>) => boolean)[];
  readonly relative: Entry[];
}

/** Where and how a group of segments reads topics, with the segments reading each topic id. */
interface TopicStorage {
  readonly path: PreparedPath;
  readonly layout: TopicLayout;
  readonly byTopic: Map<string, Readers>;
}

/**
 * The segments reading one path or one topic, in the order they were set. A list rather
 * than a Set (registering 100,000 segments appends to it, no hashing): an unlinked segment
 * stays in it, skipped, until half of it is unlinked, then the list is compacted (so it
 * keeps at most as many unlinked segments alive as live ones).
 */
class Readers {
  list: Entry[] = [];
  live = 0;

  add(entry: Entry): void {
    this.list.push(entry);
    this.live++;
  }

  /** One of the list's segments was unlinked; false when none is left. */
  removed(): boolean {
    if (--this.live === 0) return false;
    if (this.list.length > 2 * this.live) this.list = this.list.filter((entry) => !entry.unlinked);
    return true;
  }
}

/** A segment id: a string, or a ConditionError. */
function segmentId(id: unknown): string {
  if (typeof id !== "string")
    throw new ConditionError([
      issue(["id"], {
        code: "invalid_type",
        reason: "argument",
        argument: "segment_id",
        expected: "a string",
        received: describe(id),
      }),
    ]);
  return id;
}

/**
 * An index of segments. Each `set` is one call of the context's rule: with the index's own
 * options, every segment shares their topic storage; without, a compiled condition brings
 * its own (and is tracked by it).
 */
export function createSegmentIndex(ctx: Context): SegmentIndex {
  return new Index(ctx);
}

class Index implements SegmentIndex {
  readonly #ctx: Context;
  readonly #segments = new Map<string, Entry>();
  /** root key → path → the segments reading that path. */
  readonly #byRoot = new Map<string, Map<string, { path: PreparedPath; entries: Readers }>>();
  /** Numbers the collections of affected segments (see Entry.mark). */
  #collections = 0;
  /** Topic storages by `layout:path`. Usually one; a CompiledCondition made with other topic options brings its own. */
  readonly #storages = new Map<string, TopicStorage>();
  /** Leaves shared by all segments, one pool per server version (an index without options may hold conditions compiled for another). */
  readonly #pools = new Map<Semantics, SharedLeaves>();
  /** The segments as two flat arrays, in registration order, for match(); rebuilt after a change. */
  #flat: Flat | undefined;

  constructor(ctx: Context) {
    this.#ctx = ctx;
  }

  get size(): number {
    return this.#segments.size;
  }

  /** How a message names an index given where a condition belongs. */
  get "segmatch:describedAs"(): string {
    return "a segment index";
  }

  has(id: string): boolean {
    return this.#segments.has(segmentId(id));
  }

  set(id: string, condition: unknown): void {
    segmentId(id);
    // Everything that can fail happens before the index changes, so a failed set leaves it as it was.
    const call = this.#ctx.call(condition);
    const { ast, relative } = call.parsed(condition);
    const { fields, topics } = reads(ast);
    const previous = this.#segments.get(id);
    if (previous) this.#unlink(previous);
    this.#flat = undefined;
    const storage = this.#storageOf(call.options);
    const pool = this.#poolOf(call.options.semantics);
    const { predicate, slots, clockedSlots, root, cells } = pool.add(
      topics.length > 0 ? lowerTopics(ast, call.options) : ast,
      relative ? call.options.zone : undefined,
    );
    // The clock relative segments answer at: the index's own options', or else (as a call without options takes a compiled condition's) the first relative segment's.
    if (pool.clocked) this.#clock ??= this.#ctx.options.given ? this.#ctx.options.clock : call.options.clock;
    // Internal bookkeeping, never handed out: not frozen (freezing 100,000 entries costs more than it guards).
    const timed = cells.length > 0 ? { plans: planLeaves(relativeLeaves(root)), cells, clockedSlots } : undefined;
    const entry: Entry = { id, mark: 0, unlinked: false, fields, topics, storage, predicate, pool, slots, timed };
    this.#segments.set(id, entry);
    for (const p of fields) {
      const dot = p.indexOf(".");
      const root = dot < 0 ? p : p.slice(0, dot);
      let byPath = this.#byRoot.get(root);
      if (!byPath) this.#byRoot.set(root, (byPath = new Map()));
      let slot = byPath.get(p);
      if (!slot) byPath.set(p, (slot = { path: preparePath(p.split(".")), entries: new Readers() }));
      slot.entries.add(entry);
    }
    for (const t of topics) {
      let entries = storage.byTopic.get(t);
      if (!entries) storage.byTopic.set(t, (entries = new Readers()));
      entries.add(entry);
    }
  }

  delete(id: string): boolean {
    const entry = this.#segments.get(segmentId(id));
    if (!entry) return false;
    this.#unlink(entry);
    this.#flat = undefined;
    return this.#segments.delete(id);
  }

  match(contact: unknown): string[] {
    return this.#inPasses(() => this.#matchAll(contact));
  }

  changes(before: unknown, after: unknown): { entered: string[]; left: string[] } {
    return this.#inPasses(() => this.#changesOf(before, after));
  }

  /** The clock of the segments with relative dates (see set). */
  #clock: (() => number) | undefined;

  #poolOf(sem: Semantics): SharedLeaves {
    let pool = this.#pools.get(sem);
    if (!pool) this.#pools.set(sem, (pool = new SharedLeaves(sem)));
    return pool;
  }

  #storageOf(options: ResolvedOptions): TopicStorage {
    const { topicsPath, topicsLayout } = options;
    const key = `${topicsLayout}:${topicsPath}`;
    let storage = this.#storages.get(key);
    if (!storage)
      this.#storages.set(
        key,
        (storage = { path: preparePath(topicsPath.split(".")), layout: topicsLayout, byTopic: new Map() }),
      );
    return storage;
  }

  #flatten(): Flat {
    if (this.#flat) return this.#flat;
    const ids: string[] = [];
    const predicates: ((doc: Record<string, unknown>) => boolean)[] = [];
    const relative: Entry[] = [];
    for (const [id, entry] of this.#segments) {
      ids.push(id);
      predicates.push(entry.predicate);
      if (entry.timed !== undefined) relative.push(entry);
    }
    return (this.#flat = { ids, predicates, relative });
  }

  #unlink(entry: Entry): void {
    const { fields, topics, storage, pool, slots, timed } = entry;
    entry.unlinked = true;
    pool.release(slots);
    if (timed !== undefined) pool.releaseCells(timed.cells);
    for (const p of fields) {
      const root = p.split(".")[0] as string;
      const paths = this.#byRoot.get(root);
      const slot = paths?.get(p);
      if (slot && !slot.entries.removed()) paths!.delete(p);
      if (paths && paths.size === 0) this.#byRoot.delete(root);
    }
    for (const t of topics) {
      const entries = storage.byTopic.get(t);
      if (entries && !entries.removed()) storage.byTopic.delete(t);
    }
  }

  /**
   * Runs an evaluation in passes of its own over the shared leaves, and resumes the passes
   * that were current after it: a document whose getter calls back into this index gets a
   * correct answer, and so does the evaluation it interrupted.
   */
  changesBetween(contact: unknown, from: Date | number, to: Date | number): { entered: string[]; left: string[] } {
    const [a, b] = [instantArgument(from, "from"), instantArgument(to, "to")];
    const was = new Set(this.#inPasses(() => this.#matchAll(contact), a));
    const is = this.#inPasses(() => this.#matchAll(contact), b);
    const entered = is.filter((id) => !was.has(id));
    const kept = new Set(is);
    return { entered, left: [...was].filter((id) => !kept.has(id)) };
  }

  nextChange(contact: unknown, at?: Date | number): Date | null {
    const { relative } = this.#flatten();
    if (relative.length === 0) return null;
    const t0 = at === undefined ? (this.#clock ?? this.#ctx.options.clock)() : instantArgument(at, "at");
    const doc = asDocument(contact);
    if (doc === undefined) return null; // no fields: nothing a relative date compares with
    // Segment by segment, in one pass: the leaves without a relative date are evaluated once for all, and a
    // segment is searched only up to the earliest change found so far.
    const answerAt = ({ timed, pool, predicate }: Entry, t: number): boolean => {
      for (const cell of timed!.cells) cell.set(t);
      pool.forget(timed!.clockedSlots);
      return predicate(doc);
    };
    const t = this.#inPasses(() => {
      let best = Infinity;
      for (const entry of relative) {
        const found = nextChange(entry.timed!.plans, doc, t0, answerAt, entry, best);
        if (found !== null && found < best) best = found;
      }
      return best;
    }, t0);
    return t === Infinity ? null : new Date(t);
  }

  #inPasses<T>(run: () => T, instant?: number): T {
    const list = [...this.#pools.values()];
    // Segments with relative dates answer at one reading of the index's clock (or the instant asked about), for the whole call.
    const clocked = list.filter((pool) => pool.clocked);
    const at = clocked.length > 0 ? (instant ?? (this.#clock ?? this.#ctx.options.clock)()) : 0;
    const clocks = clocked.map((pool) => pool.setClock(at));
    const saved = list.map((pool) => pool.begin());
    try {
      return run();
    } finally {
      list.forEach((pool, i) => pool.end(saved[i] as number));
      clocked.forEach((pool, i) => pool.restoreClock(clocks[i]!));
    }
  }

  #matchAll(contact: unknown): string[] {
    const doc = asDocument(contact) ?? EMPTY_DOC;
    for (const pool of this.#pools.values()) pool.begin();
    const { ids, predicates } = this.#flatten();
    const out: string[] = [];
    for (let i = 0; i < predicates.length; i++)
      if ((predicates[i] as (doc: Record<string, unknown>) => boolean)(doc)) out.push(ids[i] as string);
    return out;
  }

  /** The segments whose paths or topics differ between the two documents, each once: marked with this collection's stamp, so no set of ids is built. */
  #affected(a: Record<string, unknown>, b: Record<string, unknown>): Entry[] {
    const stamp = ++this.#collections;
    const affected: Entry[] = [];
    const collect = (readers: Readers) => {
      for (const entry of readers.list) {
        if (entry.mark === stamp || entry.unlinked) continue;
        entry.mark = stamp;
        affected.push(entry);
      }
    };
    // Only root keys whose values differ can hide a changed path. A plain document inherits
    // only from Object.prototype, so where that has no such key (even a polluted one), a
    // value read on both sides, identical and defined, is the same own field.
    const plain = isPlainObject(a) && isPlainObject(b);
    for (const [root, paths] of this.#byRoot) {
      if (plain && !(root in Object.prototype)) {
        const va = a[root];
        if (va === b[root] && va !== undefined) continue;
      }
      if (sameValue(field(a, root), field(b, root))) continue;
      for (const { path, entries } of paths.values()) if (pathChanged(a, b, path)) collect(entries);
    }
    for (const storage of this.#storages.values()) {
      if (storage.byTopic.size === 0 || !pathChanged(a, b, storage.path)) continue;
      const was = subscribedIds(a, storage.path, storage.layout);
      const is = subscribedIds(b, storage.path, storage.layout);
      for (const [topic, entries] of storage.byTopic) if (was.has(topic) !== is.has(topic)) collect(entries);
    }
    // A getter that called back into changes() while this collection read the documents re-stamped entries: dedupe the slow way.
    return this.#collections === stamp ? affected : [...new Set(affected)];
  }

  #changesOf(before: unknown, after: unknown): { entered: string[]; left: string[] } {
    const a = asDocument(before) ?? EMPTY_DOC;
    const b = asDocument(after) ?? EMPTY_DOC;
    const list = this.#affected(a, b);
    // Each side is one pass over the shared leaves: a leaf read by many affected segments runs once per side.
    for (const pool of this.#pools.values()) pool.begin();
    const was = new Uint8Array(list.length);
    // A segment that a document's getter deleted meanwhile is skipped: its slots may already hold other leaves.
    for (let i = 0; i < list.length; i++) {
      const entry = list[i] as Entry;
      was[i] = !entry.unlinked && entry.predicate(a) ? 1 : 0;
    }
    for (const pool of this.#pools.values()) pool.begin();
    const entered: string[] = [];
    const left: string[] = [];
    for (let i = 0; i < list.length; i++) {
      const entry = list[i] as Entry;
      if (entry.unlinked) continue;
      const isIn = entry.predicate(b);
      if ((was[i] === 1) !== isIn) (isIn ? entered : left).push(entry.id);
    }
    return { entered, left };
  }
}
