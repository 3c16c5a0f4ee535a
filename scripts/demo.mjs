// npm run demo: the main job on an embedded sample. Compiles a handful of realistic segment
// conditions and prints, for each, the MongoDB filter and how many of 100,000 generated,
// seeded contacts it matches, counted with the compiled in-memory predicate; then loads the
// same contacts into PostgreSQL (PGlite, embedded) and counts each segment there with toSql.
import {
  compileCondition,
  ConditionError,
  contactFields,
  countMembers,
  createSegment,
  createSegmentIndex,
  membershipChangeFilters,
  previewSegmentUpdate,
  toSql,
  updateSegment,
} from "../dist/index.js";
import { impactReport } from "../dist/kibamail.js";
import { sampleContacts } from "./sample-contacts.mjs";

const CONTACTS = [...sampleContacts(100_000, 42)];

const SEGMENTS = [
  {
    name: "Engaged US subscribers on Gmail",
    conditions: {
      $and: [
        { field: "country", operator: "eq", value: "US" },
        { field: "status", operator: "eq", value: "SUBSCRIBED" },
        { field: "email", operator: "endsWith", value: "@gmail.com" },
      ],
    },
  },
  {
    name: "Product news readers who have not opted into promotions",
    conditions: { subscribedToTopic: ["product-news", "changelog"], notSubscribedToTopic: ["promotions"] },
  },
  {
    name: "Not in France (contacts with no country included)",
    conditions: { field: "country", operator: "ne", value: "FR" },
  },
  {
    name: "High-value customers in Africa",
    conditions: {
      $and: [
        { field: "country", operator: "in", value: ["NG", "KE", "GH", "ZA"] },
        {
          $or: [
            { field: "properties.lifetime_value", operator: "gte", value: 300 },
            { field: "properties.plan", operator: "in", value: ["pro", "enterprise"] },
          ],
        },
      ],
    },
  },
  {
    name: "Reachable by SMS, adults, not bounced",
    conditions: {
      $and: [
        { field: "phone", operator: "exists", value: true },
        { field: "age", operator: "gte", value: 18 },
      ],
      $not: { field: "status", operator: "in", value: ["BOUNCED", "COMPLAINED", "ARCHIVED"] },
    },
  },
  {
    name: "VIP or beta testers without a known city",
    conditions: {
      $and: [
        { field: "tags", operator: "in", value: ["vip", "beta"] },
        { field: "city", operator: "exists", value: false },
      ],
    },
  },
];

console.log(
  `segmatch demo: ${SEGMENTS.length} segments over ${CONTACTS.length.toLocaleString("en-US")} generated contacts (seed 42)\n`,
);
for (const segment of SEGMENTS) {
  const compiled = compileCondition(segment.conditions);
  let count = 0;
  const start = process.hrtime.bigint();
  for (const contact of CONTACTS) if (compiled.matches(contact)) count++;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`■ ${segment.name}`);
  console.log(`  MongoDB filter: ${JSON.stringify(compiled.filter)}`);
  console.log(
    `  reads fields [${compiled.fields.join(", ")}]${compiled.topics.length ? ` and topics [${compiled.topics.join(", ")}]` : ""}`,
  );
  console.log(
    `  members: ${count.toLocaleString("en-US")} of ${CONTACTS.length.toLocaleString("en-US")} (counted in ${ms.toFixed(1)} ms)\n`,
  );
}

console.log("■ A condition with mistakes is refused, with every issue and its path:");
try {
  compileCondition({
    $and: [
      { field: "country", operator: "equals", value: "US" },
      { field: "status", operator: "in", value: "SUBSCRIBED" },
      { field: "phone", operator: "exists", value: "true" },
      { country: { $eq: "US" } },
    ],
  });
} catch (error) {
  if (!(error instanceof ConditionError)) throw error;
  for (const line of error.message.split("\n")) console.log(`  ${line}`);
}

// ── A segment update, end to end ──────────────────────────────────────────────────────
console.log("\n■ Segment update, end to end (PUT /v1/segments/{id})");
const t0 = new Date("2026-11-01T09:00:00.000Z");
const t1 = new Date("2026-11-26T09:00:00.000Z");
const segment = createSegment(
  {
    name: "  Engaged Africa  ",
    description: "Subscribers in our fastest-growing markets",
    conditions: {
      $and: [
        { field: "country", operator: "in", value: ["NG", "KE", "GH"] },
        { field: "status", operator: "eq", value: "SUBSCRIBED" },
      ],
    },
  },
  { id: "seg_africa", now: t0, contacts: CONTACTS, fields: contactFields },
);
console.log(`  created "${segment.name}": ${segment.memberCount.toLocaleString("en-US")} members`);

const body = {
  conditions: {
    $and: [
      { field: "country", operator: "in", value: ["NG", "KE", "GH", "ZA"] },
      { field: "status", operator: "in", value: ["SUBSCRIBED", "UNCONFIRMED"] },
      { subscribedToTopic: ["product-news"] },
    ],
  },
};
const preview = previewSegmentUpdate(segment, body, CONTACTS, { now: t1, fields: contactFields });
console.log(
  `  preview of the new conditions: ${preview.before.toLocaleString("en-US")} → ${preview.after.toLocaleString("en-US")} members`,
);
console.log(
  `  entered: ${preview.entered.length.toLocaleString("en-US")} (e.g. ${preview.entered.slice(0, 3).join(", ")}); left: ${preview.left.length.toLocaleString("en-US")} (e.g. ${preview.left.slice(0, 3).join(", ")})`,
);
const { entering, leaving } = membershipChangeFilters(segment.conditions, body.conditions, { fields: contactFields });
console.log(
  `  the same diff inside MongoDB:\n    entering: ${JSON.stringify(entering)}\n    leaving:  ${JSON.stringify(leaving)}`,
);
const { segment: updated, conditionsChanged } = updateSegment(segment, body, {
  now: t1,
  contacts: CONTACTS,
  fields: contactFields,
});
console.log(
  `  saved: conditionsChanged=${conditionsChanged}, memberCount=${updated.memberCount.toLocaleString("en-US")}, createdAt=${updated.createdAt}, updatedAt=${updated.updatedAt}`,
);

// ── One contact update routed through the segment index ───────────────────────────────
// The earlier segments name document paths directly, so this index runs without a catalog.
const index = createSegmentIndex();
index.set(updated.id, updated.conditions);
for (const [i, s] of SEGMENTS.entries())
  if (s.name !== "High-value customers in Africa") index.set(`seg_${i}`, s.conditions);
const before = CONTACTS.find(
  (c) => c.country === "KE" && c.status === "SUBSCRIBED" && c.topics.includes("product-news") && c.phone === undefined,
);
const after = { ...before, status: "UNSUBSCRIBED", phone: "+254700000000" };
console.log(
  `\n■ Contact ${before._id} unsubscribes and adds a phone number; the index re-evaluates only the segments that read status or phone:`,
);
console.log(`  in before: [${index.match(before).join(", ")}]`);
console.log(`  changes:   ${JSON.stringify(index.changes(before, after))}`);
console.log(`  in after:  [${index.match(after).join(", ")}]`);

// ── The same segments in PostgreSQL (PGlite, embedded), in the platform's layout ──────────
// Built-in fields as columns, properties in numbered slots, topics in a join table where
// only SUBSCRIBED counts. Each segment's toSql count must equal its count in memory.
const { PGlite } = await import("@electric-sql/pglite");
const SQL_OPTIONS = {
  fields: {
    email: { type: "string" },
    firstName: { type: "string" },
    country: { type: "string" },
    city: { type: "string" },
    phone: { type: "string" },
    status: {
      type: "enum",
      values: ["SUBSCRIBED", "UNCONFIRMED", "UNSUBSCRIBED", "BOUNCED", "COMPLAINED", "ARCHIVED"],
    },
    age: { type: "number" },
    createdAt: { type: "date" },
    "properties.plan": { type: "string", path: "properties.plan" },
    "properties.lifetime_value": { type: "number", path: "properties.lifetime_value" },
    "properties.orders": { type: "number", path: "properties.orders" },
  },
  topics: { layout: "records" },
  sql: {
    table: "c",
    id: "id",
    columns: {
      "properties.plan": "propertyString0",
      "properties.lifetime_value": "propertyFloat0",
      "properties.orders": "propertyFloat1",
    },
    topics: { table: "contact_topics", contactId: "contactId", topicId: "topicId", status: "status" },
  },
};
const db = new PGlite();
await db.exec(`
  CREATE TABLE contacts (id text PRIMARY KEY, email text, "firstName" text, country text, city text, phone text, status text, age double precision,
                         "createdAt" timestamptz, "propertyString0" text, "propertyFloat0" double precision, "propertyFloat1" double precision);
  CREATE TABLE contact_topics ("contactId" text, "topicId" text, status text);
`);
const loadStart = process.hrtime.bigint();
const COLUMNS = 12;
for (let i = 0; i < CONTACTS.length; i += 2_000) {
  const batch = CONTACTS.slice(i, i + 2_000);
  const values = batch.flatMap((c) => [
    c._id,
    c.email,
    c.firstName,
    c.country ?? null,
    c.city ?? null,
    c.phone ?? null,
    c.status,
    c.age ?? null,
    c.createdAt.toISOString(),
    c.properties.plan,
    c.properties.lifetime_value,
    c.properties.orders,
  ]);
  await db.query(
    `INSERT INTO contacts VALUES ${batch.map((_, r) => `(${Array.from({ length: COLUMNS }, (_, k) => `$${r * COLUMNS + k + 1}`).join(", ")})`).join(", ")}`,
    values,
  );
  const topics = batch.flatMap((c) => c.topics.map((t) => [c._id, t, "SUBSCRIBED"]));
  if (topics.length > 0)
    await db.query(
      `INSERT INTO contact_topics VALUES ${topics.map((_, r) => `($${r * 3 + 1}, $${r * 3 + 2}, $${r * 3 + 3})`).join(", ")}`,
      topics.flat(),
    );
}
await db.exec(`CREATE INDEX ON contact_topics ("contactId"); ANALYZE;`);
console.log(
  `\n■ The same segments in PostgreSQL (PGlite), ${CONTACTS.length.toLocaleString("en-US")} rows loaded in ${(Number(process.hrtime.bigint() - loadStart) / 1e9).toFixed(1)} s`,
);
const RECORD_CONTACTS = CONTACTS.map((c) => ({
  ...c,
  topics: c.topics.map((topicId) => ({ topicId, status: "SUBSCRIBED" })),
}));
let disagreements = 0;
for (const segment of SEGMENTS) {
  if (segment.name.startsWith("VIP or beta")) continue; // tags are an array: no column in this layout
  const where = toSql(segment.conditions, SQL_OPTIONS);
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM contacts c WHERE ${where.text}`, where.values);
  const inMemory = countMembers(segment.conditions, RECORD_CONTACTS, SQL_OPTIONS);
  if (rows[0].n !== inMemory) disagreements++;
  console.log(`■ ${segment.name}`);
  console.log(`  SQL: ${where.text}`);
  console.log(`  values: ${JSON.stringify(where.values)}`);
  console.log(
    `  PostgreSQL counts ${rows[0].n.toLocaleString("en-US")}; in memory ${inMemory.toLocaleString("en-US")}: ${rows[0].n === inMemory ? "agree" : "DISAGREE"}\n`,
  );
}
// ── Before switching: the platform's stored segments, read as it runs them today ─────────
// Its validator stores lenient forms, and its SQL gives some conditions other members than
// their documented meaning; impactReport counts, in the same database, who would move.
const STORED = [
  { id: "seg_subscribed", name: "Subscribed", conditions: { field: "status", operator: "eq", value: "SUBSCRIBED" } },
  {
    id: "seg_nigeria",
    name: "Nigeria",
    conditions: { field: "country", operator: "eq", value: "NG", note: "West Africa" },
  },
  { id: "seg_not_lagos", name: "Not in Lagos", conditions: { field: "city", operator: "ne", value: "Lagos" } },
  {
    id: "seg_pro_or_kenya",
    name: "Pro, or in Kenya",
    conditions: {
      $and: [{ field: "Plan", operator: "eq", value: "pro" }],
      $or: [{ field: "country", operator: "eq", value: "KE" }],
    },
  },
  { id: "seg_ada", name: "Ada's addresses", conditions: { field: "email", operator: "contains", value: "ada_" } },
];
const report = await impactReport(STORED, {
  properties: [
    { name: "Plan", type: "STRING", slot: "propertyString0" },
    { name: "Lifetime value", type: "NUMBER", slot: "propertyFloat0" },
    { name: "Orders", type: "NUMBER", slot: "propertyFloat1" },
  ],
  db,
});
console.log("■ Migration report: the platform's stored segments, today's members against the documented meaning");
for (const s of report.segments) {
  const head = `  ${s.name}: ${s.status.replace("_", " ")}`;
  if (s.status === "unreadable") console.log(`${head} (${s.issues[0].message})`);
  else if (s.status === "changes_members")
    console.log(
      `${head}: ${s.members.toLocaleString("en-US")} today, +${s.entering.toLocaleString("en-US")} / -${s.leaving.toLocaleString("en-US")} read as documented (${s.changes.map((c) => c.change).join(", ")})`,
    );
  else if (s.status === "normalised")
    console.log(
      `${head}: ${s.members.toLocaleString("en-US")} members either way (${s.changes.map((c) => c.change).join(", ")})`,
    );
  else if (s.status === "unchanged") console.log(`${head}: ${s.members.toLocaleString("en-US")} members`);
}
console.log(`  ${JSON.stringify(report.summary)}`);
await db.close();
if (disagreements > 0) {
  console.error(`${disagreements} segment(s) counted differently in PostgreSQL and in memory`);
  process.exit(1);
}
