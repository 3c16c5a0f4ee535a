/**
 * toSql's `{ text, values }` with the clients docs/postgresql.md names, each used the way its docs
 * show, counting contacts in PGlite (PostgreSQL compiled to WebAssembly) and compared with
 * the in-memory `countMembers` over the same contacts as documents:
 *
 * - PGlite: `db.query(text, values)`, as it is.
 * - `pg`: `client.query(text, values)`, as it is: type-checked here (the signature is the
 *   point), and run on a real server when SEGMATCH_PG_URL is set (scripts/pg-server.sh).
 * - Kysely 0.29: `db.executeQuery(CompiledQuery.raw(text, values))` for a whole query; and,
 *   inside a query builder, the expression turned into a Kysely fragment whose `$n` become
 *   Kysely's own parameters (`sql.raw(where.text)` would drop the values and collide with
 *   Kysely's numbering: that trap is shown too). Kysely runs on PGlite through a driver of a
 *   few lines (there is no official PGlite dialect), and through Kysely's DummyDriver
 *   (compile only) with the compiled query run on PGlite.
 *
 * postgres.js and Prisma's `$queryRawUnsafe` are not tested (not installed; Prisma downloads
 * its engines), so the docs should not claim them.
 */
import { PGlite } from "@electric-sql/pglite";
import {
  CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type RawBuilder,
} from "kysely";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countMembers,
  defineFields,
  membershipChangeSql,
  toSql,
  type Condition,
  type ConditionOptions,
  type SqlExpression,
} from "../src/index.js";

const fields = defineFields({
  email: { type: "string" },
  country: { type: "string" },
  status: { type: "enum", values: ["SUBSCRIBED", "UNSUBSCRIBED", "BOUNCED"] },
  ltv: { type: "number", path: "properties.ltv" },
  joined: { type: "date", path: "properties.joined" },
});
const columns = { ltv: "ltv", joined: "joinedAt" };
const IDS: ConditionOptions = { fields, sql: { table: "contacts", id: "id", columns, topics: { column: "topics" } } };
const RECORDS: ConditionOptions = {
  fields,
  topics: { layout: "records" },
  sql: {
    table: "contacts",
    id: "id",
    columns,
    topics: { table: "contact_topics", contactId: "contactId", topicId: "topicId", status: "status" },
  },
};

interface Row {
  id: string;
  email: string | null;
  country: string | null;
  status: string | null;
  ltv: number | null;
  joinedAt: string | null;
  topics: string[] | null;
  records: { topicId: string; status: string }[];
}
/** Kysely's view of the tables. */
interface Database {
  contacts: {
    id: string;
    email: string | null;
    country: string | null;
    status: string | null;
    ltv: number | null;
    joinedAt: string | null;
    topics: string[] | null;
  };
  contact_topics: { contactId: string; topicId: string; status: string };
}

/** 240 contacts, every column sometimes NULL, from a fixed sequence. */
const ROWS: Row[] = Array.from({ length: 240 }, (_, i) => {
  const pick = <T>(list: readonly T[], k: number) => list[(i * k + (i >> 3)) % list.length]!;
  return {
    id: `c${i}`,
    email: pick([null, "ann@example.com", "bob@test.io", "cy@example.org", "Dee@Example.com"], 7),
    country: pick([null, "US", "NG", "FR", "KE", "us"], 5),
    status: pick([null, "SUBSCRIBED", "UNSUBSCRIBED", "BOUNCED", "SUBSCRIBED"], 3),
    ltv: pick([null, 0, 12.5, 99, 100, 250, 1_000, -1], 11),
    joinedAt: pick([null, "2023-01-01T00:00:00.000Z", "2024-06-15T12:00:00.000Z", "2025-12-31T23:59:59.999Z"], 13),
    topics: pick([null, [], ["news"], ["news", "deals"], ["deals"]], 17),
    records: pick(
      [
        [],
        [{ topicId: "news", status: "SUBSCRIBED" }],
        [
          { topicId: "news", status: "UNSUBSCRIBED" },
          { topicId: "deals", status: "SUBSCRIBED" },
        ],
      ],
      19,
    ),
  };
});

/** The document a row stands for (a NULL column: the field is missing). */
function documentOf(r: Row, layout: "ids" | "records"): Record<string, unknown> {
  const doc: Record<string, unknown> = { _id: r.id };
  for (const key of ["email", "country", "status"] as const) if (r[key] !== null) doc[key] = r[key];
  const properties: Record<string, unknown> = {};
  if (r.ltv !== null) properties.ltv = r.ltv;
  if (r.joinedAt !== null) properties.joined = new Date(r.joinedAt);
  if (Object.keys(properties).length > 0) doc.properties = properties;
  if (layout === "ids" && r.topics !== null) doc.topics = r.topics;
  if (layout === "records") doc.topics = r.records;
  return doc;
}
const DOCS = { ids: ROWS.map((r) => documentOf(r, "ids")), records: ROWS.map((r) => documentOf(r, "records")) };

const CONDITIONS: Condition[] = [
  { field: "country", operator: "eq", value: "US" },
  { field: "country", operator: "in", value: ["NG", "KE"] },
  { field: "country", operator: "ne", value: "US" },
  { field: "email", operator: "endsWith", value: "@example.com" },
  { field: "email", operator: "contains", value: "example" },
  { field: "ltv", operator: "gte", value: 100 },
  { field: "joined", operator: "lt", value: "2024-06-15T12:00:00Z" },
  { $not: { field: "status", operator: "eq", value: "SUBSCRIBED" } },
  { subscribedToTopic: ["news"] },
  { notSubscribedToTopic: ["deals"] },
  {
    $and: [
      { field: "country", operator: "nin", value: ["FR"] },
      { $or: [{ subscribedToTopic: ["deals"] }, { field: "ltv", operator: "lt", value: 50 }] },
      { field: "email", operator: "exists", value: true },
    ],
  },
];
const LAYOUTS = [
  ["ids", IDS],
  ["records", RECORDS],
] as const;

// ---- The snippets for the docs (each used by a test below) ----

/** PGlite: the expression as it is. */
async function countWithPGlite(db: PGlite, where: SqlExpression): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM contacts WHERE ${where.text}`,
    where.values,
  );
  return rows[0]!.n;
}

/** node-postgres: the same call (its `values` parameter is `any[]`, which `where.values` is). */
async function countWithPg(client: pg.Client | pg.Pool, where: SqlExpression): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM contacts WHERE ${where.text}`,
    where.values,
  );
  return rows[0]!.n;
}

/** Kysely, a whole query written by hand: CompiledQuery.raw takes the text and the values as they are. */
async function countWithKyselyRaw(db: Kysely<Database>, where: SqlExpression): Promise<number> {
  const { rows } = await db.executeQuery<{ n: number }>(
    CompiledQuery.raw(`SELECT count(*)::int AS n FROM contacts WHERE ${where.text}`, where.values),
  );
  return rows[0]!.n;
}

/**
 * Kysely, inside a query builder: the expression as a Kysely fragment in which each `$n` is
 * Kysely's own parameter (`sql.val`), so Kysely numbers it among the query's other parameters.
 * toSql writes every identifier in double quotes and every value as a parameter, so a `$n`
 * outside double quotes is always a placeholder. (For an expression made with `paramOffset`,
 * subtract it from n.)
 */
function kyselyWhere({ text, values }: SqlExpression): RawBuilder<boolean> {
  const parts = text
    .split(/("(?:[^"]|"")*"|\$\d+)/)
    .map((part) => (/^\$\d+$/.test(part) ? sql.val(values[Number(part.slice(1)) - 1]) : sql.raw(part)));
  return sql<boolean>`(${sql.join(parts, sql.raw(""))})`;
}

/** A Kysely dialect for PGlite: PostgreSQL's adapter, compiler and introspector, and a driver of a few lines. */
function pgliteDialect(db: PGlite): Dialect {
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      const result = await db.query<R>(query.sql, [...query.parameters]);
      return {
        rows: result.rows,
        ...(result.affectedRows === undefined ? {} : { numAffectedRows: BigInt(result.affectedRows) }),
      };
    },
    streamQuery: () => {
      throw new Error("streaming is not implemented by this test driver");
    },
  };
  const driver: Driver = {
    init: async () => {},
    acquireConnection: async () => connection,
    beginTransaction: async (c) => void (await c.executeQuery(CompiledQuery.raw("BEGIN"))),
    commitTransaction: async (c) => void (await c.executeQuery(CompiledQuery.raw("COMMIT"))),
    rollbackTransaction: async (c) => void (await c.executeQuery(CompiledQuery.raw("ROLLBACK"))),
    releaseConnection: async () => {},
    destroy: async () => {},
  };
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => driver,
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

/** Kysely for compiling only (no connection): PostgreSQL's compiler with Kysely's DummyDriver. */
const compileOnly = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** A builder query with a parameter of Kysely's own before the condition's. */
const subscribedAnd = (db: Kysely<Database>, where: SqlExpression) =>
  db
    .selectFrom("contacts")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("status", "=", "SUBSCRIBED")
    .where(kyselyWhere(where));

// ---- The tests ----

let db: PGlite;
let kysely: Kysely<Database>;
beforeAll(async () => {
  db = new PGlite();
  await db.exec(`
    CREATE TABLE contacts (id text PRIMARY KEY, email text, country text, status text, ltv double precision, "joinedAt" timestamptz, topics text[]);
    CREATE TABLE contact_topics ("contactId" text, "topicId" text, status text);
  `);
  for (const r of ROWS) {
    await db.query("INSERT INTO contacts VALUES ($1, $2, $3, $4, $5, $6, $7)", [
      r.id,
      r.email,
      r.country,
      r.status,
      r.ltv,
      r.joinedAt,
      r.topics,
    ]);
    for (const t of r.records)
      await db.query("INSERT INTO contact_topics VALUES ($1, $2, $3)", [r.id, t.topicId, t.status]);
  }
  kysely = new Kysely<Database>({ dialect: pgliteDialect(db) });
}, 60_000);
afterAll(async () => {
  await kysely?.destroy();
  await db?.close();
});

describe.each(LAYOUTS)("toSql with each client, counting as countMembers does (%s layout)", (layout, options) => {
  const docs = DOCS[layout];
  const expected = CONDITIONS.map((c) => countMembers(c, docs, options));
  const subscribed = CONDITIONS.map((c) =>
    countMembers({ $and: [{ field: "status", operator: "eq", value: "SUBSCRIBED" }, c] }, docs, options),
  );

  it("the conditions select some contacts and not all (the comparison means something)", () => {
    expect(
      expected.every((n) => n > 0 && n < ROWS.length),
      JSON.stringify(expected),
    ).toBe(true);
  });

  it("PGlite: db.query(text, values)", async () => {
    expect(await Promise.all(CONDITIONS.map((c) => countWithPGlite(db, toSql(c, options))))).toEqual(expected);
  });

  it("Kysely: db.executeQuery(CompiledQuery.raw(text, values)) through a PGlite driver", async () => {
    const counts: number[] = [];
    for (const c of CONDITIONS) counts.push(await countWithKyselyRaw(kysely, toSql(c, options)));
    expect(counts).toEqual(expected);
  });

  it("Kysely query builder: the expression as a fragment of Kysely parameters, after one of Kysely's own", async () => {
    const counts: number[] = [];
    for (const c of CONDITIONS)
      counts.push((await subscribedAnd(kysely, toSql(c, options)).executeTakeFirstOrThrow()).n);
    expect(counts).toEqual(subscribed);
  });

  it("Kysely compile only (DummyDriver), the compiled query run on PGlite", async () => {
    const counts: number[] = [];
    for (const c of CONDITIONS) {
      const query = subscribedAnd(compileOnly, toSql(c, options)).compile();
      counts.push((await db.query<{ n: number }>(query.sql, [...query.parameters])).rows[0]!.n);
    }
    expect(counts).toEqual(subscribed);
  });

  it("membershipChangeSql's entering and leaving, with PGlite and Kysely", async () => {
    const [before, after] = [CONDITIONS[0]!, CONDITIONS[CONDITIONS.length - 1]!];
    const { entering, leaving } = membershipChangeSql(before, after, options);
    const diff = {
      entering: docs.filter((d) => countMembers(after, [d], options) > countMembers(before, [d], options)).length,
      leaving: docs.filter((d) => countMembers(before, [d], options) > countMembers(after, [d], options)).length,
    };
    expect({ entering: await countWithPGlite(db, entering), leaving: await countWithPGlite(db, leaving) }).toEqual(
      diff,
    );
    expect({
      entering: await countWithKyselyRaw(kysely, entering),
      leaving: await countWithKyselyRaw(kysely, leaving),
    }).toEqual(diff);
  });
});

describe("the Kysely trap", () => {
  it("sql.raw(where.text) drops the values and numbers placeholders against Kysely's own: the query fails", async () => {
    const where = toSql({ field: "country", operator: "in", value: ["NG", "KE"] }, IDS);
    const query = compileOnly
      .selectFrom("contacts")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("status", "=", "SUBSCRIBED")
      .where(sql<boolean>`${sql.raw(where.text)}`)
      .compile();
    // Kysely's $1 is "SUBSCRIBED"; the condition's $1 is the country list, which Kysely never received.
    expect(query.sql.match(/\$1\b/g)).toHaveLength(2);
    expect(query.parameters).toEqual(["SUBSCRIBED"]);
    await expect(db.query(query.sql, [...query.parameters])).rejects.toThrow();
    // The fragment: Kysely numbers the condition's parameters after its own.
    const right = subscribedAnd(compileOnly, where).compile();
    expect(right.sql).toContain('"contacts"."country" = ANY($2)');
    expect(right.parameters).toEqual(["SUBSCRIBED", ["NG", "KE"]]);
  });

  it("the fragment leaves a $ inside a quoted identifier alone, and repeats a parameter used twice", () => {
    const odd = defineFields({ a$1: { type: "string" } });
    const where = toSql(
      { field: "a$1", operator: "endsWith", value: "x" },
      { fields: odd, sql: { table: "t$2", id: "id", topics: { column: "topics" } } },
    );
    expect(where.text).toBe('right("t$2"."a$1", char_length($1::text)) = $1::text COLLATE "C"');
    const query = compileOnly
      .selectFrom("contacts")
      .select("id")
      .where("status", "=", "SUBSCRIBED")
      .where(kyselyWhere(where))
      .compile();
    expect(query.sql).toContain('(right("t$2"."a$1", char_length($2::text)) = $3::text COLLATE "C")');
    expect(query.parameters).toEqual(["SUBSCRIBED", "x", "x"]);
  });
});

describe("node-postgres on a real server (SEGMATCH_PG_URL; scripts/pg-server.sh starts one)", () => {
  it.skipIf(!process.env.SEGMATCH_PG_URL)(
    "client.query(text, values) counts as countMembers does, in both layouts",
    async () => {
      const { default: pgModule } = await import("pg");
      const client = new pgModule.Client({ connectionString: process.env.SEGMATCH_PG_URL });
      await client.connect();
      const schema = `segmatch_clients_${process.pid}`;
      try {
        await client.query(
          `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path TO ${schema}`,
        );
        await client.query(`CREATE TABLE contacts (id text PRIMARY KEY, email text, country text, status text, ltv double precision, "joinedAt" timestamptz, topics text[]);
        CREATE TABLE contact_topics ("contactId" text, "topicId" text, status text);`);
        for (const r of ROWS) {
          await client.query("INSERT INTO contacts VALUES ($1, $2, $3, $4, $5, $6, $7)", [
            r.id,
            r.email,
            r.country,
            r.status,
            r.ltv,
            r.joinedAt,
            r.topics,
          ]);
          for (const t of r.records)
            await client.query("INSERT INTO contact_topics VALUES ($1, $2, $3)", [r.id, t.topicId, t.status]);
        }
        for (const [layout, options] of LAYOUTS) {
          const counts: number[] = [];
          for (const c of CONDITIONS) counts.push(await countWithPg(client, toSql(c, options)));
          expect(counts, layout).toEqual(CONDITIONS.map((c) => countMembers(c, DOCS[layout], options)));
        }
      } finally {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
    },
  );
});
