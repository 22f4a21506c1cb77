/**
 * Requests against the real local Supervisor: discovery, paginated lists, get, server-side apply
 * with dry-run, conflicts between field managers and force, 422 causes mapped to paths, delete.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterClient, type KubeObject } from '../../src/cluster/client';
import { Connection } from '../../src/cluster/connection';
import { ClusterError } from '../../src/cluster/errors';
import { loadKubeconfig } from '../../src/cluster/kubeconfig';
import { supervisor } from './supervisor';

const NS = 'tg-integration';
const LABEL = 'tanzu-gitops.dev/test';
let admin: ClusterClient;
const logs: string[] = [];

async function rejects(p: Promise<unknown>): Promise<ClusterError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ClusterError, `not a ClusterError: ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

const configMap = (name: string, data: Record<string, string>, labels: Record<string, string> = { [LABEL]: 'requests' }): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, labels }, data });

before(async () => {
  const sv = await supervisor();
  const kubeconfig = loadKubeconfig({ paths: [sv.kubeconfig] });
  admin = new ClusterClient(await Connection.open({ kubeconfig, context: 'local-supervisor-admin', allowExec: false, requestTimeoutMs: 10_000, log: (l) => logs.push(l) }));
  await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, { fieldManager: 'tanzu-gitops-test' });
  for (const cm of (await admin.list({ group: '', kind: 'ConfigMap' }, { namespace: NS, labelSelector: `${LABEL}=requests` })).items) {
    await admin.delete({ group: '', kind: 'ConfigMap', namespace: NS, name: cm.metadata?.name ?? '' });
  }
});
after(() => admin?.connection.dispose());

describe('discovery', () => {
  it('maps kinds to resources, scope and served versions', async () => {
    const tkc = await admin.discovery.require('run.tanzu.vmware.com', 'TanzuKubernetesCluster');
    assert.equal(tkc.resource, 'tanzukubernetesclusters');
    assert.equal(tkc.namespaced, true);
    assert.deepEqual([...tkc.versions].sort(), ['v1alpha1', 'v1alpha2', 'v1alpha3'], 'the hidden storage version is not served');
    const tkr = await admin.discovery.require('run.tanzu.vmware.com', 'TanzuKubernetesRelease');
    assert.equal(tkr.namespaced, false);
    assert.equal((await admin.discovery.require('', 'Namespace')).namespaced, false);
    assert.equal((await admin.discovery.require('vmoperator.vmware.com', 'VirtualMachineClass')).version, 'v1alpha6');
    assert.equal((await admin.discovery.resource('run.tanzu.vmware.com', 'TanzuKubernetesCluster', 'v1alpha1'))?.version, 'v1alpha1');
    assert.equal(await admin.discovery.resource('topology.tanzu.vmware.com', 'Zone'), undefined);
    assert.equal(await admin.discovery.resource('run.tanzu.vmware.com', 'TanzuKubernetesCluster', 'v1beta9'), undefined);
    const e = await rejects(admin.discovery.require('topology.tanzu.vmware.com', 'Zone'));
    assert.equal(e.kind, 'notFound');
    assert.match(e.message, /does not serve Zone/);
  });

  it('is cached per connection: asking again sends no request', async () => {
    await admin.discovery.require('run.tanzu.vmware.com', 'TanzuKubernetesCluster');
    const before = logs.length;
    await admin.discovery.require('run.tanzu.vmware.com', 'TanzuKubernetesRelease');
    await admin.discovery.require('', 'ConfigMap');
    assert.equal(logs.length, before);
    admin.discovery.refresh();
    await admin.discovery.require('', 'ConfigMap');
    assert.ok(logs.length > before);
  });
});

describe('paginated list', () => {
  it('fetches every page with a small limit', async () => {
    for (let i = 0; i < 23; i++) await admin.apply(configMap(`page-${String(i).padStart(2, '0')}`, { i: String(i) }), { fieldManager: 'tanzu-gitops-test' });
    logs.length = 0;
    const res = await admin.list({ group: '', kind: 'ConfigMap' }, { namespace: NS, labelSelector: `${LABEL}=requests`, pageSize: 5 });
    assert.equal(res.pages, 5);
    assert.equal(res.items.length, 23);
    assert.deepEqual(res.items.map((o) => o.metadata?.name), Array.from({ length: 23 }, (_, i) => `page-${String(i).padStart(2, '0')}`));
    assert.ok(res.items.every((o) => o.apiVersion === 'v1' && o.kind === 'ConfigMap'), 'items carry apiVersion and kind');
    assert.match(res.resourceVersion, /^\d+$/);
    assert.equal(logs.filter((l) => l.includes('continue=')).length, 4, 'pages 2-5 asked with a continue token');
  });
});

describe('get, server-side apply, dry-run, conflicts, delete', () => {
  it('dry-run answers with the object but does not store it', async () => {
    const dry = await admin.apply(configMap('ssa', { a: '1' }), { fieldManager: 'manager-a', dryRun: true });
    assert.equal((dry.data as Record<string, string>).a, '1');
    const e = await rejects(admin.get({ group: '', kind: 'ConfigMap', namespace: NS, name: 'ssa' }));
    assert.equal(e.kind, 'notFound');
    assert.match(e.message, /configmaps "ssa" was not found in namespace "tg-integration"/);
  });

  it('apply stores it with the field manager; get reads it back', async () => {
    await admin.apply(configMap('ssa', { a: '1' }), { fieldManager: 'manager-a' });
    const got = await admin.get({ group: '', kind: 'ConfigMap', namespace: NS, name: 'ssa' });
    assert.deepEqual(got.data, { a: '1' });
    const managers = (got.metadata?.managedFields as { manager: string; operation: string }[]).map((m) => `${m.manager}/${m.operation}`);
    assert.ok(managers.includes('manager-a/Apply'), managers.join(', '));
  });

  it('409 when another field manager applies a field it does not own; force takes it over', async () => {
    const e = await rejects(admin.apply(configMap('ssa', { a: '2' }), { fieldManager: 'manager-b' }));
    assert.equal(e.kind, 'conflict');
    assert.equal(e.status, 409);
    assert.match(e.message, /\.data\.a \(owned by "manager-a"\) is managed by another field manager\. Apply with force/);
    assert.deepEqual(e.causes.map((c) => c.path), [['data', 'a']]);
    await admin.apply(configMap('ssa', { a: '2' }), { fieldManager: 'manager-b', force: true });
    const got = await admin.get({ group: '', kind: 'ConfigMap', namespace: NS, name: 'ssa' });
    assert.deepEqual(got.data, { a: '2' });
    // now manager-a is the one in conflict
    assert.equal((await rejects(admin.apply(configMap('ssa', { a: '3' }), { fieldManager: 'manager-a' }))).kind, 'conflict');
  });

  it('422 with the causes as path arrays (list indexes put back from the manifest)', async () => {
    const tkc: KubeObject = {
      apiVersion: 'run.tanzu.vmware.com/v1alpha2',
      kind: 'TanzuKubernetesCluster',
      metadata: { name: 'invalid', namespace: NS },
      spec: {
        topology: {
          controlPlane: { replicas: 'three', vmClass: 'best-effort-small', storageClass: 'gold', tkr: { reference: { name: 'v1.25.7---vmware.3-fips.1-tkg.1' } } },
          nodePools: [
            { name: 'workers', replicas: 2, vmClass: 'best-effort-small', storageClass: 'gold' },
            { replicas: 1, vmClass: 'best-effort-small', storageClass: 'gold' },
          ],
        },
      },
    };
    const e = await rejects(admin.apply(tkc, { fieldManager: 'tanzu-gitops-test', dryRun: true }));
    assert.equal(e.kind, 'invalid');
    assert.equal(e.status, 422);
    assert.match(e.message, /TanzuKubernetesCluster\.run\.tanzu\.vmware\.com "invalid" is invalid/);
    const byField = new Map(e.causes.map((c) => [c.field, c]));
    assert.deepEqual(byField.get('spec.topology.controlPlane.replicas')?.path, ['spec', 'topology', 'controlPlane', 'replicas']);
    assert.match(byField.get('spec.topology.controlPlane.replicas')?.message ?? '', /must be of type integer/);
    // the server says spec.topology.nodePools.name; the second pool is the one without a name
    assert.deepEqual(byField.get('spec.topology.nodePools.name')?.path, ['spec', 'topology', 'nodePools', 1, 'name']);
    assert.equal(byField.get('spec.topology.nodePools.name')?.reason, 'FieldValueRequired');
  });

  it('delete: dry-run keeps the object, delete removes it, a second delete is 404', async () => {
    await admin.delete({ group: '', kind: 'ConfigMap', namespace: NS, name: 'ssa' }, { dryRun: true });
    await admin.get({ group: '', kind: 'ConfigMap', namespace: NS, name: 'ssa' });
    await admin.delete({ group: '', kind: 'ConfigMap', namespace: NS, name: 'ssa' });
    assert.equal((await rejects(admin.get({ group: '', kind: 'ConfigMap', namespace: NS, name: 'ssa' }))).kind, 'notFound');
    assert.equal((await rejects(admin.delete({ group: '', kind: 'ConfigMap', namespace: NS, name: 'ssa' }))).kind, 'notFound');
  });

  it('a manifest without apiVersion, kind or name is refused before any request', async () => {
    const e = await rejects(admin.apply({ kind: 'ConfigMap', metadata: { name: 'x' } }, { fieldManager: 'm' }));
    assert.equal(e.kind, 'invalid');
    assert.match(e.message, /needs apiVersion, kind and metadata\.name/);
  });
});

describe('single requests over HTTP/2 (the command line\'s transport)', () => {
  let h2: ClusterClient;
  const h2logs: string[] = [];
  before(async () => {
    const sv = await supervisor();
    const kubeconfig = loadKubeconfig({ paths: [sv.kubeconfig] });
    h2 = new ClusterClient(await Connection.open({ kubeconfig, context: 'local-supervisor-admin', allowExec: false, requestTimeoutMs: 10_000, http2: true, log: (l) => h2logs.push(l) }));
  });
  after(() => h2?.connection.dispose());

  it('lists, applies (dry-run and real, 40 at once), conflicts and deletes as over HTTP/1.1', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `h2-${i}`);
    const dry = await Promise.all(names.map((n) => h2.apply(configMap(n, { i: n }), { fieldManager: 'tanzu-gitops-test', dryRun: true })));
    assert.deepEqual(dry.map((o) => o.metadata?.name), names);
    assert.equal((await rejects(h2.get({ group: '', kind: 'ConfigMap', namespace: NS, name: 'h2-0' }))).kind, 'notFound', 'a dry run stores nothing');
    await Promise.all(names.map((n) => h2.apply(configMap(n, { i: n }), { fieldManager: 'tanzu-gitops-test' })));
    const listed = await h2.list({ group: '', kind: 'ConfigMap' }, { namespace: NS, labelSelector: `${LABEL}=requests`, pageSize: 7 });
    assert.ok(names.every((n) => listed.items.some((o) => o.metadata?.name === n)), 'every page arrived');
    const c = await rejects(h2.apply(configMap('h2-1', { i: 'other' }), { fieldManager: 'manager-c' }));
    assert.equal(c.kind, 'conflict');
    assert.deepEqual(c.causes.map((x) => x.path), [['data', 'i']]);
    await Promise.all(names.map((n) => h2.delete({ group: '', kind: 'ConfigMap', namespace: NS, name: n })));
    assert.equal((await rejects(h2.delete({ group: '', kind: 'ConfigMap', namespace: NS, name: 'h2-0' }))).kind, 'notFound');
    assert.equal(h2.connection.activeRequests, 0, 'nothing left in flight');
  });

  it('a 422 maps its causes; a cancelled request is said to be cancelled', async () => {
    const tkc: KubeObject = {
      apiVersion: 'run.tanzu.vmware.com/v1alpha2', kind: 'TanzuKubernetesCluster', metadata: { name: 'invalid-h2', namespace: NS },
      spec: { topology: { controlPlane: { replicas: 'three', vmClass: 'best-effort-small', storageClass: 'gold' }, nodePools: [{ name: 'w', vmClass: 'best-effort-small', storageClass: 'gold' }] } },
    };
    const e = await rejects(h2.apply(tkc, { fieldManager: 'tanzu-gitops-test', dryRun: true }));
    assert.equal(e.kind, 'invalid');
    assert.ok(e.causes.some((x) => x.field === 'spec.topology.controlPlane.replicas'));
    const controller = new AbortController();
    const pending = h2.list({ group: '', kind: 'ConfigMap' }, { namespace: NS, signal: controller.signal });
    controller.abort();
    assert.equal((await rejects(pending)).kind, 'cancelled');
  });

  it('an unreachable server is said to refuse the connection', async () => {
    const sv = await supervisor();
    const text = (await import('node:fs')).readFileSync(sv.kubeconfig, 'utf8').replace(/server: "https:\/\/127\.0\.0\.1:\d+"/g, 'server: "https://127.0.0.1:9"');
    const file = (await import('node:path')).join((await import('node:os')).tmpdir(), `tg-h2-unreachable-${process.pid}.yaml`);
    (await import('node:fs')).writeFileSync(file, text);
    const dead = new ClusterClient(await Connection.open({ kubeconfig: loadKubeconfig({ paths: [file] }), context: 'local-supervisor-admin', allowExec: false, requestTimeoutMs: 5_000, http2: true }));
    try {
      const e = await rejects(dead.get({ group: '', kind: 'Namespace', name: 'default' }));
      assert.equal(e.kind, 'unreachable');
      assert.match(e.message, /refused the connection/);
    } finally {
      dead.connection.dispose();
      (await import('node:fs')).rmSync(file, { force: true });
    }
  });
});
