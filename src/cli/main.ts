/**
 * The `segmatch` command: the library's jobs from a shell. The library itself does no I/O;
 * this file reads files and standard input, streams NDJSON contacts line by line (never the
 * whole file), and writes results to standard output, progress and errors to standard error.
 *
 * Exit codes: 0 done, 1 an invalid condition (`check`) or a refused input, 2 a usage error
 * (unknown command or flag, a missing or unreadable file, text that is not JSON).
 */
import { createReadStream, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { createSegmatch, isConditionError, type ConditionOptions, type Segmatch } from "../index.js";
import { parse as parseJson, stringify } from "./ejson.js";

const USAGE = `Usage: segmatch <command> [flags] <files…>   (a file may be "-" for standard input)

Commands:
  check <condition.json>                      validate; print the issues with their paths; exit 1 when invalid
  filter <condition.json>                     print the MongoDB filter as Extended JSON
  explain <condition.json>                    print the condition in words
  from-mongo <filter.json>                    lift a MongoDB filter (Extended JSON) into a condition
  count <condition.json> <contacts.ndjson>    count the contacts (one JSON document per line) that match
  diff <before.json> <after.json> <contacts.ndjson>
                                              print the contacts that enter and leave, and the count after

Flags:
  --fields <catalog.json>       a field catalog
  --topics-layout ids|records   how topics are stored (default ids)
  --topics-path <path>          where topics are stored (default topics)
  --mongo-version 7.0|8.0|9.0   the server whose answers to give (default 8.0)
  --help`;

/** A problem with how the command was called: exit code 2. */
class UsageError extends Error {}

interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
}

function parseArgs(argv: readonly string[]): { command: string | undefined; files: string[]; flags: Map<string, string> } {
  const flags = new Map<string, string>();
  const files: string[] = [];
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--help" || arg === "-h") flags.set("help", "");
    else if (arg.startsWith("--")) {
      const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
      if (!["fields", "topics-layout", "topics-path", "mongo-version"].includes(name)) throw new UsageError(`unknown flag --${name}`);
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    } else if (command === undefined) command = arg;
    else files.push(arg);
  }
  return { command, files, flags };
}

function readText(file: string): string {
  try {
    return file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${file === "-" ? "standard input" : file}: ${(error as Error).message}`);
  }
}

function readJson(file: string): unknown {
  const text = readText(file);
  try {
    return parseJson(text);
  } catch (error) {
    throw new UsageError(`${file === "-" ? "standard input" : file} is not JSON: ${(error as Error).message}`);
  }
}

function engineFrom(flags: Map<string, string>): Segmatch {
  const options: { -readonly [K in keyof ConditionOptions]: ConditionOptions[K] } = {};
  const fields = flags.get("fields");
  if (fields !== undefined) options.fields = readJson(fields) as NonNullable<ConditionOptions["fields"]>;
  const layout = flags.get("topics-layout");
  const path = flags.get("topics-path");
  if (layout !== undefined || path !== undefined) options.topics = { ...(layout !== undefined ? { layout: layout as "ids" } : {}), ...(path !== undefined ? { path } : {}) };
  const version = flags.get("mongo-version");
  if (version !== undefined) options.mongoVersion = version as NonNullable<ConditionOptions["mongoVersion"]>;
  return createSegmatch(options);
}

/** The contacts of an NDJSON file, one line at a time; blank lines are skipped; progress on stderr every 250,000 lines. */
async function* contacts(file: string, io: Io): AsyncGenerator<unknown> {
  const input = file === "-" ? io.stdin : createReadStream(file, { encoding: "utf8" });
  const opened = new Promise<void>((resolve, reject) => {
    if (file === "-") resolve();
    else (input as ReturnType<typeof createReadStream>).once("open", () => resolve()).once("error", (error) => reject(new UsageError(`cannot read ${file}: ${error.message}`)));
  });
  await opened;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (n % 250_000 === 0) io.stderr.write(`segmatch: ${n.toLocaleString("en-US")} contacts read\n`);
    if (line.trim() === "") continue;
    let contact: unknown;
    try {
      contact = parseJson(line);
    } catch (error) {
      throw new UsageError(`${file === "-" ? "standard input" : file}, line ${n}: not JSON: ${(error as Error).message}`);
    }
    yield contact;
  }
}

function printIssues(error: unknown, io: Io): void {
  if (!isConditionError(error)) throw error;
  for (const [path, messages] of Object.entries(error.flatten().fieldErrors)) for (const m of messages) io.stdout.write(`${path}: ${m}\n`);
  for (const m of error.flatten().formErrors) io.stdout.write(`(root): ${m}\n`);
}

/** Runs one command line; resolves to the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  try {
    const { command, files, flags } = parseArgs(argv);
    if (flags.has("help") || command === undefined) {
      (command === undefined && !flags.has("help") ? io.stderr : io.stdout).write(`${USAGE}\n`);
      return command === undefined && !flags.has("help") ? 2 : 0;
    }
    const need = (n: number) => {
      if (files.length !== n) throw new UsageError(`${command} takes ${n} file${n === 1 ? "" : "s"}, not ${files.length}`);
    };
    const engine = engineFrom(flags);
    switch (command) {
      case "check": {
        need(1);
        const result = engine.safeParse(readJson(files[0] as string));
        if (result.success) {
          io.stdout.write("valid\n");
          return 0;
        }
        printIssues(result.error, io);
        return 1;
      }
      case "filter":
        need(1);
        io.stdout.write(`${stringify(engine.toMongoFilter(readJson(files[0] as string)))}\n`);
        return 0;
      case "explain":
        need(1);
        io.stdout.write(`${engine.explain(readJson(files[0] as string))}\n`);
        return 0;
      case "from-mongo":
        need(1);
        io.stdout.write(`${stringify(engine.fromMongoQuery(readJson(files[0] as string)))}\n`);
        return 0;
      case "count": {
        need(2);
        const compiled = engine.compile(readJson(files[0] as string));
        const count = await engine.countMembers(compiled, contacts(files[1] as string, io));
        io.stdout.write(`${count}\n`);
        return 0;
      }
      case "diff": {
        need(3);
        const before = engine.compile(readJson(files[0] as string));
        const after = engine.compile(readJson(files[1] as string));
        const diff = await engine.diffMembership(before, after, contacts(files[2] as string, io));
        io.stdout.write(`${stringify({ entered: diff.entered.length, left: diff.left.length, count: diff.count, enteredIds: diff.entered, leftIds: diff.left })}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`segmatch: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    // A file system error while streaming (a directory given as a file, a failing disk) is about the arguments too.
    if (error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === "string") {
      io.stderr.write(`segmatch: cannot read a file: ${error.message}\n`);
      return 2;
    }
    if (isConditionError(error)) {
      io.stderr.write(`segmatch: ${error.message}\n`);
      // Bad flags (options, a catalog file) are usage errors; a refused condition or filter is 1.
      return error.issues.every((i) => i.code === "invalid_options" || i.code === "invalid_catalog") ? 2 : 1;
    }
    throw error;
  }
}
