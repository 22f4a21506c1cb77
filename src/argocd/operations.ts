/**
 * Argo CD sync through the Application object, as the argocd CLI and UI request it: the
 * Application's `.operation` is set (initiatedBy, sync {revision, prune, dryRun, resources,
 * syncOptions}); the Argo CD application controller runs it and reports in
 * `status.operationState` (phase Running, then Succeeded, Failed or Error, with a message and
 * syncResult.resources) and clears `.operation`.
 *
 *   - An operation already set, or an operationState Running/Terminating, is never overwritten:
 *     the report says "another operation is already in progress" (when it started, who started
 *     it), and `ifBusy: 'wait'` follows that one to its end before requesting ours.
 *   - The operation is set with a merge patch carrying the resourceVersion just read: a change in
 *     between (another client setting an operation) fails with 409 and is looked at again.
 *   - Ours is recognised in operationState.operation by a request id put in `operation.info`
 *     (the controller copies the operation there), so an older finished state is not mistaken
 *     for it.
 *   - Following watches the Application (follow.ts; reading it every `pollMs` only when the watch
 *     fails, and said so); a timeout stops following and leaves the operation running, and says
 *     so. `refresh()` sets the `argocd.argoproj.io/refresh` annotation.
 */
import { randomUUID } from 'node:crypto';
import type { ClusterClient, KubeObject } from '../cluster/client';
import { resourcePath } from '../cluster/discovery';
import { toClusterError } from '../cluster/errors';
import { isRecord } from '../core/json';
import { followApplication } from './follow';
import type { ResourceRef } from '../core/reconcile/identity';

export const APPLICATION = { group: 'argoproj.io', kind: 'Application' } as const;
export const REFRESH_ANNOTATION = 'argocd.argoproj.io/refresh';
export const INITIATOR = 'tanzu-gitops';
const REQUEST_INFO = 'tanzu-gitops-request';
const RUNNING = new Set(['Running', 'Terminating']);
const FINISHED = new Set(['Succeeded', 'Failed', 'Error']);

export interface AppRef {
  readonly name: string;
  /** The Application's namespace (Argo CD's own, usually `argocd`). */
  readonly namespace: string;
}

export interface SyncResource {
  readonly group?: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

export interface OperationProgress {
  readonly phase: string;
  readonly message: string;
  readonly startedAt?: string;
  /** The resources the controller has reported so far. */
  readonly resources: readonly ArgoResourceResult[];
}

export interface FollowOptions {
  /** How long to follow before leaving the operation running (default 5 minutes). */
  readonly timeoutMs?: number;
  /** Time between two reads of the Application when watching it failed (default 1 s). */
  readonly pollMs?: number;
  /** Told when watching the Application failed and reading it every `pollMs` took over. */
  readonly onNotice?: (message: string) => void;
  /** Stops following (the operation goes on in Argo CD). */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: OperationProgress) => void;
  /** Time allowed for each request (default: the connection's). */
  readonly requestTimeoutMs?: number;
}

export interface ArgoSyncOptions extends FollowOptions {
  /** Default: the Application's spec.source.targetRevision (HEAD when it names none). */
  readonly revision?: string;
  readonly prune?: boolean;
  readonly dryRun?: boolean;
  /** Sync only these resources (Argo CD's selective sync); absent: all. */
  readonly resources?: readonly SyncResource[];
  /** Argo CD sync options, e.g. `ServerSideApply=true`, `CreateNamespace=true`. */
  readonly syncOptions?: readonly string[];
  /** When another operation is in progress: 'report' (default) and request nothing, or 'wait' for it to end first. */
  readonly ifBusy?: 'report' | 'wait';
  /** The source to sync from instead of the Application's (a rollback's: the history entry's). */
  readonly source?: Readonly<Record<string, unknown>>;
}

export interface ArgoResourceResult extends ResourceRef {
  /** Synced, SyncFailed, Pruned, PruneSkipped. */
  readonly status: string;
  readonly message: string;
  readonly hookPhase?: string;
  readonly syncPhase?: string;
}

export interface OperationInfo {
  readonly phase?: string;
  readonly message?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** The user who started it, or "automated sync". */
  readonly initiatedBy?: string;
}

/**
 * succeeded / failed (Failed or Error): the operation ended; busy: another operation was in
 * progress, nothing was requested; timeout / cancelled: ours was requested and is left running.
 */
export type ArgoOutcome = 'succeeded' | 'failed' | 'busy' | 'timeout' | 'cancelled';

export interface ArgoSyncReport {
  readonly outcome: ArgoOutcome;
  /** For people: what happened, and what to do. */
  readonly message: string;
  readonly app: AppRef;
  /** What was requested (absent when busy). */
  readonly requested?: { readonly revision: string; readonly prune: boolean; readonly dryRun: boolean; readonly resources: readonly SyncResource[]; readonly syncOptions: readonly string[] };
  /** Our operation as the controller reported it. */
  readonly operation?: OperationInfo & { readonly revision?: string };
  readonly resources: readonly ArgoResourceResult[];
  /** The operation that was in progress (busy), or that was waited for. */
  readonly other?: OperationInfo;
}

type Obj = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

async function appPath(client: ClusterClient, app: AppRef): Promise<string> {
  const info = await client.discovery.require(APPLICATION.group, APPLICATION.kind);
  return resourcePath(info, app.namespace, app.name);
}

export async function getApplication(client: ClusterClient, app: AppRef, timeoutMs?: number): Promise<KubeObject> {
  return client.get({ ...APPLICATION, namespace: app.namespace, name: app.name }, { timeoutMs });
}

/** A JSON merge patch of the Application (resourceVersion in it: the server checks it). */
async function mergePatch(client: ClusterClient, app: AppRef, patch: Obj, timeoutMs?: number): Promise<KubeObject> {
  return client.connection.request<KubeObject>({
    method: 'PATCH',
    path: await appPath(client, app),
    body: JSON.stringify(patch),
    contentType: 'application/merge-patch+json',
    timeoutMs,
    describe: { verb: 'patch', resource: 'applications', group: APPLICATION.group, namespace: app.namespace, name: app.name },
  });
}

/** The operation in progress on an Application, or undefined when none. */
export function operationInProgress(app: KubeObject): OperationInfo | undefined {
  const operation = isRecord(app.operation) ? app.operation : undefined;
  const state = isRecord(app.status) && isRecord(app.status.operationState) ? app.status.operationState : undefined;
  const phase = str(state?.phase);
  if (!operation && !(phase && RUNNING.has(phase))) return undefined;
  // the state describes this operation only while it runs; a finished one is the previous operation's
  const current = phase && RUNNING.has(phase) ? state : undefined;
  const op = operation ?? (isRecord(current?.operation) ? current.operation : undefined);
  return {
    phase: current ? phase : 'Requested',
    ...(str(current?.message) ? { message: str(current?.message) } : {}),
    ...(str(current?.startedAt) ? { startedAt: str(current?.startedAt) } : {}),
    initiatedBy: initiatorOf(op),
  };
}

function initiatorOf(op: Obj | undefined): string {
  const by = isRecord(op?.initiatedBy) ? op.initiatedBy : {};
  if (by.automated === true) return 'automated sync';
  return str(by.username) ?? 'unknown';
}

export function describeBusy(app: AppRef, other: OperationInfo): string {
  const when = other.startedAt ? `started at ${other.startedAt}` : 'requested, not started yet';
  return `Application ${app.namespace}/${app.name}: another operation is already in progress (${other.phase ?? 'Running'}, ${when}, initiated by ${other.initiatedBy ?? 'unknown'}). Nothing was requested; wait for it to end (or sync with the option to wait).`;
}

/** The controller's per-resource results. */
export function resourceResults(state: Obj | undefined): ArgoResourceResult[] {
  const result = isRecord(state?.syncResult) ? state.syncResult : {};
  const list = Array.isArray(result.resources) ? result.resources.filter(isRecord) : [];
  return list.map((r) => ({
    group: str(r.group) ?? '', version: str(r.version) ?? '', kind: str(r.kind) ?? '', namespace: str(r.namespace) ?? '', name: str(r.name) ?? '',
    status: str(r.status) ?? '', message: str(r.message) ?? '',
    ...(str(r.hookPhase) ? { hookPhase: str(r.hookPhase) } : {}),
    ...(str(r.syncPhase) ? { syncPhase: str(r.syncPhase) } : {}),
  }));
}

function stateOf(app: KubeObject): Obj | undefined {
  return isRecord(app.status) && isRecord(app.status.operationState) ? app.status.operationState : undefined;
}

function requestIdOf(state: Obj | undefined): string | undefined {
  const op = isRecord(state?.operation) ? state.operation : undefined;
  const info = Array.isArray(op?.info) ? op.info.filter(isRecord) : [];
  return str(info.find((i) => i.name === REQUEST_INFO)?.value);
}

/** Requests a sync of an Application and follows it to its end (or the timeout). */
export async function syncApplication(client: ClusterClient, app: AppRef, options: ArgoSyncOptions = {}): Promise<ArgoSyncReport> {
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const deadline = Date.now() + timeoutMs;
  let waitedFor: OperationInfo | undefined;
  const requestId = randomUUID();
  let requested: NonNullable<ArgoSyncReport['requested']> | undefined;
  let patched: KubeObject | undefined;

  for (let attempt = 0; !requested; attempt++) {
    const obj = await getApplication(client, app, options.requestTimeoutMs);
    const busy = operationInProgress(obj);
    if (busy) {
      if (options.ifBusy !== 'wait') return { outcome: 'busy', message: describeBusy(app, busy), app, resources: [], other: busy };
      waitedFor ??= busy;
      const ended = await waitIdle(client, app, deadline, options);
      if (ended !== 'idle') {
        const what = ended === 'cancelled' ? 'Stopped waiting' : `Still in progress after ${Math.round(timeoutMs / 1000)} s`;
        return { outcome: ended, message: `${describeBusy(app, busy).replace(/ Nothing was requested;.*$/, '')} ${what}: nothing was requested.`, app, resources: [], other: busy };
      }
      continue;
    }
    const spec = isRecord(obj.spec) ? obj.spec : {};
    const source = isRecord(spec.source) ? spec.source : {};
    const revision = options.revision ?? str(source.targetRevision) ?? 'HEAD';
    const req = {
      revision,
      prune: !!options.prune,
      dryRun: !!options.dryRun,
      // as Argo CD serialises SyncOperationResource (`group,omitempty`): a core kind has no group key,
      // never null (the Application CRD answers 422 for a null group)
      resources: (options.resources ?? []).map((r) => ({ ...(r.group ? { group: r.group } : {}), kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) })),
      syncOptions: [...(options.syncOptions ?? [])],
    };
    const operation = {
      initiatedBy: { username: INITIATOR },
      info: [{ name: REQUEST_INFO, value: requestId }],
      sync: {
        revision: req.revision,
        prune: req.prune,
        dryRun: req.dryRun,
        ...(req.resources.length ? { resources: req.resources } : {}),
        ...(req.syncOptions.length ? { syncOptions: req.syncOptions } : {}),
        ...(options.source ? { source: options.source } : {}),
      },
    };
    const meta = isRecord(obj.metadata) ? obj.metadata : {};
    try {
      patched = await mergePatch(client, app, { metadata: { resourceVersion: meta.resourceVersion }, operation }, options.requestTimeoutMs);
      requested = req;
    } catch (e) {
      const err = toClusterError(e);
      // changed in between (perhaps another operation was set): look again
      if (err.kind === 'conflict' && attempt < 5) continue;
      throw err;
    }
  }

  // follow ours
  let last = '';
  let notice: string | undefined;
  const settings = { ...options, onNotice: (m: string) => { notice = m; options.onNotice?.(m); } };
  const look = (obj: KubeObject): ArgoSyncReport | undefined => {
    const ours = requestIdOf(stateOf(obj)) === requestId ? stateOf(obj) : undefined;
    const phase = str(ours?.phase);
    if (!ours || !phase) return undefined;
    const progress = { phase, message: str(ours.message) ?? '', ...(str(ours.startedAt) ? { startedAt: str(ours.startedAt) } : {}), resources: resourceResults(ours) };
    const sig = JSON.stringify(progress);
    if (sig !== last) {
      last = sig;
      options.onProgress?.(progress);
    }
    return FINISHED.has(phase) ? finishedReport(app, ours, progress, requested, waitedFor) : undefined;
  };
  // the patch's answer is the Application as it is now: the watch starts from it
  const end = await followApplication(client, app, patched ?? await getApplication(client, app, options.requestTimeoutMs), deadline, settings, look);
  const withNotice = (r: ArgoSyncReport): ArgoSyncReport => (notice ? { ...r, message: `${r.message} (${notice})` } : r);
  if ('value' in end) return withNotice(end.value);
  const ours = requestIdOf(stateOf(end.last)) === requestId ? stateOf(end.last) : undefined;
  const phase = str(ours?.phase);
  const where = phase ? `is ${phase}` : 'has not been started by the Argo CD controller yet';
  const message = end.ended === 'deleted'
    ? `The sync of ${app.namespace}/${app.name} was requested, and the Application was deleted while it was followed.`
    : `The sync of ${app.namespace}/${app.name} was requested and ${where}; ${end.ended === 'cancelled' ? 'following it was stopped' : `it did not end within ${Math.round(timeoutMs / 1000)} s`}. It was left running: Argo CD goes on with it.`;
  return withNotice({
    outcome: end.ended === 'deleted' ? 'failed' : end.ended, message, app, requested,
    ...(ours ? { operation: { phase, message: str(ours.message) ?? '', ...(str(ours.startedAt) ? { startedAt: str(ours.startedAt) } : {}), initiatedBy: INITIATOR } } : {}),
    resources: ours ? resourceResults(ours) : [],
    ...(waitedFor ? { other: waitedFor } : {}),
  });
}

/** The report of our operation, ended (phase Succeeded, Failed or Error). */
function finishedReport(
  app: AppRef, ours: Obj, progress: OperationProgress, requested: NonNullable<ArgoSyncReport['requested']>, waitedFor: OperationInfo | undefined,
): ArgoSyncReport {
  const phase = progress.phase;
  const result = isRecord(ours.syncResult) ? ours.syncResult : {};
  const operation = {
    phase, message: str(ours.message) ?? '', ...(str(ours.startedAt) ? { startedAt: str(ours.startedAt) } : {}),
    ...(str(ours.finishedAt) ? { finishedAt: str(ours.finishedAt) } : {}), initiatedBy: INITIATOR,
    ...(str(result.revision) ? { revision: str(result.revision) } : {}),
  };
  const failed = progress.resources.filter((r) => r.status === 'SyncFailed').length;
  const message = phase === 'Succeeded'
    ? `Argo CD synced ${app.namespace}/${app.name}${operation.revision ? ` to ${operation.revision.slice(0, 12)}` : ''}${requested.dryRun ? ' (dry run)' : ''}: ${operation.message || 'successfully synced'}.`
    : `Argo CD's sync of ${app.namespace}/${app.name} ended ${phase}: ${operation.message || 'no message'}${failed ? ` (${failed} resource${failed === 1 ? '' : 's'} failed)` : ''}.`;
  return { outcome: phase === 'Succeeded' ? 'succeeded' : 'failed', message, app, requested, operation, resources: progress.resources, ...(waitedFor ? { other: waitedFor } : {}) };
}

/** Waits until no operation is in progress. */
async function waitIdle(client: ClusterClient, app: AppRef, deadline: number, options: FollowOptions): Promise<'idle' | 'timeout' | 'cancelled'> {
  const look = (obj: KubeObject): 'idle' | undefined => {
    const busy = operationInProgress(obj);
    if (!busy) return 'idle';
    const state = stateOf(obj);
    if (state) options.onProgress?.({ phase: busy.phase ?? 'Running', message: busy.message ?? '', ...(busy.startedAt ? { startedAt: busy.startedAt } : {}), resources: resourceResults(state) });
    return undefined;
  };
  const end = await followApplication(client, app, await getApplication(client, app, options.requestTimeoutMs), deadline, options, look);
  if ('value' in end || end.ended === 'deleted') return 'idle';
  return end.ended;
}

/** Asks Argo CD to compare again: `normal` (the cached manifests), `hard` (regenerate them). */
export async function refresh(client: ClusterClient, app: AppRef, mode: 'normal' | 'hard' = 'normal', timeoutMs?: number): Promise<void> {
  await mergePatch(client, app, { metadata: { annotations: { [REFRESH_ANNOTATION]: mode } } }, timeoutMs);
}

export interface TerminateReport {
  /** terminating: Terminating was set; idle: no operation was running, nothing was changed. */
  readonly outcome: 'terminating' | 'idle';
  readonly message: string;
  readonly other?: OperationInfo;
}

/**
 * Terminates the operation in progress, as `argocd app terminate-op` does: the operation state's
 * phase is set to Terminating (the controller then stops it and ends it Failed). The patch carries
 * the resourceVersion read, so a state that changed in between is read again.
 */
export async function terminateOperation(client: ClusterClient, app: AppRef, timeoutMs?: number): Promise<TerminateReport> {
  for (let attempt = 0; ; attempt++) {
    const obj = await getApplication(client, app, timeoutMs);
    const state = stateOf(obj);
    const phase = str(state?.phase);
    if (phase !== 'Running') {
      const why = phase === 'Terminating' ? 'its operation is already Terminating' : 'no operation is running';
      return { outcome: 'idle', message: `Application ${app.namespace}/${app.name}: ${why}; nothing to terminate.` };
    }
    const meta = isRecord(obj.metadata) ? obj.metadata : {};
    try {
      await mergePatch(client, app, { metadata: { resourceVersion: meta.resourceVersion }, status: { operationState: { phase: 'Terminating' } } }, timeoutMs);
      const other = operationInProgress(obj);
      return { outcome: 'terminating', message: `Application ${app.namespace}/${app.name}: the operation${other?.startedAt ? ` started at ${other.startedAt}` : ''} is Terminating; Argo CD stops it.`, ...(other ? { other } : {}) };
    } catch (e) {
      const err = toClusterError(e);
      if (err.kind === 'conflict' && attempt < 5) continue;
      throw err;
    }
  }
}
