/**
 * The boundary guard: copies raw input into a plain, private, frozen snapshot before
 * anything else looks at it, iteratively (no recursion, so no stack overflow at any depth),
 * reading each property once (a getter cannot answer differently later), and refusing
 * cycles and absurd sizes before any real work is done.
 */
import type { ConditionIssue, ConditionPath } from "../errors.js";
import { thrownMessage } from "../errors.js";
import type { ConditionLimits } from "../options.js";

/** A JSON-like copy; non-JSON leaves (undefined, functions, class instances…) are kept as they are, for the parser to refuse by type. */
export type Snapshot = null | boolean | number | string | readonly Snapshot[] | { readonly [key: string]: Snapshot } | Opaque;

/** A value that is not JSON data, kept so that the parser can name it in an error. */
export class Opaque {
  constructor(readonly value: unknown) {}
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

interface Frame {
  readonly source: object;
  readonly target: Snapshot[] | Record<string, Snapshot>;
  readonly keys: readonly (string | number)[];
  next: number;
  /** The frame this one is a value of, and under which key: the path is built only when an issue needs it. */
  readonly parent: Frame | undefined;
  readonly key: string | number | undefined;
}

function pathOf(frame: Frame | undefined, last?: string | number): (string | number)[] {
  const path: (string | number)[] = last === undefined ? [] : [last];
  for (let f = frame; f !== undefined && f.key !== undefined; f = f.parent) path.push(f.key);
  return path.reverse();
}

/**
 * Snapshots `input` or returns the issues that stop it. JSON depth may reach `2 * maxDepth
 * + 2` (a condition level costs an object and a list); `maxNodes` bounds every JSON value
 * in the input, `maxListLength` every array, `maxStringLength` every string and key.
 * Every object and array of the snapshot is frozen as it is completed.
 */
export function snapshot(input: unknown, limits: ConditionLimits): { value: Snapshot } | { issues: ConditionIssue[] } {
  const maxJsonDepth = 2 * limits.maxDepth + 2;
  let nodes = 0;
  const onStack = new Set<object>();
  const stack: Frame[] = [];
  const issue = (code: ConditionIssue["code"], path: ConditionPath, message: string) => ({ issues: [{ code, path: [...path], message }] });

  // Returns the copy of a leaf, or the frame to descend into, or an issue. `parent`/`key` say where the value is.
  const visit = (value: unknown, parent: Frame | undefined, key: string | number | undefined): { leaf: Snapshot } | { frame: Frame } | { issues: ConditionIssue[] } => {
    if (++nodes > limits.maxNodes) return issue("too_many_nodes", pathOf(parent, key), `the condition has more than ${limits.maxNodes} values (limits.maxNodes)`);
    if (typeof value === "string") {
      if (value.length > limits.maxStringLength) {
        return issue("too_long", pathOf(parent, key), `string of ${value.length} characters is longer than ${limits.maxStringLength} (limits.maxStringLength)`);
      }
      return { leaf: value };
    }
    if (value === null || typeof value === "number" || typeof value === "boolean") return { leaf: value };
    if (typeof value !== "object" || !(Array.isArray(value) || isPlainObject(value))) return { leaf: new Opaque(value) };
    if (onStack.has(value)) return issue("cyclic_input", pathOf(parent, key), "the condition contains itself (a cycle)");
    if (stack.length >= maxJsonDepth) {
      return issue("too_deep", pathOf(parent, key), `the condition nests deeper than ${limits.maxDepth} levels (limits.maxDepth)`);
    }
    if (Array.isArray(value)) {
      if (value.length > limits.maxListLength) {
        return issue("too_many_items", pathOf(parent, key), `list of ${value.length} items is longer than ${limits.maxListLength} (limits.maxListLength)`);
      }
      const keys = Array.from({ length: value.length }, (_, i) => i);
      return { frame: { source: value, target: [], keys, next: 0, parent, key } };
    }
    const keys = Object.keys(value);
    for (const k of keys) {
      if (k.length > limits.maxStringLength) {
        return issue("too_long", [...pathOf(parent, key), k.slice(0, 40)], `key of ${k.length} characters is longer than ${limits.maxStringLength} (limits.maxStringLength)`);
      }
    }
    return { frame: { source: value, target: {}, keys, next: 0, parent, key } };
  };

  try {
    const first = visit(input, undefined, undefined);
    if ("issues" in first) return first;
    if ("leaf" in first) return { value: first.leaf };
    const root = first.frame;
    stack.push(root);
    onStack.add(root.source);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as Frame;
      if (frame.next === frame.keys.length) {
        stack.pop();
        onStack.delete(frame.source);
        Object.freeze(frame.target);
        continue;
      }
      const key = frame.keys[frame.next++] as string | number;
      const child: unknown = (frame.source as Record<string | number, unknown>)[key];
      const result = visit(child, frame, key);
      if ("issues" in result) return result;
      const copy = "leaf" in result ? result.leaf : result.frame.target;
      if (Array.isArray(frame.target)) frame.target.push(copy as Snapshot);
      // A key named "__proto__" is an own property of the copy, never its prototype.
      else if (key === "__proto__") Object.defineProperty(frame.target, key, { value: copy, enumerable: true, writable: true, configurable: true });
      else frame.target[key] = copy as Snapshot;
      if ("frame" in result) {
        stack.push(result.frame);
        onStack.add(result.frame.source);
      }
    }
    return { value: root.target as Snapshot };
  } catch (error) {
    const top = stack[stack.length - 1];
    return issue("unreadable_input", pathOf(top), `the input could not be read: ${thrownMessage(error)}`);
  }
}
