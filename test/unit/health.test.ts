/** Health beside sync: TKC and Cluster health from phase and conditions, as Argo CD reads a Cluster. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasHealthCheck, healthOf } from '../../src/core/health';
import { reconcile, toRecord } from '../../src/core/reconcile/reconcile';

type Obj = Record<string, unknown>;
const TKC = ['run.tanzu.vmware.com', 'TanzuKubernetesCluster'] as const;
const CLUSTER = ['cluster.x-k8s.io', 'Cluster'] as const;
const ready = (status: string, reason?: string, message?: string) =>
  ({ type: 'Ready', status, ...(reason ? { reason } : {}), ...(message ? { message } : {}), lastTransitionTime: '2026-12-06T23:00:00Z' });

function tkc(status: Obj, meta: Obj = {}, spec: Obj = {}): Obj {
  return { apiVersion: 'run.tanzu.vmware.com/v1alpha3', kind: 'TanzuKubernetesCluster', metadata: { name: 'c', namespace: 'ns-1', ...meta }, spec, status };
}

describe('health: TanzuKubernetesCluster and Cluster', () => {
  it('running and Ready is Healthy, with the time Ready last changed', () => {
    const h = healthOf(...TKC, tkc({ phase: 'running', conditions: [ready('True')] }));
    assert.deepEqual(h, { status: 'Healthy', message: 'Cluster is running', since: '2026-12-06T23:00:00Z' });
  });

  it('Ready=False while updating is Progressing, with the condition\'s reason; the same when running is Degraded', () => {
    const updating = healthOf(...TKC, tkc({ phase: 'updating', conditions: [ready('False', 'WaitingForControlPlane', '1 of 3 control plane nodes ready')] }));
    assert.equal(updating?.status, 'Progressing');
    assert.match(updating?.message ?? '', /updating: WaitingForControlPlane: 1 of 3 control plane nodes ready/);
    const running = healthOf(...TKC, tkc({ phase: 'running', conditions: [ready('False', 'NodesNotReady')] }));
    assert.equal(running?.status, 'Degraded');
    assert.equal(running?.message, 'NodesNotReady');
  });

  it('Ready=False before the controller observed the latest generation is Progressing', () => {
    const h = healthOf(...TKC, tkc({ phase: 'running', observedGeneration: 3, conditions: [ready('False')] }, { generation: 4 }));
    assert.equal(h?.status, 'Progressing');
  });

  it('a Cluster follows Argo CD: Provisioned is Healthy, Failed Degraded, paused Suspended, Provisioning Progressing', () => {
    const cluster = (status: Obj, spec: Obj = {}) => ({ ...tkc(status, {}, spec), apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster' });
    assert.equal(healthOf(...CLUSTER, cluster({ phase: 'Provisioned', conditions: [ready('True')] }))?.status, 'Healthy');
    assert.equal(healthOf(...CLUSTER, cluster({ phase: 'Failed' }))?.status, 'Degraded');
    assert.equal(healthOf(...CLUSTER, cluster({ phase: 'Provisioned' }, { paused: true }))?.status, 'Suspended');
    assert.equal(healthOf(...CLUSTER, cluster({ phase: 'Provisioning' }))?.status, 'Progressing');
    assert.equal(healthOf(...CLUSTER, cluster({}))?.status, 'Progressing', 'no status yet');
    assert.equal(healthOf(...CLUSTER, cluster({ phase: 'Provisioned', conditions: [ready('False', 'MachinesNotReady')] }))?.status, 'Degraded');
  });

  it('no live object is Missing; a kind without a check has no health; bad status shapes do not throw', () => {
    assert.deepEqual(healthOf(...TKC, undefined), { status: 'Missing' });
    assert.equal(healthOf('', 'ConfigMap', { metadata: { name: 'x' } }), undefined);
    assert.equal(hasHealthCheck(...TKC), true);
    assert.equal(hasHealthCheck('', 'ConfigMap'), false);
    assert.equal(healthOf(...TKC, tkc({ phase: 7, conditions: 'nope' } as Obj))?.status, 'Progressing');
    assert.equal(healthOf(...TKC, { spec: null, status: [1] })?.status, 'Progressing');
  });
});

describe('health in reconcile and the JSON record', () => {
  it('each TKC carries its health beside its sync status; a ConfigMap carries none', () => {
    const live = tkc({ phase: 'updating', conditions: [ready('False', 'Updating')] });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns-1' }, data: { a: '1' } };
    const git = [{ apiVersion: live.apiVersion, kind: live.kind, metadata: { name: 'c', namespace: 'ns-1' }, spec: {} }, cm]
      .map((object, i) => ({ object, source: { file: `f${i}.yaml`, line: 0 } }));
    const result = reconcile({ git, live: [live, cm], target: { name: 't', defaultNamespace: 'ns-1', ownership: { kind: 'tanzu-gitops', target: 't' } }, options: {} });
    const byKind = new Map(result.resources.map((r) => [r.kind, r]));
    assert.equal(byKind.get('TanzuKubernetesCluster')?.health?.status, 'Progressing');
    assert.equal(byKind.get('ConfigMap')?.health, undefined);
    assert.equal(toRecord(byKind.get('TanzuKubernetesCluster')!).health?.status, 'Progressing');
    assert.equal('health' in toRecord(byKind.get('ConfigMap')!), false);
  });
});
