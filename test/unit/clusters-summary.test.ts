/** What the clusters listing reads from a TKC or Cluster, and how it finds the Argo CD Secret. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applicationCluster, argoRegistration, clusterRegistration, normalizeServer, summarizeApplication, summarizeCluster, type ClusterSummary } from '../../src/core/clusters';

describe('cluster summary', () => {
  it('a TKC: release from the TKR reference, workers from totalWorkerReplicas, control plane ready only with ControlPlaneReady True', () => {
    const tkc = (cpReady: string) => summarizeCluster({
      kind: 'TanzuKubernetesCluster', metadata: { name: 'c', namespace: 'ns' },
      spec: { topology: { controlPlane: { replicas: 3, tkr: { reference: { name: 'v1.26.5---vmware.2' } } }, nodePools: [{ name: 'a', replicas: 2 }, { name: 'b', replicas: 1 }] } },
      status: { phase: 'updating', totalWorkerReplicas: 2, apiEndpoints: [{ host: '10.0.0.4', port: 6443 }], conditions: [{ type: 'Ready', status: 'False', reason: 'NodePoolsNotReady' }, { type: 'ControlPlaneReady', status: cpReady }] },
    });
    const s = tkc('True');
    assert.deepEqual({ phase: s?.phase, ready: s?.ready, release: s?.release, cp: s?.controlPlane, np: s?.nodePools, server: s?.server },
      { phase: 'updating', ready: 'False', release: 'v1.26.5---vmware.2', cp: { desired: 3, ready: 3 }, np: { desired: 3, ready: 2 }, server: 'https://10.0.0.4:6443' });
    assert.equal(tkc('False')?.controlPlane.ready, undefined);
    assert.equal(s?.conditions[0].reason, 'NodePoolsNotReady');
  });

  it('a Cluster: counts from status.v1beta2 or status.controlPlane/workers; endpoint from spec.controlPlaneEndpoint', () => {
    const spec = { controlPlaneEndpoint: { host: 'cp.example', port: 443 }, topology: { version: 'v1.27.1', controlPlane: { replicas: 3 }, workers: { machineDeployments: [{ replicas: 2 }, { replicas: 4 }] } } };
    const v1b1 = summarizeCluster({ kind: 'Cluster', metadata: { name: 'c', namespace: 'ns' }, spec, status: { v1beta2: { controlPlane: { readyReplicas: 2 }, workers: { readyReplicas: 5 } } } });
    const v1b2 = summarizeCluster({ kind: 'Cluster', metadata: { name: 'c', namespace: 'ns' }, spec, status: { controlPlane: { readyReplicas: 1 }, workers: { readyReplicas: 6 } } });
    assert.deepEqual([v1b1?.controlPlane, v1b1?.nodePools, v1b1?.release, v1b1?.server], [{ desired: 3, ready: 2 }, { desired: 6, ready: 5 }, 'v1.27.1', 'https://cp.example:443']);
    assert.deepEqual([v1b2?.controlPlane.ready, v1b2?.nodePools.ready], [1, 6]);
    assert.equal(summarizeCluster({ kind: 'Cluster', metadata: {}, spec: {}, status: {} })?.controlPlane.ready, undefined);
    assert.equal(summarizeCluster({ kind: 'ConfigMap' }), undefined);
  });

  it('registration matches the server however it is spelled, and nothing else', () => {
    assert.equal(normalizeServer('HTTPS://Cp.Example/'), 'https://cp.example:443');
    const secrets = [{ name: 'other', server: 'https://10.0.0.9:6443' }, { name: 'mine', server: 'https://CP.example:443/' }];
    assert.equal(argoRegistration(['https://cp.example'], secrets)?.name, 'mine');
    assert.equal(argoRegistration(['https://cp.example:6443'], secrets), undefined);
    assert.equal(argoRegistration([undefined], secrets), undefined);
  });

  it('an Application deploys into the cluster of its destination server, or of the Secret its destination name names', () => {
    const cluster = (name: string, server?: string): ClusterSummary => ({ namespace: 'ns', name, kind: 'Cluster', conditions: [], controlPlane: {}, nodePools: {}, ...(server ? { server } : {}) });
    const a = cluster('a', 'https://10.0.0.4:6443');
    const b = cluster('b');
    const secrets = [{ name: 'cluster-ns-b', server: 'https://b.example:443', clusterName: 'ns-b', cluster: 'ns/b' }, { name: 's-a', server: 'https://10.0.0.4:6443', clusterName: 'team-a' }];
    const app = (destination: Record<string, string>) => summarizeApplication({ kind: 'Application', metadata: { name: 'x', namespace: 'argocd' }, spec: { destination }, status: { sync: { status: 'OutOfSync' }, health: { status: 'Healthy' } } })!;
    assert.deepEqual([app({ server: 'https://10.0.0.4:6443' }).sync, app({ server: 'x' }).health], ['OutOfSync', 'Healthy']);
    assert.equal(applicationCluster(app({ server: 'https://10.0.0.4:6443/' }), [a, b], secrets), a);
    assert.equal(applicationCluster(app({ name: 'team-a' }), [a, b], secrets), a);
    // b's status names no server yet: the Secret registered for it does
    assert.equal(applicationCluster(app({ name: 'ns-b' }), [a, b], secrets), b);
    assert.equal(applicationCluster(app({ server: 'https://B.example' }), [a, b], secrets), b);
    assert.equal(applicationCluster(app({ server: 'https://kubernetes.default.svc' }), [a, b], secrets), undefined);
    assert.equal(applicationCluster(app({ name: 'unknown' }), [a, b], secrets), undefined);
    assert.equal(clusterRegistration(b, secrets)?.name, 'cluster-ns-b');
    assert.equal(clusterRegistration(a, secrets)?.name, 's-a');
    assert.equal(clusterRegistration(cluster('c'), secrets), undefined);
    assert.equal(summarizeApplication({ kind: 'ConfigMap', metadata: { name: 'x' } }), undefined);
  });
});
