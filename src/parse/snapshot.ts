/**
 * The boundary guard: copies raw input into a plain, private, frozen snapshot before
 * anything else looks at it, reading each property once (a getter cannot answer
 * differently later), and refusing cycles and absurd sizes before any real work is done.
 * It recurses, but never deeper than `2 * limits.maxDepth + 2` levels, and `maxDepth` is
 * capped (options.ts), so no input can overflow the stack.
 */
import { issue, thrownMessage, type ConditionIssue, type IssueInput } from "../errors.js";
import type { ConditionLimits } from "../options.js";
import { isPlainObject } from "../runtime/plain.js";

/** A JSON-like copy; non-JSON leaves (undefined, functions, class instances…) are kept as they are, for the parser to refuse by type. */
export type Snapshot =
  null | boolean | number | string | readonly Snapshot[] | { readonly [key: string]: Snapshot } | Opaque;

/** A value that is not JSON data, kept so that the parser can name it in an error. */
export class Opaque {
  constructor(readonly value: unknown) {}
}

/**
 * Snapshots `input` or returns the issues that stop it. JSON depth may reach `2 * maxDepth
 * + 2` (a condition level costs an object and a list); `maxNodes` bounds every JSON value
 * in the input, `maxListLength` every array, `maxStringLength` every string and key, and
 * `maxTotalLength` all strings and keys together.
 * Every object and array of the snapshot is frozen as it is completed.
 */
export function snapshot(input: unknown, limits: ConditionLimits): { value: Snapshot } | { issues: ConditionIssue[] } {
  const maxJsonDepth = 2 * limits.maxDepth + 2;
  const { maxNodes, maxStringLength, maxListLength, maxTotalLength } = limits;
  let nodes = 0;
  /** Characters of the strings and keys copied so far. */
  let characters = 0;
  // A key counted here is within maxStringLength (checked first): the issue's path holds it whole.
  const count = (length: number, key?: string): void => {
    if ((characters += length) > maxTotalLength)
      stop({ code: "too_long", reason: "total", maximum: maxTotalLength, limit: "maxTotalLength" }, key);
  };
  /** The objects and arrays being copied, outermost first (a cycle returns to one of them). */
  const ancestors: object[] = [];
  /** The path of the value being copied. */
  const at: (string | number)[] = [];
  /** The issue that stopped the walk: kept here, not recognised from what was thrown (a getter may throw anything, proxies included). */
  let stopped: ConditionIssue | undefined;
  const stop = (input: IssueInput, last?: string): never => {
    stopped = issue(last === undefined ? at : [...at, last], input);
    throw stopped;
  };

  const copy = (value: unknown): Snapshot => {
    if (++nodes > maxNodes) stop({ code: "too_many_nodes", maximum: maxNodes, limit: "maxNodes" });
    if (typeof value === "string") {
      if (value.length > maxStringLength)
        stop({
          code: "too_long",
          reason: "string",
          size: value.length,
          maximum: maxStringLength,
          limit: "maxStringLength",
        });
      count(value.length);
      return value;
    }
    if (value === null || typeof value === "number" || typeof value === "boolean") return value;
    if (typeof value !== "object") return new Opaque(value);
    const array = Array.isArray(value);
    if (!array && !isPlainObject(value)) return new Opaque(value);
    if (ancestors.includes(value)) stop({ code: "cyclic_input" });
    if (ancestors.length >= maxJsonDepth)
      stop({ code: "too_deep", reason: "condition", maximum: limits.maxDepth, limit: "maxDepth" });
    ancestors.push(value);
    let out: Snapshot[] | Record<string, Snapshot>;
    if (array) {
      const list = value as readonly unknown[];
      const n = list.length;
      if (n > maxListLength)
        stop({ code: "too_many_items", reason: "list", size: n, maximum: maxListLength, limit: "maxListLength" });
      const items: Snapshot[] = [];
      for (let i = 0; i < n; i++) {
        at.push(i);
        items.push(copy(list[i]));
        at.pop();
      }
      out = items;
    } else {
      const keys = Object.keys(value);
      for (const k of keys) {
        if (k.length > maxStringLength)
          stop(
            { code: "too_long", reason: "key", size: k.length, maximum: maxStringLength, limit: "maxStringLength" },
            k.slice(0, 40),
          );
        count(k.length, k);
      }
      const fields: Record<string, Snapshot> = {};
      for (const k of keys) {
        at.push(k);
        const v = copy((value as Record<string, unknown>)[k]);
        // A key named "__proto__" is an own property of the copy, never its prototype.
        if (k === "__proto__")
          Object.defineProperty(fields, k, { value: v, enumerable: true, writable: true, configurable: true });
        else fields[k] = v;
        at.pop();
      }
      out = fields;
    }
    ancestors.pop();
    return Object.freeze(out);
  };

  try {
    return { value: copy(input) };
  } catch (error) {
    if (stopped !== undefined) return { issues: [stopped] };
    return { issues: [issue(at, { code: "unreadable_input", reason: "input", thrown: thrownMessage(error) })] };
  }
}
