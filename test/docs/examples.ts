/**
 * The code blocks of README.md, CONTRIBUTING.md and docs/*.md, read as tests.
 *
 * - A ```ts block is a program. It is typechecked as written (strict settings, `nodenext`),
 *   and run against the built package with every stated result checked. A result is stated
 *   on the line of a single-line expression statement:
 *
 *       segment.matches(doc); // => true
 *       r.error.issues[0];    // =~ { code: "invalid_value", message: "the value of …" }
 *
 *   `=>` means deeply equal; `=~` means "matches": an object may have more keys than stated,
 *   and `…` inside a string stands for any text. The stated value is a JavaScript
 *   expression; when it does not fit on the line it continues on the comment lines below it,
 *   each with `// ` removed, until it parses. `console.log(x); // => v` checks `x`.
 * - A ```console block is a shell session in a fresh folder: `$ command` lines, each followed
 *   by the exact text it prints (standard output and standard error as they are written). A
 *   command that contains `<<'EOF'` continues up to the line `EOF`. `segmatch` runs the
 *   built bin; `# …` lines after the prompt are comments.
 * - Other blocks (```sh, ```text, ```json) are not run; the checks forbid ```text and
 *   ```js in the docs, so a result cannot hide in a block no test reads.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface Block {
  readonly file: string;
  /** 1-based line of the block's first code line in its file. */
  readonly line: number;
  readonly lang: string;
  readonly code: string;
}

export interface Check {
  readonly line: number;
  readonly mode: "=>" | "=~";
  readonly expression: string;
  readonly expected: string;
  /** Lines the statement and its stated result take (each may continue over several lines). */
  readonly span: number;
  /** The line after the last one the check takes. */
  readonly end: number;
  /** The line of the stated result, where a failure is reported. */
  readonly at: number;
}

export interface ConsoleStep {
  readonly line: number;
  readonly command: string;
  readonly output: string;
}

/** The Markdown files whose blocks are tests. */
export function docFiles(root: string): string[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", "CONTRIBUTING.md", ...docs];
}

export function blocks(root: string, file: string): Block[] {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const found: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    // A fence this reader would not see (indented, or of tildes) would hide its block from every test.
    if (/^\s+```|^\s*~~~/.test(lines[i] as string))
      throw new Error(`${file}:${i + 1}: fence code blocks with \`\`\` at the start of the line`);
    const open = /^```(\S*)\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== "```") end++;
    found.push({ file, line: start + 1, lang: open[1] ?? "", code: lines.slice(start, end).join("\n") });
    i = end;
  }
  return found;
}

const AsyncFunction = (async () => undefined).constructor as FunctionConstructor;

function parses(expression: string): boolean {
  try {
    // Syntax only: the function is never made to run. An async body, so that `await x` parses.
    new AsyncFunction(`return (${expression}\n);`);
    return true;
  } catch {
    return false;
  }
}

const STATED = /^(.*?;)\s*\/\/ (=>|=~) (.*)$/;

/** Splits a ts block into its checks; each check's expression is the statement before `;`. */
export function checks(code: string): Check[] {
  const lines = code.split("\n");
  const found: Check[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = STATED.exec(lines[i] as string);
    if (!m) {
      // A result written any other way would be read by nobody.
      if (/\/\/\s*=[>~]/.test(lines[i] as string))
        throw new Error(
          `line ${i + 1}: a stated result must follow "expression;" as "; // => value" or "; // =~ value"`,
        );
      continue;
    }
    // The statement may begin on an earlier line: the nearest start from which it parses.
    let k = i;
    let statement = (m[1] as string).trim().replace(/;$/, "");
    while (!parses(statement)) {
      k--;
      if (k < 0 || (found.at(-1)?.end ?? 0) > k)
        throw new Error(`line ${i + 1}: the statement before the stated result does not parse`);
      statement = `${lines[k]}\n${statement}`;
    }
    const logged = /^console\.log\(([\s\S]*)\)$/.exec(statement.trim());
    let expected = m[3] as string;
    let j = i;
    while (!parses(expected)) {
      j++;
      const next = lines[j];
      if (next === undefined || !/^\s*\/\/( |$)/.test(next))
        throw new Error(`line ${i + 1}: the stated result does not parse: ${m[3]}`);
      expected += `\n${next.replace(/^\s*\/\/ ?/, "")}`;
    }
    found.push({
      line: k + 1,
      mode: m[2] as "=>" | "=~",
      expression: logged ? (logged[1] as string) : statement,
      expected,
      span: j - k + 1,
      end: j + 1,
      at: i + 1,
    });
    i = j;
  }
  return found;
}

/** The block with each check's statement replaced by a call of the checker (same line numbers). */
export function instrument(code: string, list: readonly Check[]): string {
  const lines = code.split("\n");
  for (const check of [...list].reverse()) {
    // The call spans as many lines as the statement and its result did, so line numbers stay.
    const call = `__check(${check.at}, ${JSON.stringify(check.mode)}, (${check.expression}), (${check.expected}));`;
    lines.splice(check.line - 1, check.span, ...call.split("\n"));
  }
  // On the first line, so that line numbers stay.
  return `import { __check } from "./checker.mjs"; ${lines.join("\n")}`;
}

export function consoleSteps(code: string): ConsoleStep[] {
  const lines = code.split("\n");
  const steps: ConsoleStep[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.startsWith("$ "))
      throw new Error(`line ${i + 1}: expected a "$ " command, found ${JSON.stringify(line)}`);
    const start = i;
    let command = line.slice(2);
    if (command.includes("<<'EOF'")) {
      while (lines[++i] !== "EOF") {
        if (i >= lines.length) throw new Error(`line ${start + 1}: no EOF`);
        command += `\n${lines[i]}`;
      }
      command += "\nEOF";
    }
    const output: string[] = [];
    while (i + 1 < lines.length && !(lines[i + 1] as string).startsWith("$ ")) output.push(lines[++i] as string);
    steps.push({ line: start + 1, command, output: output.length === 0 ? "" : `${output.join("\n")}\n` });
  }
  return steps;
}

/** The checker the instrumented programs import: deep equality that ignores prototypes of plain data. */
export const CHECKER = `
import { inspect } from "node:util";
let done = 0;
const same = (a, b, loose) => {
  if (typeof b === "string" && loose && b.includes("…")) {
    if (typeof a !== "string") return false;
    const pattern = b.split("…").map((s) => s.replace(/[.*+?^\${}()|[\\]\\\\]/g, "\\\\$&")).join("[\\\\s\\\\S]*");
    return new RegExp("^" + pattern + "$").test(a);
  }
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime());
  if (a instanceof RegExp || b instanceof RegExp) return a instanceof RegExp && b instanceof RegExp && String(a) === String(b);
  if (a instanceof Map || a instanceof Set) return same([...a], b instanceof Map || b instanceof Set ? [...b] : b, loose);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => same(x, b[i], loose));
  const ka = Object.keys(a), kb = Object.keys(b);
  if (!loose && ka.length !== kb.length) return false;
  return kb.every((k) => Object.prototype.hasOwnProperty.call(a, k) && same(a[k], b[k], loose));
};
export function __check(line, mode, actual, expected) {
  done++;
  if (!same(actual, expected, mode === "=~")) {
    process.exitCode = 1;
    console.error("line " + line + ": " + inspect(actual, { depth: null, breakLength: 120 }) + "\\n  stated " + mode + " " + inspect(expected, { depth: null, breakLength: 120 }));
  }
}
process.on("beforeExit", () => { if (done >= 0) { console.log("__checks:" + done); done = -1; } });
`;
