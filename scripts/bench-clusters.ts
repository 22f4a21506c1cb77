// The many-clusters benchmark (run by `npm run bench` after the sync benchmark, or alone:
// `node scripts/run.mjs bench-clusters`): a cold drift of three Argo CD Applications, each
// deploying 200 objects into its own workload cluster, beside three `kubectl diff --server-side`
// runs (one per cluster), against the local Supervisor and three workload control planes it
// starts (`supervisor workload NS/NAME`). It prints the times side by side, the ratio, and the
// memory each connected cluster costs; it asserts nothing and its exit code does not depend on
// the numbers.
//
// Setup: a Git repository with web/ (150 ConfigMaps and 50 Deployments in 20 files); three
// TanzuKubernetesClusters in team-a, team-b and team-c with their control planes; argocd-cm with
// annotation tracking (made, or its key set, only when it is not so already, and put back as it
// was at the end: other runs share the Supervisor); one Application per cluster (destination:
// the cluster's server; reached through the cluster's kubeconfig Secret, as no Argo CD cluster Secret names it). In each
// cluster the objects are applied as Argo CD leaves them (server-side, field manager
// argocd-controller, the tracking annotation); then 10 ConfigMaps are changed by a person (field
// manager kubectl-edit) and 5 objects deleted.
//
// What is measured, interleaved after one warm-up each:
//   kubectl  `kubectl diff --server-side --force-conflicts -f web/` against each cluster, one after
//            another (the sum, and each);
//   ours     in this process, cold, as the drift view starts: a new Supervisor session and new
//            cluster sessions (no discovery cached), the three Applications found on the
//            Supervisor, and a DriftWatcher over them (each destination resolved and connected
//            while its Git is read, watches on the kinds Git names, the three drifts side by
//            side), until its first three results; and RSS before and after, with the three
//            sessions open.
// Target: ours <= 0.3x the three kubectl runs.
// Environment: BENCH_CLUSTERS_RUNS (timed runs, default 5), KUBECTL, TANZU_GITOPS_SUPERVISOR_STATE,
// BENCH_CLUSTERS_KEEP=1 (leave the clusters, objects and temporary folder).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { canBenchAgainstSupervisor, median, ms, timeProcess, type Timed } from './lib/bench';
import { CACHE, REPO as ROOT, startLocalSupervisor, startLocalWorkload, stopLocalSupervisor, toolCommand, type JsonObject } from './lib/tools';

const require = createRequire(import.meta.url);
const RUNS = Number(process.env.BENCH_CLUSTERS_RUNS) || 5;
const KUBECTL = process.env.KUBECTL || '/usr/bin/kubectl';
const CONTEXT = 'local-supervisor-admin';
const NS = 'bench';
const TARGET_RATIO = 0.3;
const CLUSTERS = [{ namespace: 'team-a', name: 'bench-wl-a' }, { namespace: 'team-b', name: 'bench-wl-b' }, { namespace: 'team-c', name: 'bench-wl-c' }];
const appName = (c: { name: string }) => `bench-${c.name}`;

const log = (s = '') => process.stdout.write(`${s}\n`);

type Lib = typeof import('../src/cluster') & typeof import('../src/drift/watcher') & typeof import('../src/drift/targets') & typeof import('../src/git/repository');

async function main(): Promise<void> {
  const started = performance.now();
  if (!canBenchAgainstSupervisor('clusters', KUBECTL, CACHE, log)) return;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tanzu-gitops-bench-clusters-'));
  const sup = startLocalSupervisor();
  const env = { ...process.env, KUBECONFIG: sup.kubeconfig };
  const kubectl = (args: string[], input?: string, kubeconfig = sup.kubeconfig) => execFileSync(KUBECTL, ['--kubeconfig', kubeconfig, ...(kubeconfig === sup.kubeconfig ? ['--context', CONTEXT] : []), ...args], { input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 }).toString();
  const repo = path.join(tmp, 'repo');
  const workloads: string[] = [];
  let cm: ArgocdCm | undefined;
  try {
    log(`local Supervisor: ${sup.started ? 'started for this benchmark' : 'already running'} (${sup.kubeconfig})`);
    const lib = await bundle(tmp);
    writeRepo(repo);
    const t0 = performance.now();
    kubectl(['apply', '--server-side', '--field-manager=someone-else', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: CLUSTERS.map(tkc) }));
    for (const c of CLUSTERS) workloads.push(startLocalWorkload(env, `${c.namespace}/${c.name}`));
    const servers = workloads.map((k) => /server: "?([^"\s]+)"?/.exec(fs.readFileSync(k, 'utf8'))?.[1] ?? '');
    cm = annotationTracking(kubectl);
    kubectl(['apply', '--server-side', '--field-manager=argocd-test', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: CLUSTERS.map((c, i) => application(c, servers[i], repo)) }));
    CLUSTERS.forEach((c, i) => seed(c, workloads[i], kubectl, repo));
    log(`setup: 3 workload clusters, 200 objects in each applied as Argo CD leaves them; 10 changed by hand and 5 deleted in each: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const runKubectl = async () => {
      const each: Timed[] = [];
      for (const k of workloads) each.push(await timeProcess(KUBECTL, ['--kubeconfig', k, 'diff', '--server-side', '--force-conflicts', '-f', path.join(repo, 'web')], env));
      return each;
    };
    const k: number[][] = [];
    const o: number[] = [];
    let lastK: Timed[] = [];
    let lastO: Awaited<ReturnType<typeof ours>> | undefined;
    log(`cold drift of 3 clusters x 200 objects: 1 warm-up + ${RUNS} timed runs each, interleaved`);
    for (let i = 0; i <= RUNS; i++) {
      lastK = await runKubectl();
      lastO = await ours(lib, sup.kubeconfig, repo);
      if (i === 0) continue;
      k.push(lastK.map((t) => t.ms));
      o.push(lastO.ms);
    }
    report(k, o, lastK, lastO as Awaited<ReturnType<typeof ours>>);
    log(`clusters bench took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    if (process.env.BENCH_CLUSTERS_KEEP === '1') log(`kept: the workload clusters, their objects, and ${tmp}`);
    else {
      const [cmd, args] = toolCommand('supervisor', 'workload-stop');
      for (const c of CLUSTERS) spawnQuiet(cmd, [...args, `${c.namespace}/${c.name}`], env);
      try {
        kubectl(['delete', '--ignore-not-found', '--wait=false', '-n', 'argocd', ...CLUSTERS.map((c) => `applications.argoproj.io/${appName(c)}`)]);
        for (const c of CLUSTERS) kubectl(['delete', '--ignore-not-found', '--wait=false', '-n', c.namespace, `tanzukubernetesclusters.run.tanzu.vmware.com/${c.name}`, `secret/${c.name}-kubeconfig`]);
      } catch {
        // left for the next run, which applies over them
      }
      try {
        if (cm) putBack(cm, kubectl);
      } catch (err) {
        log(`argocd-cm could not be put back as it was: ${(err as Error).message}`);
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    if (sup.started) {
      stopLocalSupervisor();
      log('local Supervisor stopped (this benchmark started it)');
    }
  }
}

const TRACKING_KEY = 'application.resourceTrackingMethod';
type Kubectl = (args: string[], input?: string) => string;
/** What the benchmark did to argocd-cm: made it (its uid), or set the tracking key (what it held). */
type ArgocdCm = { made: string } | { key: string | undefined } | { untouched: true };

function readArgocdCm(kubectl: Kubectl): JsonObject | undefined {
  try {
    return JSON.parse(kubectl(['get', '-n', 'argocd', 'configmap/argocd-cm', '-o', 'json'])) as JsonObject;
  } catch {
    return undefined;
  }
}

/**
 * Annotation tracking in argocd-cm, touching what is there as little as possible: argocd-cm made
 * when there is none, else its one key set when it says otherwise (tests on the same Supervisor
 * make and remove argocd-cm too).
 */
function annotationTracking(kubectl: Kubectl): ArgocdCm {
  const before = readArgocdCm(kubectl);
  if (!before) {
    const made = JSON.parse(kubectl(['create', '-o', 'json', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: 'argocd' }, data: { [TRACKING_KEY]: 'annotation' } }))) as JsonObject;
    return { made: String((made.metadata as JsonObject).uid) };
  }
  const key = (before.data as Record<string, string> | undefined)?.[TRACKING_KEY];
  if (key === 'annotation') return { untouched: true };
  kubectl(['patch', '-n', 'argocd', 'configmap/argocd-cm', '--type=merge', '-p', JSON.stringify({ data: { [TRACKING_KEY]: 'annotation' } })]);
  return { key };
}

/** argocd-cm as it was: removed when the benchmark made it (and it is still that one), else its key put back. */
function putBack(cm: ArgocdCm, kubectl: Kubectl): void {
  if ('made' in cm) {
    const now = readArgocdCm(kubectl);
    if ((now?.metadata as JsonObject | undefined)?.uid === cm.made) kubectl(['delete', '--ignore-not-found', '--wait=false', '-n', 'argocd', 'configmap/argocd-cm']);
  } else if ('key' in cm) {
    kubectl(['patch', '-n', 'argocd', 'configmap/argocd-cm', '--type=merge', '-p', JSON.stringify({ data: { [TRACKING_KEY]: cm.key ?? null } })]);
  }
}

function spawnQuiet(cmd: string, args: string[], env: NodeJS.ProcessEnv): void {
  try {
    execFileSync(cmd, args, { env, stdio: 'ignore' });
  } catch {
    // already stopped
  }
}

/** Cold, in this process: sessions, the Applications, their destinations and the three drifts. */
async function ours(lib: Lib, kubeconfig: string, repoDir: string) {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rss0 = process.memoryUsage().rss;
  const t = performance.now();
  const supervisor = await lib.ConnectionSession.open({ kubeconfig: lib.loadKubeconfig({ paths: [kubeconfig] }), context: CONTEXT, allowExec: false, requestTimeoutMs: 30_000 });
  const dests = new lib.DestinationSessions({ supervisor: { client: supervisor.client, namespace: supervisor.namespace }, session: { allowExec: false, requestTimeoutMs: 30_000 }, timeoutMs: 30_000 });
  let watcher: InstanceType<Lib['DriftWatcher']> | undefined;
  try {
    const repo = await lib.openRepository(repoDir);
    if (!repo) throw new Error(`no repository at ${repoDir}`);
    const { targets } = await lib.discoverTargets({ repo, session: supervisor, applicationNamespaces: ['argocd'] });
    const mine = targets.filter((x) => CLUSTERS.some((c) => x.application?.name === appName(c)));
    // wired as the drift view wires it (src/editor/drift.ts): each destination through the destination sessions
    watcher = new lib.DriftWatcher(supervisor, repo, mine, {
      clusters: async (dest) => {
        const open = await dests.open(dest);
        if (open === 'supervisor') throw new Error(`${dest.label} is the Supervisor`);
        return open.session;
      },
    });
    await watcher.refresh();
    const drifts = [...watcher.results];
    const elapsed = performance.now() - t;
    gc?.();
    return { ms: elapsed, drifts, rssGrowth: process.memoryUsage().rss - rss0, clusters: dests.keys.length };
  } finally {
    watcher?.dispose();
    dests.dispose();
    supervisor.dispose();
  }
}

function report(k: number[][], o: number[], lastK: Timed[], lastO: Awaited<ReturnType<typeof ours>>): void {
  const sums = k.map((xs) => xs.reduce((a, b) => a + b, 0));
  const ratio = median(o) / median(sums);
  CLUSTERS.forEach((c, i) => {
    const d = lastO.drifts.find((x) => x.target.application?.name === appName(c));
    const counts = d ? Object.entries(d.counts).filter(([, n]) => n).map(([s, n]) => `${n} ${s}`).join(', ') : 'none';
    const diffs = (lastK[i]?.stdout.match(/^diff -u -N /gm) ?? []).length;
    log(`  ${c.namespace}/${c.name}: kubectl diff --server-side (exit ${lastK[i]?.code}) median ${ms(median(k.map((xs) => xs[i])))}, ${diffs} objects with a diff; ours ${d?.error ? `error: ${d.error}` : counts}`);
  });
  log(`  kubectl, 3 runs one after another: median ${ms(median(sums))} (min ${ms(Math.min(...sums))}, max ${ms(Math.max(...sums))})`);
  log(`  ours, the 3 clusters side by side in one process: median ${ms(median(o))} (min ${ms(Math.min(...o))}, max ${ms(Math.max(...o))})`);
  log(`cold drift of 3 clusters x 200 objects: ours ${ms(median(o))} vs 3 x kubectl diff --server-side ${ms(median(sums))}: ratio ${ratio.toFixed(2)}x; target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}`);
  log(`memory per connected cluster: ${(lastO.rssGrowth / lastO.clusters / 1024 / 1024).toFixed(1)} MiB RSS (growth of this process with ${lastO.clusters} cluster sessions open after the drifts${(globalThis as { gc?: unknown }).gc ? '' : '; without --expose-gc'})`);
}

function tkc(c: { namespace: string; name: string }): JsonObject {
  return {
    apiVersion: 'run.tanzu.vmware.com/v1alpha3', kind: 'TanzuKubernetesCluster', metadata: { name: c.name, namespace: c.namespace },
    spec: { topology: {
      controlPlane: { replicas: 1, vmClass: 'best-effort-small', storageClass: 'gold', tkr: { reference: { name: 'v1.26.5---vmware.2-fips.1-tkg.1' } } },
      nodePools: [{ name: 'workers', replicas: 1, vmClass: 'best-effort-small', storageClass: 'gold' }],
    } },
  };
}

function application(c: { name: string }, server: string, repo: string): JsonObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: appName(c), namespace: 'argocd' },
    spec: { project: 'default', destination: { server, namespace: NS }, source: { repoURL: `file://${repo}`, path: 'web', targetRevision: 'HEAD' } },
  };
}

function objects(): JsonObject[] {
  const out: JsonObject[] = [];
  for (let i = 0; i < 150; i++) out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${String(i).padStart(3, '0')}`, namespace: NS }, data: { a: `value-${i}`, b: 'same', c: String(i * 7) } });
  for (let i = 0; i < 50; i++) {
    const name = `web-${String(i).padStart(2, '0')}`;
    out.push({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: NS },
      spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    });
  }
  return out;
}

/** web/ with the 200 objects in 20 files; one commit on main. */
function writeRepo(dir: string): void {
  const web = path.join(dir, 'web');
  fs.mkdirSync(web, { recursive: true });
  const all = objects();
  for (let f = 0; f < 20; f++) fs.writeFileSync(path.join(web, `part-${String(f).padStart(2, '0')}.yaml`), all.slice(f * 10, f * 10 + 10).map((o) => stringify(o)).join('---\n'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd: dir, stdio: 'ignore', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'web');
  // the Application's repoURL is this folder: origin names it, so the Applications are found as this repository's
  git('remote', 'add', 'origin', `file://${dir}`);
}

/** The objects in the cluster as Argo CD leaves them; then a person's changes and deletes. */
function seed(c: { name: string }, kubeconfig: string, kubectl: (args: string[], input?: string, kubeconfig?: string) => string, _repo: string): void {
  kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }), kubeconfig);
  const tracked = objects().map((o) => {
    const meta = o.metadata as JsonObject;
    const group = o.kind === 'Deployment' ? 'apps' : '';
    return { ...o, metadata: { ...meta, annotations: { 'argocd.argoproj.io/tracking-id': `${appName(c)}:${group}/${o.kind as string}:${NS}/${meta.name as string}` } } };
  });
  kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=argocd-controller', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: tracked }), kubeconfig);
  const changed = tracked.slice(0, 10).map((o) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: (o.metadata as JsonObject).name, namespace: NS }, data: { b: 'changed by hand' } }));
  kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=kubectl-edit', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: changed }), kubeconfig);
  kubectl(['delete', '-n', NS, 'configmap/cm-100', 'configmap/cm-101', 'configmap/cm-102', 'deployment/web-10', 'deployment/web-11'], undefined, kubeconfig);
}

/** The library parts this benchmark drives, bundled from the sources as the product bundles them. */
async function bundle(tmp: string): Promise<Lib> {
  const esbuild = require('esbuild');
  const lib = path.join(tmp, 'clusters.cjs');
  await esbuild.build({
    stdin: {
      contents: [
        "export { loadKubeconfig, ConnectionSession, DestinationSessions } from './src/cluster';",
        "export { openRepository } from './src/git/repository';",
        "export { DriftWatcher } from './src/drift/watcher';",
        "export { discoverTargets } from './src/drift/targets';",
      ].join('\n'),
      resolveDir: ROOT, sourcefile: 'bench-clusters-entry.ts', loader: 'ts',
    },
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: lib, logLevel: 'warning',
  });
  return require(lib) as Lib;
}

await main();
