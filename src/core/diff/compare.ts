/**
 * One resource, compared: normalise both sides, find the changes, and render the diff when it
 * is worth showing. The reconcile layer calls this once per resource.
 */
import { changesBetween } from './changes';
import { normalisePair } from './normalise';
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
}

export interface Comparison {
  /** Both sides present and equal after normalisation. */
  readonly equal: boolean;
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
  });
  const both = !!pair.git && !!pair.live;
  const changes = both ? changesBetween(pair.live, pair.git) : [];
  const equal = both && changes.length === 0;
  const orderRef = input.orderRef ? pair.masker.mask(input.orderRef) : undefined;
  const diff = !equal || input.alwaysRender
    ? renderDiff(input.name, pair.live, pair.git, { orderRef, contextLines: input.options?.contextLines, changes })
    : undefined;
  return { equal, mode: pair.mode, changes, diff, masker: pair.masker };
}
