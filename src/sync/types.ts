/**
 * What a sync reports, resource by resource: for the editor's progress, output channel and
 * diagnostics (a 422's causes map to ranges with resultFindings), and the command line's output.
 */
import type { ClusterErrorKind, FieldCause } from '../cluster/errors';
import type { ResourceRef } from '../core/reconcile/identity';
import type { FieldConflict, SourceRef } from '../core/reconcile/types';
import type { SyncAction } from '../core/sync/types';

/**
 * applied: created or updated (or would be, in a dry run); unchanged: in sync, nothing sent;
 * failed: the server refused it or did not answer; skipped: not started (an earlier wave failed,
 * the sync was cancelled or interrupted, a delete was not confirmed); deleted: pruned.
 */
export type Outcome = 'applied' | 'unchanged' | 'failed' | 'skipped' | 'deleted';

export type { FieldConflict };

export interface ResourceResult extends ResourceRef {
  readonly key: string;
  readonly action: SyncAction;
  /** The wave's label: Namespaces, CRDs, wave N, prune. */
  readonly wave: string;
  readonly outcome: Outcome;
  readonly message: string;
  /** The Git document, for "go to" and for mapping causes to ranges. */
  readonly source?: SourceRef;
  /** 409 FieldManagerConflict: the fields and who owns them (not forced unless forceConflicts). */
  readonly conflicts?: readonly FieldConflict[];
  /** 422: the server's field causes (path arrays the editor maps to ranges). */
  readonly causes?: readonly FieldCause[];
  /** The failure's kind, when failed. */
  readonly error?: ClusterErrorKind;
  /** Failed with the request sent and no answer (timeout, connection closed): whether the server did it is not known. */
  readonly stateUnknown?: boolean;
  /** HTTP status of the failure, when there was one. */
  readonly status?: number;
  readonly durationMs: number;
}

/** succeeded: nothing failed (deletes that were not confirmed are kept and said so). */
export type SyncOutcome = 'succeeded' | 'failed' | 'cancelled' | 'blocked';

export interface SyncReport {
  readonly outcome: SyncOutcome;
  /** One paragraph for people: what was done, what was not, what to do next. */
  readonly message: string;
  readonly dryRun: boolean;
  readonly forced: boolean;
  /** Every item of the plan, in plan order. */
  readonly results: readonly ResourceResult[];
  readonly counts: Readonly<Record<Outcome, number>>;
  /** Whether the prune wave ran (only when every apply succeeded). */
  readonly pruneRan: boolean;
  /** Set when the Supervisor stopped answering (or the credentials failed) in the middle. */
  readonly interrupted?: string;
  readonly startedAt: string;
  readonly durationMs: number;
}
