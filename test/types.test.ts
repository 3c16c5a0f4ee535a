/**
 * The typed entry points: a literal that is not a condition of the language is a type
 * error (checked by `npm run typecheck`, which covers this file under TypeScript 5.9 and 7:
 * each `@ts-expect-error` fails the build if the line below it compiles), while input typed
 * `unknown` or `any`, and conditions kept in variables, are accepted and checked at run time.
 *
 * The last test runs both compilers on small files of their own and checks what the error
 * messages SAY (the misspelt key, the unknown operator), not only that there is one.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { Client } from "pg";
import { describe, expect, it } from "vitest";
import {
  compileCondition,
  createSegment,
  createSegmatch,
  defineFields,
  diffMembership,
  membershipChangeSql,
  parseCondition,
  previewSegmentUpdate,
  safeParseCondition,
  toMongoFilter,
  toPredicate,
  toSql,
  updateSegment,
  type CompiledCondition,
  type Condition,
  type Contacts,
  type CreateOptions,
  type MemberQueries,
  type ConditionOptions,
  type DatabasePreview,
  type FlattenedConditionError,
  type Segment,
  type SegmentUpdate,
  type SqlExpression,
} from "../src/index.js";

/** `true` only when A and B are the same type. */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T | undefined => undefined;

const root = new URL("..", import.meta.url).pathname;

describe("typed entry points", () => {
  it("accept conditions, variables and unknown input; refuse literals with typos at compile time", () => {
    const engine = createSegmatch();
    const kept = { $and: [{ field: "a", operator: "in", value: ["x"] }, { subscribedToTopic: ["t"] }] };
    const fromOutside: unknown = JSON.parse('{"field":"a","operator":"eq","value":1}');
    const typed: Condition = { field: "a", operator: "exists", value: true };
    expect(compileCondition({ field: "country", operator: "eq", value: "US" }).filter).toEqual({
      country: { $eq: "US" },
    });
    expect(compileCondition(kept).fields).toEqual(["a"]);
    expect(engine.compileCondition(fromOutside).fields).toEqual(["a"]);
    expect(toMongoFilter(typed)).toEqual({ a: { $ne: null } });
    expect(toPredicate({ $not: { notSubscribedToTopic: ["t"] } })({ topics: ["t"] })).toBe(true);
    expect(
      parseCondition({
        $or: [{ field: "a", operator: "eq", value: 1 }],
        $not: { field: "b", operator: "exists", value: false },
      }),
    ).toBeTypeOf("object");

    // @ts-expect-error a misspelt key
    expect(() => compileCondition({ field: "country", operatr: "eq", value: "US" })).toThrow();
    // @ts-expect-error an operator the language does not have
    expect(() => engine.compileCondition({ field: "country", operator: "like", value: "US" })).toThrow();
    // @ts-expect-error a misspelt key, nested
    expect(() => toMongoFilter({ $and: [{ feld: "a", operator: "eq", value: 1 }] })).toThrow();
    // prettier-ignore
    // @ts-expect-error shapes mixed in one object
    expect(() => parseCondition({ field: "a", operator: "eq", value: 1, $not: { subscribedToTopic: ["t"] } })).toThrow();
    // @ts-expect-error a list is not a condition
    expect(() => toPredicate([{ field: "a", operator: "eq", value: 1 }])).toThrow();
    // @ts-expect-error a misspelt topic key
    expect(() => compileCondition({ subscribedToTopic: ["a"], notSubscribedTopic: ["b"] })).toThrow();
    // @ts-expect-error an operator MongoDB has and the language does not
    expect(() => compileCondition({ $and: [{ field: "a", operator: "eq", value: 1 }], $nor: [] })).toThrow();
    const keptWithTypo = { $or: [{ field: "a", operator: "eq", value: 1 }], $nor: [] };
    // @ts-expect-error a condition kept in a variable, with a key the language does not have
    expect(() => compileCondition(keptWithTypo)).toThrow();
    // @ts-expect-error an empty list (refused at run time too)
    expect(() => compileCondition({ $and: [] })).toThrow(/must not be an empty list/);
    // @ts-expect-error an empty object is no condition
    expect(() => compileCondition({})).toThrow();
  });

  it("give diffMembership's and previewSegmentUpdate's id callbacks the contact type of the source, and take unknown segment bodies", async () => {
    const contacts = [
      { email: "a@x.io", country: "US" },
      { email: "b@x.io", country: "FR" },
    ];
    const diff = diffMembership(
      { field: "country", operator: "eq", value: "US" },
      { field: "country", operator: "eq", value: "FR" },
      contacts,
      { id: (c) => c.email.toUpperCase() },
    );
    expect(diff).toMatchObject({ entered: ["B@X.IO"], left: ["A@X.IO"] });
    const body: unknown = JSON.parse('{"name":"US","conditions":{"field":"country","operator":"eq","value":"US"}}');
    const segment = createSegment(body, { id: "s1", now: new Date(0) });
    expect(segment.name).toBe("US");

    const change = { conditions: { field: "country", operator: "eq", value: "FR" } };
    const preview = previewSegmentUpdate(segment, change, contacts, { id: (c) => c.email.toUpperCase() });
    expect(preview).toMatchObject({ entered: ["B@X.IO"], left: ["A@X.IO"], before: 1, after: 1 });
    const engine = createSegmatch();
    expect(engine.previewSegmentUpdate(segment, change, contacts, { id: (c) => c.country })).toMatchObject({
      entered: ["FR"],
      left: ["US"],
    });
    // An async source: the callback receives its items too, and the result is a promise.
    async function* stream() {
      yield* contacts;
    }
    const fromStream = engine.previewSegmentUpdate(segment, change, stream(), { id: (c) => c.email });
    assertType<Equal<typeof fromStream, Promise<typeof preview>>>();
    expect((await fromStream).entered).toEqual(["b@x.io"]);
    // @ts-expect-error the contacts have no such property
    previewSegmentUpdate(segment, change, contacts, { id: (c) => c.phone });
    // @ts-expect-error the contacts have no such property (engine)
    engine.previewSegmentUpdate(segment, change, contacts, { id: (c) => c.phone });
    // A callback written for any contact still fits.
    expect(
      previewSegmentUpdate(segment, change, contacts, { id: (c: unknown) => String((c as { email: string }).email) })
        .left,
    ).toEqual(["a@x.io"]);
  });

  it("type a counting function's lifecycle as promises, and a database preview as DatabasePreview", async () => {
    const us = { field: "country", operator: "eq", value: "US" } as const;
    const count = (compiled: CompiledCondition) => (compiled.relative ? 0 : 1);
    const made = createSegment({ name: "US", conditions: us }, { id: "s", count });
    assertType<Equal<typeof made, Promise<Segment>>>();
    const segment = await made;
    const updated = updateSegment(segment, { name: "x" }, { count });
    assertType<Equal<typeof updated, Promise<SegmentUpdate>>>();
    expect((await updated).segment.name).toBe("x");
    const plain = updateSegment(segment, { name: "x" });
    assertType<Equal<typeof plain, SegmentUpdate>>();
    expect(plain.conditionsChanged).toBe(false);
    const preview = previewSegmentUpdate(segment, { conditions: us }, { count, list: () => ["a"] }, { limit: 5 });
    assertType<Equal<typeof preview, Promise<DatabasePreview>>>();
    const engine = createSegmatch();
    const viaEngine = engine.previewSegmentUpdate(segment, { conditions: us }, { count });
    assertType<Equal<typeof viaEngine, Promise<DatabasePreview>>>();
    expect(await viaEngine).toEqual({ segment: expect.objectContaining({ memberCount: 1 }), before: 1, after: 1 });
    expect(await preview).toMatchObject({ before: 1, after: 1, entered: [], left: [] });
    expect((await engine.createSegment({ name: "US", conditions: us }, { id: "s", count })).memberCount).toBe(1);
    // Options typed as the option types (count possibly absent) still fit, typed as either.
    const opts: CreateOptions = { id: "s", count: Math.random() > 2 ? count : undefined };
    const either = createSegment({ name: "US", conditions: us }, opts);
    assertType<Equal<typeof either, Segment | Promise<Segment>>>();
    expect((await either).memberCount).toBeNull();
    // pg's count(*) is a string, a bigint codec's a bigint: both are counts.
    const fromPg = await createSegment({ name: "US", conditions: us }, { id: "s", count: async () => "12" });
    expect(fromPg.memberCount).toBe(12);
    const source: Contacts | MemberQueries = [{ country: "US" }];
    expect(await previewSegmentUpdate(segment, { conditions: us }, source)).toMatchObject({ before: 1, after: 1 });
    // Contacts and count, not both: typed as either, refused (as a rejection: a count makes the call a promise).
    await expect(createSegment({ name: "US", conditions: us }, { id: "s", count, contacts: [] })).rejects.toThrow(
      "options.count: count must be left out when contacts are given (contacts or count, not both), not a function",
    );
  });

  it("safeParseCondition's result destructures as zod's does: { data, error } on both branches", () => {
    const input: unknown = JSON.parse('{"field":"a","operator":"==","value":1}');
    const { data, error, success } = safeParseCondition(input);
    assertType<Equal<typeof data, Condition | undefined>>();
    expect(success).toBe(false);
    expect(data).toBeUndefined();
    if (error) {
      const flat: FlattenedConditionError = error.flatten();
      expect(Object.keys(flat.fieldErrors)).toEqual(["operator"]);
    } else {
      // Narrowed by `error`: data is the condition.
      const condition: Condition = data;
      expect.unreachable(JSON.stringify(condition));
    }
    const engine = createSegmatch();
    const ok = engine.safeParseCondition({ field: "a", operator: "eq", value: 1 });
    const { data: parsed, error: none } = ok;
    expect(none).toBeUndefined();
    if (!none) {
      const condition: Condition = parsed;
      expect(condition).toEqual({ field: "a", operator: "eq", value: 1 });
    }
    if (!ok.success) assertType<Equal<typeof ok.data, undefined>>();
  });

  it("toSql's values go to pg and PGlite as they are, and belong to the caller (a fresh, unfrozen array per call)", () => {
    const options = {
      fields: defineFields({ country: { type: "string" } }),
      sql: { table: "contacts", id: "id", topics: { column: "topics" } },
    } satisfies ConditionOptions;
    const where = toSql(
      { $or: [{ field: "country", operator: "in", value: ["US", "FR"] }, { subscribedToTopic: ["news"] }] },
      options,
    );
    assertType<Equal<typeof where.values, unknown[]>>();
    // Type-only: the clients' own signatures take the values without a spread (test/clients.test.ts runs them).
    const typeOnly = (client: Client, db: PGlite, e: SqlExpression) => [
      client.query(`SELECT count(*) FROM contacts WHERE ${e.text}`, e.values),
      db.query<{ count: number }>(e.text, e.values),
    ];
    void typeOnly;
    const { entering, leaving } = membershipChangeSql(
      { field: "country", operator: "eq", value: "US" },
      { field: "country", operator: "eq", value: "FR" },
      options,
    );
    const fromClients = (client: Client) => [
      client.query(entering.text, entering.values),
      client.query(leaving.text, leaving.values),
    ];
    void fromClients;

    expect(Object.isFrozen(where)).toBe(true);
    expect(Object.isFrozen(where.values)).toBe(false);
    const again = toSql(
      { $or: [{ field: "country", operator: "in", value: ["US", "FR"] }, { subscribedToTopic: ["news"] }] },
      options,
    );
    expect(again.values).not.toBe(where.values);
    where.values.push("mine");
    (where.values[0] as string[]).push("DE");
    expect(again.values).toEqual([["US", "FR"], ["news"]]);
    expect(toSql({ field: "country", operator: "in", value: ["US", "FR"] }, options).values).toEqual([["US", "FR"]]);
    // A compiled condition is a toSql argument too (it brings its own options).
    expect(toSql(compileCondition({ field: "country", operator: "eq", value: "US" }, options)).text).toBe(
      '"contacts"."country" = $1',
    );
  });

  it("under exactOptionalPropertyTypes, every optional option may be given as undefined (the default, as when left out)", async () => {
    const maybe = <T>(value: T): T | undefined => value;
    const fields = defineFields({
      country: {
        type: "string",
        path: undefined,
        label: undefined,
        description: undefined,
        values: undefined,
        storage: undefined,
      },
    });
    const options: ConditionOptions = {
      fields: maybe(fields),
      limits: { maxDepth: undefined, maxNodes: 50 },
      topics: { path: undefined, layout: undefined },
      mongoVersion: undefined,
      jitless: undefined,
      sql: { table: "contacts", id: "id", topics: { column: "topics" }, columns: undefined, paramOffset: undefined },
    };
    const condition = { field: "country", operator: "eq", value: "US" } as const;
    expect(compileCondition(condition, options).filter).toEqual({ country: { $eq: "US" } });
    expect(
      compileCondition(condition, { fields: undefined, limits: undefined, topics: undefined, sql: undefined }).filter,
    ).toEqual({ country: { $eq: "US" } });
    expect(() => compileCondition(condition, { limits: { maxDepth: undefined, maxNodes: 0 } })).toThrow(
      /maxNodes must be a positive integer/,
    );
    expect(toSql(condition, options)).toEqual({ text: '"contacts"."country" = $1', values: ["US"] });

    const segment = createSegment(
      { name: "US", description: undefined, conditions: condition },
      { id: "s1", now: undefined, contacts: undefined, ...options },
    );
    expect(segment).toMatchObject({ description: null, memberCount: null });
    const updated = updateSegment(
      segment,
      { name: undefined, description: undefined, conditions: undefined },
      { now: undefined, contacts: undefined, fields: undefined },
    );
    expect(updated.conditionsChanged).toBe(false);
    expect(updated.segment.name).toBe("US");
    const contacts = [{ id: "a", country: "US" }];
    expect(
      diffMembership(condition, { field: "country", operator: "eq", value: "FR" }, contacts, {
        id: undefined,
        fields: undefined,
      }),
    ).toEqual({ entered: [], left: ["a"], count: 0 });
    // A compiled condition with its own catalog, with condition options all given as undefined: taken as it was made.
    const compiled = compileCondition(condition, { fields });
    expect(
      diffMembership(compiled, compiled, contacts, { id: (c) => c.id, fields: undefined, mongoVersion: undefined }),
    ).toEqual({ entered: [], left: [], count: 1 });
    // …while a misspelt option is still refused, whatever its value.
    expect(() =>
      diffMembership(compiled, compiled, contacts, { id: (c) => c.id, ...({ feilds: undefined } as object) }),
    ).toThrow(/unknown option "feilds"/);

    const engine = createSegmatch({ fields: undefined, mongoVersion: undefined });
    const created = engine.createSegment(
      { name: "US", conditions: condition },
      { id: "s2", now: undefined, contacts: undefined },
    );
    expect(
      engine.updateSegment(
        created,
        { conditions: { field: "country", operator: "eq", value: "FR" } },
        { now: undefined, contacts: maybe(contacts) },
      ).segment.memberCount,
    ).toBe(0);
    expect(engine.previewSegmentUpdate(created, {}, contacts, { now: undefined, id: undefined }).after).toBe(1);
    expect(await engine.diffMembership(condition, condition, (async function* () {})(), { id: undefined })).toEqual({
      entered: [],
      left: [],
      count: 0,
    });
  });
});

/** Runs one compiler on a directory's tsconfig; resolves with its output (it exits 2 when there are errors). */
function tsc(compiler: string, dir: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(root, compiler), "-p", dir, "--pretty", "false"],
      { cwd: dir, encoding: "utf8", timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") reject(error);
        else resolve({ code: error ? Number(error.code) : 0, output: stdout + stderr });
      },
    );
  });
}

const COMPILERS = {
  "TypeScript 5.9": "node_modules/typescript/bin/tsc",
  "TypeScript 7": "node_modules/typescript-7/bin/tsc",
} as const;

/** Each case is one line of a file that imports the entry points; `says` must all appear in the errors on that line. */
const CASES: { name: string; line: string; says: (string | RegExp)[] }[] = [
  {
    name: "misspelt key",
    line: 'compileCondition({ field: "country", operatr: "eq", value: "US" });',
    says: ["'operatr'", "Did you mean to write 'operator'?"],
  },
  {
    name: "unknown operator",
    line: 'engine.compileCondition({ field: "country", operator: "like", value: "US" });',
    says: ['"like"', /"eq" \| "ne"|"ne" \| "nin"/],
  },
  {
    name: "misspelt key, nested",
    line: 'toMongoFilter({ $and: [{ feld: "a", operator: "eq", value: 1 }] });',
    says: ["'feld'", "Did you mean to write 'field'?"],
  },
  {
    name: "unknown operator, nested",
    line: 'toPredicate({ $or: [{ $not: { field: "a", operator: "matches", value: 1 } }] });',
    says: ['"matches"', '"startsWith"'],
  },
  {
    name: "shapes mixed",
    line: 'parseCondition({ field: "a", operator: "eq", value: 1, $not: { subscribedToTopic: ["t"] } });',
    says: ["'$not' does not exist"],
  },
  {
    name: "misspelt topic key",
    line: 'toSql({ subscribedToTopic: ["a"], notSubscribedTopic: ["b"] });',
    says: ["'notSubscribedTopic'", "Did you mean to write 'notSubscribedToTopic'?"],
  },
  { name: "MongoDB operator", line: "compileCondition({ $nor: [] });", says: ["'$nor'"] },
  {
    name: "kept in a variable",
    line: "compileCondition(keptWithTypo);",
    says: ["operatr is not a key of a condition"],
  },
  {
    name: "empty list",
    line: "compileCondition({ $or: [] });",
    says: ["Source has 0 element(s) but target requires 1"],
  },
  {
    name: "a list",
    line: 'compileCondition([{ field: "a", operator: "eq", value: 1 }]);',
    says: ["not assignable to parameter of type 'Condition'"],
  },
];

describe("type errors name what is wrong, under TypeScript 5.9 and 7", () => {
  it("the misspelt key, the unknown operator, the stray key: in the message of both compilers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "segmatch-types-"));
    try {
      const header = [
        `import { compileCondition, createSegmatch, parseCondition, toMongoFilter, toPredicate, toSql } from ${JSON.stringify(join(root, "src/index.js"))};`,
        "const engine = createSegmatch();",
        'const keptWithTypo = { field: "a", operatr: "eq", value: 1 };',
      ];
      writeFileSync(join(dir, "cases.ts"), [...header, ...CASES.map((c) => c.line)].join("\n") + "\n");
      // The control: the same calls written right compile under both.
      writeFileSync(
        join(dir, "valid.ts"),
        [
          ...header,
          'compileCondition({ field: "country", operator: "eq", value: "US" });',
          'engine.compileCondition({ field: "country", operator: "in", value: ["US"] });',
          'toMongoFilter({ $and: [{ field: "a", operator: "eq", value: 1 }] });',
          'toPredicate({ $or: [{ $not: { field: "a", operator: "exists", value: true } }] });',
          'parseCondition({ $and: [{ field: "a", operator: "eq", value: 1 }], $not: { subscribedToTopic: ["t"] } });',
          'toSql({ subscribedToTopic: ["a"], notSubscribedToTopic: ["b"] });',
          'compileCondition({ $or: [{ subscribedToTopic: ["a"] }] });',
          'const kept = { field: "a", operator: "eq", value: 1 }; compileCondition(kept);',
          "export {};",
        ].join("\n") + "\n",
      );
      const compilerOptions = {
        target: "ES2022",
        lib: ["ES2023", "ES2024.String"],
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        noEmit: true,
        skipLibCheck: true,
        types: ["node"],
        typeRoots: [join(root, "node_modules/@types")],
      };
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["cases.ts", "valid.ts"] }));
      const runs = await Promise.all(
        Object.entries(COMPILERS).map(async ([name, path]) => [name, await tsc(path, dir)] as const),
      );
      for (const [compiler, { code, output }] of runs) {
        expect(output, compiler).not.toMatch(/valid\.ts/);
        expect(code, `${compiler}\n${output}`).not.toBe(0);
        CASES.forEach((c, i) => {
          const line = header.length + i + 1;
          const errors = output.split(/\n(?=\S)/).filter((e) => e.startsWith(`cases.ts(${line},`));
          expect(errors, `${compiler}, ${c.name}: no error on line ${line}\n${output}`).not.toEqual([]);
          for (const said of c.says)
            expect(errors.join("\n"), `${compiler}, ${c.name}`).toMatch(
              typeof said === "string" ? new RegExp(said.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : said,
            );
        });
        // Never the message TypeScript 7 gave for a union member it chose to report.
        expect(output, compiler).not.toMatch(/notSubscribedToTopic' is missing/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
