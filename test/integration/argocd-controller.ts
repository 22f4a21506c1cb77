/**
 * The test double of the Argo CD application controller: no controller can run on these machines,
 * so the tests that need one use this module, and say so. It works only through the API, on the
 * real Application CRD, as the controller does. Each behaviour names the Argo CD field it follows:
 *
 *   - takes up `.operation`: `status.operationState` {phase: Running, operation (a copy of the
 *     request), startedAt} (controller/appcontroller.go processRequestedAppOperation);
 *   - ends it: phase Succeeded or Failed, message, finishedAt, `syncResult` {revision, resources},
 *     and `.operation` cleared (setOperationState, finalizeOperation);
 *   - a Succeeded sync that is not a dry run appends to `status.history` {id (one more than the
 *     last), revision, deployedAt, deployStartedAt, source, initiatedBy} and sets
 *     `status.sync.status` Synced (SetHistory; revisionHistoryLimit, default 10);
 *   - terminate: a client setting `status.operationState.phase: Terminating` while it runs ends
 *     it Failed with "Operation terminated" (terminateOperation in argocd app terminate-op);
 *   - refresh: the `argocd.argoproj.io/refresh` annotation is removed and `status.reconciledAt`
 *     set (the controller's refresh of an Application).
 *
 * The local API server stores no empty string in a custom resource (it reads "" as null), and the
 * CRD requires `syncResult.resources[].group`: results of core kinds (group "") cannot be
 * written here, so the tests report results of grouped kinds only.
 */
import type { ClusterClient, KubeObject } from '../../src/cluster/client';
import { sleep } from './supervisor';

type Obj = Record<string, unknown>;
export interface AppRef { readonly name: string; readonly namespace: string }

export interface Behaviour {
  readonly phase: 'Succeeded' | 'Failed' | 'Error';
  /** How long the operation stays Running (a terminate can come in meanwhile). */
  readonly runMs: number;
  readonly message?: string;
  readonly resources?: Obj[];
  /** The revision it synced (syncResult.revision). */
  readonly revision?: string;
}

export const SYNCED_REVISION = '4f1c2e9a7b3d5c6e8f0a1b2c3d4e5f6a7b8c9d0e';
const REFRESH = 'argocd.argoproj.io/refresh';
const HISTORY_LIMIT = 10;

export interface Controller {
  /** The operations taken up, in order. */
  readonly handled: Obj[];
  /** Refreshes done (the annotation's values). */
  readonly refreshed: string[];
  stop(): Promise<void>;
}

function path(app: AppRef): string {
  return `/apis/argoproj.io/v1alpha1/namespaces/${app.namespace}/applications/${app.name}`;
}

export function patchApp(client: ClusterClient, app: AppRef, body: Obj): Promise<KubeObject> {
  return client.connection.request<KubeObject>({ method: 'PATCH', path: path(app), body: JSON.stringify(body), contentType: 'application/merge-patch+json' });
}

function getApp(client: ClusterClient, app: AppRef): Promise<KubeObject | undefined> {
  return client.get({ group: 'argoproj.io', kind: 'Application', namespace: app.namespace, name: app.name }).catch(() => undefined);
}

/** Plays the controller for one Application until `stop()`. */
export function playController(client: ClusterClient, app: AppRef, behave: (op: Obj) => Behaviour): Controller {
  let running = true;
  const handled: Obj[] = [];
  const refreshed: string[] = [];
  const loop = (async () => {
    while (running) {
      const obj = await getApp(client, app);
      const annotations = ((obj?.metadata as Obj | undefined)?.annotations ?? {}) as Obj;
      if (typeof annotations[REFRESH] === 'string') {
        refreshed.push(annotations[REFRESH] as string);
        await patchApp(client, app, { metadata: { annotations: { [REFRESH]: null } }, status: { reconciledAt: new Date().toISOString() } });
      }
      const op = obj?.operation as Obj | undefined;
      if (obj && op) await runOperation(client, app, obj, op, behave(op), handled);
      await sleep(50);
    }
  })();
  return { handled, refreshed, async stop() { running = false; await loop; } };
}

async function runOperation(client: ClusterClient, app: AppRef, obj: KubeObject, op: Obj, b: Behaviour, handled: Obj[]): Promise<void> {
  handled.push(op);
  const startedAt = new Date().toISOString();
  await patchApp(client, app, { status: { operationState: { phase: 'Running', message: 'one moment', startedAt, operation: op, syncResult: null, finishedAt: null } } });
  let terminated = false;
  for (const end = Date.now() + b.runMs; Date.now() < end && !terminated;) {
    await sleep(50);
    const state = ((await getApp(client, app))?.status as Obj | undefined)?.operationState as Obj | undefined;
    terminated = state?.phase === 'Terminating';
  }
  const sync = (op.sync ?? {}) as Obj;
  const phase = terminated ? 'Failed' : b.phase;
  const revision = b.revision ?? SYNCED_REVISION;
  const finishedAt = new Date().toISOString();
  const status = (obj.status ?? {}) as Obj;
  const history = Array.isArray(status.history) ? (status.history as Obj[]) : [];
  const spec = (obj.spec ?? {}) as Obj;
  const recorded = phase === 'Succeeded' && !sync.dryRun;
  const nextId = history.reduce((m, h) => Math.max(m, Number(h.id) || 0), 0) + 1;
  const limit = typeof spec.revisionHistoryLimit === 'number' ? spec.revisionHistoryLimit : HISTORY_LIMIT;
  await patchApp(client, app, {
    operation: null,
    status: {
      operationState: {
        phase,
        message: terminated ? 'Operation terminated' : b.message ?? (phase === 'Succeeded' ? 'successfully synced (all tasks run)' : 'one or more objects failed to apply'),
        startedAt, finishedAt, operation: op,
        syncResult: { revision, resources: terminated ? [] : b.resources ?? [] },
      },
      sync: { status: recorded ? 'Synced' : 'OutOfSync', revision },
      ...(recorded ? {
        history: [...history, { id: nextId, revision, deployedAt: finishedAt, deployStartedAt: startedAt, source: spec.source ?? {}, initiatedBy: op.initiatedBy ?? {} }].slice(-limit),
      } : {}),
    },
  });
}
