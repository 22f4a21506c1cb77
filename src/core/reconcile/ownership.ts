/**
 * Which live objects a target owns (what a prune would delete), and the tracking metadata a sync
 * sets on what it applies. One place for both, so the drift view and the sync agree.
 *
 * Argo CD targets: the instance label (`application.instanceLabelKey`, default
 * `app.kubernetes.io/instance`: `<app>`, tracking method `label`), or the annotation
 * `argocd.argoproj.io/tracking-id: <app>:<group>/<kind>:<namespace>/<name>` (`annotation`, and
 * `annotation+label`, where the label is written too); with the method unknown, either. This extension's targets: the label
 * `tanzu-gitops.io/target` and the annotation `tanzu-gitops.io/tracking-id` in Argo CD's format.
 *
 * Invariant (as Argo CD): an object with ownerReferences is never owned by a target (it is a
 * child some controller made, which may have copied the labels), and a tracking annotation that
 * names another object was copied, not set by a sync: neither is ever Extra.
 */
import type { KubeObject } from '../diff/types';
import { clone } from '../diff/json';
import type { ResourceRef } from './identity';
import { isRecord } from '../json';

export const ARGOCD_INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const ARGOCD_TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';
export const TANZU_TARGET_LABEL = 'tanzu-gitops.io/target';
export const TANZU_TRACKING_ANNOTATION = 'tanzu-gitops.io/tracking-id';

export const TANZU_PATH_ANNOTATION = 'tanzu-gitops.io/path';

/** Argo CD's `application.resourceTrackingMethod` (argocd-cm). */
export type ArgoTrackingMethod = 'label' | 'annotation' | 'annotation+label';

export type Ownership =
  /**
   * `trackingMethod` undefined: not known (argocd-cm unreadable), either is accepted.
   * `instanceLabelKey`: argocd-cm `application.instanceLabelKey` (default `app.kubernetes.io/instance`).
   */
  | { readonly kind: 'argocd'; readonly appName: string; readonly trackingMethod?: ArgoTrackingMethod; readonly instanceLabelKey?: string }
  /**
   * `target`: the name tracked under (the repository's owner, or a chosen name); `path`: the
   * target's folder in the repository ('' the top), recorded on what it applies, so that targets
   * of one repository never own (nor prune) each other's objects. Without `path`, objects are
   * owned by name alone.
   */
  | { readonly kind: 'tanzu-gitops'; readonly target: string; readonly path?: string };

/** The value of `tanzu-gitops.io/path` for a target's folder ('.' for the top). */
export function pathAnnotationValue(path: string): string {
  return path === '' ? '.' : path;
}

/**
 * Whether a live object is on the target's path: it records this path, or (applied by builds
 * that tracked one target per repository) records none and the target is the whole repository.
 */
function onPath(annotations: Record<string, unknown>, ownership: Extract<Ownership, { kind: 'tanzu-gitops' }>): boolean {
  if (ownership.path === undefined) return true;
  const recorded = annotations[TANZU_PATH_ANNOTATION];
  return recorded === undefined ? ownership.path === '' : recorded === pathAnnotationValue(ownership.path);
}

/** Argo CD's tracking on a live object (its label or annotation), or undefined: such an object is Argo CD's to prune. */
export function argoTracking(live: KubeObject | undefined): string | undefined {
  const meta = live?.metadata;
  const labels = stringMap(meta, 'labels');
  const annotations = stringMap(meta, 'annotations');
  if (typeof annotations[ARGOCD_TRACKING_ANNOTATION] === 'string') return `annotation ${ARGOCD_TRACKING_ANNOTATION}`;
  if (typeof labels[ARGOCD_INSTANCE_LABEL] === 'string') return `label ${ARGOCD_INSTANCE_LABEL}`;
  return undefined;
}

/** Why a tanzu-gitops target does not own a live object by its path (undefined: it does). */
export function pathRefusal(live: KubeObject | undefined, ownership: Ownership): string | undefined {
  if (ownership.kind !== 'tanzu-gitops' || onPath(stringMap(live?.metadata, 'annotations'), ownership)) return undefined;
  const recorded = stringMap(live?.metadata, 'annotations')[TANZU_PATH_ANNOTATION];
  return recorded === undefined
    ? `applied for the whole repository (no ${TANZU_PATH_ANNOTATION}), not by this target of ${pathAnnotationValue(ownership.path ?? '')}`
    : `applied by the target of ${String(recorded)}, not this one (${pathAnnotationValue(ownership.path ?? '')})`;
}

type Id = Pick<ResourceRef, 'group' | 'kind' | 'namespace' | 'name'>;

/** Argo CD's tracking id format: `<app>:<group>/<kind>:<namespace>/<name>`. */
export function trackingId(owner: string, id: Id): string {
  return `${owner}:${id.group}/${id.kind}:${id.namespace}/${id.name}`;
}

/**
 * The value of `tanzu-gitops.io/target` for a target name: the name itself when it is a valid
 * label value (63 characters at most, alphanumerics, '-', '_', '.'), else a valid form of it with
 * a short hash, so different names stay different.
 */
export function targetLabelValue(target: string): string {
  if (/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(target) && target.length <= 63) return target;
  const hash = fnv1a(target);
  const base = target.replace(/[^-A-Za-z0-9_.]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 54).replace(/[^A-Za-z0-9]+$/, '');
  return base ? `${base}-${hash}` : hash;
}

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The labels and annotations a sync of this target sets on an object. Empty when Argo CD's method is unknown. */
export function trackingFor(id: Id, ownership: Ownership): { labels: Record<string, string>; annotations: Record<string, string> } {
  if (ownership.kind === 'tanzu-gitops') {
    return {
      labels: { [TANZU_TARGET_LABEL]: targetLabelValue(ownership.target) },
      annotations: {
        [TANZU_TRACKING_ANNOTATION]: trackingId(ownership.target, id),
        ...(ownership.path !== undefined ? { [TANZU_PATH_ANNOTATION]: pathAnnotationValue(ownership.path) } : {}),
      },
    };
  }
  const label = { [instanceLabelKey(ownership)]: ownership.appName };
  const annotation = { [ARGOCD_TRACKING_ANNOTATION]: trackingId(ownership.appName, id) };
  if (ownership.trackingMethod === 'label') return { labels: label, annotations: {} };
  if (ownership.trackingMethod === 'annotation') return { labels: {}, annotations: annotation };
  if (ownership.trackingMethod === 'annotation+label') return { labels: label, annotations: annotation };
  return { labels: {}, annotations: {} };
}

/**
 * The object as a sync would apply it: namespace set from its identity (removed for cluster-scoped
 * kinds) and the target's tracking metadata added. The cluster layer dry-runs exactly this.
 */
export function objectToApply(obj: KubeObject, id: Id, ownership: Ownership): KubeObject {
  const out = clone(obj);
  const meta: Record<string, unknown> = isRecord(out.metadata) ? out.metadata : (out.metadata = {});
  if (id.namespace) meta.namespace = id.namespace;
  else delete meta.namespace;
  const { labels, annotations } = trackingFor(id, ownership);
  if (Object.keys(labels).length) meta.labels = { ...(isRecord(meta.labels) ? meta.labels : {}), ...labels };
  if (Object.keys(annotations).length) meta.annotations = { ...(isRecord(meta.annotations) ? meta.annotations : {}), ...annotations };
  return out;
}

function stringMap(meta: unknown, key: 'labels' | 'annotations'): Record<string, unknown> {
  return isRecord(meta) && isRecord(meta[key]) ? meta[key] : {};
}

/** True when the target owns this live object (it would be pruned were it not in Git). */
export function isOwnedBy(live: KubeObject, id: Id, ownership: Ownership): boolean {
  const meta = live.metadata;
  if (isRecord(meta) && Array.isArray(meta.ownerReferences) && meta.ownerReferences.length > 0) return false;
  const labels = stringMap(meta, 'labels');
  const annotations = stringMap(meta, 'annotations');
  if (ownership.kind === 'tanzu-gitops') {
    if (labels[TANZU_TARGET_LABEL] !== targetLabelValue(ownership.target)) return false;
    // Argo CD's objects are Argo CD's, whatever else they carry
    if (argoTracking(live)) return false;
    if (!onPath(annotations, ownership)) return false;
    const tid = annotations[TANZU_TRACKING_ANNOTATION];
    return tid === undefined || refersTo(tid, ownership.target, id);
  }
  const byLabel = labels[instanceLabelKey(ownership)] === ownership.appName;
  const byAnnotation = refersTo(annotations[ARGOCD_TRACKING_ANNOTATION], ownership.appName, id);
  if (ownership.trackingMethod === 'label') return byLabel;
  // annotation+label: the annotation decides, the label is informative (Argo CD's GetAppName)
  if (ownership.trackingMethod === 'annotation' || ownership.trackingMethod === 'annotation+label') return byAnnotation;
  // unknown: an annotation, when there is one, decides; another Application's object is never ours
  return typeof annotations[ARGOCD_TRACKING_ANNOTATION] === 'string' ? byAnnotation : byLabel;
}

/** The label an Argo CD target's label tracking uses. */
export function instanceLabelKey(ownership: Extract<Ownership, { kind: 'argocd' }>): string {
  return ownership.instanceLabelKey || ARGOCD_INSTANCE_LABEL;
}

/**
 * True when a tracking id names this owner and this object. As Argo CD's isSelfReferencedObj, the
 * namespace of a cluster-scoped object's id is not checked (Argo CD writes the destination's there).
 */
export function refersTo(value: unknown, owner: string, id: Id): boolean {
  if (typeof value !== 'string' || !value.startsWith(`${owner}:`)) return false;
  const m = /^([^/]*)\/([^:]*):([^/]*)\/(.+)$/.exec(value.slice(owner.length + 1));
  if (!m) return false;
  const [, group, kind, namespace, name] = m;
  return group === id.group && kind === id.kind && name === id.name && (namespace === id.namespace || id.namespace === '');
}

/**
 * The object to apply with the live tracking annotation kept where it already names this object
 * (Argo CD writes cluster-scoped ids its own way): changes `applied` in place and returns it.
 *
 * `source` is the file (repository-relative) that defines the object. An object a sync of a
 * folder below the target's path applied (same owner, `tanzu-gitops.io/path` naming that folder,
 * which holds `source`) is found again by its path: it stays that folder's, compared and applied
 * with the folder's path, so the whole repository's target sees it Synced and never takes it over.
 */
export function alignTracking(applied: KubeObject, live: KubeObject | undefined, id: Id, ownership: Ownership, source?: string): KubeObject {
  const liveMeta = live?.metadata;
  const liveAnn = isRecord(liveMeta) && isRecord(liveMeta.annotations) ? liveMeta.annotations : undefined;
  const ann = isRecord(applied.metadata) && isRecord(applied.metadata.annotations) ? applied.metadata.annotations : undefined;
  if (!liveAnn || !ann) return applied;
  const owner = ownership.kind === 'argocd' ? ownership.appName : ownership.target;
  for (const k of Object.keys(trackingFor(id, ownership).annotations)) {
    if (liveAnn[k] !== ann[k] && refersTo(liveAnn[k], owner, id)) ann[k] = liveAnn[k];
  }
  const folder = source !== undefined ? subFolderPath(live, ownership, source) : undefined;
  if (folder !== undefined) ann[TANZU_PATH_ANNOTATION] = folder;
  return applied;
}

/**
 * The folder below the target's path that applied `live` (its `tanzu-gitops.io/path`), when the
 * target's owner applied it and that folder holds `source`; else undefined.
 */
export function subFolderPath(live: KubeObject | undefined, ownership: Ownership, source: string): string | undefined {
  if (ownership.kind !== 'tanzu-gitops' || ownership.path === undefined) return undefined;
  if (stringMap(live?.metadata, 'labels')[TANZU_TARGET_LABEL] !== targetLabelValue(ownership.target)) return undefined;
  const recorded = stringMap(live?.metadata, 'annotations')[TANZU_PATH_ANNOTATION];
  if (typeof recorded !== 'string' || recorded === '.' || recorded === pathAnnotationValue(ownership.path)) return undefined;
  const inside = ownership.path === '' || recorded.startsWith(`${ownership.path}/`);
  return inside && source.startsWith(`${recorded}/`) ? recorded : undefined;
}
