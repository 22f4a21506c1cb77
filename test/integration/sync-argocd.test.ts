/**
 * Argo CD sync through the Application's `.operation`, against the real local Supervisor (the
 * real Application CRD is served; no Argo CD controller can run here). The tests marked "the test
 * plays the controller" run the controller double of argocd-controller.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterClient, type KubeObject } from '../../src/cluster/client';
import { Connection } from '../../src/cluster/connection';
import { loadKubeconfig } from '../../src/cluster/kubeconfig';
import type { ConnectionSession } from '../../src/cluster/session';
import { operationInProgress, refresh, syncApplication, type OperationProgress } from '../../src/sync';
import { patchApp, playController } from './argocd-controller';
import { kubeconfigPath, name, openSession } from './sync-fixtures';
import { runArgocd } from '../../src/cli/argocd';
import { runSync } from '../../src/cli/sync';
import { terminateOperation } from '../../src/argocd';
import { until } from './supervisor';

const ARGO_NS = 'argocd';
const APP = { group: 'argoproj.io', kind: 'Application' } as const;
let session: ConnectionSession;
const apps: string[] = [];

type Obj = Record<string, unknown>;

async function argocdCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runArgocd([...argv, '--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin'], (t) => { out += t; }, (t) => { err += t; });
  return { code, out, err };
}

async function makeApp(label: string, spec: Obj = {}): Promise<{ name: string; namespace: string }> {
  const n = name(label);
  apps.push(n);
  await session.client.apply({
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: n, namespace: ARGO_NS },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example.com/platform/clusters.git', path: 'team-a', targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'team-a' },
      ...spec,
    },
  }, { fieldManager: 'tanzu-gitops-test', force: true });
  return { name: n, namespace: ARGO_NS };
}

function get(app: { name: string; namespace: string }): Promise<KubeObject> {
  return session.client.get({ ...APP, namespace: app.namespace, name: app.name });
}

function patch(app: { name: string; namespace: string }, body: Obj): Promise<KubeObject> {
  return patchApp(session.client, app, body);
}

function controller(app: { name: string; namespace: string }, behave: Parameters<typeof playController>[2]) {
  return playController(session.client, app, behave);
}

const resource = (n: string, status: string, message: string): Obj => ({ group: 'run.tanzu.vmware.com', version: 'v1alpha2', kind: 'TanzuKubernetesCluster', namespace: 'team-a', name: n, status, message, syncPhase: 'Sync', hookPhase: 'Running' });

before(async () => { session = await openSession(); });
after(async () => {
  for (const a of apps) await session.client.delete({ ...APP, namespace: ARGO_NS, name: a }).catch(() => undefined);
  session.dispose();
});

describe('Argo CD sync through .operation', () => {
  it('sync --argocd-app --resource and --sync-option: the operation carries them, accepted by the real Application CRD (the test plays the controller)', async () => {
    const app = await makeApp('cli-sel');
    const ctl = controller(app, () => ({ phase: 'Succeeded', runMs: 100 }));
    try {
      let out = '';
      let err = '';
      const code = await runSync([
        '--argocd-app', app.name, '--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', '--yes', '--timeout', '20s',
        '--resource', ':ConfigMap:team-a/settings', '--resource', 'run.tanzu.vmware.com:TanzuKubernetesCluster:team-a/c1',
        '--sync-option', 'ServerSideApply=true', '--sync-option', 'Prune=false',
      ], (t) => { out += t; }, (t) => { err += t; });
      assert.equal(code, 0, `${out}\n${err}`);
      const stored = ((((await get(app)).status as Obj).operationState as Obj).operation as Obj).sync as Obj;
      assert.deepEqual(stored.resources, [
        { kind: 'ConfigMap', name: 'settings', namespace: 'team-a' },
        { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', name: 'c1', namespace: 'team-a' },
      ]);
      assert.deepEqual(stored.syncOptions, ['ServerSideApply=true', 'Prune=false']);
    } finally {
      await ctl.stop();
    }
  });

  it('sets .operation (initiatedBy, revision, prune, dryRun, resources, syncOptions) and follows it to Succeeded (the test plays the controller)', async () => {
    const app = await makeApp('ok');
    const ctl = controller(app, () => ({ phase: 'Succeeded', runMs: 400, resources: [resource('c1', 'Synced', 'cluster configured')] }));
    const progress: OperationProgress[] = [];
    try {
      const report = await syncApplication(session.client, app, {
        prune: true, resources: [{ group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', name: 'c1', namespace: 'team-a' }],
        syncOptions: ['ServerSideApply=true'], pollMs: 100, timeoutMs: 20_000, onProgress: (p) => progress.push(p),
      });
      assert.equal(report.outcome, 'succeeded', report.message);
      assert.match(report.message, /^Argo CD synced argocd\/tg-sync-.*-ok to 4f1c2e9a7b3d: successfully synced/);
      assert.deepEqual(report.resources.map((r) => `${r.kind}/${r.name}:${r.status}:${r.message}`), ['TanzuKubernetesCluster/c1:Synced:cluster configured']);
      assert.equal(report.operation?.phase, 'Succeeded');
      assert.ok(report.operation?.finishedAt);
      assert.ok(progress.some((p) => p.phase === 'Running' && p.message === 'one moment'), 'Running was reported');
      const [op] = ctl.handled;
      assert.deepEqual(op.initiatedBy, { username: 'tanzu-gitops' });
      assert.deepEqual(op.sync, { revision: 'main', prune: true, dryRun: false, resources: [{ group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', name: 'c1', namespace: 'team-a' }], syncOptions: ['ServerSideApply=true'] });
      assert.equal((await get(app)).operation, undefined, 'the controller cleared .operation');
    } finally {
      await ctl.stop();
    }
  });

  it('a selective sync of core kinds is accepted by the real Application CRD: no group key, as Argo CD serialises it (group,omitempty); the history gains an entry (the test plays the controller)', async () => {
    const app = await makeApp('core');
    const ctl = controller(app, () => ({ phase: 'Succeeded', runMs: 100, resources: [resource('c1', 'Synced', 'cluster configured')] }));
    try {
      const report = await syncApplication(session.client, app, {
        resources: [{ kind: 'ConfigMap', name: 'settings', namespace: 'team-a' }, { group: '', kind: 'Namespace', name: 'team-a' }, { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', name: 'c1', namespace: 'team-a' }],
        pollMs: 100, timeoutMs: 20_000,
      });
      assert.equal(report.outcome, 'succeeded', report.message);
      assert.deepEqual(report.resources.map((r) => `${r.kind}/${r.name}:${r.status}`), ['TanzuKubernetesCluster/c1:Synced']);
      const status = (await get(app)).status as Obj;
      const stored = ((status.operationState as Obj).operation as Obj).sync as Obj;
      assert.deepEqual(stored.resources, [
        { kind: 'ConfigMap', name: 'settings', namespace: 'team-a' },
        { kind: 'Namespace', name: 'team-a' },
        { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', name: 'c1', namespace: 'team-a' },
      ], 'as the API server stored it');
      assert.deepEqual((status.history as Obj[]).map((h) => [h.id, h.revision]), [[1, report.operation?.revision]]);
    } finally {
      await ctl.stop();
    }
  });

  it('the Application CRD refuses a resource whose group is not a string (422), naming the field', async () => {
    const app = await makeApp('bad-group');
    await assert.rejects(
      patch(app, { operation: { initiatedBy: { username: 'someone' }, sync: { revision: 'main', resources: [{ group: 7, kind: 'ConfigMap', name: 'x' }] } } }),
      (e: Error) => /operation\.sync\.resources\.group/.test(e.message) && /must be of type string/.test(e.message),
    );
    assert.equal((await get(app)).operation, undefined, 'nothing was set');
  });

  it('a failed operation is reported with its message and the resources that failed (the test plays the controller)', async () => {
    const app = await makeApp('fail');
    const ctl = controller(app, () => ({
      phase: 'Failed', runMs: 100, message: 'one or more synchronization tasks completed unsuccessfully',
      resources: [resource('c1', 'Synced', 'unchanged'), resource('c2', 'SyncFailed', 'admission webhook denied the request: control plane can only be either 1 or 3 nodes')],
    }));
    try {
      const report = await syncApplication(session.client, app, { dryRun: true, pollMs: 100, timeoutMs: 20_000 });
      assert.equal(report.outcome, 'failed');
      assert.match(report.message, /ended Failed: one or more synchronization tasks completed unsuccessfully \(1 resource failed\)/);
      assert.equal(report.resources.find((r) => r.name === 'c2')?.status, 'SyncFailed');
      assert.equal((ctl.handled[0].sync as Obj).dryRun, true);
    } finally {
      await ctl.stop();
    }
  });

  it('another operation already in progress is reported with its start and initiator, never overwritten; with ifBusy wait ours runs after it (the test plays the controller)', async () => {
    const app = await makeApp('busy');
    // someone else asked for a sync; no controller has taken it up yet
    await patch(app, { operation: { initiatedBy: { username: 'alice' }, sync: { revision: 'main' } } });
    const requested = await syncApplication(session.client, app, { pollMs: 100, timeoutMs: 5000 });
    assert.equal(requested.outcome, 'busy');
    assert.match(requested.message, /another operation is already in progress \(Requested, requested, not started yet, initiated by alice\)/);
    assert.deepEqual(((await get(app)).operation as Obj).initiatedBy, { username: 'alice' }, 'not overwritten');

    // the controller takes it up (Running, slow); asked again: busy with its start time
    const ctl = controller(app, (op) => ({ phase: 'Succeeded', runMs: (op.initiatedBy as Obj).username === 'alice' ? 1500 : 100 }));
    try {
      await until('alice\'s operation runs', async () => operationInProgress(await get(app))?.phase === 'Running', 10_000);
      const running = await syncApplication(session.client, app, { pollMs: 100, timeoutMs: 5000 });
      assert.equal(running.outcome, 'busy');
      assert.match(running.message, /another operation is already in progress \(Running, started at \d{4}-\d\d-\d\dT[\d:.]+Z, initiated by alice\)/);
      assert.equal(running.other?.initiatedBy, 'alice');

      const waited = await syncApplication(session.client, app, { ifBusy: 'wait', pollMs: 100, timeoutMs: 20_000 });
      assert.equal(waited.outcome, 'succeeded', waited.message);
      assert.equal(waited.other?.initiatedBy, 'alice', 'the report names the operation it waited for');
      assert.deepEqual(ctl.handled.map((op) => (op.initiatedBy as Obj).username), ['alice', 'tanzu-gitops']);
    } finally {
      await ctl.stop();
    }
  });

  it('an operation set between our read and our write: the resourceVersion guard refuses ours (409), and the other is reported, not overwritten', async () => {
    const app = await makeApp('race');
    let reads = 0;
    // a client whose first read is followed at once by another client setting an operation
    const racing = Object.create(session.client, {
      get: {
        value: async (ref: Parameters<typeof session.client.get>[0], o?: Parameters<typeof session.client.get>[1]) => {
          const obj = await session.client.get(ref, o);
          if (++reads === 1) await patch(app, { operation: { initiatedBy: { username: 'bob' }, sync: { revision: 'main' } } });
          return obj;
        },
      },
    }) as typeof session.client;
    const report = await syncApplication(racing, app, { pollMs: 100, timeoutMs: 5000 });
    assert.equal(report.outcome, 'busy');
    assert.equal(report.other?.initiatedBy, 'bob');
    assert.equal(reads, 2, 'read again after the 409');
    assert.deepEqual(((await get(app)).operation as Obj).initiatedBy, { username: 'bob' });
  });

  it('a timeout stops following and leaves the operation running, and says so (no controller here)', async () => {
    const app = await makeApp('slow');
    const started = Date.now();
    const report = await syncApplication(session.client, app, { pollMs: 100, timeoutMs: 1200 });
    assert.equal(report.outcome, 'timeout');
    assert.ok(Date.now() - started < 5000);
    assert.match(report.message, /was requested and has not been started by the Argo CD controller yet; it did not end within 1 s\. It was left running/);
    assert.deepEqual(((await get(app)).operation as Obj).initiatedBy, { username: 'tanzu-gitops' }, 'the request stays');
  });

  it('refresh sets the argocd.argoproj.io/refresh annotation, normal or hard', async () => {
    const app = await makeApp('refresh');
    await refresh(session.client, app);
    assert.equal((((await get(app)).metadata as Obj).annotations as Obj)['argocd.argoproj.io/refresh'], 'normal');
    await refresh(session.client, app, 'hard');
    assert.equal((((await get(app)).metadata as Obj).annotations as Obj)['argocd.argoproj.io/refresh'], 'hard');
  });
});

describe('terminate, history and rollback, as the argocd CLI runs them', () => {
  it('terminate sets the running operation Terminating and the controller ends it Failed; with nothing running it changes nothing (the test plays the controller)', async () => {
    const app = await makeApp('terminate');
    const idle = await terminateOperation(session.client, app);
    assert.equal(idle.outcome, 'idle');
    assert.match(idle.message, /no operation is running; nothing to terminate/);
    const ctl = controller(app, () => ({ phase: 'Succeeded', runMs: 60_000 }));
    try {
      const following = syncApplication(session.client, app, { pollMs: 100, timeoutMs: 30_000 });
      await until('the operation runs', async () => operationInProgress(await get(app))?.phase === 'Running', 10_000);
      const t = await argocdCli('terminate', app.name);
      assert.equal(t.code, 0, t.err);
      assert.match(t.err, /the operation started at .* is Terminating; Argo CD stops it/);
      const report = await following;
      assert.equal(report.outcome, 'failed');
      assert.match(report.message, /ended Failed: Operation terminated/);
      assert.equal(((await get(app)).status as Obj).history, undefined, 'a terminated sync is no deployment');
    } finally {
      await ctl.stop();
    }
  });

  it('history lists the deployments; rollback syncs an entry\'s revision and source, and is refused while automated sync is on (the test plays the controller)', async () => {
    const app = await makeApp('rollback');
    const ctl = controller(app, (op) => ({ phase: 'Succeeded', runMs: 100, revision: ((op.sync as Obj).revision as string) === 'main' ? 'aaaaaaa1111111111111111111111111111111111' : 'bbbbbbb2222222222222222222222222222222222' }));
    try {
      assert.equal((await syncApplication(session.client, app, { pollMs: 100, timeoutMs: 20_000 })).outcome, 'succeeded');
      assert.equal((await syncApplication(session.client, app, { revision: 'v2', pollMs: 100, timeoutMs: 20_000 })).outcome, 'succeeded');
      const h = await argocdCli('history', app.name, '-o', 'json');
      assert.equal(h.code, 0, h.err);
      const history = JSON.parse(h.out) as Array<{ id: number; revision: string; initiatedBy: string }>;
      assert.deepEqual(history.map((e) => [e.id, e.revision.slice(0, 7), e.initiatedBy]), [[1, 'aaaaaaa', 'tanzu-gitops'], [2, 'bbbbbbb', 'tanzu-gitops']]);

      const missing = await argocdCli('rollback', app.name, '9');
      assert.equal(missing.code, 1);
      assert.match(missing.err, /has no deployment with id 9 \(history: 1, 2\)/);

      const back = await argocdCli('rollback', app.name, '1', '--timeout', '20');
      assert.equal(back.code, 0, back.err);
      const op = ctl.handled[ctl.handled.length - 1].sync as Obj;
      assert.equal(op.revision, 'aaaaaaa1111111111111111111111111111111111');
      assert.deepEqual(op.source, { repoURL: 'https://git.example.com/platform/clusters.git', path: 'team-a', targetRevision: 'main' });

      await patch(app, { spec: { syncPolicy: { automated: { prune: true } } } });
      const handled = ctl.handled.length;
      const refused = await argocdCli('rollback', app.name, '1');
      assert.equal(refused.code, 1);
      assert.match(refused.err, /rollback cannot be initiated when auto-sync is enabled/);
      assert.equal((await get(app)).operation, undefined, 'nothing was requested');
      assert.equal(ctl.handled.length, handled);
    } finally {
      await ctl.stop();
    }
  });

  it('another operation and ours are followed to their end with a watch on the Application, not by reading it again and again (the test plays the controller)', async () => {
    const app = await makeApp('watched');
    const logs: string[] = [];
    const counted = new ClusterClient(await Connection.open({ kubeconfig: loadKubeconfig({ paths: [kubeconfigPath] }), context: 'local-supervisor-admin', allowExec: false, requestTimeoutMs: 10_000, log: (l) => logs.push(l) }));
    // each operation runs 1.5 s: read every 100 ms, following both would take about 30 reads
    const ctl = controller(app, () => ({ phase: 'Succeeded', runMs: 1500, resources: [resource('c1', 'Synced', 'cluster configured')] }));
    try {
      await patch(app, { operation: { initiatedBy: { username: 'someone-else' }, sync: { revision: 'main' } } });
      const progress: OperationProgress[] = [];
      const report = await syncApplication(counted, app, { ifBusy: 'wait', pollMs: 100, timeoutMs: 30_000, onProgress: (p) => progress.push(p) });
      assert.equal(report.outcome, 'succeeded', report.message);
      assert.equal(report.other?.initiatedBy, 'someone-else', 'the other operation was waited for');
      assert.equal(ctl.handled.length, 2, 'both operations ran to their end');
      assert.ok(progress.some((p) => p.phase === 'Running') && progress.some((p) => p.phase === 'Succeeded'), progress.map((p) => p.phase).join(','));
      assert.doesNotMatch(report.message, /reading it every/, 'the watch did not fail');
      const onApp = logs.filter((l) => l.includes(`/applications/${app.name} `) || l.includes(`/applications?`));
      const reads = onApp.filter((l) => /^GET \S*\/applications\/[^?\s]+ /.test(l));
      const watches = onApp.filter((l) => /^GET \S*\/applications\?\S*watch=true/.test(l));
      // the first read, one when waiting starts, one when it ended, and one more per conflict with the controller
      assert.ok(reads.length >= 3 && reads.length <= 5, `reads of the Application:\n${reads.join('\n')}`);
      assert.ok(watches.length >= 2, `watches:\n${onApp.join('\n')}`);
      assert.ok(watches.every((l) => l.includes(`fieldSelector=metadata.name%3D${app.name}`)), watches.join('\n'));
    } finally {
      await ctl.stop();
      counted.connection.dispose();
    }
  });
});
