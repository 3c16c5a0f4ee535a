/**
 * The platform's contact schema as segmatch options: its ten built-in fields and a
 * workspace's custom properties (`{ name, type, slot }`, as the platform stores them) become
 * a catalog whose document paths are those of the contact JSON its API returns
 * (`properties.<name>`, dates as epoch milliseconds, `topics` the subscribed ids), and whose
 * SQL columns are the platform's own (`contacts`, the slot columns, `contact_topics`).
 */
import {
  ConditionError,
  describe,
  issue as coreIssue,
  type ConditionIssue,
  type ConditionPath,
  type IssueInput,
  type PropertyProblem,
} from "../errors.js";
import { PLATFORM } from "../messages.js";
import { contactFields, defineFields, type FieldCatalog, type FieldSpec } from "../catalog/catalog.js";
import { fieldPathRefusal } from "../language/field-path.js";
import type { SqlOptions } from "../targets/sql/options.js";
import { ownValues } from "../runtime/plain.js";
import { readArgument } from "../errors.js";

/** A custom contact property as the platform stores it (`ContactProperty`); other keys are ignored. */
export interface ContactProperty {
  /** The name conditions use: 1–100 characters of letters, digits, `_`, spaces and hyphens. */
  readonly name: string;
  readonly type: "DATE" | "NUMBER" | "STRING";
  /** The column that holds it: `propertyFloat0`…`propertyFloat34` (DATE, NUMBER) or `propertyString0`…`propertyString49` (STRING). */
  readonly slot: string;
}

/** Options for the platform's storage: spread them into `createSegmatch` (or any call's options). */
export interface PlatformOptions {
  /** The built-in fields and the custom properties, at the paths of the API's contact JSON. */
  readonly fields: FieldCatalog;
  /** The API's contact JSON lists the ids of the topics a contact is subscribed to under `topics`. */
  readonly topics: { readonly path: "topics"; readonly layout: "ids" };
  /** The platform's PostgreSQL tables, for `toSql`. */
  readonly sql: SqlOptions;
}

/** The built-in fields: their columns are their names; these four are never NULL. */
export const BUILT_IN_FIELDS: readonly string[] = Object.keys(contactFields);
export const NOT_NULL_FIELDS: ReadonlySet<string> = new Set(["email", "status", "createdAt", "updatedAt"]);

/** The options this module made: the only ones `liftStoredCondition` takes as `platform` (anything else could be anything). */
const MADE = new WeakSet<object>();
export const isPlatformOptions = (x: unknown): x is PlatformOptions =>
  typeof x === "object" && x !== null && MADE.has(x);

const NAME = /^[a-zA-Z0-9_\s-]{1,100}$/;
const SLOT = /^property(Float|String)(\d{1,2})$/;
const SLOTS = { Float: 35, String: 50 } as const;
/** Properties per call at most: the platform holds 85 (each its own slot); more is refused before it is read. */
const MAX_PROPERTIES = 1_000;
const TYPES = ["DATE", "NUMBER", "STRING"] as const;

const issue = (path: ConditionPath, input: IssueInput) => coreIssue(path, input, PLATFORM);

/**
 * The platform's options for a workspace's properties. A property the platform itself would
 * not hold (a malformed name, an unknown type, a slot that is not a column or does not suit
 * the type, a name or slot used twice) is a `ConditionError` at `properties[i]`. A property
 * named like a built-in field replaces it, as the platform's evaluation does.
 */
export function catalogFromProperties(properties: unknown): PlatformOptions {
  // The length is checked before the copy (a list of holes of any length costs nothing to make).
  const list = readArgument(["properties"], () =>
    Array.isArray(properties) && properties.length <= MAX_PROPERTIES ? Array.from(properties) : undefined,
  );
  if (list === undefined)
    throw new ConditionError([
      issue(["properties"], {
        code: "invalid_catalog",
        reason: "property",
        problem: "not_object",
        received: describe(properties),
      }),
    ]);
  const issues: ConditionIssue[] = [];
  const bad = (i: number, key: string | undefined, problem: PropertyProblem, received: unknown) =>
    issues.push(
      issue(key === undefined ? ["properties", i] : ["properties", i, key], {
        code: "invalid_catalog",
        reason: "property",
        problem,
        received: describe(received),
      }),
    );
  const custom: Record<string, FieldSpec> = {};
  const columns = Object.create(null) as Record<string, string>;
  const names = new Set<string>();
  const slots = new Set<string>();
  list.forEach((given: unknown, i) => {
    const p = readArgument(["properties", i], () => ownValues(given));
    if (p === undefined) return bad(i, undefined, "not_object", given);
    const { name, type, slot } = p;
    let ok = true;
    if (typeof name !== "string" || !NAME.test(name) || name.trim() !== name) {
      bad(i, "name", "name", name);
      ok = false;
    } else if (fieldPathRefusal(`properties.${name}`) !== undefined) {
      // "007" or "constructor": the platform takes them, but no document path can name them.
      bad(i, "name", "name_path", name);
      ok = false;
    } else if (names.has(name)) {
      bad(i, "name", "duplicate_name", name);
      ok = false;
    }
    if (typeof type !== "string" || !(TYPES as readonly string[]).includes(type)) {
      bad(i, "type", "type", type);
      ok = false;
    }
    const m = typeof slot === "string" ? SLOT.exec(slot) : null;
    if (m === null || Number(m[2]) >= SLOTS[m[1] as keyof typeof SLOTS] || (m[2]!.length > 1 && m[2]![0] === "0")) {
      bad(i, "slot", "slot", slot);
      ok = false;
    } else if ((m[1] === "String") !== (type === "STRING")) {
      bad(i, "slot", "slot_type", slot);
      ok = false;
    } else if (slots.has(slot as string)) {
      bad(i, "slot", "duplicate_slot", slot);
      ok = false;
    }
    if (!ok) return;
    names.add(name as string);
    slots.add(slot as string);
    const path = `properties.${name as string}`;
    const spec: FieldSpec =
      type === "DATE"
        ? { type: "date", storage: "epochMillis", path, label: name as string }
        : { type: type === "NUMBER" ? "number" : "string", path, label: name as string };
    Object.defineProperty(custom, name as string, { value: spec, enumerable: true });
    columns[name as string] = slot as string;
  });
  if (issues.length > 0) throw new ConditionError(issues);
  const fields = defineFields(contactFields, custom);
  for (const builtIn of BUILT_IN_FIELDS) if (!(builtIn in columns)) columns[builtIn] = builtIn;
  const options: PlatformOptions = Object.freeze({
    fields,
    topics: Object.freeze({ path: "topics", layout: "ids" }),
    sql: Object.freeze({
      table: "contacts",
      id: "id",
      columns: Object.freeze(columns),
      topics: Object.freeze({ table: "contact_topics", contactId: "contactId", topicId: "topicId", status: "status" }),
    }),
  });
  MADE.add(options);
  return options;
}
