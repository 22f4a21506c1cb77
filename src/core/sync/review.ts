/**
 * A plan as the review shows it: plain data (no Secret value: the items carry the drift's masked
 * diff, never the payloads) with what each change does field by field, the same normalised diff
 * as the drift view, the fields other managers own, the deletes, and what blocks with its place.
 */
import { describeOne, trackingNote } from '../diff/unified';
import { formatSource } from '../reconcile/reconcile';
import { applyLabel, plannedChanges } from './selection';
import type { PlanReview, ReviewItem } from './review-types';
import type { PlanItem, SyncPlan } from './types';

export type { PlanReview, ReviewBlocker, ReviewItem } from './review-types';

const nsName = (i: { kind: string; namespace: string; name: string }) => `${i.kind} ${i.namespace ? `${i.namespace}/` : ''}${i.name}`;

export function planSummary(plan: Pick<SyncPlan, 'counts'>): string {
  const c = plan.counts;
  return [c.create && `${c.create} to create`, c.update && `${c.update} to change`, c.apply && `${c.apply} to apply (state unknown)`, c.delete && `${c.delete} to delete`, c.conflict && `${c.conflict} in conflict`, c.unchanged && `${c.unchanged} unchanged`]
    .filter(Boolean).join(', ') || 'nothing to do';
}

function reviewItem(i: PlanItem): ReviewItem {
  const changes = i.diff?.changes ?? [];
  const tracking = trackingNote(i.diff?.tracking, changes.length === 0);
  return {
    key: i.key,
    action: i.action,
    title: nsName(i),
    ...(i.source ? { where: formatSource(i.source), file: i.source.file, line: i.source.line } : {}),
    fields: [...changes.map(describeOne), ...(tracking ? [tracking] : [])],
    unified: i.diff?.unified ?? '',
    conflicts: (i.conflicts ?? []).map((c) => ({ field: c.field, manager: c.manager })),
    ...(i.note ? { note: i.note } : {}),
    ...(i.destructive ? { confirm: i.destructive.message } : i.needsConfirmation ? { confirm: `needs confirmation: ${i.needsConfirmation}` } : {}),
    ...(i.skip ? { skip: i.skip } : {}),
  };
}

export function planReview(plan: SyncPlan, o: { title: string; context: string; dryRun: boolean }): PlanReview {
  return {
    title: o.title,
    context: o.context,
    dryRun: o.dryRun,
    summary: planSummary(plan),
    applyLabel: applyLabel(plan, o.dryRun),
    count: plannedChanges(plan),
    blocked: plan.blocked,
    onlyConflicts: plan.blocked && plan.blockers.every((b) => b.code === 'conflict'),
    blockers: plan.blockers.map((b) => ({
      code: b.code, message: b.message,
      ...(b.file ? { file: b.file, where: `${b.file}${b.line !== undefined ? `:${b.line + 1}` : ''}` } : {}),
      ...(b.line !== undefined ? { line: b.line } : {}),
    })),
    changes: plan.items.filter((i) => i.action !== 'unchanged' && i.action !== 'delete').map(reviewItem),
    deletes: plan.items.filter((i) => i.action === 'delete').map(reviewItem),
    unchanged: plan.counts.unchanged,
    kept: plan.kept.map((k) => ({ title: nsName(k), reason: k.reason })),
    warnings: plan.warnings,
    protected: plan.protected,
  };
}
