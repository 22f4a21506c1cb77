/**
 * One YAML document of a file, parsed with positions: its plain value for schema checks, and a
 * path -> range lookup so every finding can point at the exact key or value at fault.
 *
 * Positions here are local to the document's chunk (line 0 = the chunk's first line); the engine
 * shifts them into file coordinates, which is what makes per-document caching possible.
 */
import { parseDocument } from 'yaml';
import type { Finding, Range, YamlPath } from '../types';
import { fastParse } from './fast-parse';
import { LineIndex } from './positions';
import { recognise, type KindInfo, type Recognition } from './kinds';
import { fromYaml, type YMap, type YNode, type YPair } from './tree';

/**
 * Limits that keep hostile input bounded (alias bombs, deep nesting, documents too large to hold:
 * see entryCount and docs/architecture.md for the memory they cost).
 */
export const LIMITS = { maxAliasCount: 100, maxDepth: 200, maxEntries: 10_000 } as const;

export interface ParsedDocument {
  readonly text: string;
  readonly lines: LineIndex;
  /** The positional tree; undefined when the document could not be parsed. */
  readonly root: YNode | null | undefined;
  /** The plain JavaScript value; undefined when the document could not be parsed. */
  readonly value: unknown;
  readonly recognition: Recognition;
  /** Set when the document is ours: what it is and which schema validates it. */
  readonly info?: KindInfo;
  /** Parse problems (yaml-syntax and limits), already as findings. */
  readonly problems: Finding[];
}

export interface ManifestDocument extends ParsedDocument {
  readonly info: KindInfo;
  readonly value: Record<string, unknown>;
  readonly root: YNode;
}

export function parseChunk(text: string): ParsedDocument {
  const lines = new LineIndex(text);
  const depth = nestingDepth(text);
  if (depth > LIMITS.maxDepth) {
    const recognition = recogniseByText(text);
    return {
      text, lines, root: undefined, value: undefined, recognition, info: recognition.ours ? recognition.info : undefined,
      problems: [{
        code: 'yaml-syntax', severity: 'error',
        message: `Document is nested ${depth} levels deep, more than the ${LIMITS.maxDepth} this validator accepts; it was not validated.`,
        range: firstLineRange(lines, text),
      }],
    };
  }
  // The fast path reads the plain YAML of most manifests; anything else goes to the general parser.
  const fast = fastParse(text);
  if (fast) {
    const recognition = recognise(fast.value);
    return { text, lines, root: fast.root, value: fast.value, recognition, info: recognition.ours ? recognition.info : undefined, problems: [] };
  }
  const ast = parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true, keepSourceTokens: false });
  const problems: Finding[] = [];
  for (const e of ast.errors) {
    problems.push({
      code: 'yaml-syntax',
      severity: 'error',
      message: `YAML syntax: ${firstLine(e.message)}`,
      fromParser: true,
      range: nonEmpty(lines, text, e.pos[0], e.pos[1]),
    });
  }
  let value: unknown;
  let root: YNode | null | undefined;
  if (ast.errors.length === 0) {
    try {
      value = ast.toJS({ maxAliasCount: LIMITS.maxAliasCount });
      root = fromYaml(ast.contents);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      problems.push({
        code: 'yaml-syntax',
        severity: 'error',
        message: /alias/i.test(msg)
          ? `YAML aliases expand to too many nodes (more than ${LIMITS.maxAliasCount} alias uses): the document looks like an alias bomb and was not validated.`
          : `YAML could not be read: ${firstLine(msg)}`,
        range: firstLineRange(lines, text),
      });
      value = undefined;
    }
  }
  const recognition = value === undefined ? recogniseByText(text) : recognise(value);
  return { text, lines, root, value, recognition, info: recognition.ours ? recognition.info : undefined, problems };
}

/** For a document that does not parse, still tell whether it is ours (so its syntax errors show). */
export function recogniseByText(text: string): Recognition {
  const api = /^apiVersion:\s*["']?([^\s"'#]+)/m.exec(text)?.[1];
  const kind = /^kind:\s*["']?([^\s"'#]+)/m.exec(text)?.[1];
  if (!api || !kind) return { ours: false };
  const cls = /^\s+class:\s*["']?([^\s"'#]+)/m.exec(text)?.[1];
  return recognise({ apiVersion: api, kind, spec: { topology: { class: cls ?? '' } } });
}

export function isManifest(doc: ParsedDocument): doc is ManifestDocument {
  return doc.recognition.ours && !!doc.root && !!doc.value && typeof doc.value === 'object' && !Array.isArray(doc.value);
}

// ---- path lookup -------------------------------------------------------------------------------

export interface Located {
  readonly node: YNode | null;
  readonly pair?: YPair;
}

/** The node (and, for map entries, the pair) at a path; undefined when the path is absent. */
export function locate(doc: Pick<ParsedDocument, 'root'>, path: YamlPath): Located | undefined {
  let node: YNode | null | undefined = doc.root;
  let pair: YPair | undefined;
  for (const part of path) {
    if (!node) return undefined;
    if (typeof part === 'number') {
      if (node.kind !== 'seq' || part >= node.items.length) return undefined;
      node = node.items[part];
      pair = undefined;
    } else {
      if (node.kind !== 'map') return undefined;
      const found = pairOf(node, part);
      if (!found) return undefined;
      pair = found;
      node = found.value;
    }
  }
  return node === undefined ? undefined : { node, pair };
}

/** Pairs looked at or indexed by path lookups: what tests bound (work, not time). */
export const lookupWork = { steps: 0 };

/** Maps with this many pairs or more are looked up through an index, built once per map. */
const INDEXED_FROM = 16;
const pairIndexes = new WeakMap<YMap, Map<unknown, YPair>>();

/** The first pair of a map with this key: a scan of a small map, else an index (a finding per key of a 300,000-key map stays linear). */
function pairOf(map: YMap, key: string): YPair | undefined {
  if (map.pairs.length < INDEXED_FROM) {
    for (const p of map.pairs) {
      lookupWork.steps++;
      if (p.key.value === key) return p;
    }
    return undefined;
  }
  let index = pairIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.pairs) {
      lookupWork.steps++;
      if (!index.has(p.key.value)) index.set(p.key.value, p);
    }
    pairIndexes.set(map, index);
  }
  lookupWork.steps++;
  return index.get(key);
}

/**
 * The range to underline for a path. `key` prefers the map key; `value` prefers a scalar value and
 * falls back to the key for collections and empty values (a squiggle over a whole block helps nobody).
 */
export function rangeOf(doc: ParsedDocument, path: YamlPath, prefer: 'key' | 'value' = 'value'): Range | undefined {
  const loc = locate(doc, path);
  if (!loc) return undefined;
  const keyRange = loc.pair ? doc.lines.range(loc.pair.key.range[0], loc.pair.key.range[1]) : undefined;
  const node = loc.node;
  let valueRange: Range | undefined;
  if (node && node.range[1] > node.range[0]) {
    if (node.kind === 'scalar') valueRange = doc.lines.range(node.range[0], node.range[1]);
    else if (!keyRange) valueRange = doc.lines.range(node.range[0], firstLineEnd(doc.text, node.range[0], node.range[1]));
  }
  if (prefer === 'key') return keyRange ?? valueRange;
  return valueRange ?? keyRange;
}

/** The range of the nearest existing ancestor of a path (used for "missing field" findings). */
export function rangeOfNearest(doc: ParsedDocument, path: YamlPath): Range {
  for (let n = path.length; n > 0; n--) {
    const r = rangeOf(doc, path.slice(0, n), 'key');
    if (r) return r;
  }
  return rangeOf(doc, ['kind'], 'key') ?? firstLineRange(doc.lines, doc.text);
}

export function getAt(value: unknown, path: YamlPath): unknown {
  let cur: unknown = value;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[part];
  }
  return cur;
}

// ---- helpers ------------------------------------------------------------------------------------

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

function firstLineEnd(text: string, start: number, end: number): number {
  const nl = text.indexOf('\n', start);
  return nl === -1 || nl > end ? end : nl;
}

function nonEmpty(lines: LineIndex, text: string, start: number, end: number): Range {
  const s = Math.min(start, text.length);
  let e = Math.min(Math.max(end, s), text.length);
  if (e === s) {
    // Underline at least the rest of the line (or the previous character at the end of the text).
    e = firstLineEnd(text, s, text.length);
    if (e === s && s > 0) return lines.range(s - 1, s);
  }
  return lines.range(s, e);
}

function firstLineRange(lines: LineIndex, text: string): Range {
  return lines.range(0, firstLineEnd(text, 0, text.length));
}

/**
 * The deepest nesting in the text, estimated without parsing: block indentation (two spaces a
 * level), compact collections that open on one line (`- - - a`, `? ? a`: each indicator a
 * level), and flow brackets outside quotes. Cheap, linear, and never recursive.
 */
export function nestingDepth(text: string): number {
  // char codes throughout, and no closure or string per character: it runs over every text read,
  // most often cold (as interpreted code) in a fresh process
  let maxDepth = 0;
  let flow = 0;
  /** The open quote's char code, 0 outside quotes. */
  let quote = 0;
  let lineStart = true;
  let indent = 0;
  /** The depth of the current line before its flow brackets: its indentation and compact indicators. */
  let base = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) === 10) {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (text.charCodeAt(i) === 32) { indent++; continue; }
      lineStart = false;
      base = indent >> 1;
      // past the block indicators that open a line (`- `, `? `, `: `, repeated): a level each
      while (quote === 0 && flow === 0) {
        const k = text.charCodeAt(i);
        if (!(k === 45 || k === 63 || k === 58) || !isBlank(text.charCodeAt(i + 1))) break;
        base++;
        i++;
        while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
      }
      if (base > maxDepth) maxDepth = base;
      if (i >= n) break;
      if (text.charCodeAt(i) === 10) { i--; continue; }
    }
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === 92 && quote === 34) { i++; continue; }
      if (c === quote) quote = 0;
      continue;
    }
    if (c === 34 || c === 39) {
      // A quote opens a string only at the start of a scalar in flow or after ': '.
      const prev = i > 0 ? text.charCodeAt(i - 1) : 32;
      if (prev === 32 || prev === 91 || prev === 123 || prev === 44 || prev === 58) quote = c;
      continue;
    }
    if (c === 35 /* # */ && (i === 0 || text.charCodeAt(i - 1) === 32)) {
      const nl = text.indexOf('\n', i);
      i = (nl === -1 ? n : nl) - 1;
      continue;
    }
    if (c === 91 || c === 123) {
      flow++;
      if (flow + base > maxDepth) maxDepth = flow + base;
    } else if ((c === 93 || c === 125) && flow > 0) flow--;
  }
  return maxDepth;
}

/** A space, a tab, a line end, or the end of the text. */
function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || Number.isNaN(c);
}

/**
 * Whether a document holds more than LIMITS.maxEntries entries, so it is not parsed at all (and
 * not nested deeper than the nesting guard's limit: that guard's own finding says so). Parsing
 * holds about 2 to 5 KB per entry at its peak (the general parser's tokens and nodes, the plain
 * value, the positional tree, the schema's errors and the rules' findings), so this is what keeps
 * a 2 MB file of any shape under 200 MB. A text no longer than the limit cannot hold more entries
 * than characters, and is not counted.
 */
export function tooManyEntries(text: string): boolean {
  if (text.length <= LIMITS.maxEntries) return false;
  return entryCount(text, LIMITS.maxEntries) > LIMITS.maxEntries && nestingDepth(text) <= LIMITS.maxDepth;
}

/**
 * The entries of a document (block sequence items, map keys, flow collections and their items),
 * counted from the text without parsing, up to `stopAfter` + 1: what parsing it would hold in
 * memory, roughly. Quotes, comments and block scalars' content are not counted. Linear, no
 * allocation; it stops as soon as the count is over `stopAfter`.
 */
export function entryCount(text: string, stopAfter = Number.POSITIVE_INFINITY): number {
  let entries = 0;
  let flow = 0;
  let quote = 0;
  let lineStart = true;
  let indent = 0;
  /** The indentation of a block scalar's header line while in its content; -1 outside one. */
  let blockIndent = -1;
  /** Whether a `- ` here would be a sequence item (the line's start, or after another indicator). */
  let atItem = false;
  for (let i = 0; i < text.length && entries <= stopAfter; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (c === 32 || c === 13) { indent++; continue; }
      lineStart = false;
      if (blockIndent >= 0 && indent > blockIndent && !quote) {
        const nl = text.indexOf('\n', i);
        i = (nl === -1 ? text.length : nl) - 1;
        continue;
      }
      blockIndent = -1;
      atItem = !quote && flow === 0;
    }
    if (quote) {
      if (c === 92 && quote === 34) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    const prev = i > 0 ? text.charCodeAt(i - 1) : 32;
    const prevBlank = prev === 32 || prev === 10 || prev === 9;
    const item: boolean = atItem;
    atItem = false;
    if (c === 32 || c === 9) { atItem = item; continue; }
    if ((c === 34 || c === 39) && (prevBlank || prev === 91 || prev === 123 || prev === 44 || prev === 58)) {
      quote = c;
    } else if (c === 35 && prevBlank) {
      const nl = text.indexOf('\n', i);
      i = (nl === -1 ? text.length : nl) - 1;
    } else if ((c === 45 || c === 63) && item && isBlank(text.charCodeAt(i + 1))) {
      entries++;
      atItem = true;
    } else if (c === 58 && (isBlank(text.charCodeAt(i + 1)) || (flow > 0 && isFlowEnd(text.charCodeAt(i + 1))))) {
      entries++;
      atItem = flow === 0;
    } else if (c === 91 || c === 123) {
      flow++;
      entries++;
    } else if ((c === 93 || c === 125) && flow > 0) {
      flow--;
    } else if (c === 44 && flow > 0) {
      entries++;
    } else if ((c === 124 || c === 62) && flow === 0 && prevBlank && isBlockHeader(text, i + 1)) {
      blockIndent = indent;
    }
  }
  return entries;
}

function isFlowEnd(c: number): boolean {
  return c === 44 || c === 93 || c === 125;
}

/** After `|` or `>`: only chomping and indentation indicators, then a comment or the line's end. */
function isBlockHeader(text: string, i: number): boolean {
  while (i < text.length && (text.charCodeAt(i) === 45 || text.charCodeAt(i) === 43 || (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57))) i++;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return i >= text.length || text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13 || text.charCodeAt(i) === 35;
}
