/**
 * What the Clusters view watches, against the real local Supervisor: each kind in the first scope
 * the user may list it in (every namespace for the admin, team-a for the user bound to it), a
 * scope or kind refused released at once (no cache left asking), a kind not served said so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadKubeconfig, type Kubeconfig } from '../../src/cluster/kubeconfig';
import { ConnectionSession, acquirePermitted } from '../../src/cluster/session';
import { readState, serverWatches, supervisor, until } from './supervisor';

const TKC = { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster' };
const SECRET = { group: '', kind: 'Secret', version: 'v1' };
let kubeconfig: Kubeconfig;
const sessions: ConnectionSession[] = [];

async function open(context: string): Promise<ConnectionSession> {
  const s = await ConnectionSession.open({ kubeconfig, context, allowExec: false, requestTimeoutMs: 5000, cacheDefaults: { backoff: { initialMs: 200, maxMs: 2000 } } });
  sessions.push(s);
  return s;
}

before(async () => {
  kubeconfig = loadKubeconfig({ paths: [(await supervisor()).kubeconfig] });
});
after(() => {
  for (const s of sessions) s.dispose();
});

describe('the first scope the user may list a kind in', () => {
  it('the admin watches TanzuKubernetesClusters in every namespace', async () => {
    const admin = await open('local-supervisor-admin');
    const got = await acquirePermitted(admin, TKC, [undefined, 'team-a']);
    assert.equal(got.scope, undefined);
    assert.ok(got.cache?.synced);
    assert.deepEqual(admin.caches, [got.cache]);
  });

  it('the user bound to team-a: team-a after every namespace is refused; the refused cache is gone from the session and the server', async () => {
    const dev = await open('local-supervisor-dev');
    const state = readState();
    const watches = async (scope: string) => (await serverWatches(state)).get(`tanzukubernetesclusters/${scope}`) ?? 0;
    const [inNamespace, everywhere] = [await watches('namespace'), await watches('cluster')];
    const got = await acquirePermitted(dev, TKC, [undefined, 'team-a']);
    assert.equal(got.scope, 'team-a');
    assert.ok(got.cache?.synced);
    assert.equal(got.cache?.options.namespace, 'team-a');
    assert.deepEqual(dev.caches, [got.cache], 'only the team-a cache is left');
    await until('the team-a watch is open on the server', async () => (await watches('namespace')) === inNamespace + 1);
    assert.equal(await watches('cluster'), everywhere, 'no watch across namespaces was opened');
    assert.equal(got.cache?.stats.errors, 0);
  });

  it('a kind refused in every scope given is denied and leaves no cache; a kind not served says so', async () => {
    const dev = await open('local-supervisor-dev');
    const secrets = await acquirePermitted(dev, SECRET, ['argocd'], { labelSelector: 'argocd.argoproj.io/secret-type=cluster' });
    assert.deepEqual(secrets, { denied: true });
    const none = await acquirePermitted(dev, { group: 'example.tanzu-gitops.dev', kind: 'Nothing' }, [undefined, 'team-a']);
    assert.deepEqual(none, { notServed: true });
    assert.deepEqual(dev.caches, [], 'no cache is left asking');
  });
});
