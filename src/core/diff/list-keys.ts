/**
 * The associative lists of the built-in workload kinds: the lists server-side apply merges item by
 * item by a key (x-kubernetes-list-type map, or a strategic-merge patchMergeKey), with the key
 * fields' defaults (a container port's protocol is TCP when not given). Any list not named here is
 * taken as atomic (replaced whole by an apply), which is the safe reading: only lists known to be
 * merged by key are matched item by item.
 */
import { deepEqual, type JsonMap } from './json';
import { isRecord } from '../json';

/** Where the keyed lists are inside a value: its fields, and when it is a keyed list, its key and items. */
export interface ListShape {
  readonly fields?: Readonly<Record<string, ListShape>>;
  /** The list's key fields (an associative list). */
  readonly keys?: readonly string[];
  /** Values the server gives a key field that an item leaves out. */
  readonly keyDefaults?: Readonly<Record<string, unknown>>;
  /** The shape of each item. */
  readonly item?: ListShape;
}

const CONTAINER: ListShape = {
  fields: {
    ports: { keys: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } },
    env: { keys: ['name'] },
    volumeMounts: { keys: ['mountPath'] },
  },
};
const CONTAINERS: ListShape = { keys: ['name'], item: CONTAINER };
const POD_SPEC: ListShape = {
  fields: {
    containers: CONTAINERS, initContainers: CONTAINERS, ephemeralContainers: CONTAINERS,
    volumes: { keys: ['name'] }, imagePullSecrets: { keys: ['name'] },
  },
};
const POD_TEMPLATE: ListShape = { fields: { spec: POD_SPEC } };
const WORKLOAD_SPEC: ListShape = { fields: { template: POD_TEMPLATE } };
const WORKLOAD: ListShape = { fields: { spec: WORKLOAD_SPEC } };

/** By `group/kind` (the core group is ''). */
const SHAPES: ReadonlyMap<string, ListShape> = new Map([
  ['/Pod', { fields: { spec: POD_SPEC } }],
  ['/PodTemplate', { fields: { template: POD_TEMPLATE } }],
  ['/ReplicationController', WORKLOAD],
  ['apps/Deployment', WORKLOAD],
  ['apps/ReplicaSet', WORKLOAD],
  ['apps/StatefulSet', WORKLOAD],
  ['apps/DaemonSet', WORKLOAD],
  ['batch/Job', WORKLOAD],
  ['batch/CronJob', { fields: { spec: { fields: { jobTemplate: { fields: { spec: WORKLOAD_SPEC } } } } } }],
  // no default for a Service port's protocol: kube-apiserver 1.20 refuses to apply a port without
  // one ("omits key field protocol"), and the server's answer is what the drift must show
  ['/Service', { fields: { spec: { fields: { ports: { keys: ['port', 'protocol'] } } } } }],
]);

/** The keyed lists of an object of this apiVersion and kind; undefined when it has none known. */
export function listShapeOf(apiVersion: unknown, kind: unknown): ListShape | undefined {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  const slash = apiVersion.indexOf('/');
  return SHAPES.get(`${slash < 0 ? '' : apiVersion.slice(0, slash)}/${kind}`);
}

/** An item's key, its key fields' defaults filled in, as one string; undefined when the item is not a map or lacks a key field. */
export function itemKey(item: unknown, shape: ListShape): string | undefined {
  if (!isRecord(item) || !shape.keys) return undefined;
  const key: unknown[] = [];
  for (const k of shape.keys) {
    const v = Object.prototype.hasOwnProperty.call(item, k) ? item[k] : shape.keyDefaults?.[k];
    if (v === undefined || v === null || typeof v === 'object') return undefined;
    key.push(v);
  }
  return JSON.stringify(key);
}

/**
 * Pairs each item of `a` with the live item of the same key, in order; undefined when an item of
 * either side has no key, a key is there twice, an item of `a` is not live, or the live items
 * stand in another order (what a merge would then do to the order is not worth predicting).
 */
export function pairByKey(a: readonly unknown[], live: readonly unknown[], shape: ListShape): [unknown, JsonMap][] | undefined {
  const liveAt = new Map<string, number>();
  for (let i = 0; i < live.length; i++) {
    const k = itemKey(live[i], shape);
    if (k === undefined || liveAt.has(k)) return undefined;
    liveAt.set(k, i);
  }
  const pairs: [unknown, JsonMap][] = [];
  const seen = new Set<string>();
  let last = -1;
  for (const item of a) {
    const k = itemKey(item, shape);
    if (k === undefined || seen.has(k)) return undefined;
    seen.add(k);
    const at = liveAt.get(k);
    if (at === undefined || at <= last) return undefined;
    last = at;
    pairs.push([item, live[at] as JsonMap]);
  }
  return pairs;
}

/**
 * Every value of `a` is in `live`: maps key by key, keyed lists (see `shape`) item by item by key,
 * any other list and every scalar equal as a whole.
 */
export function contains(a: unknown, live: unknown, shape?: ListShape): boolean {
  if (isRecord(a)) {
    if (!isRecord(live)) return false;
    for (const [k, v] of Object.entries(a)) {
      if (!Object.prototype.hasOwnProperty.call(live, k) || !contains(v, live[k], shape?.fields?.[k])) return false;
    }
    return true;
  }
  if (Array.isArray(a) && shape?.keys) {
    if (!Array.isArray(live)) return false;
    const pairs = pairByKey(a, live, shape);
    return pairs !== undefined && pairs.every(([item, l]) => contains(item, l, shape.item));
  }
  return deepEqual(a, live);
}
