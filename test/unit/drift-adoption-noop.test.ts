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

  it('a Service\'s ports are keyed by port and protocol: a field the server defaulted is no change, another port is; a port without its protocol asks the server', () => {
    const withList = (ports: unknown[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ns', managedFields: [] }, spec: { ports } }) as unknown as KubeObject;
    const git = (ports: unknown[]) => ({ ...withList(ports), metadata: { name: 's', namespace: 'ns' } }) as KubeObject;
    assert.ok(adoptionWithoutChange(git([{ port: 80, protocol: 'TCP' }]), withList([{ port: 80, protocol: 'TCP', targetPort: 80 }]), 'tanzu-gitops', tracking));
    assert.equal(adoptionWithoutChange(git([{ port: 80, protocol: 'TCP' }]), withList([{ port: 81, protocol: 'TCP' }]), 'tanzu-gitops', tracking), undefined);
    assert.equal(adoptionWithoutChange(git([{ port: 80, protocol: 'TCP' }]), withList([{ port: 80, protocol: 'UDP' }]), 'tanzu-gitops', tracking), undefined, 'UDP is another item than the TCP one Git means');
    assert.equal(adoptionWithoutChange(git([{ port: 80 }]), withList([{ port: 80, protocol: 'TCP' }]), 'tanzu-gitops', tracking), undefined, 'kube-apiserver 1.20 refuses to apply it: its answer is wanted');
  });

  it('a list no key is known for is equal as a whole: an item the server defaulted means the server is asked', () => {
    const tkc = (pools: unknown[], managedFields?: unknown[]) => ({
      apiVersion: 'run.tanzu.vmware.com/v1alpha2', kind: 'TanzuKubernetesCluster', metadata: { name: 'c', namespace: 'ns', ...(managedFields ? { managedFields } : {}) }, spec: { topology: { nodePools: pools } },
    }) as unknown as KubeObject;
    assert.equal(adoptionWithoutChange(tkc([{ name: 'w', replicas: 2 }]), tkc([{ name: 'w', replicas: 2, tkr: { reference: { name: 'r' } } }], []), 'tanzu-gitops', tracking), undefined);
    assert.ok(adoptionWithoutChange(tkc([{ name: 'w', replicas: 2 }]), tkc([{ name: 'w', replicas: 2 }], []), 'tanzu-gitops', tracking));
  });

  describe('a Deployment as the server leaves it (defaults inside its containers and ports)', () => {
    const deployment = (containers: unknown[], extra: Record<string, unknown> = {}) => ({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'ns' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers, ...extra } } },
    }) as unknown as KubeObject;
    const gitContainer = (image = 'nginx:1.27', more: Record<string, unknown> = {}) => ({ name: 'web', image, ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }], ...more });
    const liveContainer = (image = 'nginx:1.27', more: Record<string, unknown> = {}) => ({
      name: 'web', image, imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }],
      resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ...more,
    });
    const liveDeployment = (containers: unknown[], extra: Record<string, unknown> = {}) => {
      const d = deployment(containers, { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', ...extra });
      return { ...d, metadata: { ...(d.metadata as object), managedFields: [{ manager: 'argocd-controller', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: {} }] } } as KubeObject;
    };

    it('defaulted fields inside a container and a port: equal, the answer is the live object with the tracking', () => {
      const live = liveDeployment([liveContainer()]);
      const answer = adoptionWithoutChange(deployment([gitContainer()]), live, 'tanzu-gitops', tracking);
      assert.ok(answer);
      assert.deepEqual((answer.spec as Record<string, unknown>).template, (live.spec as Record<string, unknown>).template);
    });

    it('a changed image, a changed env value, an env entry live lacks, a port live lacks: not equal, the server is asked', () => {
      const live = liveDeployment([liveContainer()]);
      assert.equal(adoptionWithoutChange(deployment([gitContainer('nginx:1.28')]), live, 'tanzu-gitops', tracking), undefined);
      assert.equal(adoptionWithoutChange(deployment([gitContainer('nginx:1.27', { env: [{ name: 'A', value: '2' }] })]), live, 'tanzu-gitops', tracking), undefined);
      assert.equal(adoptionWithoutChange(deployment([gitContainer('nginx:1.27', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '1' }] })]), live, 'tanzu-gitops', tracking), undefined);
      assert.equal(adoptionWithoutChange(deployment([gitContainer('nginx:1.27', { ports: [{ containerPort: 80 }, { containerPort: 443 }] })]), live, 'tanzu-gitops', tracking), undefined);
      assert.equal(adoptionWithoutChange(deployment([gitContainer(), { name: 'sidecar', image: 'envoy' }]), live, 'tanzu-gitops', tracking), undefined);
    });

    it('a container live has and Git does not stays (another manager\'s item), as the server\'s merge keeps it: equal', () => {
      const live = liveDeployment([liveContainer(), liveContainer('envoy', { name: 'sidecar' })]);
      assert.ok(adoptionWithoutChange(deployment([gitContainer()]), live, 'tanzu-gitops', tracking));
    });

    it('items in another order, a key given twice, an item without its key, a list kept whole (args) that differs: the server is asked', () => {
      const two = liveDeployment([liveContainer(), liveContainer('envoy', { name: 'sidecar' })]);
      assert.equal(adoptionWithoutChange(deployment([gitContainer('envoy', { name: 'sidecar', ports: [{ containerPort: 80 }] }), gitContainer()]), two, 'tanzu-gitops', tracking), undefined);
      const live = liveDeployment([liveContainer()]);
      assert.equal(adoptionWithoutChange(deployment([gitContainer(), gitContainer()]), live, 'tanzu-gitops', tracking), undefined);
      assert.equal(adoptionWithoutChange(deployment([{ image: 'nginx:1.27' }]), live, 'tanzu-gitops', tracking), undefined);
      const withArgs = liveDeployment([liveContainer('nginx:1.27', { args: ['-a', '-b'] })]);
      assert.equal(adoptionWithoutChange(deployment([gitContainer('nginx:1.27', { args: ['-a'] })]), withArgs, 'tanzu-gitops', tracking), undefined);
      assert.ok(adoptionWithoutChange(deployment([gitContainer('nginx:1.27', { args: ['-a', '-b'] })]), withArgs, 'tanzu-gitops', tracking));
    });
  });

  it('a Secret written with stringData never matches data: the server is asked', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns', managedFields: [] }, data: { k: 'dg==' } } as unknown as KubeObject;
    const git = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, stringData: { k: 'v' } } as unknown as KubeObject;
    assert.equal(adoptionWithoutChange(git, secret, 'tanzu-gitops', tracking), undefined);
  });
});
