/**
 * The designer's two YAML editors: minimal text splices at the yaml library's node ranges (so
 * everything not edited stays byte for byte), and the yaml Document API (setIn/deleteIn), which
 * yaml.ts falls back to when a splice result does not read back as the design. Both offer the same
 * few operations (set, remove, append, remove an item, reorder) by path.
 *
 * Pure: no vscode, no Node built-ins; bundled into the designer webview too.
 */
import { Document, isMap, isScalar, isSeq, parseDocument, Scalar, type Node as YamlNode, type Pair, type ToStringOptions, type YAMLMap, type YAMLSeq } from 'yaml';
import { isRecord } from '../json';

export type Path = (string | number)[];
export type Rec = Record<string, unknown>;

export const PARSE_OPTIONS = { prettyErrors: false } as const;
export const MAX_ALIASES = 100;

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

export function getPath(value: unknown, path: Path): unknown {
  let cur = value;
  for (const seg of path) {
    if (typeof seg === 'number') cur = Array.isArray(cur) ? cur[seg] : undefined;
    else cur = isRecord(cur) ? cur[seg] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

export function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

export interface Format {
  readonly indent: number;
  readonly indentSeq: boolean;
}

export const FRESH_FORMAT: Format = { indent: 2, indentSeq: true };
/** Lists written in flow style with quoted items, as the samples do: `cidrBlocks: ["10.96.0.0/12"]`. */
const FLOW_KEYS = new Set(['cidrBlocks', 'noProxy']);

export function stringOptions(fmt: Format): ToStringOptions {
  return { indent: fmt.indent, indentSeq: fmt.indentSeq, flowCollectionPadding: false, lineWidth: 0, minContentWidth: 0 };
}

/** A yaml node for a plain value, in the designer's style (flow CIDR and noProxy lists). */
export function makeNode(doc: Document, value: unknown, key: string | number | undefined): YamlNode {
  const node = doc.createNode(value) as YamlNode;
  style(node, key);
  return node;
}

function style(node: unknown, key: string | number | undefined): void {
  if (isSeq(node)) {
    if (typeof key === 'string' && FLOW_KEYS.has(key)) {
      node.flow = true;
      for (const item of node.items) if (isScalar(item) && typeof item.value === 'string') item.type = 'QUOTE_DOUBLE';
    } else {
      for (const item of node.items) style(item, undefined);
    }
  } else if (isMap(node)) {
    for (const pair of node.items) style(pair.value, isScalar(pair.key) ? String(pair.key.value) : undefined);
  }
}

/** The operations the writer needs; two implementations: text splices, and the Document API. */
export interface Editor {
  get(path: Path): unknown;
  has(path: Path): boolean;
  /** Sets (creating missing maps on the way) unless the value is already equal. */
  set(path: Path, value: unknown): void;
  /** Deletes a map key; maps left empty are deleted too, up to a path of length `keep`. */
  remove(path: Path, keep?: number): void;
  append(listPath: Path, value: unknown): void;
  removeItem(listPath: Path, index: number): void;
  /** New item i is old item order[i]. */
  reorder(listPath: Path, order: number[]): void;
  text(): string;
}

/** `text` with the line ends of `like` (CRLF files stay CRLF). */
export function withLineEnds(text: string, like: string): string {
  return like.includes('\r\n') ? text.replace(/\r?\n/g, '\r\n') : text;
}

/** The indentation step and sequence style of a text, so inserted YAML looks like its neighbours. */
export function inferFormat(text: string): Format {
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  let indent = 0;
  for (const l of lines) {
    const n = l.length - l.trimStart().length;
    if (n > 0 && (indent === 0 || n < indent)) indent = n;
  }
  let indentSeq = true;
  for (let i = 0; i + 1 < lines.length; i++) {
    const key = /^(\s*)(- )?[^\s#-][^#]*:\s*(#.*)?$/.exec(lines[i]);
    const dash = /^(\s*)- /.exec(lines[i + 1]);
    if (!key || !dash) continue;
    const keyCol = key[1].length + (key[2] ? 2 : 0);
    indentSeq = dash[1].length > keyCol;
    break;
  }
  return { indent: indent >= 1 && indent <= 8 ? indent : 2, indentSeq };
}

// --- The Document API editor (the fallback) --------------------------------------------------

export class DocEditor implements Editor {
  private readonly doc: Document.Parsed;
  constructor(text: string, private readonly fmt: Format) {
    this.doc = parseDocument(text, PARSE_OPTIONS);
  }

  get(path: Path): unknown {
    return getPath(this.doc.toJS({ maxAliasCount: MAX_ALIASES }), path);
  }

  has(path: Path): boolean {
    return nodeAt(this.doc.contents, path).found;
  }

  set(path: Path, value: unknown): void {
    if (deepEqual(this.get(path), value)) return;
    const loc = nodeAt(this.doc.contents, path);
    if (loc.found && isScalar(loc.node) && isScalarValue(value)) {
      loc.node.value = value;
      return;
    }
    if (!loc.found && loc.depth > 0 && !isCollection(loc.node)) {
      // A scalar (or null) where a map must be: replace it with the nested value.
      const nested = nest(path.slice(loc.depth), value);
      this.doc.setIn(path.slice(0, loc.depth), makeNode(this.doc, nested, path[loc.depth - 1]));
      return;
    }
    this.doc.setIn(path, makeNode(this.doc, value, path[path.length - 1]));
  }

  remove(path: Path, keep = 1): void {
    if (!this.has(path)) return;
    this.doc.deleteIn(path);
    const parent = path.slice(0, -1);
    const node = this.doc.getIn(parent, true);
    if (parent.length > keep && typeof parent[parent.length - 1] === 'string' && isMap(node) && node.items.length === 0) this.remove(parent, keep);
  }

  append(listPath: Path, value: unknown): void {
    const seq = this.doc.getIn(listPath, true);
    if (isSeq(seq)) {
      if (seq.items.length === 0 && !FLOW_KEYS.has(String(listPath[listPath.length - 1]))) seq.flow = false;
      seq.items.push(makeNode(this.doc, value, undefined));
    } else {
      this.set(listPath, [value]);
    }
  }

  removeItem(listPath: Path, index: number): void {
    const seq = this.doc.getIn(listPath, true);
    if (isSeq(seq)) seq.items.splice(index, 1);
  }

  reorder(listPath: Path, order: number[]): void {
    const seq = this.doc.getIn(listPath, true);
    if (isSeq(seq)) {
      const items = [...seq.items];
      seq.items = order.map((i) => items[i]);
    }
  }

  text(): string {
    return this.doc.toString(stringOptions(this.fmt));
  }
}

function isScalarValue(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function nest(path: Path, value: unknown): unknown {
  let out = value;
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i];
    if (typeof seg === 'number') throw new Error('cannot create a list item by path');
    out = { [seg]: out };
  }
  return out;
}

export function keyOf(node: unknown): string | undefined {
  return isScalar(node) ? String(node.value) : undefined;
}

interface NodeLookup {
  /** True when the whole path exists. */
  readonly found: boolean;
  /** The node at the path, or (not found) the deepest existing node on it. */
  readonly node: unknown;
  /** How many segments of the path exist. */
  readonly depth: number;
  /** The collection holding `node` and, in a map, the pair. */
  readonly parent?: YAMLMap | YAMLSeq;
  readonly pair?: Pair;
}

function nodeAt(root: unknown, path: Path): NodeLookup {
  let node: unknown = root;
  let parent: YAMLMap | YAMLSeq | undefined;
  let pair: Pair | undefined;
  for (let d = 0; d < path.length; d++) {
    const seg = path[d];
    if (isMap(node) && typeof seg === 'string') {
      const p = node.items.find((it) => keyOf(it.key) === seg);
      if (!p) return { found: false, node, depth: d, parent, pair };
      parent = node;
      pair = p;
      node = p.value;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      parent = node;
      pair = undefined;
      node = node.items[seg];
    } else {
      return { found: false, node, depth: d, parent, pair };
    }
  }
  return { found: true, node, depth: path.length, parent, pair };
}

// --- The text editor: minimal splices at node ranges ----------------------------------------

export function rangeOf(node: unknown): [number, number] | undefined {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? [r[0], r[1]] : undefined;
}

function isCollection(node: unknown): node is YAMLMap | YAMLSeq {
  return isMap(node) || isSeq(node);
}

export class TextEditor implements Editor {
  private src: string;
  private parsed: Document.Parsed | undefined;
  private js: unknown;

  constructor(text: string, private readonly fmt: Format) {
    this.src = text;
  }

  text(): string {
    return this.src;
  }

  private doc(): Document.Parsed {
    if (!this.parsed) {
      this.parsed = parseDocument(this.src, PARSE_OPTIONS);
      if (this.parsed.errors.length > 0) throw new Error(`edit broke the YAML: ${this.parsed.errors[0].message}`);
      this.js = this.parsed.toJS({ maxAliasCount: MAX_ALIASES });
    }
    return this.parsed;
  }

  private edit(start: number, end: number, insert: string): void {
    // Keep the text's final-newline state when an edit reaches the end, and its line ends.
    if (end === this.src.length && !this.src.endsWith('\n') && insert.endsWith('\n')) insert = insert.slice(0, -1);
    this.src = splice(this.src, start, end, withLineEnds(insert, this.src));
    this.parsed = undefined;
  }

  get(path: Path): unknown {
    this.doc();
    return getPath(this.js, path);
  }

  has(path: Path): boolean {
    return nodeAt(this.doc().contents, path).found;
  }

  private column(offset: number): number {
    return offset - this.lineStart(offset);
  }

  private lineStart(offset: number): number {
    return this.src.lastIndexOf('\n', offset - 1) + 1;
  }

  private onlySpacesBefore(offset: number): boolean {
    return this.src.slice(this.lineStart(offset), offset).trim() === '';
  }

  /** The end (after its newline) of the line holding the last character before `pos`. */
  private lineEndAfter(pos: number): number {
    let p = pos;
    while (p > 0 && /\s/.test(this.src[p - 1])) p--;
    const nl = this.src.indexOf('\n', p);
    return nl === -1 ? this.src.length : nl + 1;
  }

  private pairEnd(pair: Pair): number {
    const k = rangeOf(pair.key);
    const v = rangeOf(pair.value);
    return Math.max(k ? k[1] : 0, v ? v[1] : 0);
  }

  /** Lines after the first indented by `col` (the first line goes where the caller puts it). */
  private indentRest(rendered: string, col: number): string {
    const lines = rendered.replace(/\n$/, '').split('\n');
    return lines.map((l, i) => (i === 0 || l === '' ? l : ' '.repeat(col) + l)).join('\n') + '\n';
  }

  private render(value: unknown, key: string | number | undefined, flow: boolean | undefined): string {
    const doc = new Document();
    const node = makeNode(doc, value, key);
    if (flow !== undefined && isCollection(node)) node.flow = flow || node.items.length === 0;
    doc.contents = node as typeof doc.contents;
    return doc.toString(stringOptions(this.fmt));
  }

  private renderPair(key: string, value: unknown, flow: boolean | undefined): string {
    const doc = new Document();
    const valueNode = makeNode(doc, value, key);
    if (flow !== undefined && isCollection(valueNode)) valueNode.flow = flow || valueNode.items.length === 0;
    const map = doc.createNode({}) as YAMLMap;
    map.add(doc.createPair(key, valueNode));
    doc.contents = map as typeof doc.contents;
    return doc.toString(stringOptions(this.fmt));
  }

  private renderScalar(value: string | number | boolean, type: Scalar['type']): string {
    const s = new Scalar(value);
    if (typeof value === 'string' && (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE')) s.type = type;
    const doc = new Document();
    doc.contents = s as typeof doc.contents;
    return doc.toString(stringOptions(this.fmt)).replace(/\n$/, '');
  }

  set(path: Path, value: unknown): void {
    if (this.has(path) && deepEqual(this.get(path), value)) return;
    const loc = nodeAt(this.doc().contents, path);
    if (loc.found) {
      this.replace(path, loc, value, undefined);
      return;
    }
    const at = path.slice(0, loc.depth);
    const rest = path.slice(loc.depth);
    if (isMap(loc.node) && typeof rest[0] === 'string') {
      this.insertPair(at, loc.node, rest[0], nest(rest.slice(1), value));
    } else if (loc.depth > 0) {
      this.set(at, nest(rest, value));
    } else {
      throw new Error('the document is not a map');
    }
  }

  /** Replaces the value of an existing path. `flow`: the style of a new collection (undefined: the old node's). */
  private replace(path: Path, loc: NodeLookup, value: unknown, flow: boolean | undefined): void {
    const node = loc.node;
    const r = rangeOf(node);
    if (!r || path.length === 0) throw new Error('no range to replace');
    const key = path[path.length - 1];
    const inline = r[1] > r[0] && (isCollection(node) ? node.flow === true : !isBlockScalar(node));
    if (isScalar(node) && isScalarValue(value) && inline) {
      // An empty string had to be quoted; a value typed into it need not be. Quotes a user chose
      // around a non-empty value stay.
      const text = this.renderScalar(value, node.value === '' ? 'PLAIN' : node.type);
      if (!text.includes('\n')) {
        this.edit(r[0], r[1], text);
        return;
      }
    }
    if (loc.parent && (loc.parent as { flow?: boolean }).flow) {
      const parentPath = path.slice(0, -1);
      const parentValue = this.get(parentPath);
      const updated = Array.isArray(parentValue) ? [...parentValue] : { ...(parentValue as Rec) };
      (updated as Record<string | number, unknown>)[key] = value;
      this.replace(parentPath, nodeAt(this.doc().contents, parentPath), updated, true);
      return;
    }
    // An empty `[]`/`{}` gets the designer's style once it has items; others keep theirs.
    const style = flow ?? (isCollection(node) && node.items.length > 0 ? node.flow === true : undefined);
    if (inline) {
      const text = this.render(value, key, style).replace(/\n$/, '');
      if (!text.includes('\n')) {
        this.edit(r[0], r[1], text);
        return;
      }
    }
    if (loc.pair && isMap(loc.parent)) {
      const kr = rangeOf(loc.pair.key);
      if (!kr) throw new Error('key without range');
      const text = this.indentRest(this.renderPair(String(key), value, style), this.column(kr[0]));
      this.edit(kr[0], this.lineEndAfter(this.pairEnd(loc.pair)), text);
      return;
    }
    if (isSeq(loc.parent)) {
      const text = this.indentRest(this.render(value, undefined, style), this.column(r[0]));
      this.edit(r[0], this.lineEndAfter(r[1]), text);
      return;
    }
    throw new Error('cannot replace this node');
  }

  private insertPair(mapPath: Path, map: YAMLMap, key: string, value: unknown): void {
    if (map.flow || map.items.length === 0) {
      const cur = this.get(mapPath);
      const updated = { ...(isRecord(cur) ? cur : {}), [key]: value };
      if (mapPath.length === 0) throw new Error('flow document');
      this.replace(mapPath, nodeAt(this.doc().contents, mapPath), updated, map.flow ? true : undefined);
      return;
    }
    const first = rangeOf(map.items[0].key);
    if (!first) throw new Error('key without range');
    const col = this.column(first[0]);
    const at = this.lineEndAfter(this.pairEnd(map.items[map.items.length - 1]));
    let text = ' '.repeat(col) + this.indentRest(this.renderPair(key, value, undefined), col);
    if (at === this.src.length && !this.src.endsWith('\n')) text = '\n' + text;
    this.edit(at, at, text);
  }

  remove(path: Path, keep = 1): void {
    const loc = nodeAt(this.doc().contents, path);
    if (!loc.found || !loc.pair || !isMap(loc.parent)) return;
    const parentPath = path.slice(0, -1);
    const key = path[path.length - 1] as string;
    const map = loc.parent;
    if (map.items.length === 1) {
      if (parentPath.length > keep && typeof parentPath[parentPath.length - 1] === 'string') this.remove(parentPath, keep);
      else if (parentPath.length > 0) this.replace(parentPath, nodeAt(this.doc().contents, parentPath), {}, true);
      return;
    }
    if (map.flow) {
      const rest = { ...(this.get(parentPath) as Rec) };
      delete rest[key];
      this.replace(parentPath, nodeAt(this.doc().contents, parentPath), rest, true);
      return;
    }
    const kr = rangeOf(loc.pair.key);
    if (!kr) throw new Error('key without range');
    const end = this.lineEndAfter(this.pairEnd(loc.pair));
    if (this.onlySpacesBefore(kr[0])) {
      this.edit(this.lineStart(kr[0]), end, '');
      return;
    }
    // The first key of a list item (`- name: x`): the next key takes its place after the dash.
    const next = map.items[map.items.indexOf(loc.pair) + 1];
    const nr = next ? rangeOf(next.key) : undefined;
    if (!nr) throw new Error('cannot remove this key');
    this.edit(kr[0], nr[0], '');
  }

  /** Each item's text span of a block list: from its line (after the previous item) to its line end. */
  private itemSpans(seq: YAMLSeq): { start: number; end: number }[] {
    const spans: { start: number; end: number }[] = [];
    seq.items.forEach((item, i) => {
      const r = rangeOf(item);
      if (!r) throw new Error('item without range');
      let dash = r[0];
      while (dash > 0 && /\s/.test(this.src[dash - 1])) dash--;
      if (this.src[dash - 1] === '-') dash--;
      else dash = r[0];
      const start = i === 0 ? this.firstItemStart(dash) : spans[i - 1].end;
      spans.push({ start, end: this.lineEndAfter(r[1]) });
    });
    return spans;
  }

  /** Where the first item's span starts: its line, or the comment lines just above it (its comments). */
  private firstItemStart(dash: number): number {
    if (!this.onlySpacesBefore(dash)) return dash;
    let start = this.lineStart(dash);
    while (start > 0) {
      const prev = this.lineStart(start - 1);
      if (!this.src.slice(prev, start).trim().startsWith('#')) break;
      start = prev;
    }
    return start;
  }

  private dashColumn(item: unknown): number {
    const r = rangeOf(item);
    if (!r) throw new Error('item without range');
    let dash = r[0];
    while (dash > 0 && /\s/.test(this.src[dash - 1])) dash--;
    return this.column(this.src[dash - 1] === '-' ? dash - 1 : r[0]);
  }

  private blockSeq(listPath: Path): YAMLSeq | undefined {
    const loc = nodeAt(this.doc().contents, listPath);
    return loc.found && isSeq(loc.node) && !loc.node.flow && loc.node.items.length > 0 ? loc.node : undefined;
  }

  append(listPath: Path, value: unknown): void {
    const seq = this.blockSeq(listPath);
    if (!seq) {
      const cur = this.get(listPath);
      this.set(listPath, [...(Array.isArray(cur) ? cur : []), value]);
      return;
    }
    const spans = this.itemSpans(seq);
    const at = spans[spans.length - 1].end;
    const col = this.dashColumn(seq.items[seq.items.length - 1]);
    let text = ' '.repeat(col) + this.indentRest(this.render([value], undefined, false), col);
    if (at === this.src.length && !this.src.endsWith('\n')) text = '\n' + text;
    this.edit(at, at, text);
  }

  removeItem(listPath: Path, index: number): void {
    const loc = nodeAt(this.doc().contents, listPath);
    if (!loc.found || !isSeq(loc.node) || index >= loc.node.items.length) return;
    const cur = this.get(listPath) as unknown[];
    if (loc.node.flow || loc.node.items.length === 1) {
      this.set(listPath, cur.filter((_, i) => i !== index));
      return;
    }
    const span = this.itemSpans(loc.node)[index];
    this.edit(span.start, span.end, '');
  }

  reorder(listPath: Path, order: number[]): void {
    const seq = this.blockSeq(listPath);
    const spans = seq ? this.itemSpans(seq) : [];
    if (!seq || spans.length !== order.length || !this.onlySpacesBefore(spans[0].start)) {
      const cur = this.get(listPath) as unknown[];
      this.set(listPath, order.map((i) => cur[i]));
      return;
    }
    const pieces = spans.map((s) => this.src.slice(s.start, s.end));
    const last = pieces.length - 1;
    const finalNewline = pieces[last].endsWith('\n');
    if (!finalNewline) pieces[last] += '\n';
    let text = order.map((i) => pieces[i]).join('');
    if (!finalNewline) text = text.slice(0, -1);
    this.edit(spans[0].start, spans[last].end, text);
  }
}

function isBlockScalar(node: unknown): boolean {
  return isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED');
}
