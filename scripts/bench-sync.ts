// The sync benchmark (run by `npm run bench` after the others, or alone:
// `node scripts/run.mjs bench-sync`): our sync beside `kubectl apply --server-side` on the same 200
// manifests against the local Supervisor, cold (every object absent before each run). It prints
// medians and ratios and says whether the target is met; it asserts nothing and its exit code
// does not depend on the numbers.
//
// Setup (the same every run): namespace tg-sync-bench of the local Supervisor (started by this
// script when none runs on the state file, and stopped at the end), made a vSphere Namespace (VM
// class best-effort-small, storage class gold assigned) so that the live rules pass; 200 objects:
// 190 ConfigMaps (5 keys each) and 10 TanzuKubernetesClusters v1alpha2, in 20 files of 10
// documents, committed to a fresh Git repository.
//
// What is measured, interleaved, after one warm-up each; before every run every object is deleted
// (untimed) and the deletion checked:
//   kubectl  `kubectl apply --server-side --force-conflicts --field-manager=tanzu-gitops -f <repo>`
//            (kubectl at /usr/bin/kubectl or $KUBECTL, its discovery cache warm in a folder of
//            its own): one PATCH per object, in turn.
//   ours     `node cli.js sync --yes --target tg-sync-bench --format json <repo>` in a fresh
//            process (the command line bundled as the product's dist/cli.js: Node start, load,
//            kubeconfig, Git read, the Supervisor's facts for the live rules, discovery (from its
//            on-disk cache, as kubectl's: TANZU_GITOPS_CACHE pointed at a folder of its own in the
//            temporary folder, warm after the warm-up as kubectl's is), lists, a server-side
//            dry-run of every object (the plan; 32 in flight), the guards, then the applies with
//            field manager tanzu-gitops, kinds in order, 32 in flight within a kind; single
//            requests over one HTTP/2 connection, as kubectl's).
//            TANZU_GITOPS_TRACE=1 in the environment makes it print its phases on stderr.
//   ours, in this process: prepareSync then executePlan with a new session each time (no Node
//            start, no module load), to show what the plan and the applies each cost.
// Target: the cold sync (the command line's process) <= 0.5x kubectl's time.
// Then, for information: the same two processes behind a TCP proxy that delays every chunk by
// half of BENCH_SYNC_RTT_MS (default 4; 0 skips it) each way, as a Supervisor a network hop away.
// Environment: BENCH_SYNC_RUNS (timed runs of each, default 5), KUBECTL,
// TANZU_GITOPS_SUPERVISOR_STATE (which local Supervisor), BENCH_SYNC_KEEP=1 (leave the objects and
// the temporary folder).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { bundleCli, canBenchAgainstSupervisor, median, ms as msAuto, timeProcess } from './lib/bench';
import { CACHE, REPO as ROOT, startLocalSupervisor, stopLocalSupervisor, type Json, type JsonObject } from './lib/tools';

const require = createRequire(path.join(ROOT, 'package.json'));
const RUNS = Number(process.env.BENCH_SYNC_RUNS) || 5;
const KUBECTL = process.env.KUBECTL || '/usr/bin/kubectl';
const NS = 'tg-sync-bench';
const TARGET = 'tg-sync-bench';
const CONTEXT = 'local-supervisor-admin';
const LABEL = 'tanzu-gitops.dev/bench';
const TARGET_RATIO = 0.5;
const COUNT = 200;
const TKCS = 10;
const BUDGET_MS = 170_000;

const log = (s = '') => process.stdout.write(`${s}\n`);
const ms = (x: number) => msAuto(x, 0);

/** The product's modules the bench drives, bundled at run time from src/ (see bundle()). */
type SyncLib = Json;
/** A live session of the product (ConnectionSession). */
type Session = Json;

/** What the runs share: the bundle, the session, the kubeconfig, the repository, the command line. */
interface Bench {
  started: number;
  tmp: string;
  lib: SyncLib;
  session: Session;
  kc: Json;
  kubeconfig: string;
  repo: string;
  cliJs: string;
  kubectlCache: string;
  cliEnv: NodeJS.ProcessEnv;
}

async function main(): Promise<void> {
  const started = performance.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tanzu-gitops-bench-sync-'));
  let startedSupervisor = false;
  let session: Session | undefined;
  try {
    if (!canBenchAgainstSupervisor('sync', KUBECTL, CACHE, log)) return;
    const sup = startLocalSupervisor();
    startedSupervisor = sup.started;
    const kubeconfig = sup.kubeconfig;
    log(`local Supervisor: ${sup.started ? 'started for this benchmark' : 'already running'} (${kubeconfig})`);

    const lib = await bundle(tmp);
    const cliJs = path.join(tmp, 'cli.js');
    const kc = lib.loadKubeconfig({ paths: [kubeconfig] });
    session = await lib.ConnectionSession.open({ kubeconfig: kc, context: CONTEXT, allowExec: false, requestTimeoutMs: 30_000 });

    // ---- setup --------------------------------------------------------------------------------
    await setupNamespace(session);
    const gen = generate();
    const repo = path.join(tmp, 'repo');
    writeRepo(repo, gen.files);
    log(`setup: ${gen.objects.length} manifests (${gen.objects.length - TKCS} ConfigMaps, ${TKCS} TanzuKubernetesClusters v1alpha2) in ${gen.files.length} files, namespace ${NS}`);

    const bench: Bench = {
      started, tmp, lib, session, kc, kubeconfig, repo, cliJs,
      kubectlCache: path.join(tmp, 'kubectl-cache'),
      cliEnv: { ...process.env, KUBECONFIG: kubeconfig, TANZU_GITOPS_CACHE: path.join(tmp, 'tanzu-gitops-cache') },
    };
    reportCold(await coldSync(bench));
    await overHop(bench);
    log(`sync benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    if (session && process.env.BENCH_SYNC_KEEP !== '1') await clear(session).catch(() => undefined);
    session?.dispose();
    if (startedSupervisor) stopLocalSupervisor();
    if (process.env.BENCH_SYNC_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
    else log(`kept: ${tmp}`);
  }
}

interface Times { kubectl: number[]; cli: number[]; inProc: number[]; plan: number[]; apply: number[] }

/** Cold sync, interleaved: kubectl apply, our command line, prepareSync + executePlan in process; every object deleted before each run. */
async function coldSync(b: Bench): Promise<Times> {
  const { session, lib, kc, repo } = b;
  const env = { ...process.env, KUBECONFIG: b.kubeconfig };
  const runKubectl = () => timeProcess(KUBECTL, ['--context', CONTEXT, '--cache-dir', b.kubectlCache, 'apply', '--server-side', '--force-conflicts', '--field-manager=tanzu-gitops', '-f', repo], env);
  const runCli = () => timeProcess(process.execPath, [b.cliJs, 'sync', '--context', CONTEXT, '--yes', '--target', TARGET, '--format', 'json', repo], b.cliEnv);
  const runInProcess = async () => {
    const s = await lib.ConnectionSession.open({ kubeconfig: kc, context: CONTEXT, allowExec: false, requestTimeoutMs: 30_000 });
    try {
      const r = await lib.openRepository(repo);
      const target = { ...lib.workspaceTarget('', NS), name: TARGET, origin: 'setting', ownership: { kind: 'tanzu-gitops', target: TARGET } };
      const t0 = performance.now();
      const prepared = await lib.prepareSync(s, r, target);
      const t1 = performance.now();
      const report = await lib.executePlan(s, prepared.plan);
      const t2 = performance.now();
      return { planMs: t1 - t0, applyMs: t2 - t1, ms: t2 - t0, plan: prepared.plan, report };
    } finally {
      s.dispose();
    }
  };

  log(`cold sync: 1 warm-up + ${RUNS} timed runs each, interleaved; every object deleted before each run`);
  const times: Times = { kubectl: [], cli: [], inProc: [], plan: [], apply: [] };
  const checked = { kubectl: false, cli: false, inProc: false };
  for (let i = 0; i <= RUNS; i++) {
    if (performance.now() - b.started > BUDGET_MS) {
      log(`time budget (${BUDGET_MS / 1000} s) reached after ${i - 1} timed runs: stopping early`);
      break;
    }
    const timed = i > 0;

    await clear(session);
    const k = await runKubectl();
    if (k.code !== 0) throw new Error(`kubectl apply failed (${k.code}): ${k.stderr.slice(0, 500)}`);
    const kApplied = (k.stdout.match(/serverside-applied/g) ?? []).length;
    if (!checked.kubectl) {
      if (kApplied !== COUNT) throw new Error(`kubectl applied ${kApplied} objects, not ${COUNT}: ${k.stdout.slice(0, 300)}`);
      await verify(session, 'kubectl');
      checked.kubectl = true;
    }
    if (timed) times.kubectl.push(k.ms);

    await clear(session);
    const c = await runCli();
    if (c.code !== 0) throw new Error(`our sync failed (${c.code}): ${c.stderr.slice(0, 800)}`);
    const doc = JSON.parse(c.stdout);
    if (doc.report?.counts?.applied !== COUNT) throw new Error(`our sync applied ${doc.report?.counts?.applied}, not ${COUNT}`);
    if (!checked.cli) {
      await verify(session, 'ours');
      checked.cli = true;
    }
    if (timed) times.cli.push(c.ms);

    await clear(session);
    const p = await runInProcess();
    if (p.report.counts.applied !== COUNT || p.report.outcome !== 'succeeded') throw new Error(`in-process sync: ${p.report.message}`);
    if (!checked.inProc) {
      log(`  plan: ${fmtCounts(p.plan.counts)}, ${p.plan.waves.length} wave(s), blocked ${p.plan.blocked}; report: ${p.report.message}`);
      checked.inProc = true;
    }
    if (timed) {
      times.inProc.push(p.ms);
      times.plan.push(p.planMs);
      times.apply.push(p.applyMs);
    }
  }
  return times;
}

function reportCold(times: Times): void {
  const mk = median(times.kubectl);
  const mc = median(times.cli);
  const rows = [
    ['kubectl apply --server-side (process)', ms(mk), '1.00x', ''],
    ['tanzu-gitops sync --yes (process)', ms(mc), `${(mc / mk).toFixed(2)}x`, `target <= ${TARGET_RATIO}x: ${mc / mk <= TARGET_RATIO ? 'MET' : 'NOT MET'}`],
    ['  in this process: plan + apply', ms(median(times.inProc)), `${(median(times.inProc) / mk).toFixed(2)}x`, 'no Node start, no module load'],
    ['    the plan (facts, lists, 200 dry-runs, guards)', ms(median(times.plan)), '', ''],
    ['    the applies (200, 32 in flight per kind)', ms(median(times.apply)), `${(median(times.apply) / mk).toFixed(2)}x`, 'the work kubectl does'],
  ];
  log('');
  log(`Medians of ${times.kubectl.length} cold runs each (wall clock):`);
  printTable([['measure', 'median', 'vs kubectl', ''], ...rows]);
  log(`runs (ms): kubectl ${times.kubectl.map((x) => x.toFixed(0)).join(', ')}; ours ${times.cli.map((x) => x.toFixed(0)).join(', ')}`);
  log(`target: a cold sync of ${COUNT} resources at most ${TARGET_RATIO}x kubectl's time: ${mc / mk <= TARGET_RATIO ? 'MET' : 'NOT MET'} (${(mc / mk).toFixed(2)}x)`);
}

/**
 * The same over a network hop (information, not the target). A real Supervisor is a network hop
 * away; a TCP proxy that holds every chunk RTT/2 in each direction puts both tools behind the
 * same delay (TLS passes through untouched).
 */
async function overHop(b: Bench): Promise<void> {
  const { session, repo } = b;
  const rtt = Number(process.env.BENCH_SYNC_RTT_MS ?? 4);
  if (!(rtt > 0 && performance.now() - b.started < BUDGET_MS)) return;
  const proxy = await delayProxy(new URL(b.kc.resolve(CONTEXT).cluster.server), rtt / 2);
  try {
    const hopConfig = path.join(b.tmp, 'kubeconfig-hop');
    fs.writeFileSync(hopConfig, fs.readFileSync(b.kubeconfig, 'utf8').replace(/https:\/\/127\.0\.0\.1:\d+/g, `https://127.0.0.1:${proxy.port}`));
    const hopEnv = { ...process.env, KUBECONFIG: hopConfig };
    const hop: { kubectl: number[]; cli: number[] } = { kubectl: [], cli: [] };
    const hopRuns = Math.min(RUNS, 3);
    for (let i = 0; i <= hopRuns; i++) {
      await clear(session);
      const k = await timeProcess(KUBECTL, ['--context', CONTEXT, '--cache-dir', b.kubectlCache, 'apply', '--server-side', '--force-conflicts', '--field-manager=tanzu-gitops', '-f', repo], hopEnv);
      if (k.code !== 0) throw new Error(`kubectl apply over the hop failed (${k.code}): ${k.stderr.slice(0, 500)}`);
      await clear(session);
      const c = await timeProcess(process.execPath, [b.cliJs, 'sync', '--context', CONTEXT, '--yes', '--target', TARGET, '--format', 'json', repo], { ...b.cliEnv, KUBECONFIG: hopConfig });
      if (c.code !== 0) throw new Error(`our sync over the hop failed (${c.code}): ${c.stderr.slice(0, 800)}`);
      if (JSON.parse(c.stdout).report?.counts?.applied !== COUNT) throw new Error('our sync over the hop did not apply every object');
      if (i > 0) {
        hop.kubectl.push(k.ms);
        hop.cli.push(c.ms);
      }
    }
    const hk = median(hop.kubectl);
    const hc = median(hop.cli);
    log('');
    log(`Over a network hop of ${rtt} ms round trip (a delaying TCP proxy; medians of ${hop.kubectl.length} cold runs; information, not the target):`);
    printTable([['measure', 'median', 'vs kubectl', ''],
      ['kubectl apply --server-side (process)', ms(hk), '1.00x', ''],
      ['tanzu-gitops sync --yes (process)', ms(hc), `${(hc / hk).toFixed(2)}x`, ''],
    ]);
  } finally {
    proxy.close();
  }
}

async function bundle(tmp: string): Promise<SyncLib> {
  const esbuild = require('esbuild');
  const lib = path.join(tmp, 'sync.cjs');
  await esbuild.build({
    stdin: {
      contents: [
        "export { loadKubeconfig, ConnectionSession } from './src/cluster';",
        "export { openRepository } from './src/git/repository';",
        "export { workspaceTarget } from './src/drift/targets';",
        "export { prepareSync, executePlan } from './src/sync';",
        "export { stringify } from 'yaml';",
      ].join('\n'),
      resolveDir: ROOT, sourcefile: 'bench-sync-entry.ts', loader: 'ts',
    },
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: lib, logLevel: 'warning',
  });
  await bundleCli(tmp);
  return require(lib);
}

/** tg-sync-bench as a vSphere Namespace: a VM class, a storage quota (with its status) assigning gold. */
async function setupNamespace(session: Session): Promise<void> {
  const apply = (o: JsonObject) => session.client.apply(o, { fieldManager: 'tanzu-gitops-bench', force: true });
  await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'tanzu-gitops.dev/vsphere-namespace': 'true' } } });
  const hard = { 'gold.storageclass.storage.k8s.io/requests.storage': '1Ti' };
  const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: `${NS}-storagequota`, namespace: NS } };
  await apply({ ...quota, spec: { hard } });
  await session.client.connection.request({
    method: 'PATCH', path: `/api/v1/namespaces/${NS}/resourcequotas/${NS}-storagequota/status`, query: { fieldManager: 'tanzu-gitops-bench', force: 'true' },
    body: JSON.stringify({ ...quota, status: { hard, used: { 'gold.storageclass.storage.k8s.io/requests.storage': '0' } } }), contentType: 'application/apply-patch+yaml',
  });
  await apply({
    apiVersion: 'vmoperator.vmware.com/v1alpha6', kind: 'VirtualMachineClass', metadata: { name: 'best-effort-small', namespace: NS },
    spec: { hardware: { cpus: 2, memory: '4Gi' }, policies: { resources: { requests: {}, limits: {} } } },
  });
}

/** 190 ConfigMaps and 10 TKCs (every 20th object), 10 per file; deterministic. */
function generate(): { objects: JsonObject[]; files: { path: string; objects: JsonObject[] }[] } {
  const objects: JsonObject[] = [];
  for (let i = 0; i < COUNT; i++) {
    const id = String(i).padStart(3, '0');
    if (i % (COUNT / TKCS) === 19) {
      objects.push({
        apiVersion: 'run.tanzu.vmware.com/v1alpha2', kind: 'TanzuKubernetesCluster',
        metadata: { name: `bench-tkc-${id}`, namespace: NS, labels: { [LABEL]: 'sync' } },
        spec: {
          topology: {
            controlPlane: { replicas: 3, vmClass: 'best-effort-small', storageClass: 'gold', tkr: { reference: { name: 'v1.25.7---vmware.3-fips.1-tkg.1' } } },
            nodePools: [{ name: 'workers', replicas: 1 + (i % 5), vmClass: 'best-effort-small', storageClass: 'gold' }],
          },
          settings: { network: { cni: { name: 'antrea' }, pods: { cidrBlocks: ['192.168.0.0/16'] }, services: { cidrBlocks: ['10.96.0.0/12'] }, serviceDomain: 'cluster.local' } },
        },
      });
    } else {
      const data: Record<string, string> = {};
      for (let k = 0; k < 5; k++) data[`key-${k}`] = `value ${id}-${k}`;
      objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bench-cm-${id}`, namespace: NS, labels: { [LABEL]: 'sync' } }, data });
    }
  }
  const files: { path: string; objects: JsonObject[] }[] = [];
  for (let f = 0; f < COUNT / 10; f++) files.push({ path: `manifests-${String(f).padStart(2, '0')}.yaml`, objects: objects.slice(f * 10, f * 10 + 10) });
  return { objects, files };
}

function writeRepo(dir: string, files: { path: string; objects: JsonObject[] }[]): void {
  const toYaml = (o: JsonObject) => stringify(o, { lineWidth: 0 });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of files) fs.writeFileSync(path.join(dir, f.path), f.objects.map(toYaml).join('---\n'));
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'bench manifests');
}

const KINDS = [
  { path: `/api/v1/namespaces/${NS}/configmaps`, group: '', kind: 'ConfigMap' },
  { path: `/apis/run.tanzu.vmware.com/v1alpha2/namespaces/${NS}/tanzukubernetesclusters`, group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster' },
];

/** Deletes every benchmark object (a collection delete per kind) and waits until none is left. */
async function clear(session: Session): Promise<void> {
  for (const k of KINDS) {
    await session.client.connection.request({ method: 'DELETE', path: k.path, query: { labelSelector: `${LABEL}=sync` } });
  }
  for (let i = 0; ; i++) {
    let left = 0;
    for (const k of KINDS) left += (await session.client.list(k, { namespace: NS, labelSelector: `${LABEL}=sync` })).items.length;
    if (left === 0) return;
    if (i > 100) throw new Error(`${left} benchmark objects are still there after deleting them`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every object is there, applied by the field manager tanzu-gitops. */
async function verify(session: Session, who: string): Promise<void> {
  let n = 0;
  for (const k of KINDS) {
    for (const o of (await session.client.list(k, { namespace: NS, labelSelector: `${LABEL}=sync` })).items) {
      const managers = (o.metadata.managedFields ?? []).map((m: JsonObject) => `${m.manager}/${m.operation}`);
      if (!managers.includes('tanzu-gitops/Apply')) throw new Error(`${who}: ${o.metadata.name} was not applied by tanzu-gitops (${managers.join(', ')})`);
      n++;
    }
  }
  if (n !== COUNT) throw new Error(`${who}: ${n} objects on the server, not ${COUNT}`);
}

/** A TCP proxy to `target` holding each chunk `oneWayMs` in each direction, in order. */
function delayProxy(target: URL, oneWayMs: number): Promise<{ port: number; close: () => void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    // no Nagle on the proxy's own sockets: it would add delayed-ACK stalls (40 ms) no network has
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    const pipe = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk) => setTimeout(() => { if (!to.destroyed) to.write(chunk); }, oneWayMs));
      from.on('end', () => setTimeout(() => to.end(), oneWayMs));
      from.on('error', () => to.destroy());
    };
    pipe(client, upstream);
    pipe(upstream, client);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: (server.address() as net.AddressInfo).port,
    close: () => { for (const s of sockets) s.destroy(); server.close(); },
  })));
}

function fmtCounts(c: Record<string, number>): string {
  return Object.entries(c).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ');
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) log(r.map((c, i) => (i === 1 || i === 2 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ').trimEnd());
}

main().catch((err) => {
  process.stderr.write(`sync benchmark failed: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
