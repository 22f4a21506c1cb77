/**
 * Where each value of a rendered Kustomize object was written: the kustomization tree read as
 * Kustomize reads it (resources, bases, components, patchesStrategicMerge, patchesJson6902,
 * `patches` with a file or an inline patch and a target, namespace, namePrefix and nameSuffix),
 * so a finding on the rendered output goes to the line a person edits.
 *
 * A rendered object is matched to the base document it came from by kind, group and any of the
 * names it carried on its way up (Kustomize matches patch targets the same way). A path of the
 * rendered object is then looked up in its patches, the last applied first, then in the base
 * document; a scalar is credited to a source only when the source holds the rendered value, so a
 * value some other transformer set (images, replicas, labels, replacements, generators) is not
 * pinned to a wrong line. What cannot be traced falls back to the overlay's kustomization, with
 * the rendered path named.
 */
import { join, resolve } from 'node:path';
import { parseChunk, type ParsedDocument } from '../core/manifest/document';
import { splitDocuments } from '../core/manifest/split';
import type { YMap, YNode, YPair } from '../core/manifest/tree';
import { formatPath, type Range, type YamlPath } from '../core/types';
import { isRemote } from './kustomize-options';
import { KUSTOMIZATION_NAMES } from './render';

/** How the tree is read: files by absolute path (undefined when absent or unreadable). */
export interface TreeReader {
  read(file: string): string | undefined;
  isDirectory(path: string): boolean;
}

/** A YAML document of a file; its local positions plus (line, character) are the file's. */
interface SourceDoc {
  readonly file: string;
  readonly doc: ParsedDocument;
  readonly line: number;
  readonly character: number;
  /** Set when positions inside cannot be told (a quoted inline patch): every place is this one. */
  readonly whole?: Range;
}

interface Patch {
  readonly type: 'merge' | 'json6902';
  readonly source: SourceDoc;
}

interface Setter {
  readonly file: string;
  readonly range: Range;
}

interface TreeResource {
  readonly base: SourceDoc;
  readonly kind: string;
  readonly group: string;
  /** The names it carried, the base's first, the rendered one last. */
  readonly names: string[];
  readonly namespaces: string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly patches: Patch[];
  nameSet?: Setter;
  namespaceSet?: Setter;
}

export interface KustomizeTree {
  /** The overlay's folder and its kustomization file (absolute). */
  readonly dir: string;
  readonly kustomization: string;
  /** Its first line: where what cannot be traced is reported. */
  readonly firstLine: Range;
  /** Every file the tree reads: kustomizations, resources, patches. */
  readonly files: readonly string[];
  readonly resources: readonly TreeResource[];
}

export interface SourceLocation {
  readonly file: string;
  readonly range: Range;
  readonly how: 'patch' | 'base' | 'transform' | 'kustomization';
  /** For the fallback: what could not be traced. */
  readonly untraced?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const MAX_DEPTH = 20;

/** The kustomization file of a folder, or undefined. */
export function kustomizationIn(dir: string, reader: TreeReader): { file: string; text: string } | undefined {
  for (const n of KUSTOMIZATION_NAMES) {
    const file = join(dir, n);
    const text = reader.read(file);
    if (text !== undefined) return { file, text };
  }
  return undefined;
}

/** The local folders a kustomization builds on (resources, bases, components that are folders). */
export function referencedFolders(dir: string, reader: TreeReader): string[] {
  const k = kustomizationIn(dir, reader);
  if (!k) return [];
  const doc = parseChunk(k.text);
  if (!isObj(doc.value)) return [];
  const out: string[] = [];
  for (const field of ['resources', 'bases', 'components']) {
    const list = doc.value[field];
    if (!Array.isArray(list)) continue;
    for (const e of list) {
      if (typeof e !== 'string' || isRemote(e)) continue;
      const abs = resolve(dir, e);
      if (reader.isDirectory(abs)) out.push(abs);
    }
  }
  return out;
}

/** Reads the kustomization tree of `dir`. */
export function readKustomizeTree(dir: string, reader: TreeReader): KustomizeTree {
  const files = new Set<string>();
  const top = kustomizationIn(dir, reader);
  const resources = top ? level(dir, reader, files, [], 0) : [];
  const first = top ? top.text.split('\n', 1)[0].replace(/\r$/, '').length : 0;
  return {
    dir, kustomization: top?.file ?? join(dir, KUSTOMIZATION_NAMES[0]), files: [...files], resources,
    firstLine: { start: { line: 0, character: 0 }, end: { line: 0, character: first } },
  };
}

/** The resources a kustomization folder yields, with its patches and transforms recorded on them. */
function level(dir: string, reader: TreeReader, files: Set<string>, stack: readonly string[], depth: number, inherited: TreeResource[] = []): TreeResource[] {
  if (depth > MAX_DEPTH || stack.includes(dir)) return inherited;
  const k = kustomizationIn(dir, reader);
  if (!k) return inherited;
  files.add(k.file);
  const kdoc = parseChunk(k.text);
  const kv = isObj(kdoc.value) ? kdoc.value : {};
  const ksrc: SourceDoc = { file: k.file, doc: kdoc, line: 0, character: 0 };
  const out = inherited;
  const inner = [...stack, dir];
  for (const field of ['resources', 'bases']) {
    for (const e of strings(kv[field])) {
      if (isRemote(e)) continue;
      const abs = resolve(dir, e);
      if (reader.isDirectory(abs)) out.push(...level(abs, reader, files, inner, depth + 1));
      else out.push(...resourcesOf(abs, reader, files));
    }
  }
  // a component works on what its parent has gathered so far
  for (const e of strings(kv.components)) {
    const abs = resolve(dir, e);
    if (!isRemote(e) && reader.isDirectory(abs)) level(abs, reader, files, inner, depth + 1, out);
  }
  // the order Kustomize applies them in: patchesStrategicMerge, patches, namespace, prefix and suffix, patchesJson6902
  applyStrategicMerge(dir, kv, ksrc, reader, files, out);
  applyPatches(dir, kv, ksrc, reader, files, out);
  applyTransforms(kv, ksrc, out);
  applyJson6902(dir, kv, ksrc, reader, files, out);
  return out;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((e): e is string => typeof e === 'string') : [];
}

function docsOf(file: string, text: string): SourceDoc[] {
  return splitDocuments(text).map((c) => ({ file, doc: parseChunk(c.text), line: c.startLine, character: 0 }));
}

function resourcesOf(file: string, reader: TreeReader, files: Set<string>): TreeResource[] {
  const text = reader.read(file);
  if (text === undefined) return [];
  files.add(file);
  const out: TreeResource[] = [];
  for (const base of docsOf(file, text)) {
    const v = base.doc.value;
    if (!isObj(v) || typeof v.kind !== 'string') continue;
    const meta = isObj(v.metadata) ? v.metadata : {};
    const labels = isObj(meta.labels) ? Object.fromEntries(Object.entries(meta.labels).map(([a, b]) => [a, String(b)])) : {};
    out.push({
      base, kind: v.kind, group: groupOf(v.apiVersion), names: [str(meta.name) ?? ''],
      namespaces: [str(meta.namespace) ?? ''], labels, patches: [],
    });
  }
  return out;
}

function groupOf(apiVersion: unknown): string {
  const a = str(apiVersion) ?? '';
  const slash = a.indexOf('/');
  return slash === -1 ? '' : a.slice(0, slash);
}

/** The pair of a key in the kustomization, for ranges. */
function pairAt(src: SourceDoc, path: YamlPath): YPair | undefined {
  let node: YNode | null | undefined = src.doc.root;
  let pair: YPair | undefined;
  for (const part of path) {
    if (!node) return undefined;
    if (typeof part === 'number') {
      if (node.kind !== 'seq') return undefined;
      node = node.items[part];
      pair = undefined;
    } else {
      if (node.kind !== 'map') return undefined;
      pair = node.pairs.find((p) => p.key.value === part);
      node = pair?.value;
    }
  }
  return pair;
}

function rangeIn(src: SourceDoc, start: number, end: number): Range {
  if (src.whole) return src.whole;
  const r = src.doc.lines.range(start, end);
  const shift = (p: Range['start']) => ({ line: p.line + src.line, character: p.character + src.character });
  return { start: shift(r.start), end: shift(r.end) };
}

/** A patch file's documents, or the inline patch at `path` of the kustomization (a block scalar keeps its lines). */
function patchSources(dir: string, entry: unknown, ksrc: SourceDoc, at: YamlPath, reader: TreeReader, files: Set<string>): SourceDoc[] {
  if (typeof entry === 'string' && !entry.includes('\n')) {
    const file = resolve(dir, entry);
    const text = reader.read(file);
    if (text === undefined) return [];
    files.add(file);
    return docsOf(file, text);
  }
  const text = typeof entry === 'string' ? entry : undefined;
  if (text === undefined) return [];
  const pair = pairAt(ksrc, at);
  const node = pair?.value;
  if (!pair || !node || node.kind !== 'scalar') return [];
  const ktext = ksrc.doc.text;
  const headerEnd = ktext.indexOf('\n', node.range[0]);
  // a literal block keeps its lines; a folded or quoted text does not: all of it is the key's place
  if (ktext[node.range[0]] !== '|' || headerEnd === -1) {
    const whole = rangeIn(ksrc, pair.key.range[0], pair.key.range[1]);
    return docsOf(ksrc.file, text).map((d) => ({ ...d, whole }));
  }
  const bodyStart = headerEnd + 1;
  const firstContent = /^( *)\S/m.exec(ktext.slice(bodyStart, node.range[1]));
  const indent = firstContent ? firstContent[1].length : 0;
  const line = ksrc.doc.lines.position(bodyStart).line;
  return docsOf(ksrc.file, text).map((d) => ({ ...d, line: d.line + line, character: indent }));
}

interface Target {
  readonly group?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly exact?: boolean;
}

function full(pattern: string, value: string, exact: boolean | undefined): boolean {
  if (exact) return pattern === value;
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return pattern === value;
  }
}

/** Equality selectors (`a=b`, `a==b`, `a!=b`, `a`, `!a`) on the base's labels. */
function selects(selector: string, labels: Readonly<Record<string, string>>): boolean {
  return selector.split(',').map((s) => s.trim()).filter(Boolean).every((s) => {
    const m = /^(!?)([^=!]+?)\s*(?:(==|=|!=)\s*(.*))?$/.exec(s);
    if (!m) return true;
    const [, not, key, op, value] = m;
    if (!op) return not ? !(key in labels) : key in labels;
    return op === '!=' ? labels[key] !== value : labels[key] === value;
  });
}

function matches(r: TreeResource, t: Target): boolean {
  if (t.kind !== undefined && !full(t.kind, r.kind, t.exact)) return false;
  if (t.group !== undefined && !full(t.group, r.group, t.exact)) return false;
  if (t.name !== undefined && !r.names.some((n) => full(t.name ?? '', n, t.exact))) return false;
  if (t.namespace !== undefined && t.namespace !== '' && !r.namespaces.some((n) => full(t.namespace ?? '', n, t.exact))) return false;
  if (t.labelSelector && !selects(t.labelSelector, r.labels)) return false;
  return true;
}

function targetOf(v: unknown): Target | undefined {
  if (!isObj(v)) return undefined;
  return { group: str(v.group), kind: str(v.kind), name: str(v.name), namespace: str(v.namespace), labelSelector: str(v.labelSelector) };
}

/** A strategic-merge patch targets the object it names. */
function ownTarget(src: SourceDoc): Target | undefined {
  const v = src.doc.value;
  if (!isObj(v) || typeof v.kind !== 'string') return undefined;
  const meta = isObj(v.metadata) ? v.metadata : {};
  return { group: groupOf(v.apiVersion), kind: v.kind, name: str(meta.name), namespace: str(meta.namespace), exact: true };
}

function attach(src: SourceDoc, target: Target | undefined, out: readonly TreeResource[]): void {
  const type = src.doc.root?.kind === 'seq' ? 'json6902' : 'merge';
  const t = target ?? (type === 'merge' ? ownTarget(src) : undefined);
  if (!t) return;
  for (const r of out) if (matches(r, t)) r.patches.push({ type, source: src });
}

function applyStrategicMerge(dir: string, kv: Obj, ksrc: SourceDoc, reader: TreeReader, files: Set<string>, out: TreeResource[]): void {
  const list = kv.patchesStrategicMerge;
  if (!Array.isArray(list)) return;
  list.forEach((e, i) => {
    for (const src of patchSources(dir, e, ksrc, ['patchesStrategicMerge', i], reader, files)) attach(src, undefined, out);
  });
}

function applyPatches(dir: string, kv: Obj, ksrc: SourceDoc, reader: TreeReader, files: Set<string>, out: TreeResource[]): void {
  const list = kv.patches;
  if (!Array.isArray(list)) return;
  list.forEach((p, i) => {
    if (!isObj(p)) return;
    const entry = typeof p.path === 'string' ? p.path : typeof p.patch === 'string' && p.patch.includes('\n') ? p.patch : typeof p.patch === 'string' ? `${p.patch}\n` : undefined;
    const at: YamlPath = ['patches', i, typeof p.path === 'string' ? 'path' : 'patch'];
    for (const src of patchSources(dir, entry, ksrc, at, reader, files)) attach(src, targetOf(p.target), out);
  });
}

function applyJson6902(dir: string, kv: Obj, ksrc: SourceDoc, reader: TreeReader, files: Set<string>, out: TreeResource[]): void {
  const list = kv.patchesJson6902;
  if (!Array.isArray(list)) return;
  list.forEach((p, i) => {
    if (!isObj(p)) return;
    const entry = typeof p.path === 'string' ? p.path : typeof p.patch === 'string' ? (p.patch.includes('\n') ? p.patch : `${p.patch}\n`) : undefined;
    const at: YamlPath = ['patchesJson6902', i, typeof p.path === 'string' ? 'path' : 'patch'];
    for (const src of patchSources(dir, entry, ksrc, at, reader, files)) {
      if (src.doc.root?.kind === 'seq') attach(src, targetOf(p.target), out);
    }
  });
}

function applyTransforms(kv: Obj, ksrc: SourceDoc, out: TreeResource[]): void {
  const setter = (key: string): Setter | undefined => {
    const pair = pairAt(ksrc, [key]);
    if (!pair) return undefined;
    const node = pair.value ?? pair.key;
    return { file: ksrc.file, range: rangeIn(ksrc, node.range[0], node.range[1]) };
  };
  const ns = str(kv.namespace);
  if (ns) {
    const set = setter('namespace');
    for (const r of out) {
      r.namespaces.push(ns);
      r.namespaceSet = set;
    }
  }
  const prefix = str(kv.namePrefix) ?? '';
  const suffix = str(kv.nameSuffix) ?? '';
  if (prefix || suffix) {
    const set = setter(prefix ? 'namePrefix' : 'nameSuffix');
    for (const r of out) {
      r.names.push(`${prefix}${r.names[r.names.length - 1]}${suffix}`);
      r.nameSet = set;
    }
  }
}

// ---- from a rendered place to its source ------------------------------------------------------

/** Keys by which Kustomize (kyaml) merges the items of a list of maps. */
const ASSOCIATIVE_KEYS = ['name', 'mountPath', 'devicePath', 'ip', 'type', 'topologyKey', 'containerPort'];

function scalarOf(map: YMap, key: string): unknown {
  const v = map.pairs.find((p) => p.key.value === key)?.value;
  return v?.kind === 'scalar' ? v.value : undefined;
}

/** The source's item that the rendered list item came from: by the associative key, else by index. */
function itemFor(source: YNode, rendered: YNode | null | undefined, index: number): YNode | null | undefined {
  if (source.kind !== 'seq') return undefined;
  if (rendered?.kind === 'map') {
    for (const key of ASSOCIATIVE_KEYS) {
      const want = scalarOf(rendered, key);
      if (want === undefined) continue;
      return source.items.find((i) => i?.kind === 'map' && scalarOf(i, key) === want);
    }
  }
  return source.items[index];
}

interface Found {
  readonly node: YNode | null;
  readonly pair?: YPair;
}

/**
 * Follows `path` from a source node and its rendered counterpart; undefined when the source lacks
 * it. With `whole`, a map or list counts only when the source accounts for all of it (every key
 * rendered, as many items): a patch that sets one field of a map is not where the map, or a field
 * missing from it, came from; a patch that replaced a list is.
 */
function follow(source: YNode | null | undefined, rendered: YNode | null | undefined, path: YamlPath, whole = false): Found | undefined {
  let s = source;
  let r = rendered;
  let pair: YPair | undefined;
  for (const part of path) {
    if (!s) return undefined;
    if (typeof part === 'number') {
      s = itemFor(s, r?.kind === 'seq' ? r.items[part] : undefined, part);
      r = r?.kind === 'seq' ? r.items[part] : undefined;
      pair = undefined;
    } else {
      if (s.kind !== 'map') return undefined;
      pair = s.pairs.find((p) => p.key.value === part);
      if (!pair) return undefined;
      s = pair.value;
      r = r?.kind === 'map' ? r.pairs.find((p) => p.key.value === part)?.value : undefined;
    }
  }
  if (s === undefined) return undefined;
  // a scalar is credited to the source only when the source holds the value rendered
  if (s?.kind === 'scalar' && r?.kind === 'scalar' && String(s.value) !== String(r.value)) return undefined;
  if (whole && r?.kind === 'map' && (s?.kind !== 'map' || !r.pairs.every((p) => s.pairs.some((q) => q.key.value === p.key.value)))) return undefined;
  if (whole && r?.kind === 'seq' && (s?.kind !== 'seq' || s.items.length !== r.items.length)) return undefined;
  return { node: s, pair };
}

function rangeOfFound(src: SourceDoc, found: Found, role: 'key' | 'value'): Range | undefined {
  const key = found.pair?.key;
  const node = found.node;
  if (role === 'key' && key) return rangeIn(src, key.range[0], key.range[1]);
  if (node?.kind === 'scalar' && node.range[1] > node.range[0]) return rangeIn(src, node.range[0], node.range[1]);
  if (key) return rangeIn(src, key.range[0], key.range[1]);
  if (node) return rangeIn(src, node.range[0], Math.min(node.range[1], lineEnd(src.doc.text, node.range[0])));
  return undefined;
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl === -1 ? text.length : nl;
}

/** The node and role (key or value) under an offset of the rendered document. */
export function pathAt(root: YNode | null | undefined, offset: number): { path: YamlPath; role: 'key' | 'value' } {
  const path: (string | number)[] = [];
  let node = root;
  const inside = (n: { range: readonly [number, number] }) => offset >= n.range[0] && offset < Math.max(n.range[1], n.range[0] + 1);
  for (let guard = 0; node && guard < 500; guard++) {
    let next: YNode | null | undefined;
    if (node.kind === 'map') {
      for (const p of node.pairs) {
        if (inside(p.key)) return { path: [...path, p.key.value as string], role: 'key' };
        if (p.value && inside(p.value)) {
          path.push(p.key.value as string);
          next = p.value;
          break;
        }
      }
    } else if (node.kind === 'seq') {
      const i = node.items.findIndex((it) => it !== null && inside(it));
      if (i >= 0) {
        path.push(i);
        next = node.items[i];
      }
    }
    if (!next) break;
    node = next;
  }
  return { path, role: 'value' };
}

/** Decodes a JSON pointer (`/spec/topology/nodePools/0/vmClass`). */
function pointer(p: string): string[] {
  return p.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function inJson6902(src: SourceDoc, renderedRoot: YNode, path: YamlPath, role: 'key' | 'value', whole: boolean): Range | undefined {
  const ops = src.doc.root;
  if (ops?.kind !== 'seq') return undefined;
  for (let i = ops.items.length - 1; i >= 0; i--) {
    const op = ops.items[i];
    if (op?.kind !== 'map' || !['add', 'replace'].includes(String(scalarOf(op, 'op')))) continue;
    const tokens = pointer(String(scalarOf(op, 'path') ?? ''));
    if (tokens.length === 0 || tokens.length > path.length) continue;
    let r: YNode | null | undefined = renderedRoot;
    let ok = true;
    for (let t = 0; t < tokens.length && ok; t++) {
      const part = path[t];
      const last = r?.kind === 'seq' ? r.items.length - 1 : -1;
      ok = String(part) === tokens[t] || (tokens[t] === '-' && part === last);
      r = typeof part === 'number' ? (r?.kind === 'seq' ? r.items[part] : undefined) : r?.kind === 'map' ? r.pairs.find((p) => p.key.value === part)?.value : undefined;
    }
    if (!ok) continue;
    const valuePair = op.pairs.find((p) => p.key.value === 'value');
    const rest = path.slice(tokens.length);
    if (rest.length === 0 && role === 'key') {
      const at = op.pairs.find((p) => p.key.value === 'path')?.value;
      if (at) return rangeIn(src, at.range[0], at.range[1]);
    }
    const found = follow(valuePair?.value, r, rest, whole);
    if (!found || !valuePair) continue;
    return rangeOfFound(src, rest.length === 0 ? { node: found.node, pair: valuePair } : found, role);
  }
  return undefined;
}

const IDENTITY = new Set(['apiVersion', 'kind', 'metadata.name', 'metadata.namespace']);

function renderedId(doc: ParsedDocument): { kind: string; group: string; name: string; namespace: string } | undefined {
  return idOfValue(doc.value);
}

function idOfValue(v: unknown): { kind: string; group: string; name: string; namespace: string } | undefined {
  if (!isObj(v) || typeof v.kind !== 'string') return undefined;
  const meta = isObj(v.metadata) ? v.metadata : {};
  return { kind: v.kind, group: groupOf(v.apiVersion), name: str(meta.name) ?? '', namespace: str(meta.namespace) ?? '' };
}

/** The tree's resource that became the rendered document. */
export function resourceFor(tree: KustomizeTree, doc: ParsedDocument): TreeResource | undefined {
  return resourceOf(tree, renderedId(doc));
}

function resourceOf(tree: KustomizeTree, id: ReturnType<typeof idOfValue>): TreeResource | undefined {
  if (!id) return undefined;
  const same = tree.resources.filter((r) => r.kind === id.kind && r.group === id.group && r.names.includes(id.name));
  return same.find((r) => r.namespaces[r.namespaces.length - 1] === id.namespace) ?? same[0];
}

/**
 * Where a person edits a rendered object as a whole: the document that defines it when that file
 * alone shapes it (no patch), else the overlay's kustomization, where its parts are put together.
 * `line` is 0-based.
 */
export function definingDocument(tree: KustomizeTree, rendered: unknown): { file: string; line: number; how: 'base' | 'kustomization' } {
  const r = resourceOf(tree, idOfValue(rendered));
  if (!r || r.patches.length > 0) return { file: tree.kustomization, line: 0, how: 'kustomization' };
  // the document's first content line, past a separator or comments
  const first = r.base.doc.root ? r.base.doc.lines.position(r.base.doc.root.range[0]).line : 0;
  return { file: r.base.file, line: r.base.line + first, how: 'base' };
}

/**
 * The source of a place (chunk-local range) in a rendered document: the last patch that set it,
 * else the base document, else the kustomization that set the namespace or the name prefix,
 * else the overlay's kustomization with what could not be traced.
 */
export function sourceOf(tree: KustomizeTree, doc: ParsedDocument, range: Range): SourceLocation {
  const { path, role } = pathAt(doc.root, doc.lines.offset(range.start));
  const r = resourceFor(tree, doc);
  const shown = formatPath(path);
  if (r && doc.root) {
    if (shown === 'metadata.namespace' && r.namespaceSet) return { ...r.namespaceSet, how: 'transform' };
    if (shown === 'metadata.name' && r.nameSet) return { ...r.nameSet, how: 'transform' };
    // first the source that accounts for the whole map or list, then the last that has the path
    for (const whole of [true, false]) {
      const at = inSources(r, doc.root, path, role, whole, !IDENTITY.has(shown));
      if (at) return at;
    }
  }
  const id = renderedId(doc);
  return {
    file: tree.kustomization, how: 'kustomization',
    range: tree.firstLine,
    untraced: `${shown}${id ? ` of ${id.kind} ${id.name}` : ''}`,
  };
}

/** The last patch that has the path, else the base. */
function inSources(r: TreeResource, root: YNode, path: YamlPath, role: 'key' | 'value', whole: boolean, patches: boolean): SourceLocation | undefined {
  for (let i = patches ? r.patches.length - 1 : -1; i >= 0; i--) {
    const p = r.patches[i];
    const at = p.type === 'json6902' ? inJson6902(p.source, root, path, role, whole) : foundRange(p.source, root, path, role, whole);
    if (at) return { file: p.source.file, range: at, how: 'patch' };
  }
  const at = foundRange(r.base, root, path, role, whole);
  return at ? { file: r.base.file, range: at, how: 'base' } : undefined;
}

function foundRange(src: SourceDoc, rendered: YNode, path: YamlPath, role: 'key' | 'value', whole: boolean): Range | undefined {
  if (path.length === 0) return undefined;
  const found = follow(src.doc.root, rendered, path, whole);
  return found ? rangeOfFound(src, found, role) : undefined;
}
