/**
 * The structural difference of two normalised objects: the changed leaves with their paths,
 * live as "before" and Git as "after".
 *
 * Paths: map keys joined by '.', keys that are not plain words quoted (`metadata.labels["app.kubernetes.io/name"]`),
 * list items by name when every item of both lists is a map with a unique string `name`
 * (`nodePools[name=workers]`), else by index (`taints[0]`). A list of scalars is one leaf, and
 * so is a list item only one side has; a map only one side has is reported by its leaves.
 */
import { deepEqual, isScalar } from './json';
import type { Change } from './types';
import { isRecord } from '../json';

type Seg = { key: string } | { index: number } | { name: string };

export function formatPath(segs: readonly Seg[]): string {
  let out = '';
  for (const s of segs) {
    if ('index' in s) out += `[${s.index}]`;
    else if ('name' in s) out += `[name=${s.name}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(s.key)) out += out ? `.${s.key}` : s.key;
    else out += `[${JSON.stringify(s.key)}]`;
  }
  return out;
}

/** The value kept in a Change: scalars and lists of scalars; larger values are left out. */
function keep(v: unknown): unknown {
  if (isScalar(v)) return v;
  if (Array.isArray(v) && v.every(isScalar)) return v.slice();
  return undefined;
}

function named(list: readonly unknown[]): Map<string, unknown> | undefined {
  const m = new Map<string, unknown>();
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== 'string' || m.has(item.name)) return undefined;
    m.set(item.name, item);
  }
  return m;
}

export function changesBetween(live: unknown, git: unknown): Change[] {
  const out: Change[] = [];
  walk(live, git, [], out);
  return out;
}

function push(out: Change[], path: readonly Seg[], kind: Change['kind'], live: unknown, git: unknown, listItem = false): void {
  // An added or removed map is reported leaf by leaf (`annotations["x"] (none) → y`), a list item whole.
  const whole = kind === 'added' ? git : kind === 'removed' ? live : undefined;
  if (!listItem && isRecord(whole) && Object.keys(whole).length > 0) {
    for (const [k, v] of Object.entries(whole)) push(out, [...path, { key: k }], kind, kind === 'removed' ? v : undefined, kind === 'added' ? v : undefined);
    return;
  }
  const c: { path: string; kind: Change['kind']; live?: unknown; git?: unknown } = { path: formatPath(path), kind };
  if (kind !== 'added' && keep(live) !== undefined) c.live = keep(live);
  if (kind !== 'removed' && keep(git) !== undefined) c.git = keep(git);
  out.push(c);
}

function walk(a: unknown, b: unknown, path: Seg[], out: Change[]): void {
  if (deepEqual(a, b)) return;
  if (isRecord(a) && isRecord(b)) {
    for (const k of Object.keys(b)) {
      const p = [...path, { key: k }];
      if (!Object.prototype.hasOwnProperty.call(a, k)) push(out, p, 'added', undefined, b[k]);
      else walk(a[k], b[k], p, out);
    }
    for (const k of Object.keys(a)) {
      if (!Object.prototype.hasOwnProperty.call(b, k)) push(out, [...path, { key: k }], 'removed', a[k], undefined);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && !a.some(isScalar) && !b.some(isScalar)) {
    const na = named(a);
    const nb = named(b);
    if (na && nb && (na.size > 0 || nb.size > 0)) {
      const commonA = [...na.keys()].filter((n) => nb.has(n));
      const commonB = [...nb.keys()].filter((n) => na.has(n));
      if (!deepEqual(commonA, commonB)) push(out, path, 'reordered', commonA, commonB);
      for (const [n, item] of nb) {
        const p = [...path, { name: n }];
        if (na.has(n)) walk(na.get(n), item, p, out);
        else push(out, p, 'added', undefined, item, true);
      }
      for (const [n, item] of na) if (!nb.has(n)) push(out, [...path, { name: n }], 'removed', item, undefined, true);
      return;
    }
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const p = [...path, { index: i }];
      if (i >= a.length) push(out, p, 'added', undefined, b[i], true);
      else if (i >= b.length) push(out, p, 'removed', a[i], undefined, true);
      else walk(a[i], b[i], p, out);
    }
    return;
  }
  push(out, path, 'changed', a, b);
}
