/**
 * The plan review's data (core/sync/review.ts makes it): plain values with no import, so the
 * webview that shows it (src/webview/plan) type-checks without the engine.
 */

export interface ReviewItem {
  readonly key: string;
  readonly action: 'create' | 'update' | 'unchanged' | 'delete' | 'apply' | 'conflict';
  /** "ConfigMap team-a/settings". */
  readonly title: string;
  /** `file:line` (1-based) of the Git document, when there is one. */
  readonly where?: string;
  readonly file?: string;
  /** 0-based. */
  readonly line?: number;
  /** One line per changed field: `data.replicas 1 → 3`. */
  readonly fields: readonly string[];
  /** Unified diff, live as "a" and Git as "b" ('' for none). */
  readonly unified: string;
  readonly conflicts: readonly { readonly field: string; readonly manager: string }[];
  readonly note?: string;
  /** Deletes: what must be confirmed, and whether the cluster's name must be typed. */
  readonly confirm?: string;
  readonly skip?: string;
}

export interface ReviewBlocker {
  readonly code: string;
  readonly message: string;
  readonly file?: string;
  /** 0-based. */
  readonly line?: number;
  /** `file:line`, 1-based. */
  readonly where?: string;
}

export interface PlanReview {
  /** "Sync 1 resource", "Sync overlays/prod". */
  readonly title: string;
  readonly context: string;
  readonly dryRun: boolean;
  /** "1 to create, 1 to change". */
  readonly summary: string;
  /** The apply button's words, "Sync 2 resources"; the count of what is sent. */
  readonly applyLabel: string;
  readonly count: number;
  readonly blocked: boolean;
  /** Every blocker is a field conflict: forcing them is offered. */
  readonly onlyConflicts: boolean;
  readonly blockers: readonly ReviewBlocker[];
  readonly changes: readonly ReviewItem[];
  readonly deletes: readonly ReviewItem[];
  readonly unchanged: number;
  readonly kept: readonly { readonly title: string; readonly reason: string }[];
  readonly warnings: readonly string[];
  readonly protected: boolean;
}
