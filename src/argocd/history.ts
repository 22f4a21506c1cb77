/**
 * An Application's deployment history (`status.history`: id, revision, deployedAt, source,
 * initiatedBy) and rollback to one of its entries, as `argocd app rollback` does it: refused while
 * automated sync is on (Argo CD's server answers "rollback cannot be initiated when auto-sync is
 * enabled"), else a sync operation of the entry's revision and source.
 */
import type { ClusterClient } from '../cluster/client';
import { isRecord } from '../core/json';
import { getApplication, syncApplication, type AppRef, type ArgoSyncOptions, type ArgoSyncReport } from './operations';

export interface HistoryEntry {
  readonly id: number;
  readonly revision: string;
  readonly deployedAt?: string;
  readonly deployStartedAt?: string;
  /** repoURL, path and targetRevision of the source it was deployed from. */
  readonly source?: Readonly<Record<string, unknown>>;
  readonly initiatedBy?: string;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** `status.history`, oldest first (as Argo CD keeps it). */
export function historyOf(app: Record<string, unknown>): HistoryEntry[] {
  const status = isRecord(app.status) ? app.status : {};
  const list = Array.isArray(status.history) ? status.history.filter(isRecord) : [];
  return list.map((h) => {
    const by = isRecord(h.initiatedBy) ? h.initiatedBy : {};
    const who = by.automated === true ? 'automated sync' : str(by.username);
    return {
      id: typeof h.id === 'number' ? h.id : Number(h.id) || 0,
      revision: str(h.revision),
      ...(str(h.deployedAt) ? { deployedAt: str(h.deployedAt) } : {}),
      ...(str(h.deployStartedAt) ? { deployStartedAt: str(h.deployStartedAt) } : {}),
      ...(isRecord(h.source) ? { source: h.source } : {}),
      ...(who ? { initiatedBy: who } : {}),
    };
  });
}

/** Why a rollback to `id` cannot be requested, or undefined when it can (Argo CD server's checks). */
export function rollbackRefusal(app: Record<string, unknown>, ref: AppRef, id: number): string | undefined {
  const spec = isRecord(app.spec) ? app.spec : {};
  const policy = isRecord(spec.syncPolicy) ? spec.syncPolicy : {};
  if (isRecord(policy.automated) && policy.automated.enabled !== false) {
    return `Application ${ref.namespace}/${ref.name}: rollback cannot be initiated when auto-sync is enabled (spec.syncPolicy.automated); Argo CD would sync it back to Git at once. Turn automated sync off first.`;
  }
  if (!historyOf(app).some((h) => h.id === id)) {
    const ids = historyOf(app).map((h) => h.id);
    return `Application ${ref.namespace}/${ref.name} has no deployment with id ${id}${ids.length ? ` (history: ${ids.join(', ')})` : ' (its history is empty)'}.`;
  }
  return undefined;
}

export type RollbackReport = ArgoSyncReport | { readonly outcome: 'refused'; readonly message: string; readonly app: AppRef };

/** Rolls back to history entry `id`: refused (nothing requested) or a sync of that revision and source, followed. */
export async function rollbackApplication(client: ClusterClient, ref: AppRef, id: number, options: Omit<ArgoSyncOptions, 'revision' | 'source' | 'resources'> = {}): Promise<RollbackReport> {
  const app = await getApplication(client, ref, options.requestTimeoutMs);
  const refusal = rollbackRefusal(app, ref, id);
  if (refusal) return { outcome: 'refused', message: refusal, app: ref };
  const entry = historyOf(app).find((h) => h.id === id) as HistoryEntry;
  return syncApplication(client, ref, { ...options, revision: entry.revision, ...(entry.source ? { source: entry.source } : {}) });
}
