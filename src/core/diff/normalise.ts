/**
 * What is compared. Two modes:
 *
 * - With the server-side dry-run result (`desired`: what applying the Git object would leave on
 *   the server): desired versus live, both whole, both as the server holds them. Defaults,
 *   webhooks and other managers' fields are on both sides, so only what an apply would change
 *   differs (as `kubectl diff --server-side`).
 * - Offline (no dry-run): the Git object versus the live object restricted to the fields Git
 *   specifies, as Argo CD's two-way diff (`RemoveMapFields`): maps keep only keys Git has; lists
 *   are compared item by item by index (length and order count; an item keeps only Git's keys,
 *   so fields the server defaults inside list items, e.g. `nodePools[].tkr`, are not drift).
 *
 * Always dropped, on both sides: `status` (unless Argo CD's `resource.compareoptions` keep it and
 * Git sets one: then Git's status is compared with the live one); metadata.managedFields, resourceVersion, uid,
 * generation, creationTimestamp, selfLink, deletionTimestamp, deletionGracePeriodSeconds; the
 * annotation `kubectl.kubernetes.io/last-applied-configuration`; metadata.namespace of
 * cluster-scoped objects; labels/annotations maps left empty. Kept on purpose: ownerReferences,
 * finalizers, and the tracking label/annotation (the Git side carries the tracking a sync would
 * set; compare.ts decides that tracking the live object merely lacks is not drift).
 * Then ignoreDifferences (ignore.ts), then Secret masking (secrets.ts), last: nothing after this
 * module ever sees a Secret value.
 */
import { applyIgnores, ignoresFor, removePaths } from './ignore';
import { clone, setKey } from './json';
import { foldStringData, isSecret, LAST_APPLIED, SecretMasker } from './secrets';
import type { ArgoCompareOptions, IgnoreDifference, JqPath, KubeObject, ObjectRef } from './types';
import { isRecord } from '../json';

export const DROPPED_METADATA: readonly string[] = [
  'managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink',
  'deletionTimestamp', 'deletionGracePeriodSeconds',
];
export const DROPPED_ANNOTATIONS: readonly string[] = [LAST_APPLIED];

/** A copy without what the server owns (see the module header). */
export function dropServerFields(obj: KubeObject, ref?: Pick<ObjectRef, 'namespace'>): KubeObject {
  const out = isSecret(obj) ? foldStringData(obj) : clone(obj);
  delete out.status;
  const meta = out.metadata;
  if (isRecord(meta)) {
    for (const k of DROPPED_METADATA) delete meta[k];
    if (ref && ref.namespace === '') delete meta.namespace;
    if (isRecord(meta.annotations)) for (const k of DROPPED_ANNOTATIONS) delete meta.annotations[k];
    for (const k of ['labels', 'annotations']) {
      const m = meta[k];
      if (m === null || (isRecord(m) && Object.keys(m).length === 0)) delete meta[k];
    }
  }
  return out;
}

/** The live value restricted to what Git specifies (Argo CD's RemoveMapFields / RemoveListFields). */
export function restrictTo(live: unknown, git: unknown): unknown {
  if (isRecord(git) && isRecord(live)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(git)) {
      if (Object.prototype.hasOwnProperty.call(live, k)) setKey(out, k, restrictTo(live[k], git[k]));
    }
    return out;
  }
  if (Array.isArray(git) && Array.isArray(live)) {
    return live.map((v, i) => (i < git.length ? restrictTo(v, git[i]) : v));
  }
  return live;
}

export interface NormaliseInput {
  readonly ref: ObjectRef;
  /** The Git object as a sync would apply it (namespace and tracking set). */
  readonly git?: KubeObject;
  /** The server-side dry-run result of applying `git`. */
  readonly desired?: KubeObject;
  /** The live object, raw (its managedFields serve managedFieldsManagers). */
  readonly live?: KubeObject;
  readonly ignoreDifferences?: readonly IgnoreDifference[];
  readonly compareOptions?: ArgoCompareOptions;
  /** The paths jqPathExpressions select on the Git side (desired when given, else git) and on the live side. */
  readonly jqPaths?: { readonly git?: readonly JqPath[]; readonly live?: readonly JqPath[] };
}

export interface NormalisedPair {
  /** The Git side as compared (desired when given); undefined when not in Git. */
  readonly git?: KubeObject;
  readonly live?: KubeObject;
  readonly mode: 'dry-run' | 'offline';
  /** Masks any other form of these objects the same way (the raw ones handed to the editor). */
  readonly masker: SecretMasker;
}

/** Both sides of one resource, ready to compare and to show. */
export function normalisePair(input: NormaliseInput): NormalisedPair {
  const masker = new SecretMasker([input.git, input.live, input.desired]);
  const gitSide = input.desired ?? input.git;
  let [git, live] = [gitSide && dropServerFields(gitSide, input.ref), input.live && dropServerFields(input.live, input.ref)];
  if (input.compareOptions) applyCompareOptions(input, git, live);
  const ignores = ignoresFor(input.ref, input.ignoreDifferences);
  if (ignores.length) [git, live] = applyIgnores([git, live], ignores, input.live);
  if (git && input.jqPaths?.git?.length) removePaths(git, input.jqPaths.git);
  if (live && input.jqPaths?.live?.length) removePaths(live, input.jqPaths.live);
  const mode = input.desired ? 'dry-run' : 'offline';
  if (mode === 'offline' && git && live) live = restrictTo(live, git) as KubeObject;
  return { git: masker.mask(git), live: masker.mask(live), mode, masker };
}

/**
 * `resource.compareoptions` on both sides (already without server fields): a status Git sets is
 * compared when the option does not ignore this kind's (Argo CD's diff normaliser adds a `/status`
 * ignore for every kind with `all`, for CustomResourceDefinitions with `crd`, none with `none`);
 * an aggregated role's rules are left out (gitops-engine's normalizeRole).
 */
function applyCompareOptions(input: NormaliseInput, git: KubeObject | undefined, live: KubeObject | undefined): void {
  const { ref, compareOptions: o = {} } = input;
  const field = o.ignoreResourceStatusField ?? 'all';
  const isCrd = ref.group === 'apiextensions.k8s.io' && ref.kind === 'CustomResourceDefinition';
  const statusCompared = field === 'none' || (field === 'crd' && !isCrd);
  if (statusCompared && git && input.git && Object.prototype.hasOwnProperty.call(input.git, 'status')) {
    git.status = clone(input.git.status);
    if (live && input.live && Object.prototype.hasOwnProperty.call(input.live, 'status')) live.status = clone(input.live.status);
  }
  if (o.ignoreAggregatedRoles && ref.group === 'rbac.authorization.k8s.io' && (ref.kind === 'ClusterRole' || ref.kind === 'Role')) {
    for (const side of [git, live]) if (side && isRecord(side.aggregationRule)) delete side.rules;
  }
}

/**
 * Argo CD's three-way diff for a client-side applied object: what the last apply set
 * (`kubectl.kubernetes.io/last-applied-configuration`) and Git no longer has, the next apply
 * removes. Returns a copy of `desired` without those map keys (lists are replaced whole by an
 * apply, and compared whole already).
 */
export function withoutDropped(desired: KubeObject, lastApplied: unknown, git: unknown): KubeObject {
  const out = clone(desired);
  dropRemoved(out, lastApplied, git);
  return out;
}

function dropRemoved(target: unknown, last: unknown, git: unknown): void {
  if (!isRecord(target) || !isRecord(last)) return;
  const g = isRecord(git) ? git : {};
  for (const k of Object.keys(last)) {
    if (!Object.prototype.hasOwnProperty.call(g, k)) delete target[k];
    else dropRemoved(target[k], last[k], g[k]);
  }
}

/** The last-applied configuration of a live object (client-side apply), when it has one that parses. */
export function lastAppliedOf(live: KubeObject | undefined): KubeObject | undefined {
  const meta = live?.metadata;
  const raw = isRecord(meta) && isRecord(meta.annotations) ? meta.annotations[LAST_APPLIED] : undefined;
  if (typeof raw !== 'string') return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
