/**
 * The FieldsV1 walk: which fields of an object a field manager owns, per the live object's
 * `metadata.managedFields`, and the object without them (Argo CD's `managedFieldsManagers`).
 *
 * FieldsV1 (structured-merge-diff's serialisation of a field set) keys:
 *   `f:<name>`  a map field;           `k:{"name":"workers"}`  the list item with these key fields;
 *   `v:<json>`  the set item equal to the value;  `i:<n>`  the list item at an index;
 *   `.`         the node itself (its existence).  An empty object `{}` is an owned leaf.
 *
 * Semantics chosen: a leaf the manager owns (an empty set, or only `.`) is removed whole (a scalar,
 * an atomic list, a map the manager set as a whole). A node with owned children keeps what others
 * own: only the children go; if the node was also owned itself (`.`) and nothing is left, it goes
 * too. So a pool an autoscaler scales keeps its vmClass in the comparison, while a label map one
 * tool wrote entirely disappears. (structured-merge-diff's RemoveItems would drop any node marked
 * `.` whole, even fields other managers own; Argo CD's own walk drops list keys and cannot reach
 * `nodePools[name=workers].replicas` at all.)
 *
 * Invariant: list items are matched by their keys (`k:`) and values (`v:`) on each side
 * separately, so the walk applies to the desired and Git objects too, whose indexes may differ.
 */
import { deepEqual, setKey } from './json';
import type { KubeObject } from './types';
import { isRecord } from '../json';

/** A FieldsV1 set (the `fieldsV1` value of a managedFields entry). */
export interface FieldsV1 {
  readonly [key: string]: FieldsV1;
}

export type FieldPath = readonly (string | number)[];

/** The FieldsV1 sets the live object records for these managers (every operation and subresource). */
export function fieldsOwnedBy(live: KubeObject | undefined, managers: readonly string[]): FieldsV1[] {
  const meta = live?.metadata;
  const entries = isRecord(meta) && Array.isArray(meta.managedFields) ? meta.managedFields : [];
  const out: FieldsV1[] = [];
  for (const e of entries) {
    if (!isRecord(e) || typeof e.manager !== 'string' || !managers.includes(e.manager)) continue;
    if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') continue;
    if (isRecord(e.fieldsV1)) out.push(e.fieldsV1 as FieldsV1);
  }
  return out;
}

const REMOVE = Symbol('remove');

/** A copy of `value` without the fields `set` owns; `onRemove` hears each removed path (in the value's own indexes). */
export function removeOwned(value: unknown, set: FieldsV1, onRemove?: (path: FieldPath) => void): unknown {
  return prune(value, set, [], onRemove);
}

/** The concrete paths (list indexes of this object) of the fields `set` owns in `value`. */
export function ownedPaths(value: unknown, set: FieldsV1): FieldPath[] {
  const out: FieldPath[] = [];
  prune(value, set, [], (p) => out.push(p));
  return out;
}

function prune(node: unknown, set: FieldsV1, path: FieldPath, onRemove?: (path: FieldPath) => void): unknown {
  if (isRecord(node)) {
    const out: Record<string, unknown> = { ...node };
    for (const [key, child] of Object.entries(set)) {
      if (!key.startsWith('f:')) continue;
      const name = key.slice(2);
      if (!Object.prototype.hasOwnProperty.call(out, name)) continue;
      const r = member(out[name], child, [...path, name], onRemove);
      if (r === REMOVE) delete out[name];
      else setKey(out, name, r);
    }
    return out;
  }
  if (Array.isArray(node)) {
    const out: unknown[] = node.slice();
    for (const [key, child] of Object.entries(set)) {
      for (const i of matchItems(node, key)) {
        if (out[i] === REMOVE) continue;
        out[i] = member(out[i], child, [...path, i], onRemove);
      }
    }
    return out.filter((x) => x !== REMOVE);
  }
  return node;
}

function member(value: unknown, set: FieldsV1, path: FieldPath, onRemove?: (path: FieldPath) => void): unknown {
  // A malformed (non-object) set counts as a leaf, as an empty one does.
  if (!isRecord(set) || Object.keys(set).every((k) => k === '.')) {
    onRemove?.(path);
    return REMOVE;
  }
  const pruned = prune(value, set, path, onRemove);
  if (Object.prototype.hasOwnProperty.call(set, '.') && isEmpty(pruned)) {
    onRemove?.(path);
    return REMOVE;
  }
  return pruned;
}

function isEmpty(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0);
}

/** Indexes of the list items a `k:`, `v:` or `i:` key names. */
function matchItems(list: readonly unknown[], key: string): number[] {
  const kind = key.slice(0, 2);
  const rest = key.slice(2);
  if (kind === 'i:') {
    const i = Number(rest);
    return Number.isInteger(i) && i >= 0 && i < list.length ? [i] : [];
  }
  if (kind !== 'k:' && kind !== 'v:') return [];
  let want: unknown;
  try {
    want = JSON.parse(rest);
  } catch {
    return [];
  }
  const out: number[] = [];
  list.forEach((item, i) => {
    if (kind === 'v:' ? deepEqual(item, want) : matchesKeys(item, want)) out.push(i);
  });
  return out;
}

function matchesKeys(item: unknown, keys: unknown): boolean {
  if (!isRecord(item) || !isRecord(keys)) return false;
  for (const [k, v] of Object.entries(keys)) if (!deepEqual(item[k], v)) return false;
  return true;
}

/** The fields a set owns, as server-side apply names them: `.data.key`, `.spec.pools[name="a"].replicas`. */
function ownedFieldNames(set: FieldsV1, prefix = '', out: Set<string> = new Set()): Set<string> {
  const keys = Object.keys(set).filter((k) => k !== '.');
  if (keys.length === 0 || '.' in set) { if (prefix) out.add(prefix); }
  for (const k of keys) {
    const body = k.slice(2);
    let name: string;
    if (k.startsWith('f:')) name = `.${body}`;
    else if (k.startsWith('k:')) {
      let fields: Record<string, unknown> = {};
      try { fields = JSON.parse(body) as Record<string, unknown>; } catch { /* left as written */ }
      name = `[${Object.entries(fields).map(([f, v]) => `${f}=${JSON.stringify(v)}`).join(',') || body}]`;
    } else name = `[${body}]`;
    ownedFieldNames(set[k], `${prefix}${name}`, out);
  }
  return out;
}

/**
 * Fields other managers own on `live` that they no longer own after `after`, a forced server-side
 * apply (or its dry run) by `manager`: what force took over, i.e. what the apply without force
 * would have refused as conflicts. Fields owned with the same value stay shared, so they are not
 * in it. No request is needed: both objects carry their managedFields.
 */
export function takenOver(live: KubeObject | undefined, after: KubeObject | undefined, manager: string): { field: string; manager: string }[] {
  const entries = (o: KubeObject | undefined) => {
    const m = isRecord(o?.metadata) ? o.metadata.managedFields : undefined;
    return (Array.isArray(m) ? m : []).filter((e): e is Record<string, unknown> => isRecord(e) && e.manager !== manager && !e.subresource && isRecord(e.fieldsV1));
  };
  const out: { field: string; manager: string }[] = [];
  const afterEntries = entries(after);
  for (const e of entries(live)) {
    const before = ownedFieldNames(e.fieldsV1 as FieldsV1);
    const still = afterEntries.find((a) => a.manager === e.manager && a.operation === e.operation && a.apiVersion === e.apiVersion);
    const kept = still ? ownedFieldNames(still.fieldsV1 as FieldsV1) : new Set<string>();
    for (const f of before) {
      // a parent no longer listed only because its children went is not a field of its own
      if (!kept.has(f) && ![...before].some((g) => g !== f && g.startsWith(f) && kept.has(g)) && !out.some((o) => o.field === f && o.manager === e.manager)) {
        out.push({ field: f, manager: String(e.manager) });
      }
    }
  }
  // the deepest fields only: `.data.key`, not `.data` as well
  return out.filter((o) => !out.some((p) => p !== o && p.manager === o.manager && p.field.startsWith(o.field) && p.field.length > o.field.length));
}
