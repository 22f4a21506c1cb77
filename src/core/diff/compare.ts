/**
 * One resource, compared: normalise both sides, find the changes, and render the diff when it
 * is worth showing. The reconcile layer calls this once per resource.
 *
 * Tracking alone is not a difference: when the only changes are tracking keys the live object
 * lacks (`trackingPaths`, added by a sync), the sides are equal and the object `untracked` (the
 * next sync adopts it), and those keys are left out of any text, so no hunk shows them.
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
    jqPaths: input.jqPaths,
  });
  const both = !!pair.git && !!pair.live;
  let changes = both ? changesBetween(pair.live, pair.git) : [];
  let gitSide = pair.git;
  const tracking = input.trackingPaths;
  const untracked = !!tracking && changes.length > 0 && changes.every((c) => c.kind === 'added' && tracking.has(c.path));
  if (untracked && gitSide) {
    gitSide = withoutTracking(gitSide, changes);
    changes = [];
  }
  const equal = both && changes.length === 0;
  const orderRef = input.orderRef ? pair.masker.mask(input.orderRef) : undefined;
  const diff = !equal || input.alwaysRender
    ? renderDiff(input.name, pair.live, gitSide, { orderRef, contextLines: input.options?.contextLines, changes })
    : undefined;
  return { equal, untracked, mode: pair.mode, changes, diff, masker: pair.masker };
}

/** A copy of the Git side without the tracking keys of `added` (all under metadata.labels/annotations). */
function withoutTracking(git: KubeObject, added: readonly Change[]): KubeObject {
  const meta = isRecord(git.metadata) ? { ...git.metadata } : {};
  for (const field of ['labels', 'annotations'] as const) {
    const m = meta[field];
    if (!isRecord(m)) continue;
    const kept = Object.fromEntries(Object.entries(m).filter(([k]) => !added.some((c) => c.path === formatPath([{ key: 'metadata' }, { key: field }, { key: k }]))));
    if (Object.keys(kept).length > 0) meta[field] = kept;
    else delete meta[field];
  }
  return { ...git, metadata: meta };
}
