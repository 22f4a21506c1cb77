/** The FieldsV1 walk: which fields a manager owns, and the object without them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldsOwnedBy, ownedPaths, removeOwned, takenOver, type FieldsV1 } from '../../src/core/diff/managed-fields';
import { tkcV1alpha2 } from './builders';

type Obj = Record<string, unknown>;

const pods = (): Obj => ({
  metadata: { name: 'web', labels: { app: 'web', team: 'a' }, finalizers: ['a.example.com/x', 'b.example.com/y'] },
  spec: {
    replicas: 3,
    containers: [
      { name: 'app', image: 'app:1', ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 80, protocol: 'UDP', name: 'dns' }] },
      { name: 'sidecar', image: 'sidecar:2', env: [{ name: 'A', value: '1' }] },
    ],
    tolerations: [{ key: 'k1' }, { key: 'k2' }],
  },
});

describe('FieldsV1 walk', () => {
  it('f: leaves are removed; the rest stays; the input is not changed', () => {
    const obj = pods();
    const before = JSON.stringify(obj);
    const set: FieldsV1 = { 'f:spec': { 'f:replicas': {} }, 'f:metadata': { 'f:labels': { 'f:team': {} } } };
    const out = removeOwned(obj, set) as Obj;
    assert.equal((out.spec as Obj).replicas, undefined);
    assert.deepEqual((out.metadata as Obj).labels, { app: 'web' });
    assert.equal(((out.spec as Obj).containers as unknown[]).length, 2);
    assert.equal(JSON.stringify(obj), before, 'input unchanged');
    assert.deepEqual(ownedPaths(obj, set), [['spec', 'replicas'], ['metadata', 'labels', 'team']]);
  });

  it('k: finds list items by their keys (one key or several), wherever the item sits', () => {
    const set: FieldsV1 = {
      'f:spec': {
        'f:containers': {
          'k:{"name":"sidecar"}': { 'f:image': {} },
          'k:{"name":"app"}': { 'f:ports': { 'k:{"containerPort":80,"protocol":"UDP"}': { 'f:name': {} } } },
        },
      },
    };
    const obj = pods();
    assert.deepEqual(ownedPaths(obj, set), [['spec', 'containers', 1, 'image'], ['spec', 'containers', 0, 'ports', 1, 'name']]);
    // The same set on an object with the items in another order: matched by key, not index.
    const swapped = pods();
    (swapped.spec as Obj).containers = [...((swapped.spec as Obj).containers as unknown[])].reverse();
    assert.deepEqual(ownedPaths(swapped, set), [['spec', 'containers', 0, 'image'], ['spec', 'containers', 1, 'ports', 1, 'name']]);
  });

  it('v: finds set items by value; i: by index', () => {
    const set: FieldsV1 = { 'f:metadata': { 'f:finalizers': { 'v:"b.example.com/y"': {} } }, 'f:spec': { 'f:tolerations': { 'i:1': {} } } };
    const out = removeOwned(pods(), set) as Obj;
    assert.deepEqual((out.metadata as Obj).finalizers, ['a.example.com/x']);
    assert.deepEqual((out.spec as Obj).tolerations, [{ key: 'k1' }]);
  });

  it('". " on a node with children: only the children go, what others own stays; an emptied node goes too', () => {
    // A manager that created the labels map and set `app`: `team` (someone else's) is still compared.
    const labels: FieldsV1 = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } };
    assert.deepEqual(((removeOwned(pods(), labels) as Obj).metadata as Obj).labels, { team: 'a' });
    // The same manager owning every label: the map itself goes.
    const all: FieldsV1 = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {}, 'f:team': {} } } };
    assert.equal(((removeOwned(pods(), all) as Obj).metadata as Obj).labels, undefined);
    // A list item the manager created and fully owns goes; one with others' fields stays.
    const item: FieldsV1 = { 'f:spec': { 'f:tolerations': { 'k:{"key":"k2"}': { '.': {}, 'f:key': {} } }, 'f:containers': { 'k:{"name":"sidecar"}': { '.': {}, 'f:name': {}, 'f:env': {} } } } };
    const out = removeOwned(pods(), item) as Obj;
    assert.deepEqual((out.spec as Obj).tolerations, [{ key: 'k1' }]);
    assert.deepEqual(((out.spec as Obj).containers as Obj[])[1], { image: 'sidecar:2' });
  });

  it('a leaf that is a list or map (atomic) is removed whole; "." alone is a leaf', () => {
    const set: FieldsV1 = { 'f:spec': { 'f:tolerations': {}, 'f:containers': { '.': {} } } };
    const out = removeOwned(pods(), set) as Obj;
    assert.deepEqual(Object.keys(out.spec as Obj), ['replicas']);
  });

  it('absent fields, unmatched keys and malformed entries change nothing', () => {
    const set = { 'f:spec': { 'f:nothing': {}, 'f:containers': { 'k:{"name":"none"}': { 'f:image': {} }, 'k:{broken': { 'f:image': {} }, 'i:9': {}, 'x:odd': {} } }, 'f:metadata': { 'f:name': { 'f:deeper': {} } } } as unknown as FieldsV1;
    assert.deepEqual(removeOwned(pods(), set), pods());
  });

  it('reaches a TKC pool by name: the autoscaler owns nodePools[name=workers].replicas', () => {
    const tkc = tkcV1alpha2({ topology: { nodePools: [{ name: 'gpu', replicas: 1, vmClass: 'gpu', storageClass: 'vsan-default' }, { name: 'workers', replicas: 5, vmClass: 'best-effort-small', storageClass: 'vsan-default' }] } });
    const set: FieldsV1 = { 'f:spec': { 'f:topology': { 'f:nodePools': { 'k:{"name":"workers"}': { 'f:replicas': {} } } } } };
    const out = removeOwned(tkc, set) as Obj;
    const pools = ((out.spec as Obj).topology as Obj).nodePools as Obj[];
    assert.deepEqual(pools.map((p) => p.replicas), [1, undefined]);
    assert.equal(pools[1].vmClass, 'best-effort-small');
  });

  it("collects the live object's sets for the named managers only (any operation, FieldsV1 only)", () => {
    const live = {
      metadata: {
        managedFields: [
          { manager: 'cluster-autoscaler', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:a': {} } } },
          { manager: 'cluster-autoscaler', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:b': {} } } },
          { manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:c': {} } } },
          { manager: 'cluster-autoscaler', fieldsType: 'FieldsV2', fieldsV1: { 'f:spec': { 'f:d': {} } } },
          'garbage',
        ],
      },
    };
    assert.deepEqual(fieldsOwnedBy(live, ['cluster-autoscaler']), [{ 'f:spec': { 'f:a': {} } }, { 'f:spec': { 'f:b': {} } }]);
    assert.deepEqual(fieldsOwnedBy(live, []), []);
    assert.deepEqual(fieldsOwnedBy(undefined, ['x']), []);
    assert.deepEqual(fieldsOwnedBy({ metadata: {} }, ['x']), []);
  });
});

describe('takenOver: what a forced apply took from other managers', () => {
  it('names the fields another manager lost, the deepest only; fields kept shared are not conflicts', () => {
    const entry = (manager: string, fieldsV1: Record<string, unknown>, operation = 'Apply') => ({ manager, operation, apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1 });
    const live = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', managedFields: [entry('someone-else', { 'f:data': { 'f:key': {}, 'f:same': {} } }), entry('kubectl-edit', { 'f:spec': { 'f:pools': { 'k:{"name":"a"}': { '.': {}, 'f:replicas': {} } } } }, 'Update')] } };
    const after = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', managedFields: [entry('someone-else', { 'f:data': { 'f:same': {} } }), entry('kubectl-edit', { 'f:spec': { 'f:pools': { 'k:{"name":"a"}': { '.': {} } } } }, 'Update'), entry('tanzu-gitops', { 'f:data': { 'f:key': {}, 'f:same': {} } })] } };
    assert.deepEqual(takenOver(live, after, 'tanzu-gitops'), [
      { field: '.data.key', manager: 'someone-else' },
      { field: '.spec.pools[name="a"].replicas', manager: 'kubectl-edit' },
    ]);
    assert.deepEqual(takenOver(live, live, 'tanzu-gitops'), []);
    assert.deepEqual(takenOver(undefined, after, 'tanzu-gitops'), []);
  });
});
