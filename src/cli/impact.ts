/**
 * `segmatch impact <segments.ndjson> <properties.json>`: the report a platform engineer runs
 * before switching (segmatch/kibamail's impactReport), over the platform's stored segments
 * (one JSON object per line: its `Segment` rows, `{ id, name?, conditions }`) and its
 * contacts in PostgreSQL: `--database <url>` through `pg`, or `--pglite <dir>` (a PGlite data
 * folder) through `@electric-sql/pglite`. Neither driver is a dependency of segmatch: the
 * command loads the one it is asked for, and says how to install it when it is missing.
 */
import { existsSync, readFileSync } from "node:fs";
import { formatPath } from "../index.js";
import { impactReport, type Queryable, type SegmentImpact, type StoredSegment } from "../kibamail/index.js";
import { nameOf, readJson, UsageError } from "./input.js";
import type { Io } from "./main.js";

interface Database extends Queryable {
  close(): Promise<void>;
}

async function open(flags: ReadonlyMap<string, string>): Promise<Database> {
  const url = flags.get("database");
  const dir = flags.get("pglite");
  if ((url === undefined) === (dir === undefined))
    throw new UsageError("impact counts members in the contacts' database: give --database <url> or --pglite <dir>");
  const load = async (name: string) => {
    try {
      return (await import(name)) as Record<string, unknown>;
    } catch {
      throw new UsageError(`${name} is not installed: npm install ${name}`);
    }
  };
  if (url !== undefined) {
    const pg = (await load("pg")) as {
      default: { Client: new (o: object) => Database & { connect(): Promise<void>; end(): Promise<void> } };
    };
    const client = new pg.default.Client({ connectionString: url });
    try {
      await client.connect();
    } catch (error) {
      throw new UsageError(`--database: cannot connect: ${(error as Error).message}`);
    }
    return { query: (text, values) => client.query(text, values), close: () => client.end() };
  }
  const { PGlite } = (await load("@electric-sql/pglite")) as {
    PGlite: new (
      dir: string,
    ) => Database & { query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };
  };
  if (!existsSync(dir!)) throw new UsageError(`--pglite ${dir}: no such PGlite data folder`);
  const db = new PGlite(dir!);
  return { query: (text, values) => db.query(text, values?.map(arrayLiteral)), close: () => db.close() };
}

/** An array parameter in PostgreSQL's array syntax, as node-postgres sends one (PGlite cannot type an enum array's). */
function arrayLiteral(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const item = (x: unknown) => (x === null ? "NULL" : `"${String(x).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`);
  return `{${value.map(item).join(",")}}`;
}

/** The segments of an NDJSON file: one object per line, blank lines skipped. */
function segmentsOf(file: string): StoredSegment[] {
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${nameOf(file)}: ${(error as Error).message}`);
  }
  const out: StoredSegment[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new UsageError(`${nameOf(file)}, line ${i + 1}: not JSON: ${(error as Error).message}`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value) || !("conditions" in value))
      throw new UsageError(`${nameOf(file)}, line ${i + 1}: a segment is an object with "id" and "conditions"`);
    out.push(value as StoredSegment);
  });
  return out;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

function line(s: SegmentImpact): string {
  const name = `${s.id}${s.name === undefined ? "" : ` (${s.name})`}`;
  switch (s.status) {
    case "unchanged":
      return `${name}: unchanged, ${plural(s.members, "member")}${s.notes.length > 0 ? `\n${notes(s.notes)}` : ""}`;
    case "normalised":
      return `${name}: normalised, ${plural(s.members, "member")}, the same\n${notes(s.changes)}`;
    case "changes_members":
      return `${name}: read as documented, ${plural(s.entering, "contact")} would enter and ${plural(s.leaving, "contact")} leave (${plural(s.members, "member")} today)\n${notes(s.changes)}`;
    case "documented_unreadable":
      return `${name}: runs today (${plural(s.members, "member")}); read as documented it cannot be read\n${s.issues.map((i) => `    ${formatPath(i.path)}: ${i.message}`).join("\n")}`;
    case "static":
      return `${name}: static (no conditions)`;
    case "unreadable":
      return `${name}: cannot be read\n${s.issues.map((i) => `    ${formatPath(i.path)}: ${i.message}`).join("\n")}`;
  }
}

const notes = (changes: readonly { path: readonly (string | number)[]; message: string }[]) =>
  changes.map((c) => `    ${formatPath(c.path)}: ${c.message}`).join("\n");

export async function impact(
  segmentsFile: string,
  propertiesFile: string,
  flags: ReadonlyMap<string, string>,
  io: Io,
): Promise<number> {
  const segments = segmentsOf(segmentsFile);
  const read = readJson(propertiesFile).value;
  const properties =
    typeof read === "object" && read !== null && !Array.isArray(read) && "properties" in read
      ? (read as { properties: unknown }).properties
      : read;
  const db = await open(flags);
  try {
    const workspaceId = flags.get("workspace");
    const report = await impactReport(segments, {
      properties,
      db,
      ...(workspaceId === undefined ? {} : { workspaceId }),
    });
    for (const s of report.segments) io.stdout.write(`${line(s)}\n`);
    const { unchanged, normalised, changesMembers, unreadable, documentedUnreadable, likePatterns, collation } =
      report.summary;
    io.stdout.write(
      `\n${plural(report.segments.length, "segment")}: ${unchanged} unchanged, ${normalised} normalised, ${changesMembers} would change members read as documented, ${unreadable} cannot be read` +
        `${documentedUnreadable > 0 ? `, ${documentedUnreadable} cannot be read as documented` : ""}${report.summary.static > 0 ? `, ${report.summary.static} static` : ""}; ${likePatterns} depend on LIKE patterns, ${collation} on the collation\n`,
    );
    return unreadable + documentedUnreadable > 0 ? 1 : 0;
  } finally {
    await db.close();
  }
}
