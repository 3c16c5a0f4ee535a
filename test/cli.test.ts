/**
 * The `segmatch` command, run as users run it: the built dist/cli.js in a child process.
 * `npm test` builds dist/ first.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;
const cli = join(root, "dist", "cli.js");
const exec = promisify(execFile);
let dir: string;

/** Runs the command; resolves to its exit code and output, whatever the code. */
function segmatch(args: string[], input?: string, nodeFlags: string[] = []): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...nodeFlags, cli, ...args], { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "segmatch-cli-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("segmatch check / filter / explain / from-mongo", () => {
  it("check: valid exits 0; invalid prints each issue with its path and exits 1", () => {
    expect(segmatch(["check", file("ok.json", { field: "country", operator: "eq", value: "US" })])).toEqual({ code: 0, stdout: "valid\n", stderr: "" });
    const bad = segmatch(["check", file("bad.json", { $and: [{ field: "a", operator: "not_in", value: [1] }, { subscribedToTopic: [] }] })]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('$and[0].operator: unknown operator "not_in" (did you mean "nin"?)');
    expect(bad.stdout).toContain("$and[1].subscribedToTopic: subscribedToTopic must not be an empty list");
  });

  it("filter prints Extended JSON, dates as $date; flags choose the catalog and the topic layout", () => {
    const fields = file("fields.json", { joined: { type: "date", path: "properties.joined" } });
    const condition = file("dated.json", { $and: [{ field: "joined", operator: "gte", value: "2024-01-31" }, { subscribedToTopic: ["news"] }] });
    const out = segmatch(["filter", condition, "--fields", fields, "--topics-layout", "records"]);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({
      $and: [{ "properties.joined": { $gte: { $date: "2024-01-31T00:00:00.000Z" } } }, { topics: { $elemMatch: { topicId: { $in: ["news"] }, status: { $eq: "SUBSCRIBED" } } } }],
    });
  });

  it("explain prints the sentence; from-mongo lifts Extended JSON, reading standard input with -", () => {
    expect(segmatch(["explain", file("e.json", { $or: [{ field: "a", operator: "eq", value: 1 }, { notSubscribedToTopic: ["ads"] }] })]).stdout).toBe("a is 1, or not subscribed to ads\n");
    const fields = file("f2.json", { joined: { type: "date", path: "j" } });
    const lifted = segmatch(["from-mongo", "-", "--fields", fields], JSON.stringify({ j: { $lt: { $date: "2024-01-01T00:00:00Z" } }, email: { $regularExpression: { pattern: "^ada", options: "" } } }));
    expect(lifted.stderr).toContain("no catalog field is stored at");
    expect(lifted.code).toBe(1);
    // Extended JSON that a double or the machine's zone would change is not read as a value, so the lift refuses it.
    expect(segmatch(["from-mongo", "-"], JSON.stringify({ a: { $numberLong: "9007199254740993" } })).code).toBe(1);
    expect(segmatch(["from-mongo", "-"], JSON.stringify({ a: { $gt: { $date: "2024-01-01T00:00:00" } } })).code).toBe(1);
    const plain = segmatch(["from-mongo", "-"], JSON.stringify({ email: { $regularExpression: { pattern: "^ada", options: "" } }, n: { $gt: { $numberInt: "5" } } }));
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout)).toEqual({ $and: [{ field: "email", operator: "startsWith", value: "ada" }, { field: "n", operator: "gt", value: 5 }] });
  });

  it("usage errors exit 2: no command, unknown command or flag, a missing file, text that is not JSON, the wrong number of files", () => {
    for (const args of [[], ["nope"], ["check", "--colour", "x"], ["check", join(dir, "missing.json")], ["check", file("notjson.json", "{oops")], ["count", file("c.json", { field: "a", operator: "eq", value: 1 })]]) {
      const out = segmatch(args);
      expect(out.code, args.join(" ")).toBe(2);
      expect(out.stderr).toContain("Usage: segmatch");
    }
    expect(segmatch(["--help"]).code).toBe(0);
    expect(segmatch(["check", file("ok2.json", { field: "a", operator: "eq", value: 1 }), "--topics-layout", "foo"]).code).toBe(2);
    expect(segmatch(["count", file("ok3.json", { field: "a", operator: "eq", value: 1 }), dir]).code).toBe(2);
  });
});

describe("segmatch count / diff stream NDJSON", () => {
  it("diff prints the entering and leaving ids and the count after", () => {
    const contacts = file("few.ndjson", ['{"_id":"a","country":"US"}', "", '{"_id":"b","country":"FR"}', '{"_id":"c","country":"US","topics":["news"]}'].join("\n"));
    const out = segmatch(["diff", file("before.json", { field: "country", operator: "eq", value: "US" }), file("after.json", { subscribedToTopic: ["news"] }), contacts]);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ entered: 0, left: 1, count: 1, enteredIds: [], leftIds: ["a"] });
    expect(segmatch(["count", file("us.json", { field: "country", operator: "eq", value: "US" }), "-"], '{"country":"US"}\n{"country":"FR"}\n').stdout).toBe("1\n");
    const broken = segmatch(["count", file("us2.json", { field: "country", operator: "eq", value: "US" }), file("broken.ndjson", '{"country":"US"}\n{nope\n')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("line 2: not JSON");
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
          ok = out.write(`{"_id":"c${i}","country":"${countries[i % 4]}","properties":{"ltv":${i % 1000}},"note":"${"x".repeat(40)}"}\n`);
          i++;
        }
        if (i < 1_000_000) out.once("drain", write);
        else out.end(resolve);
      };
      write();
    });
    const condition = file("million.json", { $and: [{ field: "country", operator: "in", value: ["NG", "KE"] }, { field: "properties.ltv", operator: "gte", value: 500 }] });
    const { stdout, stderr } = await exec(process.execPath, ["--max-old-space-size=48", cli, "count", condition, path], { encoding: "utf8" });
    // NG and KE are half the lines, and ltv ≥ 500 half of those: i % 4 ∈ {2, 3} and i % 1000 ≥ 500.
    expect(stdout).toBe("250000\n");
    expect(stderr.trim().split("\n")).toEqual(["250,000", "500,000", "750,000", "1,000,000"].map((n) => `segmatch: ${n} contacts read`));
  }, 120_000);
});
