/**
 * The segment object and its lifecycle, as the platform's API describes it: create, partial
 * update (`conditions` replaced wholly, never merged; `updatedAt` refreshed), and a preview
 * of new conditions before saving. Every function is pure: inputs are never mutated.
 */
import { z } from "zod";
import { ConditionError, IssueList, describe } from "../errors.js";
import type { Condition } from "../language/condition.js";
import type { ConditionOptions } from "../options.js";
import { parse } from "../parse/parse.js";
import { didYouMean } from "../suggest.js";
import type { Contacts, Counted } from "./contacts.js";
import { countMembers, defaultContactId, diffMembership, type ContactId } from "./membership.js";
import { sameValue } from "./segment-index.js";

export interface Segment {
  readonly object: "segment";
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly conditions: Condition;
  /** Members, or `null` when the conditions changed and nobody has counted yet. */
  readonly memberCount: number | null;
  /** ISO-8601. */
  readonly createdAt: string;
  /** ISO-8601. */
  readonly updatedAt: string;
}

export interface SegmentBody {
  readonly name?: string;
  readonly description?: string | null;
  readonly conditions?: unknown;
}

const BODY_KEYS = ["name", "description", "conditions"] as const;
const nameSchema = z.string().trim().min(1).max(100);
const descriptionSchema = z.string().max(500).nullable();

interface Validated {
  name?: string;
  description?: string | null;
  conditions?: Condition;
}

/** Validates a create or update body; paths start at the body's root. */
function validateBody(body: unknown, options: ConditionOptions | undefined, required: readonly (keyof SegmentBody)[]): Validated {
  const issues = new IssueList();
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ConditionError([{ code: "invalid_type", path: [], message: `the body must be an object with ${BODY_KEYS.join(", ")}, not ${describe(body)}` }]);
  }
  const input = body as Record<string, unknown>;
  const out: Validated = {};
  for (const key of Object.keys(input)) {
    if (!(BODY_KEYS as readonly string[]).includes(key)) issues.add("unknown_key", [key], `unknown key ${JSON.stringify(key)}${didYouMean(key, BODY_KEYS) || ` (expected ${BODY_KEYS.join(", ")})`}`);
  }
  for (const key of required) if (input[key] === undefined) issues.add("missing_key", [key], `"${key}" is required`);
  if (input.name !== undefined) {
    const r = nameSchema.safeParse(input.name);
    if (r.success) out.name = r.data;
    else if (typeof input.name !== "string") issues.add("invalid_type", ["name"], `name must be a string, not ${describe(input.name)}`);
    else issues.add("invalid_value", ["name"], `name must be 1 to 100 characters after trimming, not ${input.name.trim().length}`);
  }
  if (input.description !== undefined) {
    const r = descriptionSchema.safeParse(input.description);
    if (r.success) out.description = r.data;
    else if (typeof input.description !== "string" && input.description !== null) issues.add("invalid_type", ["description"], `description must be a string or null, not ${describe(input.description)}`);
    else issues.add("invalid_value", ["description"], `description must be at most 500 characters, not ${(input.description as string).length}`);
  }
  if (input.conditions !== undefined) {
    const r = parse(input.conditions, options);
    if (r.ok) out.conditions = r.parsed.condition;
    else for (const i of r.issues) issues.add(i.code, i.path[0] === "options" ? i.path : ["conditions", ...i.path], i.message);
  }
  if (!issues.ok) throw new ConditionError(issues.items);
  return out;
}

function iso(now: Date | undefined): string {
  const date = now ?? new Date();
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError("now must be a valid Date");
  return date.toISOString();
}

/** Sync when there are no contacts or a sync source; a promise for an async source. */
function withCount<T>(conditions: Condition, contacts: Contacts | undefined, options: ConditionOptions, make: (count: number | null) => T): T | Promise<T> {
  if (contacts === undefined) return make(null);
  const counted = countMembers(conditions, contacts, options) as number | Promise<number>;
  return counted instanceof Promise ? counted.then(make) : make(counted);
}

export interface CreateOptions extends ConditionOptions {
  readonly id: string;
  readonly now?: Date;
  /** When given, `memberCount` is counted from them; otherwise it is `null`. */
  readonly contacts?: Contacts;
}

/** Validates a create body and returns the complete segment. */
export function createSegment<C extends Contacts | undefined = undefined>(body: SegmentBody, options: CreateOptions & { readonly contacts?: C }): Counted<C, Segment> {
  const { id, now, contacts, ...conditionOptions } = options;
  if (typeof id !== "string" || id === "") throw new TypeError("createSegment needs a non-empty string id");
  const valid = validateBody(body, conditionOptions, ["name", "conditions"]);
  const at = iso(now);
  return withCount(valid.conditions!, contacts, conditionOptions, (memberCount) =>
    Object.freeze({
      object: "segment" as const,
      id,
      name: valid.name!,
      description: valid.description ?? null,
      conditions: valid.conditions!,
      memberCount,
      createdAt: at,
      updatedAt: at,
    }),
  ) as Counted<C, Segment>;
}

export interface UpdateOptions extends ConditionOptions {
  readonly now?: Date;
  /** When the conditions change and contacts are given, `memberCount` is recounted. */
  readonly contacts?: Contacts;
}

export interface SegmentUpdate {
  readonly segment: Segment;
  /** Whether `conditions` was sent and differs from the old tree. */
  readonly conditionsChanged: boolean;
}

/**
 * A partial update: only the fields sent change; `conditions` replaces the old tree wholly;
 * `updatedAt` is refreshed and `createdAt` kept. When the conditions changed, `memberCount`
 * is recounted from `contacts`, or becomes `null` ("to be recounted") without them.
 */
export function updateSegment<C extends Contacts | undefined = undefined>(segment: Segment, body: SegmentBody, options: UpdateOptions & { readonly contacts?: C } = {}): Counted<C, SegmentUpdate> {
  const { now, contacts, ...conditionOptions } = options;
  const valid = validateBody(body, conditionOptions, []);
  const conditionsChanged = valid.conditions !== undefined && !sameValue(valid.conditions, segment.conditions);
  const next = (memberCount: number | null): SegmentUpdate =>
    Object.freeze({
      segment: Object.freeze({
        object: "segment" as const,
        id: segment.id,
        name: valid.name ?? segment.name,
        description: valid.description !== undefined ? valid.description : segment.description,
        conditions: valid.conditions ?? segment.conditions,
        memberCount,
        createdAt: segment.createdAt,
        updatedAt: iso(now),
      }),
      conditionsChanged,
    });
  if (!conditionsChanged) return next(segment.memberCount) as Counted<C, SegmentUpdate>;
  return withCount(valid.conditions!, contacts, conditionOptions, next) as Counted<C, SegmentUpdate>;
}

export interface SegmentPreview {
  /** The segment as it would be saved, counted against the given contacts. */
  readonly segment: Segment;
  /** Members under the current conditions, and under the new ones. */
  readonly before: number;
  readonly after: number;
  readonly entered: string[];
  readonly left: string[];
}

/** Tests new conditions before saving, in one pass over the contacts; changes nothing. */
export function previewSegmentUpdate<C extends Contacts>(
  segment: Segment,
  body: SegmentBody,
  contacts: C,
  options: Omit<UpdateOptions, "contacts"> & { readonly id?: ContactId } = {},
): Counted<C, SegmentPreview> {
  const { id = defaultContactId, now, ...conditionOptions } = options;
  const update = updateSegment(segment, body, { ...conditionOptions, ...(now ? { now } : {}) }) as SegmentUpdate;
  const after = update.segment.conditions;
  const diff = diffMembership(segment.conditions, after, contacts, { ...conditionOptions, id });
  const make = (d: { entered: string[]; left: string[]; count: number }): SegmentPreview =>
    Object.freeze({
      segment: Object.freeze({ ...update.segment, memberCount: d.count }),
      before: d.count - d.entered.length + d.left.length,
      after: d.count,
      entered: d.entered,
      left: d.left,
    });
  return (diff instanceof Promise ? diff.then(make) : make(diff as { entered: string[]; left: string[]; count: number })) as Counted<C, SegmentPreview>;
}

