/**
 * Leaf kustomizations (what the workspace compares as targets of their own) and an object found
 * again by the path of the folder whose sync applied it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignTracking, objectToApply, subFolderPath, TANZU_PATH_ANNOTATION, TANZU_TARGET_LABEL, type Ownership } from '../../src/core/reconcile/ownership';
import { kustomizationLeaves } from '../../src/sources/leaves';

const k = (o: Record<string, unknown>) => JSON.stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...o });

describe('leaf kustomizations', () => {
  it('overlays are leaves, the base they build on is not; plain files and patches are not kustomizations', () => {
    const { folders, leaves } = kustomizationLeaves([
      { path: 'base/kustomization.yaml', text: k({ resources: ['web.yaml'] }) },
      { path: 'base/web.yaml', text: 'kind: ConfigMap' },
      { path: 'overlays/dev/kustomization.yaml', text: k({ resources: ['../../base'] }) },
      { path: 'overlays/prod/kustomization.yml', text: k({ bases: ['../../base/'], components: ['../../components/tls'], patches: [{ path: 'patch.yaml' }] }) },
      { path: 'overlays/prod/patch.yaml', text: 'kind: ConfigMap' },
      { path: 'components/tls/kustomization.yaml', text: k({ kind: 'Component' }) },
      { path: 'lone/kustomization.yaml', text: k({ resources: ['https://github.com/example/x//base'] }) },
      { path: 'clusters/a.yaml', text: 'kind: ConfigMap' },
    ]);
    assert.deepEqual(folders, ['base', 'components/tls', 'lone', 'overlays/dev', 'overlays/prod']);
    assert.deepEqual(leaves, ['lone', 'overlays/dev', 'overlays/prod']);
  });

  it('a kustomization at the root and one that does not parse are still kustomizations', () => {
    const { folders, leaves } = kustomizationLeaves([
      { path: 'kustomization.yaml', text: k({ resources: ['app'] }) },
      { path: 'app/kustomization.yaml', text: k({ resources: ['cm.yaml'] }) },
      { path: 'broken/kustomization.yaml', text: 'resources: [\n' },
    ]);
    assert.deepEqual(folders, ['', 'app', 'broken']);
    assert.deepEqual(leaves, ['', 'broken']);
  });
});

describe('found again by path', () => {
  const top: Ownership = { kind: 'tanzu-gitops', target: 'repo-example', path: '' };
  const id = { group: '', kind: 'ConfigMap', namespace: 'ns', name: 'a' };
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' }, data: { x: '1' } };
  const live = (path: string, owner = 'repo-example') => objectToApply(cm, id, { kind: 'tanzu-gitops', target: owner, path });

  it('an object the sync of a sub-folder applied keeps that folder as its path', () => {
    assert.equal(subFolderPath(live('clusters'), top, 'clusters/team-a/a.yaml'), 'clusters');
    const applied = alignTracking(objectToApply(cm, id, top), live('clusters'), id, top, 'clusters/team-a/a.yaml');
    assert.equal((applied.metadata as { annotations: Record<string, string> }).annotations[TANZU_PATH_ANNOTATION], 'clusters');
  });

  it('not when the folder does not hold the file, the owner differs, or the path is the target\'s own', () => {
    assert.equal(subFolderPath(live('apps'), top, 'clusters/a.yaml'), undefined);
    assert.equal(subFolderPath(live('clusters', 'repo-other'), top, 'clusters/a.yaml'), undefined);
    assert.equal(subFolderPath(live(''), top, 'clusters/a.yaml'), undefined);
    // a target of one folder never takes the path of a folder outside it
    assert.equal(subFolderPath(live('apps/x'), { ...top, path: 'clusters' } as Ownership, 'apps/x/a.yaml'), undefined);
    const applied = alignTracking(objectToApply(cm, id, top), live('apps'), id, top, 'clusters/a.yaml');
    const meta = applied.metadata as { labels: Record<string, string>; annotations: Record<string, string> };
    assert.equal(meta.annotations[TANZU_PATH_ANNOTATION], '.');
    assert.equal(meta.labels[TANZU_TARGET_LABEL], 'repo-example');
  });
});
