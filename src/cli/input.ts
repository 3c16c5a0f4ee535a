/**
 * Reading files and standard input for the command-line tool.
 *
 * Text: UTF-8, with or without a byte-order mark (Notepad and PowerShell write one), or
 * UTF-16 (PowerShell's `>` writes UTF-16LE): told by its byte-order mark, or, without one, by
 * a NUL byte in the first two (JSON text starts with an ASCII character, and UTF-8 JSON
 * never holds a raw NUL). Bytes that are not valid text in the encoding are an error, not
 * replacement characters.
 *
 * Contacts: told apart by the first character that is not white space. `[` is one JSON
 * array (`mongoexport --jsonArray`); anything else is one document per line (NDJSON,
 * `mongoexport`'s default; blank lines are skipped). Both are streamed: an array is split
 * into its elements as the text arrives (tracking strings and nesting), so neither holds
 * more than one document's text at a time. A line or element that is valid JSON but not a
 * document (`null`, `[1,2]`, `5`) is skipped and counted, with its line number, for the
 * caller to report; text that is not JSON stops the run.
 */
import { createReadStream, readFileSync } from "node:fs";
import { ExtendedJsonError, parse, type Parsed } from "./ejson.js";

/** A problem with how the command was called or with what it was given: exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The line after the problem (default: where to find the usage). */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** How a file is named in messages. */
export const nameOf = (file: string): string => (file === "-" ? "standard input" : file);

type Encoding = "utf-8" | "utf-16le" | "utf-16be";

/** The encoding of a text by its first bytes (see the header). */
function sniff(bytes: Uint8Array): Encoding {
  const [a, b] = bytes;
  if (a === 0xff && b === 0xfe) return "utf-16le";
  if (a === 0xfe && b === 0xff) return "utf-16be";
  if (bytes.length >= 2 && a !== 0 && b === 0) return "utf-16le";
  if (bytes.length >= 2 && a === 0 && b !== 0) return "utf-16be";
  return "utf-8";
}

/** A decoder for the encoding; it drops a leading byte-order mark and refuses invalid bytes. */
const decoderFor = (encoding: Encoding) => new TextDecoder(encoding, { fatal: true });

const notText = (file: string, encoding: Encoding, where = "") =>
  new UsageError(
    `${nameOf(file)} is not ${encoding === "utf-8" ? "UTF-8" : encoding.toUpperCase()} text${where}`,
    "Save it as UTF-8 (or UTF-16 with a byte-order mark).",
  );

/** The whole text of a file or of standard input ("-"), decoded. */
function readText(file: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file === "-" ? 0 : file);
  } catch (error) {
    throw new UsageError(`cannot read ${nameOf(file)}: ${(error as Error).message}`);
  }
  const encoding = sniff(bytes);
  try {
    return decoderFor(encoding).decode(bytes);
  } catch {
    throw notText(file, encoding);
  }
}

/** A condition, catalog or filter file, read as JSON (Extended JSON values included). */
export function readJson(file: string, what = nameOf(file)): Parsed {
  const text = readText(file);
  try {
    return parse(text, "input");
  } catch (error) {
    throw new UsageError(`${what} is not JSON: ${(error as Error).message}`);
  }
}

/** One line or array element: its text and where it starts. */
interface Item {
  readonly text: string;
  readonly line: number;
  /** The element's position (1-based) in an array; undefined for NDJSON lines. */
  readonly element?: number;
}

/** Splits NDJSON text into lines (\n, \r\n or \r), however the chunks cut it. */
class LineSplitter {
  private rest = "";
  private line = 0;
  feed(text: string, out: Item[]): void {
    let chunk = this.rest + text;
    // A \r at the end may be the first half of \r\n: wait for the next chunk.
    let held = "";
    if (chunk.endsWith("\r")) {
      held = "\r";
      chunk = chunk.slice(0, -1);
    }
    const parts = chunk.split(/\r\n|\r|\n/);
    this.rest = (parts.pop() as string) + held;
    for (const text of parts) out.push({ text, line: ++this.line });
  }
  end(out: Item[]): void {
    const last = this.rest.replace(/\r$/, "");
    if (last !== "" || this.rest !== "") out.push({ text: last, line: ++this.line });
    this.rest = "";
  }
}

/** Character codes the array splitter looks at. */
const Ch = {
  Tab: 9,
  Newline: 10,
  Return: 13,
  Space: 32,
  Quote: 34,
  Comma: 44,
  Backslash: 92,
  OpenBracket: 91,
  CloseBracket: 93,
  OpenBrace: 123,
  CloseBrace: 125,
} as const;

/**
 * Splits the text of one JSON array into the texts of its elements as it arrives: commas
 * and the closing bracket count only outside strings and at the array's own level. Each
 * element is then parsed on its own, so a malformed one is reported with its line.
 */
class ArraySplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private closed = false;
  /** The text of the element being read (parts from earlier chunks). */
  private parts: string[] = [];
  private started = false;
  private elementLine = 0;
  private elements = 0;
  /** After a comma, an element must follow before the closing bracket. */
  private expectElement = false;
  private line = 1;

  constructor(private readonly file: string) {}

  private fail(message: string): never {
    throw new UsageError(`${nameOf(this.file)}, line ${this.line}: not JSON: ${message}`);
  }

  feed(text: string, out: Item[]): void {
    let start = this.started ? 0 : -1;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === Ch.Newline) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === Ch.Backslash) this.escaped = true;
        else if (c === Ch.Quote) this.inString = false;
        continue;
      }
      if (c === Ch.Space || c === Ch.Newline || c === Ch.Return || c === Ch.Tab) continue;
      if (this.closed)
        this.fail("text after the array's closing ] (a file is one JSON array, or one document per line)");
      if (this.depth === 0) {
        // The caller hands over text that starts (after white space) with "[".
        this.depth = 1;
        continue;
      }
      if (this.depth === 1 && (c === Ch.Comma || c === Ch.CloseBracket)) {
        if (this.started) {
          this.parts.push(text.slice(start, i));
          out.push({ text: this.parts.join(""), line: this.elementLine, element: ++this.elements });
          this.parts = [];
          this.started = false;
          start = -1;
        } else if (c === Ch.Comma || this.expectElement)
          this.fail(c === Ch.Comma ? "a comma with no element before it" : "a comma before the closing ]");
        this.expectElement = c === Ch.Comma;
        if (c === Ch.CloseBracket) {
          this.closed = true;
          this.depth = 0;
        }
        continue;
      }
      if (!this.started) {
        this.started = true;
        this.elementLine = this.line;
        start = i;
      }
      if (c === Ch.Quote) this.inString = true;
      else if (c === Ch.OpenBrace || c === Ch.OpenBracket) this.depth++;
      else if (c === Ch.CloseBrace || c === Ch.CloseBracket) {
        if (this.depth === 1) this.fail("a } that closes nothing");
        this.depth--;
      }
    }
    if (this.started) this.parts.push(text.slice(start));
  }

  end(): void {
    if (!this.closed) this.fail("the array is not closed (no ] at the end)");
  }
}

/** What a line or element holds when it is not a document, in words. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date";
  if (typeof value === "object") return `a ${(value as { _bsontype?: string })._bsontype ?? "value"}`;
  return `a ${typeof value}`;
}

/** A document: a plain object (not an array, null, a scalar, or a wrapped value such as a Date). */
const isDocument = (value: unknown): boolean =>
  typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** The lines or elements that were skipped, for the report. */
export interface Skipped {
  readonly count: number;
  /** The first few, as "line 3: null" or "element 2 on line 1: an array". */
  readonly first: readonly string[];
  readonly format: "lines" | "array elements";
}

const MAX_LISTED = 10;

/**
 * The contacts of a file or of standard input, one document at a time, with progress on
 * stderr every 250,000 lines or elements. `skipped()` says, afterwards, what was not a document.
 */
export class ContactReader implements AsyncIterable<unknown> {
  private skippedCount = 0;
  private readonly listed: string[] = [];
  private format: Skipped["format"] = "lines";
  /** Lines or elements read so far, blank lines included. */
  private read = 0;
  /** Documents handed out so far. */
  private documentCount = 0;

  constructor(
    readonly file: string,
    private readonly stdin: NodeJS.ReadableStream,
    private readonly progress: (read: number) => void,
  ) {}

  /** How many documents were read. */
  documents(): number {
    return this.documentCount;
  }

  skipped(): Skipped {
    return { count: this.skippedCount, first: this.listed, format: this.format };
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<unknown> {
    let splitter: LineSplitter | ArraySplitter | undefined;
    let head = "";
    const items: Item[] = [];
    for await (const text of this.texts()) {
      if (splitter === undefined) {
        head += text;
        const first = head.search(/\S/);
        if (first < 0) continue;
        if (head[first] === "[") {
          splitter = new ArraySplitter(this.file);
          this.format = "array elements";
        } else splitter = new LineSplitter();
        splitter.feed(head, items);
        head = "";
      } else splitter.feed(text, items);
      yield* this.documentsOf(items);
    }
    if (splitter instanceof LineSplitter) splitter.end(items);
    else splitter?.end();
    yield* this.documentsOf(items);
  }

  /** The documents among the items (which it empties); the rest are counted as skipped. */
  private *documentsOf(items: Item[]): Generator<unknown> {
    for (const item of items) {
      this.read++;
      if (this.read % 250_000 === 0) this.progress(this.read);
      if (item.element === undefined && item.text.trim() === "") continue;
      const value = this.parseItem(item);
      if (isDocument(value)) {
        this.documentCount++;
        yield value;
      } else {
        this.skippedCount++;
        if (this.listed.length < MAX_LISTED)
          this.listed.push(
            `${item.element === undefined ? `line ${item.line}` : `element ${item.element} on line ${item.line}`}: ${kindOf(value)}`,
          );
      }
    }
    items.length = 0;
  }

  private parseItem(item: Item): unknown {
    try {
      return parse(item.text, "document").value;
    } catch (error) {
      const where = `${nameOf(this.file)}, ${item.element === undefined ? "" : `element ${item.element}, `}line ${item.line}`;
      if (error instanceof ExtendedJsonError) throw new UsageError(`${where}: ${error.message}`);
      const pretty = item.element === undefined && /^\s*[{[]\s*$/.test(item.text);
      throw new UsageError(
        `${where}: not JSON: ${(error as Error).message}`,
        pretty
          ? "A document spread over several lines (mongoexport --pretty) is not read: export one document per line, or use --jsonArray."
          : undefined,
      );
    }
  }

  /** The decoded text, chunk by chunk. */
  private async *texts(): AsyncGenerator<string> {
    const input = this.file === "-" ? this.stdin : createReadStream(this.file);
    let decoder: ReturnType<typeof decoderFor> | undefined;
    let encoding: Encoding = "utf-8";
    let pending: Uint8Array = new Uint8Array(0);
    let lines = 0;
    const decode = (bytes: Uint8Array, stream: boolean): string => {
      try {
        const text = decoder!.decode(bytes, { stream });
        for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines++;
        return text;
      } catch {
        // The line of the first byte that is not text: the chunk decoded again, replacing what is not.
        const replaced = new TextDecoder(encoding).decode(bytes);
        const before = replaced.slice(0, Math.max(0, replaced.indexOf("\uFFFD")));
        throw notText(this.file, encoding, ` (line ${lines + before.split("\n").length})`);
      }
    };
    try {
      for await (const chunk of input) {
        const bytes: Uint8Array = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : (chunk as Uint8Array);
        if (decoder === undefined) {
          // The encoding is told by the first two bytes: wait for them.
          pending = pending.length === 0 ? bytes : Buffer.concat([pending, bytes]);
          if (pending.length < 2) continue;
          encoding = sniff(pending);
          decoder = decoderFor(encoding);
          yield decode(pending, true);
          pending = new Uint8Array(0);
        } else yield decode(bytes, true);
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`cannot read ${nameOf(this.file)}: ${(error as Error).message}`);
    }
    if (decoder === undefined) {
      encoding = sniff(pending);
      decoder = decoderFor(encoding);
    }
    yield decode(pending, false);
  }
}
