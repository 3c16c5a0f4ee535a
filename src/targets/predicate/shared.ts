/**
 * Many conditions evaluated together, sharing their leaves: identical leaf tests (same
 * path, test and operand; same element match) across all registered conditions are one
 * slot, evaluated at most once per document, and each condition is a small combinator of
 * slots. This is how a segment index or a many-segment count answers for thousands of
 * segments: realistic segments repeat their leaves (`status`, `country`, a topic), so the
 * work per document grows with the distinct leaves, not with the segments.
 *
 * The memo is per document pass: `begin()` starts one, and a slot remembers its answer for
 * the pass it was computed in (a stamp per slot, so nothing is cleared per document).
 */
import { unlowered } from "../topics.js";
import { fold, nodeKey, type Node } from "../../language/ast.js";
import type { Semantics } from "../../language/versions.js";
import { all, any, buildClosures } from "./closures.js";
import { bindClock, Clocked } from "./clocked.js";
import type { Zone } from "../../time/zone.js";

type DocPredicate = (doc: Record<string, unknown>) => boolean;
const NONE: readonly number[] = Object.freeze([]);

export class SharedLeaves {
  private readonly slotOf = new Map<string, number>();
  private readonly keys: (string | undefined)[] = [];
  /** Per slot: its test, built on first use (registering thousands of segments builds nothing it does not run). */
  private readonly tests: (DocPredicate | undefined)[] = [];
  private readonly nodes: (Node | undefined)[] = [];
  private readonly uses: number[] = [];
  private readonly free: number[] = [];
  /** Per slot: the pass its answer was computed in, and the answer. Read by the slot closures on every call. */
  stamps = new Int32Array(64);
  values = new Uint8Array(64);
  pass = 0;

  constructor(private readonly sem: Semantics) {}

  /** The relative dates of the pool's conditions, one cell per distinct one, and how many conditions hold each. */
  private readonly cells = new Map<string, Clocked>();
  private readonly cellUses = new Map<Clocked, number>();

  /** Gives back the cells of a condition that is no longer registered: a cell no condition holds is dropped. */
  releaseCells(cells: readonly Clocked[]): void {
    for (const cell of cells) {
      const uses = (this.cellUses.get(cell) ?? 1) - 1;
      if (uses > 0) {
        this.cellUses.set(cell, uses);
        continue;
      }
      this.cellUses.delete(cell);
      for (const [key, held] of this.cells) if (held === cell) this.cells.delete(key);
    }
  }

  /** Whether a condition of the pool has a relative date: then its passes need an instant ({@link setClock}). */
  get clocked(): boolean {
    return this.cells.size > 0;
  }

  /** Sets every relative date to the instant `at`; returns the values it replaces, for {@link restoreClock}. */
  setClock(at: number): number[] {
    const saved: number[] = [];
    for (const cell of this.cells.values()) {
      saved.push(cell.value);
      cell.set(at);
    }
    return saved;
  }

  /** Puts back the values {@link setClock} replaced (a nested call's instant does not outlive it). */
  restoreClock(saved: readonly number[]): void {
    let i = 0;
    for (const cell of this.cells.values()) if (i < saved.length) cell.value = saved[i++]!;
  }

  /** Forgets the answers of `slots` in the current pass (the relative ones, when the clock moved within it). */
  forget(slots: readonly number[]): void {
    for (const slot of slots) this.stamps[slot] = 0;
  }

  /** Distinct leaves held. */
  get size(): number {
    return this.slotOf.size;
  }

  /** Passes are numbered from this counter, never reused: a pass's answers can never be taken for another's. */
  private issued = 0;

  /**
   * Starts the evaluation of one document: every slot's remembered answer is stale. Returns
   * the pass that was current, for {@link end}: a document whose getter evaluates another
   * document through the same pool (reentrancy) gets its own pass, and the outer pass then
   * resumes with only its own answers.
   */
  begin(): number {
    const previous = this.pass;
    if (++this.issued === 0x7fffffff) {
      this.issued = 1;
      this.stamps.fill(0);
    }
    this.pass = this.issued;
    return previous;
  }

  /** Ends a pass begun with {@link begin}, resuming the one that was current. */
  end(previous: number): void {
    this.pass = previous;
  }

  private acquire(n: Node): number {
    const key = nodeKey(n);
    let slot = this.slotOf.get(key);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.tests.length;
      this.slotOf.set(key, slot);
      this.keys[slot] = key;
      this.tests[slot] = undefined;
      this.nodes[slot] = n;
      this.uses[slot] = 0;
      if (slot >= this.stamps.length) {
        const stamps = new Int32Array(this.stamps.length * 2);
        stamps.set(this.stamps);
        const values = new Uint8Array(this.values.length * 2);
        values.set(this.values);
        this.stamps = stamps;
        this.values = values;
      }
      this.stamps[slot] = 0;
    }
    this.uses[slot]!++;
    return slot;
  }

  /**
   * Registers a condition and returns its predicate over documents, valid within a pass
   * (after {@link begin}), and the slots it holds, to give back with {@link release}.
   */
  add(
    lowered: Node,
    zone?: Zone,
  ): {
    predicate: DocPredicate;
    slots: number[];
    clockedSlots: readonly number[];
    root: Node;
    cells: readonly Clocked[];
  } {
    // Relative dates become the pool's cells (one per distinct one), set by setClock before a pass.
    const bound = zone === undefined ? { root: lowered, cells: [] } : bindClock(lowered, zone, this.cells);
    const root = bound.root;
    for (const cell of bound.cells) this.cellUses.set(cell, (this.cellUses.get(cell) ?? 0) + 1);
    const slots: number[] = [];
    let clockedSlots: number[] | undefined;
    const slot = (n: Node): DocPredicate => {
      const i = this.acquire(n);
      slots.push(i);
      if (n.kind === "leaf" && n.value instanceof Clocked) (clockedSlots ??= []).push(i);
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- the closure reads the pool's current arrays (they grow)
      const pool = this;
      let test: DocPredicate | undefined;
      return (doc) => {
        if (pool.stamps[i] === pool.pass) return pool.values[i] === 1;
        test ??= pool.testOf(i);
        const answer = test(doc);
        pool.stamps[i] = pool.pass;
        pool.values[i] = answer ? 1 : 0;
        return answer;
      };
    };
    const predicate = fold<DocPredicate>(root, {
      leaf: slot,
      topic: unlowered,
      // An element match is one slot, whole: its inner tests run on array elements, not on the document.
      elemMatch: (n) => slot(n),
      and: (_n, children) => all(children),
      or: (_n, children) => any(children),
      not: (_n, child) => (doc) => !child(doc),
    });
    return { predicate, slots, clockedSlots: clockedSlots ?? NONE, root, cells: bound.cells };
  }

  /** The test of a slot, built once, on first use. */
  private testOf(slot: number): DocPredicate {
    let test = this.tests[slot];
    if (test === undefined) this.tests[slot] = test = buildClosures(this.nodes[slot] as Node, this.sem);
    return test;
  }

  /** Gives back the slots of a condition that is no longer registered. */
  release(slots: readonly number[]): void {
    for (const slot of slots) {
      if (--this.uses[slot]! > 0) continue;
      this.slotOf.delete(this.keys[slot]!);
      this.keys[slot] = undefined;
      this.tests[slot] = undefined;
      this.nodes[slot] = undefined;
      this.free.push(slot);
    }
  }
}
