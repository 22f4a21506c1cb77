/**
 * Workload clusters against real API servers: the local Supervisor and two workload control
 * planes it starts (a TanzuKubernetesCluster in team-a, a Cluster in team-b). Connection through
 * the kubeconfig Secret and through a named context, the clusters listing, Argo CD registration
 * with a token that authenticates, unregistration, a user who may not read the Secret, and one
 * cluster frozen while the other keeps answering.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { ConnectionSession, WorkloadSessions, loadKubeconfig, type ClusterRef } from '../../src/cluster';
import { main } from '../../src/cli/main';
import { STATE_FILE, captured, supervisor, supervisorScript } from './supervisor';

const RUN = `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
const A: ClusterRef = { namespace: 'team-a', name: `wl-a-${RUN}` };
const B: ClusterRef = { namespace: 'team-b', name: `wl-b-${RUN}` };
const key = (r: ClusterRef) => `${r.namespace}/${r.name}`;

let kubeconfigPath = '';
const workloadKubeconfig = new Map<string, string>();

function kubectl(...args: string[]): string {
  return execFileSync('kubectl', ['--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', ...args], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

const cli = (...argv: string[]) => captured(main, argv);

const admin = ['--kubeconfig', '', '--context', 'local-supervisor-admin'];

function openSupervisor(context = 'local-supervisor-admin'): Promise<ConnectionSession> {
  return ConnectionSession.open({ kubeconfig: loadKubeconfig({ paths: [kubeconfigPath] }), context, allowExec: false, requestTimeoutMs: 10_000 });
}

/** GET with a bearer token, outside the code under test. */
function getWithToken(server: string, caPem: Buffer, token: string, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(`${server}${p}`, { ca: caPem, headers: { Authorization: `Bearer ${token}` }, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function workloadState(ref: ClusterRef): { server: string; ca: string; pids: { apiserver: number } } {
  const state = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as { workloads?: { namespace: string; name: string; server: string; ca: string; pids: { apiserver: number } }[] };
  const w = state.workloads?.find((x) => x.namespace === ref.namespace && x.name === ref.name);
  assert.ok(w, `the state file names the control plane of ${key(ref)}`);
  return w;
}

describe('workload clusters', { timeout: 15 * 60 * 1000 }, () => {
  before(async () => {
    kubeconfigPath = (await supervisor()).kubeconfig;
    admin[1] = kubeconfigPath;
    const tkc = {
      apiVersion: 'run.tanzu.vmware.com/v1alpha3', kind: 'TanzuKubernetesCluster', metadata: { name: A.name, namespace: A.namespace },
      spec: { topology: {
        controlPlane: { replicas: 1, vmClass: 'best-effort-small', storageClass: 'gold', tkr: { reference: { name: 'v1.26.5---vmware.2-fips.1-tkg.1' } } },
        nodePools: [{ name: 'workers', replicas: 2, vmClass: 'best-effort-small', storageClass: 'gold' }],
      } },
    };
    const capi = {
      apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', metadata: { name: B.name, namespace: B.namespace },
      spec: { topology: { class: 'tanzukubernetescluster', version: 'v1.26.5+vmware.2-fips.1-tkg.1', controlPlane: { replicas: 3 }, workers: { machineDeployments: [{ class: 'node-pool', name: 'np-1', replicas: 1 }, { class: 'node-pool', name: 'np-2', replicas: 2 }] } } },
    };
    execFileSync('kubectl', ['--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', 'apply', '--server-side', '--field-manager=someone-else', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [tkc, capi] }) });
    for (const ref of [A, B]) {
      const r = await supervisorScript('workload', key(ref));
      assert.equal(r.code, 0, r.stderr);
      const m = /^KUBECONFIG=(.+)$/.exec(r.stdout.trim().split('\n').pop() ?? '');
      assert.ok(m, `the last line is KUBECONFIG=…: ${r.stdout}`);
      workloadKubeconfig.set(key(ref), m[1]);
    }
  });

  after(async () => {
    for (const ref of [A, B]) await supervisorScript('workload-stop', key(ref));
    try {
      kubectl('delete', '--ignore-not-found', '-n', A.namespace, `tanzukubernetescluster/${A.name}`, `secret/${A.name}-kubeconfig`);
      kubectl('delete', '--ignore-not-found', '-n', B.namespace, `clusters.cluster.x-k8s.io/${B.name}`, `secret/${B.name}-kubeconfig`);
      kubectl('delete', '--ignore-not-found', '-n', 'argocd', `secret/cluster-${A.namespace}-${A.name}`);
    } catch {
      // the Supervisor is gone: nothing of it to clean
    }
  });

  it('workload NS/NAME refuses a cluster the Supervisor does not have', async () => {
    const r = await supervisorScript('workload', `team-c/none-${RUN}`);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`no TanzuKubernetesCluster or Cluster team-c/none-${RUN} on the Supervisor`));
  });

  it('connects to each cluster through its kubeconfig Secret, one session per cluster', async () => {
    const sup = await openSupervisor();
    const logged: string[] = [];
    const sessions = new WorkloadSessions({ supervisor: sup.client, session: { allowExec: false, requestTimeoutMs: 10_000, log: (l) => logged.push(l) } });
    try {
      const [a, b] = await Promise.all([sessions.open(A), sessions.open(B)]);
      assert.notEqual(a, b);
      assert.equal(await sessions.open(A), a, 'the second need gets the session already open');
      assert.equal(a.connection.server, workloadState(A).server);
      assert.equal(b.connection.server, workloadState(B).server);
      for (const s of [a, b]) {
        const { items } = await s.client.list({ group: '', kind: 'Namespace', version: 'v1' });
        assert.ok(items.some((n) => n.metadata?.name === 'kube-system'));
      }
      // the workload servers hold none of the Supervisor's kinds
      await assert.rejects(a.client.list({ group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster' }), /TanzuKubernetesCluster|not served|not found/i);
      const token = /token: "([^"]+)"/.exec(fs.readFileSync(workloadKubeconfig.get(key(A)) ?? '', 'utf8'))?.[1] ?? '';
      assert.ok(token.length > 20);
      assert.ok(!logged.some((l) => l.includes(token)), 'no log line holds the kubeconfig token');
    } finally {
      sessions.dispose();
      sup.dispose();
    }
  });

  it('a user who may not read the Secret gets a clear message, and connects through a named context', async () => {
    // dev edits team-a only: team-b's Secrets are not theirs to read
    const dev = await openSupervisor('local-supervisor-dev');
    const opts = { supervisor: dev.client, session: { allowExec: false, requestTimeoutMs: 10_000 } };
    const without = new WorkloadSessions(opts);
    const context = `${B.name}-admin@${B.name}`;
    const withContext = new WorkloadSessions({ ...opts, contexts: { [key(B)]: context }, fallbackKubeconfig: () => loadKubeconfig({ paths: [workloadKubeconfig.get(key(B)) ?? ''] }) });
    try {
      await assert.rejects(without.open(B), (err: Error) => {
        assert.match(err.message, new RegExp(`cannot read its kubeconfig from the Secret team-b/${B.name}-kubeconfig: you may not read it \\(forbidden\\)`));
        assert.match(err.message, /tanzuGitops\.clusterContexts/);
        return true;
      });
      assert.deepEqual(without.keys, [], 'a failed open is not kept');
      const s = await withContext.open(B);
      assert.equal(s.context, context);
      assert.equal(s.connection.server, workloadState(B).server);
      const { items } = await s.client.list({ group: '', kind: 'Namespace', version: 'v1' });
      assert.ok(items.some((n) => n.metadata?.name === 'default'));
    } finally {
      without.dispose();
      withContext.dispose();
      dev.dispose();
    }
    const r = await cli('register-cluster', '--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-dev', key(B));
    assert.equal(r.code, 2);
    assert.match(r.err, /register-cluster: Cluster team-b\/wl-b-\S+: cannot read its kubeconfig from the Secret .*forbidden.*--cluster-context/);
  });

  it('clusters lists phase, Ready, release, replicas and registration; a namespace-bound user sees their namespace', async () => {
    const r = await cli('clusters', ...admin, '--format', 'json');
    assert.equal(r.code, 0, r.err);
    const { clusters } = JSON.parse(r.out) as { clusters: Record<string, unknown>[] };
    const a = clusters.find((c) => c.name === A.name);
    const b = clusters.find((c) => c.name === B.name);
    assert.deepEqual({ kind: a?.kind, phase: a?.phase, ready: a?.ready, release: a?.release, cp: a?.controlPlane, np: a?.nodePools, argocd: a?.argocd },
      { kind: 'TanzuKubernetesCluster', phase: 'running', ready: 'True', release: 'v1.26.5---vmware.2-fips.1-tkg.1', cp: { desired: 1, ready: 1 }, np: { desired: 2, ready: 2 }, argocd: null });
    assert.deepEqual({ kind: b?.kind, phase: b?.phase, ready: b?.ready, cp: b?.controlPlane, np: b?.nodePools, server: b?.server },
      { kind: 'Cluster', phase: 'Provisioned', ready: 'True', cp: { desired: 3, ready: 3 }, np: { desired: 3, ready: 3 }, server: workloadState(B).server });
    const dev = await cli('clusters', '--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-dev', '--format', 'json');
    assert.equal(dev.code, 0, dev.err);
    const seen = (JSON.parse(dev.out) as { clusters: { namespace: string; name: string; argocd?: unknown }[] }).clusters;
    assert.ok(seen.some((c) => c.name === A.name));
    assert.ok(seen.every((c) => c.namespace === 'team-a' && c.argocd === undefined), 'team-a only; registration unknown');
    const text = await cli('clusters', '--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-dev');
    assert.match(text.out, new RegExp(`team-a\\s+${A.name}\\s+TKC\\s+running\\s+True\\s+\\S+\\s+1/1\\s+2/2\\s+\\?`));
    assert.match(text.err, /cluster Secrets in argocd cannot be read/);
  });

  it('register-cluster: the plan changes nothing; --yes registers a token that authenticates; --unregister removes both sides', async () => {
    const plan = await cli('register-cluster', ...admin, key(A));
    assert.equal(plan.code, 0, plan.err);
    assert.match(plan.out, /ServiceAccount kube-system\/argocd-manager/);
    assert.match(plan.out, /Nothing was changed/);
    const wl = ['--kubeconfig', workloadKubeconfig.get(key(A)) ?? ''];
    const saGone = () => assert.throws(() => execFileSync('kubectl', [...wl, 'get', 'sa', '-n', 'kube-system', 'argocd-manager'], { stdio: 'pipe' }));
    saGone();
    assert.throws(() => kubectl('get', '-n', 'argocd', `secret/cluster-${A.namespace}-${A.name}`), 'no cluster Secret after the plan');

    const done = await cli('register-cluster', ...admin, '--yes', '--token-wait', '1', key(A));
    assert.equal(done.code, 0, done.err);
    assert.match(done.out, /token from TokenRequest, expires \d{4}-/);
    const secret = JSON.parse(kubectl('get', '-n', 'argocd', `secret/cluster-${A.namespace}-${A.name}`, '-o', 'json')) as { metadata: { labels: Record<string, string> }; data: Record<string, string> };
    assert.equal(secret.metadata.labels['argocd.argoproj.io/secret-type'], 'cluster');
    const dec = (k: string) => Buffer.from(secret.data[k], 'base64').toString('utf8');
    const config = JSON.parse(dec('config')) as { bearerToken: string; tlsClientConfig: { caData: string } };
    const w = workloadState(A);
    assert.equal(dec('server'), w.server);
    assert.equal(dec('name'), `${A.namespace}-${A.name}`);
    assert.equal(Buffer.from(config.tlsClientConfig.caData, 'base64').toString('utf8'), fs.readFileSync(w.ca, 'utf8'));
    assert.ok(!`${plan.out}${plan.err}${done.out}${done.err}`.includes(config.bearerToken), 'the token is in no output');
    const ca = fs.readFileSync(w.ca);
    const listed = await getWithToken(w.server, ca, config.bearerToken, '/api/v1/namespaces');
    assert.equal(listed.status, 200, listed.body);
    assert.ok((JSON.parse(listed.body) as { items: { metadata: { name: string } }[] }).items.some((n) => n.metadata.name === 'kube-system'));

    const registered = await cli('clusters', ...admin, '--format', 'json');
    const a = (JSON.parse(registered.out) as { clusters: { name: string; argocd?: { secret: string } | null }[] }).clusters.find((c) => c.name === A.name);
    assert.deepEqual(a?.argocd, { secret: `argocd/cluster-${A.namespace}-${A.name}`, name: `${A.namespace}-${A.name}` });

    const un = await cli('register-cluster', ...admin, '--yes', '--unregister', key(A));
    assert.equal(un.code, 0, un.err);
    assert.match(un.out, /removed Supervisor Secret argocd\/cluster-/);
    assert.throws(() => kubectl('get', '-n', 'argocd', `secret/cluster-${A.namespace}-${A.name}`));
    saGone();
    const refused = await getWithToken(w.server, ca, config.bearerToken, '/api/v1/namespaces');
    assert.ok([401, 403].includes(refused.status), `the token no longer lists anything (HTTP ${refused.status})`);
  });

  it('one cluster frozen: the other keeps answering', async () => {
    const sup = await openSupervisor();
    const sessions = new WorkloadSessions({ supervisor: sup.client, session: { allowExec: false, requestTimeoutMs: 8_000 } });
    const frozen = workloadState(B).pids.apiserver;
    try {
      const [a, b] = await Promise.all([sessions.open(A), sessions.open(B)]);
      process.kill(frozen, 'SIGSTOP');
      let bSettled = false;
      const bList = b.client.list({ group: '', kind: 'ConfigMap', version: 'v1' }, { namespace: 'default' }).finally(() => { bSettled = true; });
      bList.catch(() => undefined);
      let answers = 0;
      for (let i = 0; i < 3; i++) {
        const { items } = await a.client.list({ group: '', kind: 'Namespace', version: 'v1' });
        if (items.length) answers++;
      }
      assert.equal(answers, 3);
      assert.equal(bSettled, false, 'the frozen cluster has not answered');
      await assert.rejects(bList, /time|respond|answer/i);
    } finally {
      process.kill(frozen, 'SIGCONT');
      sessions.dispose();
      sup.dispose();
    }
  });
});
