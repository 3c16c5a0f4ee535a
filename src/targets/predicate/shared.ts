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
import { fold, nodeKey, type LeafNode, type Node } from "../../language/ast.js";
import type { Semantics } from "../../language/versions.js";
import { all, any, buildClosures } from "./closures.js";
import { bindClock, Clocked } from "./clocked.js";
import type { Zone } from "../../time/zone.js";

type DocPredicate = (doc: Record<string, unknown>) => boolean;
const NONE: readonly number[] = Object.freeze([]);

/**
 * Where a slot is found: a leaf by its field's dotted path, then its test, then its operand
 * (a primitive operand is its own key; any other is keyed by its JSON under the test's
 * `\0json` entry, so that no string operand can stand for it); any other node by its key.
 * Small maps by path keep a lookup away from one huge table of concatenated keys.
 */
type SlotHome = Map<unknown, number>;
interface SlotAddress {
  readonly home: SlotHome;
  readonly key: unknown;
  /** The leaf's maps by test and by path, emptied and dropped with the last slot they hold. */
  readonly byTest?: Map<string, SlotHome>;
  readonly test?: string;
  readonly dotted?: string;
}

export class SharedLeaves {
  private readonly byPath = new Map<string, Map<string, SlotHome>>();
  private readonly others: SlotHome = new Map();
  private readonly addresses: (SlotAddress | undefined)[] = [];
  private held = 0;
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
    return this.held;
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
    // Where `n`'s slot is (or is to be) kept; nothing is allocated when it is there already.
    let home = this.others;
    let key: unknown;
    let byTest: Map<string, SlotHome> | undefined;
    let test: string | undefined;
    if (n.kind !== "leaf") key = nodeKey(n);
    else {
      const value = n.value;
      const primitive = value === null || (typeof value !== "object" && typeof value !== "function");
      test = primitive ? n.test : `${n.test}\0json`;
      key = primitive ? value : nodeKey(n);
      byTest = this.byPath.get(n.field.dotted);
      if (byTest === undefined) this.byPath.set(n.field.dotted, (byTest = new Map()));
      const found = byTest.get(test);
      if (found === undefined) byTest.set(test, (home = new Map()));
      else home = found;
    }
    let slot = home.get(key);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.tests.length;
      home.set(key, slot);
      this.held++;
      this.addresses[slot] =
        byTest === undefined ? { home, key } : { home, key, byTest, test: test!, dotted: (n as LeafNode).field.dotted };
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
      const { home, key, byTest, test, dotted } = this.addresses[slot]!;
      home.delete(key);
      this.held--;
      if (home.size === 0 && byTest !== undefined) {
        byTest.delete(test!);
        if (byTest.size === 0) this.byPath.delete(dotted!);
      }
      this.addresses[slot] = undefined;
      this.tests[slot] = undefined;
      this.nodes[slot] = undefined;
      this.free.push(slot);
    }
  }
}
