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
 * large, goes to the closures (closures.ts). A differential property checks that the two
 * always agree.
 */
import { unlowered } from "../topics.js";
import { fold, nodeKey, type ElemMatchNode, type LeafNode, type Node } from "../../language/ast.js";
import type { LeafTest, Operand } from "../../language/operators.js";
import type { Semantics } from "../../language/versions.js";
import { anyAtPath, asDocument, isDocument, MISSING } from "../../runtime/path.js";
import { EvaluationPaths } from "./paths.js";
import { compareCodePoints } from "../../runtime/string-order.js";
import { compareNumeric, mayBeOtherNumeric, numericIn } from "../../runtime/numbers.js";
import { dateTime, isBsonSymbol } from "../../runtime/bson.js";
import { buildClosures, elementMatch, type Predicate } from "./closures.js";
import { readsStrings, seesUndefined, testConstants, testSource } from "./leaves.js";
import { EMPTY_DOC, isPlainObject } from "../../runtime/plain.js";

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

/** Paths up to this many segments are walked in the generated source; longer ones by the runtime. */
const UNROLLED_SEGMENTS = 6;

/** Beyond this many leaves, one huge generated function optimises worse than closures. */
const MAX_GENERATED_LEAVES = 1_000;

/** A plain object: the only value the generated code walks into by itself. */
const isPlain = isPlainObject;

const RUNTIME = Object.freeze({
  isPlain,
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
  EMPTY: EMPTY_DOC,
  getProto: Object.getPrototypeOf,
  ObjectProto: Object.prototype,
});

class Generator {
  readonly constants: unknown[] = [];
  readonly functions: string[] = [];
  leaves = 0;
  constructor(
    readonly sem: Semantics,
    readonly paths: EvaluationPaths,
  ) {}

  /**
   * The entry point `name(params)` around the function `run`: where paths are shared, each
   * call begins a pass of shared reads and ends it (releasing what it read), even when a
   * document's getter throws.
   */
  entry(name: string, params: string, returns: boolean): string[] {
    if (!this.paths.sharing) return [`return run;`];
    const paths = this.ref(this.paths);
    return [
      `return function ${name}(${params}) {`,
      `  ${paths}.begin();`,
      `  try { ${returns ? "return " : ""}run(${params}); } finally { ${paths}.end(); }`,
      `};`,
    ];
  }

  private readonly pathConstants = new Map<string, { keys: string[]; path: string }>();

  /** The constants of a path, emitted once per distinct path: its segments (the first few by name) and the prepared path. */
  path(segments: readonly string[]): { keys: string[]; path: string } {
    const key = JSON.stringify(segments);
    let found = this.pathConstants.get(key);
    if (!found) {
      const n = this.pathConstants.size;
      const keys = segments.slice(0, UNROLLED_SEGMENTS + 1).map((segment, i) => {
        this.functions.push(`const s${n}_${i} = ${this.ref(segment)};`);
        return `s${n}_${i}`;
      });
      const path = `p${n}`;
      this.functions.push(`const ${path} = ${this.ref(this.paths.prepared(segments))};`);
      this.pathConstants.set(key, (found = { keys, path }));
    }
    return found;
  }

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
    if (strings)
      this.functions.push(
        `function ${u}(x) { return ${t}(x) || (typeof x === "object" && x !== null && sym(x) && ${t}(x.value)); }`,
      );
    const symbolStep = strings ? ` || (typeof x === "object" && x !== null && sym(x) && ${t}(x.value))` : "";
    this.functions.push(
      `function ${a}(v) { for (let i = 0; i < v.length; i++) { const x = v[i]; if (${testSource(test, value, "x", refs, this.sem)}${symbolStep}) return true; } return false; }`,
    );
    const shared = this.paths.shared(segments);
    if (shared) {
      // A long path several leaves read: walked once per call, its values offered to each test.
      this.functions.push(`function l${id}(d) { return ${this.ref(shared)}.any(d, ${u}); }`);
      return `l${id}(d)`;
    }
    const { keys, path } = this.path(segments);
    if (segments.length === 1) {
      // A root field: an expression in the caller's body over its variable `v` (every
      // function that holds expressions declares one; a leaf's expression is complete
      // before the next one assigns it), so the common case calls no function at all.
      const read = rootRead(segments[0] as string, keys[0] as string);
      const missing = seesUndefined(test, this.sem)
        ? ` v === undefined && !hasOwn(d, ${keys[0]}) && (v = MISSING),`
        : "";
      const inline = testSource(test, value, "v", refs, this.sem);
      const slow = strings
        ? `(typeof v === "object" && v !== null && (isArray(v) ? ${a}(v) : sym(v) && ${t}(v.value)))`
        : `(isArray(v) && ${a}(v))`;
      return `((v = ${read}),${missing} ${inline} || ${slow})`;
    }
    const lines = [`function l${id}(d) {`, `  let v = ${rootRead(segments[0] as string, keys[0] as string)};`];
    // Through plain objects only, an embedded path is an expression too (`d.properties.plan`,
    // read by name where the names allow); anything else (an array, a class instance, a
    // missing step) goes to the function below, which applies MongoDB's whole rule.
    const inlineWalk = segments.length <= UNROLLED_SEGMENTS && !seesUndefined(test, this.sem);
    const walked = (): string => {
      const steps = [`(v = ${rootRead(segments[0] as string, keys[0] as string)}, isPlain(v))`];
      for (let i = 1; i < segments.length; i++) {
        const segment = segments[i] as string;
        const named = IDENTIFIER.test(segment) && !(segment in Object.prototype);
        const read = named ? `v.${segment}` : `(hasOwn(v, ${keys[i]}) ? v[${keys[i]}] : MISSING)`;
        steps.push(i + 1 === segments.length ? `((v = ${read}), true)` : `(v = ${read}, isPlain(v))`);
      }
      const inline = testSource(test, value, "v", refs, this.sem);
      const slow = strings
        ? `(typeof v === "object" && v !== null && (isArray(v) ? ${a}(v) : sym(v) && ${t}(v.value)))`
        : `(isArray(v) && ${a}(v))`;
      return `(${steps.join(" && ")} ? ${inline} || ${slow} : l${id}(d))`;
    };
    // A named read cannot tell a missing field from one holding undefined; this test must.
    if (seesUndefined(test, this.sem) && segments.length === 1)
      lines.push(`  if (v === undefined && !hasOwn(d, ${keys[0]})) v = MISSING;`);
    if (segments.length > UNROLLED_SEGMENTS) {
      // A long path is walked by the runtime: the source stays the same size whatever the path's length.
      lines.push(`  return anyAtPath(v, ${path}, 1, ${u});`, `}`);
      this.functions.push(lines.join("\n"));
      return `l${id}(d)`;
    }
    for (let i = 1; i < segments.length; i++) {
      const segment = segments[i] as string;
      const key = keys[i] as string;
      const last = i + 1 === segments.length;
      // A plain object is read by name where the name is an identifier that Object.prototype lacks (as root fields are).
      const named = IDENTIFIER.test(segment) && !(segment in Object.prototype);
      const plainRead = named
        ? `{ const o = v; v = o.${segment};${last && seesUndefined(test, this.sem) ? ` if (v === undefined && !hasOwn(o, ${key})) v = MISSING;` : ""} }`
        : `v = hasOwn(v, ${key}) ? v[${key}] : MISSING;`;
      // MongoDB's rule for the rest of the path (runtime/path.ts) whenever it is not a plain walk through objects.
      lines.push(
        `  if (typeof v !== "object" || v === null) return ${t}(MISSING);`,
        `  if (isArray(v)) return anyAtPath(v, ${path}, ${i}, ${u});`,
        `  { const proto = getProto(v);`,
        `    if (proto === ObjectProto || proto === null) ${plainRead}`,
        `    else { v = asDocument(v); if (v === undefined) return ${t}(MISSING); v = hasOwn(v, ${key}) ? v[${key}] : MISSING; } }`,
      );
    }
    lines.push(
      strings
        ? `  return ${t}(v) || (typeof v === "object" && v !== null && (isArray(v) ? ${a}(v) : sym(v) && ${t}(v.value)));`
        : `  return ${t}(v) || (isArray(v) && ${a}(v));`,
      `}`,
    );
    this.functions.push(lines.join("\n"));
    return inlineWalk ? walked() : `l${id}(d)`;
  }

  /** A path-level test (a leaf, or an element match) as a call expression on `d`. */
  atom(n: LeafNode | ElemMatchNode): string {
    if (n.kind === "leaf") return this.leaf(n.field.path, n.test, n.value);
    return this.elementMatch(n);
  }

  /**
   * MongoDB's `$elemMatch` (the records topic layout): some element of the array at the
   * path is a document for which `where` holds. Generated inline for a one-segment path
   * and plain elements; other elements, and longer paths, run the closures.
   */
  elementMatch(n: ElemMatchNode): string {
    const closures = buildClosures(n.where, this.sem);
    if (n.path.length !== 1) return `${this.ref(elementMatch(this.paths.prepared(n.path), closures))}(d)`;
    const id = this.leaves++;
    const { keys } = this.path(n.path);
    // The inner tests read the element: their call expressions name `d`, which is the element's parameter here.
    const where = this.expression(n.where);
    const slow = this.ref(closures);
    this.functions.push(
      [
        `function w${id}(d) { let v; return ${where}; }`,
        `function e${id}(d) {`,
        `  const v = ${rootRead(n.path[0] as string, keys[0] as string)};`,
        `  if (!isArray(v)) return false;`,
        `  for (let i = 0; i < v.length; i++) {`,
        `    const el = v[i];`,
        `    if (typeof el !== "object" || el === null) continue;`,
        `    const proto = getProto(el);`,
        `    if (proto === ObjectProto || proto === null) { if (w${id}(el)) return true; }`,
        `    else { const doc = asDocument(el); if (doc !== undefined && ${slow}(doc)) return true; }`,
        `  }`,
        `  return false;`,
        `}`,
      ].join("\n"),
    );
    return `e${id}(d)`;
  }

  /** The expression for a tree over the document variable `d`, with `atom` for its path-level tests. */
  expression(root: Node, atom: (n: LeafNode | ElemMatchNode) => string = (n) => this.atom(n)): string {
    return fold<string>(root, {
      leaf: atom,
      topic: unlowered,
      elemMatch: atom,
      and: (_n, children) => `(${children.join(" && ")})`,
      or: (_n, children) => `(${children.join(" || ")})`,
      not: (_n, child) => `!${child}`,
    });
  }
}

function countLeaves(root: Node): number {
  return fold<number>(root, {
    leaf: () => 1,
    topic: unlowered,
    elemMatch: () => 1,
    and: (_n, children) => children.reduce((a, b) => a + b, 0),
    or: (_n, children) => children.reduce((a, b) => a + b, 0),
    not: (_n, child) => child,
  });
}

/** The generated predicate, or undefined where code generation is not possible or not worth it. */
export function generateMatcher(node: Node, sem: Semantics, fallback: Predicate): Predicate | undefined {
  if (countLeaves(node) > MAX_GENERATED_LEAVES) return undefined;
  const g = new Generator(sem, new EvaluationPaths([node], sem));
  const body = g.expression(node);
  const source = [
    `"use strict";`,
    `const { isPlain, hasOwn, isArray, isDocument, asDocument, anyAtPath, MISSING, cmp, num, otherNumeric, numIn, time, sym, EMPTY, getProto, ObjectProto, fallback } = runtime;`,
    ...g.functions,
    `function plain(d) {`,
    `  let v;`,
    `  return ${body};`,
    `}`,
    `function run(doc) {`,
    `  if (typeof doc === "object" && doc !== null) {`,
    `    const proto = getProto(doc);`,
    `    if (proto === ObjectProto || proto === null) return plain(doc);`,
    `    if (isDocument(doc)) return fallback(doc);`,
    `  }`,
    `  return plain(EMPTY);`,
    `}`,
    ...g.entry("matches", "doc", true),
  ].join("\n");
  const factory = compile(source) as
    ((runtime: typeof RUNTIME & { fallback: Predicate }, k: readonly unknown[]) => Predicate) | undefined;
  return factory?.({ ...RUNTIME, fallback }, Object.freeze(g.constants));
}

/**
 * `new Function` over generated source, or undefined where the environment forbids it (a
 * CSP raises an EvalError). Any other error is a bug in the generator and is thrown.
 */
function compile(source: string): ((...args: unknown[]) => unknown) | undefined {
  try {
    // eslint-disable-next-line no-new-func -- guarded code generation; see the header comment.
    return new Function("runtime", "k", source) as (...args: unknown[]) => unknown;
  } catch (error) {
    if (error instanceof EvalError) return undefined;
    throw error;
  }
}

/** Adds one to `counts[i]` for each condition `i` that a plain document matches. */
export type Counter = (doc: Record<string, unknown>, counts: number[]) => void;

/**
 * One generated function for a bulk pass of many conditions over many plain documents:
 * each distinct path-level test is a lazily evaluated local, so a test shared by many
 * conditions runs at most once per document, and every condition is an inlined
 * expression over those locals. Source and compile time are linear in the conditions.
 */
export function generateCounter(roots: readonly Node[], sem: Semantics): Counter | undefined {
  const g = new Generator(sem, new EvaluationPaths(roots, sem));
  // How many times each distinct test occurs: one used once is called in place, one shared is a memo local.
  const uses = new Map<string, number>();
  const count = (n: LeafNode | ElemMatchNode): string => {
    const key = nodeKey(n);
    uses.set(key, (uses.get(key) ?? 0) + 1);
    return "";
  };
  for (const root of roots) g.expression(root, count);
  // As for one condition: beyond this many distinct tests, one huge function is not worth generating.
  if (uses.size > MAX_GENERATED_LEAVES) return undefined;
  const locals = new Map<string, { local: string; call: string }>();
  const atom = (n: LeafNode | ElemMatchNode): string => {
    const key = nodeKey(n);
    let memo = locals.get(key);
    if (memo === undefined) {
      const call = g.atom(n);
      if (uses.get(key) === 1) return call;
      memo = { local: `m${locals.size}`, call };
      locals.set(key, memo);
    }
    // 2: not evaluated yet for this document; then 1 or 0.
    const { local } = memo;
    return `((${local} === 2 ? (${local} = ${memo.call} ? 1 : 0) : ${local}) === 1)`;
  };
  const lines = roots.map((root, i) => `  if (${g.expression(root, atom)}) c[${i}]++;`);
  const source = [
    `"use strict";`,
    `const { isPlain, hasOwn, isArray, isDocument, asDocument, anyAtPath, MISSING, cmp, num, otherNumeric, numIn, time, sym, EMPTY, getProto, ObjectProto } = runtime;`,
    ...g.functions,
    `function run(d, c) {`,
    `  let v;`,
    locals.size > 0 ? `  let ${[...locals.values()].map(({ local }) => `${local} = 2`).join(", ")};` : "",
    ...lines,
    `}`,
    ...g.entry("count", "d, c", false),
  ].join("\n");
  const factory = compile(source) as ((runtime: typeof RUNTIME, k: readonly unknown[]) => Counter) | undefined;
  return factory?.(RUNTIME, Object.freeze(g.constants));
}
