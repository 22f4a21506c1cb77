/**
 * Walking a JSON schema by YAML path, for completion and hover: which fields an object has, what
 * a field is for, which values it takes.
 */
import type { YamlPath } from '../types';
import type { JsonSchema } from './registry';

function deref(root: JsonSchema, s: JsonSchema | undefined): JsonSchema | undefined {
  let cur = s;
  for (let i = 0; cur && typeof cur.$ref === 'string' && i < 16; i++) {
    const ref = cur.$ref as string;
    if (!ref.startsWith('#/')) return undefined;
    let target: unknown = root;
    for (const part of ref.slice(2).split('/')) target = (target as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    cur = target as JsonSchema | undefined;
  }
  return cur;
}

/** The alternatives a schema stands for (itself, and its allOf/anyOf/oneOf branches). */
function branches(root: JsonSchema, s: JsonSchema | undefined): JsonSchema[] {
  const d = deref(root, s);
  if (!d) return [];
  const out = [d];
  for (const k of ['allOf', 'anyOf', 'oneOf']) {
    const list = d[k];
    if (Array.isArray(list)) for (const b of list) out.push(...branches(root, b as JsonSchema));
  }
  return out;
}

/** The schema of the value at a path, or undefined when the schema says nothing about it. */
export function schemaAt(root: JsonSchema, path: YamlPath): JsonSchema | undefined {
  let cur: JsonSchema | undefined = root;
  for (const part of path) {
    if (!cur) return undefined;
    let next: JsonSchema | undefined;
    for (const b of branches(root, cur)) {
      if (typeof part === 'number') {
        const items = b.items;
        if (items && typeof items === 'object' && !Array.isArray(items)) { next = items as JsonSchema; break; }
      } else {
        const props = b.properties as Record<string, JsonSchema> | undefined;
        if (props && props[part]) { next = props[part]; break; }
        const ap = b.additionalProperties;
        if (ap && typeof ap === 'object') { next = ap as JsonSchema; break; }
      }
    }
    cur = next;
  }
  return deref(root, cur);
}

export interface FieldInfo {
  readonly name: string;
  readonly description?: string;
  readonly type?: string;
  readonly required: boolean;
  readonly schema: JsonSchema;
}

/** The fields an object at this path can have, with their descriptions. */
export function fieldsAt(root: JsonSchema, path: YamlPath): FieldInfo[] {
  const s = schemaAt(root, path);
  const out = new Map<string, FieldInfo>();
  for (const b of branches(root, s)) {
    const props = b.properties as Record<string, JsonSchema> | undefined;
    const required = new Set(Array.isArray(b.required) ? (b.required as string[]) : []);
    for (const [name, raw] of Object.entries(props ?? {})) {
      if (out.has(name)) continue;
      const p = deref(root, raw) ?? raw;
      out.set(name, { name, description: p.description as string | undefined, type: typeName(p), required: required.has(name), schema: p });
    }
  }
  return [...out.values()];
}

/** Values a scalar at this path can take: enum values first, then examples, then booleans. */
export function valuesAt(root: JsonSchema, path: YamlPath): string[] {
  const s = schemaAt(root, path);
  const out: string[] = [];
  for (const b of branches(root, s)) {
    if (Array.isArray(b.enum)) out.push(...b.enum.map(String));
    if (Array.isArray(b.examples)) out.push(...b.examples.map(String));
    if (b.type === 'boolean') out.push('true', 'false');
  }
  return [...new Set(out)];
}

export function typeName(s: JsonSchema | undefined): string | undefined {
  if (!s) return undefined;
  const t = s.type;
  if (Array.isArray(t)) return t.join(' | ');
  if (t === 'array') {
    const it = s.items as JsonSchema | undefined;
    const inner = typeName(it);
    return inner ? `${inner}[]` : 'array';
  }
  return typeof t === 'string' ? t : undefined;
}
