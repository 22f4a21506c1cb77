/**
 * One resource, compared: normalise both sides, find the changes, and render the diff when it
 * is worth showing. The reconcile layer calls this once per resource.
 *
 * Tracking alone is not a difference: when the only changes are tracking keys the live object
 * lacks (`trackingPaths`, added by a sync), the sides are equal and the object `untracked` (the
 * next sync adopts it). The texts never show tracking keys: they are left out of both sides (the
 * Git side reads as Git holds it, without a target name or a local path), and the changes to
 * them are listed apart, in the diff's `tracking`, so no hunk shows them.
 */
import { changesBetween, formatPath } from './changes';
import { isRecord } from '../json';
import { normalisePair, type NormaliseInput } from './normalise';
import type { SecretMasker } from './secrets';
import type { Change, DiffOptions, KubeObject, ObjectRef, ResourceDiff } from './types';
import { renderDiff } from './unified';

export interface CompareInput {
  readonly ref: ObjectRef;
  /** A name for diff headers, e.g. `TanzuKubernetesCluster.run.tanzu.vmware.com/ns-1/tkc-1`. */
  readonly name: string;
  /** The Git object as a sync would apply it; undefined for a live object not in Git. */
  readonly git?: KubeObject;
  /** Server-side dry-run result of applying `git`; undefined offline. */
  readonly desired?: KubeObject;
  readonly live?: KubeObject;
  readonly options?: DiffOptions;
  /** Key order for the texts (the Git object as written); default: the Git side. */
  readonly orderRef?: KubeObject;
  /** Render texts and diff even when both sides are equal (default: only when they differ). */
  readonly alwaysRender?: boolean;
  /** The paths jqPathExpressions select on the Git side (`desired` when given) and the live side. */
  readonly jqPaths?: NormaliseInput['jqPaths'];
  /** Change paths of the tracking metadata a sync sets (`metadata.labels["tanzu-gitops.io/target"]`). */
  readonly trackingPaths?: ReadonlySet<string>;
}

export interface Comparison {
  /** Both sides present and equal after normalisation. */
  readonly equal: boolean;
  /** Equal apart from tracking keys the live object lacks (see the module header). */
  readonly untracked: boolean;
  readonly mode: 'dry-run' | 'offline';
  readonly changes: readonly Change[];
  /** Present when the sides differ, when one is absent, or when asked for. */
  readonly diff?: ResourceDiff;
  /** Masks the raw objects handed on (Secrets) the same way the diff is masked. */
  readonly masker: SecretMasker;
}

export function compareResource(input: CompareInput): Comparison {
  const pair = normalisePair({
    ref: input.ref,
    git: input.git,
    desired: input.desired,
    live: input.live,
    ignoreDifferences: input.options?.ignoreDifferences,
    compareOptions: input.options?.compareOptions,
    jqPaths: input.jqPaths,
  });
  const both = !!pair.git && !!pair.live;
  let changes = both ? changesBetween(pair.live, pair.git) : [];
  const paths = input.trackingPaths ?? new Set<string>();
  const isTracking = (c: Change) => paths.has(c.path);
  const untracked = paths.size > 0 && changes.length > 0 && changes.every((c) => c.kind === 'added' && isTracking(c));
  if (untracked) changes = [];
  const equal = both && changes.length === 0;
  let diff: ResourceDiff | undefined;
  if (!equal || input.alwaysRender) {
    // a create: the tracking it would set; else what the sync would add or change
    const tracking = !pair.live && pair.git ? trackingOn(pair.git, paths) : changes.filter(isTracking);
    const orderRef = input.orderRef ? pair.masker.mask(input.orderRef) : undefined;
    diff = {
      ...renderDiff(input.name, pair.live && withoutKeys(pair.live, paths), pair.git && withoutKeys(pair.git, paths), {
        orderRef, contextLines: input.options?.contextLines, changes: changes.filter((c) => !isTracking(c)),
      }),
      ...(tracking.length ? { tracking } : {}),
    };
  }
  return { equal, untracked, mode: pair.mode, changes, diff, masker: pair.masker };
}

/** The tracking keys an object carries, as changes a create would make. */
function trackingOn(obj: KubeObject, paths: ReadonlySet<string>): Change[] {
  const out: Change[] = [];
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  for (const field of ['labels', 'annotations'] as const) {
    const m = meta[field];
    if (!isRecord(m)) continue;
    for (const [k, v] of Object.entries(m)) {
      const path = formatPath([{ key: 'metadata' }, { key: field }, { key: k }]);
      if (paths.has(path)) out.push({ path, kind: 'added', git: v });
    }
  }
  return out;
}

/** A copy of an object without the tracking keys (all under metadata.labels/annotations). */
function withoutKeys(obj: KubeObject, paths: ReadonlySet<string>): KubeObject {
  if (paths.size === 0 || !isRecord(obj.metadata)) return obj;
  const meta = { ...obj.metadata };
  for (const field of ['labels', 'annotations'] as const) {
    const m = meta[field];
    if (!isRecord(m)) continue;
    const kept = Object.fromEntries(Object.entries(m).filter(([k]) => !paths.has(formatPath([{ key: 'metadata' }, { key: field }, { key: k }]))));
    if (Object.keys(kept).length > 0) meta[field] = kept;
    else delete meta[field];
  }
  return { ...obj, metadata: meta };
}
