/**
 * When a server-side dry-run can be spared: applying an object is a no-op when the field manager
 * already owns exactly the fields the object sets (its Apply entry in the live object's
 * managedFields, at the same apiVersion) and the live object holds exactly the object's values
 * there. Server-side apply then changes nothing, so the dry-run's answer is the live object
 * itself; the engine takes it as `desired` without asking.
 *
 * This is a sufficient condition, checked conservatively: anything not understood (no Apply entry,
 * another apiVersion, a list item not matched by its key, a value the server normalises, such as
 * a Secret's stringData or a quantity written another way) answers false, and the server is asked.
 * Assumed: admission that is deterministic (a webhook that changes an object on every apply would
 * be seen by a dry-run and not here).
 *
 * The walk follows the FieldsV1 set (see core/diff/managed-fields.ts): `f:<name>` map fields,
 * `k:{...}` list items by their key fields, `v:<json>` set items, `.` the node itself; an entry
 * with no children is a leaf whose whole value is owned (a scalar, an atomic list, a map set whole).
 */
import { deepEqual, type JsonMap } from '../core/diff/json';
import { contains, listShapeOf, type ListShape } from '../core/diff/list-keys';
import type { KubeObject } from '../core/diff/types';
import { isRecord } from '../core/json';

type FieldSet = { readonly [key: string]: FieldSet };

/** True when applying `applied` as `manager` to `live` would change nothing (see the module header). */
export function isNoOpApply(applied: KubeObject, live: KubeObject, manager: string): boolean {
  const meta = live.metadata;
  if (!isRecord(meta) || !Array.isArray(meta.managedFields)) return false;
  const entries = meta.managedFields.filter((e): e is JsonMap => isRecord(e) && e.manager === manager && e.operation === 'Apply' && !e.subresource);
  if (entries.length !== 1) return false;
  const entry = entries[0];
  if (entry.apiVersion !== applied.apiVersion || (entry.fieldsType !== undefined && entry.fieldsType !== 'FieldsV1') || !isRecord(entry.fieldsV1)) return false;
  // identity is not a field anyone owns
  const body: JsonMap = { ...applied };
  delete body.apiVersion;
  delete body.kind;
  if (isRecord(body.metadata)) {
    const m: JsonMap = { ...body.metadata };
    delete m.name;
    delete m.namespace;
    if (Object.keys(m).length > 0) body.metadata = m;
    else delete body.metadata;
  }
  return matchMap(body, live, entry.fieldsV1 as FieldSet, listShapeOf(applied.apiVersion, applied.kind));
}

function children(set: FieldSet): string[] {
  return Object.keys(set).filter((k) => k !== '.');
}

function matchValue(a: unknown, live: unknown, set: FieldSet, shape: ListShape | undefined): boolean {
  if (!isRecord(set)) return false;
  if (children(set).length === 0) return deepEqual(a, live);
  if (isRecord(a)) return matchMap(a, live, set, shape);
  if (Array.isArray(a)) return matchList(a, live, set, shape);
  return false;
}

/**
 * Every owned field is in `a`, every field of `a` is owned, and each matches live. An empty map
 * (`emptyDir: {}`) is the exception: the server records no ownership of it, so it is matched by
 * value alone.
 */
function matchMap(a: JsonMap, live: unknown, set: FieldSet, shape: ListShape | undefined): boolean {
  if (!isRecord(live)) return false;
  const owned = children(set);
  for (const k of owned) {
    if (!k.startsWith('f:') || !Object.prototype.hasOwnProperty.call(a, k.slice(2))) return false;
  }
  let unowned = 0;
  for (const k of Object.keys(a)) {
    if (!Object.prototype.hasOwnProperty.call(live, k)) return false;
    const sub = set[`f:${k}`];
    if (sub === undefined) {
      if (!isEmptyMap(a[k]) || !isEmptyMap(live[k])) return false;
      unowned++;
    } else if (!matchValue(a[k], live[k], sub, shape?.fields?.[k])) return false;
  }
  return Object.keys(a).length - unowned === owned.length;
}

function isEmptyMap(v: unknown): boolean {
  return isRecord(v) && Object.keys(v).length === 0;
}

/**
 * Each item of `a` is one owned `k:`/`v:` entry, found live in the same order. A known keyed list
 * (list-keys.ts) gives the key fields an item may leave out (a port's protocol): the server keys
 * the item with them filled in.
 */
function matchList(a: readonly unknown[], live: unknown, set: FieldSet, shape: ListShape | undefined): boolean {
  if (!Array.isArray(live)) return false;
  const owned = children(set);
  if (owned.length !== a.length) return false;
  const used = new Set<string>();
  let lastIndex = -1;
  for (const item of a) {
    const key = owned.find((k) => !used.has(k) && itemMatches(item, k, shape));
    if (!key) return false;
    used.add(key);
    const index = live.findIndex((l) => itemMatches(l, key, shape));
    if (index <= lastIndex) return false;
    lastIndex = index;
    if (key.startsWith('v:')) continue; // the value is the key: equal already
    if (!matchValue(item, live[index], set[key], shape?.item)) return false;
  }
  return true;
}

function itemMatches(item: unknown, key: string, shape: ListShape | undefined): boolean {
  const kind = key.slice(0, 2);
  if (kind !== 'k:' && kind !== 'v:') return false;
  let want: unknown;
  try {
    want = JSON.parse(key.slice(2));
  } catch {
    return false;
  }
  if (kind === 'v:') return deepEqual(item, want);
  if (!isRecord(item) || !isRecord(want)) return false;
  for (const [k, v] of Object.entries(want)) {
    const given = Object.prototype.hasOwnProperty.call(item, k) ? item[k] : shape?.keyDefaults?.[k];
    if (!deepEqual(given, v)) return false;
  }
  return true;
}

/**
 * The second case in which a dry-run can be spared: the manager has never applied the object (no
 * managedFields entry of its own, so the apply removes nothing), and every value the object sets
 * is already there live — maps contained key by key, the known keyed lists (containers by name,
 * ports by port and protocol, env by name...: core/diff/list-keys.ts) item by item by key, other
 * lists and scalars equal as a whole — apart
 * from the tracking metadata in `tracking`, which the apply would add. Server-side apply then
 * changes the object by those labels and annotations only; the answer is returned (the live object
 * with them), or undefined when anything is not provably so. This is how an object another tool
 * applied (Argo CD, a person with kubectl) is judged without asking the server, when Git agrees.
 */
export function adoptionWithoutChange(applied: KubeObject, live: KubeObject, manager: string, tracking: { labels: Record<string, string>; annotations: Record<string, string> }): KubeObject | undefined {
  const meta = live.metadata;
  if (!isRecord(meta) || !Array.isArray(meta.managedFields)) return undefined;
  if (meta.managedFields.some((e) => isRecord(e) && e.manager === manager)) return undefined;
  if (applied.apiVersion !== live.apiVersion) return undefined;
  const body: JsonMap = { ...applied };
  delete body.apiVersion;
  delete body.kind;
  const m: JsonMap = isRecord(applied.metadata) ? { ...applied.metadata } : {};
  delete m.name;
  delete m.namespace;
  const labels = withoutKeys(m.labels, tracking.labels);
  const annotations = withoutKeys(m.annotations, tracking.annotations);
  if (labels === null || annotations === null) return undefined;
  if (labels) m.labels = labels;
  else delete m.labels;
  if (annotations) m.annotations = annotations;
  else delete m.annotations;
  body.metadata = m;
  if (!contains(body, live, listShapeOf(applied.apiVersion, applied.kind))) return undefined;
  const liveLabels = isRecord(meta.labels) ? meta.labels : {};
  const liveAnnotations = isRecord(meta.annotations) ? meta.annotations : {};
  const addLabels = pick(applied.metadata, 'labels', tracking.labels);
  const addAnnotations = pick(applied.metadata, 'annotations', tracking.annotations);
  return {
    ...live,
    metadata: {
      ...meta,
      ...(Object.keys(addLabels).length ? { labels: { ...liveLabels, ...addLabels } } : {}),
      ...(Object.keys(addAnnotations).length ? { annotations: { ...liveAnnotations, ...addAnnotations } } : {}),
    },
  } as KubeObject;
}

/** `map` without the tracking keys (undefined when nothing is left); null when a tracking key holds another value than the tracking says. */
function withoutKeys(map: unknown, tracking: Record<string, string>): JsonMap | undefined | null {
  if (map === undefined) return undefined;
  if (!isRecord(map)) return null;
  const rest: JsonMap = {};
  for (const [k, v] of Object.entries(map)) {
    if (k in tracking) {
      if (typeof v !== 'string') return null;
      continue;
    }
    rest[k] = v;
  }
  return Object.keys(rest).length ? rest : undefined;
}

/** The tracking keys `applied` sets in metadata[field], with its values. */
function pick(metadata: unknown, field: 'labels' | 'annotations', tracking: Record<string, string>): Record<string, string> {
  const map = isRecord(metadata) && isRecord(metadata[field]) ? metadata[field] : {};
  const out: Record<string, string> = {};
  for (const k of Object.keys(tracking)) if (typeof map[k] === 'string') out[k] = map[k];
  return out;
}
