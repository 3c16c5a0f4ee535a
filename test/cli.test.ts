/**
 * The `segmatch` command, run as users run it: the built dist/cli.js in a child process.
 * `npm test` builds dist/ first.
 */
import { execFile, spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;
const cli = join(root, "dist", "cli.js");
const exec = promisify(execFile);
let dir: string;

/** Runs the command; resolves to its exit code and output, whatever the code. */
function segmatch(
  args: string[],
  input?: string | Buffer,
  nodeFlags: string[] = [],
): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...nodeFlags, cli, ...args], {
    input,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" || Buffer.isBuffer(content) ? content : JSON.stringify(content));
  return path;
};
/** NDJSON text of documents given as Extended JSON text or values. */
const ndjson = (...lines: unknown[]) =>
  lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n";
/** A usage error: exit code 2, one line naming the problem and one hint line, never the whole usage. */
function expectUsageError(out: { code: number; stderr: string }, problem: string | RegExp): void {
  expect(out.code).toBe(2);
  const lines = out.stderr.trimEnd().split("\n");
  expect(lines, out.stderr).toHaveLength(2);
  if (typeof problem === "string") expect(lines[0]).toContain(problem);
  else expect(lines[0]).toMatch(problem);
  expect(lines[0]).toMatch(/^segmatch: /);
  expect(out.stderr).not.toContain("Commands:");
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "segmatch-cli-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("segmatch check / filter / explain / from-mongo", () => {
  it("check: valid exits 0; invalid prints each issue with its path and exits 1", () => {
    expect(segmatch(["check", file("ok.json", { field: "country", operator: "eq", value: "US" })])).toEqual({
      code: 0,
      stdout: "valid\n",
      stderr: "",
    });
    const bad = segmatch([
      "check",
      file("bad.json", { $and: [{ field: "a", operator: "not_in", value: [1] }, { subscribedToTopic: [] }] }),
      "--fields",
      "none",
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('$and[0].operator: unknown operator "not_in" (did you mean "nin"?)');
    expect(bad.stdout).toContain("$and[1].subscribedToTopic: subscribedToTopic must not be an empty list");
  });

  it("filter prints Extended JSON, dates as $date; flags choose the catalog and the topic layout", () => {
    const fields = file("fields.json", { joined: { type: "date", path: "properties.joined" } });
    const condition = file("dated.json", {
      $and: [{ field: "joined", operator: "gte", value: "2024-01-31" }, { subscribedToTopic: ["news"] }],
    });
    const out = segmatch(["filter", condition, "--fields", fields, "--topics-layout", "records"]);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({
      $and: [
        { "properties.joined": { $gte: { $date: "2024-01-31T00:00:00Z" } } },
        { topics: { $elemMatch: { topicId: { $in: ["news"] }, status: { $eq: "SUBSCRIBED" } } } },
      ],
    });
  });

  it("explain prints the sentence; from-mongo lifts Extended JSON, reading standard input with -", () => {
    expect(
      segmatch([
        "explain",
        file("e.json", { $or: [{ field: "a", operator: "eq", value: 1 }, { notSubscribedToTopic: ["ads"] }] }),
        "--fields",
        "none",
      ]).stdout,
    ).toBe("a is 1, or not subscribed to ads\n");
    const fields = file("f2.json", { joined: { type: "date", path: "j" } });
    const lifted = segmatch(
      ["from-mongo", "-", "--fields", fields],
      JSON.stringify({
        j: { $lt: { $date: "2024-01-01T00:00:00Z" } },
        email: { $regularExpression: { pattern: "^ada", options: "" } },
      }),
    );
    expect(lifted.stderr).toContain("no catalog field is stored at");
    expect(lifted.code).toBe(1);
    // Extended JSON that a double or the machine's zone would change is not read as that value, so the lift refuses it.
    const long = segmatch(
      ["from-mongo", "-", "--fields", "none"],
      JSON.stringify({ a: { $numberLong: "9007199254740993" } }),
    );
    expect(long.code).toBe(1);
    expect(long.stderr).toContain("filter.a: the language cannot compare with a bigint");
    const local = segmatch(
      ["from-mongo", "-", "--fields", "none"],
      JSON.stringify({ a: { $gt: { $date: "2024-01-01T00:00:00" } } }),
    );
    expect(local.code).toBe(1);
    expect(local.stderr).toContain(
      'standard input: {"$date":"2024-01-01T00:00:00"} is not read as a value: a datetime needs an offset',
    );
    // So are a regular expression with options JavaScript lacks, and a $numberDecimal (a Decimal128 is not a double).
    expect(
      segmatch(
        ["from-mongo", "-", "--fields", "none"],
        JSON.stringify({ a: { $regularExpression: { pattern: "^ada", options: "x" } } }),
      ).code,
    ).toBe(1);
    const decimal = segmatch(["from-mongo", "-", "--fields", "none"], JSON.stringify({ a: { $numberDecimal: "0.1" } }));
    expect([decimal.code, decimal.stderr]).toEqual([
      1,
      "segmatch: filter.a: the language cannot compare with an instance of Decimal128\n",
    ]);
    // An integer literal a double would round is read as a 64-bit integer, which a condition refuses, with a note.
    const rounded = segmatch([
      "check",
      file("big-literal.json", '{"field":"n","operator":"eq","value":9007199254740993}'),
      "--fields",
      "none",
    ]);
    expect(rounded.code).toBe(1);
    expect(rounded.stdout).toContain("value: ");
    expect(rounded.stderr).toContain(
      "big-literal.json: 9007199254740993 is beyond 2^53, where a double would round it: it is read as a 64-bit integer",
    );
    // MongoDB's $regex operator stays an operator (EJSON's legacy {$regex, $options} would make it a value).
    expect(
      JSON.parse(segmatch(["from-mongo", "-", "--fields", "none"], JSON.stringify({ a: { $regex: "^ada" } })).stdout),
    ).toEqual({ field: "a", operator: "startsWith", value: "ada" });
    const plain = segmatch(
      ["from-mongo", "-", "--fields", "none"],
      JSON.stringify({
        email: { $regularExpression: { pattern: "^ada", options: "" } },
        n: { $gt: { $numberInt: "5" } },
      }),
    );
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout)).toEqual({
      $and: [
        { field: "email", operator: "startsWith", value: "ada" },
        { field: "n", operator: "gt", value: 5 },
      ],
    });
  });

  it("JSON nested 100,000 deep is a condition too deep (exit 1), not a stack overflow", () => {
    const deep = file("deep.json", "[".repeat(100_000) + "]".repeat(100_000));
    const out = segmatch(["check", deep]);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain("the condition nests deeper than 32 levels (limits.maxDepth)");
    expect(out.stderr).toContain("nested deeper than 1000 levels: Extended JSON wrappers are not read");
    const and = file("and.json", '{"$and":['.repeat(50_000) + "{}" + "]}".repeat(50_000));
    expect(segmatch(["check", and]).code).toBe(1);
    // A contact that deep is refused: read without its wrappers it would answer otherwise.
    const c = file("cond.json", { field: "country", operator: "eq", value: "US" });
    const contacts = file(
      "deep.ndjson",
      `{"country":"US"}\n{"country":"US","x":${"[".repeat(2_000)}${"]".repeat(2_000)}}\n`,
    );
    const count = segmatch(["count", c, contacts]);
    expect(count.code).toBe(2);
    expect(count.stderr).toContain("nested deeper than 1000 levels; MongoDB stores at most 100");
  });

  it("usage errors exit 2 with one line and a hint: no command, unknown command or flag, a missing file, text that is not JSON, the wrong number of files", () => {
    const c = file("c.json", { field: "country", operator: "eq", value: "US" });
    expectUsageError(segmatch([]), "segmatch: no command given: check, filter, explain, from-mongo, count, diff");
    expectUsageError(segmatch(["nope"]), 'unknown command "nope"');
    expectUsageError(segmatch(["check", "--colour", "x"]), "unknown flag --colour");
    expectUsageError(segmatch(["check", join(dir, "missing.json")]), `cannot read ${join(dir, "missing.json")}`);
    expectUsageError(segmatch(["check", file("notjson.json", "{oops")]), "notjson.json is not JSON");
    const count = segmatch(["count", c]);
    expectUsageError(count, "segmatch: count takes 2 files, not 1");
    expect(count.stderr.split("\n")[1]).toBe("Usage: segmatch count [flags] <condition.json> <contacts>");
    expect(segmatch(["nope"]).stderr.split("\n")[1]).toBe('Run "segmatch --help" for usage.');
    expectUsageError(segmatch(["count", c, dir]), "cannot read");
    expectUsageError(segmatch(["check", c, "--fields"]), "--fields needs a value (contact, none or a catalog file)");
    expectUsageError(segmatch(["check", c, "--fields", "none", "--fields=contact"]), "--fields is given twice");
    expectUsageError(segmatch(["count", "-", "-"], "{}"), "standard input (-) can be read once only");
    expectUsageError(segmatch(["check", c, "--help=yes"]), "--help takes no value");
  });

  it("did you mean: a misspelt command or flag", () => {
    const c = file("dym.json", { field: "country", operator: "eq", value: "US" });
    expectUsageError(segmatch(["cout", c, "-"], ""), 'segmatch: unknown command "cout" (did you mean "count"?)');
    expectUsageError(segmatch(["from_mongo", c]), '(did you mean "from-mongo"?)');
    expectUsageError(
      segmatch(["check", c, "--field", "none"]),
      "segmatch: unknown flag --field (did you mean --fields?)",
    );
    expectUsageError(
      segmatch(["check", c, "--topic-layout=ids"]),
      "unknown flag --topic-layout (did you mean --topics-layout?)",
    );
    expectUsageError(segmatch(["check", c, "--mongoversion", "8.0"]), "(did you mean --mongo-version?)");
    expectUsageError(
      segmatch(["check", c, "--timezone", "UTC"]),
      "unknown flag --timezone (did you mean --time-zone?)",
    );
    expectUsageError(segmatch(["check", c, "--nwo=0"]), "unknown flag --nwo (did you mean --now?)");
    expectUsageError(
      segmatch(["check", c, "--fields", "contacts"]),
      '--fields contacts: no such catalog file (did you mean "contact"?)',
    );
    expectUsageError(
      segmatch(["check", c, "--topics-layout", "record"]),
      '--topics-layout must be ids or records, not "record" (did you mean "records"?)',
    );
  });

  it("errors about options name the flag, not the library's option path", () => {
    const c = file("opt.json", { field: "country", operator: "eq", value: "US" });
    const cases: [string[], string][] = [
      [["--topics-layout", "foo"], 'segmatch: --topics-layout must be ids or records, not "foo"'],
      [["--mongo-version", "6.0"], 'segmatch: --mongo-version must be one of 7.0, 8.0, 9.0, not "6.0"'],
      [
        ["--topics-path", "$subs"],
        'segmatch: --topics-path "$subs": field name "$subs" has a segment starting with "$"',
      ],
      [
        ["--fields", file("cat-bad.json", { plan: { type: "enums" } })],
        "segmatch: --fields " +
          join(dir, "cat-bad.json") +
          ": plan.type: type must be one of string, number, boolean, date, enum",
      ],
    ];
    for (const [flags, message] of cases) {
      const out = segmatch(["check", c, ...flags]);
      expectUsageError(out, message);
      expect(out.stderr).not.toContain("options.");
      expect(out.stderr).not.toMatch(/topics\.layout|mongoVersion/);
    }
    // Each problem of a catalog file is a line of its own, then the hint.
    const two = segmatch([
      "check",
      c,
      "--fields",
      file("cat-bad2.json", { plan: { type: "enums" }, tier: { type: "string", values: ["a"] } }),
    ]);
    expect(two.code).toBe(2);
    expect(two.stderr.trimEnd().split("\n")).toEqual([
      `segmatch: --fields ${join(dir, "cat-bad2.json")}: plan.type: type must be one of string, number, boolean, date, enum`,
      `segmatch: --fields ${join(dir, "cat-bad2.json")}: tier.values: values apply only to enum fields, not string`,
      'A catalog maps names to {"type": …, "path"?: …}: see "segmatch --help".',
    ]);
    expectUsageError(
      segmatch(["check", c, "--fields", file("cat-notjson.json", "{plan")]),
      `--fields ${join(dir, "cat-notjson.json")} is not JSON`,
    );
  });

  it("--version prints the package's version; --help is enough to use the tool", () => {
    const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    expect(segmatch(["--version"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect(segmatch(["-v"]).stdout).toBe(`${version}\n`);
    const help = segmatch(["count", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe("");
    const text = help.stdout;
    expect(text.split("\n").length).toBeLessThanOrEqual(60);
    for (const part of [
      `segmatch ${version}`,
      '{"field": "country", "operator": "in", "value": ["NG", "KE"]}',
      "operators: eq ne gt gte lt lte in nin contains startsWith endsWith exists",
      '{"subscribedToTopic": ["news"]}',
      '{"$and": [<condition>, …]}   {"$or": [<condition>, …]}   {"$not": <condition>}',
      "--fields contact|none|<catalog.json>",
      "createdAt updatedAt (date)",
      "status (enum: SUBSCRIBED UNCONFIRMED UNSUBSCRIBED BOUNCED COMPLAINED ARCHIVED)",
      '"ltv": {"type": "number", "path": "properties.ltv"}',
      "--topics-layout ids|records",
      "--mongo-version 7.0|8.0|9.0",
      "--now <instant>",
      "--time-zone <IANA name>",
      '"now-30d", "now-1M/M" (last month), "now/d"',
      "$ segmatch count recent.json contacts.ndjson",
      "--jsonArray",
      "Exit codes:",
    ])
      expect(text).toContain(part);
    expect(segmatch(["-h"]).stdout).toBe(text);
  });

  it("the help's worked example counts as it says (its condition and a contact of its shape)", () => {
    const help = segmatch(["--help"]).stdout;
    const lines = help.split("\n");
    const at = lines.indexOf("  $ cat recent.json");
    const condition = `${lines[at + 1]}\n${lines[at + 2]}`.trim();
    const recent = file("recent.json", condition);
    const contacts = ndjson(
      { _id: { $oid: "65f1c0a2b3c4d5e6f7081920" }, status: "SUBSCRIBED", createdAt: { $date: "2024-03-05T10:00:00Z" } },
      {
        _id: { $oid: "65f1c0a2b3c4d5e6f7081921" },
        status: "SUBSCRIBED",
        createdAt: { $date: "2023-12-31T23:59:59.999Z" },
      },
      { _id: { $oid: "65f1c0a2b3c4d5e6f7081922" }, status: "BOUNCED", createdAt: { $date: "2024-03-05T10:00:00Z" } },
    );
    expect(segmatch(["count", recent, file("recent.ndjson", contacts)])).toEqual({
      code: 0,
      stdout: "1\n",
      stderr: "",
    });
  });
});

describe("segmatch --fields: the built-in catalog by default", () => {
  const contacts = () =>
    file(
      "dated.ndjson",
      ndjson(
        { _id: "a", createdAt: { $date: "2024-02-01T00:00:00Z" } },
        { _id: "b", createdAt: { $date: "2023-06-01T12:00:00.250Z" } },
        { _id: "c", createdAt: { $date: { $numberLong: "1717200000000" } } },
        { _id: "f", createdAt: { $date: "2024-01-01T00:30:00.000+0100" } },
        { _id: "d", createdAt: "2024-05-01" },
        { _id: "e" },
      ),
    );

  it("createdAt gte a date counts the contacts dated since (stored as {$date}), as the library's contactFields does", () => {
    const condition = file("since.json", { field: "createdAt", operator: "gte", value: "2024-01-01" });
    // a and c are Dates on or after 2024-01-01; f is 2023-12-31T23:30Z (its offset, in old mongoexport's -0400 form, is read);
    // d holds a string, which a date condition never matches (MongoDB compares by type).
    expect(segmatch(["count", condition, contacts()])).toEqual({ code: 0, stdout: "2\n", stderr: "" });
    expect(segmatch(["count", condition, contacts(), "--fields", "contact"]).stdout).toBe("2\n");
    expect(JSON.parse(segmatch(["filter", condition]).stdout)).toEqual({
      createdAt: { $gte: { $date: "2024-01-01T00:00:00Z" } },
    });
    expect(segmatch(["explain", condition]).stdout).toBe("createdAt is on or after 2024-01-01\n");
    expect(
      segmatch(["check", file("bad-date.json", { field: "createdAt", operator: "gte", value: "2024-01-01T00:00:00" })])
        .stdout,
    ).toContain("a datetime needs an offset");
    const lifted = segmatch(
      ["from-mongo", "-"],
      JSON.stringify({ createdAt: { $gte: { $date: "2024-01-01T00:00:00Z" } } }),
    );
    expect(JSON.parse(lifted.stdout)).toEqual({
      field: "createdAt",
      operator: "gte",
      value: "2024-01-01T00:00:00.000Z",
    });
    const diff = segmatch([
      "diff",
      condition,
      file("since-2024-03.json", { field: "createdAt", operator: "gte", value: "2024-03-01" }),
      contacts(),
    ]);
    expect(JSON.parse(diff.stdout)).toEqual({ entered: 0, left: 1, count: 1, enteredIds: [], leftIds: ["a"] });
  });

  it("--fields none reads field names as plain document paths, nothing typed", () => {
    const condition = file("since-plain.json", { field: "createdAt", operator: "gte", value: "2024-01-01" });
    // Plain paths compare the string "2024-01-01" with what is stored: only d's string is at or after it.
    expect(segmatch(["count", condition, contacts(), "--fields", "none"])).toEqual({
      code: 0,
      stdout: "1\n",
      stderr: "",
    });
    expect(JSON.parse(segmatch(["filter", condition, "--fields=none"]).stdout)).toEqual({
      createdAt: { $gte: "2024-01-01" },
    });
    expect(
      segmatch([
        "check",
        file("any-path.json", { field: "properties.ltv", operator: "gt", value: 5 }),
        "--fields",
        "none",
      ]).stdout,
    ).toBe("valid\n");
  });

  it("a field the default catalog does not know is refused, with a hint naming --fields none and a catalog file", () => {
    const condition = file("ltv.json", { field: "properties.ltv", operator: "gt", value: 5 });
    const hint =
      "segmatch: hint: the default catalog is --fields contact (the built-in contact fields); --fields none reads field names as plain document paths, --fields catalog.json gives your own catalog";
    const check = segmatch(["check", condition]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      'field: unknown field "properties.ltv" (known fields: email, firstName, lastName, phone, country, timezone, city, status, createdAt, updatedAt)',
    );
    expect(check.stderr).toBe(`${hint}\n`);
    for (const args of [
      ["count", condition, "-"],
      ["filter", condition],
      ["explain", condition],
    ]) {
      const out = segmatch(args, '{"properties":{"ltv":9}}\n');
      expect(out.code, args[0]).toBe(1);
      expect(out.stdout).toBe("");
      expect(out.stderr.trimEnd().split("\n")).toEqual([
        'segmatch: field: unknown field "properties.ltv" (known fields: email, firstName, lastName, phone, country, timezone, city, status, createdAt, updatedAt)',
        hint,
      ]);
    }
    const lifted = segmatch(["from-mongo", "-"], JSON.stringify({ "properties.ltv": { $gt: 5 } }));
    expect(lifted.code).toBe(1);
    expect(lifted.stderr).toContain(hint);
    // Given explicitly, the catalog needs no hint; nor does --fields none, which reads the path.
    expect(segmatch(["check", condition, "--fields", "contact"]).stderr).toBe("");
    expect(segmatch(["count", condition, "-", "--fields", "none"], '{"properties":{"ltv":9}}\n').stdout).toBe("1\n");
  });

  it("--fields catalog.json: names, types and paths from the file", () => {
    const catalog = file("price-catalog.json", {
      price: { type: "number", path: "billing.price" },
      joined: { type: "date", path: "meta.joined", storage: "epochMillis" },
    });
    const condition = file("price.json", {
      $and: [
        { field: "price", operator: "gte", value: 100 },
        { field: "joined", operator: "lt", value: "2024-01-01" },
      ],
    });
    const contacts = file(
      "priced.ndjson",
      ndjson(
        { billing: { price: 120 }, meta: { joined: 1_600_000_000_000 } },
        { billing: { price: 120 }, meta: { joined: 1_800_000_000_000 } },
        { billing: { price: 99 } },
      ),
    );
    expect(segmatch(["count", condition, contacts, "--fields", catalog])).toEqual({
      code: 0,
      stdout: "1\n",
      stderr: "",
    });
  });
});

describe("segmatch --now / --time-zone: relative dates", () => {
  const NOW = "2024-01-10T12:00:00Z";
  const recent = () => file("rel-recent.json", { field: "createdAt", operator: "gte", value: "now-30d" });
  const contacts = () =>
    file(
      "rel.ndjson",
      ndjson(
        { _id: "a", createdAt: { $date: "2023-12-11T11:59:59.999Z" } },
        { _id: "b", createdAt: { $date: "2023-12-11T12:00:00Z" } },
        { _id: "c", createdAt: { $date: "2024-01-09T00:00:00Z" } },
        { _id: "d", createdAt: { $date: "2024-01-11T00:00:00Z" } },
        { _id: "e" },
      ),
    );

  it("count, diff and filter resolve date math at --now (ISO-8601 with an offset, or epoch milliseconds)", () => {
    // now-30d at 2024-01-10T12:00Z is 2023-12-11T12:00Z: b, c and d are on or after it.
    expect(segmatch(["count", recent(), contacts(), "--now", NOW])).toEqual({ code: 0, stdout: "3\n", stderr: "" });
    expect(segmatch(["count", recent(), contacts(), `--now=${Date.parse(NOW)}`]).stdout).toBe("3\n");
    expect(segmatch(["count", recent(), contacts(), "--now", "2024-01-10T13:00:00+01:00"]).stdout).toBe("3\n");
    expect(segmatch(["count", recent(), contacts(), "--now", "2024-01-10T12:00:00.001Z"]).stdout).toBe("2\n");
    expect(JSON.parse(segmatch(["filter", recent(), "--now", NOW]).stdout)).toEqual({
      createdAt: { $gte: { $date: "2023-12-11T12:00:00Z" } },
    });
    const lastWeek = file("rel-week.json", { field: "createdAt", operator: "gte", value: "now-7d/d" });
    const diff = segmatch(["diff", recent(), lastWeek, contacts(), "--now", NOW]);
    expect(JSON.parse(diff.stdout)).toEqual({ entered: 0, left: 1, count: 2, enteredIds: [], leftIds: ["b"] });
  });

  it("without --now the system clock is used", () => {
    const day = 86_400_000;
    const dated = file(
      "rel-clock.ndjson",
      ndjson(
        { _id: "new", createdAt: { $date: Date.now() - day } },
        { _id: "old", createdAt: { $date: Date.now() - 40 * day } },
      ),
    );
    expect(segmatch(["count", recent(), dated])).toEqual({ code: 0, stdout: "1\n", stderr: "" });
  });

  it("--time-zone moves a /d-rounded boundary to that zone's midnight", () => {
    const today = file("rel-today.json", { field: "createdAt", operator: "gte", value: "now/d" });
    const around = file(
      "rel-today.ndjson",
      ndjson(
        { _id: 1, createdAt: { $date: "2024-01-09T16:00:00Z" } },
        { _id: 2, createdAt: { $date: "2024-01-10T06:00:00Z" } },
        { _id: 3, createdAt: { $date: "2024-01-10T09:00:00Z" } },
      ),
    );
    const count = (...flags: string[]) => segmatch(["count", today, around, "--now", NOW, ...flags]).stdout;
    // Today starts at 2024-01-10T00:00 UTC, at 2024-01-09T15:00Z in Tokyo (+09:00), at 2024-01-10T08:00Z in Los Angeles (-08:00).
    expect(count()).toBe("2\n");
    expect(count("--time-zone", "UTC")).toBe("2\n");
    expect(count("--time-zone", "Asia/Tokyo")).toBe("3\n");
    expect(count("--time-zone=America/Los_Angeles")).toBe("1\n");
    expect(JSON.parse(segmatch(["filter", today, "--now", NOW, "--time-zone", "Asia/Tokyo"]).stdout)).toEqual({
      createdAt: { $gte: { $date: "2024-01-09T15:00:00Z" } },
    });
  });

  it("a bad --now or --time-zone is a usage error naming the flag, on one line", () => {
    const cases: [string[], string][] = [
      [
        ["--now", "yesterday"],
        'segmatch: --now "yesterday": expected an ISO-8601 datetime with an offset (2024-01-10T12:00:00Z) or epoch milliseconds',
      ],
      [["--now", "now-1d"], 'segmatch: --now "now-1d": expected an ISO-8601 datetime'],
      [["--now", "1.5"], 'segmatch: --now "1.5": expected an ISO-8601 datetime'],
      [["--now", "2024-01-10"], 'segmatch: --now "2024-01-10": expected a datetime with an offset, not a date alone'],
      [["--now", "2024-01-10T12:00:00"], 'segmatch: --now "2024-01-10T12:00:00": a datetime needs an offset'],
      [["--now", "2024-02-30T00:00:00Z"], 'segmatch: --now "2024-02-30T00:00:00Z": 2024-02 has no day 30'],
      [
        ["--now", "9000000000000000"],
        'segmatch: --now "9000000000000000": 9000000000000000 is outside the range of dates',
      ],
      [["--now"], "segmatch: --now needs a value"],
      [
        ["--time-zone", "Mars/Olympus"],
        'segmatch: --time-zone must be an IANA time zone name such as "Europe/Amsterdam", not "Mars/Olympus"',
      ],
      [["--time-zone", "Europe/Amsterdm"], '"Europe/Amsterdm" (did you mean "Europe/Amsterdam"?)'],
      [["--time-zone", "+01:00x"], "segmatch: --time-zone must be an IANA time zone name"],
    ];
    for (const [flags, message] of cases) {
      const out = segmatch(["count", recent(), contacts(), ...flags]);
      expectUsageError(out, message);
      expect(out.stdout).toBe("");
      expect(out.stderr).not.toMatch(/options\.|timeZone/);
    }
  });
});

describe("segmatch count / diff stream NDJSON", () => {
  it("diff prints the entering and leaving ids and the count after", () => {
    const contacts = file(
      "few.ndjson",
      [
        '{"_id":"a","country":"US"}',
        "",
        '{"_id":"b","country":"FR"}',
        '{"_id":"c","country":"US","topics":["news"]}',
      ].join("\n"),
    );
    const out = segmatch([
      "diff",
      file("before.json", { field: "country", operator: "eq", value: "US" }),
      file("after.json", { subscribedToTopic: ["news"] }),
      contacts,
    ]);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ entered: 0, left: 1, count: 1, enteredIds: [], leftIds: ["a"] });
    expect(
      segmatch(
        ["count", file("us.json", { field: "country", operator: "eq", value: "US" }), "-"],
        '{"country":"US"}\n{"country":"FR"}\n',
      ).stdout,
    ).toBe("1\n");
    const broken = segmatch([
      "count",
      file("us2.json", { field: "country", operator: "eq", value: "US" }),
      file("broken.ndjson", '{"country":"US"}\n{nope\n'),
    ]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("line 2: not JSON");
  });

  it("lines that are not documents (null, [1,2], 5) are skipped and reported with their line numbers; the count is printed and the exit code is 1", () => {
    const us = file("us-skip.json", { field: "country", operator: "eq", value: "US" });
    const contacts = file(
      "skip.ndjson",
      ndjson(
        { _id: "a", country: "US" },
        "",
        "null",
        { _id: "b", country: "FR" },
        "[1,2]",
        '"US"',
        { _id: "c", country: "US" },
        "5",
      ),
    );
    const out = segmatch(["count", us, contacts]);
    expect(out.stdout).toBe("2\n");
    expect(out.stderr).toBe(
      "segmatch: 4 lines are not documents (line 3: null, line 5: an array, line 6: a string, line 8: a number); they were not counted\n",
    );
    expect(out.code).toBe(1);
    // More than ten are counted, the first ten listed.
    const many = segmatch(["count", us, "-"], ndjson(...Array.from({ length: 12 }, () => "null"), { country: "US" }));
    expect(many.stdout).toBe("1\n");
    expect(many.stderr).toMatch(
      /^segmatch: 12 lines are not documents \(line 1: null, .*line 10: null, …\); they were not counted\n$/,
    );
    const diff = segmatch([
      "diff",
      us,
      file("fr-skip.json", { field: "country", operator: "eq", value: "FR" }),
      contacts,
    ]);
    expect(JSON.parse(diff.stdout)).toMatchObject({ entered: 1, left: 2, count: 1 });
    expect(diff.stderr).toContain("they were left out of the diff");
    expect(diff.code).toBe(1);
  });

  it("a file that is one JSON array (mongoexport --jsonArray) is read element by element", () => {
    const us = file("us-array.json", { field: "country", operator: "eq", value: "US" });
    const array =
      '[{"_id":1,"country":"US","note":"a, b ] } [ {"},\n {"_id":2,"country":"FR","tags":[["x"],{"y":"]"}]},\r\n{"_id":3,"country":"US","q":"\\"],"}\n]\n';
    expect(segmatch(["count", us, file("contacts.json", array)])).toEqual({ code: 0, stdout: "2\n", stderr: "" });
    expect(segmatch(["count", us, "-"], `  \n${array}`).stdout).toBe("2\n");
    expect(
      segmatch([
        "count",
        us,
        file("one-line.json", JSON.stringify([{ country: "US" }, { country: "US" }, { country: "FR" }])),
      ]).stdout,
    ).toBe("2\n");
    expect(segmatch(["count", us, file("empty-array.json", "[]")])).toEqual({
      code: 0,
      stdout: "0\n",
      stderr: `segmatch: ${join(dir, "empty-array.json")} holds no contacts\n`,
    });
    // Elements that are not documents are reported with their position and line, as lines are.
    const mixed = segmatch(["count", us, file("mixed.json", '[{"country":"US"},\nnull,\n[1,2], {"country":"US"}]')]);
    expect(mixed.stdout).toBe("2\n");
    expect(mixed.stderr).toBe(
      "segmatch: 2 array elements are not documents (element 2 on line 2: null, element 3 on line 3: an array); they were not counted\n",
    );
    expect(mixed.code).toBe(1);
    // A malformed array stops the run with the line.
    const broken: [string, string][] = [
      ['[{"country":"US"},\n]', "line 2: not JSON: a comma before the closing ]"],
      ['[{"country":"US"},\n{"country":"FR"}', "line 2: not JSON: the array is not closed"],
      ['[{"country":"US"}]\n{"country":"FR"}\n', "line 2: not JSON: text after the array's closing ]"],
      ['[{"country":"US"},\n{"country" "FR"}]', "element 2, line 2: not JSON"],
      ['[{"country":"US"}}]', "line 1: not JSON: a } that closes nothing"],
      ["[,]", "line 1: not JSON: a comma with no element before it"],
    ];
    for (const [text, message] of broken) expectUsageError(segmatch(["count", us, file("broken.json", text)]), message);
  });

  it("a JSON array is streamed too: a 48 MB heap counts an array larger than itself", async () => {
    const path = join(dir, "big-array.json");
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(path);
      out.on("error", reject);
      let i = 0;
      out.write("[\n");
      const write = () => {
        let ok = true;
        while (i < 300_000 && ok) {
          ok = out.write(
            `${i === 0 ? "" : ",\n"}{"_id":{"$oid":"${i.toString(16).padStart(24, "0")}"},"country":"${i % 2 === 0 ? "US" : "FR"}","note":"${"x,]".repeat(60)}"}`,
          );
          i++;
        }
        if (i < 300_000) out.once("drain", write);
        else out.end("\n]\n", resolve);
      };
      write();
    });
    const condition = file("big-array-us.json", { field: "country", operator: "eq", value: "US" });
    const { stdout, stderr } = await exec(
      process.execPath,
      ["--max-old-space-size=48", cli, "count", condition, path],
      { encoding: "utf8" },
    );
    expect(stdout).toBe("150000\n");
    expect(stderr).toBe("segmatch: 250,000 contacts read\n");
  }, 120_000);

  it("Extended JSON values in contacts are read as MongoDB stores them: $numberDecimal compared exactly, $numberLong beyond 2^53, $undefined", () => {
    const contacts = file(
      "numbers.ndjson",
      ndjson(
        { _id: "double", price: 9.99 },
        { _id: "decimal", price: { $numberDecimal: "9.99" } },
        { _id: "tenth", price: { $numberDecimal: "0.1" } },
        { _id: "big", price: { $numberDecimal: "250.00" } },
        '{"_id":"long","price":{"$numberLong":"9007199254740993"}}',
        '{"_id":"literal","price":9007199254740993}',
        { _id: "undefined", price: { $undefined: true } },
      ),
    );
    const count = (operator: string, value: unknown) =>
      segmatch(["count", file("n.json", { field: "price", operator, value }), contacts, "--fields", "none"]);
    // MongoDB's manual: {price: 9.99} finds the double, not NumberDecimal("9.99"), whose value is not the double's.
    expect(count("eq", 9.99)).toEqual({ code: 0, stdout: "1\n", stderr: "" });
    // Decimal 0.1 is below the double 0.1 (0.1000000000000000055…); decimal 250.00 equals 250.
    expect(count("lt", 0.1).stdout).toBe("1\n");
    expect(count("eq", 250).stdout).toBe("1\n");
    // 2^53 + 1 stays itself (a double would round it to 2^53), written as $numberLong or as a plain literal.
    expect(count("gt", 2 ** 53).stdout).toBe("2\n");
    expect(count("eq", 2 ** 53).stdout).toBe("0\n");
    // A stored undefined equals null under MongoDB 7.0, not 8.0: exists false is the null test.
    expect(count("exists", false).stdout).toBe("0\n");
    expect(
      segmatch([
        "count",
        file("n.json", { field: "price", operator: "exists", value: false }),
        contacts,
        "--fields",
        "none",
        "--mongo-version",
        "7.0",
      ]).stdout,
    ).toBe("1\n");
  });

  it("a contact's Extended JSON value that cannot be read exactly stops the run with its line", () => {
    const any = file("any.json", { field: "country", operator: "exists", value: true });
    const cases: [unknown, string][] = [
      [{ d: { $date: "2024-01-01T00:00:00" } }, "a datetime needs an offset"],
      [{ d: { $date: "2024-02-30T00:00:00Z" } }, "2024-02 has no day 30"],
      [{ d: { $date: "garbage" } }, "expected an ISO-8601 date"],
      [{ d: { $date: 1.5 } }, "whole epoch milliseconds"],
      [{ n: { $numberInt: "1.5" } }, "a $numberInt is a whole number within 32 bits"],
      [{ n: { $numberDouble: "1x" } }, "a $numberDouble is a number"],
      [{ n: { $numberLong: "99999999999999999999" } }, "a $numberLong is a whole number within 64 bits"],
      [{ n: { $numberDecimal: "0.1000000000000000000000000000000000001" } }, "has more digits than a Decimal128 holds"],
      [{ n: { $numberDecimal: "ten" } }, "not a valid Decimal128 string"],
      [{ _id: { $oid: "65a1" } }, "an ObjectId is 24 hexadecimal digits"],
    ];
    for (const [doc, message] of cases) {
      const out = segmatch(["count", any, file("bad-value.ndjson", ndjson({ country: "US" }, doc))]);
      expectUsageError(
        out,
        `bad-value.ndjson, line 2: ${JSON.stringify(Object.values(doc as object)[0])} is not read as a value: `,
      );
      expect(out.stderr).toContain(message);
    }
  });

  it("diff prints ObjectId ids ($oid) as their hex string", () => {
    const contacts = file(
      "oids.ndjson",
      ndjson(
        { _id: { $oid: "65a1b2c3d4e5f60718293a4b" }, country: "US" },
        { _id: { $oid: "65a1b2c3d4e5f60718293a4c" }, country: "FR" },
        { _id: { $oid: "65a1b2c3d4e5f60718293a4d" }, country: "US", topics: ["news"] },
      ),
    );
    const out = segmatch([
      "diff",
      file("oid-before.json", { field: "country", operator: "eq", value: "US" }),
      file("oid-after.json", { field: "country", operator: "eq", value: "FR" }),
      contacts,
    ]);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({
      entered: 1,
      left: 2,
      count: 1,
      enteredIds: ["65a1b2c3d4e5f60718293a4c"],
      leftIds: ["65a1b2c3d4e5f60718293a4b", "65a1b2c3d4e5f60718293a4d"],
    });
  });

  it("reads UTF-8 with a byte-order mark and UTF-16 (LE or BE, with a byte-order mark or without), in files and on standard input", () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const utf16le = (text: string, mark = true) =>
      Buffer.concat([mark ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, "utf16le")]);
    const utf16be = (text: string) => utf16le(text).swap16();
    const conditionText = JSON.stringify({ field: "city", operator: "eq", value: "Zürich" });
    const contactsText = ndjson({ city: "Zürich" }, { city: "Genève" }, { city: "Zürich" }).replace(/\n/g, "\r\n");
    const plain = file("zurich.json", conditionText);
    for (const [name, encode] of [
      ["bom", (t: string) => Buffer.concat([bom, Buffer.from(t)])],
      ["le", utf16le],
      ["le-no-mark", (t: string) => utf16le(t, false)],
      ["be", utf16be],
    ] as const) {
      const condition = file(`zurich-${name}.json`, encode(conditionText));
      const contacts = file(`zurich-${name}.ndjson`, encode(contactsText));
      expect(segmatch(["check", condition]), name).toEqual({ code: 0, stdout: "valid\n", stderr: "" });
      expect(segmatch(["count", condition, contacts]).stdout, name).toBe("2\n");
      expect(segmatch(["count", plain, "-"], encode(contactsText)).stdout, name).toBe("2\n");
      expect(
        segmatch(["count", plain, file(`zurich-${name}-array.json`, encode(JSON.stringify([{ city: "Zürich" }])))])
          .stdout,
        name,
      ).toBe("1\n");
    }
    // Bytes that are not UTF-8 (a Latin-1 export) are refused, not read as replacement characters.
    expectUsageError(
      segmatch([
        "count",
        plain,
        file(
          "latin1.ndjson",
          Buffer.concat([Buffer.from('{"city":"Genève"}\n{"city":"Z'), Buffer.from([0xfc]), Buffer.from('rich"}\n')]),
        ),
      ]),
      "latin1.ndjson is not UTF-8 text (line 2)",
    );
    expectUsageError(
      segmatch(["check", file("latin1.json", Buffer.from([0x7b, 0x22, 0xfc, 0x22, 0x3a, 0x31, 0x7d]))]),
      "latin1.json is not UTF-8 text",
    );
  });

  it("counts a 1,000,000-line file in bounded memory (a 48 MB heap cannot hold the file), with progress on stderr", async () => {
    const path = join(dir, "million.ndjson");
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(path);
      out.on("error", reject);
      const countries = ["US", "FR", "NG", "KE"];
      let i = 0;
      const write = () => {
        let ok = true;
        while (i < 1_000_000 && ok) {
          ok = out.write(
            `{"_id":"c${i}","country":"${countries[i % 4]}","properties":{"ltv":${i % 1000}},"note":"${"x".repeat(40)}"}\n`,
          );
          i++;
        }
        if (i < 1_000_000) out.once("drain", write);
        else out.end(resolve);
      };
      write();
    });
    const condition = file("million.json", {
      $and: [
        { field: "country", operator: "in", value: ["NG", "KE"] },
        { field: "properties.ltv", operator: "gte", value: 500 },
      ],
    });
    const { stdout, stderr } = await exec(
      process.execPath,
      ["--max-old-space-size=48", cli, "count", condition, path, "--fields", "none"],
      { encoding: "utf8" },
    );
    // NG and KE are half the lines, and ltv ≥ 500 half of those: i % 4 ∈ {2, 3} and i % 1000 ≥ 500.
    expect(stdout).toBe("250000\n");
    expect(stderr.trim().split("\n")).toEqual(
      ["250,000", "500,000", "750,000", "1,000,000"].map((n) => `segmatch: ${n} contacts read`),
    );
  }, 120_000);
});

describe("review cases: nothing wrong in silence", () => {
  it("standard input is read once: --fields - with contacts on - is a usage error, not a count of 0", () => {
    const condition = file("rv-status.json", { field: "status", operator: "eq", value: "x" });
    expectUsageError(
      segmatch(["count", "--fields", "-", condition, "-"], '{"status":{"type":"string"}}'),
      "standard input (-) can be read once only",
    );
  });

  it("an empty or blank contacts file counts 0 with a note on stderr", () => {
    const condition = file("rv-us.json", { field: "country", operator: "eq", value: "US" });
    for (const content of ["", "\n\n  \n"]) {
      expect(segmatch(["count", condition, file("rv-empty.ndjson", content)])).toEqual({
        code: 0,
        stdout: "0\n",
        stderr: `segmatch: ${join(dir, "rv-empty.ndjson")} holds no contacts\n`,
      });
    }
  });

  it("an integer beyond 64 bits is refused, in a condition and in a contact, rather than rounded", () => {
    const condition = file("rv-big.json", '{"field": "n", "operator": "eq", "value": 12345678901234567890123}');
    const out = segmatch(["filter", condition, "--fields", "none"]);
    expectUsageError(out, "the integer 12345678901234567890123 is beyond 64 bits");
    const contacts = file("rv-big.ndjson", '{"n": 12345678901234567890123}\n');
    expect(
      segmatch(["count", file("rv-n.json", { field: "n", operator: "gt", value: 1 }), contacts, "--fields", "none"])
        .code,
    ).toBe(2);
  });

  it('diff refuses a contact without _id or id instead of naming it "undefined"', () => {
    const out = segmatch([
      "diff",
      file("rv-b.json", { field: "country", operator: "eq", value: "US" }),
      file("rv-a.json", { field: "country", operator: "eq", value: "FR" }),
      file("rv-noid.ndjson", ndjson({ country: "US" })),
    ]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("a contact has no _id or id");
  });

  it("a missing catalog file named like a file gets no did-you-mean", () => {
    const out = segmatch([
      "check",
      file("rv-ok.json", { field: "country", operator: "eq", value: "US" }),
      "--fields",
      join(dir, "nonexist.json"),
    ]);
    expect(out.code).toBe(2);
    expect(out.stderr).not.toContain("did you mean");
  });
});

describe("segmatch impact: the platform's stored segments before the switch", () => {
  it("reads each segment as the platform runs it and as documented, counting members in a PGlite folder", async () => {
    const { PGlite } = await import("@electric-sql/pglite");
    const data = join(dir, "pgdata");
    const db = new PGlite(data);
    await db.exec(`
      CREATE TABLE contacts (id text PRIMARY KEY, "workspaceId" text, email text NOT NULL, city text, status text NOT NULL,
                             "propertyString0" text);
      CREATE TABLE contact_topics (id text, "contactId" text, "topicId" text, status text);
      INSERT INTO contacts VALUES ('c1', 'w1', 'a@x', 'Lagos', 'SUBSCRIBED', 'pro'), ('c2', 'w1', 'b@x', NULL, 'SUBSCRIBED', NULL),
                                  ('c3', 'w1', 'c@x', 'Paris', 'BOUNCED', 'free'), ('c4', 'w2', 'd@x', NULL, 'SUBSCRIBED', NULL);
    `);
    await db.close();
    const segments = file(
      "segments.ndjson",
      ndjson(
        { id: "s1", name: "Subscribed", conditions: { field: "status", operator: "eq", value: "SUBSCRIBED" } },
        { id: "s2", conditions: { field: "city", operator: "ne", value: "Lagos" } },
        { id: "s3", conditions: { field: "Plan", operator: "contains", value: "p_o" } },
      ),
    );
    const properties = file("properties.json", [{ name: "Plan", type: "STRING", slot: "propertyString0" }]);
    const out = segmatch(["impact", segments, properties, "--pglite", data, "--workspace", "w1"]);
    expect(out.stdout).toBe(
      [
        "s1 (Subscribed): unchanged, 2 members",
        "s2: read as documented, 1 contact would enter and 0 contacts leave (1 member today)",
        '    (root): ne on "city": a contact with no value is not selected, as the platform\'s SQL (three-valued logic) does; the documented meaning would select it',
        "s3: cannot be read",
        '    value: the platform runs this as a LIKE pattern in which _ matches any one character; no condition of the language says that ("p_o")',
        "",
        "3 segments: 1 unchanged, 0 normalised, 1 would change members read as documented, 1 cannot be read; 0 depend on LIKE patterns, 0 on the collation",
        "",
      ].join("\n"),
    );
    expect(out.code).toBe(1);
    expect(out.stderr).toBe("");
    expectUsageError(segmatch(["impact", segments, properties]), "give --database <url> or --pglite <dir>");
    expectUsageError(segmatch(["count", segments, properties, "--pglite", data]), "--pglite applies to impact only");
  }, 60_000);
});
