/**
 * ignoreDifferences, as an Argo CD Application states them: which entries apply to an object
 * (group and kind are globs, name and namespace exact when given), JSON pointers removed from
 * both sides, and fields owned by the listed managers removed from both sides.
 *
 * jqPathExpressions are evaluated by jq outside core (src/argocd/jq.ts); the paths they select
 * are removed here (`removePaths`), as jq's `delpaths`.
 */
import { fieldsOwnedBy, removeOwned } from './managed-fields';
import type { IgnoreDifference, JqPath, KubeObject, ObjectRef } from './types';
import { isRecord } from '../json';

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function globMatch(glob: string, text: string): boolean {
  return glob.includes('*') || glob.includes('?') ? globToRegExp(glob).test(text) : glob === text;
}

export function ignoresFor(ref: ObjectRef, list: readonly IgnoreDifference[] | undefined): IgnoreDifference[] {
  return (list ?? []).filter((e) =>
    globMatch(e.group ?? '', ref.group) &&
    globMatch(e.kind ?? '', ref.kind) &&
    (!e.name || e.name === ref.name) &&
    (!e.namespace || e.namespace === ref.namespace));
}

function entryName(e: IgnoreDifference): string {
  const where = [e.namespace, e.name].filter(Boolean).join('/');
  return `${e.kind}${e.group ? `.${e.group}` : ''}${where ? ` ${where}` : ''}`;
}

/** What in these entries cannot be applied, one message each. */
export function ignoreWarnings(list: readonly IgnoreDifference[] | undefined): string[] {
  const out: string[] = [];
  for (const e of list ?? []) {
    for (const p of e.jsonPointers ?? []) {
      if (parsePointer(p) === undefined) out.push(`ignoreDifferences (${entryName(e)}): "${p}" is not a JSON pointer (it must start with "/"); it is not applied.`);
    }
  }
  return out;
}

/** RFC 6901: `/a/b~1c/0` -> ['a', 'b/c', '0']; undefined when not a pointer (or the whole document). */
export function parsePointer(pointer: string): string[] | undefined {
  if (!pointer.startsWith('/')) return undefined;
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Removes what a pointer names from `obj`, in place; absent paths are left alone (as Argo CD's patch). */
export function removePointer(obj: unknown, pointer: string): void {
  const parts = parsePointer(pointer);
  if (!parts || parts.length === 0) return;
  let cur: unknown = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    cur = child(cur, parts[i]);
    if (cur === undefined) return;
  }
  const last = parts[parts.length - 1];
  if (Array.isArray(cur)) {
    if (/^(0|[1-9]\d*)$/.test(last) && Number(last) < cur.length) cur.splice(Number(last), 1);
  } else if (isRecord(cur) && Object.prototype.hasOwnProperty.call(cur, last)) {
    delete cur[last];
  }
}

function child(node: unknown, part: string): unknown {
  if (Array.isArray(node)) return /^(0|[1-9]\d*)$/.test(part) ? node[Number(part)] : undefined;
  return isRecord(node) ? node[part] : undefined;
}

/**
 * Both sides without what the matching entries ignore. `managedFieldsFrom` is the raw live object
 * (its managedFields say who owns what); the sides are copies the caller owns and may be changed.
 */
export function applyIgnores<T extends KubeObject | undefined>(
  sides: readonly T[],
  ignores: readonly IgnoreDifference[],
  managedFieldsFrom: KubeObject | undefined,
): T[] {
  let out = sides.slice();
  for (const e of ignores) {
    for (const p of e.jsonPointers ?? []) for (const side of out) if (side) removePointer(side, p);
    if (e.managedFieldsManagers?.length) {
      for (const set of fieldsOwnedBy(managedFieldsFrom, e.managedFieldsManagers)) {
        out = out.map((side) => (side ? (removeOwned(side, set) as T) : side));
      }
    }
  }
  return out;
}

/**
 * Removes the paths from `obj` in place, as jq's `delpaths`: the last path first, so removing an
 * array item never shifts one still to be removed; absent paths are left alone.
 */
export function removePaths(obj: unknown, paths: readonly JqPath[]): void {
  const sorted = [...paths].sort(comparePaths).reverse();
  for (const p of sorted) {
    if (p.length === 0) continue;
    let cur: unknown = obj;
    for (let i = 0; i < p.length - 1 && cur !== undefined; i++) cur = child(cur, String(p[i]));
    const last = p[p.length - 1];
    if (Array.isArray(cur) && typeof last === 'number' && last >= 0 && last < cur.length) cur.splice(last, 1);
    else if (isRecord(cur) && typeof last === 'string' && Object.prototype.hasOwnProperty.call(cur, last)) delete cur[last];
  }
}

function comparePaths(a: JqPath, b: JqPath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}
