/**
 * A fast parser for the plain YAML that Kubernetes manifests are made of: block maps and
 * sequences, single-line plain and quoted scalars, literal block scalars, and single-line flow
 * sequences of scalars.
 *
 * Why: the general YAML parser is most of the cost of validating a large file. This one handles
 * the common shape in one pass over the lines, literal block scalars (`|`, `|-`) included, and
 * declines (returns undefined) at the first thing outside that shape — anchors, aliases, tags,
 * folded and kept block scalars, other multi-line scalars, flow maps, escapes, tabs, duplicate
 * keys, anything malformed — so the general parser takes those, with its exact semantics and
 * error messages.
 *
 * Invariant: whatever it accepts, it reads exactly as the `yaml` library does (same values, same
 * ranges); a differential test holds it to that.
 */
import type { YMap, YNode, YPair, YScalar, YSeq } from './tree';

export interface FastResult {
  readonly root: YNode;
  readonly value: unknown;
}

class Decline extends Error {}
const DECLINE = new Decline();

interface Line {
  /** Offset of the line's first character. */
  readonly start: number;
  /** Offset just past the line's last character (before \r\n). */
  readonly end: number;
  /** Column of the first non-space character; -1 for a blank or comment-only line. */
  readonly indent: number;
}

/**
 * Deeper than this, the parser declines instead of recursing further (a block is a call): the
 * caller's nesting guard (parseChunk) refuses such documents before either parser sees them, and
 * this keeps any other caller off the stack's limit.
 */
export const FAST_MAX_DEPTH = 200;

const INDICATOR = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

export function fastParse(text: string): FastResult | undefined {
  try {
    return new FastParser(text).parse();
  } catch (err) {
    if (err === DECLINE) return undefined;
    throw err;
  }
}

class FastParser {
  private readonly lines: Line[] = [];
  private i = 0;
  /** When set, the current line's content starts at this column (a compact map after "- "). */
  private startCol = -1;
  /** Blocks open, for FAST_MAX_DEPTH. */
  private depth = 0;

  constructor(private readonly text: string) {
    // Tabs are separators in some places and content in others: the general parser decides.
    if (text.includes('\t')) throw DECLINE;
    let start = 0;
    while (start <= text.length) {
      const nl = text.indexOf('\n', start);
      let end = nl === -1 ? text.length : nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      let c = start;
      while (c < end && text.charCodeAt(c) === 32) c++;
      const blank = c === end || text.charCodeAt(c) === 35;
      this.lines.push({ start, end, indent: blank ? -1 : c - start });
      if (nl === -1) break;
      start = nl + 1;
    }
  }

  parse(): FastResult {
    this.skipBlank();
    // An optional document start marker, alone on its line.
    const first = this.lines[this.i];
    if (first && first.indent === 0 && this.text.startsWith('---', first.start)) {
      const after = this.text.charCodeAt(first.start + 3);
      if (!(first.start + 3 === first.end || after === 32) || this.rest(first.start + 3).length > 0) throw DECLINE;
      this.i++;
      this.skipBlank();
    }
    const line = this.lines[this.i];
    if (!line) throw DECLINE;
    const node = this.block(line.indent);
    this.skipBlank();
    if (this.i < this.lines.length) throw DECLINE;
    if (node.kind !== 'map') throw DECLINE;
    return { root: node.node, value: node.value };
  }

  private skipBlank(): void {
    while (this.i < this.lines.length && this.lines[this.i].indent === -1) this.i++;
  }

  /** The text from `from` to the end of the current line, without a trailing comment or spaces. */
  private rest(from: number): string {
    const line = this.lines[this.i];
    let s = this.text.slice(from, line.end);
    const hash = s.search(/(^|\s)#/);
    if (hash !== -1) s = s.slice(0, hash);
    return s.trimEnd();
  }

  private col(line: Line): number {
    return this.startCol >= 0 ? this.startCol : line.indent;
  }

  private block(indent: number): { kind: 'map' | 'seq'; node: YNode; value: unknown } {
    if (this.depth >= FAST_MAX_DEPTH) throw DECLINE;
    this.depth++;
    try {
      const line = this.lines[this.i];
      const at = line.start + this.col(line);
      if (this.isDash(at)) {
        const r = this.seq(indent);
        return { kind: 'seq', ...r };
      }
      const r = this.map(indent);
      return { kind: 'map', ...r };
    } finally {
      this.depth--;
    }
  }

  private isDash(at: number): boolean {
    const next = this.text.charCodeAt(at + 1);
    return this.text.charCodeAt(at) === 45 && (Number.isNaN(next) || next === 32 || next === 10 || next === 13);
  }

  /**
   * The next entry of a block at `indent` (a `- ` item when `dash`, else a key), or undefined where
   * the block ends: a line less indented, or one of the other kind at the same indent. The parse
   * declines a line more indented, and an entry of the other kind on a compact map's first line.
   */
  private entry(indent: number, dash: boolean): { line: Line; at: number } | undefined {
    this.skipBlank();
    const line = this.lines[this.i];
    if (!line) return undefined;
    const c = this.col(line);
    if (c < indent) return undefined;
    if (c > indent) throw DECLINE;
    const at = line.start + c;
    if (this.isDash(at) !== dash) {
      if (this.startCol >= 0) throw DECLINE;
      return undefined;
    }
    this.startCol = -1;
    return { line, at };
  }

  private map(indent: number): { node: YMap; value: Record<string, unknown> } {
    const pairs: YPair[] = [];
    const value: Record<string, unknown> = {};
    let first = -1;
    let last = -1;
    // a sequence at this indent belongs to an outer map
    for (let entry = this.entry(indent, false); entry; entry = this.entry(indent, false)) {
      const { line, at } = entry;
      const key = this.key(at, line.end);
      if (Object.prototype.hasOwnProperty.call(value, key.text) || key.text === '__proto__') throw DECLINE;
      if (first === -1) first = key.scalar.range[0];
      const afterColon = key.colon + 1;
      const inline = this.rest(afterColon);
      let child: YNode | null = null;
      let childValue: unknown = null;
      if (inline.trim() === '') {
        this.i++;
        this.skipBlank();
        const next = this.lines[this.i];
        if (next && (next.indent > indent || (next.indent === indent && this.isDash(next.start + next.indent)))) {
          const b = this.block(next.indent);
          if (next.indent === indent && b.kind !== 'seq') throw DECLINE;
          child = b.node;
          childValue = b.value;
        }
        last = child ? child.range[1] : key.colon + 1;
      } else {
        const offset = afterColon + (inline.length - inline.trimStart().length);
        const v = this.value(offset, afterColon + inline.length, indent);
        child = v.node;
        childValue = v.value;
        last = child.range[1];
      }
      pairs.push({ key: key.scalar, value: child });
      value[key.text] = childValue;
    }
    if (pairs.length === 0) throw DECLINE;
    return { node: { kind: 'map', pairs, flow: false, range: [first, last] }, value };
  }

  private seq(indent: number): { node: YSeq; value: unknown[] } {
    const items: (YNode | null)[] = [];
    const value: unknown[] = [];
    let first = -1;
    let last = -1;
    // a key at this indent is the next key of the map that holds this sequence
    for (let entry = this.entry(indent, true); entry; entry = this.entry(indent, true)) {
      const { line, at } = entry;
      if (first === -1) first = at;
      let p = at + 1;
      while (p < line.end && this.text.charCodeAt(p) === 32) p++;
      const inline = this.rest(p);
      if (inline === '') {
        this.i++;
        this.skipBlank();
        const next = this.lines[this.i];
        if (next && next.indent > indent) {
          const b = this.block(next.indent);
          items.push(b.node);
          value.push(b.value);
          last = b.node.range[1];
        } else {
          items.push(null);
          value.push(null);
          last = at + 1;
        }
        continue;
      }
      if (this.isDash(p)) throw DECLINE; // "- - a": nested compact sequences
      const keyEnd = this.findMapColon(p, p + inline.length);
      if (keyEnd !== -1) {
        // A compact map: its first entry is on this line, at column p - line.start.
        this.startCol = p - line.start;
        const m = this.map(p - line.start);
        items.push(m.node);
        value.push(m.value);
        last = m.node.range[1];
        continue;
      }
      const v = this.value(p, p + inline.length, indent);
      items.push(v.node);
      value.push(v.value);
      last = v.node.range[1];
    }
    return { node: { kind: 'seq', items, flow: false, range: [first, last] }, value };
  }

  /** The offset of a map entry's ':' in [from, to), or -1 when the text is not a map entry. */
  private findMapColon(from: number, to: number): number {
    const ch = this.text[from];
    if (ch === '"' || ch === "'") {
      const close = this.text.indexOf(ch, from + 1);
      if (close === -1 || close >= to) return -1;
      return this.text[close + 1] === ':' && (close + 2 >= to || this.text[close + 2] === ' ') ? close + 1 : -1;
    }
    for (let p = from; p < to; p++) {
      if (this.text.charCodeAt(p) === 58 && (p + 1 >= to || this.text.charCodeAt(p + 1) === 32)) return p;
    }
    return -1;
  }

  private key(at: number, lineEnd: number): { text: string; scalar: YScalar; colon: number } {
    const colon = this.findMapColon(at, lineEnd);
    if (colon === -1) throw DECLINE;
    const ch = this.text[at];
    if (ch === '"' || ch === "'") {
      const inner = this.text.slice(at + 1, colon - 1);
      if (inner.includes('\\') || inner.includes(ch)) throw DECLINE;
      return { text: inner, scalar: { kind: 'scalar', value: inner, range: [at, colon] }, colon };
    }
    const raw = this.text.slice(at, colon);
    const trimmed = raw.trimEnd();
    if (trimmed === '' || INDICATOR.has(trimmed[0]) || /\s#|[[\]{},]/.test(trimmed)) throw DECLINE;
    if (typeof resolvePlain(trimmed) !== 'string') throw DECLINE;
    return { text: trimmed, scalar: { kind: 'scalar', value: trimmed, range: [at, at + trimmed.length] }, colon };
  }

  /**
   * The value of an entry of a block at `indent` that starts on the current line at [from, to)
   * (without comment or trailing spaces): a literal block scalar, or a value on that line alone.
   * Moves past its last line.
   */
  private value(from: number, to: number, indent: number): { node: YNode; value: unknown } {
    if (this.text.charCodeAt(from) === 124) return this.literal(from, to, indent);
    const v = this.inline(from, to);
    this.i++;
    return v;
  }

  /**
   * A literal block scalar (`|` or `|-`), common in ConfigMaps: its lines below the header, at the
   * indentation of the first of them, which must be deeper than `indent`. Declines the forms whose
   * edges take more rules: keep (`|+`), an indentation indicator, folding (`>`), a scalar with no
   * text, whitespace-only lines deeper than the text, a carriage return, a last line without a
   * line break. Its range runs from the `|` to the line break of its last non-empty line, as the
   * yaml library's.
   */
  private literal(from: number, to: number, indent: number): { node: YScalar; value: string } {
    const header = this.text.slice(from, to);
    if (header !== '|' && header !== '|-') throw DECLINE;
    if (this.text.charCodeAt(this.lines[this.i].end) === 13) throw DECLINE;
    const text: string[] = [];
    let blockIndent = -1;
    let lastText = -1;
    let j = this.i + 1;
    for (; j < this.lines.length; j++) {
      const line = this.lines[j];
      if (this.text.charCodeAt(line.end) === 13) throw DECLINE;
      let c = line.start;
      while (c < line.end && this.text.charCodeAt(c) === 32) c++;
      const spaces = c - line.start;
      if (c === line.end) {
        // a whitespace-only line: empty, unless deeper than the text (then it is text, or an error before it)
        if (blockIndent === -1 ? spaces > indent : spaces > blockIndent) throw DECLINE;
        text.push('');
        continue;
      }
      if (blockIndent === -1) {
        if (spaces <= indent) break;
        blockIndent = spaces;
      } else if (spaces < blockIndent) break;
      text.push(this.text.slice(line.start + blockIndent, line.end));
      lastText = j;
    }
    if (lastText === -1) throw DECLINE;
    const end = this.lines[lastText].end;
    if (this.text.charCodeAt(end) !== 10) throw DECLINE;
    const kept = text.slice(0, text.length - (j - 1 - lastText)).join('\n');
    const value = header === '|' ? `${kept}\n` : kept;
    this.i = lastText + 1;
    return { node: { kind: 'scalar', value, range: [from, end + 1] }, value };
  }

  /** A value on one line: [from, to) holds it without comment or trailing spaces. */
  private inline(from: number, to: number): { node: YNode; value: unknown } {
    const ch = this.text[from];
    if (ch === '[') return this.flowSeq(from, to);
    if (ch === '{') {
      if (this.text.slice(from, to).replace(/\s+/g, '') !== '{}') throw DECLINE;
      return { node: { kind: 'map', pairs: [], flow: true, range: [from, to] }, value: {} };
    }
    const s = this.scalar(from, to);
    if (s.end !== to) throw DECLINE;
    return { node: s.node, value: s.node.value };
  }

  private scalar(from: number, to: number, inFlow = false): { node: YScalar; end: number } {
    const ch = this.text[from];
    if (ch === '"') {
      const close = this.text.indexOf('"', from + 1);
      if (close === -1 || close >= to) throw DECLINE;
      const inner = this.text.slice(from + 1, close);
      if (inner.includes('\\')) throw DECLINE;
      return { node: { kind: 'scalar', value: inner, range: [from, close + 1] }, end: close + 1 };
    }
    if (ch === "'") {
      let p = from + 1;
      let out = '';
      for (;;) {
        const q = this.text.indexOf("'", p);
        if (q === -1 || q >= to) throw DECLINE;
        out += this.text.slice(p, q);
        if (this.text[q + 1] === "'") { out += "'"; p = q + 2; continue; }
        return { node: { kind: 'scalar', value: out, range: [from, q + 1] }, end: q + 1 };
      }
    }
    if (INDICATOR.has(ch) && !(ch === '-' && this.text[from + 1] !== ' ' && from + 1 < to)) throw DECLINE;
    let end = to;
    if (inFlow) {
      const m = /[,\]]/.exec(this.text.slice(from, to));
      end = m ? from + m.index : to;
      while (end > from && this.text.charCodeAt(end - 1) === 32) end--;
    }
    const raw = this.text.slice(from, end);
    if (/: |:$|\s#/.test(raw) || (inFlow && /[[\]{}:"']/.test(raw))) throw DECLINE;
    return { node: { kind: 'scalar', value: resolvePlain(raw), range: [from, end] }, end };
  }

  private flowSeq(from: number, to: number): { node: YSeq; value: unknown[] } {
    if (this.text[to - 1] !== ']') throw DECLINE;
    const items: YScalar[] = [];
    let p = from + 1;
    const skip = () => { while (p < to && this.text.charCodeAt(p) === 32) p++; };
    skip();
    if (this.text[p] === ']') {
      if (p + 1 !== to) throw DECLINE;
      return { node: { kind: 'seq', items, flow: true, range: [from, to] }, value: [] };
    }
    for (;;) {
      skip();
      if (this.text[p] === ',' || this.text[p] === ']') throw DECLINE;
      const s = this.scalar(p, to - 1, true);
      items.push(s.node);
      p = s.end;
      skip();
      if (this.text[p] === ',') { p++; skip(); if (this.text[p] === ']') throw DECLINE; continue; }
      if (this.text[p] === ']' && p + 1 === to) break;
      throw DECLINE;
    }
    return { node: { kind: 'seq', items, flow: true, range: [from, to] }, value: items.map((i) => i.value) };
  }
}

const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar's value under YAML 1.2's core schema, declining the forms this parser does not take. */
function resolvePlain(s: string): unknown {
  switch (s) {
    case '': case '~': case 'null': case 'Null': case 'NULL': return null;
    case 'true': case 'True': case 'TRUE': return true;
    case 'false': case 'False': case 'FALSE': return false;
  }
  if (INT.test(s)) {
    const n = Number(s);
    if (!Number.isSafeInteger(n)) throw DECLINE;
    return n;
  }
  if (FLOAT.test(s)) return Number(s);
  // Numbers in other notations (0x1F, 0o17, 1e3, .inf, .nan): leave them to the general parser.
  if (/^[-+]?(0[xo]|\.(inf|nan)$|[0-9.]+[eE])/i.test(s)) throw DECLINE;
  return s;
}
