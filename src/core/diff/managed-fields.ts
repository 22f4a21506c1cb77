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
