/**
 * Messages between the plan review webview and the extension host (src/editor/plan-review.ts).
 * DOM-free and vscode-free: both sides import it.
 */
import type { PlanReview } from '../../core/sync/review-types';

export type { PlanReview };

export type HostToWebviewMessage =
  | { readonly type: 'plan'; readonly review: PlanReview }
  /** The sync's outcome, shown in place of the buttons: the review stays readable. */
  | { readonly type: 'result'; readonly ok: boolean; readonly text: string };

export type WebviewToHostMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'apply' }
  | { readonly type: 'cancel' }
  | { readonly type: 'force' }
  | { readonly type: 'goto'; readonly file: string; readonly line: number };
