/**
 * The `segmatch` command: the library's jobs from a shell. The library itself does no I/O;
 * this file reads the arguments and runs the commands, input.ts reads files and standard
 * input (contacts streamed, never the whole file), ejson.ts reads and writes Extended JSON.
 * Results go to standard output; progress, notes and errors to standard error.
 *
 * The catalog: `--fields contact` (the default) is the library's built-in `contactFields`,
 * as the platform's contact exports are stored (`createdAt` a Date, compared as a date);
 * `--fields none` reads field names as plain document paths, nothing typed; any other
 * value is a catalog file. A field the default catalog does not know is refused, with a
 * hint naming the other two: a refusal is loud, where plain paths would silently compare
 * "2024-01-01" (a string) with stored Dates and count 0.
 *
 * Relative dates ("now-30d" on a date field) are resolved at `--now` (an ISO-8601 datetime
 * with an offset, or epoch milliseconds; default the system clock) in `--time-zone` (an
 * IANA name; default UTC): the library's `now` and `timeZone` options, given to every command.
 *
 * Exit codes: 0 done; 1 an invalid condition (`check`), a refused condition or filter, or
 * contacts that are not documents (`count` and `diff` print their result, and report on
 * standard error how many lines were skipped and which); 2 a usage error (an unknown
 * command or flag, a bad flag value, a file that cannot be read, text that is not JSON or
 * holds an Extended JSON value that cannot be read exactly); 70 a bug (bin.ts).
 */
import { readFileSync } from "node:fs";
import { parseIsoDate } from "../catalog/dates.js";
import {
  contactFields,
  createSegmatch,
  formatPath,
  isConditionError,
  MONGO_VERSIONS,
  type ConditionError,
  type ConditionOptions,
  type MongoVersion,
  type Segmatch,
  type TopicLayout,
} from "../index.js";
import { assertNever } from "../language/never.js";
import { dateProblemText, meant } from "../messages.js";
import { closest } from "../suggest.js";
import { stringify } from "./ejson.js";
import { impact } from "./impact.js";
import { helpText } from "./help.js";
import { ContactReader, nameOf, readJson, UsageError, type Skipped } from "./input.js";

/** Set by the build (tsup.config.ts) from package.json. */
declare const __SEGMATCH_VERSION__: string | undefined;

export interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
}

/** Each command with the files it takes. */
const COMMANDS = {
  check: ["<condition.json>"],
  filter: ["<condition.json>"],
  explain: ["<condition.json>"],
  "from-mongo": ["<filter.json>"],
  count: ["<condition.json>", "<contacts>"],
  diff: ["<before.json>", "<after.json>", "<contacts>"],
  impact: ["<segments.ndjson>", "<properties.json>"],
} as const satisfies Readonly<Record<string, readonly string[]>>;
type Command = keyof typeof COMMANDS;
const isCommand = (name: string): name is Command => Object.hasOwn(COMMANDS, name);
const VALUE_FLAGS = [
  "fields",
  "topics-layout",
  "topics-path",
  "mongo-version",
  "now",
  "time-zone",
  "database",
  "pglite",
  "workspace",
] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];
const LAYOUTS = ["ids", "records"] as const satisfies readonly TopicLayout[];
const HELP_HINT = 'Run "segmatch --help" for usage.';

function version(): string {
  if (typeof __SEGMATCH_VERSION__ === "string") return __SEGMATCH_VERSION__;
  try {
    // Unbundled (the sources run directly): the package.json above this file's folder.
    return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string })
      .version;
  } catch {
    return "(unknown version)";
  }
}

interface Args {
  readonly command: string | undefined;
  readonly files: string[];
  readonly flags: Map<ValueFlag, string>;
}

/** ` (did you mean --x?)` for a misspelt flag. */
function flagHint(name: string): string {
  const near = closest(name, [...VALUE_FLAGS, "help", "version"], 1);
  return near.length > 0 ? ` (did you mean --${near[0]}?)` : "";
}

function parseArgs(argv: readonly string[]): Args {
  const flags = new Map<ValueFlag, string>();
  const files: string[] = [];
  let command: string | undefined;
  let flagsEnd = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!flagsEnd && arg === "--") flagsEnd = true;
    else if (!flagsEnd && arg.startsWith("-") && arg !== "-") {
      const [raw, inline] = arg.startsWith("--")
        ? (arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined])
        : [arg, undefined];
      const name = VALUE_FLAGS.find((f) => f === raw);
      if (raw === "help" || raw === "version") throw new UsageError(`--${raw} takes no value`);
      if (name === undefined)
        throw new UsageError(
          `unknown flag ${arg.startsWith("--") ? `--${raw}` : arg}${flagHint(raw.replace(/^-+/, ""))}`,
        );
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith("--")))
        throw new UsageError(`--${name} needs a value${name === "fields" ? " (contact, none or a catalog file)" : ""}`);
      if (flags.has(name)) throw new UsageError(`--${name} is given twice`);
      flags.set(name, value);
    } else if (command === undefined) command = arg;
    else files.push(arg);
  }
  return { command, files, flags };
}

/** The engine's options from the flags; a bad value is a usage error that names its flag. */
function optionsFrom(flags: Map<ValueFlag, string>): { options: ConditionOptions; notes: readonly string[] } {
  const options: { -readonly [K in keyof ConditionOptions]: ConditionOptions[K] } = {};
  let notes: readonly string[] = [];
  const fields = flags.get("fields") ?? "contact";
  if (fields === "contact") options.fields = contactFields;
  else if (fields !== "none") {
    try {
      const read = readJson(fields, `--fields ${fields}`);
      options.fields = read.value as NonNullable<ConditionOptions["fields"]>;
      notes = read.notes;
    } catch (error) {
      // A name like a file's (a dot or a slash) is a missing file, not a misspelt contact or none.
      const near = /[./\\]/.test(fields) ? [] : closest(fields, ["contact", "none"], 1);
      if (error instanceof UsageError && error.message.startsWith("cannot read") && near.length > 0) {
        throw new UsageError(
          `--fields ${fields}: no such catalog file${meant(near)}`,
          "--fields takes contact (the built-in catalog), none (plain document paths) or a catalog file.",
        );
      }
      throw error;
    }
  }
  const layout = flags.get("topics-layout");
  const path = flags.get("topics-path");
  if (layout !== undefined) {
    if (!(LAYOUTS as readonly string[]).includes(layout))
      throw new UsageError(
        `--topics-layout must be ${LAYOUTS.join(" or ")}, not ${JSON.stringify(layout)}${meant(closest(layout, LAYOUTS, 1))}`,
      );
  }
  if (layout !== undefined || path !== undefined)
    options.topics = {
      ...(layout !== undefined ? { layout: layout as TopicLayout } : {}),
      ...(path !== undefined ? { path } : {}),
    };
  const mongoVersion = flags.get("mongo-version");
  if (mongoVersion !== undefined) {
    if (!(MONGO_VERSIONS as readonly string[]).includes(mongoVersion))
      throw new UsageError(
        `--mongo-version must be one of ${MONGO_VERSIONS.join(", ")}, not ${JSON.stringify(mongoVersion)}`,
      );
    options.mongoVersion = mongoVersion as MongoVersion;
  }
  const now = flags.get("now");
  if (now !== undefined) options.now = instantFrom(now);
  // The library checks the zone (an invalid_options issue, worded for the flag by optionIssueLine).
  const timeZone = flags.get("time-zone");
  if (timeZone !== undefined) options.timeZone = timeZone;
  return { options, notes };
}

/**
 * `--now`: epoch milliseconds, or an ISO-8601 datetime with an offset read by the library's
 * strict reader (a date alone is refused: which zone's midnight would it be?).
 */
function instantFrom(text: string): number {
  const refuse = (why: string) => new UsageError(`--now ${JSON.stringify(text)}: ${why}`);
  if (/^-?\d+$/.test(text)) {
    const ms = Number(text);
    if (Math.abs(ms) > 8.64e15) throw refuse(dateProblemText({ problem: "out_of_range", part: text }));
    return ms;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text))
    throw refuse(`expected a datetime with an offset, not a date alone (${text}T00:00:00Z is midnight UTC)`);
  const read = parseIsoDate(text);
  if ("ms" in read) return read.ms;
  throw refuse(
    read.problem === "not_iso"
      ? "expected an ISO-8601 datetime with an offset (2024-01-10T12:00:00Z) or epoch milliseconds"
      : dateProblemText(read),
  );
}

/** ` (did you mean "Europe/Amsterdam"?)` for a misspelt zone name. */
function zoneHint(name: string): string {
  return meant(closest(name, Intl.supportedValuesOf("timeZone"), 1));
}

/** The flag an option issue is about, and its message in the flag's words. */
function optionIssueLine(issue: ConditionError["issues"][number], flags: Map<ValueFlag, string>): string {
  const [, option, sub, ...rest] = issue.path;
  if (option === "fields") {
    const at = sub === undefined ? "" : `${formatPath([sub, ...rest])}: `;
    return `--fields ${flags.get("fields") ?? "contact"}: ${at}${issue.message}`;
  }
  if (option === "topics" && (sub === "path" || sub === "layout")) {
    const flag = sub === "path" ? "--topics-path" : "--topics-layout";
    return `${flag} ${JSON.stringify(flags.get(sub === "path" ? "topics-path" : "topics-layout") ?? "")}: ${issue.message.replace(/^topics\.(path|layout) /, "")}`;
  }
  if (option === "mongoVersion") return `--mongo-version: ${issue.message.replace(/^mongoVersion /, "")}`;
  if (option === "timeZone")
    return `--time-zone ${issue.message.replace(/^timeZone /, "")}${zoneHint(flags.get("time-zone") ?? "")}`;
  if (option === "now") return `--now ${issue.message.replace(/^now /, "")}`;
  return `${formatPath(issue.path)}: ${issue.message}`;
}

function engineFrom(flags: Map<ValueFlag, string>, io: Io): Segmatch {
  const { options, notes } = optionsFrom(flags);
  for (const note of notes) io.stderr.write(`segmatch: --fields ${flags.get("fields")}: ${note}\n`);
  try {
    return createSegmatch(options);
  } catch (error) {
    if (!isConditionError(error)) throw error;
    const lines = error.issues.slice(0, 10).map((issue) => optionIssueLine(issue, flags));
    if (error.issues.length > 10) lines.push(`… and ${error.issues.length - 10} more`);
    throw new UsageError(
      lines.join("\nsegmatch: "),
      flags.get("fields") !== undefined && error.issues.some((i) => i.code === "invalid_catalog")
        ? 'A catalog maps names to {"type": …, "path"?: …}: see "segmatch --help".'
        : undefined,
    );
  }
}

/** Reads a condition or filter file; notes on Extended JSON that was left as written go to stderr. */
function input(file: string, io: Io): unknown {
  const { value, notes } = readJson(file);
  for (const note of notes) io.stderr.write(`segmatch: ${nameOf(file)}: ${note}\n`);
  return value;
}

function printIssues(error: ConditionError, io: Io): void {
  const { formErrors, fieldErrors } = error.flatten();
  for (const [path, messages] of Object.entries(fieldErrors))
    for (const m of messages) io.stdout.write(`${path}: ${m}\n`);
  for (const m of formErrors) io.stdout.write(`(root): ${m}\n`);
}

/** The report of skipped lines: `2 lines are not documents (line 3: null, line 7: an array); they were not counted`. */
function skippedLine(skipped: Skipped, what: string): string {
  const n = skipped.count;
  const noun =
    skipped.format === "lines"
      ? n === 1
        ? "line is"
        : "lines are"
      : n === 1
        ? "array element is"
        : "array elements are";
  const list = `${skipped.first.join(", ")}${n > skipped.first.length ? ", …" : ""}`;
  return `segmatch: ${n.toLocaleString("en-US")} ${noun} not ${n === 1 ? "a document" : "documents"} (${list}); ${n === 1 ? "it was" : "they were"} ${what}\n`;
}

/** Runs one command line; resolves to the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  let unknownFieldHint = false;
  try {
    const flagArgs = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
    if (flagArgs.includes("--help") || flagArgs.includes("-h")) {
      io.stdout.write(`${helpText(version())}\n`);
      return 0;
    }
    if (flagArgs.includes("--version") || flagArgs.includes("-v")) {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    const { command, files, flags } = parseArgs(argv);
    if (command === undefined) throw new UsageError(`no command given: ${Object.keys(COMMANDS).join(", ")}`);
    if (!isCommand(command))
      throw new UsageError(
        `unknown command ${JSON.stringify(command)}${meant(closest(command, Object.keys(COMMANDS), 1))}`,
      );
    const takes: readonly string[] = COMMANDS[command];
    if (files.length !== takes.length) {
      throw new UsageError(
        `${command} takes ${takes.length} file${takes.length === 1 ? "" : "s"}, not ${files.length}`,
        `Usage: segmatch ${command} [flags] ${takes.join(" ")}`,
      );
    }
    if (files.filter((f) => f === "-").length + (flags.get("fields") === "-" ? 1 : 0) > 1)
      throw new UsageError(
        "standard input (-) can be read once only: give the catalog, the conditions or the contacts as a file",
      );
    unknownFieldHint = !flags.has("fields");
    for (const flag of ["database", "pglite", "workspace"] as const)
      if (flags.has(flag) && command !== "impact") throw new UsageError(`--${flag} applies to impact only`);
    const engine = engineFrom(flags, io);
    const [first, second, third] = files as [string, string | undefined, string | undefined];
    switch (command) {
      case "check": {
        const result = engine.safeParseCondition(input(first, io));
        if (result.success) {
          io.stdout.write("valid\n");
          return 0;
        }
        printIssues(result.error, io);
        if (unknownFieldHint && result.error.issues.some((i) => i.code === "unknown_field"))
          io.stderr.write(catalogHint());
        return 1;
      }
      case "filter":
        io.stdout.write(`${stringify(engine.toMongoFilter(input(first, io)))}\n`);
        return 0;
      case "explain":
        io.stdout.write(`${engine.explainCondition(input(first, io))}\n`);
        return 0;
      case "from-mongo":
        io.stdout.write(`${stringify(engine.fromMongoQuery(input(first, io)))}\n`);
        return 0;
      case "count": {
        const compiled = engine.compileCondition(input(first, io));
        const contacts = new ContactReader(second!, io.stdin, progress(io));
        const count = await engine.countMembers(compiled, contacts);
        io.stdout.write(`${count}\n`);
        return reportSkipped(contacts, "not counted", io);
      }
      case "diff": {
        const before = engine.compileCondition(input(first, io));
        const after = engine.compileCondition(input(second!, io));
        const contacts = new ContactReader(third!, io.stdin, progress(io));
        const diff = await engine.diffMembership(before, after, contacts);
        io.stdout.write(
          `${stringify({ entered: diff.entered.length, left: diff.left.length, count: diff.count, enteredIds: diff.entered, leftIds: diff.left })}\n`,
        );
        return reportSkipped(contacts, "left out of the diff", io);
      }
      case "impact":
        return await impact(first, second!, flags, io);
      default:
        return assertNever(command, "command");
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`segmatch: ${error.message}\n${error.hint ?? HELP_HINT}\n`);
      return 2;
    }
    // A file system error while streaming (a failing disk) is about the arguments too.
    if (error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === "string") {
      io.stderr.write(`segmatch: cannot read a file: ${error.message}\n`);
      return 2;
    }
    if (isConditionError(error)) {
      io.stderr.write(`segmatch: ${error.message.replace(/\n/g, "\nsegmatch: ")}\n`);
      const unknown = error.issues.some(
        (i) =>
          i.code === "unknown_field" ||
          (i.path[0] === "filter" && i.message.startsWith("no catalog field is stored at")),
      );
      if (unknownFieldHint && unknown) io.stderr.write(catalogHint());
      return 1;
    }
    throw error;
  }
}

function catalogHint(): string {
  return "segmatch: hint: the default catalog is --fields contact (the built-in contact fields); --fields none reads field names as plain document paths, --fields catalog.json gives your own catalog\n";
}

function progress(io: Io): (read: number) => void {
  return (read) => io.stderr.write(`segmatch: ${read.toLocaleString("en-US")} contacts read\n`);
}

function reportSkipped(contacts: ContactReader, what: string, io: Io): number {
  const skipped = contacts.skipped();
  // Not an error (an export of an empty collection), but never a silent 0.
  if (skipped.count === 0 && contacts.documents() === 0)
    io.stderr.write(`segmatch: ${nameOf(contacts.file)} holds no contacts\n`);
  if (skipped.count === 0) return 0;
  io.stderr.write(skippedLine(skipped, what));
  return 1;
}
