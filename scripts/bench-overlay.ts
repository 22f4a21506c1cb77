// The Kustomize overlay benchmark (run by `npm run bench` after the drift benchmark, or alone:
// `node scripts/run.mjs bench-overlay`): a cold `tanzu-gitops diff` of an overlay of 300 objects
// beside `kubectl diff --server-side -k` of the same overlay, against the local Supervisor. It
// prints medians and the ratio and says whether the target is met; it asserts nothing and its exit
// code does not depend on the numbers.
//
// Setup (the same every run): a Git repository with base/ (200 ConfigMaps, 60 Deployments and 40
// TanzuKubernetesClusters v1alpha2, in 30 files) and overlays/prod (namePrefix prod-, namespace
// tg-overlay-bench, commonLabels env: prod, images: nginx → nginx:1.27, a JSON6902 patch on every
// TKC and a strategic-merge patch on every Deployment). On the server the overlay is applied as
// another tool would leave it (`kubectl apply --server-side --field-manager=argocd-controller -k`),
// then 15 ConfigMap values and 5 TKC pool sizes are changed by a person (field manager kubectl-edit)
// and 5 objects are deleted (Missing).
//
// What is measured, interleaved after one warm-up each:
//   kubectl  `kubectl diff --server-side --force-conflicts -k overlays/prod` (kubectl's embedded
//            Kustomize renders, then it GETs and dry-run-applies each object in turn);
//   ours     `node cli.js diff --format json overlays/prod` in a fresh process (the command line as
//            the product bundles it: Node start, kubeconfig, Git read, the render through
//            `kubectl kustomize` or `kustomize build`, discovery, lists, dry-runs, reconcile),
//            with the render cache off (TANZU_GITOPS_RENDER_CACHE=0): every run renders;
//   cached   the same with the render cache on, in a folder of the benchmark's own that the
//            warm-up filled: the files are unchanged, so no run renders (information, not the
//            target's figure).
// Target: ours (render cache off) <= 0.5x kubectl's time.
// Environment: BENCH_OVERLAY_RUNS (timed runs of each, default 5), KUBECTL,
// TANZU_GITOPS_SUPERVISOR_STATE (which local Supervisor), BENCH_OVERLAY_KEEP=1 (leave the objects and
// the temporary folder).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { bundleCli, canBenchAgainstSupervisor, median, ms, timeProcess, type Timed } from './lib/bench';
import { CACHE, startLocalSupervisor, stopLocalSupervisor, type JsonObject } from './lib/tools';

const RUNS = Number(process.env.BENCH_OVERLAY_RUNS) || 5;
const KUBECTL = process.env.KUBECTL || '/usr/bin/kubectl';
const NS = 'tg-overlay-bench';
const CONTEXT = 'local-supervisor-admin';
const TARGET_RATIO = 0.5;
const OVERLAY = 'overlays/prod';

const log = (s = '') => process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
  const started = performance.now();
  if (!canBenchAgainstSupervisor('overlay', KUBECTL, CACHE, log)) return;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tanzu-gitops-bench-overlay-'));
  const sup = startLocalSupervisor();
  const env = { ...process.env, KUBECONFIG: sup.kubeconfig };
  const kubectl = (...args: string[]) => execFileSync(KUBECTL, ['--context', CONTEXT, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 }).toString();
  const repo = path.join(tmp, 'repo');
  try {
    log(`local Supervisor: ${sup.started ? 'started for this benchmark' : 'already running'} (${sup.kubeconfig})`);
    const cliJs = await bundleCli(tmp);
    writeRepo(repo);
    const t0 = performance.now();
    seed(kubectl, repo);
    log(`setup: 300 objects rendered by ${OVERLAY}, applied by field manager argocd-controller; 20 changed by hand, 5 deleted: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const overlay = path.join(repo, OVERLAY);
    const runKubectl = () => timeProcess(KUBECTL, ['--context', CONTEXT, 'diff', '--server-side', '--force-conflicts', '-k', overlay], env);
    const diffArgs = [cliJs, 'diff', '--context', CONTEXT, '--namespace', NS, '--format', 'json', overlay];
    const runOurs = () => timeProcess(process.execPath, diffArgs, { ...env, TANZU_GITOPS_RENDER_CACHE: '0' });
    const runCached = () => timeProcess(process.execPath, diffArgs, { ...env, TANZU_GITOPS_CACHE: path.join(tmp, 'cache') });
    const k: number[] = [];
    const o: number[] = [];
    const c: number[] = [];
    let lastK: Timed | undefined;
    let lastO: Timed | undefined;
    let lastC: Timed | undefined;
    log(`cold diff of ${OVERLAY}: 1 warm-up + ${RUNS} timed runs each, interleaved (kubectl, ours, ours with the render cache)`);
    for (let i = 0; i <= RUNS; i++) {
      lastK = await runKubectl();
      lastO = await runOurs();
      lastC = await runCached();
      if (i === 0) continue;
      k.push(lastK.ms);
      o.push(lastO.ms);
      c.push(lastC.ms);
    }
    report(k, o, lastK as Timed, lastO as Timed);
    const same = comparable((lastC as Timed).stdout) === comparable((lastO as Timed).stdout);
    log(`  information: ours with the render cache (files unchanged since the warm-up; not the target's figure): median ${ms(median(c))} (min ${ms(Math.min(...c))}, max ${ms(Math.max(...c))}), ratio ${(median(c) / median(k)).toFixed(2)}x; output ${same ? 'the same as' : 'DIFFERENT from'} the uncached run's`);
    log(`overlay bench took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    if (process.env.BENCH_OVERLAY_KEEP === '1') log(`kept: the objects in namespace ${NS}, and ${tmp}`);
    else {
      try {
        kubectl('delete', '--ignore-not-found', '--wait=false', '-k', path.join(repo, OVERLAY));
      } catch {
        // the namespace's objects are left for the next run, which applies over them
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    if (sup.started) {
      stopLocalSupervisor();
      log('local Supervisor stopped (this benchmark started it)');
    }
  }
}

function report(k: number[], o: number[], lastK: Timed, lastO: Timed): void {
  let counts = 'no JSON';
  try {
    const recs = JSON.parse(lastO.stdout) as { status?: string }[];
    const by: Record<string, number> = {};
    for (const r of recs) if (r.status) by[r.status] = (by[r.status] ?? 0) + 1;
    counts = Object.entries(by).map(([s, n]) => `${n} ${s}`).join(', ');
  } catch {
    log(`our command line did not print JSON (exit ${lastO.code}): ${lastO.stderr.slice(0, 500)}`);
  }
  const kubectlDiffs = (lastK.stdout.match(/^diff -u -N /gm) ?? []).length;
  const ratio = median(o) / median(k);
  log(`  kubectl diff --server-side -k (exit ${lastK.code}): median ${ms(median(k))} (min ${ms(Math.min(...k))}, max ${ms(Math.max(...k))}); ${kubectlDiffs} objects with a diff`);
  log(`  ours: tanzu-gitops diff, fresh process, render cache off (exit ${lastO.code}): median ${ms(median(o))} (min ${ms(Math.min(...o))}, max ${ms(Math.max(...o))}); ${counts}`);
  log(`cold diff of an overlay of 300 objects: ours ${ms(median(o))} vs kubectl diff --server-side -k ${ms(median(k))}: ratio ${ratio.toFixed(2)}x; target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}`);
}

/** The records of `diff --format json` without what differs from run to run (when, how long). */
function comparable(stdout: string): string {
  try {
    return JSON.stringify((JSON.parse(stdout) as Record<string, unknown>[]).map(({ computedAt: _at, stats: _stats, ...rest }) => rest));
  } catch {
    return `not JSON: ${stdout}`;
  }
}

function configMap(i: number): JsonObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${String(i).padStart(3, '0')}`, labels: { app: 'bench' } }, data: { a: `value-${i}`, b: 'same', c: String(i * 7) } };
}

function deployment(i: number): JsonObject {
  const name = `web-${String(i).padStart(2, '0')}`;
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] } } },
  };
}

function tkc(i: number): JsonObject {
  return {
    apiVersion: 'run.tanzu.vmware.com/v1alpha2', kind: 'TanzuKubernetesCluster', metadata: { name: `tkc-${String(i).padStart(2, '0')}` },
    spec: {
      topology: {
        controlPlane: { replicas: 1, vmClass: 'best-effort-small', storageClass: 'gold', tkr: { reference: { name: 'v1.25.7---vmware.3-fips.1-tkg.1' } } },
        nodePools: [{ name: 'workers', replicas: 2, vmClass: 'best-effort-medium', storageClass: 'gold' }],
      },
      settings: { network: { cni: { name: 'antrea' }, pods: { cidrBlocks: ['192.168.0.0/16'] }, services: { cidrBlocks: ['10.96.0.0/12'] }, serviceDomain: 'cluster.local' } },
    },
  };
}

/** base/ with 300 objects in 30 files, overlays/prod with a prefix, a namespace, labels, an image and two patches; one commit. */
function writeRepo(dir: string): void {
  const objects = [...Array.from({ length: 200 }, (_, i) => configMap(i)), ...Array.from({ length: 60 }, (_, i) => deployment(i)), ...Array.from({ length: 40 }, (_, i) => tkc(i))];
  const base = path.join(dir, 'base');
  fs.mkdirSync(base, { recursive: true });
  const files: string[] = [];
  for (let f = 0; f < 30; f++) {
    const name = `part-${String(f).padStart(2, '0')}.yaml`;
    fs.writeFileSync(path.join(base, name), objects.slice(f * 10, f * 10 + 10).map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
    files.push(name);
  }
  fs.writeFileSync(path.join(base, 'kustomization.yaml'), stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: files }));
  const prod = path.join(dir, OVERLAY);
  fs.mkdirSync(prod, { recursive: true });
  fs.writeFileSync(path.join(prod, 'workers.yaml'), stringify([{ op: 'replace', path: '/spec/topology/controlPlane/replicas', value: 3 }]));
  fs.writeFileSync(path.join(prod, 'web.yaml'), stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'any' }, spec: { replicas: 2 } }));
  fs.writeFileSync(path.join(prod, 'kustomization.yaml'), stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization',
    resources: ['../../base'], namePrefix: 'prod-', namespace: NS, commonLabels: { env: 'prod' },
    images: [{ name: 'nginx', newTag: '1.27' }],
    patches: [
      { path: 'workers.yaml', target: { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster' } },
      { path: 'web.yaml', target: { group: 'apps', kind: 'Deployment' } },
    ],
  }));
  const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: gitEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'base and prod overlay');
}

/** The overlay as another tool applied it, then a person's edits and deletes. */
function seed(kubectl: (...args: string[]) => string, repo: string): void {
  const overlay = path.join(repo, OVERLAY);
  try {
    kubectl('create', 'namespace', NS);
  } catch {
    // it is there from an earlier run
  }
  kubectl('apply', '--server-side', '--force-conflicts', '--field-manager=argocd-controller', '-k', overlay);
  for (let i = 0; i < 15; i++) {
    kubectl('-n', NS, 'patch', 'configmap', `prod-cm-${String(i * 13).padStart(3, '0')}`, '--field-manager=kubectl-edit', '--type=merge', '-p', '{"data":{"a":"changed by hand"}}');
  }
  for (let i = 0; i < 5; i++) {
    kubectl('-n', NS, 'patch', 'tanzukubernetescluster', `prod-tkc-${String(i * 7).padStart(2, '0')}`, '--field-manager=kubectl-edit', '--type=json', '-p', '[{"op":"replace","path":"/spec/topology/nodePools/0/replicas","value":5}]');
  }
  for (let i = 0; i < 5; i++) kubectl('-n', NS, 'delete', 'configmap', `prod-cm-${String(190 + i).padStart(3, '0')}`);
}

await main();
