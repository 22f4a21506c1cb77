/** What is compared: server fields dropped, the offline subset, ignoreDifferences. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyIgnores, ignoresFor, ignoreWarnings, parsePointer, removePaths, removePointer } from '../../src/core/diff/ignore';
import { DROPPED_METADATA, dropServerFields, normalisePair, restrictTo } from '../../src/core/diff/normalise';
import type { IgnoreDifference, KubeObject, ObjectRef } from '../../src/core/diff/types';
import { merge, tkcV1alpha2 } from './builders';

type Obj = Record<string, unknown>;
const REF: ObjectRef = { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', namespace: 'ns-1', name: 'tkc-1' };

describe('dropServerFields', () => {
  it('drops status, server metadata and the last-applied annotation; keeps ownerReferences, finalizers and tracking', () => {
    const meta: Obj = { name: 'tkc-1', namespace: 'ns-1', ownerReferences: [{ kind: 'X', name: 'x', uid: 'u' }], finalizers: ['f'], labels: { a: 'b' } };
    for (const k of DROPPED_METADATA) meta[k] = k === 'managedFields' ? [{ manager: 'm' }] : 'x';
    meta.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'argocd.argoproj.io/tracking-id': 'app:x' };
    const out = dropServerFields({ ...tkcV1alpha2(), metadata: meta, status: { phase: 'running' } });
    assert.equal(out.status, undefined);
    assert.deepEqual(out.metadata, {
      name: 'tkc-1', namespace: 'ns-1', ownerReferences: [{ kind: 'X', name: 'x', uid: 'u' }], finalizers: ['f'], labels: { a: 'b' },
      annotations: { 'argocd.argoproj.io/tracking-id': 'app:x' },
    });
    assert.equal(meta.uid, 'x', 'input unchanged');
  });

  it('drops annotation and label maps left empty, and the namespace of cluster-scoped objects', () => {
    const out = dropServerFields({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', namespace: 'x', labels: {}, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } }, { namespace: '' });
    assert.deepEqual(out.metadata, { name: 'a' });
  });
});

describe('restrictTo (offline subset, as Argo CD)', () => {
  it('keeps only the keys Git has, in maps at any depth', () => {
    assert.deepEqual(restrictTo({ a: 1, b: { c: 2, d: 3 }, e: 4 }, { a: 9, b: { c: 9 } }), { a: 1, b: { c: 2 } });
    assert.deepEqual(restrictTo({ a: 1 }, { a: 1, z: 2 }), { a: 1 }, 'what Git has and live lacks stays absent (a difference)');
  });

  it('compares lists item by item: items keep Git keys only, extra live items stay, order counts', () => {
    const live = [{ name: 'a', x: 1, tkr: 'defaulted' }, { name: 'b', x: 2 }, { name: 'c', x: 3 }];
    assert.deepEqual(restrictTo(live, [{ name: 'a', x: 1 }, { name: 'b', x: 2 }]), [{ name: 'a', x: 1 }, { name: 'b', x: 2 }, { name: 'c', x: 3 }]);
    assert.deepEqual(restrictTo(['b', 'a'], ['a', 'b']), ['b', 'a']);
  });

  it('leaves live as it is where the shapes differ', () => {
    assert.deepEqual(restrictTo({ a: [1] }, { a: { b: 1 } }), { a: [1] });
    assert.equal(restrictTo('x', { a: 1 }), 'x');
  });
});

describe('ignoreDifferences', () => {
  it('matches group and kind as globs, name and namespace exactly; an omitted group is the core group', () => {
    const list: IgnoreDifference[] = [
      { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster' },
      { group: '*.tanzu.vmware.com', kind: 'Tanzu*' },
      { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', name: 'other' },
      { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', namespace: 'ns-1', name: 'tkc-1' },
      { kind: 'TanzuKubernetesCluster' },
      { group: 'apps', kind: 'Deployment' },
      { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCl?ster' },
    ];
    assert.deepEqual(ignoresFor(REF, list).map((e) => list.indexOf(e)), [0, 1, 3, 6]);
    assert.deepEqual(ignoresFor({ group: '', kind: 'Secret', namespace: 'x', name: 'y' }, [{ kind: 'Secret' }, { group: '*', kind: '*' }]).length, 2);
  });

  it('parses RFC 6901 pointers', () => {
    assert.deepEqual(parsePointer('/metadata/labels/app.kubernetes.io~1name'), ['metadata', 'labels', 'app.kubernetes.io/name']);
    assert.deepEqual(parsePointer('/a~0b/~01'), ['a~b', '~1']);
    assert.equal(parsePointer('spec/replicas'), undefined);
  });

  it('removes what a pointer names, in maps and lists; absent paths are a no-op', () => {
    const obj = { spec: { pools: [{ replicas: 1 }, { replicas: 2 }], a: { b: 1 } } };
    removePointer(obj, '/spec/pools/1/replicas');
    removePointer(obj, '/spec/a/b');
    removePointer(obj, '/spec/missing/x');
    removePointer(obj, '/spec/pools/7');
    removePointer(obj, '/spec/pools/x');
    assert.deepEqual(obj, { spec: { pools: [{ replicas: 1 }, {}], a: {} } });
    removePointer(obj, '/spec/pools/0');
    assert.deepEqual(obj.spec.pools, [{}]);
  });

  it('warns about non-pointers, once each (jqPathExpressions are evaluated by jq, outside core)', () => {
    const w = ignoreWarnings([{ group: 'apps', kind: 'Deployment', name: 'web', jqPathExpressions: ['.spec.replicas'], jsonPointers: ['/ok', 'not-a-pointer'] }]);
    assert.equal(w.length, 1);
    assert.match(w[0], /Deployment\.apps web.*"not-a-pointer" is not a JSON pointer/);
    assert.deepEqual(ignoreWarnings(undefined), []);
  });

  it("removes jq's paths as delpaths does: the last first, so array indices never shift; absent paths left alone", () => {
    const obj = { spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], keep: 1 } };
    removePaths(obj, [['spec', 'containers', 0], ['spec', 'containers', 2], ['spec', 'missing', 'x'], ['spec', 'containers', 9]]);
    assert.deepEqual(obj, { spec: { containers: [{ name: 'b' }], keep: 1 } });
    removePaths(obj, [['spec', 'keep'], []]);
    assert.deepEqual(obj, { spec: { containers: [{ name: 'b' }] } });
  });

  it('applies pointers and managers to both sides, reading managedFields from live', () => {
    const live: Obj = {
      ...tkcV1alpha2({ topology: { controlPlane: { replicas: 5 } } }),
      metadata: { name: 'tkc-1', managedFields: [{ manager: 'scaler', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:topology': { 'f:controlPlane': { 'f:replicas': {} } } } } }] },
    };
    const git = tkcV1alpha2({ settings: { network: { serviceDomain: 'x.local' } } });
    const [g, l] = applyIgnores([structuredClone(git), structuredClone(live)], [{ kind: '*', group: '*', jsonPointers: ['/spec/settings'], managedFieldsManagers: ['scaler'] }], live);
    for (const side of [g, l]) {
      const spec = side.spec as Obj;
      assert.equal(spec.settings, undefined);
      assert.equal((((spec.topology as Obj).controlPlane) as Obj).replicas, undefined);
    }
  });
});

describe('normalisePair', () => {
  const live = merge(tkcV1alpha2(), { metadata: { resourceVersion: '9', labels: { extra: 'live' } }, spec: { settings: { network: { defaulted: true } } }, status: { phase: 'running' } });

  it('offline: Git against live restricted to Git fields', () => {
    const pair = normalisePair({ ref: REF, git: tkcV1alpha2(), live });
    assert.equal(pair.mode, 'offline');
    assert.deepEqual(pair.live, pair.git);
  });

  it('with a dry-run: desired against live, both whole', () => {
    const desired = merge(live, { metadata: { resourceVersion: '10' } });
    const pair = normalisePair({ ref: REF, git: tkcV1alpha2(), desired, live });
    assert.equal(pair.mode, 'dry-run');
    assert.deepEqual(pair.live, pair.git);
    assert.equal(((pair.git as KubeObject).metadata as Obj).labels !== undefined, true, 'whole: the live label is on both sides');
  });

  it('one side only: the other is undefined', () => {
    const pair = normalisePair({ ref: REF, live });
    assert.equal(pair.git, undefined);
    assert.equal((pair.live as KubeObject).status, undefined);
  });
});
