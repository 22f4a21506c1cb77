/**
 * What a sync is asked to do, as Argo CD's sync panel offers it: a whole target, a folder or a
 * file of it, or resources chosen one by one (ticked in the tree, or picked among those that are
 * OutOfSync or Missing). The plan is made for the selection's keys (planSync `only`), so only
 * findings in those resources block; the review's title and button name the selection.
 */
import type { ResourceStatus } from '../reconcile/types';
import type { SyncPlan } from './types';

export type SyncSelection =
  | { readonly kind: 'target' }
  | { readonly kind: 'folder'; readonly path: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'resources'; readonly keys: readonly string[] };

/** The keys a selection covers among a target's resources; undefined for the whole target. */
export function selectionKeys(resources: readonly ResourceStatus[], selection: SyncSelection): Set<string> | undefined {
  switch (selection.kind) {
    case 'target':
      return undefined;
    case 'resources':
      return new Set(selection.keys);
    case 'file':
      return new Set(resources.filter((r) => r.git?.source.file === selection.path).map((r) => r.key));
    case 'folder': {
      const prefix = selection.path.replace(/\/+$/, '');
      const inside = (f: string) => prefix === '' || prefix === '.' || f === prefix || f.startsWith(`${prefix}/`);
      return new Set(resources.filter((r) => r.git && inside(r.git.source.file)).map((r) => r.key));
    }
  }
}

/** What the picker offers, as Argo CD's sync panel does: the resources a sync would change, OutOfSync and Missing. */
export function syncCandidates(resources: readonly ResourceStatus[]): ResourceStatus[] {
  return resources.filter((r) => r.status === 'OutOfSync' || r.status === 'Missing');
}

/** "overlays/prod", "clusters/team-a (folder)", "1 resource", "3 resources": what was chosen, in words. */
export function selectionName(selection: SyncSelection, targetName: string): string {
  switch (selection.kind) {
    case 'target':
      return targetName;
    case 'folder':
    case 'file':
      return selection.path || targetName;
    case 'resources':
      return `${selection.keys.length} resource${selection.keys.length === 1 ? '' : 's'}`;
  }
}

/** The resources the plan sends or deletes (not the unchanged, not those skipped). */
export function plannedChanges(plan: Pick<SyncPlan, 'items'>): number {
  return plan.items.filter((i) => i.action !== 'unchanged' && !i.skip).length;
}

/** The apply button's words: "Sync 2 resources" ("Dry Run 1 resource"). */
export function applyLabel(plan: Pick<SyncPlan, 'items'>, dryRun = false): string {
  const n = plannedChanges(plan);
  return `${dryRun ? 'Dry Run' : 'Sync'} ${n} resource${n === 1 ? '' : 's'}`;
}

/** Argo CD's `operation.sync.resources` entries for the selected keys (`group/kind/namespace/name`). */
export function argoResources(resources: readonly ResourceStatus[], keys: ReadonlySet<string>): { group: string; kind: string; namespace: string; name: string }[] {
  return resources.filter((r) => keys.has(r.key)).map((r) => ({ group: r.group, kind: r.kind, namespace: r.namespace, name: r.name }));
}
