/**
 * Applications that deploy into workload clusters, against real API servers: the local
 * Supervisor and three workload control planes it starts (`supervisor workload NS/NAME`). One
 * cluster is registered with Argo CD and reached by server, one by its Argo CD name, one is not
 * registered (reached through its kubeconfig Secret). Live objects inside the clusters are seeded
 * as Argo CD leaves them: server-side apply by argocd-controller with the tracking annotation.
 * Drift, diff --argocd-app, a direct sync and an Argo CD sync (the test plays the controller,
 * argocd-controller.ts) inside a cluster; one cluster stopped while the two others keep working;
 * a user who may not read the kubeconfig Secret, and the context named for the cluster.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DestinationSessions, loadKubeconfig, type ClusterRef, type ConnectionSession, type KubeObject } from '../../src/cluster';
import { main } from '../../src/cli/main';
import { computeDrift } from '../../src/drift/engine';
import { discoverTargets } from '../../src/drift/targets';
import type { DriftTarget, TargetDrift } from '../../src/drift/types';
import { DriftWatcher } from '../../src/drift/watcher';
import { executePlan, prepareSync } from '../../src/sync';
import { playController } from './argocd-controller';
import { RUN, configMap, makeRepos, manifests, openSession, type Repos } from './drift-fixtures';
import { STATE_FILE, captured, supervisor, supervisorScript } from './supervisor';

const A: ClusterRef = { namespace: 'team-a', name: `dst-a-${RUN}` };
const B: ClusterRef = { namespace: 'team-b', name: `dst-b-${RUN}` };
const C: ClusterRef = { namespace: 'team-c', name: `dst-c-${RUN}` };
const ALL = [A, B, C];
const key = (r: ClusterRef) => `${r.namespace}/${r.name}`;
const app = (r: ClusterRef) => `web-${r.name}`;
const cm = (s: string) => `tg-dst-${RUN}-${s}`;

let kubeconfigPath = '';
let sup: ConnectionSession;
let repos: Repos;
const workloadKubeconfig = new Map<string, string>();
const servers = new Map<string, string>();
/** Argo CD's settings this test made (and removes after). */
const made = { cm: false, project: false };

const cli = (...argv: string[]) => captured(main, argv);

/** kubectl against a workload cluster (its admin kubeconfig), outside the code under test. */
function kubectlIn(ref: ClusterRef, input: string | undefined, ...args: string[]): string {
  return execFileSync('kubectl', ['--kubeconfig', workloadKubeconfig.get(key(ref)) ?? '', ...args], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

const tracking = (r: ClusterRef, kind: string, name: string, group = '') => ({ 'argocd.argoproj.io/tracking-id': `${app(r)}:${group}/${kind}:default/${name}` });

/** As Argo CD's server-side apply leaves objects in the cluster: field manager argocd-controller, tracking annotation. */
function argoApplied(ref: ClusterRef, objects: KubeObject[]): void {
  kubectlIn(ref, manifests(...objects), 'apply', '--server-side', '--force-conflicts', '--field-manager=argocd-controller', '-f', '-');
}

function deployment(name: string, image: string, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default', ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image }] } } },
  };
}

function gitObjects(): KubeObject[] {
  return [configMap(cm('same'), { a: '1' }, 'default'), configMap(cm('drifted'), { color: 'blue' }, 'default'), deployment(cm('web'), 'nginx:1.27')];
}

/** Each cluster as Argo CD left it: `same` equal to Git, `drifted` with the value Git had before, the Deployment not there, one tracked object Git no longer has. */
function seed(ref: ClusterRef): void {
  const t = (kind: string, n: string, group = '') => ({ ...tracking(ref, kind, n, group) });
  argoApplied(ref, [
    { ...configMap(cm('same'), { a: '1' }, 'default'), metadata: { name: cm('same'), namespace: 'default', annotations: t('ConfigMap', cm('same')) } },
    { ...configMap(cm('drifted'), { color: 'green' }, 'default'), metadata: { name: cm('drifted'), namespace: 'default', annotations: t('ConfigMap', cm('drifted')) } },
    { ...configMap(cm('gone'), { a: '1' }, 'default'), metadata: { name: cm('gone'), namespace: 'default', annotations: t('ConfigMap', cm('gone')) } },
  ]);
}

function rssKiB(pid: number | undefined): number {
  if (!pid) return 0;
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

function workloadState(ref: ClusterRef): { server: string; pids: { apiserver?: number; etcd?: number } } {
  const state = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as { workloads?: { namespace: string; name: string; server: string; pids: { apiserver?: number; etcd?: number } }[] };
  const w = state.workloads?.find((x) => x.namespace === ref.namespace && x.name === ref.name);
  assert.ok(w, `the state file names the control plane of ${key(ref)}`);
  return w;
}

function applications(): KubeObject[] {
  const spec = (dest: Record<string, string>) => ({
    project: 'default', destination: { ...dest, namespace: 'default' }, source: { repoURL: `file://${repos.bare}`, path: 'web', targetRevision: 'HEAD' },
  });
  return [
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: app(A), namespace: 'argocd' }, spec: spec({ server: servers.get(key(A)) ?? '' }) },
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: app(B), namespace: 'argocd' }, spec: spec({ server: servers.get(key(B)) ?? '' }) },
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: app(C), namespace: 'argocd' }, spec: spec({ name: `${C.namespace}-${C.name}` }) },
  ];
}

async function targets(): Promise<Map<string, DriftTarget>> {
  const found = await discoverTargets({ repo: repos.repo, session: sup, applicationNamespaces: ['argocd'] });
  return new Map(found.targets.filter((t) => t.application && ALL.some((r) => app(r) === t.application?.name)).map((t) => [t.application?.name ?? '', t]));
}

function destinations(session: ConnectionSession = sup, extra: Partial<ConstructorParameters<typeof DestinationSessions>[0]> = {}): DestinationSessions {
  return new DestinationSessions({ supervisor: { client: session.client, namespace: session.namespace }, session: { allowExec: false, requestTimeoutMs: 8_000 }, timeoutMs: 8_000, ...extra });
}

const statuses = (d: TargetDrift | undefined) => Object.fromEntries((d?.resources ?? []).filter((r) => r.name.startsWith(`tg-dst-${RUN}`)).map((r) => [`${r.kind}/${r.name.slice(`tg-dst-${RUN}-`.length)}`, r.status]));
const EXPECTED = { 'ConfigMap/same': 'Synced', 'ConfigMap/drifted': 'OutOfSync', 'Deployment/web': 'Missing', 'ConfigMap/gone': 'Extra' };

describe('Applications that deploy into workload clusters', { timeout: 20 * 60 * 1000 }, () => {
  before(async () => {
    kubeconfigPath = (await supervisor()).kubeconfig;
    sup = await openSession('local-supervisor-admin');
    const tkc = (r: ClusterRef) => ({
      apiVersion: 'run.tanzu.vmware.com/v1alpha3', kind: 'TanzuKubernetesCluster', metadata: { name: r.name, namespace: r.namespace },
      spec: { topology: {
        controlPlane: { replicas: 1, vmClass: 'best-effort-small', storageClass: 'gold', tkr: { reference: { name: 'v1.26.5---vmware.2-fips.1-tkg.1' } } },
        nodePools: [{ name: 'workers', replicas: 1, vmClass: 'best-effort-small', storageClass: 'gold' }],
      } },
    });
    execFileSync('kubectl', ['--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', 'apply', '--server-side', '--field-manager=someone-else', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: ALL.map(tkc) }) });
    for (const ref of ALL) {
      const r = await supervisorScript('workload', key(ref));
      assert.equal(r.code, 0, r.stderr);
      const m = /^KUBECONFIG=(.+)$/.exec(r.stdout.trim().split('\n').pop() ?? '');
      assert.ok(m, r.stdout);
      workloadKubeconfig.set(key(ref), m[1]);
      servers.set(key(ref), workloadState(ref).server);
    }
    // A and C registered with Argo CD (a bearer token of argocd-manager); B is not
    for (const ref of [A, C]) {
      const r = await cli('register-cluster', '--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', '--yes', '--token-wait', '1', key(ref));
      assert.equal(r.code, 0, r.err);
    }
    // Argo CD's settings (annotation tracking, its default since Argo CD 3) and its default project
    const exists = (kind: string, group: string, n: string) => sup.client.get({ group, kind, namespace: 'argocd', name: n }).then(() => true, () => false);
    made.cm = !(await exists('ConfigMap', '', 'argocd-cm'));
    made.project = !(await exists('AppProject', 'argoproj.io', 'default'));
    if (made.cm) await sup.client.apply(configMap('argocd-cm', { 'application.resourceTrackingMethod': 'annotation' }, 'argocd'), { fieldManager: 'argocd-test', force: true });
    if (made.project) await sup.client.apply({
      apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'default', namespace: 'argocd' },
      spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }, { name: '*', namespace: '*' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }] },
    }, { fieldManager: 'argocd-test', force: true });
    repos = await makeRepos({ 'web/objects.yaml': manifests(...gitObjects()) });
    for (const ref of ALL) seed(ref);
    for (const a of applications()) await sup.client.apply(a, { fieldManager: 'argocd-test', force: true });
  });

  after(async () => {
    for (const ref of ALL) await supervisorScript('workload-stop', key(ref));
    for (const ref of ALL) {
      await sup.client.delete({ group: 'argoproj.io', kind: 'Application', namespace: 'argocd', name: app(ref) }).catch(() => undefined);
      await sup.client.delete({ group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', namespace: ref.namespace, name: ref.name }).catch(() => undefined);
      await sup.client.delete({ group: '', kind: 'Secret', version: 'v1', namespace: ref.namespace, name: `${ref.name}-kubeconfig` }).catch(() => undefined);
      await sup.client.delete({ group: '', kind: 'Secret', version: 'v1', namespace: 'argocd', name: `cluster-${ref.namespace}-${ref.name}` }).catch(() => undefined);
    }
    if (made.cm) await sup.client.delete({ group: '', kind: 'ConfigMap', version: 'v1', namespace: 'argocd', name: 'argocd-cm' }).catch(() => undefined);
    if (made.project) await sup.client.delete({ group: 'argoproj.io', kind: 'AppProject', namespace: 'argocd', name: 'default' }).catch(() => undefined);
    sup?.dispose();
  });

  it('an Application in another cluster is a target with its destination, compared inside that cluster, never against the Supervisor', async () => {
    const ts = await targets();
    assert.deepEqual(ts.get(app(A))?.destination, { server: servers.get(key(A)), label: servers.get(key(A)) });
    assert.deepEqual(ts.get(app(C))?.destination, { name: `${C.namespace}-${C.name}`, label: `${C.namespace}-${C.name}` });
    assert.equal(ts.get(app(A))?.unsupported, undefined);
    const against = await computeDrift(sup, repos.repo, ts.get(app(A)) as DriftTarget);
    assert.match(against.error ?? '', new RegExp(`deploys into cluster ${servers.get(key(A))?.replace(/[.:/]/g, '.')}: it is compared through a connection to that cluster`));
    const dests = destinations();
    try {
      for (const [ref, from] of [[A, `Argo CD cluster Secret argocd/cluster-${A.namespace}-${A.name}`], [B, `Secret team-b/${B.name}-kubeconfig`], [C, `Argo CD cluster Secret argocd/cluster-${C.namespace}-${C.name}`]] as const) {
        const t = ts.get(app(ref)) as DriftTarget;
        const open = await dests.open(t.destination ?? {});
        assert.ok(open !== 'supervisor');
        assert.equal(open.from, from);
        assert.equal(open.label, key(ref));
        assert.equal(open.server, servers.get(key(ref)));
        const d = await computeDrift(open.session, repos.repo, t, { destination: t.destination?.label });
        assert.equal(d.error, undefined);
        assert.deepEqual(statuses(d), EXPECTED, `${key(ref)}: ${JSON.stringify(d.resources.map((r) => [r.name, r.status, r.reason]))}`);
        assert.match(d.resources.find((r) => r.name === cm('drifted'))?.diff?.unified ?? '', /-\s+color: green\n\+\s+color: blue/);
      }
      assert.equal(dests.keys.length, 3, 'one session per destination');
    } finally {
      dests.dispose();
    }
    // the Argo CD connection is argocd-manager's token, which really authenticates: it listed and dry-ran above
  });

  it('diff --argocd-app follows the Application into its cluster (text and JSON); no token in any output', async () => {
    const args = ['diff', '--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', '--argocd-app', app(A), repos.work];
    const text = await cli(...args);
    assert.equal(text.code, 1, text.err);
    assert.match(text.err, new RegExp(`4 resources compared with cluster team-a/${A.name} \\(through Argo CD cluster Secret argocd/cluster-team-a-${A.name}\\) \\(namespace default\\)`));
    assert.match(text.out, /color: blue/);
    const json = await cli(...args, '--format', 'json');
    const records = JSON.parse(json.out) as { kind: string; name: string; status: string }[];
    assert.deepEqual(Object.fromEntries(records.map((r) => [`${r.kind}/${r.name.slice(`tg-dst-${RUN}-`.length)}`, r.status])), EXPECTED);
    const secret = await sup.client.get({ group: '', kind: 'Secret', version: 'v1', namespace: 'argocd', name: `cluster-team-a-${A.name}` });
    const token = (JSON.parse(Buffer.from((secret.data as Record<string, string>).config, 'base64').toString('utf8')) as { bearerToken: string }).bearerToken;
    assert.ok(token.length > 20);
    assert.ok(![text.out, text.err, json.out, json.err].some((s) => s.includes(token)), 'the bearer token is in no output');
  });

  it('a direct sync inside a cluster (as the editor syncs an Argo CD target), then sync --cluster and diff --cluster on the command line', async () => {
    const t = (await targets()).get(app(B)) as DriftTarget;
    const dests = destinations();
    try {
      const open = await dests.open(t.destination ?? {});
      assert.ok(open !== 'supervisor');
      // what argocd-controller applied is taken over on request, as a direct sync of an Argo CD target does
      const prepared = await prepareSync(open.session, repos.repo, t, { workload: true, prune: true, forceConflicts: true });
      assert.equal(prepared.drift.error, undefined);
      assert.equal(prepared.plan.blocked, false, JSON.stringify(prepared.plan.blockers));
      const report = await executePlan(open.session, prepared.plan, { forceConflicts: true, confirmed: new Set(prepared.plan.items.filter((i) => i.action === 'delete').map((i) => i.key)) });
      assert.equal(report.outcome, 'succeeded', `${report.message} ${JSON.stringify(report.results.filter((r) => r.outcome === 'failed'))}`);
      const after = await computeDrift(open.session, repos.repo, t, { destination: t.destination?.label });
      // what Argo CD tracks is Argo CD's to prune: a direct sync leaves it (still Extra)
      assert.deepEqual(statuses(after), { 'ConfigMap/same': 'Synced', 'ConfigMap/drifted': 'Synced', 'Deployment/web': 'Synced', 'ConfigMap/gone': 'Extra' });
    } finally {
      dests.dispose();
    }
    assert.equal(JSON.parse(kubectlIn(B, undefined, 'get', 'configmap', '-n', 'default', cm('drifted'), '-o', 'json')).data.color, 'blue');
    assert.equal(JSON.parse(kubectlIn(B, undefined, 'get', 'configmap', '-n', 'default', cm('gone'), '-o', 'json')).metadata.name, cm('gone'));
    // on the command line, into cluster B by its kubeconfig Secret, tracked by tanzu-gitops under a name of its own
    const base = ['--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', '--cluster', key(B), '--namespace', 'other', '--target', `t-${RUN}`];
    kubectlIn(B, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } }), 'apply', '-f', '-');
    fs.mkdirSync(path.join(repos.work, 'direct'), { recursive: true });
    fs.writeFileSync(path.join(repos.work, 'direct', 'cm.yaml'), manifests({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cm('direct') }, data: { k: 'v' } }));
    const plan = await cli('sync', ...base, path.join(repos.work, 'direct'));
    assert.equal(plan.code, 0, plan.err);
    assert.match(plan.out, new RegExp(`Sync plan for t-${RUN} to cluster team-b/${B.name} \\(through Secret team-b/${B.name}-kubeconfig\\) \\(namespace other\\): 1 to create`));
    const done = await cli('sync', ...base, '--yes', path.join(repos.work, 'direct'));
    assert.equal(done.code, 0, done.err);
    const managers = (JSON.parse(kubectlIn(B, undefined, 'get', 'configmap', '-n', 'other', cm('direct'), '-o', 'json', '--show-managed-fields')) as { metadata: { managedFields: { manager: string }[] } }).metadata.managedFields.map((m) => m.manager);
    assert.deepEqual(managers, ['tanzu-gitops']);
    const diff = await cli('diff', ...base, path.join(repos.work, 'direct'));
    assert.equal(diff.code, 0, diff.err);
    assert.match(diff.err, /1 resource compared with cluster team-b\/\S+ \(through Secret team-b\/\S+-kubeconfig\) \(namespace other\) at the working tree of main at [0-9a-f]{7}[^:]*: 0 OutOfSync, 0 Missing, 0 Extra, 0 Unknown, 1 Synced/);
  });

  it('an Argo CD sync of an Application in a cluster: requested on the Supervisor, applied inside the cluster (the test plays the controller)', async () => {
    const ref = { name: app(C), namespace: 'argocd' };
    let applying: Promise<void> | undefined;
    const ctl = playController(sup.client, ref, () => {
      // as Argo CD's server-side apply: Git's objects with the tracking annotation, manager argocd-controller
      applying = Promise.resolve().then(() => argoApplied(C, gitObjects().map((o) => ({ ...o, metadata: { ...(o.metadata as object), annotations: tracking(C, o.kind as string, (o.metadata as { name: string }).name, o.kind === 'Deployment' ? 'apps' : '') } }))));
      return { phase: 'Succeeded', runMs: 300 };
    });
    try {
      const r = await cli('sync', '--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', '--argocd-app', app(C), '--yes', '--timeout', '60s');
      assert.equal(r.code, 0, `${r.out}${r.err}`);
      assert.match(r.err, new RegExp(`Argo CD applies inside cluster team-c-${C.name}, registered as argocd/cluster-team-c-${C.name}`));
      await applying;
    } finally {
      await ctl.stop();
    }
    const diff = await cli('diff', '--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', '--argocd-app', app(C), '--format', 'json', repos.work);
    const records = JSON.parse(diff.out) as { kind: string; name: string; status: string }[];
    assert.deepEqual(Object.fromEntries(records.map((x) => [`${x.kind}/${x.name.slice(`tg-dst-${RUN}-`.length)}`, x.status])), { ...EXPECTED, 'ConfigMap/drifted': 'Synced', 'Deployment/web': 'Synced' });
  });

  it('a user who may not read the kubeconfig Secret gets a clear message, and the context named for the cluster works', async () => {
    const dev = await openSession('local-supervisor-dev');
    const wlContext = `${B.name}-admin@${B.name}`;
    const without = destinations(dev);
    const withContext = destinations(dev, { contexts: { [key(B)]: wlContext }, fallbackKubeconfig: () => loadKubeconfig({ paths: [workloadKubeconfig.get(key(B)) ?? ''] }) });
    try {
      await assert.rejects(without.open({ server: servers.get(key(B)) }), (err: Error) => {
        assert.match(err.message, /the Argo CD cluster Secrets in argocd cannot be read \(forbidden\)/);
        assert.match(err.message, /tanzuGitops\.clusterContexts/);
        return true;
      });
      const open = await withContext.open({ server: servers.get(key(B)) });
      assert.ok(open !== 'supervisor');
      assert.equal(open.from, `context ${wlContext}`);
      assert.equal(open.label, key(B));
      const { items } = await open.session.client.list({ group: '', kind: 'ConfigMap', version: 'v1' }, { namespace: 'default' });
      assert.ok(items.some((o) => o.metadata?.name === cm('same')));
    } finally {
      without.dispose();
      withContext.dispose();
      dev.dispose();
    }
    const kc = ['--kubeconfig', kubeconfigPath, '--kubeconfig', workloadKubeconfig.get(key(B)) ?? '', '--context', 'local-supervisor-dev', '--cluster', key(B)];
    const refused = await cli('diff', ...kc, path.join(repos.work, 'web'));
    assert.equal(refused.code, 2);
    assert.match(refused.err, new RegExp(`Cluster team-b/${B.name}: cannot read its kubeconfig from the Secret team-b/${B.name}-kubeconfig: you may not read it \\(forbidden\\)\\..*--cluster-context`));
    const through = await cli('diff', ...kc, '--cluster-context', `${key(B)}=${wlContext}`, '--namespace', 'default', '--target', `t-${RUN}`, path.join(repos.work, 'web'));
    assert.match(through.err, new RegExp(`compared with cluster team-b/${B.name} \\(through context ${wlContext.replace(/[.@]/g, '.')}\\)`), through.err);
  });

  it('three clusters watched at once: one stopped, the two others keep working; memory of each control plane', async () => {
    const rss = ALL.map((r) => ({ cluster: key(r), apiserver: rssKiB(workloadState(r).pids.apiserver), etcd: rssKiB(workloadState(r).pids.etcd) }));
    for (const r of rss) assert.ok(r.apiserver > 0 && r.etcd > 0, `${r.cluster} runs`);
    const total = rss.reduce((s, r) => s + r.apiserver + r.etcd, 0);
    process.stdout.write(`# workload control planes RSS (MiB): ${rss.map((r) => `${r.cluster} ${Math.round(r.apiserver / 1024)}+${Math.round(r.etcd / 1024)}`).join(', ')}; total ${Math.round(total / 1024)}\n`);

    const ts = await targets();
    const dests = destinations();
    const watcher = new DriftWatcher(sup, repos.repo, [...ts.values()], {
      watchGit: false, sweepIntervalMs: 0, syncTimeoutMs: 8_000, timeoutMs: 8_000, clusterRetryMs: 60_000,
      clusters: async (dest) => {
        const open = await dests.open(dest);
        if (open === 'supervisor') throw new Error('not a workload cluster');
        return open.session;
      },
    });
    try {
      await watcher.refresh();
      for (const r of ALL) assert.ok(watcher.result(app(r)), `${key(r)} has a result`);
      for (const r of ALL) assert.equal(watcher.result(app(r))?.error, undefined, `${key(r)}: ${watcher.result(app(r))?.error}`);
      const was = new Map(ALL.map((r) => [key(r), statuses(watcher.result(app(r)))]));
      assert.equal(was.get(key(A))?.['ConfigMap/drifted'], 'OutOfSync', JSON.stringify(watcher.result(app(A))?.resources.map((x) => [x.name, x.status])));

      const stopped = await supervisorScript('workload-stop', key(A));
      assert.equal(stopped.code, 0, stopped.stderr);
      await watcher.refresh();
      const a = watcher.result(app(A));
      assert.ok(a?.error || a?.resources.every((x) => x.status === 'Unknown'), `cluster A's target says it cannot be compared: ${JSON.stringify(a?.resources.map((x) => x.status))}`);
      assert.match(`${a?.error ?? ''}${a?.resources.map((x) => x.reason).join(' ') ?? ''}`, /refused|unreachable|connect|ECONNREFUSED/i);
      for (const r of [B, C]) {
        assert.equal(watcher.result(app(r))?.error, undefined, key(r));
        assert.deepEqual(statuses(watcher.result(app(r))), was.get(key(r)), `${key(r)} answers as before`);
      }
      // the two others still follow their cluster: a change inside C shows
      argoApplied(C, [{ ...configMap(cm('same'), { a: '2' }, 'default'), metadata: { name: cm('same'), namespace: 'default', annotations: tracking(C, 'ConfigMap', cm('same')) } }]);
      await watcher.refresh(app(C));
      assert.equal(statuses(watcher.result(app(C)))['ConfigMap/same'], 'OutOfSync');
    } finally {
      watcher.dispose();
      dests.dispose();
    }
    const diff = await cli('diff', '--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', '--argocd-app', app(A), '--timeout', '5', repos.work);
    assert.equal(diff.code, 2);
    assert.match(diff.err, /refused|unreachable|connect/i);
  });
});
