/** Workload health as Argo CD's built-in checks decide it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { healthOf } from '../../src/core/health';

const meta = (generation = 2) => ({ name: 'x', namespace: 'default', generation });
const status = (group: string, kind: string, o: Record<string, unknown>) => healthOf(group, kind, { kind, ...o })?.status;

describe('workload health', () => {
  it('Deployment: paused, generation not observed, rollout counts, progress deadline, done', () => {
    const d = (spec: object, st: object) => status('apps', 'Deployment', { metadata: meta(), spec: { replicas: 3, ...spec }, status: { observedGeneration: 2, ...st } });
    assert.equal(d({ paused: true }, {}), 'Suspended');
    assert.equal(status('apps', 'Deployment', { metadata: meta(3), spec: { replicas: 1 }, status: { observedGeneration: 2, updatedReplicas: 1, replicas: 1, availableReplicas: 1 } }), 'Progressing');
    assert.equal(d({}, { updatedReplicas: 2, replicas: 3, availableReplicas: 3 }), 'Progressing');
    assert.equal(d({}, { updatedReplicas: 3, replicas: 4, availableReplicas: 3 }), 'Progressing');
    assert.equal(d({}, { updatedReplicas: 3, replicas: 3, availableReplicas: 2 }), 'Progressing');
    assert.equal(d({}, { updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }), 'Degraded');
    assert.equal(d({}, { updatedReplicas: 3, replicas: 3, availableReplicas: 3 }), 'Healthy');
  });

  it('StatefulSet: ready pods, partition, revisions, OnDelete', () => {
    const s = (spec: object, st: object) => status('apps', 'StatefulSet', { metadata: meta(), spec: { replicas: 2, ...spec }, status: { observedGeneration: 2, ...st } });
    assert.equal(s({}, { readyReplicas: 1 }), 'Progressing');
    assert.equal(s({}, { readyReplicas: 2, currentRevision: 'a', updateRevision: 'b' }), 'Progressing');
    assert.equal(s({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }, { readyReplicas: 2, updatedReplicas: 0 }), 'Progressing');
    assert.equal(s({ updateStrategy: { type: 'OnDelete' } }, { readyReplicas: 2, currentRevision: 'a', updateRevision: 'b' }), 'Healthy');
    assert.equal(s({}, { readyReplicas: 2, currentRevision: 'a', updateRevision: 'a' }), 'Healthy');
  });

  it('DaemonSet: updated and available against desired', () => {
    const ds = (st: object) => status('apps', 'DaemonSet', { metadata: meta(), spec: {}, status: { observedGeneration: 2, desiredNumberScheduled: 3, ...st } });
    assert.equal(ds({ updatedNumberScheduled: 2, numberAvailable: 3 }), 'Progressing');
    assert.equal(ds({ updatedNumberScheduled: 3, numberAvailable: 2 }), 'Progressing');
    assert.equal(ds({ updatedNumberScheduled: 3, numberAvailable: 3 }), 'Healthy');
  });

  it('Service of type LoadBalancer and Ingress without an address are Progressing; with one Healthy', () => {
    assert.equal(status('', 'Service', { spec: { type: 'LoadBalancer' }, status: {} }), 'Progressing');
    assert.equal(status('', 'Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: { ingress: [{ ip: '10.0.0.5' }] } } }), 'Healthy');
    assert.equal(status('', 'Service', { spec: { type: 'ClusterIP' } }), 'Healthy');
    assert.equal(status('networking.k8s.io', 'Ingress', { status: { loadBalancer: {} } }), 'Progressing');
    assert.equal(status('networking.k8s.io', 'Ingress', { status: { loadBalancer: { ingress: [{ hostname: 'a.example' }] } } }), 'Healthy');
  });

  it('PersistentVolumeClaim, Job and Pod phases', () => {
    assert.equal(status('', 'PersistentVolumeClaim', { status: { phase: 'Pending' } }), 'Progressing');
    assert.equal(status('', 'PersistentVolumeClaim', { status: { phase: 'Bound' } }), 'Healthy');
    assert.equal(status('', 'PersistentVolumeClaim', { status: { phase: 'Lost' } }), 'Degraded');
    assert.equal(status('batch', 'Job', { status: { conditions: [{ type: 'Failed', status: 'True', message: 'BackoffLimitExceeded' }] } }), 'Degraded');
    assert.equal(status('batch', 'Job', { status: { conditions: [{ type: 'Complete', status: 'True' }] } }), 'Healthy');
    assert.equal(status('batch', 'Job', { spec: { suspend: true }, status: {} }), 'Suspended');
    assert.equal(status('batch', 'Job', { status: { active: 1 } }), 'Progressing');
    assert.equal(status('', 'Pod', { status: { phase: 'Pending' } }), 'Progressing');
    assert.equal(status('', 'Pod', { status: { phase: 'Failed' } }), 'Degraded');
    assert.equal(status('', 'Pod', { status: { phase: 'Succeeded' } }), 'Healthy');
    assert.equal(status('', 'Pod', { spec: { restartPolicy: 'Always' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }), 'Healthy');
    assert.equal(status('', 'Pod', { spec: { restartPolicy: 'Always' }, status: { phase: 'Running', containerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } } }] } }), 'Degraded');
    assert.equal(healthOf('', 'Pod', undefined)?.status, 'Missing');
  });
});
