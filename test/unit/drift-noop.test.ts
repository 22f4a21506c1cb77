/** isNoOpApply: when a dry-run can be spared because applying would change nothing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isNoOpApply } from '../../src/drift/noop';

type Obj = Record<string, unknown>;

/** A TKC as a sync left it (managedFields as kube-apiserver 1.20 wrote them for field manager tanzu-gitops). */
function liveTkc(spec: Obj = {}, entries?: Obj[]): Obj {
  return {
    apiVersion: 'run.tanzu.vmware.com/v1alpha2',
    kind: 'TanzuKubernetesCluster',
    metadata: {
      name: 'c', namespace: 'ns', resourceVersion: '9', uid: 'u', generation: 1,
      labels: { 'tanzu-gitops.io/target': 't' },
      managedFields: entries ?? [{
        apiVersion: 'run.tanzu.vmware.com/v1alpha2', fieldsType: 'FieldsV1', manager: 'tanzu-gitops', operation: 'Apply', time: '2026-01-01T00:00:00Z',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:tanzu-gitops.io/target': {} } },
          'f:spec': {
            '.': {},
            'f:topology': { '.': {}, 'f:controlPlane': { '.': {}, 'f:replicas': {}, 'f:vmClass': {} }, 'f:nodePools': {} },
          },
        },
      }],
    },
    spec: {
      topology: {
        controlPlane: { replicas: 3, vmClass: 'small', storageClass: 'defaulted-by-someone' },
        nodePools: [{ name: 'workers', replicas: 2, vmClass: 'small' }],
        ...spec,
      },
    },
    status: { phase: 'running' },
  };
}

function applied(controlPlane: Obj = { replicas: 3, vmClass: 'small' }, nodePools: unknown[] = [{ name: 'workers', replicas: 2, vmClass: 'small' }], labels: Obj = { 'tanzu-gitops.io/target': 't' }): Obj {
  return {
    apiVersion: 'run.tanzu.vmware.com/v1alpha2', kind: 'TanzuKubernetesCluster',
    metadata: { name: 'c', namespace: 'ns', labels },
    spec: { topology: { controlPlane, nodePools } },
  };
}

describe('isNoOpApply', () => {
  it('true when the manager owns exactly the fields applied, with the same values (others may own more)', () => {
    assert.equal(isNoOpApply(applied(), liveTkc(), 'tanzu-gitops'), true);
  });

  it('false when a value differs, a field is added or dropped, or the atomic list differs', () => {
    assert.equal(isNoOpApply(applied({ replicas: 1, vmClass: 'small' }), liveTkc(), 'tanzu-gitops'), false, 'value');
    assert.equal(isNoOpApply(applied({ replicas: 3, vmClass: 'small', storageClass: 'x' }), liveTkc(), 'tanzu-gitops'), false, 'a field the manager does not own yet');
    assert.equal(isNoOpApply(applied({ replicas: 3 }), liveTkc(), 'tanzu-gitops'), false, 'a field the manager owns and no longer sets');
    assert.equal(isNoOpApply(applied(undefined, [{ name: 'workers', replicas: 5, vmClass: 'small' }]), liveTkc(), 'tanzu-gitops'), false, 'atomic list');
    assert.equal(isNoOpApply(applied(undefined, undefined, { 'tanzu-gitops.io/target': 'other' }), liveTkc(), 'tanzu-gitops'), false, 'label');
  });

  it('false without an Apply entry of the manager, at another apiVersion, or for another manager', () => {
    assert.equal(isNoOpApply(applied(), liveTkc({}, []), 'tanzu-gitops'), false);
    assert.equal(isNoOpApply({ ...applied(), apiVersion: 'run.tanzu.vmware.com/v1alpha3' }, liveTkc(), 'tanzu-gitops'), false);
    assert.equal(isNoOpApply(applied(), liveTkc(), 'kubectl'), false);
    const update = (liveTkc().metadata as Obj).managedFields as Obj[];
    assert.equal(isNoOpApply(applied(), liveTkc({}, [{ ...update[0], operation: 'Update' }]), 'tanzu-gitops'), false, 'an Update entry says nothing of an apply');
    const { metadata: _m, ...noMeta } = liveTkc();
    assert.equal(isNoOpApply(applied(), noMeta, 'tanzu-gitops'), false);
  });

  it('associative lists: items matched by key in the same order; set items by value', () => {
    const fields = {
      'f:spec': {
        'f:containers': {
          'k:{"name":"a"}': { '.': {}, 'f:name': {}, 'f:image': {} },
          'k:{"name":"b"}': { '.': {}, 'f:name': {}, 'f:image': {} },
        },
        'f:finalizers': { 'v:"x"': {} },
      },
    };
    const live = (containers: Obj[], finalizers = ['x']): Obj => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', managedFields: [{ manager: 'm', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: fields }] },
      spec: { containers, finalizers },
    });
    const a = (containers: Obj[], finalizers = ['x']): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers, finalizers } });
    const ca = { name: 'a', image: 'i:1' };
    const cb = { name: 'b', image: 'i:2' };
    assert.equal(isNoOpApply(a([ca, cb]), live([{ ...ca, imagePullPolicy: 'IfNotPresent' }, cb]), 'm'), true, 'defaults inside items are others');
    assert.equal(isNoOpApply(a([cb, ca]), live([ca, cb]), 'm'), false, 'another order');
    assert.equal(isNoOpApply(a([ca]), live([ca, cb]), 'm'), false, 'an owned item no longer applied');
    assert.equal(isNoOpApply(a([ca, { name: 'b', image: 'i:3' }]), live([ca, cb]), 'm'), false, 'an item changed');
    assert.equal(isNoOpApply(a([ca, cb], ['y']), live([ca, cb]), 'm'), false, 'a set item');
  });

  it('a port applied without its protocol: the server keys it with TCP (as kube-apiserver 1.20 writes the entry), still a no-op; another port is not', () => {
    const fields = {
      'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': {
        '.': {}, 'f:name': {}, 'f:image': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
      } } } } },
    };
    const live: Obj = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', managedFields: [{ manager: 'm', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: fields }] },
      spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } } },
    };
    const a = (port: Obj, image = 'nginx:1.27'): Obj => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ name: 'web', image, ports: [port] }] } } } });
    assert.equal(isNoOpApply(a({ containerPort: 80 }), live, 'm'), true);
    assert.equal(isNoOpApply(a({ containerPort: 80 }, 'nginx:1.28'), live, 'm'), false, 'a changed image');
    assert.equal(isNoOpApply(a({ containerPort: 80, protocol: 'UDP' }), live, 'm'), false, 'another protocol is another item');
    assert.equal(isNoOpApply(a({ containerPort: 81 }), live, 'm'), false, 'another port');
    const crd = { ...live, apiVersion: 'example.com/v1', kind: 'Web' };
    assert.equal(isNoOpApply({ ...a({ containerPort: 80 }), apiVersion: 'example.com/v1', kind: 'Web' }, { ...crd, metadata: { name: 'web', managedFields: [{ manager: 'm', operation: 'Apply', apiVersion: 'example.com/v1', fieldsType: 'FieldsV1', fieldsV1: fields }] } }, 'm'), false,
      'no default is assumed for a list of a kind not known');
  });

  it('an empty map (emptyDir: {}) has no ownership entry (as kube-apiserver 1.20 writes it): matched by value', () => {
    const fields = { 'f:spec': { 'f:volumes': { 'k:{"name":"cache"}': { '.': {}, 'f:name': {} } } } };
    const live = (volume: Obj): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', managedFields: [{ manager: 'm', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: fields }] }, spec: { volumes: [volume] } });
    const a = (volume: Obj): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { volumes: [volume] } });
    assert.equal(isNoOpApply(a({ name: 'cache', emptyDir: {} }), live({ name: 'cache', emptyDir: {} }), 'm'), true);
    assert.equal(isNoOpApply(a({ name: 'cache', emptyDir: { medium: 'Memory' } }), live({ name: 'cache', emptyDir: {} }), 'm'), false, 'a map with a field is owned field by field');
    assert.equal(isNoOpApply(a({ name: 'cache', emptyDir: {} }), live({ name: 'cache', emptyDir: { medium: 'Memory' } }), 'm'), false, 'live holds more than the empty map');
    assert.equal(isNoOpApply(a({ name: 'cache', emptyDir: {} }), live({ name: 'cache' }), 'm'), false, 'not live at all');
  });

  it('a Secret applied with stringData is never a no-op (stringData is not kept by the server)', () => {
    const live: Obj = {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', managedFields: [{ manager: 'm', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:stringData': { '.': {}, 'f:k': {} } } }] },
      data: { k: Buffer.from('v').toString('base64') },
    };
    assert.equal(isNoOpApply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { k: 'v' } }, live, 'm'), false);
  });
});
