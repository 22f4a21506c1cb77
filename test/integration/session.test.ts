/**
 * Sessions and Supervisor facts against the real local Supervisor: the facts match what the
 * supervisor script seeded, for the admin and for the user bound to team-a; they follow changes;
 * a context switch leaves no watch of the old context on the server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SupervisorFacts } from '../../src/core/live/facts';
import type { KubeObject } from '../../src/cluster/client';
import { ClusterError } from '../../src/cluster/errors';
import { loadKubeconfig, type Kubeconfig } from '../../src/cluster/kubeconfig';
import { ConnectionSession, SessionManager, type SessionOptions } from '../../src/cluster/session';
import { readState, serverWatches, supervisor, until } from './supervisor';

let kubeconfig: Kubeconfig;
let admin: ConnectionSession;
const sessions: ConnectionSession[] = [];

const options = (context: string): SessionOptions => ({
  kubeconfig, context, allowExec: false, requestTimeoutMs: 5000,
  cacheDefaults: { backoff: { initialMs: 200, maxMs: 2000 }, watchTimeoutSeconds: 120 },
});

async function open(context: string): Promise<ConnectionSession> {
  const s = await ConnectionSession.open(options(context));
  sessions.push(s);
  return s;
}

const sorted = (s: ReadonlySet<string> | undefined) => (s ? [...s].sort() : s);

before(async () => {
  const sv = await supervisor();
  kubeconfig = loadKubeconfig({ paths: [sv.kubeconfig] });
  admin = await open('local-supervisor-admin');
});
after(() => {
  for (const s of sessions) s.dispose();
});

describe('Supervisor facts (admin)', () => {
  let facts: SupervisorFacts;
  before(async () => {
    const source = admin.facts();
    assert.equal(await source.whenReady(15_000), true);
    facts = source.current();
  });

  it('namespaces, and per namespace the VM classes and storage classes the script seeded', () => {
    assert.equal(facts.context, 'local-supervisor-admin');
    assert.equal(facts.defaultNamespace, 'default');
    for (const ns of ['team-a', 'team-b', 'team-c', 'argocd', 'default']) assert.ok(facts.namespaces?.has(ns), ns);
    const a = facts.byNamespace.get('team-a');
    const b = facts.byNamespace.get('team-b');
    const c = facts.byNamespace.get('team-c');
    assert.deepEqual(sorted(a?.vmClasses), ['best-effort-large', 'best-effort-medium', 'best-effort-small']);
    assert.deepEqual(sorted(b?.vmClasses), ['best-effort-small', 'guaranteed-large']);
    assert.deepEqual(sorted(c?.vmClasses), [], 'known and empty: team-c has no VM class');
    assert.deepEqual(sorted(a?.storageClasses), ['gold', 'vsan-default-storage-policy']);
    assert.deepEqual(sorted(b?.storageClasses), ['silver', 'vsan-default-storage-policy']);
    assert.deepEqual(sorted(c?.storageClasses), [], 'no storage quota in team-c: nothing assigned');
    assert.equal(a?.zones, undefined, 'the Zone kind is not served: unknown');
  });

  it('vSphere Namespaces apart from system ones; VM classes with CPU and memory', () => {
    for (const ns of ['team-a', 'team-b', 'team-c']) assert.ok(facts.vsphereNamespaces?.has(ns), ns);
    for (const ns of ['kube-system', 'kube-public', 'argocd', 'default']) assert.equal(facts.vsphereNamespaces?.has(ns), false, ns);
    const small = facts.vmClassSizes?.get('best-effort-small');
    assert.equal(typeof small?.cpus, 'number');
    assert.match(small?.memory ?? '', /^\d+(Gi|Mi)$/);
  });

  it('TKRs with compatibility, readiness and Kubernetes version', () => {
    assert.equal(facts.tkrs?.size, 6);
    const tkr = (name: string) => facts.tkrs?.get(name);
    assert.deepEqual(tkr('v1.25.7---vmware.3-fips.1-tkg.1'), {
      name: 'v1.25.7---vmware.3-fips.1-tkg.1', version: 'v1.25.7+vmware.3-fips.1-tkg.1', kubernetesVersion: 'v1.25.7+vmware.3-fips.1',
      compatible: true, ready: true, deactivated: false,
    });
    assert.equal(tkr('v1.23.8---vmware.3-tkg.1')?.compatible, false, 'labelled incompatible');
    assert.equal(tkr('v1.27.11---vmware.1-fips.1-tkg.2')?.ready, false, 'Ready=False');
    assert.deepEqual([...(facts.tkrs?.values() ?? [])].filter((t) => t.compatible && t.ready).length, 4);
  });
});

describe('Supervisor facts follow changes', () => {
  const tkc: KubeObject = {
    apiVersion: 'run.tanzu.vmware.com/v1alpha3',
    kind: 'TanzuKubernetesCluster',
    metadata: { name: 'tg-live', namespace: 'team-a' },
    spec: {
      topology: {
        controlPlane: { replicas: 3, vmClass: 'best-effort-small', storageClass: 'gold', tkr: { reference: { name: 'v1.25.7---vmware.3-fips.1-tkg.1' } } },
        nodePools: [{ name: 'workers', replicas: 2, vmClass: 'best-effort-medium', storageClass: 'gold' }],
      },
      settings: { network: { cni: { name: 'antrea' }, pods: { cidrBlocks: ['192.168.0.0/16'] }, services: { cidrBlocks: ['10.96.0.0/12'] } } },
    },
  };
  const cluster: KubeObject = {
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'Cluster',
    metadata: { name: 'tg-live-cc', namespace: 'team-a' },
    spec: { topology: { class: 'tanzukubernetescluster', version: 'v1.26.5---vmware.2-fips.1-tkg.1', controlPlane: { replicas: 1 } } },
  };
  const binding: KubeObject = {
    apiVersion: 'vmoperator.vmware.com/v1alpha1', kind: 'VirtualMachineClassBinding',
    metadata: { name: 'best-effort-large', namespace: 'team-c' },
    classRef: { apiVersion: 'vmoperator.vmware.com/v1alpha1', kind: 'VirtualMachineClass', name: 'best-effort-large' },
  };

  after(async () => {
    for (const o of [tkc, cluster, binding]) {
      const [group] = String(o.apiVersion).split('/');
      await admin.client.delete({ group, kind: String(o.kind), namespace: o.metadata?.namespace, name: o.metadata?.name ?? '' }).catch(() => undefined);
    }
  });

  it('live TanzuKubernetesClusters and Clusters appear and go; generation moves and onDidChange fires', async () => {
    const source = admin.facts();
    await source.whenReady(15_000);
    const g0 = source.generation;
    assert.equal(source.current().liveObject('run.tanzu.vmware.com', 'TanzuKubernetesCluster', 'team-a', 'tg-live'), undefined);
    const seen: SupervisorFacts[] = [];
    source.onDidChange((f) => seen.push(f));
    await admin.client.apply(tkc, { fieldManager: 'tanzu-gitops-test' });
    await admin.client.apply(cluster, { fieldManager: 'tanzu-gitops-test' });
    await until('both live objects', () => !!source.current().liveObject('run.tanzu.vmware.com', 'TanzuKubernetesCluster', 'team-a', 'tg-live')
      && !!source.current().liveObject('cluster.x-k8s.io', 'Cluster', 'team-a', 'tg-live-cc'));
    const live = source.current().liveObject('run.tanzu.vmware.com', 'TanzuKubernetesCluster', 'team-a', 'tg-live') as KubeObject;
    assert.equal((live.spec as { topology: { controlPlane: { replicas: number } } }).topology.controlPlane.replicas, 3);
    assert.equal(live.apiVersion, 'run.tanzu.vmware.com/v1alpha3');
    assert.equal(source.current().liveObject('run.tanzu.vmware.com', 'TanzuKubernetesCluster', 'team-b', 'tg-live'), undefined);
    assert.ok(source.generation >= g0 + 2);
    // changes are gathered: the last event carries the latest generation
    await until('onDidChange with the latest facts', () => seen.at(-1)?.generation === source.generation);
    await admin.client.delete({ group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', namespace: 'team-a', name: 'tg-live' });
    await until('the TKC gone', () => !source.current().liveObject('run.tanzu.vmware.com', 'TanzuKubernetesCluster', 'team-a', 'tg-live'));
  });

  it('a new VM class binding makes the class available in its namespace', async () => {
    const source = admin.facts();
    await admin.client.apply(binding, { fieldManager: 'tanzu-gitops-test' });
    await until('team-c has best-effort-large', () => !!source.current().byNamespace.get('team-c')?.vmClasses?.has('best-effort-large'));
    await admin.client.delete({ group: 'vmoperator.vmware.com', kind: 'VirtualMachineClassBinding', namespace: 'team-c', name: 'best-effort-large' });
    await until('and gone again', () => source.current().byNamespace.get('team-c')?.vmClasses?.size === 0);
  });
});

describe('Supervisor facts (dev, bound to team-a)', () => {
  let dev: ConnectionSession;
  before(async () => {
    dev = await open('local-supervisor-dev');
  });

  it('what dev may not list stays unknown; what it may is known', async () => {
    const source = dev.facts({ namespaces: ['team-b'] });
    assert.equal(await source.whenReady(15_000), true);
    const facts = source.current();
    assert.equal(facts.defaultNamespace, 'team-a');
    assert.ok(facts.namespaces?.has('team-b'), 'namespaces are readable by every signed-in user here');
    assert.deepEqual(sorted(facts.byNamespace.get('team-a')?.storageClasses), ['gold', 'vsan-default-storage-policy']);
    assert.equal(facts.byNamespace.get('team-b')?.storageClasses, undefined, 'quotas of team-b are forbidden: unknown, not empty');
    assert.equal(facts.byNamespace.get('team-c')?.storageClasses, undefined);
    assert.deepEqual(sorted(facts.byNamespace.get('team-b')?.vmClasses), ['best-effort-small', 'guaranteed-large']);
    assert.equal(facts.tkrs?.size, 6);
    const quotaCaches = dev.caches.filter((c) => c.ref.kind === 'ResourceQuota');
    assert.deepEqual(quotaCaches.map((c) => c.options.namespace).sort(), ['team-a', 'team-b'], 'cluster-wide list forbidden → per namespace');
    const teamB = quotaCaches.find((c) => c.options.namespace === 'team-b');
    assert.equal(teamB?.lastError?.kind, 'forbidden');
    assert.match(teamB?.lastError?.message ?? '', /User "dev" may not list resourcequotas in namespace "team-b"/);
  });

  it('announces when its vSphere token expires, and how to log in again', () => {
    // The local Supervisor's tokens last 10 hours from its start, as vSphere's do; the notice
    // counts down from the token's own expiry (the server may have been running a while).
    const expiry = dev.tokenExpiry()?.getTime() ?? 0;
    assert.ok(expiry > Date.now() && expiry <= Date.now() + 10 * 3600_000, `expires within 10 hours: ${new Date(expiry).toISOString()}`);
    const left = Math.floor((expiry - Date.now()) / 60_000);
    const hours = Math.floor(left / 60);
    const notice = dev.expiryNotice() ?? '';
    assert.match(notice, /^The token of context "local-supervisor-dev" expires in (\d+ hours? )?\d+ minutes?\. Log in again: kubectl vsphere login --server 127\.0\.0\.1 --vsphere-username dev$|^The token of context "local-supervisor-dev" expires in \d+ hours?\. Log in again/);
    assert.ok(notice.includes(`${hours} hour`) || notice.includes(`${hours + 1} hour`) || hours === 0, `${notice} (about ${hours} h ${left % 60} min left)`);
  });
});

describe('context switch', () => {
  const RESOURCES = ['namespaces', 'resourcequotas', 'virtualmachineclasses', 'virtualmachineclassbindings', 'tanzukubernetesreleases', 'tanzukubernetesclusters', 'clusters'];
  /** Watches of the facts' resources on the server, minus those of the baseline, as `resource/scope` → count. */
  const ours = async (baseline?: Map<string, number>) => {
    const all = await serverWatches(readState());
    const out: Record<string, number> = {};
    for (const [key, n] of all) {
      if (!RESOURCES.includes(key.split('/')[0])) continue;
      const d = n - (baseline?.get(key) ?? 0);
      if (d) out[key] = d;
    }
    return out;
  };
  const same = (a: Record<string, number>, b: Record<string, number>) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
  const ADMIN = Object.fromEntries(RESOURCES.map((r) => [`${r}/cluster`, 1]));
  // dev: namespaces, VM classes and bindings, TKRs cluster-wide; quotas, TKCs and Clusters in team-a only
  const DEV = {
    'namespaces/cluster': 1, 'virtualmachineclasses/cluster': 1, 'virtualmachineclassbindings/cluster': 1, 'tanzukubernetesreleases/cluster': 1,
    'resourcequotas/namespace': 1, 'tanzukubernetesclusters/namespace': 1, 'clusters/namespace': 1,
  };

  it('disposes the old session: none of its watches survives, on the client or on the server', async () => {
    for (const s of sessions) s.dispose();
    await until('no watch of the earlier tests left', async () => Object.keys(await ours(new Map())).every((k) => !k.endsWith('/namespace')));
    const baseline = await serverWatches(readState());
    const manager = new SessionManager();
    let last: Record<string, number> = {};
    try {
      const first = await manager.switchTo(options('local-supervisor-admin'));
      assert.equal(await first.facts().whenReady(15_000), true);
      await until('the admin session\'s 7 cluster-wide watches on the server', async () => same(last = await ours(baseline), ADMIN)).catch((e: Error) => assert.fail(`${e.message}: ${JSON.stringify(last)}`));
      const firstCaches = first.caches;
      assert.equal(firstCaches.length, 8, '7 kinds + Zone, which is not served');
      let eventsAfterSwitch = 0;
      for (const c of firstCaches) c.onDidChange(() => eventsAfterSwitch++);

      const second = await manager.switchTo(options('local-supervisor-dev'));
      assert.equal(manager.current, second);
      assert.equal(first.isDisposed, true);
      assert.equal(first.connection.activeRequests, 0);
      assert.ok(firstCaches.every((c) => c.state === 'disposed'));
      assert.equal(await second.facts().whenReady(15_000), true);
      await until('only the dev session\'s watches on the server', async () => same(last = await ours(baseline), DEV)).catch((e: Error) => assert.fail(`${e.message}: ${JSON.stringify(last)}`));
      assert.equal(second.caches.filter((c) => c.state === 'watching').length, 7);
      await second.client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-switch', namespace: 'team-a' }, data: {} }, { fieldManager: 'tanzu-gitops-test' });
      await second.client.delete({ group: '', kind: 'ConfigMap', namespace: 'team-a', name: 'after-switch' });
      assert.equal(eventsAfterSwitch, 0);
    } finally {
      manager.dispose();
    }
    await until('back to the baseline after the manager is disposed', async () => same(await ours(baseline), {}));
  });

  it('two switches at once: the later one wins, the earlier session is disposed', async () => {
    const manager = new SessionManager();
    try {
      const [a, b] = await Promise.allSettled([manager.switchTo(options('local-supervisor-admin')), manager.switchTo(options('local-supervisor-dev'))]);
      assert.equal(a.status, 'rejected');
      assert.ok(a.status === 'rejected' && a.reason instanceof ClusterError && a.reason.kind === 'cancelled');
      assert.equal(b.status, 'fulfilled');
      assert.equal(manager.current?.context, 'local-supervisor-dev');
    } finally {
      manager.dispose();
    }
  });
});
