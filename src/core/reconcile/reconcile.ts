/**
 * Reconcile: pair Git objects with live objects by identity and give each resource a status.
 * A pure function over maps keyed by `group/kind/namespace/name`, as gitops-engine's
 * `pkg/sync/reconcile.go`; Git and the cluster are reached by the callers, never from here.
 *
 *   in Git, live, equal after normalisation       Synced     (tracked: false when only this
 *                                                             target's tracking is not there yet)
 *   in Git, live, different                       OutOfSync
 *   in Git, not live                              Missing
 *   live, owned by the target, not in Git         Extra      (what a prune would delete)
 *   live, not owned, not in Git                   not listed
 *   in Git, kind could not be listed              Unknown    (not served, forbidden, unreachable)
 *   in Git twice under one key                    Unknown    ("defined twice in Git: a.yaml:3 and b.yaml:9")
 *
 * For an Argo CD target, as Argo CD compares: hooks are not compared, a live object with
 * `compare-options: IgnoreExtraneous` is never Extra, and a field its last client-side apply set
 * that Git no longer has is a difference (three-way, from last-applied-configuration).
 */
import { formatPath } from '../diff/changes';
import { compareResource } from '../diff/compare';
import { ignoreWarnings } from '../diff/ignore';
import { lastAppliedOf, withoutDropped } from '../diff/normalise';
import { SecretMasker } from '../diff/secrets';
import type { KubeObject } from '../diff/types';
import { displayName, identityOf, keyOf, splitApiVersion, type ResourceRef } from './identity';
import { compareResources } from './order';
import { alignTracking, isOwnedBy, objectToApply, refersTo, subFolderPath, TANZU_PATH_ANNOTATION, trackingFor, type Ownership } from './ownership';
import { isRecord } from '../json';
import { healthOf, type Health } from '../health';
import { ignoresExtraneous, isHook } from '../sync/annotations';
import type { FieldConflict, GitObject, LiveEntry, ReconcileInput, ReconcileResult, ResourceStatus, SourceRef, UnknownKind, UnknownReason } from './types';

export function isUnknownKind(e: LiveEntry): e is UnknownKind {
  const o = e as KubeObject;
  return typeof o.apiVersion !== 'string' && typeof o.kind === 'string' && typeof o.reason === 'string';
}

/** `file:line`, 1-based for people. */
export function formatSource(s: SourceRef): string {
  return `${s.file}:${s.line + 1}`;
}

const UNKNOWN_TEXT: Record<UnknownReason, string> = {
  'not-served': 'kind not served by the cluster',
  forbidden: 'forbidden',
  unreachable: 'cluster unreachable',
};

function unknownReason(u: UnknownKind): string {
  return u.message ? `${UNKNOWN_TEXT[u.reason]}: ${u.message}` : UNKNOWN_TEXT[u.reason];
}

function duplicateReason(entries: readonly GitObject[]): string {
  const where = entries.map((e) => formatSource(e.source));
  const list = `${where.slice(0, -1).join(', ')} and ${where[where.length - 1]}`;
  return entries.length === 2 ? `defined twice in Git: ${list}` : `defined ${entries.length} times in Git: ${list}`;
}


export function reconcile(input: ReconcileInput): ReconcileResult {
  const { target, options } = input;
  const idOptions = { defaultNamespace: target.defaultNamespace, isNamespaced: input.isNamespaced };
  const warnings: string[] = ignoreWarnings(options.ignoreDifferences);

  const unknowns: UnknownKind[] = [];
  const live = new Map<string, { id: ResourceRef; object: KubeObject }>();
  for (const e of input.live) {
    if (isUnknownKind(e)) {
      unknowns.push(e);
      continue;
    }
    const id = identityOf(e, idOptions);
    if (id && !live.has(keyOf(id))) live.set(keyOf(id), { id, object: e });
  }

  const git = new Map<string, { id: ResourceRef; entries: GitObject[] }>();
  // Argo CD compares no hook: its Git hooks are neither Missing nor OutOfSync, its live hooks never Extra
  const argo = target.ownership.kind === 'argocd';
  for (const g of input.git) {
    if (argo && isHook(g.object)) continue;
    const id = identityOf(g.object, idOptions);
    if (!id) {
      const apiVersion = g.object.apiVersion;
      const why = typeof apiVersion === 'string' && apiVersion && !splitApiVersion(apiVersion)
        ? `apiVersion ${JSON.stringify(apiVersion)} is neither a version nor group/version`
        : 'a Kubernetes object needs apiVersion, kind and metadata.name';
      warnings.push(`${formatSource(g.source)}: not compared: ${why}.`);
      continue;
    }
    const key = keyOf(id);
    const slot = git.get(key);
    if (slot) slot.entries.push(g);
    else git.set(key, { id, entries: [g] });
  }

  const unknownFor = (id: ResourceRef) =>
    unknowns.find((u) => u.group === id.group && u.kind === id.kind && (!u.namespace || u.namespace === id.namespace));

  const out: ResourceStatus[] = [];
  for (const [key, { id, entries }] of git) {
    const liveObject = live.get(key)?.object;
    const base = { key, group: id.group, version: id.version, kind: id.kind, namespace: id.namespace, name: id.name };
    const first = entries[0];
    const unknown = unknownFor(id);
    if (entries.length > 1 || unknown) {
      const masker = new SecretMasker([first.object, liveObject]);
      out.push({
        ...base,
        status: 'Unknown',
        reason: entries.length > 1 ? duplicateReason(entries) : unknownReason(unknown as UnknownKind),
        unknownCause: entries.length > 1 ? 'defined-twice' : (unknown as UnknownKind).reason,
        git: { object: masker.mask(first.object), source: first.source },
        ...(liveObject ? { live: masker.mask(liveObject) } : {}),
      });
      continue;
    }
    const dryRunError = input.dryRunErrors?.get(key);
    let desired = dryRunError ? undefined : input.desired?.get(key);
    const applied = alignTracking(objectToApply(first.object, id, target.ownership), liveObject, id, target.ownership, first.source.file);
    const jqPaths = options.jqPaths && { git: options.jqPaths.get(desired ?? first.object), live: liveObject && options.jqPaths.get(liveObject) };
    // Argo CD: a field its last client-side apply set and Git no longer has is drift (the next apply removes it)
    const lastApplied = argo && desired ? lastAppliedOf(liveObject) : undefined;
    if (lastApplied && desired) desired = withoutDropped(desired, lastApplied, applied);
    const cmp = compareResource({ ref: id, name: displayName(id), git: applied, desired, live: liveObject, options, orderRef: first.object, trackingPaths: trackingPaths(id, target.ownership), jqPaths });
    out.push({
      ...base,
      status: !liveObject ? 'Missing' : cmp.equal ? 'Synced' : 'OutOfSync',
      ...(liveObject ? { tracked: !cmp.untracked && carriesTracking(liveObject, id, target.ownership, first.source.file) } : {}),
      ...(dryRunError ? { reason: `the server's dry-run refused it: ${dryRunError}` } : {}),
      git: { object: cmp.masker.mask(first.object), source: first.source },
      ...(liveObject ? { live: cmp.masker.mask(liveObject) } : {}),
      ...(cmp.diff ? { diff: cmp.diff } : {}),
      compared: cmp.mode,
    });
  }

  for (const [key, { id, object }] of live) {
    if (git.has(key) || !isOwnedBy(object, id, target.ownership)) continue;
    if (argo && (isHook(object) || ignoresExtraneous(object))) continue;
    const cmp = compareResource({ ref: id, name: displayName(id), live: object, options, jqPaths: { live: options.jqPaths?.get(object) } });
    out.push({
      key, group: id.group, version: id.version, kind: id.kind, namespace: id.namespace, name: id.name,
      status: 'Extra',
      live: cmp.masker.mask(object),
      ...(cmp.diff ? { diff: cmp.diff } : {}),
    });
  }

  for (const u of unknowns) {
    const where = u.namespace ? ` in namespace ${u.namespace}` : '';
    warnings.push(`${u.kind}${u.group ? `.${u.group}` : ''}${where}: ${unknownReason(u)}; objects of this kind the target owns cannot be listed, so none shows as Extra.`);
  }

  out.sort(compareResources);
  // Health from the live object as the server holds it (status is never masked).
  const resources = out.map((r) => {
    const health = r.status === 'Unknown' && !r.live ? undefined : healthOf(r.group, r.kind, r.live);
    return health ? { ...r, health } : r;
  });
  return { resources, warnings };
}

/**
 * True when the live object carries the tracking a sync of this target sets (its label, and its
 * annotation naming this object). Not ownership for prune (isOwnedBy): an object Argo CD also
 * tracks carries ours once adopted, yet a direct sync never prunes it.
 */
function carriesTracking(live: KubeObject, id: ResourceRef, ownership: Ownership, source: string): boolean {
  const meta = isRecord(live.metadata) ? live.metadata : {};
  const labels = isRecord(meta.labels) ? meta.labels : {};
  const annotations = isRecord(meta.annotations) ? meta.annotations : {};
  const owner = ownership.kind === 'argocd' ? ownership.appName : ownership.target;
  const want = trackingFor(id, ownership);
  // applied by the sync of a folder below the target's path that holds the object: tracked there
  const folder = subFolderPath(live, ownership, source);
  if (folder !== undefined) want.annotations[TANZU_PATH_ANNOTATION] = folder;
  if (Object.keys(want.labels).length === 0 && Object.keys(want.annotations).length === 0) return isOwnedBy(live, id, ownership);
  return Object.entries(want.labels).every(([k, v]) => labels[k] === v)
    && Object.entries(want.annotations).every(([k, v]) => annotations[k] === v || refersTo(annotations[k], owner, id));
}

/** The change paths (core/diff/changes.ts) of the tracking metadata a sync of this target sets. */
export function trackingPaths(id: ResourceRef, ownership: Ownership): ReadonlySet<string> {
  const { labels, annotations } = trackingFor(id, ownership);
  return new Set([
    ...Object.keys(labels).map((k) => formatPath([{ key: 'metadata' }, { key: 'labels' }, { key: k }])),
    ...Object.keys(annotations).map((k) => formatPath([{ key: 'metadata' }, { key: 'annotations' }, { key: k }])),
  ]);
}

export interface ResourceRecord extends ResourceRef {
  readonly status: string;
  readonly diff: string;
  /** In Git and live: whether the live object carries this target's tracking. */
  readonly tracked?: boolean;
  readonly reason?: string;
  /** Fields other managers own that Git sets differently: a sync takes them only when forced. */
  readonly conflicts?: readonly FieldConflict[];
  /** Health beside sync, for kinds with a health check: `{status, message?, since?}`. */
  readonly health?: Health;
}

/** The command line's JSON record of a resource: `{group, version, kind, namespace, name, status, diff}` (+ tracked, reason). */
export function toRecord(s: ResourceStatus): ResourceRecord {
  return {
    group: s.group, version: s.version, kind: s.kind, namespace: s.namespace, name: s.name,
    status: s.status, diff: s.diff?.unified ?? '',
    ...(s.tracked !== undefined ? { tracked: s.tracked } : {}),
    ...(s.reason ? { reason: s.reason } : {}),
    ...(s.conflicts?.length ? { conflicts: s.conflicts } : {}),
    ...(s.health ? { health: s.health } : {}),
  };
}
