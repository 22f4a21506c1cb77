/**
 * The validation engine: text in, findings out, for the editor and the command line alike.
 *
 * Each document (chunk between `---` lines) is parsed and validated on its own, with positions
 * local to the chunk; results are cached by the chunk's text and shifted to the chunk's line in
 * the file. After an edit, only the documents whose text changed are parsed and validated again.
 */
import { isManifest, LIMITS, parseChunk, recogniseByText, tooManyEntries, type ManifestDocument, type ParsedDocument } from './manifest/document';
import { mightBeOurs } from './manifest/kinds';
import { shiftRange } from './manifest/positions';
import { splitDocuments, type Chunk } from './manifest/split';
import type { SupervisorFacts } from './live/facts';
import { LIVE_RULES } from './live/rules';
import { OFFLINE_RULES } from './rules';
import type { Rule } from './findings/rule';
import { templatePlaceholder } from './rules/template-placeholder';
import { schemaFindings } from './schema/validate';
import type { Finding, Fix, Range, Severity } from './types';

export interface EngineOptions {
  /** The offline rules to run (default: all). */
  readonly rules?: readonly Rule[];
  /** Facts of the connected Supervisor: with them, the live rules run too. */
  readonly facts?: SupervisorFacts;
}

/** At most this many findings are kept per document; a last one says how many more there were. */
export const MAX_FINDINGS = 1000;

/**
 * The code of a finding that says a check could not run (the parser, the schema, a rule): an
 * error, so the command line exits 2 and the editor shows it, rather than a silent pass.
 */
export const CHECK_FAILED = 'check-failed';

/** Findings of one document, in chunk-local coordinates; never throws. */
export function validateChunk(text: string, options: EngineOptions = {}): Finding[] {
  if (!mightBeOurs(text)) return [];
  const tooLarge = tooLargeToCheck(text);
  if (tooLarge !== undefined) return tooLarge;
  let parsed: ParsedDocument;
  try {
    parsed = parseChunk(text);
  } catch (err) {
    const nl = text.indexOf('\n');
    return [checkFailed('YAML', err, { start: { line: 0, character: 0 }, end: { line: 0, character: nl === -1 ? text.length : nl } })];
  }
  const rules = options.facts ? [...(options.rules ?? OFFLINE_RULES), ...LIVE_RULES] : options.rules ?? OFFLINE_RULES;
  const { findings, more, moreSeverity } = findingsOf(parsed, rules, options.facts);
  return capped(findings.sort(byPosition), more, moreSeverity);
}

/** A document of ours too large to parse (tooManyEntries): one check-failed finding (an exit 2, never a pass). */
function tooLargeToCheck(text: string): Finding[] | undefined {
  if (!tooManyEntries(text)) return undefined;
  if (!recogniseByText(text).ours) return [];
  const nl = text.indexOf('\n');
  const limit = LIMITS.maxEntries.toLocaleString('en-US');
  return [{
    code: CHECK_FAILED,
    severity: 'error',
    message: `This document is too large to check: it holds more than ${limit} entries (map keys and list items), the most this validator reads in one document. It was not checked.`,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: nl === -1 ? text.length : nl } },
  }];
}

function byPosition(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

/** The first MAX_FINDINGS findings (sorted), and one more that counts the rest. */
function capped(sorted: Finding[], more: number, moreSeverity: Severity): Finding[] {
  if (sorted.length <= MAX_FINDINGS && more === 0) return sorted;
  const dropped = sorted.length > MAX_FINDINGS ? sorted.slice(MAX_FINDINGS) : [];
  const kept = dropped.length > 0 ? sorted.slice(0, MAX_FINDINGS) : sorted;
  const total = more + dropped.length;
  // the last one has the worst severity of those it counts
  const worst = [...(more > 0 ? [moreSeverity] : []), ...new Set(dropped.map((f) => f.severity))];
  const severity: Severity = worst.includes('error') ? 'error' : worst.includes('warning') ? 'warning' : 'info';
  const at = dropped[0]?.range ?? kept[kept.length - 1]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  kept.push({
    code: 'more-findings',
    severity,
    message: `…and ${total.toLocaleString('en-US')} more finding${total === 1 ? '' : 's'} in this document, not shown (at most ${MAX_FINDINGS.toLocaleString('en-US')} are kept per document).`,
    range: at,
  });
  return kept;
}

function findingsOf(parsed: ParsedDocument, rules: readonly Rule[], facts: SupervisorFacts | undefined): Counted {
  const rec = parsed.recognition;
  if (!rec.ours) {
    if (rec.unknownVersion && parsed.root) {
      const u = rec.unknownVersion;
      return { findings: [{
        code: 'schema',
        severity: 'warning',
        message: `${u.group}/${u.version} is not a version of ${u.kind} this extension knows (${u.known.join(', ')}): the document was not validated.`,
        range: apiVersionRange(parsed),
      }], more: 0, moreSeverity: 'info' };
    }
    return { findings: [], more: 0, moreSeverity: 'info' };
  }
  if (!isManifest(parsed)) return { findings: parsed.problems, more: 0, moreSeverity: 'info' };
  const out: Finding[] = [...parsed.problems];
  const placeholder = templatePlaceholder(parsed);
  if (placeholder) out.push(placeholder);
  const counted = runChecks(parsed, rules, !!placeholder, facts, out);
  return { findings: out, ...counted };
}

interface Counted {
  readonly findings: Finding[];
  /** Findings past the limit, counted but not made, and their worst severity. */
  readonly more: number;
  readonly moreSeverity: Severity;
}

/** Appends the schema's and the rules' findings to `out`; gives how many schema findings were only counted. */
function runChecks(doc: ManifestDocument, rules: readonly Rule[], isTemplate: boolean, facts: SupervisorFacts | undefined, out: Finding[]): Omit<Counted, 'findings'> {
  let counted: Omit<Counted, 'findings'> = { more: 0, moreSeverity: 'info' };
  try {
    const schema = schemaFindings(doc, MAX_FINDINGS);
    append(out, schema.findings);
    counted = { more: schema.more, moreSeverity: schema.moreSeverity };
  } catch (err) {
    out.push(checkFailed('schema', err, doc.lines.range(0, 0)));
  }
  const ctx = { isTemplate, facts };
  for (const rule of rules) {
    try {
      append(out, rule.check(doc, ctx));
    } catch (err) {
      out.push(checkFailed(rule.id, err, doc.lines.range(0, 0)));
    }
  }
  return counted;
}

/** out.push(...items) without spreading: a spread of 150,000 items overflows the stack. */
function append<T>(out: T[], items: readonly T[]): void {
  for (const item of items) out.push(item);
}

function checkFailed(id: string, err: unknown, range: Range): Finding {
  const msg = err instanceof Error ? err.message : String(err);
  return { code: CHECK_FAILED, severity: 'error', message: `The ${id} check could not run on this document, so it was not checked: ${msg}`, range };
}

function apiVersionRange(doc: ParsedDocument) {
  const m = /apiVersion\s*:\s*(\S+)/.exec(doc.text);
  return m ? doc.lines.range(m.index + m[0].length - m[1].length, m.index + m[0].length) : doc.lines.range(0, 0);
}

/** Moves a chunk's findings to the chunk's place in the file. */
export function shiftFinding(f: Finding, lines: number): Finding {
  if (lines === 0) return f;
  const fixes = f.fixes?.map((fix): Fix => ({ ...fix, edits: fix.edits.map((e) => ({ ...e, range: shiftRange(e.range, lines) })) }));
  return { ...f, range: shiftRange(f.range, lines), ...(fixes ? { fixes } : {}) };
}

const BINARY_SNIFF = 8192;

/** A whole-file problem that stops validation (a binary file), or undefined. */
export function fileProblem(text: string): Finding | undefined {
  if (text.slice(0, BINARY_SNIFF).includes('\u0000')) {
    return {
      code: 'yaml-syntax',
      severity: 'error',
      message: 'This is a binary file (it holds NUL bytes), not YAML: it was not validated.',
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    };
  }
  return undefined;
}

/** Validates a whole text at once (tests; the editor's one-off checks). */
export function validateText(text: string, options: EngineOptions = {}): Finding[] {
  const out: Finding[] = [];
  for (const found of findingsByDocument(text, options)) append(out, found);
  return out;
}

/**
 * The findings of a text one document at a time, in file coordinates (together, what
 * validateText gives): the command line writes each document's out and lets them go, so a file
 * of 10,000 documents never holds all its findings and each document's parse is garbage before
 * the next one starts.
 */
export function* findingsByDocument(text: string, options: EngineOptions = {}): Generator<Finding[], void, undefined> {
  const problem = fileProblem(text);
  if (problem) {
    yield [problem];
    return;
  }
  for (const chunk of splitDocuments(text)) {
    const found = validateChunk(chunk.text, options);
    for (let i = 0; i < found.length; i++) found[i] = shiftFinding(found[i], chunk.startLine);
    yield found;
  }
}

export interface Cancellation {
  readonly isCancellationRequested: boolean;
}

export interface IncrementalStats {
  documents: number;
  validated: number;
}

/**
 * Keeps the last findings of each document of one file, keyed by the document's text.
 * Invariant: the cache holds only the documents of the latest version, so memory stays bounded.
 */
export class IncrementalValidator {
  private cache = new Map<string, Finding[]>();
  private options: EngineOptions;
  lastStats: IncrementalStats = { documents: 0, validated: 0 };

  constructor(options: EngineOptions = {}) {
    this.options = options;
  }

  /** New facts (or none: offline). Cached findings are dropped when the facts changed. */
  setFacts(facts: SupervisorFacts | undefined): void {
    const before = this.options.facts;
    if (before === facts) return;
    this.options = { ...this.options, facts };
    this.factsKey = facts ? `${facts.context}#${facts.defaultNamespace}#${facts.generation}` : '';
  }

  private factsKey = '';
  private cacheFactsKey = '';

  validate(text: string): Finding[] {
    const pass = this.pass(text);
    if (Array.isArray(pass)) return pass;
    for (const chunk of pass.chunks) pass.add(chunk);
    return pass.end();
  }

  /**
   * The same, for the editor: gives the event loop a turn every `sliceMs` and stops (undefined)
   * when cancelled, so a 10 MB file never freezes the extension host.
   */
  async validateAsync(text: string, token: Cancellation, sliceMs = 10): Promise<Finding[] | undefined> {
    const pass = this.pass(text);
    if (Array.isArray(pass)) return pass;
    let sliceStart = Date.now();
    for (const chunk of pass.chunks) {
      if (Date.now() - sliceStart > sliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (token.isCancellationRequested) return undefined;
        sliceStart = Date.now();
      }
      pass.add(chunk);
    }
    if (token.isCancellationRequested) return undefined;
    return pass.end();
  }

  /** One validation of a text: the file's problem, or its chunks, each added (cached or validated), then the findings. */
  private pass(text: string): Finding[] | { chunks: readonly Chunk[]; add(chunk: Chunk): void; end(): Finding[] } {
    const problem = fileProblem(text);
    if (problem) return [problem];
    const chunks = splitDocuments(text);
    const next = new Map<string, Finding[]>();
    const out: Finding[] = [];
    let validated = 0;
    return {
      chunks,
      add: (chunk) => {
        for (const f of this.lookup(chunk, next, () => validated++)) out.push(shiftFinding(f, chunk.startLine));
      },
      end: () => {
        this.cache = next;
        this.lastStats = { documents: chunks.length, validated };
        return out;
      },
    };
  }

  private lookup(chunk: Chunk, next: Map<string, Finding[]>, onValidate: () => void): Finding[] {
    if (this.cacheFactsKey !== this.factsKey) {
      this.cache.clear();
      this.cacheFactsKey = this.factsKey;
    }
    let local = next.get(chunk.text) ?? this.cache.get(chunk.text);
    if (!local) {
      local = validateChunk(chunk.text, this.options);
      onValidate();
    }
    next.set(chunk.text, local);
    return local;
  }
}
