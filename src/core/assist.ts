/**
 * Completion and hover from the schemas: where the cursor is (object path, key or value), which
 * fields and values fit there, and what a field is for.
 *
 * The cursor's place is found from indentation, not from a parse, because the text is usually
 * invalid while the user types the very key we complete.
 */
import { pickableNamespaces, type SupervisorFacts } from './live/facts';
import { sizeLabel } from './live/vm-class';
import { isManifest, parseChunk, recogniseByText } from './manifest/document';
import type { KindInfo } from './manifest/kinds';
import { splitDocuments, type Chunk } from './manifest/split';
import { fieldsAt, schemaAt, typeName, valuesAt } from './schema/navigate';
import { getSchema, type JsonSchema } from './schema/registry';
import type { Position, Range, YamlPath } from './types';
import { formatPath } from './types';

interface LineInfo {
  readonly blank: boolean;
  readonly indent: number;
  readonly dash: boolean;
  readonly contentIndent: number;
  readonly key?: string;
  readonly keyStart: number;
  readonly keyEnd: number;
  /** Column just after the key's colon; -1 when the line has no key. */
  readonly colon: number;
  readonly rest: string;
}

const KEY = /^("[^"]*"|'[^']*'|[^\s:#'"{[-][^:#]*?|-[^\s:#][^:#]*?)\s*:(?=\s|$)/;

function lineInfo(line: string): LineInfo {
  const text = line.replace(/\r$/, '');
  const indent = text.length - text.trimStart().length;
  let i = indent;
  let dash = false;
  while (text[i] === '-' && (text[i + 1] === ' ' || i + 1 === text.length)) {
    dash = true;
    i++;
    while (text[i] === ' ') i++;
  }
  const content = text.slice(i);
  const blank = content.trim() === '' || content.trimStart().startsWith('#');
  const m = KEY.exec(content);
  if (!m) return { blank: blank && !dash, indent, dash, contentIndent: i, keyStart: i, keyEnd: i, colon: -1, rest: content };
  const rawKey = m[1].trim();
  const key = /^["']/.test(rawKey) ? rawKey.slice(1, -1) : rawKey;
  const rest = content.slice(m[0].length).replace(/\s+#.*$/, '').trim();
  return { blank: false, indent, dash, contentIndent: i, key, keyStart: i, keyEnd: i + m[1].trim().length, colon: i + m[0].length, rest };
}

/** Path of the object whose entries sit at `cur` columns on line `lineNo`. */
function containerPath(lines: string[], lineNo: number, cur: number, dashAt: number | undefined): YamlPath {
  const parts: (string | number)[] = [];
  let pending = dashAt;
  for (let i = lineNo - 1; i >= 0; i--) {
    const info = lineInfo(lines[i]);
    if (info.blank) continue;
    if (pending !== undefined) {
      if (info.dash && info.indent === pending) continue;
      if (info.key !== undefined && info.rest === '' && info.contentIndent <= pending) {
        parts.push(0, info.key);
        cur = info.contentIndent;
        pending = info.dash ? info.indent : undefined;
        continue;
      }
      if (info.contentIndent < pending) break;
      continue;
    }
    if (info.dash && info.contentIndent === cur) {
      pending = info.indent;
      continue;
    }
    if (info.contentIndent < cur) {
      if (info.key !== undefined && info.rest === '') {
        parts.push(info.key);
        cur = info.contentIndent;
        pending = info.dash ? info.indent : undefined;
        continue;
      }
      break;
    }
  }
  if (pending !== undefined) parts.push(0);
  return parts.reverse();
}

/** Keys already present in the object the cursor is in. */
function siblingKeys(lines: string[], lineNo: number, cur: number): Set<string> {
  const keys = new Set<string>();
  const scan = (from: number, step: number) => {
    for (let i = from; i >= 0 && i < lines.length; i += step) {
      const info = lineInfo(lines[i]);
      if (info.blank) continue;
      if (info.contentIndent < cur) break;
      if (info.contentIndent === cur) {
        if (info.key) keys.add(info.key);
        if (info.dash) break; // the first line of this item (going up) or of the next one (going down)
      }
    }
  };
  scan(lineNo - 1, -1);
  const here = lineInfo(lines[lineNo] ?? '');
  if (!here.dash) scan(lineNo + 1, 1);
  else for (let i = lineNo + 1; i < lines.length; i++) {
    const info = lineInfo(lines[i]);
    if (info.blank) continue;
    if (info.contentIndent !== cur || info.dash) { if (info.contentIndent <= cur) break; continue; }
    if (info.key) keys.add(info.key);
  }
  return keys;
}

export interface CursorContext {
  readonly info: KindInfo;
  readonly schema: JsonSchema;
  readonly kind: 'key' | 'value';
  /** For keys: the object's path. For values: the path of the value itself. */
  readonly path: YamlPath;
  readonly replace: Range;
  readonly typed: string;
  readonly indent: number;
  readonly siblings: Set<string>;
  /** The document's metadata.namespace, when it can be read. */
  readonly namespace?: string;
}

function chunkAt(text: string, position: Position): { chunk: Chunk; line: number } | undefined {
  const chunks = splitDocuments(text);
  let found: Chunk | undefined;
  for (const c of chunks) if (c.startLine <= position.line) found = c;
  return found ? { chunk: found, line: position.line - found.startLine } : undefined;
}

function recogniseChunk(text: string): KindInfo | undefined {
  const parsed = parseChunk(text);
  if (isManifest(parsed)) return parsed.info;
  const rec = parsed.recognition.ours ? parsed.recognition : recogniseByText(text);
  return rec.ours ? rec.info : undefined;
}

/** metadata.namespace read from the text (the document may not parse while being typed). */
function namespaceInText(text: string): string | undefined {
  const m = /^metadata:\s*\n((?:[ \t]+.*\n?|\s*\n)*)/m.exec(text);
  const ns = m && /^\s+namespace:\s*["']?([a-z0-9.-]+)/m.exec(m[1]);
  return ns ? ns[1] : undefined;
}

export function cursorContext(text: string, position: Position): CursorContext | undefined {
  const at = chunkAt(text, position);
  if (!at) return undefined;
  const info = recogniseChunk(at.chunk.text);
  if (!info?.schemaId) return undefined;
  const schema = getSchema(info.schemaId);
  if (!schema) return undefined;
  const lines = at.chunk.text.split('\n');
  const lineText = (lines[at.line] ?? '').replace(/\r$/, '');
  const li = lineInfo(lineText);
  const col = position.character;
  const fileLine = position.line;
  if (li.key !== undefined && li.colon !== -1 && col >= li.colon) {
    const valueStart = lineText.length - lineText.slice(li.colon).trimStart().length;
    const start = Math.min(valueStart, col);
    const path = [...containerPath(lines, at.line, li.contentIndent, li.dash ? li.indent : undefined), li.key];
    return {
      info, schema, kind: 'value', path, typed: lineText.slice(start, col), indent: li.contentIndent, siblings: new Set(), namespace: namespaceInText(at.chunk.text),
      replace: { start: { line: fileLine, character: start }, end: { line: fileLine, character: Math.max(col, lineText.trimEnd().length) } },
    };
  }
  const blankLine = lineText.trim() === '';
  const cur = blankLine ? col : li.contentIndent;
  const path = containerPath(lines, at.line, cur, li.dash ? li.indent : undefined);
  const start = blankLine ? col : li.contentIndent;
  return {
    info, schema, kind: 'key', path, typed: lineText.slice(start, col), indent: cur, siblings: siblingKeys(lines, at.line, cur),
    replace: { start: { line: fileLine, character: start }, end: { line: fileLine, character: Math.max(col, li.key ? li.keyEnd : lineText.trimEnd().length) } },
  };
}

export interface CompletionEntry {
  readonly label: string;
  readonly kind: 'field' | 'value';
  readonly detail?: string;
  readonly documentation?: string;
  /** Text to insert; `$0` marks where the cursor goes (the editor makes it a snippet). */
  readonly insertText: string;
  readonly range: Range;
  readonly required?: boolean;
}

/** Values the connected Supervisor offers for the field at a path (VM classes, storage classes, TKRs, zones, namespaces). */
export function liveValuesAt(ctx: CursorContext, facts: SupervisorFacts): { values: string[]; what: string; size?: (v: string) => string } | undefined {
  const path = ctx.path;
  const key = path[path.length - 1];
  const ns = ctx.namespace ?? facts.defaultNamespace;
  const nsFacts = facts.byNamespace.get(ns);
  const under = (...tail: (string | number)[]) => tail.every((t, i) => path[path.length - tail.length + i] === t);
  const sorted = (set: ReadonlySet<string> | undefined) => (set ? [...set].sort() : undefined);
  let values: string[] | undefined;
  let what = '';
  if (key === 'vmClass' || (ctx.info.flavor === 'tkc-v1alpha1' && key === 'class')) {
    values = sorted(nsFacts?.vmClasses);
    what = `VM class available in ${ns}`;
  } else if (key === 'storageClass' || key === 'defaultClass' || key === 'defaultStorageClass' || under('storage', 'classes', 0)) {
    values = sorted(nsFacts?.storageClasses);
    what = `storage class assigned to ${ns}`;
  } else if (under('tkr', 'reference', 'name') || (ctx.info.flavor === 'cluster-tkc' && under('spec', 'topology', 'version'))) {
    values = facts.tkrs ? [...facts.tkrs.values()].filter((t) => t.compatible && !t.deactivated).map((t) => t.name).sort().reverse() : undefined;
    what = 'compatible TanzuKubernetesRelease';
  } else if (key === 'failureDomain') {
    values = sorted(nsFacts?.zones);
    what = 'vSphere Zone';
  } else if (under('metadata', 'namespace')) {
    values = sorted(pickableNamespaces(facts));
    what = facts.vsphereNamespaces?.size ? 'vSphere Namespace' : 'namespace';
  }
  // VM classes say what they cost: "2 CPU, 8Gi".
  const size = what.startsWith('VM class') && facts.vmClassSizes ? (v: string) => sizeLabel(facts.vmClassSizes?.get(v)) : undefined;
  return values ? { values, what: `${what} on ${facts.context}`, ...(size ? { size } : {}) } : undefined;
}

export function completionsAt(text: string, position: Position, facts?: SupervisorFacts): CompletionEntry[] {
  const ctx = cursorContext(text, position);
  if (!ctx) return [];
  if (ctx.kind === 'value') {
    const s = schemaAt(ctx.schema, ctx.path);
    const live = facts ? liveValuesAt(ctx, facts) : undefined;
    const liveEntries = (live?.values ?? []).map((v) => ({
      label: v, kind: 'value' as const, detail: [live!.size?.(v), live!.what].filter(Boolean).join(' · '), documentation: s?.description as string | undefined, insertText: v, range: ctx.replace, required: true,
    }));
    return [...liveEntries, ...valuesAt(ctx.schema, ctx.path).filter((v) => !live?.values.includes(v)).map((v) => ({
      label: v, kind: 'value' as const, detail: typeName(s), documentation: s?.description as string | undefined, insertText: v, range: ctx.replace,
    }))];
  }
  const pad = ' '.repeat(ctx.indent + 2);
  return fieldsAt(ctx.schema, ctx.path)
    .filter((f) => !ctx.siblings.has(f.name))
    .map((f) => {
      const t = f.schema.type;
      const items = f.schema.items as JsonSchema | undefined;
      let insertText = `${f.name}: $0`;
      if (t === 'object') insertText = `${f.name}:\n${pad}$0`;
      else if (t === 'array') insertText = items?.type === 'object' ? `${f.name}:\n${pad}- $0` : `${f.name}:\n${pad}- $0`;
      return {
        label: f.name, kind: 'field' as const, detail: f.required ? `${f.type ?? ''} (required)`.trim() : f.type,
        documentation: f.description, insertText, range: ctx.replace, required: f.required,
      };
    })
    .sort((a, b) => Number(!!b.required) - Number(!!a.required) || a.label.localeCompare(b.label));
}

export interface HoverInfo {
  readonly markdown: string;
  readonly range: Range;
}

export function hoverAt(text: string, position: Position): HoverInfo | undefined {
  const at = chunkAt(text, position);
  if (!at) return undefined;
  const lines = at.chunk.text.split('\n');
  const li = lineInfo((lines[at.line] ?? '').replace(/\r$/, ''));
  if (li.key === undefined || position.character < li.keyStart || position.character > li.keyEnd) return undefined;
  const info = recogniseChunk(at.chunk.text);
  const schema = info?.schemaId ? getSchema(info.schemaId) : undefined;
  if (!info || !schema) return undefined;
  const path = [...containerPath(lines, at.line, li.contentIndent, li.dash ? li.indent : undefined), li.key];
  const s = schemaAt(schema, path);
  if (!s) return undefined;
  const type = typeName(s);
  const values = valuesAt(schema, path);
  const parts = [`**${formatPath(path)}**${type ? ` \`${type}\`` : ''} — ${info.kind} ${info.group}/${info.version}`];
  if (typeof s.description === 'string' && s.description.trim()) parts.push(s.description.trim());
  if (values.length > 0 && values.length <= 12) parts.push(`Values: ${values.map((v) => `\`${v}\``).join(', ')}`);
  return { markdown: parts.join('\n\n'), range: { start: { line: position.line, character: li.keyStart }, end: { line: position.line, character: li.keyEnd } } };
}
