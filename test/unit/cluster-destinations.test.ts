/** An Application's destination: in-cluster or not, and an Argo CD cluster Secret's credentials as a kubeconfig. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argoClusterKubeconfig, isInCluster, readArgoClusters, type ArgoCluster } from '../../src/cluster/destinations';
import { ClusterError } from '../../src/cluster/errors';
import { redact } from '../../src/cluster/redact';

const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n').toString('base64');
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('destinations', () => {
  it('in-cluster: no destination, in-cluster, kubernetes.default.svc, the Supervisor itself (any spelling of its URL); anything else is another cluster', () => {
    assert.equal(isInCluster({}), true);
    assert.equal(isInCluster({ name: 'in-cluster' }), true);
    assert.equal(isInCluster({ server: 'https://kubernetes.default.svc/' }), true);
    assert.equal(isInCluster({ server: 'https://kubernetes.default.svc:443' }), true);
    assert.equal(isInCluster({ server: 'https://10.0.0.1:6443/' }, 'https://10.0.0.1:6443'), true);
    assert.equal(isInCluster({ server: 'https://10.0.0.9:6443' }, 'https://10.0.0.1:6443'), false);
    assert.equal(isInCluster({ name: 'team-a-tkc-1' }), false);
  });

  it('the cluster Secret read as Argo CD reads it; its token as a kubeconfig user, registered with the redactor', async () => {
    const token = 'argocd-manager-token-value-0123456789';
    const secret = {
      metadata: { name: 'cluster-team-a-tkc-1' },
      data: { name: b64('team-a-tkc-1'), server: b64('https://10.0.0.9:6443'), config: b64(JSON.stringify({ bearerToken: token, tlsClientConfig: { caData: CA, serverName: 'tkc-1' } })) },
    };
    const clusters = await readArgoClusters({ list: async () => ({ items: [secret], resourceVersion: '1' }) } as never, 'argocd');
    assert.equal(clusters?.length, 1);
    const c = clusters?.[0] as ArgoCluster;
    assert.deepEqual([c.secret, c.name, c.server], ['argocd/cluster-team-a-tkc-1', 'team-a-tkc-1', 'https://10.0.0.9:6443']);
    const kc = argoClusterKubeconfig(c);
    assert.ok(typeof kc !== 'string', String(kc));
    const r = kc.resolve('argocd');
    assert.deepEqual([r.cluster.server, r.cluster.caData, r.cluster.tlsServerName, r.user.token], ['https://10.0.0.9:6443', CA, 'tkc-1', token]);
    assert.equal(redact(`Authorization failed for ${token}`).includes(token), false);
  });

  it('a Secret without credentials this client can use says why; a forbidden list is undefined, not an error', async () => {
    const base = { secret: 'argocd/x', server: 'https://10.0.0.9:6443' };
    assert.match(argoClusterKubeconfig({ ...base, config: { tlsClientConfig: { caData: CA } } }) as string, /holds no bearer token, client certificate or basic credentials/);
    assert.match(argoClusterKubeconfig({ ...base, config: { external: 'it authenticates through execProviderConfig' } }) as string, /execProviderConfig/);
    const forbidden = { list: async () => { throw new ClusterError('forbidden', 'secrets is forbidden'); } };
    assert.equal(await readArgoClusters(forbidden as never, 'argocd'), undefined);
  });
});
