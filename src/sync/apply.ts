/**
 * Executes a SyncPlan over the cluster layer: server-side apply with the field manager
 * `tanzu-gitops` of the plan's payloads (objectToApply: the target's tracking label and
 * annotation set), wave by wave, then the prune.
 *
 *   - A wave runs its kinds in order, the resources of one kind side by side (bounded: 32).
 *   - A failed resource fails its wave; later waves are not started.
 *   - The prune runs only when every apply succeeded; each delete asks the server for the object
 *     first and deletes it only if it still carries this target's tracking and no Prune=false;
 *     an object gone meanwhile (404, e.g. another prune deleted it) is done, not failed.
 *   - Cancellation (AbortSignal) is honoured between resources: what runs finishes, nothing new
 *     starts.
 *   - A conflict (409 FieldManagerConflict) names the fields and their managers; it is forced only
 *     with `forceConflicts`. A 422 keeps its causes.
 *   - The Supervisor stopping (unreachable, timeout, credentials) stops the sync at once: the
 *     report says what was applied and what was not; nothing is pruned. Server-side apply is
 *     idempotent: running the sync again completes the work.
 *
 * Invariant: nothing is sent when the plan is blocked, or when it is for a protected context and
 * the second confirmation was not given.
 */
import type { ClusterClient } from '../cluster/client';
import { fieldConflicts, toClusterError, type ClusterError, type ClusterErrorKind } from '../cluster/errors';
import type { ConnectionSession } from '../cluster/session';
import { forEachLimited } from '../core/concurrency';
import { secretScrubber } from '../core/diff/secrets';
import { pruneRefusal } from '../core/sync/plan';
import { FIELD_MANAGER, type PlanItem, type PlanWave, type SyncPlan } from '../core/sync/types';
import type { FieldConflict, Outcome, ResourceResult, SyncOutcome, SyncReport } from './types';

/** As many as a plan's dry-runs (prepare.ts): the writes of one kind side by side. */
const DEFAULT_CONCURRENCY = 32;
const CRD = { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' } as const;

/** What the executor needs of a session (a ConnectionSession is one). */
export type SyncSession = Pick<ConnectionSession, 'client' | 'context'>;

export interface SyncProgress {
  /** 'wave': a wave starts; 'start' / 'done': a resource. */
  readonly type: 'wave' | 'start' | 'done';
  readonly wave: PlanWave;
  readonly item?: PlanItem;
  readonly result?: ResourceResult;
  /** Resources finished so far, and in all. */
  readonly done: number;
  readonly total: number;
}

export interface ExecuteOptions {
  /** Take over fields other managers own (server-side apply force). Default false: conflicts fail. */
  readonly forceConflicts?: boolean;
  /** Server-side dry run (dryRun=All) of every apply and delete: nothing is stored. */
  readonly dryRun?: boolean;
  /** Keys of the deletes confirmed one by one (those with needsConfirmation). */
  readonly confirmed?: ReadonlySet<string>;
  /** For destructive deletes: the name typed, by key; must equal the item's confirmText. */
  readonly typedNames?: ReadonlyMap<string, string>;
  /** The second confirmation a protected context needs. */
  readonly protectedConfirmed?: boolean;
  /** Resources of one kind in flight at once (default 32). */
  readonly concurrency?: number;
  /** Time allowed for each request (default: the connection's). */
  readonly timeoutMs?: number;
  /** How long to wait for an applied CRD to be Established (default 30 s). */
  readonly crdTimeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SyncProgress) => void;
}

/** Failures that mean the Supervisor as a whole is gone, not one resource refused. */
const CLUSTER_FAILURES: ReadonlySet<ClusterErrorKind> = new Set(['unreachable', 'timeout', 'tls', 'unauthorized', 'config', 'cancelled']);

export async function executePlan(session: SyncSession, plan: SyncPlan, options: ExecuteOptions = {}): Promise<SyncReport> {
  const t0 = Date.now();
  const startedAt = new Date(t0).toISOString();
  const client = session.client;
  const dryRun = !!options.dryRun;
  const results = new Map<string, ResourceResult>();
  const total = plan.items.length;
  let done = 0;

  const skipAll = (message: string) => plan.items.map((i) => skipped(i, waveOf(plan, i), message));
  const finish = (outcome: SyncOutcome, message: string, list: ResourceResult[], extra: { pruneRan?: boolean; interrupted?: string } = {}): SyncReport => ({
    outcome,
    message,
    dryRun,
    forced: !!options.forceConflicts,
    results: list,
    counts: countOutcomes(list),
    pruneRan: !!extra.pruneRan,
    ...(extra.interrupted ? { interrupted: extra.interrupted } : {}),
    startedAt,
    durationMs: Date.now() - t0,
  });

  if (plan.blocked) {
    return finish('blocked', `Nothing was sent: the plan is blocked (${plan.blockers.length} problem${plan.blockers.length === 1 ? '' : 's'}): ${plan.blockers[0]?.message ?? ''}`, skipAll('not sent: the plan is blocked'));
  }
  if (plan.context && session.context !== plan.context) {
    return finish('blocked', `Nothing was sent: the plan was made for context "${plan.context}", the session is on "${session.context}".`, skipAll('not sent: another context'));
  }
  if (plan.protected && !options.protectedConfirmed) {
    return finish('blocked', `Nothing was sent: context "${plan.context}" is protected and the second confirmation was not given.`, skipAll('not sent: protected context not confirmed'));
  }

  const limit = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  let stop: { reason: 'cancelled' | 'interrupted' | 'wave'; message: string } | undefined;
  let failedWave: string | undefined;
  let pruneRan = false;
  let crdsApplied = false;

  // kinds whose CRD this sync applies (a dry run cannot send objects of them)
  const newKinds = new Set(plan.items.filter((i) => i.kind === 'CustomResourceDefinition' && i.action !== 'unchanged' && i.action !== 'delete').map((i) => {
    const spec = plan.payloads.get(i.key)?.spec as { group?: string; names?: { kind?: string } } | undefined;
    return `${spec?.group ?? ''}/${spec?.names?.kind ?? ''}`;
  }));
  // the server's messages may quote what they refuse: no Secret value of the payloads gets out
  const scrub = secretScrubber([...plan.payloads.values()]);
  const record = (wave: PlanWave, result: ResourceResult) => {
    const r = scrubbed(result, scrub);
    results.set(r.key, r);
    done++;
    options.onProgress?.({ type: 'done', wave, item: plan.items.find((i) => i.key === r.key), result: r, done, total });
  };

  for (const wave of plan.waves) {
    if (wave.phase === 'prune') {
      const failed = [...results.values()].filter((r) => r.outcome === 'failed').length;
      if (stop || failed) {
        const why = stop?.reason === 'cancelled' ? 'the sync was cancelled' : stop?.reason === 'interrupted' ? 'the Supervisor stopped answering' : `${failed} resource${failed === 1 ? '' : 's'} failed`;
        for (const i of wave.items) record(wave, skipped(i, wave.label, `not pruned: ${why}; deletes run only after every apply succeeded`));
        continue;
      }
    }
    if (options.signal?.aborted && !stop) stop = { reason: 'cancelled', message: 'not started: the sync was cancelled' };
    if (stop) {
      for (const i of wave.items) record(wave, skipped(i, wave.label, stop.message));
      continue;
    }
    options.onProgress?.({ type: 'wave', wave, done, total });
    if (crdsApplied && wave.items.some((i) => i.action === 'apply')) client.discovery.refresh();
    if (wave.phase === 'prune') pruneRan = true;

    let waveFailed = false;
    for (const batch of kindBatches(wave.items)) {
      await forEachLimited(batch, wave.phase === 'prune' ? 1 : limit, async (item) => {
        if (options.signal?.aborted && !stop) stop = { reason: 'cancelled', message: 'not started: the sync was cancelled' };
        if (stop && stop.reason !== 'wave') {
          record(wave, skipped(item, wave.label, stop.message));
          return;
        }
        if (item.skip) {
          record(wave, skipped(item, wave.label, item.skip));
          return;
        }
        if (dryRun && item.action === 'apply' && newKinds.has(`${item.group}/${item.kind}`)) {
          record(wave, skipped(item, wave.label, 'not dry-run: its CRD is created by this sync, and a dry run does not create it'));
          return;
        }
        options.onProgress?.({ type: 'start', wave, item, done, total });
        const r = await runItem(client, plan, item, wave.label, options);
        if (r.outcome === 'failed') {
          waveFailed = true;
          if (r.error && CLUSTER_FAILURES.has(r.error) && !stop) {
            stop = { reason: 'interrupted', message: `not started: the Supervisor stopped answering (${r.message})` };
          }
        }
        record(wave, r);
      });
    }
    if (wave.phase === 'crds' && !stop && !dryRun && wave.items.some((i) => results.get(i.key)?.outcome === 'applied')) {
      const problem = await waitEstablished(client, wave.items.filter((i) => results.get(i.key)?.outcome === 'applied'), options);
      if (problem) {
        waveFailed = true;
        results.set(problem.key, { ...(results.get(problem.key) as ResourceResult), outcome: 'failed', message: problem.message });
      }
      client.discovery.refresh();
      crdsApplied = true;
    }
    if (waveFailed && !stop && wave.phase !== 'prune') {
      failedWave = wave.label;
      stop = { reason: 'wave', message: `not started: ${wave.label} failed` };
    }
  }

  const list = plan.items.map((i) => results.get(i.key) ?? skipped(i, waveOf(plan, i), 'not started'));
  const counts = countOutcomes(list);
  const interrupted = stop?.reason === 'interrupted' ? stop.message.replace(/^not started: /, '') : undefined;
  const outcome: SyncOutcome = stop?.reason === 'cancelled' ? 'cancelled' : counts.failed > 0 || stop ? 'failed' : 'succeeded';
  return finish(outcome, summarise(list, counts, { dryRun, failedWave, interrupted, cancelled: stop?.reason === 'cancelled', pruneWave: plan.waves.some((w) => w.phase === 'prune'), pruneRan }), list, { pruneRan, interrupted });
}

function scrubbed(r: ResourceResult, scrub: (t: string) => string): ResourceResult {
  if (r.outcome !== 'failed') return r;
  return { ...r, message: scrub(r.message), ...(r.causes ? { causes: r.causes.map((c) => ({ ...c, message: scrub(c.message) })) } : {}) };
}

function waveOf(plan: SyncPlan, item: PlanItem): string {
  return plan.waves.find((w) => w.items.includes(item))?.label ?? '';
}

function base(item: PlanItem, wave: string): Omit<ResourceResult, 'outcome' | 'message' | 'durationMs'> {
  return {
    key: item.key, group: item.group, version: item.version, kind: item.kind, namespace: item.namespace, name: item.name,
    action: item.action, wave, ...(item.source ? { source: item.source } : {}),
  };
}

function skipped(item: PlanItem, wave: string, message: string): ResourceResult {
  return { ...base(item, wave), outcome: 'skipped', message, durationMs: 0 };
}

async function runItem(client: ClusterClient, plan: SyncPlan, item: PlanItem, wave: string, options: ExecuteOptions): Promise<ResourceResult> {
  const t0 = Date.now();
  const dry = options.dryRun ? ' (dry run)' : '';
  const ok = (outcome: Outcome, message: string): ResourceResult => ({ ...base(item, wave), outcome, message, durationMs: Date.now() - t0 });
  if (item.action === 'unchanged') return ok('unchanged', 'in sync: nothing sent');
  try {
    if (item.action === 'delete') return await deleteItem(client, plan, item, options, ok);
    const payload = plan.payloads.get(item.key);
    if (!payload) return ok('failed', 'internal: no object to apply for this resource');
    await client.apply(payload, { fieldManager: FIELD_MANAGER, force: !!options.forceConflicts, dryRun: !!options.dryRun, timeoutMs: options.timeoutMs });
    const verb = item.action === 'create' ? 'created' : item.action === 'update' ? 'updated' : 'applied';
    return ok('applied', `${options.dryRun ? `would be ${verb}` : verb}${dry}`);
  } catch (e) {
    return failure(item, wave, toClusterError(e), Date.now() - t0);
  }
}

async function deleteItem(
  client: ClusterClient, plan: SyncPlan, item: PlanItem, options: ExecuteOptions,
  ok: (o: Outcome, m: string) => ResourceResult,
): Promise<ResourceResult> {
  if (item.destructive && options.typedNames?.get(item.key) !== item.destructive.confirmText) {
    return ok('skipped', `kept: deleting ${item.kind} ${item.name} deletes a cluster; its name was not typed to confirm`);
  }
  if (item.needsConfirmation && !options.confirmed?.has(item.key) && !item.destructive) {
    return ok('skipped', `kept: the delete needs confirmation (${item.needsConfirmation}) and was not confirmed`);
  }
  const ref = { group: item.group, kind: item.kind, version: item.version, namespace: item.namespace || undefined, name: item.name };
  let live;
  try {
    live = await client.get(ref, { timeoutMs: options.timeoutMs });
  } catch (e) {
    const err = toClusterError(e);
    if (err.kind === 'notFound') return ok('deleted', 'already gone');
    throw err;
  }
  const refusal = pruneRefusal(live, item, plan.target.ownership);
  if (refusal) return ok('skipped', `kept: the object changed since the plan: ${refusal}`);
  // this very object (its uid): the delete is then safe to send again when the connection drops
  const uid = (live.metadata as { uid?: unknown } | undefined)?.uid;
  try {
    await client.delete(ref, { propagationPolicy: 'Background', dryRun: !!options.dryRun, timeoutMs: options.timeoutMs, ...(typeof uid === 'string' ? { preconditions: { uid } } : {}) });
  } catch (e) {
    // deleted by someone else meanwhile (another prune), or by this delete before a retry: the end wanted is reached
    if (toClusterError(e).kind === 'notFound') return ok('deleted', 'already gone');
    throw e;
  }
  return ok('deleted', options.dryRun ? 'would be deleted (dry run)' : 'deleted');
}

function failure(item: PlanItem, wave: string, err: ClusterError, durationMs: number): ResourceResult {
  const conflicts: FieldConflict[] = fieldConflicts(err);
  let message = err.message;
  if (conflicts.length) {
    const list = conflicts.map((c) => `${c.field} (owned by "${c.manager}")`).join(', ');
    message = `conflict: ${list} ${conflicts.length === 1 ? 'is' : 'are'} managed by another field manager; not forced. Sync again with force to take ${conflicts.length === 1 ? 'it' : 'them'} over, or leave ${conflicts.length === 1 ? 'that field' : 'those fields'} out of the manifest.`;
  }
  const stateUnknown = err.kind === 'timeout' || err.connectionClosed;
  if (stateUnknown && !/not known/.test(message)) message = `${message} Whether the server stored it is not known; syncing again is safe.`;
  return {
    ...base(item, wave),
    outcome: 'failed',
    message,
    ...(conflicts.length ? { conflicts } : {}),
    ...(err.kind === 'invalid' && err.causes.length ? { causes: err.causes } : {}),
    error: err.kind,
    ...(stateUnknown ? { stateUnknown } : {}),
    ...(err.status ? { status: err.status } : {}),
    durationMs,
  };
}

/** Waits until every applied CRD says Established; a message when one does not in time. */
async function waitEstablished(client: ClusterClient, items: readonly PlanItem[], options: ExecuteOptions): Promise<{ key: string; message: string } | undefined> {
  const until = Date.now() + (options.crdTimeoutMs ?? 30_000);
  for (const item of items) {
    for (;;) {
      try {
        const crd = await client.get({ ...CRD, name: item.name }, { timeoutMs: options.timeoutMs });
        const conditions = (crd.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? [];
        if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) break;
      } catch {
        // not readable yet
      }
      if (Date.now() > until) return { key: item.key, message: `applied, but not Established after ${Math.round((options.crdTimeoutMs ?? 30_000) / 1000)} s: the resources of its kind cannot be applied` };
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return undefined;
}

/** Consecutive items of one kind: they run side by side; kinds one after the other. */
function kindBatches(items: readonly PlanItem[]): PlanItem[][] {
  const out: PlanItem[][] = [];
  for (const i of items) {
    const last = out[out.length - 1];
    if (last && last[0].kind === i.kind && last[0].group === i.group) last.push(i);
    else out.push([i]);
  }
  return out;
}

const OUTCOMES: readonly Outcome[] = ['applied', 'unchanged', 'failed', 'skipped', 'deleted'];

export function countOutcomes(results: readonly ResourceResult[]): Record<Outcome, number> {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const r of results) counts[r.outcome]++;
  return counts;
}

function summarise(
  list: readonly ResourceResult[], counts: Record<Outcome, number>,
  s: { dryRun: boolean; failedWave?: string; interrupted?: string; cancelled: boolean; pruneWave: boolean; pruneRan: boolean },
): string {
  const parts = [`${counts.applied} applied`, `${counts.unchanged} unchanged`, `${counts.deleted} deleted`, `${counts.failed} failed`, `${counts.skipped} not done`];
  let text = `${s.dryRun ? 'Dry run: ' : ''}${parts.join(', ')}.`;
  if (s.interrupted) {
    const applied = list.filter((r) => r.outcome === 'applied').map((r) => r.name);
    const shown = applied.length > 10 ? `${applied.slice(0, 10).join(', ')} and ${applied.length - 10} more` : applied.join(', ');
    text += ` The Supervisor stopped answering in the middle (${s.interrupted}). Applied before that: ${applied.length ? shown : 'none'}.`;
  } else if (s.cancelled) {
    text += ' Cancelled: what had started finished; nothing else was sent.';
  } else if (s.failedWave) {
    text += ` ${s.failedWave} failed, so the waves after it were not started.`;
  }
  if (s.pruneWave && !s.pruneRan) text += ' Nothing was pruned.';
  if (s.interrupted || s.cancelled || s.failedWave) text += ' Sync again to complete the work: applying again is safe.';
  const kept = list.filter((r) => r.action === 'delete' && r.outcome === 'skipped' && r.message.startsWith('kept:')).length;
  if (kept) text += ` ${kept} delete${kept === 1 ? ' was' : 's were'} not confirmed and kept.`;
  return text;
}
