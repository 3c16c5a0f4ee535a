/**
 * The package as users get it: `npm pack`, then installed from the tarball into a fresh ESM
 * project ("type": "module") and a fresh CommonJS one, each of which
 *
 * (a) runs a script that uses the package, and prints what it got; and
 * (b) type-checks a small server, a `PUT /v1/segments/:id` handler on node:http that reads
 *     a JSON body, validates it (`safeParseCondition`'s `{ error }` and `updateSegment`),
 *     answers 200 with the segment or 400 with `error.flatten()`, and counts the members in
 *     PostgreSQL with `toSql`'s expression passed to `pg`'s `Client.query` as it is; under
 *     `strict`, `noUncheckedIndexedAccess`, `exactOptionalPropertyTypes` and
 *     `module`/`moduleResolution: nodenext`, with TypeScript 5.9 and 7. The ESM project reads
 *     dist/index.d.ts and the CommonJS one dist/index.d.cts. A control file with a misspelt
 *     key must fail, naming the key.
 *
 * `npm test` builds dist/ first; run `npm run build` before running this file alone.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("..", import.meta.url).pathname;
const COMPILERS = {
  "TypeScript 5.9": "node_modules/typescript/bin/tsc",
  "TypeScript 7": "node_modules/typescript-7/bin/tsc",
} as const;
const KINDS = ["esm", "cjs"] as const;

/** What the script prints, in both module systems. */
const SCRIPT_BODY = `
const fields = defineFields({ country: { type: "string" }, ltv: { type: "number", path: "properties.ltv" } });
const options = { fields, sql: { table: "contacts", id: "id", topics: { column: "topics" } } };
const compiled = compileCondition({ $and: [{ field: "country", operator: "in", value: ["US", "FR"] }, { field: "ltv", operator: "gte", value: 100 }] }, options);
const { error } = safeParseCondition({ field: "country", operatr: "eq", value: "US" });
const where = toSql(compiled);
const engine = createSegmatch(options);
const segment = engine.createSegment({ name: "Big spenders", conditions: compiled.condition }, { id: "seg_1", now: new Date(0), contacts: [{ country: "US", properties: { ltv: 150 } }] });
const { segment: updated, conditionsChanged } = engine.updateSegment(segment, { conditions: { field: "country", operator: "eq", value: "NG" } }, { now: undefined, contacts: [] });
console.log(JSON.stringify({
  filter: compiled.filter,
  matches: compiled.matches({ country: "FR", properties: { ltv: 100 } }),
  error: error && { name: error.name, isConditionError: isConditionError(error), flat: error.flatten() },
  where,
  valuesFrozen: Object.isFrozen(where.values),
  counts: [segment.memberCount, updated.memberCount, conditionsChanged],
}));
`;
const EXPECTED = {
  filter: { $and: [{ country: { $in: ["US", "FR"] } }, { "properties.ltv": { $gte: 100 } }] },
  matches: true,
  error: {
    name: "ConditionError",
    isConditionError: true,
    flat: {
      formErrors: [],
      fieldErrors: {
        operatr: ['unknown key "operatr" (did you mean "operator"?)'],
        operator: ['a field condition needs "operator"'],
      },
    },
  },
  where: {
    text: `("contacts"."country" = ANY($1) AND ("contacts"."ltv" >= $2 AND "contacts"."ltv"::float8 <> 'NaN'::float8))`,
    values: [["US", "FR"], 100],
  },
  valuesFrozen: false,
  counts: [1, 0, true],
};
const NAMES = "compileCondition, createSegmatch, defineFields, isConditionError, safeParseCondition, toSql";
const SCRIPTS = {
  esm: { file: "app.js", source: `import { ${NAMES} } from "segmatch";\n${SCRIPT_BODY}` },
  cjs: { file: "app.js", source: `const { ${NAMES} } = require("segmatch");\n${SCRIPT_BODY}` },
};

/** The server a user writes, the same for both module systems. */
const SERVER = `
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import pg from "pg";
import { createSegmatch, defineFields, isConditionError, safeParseCondition, toSql, updateSegment, type ConditionOptions, type FieldCatalog, type Segment } from "segmatch";

const fields: FieldCatalog = defineFields({
  country: { type: "string", label: "Country" },
  ltv: { type: "number", path: "properties.ltv", label: undefined },
  joined: { type: "date", path: "properties.joined", storage: "date" },
});
const options = { fields, sql: { table: "contacts", id: "id", columns: { ltv: "ltv", joined: "joinedAt" }, topics: { column: "topics" } } } satisfies ConditionOptions;
const engine = createSegmatch(options);
const segments = new Map<string, Segment>();
const db = new pg.Client({ connectionString: process.env.DATABASE_URL });

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

/** Members of a segment, counted by PostgreSQL: toSql's values go to pg as they are. */
async function countInDb(segment: Segment): Promise<number> {
  const where = toSql(segment.conditions, options);
  const result = await db.query<{ n: number }>(\`SELECT count(*)::int AS n FROM contacts WHERE \${where.text}\`, where.values);
  return result.rows[0]?.n ?? 0;
}

/** PUT /v1/segments/:id with { name?, description?, conditions? }. */
async function putSegment(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  const segment = segments.get(id);
  if (segment === undefined) return send(res, 404, { error: \`no segment \${id}\` });
  let body: unknown;
  try {
    body = await readJson(req);
  } catch {
    return send(res, 400, { error: "the body is not JSON" });
  }
  // The conditions alone first, as zod's safeParse is used.
  if (typeof body === "object" && body !== null && "conditions" in body) {
    const { data, error } = safeParseCondition(body.conditions, { fields });
    if (error) return send(res, 400, { error: "invalid conditions", issues: error.flatten() });
    const explained: string = engine.explainCondition(data);
    res.setHeader("x-segment-conditions", encodeURIComponent(explained));
  }
  const header = req.headers["x-now"];
  const now: Date | undefined = typeof header === "string" ? new Date(header) : undefined;
  try {
    const { segment: updated, conditionsChanged } = updateSegment(segment, body, { now, fields });
    const saved: Segment = conditionsChanged ? { ...updated, memberCount: await countInDb(updated) } : updated;
    segments.set(id, saved);
    send(res, 200, saved);
  } catch (error) {
    if (isConditionError(error)) return send(res, 400, error.flatten());
    throw error;
  }
}

/** Who would enter and leave, counted in PostgreSQL, with the engine. */
export async function previewInDb(segment: Segment, conditions: unknown): Promise<{ entering: number; leaving: number }> {
  const { entering, leaving } = engine.membershipChangeSql(segment.conditions, conditions);
  const count = async (sql: { text: string; values: unknown[] }) => (await db.query<{ n: number }>(\`SELECT count(*)::int AS n FROM contacts WHERE \${sql.text}\`, sql.values)).rows[0]?.n ?? 0;
  return { entering: await count(entering), leaving: await count(leaving) };
}

export const server = createServer((req, res) => {
  const match = /^\\/v1\\/segments\\/([^/]+)$/.exec(req.url ?? "");
  const id = match?.[1];
  if (req.method !== "PUT" || id === undefined) return send(res, 404, { error: "not found" });
  putSegment(req, res, decodeURIComponent(id)).catch((error: unknown) => send(res, 500, { error: String(error) }));
});
`;
/** The control: a misspelt key, which the shipped types must refuse by name. */
const BAD = `
import { compileCondition } from "segmatch";
compileCondition({ field: "country", operatr: "eq", value: "US" });
`;
const COMPILER_OPTIONS = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  module: "nodenext",
  moduleResolution: "nodenext",
  target: "es2022",
  noEmit: true,
  types: ["node"],
};

let dir: string;
let installed: Record<(typeof KINDS)[number], string>;

beforeAll(async () => {
  if (!existsSync(join(root, "dist/index.d.cts")))
    throw new Error("no dist/: run `npm run build` first (npm test does)");
  dir = mkdtempSync(join(tmpdir(), "segmatch-pack-"));
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--pack-destination", dir, "--json"], {
    cwd: root,
    encoding: "utf8",
  });
  const tarball = join(dir, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
  const entries = await Promise.all(
    KINDS.map(async (kind) => {
      const project = join(dir, kind);
      mkdirSync(join(project, "node_modules/@types"), { recursive: true });
      writeFileSync(
        join(project, "package.json"),
        JSON.stringify({ name: `segmatch-${kind}-app`, private: true, type: kind === "esm" ? "module" : "commonjs" }),
      );
      await run("npm", ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock"], {
        cwd: project,
        encoding: "utf8",
      });
      // The types a server needs, from the repository's own node_modules (pg itself is not run).
      for (const name of ["node", "pg"])
        symlinkSync(join(root, "node_modules/@types", name), join(project, "node_modules/@types", name), "dir");
      writeFileSync(join(project, SCRIPTS[kind].file), SCRIPTS[kind].source);
      writeFileSync(join(project, "server.ts"), SERVER);
      writeFileSync(join(project, "bad.ts"), BAD);
      writeFileSync(
        join(project, "tsconfig.json"),
        JSON.stringify({ compilerOptions: COMPILER_OPTIONS, files: ["server.ts"] }),
      );
      writeFileSync(
        join(project, "tsconfig.bad.json"),
        JSON.stringify({ compilerOptions: COMPILER_OPTIONS, files: ["bad.ts"] }),
      );
      return [kind, project] as const;
    }),
  );
  installed = Object.fromEntries(entries) as typeof installed;
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs a compiler on a project; its exit code and output. */
async function tsc(compiler: string, project: string, config: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(root, compiler), "-p", join(project, config), "--pretty", "false"],
      { cwd: project, encoding: "utf8" },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw error;
    return { code: e.code, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe("the packed tarball, installed in fresh projects", () => {
  it.each(KINDS)("%s: installs the package with its dependencies, and runs a script that uses it", async (kind) => {
    const project = installed[kind];
    expect(existsSync(join(project, "node_modules/segmatch/dist/index.js"))).toBe(true);
    expect(existsSync(join(project, "node_modules/zod")) && existsSync(join(project, "node_modules/bson"))).toBe(true);
    const { stdout } = await run(process.execPath, [SCRIPTS[kind].file], { cwd: project, encoding: "utf8" });
    expect(JSON.parse(stdout)).toEqual(EXPECTED);
  });

  it("runs the installed bin: --version, and a count whose Extended JSON needs bson at run time", async () => {
    const project = installed.esm;
    const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
    const bin = join(project, "node_modules/.bin/segmatch");
    expect((await run(bin, ["--version"], { cwd: project, encoding: "utf8" })).stdout).toBe(`${version}\n`);
    writeFileSync(
      join(project, "recent.json"),
      JSON.stringify({ field: "createdAt", operator: "gte", value: "2024-01-01" }),
    );
    const contacts = [{ $date: "2024-03-05T10:00:00Z" }, { $date: "2023-03-05T10:00:00Z" }].map((d, i) =>
      JSON.stringify({ _id: { $oid: `65f1c0a2b3c4d5e6f708192${i}` }, createdAt: d }),
    );
    writeFileSync(join(project, "contacts.ndjson"), `${contacts.join("\n")}\n`);
    expect(
      (await run(bin, ["count", "recent.json", "contacts.ndjson"], { cwd: project, encoding: "utf8" })).stdout,
    ).toBe("1\n");
  });

  it("type-checks the strict server under TypeScript 5.9 and 7, in the ESM and the CommonJS project; a misspelt key fails, by name", async () => {
    const jobs = KINDS.flatMap((kind) =>
      Object.entries(COMPILERS).map(([name, compiler]) => ({ kind, name, compiler })),
    );
    // Two at a time: the machine has two cores.
    const results: {
      kind: string;
      name: string;
      good: { code: number; output: string };
      bad: { code: number; output: string };
    }[] = [];
    for (let i = 0; i < jobs.length; i += 2) {
      results.push(
        ...(await Promise.all(
          jobs.slice(i, i + 2).map(async ({ kind, name, compiler }) => ({
            kind,
            name,
            good: await tsc(compiler, installed[kind], "tsconfig.json"),
            bad: await tsc(compiler, installed[kind], "tsconfig.bad.json"),
          })),
        )),
      );
    }
    for (const { kind, name, good, bad } of results) {
      expect(good, `${kind}, ${name}: the server`).toEqual({ code: 0, output: "" });
      expect(bad.code, `${kind}, ${name}: the control`).not.toBe(0);
      expect(bad.output, `${kind}, ${name}: the control`).toMatch(
        /bad\.ts\(3,38\): error TS2561: Object literal may only specify known properties, but 'operatr' does not exist .* Did you mean to write 'operator'\?/,
      );
    }
  }, 120_000);
});
