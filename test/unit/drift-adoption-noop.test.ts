/** adoptionWithoutChange: an object another tool applied, equal to Git, judged without a dry-run. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/core/diff/types';
import { adoptionWithoutChange } from '../../src/drift/noop';

const tracking = { labels: { 'tanzu-gitops.io/target': 't' }, annotations: { 'tanzu-gitops.io/tracking-id': 't:/ConfigMap:ns/cm' } };

/** A ConfigMap as Argo CD's server-side apply left it, with a label another controller added. */
function live(extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: {
      name: 'cm', namespace: 'ns', resourceVersion: '7', uid: 'u',
      labels: { env: 'prod', 'added-by': 'a-controller' },
      managedFields: [
        { manager: 'argocd-controller', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:env': {} } } } },
        { manager: 'a-controller', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:added-by': {} } } } },
      ],
      ...extra,
    },
    data: { a: '1', list: 'x' },
  } as KubeObject;
}

function applied(data: Record<string, unknown> = { a: '1' }, labels: Record<string, string> = { env: 'prod' }): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns', labels: { ...labels, ...tracking.labels }, annotations: { ...tracking.annotations } }, data } as KubeObject;
}

describe('adoptionWithoutChange', () => {
  it('Git equal to what another tool applied: the answer is the live object with the tracking added, and nothing else changed', () => {
    const answer = adoptionWithoutChange(applied(), live(), 'tanzu-gitops', tracking);
    assert.ok(answer);
    assert.deepEqual((answer.metadata as Record<string, unknown>).labels, { env: 'prod', 'added-by': 'a-controller', 'tanzu-gitops.io/target': 't' });
    assert.deepEqual((answer.metadata as Record<string, unknown>).annotations, tracking.annotations);
    assert.deepEqual(answer.data, { a: '1', list: 'x' }, "fields others set stay, as the server's merge keeps them");
  });

  it('a value Git changes, a key live lacks, or a label live lacks: the server is asked', () => {
    assert.equal(adoptionWithoutChange(applied({ a: '2' }), live(), 'tanzu-gitops', tracking), undefined);
    assert.equal(adoptionWithoutChange(applied({ a: '1', b: 'new' }), live(), 'tanzu-gitops', tracking), undefined);
    assert.equal(adoptionWithoutChange(applied({ a: '1' }, { env: 'prod', team: 'x' }), live(), 'tanzu-gitops', tracking), undefined);
  });

  it('the manager applied the object before (its fields could be removed), or another apiVersion: the server is asked', () => {
    const ours = live({ managedFields: [{ manager: 'tanzu-gitops', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:old': {} } } }] });
    assert.equal(adoptionWithoutChange(applied(), ours, 'tanzu-gitops', tracking), undefined);
    assert.equal(adoptionWithoutChange({ ...applied(), apiVersion: 'v2' } as KubeObject, live(), 'tanzu-gitops', tracking), undefined);
    assert.equal(adoptionWithoutChange(applied(), live({ managedFields: undefined }), 'tanzu-gitops', tracking), undefined, 'no managedFields: nothing is known');
  });

  it('lists are equal as a whole: an item the server defaulted means the server is asked', () => {
    const withList = (ports: unknown[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ns', managedFields: [] }, spec: { ports } }) as unknown as KubeObject;
    const git = { ...withList([{ port: 80 }]), metadata: { name: 's', namespace: 'ns' } } as KubeObject;
    assert.equal(adoptionWithoutChange(git, withList([{ port: 80, protocol: 'TCP' }]), 'tanzu-gitops', tracking), undefined);
    assert.ok(adoptionWithoutChange(git, withList([{ port: 80 }]), 'tanzu-gitops', tracking));
  });

  it('a Secret written with stringData never matches data: the server is asked', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns', managedFields: [] }, data: { k: 'dg==' } } as unknown as KubeObject;
    const git = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, stringData: { k: 'v' } } as unknown as KubeObject;
    assert.equal(adoptionWithoutChange(git, secret, 'tanzu-gitops', tracking), undefined);
  });
});
