// The drift benchmark (run by `npm run bench` after the validation benchmark, or alone:
// `node scripts/run.mjs bench-drift`): our drift engine beside `kubectl diff --server-side` on the
// same 500 manifests against the local Supervisor. It prints medians and ratios and says whether
// each target is met; it asserts nothing and its exit code does not depend on the numbers.
//
// Setup (seeded, the same every run): in namespace tg-drift-bench of the local Supervisor
// (started by this script when none runs on the state file, and then stopped at the end),
// 500 objects: 350 ConfigMaps (5 keys each) and 150 TanzuKubernetesClusters v1alpha2, in 50
// files of 10 documents, committed to a fresh Git repository. On the server they are as a sync
// by this tool left them (server-side apply, field manager tanzu-gitops, tracking label), then
// drifted: 20 ConfigMap values and 10 TKC pool sizes changed by another field manager, 10
// objects absent (Missing), 5 extra objects carrying the tracking label (Extra).
//
// What is measured:
//   1. Cold diff, interleaved, after one warm-up each:
//        kubectl  `kubectl diff --server-side --force-conflicts -f <repo>` (kubectl at
//                 /usr/bin/kubectl or $KUBECTL; it GETs and dry-run-applies each object in turn
//                 and runs diff(1); it does not look for Extra objects);
//        ours     `node cli.js diff --format json <repo>` in a fresh process (the command line,
//                 bundled as the product's dist/cli.js is: Node start, load, kubeconfig, Git read,
//                 discovery (from its on-disk cache when fresh, as kubectl's from its own), lists,
//                 dry-runs at concurrency 8, reconcile, JSON out; Extra
//                 included); and computeDrift in this process with a new session each time
//                 (no Node start, no module load), once as the product runs it and once with
//                 every object dry-run (skipNoOpDryRuns: false): the product spares the dry-run
//                 of objects whose apply is provably a no-op (src/drift/noop.ts); the second run
//                 shows what that saves and checks that both give the same statuses and diffs.
//   2. The watcher (DriftWatcher, what the editor runs): after its first computation, 21 edits
//      of one live ConfigMap by another field manager. Per edit: the recompute (stats.totalMs:
//      from the start of the recompute to its result: cache read, 1 dry-run, reconcile of 500),
//      the latency from the watch event reaching the cache to the new result (adds the
//      watcher's debounce, 100 ms by default, set to 0 here and reported separately), and from
//      the write to the result. Then 7 edits of one Git file (notifyFilesChanged).
//   Targets: cold diff <= 0.3x kubectl's time (the CLI process); recompute after one watch event
//   <= 100 ms median.
// Environment: BENCH_DRIFT_RUNS (timed cold runs of each, default 5), KUBECTL,
// TANZU_GITOPS_SUPERVISOR_STATE (which local Supervisor), BENCH_DRIFT_KEEP=1 (leave the objects
// and the temporary folder with the repository and the bundled command line, for profiling).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { forEachLimited } from '../src/core/concurrency';
import { bundleCli, canBenchAgainstSupervisor, median, ms, timeProcess, type Timed } from './lib/bench';
import { CACHE, REPO as ROOT, startLocalSupervisor, stopLocalSupervisor, type Json, type JsonObject } from './lib/tools';

const require = createRequire(path.join(ROOT, 'package.json'));
const RUNS = Number(process.env.BENCH_DRIFT_RUNS) || 5;
const KUBECTL = process.env.KUBECTL || '/usr/bin/kubectl';
const NS = 'tg-drift-bench';
const CONTEXT = 'local-supervisor-admin';
const TARGET_COLD_RATIO = 0.3;
const TARGET_RECOMPUTE_MS = 100;
const EDITS = 21;
const GIT_EDITS = 7;
const CONCURRENCY = 8;

const log = (s = '') => process.stdout.write(`${s}\n`);

/** The product's modules the bench drives, bundled at run time from src/ (see bundle()). */
type DriftLib = Json;
/** A live session of the product (ConnectionSession). */
type Session = Json;
type Manifest = JsonObject;
type Generated = ReturnType<typeof generate>;

/** What the cold runs share: the bundle, the kubeconfig, the repository and the command line. */
interface Cold {
  drift: DriftLib;
  kc: Json;
  kubeconfig: string;
  repo: string;
  cliJs: string;
}

async function main(): Promise<void> {
  const started = performance.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tanzu-gitops-bench-drift-'));
  let startedSupervisor = false;
  let session: Session | undefined;
  let objects: Manifest[] = [];
  try {
    if (!canBenchAgainstSupervisor('drift', KUBECTL, CACHE, log)) return;
    const sup = startLocalSupervisor();
    startedSupervisor = sup.started;
    const kubeconfig = sup.kubeconfig;
    log(`local Supervisor: ${sup.started ? 'started for this benchmark' : 'already running'} (${kubeconfig})`);

    const drift = await bundle(tmp);
    const cliJs = path.join(tmp, 'cli.js');
    const kc = drift.loadKubeconfig({ paths: [kubeconfig] });
    session = await drift.ConnectionSession.open({ kubeconfig: kc, context: CONTEXT, allowExec: false, requestTimeoutMs: 30_000 });

    // ---- setup ------------------------------------------------------------------------------
    const t0 = performance.now();
    const gen = generate();
    objects = gen.all;
    const repo = path.join(tmp, 'repo');
    writeRepo(repo, gen.git);
    // What the command line and the editor use for this repository: the objects are seeded as its sync left them.
    owner = await drift.workspaceOwner(await drift.openRepository(repo));
    await seed(drift, session, gen);
    log(`setup: ${gen.git.length} manifests in ${gen.files} files (Git), ${gen.git.length - gen.missing.length + gen.extra.length} live objects, ${gen.edited.length} drifted, ${gen.missing.length} missing, ${gen.extra.length} extra: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const cold = await coldDiff({ drift, kc, kubeconfig, repo, cliJs });
    log(`watcher: first computation, then ${EDITS} live edits and ${GIT_EDITS} Git edits`);
    const watch = await watcherRuns(drift, session, repo, gen);
    report(cold, watch);
    log(`drift bench took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    if (session && objects.length && process.env.BENCH_DRIFT_KEEP !== '1') {
      await forEachLimited(objects, 16, (o) => session.client.delete(ref(o)).catch(() => undefined));
    }
    session?.dispose();
    if (process.env.BENCH_DRIFT_KEEP === '1') log(`kept: the objects in namespace ${NS}, and ${tmp} (repo/, cli.js)`);
    else fs.rmSync(tmp, { recursive: true, force: true });
    if (startedSupervisor) {
      stopLocalSupervisor();
      log('local Supervisor stopped (this benchmark started it)');
    }
  }
}

/** 1. Cold diff, interleaved: kubectl, our command line, computeDrift in process (with and without the no-op shortcut). */
async function coldDiff({ drift, kc, kubeconfig, repo, cliJs }: Cold) {
  const env = { ...process.env, KUBECONFIG: kubeconfig };
  const runKubectl = () => timeProcess(KUBECTL, ['--context', CONTEXT, 'diff', '--server-side', '--force-conflicts', '-f', repo], env);
  const runCli = () => timeProcess(process.execPath, [cliJs, 'diff', '--context', CONTEXT, '--namespace', NS, '--format', 'json', repo], env);
  const runInProcess = async (options = {}) => {
    const s = await drift.ConnectionSession.open({ kubeconfig: kc, context: CONTEXT, allowExec: false, requestTimeoutMs: 30_000 });
    try {
      const r = await drift.openRepository(repo);
      const t = performance.now();
      const d = await drift.computeDrift(s, r, drift.workspaceTarget('', NS, undefined, owner), { concurrency: CONCURRENCY, ...options });
      return { ms: performance.now() - t, result: d };
    } finally {
      s.dispose();
    }
  };

  log(`cold diff: 1 warm-up + ${RUNS} timed runs each, interleaved`);
  const kubectlTimes: number[] = [];
  const cliTimes: number[] = [];
  const inProcTimes: number[] = [];
  const allDryRunTimes: number[] = [];
  let kubectlOut: Timed | undefined;
  let cliOut: Timed | undefined;
  let inProc: Json;
  let allDryRun: Json;
  for (let i = 0; i <= RUNS; i++) {
    const k = await runKubectl();
    const c = await runCli();
    const p = await runInProcess();
    // the same without sparing no-op dry-runs: every object dry-run (what the shortcut saves, and a check that it agrees)
    const a = await runInProcess({ skipNoOpDryRuns: false });
    kubectlOut = k;
    cliOut = c;
    inProc = p.result;
    allDryRun = a.result;
    if (i === 0) continue;
    kubectlTimes.push(k.ms);
    cliTimes.push(c.ms);
    inProcTimes.push(p.ms);
    allDryRunTimes.push(a.ms);
  }
  if (!kubectlOut || !cliOut) throw new Error('no cold run');
  const view = (d: Json) => JSON.stringify(d.resources.map((r: Json) => [r.key, r.status, r.diff?.unified ?? '']));
  const agree = view(inProc) === view(allDryRun);
  const kubectlDiffs = (kubectlOut.stdout.match(/^diff -u -N /gm) ?? []).length;
  let cliRecords: { status: string }[] = [];
  try {
    cliRecords = JSON.parse(cliOut.stdout);
  } catch {
    log(`our CLI did not print JSON (exit ${cliOut.code}): ${cliOut.stderr.slice(0, 500)}`);
  }
  return {
    kubectl: median(kubectlTimes), cli: median(cliTimes), inProc: median(inProcTimes), all: median(allDryRunTimes),
    kubectlTimes, cliTimes, inProcTimes, kubectlOut, cliOut, inProcResult: inProc, allDryRunResult: allDryRun, agree, kubectlDiffs,
    cliCounts: countBy(cliRecords.map((r) => r.status)),
  };
}

/** The table and the summary with the targets. */
function report(cold: Awaited<ReturnType<typeof coldDiff>>, watch: Awaited<ReturnType<typeof watcherRuns>>): void {
  const { kubectlTimes, cliTimes, inProcTimes, kubectlOut, cliOut, agree, kubectlDiffs, cliCounts } = cold;
  const rows = [
    ['cold diff, 500 objects', `kubectl diff --server-side (exit ${kubectlOut.code})`, ms(cold.kubectl), `min ${ms(min(kubectlTimes))}, max ${ms(max(kubectlTimes))}; ${kubectlDiffs} objects with a diff`],
    ['', `ours: tanzu-gitops diff, fresh process (exit ${cliOut.code})`, ms(cold.cli), `min ${ms(min(cliTimes))}, max ${ms(max(cliTimes))}; ${fmtCounts(cliCounts)}`],
    ['', 'ratio ours/kubectl', `${(cold.cli / cold.kubectl).toFixed(2)}x`, `target <= ${TARGET_COLD_RATIO}x`],
    ['', 'ours: computeDrift in process, new session', ms(cold.inProc), `min ${ms(min(inProcTimes))}; ${fmtStats(cold.inProcResult.stats)}; ratio ${(cold.inProc / cold.kubectl).toFixed(2)}x`],
    ['', 'ours, in process, every object dry-run', ms(cold.all), `${fmtStats(cold.allDryRunResult.stats)}; ratio ${(cold.all / cold.kubectl).toFixed(2)}x; statuses and diffs ${agree ? 'identical to' : 'DIFFERENT from'} the run that spares no-op dry-runs`],
    ['watcher, first computation', 'DriftWatcher.refresh()', ms(watch.first.totalMs), fmtStats(watch.first)],
    ['recompute after 1 watch event', 'stats.totalMs (the recompute)', ms(median(watch.recompute)), `p90 ${ms(p90(watch.recompute))}, max ${ms(max(watch.recompute))}; dry-runs per recompute: ${[...new Set(watch.dryRuns)].join(', ')}; ${watch.parts}`],
    ['', 'watch event -> result (debounce 0)', ms(median(watch.eventToResult)), `p90 ${ms(p90(watch.eventToResult))}; the product adds its debounce (100 ms by default) to this`],
    ['', 'write request -> result', ms(median(watch.writeToResult)), `p90 ${ms(p90(watch.writeToResult))}; includes the API write and the watch delivery`],
    ['recompute after a Git edit', 'notifyFilesChanged -> result', ms(median(watch.gitLatency)), `recompute ${ms(median(watch.gitRecompute))} median (Git read ${ms(median(watch.gitRead))}); ${GIT_EDITS} edits of one file`],
  ];
  printTable(rows);
  const met = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  const ratio = cold.cli / cold.kubectl;
  const recompute = median(watch.recompute);
  log('');
  log('==== drift summary ====');
  log(`cold diff, 500 objects:       ours ${ms(cold.cli)} (CLI process; ${ms(cold.inProc)} in process) vs kubectl diff --server-side ${ms(cold.kubectl)}: ratio ${ratio.toFixed(2)}x; target <= ${TARGET_COLD_RATIO}x: ${met(ratio <= TARGET_COLD_RATIO)}`);
  log(`                              every object dry-run (no no-op shortcut), in process: ${ms(cold.all)} = ${(cold.all / cold.kubectl).toFixed(2)}x kubectl; results ${agree ? 'identical' : 'DIFFERENT'}`);
  log(`recompute after one event:    ${ms(recompute)} median (event -> result ${ms(median(watch.eventToResult))} with debounce 0); target <= ${TARGET_RECOMPUTE_MS} ms: ${met(recompute <= TARGET_RECOMPUTE_MS)}`);
  log(`load average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

// ---- setup ----------------------------------------------------------------------------------------

async function bundle(tmp: string): Promise<DriftLib> {
  const esbuild = require('esbuild');
  const lib = path.join(tmp, 'drift.cjs');
  await esbuild.build({
    stdin: {
      contents: [
        "export { loadKubeconfig, ConnectionSession } from './src/cluster';",
        "export { openRepository } from './src/git/repository';",
        "export { computeDrift } from './src/drift/engine';",
        "export { DriftWatcher } from './src/drift/watcher';",
        "export { workspaceOwner, workspaceTarget } from './src/drift/targets';",
        "export { objectToApply } from './src/core/reconcile/ownership';",
        "export { identityOf } from './src/core/reconcile/identity';",
        "export { stringify } from 'yaml';",
      ].join('\n'),
      resolveDir: ROOT, sourcefile: 'bench-drift-entry.ts', loader: 'ts',
    },
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: lib, logLevel: 'warning',
  });
  await bundleCli(tmp);
  return require(lib);
}

/** 350 ConfigMaps and 150 TKCs, deterministic; which drift, which are missing, which are extra. */
function generate() {
  const git: Manifest[] = [];
  for (let i = 0; i < 500; i++) {
    if (i % 10 < 7) {
      const n = `tg-bench-cm-${String(i).padStart(3, '0')}`;
      git.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace: NS, labels: { app: 'bench', shard: String(i % 7) } }, data: { a: `value-${i}`, b: 'same', c: String(i * 7), d: 'x'.repeat(40), e: `line one\nline two ${i}\n` } });
    } else {
      const n = `tg-bench-tkc-${String(i).padStart(3, '0')}`;
      git.push({
        apiVersion: 'run.tanzu.vmware.com/v1alpha2', kind: 'TanzuKubernetesCluster', metadata: { name: n, namespace: NS },
        spec: {
          topology: {
            controlPlane: { replicas: 3, vmClass: 'best-effort-small', storageClass: 'gold', tkr: { reference: { name: 'v1.25.7---vmware.3-fips.1-tkg.1' } } },
            nodePools: [{ name: 'workers', replicas: 2 + (i % 3), vmClass: 'best-effort-medium', storageClass: 'gold', labels: { pool: 'workers' } }],
          },
          settings: { network: { cni: { name: 'antrea' }, pods: { cidrBlocks: ['192.168.0.0/16'] }, services: { cidrBlocks: ['10.96.0.0/12'] }, serviceDomain: 'cluster.local' } },
        },
      });
    }
  }
  const missing = git.filter((_, i) => i % 50 === 11);
  const cms = git.filter((o) => o.kind === 'ConfigMap' && !missing.includes(o));
  const tkcs = git.filter((o) => o.kind === 'TanzuKubernetesCluster' && !missing.includes(o));
  const edited = [
    ...cms.filter((_, i) => i % 17 === 3).slice(0, 20).map((o) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: o.metadata.name, namespace: NS }, data: { a: 'changed by hand' } })),
    ...tkcs.filter((_, i) => i % 14 === 5).slice(0, 10).map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: NS }, spec: { topology: { nodePools: [{ ...o.spec.topology.nodePools[0], replicas: 9 }] } } })),
  ];
  const extra = Array.from({ length: 5 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `tg-bench-extra-${i}`, namespace: NS }, data: { a: 'left behind' } }));
  const files = 50;
  return { git, missing, edited, extra, files, all: [...git, ...extra] };
}

function writeRepo(dir: string, git: Manifest[]): void {
  fs.mkdirSync(dir, { recursive: true });
  const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const run = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: gitEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  run('init', '-q', '-b', 'main');
  for (let f = 0; f < 50; f++) {
    const docs = git.slice(f * 10, f * 10 + 10).map((o) => stringifyYaml(o));
    fs.writeFileSync(path.join(dir, `part-${String(f).padStart(2, '0')}.yaml`), docs.join('---\n'));
  }
  run('add', '-A');
  run('-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'bench manifests');
}

function stringifyYaml(o: unknown): string {
  return stringify(o, { lineWidth: 0 });
}

/** The workspace target's owner for the bench repository (one per repository). */
let owner = 'workspace';

async function seed(drift: DriftLib, session: Session, gen: Generated): Promise<void> {
  // as a sync of the repository's top folder leaves them: its owner and its path
  const ownership = drift.workspaceTarget('', NS, undefined, owner).ownership;
  await session.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, { fieldManager: 'tanzu-gitops-bench', force: true });
  const asSynced = (o: Manifest) => {
    const id = drift.identityOf(o, { defaultNamespace: NS });
    return drift.objectToApply(o, id, ownership);
  };
  await forEachLimited(gen.git.filter((o) => !gen.missing.includes(o)), 16, (o) => session.client.apply(asSynced(o), { fieldManager: 'tanzu-gitops', force: true }));
  await forEachLimited(gen.extra, 8, (o) => session.client.apply(asSynced(o), { fieldManager: 'tanzu-gitops', force: true }));
  await forEachLimited(gen.missing, 8, (o) => session.client.delete(ref(o)).catch(() => undefined));
  await forEachLimited(gen.edited, 8, (o) => session.client.apply(o, { fieldManager: 'bench-edit', force: true }));
}

function ref(o: Manifest) {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return { group, version, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name };
}

// ---- the watcher ------------------------------------------------------------------------------

async function watcherRuns(drift: DriftLib, session: Session, repo: string, gen: Generated) {
  const r = await drift.openRepository(repo);
  const target = drift.workspaceTarget('', NS, undefined, owner);
  const watcher = new drift.DriftWatcher(session, r, [target], { debounceMs: 0, watchGit: false, concurrency: CONCURRENCY });
  const results: Reported[] = [];
  watcher.onDidChange((d: Json) => results.push({ d, at: performance.now() }));
  try {
    await watcher.refresh();
    const first = results.at(-1)?.d.stats;
    // the time the cache hears of each change
    const heard = new Map<string, number>();
    for (const c of session.caches) {
      c.onDidChange((e: Json) => {
        if (e.object?.metadata?.name) heard.set(`${e.object.metadata.name}@${e.object.metadata.resourceVersion}`, performance.now());
      });
    }
    const cm = gen.git.find((o) => o.kind === 'ConfigMap' && !gen.missing.includes(o) && !gen.edited.some((e) => e.metadata.name === o.metadata.name));
    if (!cm) throw new Error('no ConfigMap to edit');
    const name = cm.metadata.name;
    const recompute: number[] = [];
    const eventToResult: number[] = [];
    const writeToResult: number[] = [];
    const dryRuns: number[] = [];
    const parts: { list: number[]; dry: number[]; rec: number[] } = { list: [], dry: [], rec: [] };
    for (let i = 0; i < EDITS; i++) {
      const want = i % 2 === 0 ? 'OutOfSync' : 'Synced';
      const count = results.length;
      const t0 = performance.now();
      // odd edits put Git's value back (as the same other manager): Synced again
      const written = await session.client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data: { a: want === 'Synced' ? cm.data.a : `edit ${i}` } }, { fieldManager: 'bench-watch', force: true });
      const res = await waitFor(results, count, (d) => d.resources.find((x: Json) => x.name === name)?.status === want, 10_000);
      const rv = written.metadata?.resourceVersion;
      const heardAt = heard.get(`${name}@${rv}`);
      recompute.push(res.d.stats.totalMs);
      dryRuns.push(res.d.stats.dryRuns);
      parts.list.push(res.d.stats.listMs);
      parts.dry.push(res.d.stats.dryRunMs);
      parts.rec.push(res.d.stats.reconcileMs);
      if (heardAt !== undefined) eventToResult.push(res.at - heardAt);
      writeToResult.push(res.at - t0);
      await watcher.whenIdle();
    }
    // Git: one file edited and saved
    const file = path.join(repo, 'part-00.yaml');
    const original = fs.readFileSync(file, 'utf8');
    const gitLatency: number[] = [];
    const gitRecompute: number[] = [];
    const gitRead: number[] = [];
    for (let i = 0; i < GIT_EDITS; i++) {
      const count = results.length;
      fs.writeFileSync(file, i % 2 === 0 ? original.replace('b: same', `b: git edit ${i}`) : original);
      const t0 = performance.now();
      watcher.notifyFilesChanged([file]);
      const res = await waitFor(results, count, () => true, 10_000);
      gitLatency.push(res.at - t0);
      gitRecompute.push(res.d.stats.totalMs);
      gitRead.push(res.d.stats.gitMs);
      await watcher.whenIdle();
    }
    fs.writeFileSync(file, original);
    return {
      first, recompute, eventToResult, writeToResult, dryRuns, gitLatency, gitRecompute, gitRead,
      parts: `of which cache reads ${ms(median(parts.list))}, dry-run ${ms(median(parts.dry))}, reconcile ${ms(median(parts.rec))}`,
    };
  } finally {
    watcher.dispose();
  }
}

/** A result of the watcher and when it came. */
interface Reported { d: Json; at: number }

function waitFor(results: Reported[], from: number, check: (d: Json) => boolean, timeoutMs: number): Promise<Reported> {
  const end = performance.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      for (let i = from; i < results.length; i++) if (check(results[i].d)) return resolve(results[i]);
      if (performance.now() > end) return reject(new Error('the watcher did not report the change in time'));
      setTimeout(poll, 2);
    };
    poll();
  });
}

// ---- helpers ------------------------------------------------------------------------------------

function countBy(xs: string[]): Record<string, number> {
  const m: Record<string, number> = {};
  for (const x of xs) m[x] = (m[x] ?? 0) + 1;
  return m;
}

function fmtCounts(c: Record<string, number>): string {
  return Object.entries(c).map(([k, v]) => `${v} ${k}`).join(', ') || 'no records';
}

function fmtStats(s: Json): string {
  if (!s) return '';
  return `Git ${ms(s.gitMs)}, parse ${ms(s.parseMs)}, discovery+lists ${ms(s.listMs)} (${s.lists}), dry-runs ${ms(s.dryRunMs)} (${s.dryRuns} sent, ${s.dryRunsReused} reused, ${s.dryRunsSkipped} spared as no-ops), reconcile ${ms(s.reconcileMs)}`;
}

function p90(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.9) - 1)];
}

const min = (xs: number[]) => Math.min(...xs);
const max = (xs: number[]) => Math.max(...xs);

function printTable(rows: string[][]): void {
  const header = ['measure', 'subject', 'median', 'notes'];
  const widths = [0, 1, 2].map((c) => Math.max(header[c].length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padStart(widths[2])}  ${r[3]}`;
  log('');
  log('Times are medians of wall-clock time.');
  log(line(header));
  log(line(widths.map((w) => '-'.repeat(w)).concat('-----')));
  for (const r of rows) log(line(r));
}

await main();
