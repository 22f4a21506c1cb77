/** Output formats of `tanzu-gitops validate`: text for people, JSON for scripts, SARIF for code scanning. */
import { RULE_CATALOG } from '../core/rules';
import type { Finding } from '../core/types';

export interface FileFindings {
  readonly file: string;
  readonly findings: readonly Finding[];
  /** The kustomization folder whose rendered output the findings are on (they stand at its sources). */
  readonly renderedBy?: string;
}

export interface FlatFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
  renderedBy?: string;
}

/** 1-based lines and columns, as editors and CI annotations expect. */
export function flatten(results: readonly FileFindings[]): FlatFinding[] {
  const out: FlatFinding[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      out.push({
        file: r.file,
        line: f.range.start.line + 1,
        column: f.range.start.character + 1,
        endLine: f.range.end.line + 1,
        endColumn: f.range.end.character + 1,
        severity: f.severity,
        code: f.code,
        message: f.message,
        ...(r.renderedBy !== undefined ? { renderedBy: r.renderedBy } : {}),
      });
    }
  }
  return out;
}

export function formatText(results: readonly FileFindings[]): string {
  return flatten(results).map(textLine).join('\n');
}

function textLine(f: FlatFinding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code} ${f.message}${renderedNote(f)}`;
}

function renderedNote(f: FlatFinding): string {
  return f.renderedBy !== undefined ? ` (rendered by ${f.renderedBy})` : '';
}

export function formatJson(results: readonly FileFindings[]): string {
  return JSON.stringify(flatten(results), null, 2);
}

/**
 * Why a run failed as a whole, for `{"error": {"code", "message"}}`: usage (the command line
 * itself), unreadable (a path), git, connection (the Supervisor: TLS, 401, refused, timeout), or
 * failed (anything else that stopped the run).
 */
export type FailureCode = 'usage' | 'unreadable' | 'git' | 'connection' | 'failed';

/** Writes to stderr; with a code, the line is the reason the whole run failed. */
export type ErrWriter = (s: string, code?: FailureCode) => void;

/** The JSON body of a run that failed as a whole, so a script always has something to parse. */
export function errorJson(code: FailureCode, message: string): string {
  return JSON.stringify({ error: { code, message } }, null, 2);
}

/**
 * Whether a command line asks for JSON (`--format json`, `--format=json`, `-o json`; the last
 * one counts), read before the command parses it, so that a usage error still answers in JSON.
 */
export function asksJson(argv: readonly string[]): boolean {
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--format' || a === '-o') json = argv[++i] === 'json';
    else if (a.startsWith('--format=')) json = a.slice('--format='.length) === 'json';
  }
  return json;
}

const SARIF_LEVEL: Record<string, string> = { error: 'error', warning: 'warning', info: 'note' };

export function formatSarif(results: readonly FileFindings[], version: string): string {
  return JSON.stringify(sarifLog(flatten(results).map(sarifResult), version), null, 2);
}

function sarifLog(results: unknown[], version: string) {
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{
      tool: {
        driver: {
          name: 'tanzu-gitops',
          version,
          rules: RULE_CATALOG.map((r) => ({ id: r.id, name: r.id, shortDescription: { text: r.description } })),
        },
      },
      results,
    }],
  };
}

const RULE_INDEX = new Map(RULE_CATALOG.map((r, i) => [r.id, i]));

function sarifResult(f: FlatFinding) {
  return {
    ruleId: f.code,
    ruleIndex: RULE_INDEX.get(f.code),
    level: SARIF_LEVEL[f.severity] ?? 'note',
    message: { text: `${f.message}${renderedNote(f)}` },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: f.file.split('\\').join('/') },
        region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
      },
    }],
  };
}

/**
 * Findings written out as they come, in the format asked for: exactly what formatText,
 * formatJson or formatSarif give for all of them (and a line end), without holding them all, so
 * that a file of 60,000 findings is never a 60,000-line string nor 60,000 findings in memory.
 */
export interface FindingsWriter {
  add(result: FileFindings): void;
  end(): void;
}

export function findingsWriter(format: 'text' | 'json' | 'sarif', write: (s: string) => void, version: string): FindingsWriter {
  if (format === 'text') {
    return {
      add: (r) => {
        const flat = flatten([r]);
        if (flat.length > 0) write(`${flat.map(textLine).join('\n')}\n`);
      },
      end: () => undefined,
    };
  }
  const items = format === 'json' ? jsonArrayWriter([ITEMS], write) : jsonArrayWriter(sarifLog([ITEMS], version), write);
  const toItem = format === 'json' ? (f: FlatFinding) => f : sarifResult;
  return { add: (r) => { for (const f of flatten([r])) items.add(toItem(f)); }, end: () => items.end() };
}

/** Stands for the array's items in the skeleton given to jsonArrayWriter. */
const ITEMS = '\u0000items';

/**
 * Writes `JSON.stringify(skeleton, null, 2)` with the array that holds ITEMS filled with items
 * given one by one: the text before the array, each item indented as the array's place asks,
 * the text after.
 */
function jsonArrayWriter(skeleton: unknown, write: (s: string) => void): { add(item: unknown): void; end(): void } {
  const whole = JSON.stringify(skeleton, null, 2);
  const marker = whole.indexOf(JSON.stringify(ITEMS));
  const lineStart = whole.lastIndexOf('\n', marker);
  const indent = whole.slice(lineStart + 1, marker);
  const head = whole.slice(0, lineStart);
  const tail = whole.slice(marker + JSON.stringify(ITEMS).length);
  let count = 0;
  return {
    add: (item) => {
      write(`${count === 0 ? head : ','}\n${indent}${JSON.stringify(item, null, 2).split('\n').join(`\n${indent}`)}`);
      count++;
    },
    // no item: the empty array as JSON.stringify writes it, `[]`
    end: () => write(`${count === 0 ? `${head}]${tail.slice(tail.indexOf(']') + 1)}` : tail}\n`),
  };
}
