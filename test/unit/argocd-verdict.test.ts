/**
 * Argo CD's verdict on an Application (src/argocd/applications.ts), as the drift tree's
 * Application node shows it beside the local comparison: status.sync, status.health,
 * status.operationState, status.conditions and status.resources, read as Argo CD writes them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applicationVerdict, verdictBeside } from '../../src/argocd/applications';

const app = (status: Record<string, unknown>) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'web', namespace: 'argocd' }, status });

describe('Argo CD verdict', () => {
  it('reads sync, revision, health, the last operation, conditions and per-resource verdicts', () => {
    const v = applicationVerdict(app({
      sync: { status: 'Synced', revision: '4e1c2a0f9b8e7d6c5b4a39281706f5e4d3c2b1a0' },
      health: { status: 'Progressing' },
      operationState: { phase: 'Succeeded', message: 'successfully synced (all tasks run)', startedAt: '2026-01-01T10:00:00Z', finishedAt: '2026-01-01T10:00:05Z' },
      conditions: [{ type: 'SyncError', message: 'one or more objects failed to apply' }, { message: 'no type' }],
      resources: [{ group: '', kind: 'ConfigMap', namespace: 'team-a', name: 'web-config', status: 'OutOfSync', health: { status: 'Healthy' } }],
    }));
    assert.equal(v.sync, 'Synced');
    assert.equal(v.revision?.slice(0, 7), '4e1c2a0');
    assert.equal(v.health, 'Progressing');
    assert.deepEqual(v.operation, { phase: 'Succeeded', message: 'successfully synced (all tasks run)', startedAt: '2026-01-01T10:00:00Z', finishedAt: '2026-01-01T10:00:05Z' });
    assert.deepEqual(v.conditions, [{ type: 'SyncError', message: 'one or more objects failed to apply' }]);
    assert.deepEqual(v.resources.get('/ConfigMap/team-a/web-config'), { sync: 'OutOfSync', health: 'Healthy' });
  });

  it('an Application Argo CD has not compared yet has no verdict fields', () => {
    const v = applicationVerdict(app({}));
    assert.equal(v.sync, undefined);
    assert.equal(v.health, undefined);
    assert.equal(v.operation, undefined);
    assert.deepEqual(v.conditions, []);
  });

  it('says plainly where the local comparison and Argo CD part', () => {
    const v = applicationVerdict(app({ sync: { status: 'Synced', revision: '4e1c2a0f9b' }, health: { status: 'Healthy' } }));
    assert.equal(verdictBeside(v, { label: 'your working tree', drifted: 2 }), 'Argo CD: Synced at 4e1c2a0, Healthy. Your working tree changes 2 resources.');
    assert.equal(verdictBeside(v, { label: 'Git main at 9f00aa1', drifted: 0 }), 'Argo CD: Synced at 4e1c2a0, Healthy. Git main at 9f00aa1 matches the cluster.');
    assert.equal(verdictBeside(applicationVerdict(app({})), { label: 'your working tree', drifted: 1 }), 'Argo CD: Unknown. Your working tree changes 1 resource.');
  });
});
