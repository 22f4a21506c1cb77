/**
 * Health beside sync against the real local Supervisor: a TanzuKubernetesCluster whose status a
 * controller wrote (the status subresource, its own field manager) with Ready=False stays Synced
 * in `diff --format json`, and its health says Progressing while updating and Degraded once it
 * runs with Ready still False.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/client';
import type { ConnectionSession } from '../../src/cluster/session';
import { workspaceOwner } from '../../src/drift/targets';
import { cleanupTemp, GIT_ENV, kubeconfigFile, makeRepos, manifests, name, openSession, remove, runCliProcess, synced, tkc, type Repos } from './drift-fixtures';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
const cluster = name('health-tkc');
let admin: ConnectionSession;
let kubeconfig: string;
let repos: Repos;
const created: KubeObject[] = [];

/** As the TKG controller writes it: a server-side apply of the status subresource under its own manager. */
async function writeStatus(phase: string, ready: { status: string; reason: string; message: string }): Promise<void> {
  const body = {
    apiVersion: 'run.tanzu.vmware.com/v1alpha2', kind: 'TanzuKubernetesCluster', metadata: { name: cluster, namespace: 'team-a' },
    status: { phase, conditions: [{ type: 'Ready', status: ready.status, reason: ready.reason, message: ready.message, severity: 'Warning', lastTransitionTime: '2026-12-06T23:00:00Z' }] },
  };
  await admin.client.connection.request({
    method: 'PATCH', path: `/apis/run.tanzu.vmware.com/v1alpha2/namespaces/team-a/tanzukubernetesclusters/${cluster}/status`,
    query: { fieldManager: 'vmware-system-tkg-controller', force: 'true' }, body: JSON.stringify(body), contentType: 'application/apply-patch+yaml',
  });
}

async function record(): Promise<Record<string, unknown>> {
  const r = await runCliProcess(CLI, ['diff', '--format', 'json', '--namespace', 'team-a', join(repos.work, 'clusters')], { ...GIT_ENV, KUBECONFIG: kubeconfig });
  assert.equal(r.code, 0, r.stderr);
  const arr = JSON.parse(r.stdout) as Record<string, unknown>[];
  const rec = arr.find((x) => x.name === cluster);
  assert.ok(rec, 'the TKC is listed');
  return rec;
}

before(async () => {
  admin = await openSession('local-supervisor-admin');
  kubeconfig = await kubeconfigFile();
  repos = await makeRepos({ 'clusters/a.yaml': manifests(tkc(cluster)) });
  created.push(await synced(admin, tkc(cluster), { kind: 'tanzu-gitops', target: await workspaceOwner(repos.repo), path: 'clusters' }));
});

after(async () => {
  await remove(admin, created);
  admin?.dispose();
  cleanupTemp();
});

describe('health of a TanzuKubernetesCluster', () => {
  it('Ready=False while updating: Synced and Progressing; then running with Ready=False: Degraded, with the reason', async () => {
    await writeStatus('updating', { status: 'False', reason: 'WaitingForControlPlaneAvailable', message: '1 of 3 control plane nodes ready' });
    const updating = await record();
    assert.equal(updating.status, 'Synced', 'the controller\'s status is not drift');
    assert.deepEqual(updating.health, {
      status: 'Progressing', message: 'updating: WaitingForControlPlaneAvailable: 1 of 3 control plane nodes ready', since: '2026-12-06T23:00:00Z',
    });
    await writeStatus('running', { status: 'False', reason: 'NodesNotReady', message: 'node np-1 is NotReady' });
    const degraded = await record();
    assert.equal(degraded.status, 'Synced');
    assert.equal((degraded.health as { status: string }).status, 'Degraded');
    assert.equal((degraded.health as { message: string }).message, 'NodesNotReady: node np-1 is NotReady');
  });
});
