/**
 * The field catalog: a workspace's contact schema. With a catalog, a condition names fields
 * by their catalog name (any text, "Join Date" included), each field has a type that
 * decides which operators and values it accepts, and a path that decides where the value
 * is read. Without one, field names are paths and nothing is typed.
 */
import { ConditionError, describe, issue, thrownMessage, type ConditionIssue, type IssueDataFor } from "../errors.js";
import { fieldRef, type FieldRef } from "../language/ast.js";
import { fieldPathRefusal } from "../language/field-path.js";
import { choices } from "../suggest.js";
import { DATE_STORAGES, FIELD_TYPES, type DateStorage, type FieldType } from "../language/fields.js";

export { FIELD_TYPES, type DateStorage, type FieldType };

export interface FieldSpec {
  readonly type: FieldType;
  /** Where the document holds the value, e.g. `properties.p7`. Defaults to the field's name. */
  readonly path?: string | undefined;
  /** The allowed values of an `enum`. */
  readonly values?: readonly string[] | undefined;
  /** For `date` fields: how the value is stored. Default `"date"`. */
  readonly storage?: DateStorage | undefined;
  /** A name for people (a segment builder's field list), e.g. `"Lifetime value"`. */
  readonly label?: string | undefined;
  /** A sentence for people about what the field holds. */
  readonly description?: string | undefined;
}

export type FieldCatalog = { readonly [name: string]: FieldSpec };

/** A catalog entry with its defaults filled in, as the parser uses it. */
export interface ResolvedField {
  readonly name: string;
  readonly type: FieldType;
  readonly path: string;
  readonly values: readonly string[] | undefined;
  readonly storage: DateStorage;
  readonly label?: string;
  readonly description?: string;
  /** What a leaf on this field refers to (one frozen object per catalog field, shared by every leaf on it). */
  readonly ref: FieldRef;
}

/** An enum's values at most (a list's default bound). */
const MAX_ENUM_VALUES = 10_000;
/** The longest name, path or enum value (as the default `limits.maxStringLength`): each is read before it is split or hashed. */
const MAX_NAME = 4_096;
const SPEC_KEYS = ["type", "path", "values", "storage", "label", "description"];
/** Labels and descriptions are for people: short, well-formed text. */
const MAX_TEXT = 1_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks one catalog and returns its entries, or the issues (paths start at `at`). A
 * catalog that cannot be read (a throwing getter, a revoked proxy) is an issue too.
 */
export function checkCatalog(
  catalog: unknown,
  at: readonly (string | number)[],
): { fields: Map<string, ResolvedField> } | { issues: ConditionIssue[] } {
  try {
    return readCatalog(catalog, at);
  } catch (error) {
    return { issues: [issue(at, { code: "invalid_catalog", reason: "unreadable", thrown: thrownMessage(error) })] };
  }
}

function readCatalog(
  catalog: unknown,
  at: readonly (string | number)[],
): { fields: Map<string, ResolvedField> } | { issues: ConditionIssue[] } {
  const issues: ConditionIssue[] = [];
  const bad = (path: (string | number)[], data: IssueDataFor<"invalid_catalog">) =>
    issues.push(issue([...at, ...path], { code: "invalid_catalog", ...data }));
  const fields = new Map<string, ResolvedField>();
  if (!isRecord(catalog)) {
    bad([], { reason: "not_object" });
    return { issues };
  }
  for (const name of Object.keys(catalog)) {
    // Each entry, and each key of it, is read once: a getter cannot pass the check with one value and be used with another.
    const given: unknown = catalog[name];
    if (name === "" || name.length > MAX_NAME || !name.isWellFormed() || name.includes("\0")) {
      bad([name], { reason: "field_name" });
      continue;
    }
    if (!isRecord(given)) {
      bad([name], { reason: "spec_not_object", field: name });
      continue;
    }
    const spec = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(given)) spec[key] = given[key];
    for (const key of Object.keys(spec)) {
      if (!SPEC_KEYS.includes(key))
        bad([name, key], {
          reason: "unknown_key",
          ...choices(key, SPEC_KEYS),
        });
    }
    // Its length is checked before the copy: a list of 2^32 - 1 holes costs nothing to make and gigabytes to copy.
    if (Array.isArray(spec.values))
      spec.values = spec.values.length <= MAX_ENUM_VALUES ? Array.from(spec.values as unknown[]) : null;
    const type = spec.type;
    if (typeof type !== "string" || !(FIELD_TYPES as readonly string[]).includes(type)) {
      bad([name, "type"], { reason: "type", allowed: FIELD_TYPES, received: describe(type) });
      continue;
    }
    const path = spec.path ?? name;
    if (typeof path !== "string") bad([name, "path"], { reason: "path_type" });
    else {
      const problem = fieldPathRefusal(path, MAX_NAME);
      if (problem) bad([name, "path"], { reason: "path", ...problem, defaulted: spec.path === undefined });
    }
    let values: string[] | undefined;
    if (type === "enum") {
      const v = spec.values;
      if (
        !Array.isArray(v) ||
        v.length === 0 ||
        !v.every((x): x is string => typeof x === "string" && x !== "" && x.length <= MAX_NAME && x.isWellFormed())
      ) {
        bad([name, "values"], { reason: "enum_values" });
      } else if (new Set(v).size !== v.length) bad([name, "values"], { reason: "enum_unique" });
      else values = [...v];
    } else if (spec.values !== undefined) bad([name, "values"], { reason: "not_applicable", key: "values", type });
    const storage = spec.storage ?? "date";
    if (spec.storage !== undefined && type !== "date")
      bad([name, "storage"], { reason: "not_applicable", key: "storage", type });
    else if (!(DATE_STORAGES as readonly unknown[]).includes(storage))
      bad([name, "storage"], { reason: "storage", allowed: DATE_STORAGES, received: describe(storage) });
    const text: { label?: string; description?: string } = {};
    for (const key of ["label", "description"] as const) {
      const v = spec[key];
      if (v === undefined) continue;
      if (typeof v !== "string" || v === "" || !v.isWellFormed() || v.length > MAX_TEXT)
        bad([name, key], { reason: "text", key, maximum: MAX_TEXT });
      else text[key] = v;
    }
    if (typeof path === "string" && issues.length === 0) {
      const ref = fieldRef(name, path, type as FieldType, storage as DateStorage);
      fields.set(
        name,
        Object.freeze({
          name,
          type: type as FieldType,
          path,
          values: values && Object.freeze(values),
          storage: storage as DateStorage,
          ...text,
          ref,
        }),
      );
    }
  }
  return issues.length > 0 ? { issues } : { fields };
}

function freezeCatalog(fields: Map<string, ResolvedField>): FieldCatalog {
  const out: Record<string, FieldSpec> = {};
  for (const f of fields.values()) {
    // defineProperty: a field may be named "__proto__", which plain assignment would turn into a prototype.
    Object.defineProperty(out, f.name, {
      enumerable: true,
      value: Object.freeze({
        type: f.type,
        ...(f.path !== f.name ? { path: f.path } : {}),
        ...(f.values ? { values: f.values } : {}),
        ...(f.type === "date" ? { storage: f.storage } : {}),
        ...(f.label !== undefined ? { label: f.label } : {}),
        ...(f.description !== undefined ? { description: f.description } : {}),
      }),
    });
  }
  return Object.freeze(out);
}

/**
 * Returns a validated, merged catalog in which `extra` wins on a name clash; a malformed
 * catalog throws a {@link ConditionError} (code `invalid_catalog`) with the path of each problem.
 */
export function defineFields(base: FieldCatalog, extra: FieldCatalog = {}): FieldCatalog {
  const a = checkCatalog(base, ["base"]);
  const b = checkCatalog(extra, ["extra"]);
  const issues = [...("issues" in a ? a.issues : []), ...("issues" in b ? b.issues : [])];
  if (issues.length > 0 || !("fields" in a) || !("fields" in b)) throw new ConditionError(issues);
  return freezeCatalog(new Map([...a.fields, ...b.fields]));
}

/** The built-in contact fields. */
export const contactFields: FieldCatalog = /* @__PURE__ */ defineFields({
  email: { type: "string", label: "Email" },
  firstName: { type: "string", label: "First name" },
  lastName: { type: "string", label: "Last name" },
  phone: { type: "string", label: "Phone" },
  country: { type: "string", label: "Country" },
  timezone: { type: "string", label: "Time zone" },
  city: { type: "string", label: "City" },
  status: {
    type: "enum",
    values: ["SUBSCRIBED", "UNCONFIRMED", "UNSUBSCRIBED", "BOUNCED", "COMPLAINED", "ARCHIVED"],
    label: "Status",
  },
  createdAt: { type: "date", label: "Created at" },
  updatedAt: { type: "date", label: "Updated at" },
});
