/**
 * Relative dates in the predicate: each becomes a {@link Clocked} cell that the leaf tests
 * read (`cell.value`, epoch milliseconds), set once per call to the call's instant. A cell
 * keeps the piece of clock its value moves in (time/date-math.ts `piece`), so a moving clock
 * costs a comparison and an addition per call, not a resolution.
 */
import { node, rewrite, type Node } from "../../language/ast.js";
import type { Operand } from "../../language/operators.js";
import { RelativeDate } from "../../language/relative.js";
import { piece, type Piece } from "../../time/date-math.js";
import type { Zone } from "../../time/zone.js";

export class Clocked {
  /** The resolved instant, epoch milliseconds (NaN before the first call: no value compares with it). */
  value = Number.NaN;
  /** The piece kept, and its fields again as plain numbers, read by {@link set} on every call. */
  #piece: Piece | undefined;
  private from = 0;
  private until = Number.NEGATIVE_INFINITY;
  private base = Number.NaN;
  private slope = 0;

  constructor(
    readonly relative: RelativeDate,
    readonly zone: Zone,
  ) {}

  /** Whether the field stores epoch milliseconds (else Dates): which values the tests compare with. */
  get epoch(): boolean {
    return this.relative.storage === "epochMillis";
  }

  /** Sets the value at the instant `at`. */
  set(at: number): void {
    if (at >= this.from && at < this.until) this.value = this.base + this.slope * (at - this.from);
    else this.value = this.pieceAt(at).value;
  }

  /** The piece of clock holding `at`: the one kept, or a new one from `at` (then kept). */
  pieceAt(at: number): Piece {
    const p = this.#piece;
    if (p !== undefined && at >= p.from && at < p.until) return p;
    const q = (this.#piece = piece(this.relative.math, at, this.zone, this.relative.up));
    this.from = q.from;
    this.until = q.until;
    this.base = q.value;
    this.slope = q.slope;
    return q;
  }

  /** What shared evaluation dedupes a leaf by: the date math, its rounding, its storage and zone. */
  toJSON(): unknown {
    return { relative: this.relative.text, up: this.relative.up, storage: this.relative.storage, zone: this.zone.name };
  }
}

/**
 * The tree with every relative date replaced by a cell (one per distinct date math,
 * rounding and storage, from `cells`, which a caller may share across trees), and the
 * cells it uses. A tree without one comes back as it is.
 */
export function bindClock(
  root: Node,
  zone: Zone,
  cells: Map<string, Clocked> = new Map(),
): { readonly root: Node; readonly cells: readonly Clocked[] } {
  const used = new Set<Clocked>();
  const bound = rewrite(root, {
    leaf: (n) => {
      if (!(n.value instanceof RelativeDate)) return n;
      const key = `${n.value.text} ${n.value.up} ${n.value.storage} ${zone.name}`;
      let cell = cells.get(key);
      if (cell === undefined) cells.set(key, (cell = new Clocked(n.value, zone)));
      used.add(cell);
      return node.leaf(n.field, n.test, cell as unknown as Operand, n.origin);
    },
  });
  return { root: bound, cells: [...used] };
}

/**
 * Runs `predicate` on `doc` with every cell set to the instant `at`, and puts back the
 * values it found, even when the predicate throws: a call made while another runs (a
 * document's getter that asks the same predicate about another instant) leaves the outer
 * call's values as they were.
 */
export function atClock(
  cells: readonly Clocked[],
): (at: number, predicate: (doc: unknown) => boolean, doc: unknown) => boolean {
  if (cells.length === 1) {
    const cell = cells[0]!;
    return (at, predicate, doc) => {
      const saved = cell.value;
      cell.set(at);
      try {
        return predicate(doc);
      } finally {
        cell.value = saved;
      }
    };
  }
  return (at, predicate, doc) => {
    const saved = cells.map((cell) => cell.value);
    for (const cell of cells) cell.set(at);
    try {
      return predicate(doc);
    } finally {
      cells.forEach((cell, i) => (cell.value = saved[i]!));
    }
  };
}
