/**
 * Permissions a plan needs, per verb, kind and namespace, and the plan once the ones the user lacks
 * are known (pure). A sync that cannot be applied in full is blocked as a whole, with each refused
 * verb, kind and namespace; or, when a partial sync is asked for, those items are marked skipped
 * and the rest goes ahead.
 *
 * What the drift's dry runs already prove is not asked again: a dry run is authorised as the real
 * request is (a server-side apply is a patch, and a create when the object does not exist).
 */
import type { ResourceStatus } from '../reconcile/types';
import type { Blocker, Denial, PlanItem, SyncAction, SyncPlan } from './types';

/** One question: may the user `verb` objects of this kind in this namespace ('' cluster scope)? */
export interface PermissionCheck {
  readonly verb: string;
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
}

/** The verbs an action sends. */
function verbsOf(action: SyncAction): readonly string[] {
  switch (action) {
    case 'create': return ['create', 'patch'];
    case 'update': case 'apply': case 'conflict': return ['patch'];
    case 'delete': return ['delete'];
    default: return [];
  }
}

const keyOfCheck = (c: PermissionCheck) => `${c.verb}|${c.group}|${c.kind}|${c.namespace}`;

/**
 * What must be asked (SelfSubjectAccessReview) before the plan's items are sent, and what the
 * dry runs already refused (403): checks proven by a successful dry run are left out.
 */
export function permissionChecks(plan: SyncPlan, resources: readonly ResourceStatus[]): { checks: PermissionCheck[]; denied: Denial[] } {
  const proven = new Set<string>();
  const denied = new Map<string, Denial>();
  for (const r of resources) {
    const at = { group: r.group, kind: r.kind, namespace: r.namespace };
    if (r.forbidden) {
      const verb = /cannot (\w+) resource/.exec(r.forbidden)?.[1] ?? 'patch';
      denied.set(keyOfCheck({ verb, ...at }), { verb, ...at, reason: r.forbidden });
    } else if (r.compared === 'dry-run' && (r.status === 'Missing' || r.status === 'OutOfSync')) {
      proven.add(keyOfCheck({ verb: 'patch', ...at }));
      if (r.status === 'Missing') proven.add(keyOfCheck({ verb: 'create', ...at }));
    }
  }
  const checks = new Map<string, PermissionCheck>();
  for (const i of plan.items) {
    for (const verb of verbsOf(i.action)) {
      const c = { verb, group: i.group, kind: i.kind, namespace: i.namespace };
      const k = keyOfCheck(c);
      if (!proven.has(k) && !denied.has(k)) checks.set(k, c);
    }
  }
  return { checks: [...checks.values()], denied: [...denied.values()] };
}

function matches(d: Denial, i: PlanItem): boolean {
  return d.group === i.group && d.kind === i.kind && d.namespace === i.namespace && verbsOf(i.action).includes(d.verb);
}

function describeDenial(d: Denial): string {
  return `${d.verb} ${d.kind}${d.group ? `.${d.group}` : ''} ${d.namespace ? `in namespace ${d.namespace}` : 'at the cluster scope'}`;
}

/**
 * The plan with the denials applied: blocked, one blocker per denial that concerns an item
 * (`forbidden`), or with `partial` those items skipped and said so in a warning.
 */
export function restrictPlan(plan: SyncPlan, denials: readonly Denial[], partial: boolean): SyncPlan {
  const relevant = denials.map((d) => ({ d, items: plan.items.filter((i) => matches(d, i)) })).filter((x) => x.items.length > 0);
  if (!relevant.length) return plan;
  const names = (items: readonly PlanItem[]) => `${items.length} resource${items.length === 1 ? '' : 's'}: ${items.slice(0, 5).map((i) => i.name).join(', ')}${items.length > 5 ? `, and ${items.length - 5} more` : ''}`;
  if (!partial) {
    const blockers: Blocker[] = relevant.map(({ d, items }) => ({
      code: 'forbidden',
      message: `Not permitted to ${describeDenial(d)} (${names(items)})${d.reason ? `: ${d.reason}` : ''}. Nothing is sent while a part of the plan cannot be applied; --partial applies the rest.`,
      key: items[0].key,
      ...(items[0].source ? { file: items[0].source.file, line: items[0].source.line } : {}),
    }));
    return { ...plan, blocked: true, blockers: [...plan.blockers, ...blockers] };
  }
  const skip = new Map<string, string>();
  for (const { d, items } of relevant) for (const i of items) if (!skip.has(i.key)) skip.set(i.key, `skipped: not permitted to ${describeDenial(d)} (partial sync)`);
  const mark = (i: PlanItem): PlanItem => (skip.has(i.key) ? { ...i, skip: skip.get(i.key) } : i);
  const waves = plan.waves.map((w) => ({ ...w, items: w.items.map(mark) }));
  const warnings = relevant.map(({ d, items }) => `Partial sync: not permitted to ${describeDenial(d)}; skipped ${names(items)}.`);
  return {
    ...plan,
    waves,
    items: waves.flatMap((w) => w.items),
    warnings: [...plan.warnings, ...warnings],
    partial: true,
    destructive: plan.destructive.map(mark),
  };
}
