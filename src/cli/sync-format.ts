/**
 * Output of `tanzu-gitops sync`: the plan and the per-resource results as text for people, or
 * as JSON for scripts. Never a payload (they hold Secret values); every server text is cleaned.
 */
import type { SourceRef } from '../core/reconcile/types';
import type { PlanItem, SyncPlan } from '../core/sync/types';
import type { ArgoSyncReport, ResourceResult, SyncReport } from '../sync';

export type Cleaner = (text: string) => string;

/** `file:line`, 1-based (as core/reconcile's formatSource; not imported, so that validate stays light). */
function formatSource(s: SourceRef): string {
  return `${s.file}:${s.line + 1}`;
}

function nameOf(r: Pick<PlanItem, 'group' | 'kind' | 'namespace' | 'name'>): string {
  return `${r.kind}${r.group ? `.${r.group}` : ''}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

function where(b: { file?: string; line?: number }): string {
  return b.file ? `${b.file}${b.line !== undefined ? `:${b.line + 1}` : ''}: ` : '';
}

export function formatPlan(plan: SyncPlan, context: string, clean: Cleaner, cluster?: string): string {
  const lines: string[] = [];
  const c = plan.counts;
  const skipped = plan.items.filter((i) => i.skip).length;
  lines.push(`Sync plan for ${plan.target.name} to ${cluster ? `cluster ${cluster}` : `context "${context}"`} (namespace ${plan.target.namespace}): ${c.create} to create, ${c.update} to update, ${c.apply} to apply, ${c.delete} to delete, ${c.unchanged} unchanged${c.conflict ? `, ${c.conflict} in conflict` : ''}${skipped ? `, ${skipped} skipped (not permitted)` : ''}${plan.prune ? '' : ' (prune not chosen)'}`);
  for (const w of plan.waves) {
    lines.push(`${w.label}:`);
    for (const i of w.items) {
      const extra = [
        i.source ? formatSource(i.source) : '',
        i.needsConfirmation ? `needs --confirm ${i.name} (${i.needsConfirmation})` : '',
        i.destructive ? `DESTRUCTIVE: ${i.destructive.message.replace(/ Type ".*" to confirm\.$/, '')} Needs --confirm ${i.name}` : '',
        i.note ? clean(i.note) : '',
        i.skip ?? '',
      ].filter(Boolean).join('; ');
      lines.push(`  ${(i.skip ? 'skip' : i.action).padEnd(9)} ${nameOf(i)}${extra ? `  (${extra})` : ''}`);
    }
  }
  for (const k of plan.kept) lines.push(`kept      ${k.kind}/${k.namespace ? `${k.namespace}/` : ''}${k.name}  (${k.reason})`);
  for (const b of plan.blockers) lines.push(`BLOCKED   ${where(b)}${b.code}: ${clean(b.message)}`);
  for (const w of plan.warnings) lines.push(`warning   ${clean(w)}`);
  if (plan.protected) lines.push(`Context "${context}" is protected.`);
  return `${lines.join('\n')}\n`;
}

/** A message shared by this many results or more is printed once, with the count. */
const COLLAPSE_AT = 3;

export function formatReport(report: SyncReport, clean: Cleaner): string {
  const lines: string[] = [];
  // the same failure for many resources (the Supervisor gone): one line with a count; a resource
  // whose state is unknown is listed apart (the summary), its own message is the cause's
  const same = (r: ResourceResult) => (r.outcome === 'failed' || r.outcome === 'skipped' ? `${r.outcome}\0${r.stateUnknown && report.interrupted ? 'unknown' : r.message}` : '');
  const counts = new Map<string, number>();
  for (const r of report.results) if (same(r)) counts.set(same(r), (counts.get(same(r)) ?? 0) + 1);
  const printed = new Set<string>();
  for (const r of report.results) {
    const n = counts.get(same(r)) ?? 0;
    if (n >= COLLAPSE_AT) {
      if (!printed.has(same(r))) {
        printed.add(same(r));
        const message = r.stateUnknown && report.interrupted ? 'sent, no answer: state unknown (listed below)' : clean(r.message);
        lines.push(`${r.outcome.padEnd(9)} ${n} resources: ${message}`);
      }
      continue;
    }
    lines.push(`${r.outcome.padEnd(9)} ${nameOf(r)}${r.source ? ` (${formatSource(r.source)})` : ''}: ${clean(r.message)}`);
    for (const c of r.causes ?? []) lines.push(`            ${c.field || '(object)'}: ${clean(c.message)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function planJson(plan: SyncPlan, clean: Cleaner): unknown {
  return {
    target: plan.target.name,
    namespace: plan.target.namespace,
    context: plan.context ?? null,
    blocked: plan.blocked,
    blockers: plan.blockers.map((b) => ({ code: b.code, message: clean(b.message), file: b.file ?? null, line: b.line === undefined ? null : b.line + 1, key: b.key ?? null })),
    warnings: plan.warnings.map(clean),
    prune: plan.prune,
    protected: plan.protected,
    partial: plan.partial,
    counts: plan.counts,
    waves: plan.waves.map((w) => ({ label: w.label, phase: w.phase, wave: w.wave, keys: w.items.map((i) => i.key) })),
    items: plan.items.map((i) => ({
      key: i.key, group: i.group, version: i.version, kind: i.kind, namespace: i.namespace, name: i.name,
      action: i.action, status: i.status, wave: i.wave,
      file: i.source?.file ?? null, line: i.source ? i.source.line + 1 : null,
      ...(i.note ? { note: clean(i.note) } : {}),
      ...(i.needsConfirmation ? { needsConfirmation: i.needsConfirmation } : {}),
      ...(i.destructive ? { destructive: true, confirmText: i.destructive.confirmText } : {}),
      ...(i.conflicts ? { conflicts: i.conflicts } : {}),
      ...(i.skip ? { skip: i.skip } : {}),
      diff: i.diff?.unified ?? '',
    })),
    kept: plan.kept,
  };
}

function resultJson(r: ResourceResult, clean: Cleaner): unknown {
  return {
    key: r.key, group: r.group, version: r.version, kind: r.kind, namespace: r.namespace, name: r.name,
    action: r.action, wave: r.wave, outcome: r.outcome, message: clean(r.message),
    file: r.source?.file ?? null, line: r.source ? r.source.line + 1 : null,
    ...(r.conflicts ? { conflicts: r.conflicts } : {}),
    ...(r.causes ? { causes: r.causes.map((c) => ({ field: c.field, message: clean(c.message), ...(c.reason ? { reason: c.reason } : {}) })) } : {}),
    ...(r.error ? { error: r.error } : {}),
    ...(r.status ? { status: r.status } : {}),
  };
}

export function reportJson(report: SyncReport, clean: Cleaner): unknown {
  return {
    outcome: report.outcome,
    message: clean(report.message),
    dryRun: report.dryRun,
    forced: report.forced,
    counts: report.counts,
    pruneRan: report.pruneRan,
    ...(report.interrupted ? { interrupted: clean(report.interrupted) } : {}),
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    results: report.results.map((r) => resultJson(r, clean)),
  };
}

export function formatArgoReport(report: ArgoSyncReport, clean: Cleaner): string {
  const lines: string[] = [];
  if (report.operation) {
    lines.push(`Operation: ${report.operation.phase ?? '?'}${report.operation.startedAt ? `, started ${report.operation.startedAt}` : ''}${report.operation.finishedAt ? `, finished ${report.operation.finishedAt}` : ''}${report.operation.revision ? `, revision ${report.operation.revision}` : ''}`);
  }
  for (const r of report.resources) {
    lines.push(`${(r.status || '?').padEnd(12)} ${r.kind}${r.group ? `.${r.group}` : ''}/${r.namespace ? `${r.namespace}/` : ''}${r.name}${r.message ? `: ${clean(r.message)}` : ''}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export function argoJson(report: ArgoSyncReport, clean: Cleaner): unknown {
  return {
    ...report,
    message: clean(report.message),
    resources: report.resources.map((r) => ({ ...r, message: clean(r.message) })),
  };
}
