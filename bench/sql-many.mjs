// Every count in one pass (issue 18): 100 realistic segments over the contacts table in PGlite
// (embedded PostgreSQL), and on the PostgreSQL server at SEGMATCH_PG_URL when it is set (in a
// schema of its own, dropped after), each in one run, medians of interleaved rounds:
//  - countMembersManySql: one statement, one scan, every count;
//  - 100 separate counts (one toSql count(*) per segment), as a user would write them;
//  - a single SELECT count(*) of the table: the floor of one scan.
// Goal: the one pass at least 5x faster than the separate counts. Contacts: BENCH_CONTACTS
// (default 1,000,000). Run: npm run bench   (builds first; measures the shipped dist/)
import { PGlite } from "@electric-sql/pglite";
import { countMembersManySql, toSql } from "../dist/index.js";
import { rng, sampleContacts, TOPICS } from "../scripts/sample-contacts.mjs";
import { readFileSync } from "node:fs";
import { URL } from "node:url";

const N = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

// The realistic segments of bench/many.mjs (the same generator, read from its source).
const source = readFileSync(new URL("./many.mjs", import.meta.url), "utf8");
// eslint-disable-next-line no-new-func -- the generator is many.mjs's own code, shared rather than copied
const segmentsOf = new Function(
  "rng",
  "TOPICS",
  `${source.slice(source.indexOf("const COUNTRIES"), source.indexOf("// 1. index.match"))}; return segments;`,
)(rng, TOPICS);
const SEGMENTS = Object.fromEntries(segmentsOf(100, 17, []).map(({ condition }, i) => [`s${i}`, condition]));

const options = {
  fields: {
    email: { type: "string" },
    firstName: { type: "string" },
    phone: { type: "string" },
    country: { type: "string" },
    city: { type: "string" },
    age: { type: "number" },
    status: {
      type: "enum",
      values: ["SUBSCRIBED", "UNCONFIRMED", "UNSUBSCRIBED", "BOUNCED", "COMPLAINED", "ARCHIVED"],
    },
    "properties.plan": { type: "string", path: "properties.plan" },
    "properties.lifetime_value": { type: "number", path: "properties.lifetime_value" },
    "properties.orders": { type: "number", path: "properties.orders" },
  },
  sql: {
    table: "contacts",
    id: "id",
    columns: {
      "properties.plan": "propertyString0",
      "properties.lifetime_value": "propertyFloat0",
      "properties.orders": "propertyFloat1",
    },
    topics: { column: "topics" },
  },
};

/** PGlite, or the server at `url` through pg (in a fresh schema). */
async function open(url) {
  if (!url) {
    const db = new PGlite();
    return {
      name: "PGlite",
      query: (text, values) => db.query(text, values),
      exec: (text) => db.exec(text),
      close: () => db.close(),
    };
  }
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const schema = `segmatch_bench_${process.pid}`;
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
  const version = (await client.query("SHOW server_version")).rows[0].server_version;
  return {
    name: `PostgreSQL ${version.split(" ")[0]} server`,
    query: (text, values) => client.query(text, values),
    exec: (text) => client.query(text),
    close: async () => {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

async function measure(db) {
  await db.exec(`CREATE TABLE contacts (id text PRIMARY KEY, email text, "firstName" text, phone text, country text, city text,
    age double precision, status text, "propertyString0" text, "propertyFloat0" double precision, "propertyFloat1" double precision, topics text[]);`);
  const loadStart = now();
  const COLUMNS = 12;
  let batch = [];
  const flush = async () => {
    await db.query(
      `INSERT INTO contacts VALUES ${batch.map((_, r) => `(${Array.from({ length: COLUMNS }, (_, k) => `$${r * COLUMNS + k + 1}`).join(", ")})`).join(", ")}`,
      batch.flat(),
    );
    batch = [];
  };
  for (const c of sampleContacts(N, 42)) {
    batch.push([
      c._id,
      c.email,
      c.firstName,
      c.phone ?? null,
      c.country ?? null,
      c.city ?? null,
      c.age ?? null,
      c.status,
      c.properties.plan,
      c.properties.lifetime_value,
      c.properties.orders,
      `{${c.topics.join(",")}}`,
    ]);
    if (batch.length === 2_000) await flush();
  }
  if (batch.length > 0) await flush();
  await db.exec("ANALYZE");
  const loaded = ((now() - loadStart) / 1000).toFixed(0);

  const many = countMembersManySql(SEGMENTS, options);
  const separate = Object.values(SEGMENTS).map((c) => toSql(c, options));
  const samples = {
    "countMembersManySql (one scan)": [],
    "100 separate counts": [],
    "SELECT count(*) (the floor)": [],
  };
  let oneRow;
  let separateCounts;
  for (let round = 0; round < 4; round++) {
    let t = now();
    oneRow = (await db.query(many.text, many.values)).rows[0];
    if (round >= 1) samples["countMembersManySql (one scan)"].push(now() - t);
    t = now();
    separateCounts = [];
    for (const where of separate)
      separateCounts.push(
        (await db.query(`SELECT count(*)::int AS n FROM contacts WHERE ${where.text}`, where.values)).rows[0].n,
      );
    if (round >= 1) samples["100 separate counts"].push(now() - t);
    t = now();
    await db.query("SELECT count(*) FROM contacts");
    if (round >= 1) samples["SELECT count(*) (the floor)"].push(now() - t);
  }
  many.ids.forEach((id, i) => {
    if (Number(oneRow[String(i)]) !== separateCounts[i])
      throw new Error(`${id}: ${oneRow[String(i)]} vs ${separateCounts[i]}`);
  });
  await db.close();
  const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  console.log(
    `every count in one pass: ${Object.keys(SEGMENTS).length} segments over ${N.toLocaleString("en-US")} contacts in ${db.name} (loaded in ${loaded} s; median ms of 3 rounds; counts equal)`,
  );
  console.table(
    Object.entries(med).map(([name, ms]) => ({
      contender: name,
      "median ms": ms.toFixed(0),
      "vs one scan": `${(ms / med["countMembersManySql (one scan)"]).toFixed(2)}x`,
    })),
  );
  console.log(
    `one scan vs separate counts in ${db.name}: ${(med["100 separate counts"] / med["countMembersManySql (one scan)"]).toFixed(1)}x faster (goal: at least 5x)`,
  );
}

await measure(await open(undefined));
if (process.env.SEGMATCH_PG_URL) await measure(await open(process.env.SEGMATCH_PG_URL));
