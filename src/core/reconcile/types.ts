/**
 * What reconcile takes and gives. The Git layer supplies GitObjects, the cluster layer the live
 * objects (or, per kind, why it could not list them) and the dry-run results; the editor and the
 * command line read ResourceStatuses.
 *
 * Invariant: a ResourceStatus never holds a Secret value: `git.object`, `live` and every text
 * of `diff` are masked (see core/diff/secrets.ts).
 */
import type { DiffOptions, KubeObject, ResourceDiff } from '../diff/types';
import type { IsNamespaced, ResourceRef } from './identity';
import type { Ownership } from './ownership';
import type { Health } from '../health';

export interface SourceRef {
  readonly file: string;
  /** 0-based line of the document's first line in the file (as every position in core). */
  readonly line: number;
}

export interface GitObject {
  readonly object: KubeObject;
  readonly source: SourceRef;
}

export type UnknownReason = 'not-served' | 'forbidden' | 'unreachable';

/** In `live`, in place of a kind's objects: the kind could not be listed. */
export interface UnknownKind {
  readonly group: string;
  readonly kind: string;
  /** Only this namespace could not be listed; absent: the kind everywhere. */
  readonly namespace?: string;
  readonly reason: UnknownReason;
  readonly message: string;
}

export type LiveEntry = KubeObject | UnknownKind;

export interface Target {
  readonly name: string;
  /** Namespace of Git objects that name none (the Application's destination, or the context's). */
  readonly defaultNamespace: string;
  readonly ownership: Ownership;
}

export interface ReconcileInput {
  readonly git: readonly GitObject[];
  readonly live: readonly LiveEntry[];
  /**
   * Server-side dry-run results by key (`keyOf`): what applying `objectToApply(git)` would leave
   * on the server. Absent when the server was not reachable; then comparison is offline.
   */
  readonly desired?: ReadonlyMap<string, KubeObject>;
  /** Dry-runs the server refused, by key, with its message: compared offline, the message kept as reason. */
  readonly dryRunErrors?: ReadonlyMap<string, string>;
  readonly target: Target;
  readonly options: DiffOptions;
  /** Scope of kinds, from discovery (default: `defaultIsNamespaced`). */
  readonly isNamespaced?: IsNamespaced;
}

/** A field another field manager owns that applying Git's value would take (a server-side apply conflict). */
export interface FieldConflict {
  /** As the server names it, e.g. `.data.key` or `.spec.topology.controlPlane.replicas`. */
  readonly field: string;
  readonly manager: string;
}

export type SyncStatus = 'Synced' | 'OutOfSync' | 'Missing' | 'Extra' | 'Unknown';

export interface ResourceStatus extends ResourceRef {
  /** `group/kind/namespace/name` (keyOf). */
  readonly key: string;
  readonly status: SyncStatus;
  /** Why: for Unknown always; for Missing/OutOfSync when the dry-run was refused. */
  readonly reason?: string;
  /**
   * In Git and live: whether the live object carries this target's tracking. A Synced resource
   * with `tracked: false` equals Git apart from the tracking, which the next sync adds (adopts it).
   */
  readonly tracked?: boolean;
  /**
   * For Unknown: the cause, for icons and filters. 'unread': live, tracked by the target, and in
   * none of the files read while some could not be read (one of them may define it): not Extra.
   */
  readonly unknownCause?: UnknownReason | 'defined-twice' | 'unread';
  /** The Git object as written (Secrets masked), and where. */
  readonly git?: { readonly object: KubeObject; readonly source: SourceRef };
  /** The live object as the server holds it (Secrets masked). */
  readonly live?: KubeObject;
  /** For OutOfSync, Missing and Extra. */
  readonly diff?: ResourceDiff;
  /** How the Git side was compared: the dry-run result, or Git's fields only. */
  readonly compared?: 'dry-run' | 'offline';
  /**
   * Fields other managers own that applying Git would take: the dry run without force answered
   * 409 (the diff is still what Git would apply, from a forced dry run).
   */
  readonly conflicts?: readonly FieldConflict[];
  /** The dry run was refused with 403: the server's message. */
  readonly forbidden?: string;
  /** Health beside sync (core/health): for kinds with a health check; Missing when not live. */
  readonly health?: Health;
}

export interface ReconcileResult {
  readonly resources: readonly ResourceStatus[];
  /** What could not be applied or checked (unsupported ignoreDifferences, unnamed objects, unlisted kinds). */
  readonly warnings: readonly string[];
}
