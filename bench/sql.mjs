// The PostgreSQL target, in one run (medians; information, no goal):
//  1. compiling: engine.toSql next to engine.toMongoFilter, for the same 5-clause condition;
//  2. counting 100,000 contacts: SELECT count(*) … WHERE <toSql> in PGlite (embedded
//     PostgreSQL in WebAssembly, no index) next to countMembers in memory.
// Run: npm run bench   (builds first; measures the shipped dist/)
import { PGlite } from "@electric-sql/pglite";
import { createSegmatch } from "../dist/index.js";
import { sampleContacts } from "../scripts/sample-contacts.mjs";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => Number(process.hrtime.bigint()) / 1e3; // µs

const engine = createSegmatch({
  fields: {
    email: { type: "string" },
    country: { type: "string" },
    age: { type: "number" },
    status: {
      type: "enum",
      values: ["SUBSCRIBED", "UNCONFIRMED", "UNSUBSCRIBED", "BOUNCED", "COMPLAINED", "ARCHIVED"],
    },
    ltv: { type: "number", path: "properties.lifetime_value" },
  },
  topics: { layout: "records" },
  sql: {
    table: "c",
    id: "id",
    columns: { ltv: "propertyFloat0" },
    topics: { table: "contact_topics", contactId: "contactId", topicId: "topicId", status: "status" },
  },
});
const condition = {
  $and: [
    { field: "country", operator: "in", value: ["NG", "KE", "US"] },
    { field: "status", operator: "eq", value: "SUBSCRIBED" },
    { field: "ltv", operator: "gte", value: 100 },
    { field: "email", operator: "contains", value: "gmail" },
    { field: "age", operator: "ne", value: 30 },
  ],
};

{
  const samples = { "engine.toMongoFilter": [], "engine.toSql": [] };
  for (let round = 0; round < 9; round++) {
    for (const [name, fn] of [
      ["engine.toMongoFilter", () => engine.toMongoFilter(condition)],
      ["engine.toSql", () => engine.toSql(condition)],
    ]) {
      const t = now();
      for (let i = 0; i < 5_000; i++) fn();
      if (round >= 2) samples[name].push((now() - t) / 5_000);
    }
  }
  const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  console.log("compiling the same 5-clause condition (median µs per call)");
  console.table(
    Object.entries(med).map(([name, us]) => ({
      contender: name,
      µs: us.toFixed(2),
      "vs toMongoFilter": `${(us / med["engine.toMongoFilter"]).toFixed(2)}x`,
    })),
  );
}

{
  const CONTACTS = [...sampleContacts(100_000, 42)].map((c) => ({
    ...c,
    topics: c.topics.map((topicId) => ({ topicId, status: "SUBSCRIBED" })),
  }));
  const db = new PGlite();
  await db.exec(
    `CREATE TABLE contacts (id text PRIMARY KEY, email text, country text, age double precision, status text, "propertyFloat0" double precision);`,
  );
  for (let i = 0; i < CONTACTS.length; i += 2_000) {
    const batch = CONTACTS.slice(i, i + 2_000);
    await db.query(
      `INSERT INTO contacts VALUES ${batch.map((_, r) => `(${[1, 2, 3, 4, 5, 6].map((k) => `$${r * 6 + k}`).join(", ")})`).join(", ")}`,
      batch.flatMap((c) => [c._id, c.email, c.country ?? null, c.age ?? null, c.status, c.properties.lifetime_value]),
    );
  }
  await db.exec("ANALYZE");
  const where = engine.toSql(condition);
  const compiled = engine.compileCondition(condition);
  const samples = { "PGlite SELECT count(*)": [], "countMembers in memory": [] };
  let counts;
  for (let round = 0; round < 7; round++) {
    let t = now();
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM contacts c WHERE ${where.text}`, where.values);
    if (round >= 2) samples["PGlite SELECT count(*)"].push((now() - t) / 1e3);
    t = now();
    const n = engine.countMembers(compiled, CONTACTS);
    if (round >= 2) samples["countMembers in memory"].push((now() - t) / 1e3);
    counts = { sql: rows[0].n, memory: n };
    if (rows[0].n !== n) throw new Error(`counts differ: ${rows[0].n} in PostgreSQL, ${n} in memory`);
  }
  await db.close();
  const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  console.log(
    `\ncounting ${CONTACTS.length.toLocaleString("en-US")} contacts (median ms of 5 rounds; counts ${JSON.stringify(counts)}, equal)`,
  );
  console.table(Object.entries(med).map(([name, ms]) => ({ contender: name, "median ms": ms.toFixed(1) })));
}
