/**
 * What a sync plan is: per resource an action, grouped into waves that run one after the other,
 * the guards that block it, and what must be confirmed. Built by plan.ts (pure), executed by
 * src/sync/apply.ts, shown by the editor and the command line.
 *
 * Invariant: a plan never shows a Secret value. The objects a sync sends (which hold them) are in
 * `payloads`, a Map that JSON.stringify writes as `{}`; items carry only the drift's masked diff.
 */
import type { KubeObject, ResourceDiff } from '../diff/types';
import type { ResourceRef } from '../reconcile/identity';
import type { Ownership } from '../reconcile/ownership';
import type { FieldConflict, SourceRef, SyncStatus } from '../reconcile/types';
import type { Range } from '../types';

/**
 * The field manager of everything this tool applies, and of the dry-runs drift compares with: the
 * two must agree, or a no-op apply would show as drift.
 */
export const FIELD_MANAGER = 'tanzu-gitops';

/**
 * create: not live; update: live and different; unchanged: live and equal (nothing is sent);
 * delete: pruned (only with prune, only what the target tracks);
 * apply: the live state could not be read (its kind is not served yet, e.g. its CRD is in this
 * sync, or listing it is forbidden): sent as is, the server decides;
 * conflict: live and different, and fields Git sets are owned by other field managers (the dry run
 * without force answered 409): not applied unless conflicts are forced (then: update).
 */
export type SyncAction = 'create' | 'update' | 'unchanged' | 'delete' | 'apply' | 'conflict';

export interface PlanItem extends ResourceRef {
  /** `group/kind/namespace/name` (keyOf). */
  readonly key: string;
  readonly action: SyncAction;
  /** The drift status the action comes from. */
  readonly status: SyncStatus;
  /** Its `argocd.argoproj.io/sync-wave` (0 when absent). */
  readonly wave: number;
  /** The Git document (absent for deletes). */
  readonly source?: SourceRef;
  /** Why, when there is more to say: a dry-run refusal, an unknown live state, a confirmation. */
  readonly note?: string;
  /** The drift's diff (Secrets masked). */
  readonly diff?: ResourceDiff;
  /** Deletes only: must be confirmed one by one (`Delete=confirm` / `Prune=confirm`, a Namespace). */
  readonly needsConfirmation?: string;
  /** Deletes of a TanzuKubernetesCluster or Cluster: the name to type to confirm. */
  readonly destructive?: { readonly confirmText: string; readonly message: string };
  /** Fields other managers own that this apply takes (action conflict, or update when forced). */
  readonly conflicts?: readonly FieldConflict[];
  /** Not sent, and why: the user may not do it, and a partial sync was asked for. */
  readonly skip?: string;
}

/** What the user may not do, by kind and namespace (a SelfSubjectAccessReview, or a dry run's 403). */
export interface Denial {
  /** patch, create or delete. */
  readonly verb: string;
  readonly group: string;
  readonly kind: string;
  /** '' at the cluster scope. */
  readonly namespace: string;
  /** The server's reason, when it gave one. */
  readonly reason?: string;
}

export type WavePhase = 'namespaces' | 'crds' | 'wave' | 'prune';

/** Resources that run together; a wave starts only when the one before succeeded. */
export interface PlanWave {
  readonly phase: WavePhase;
  /** The sync-wave number for phase 'wave'; 0 for the others. */
  readonly wave: number;
  /** "Namespaces", "CRDs", "wave 0", "prune". */
  readonly label: string;
  readonly items: readonly PlanItem[];
}

/** What blocks a sync: an error of the validator's rules on a document the sync would send, or why the plan cannot be trusted. */
export interface Blocker {
  /** The rule id (immutable-field, control-plane-scale-in, ...), or yaml-syntax, unread, defined-twice, stale, not-compared, unreachable. */
  readonly code: string;
  readonly message: string;
  /** Where, when it is about a document. */
  readonly file?: string;
  /** The finding's range in the file (0-based); absent when only the document's line is known. */
  readonly range?: Range;
  /** 0-based line (the range's start, or the document's first line). */
  readonly line?: number;
  readonly key?: string;
}

/** A live object the target owns that is not in Git and is not deleted, with why. */
export interface KeptObject {
  readonly key: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly reason: string;
}

export interface SyncPlan {
  readonly target: { readonly name: string; readonly namespace: string; readonly ownership: Ownership };
  /** The context the plan was made against. */
  readonly context?: string;
  /** Every item in the order it runs (the waves, flattened). */
  readonly items: readonly PlanItem[];
  readonly waves: readonly PlanWave[];
  readonly counts: Readonly<Record<SyncAction, number>>;
  readonly prune: boolean;
  /** True when any blocker: nothing may be sent. */
  readonly blocked: boolean;
  readonly blockers: readonly Blocker[];
  /** Findings that do not block (warning-level rule findings, unusual annotations). */
  readonly warnings: readonly string[];
  /** Extra objects left in place, and why. */
  readonly kept: readonly KeptObject[];
  /** The context is a protected one: a second confirmation is needed. */
  readonly protected: boolean;
  /** Items not sent (`skip`): the user may not do them, and a partial sync was asked for. */
  readonly partial: boolean;
  /** Deletes that delete a cluster: each needs its name typed. */
  readonly destructive: readonly PlanItem[];
  /** True when nothing would change. */
  readonly empty: boolean;
  /** The objects to send, by key (tracking metadata set). Holds Secret values: never display or log it. */
  readonly payloads: ReadonlyMap<string, KubeObject>;
}
