/**
 * toSql against a real PostgreSQL: PGlite (PostgreSQL compiled to WebAssembly, embedded) by
 * default, or the server at SEGMATCH_PG_URL through `pg`. A three-way differential property:
 * for generated catalog-typed conditions and generated rows inserted into the database, the
 * ids `SELECT id FROM contacts c WHERE <toSql>` selects equal the ids whose documents
 * `matches` accepts and the ids the reference evaluator accepts for the MongoDB filter, in
 * both topic layouts and both date storages. Relative dates (`"now-30d"`) the same way, at
 * instants near DST changes and month ends in several zones: the rows toSql selects are those
 * `matchesAt` accepts at that instant.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  compileCondition,
  ConditionError,
  countMembersManySql,
  createSegment,
  createSegmatch,
  defineFields,
  membersPageSql,
  membershipChangeSql,
  MONGO_VERSIONS,
  previewSegmentUpdate,
  toSql,
  updateSegment,
  type CompiledCondition,
  type Condition,
  type ConditionOptions,
} from "../src/index.js";
import { resolveOptions } from "../src/options.js";
import { parseOrThrow } from "../src/parse/parse.js";
import type { SqlDialect } from "../src/targets/sql/dialect.js";
import { postgres } from "../src/targets/sql/postgres.js";
import { toSqlExpression } from "../src/targets/sql/sql.js";
import { dateMathArb, typedFieldArb } from "./arbitraries.js";
import { reference } from "./reference/deviations.js";
import { runs } from "./fc-setup.js";
import { openDb, type Db } from "./db.js";

const RUNS = runs(2_000);

/** The issues a call throws (each with its path), or "ok". */
function outcome(run: () => unknown): "ok" | { issues: readonly unknown[] } {
  try {
    run();
    return "ok";
  } catch (error) {
    if (error instanceof ConditionError) return { issues: error.issues };
    throw error;
  }
}
const SEED = fc.readConfigureGlobal().seed;

/** The platform's layout: built-in columns, numbered property slots, and topics as an array or a join table. */
const CATALOG = defineFields({
  email: { type: "string" },
  country: { type: "string" },
  status: { type: "enum", values: ["SUBSCRIBED", "UNSUBSCRIBED", "BOUNCED"] },
  score: { type: "number", path: "properties.score" },
  age: { type: "number" },
  vip: { type: "boolean" },
  joined: { type: "date", path: "properties.joined" },
  seen: { type: "date", path: "properties.seen", storage: "epochMillis" },
});
const COLUMNS = { score: "propertyFloat0", joined: "joinedAt", seen: "propertyFloat1" };
const SQL_IDS = { table: "c", id: "id", columns: COLUMNS, topics: { column: "topics" } } as const;
const SQL_RECORDS = {
  table: "c",
  id: "id",
  columns: COLUMNS,
  topics: { table: "contact_topics", contactId: "contactId", topicId: "topicId", status: "status" },
} as const;
const OPTIONS_IDS: ConditionOptions = { fields: CATALOG, sql: SQL_IDS };
const OPTIONS_RECORDS: ConditionOptions = { fields: CATALOG, topics: { layout: "records" }, sql: SQL_RECORDS };

const STRINGS = ["", "a", "ab", "B", "US", "NG", "é", "\u{1F600}", "\uFFFF", "a%b", "_x", "a\\b", "x y"];
const NUMBERS = [-1, 0, -0, 1, 1.5, 18, 100];
const TIMES = [0, 18, 86_400_000, 1_700_000_000_000];
const TOPICS = ["t1", "t2", "t3"];

const orNull = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });
const rowArb = fc.record({
  email: orNull(fc.constantFrom(...STRINGS)),
  country: orNull(fc.constantFrom(...STRINGS)),
  status: orNull(fc.constantFrom("SUBSCRIBED", "UNSUBSCRIBED", "BOUNCED")),
  score: orNull(fc.constantFrom(...NUMBERS, Number.NaN)),
  age: orNull(fc.constantFrom(...NUMBERS)),
  vip: orNull(fc.boolean()),
  joined: orNull(fc.constantFrom(...TIMES)),
  seen: orNull(fc.constantFrom(...TIMES, Number.NaN)),
  topicIds: orNull(fc.array(fc.constantFrom(...TOPICS), { maxLength: 3 })),
  records: fc.array(
    fc.record({ topicId: fc.constantFrom(...TOPICS), status: fc.constantFrom("SUBSCRIBED", "UNSUBSCRIBED") }),
    { maxLength: 4 },
  ),
});
type Row = typeof rowArb extends fc.Arbitrary<infer R> ? R : never;

/** A row with every column NULL (and no topic records) but those given. */
const row = (over: Partial<Row>): Row => ({
  email: null,
  country: null,
  status: null,
  score: null,
  age: null,
  vip: null,
  joined: null,
  seen: null,
  topicIds: null,
  records: [],
  ...over,
});

/** The document a row stands for: a non-NULL column gives its field a value at the field's path; NULL leaves it missing. */
function documentOf(id: string, row: Row, layout: "ids" | "records"): Record<string, unknown> {
  const doc: Record<string, unknown> = { _id: id };
  const properties: Record<string, unknown> = {};
  if (row.email !== null) doc.email = row.email;
  if (row.country !== null) doc.country = row.country;
  if (row.status !== null) doc.status = row.status;
  if (row.age !== null) doc.age = row.age;
  if (row.vip !== null) doc.vip = row.vip;
  if (row.score !== null) properties.score = row.score;
  if (row.joined !== null) properties.joined = new Date(row.joined);
  if (row.seen !== null) properties.seen = row.seen;
  if (Object.keys(properties).length > 0) doc.properties = properties;
  if (layout === "ids" && row.topicIds !== null) doc.topics = row.topicIds;
  if (layout === "records") doc.topics = row.records;
  return doc;
}

const DATE_OPERANDS = [
  "1969-12-31T23:59:59.999Z",
  "1970-01-01",
  "1970-01-01T00:00:00.018Z",
  "1970-01-02",
  "2023-11-14T22:13:20Z",
  -1,
  0,
  18,
  86_400_000,
  1_700_000_000_000,
];
const leafArb = typedFieldArb(CATALOG, {
  number: fc.constantFrom(...NUMBERS),
  date: fc.constantFrom(...DATE_OPERANDS),
  string: fc.constantFrom(...STRINGS, "a\u0000b", "\u0000"),
});
const topicArb: fc.Arbitrary<Condition> = fc
  .record(
    {
      subscribedToTopic: fc.array(fc.constantFrom(...TOPICS, "t\u0000"), { minLength: 1, maxLength: 2 }),
      notSubscribedToTopic: fc.array(fc.constantFrom(...TOPICS), { minLength: 1, maxLength: 2 }),
    },
    { requiredKeys: [] },
  )
  .filter((t) => Object.keys(t).length > 0) as fc.Arbitrary<Condition>;
const conditionArb: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 4, arbitrary: leafArb },
    { weight: 1, arbitrary: topicArb },
    {
      weight: 2,
      arbitrary: fc
        .record(
          {
            $and: fc.array(tie("c"), { minLength: 1, maxLength: 3 }),
            $or: fc.array(tie("c"), { minLength: 1, maxLength: 3 }),
            $not: tie("c"),
          },
          { requiredKeys: [] },
        )
        .filter((l) => Object.keys(l).length > 0) as fc.Arbitrary<Condition>,
    },
  ),
})).c;

let db: Db;
beforeAll(async () => {
  db = await openDb();
  await db.exec(`
    CREATE TABLE contacts (id text PRIMARY KEY, email text, country text, status text, "propertyFloat0" double precision, age double precision, vip boolean,
                           "joinedAt" timestamptz, "propertyFloat1" double precision, topics text[]);
    CREATE TABLE contact_topics ("contactId" text, "topicId" text, status text);
  `);
}, 60_000);
afterAll(async () => {
  await db?.close();
});

async function load(rows: readonly Row[]): Promise<void> {
  await db.exec("DELETE FROM contacts; DELETE FROM contact_topics;");
  for (const [i, r] of rows.entries()) {
    await db.query(`INSERT INTO contacts VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
      `r${i}`,
      r.email,
      r.country,
      r.status,
      r.score,
      r.age,
      r.vip,
      r.joined === null ? null : new Date(r.joined).toISOString(),
      r.seen,
      r.topicIds,
    ]);
    for (const rec of r.records)
      await db.query(`INSERT INTO contact_topics VALUES ($1, $2, $3)`, [`r${i}`, rec.topicId, rec.status]);
  }
}

async function selected(where: { text: string; values: readonly unknown[] }): Promise<string[]> {
  const { rows } = await db.query(`SELECT id FROM contacts c WHERE ${where.text} ORDER BY id`, where.values);
  return rows.map((r) => r.id as string);
}

describe("toSql on a real PostgreSQL", () => {
  it.each([
    ["ids layout (text[] column)", OPTIONS_IDS, "ids"],
    ["records layout (join table)", OPTIONS_RECORDS, "records"],
  ] as const)(
    "selects exactly what matches and the reference evaluator accept: %s",
    async (_name, options, layout) => {
      let selectedRows = 0;
      await fc.assert(
        fc.asyncProperty(
          conditionArb,
          fc.array(rowArb, { minLength: 1, maxLength: 6 }),
          fc.constantFrom(...MONGO_VERSIONS),
          async (condition, rows, mongoVersion) => {
            await load(rows);
            // The SQL is the same for every server version; the predicate and the reference answer as that version.
            const compiled = compileCondition(condition, { ...options, mongoVersion });
            const docs = rows.map((r, i) => [`r${i}`, documentOf(`r${i}`, r, layout)] as const);
            const byPredicate = docs
              .filter(([, d]) => compiled.matches(d))
              .map(([id]) => id)
              .sort();
            const byReference = docs
              .filter(([, d]) => reference(compiled.filter as Record<string, unknown>, d, mongoVersion).matches)
              .map(([id]) => id)
              .sort();
            const bySql = await selected(toSql(condition, options));
            selectedRows += bySql.length;
            expect(byPredicate, "predicate vs reference").toEqual(byReference);
            expect(bySql, `SQL: ${toSql(condition, options).text}`).toEqual(byPredicate);
          },
        ),
        { numRuns: RUNS },
      );
      console.log(
        `toSql differential (${db.name}, ${layout}): seed=${SEED} runs=${RUNS}, ${selectedRows} rows selected, all equal (replay: FC_SEED=${SEED})`,
      );
    },
    600_000,
  );

  it("membershipChangeSql selects the contacts that enter and leave, as matches before and after do", async () => {
    await fc.assert(
      fc.asyncProperty(
        conditionArb,
        conditionArb,
        fc.array(rowArb, { minLength: 1, maxLength: 6 }),
        async (before, after, rows) => {
          await load(rows);
          const was = compileCondition(before, OPTIONS_RECORDS).matches;
          const is = compileCondition(after, OPTIONS_RECORDS).matches;
          const docs = rows.map((r, i) => [`r${i}`, documentOf(`r${i}`, r, "records")] as const);
          const { entering, leaving } = membershipChangeSql(before, after, {
            ...OPTIONS_RECORDS,
            sql: { ...SQL_RECORDS, paramOffset: 0 },
          });
          expect(await selected(entering)).toEqual(
            docs
              .filter(([, d]) => is(d) && !was(d))
              .map(([id]) => id)
              .sort(),
          );
          expect(await selected(leaving)).toEqual(
            docs
              .filter(([, d]) => was(d) && !is(d))
              .map(([id]) => id)
              .sort(),
          );
        },
      ),
      { numRuns: Math.max(1, Math.floor(RUNS / 4)) },
    );
  }, 600_000);

  it("countMembersManySql counts every segment in one statement, as matches does each", async () => {
    const tally = { shared: 0, inline: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(conditionArb, { minLength: 1, maxLength: 8 }),
        fc.array(rowArb, { minLength: 1, maxLength: 6 }),
        async (conditions, rows) => {
          await load(rows);
          const options = { ...OPTIONS_RECORDS, sql: { ...SQL_RECORDS, table: "contacts" } };
          const segments = Object.fromEntries(conditions.map((c, i) => [`seg ${i}`, c]));
          const many = countMembersManySql(segments, options);
          expect(many.ids).toEqual(Object.keys(segments));
          // Both kinds of test: shared (a column of the row subquery) and inline.
          if (many.text.includes('AS "segmatch_l')) tally.shared++;
          if (!many.text.includes("OFFSET 0")) tally.inline++;
          // One statement, one scan: every count in one row.
          const row = (await db.query(many.text, many.values)).rows[0]!;
          const docs = rows.map((r, i) => documentOf(`r${i}`, r, "records"));
          many.ids.forEach((id, i) => {
            const matches = compileCondition(segments[id]!, OPTIONS_RECORDS).matches;
            expect(Number(row[String(i)]), id).toBe(docs.filter((d) => matches(d)).length);
          });
        },
      ),
      { numRuns: Math.max(1, Math.floor(RUNS / 4)) },
    );
    expect(tally.shared).toBeGreaterThan(0);
    expect(tally.inline).toBeGreaterThan(0);
  }, 600_000);

  it("membersPageSql walks every member once, in order, forward and backward, while rows come and go between pages", async () => {
    const options = { ...OPTIONS_RECORDS, sql: { ...SQL_RECORDS, table: "contacts" } };
    await fc.assert(
      fc.asyncProperty(
        conditionArb,
        fc.array(rowArb, { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.boolean(), fc.nat(40), rowArb), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.boolean(),
        async (condition, rows, steps, backward) => {
          await load(rows);
          const ids = rows.map((_, i) => `r${String(i).padStart(2, "0")}`);
          await db.exec(
            `UPDATE contacts SET id = 'r' || lpad(substr(id, 2), 2, '0'); UPDATE contact_topics SET "contactId" = 'r' || lpad(substr("contactId", 2), 2, '0');`,
          );
          const matches = compileCondition(condition, OPTIONS_RECORDS).matches;
          const present = new Set(ids);
          const member = new Map(rows.map((r, i) => [ids[i]!, matches(documentOf(ids[i]!, r, "records"))]));
          // Members that exist, and match, all walk long: each must be seen exactly once.
          const throughout = new Set(ids.filter((id) => member.get(id)));
          const seen: string[] = [];
          // Backward from the oldest end: a cursor below every id.
          let cursor: string | undefined = backward ? "0" : undefined;
          // Walk to the end; the generated steps set each page's limit and what changes after it (then nothing does).
          for (let i = 0; i < 200; i++) {
            const [limit, insert, n, row] = steps[i % steps.length]!;
            const page = membersPageSql(
              condition,
              options,
              backward
                ? { limit, before: cursor ?? "" }
                : { limit, ...(cursor === undefined ? {} : { after: cursor }) },
            );
            const result = page.read((await db.query(page.text, page.values)).rows as { id: string }[]);
            const got = result.rows.map((r) => r.id);
            expect(got.length).toBeLessThanOrEqual(limit);
            seen.push(...(backward ? [...got].reverse() : got));
            if (!result.hasMore || got.length === 0) break;
            cursor = backward ? got[0] : got.at(-1);
            if (i >= steps.length) continue;
            // Between pages, a contact arrives or leaves.
            const id = `r${String(n).padStart(2, "0")}`;
            if (insert && !present.has(id)) {
              await db.query(`INSERT INTO contacts (id, email, country, status) VALUES ($1, $2, $3, $4)`, [
                id,
                row.email,
                row.country,
                row.status,
              ]);
              present.add(id);
            } else if (!insert && present.has(id)) {
              await db.query(`DELETE FROM contacts WHERE id = $1`, [id]);
              present.delete(id);
              throughout.delete(id);
            }
          }
          // No id twice, strictly in order, and every member that was there throughout seen.
          expect(new Set(seen).size).toBe(seen.length);
          const order = [...seen].sort();
          expect(seen).toEqual(backward ? order : order.reverse());
          for (const id of throughout) expect(seen, `${id} was a member throughout`).toContain(id);
        },
      ),
      { numRuns: Math.max(1, Math.floor(RUNS / 8)) },
    );
  }, 600_000);

  it("the lifecycle counted and listed in PostgreSQL answers what it answers over the documents", async () => {
    const options = { ...OPTIONS_RECORDS, sql: { ...SQL_RECORDS, table: "contacts" } };
    // What a server writes: a count through toSql, a page of ids through membersPageSql, both at the call's instant.
    const count = async (compiled: CompiledCondition, at: Date) => {
      const where = toSql(compiled, { ...options, now: at });
      return Number(
        (await db.query(`SELECT count(*) AS n FROM contacts WHERE ${where.text}`, where.values)).rows[0]!.n,
      );
    };
    const list = async (compiled: CompiledCondition, limit: number, at: Date) => {
      const page = membersPageSql(compiled, { ...options, now: at }, { limit });
      return page.read((await db.query(page.text, page.values)).rows).rows.map((r) => r.id as string);
    };
    const now = new Date("2026-03-01T00:00:00.000Z");
    await fc.assert(
      fc.asyncProperty(
        conditionArb,
        conditionArb,
        fc.array(rowArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 4 }),
        async (before, after, rows, limit) => {
          await load(rows);
          const docs = rows.map((r, i) => documentOf(`r${i}`, r, "records"));
          const made = await createSegment({ name: "s", conditions: before }, { ...options, id: "s", now, count });
          expect(made.memberCount).toBe(docs.filter(compileCondition(before, options).matches).length);
          const updated = await updateSegment(made, { conditions: after }, { ...options, now, count });
          expect(updated).toEqual(updateSegment(made, { conditions: after }, { ...options, now, contacts: docs }));
          const preview = await previewSegmentUpdate(
            made,
            { conditions: after },
            { count, list },
            { ...options, now, limit },
          );
          const whole = previewSegmentUpdate(made, { conditions: after }, docs, { ...options, now });
          // membersPageSql lists the newest id first.
          const newest = (ids: readonly string[]) => [...ids].sort().reverse().slice(0, limit);
          expect(preview).toEqual({
            segment: whole.segment,
            before: whole.before,
            after: whole.after,
            entered: newest(whole.entered),
            left: newest(whole.left),
          });
        },
      ),
      { numRuns: Math.max(1, Math.floor(RUNS / 8)) },
    );
  }, 600_000);

  it("membersPageSql takes the platform's list rules and refuses anything else at its page option", () => {
    const options = { ...OPTIONS_RECORDS, sql: { ...SQL_RECORDS, table: "contacts" } };
    const us = { field: "country", operator: "eq", value: "US" } as const;
    expect(membersPageSql(us, options)).toMatchObject({
      text: 'SELECT * FROM "contacts" WHERE ("contacts"."country" = $1) ORDER BY "contacts"."id" DESC LIMIT $2',
      values: ["US", 21],
    });
    expect(
      membersPageSql(us, options, { limit: 2, before: "c9" }).read([{ id: "a" }, { id: "b" }, { id: "c" }]),
    ).toEqual({
      rows: [{ id: "b" }, { id: "a" }],
      hasMore: true,
    });
    const refused = (page: unknown) => {
      try {
        membersPageSql(us, options, page as never);
      } catch (error) {
        if (error instanceof ConditionError) return error.issues.map((i) => i.path.join("."));
      }
      return [];
    };
    expect([0, 101, 1.5, "20"].map((limit) => refused({ limit }))).toEqual([
      ["page.limit"],
      ["page.limit"],
      ["page.limit"],
      ["page.limit"],
    ]);
    expect(refused({ after: "a", before: "b" })).toEqual(["page.before"]);
    expect(refused({ after: "" })).toEqual(["page.after"]);
    expect(refused({ cursor: "a" })).toEqual(["page.cursor"]);
    expect(refused(5)).toEqual(["page"]);
  });

  it("options.sql is copied when given and checked where it is read: createSegmatch at once, toSql on use, the others carry it", () => {
    const given = { table: "c", id: "id", topics: { column: "topics" } };
    const compiled = compileCondition(
      { field: "country", operator: "eq", value: "NG" },
      { fields: CATALOG, sql: given },
    );
    given.table = "changed";
    given.topics.column = "changed";
    expect(toSql(compiled).text).toBe('"c"."country" = $1');
    const bad = { table: "", id: "id", topics: { column: "t" }, paramOffset: -1 };
    // No SQL is written: the condition compiles, and its toSql reports the mistake.
    const carried = compileCondition({ field: "country", operator: "eq", value: "NG" }, { fields: CATALOG, sql: bad });
    expect(carried.matches({ country: "NG" })).toBe(true);
    const refusal = [
      { path: ["options", "sql", "table"], code: "invalid_options", reason: "sql_identifier", identifier: "empty" },
      { path: ["options", "sql", "paramOffset"], code: "invalid_options", reason: "option_value", received: "-1" },
    ];
    expect(outcome(() => toSql(carried))).toMatchObject({ issues: refusal });
    expect(
      outcome(() => toSql({ field: "country", operator: "eq", value: "NG" }, { fields: CATALOG, sql: bad })),
    ).toMatchObject({
      issues: refusal,
    });
    expect(outcome(() => createSegmatch({ fields: CATALOG, sql: bad }))).toMatchObject({ issues: refusal });
    // A getter is read once, when the options are given: what was checked is what is used.
    let reads = 0;
    const counted = {
      get table() {
        reads++;
        return reads === 1 ? "c" : "";
      },
      id: "id",
      topics: { column: "t" },
    };
    const engine = createSegmatch({ fields: CATALOG, sql: counted });
    expect(engine.toSql({ field: "country", operator: "eq", value: "NG" }).text).toBe('"c"."country" = $1');
    expect(engine.toSql({ field: "country", operator: "eq", value: "US" }).text).toBe('"c"."country" = $1');
    expect(reads).toBe(1);
  });

  it("numbers placeholders from paramOffset, quotes identifiers, and refuses what it cannot use", () => {
    const out = toSql(
      { field: "country", operator: "eq", value: "US" },
      { fields: CATALOG, sql: { ...SQL_IDS, table: 'we"ird', paramOffset: 2 } },
    );
    expect(out).toEqual({ text: '"we""ird"."country" = $3', values: ["US"] });
    expect(() => toSql({ field: "country", operator: "eq", value: "US" }, { fields: CATALOG })).toThrow(
      /needs options.sql/,
    );
    // How documents keep topics (topics.layout) and how the database does (sql.topics) are independent: both mean "subscribed".
    expect(
      toSql({ subscribedToTopic: ["t1"] }, { fields: CATALOG, topics: { layout: "records" }, sql: SQL_IDS }).text,
    ).toBe(toSql({ subscribedToTopic: ["t1"] }, { fields: CATALOG, sql: SQL_IDS }).text);
  });

  it("two catalog fields stored at one path keep their own columns when segments share tests", () => {
    const fields = defineFields({ a: { type: "number", path: "x" }, b: { type: "number", path: "x" } });
    const options = {
      fields,
      sql: { table: "c", id: "id", columns: { a: "col_a", b: "col_b" }, topics: { column: "topics" } },
    };
    const one = (field: string) => ({ field, operator: "eq", value: 1 });
    const { text } = countMembersManySql({ s1: one("a"), s2: one("b"), s3: one("a"), s4: one("b") }, options);
    expect(text).toContain('"c"."col_a" = $1');
    expect(text).toContain('"c"."col_b" = $2');
  });

  it("names a join table as a name, schema.name at its one dot, or a list of names that may hold dots", () => {
    const from = (table: unknown) => {
      const options = { fields: CATALOG, sql: { ...SQL_RECORDS, topics: { ...SQL_RECORDS.topics, table } } } as never;
      return /FROM ("[^ ]*") /.exec(toSql({ subscribedToTopic: ["t1"] }, options).text)?.[1];
    };
    expect(from("contact_topics")).toBe('"contact_topics"');
    expect(from("crm.topics")).toBe('"crm"."topics"');
    expect(from(["crm.eu", "topic.subs"])).toBe('"crm.eu"."topic.subs"');
    expect(from(["a.b"])).toBe('"a.b"');
    const refused = (table: unknown) => {
      try {
        from(table);
      } catch (error) {
        if (!(error instanceof ConditionError)) throw error;
        return error.issues.map((i) => [i.path.join("."), i.message]);
      }
      return undefined;
    };
    const says = (problem: string) => [["options.sql.topics.table", `sql.topics.table ${problem}`]];
    const qualified = says('must be "table", "schema.table" or a list of names ["a.b", "c"]');
    expect(refused("a.b.c")).toEqual(qualified);
    expect(refused(["a", "b", "c"])).toEqual(qualified);
    expect(refused([])).toEqual(qualified);
    expect(refused(["a", ""])).toEqual(says("must be a non-empty string"));
    expect(refused("crm.")).toEqual(says("must be a non-empty string"));
    // Refused by their length or dots before anything copies them: 2^24 characters, 2^20 dots.
    expect(refused("a".repeat(2 ** 24))).toEqual(
      says("must be at most 63 bytes (the database truncates longer names)"),
    );
    expect(refused("a.".repeat(2 ** 20))).toEqual(qualified);
  });

  /** The traps of condition-to-SQL code, each on the server: condition, rows (r0, r1…), the ids MongoDB's semantics select. */
  const TRAPS: [string, Condition, Row[], string[], ConditionOptions?][] = [
    [
      "ne keeps NULL (missing) rows",
      { field: "country", operator: "ne", value: "FR" },
      [row({ country: "FR" }), row({}), row({ country: "US" })],
      ["r1", "r2"],
    ],
    [
      "nin keeps NULL rows",
      { field: "country", operator: "nin", value: ["FR", "US"] },
      [row({ country: "FR" }), row({}), row({ country: "NG" })],
      ["r1", "r2"],
    ],
    [
      "$not keeps NULL rows",
      { $not: { field: "age", operator: "gt", value: 18 } },
      [row({ age: 30 }), row({}), row({ age: 5 })],
      ["r1", "r2"],
    ],
    [
      "exists false is NULL",
      { field: "vip", operator: "exists", value: false },
      [row({ vip: false }), row({})],
      ["r1"],
    ],
    [
      "notSubscribedToTopic over a NULL and an empty array",
      { notSubscribedToTopic: ["t1"] },
      [row({ topicIds: ["t1"] }), row({}), row({ topicIds: [] })],
      ["r1", "r2"],
    ],
    [
      "subscribedToTopic ignores duplicates and other statuses",
      { subscribedToTopic: ["t2"] },
      [
        row({
          records: [
            { topicId: "t1", status: "SUBSCRIBED" },
            { topicId: "t1", status: "SUBSCRIBED" },
            { topicId: "t2", status: "UNSUBSCRIBED" },
          ],
        }),
        row({
          records: [
            { topicId: "t2", status: "SUBSCRIBED" },
            { topicId: "t2", status: "SUBSCRIBED" },
          ],
        }),
      ],
      ["r1"],
      OPTIONS_RECORDS,
    ],
    [
      "notSubscribedToTopic with no records",
      { notSubscribedToTopic: ["t1"] },
      [
        row({}),
        row({ records: [{ topicId: "t1", status: "UNSUBSCRIBED" }] }),
        row({ records: [{ topicId: "t1", status: "SUBSCRIBED" }] }),
      ],
      ["r0", "r1"],
      OPTIONS_RECORDS,
    ],
    [
      "string order by code point",
      { field: "email", operator: "gt", value: "\uFFFF" },
      [row({ email: "\u{1F600}" }), row({ email: "z" })],
      ["r0"],
    ],
    [
      "upper case sorts before lower case",
      { field: "email", operator: "lt", value: "a" },
      [row({ email: "B" }), row({ email: "b" })],
      ["r0"],
    ],
    [
      "% is not a wildcard",
      { field: "email", operator: "contains", value: "a%b" },
      [row({ email: "xa%by" }), row({ email: "axb" })],
      ["r0"],
    ],
    [
      "_ is not a wildcard",
      { field: "email", operator: "startsWith", value: "_x" },
      [row({ email: "_x1" }), row({ email: "ax1" })],
      ["r0"],
    ],
    [
      "\\ is not an escape",
      { field: "email", operator: "endsWith", value: "a\\b" },
      [row({ email: "xa\\b" }), row({ email: "xab" })],
      ["r0"],
    ],
    [
      "substring tests are case-sensitive",
      { field: "country", operator: "contains", value: "us" },
      [row({ country: "US" }), row({ country: "bus" })],
      ["r1"],
    ],
    [
      "NaN passes no range",
      { field: "score", operator: "gte", value: -1 },
      [row({ score: Number.NaN }), row({ score: 0 })],
      ["r1"],
    ],
    [
      "NaN is not less than either",
      { field: "score", operator: "lt", value: 100 },
      [row({ score: Number.NaN }), row({ score: 5 })],
      ["r1"],
    ],
    ["-0 equals 0", { field: "age", operator: "eq", value: 0 }, [row({ age: -0 }), row({ age: 1 })], ["r0"]],
    [
      "NUL: eq is false, not an error",
      { field: "email", operator: "eq", value: "a\u0000b" },
      [row({ email: "a" }), row({ email: "ab" })],
      [],
    ],
    [
      "NUL: ne is true",
      { field: "email", operator: "ne", value: "a\u0000b" },
      [row({ email: "a" }), row({})],
      ["r0", "r1"],
    ],
    [
      "NUL: a range compares with the text before it",
      { field: "email", operator: "gt", value: "a\u0000b" },
      [row({ email: "a" }), row({ email: "a\u0001" }), row({ email: "b" })],
      ["r1", "r2"],
    ],
    [
      "NUL: lte compares with the text before it",
      { field: "email", operator: "lte", value: "a\u0000" },
      [row({ email: "a" }), row({ email: "a\u0001" })],
      ["r0"],
    ],
    [
      "NUL: list items with it are dropped",
      { field: "country", operator: "in", value: ["US\u0000", "NG"] },
      [row({ country: "US" }), row({ country: "NG" })],
      ["r1"],
    ],
    [
      "dates to the millisecond (timestamptz)",
      { field: "joined", operator: "eq", value: "1970-01-01T00:00:00.018Z" },
      [row({ joined: 18 }), row({ joined: 0 })],
      ["r0"],
    ],
    [
      "dates to the millisecond (epoch milliseconds)",
      { field: "seen", operator: "lt", value: "1970-01-01T00:00:00.018Z" },
      [row({ seen: 0 }), row({ seen: 18 }), row({ seen: Number.NaN })],
      ["r0"],
    ],
  ];

  it.each(TRAPS)("trap: %s", async (_name, condition, rows, expected, options = OPTIONS_IDS) => {
    await load(rows);
    const layout = options.topics?.layout ?? "ids";
    const compiled = compileCondition(condition, options);
    expect(
      rows
        .map((r, i) => [`r${i}`, documentOf(`r${i}`, r, layout)] as const)
        .filter(([, d]) => compiled.matches(d))
        .map(([id]) => id),
    ).toEqual(expected);
    expect(await selected(toSql(condition, options))).toEqual(expected);
  });

  it("a positive eq on an indexed column uses the index (EXPLAIN)", async () => {
    await db.exec(`CREATE TABLE big (id text PRIMARY KEY, country text); CREATE INDEX big_country ON big (country);`);
    await db.exec(
      `INSERT INTO big SELECT 'b' || g, CASE WHEN g % 1000 = 0 THEN 'NG' ELSE 'C' || (g % 500) END FROM generate_series(1, 50000) AS g; ANALYZE big;`,
    );
    const where = toSql({ field: "country", operator: "eq", value: "NG" }, { fields: CATALOG, sql: SQL_IDS });
    const { rows } = await db.query(`EXPLAIN SELECT id FROM big c WHERE ${where.text}`, where.values);
    expect(rows.map((r) => Object.values(r)[0] as string).join("\n")).toMatch(/Index/);
    await db.exec("DROP TABLE big");
  });

  it("orders strings by code point whatever the column's collation, where the server has a non-C one", async () => {
    const { rows } = await db.query(
      `SELECT collname FROM pg_collation WHERE collname IN ('en-US-x-icu', 'en_US.utf8', 'en_US') ORDER BY collname LIMIT 1`,
    );
    const collation = rows[0]?.collname as string | undefined;
    if (collation === undefined) {
      console.log(`${db.name}: no non-C collation to test with`);
      return;
    }
    await db.exec(
      `CREATE TABLE coll (id text PRIMARY KEY, email text COLLATE "${collation}"); INSERT INTO coll VALUES ('r0', 'B'), ('r1', 'b'), ('r2', 'a');`,
    );
    const where = toSql({ field: "email", operator: "lt", value: "a" }, { fields: CATALOG, sql: SQL_IDS });
    const { rows: hit } = await db.query(`SELECT id FROM coll c WHERE ${where.text} ORDER BY id`, where.values);
    // Under en-US, "B" sorts after "a"; by code point, before it.
    expect(hit.map((r) => r.id)).toEqual(["r0"]);
    const { rows: plain } = await db.query(`SELECT id FROM coll WHERE email < 'a' ORDER BY id`);
    console.log(
      `${db.name}: collation ${collation}; a plain < gives ${JSON.stringify(plain.map((r) => r.id))}, toSql gives ["r0"]`,
    );
    await db.exec("DROP TABLE coll");
  });

  it("dates PostgreSQL writes differently (before year 1, after 9999) or cannot hold (before 4713 BC) compare as the predicate does", async () => {
    await db.exec(
      `CREATE TABLE far (id text PRIMARY KEY, "joinedAt" timestamptz); INSERT INTO far VALUES ('r0', '0001-06-01 00:00:00+00 BC'), ('r1', '2000-01-01Z'), ('r2', '20000-01-01 00:00:00+00');`,
    );
    const options = {
      fields: { joined: { type: "date" } },
      sql: { table: "c", id: "id", columns: { joined: "joinedAt" }, topics: { column: "topics" } },
    } as const;
    const ids = async (condition: Condition) => {
      const where = toSql(condition, options);
      return (await db.query(`SELECT id FROM far c WHERE ${where.text} ORDER BY id`, where.values)).rows.map(
        (r) => r.id,
      );
    };
    expect(await ids({ field: "joined", operator: "eq", value: "0000-06-01" })).toEqual(["r0"]);
    expect(await ids({ field: "joined", operator: "lt", value: 8.64e15 })).toEqual(["r0", "r1", "r2"]);
    expect(await ids({ field: "joined", operator: "gt", value: -8.64e15 })).toEqual(["r0", "r1", "r2"]);
    expect(await ids({ field: "joined", operator: "in", value: [0, 253402300800000, 568971820800000] })).toEqual([
      "r2",
    ]);
    expect(await ids({ field: "joined", operator: "gte", value: 568971820800000 })).toEqual(["r2"]);
    await db.exec("DROP TABLE far");
  });

  it("takes the join table's own column types (an enum status, a uuid topic id), and never hides a table named like its alias", async () => {
    await db.exec(`CREATE TYPE sub_status AS ENUM ('SUBSCRIBED', 'UNSUBSCRIBED');
      CREATE TABLE segmatch_topic (id text PRIMARY KEY, country text);
      CREATE TABLE subs ("contactId" text, "topicId" uuid, status sub_status);
      INSERT INTO segmatch_topic VALUES ('r0', 'US'), ('r1', 'US');
      INSERT INTO subs VALUES ('r0', '00000000-0000-0000-0000-000000000001', 'SUBSCRIBED'), ('r1', '00000000-0000-0000-0000-000000000001', 'UNSUBSCRIBED');`);
    const options: ConditionOptions = {
      fields: { country: { type: "string" } },
      topics: { layout: "records" },
      sql: {
        table: "segmatch_topic",
        id: "id",
        topics: { table: "subs", contactId: "contactId", topicId: "topicId", status: "status" },
      },
    };
    for (const [condition, expected] of [
      [{ subscribedToTopic: ["00000000-0000-0000-0000-000000000001"] }, ["r0"]],
      [{ notSubscribedToTopic: ["00000000-0000-0000-0000-000000000001"] }, ["r1"]],
    ] as const) {
      const where = toSql(condition, options);
      const { rows } = await db.query(`SELECT id FROM segmatch_topic WHERE ${where.text} ORDER BY id`, where.values);
      expect(rows.map((r) => r.id)).toEqual(expected);
    }
    await db.exec("DROP TABLE subs; DROP TABLE segmatch_topic; DROP TYPE sub_status;");
  });

  it("refuses field names that are no usable column, and expressions beyond the protocol's 65,535 placeholders", () => {
    const long = "x".repeat(64);
    expect(() =>
      toSql(
        { field: long, operator: "eq", value: "A" },
        { fields: { [long]: { type: "string", path: "a" } }, sql: SQL_IDS },
      ),
    ).toThrow(/needs a column in sql.columns/);
    const many = { $or: Array.from({ length: 2_000 }, (_, i) => ({ field: "age", operator: "eq", value: i })) };
    expect(() =>
      toSql(
        { $or: [many, many, many] },
        { fields: CATALOG, sql: { ...SQL_IDS, paramOffset: 60_000 }, limits: { maxNodes: 100_000 } },
      ),
    ).toThrow(/beyond PostgreSQL's 65535/);
    expect(toSql(many, { fields: CATALOG, sql: SQL_IDS }).values).toHaveLength(2_000);
  });
});

/**
 * Relative dates (`"now-30d"`) in SQL: toSql resolves them at one reading of `options.now` in
 * `options.timeZone` and passes the instants as parameters. At instants near DST changes and
 * month ends, in zones with whole- and half-hour offsets, the rows `WHERE <toSql>` selects
 * must be exactly those `matchesAt(doc, at)` accepts, for a timestamptz column and an epoch
 * milliseconds column alike.
 */
describe("relative dates on a real PostgreSQL, at an instant", () => {
  const MINUTE = 60_000;
  const HALF_HOUR = 30 * MINUTE;
  const DAY = 86_400_000;
  /** Clock instants near hard places: DST changes (Amsterdam, New York, Lord Howe's half hour), month ends, a leap day, a year end. */
  const INSTANTS = [
    Date.UTC(2024, 2, 31, 1, 30),
    Date.UTC(2024, 9, 27, 0, 45),
    Date.UTC(2024, 1, 29, 23, 59, 59, 999),
    Date.UTC(2023, 11, 31, 23, 0),
    Date.UTC(2024, 2, 10, 7, 15),
    Date.UTC(2024, 10, 3, 5, 30),
    Date.UTC(2024, 3, 6, 15, 15),
    Date.UTC(2024, 9, 5, 15, 45),
  ];
  const ZONES = ["UTC", "Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe"] as const;
  const mathArb = dateMathArb();
  const relativeLeafArb = fc.record({
    field: fc.constantFrom("joined", "seen"),
    operator: fc.constantFrom("gt", "gte", "lt", "lte"),
    value: mathArb,
  }) as fc.Arbitrary<Condition>;
  const relativeConditionArb: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
    c: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      { weight: 5, arbitrary: relativeLeafArb },
      { weight: 2, arbitrary: leafArb },
      { weight: 1, arbitrary: topicArb },
      {
        weight: 3,
        arbitrary: fc
          .record(
            {
              $and: fc.array(tie("c"), { minLength: 1, maxLength: 3 }),
              $or: fc.array(tie("c"), { minLength: 1, maxLength: 3 }),
              $not: tie("c"),
            },
            { requiredKeys: [] },
          )
          .filter((l) => Object.keys(l).length > 0) as fc.Arbitrary<Condition>,
      },
    ),
  })).c;
  /** Epoch milliseconds near `at`: anywhere within 40 days, on the half hours around it (every zone's midnights), a millisecond either side. */
  const nearArb = (at: number): fc.Arbitrary<number> => {
    const grid = (origin: number, step: number, count: number) =>
      fc
        .tuple(fc.integer({ min: -count, max: count }), fc.constantFrom(-1, 0, 1))
        .map(([k, j]) => origin + k * step + j);
    return fc.oneof(
      fc.integer({ min: -40 * DAY, max: 40 * DAY }).map((d) => at + d),
      grid(Math.floor(at / HALF_HOUR) * HALF_HOUR, HALF_HOUR, 4 * 48),
      grid(Math.floor(at / HALF_HOUR) * HALF_HOUR, HALF_HOUR, 40 * 48),
      grid(at, MINUTE, 3 * 60),
      fc.constantFrom(at, at - 1, at + 1),
    );
  };
  const nearRowArb = (at: number): fc.Arbitrary<Row> =>
    fc
      .tuple(
        rowArb,
        orNull(nearArb(at)),
        fc.option(fc.oneof({ weight: 9, arbitrary: nearArb(at) }, { weight: 1, arbitrary: fc.constant(Number.NaN) }), {
          nil: null,
          freq: 4,
        }),
      )
      .map(([r, joined, seen]) => ({ ...r, joined, seen }));
  /** The instants among toSql's parameters: timestamptz text, and epoch milliseconds (not the small numbers of other leaves). */
  const instantsOf = (values: readonly unknown[]): number[] => [
    ...new Set(
      values.flatMap((v) =>
        typeof v === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(v)
          ? [Date.parse(v)]
          : typeof v === "number" && Math.abs(v) >= 1e11
            ? [v]
            : [],
      ),
    ),
  ];
  const iso = (t: number | null) => (t === null ? null : Number.isNaN(t) ? "NaN" : new Date(t).toISOString());

  it("selects exactly the rows matchesAt accepts: generated conditions, instants, zones and rows near them, both storages", async () => {
    const numRuns = runs(500);
    let totalRows = 0;
    let boundaryRows = 0;
    let selectedRows = 0;
    let relativeRuns = 0;
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...INSTANTS)
          .chain((at) =>
            fc.tuple(
              fc.constant(at),
              fc.constantFrom(...ZONES),
              fc.constantFrom("ids", "records"),
              fc.constantFrom("number", "Date", "clock"),
              relativeConditionArb,
              fc.array(nearRowArb(at), { minLength: 1, maxLength: 6 }),
            ),
          ),
        async ([at, timeZone, layout, clock, condition, near]) => {
          const now = clock === "number" ? at : clock === "Date" ? new Date(at) : () => at;
          const options: ConditionOptions = { ...(layout === "ids" ? OPTIONS_IDS : OPTIONS_RECORDS), timeZone, now };
          const where = toSql(condition, options);
          // Rows on each instant the SQL compares with, a millisecond either side, with the other columns of a generated row.
          const edges = instantsOf(where.values)
            .slice(0, 6)
            .flatMap((b, i) =>
              [-1, 0, 1].map((j) => ({ ...near[(i + j + 1) % near.length]!, joined: b + j, seen: b + j })),
            );
          const rows = [...near, ...edges];
          await load(rows);
          const compiled = compileCondition(condition, options);
          const docs = rows.map((r, i) => [`r${i}`, documentOf(`r${i}`, r, layout)] as const);
          const byPredicate = docs
            .filter(([, d]) => compiled.matchesAt(d, at))
            .map(([id]) => id)
            .sort();
          const bySql = (await selected(where)).sort();
          if (compiled.relative) relativeRuns++;
          totalRows += rows.length;
          boundaryRows += edges.length;
          selectedRows += bySql.length;
          if (bySql.join() !== byPredicate.join()) {
            const differing = docs
              .filter(([id]) => bySql.includes(id) !== byPredicate.includes(id))
              .map(([id]) => ({
                id,
                joined: iso(rows[Number(id.slice(1))]!.joined),
                seen: iso(rows[Number(id.slice(1))]!.seen),
                sql: bySql.includes(id),
                matchesAt: byPredicate.includes(id),
              }));
            expect.fail(
              `toSql and matchesAt disagree at ${new Date(at).toISOString()} in ${timeZone} (${layout}, now as ${clock})\n` +
                `condition: ${JSON.stringify(condition)}\nSQL: ${where.text}\nvalues: ${JSON.stringify(where.values)}\n` +
                `rows: ${JSON.stringify(differing)}`,
            );
          }
        },
      ),
      { numRuns },
    );
    console.log(
      `toSql relative-date differential (${db.name}): seed=${SEED} runs=${numRuns} (${relativeRuns} with relative dates), ${totalRows} rows (${boundaryRows} on the SQL's instants ±1 ms), ${selectedRows} selected, all equal (replay: FC_SEED=${SEED})`,
    );
  }, 600_000);

  const at = Date.UTC(2024, 2, 31, 1, 30);
  it.each([
    ["UTC", "2024-03-31T00:00:00.000Z", "2024-03-24T00:00:00.000Z"],
    ["Europe/Amsterdam", "2024-03-30T23:00:00.000Z", "2024-03-23T23:00:00.000Z"],
    ["America/New_York", "2024-03-30T04:00:00.000Z", "2024-03-23T04:00:00.000Z"],
    ["Australia/Lord_Howe", "2024-03-30T13:00:00.000Z", "2024-03-23T13:00:00.000Z"],
  ])(
    'at 2024-03-31T01:30Z in %s, gte "now/d" starts at %s and lt "now-7d/d" ends before %s, in both storages',
    async (timeZone, today, weekAgo) => {
      const condition: Condition = {
        $or: [
          { field: "joined", operator: "gte", value: "now/d" },
          { field: "joined", operator: "lt", value: "now-7d/d" },
          { field: "seen", operator: "gte", value: "now/d" },
          { field: "seen", operator: "lt", value: "now-7d/d" },
        ],
      };
      const options: ConditionOptions = { ...OPTIONS_IDS, timeZone, now: at };
      const where = toSql(condition, options);
      expect(where).toEqual({
        text:
          `("c"."joinedAt" >= $1 OR "c"."joinedAt" < $2 OR ("c"."propertyFloat1" >= $3 AND "c"."propertyFloat1"::float8 <> 'NaN'::float8)` +
          ` OR "c"."propertyFloat1" < $4)`,
        values: [today, weekAgo, Date.parse(today), Date.parse(weekAgo)],
      });
      const [t, w] = [Date.parse(today), Date.parse(weekAgo)];
      const rows = [
        row({ joined: t }),
        row({ joined: t - 1 }),
        row({ joined: w - 1 }),
        row({ joined: w }),
        row({ seen: t }),
        row({ seen: t - 1 }),
        row({ seen: w - 1 }),
        row({ seen: w }),
        row({ seen: Number.NaN }),
      ];
      await load(rows);
      const compiled = compileCondition(condition, options);
      expect(
        rows
          .map((r, i) => [`r${i}`, documentOf(`r${i}`, r, "ids")] as const)
          .filter(([, d]) => compiled.matchesAt(d, at))
          .map(([id]) => id),
      ).toEqual(["r0", "r2", "r4", "r6"]);
      expect(await selected(where)).toEqual(["r0", "r2", "r4", "r6"]);
    },
  );
});

describe("dialects", () => {
  /** A toy dialect unlike PostgreSQL in every word it has: what the engine writes itself is all that stays. */
  const toy: SqlDialect = {
    name: "Toy",
    quoteIdentifier: (name) =>
      typeof name === "string" && name !== "" ? { quoted: `[${name}]` } : { problem: "empty" as const },
    placeholder: (n) => `?${n}`,
    maxParameters: 8,
    true: "1",
    false: "0",
    date: (value) => value.getTime(),
    codePoint: (text) => `${text} COLLATE BINARY`,
    oneOf: (expression, items, add) => `${expression} IN (${items.map((item) => add(item)).join(", ")})`,
    overlaps: (column, items, add) =>
      `EXISTS (SELECT 1 FROM json_each(${column}) WHERE value IN (${items.map((item) => add(item)).join(", ")}))`,
    notNaN: () => undefined,
    contains: (column, p) => `instr(${column}, ${p}) > 0`,
    startsWith: (column, p) => `substr(${column}, 1, length(${p})) = ${p}`,
    endsWith: (column, p) => `substr(${column}, -length(${p})) = ${p}`,
  };
  /** toSql's expression in `dialect` (which reads the options' SQL names with its own rule). */
  const where = (condition: Condition, options: ConditionOptions, dialect: SqlDialect) => {
    const resolved = resolveOptions(options);
    return toSqlExpression(parseOrThrow(condition, resolved).ast, resolved, dialect);
  };
  const condition: Condition = {
    $and: [
      { field: "country", operator: "in", value: ["US", "NG"] },
      { $not: { field: "email", operator: "endsWith", value: "@x.io" } },
      { field: "email", operator: "gte", value: "a\u0000" },
      { field: "score", operator: "gt", value: 1 },
      { field: "joined", operator: "lt", value: "1970-01-02" },
      { notSubscribedToTopic: ["t1"] },
    ],
  };

  it("the engine writes no PostgreSQL of its own: another dialect is one object", () => {
    expect(where(condition, OPTIONS_IDS, toy)).toEqual({
      text:
        "([c].[country] IN (?1, ?2) AND NOT COALESCE(substr([c].[email], -length(?3)) = ?3, 0) AND [c].[email] COLLATE BINARY > ?4" +
        " AND [c].[propertyFloat0] > ?5 AND [c].[joinedAt] < ?6 AND NOT COALESCE(EXISTS (SELECT 1 FROM json_each([c].[topics]) WHERE value IN (?7)), 0))",
      values: ["US", "NG", "@x.io", "a", 1, 86_400_000, "t1"],
    });
    expect(() => where({ $or: [condition, condition] }, OPTIONS_IDS, toy)).toThrow(
      "the expression needs placeholders up to ?14, beyond Toy's 8; split the condition or lower sql.paramOffset",
    );
    // The same resolved options in both dialects: each quotes the names with its own rule.
    const resolved = resolveOptions(OPTIONS_IDS);
    const ast = parseOrThrow(condition, resolved).ast;
    expect(toSqlExpression(ast, resolved, postgres).text).toContain('"c"."country"');
    expect(toSqlExpression(ast, resolved, toy).text).toContain("[c].[country]");
  });

  it("PostgreSQL is the dialect options are read for", () => {
    expect(where(condition, OPTIONS_IDS, postgres)).toEqual(toSql(condition, OPTIONS_IDS));
    expect(where(condition, OPTIONS_RECORDS, postgres)).toEqual(toSql(condition, OPTIONS_RECORDS));
    expect(toSql(condition, OPTIONS_IDS).text).toBe(
      '("c"."country" = ANY($1) AND NOT COALESCE(right("c"."email", char_length($2::text)) = $2::text COLLATE "C", FALSE) AND "c"."email" COLLATE "C" > $3' +
        ` AND ("c"."propertyFloat0" > $4 AND "c"."propertyFloat0"::float8 <> 'NaN'::float8) AND "c"."joinedAt" < $5 AND NOT COALESCE("c"."topics" && $6, FALSE))`,
    );
  });
});
