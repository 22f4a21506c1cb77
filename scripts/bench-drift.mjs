#!/usr/bin/env node
// The drift benchmark (run by `npm run bench` after the validation benchmark, or alone:
// `node scripts/bench-drift.mjs`): our drift engine beside `kubectl diff --server-side` on the
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

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
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

async function main() {
  const started = performance.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tanzu-gitops-bench-drift-'));
  let startedSupervisor = false;
  let session;
  let drift;
  let objects = [];
  try {
    log(`Tanzu GitOps drift benchmark: Node ${process.version}, ${os.cpus().length} CPU(s), kubectl ${kubectlVersion()}`);
    if (!fs.existsSync(KUBECTL)) {
      log(`kubectl not found at ${KUBECTL} (set KUBECTL): drift benchmark skipped`);
      return;
    }
    const cache = path.resolve(process.env.TANZU_GITOPS_CACHE || path.join(os.homedir(), '.cache', 'tanzu-gitops'));
    if (!fs.existsSync(path.join(cache, 'kube-apiserver-1.20.2', '.tanzu-gitops-installed'))) {
      log('the local Supervisor is not installed (npm run supervisor -- install: about 5 minutes, once): drift benchmark skipped');
      return;
    }
    const sup = supervisor();
    startedSupervisor = sup.started;
    const kubeconfig = sup.kubeconfig;
    log(`local Supervisor: ${sup.started ? 'started for this benchmark' : 'already running'} (${kubeconfig})`);

    drift = await bundle(tmp);
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

    // ---- 1. cold diff -------------------------------------------------------------------------
    log(`cold diff: 1 warm-up + ${RUNS} timed runs each, interleaved`);
    const kubectlTimes = [];
    const cliTimes = [];
    const inProcTimes = [];
    const allDryRunTimes = [];
    let kubectlOut;
    let cliOut;
    let inProc;
    let allDryRun;
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
    const view = (d) => JSON.stringify(d.resources.map((r) => [r.key, r.status, r.diff?.unified ?? '']));
    const agree = view(inProc) === view(allDryRun);
    const kubectlDiffs = (kubectlOut.stdout.match(/^diff -u -N /gm) ?? []).length;
    let cliRecords = [];
    try {
      cliRecords = JSON.parse(cliOut.stdout);
    } catch {
      log(`our CLI did not print JSON (exit ${cliOut.code}): ${cliOut.stderr.slice(0, 500)}`);
    }
    const cliCounts = countBy(cliRecords.map((r) => r.status));
    const cold = { kubectl: median(kubectlTimes), cli: median(cliTimes), inProc: median(inProcTimes), all: median(allDryRunTimes) };

    // ---- 2. the watcher -------------------------------------------------------------------------
    log(`watcher: first computation, then ${EDITS} live edits and ${GIT_EDITS} Git edits`);
    const watch = await watcherRuns(drift, session, repo, gen);

    // ---- output -------------------------------------------------------------------------------
    const rows = [
      ['cold diff, 500 objects', `kubectl diff --server-side (exit ${kubectlOut.code})`, ms(cold.kubectl), `min ${ms(min(kubectlTimes))}, max ${ms(max(kubectlTimes))}; ${kubectlDiffs} objects with a diff`],
      ['', `ours: tanzu-gitops diff, fresh process (exit ${cliOut.code})`, ms(cold.cli), `min ${ms(min(cliTimes))}, max ${ms(max(cliTimes))}; ${fmtCounts(cliCounts)}`],
      ['', 'ratio ours/kubectl', `${(cold.cli / cold.kubectl).toFixed(2)}x`, `target <= ${TARGET_COLD_RATIO}x`],
      ['', 'ours: computeDrift in process, new session', ms(cold.inProc), `min ${ms(min(inProcTimes))}; ${fmtStats(inProc.stats)}; ratio ${(cold.inProc / cold.kubectl).toFixed(2)}x`],
      ['', 'ours, in process, every object dry-run', ms(cold.all), `${fmtStats(allDryRun.stats)}; ratio ${(cold.all / cold.kubectl).toFixed(2)}x; statuses and diffs ${agree ? 'identical to' : 'DIFFERENT from'} the run that spares no-op dry-runs`],
      ['watcher, first computation', 'DriftWatcher.refresh()', ms(watch.first.totalMs), fmtStats(watch.first)],
      ['recompute after 1 watch event', 'stats.totalMs (the recompute)', ms(median(watch.recompute)), `p90 ${ms(p90(watch.recompute))}, max ${ms(max(watch.recompute))}; dry-runs per recompute: ${[...new Set(watch.dryRuns)].join(', ')}; ${watch.parts}`],
      ['', 'watch event -> result (debounce 0)', ms(median(watch.eventToResult)), `p90 ${ms(p90(watch.eventToResult))}; the product adds its debounce (100 ms by default) to this`],
      ['', 'write request -> result', ms(median(watch.writeToResult)), `p90 ${ms(p90(watch.writeToResult))}; includes the API write and the watch delivery`],
      ['recompute after a Git edit', 'notifyFilesChanged -> result', ms(median(watch.gitLatency)), `recompute ${ms(median(watch.gitRecompute))} median (Git read ${ms(median(watch.gitRead))}); ${GIT_EDITS} edits of one file`],
    ];
    printTable(rows);
    const met = (ok) => (ok ? 'MET' : 'NOT MET');
    const ratio = cold.cli / cold.kubectl;
    const recompute = median(watch.recompute);
    log('');
    log('==== drift summary ====');
    log(`cold diff, 500 objects:       ours ${ms(cold.cli)} (CLI process; ${ms(cold.inProc)} in process) vs kubectl diff --server-side ${ms(cold.kubectl)}: ratio ${ratio.toFixed(2)}x; target <= ${TARGET_COLD_RATIO}x: ${met(ratio <= TARGET_COLD_RATIO)}`);
    log(`                              every object dry-run (no no-op shortcut), in process: ${ms(cold.all)} = ${(cold.all / cold.kubectl).toFixed(2)}x kubectl; results ${agree ? 'identical' : 'DIFFERENT'}`);
    log(`recompute after one event:    ${ms(recompute)} median (event -> result ${ms(median(watch.eventToResult))} with debounce 0); target <= ${TARGET_RECOMPUTE_MS} ms: ${met(recompute <= TARGET_RECOMPUTE_MS)}`);
    log(`load average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    log(`drift bench took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    if (session && objects.length && process.env.BENCH_DRIFT_KEEP !== '1') {
      await forEachLimited(objects, 16, (o) => session.client.delete(ref(o)).catch(() => undefined));
    }
    session?.dispose();
    if (process.env.BENCH_DRIFT_KEEP === '1') log(`kept: the objects in namespace ${NS}, and ${tmp} (repo/, cli.js)`);
    else fs.rmSync(tmp, { recursive: true, force: true });
    if (startedSupervisor) {
      spawnSync(process.execPath, [path.join(ROOT, 'scripts/supervisor.mjs'), 'stop'], { stdio: 'ignore' });
      log('local Supervisor stopped (this benchmark started it)');
    }
  }
}

// ---- setup ----------------------------------------------------------------------------------------

function supervisor() {
  const script = path.join(ROOT, 'scripts/supervisor.mjs');
  const running = spawnSync(process.execPath, [script, 'status'], { stdio: 'ignore' }).status === 0;
  const out = execFileSync(process.execPath, [script, 'start'], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  const m = /^KUBECONFIG=(.+)$/m.exec(out.trim().split('\n').pop() ?? '');
  if (!m) throw new Error('supervisor.mjs start did not end with KUBECONFIG=...');
  return { kubeconfig: m[1], started: !running };
}

async function bundle(tmp) {
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
  // the command line as the product builds it (scripts/build.mjs: one bundle, minified in production)
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'src/cli/main.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    minify: true, legalComments: 'none', outfile: path.join(tmp, 'cli.js'), logLevel: 'warning',
  });
  return require(lib);
}

/** 350 ConfigMaps and 150 TKCs, deterministic; which drift, which are missing, which are extra. */
function generate() {
  const git = [];
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

function writeRepo(dir, git) {
  fs.mkdirSync(dir, { recursive: true });
  const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const run = (...args) => execFileSync('git', args, { cwd: dir, env: gitEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  run('init', '-q', '-b', 'main');
  for (let f = 0; f < 50; f++) {
    const docs = git.slice(f * 10, f * 10 + 10).map((o) => stringifyYaml(o));
    fs.writeFileSync(path.join(dir, `part-${String(f).padStart(2, '0')}.yaml`), docs.join('---\n'));
  }
  run('add', '-A');
  run('-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'bench manifests');
}

let yamlStringify;
function stringifyYaml(o) {
  yamlStringify ??= require('yaml').stringify;
  return yamlStringify(o, { lineWidth: 0 });
}

/** The workspace target's owner for the bench repository (one per repository). */
let owner = 'workspace';

async function seed(drift, session, gen) {
  // as a sync of the repository's top folder leaves them: its owner and its path
  const ownership = drift.workspaceTarget('', NS, undefined, owner).ownership;
  await session.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, { fieldManager: 'tanzu-gitops-bench', force: true });
  const asSynced = (o) => {
    const id = drift.identityOf(o, { defaultNamespace: NS });
    return drift.objectToApply(o, id, ownership);
  };
  await forEachLimited(gen.git.filter((o) => !gen.missing.includes(o)), 16, (o) => session.client.apply(asSynced(o), { fieldManager: 'tanzu-gitops', force: true }));
  await forEachLimited(gen.extra, 8, (o) => session.client.apply(asSynced(o), { fieldManager: 'tanzu-gitops', force: true }));
  await forEachLimited(gen.missing, 8, (o) => session.client.delete(ref(o)).catch(() => undefined));
  await forEachLimited(gen.edited, 8, (o) => session.client.apply(o, { fieldManager: 'bench-edit', force: true }));
}

function ref(o) {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return { group, version, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name };
}

// ---- the watcher ------------------------------------------------------------------------------

async function watcherRuns(drift, session, repo, gen) {
  const r = await drift.openRepository(repo);
  const target = drift.workspaceTarget('', NS, undefined, owner);
  const watcher = new drift.DriftWatcher(session, r, [target], { debounceMs: 0, watchGit: false, concurrency: CONCURRENCY });
  const results = [];
  watcher.onDidChange((d) => results.push({ d, at: performance.now() }));
  try {
    await watcher.refresh();
    const first = results.at(-1).d.stats;
    // the time the cache hears of each change
    const heard = new Map();
    for (const c of session.caches) {
      c.onDidChange((e) => {
        if (e.object?.metadata?.name) heard.set(`${e.object.metadata.name}@${e.object.metadata.resourceVersion}`, performance.now());
      });
    }
    const cm = gen.git.find((o) => o.kind === 'ConfigMap' && !gen.missing.includes(o) && !gen.edited.some((e) => e.metadata.name === o.metadata.name));
    const name = cm.metadata.name;
    const recompute = [];
    const eventToResult = [];
    const writeToResult = [];
    const dryRuns = [];
    const parts = { list: [], dry: [], rec: [] };
    for (let i = 0; i < EDITS; i++) {
      const want = i % 2 === 0 ? 'OutOfSync' : 'Synced';
      const count = results.length;
      const t0 = performance.now();
      // odd edits put Git's value back (as the same other manager): Synced again
      const written = await session.client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data: { a: want === 'Synced' ? cm.data.a : `edit ${i}` } }, { fieldManager: 'bench-watch', force: true });
      const res = await waitFor(results, count, (d) => d.resources.find((x) => x.name === name)?.status === want, 10_000);
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
    const gitLatency = [];
    const gitRecompute = [];
    const gitRead = [];
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

function waitFor(results, from, check, timeoutMs) {
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

function timeProcess(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, stdout, stderr }));
  });
}

function kubectlVersion() {
  const r = spawnSync(KUBECTL, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  try {
    return JSON.parse(r.stdout).clientVersion.gitVersion;
  } catch {
    return 'unknown';
  }
}

async function forEachLimited(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function countBy(xs) {
  const m = {};
  for (const x of xs) m[x] = (m[x] ?? 0) + 1;
  return m;
}

function fmtCounts(c) {
  return Object.entries(c).map(([k, v]) => `${v} ${k}`).join(', ') || 'no records';
}

function fmtStats(s) {
  if (!s) return '';
  return `Git ${ms(s.gitMs)}, parse ${ms(s.parseMs)}, discovery+lists ${ms(s.listMs)} (${s.lists}), dry-runs ${ms(s.dryRunMs)} (${s.dryRuns} sent, ${s.dryRunsReused} reused, ${s.dryRunsSkipped} spared as no-ops), reconcile ${ms(s.reconcileMs)}`;
}

function median(xs) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function p90(xs) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.9) - 1)];
}

const min = (xs) => Math.min(...xs);
const max = (xs) => Math.max(...xs);

function ms(x) {
  if (!Number.isFinite(x)) return 'n/a';
  return `${x.toFixed(x < 10 ? 2 : x < 100 ? 1 : 0)} ms`;
}

function printTable(rows) {
  const header = ['measure', 'subject', 'median', 'notes'];
  const widths = [0, 1, 2].map((c) => Math.max(header[c].length, ...rows.map((r) => r[c].length)));
  const line = (r) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padStart(widths[2])}  ${r[3]}`;
  log('');
  log('Times are medians of wall-clock time.');
  log(line(header));
  log(line(widths.map((w) => '-'.repeat(w)).concat('-----')));
  for (const r of rows) log(line(r));
}

await main();
