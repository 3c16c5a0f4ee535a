/**
 * AST → in-memory predicate by code generation: one JavaScript function per condition,
 * with every leaf test inlined, so V8 optimises it like hand-written code.
 *
 * Safety: the generated source is assembled only from this file's templates and the
 * operator table's. Values, topic ids and field names stay values in the `k` array, never
 * spliced into source; the one exception is a root field name made only of identifier
 * characters, written as a property name (`d.status`), which cannot be anything else.
 * Only plain-object documents run the generated code; any other document, and every
 * document where `new Function` is unavailable (a CSP forbids eval) or the tree is very
 * large, goes to the closure compiler in predicate.ts. A differential test proves the two
 * always agree.
 */
import { fold, type Node } from "../../language/ast.js";
import type { LeafTest, Operand } from "../../language/operators.js";
import type { Semantics } from "../../language/versions.js";
import { anyAtPath, asDocument, isDocument, MISSING, preparePath } from "../../runtime/path.js";
import { compareCodePoints } from "../../runtime/string-order.js";
import { compareNumeric, mayBeOtherNumeric, numericIn } from "../../runtime/numbers.js";
import { dateTime, isBsonSymbol } from "../../runtime/bson.js";
import { buildClosures, elementMatch, type Predicate } from "./closures.js";
import { readsStrings, seesUndefined, testConstants, testSource } from "./leaves.js";

/** A segment usable as a property name in source: identifier characters only, so it can never be more than a name. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads a root field of a plain document (the generated code's only input: other roots go
 * to the closure compiler). A plain object inherits only Object.prototype's built-ins, so
 * just those names need an own-property check; an identifier-safe name is read as a named
 * property (`d.status`), which V8 optimises like hand-written code.
 */
function rootRead(segment: string, key: string): string {
  if (segment in Object.prototype) return `hasOwn(d, ${key}) ? d[${key}] : MISSING`;
  return IDENTIFIER.test(segment) ? `d.${segment}` : `d[${key}]`;
}

/** Beyond this many leaves, one huge generated function optimises worse than closures. */
const MAX_GENERATED_LEAVES = 1_000;

const RUNTIME = Object.freeze({
  hasOwn: Object.hasOwn,
  isArray: Array.isArray,
  isDocument,
  asDocument,
  anyAtPath,
  MISSING,
  cmp: compareCodePoints,
  num: compareNumeric,
  otherNumeric: mayBeOtherNumeric,
  numIn: numericIn,
  time: dateTime,
  sym: isBsonSymbol,
  EMPTY: Object.freeze(Object.create(null) as Record<string, unknown>),
  getProto: Object.getPrototypeOf,
  ObjectProto: Object.prototype,
});

class Generator {
  readonly constants: unknown[] = [];
  readonly functions: string[] = [];
  leaves = 0;
  constructor(readonly sem: Semantics) {}

  ref(value: unknown): string {
    this.constants.push(value);
    return `k[${this.constants.length - 1}]`;
  }

  /** A leaf: any value at `segments` passes the test; returns a call expression on `d`. */
  leaf(segments: readonly string[], test: LeafTest, value: Operand): string {
    const id = this.leaves++;
    const t = `t${id}`;
    const a = `a${id}`;
    const refs = testConstants(test, value).map((constant, i) => {
      this.functions.push(`const c${id}_${i} = ${this.ref(constant)};`);
      return `c${id}_${i}`;
    });
    // A BSONSymbol is a string to MongoDB: tested by its text, checked only where a value is an object anyway.
    const strings = readsStrings(value);
    const u = strings ? `u${id}` : t;
    this.functions.push(`function ${t}(x) { return ${testSource(test, value, "x", refs, this.sem)}; }`);
    if (strings) this.functions.push(`function ${u}(x) { return ${t}(x) || (typeof x === "object" && x !== null && sym(x) && ${t}(x.value)); }`);
    this.functions.push(`function ${a}(v) { for (let i = 0; i < v.length; i++) if (${u}(v[i])) return true; return false; }`);
    const keys = segments.map((segment, i) => {
      this.functions.push(`const s${id}_${i} = ${this.ref(segment)};`);
      return `s${id}_${i}`;
    });
    const lines = [`function l${id}(d) {`, `  let v = ${rootRead(segments[0] as string, keys[0] as string)};`];
    // A named read cannot tell a missing field from one holding undefined; this test must.
    if (seesUndefined(test, this.sem)) lines.push(`  if (v === undefined && !hasOwn(d, ${keys[0]})) v = MISSING;`);
    if (segments.length > 1) {
      const path = `p${id}`;
      this.functions.push(`const ${path} = ${this.ref(preparePath(segments, this.sem.nullThroughArrays))};`);
      for (let i = 1; i < segments.length; i++) {
        // MongoDB's rule for the rest of the path (runtime/path.ts) whenever it is not a plain walk through objects.
        lines.push(
          `  if (typeof v !== "object" || v === null) return ${t}(MISSING);`,
          `  if (isArray(v)) return anyAtPath(v, ${path}, ${i}, ${u});`,
          `  v = asDocument(v);`,
          `  if (v === undefined) return ${t}(MISSING);`,
          `  v = hasOwn(v, ${keys[i]}) ? v[${keys[i]}] : MISSING;`,
        );
      }
    }
    lines.push(
      strings
        ? `  return ${t}(v) || (typeof v === "object" && v !== null && (isArray(v) ? ${a}(v) : sym(v) && ${t}(v.value)));`
        : `  return ${t}(v) || (isArray(v) && ${a}(v));`,
      `}`,
    );
    this.functions.push(lines.join("\n"));
    return `l${id}(d)`;
  }

  /** The expression for a tree over the document variable `d`. */
  expression(root: Node): string {
    return fold<string>(root, {
      leaf: (n) => this.leaf(n.path, n.test, n.value),
      // An element match runs its closures (cheap, and rare: the records topic layout).
      elemMatch: (n) => `${this.ref(elementMatch(preparePath(n.path, this.sem.nullThroughArrays), buildClosures(n.where, this.sem)))}(d)`,
      and: (_n, children) => `(${children.join(" && ")})`,
      or: (_n, children) => `(${children.join(" || ")})`,
      not: (_n, child) => `!${child}`,
    });
  }
}

function countLeaves(root: Node): number {
  return fold<number>(root, {
    leaf: () => 1,
    elemMatch: () => 1,
    and: (_n, children) => children.reduce((a, b) => a + b, 0),
    or: (_n, children) => children.reduce((a, b) => a + b, 0),
    not: (_n, child) => child,
  });
}

/** The generated predicate, or undefined where code generation is not possible or not worth it. */
export function generateMatcher(node: Node, sem: Semantics, fallback: Predicate): Predicate | undefined {
  if (countLeaves(node) > MAX_GENERATED_LEAVES) return undefined;
  const g = new Generator(sem);
  const body = g.expression(node);
  const source = [
    `"use strict";`,
    `const { hasOwn, isArray, isDocument, asDocument, anyAtPath, MISSING, cmp, num, otherNumeric, numIn, time, sym, EMPTY, getProto, ObjectProto, fallback } = runtime;`,
    ...g.functions,
    `function plain(d) {`,
    `  return ${body};`,
    `}`,
    `return function matches(doc) {`,
    `  if (typeof doc === "object" && doc !== null) {`,
    `    const proto = getProto(doc);`,
    `    if (proto === ObjectProto || proto === null) return plain(doc);`,
    `    if (isDocument(doc)) return fallback(doc);`,
    `  }`,
    `  return plain(EMPTY);`,
    `};`,
  ].join("\n");
  try {
    // eslint-disable-next-line no-new-func -- guarded code generation; see the header comment.
    const factory = new Function("runtime", "k", source) as (runtime: typeof RUNTIME & { fallback: Predicate }, k: readonly unknown[]) => Predicate;
    return factory({ ...RUNTIME, fallback }, Object.freeze(g.constants));
  } catch {
    return undefined;
  }
}
