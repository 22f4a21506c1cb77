/** TanzuKubernetesCluster and Cluster health, as the drift tree shows it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterHealth } from '../../src/core/reconcile/health';

describe('cluster health', () => {
  it('summarises a TKC: phase, Ready, version, control plane and workers; conditions kept in order', () => {
    const h = clusterHealth({
      spec: { topology: { controlPlane: { replicas: 3 } } },
      status: {
        phase: 'running', version: 'v1.26.5+vmware.2-fips.1', totalWorkerReplicas: 4,
        conditions: [
          { type: 'Ready', status: 'True', lastTransitionTime: '2026-11-26T03:00:00Z' },
          { type: 'NodePoolsReady', status: 'False', reason: 'WaitingForNodes', message: '2 of 4 nodes are up' },
          { notAType: true },
        ],
      },
    });
    assert.ok(h);
    assert.equal(h.summary, 'running · Ready True · v1.26.5+vmware.2-fips.1 · control plane 3 · workers 4');
    assert.deepEqual(h.conditions.map((c) => `${c.type}=${c.status}`), ['Ready=True', 'NodePoolsReady=False']);
  });

  it('a Cluster without status: its topology version and replicas; v1alpha1 count', () => {
    assert.equal(clusterHealth({ spec: { topology: { version: 'v1.25.7---vmware.3', controlPlane: { replicas: 1 } } } })?.summary, 'v1.25.7---vmware.3 · control plane 1');
    assert.equal(clusterHealth({ spec: { topology: { controlPlane: { count: 3 } } }, status: { phase: 'creating' } })?.summary, 'creating · control plane 3');
    assert.equal(clusterHealth(undefined), undefined);
  });
});
