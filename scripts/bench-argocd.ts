// The Argo CD benchmark (run by `npm run bench` after the many-clusters benchmark, or alone:
// `node scripts/run.mjs bench-argocd`): `tanzu-gitops diff --argocd-app` of an Application of 500
// objects, cold (a fresh process of the command line bundled as dist/cli.js is), beside `kubectl
// diff --server-side` of the same folder, against the local Supervisor. It prints medians, the
// ratio and whether both saw the same objects differ; it asserts nothing and its exit code does not
// depend on the numbers.
//
// Setup: a bare repository and a clone of it with web/ (200 ConfigMaps, 100 Deployments, 100
// Services, 100 ServiceAccounts in 50 files); in namespace argocd, argocd-cm (annotation tracking),
// the AppProject default as Argo CD creates it, and an Application whose source is the bare
// repository (file://, path web, targetRevision HEAD) and whose destination is the Supervisor,
// namespace tg-argocd-bench. The live objects are as Argo CD leaves them: applied server-side by
// field manager argocd-controller with the tracking annotation argocd.argoproj.io/tracking-id; then
// 10 ConfigMaps are changed by a person (field manager kubectl-edit), 5 Deployments scaled
// (kubectl scale), and 5 objects deleted.
//
// What is measured, interleaved after one warm-up each:
//   kubectl  `kubectl diff --server-side --force-conflicts -f <clone>/web`;
//   ours     `node cli.js diff --argocd-app tg-bench-argocd --format json <clone>` in a fresh
//            process: Node's start, the bundle, the kubeconfig, the Application, argocd-cm, the
//            Git read, discovery, lists, dry-runs, reconcile, the AppProject check, JSON out.
// Then one more run of ours with TANZU_GITOPS_TRACE=1, whose phase marks are printed.
// Target: ours <= 0.3x kubectl's time.
// Environment: BENCH_ARGOCD_RUNS (timed runs of each, default 5), KUBECTL,
// TANZU_GITOPS_SUPERVISOR_STATE (which local Supervisor), BENCH_ARGOCD_KEEP=1 (leave the objects,
// the Application and the temporary folder with the repositories and cli.js, for profiling).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { bundleCli, canBenchAgainstSupervisor, median, ms, timeProcess, type Timed } from './lib/bench';
import { CACHE, must, startLocalSupervisor, stopLocalSupervisor, type JsonObject } from './lib/tools';

const RUNS = Number(process.env.BENCH_ARGOCD_RUNS) || 5;
const KUBECTL = process.env.KUBECTL || '/usr/bin/kubectl';
const CONTEXT = 'local-supervisor-admin';
const NS = 'tg-argocd-bench';
const APP = 'tg-bench-argocd';
const TARGET_RATIO = 0.3;
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

const log = (s = '') => process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
  const started = performance.now();
  if (!canBenchAgainstSupervisor('Argo CD', KUBECTL, CACHE, log)) return;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tanzu-gitops-bench-argocd-'));
  const sup = startLocalSupervisor();
  const env = { ...process.env, KUBECONFIG: sup.kubeconfig };
  const kubectl = (args: string[], input?: string) => must(KUBECTL, ['--context', CONTEXT, ...args], { env, input });
  const apply = (manager: string, items: JsonObject[]) => kubectl(['apply', '--server-side', '--force-conflicts', `--field-manager=${manager}`, '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  const all = objects();
  try {
    log(`local Supervisor: ${sup.started ? 'started for this benchmark' : 'already running'} (${sup.kubeconfig})`);
    const cliJs = await bundleCli(tmp);
    const t0 = performance.now();
    const { bare, work } = writeRepos(tmp, all);
    // the namespace is kept: no namespace controller runs on the local Supervisor to finish a delete
    apply('someone-else', [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }]);
    apply('argocd-test', [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: 'argocd' }, data: { 'application.resourceTrackingMethod': 'annotation' } },
      // as Argo CD creates it at its start: everything permitted
      {
        apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'default', namespace: 'argocd' },
        spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }] },
      },
      {
        apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: APP, namespace: 'argocd' },
        spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: NS }, source: { repoURL: `file://${bare}`, path: 'web', targetRevision: 'HEAD' } },
      },
    ]);
    const drifted = seed(all, apply, kubectl);
    log(`setup: ${all.length} objects in 50 files, applied as Argo CD leaves them; ${drifted.changed} changed by hand, ${drifted.deleted} deleted: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const runKubectl = () => timeProcess(KUBECTL, ['--context', CONTEXT, 'diff', '--server-side', '--force-conflicts', '-f', path.join(work, 'web')], env);
    const runOurs = (extra: NodeJS.ProcessEnv = {}) => timeProcess(process.execPath, [cliJs, 'diff', '--context', CONTEXT, '--argocd-app', APP, '--format', 'json', work], { ...env, ...extra });
    const k: number[] = [];
    const o: number[] = [];
    let lastK: Timed | undefined;
    let lastO: Timed | undefined;
    log(`cold diff of the Application, ${all.length} objects: 1 warm-up + ${RUNS} timed runs each, interleaved`);
    for (let i = 0; i <= RUNS; i++) {
      lastK = await runKubectl();
      lastO = await runOurs();
      if (i === 0) continue;
      k.push(lastK.ms);
      o.push(lastO.ms);
    }
    const traced = await runOurs({ TANZU_GITOPS_TRACE: '1' });
    report(k, o, lastK as Timed, lastO as Timed, traced);
    log(`Argo CD bench took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    if (process.env.BENCH_ARGOCD_KEEP === '1') log(`kept: the objects in namespace ${NS}, the Application argocd/${APP}, and ${tmp} (remote.git, work/, cli.js)`);
    else {
      try {
        kubectl(['delete', '--ignore-not-found', '--wait=false', '-n', 'argocd', `applications.argoproj.io/${APP}`, 'configmap/argocd-cm']);
        kubectl(['delete', '--ignore-not-found', '--wait=false', '-n', NS, 'configmaps,deployments,services,serviceaccounts', '-l', 'bench=argocd']);
      } catch {
        // left for the next run, which applies over them
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    if (sup.started) {
      stopLocalSupervisor();
      log('local Supervisor stopped (this benchmark started it)');
    }
  }
}

/** The objects with a diff, as `Kind/name`: kubectl's from its `diff -u -N` lines, ours from the JSON records. */
function differing(kubectlOut: string, oursOut: string): { kubectl: string[]; ours: string[]; oursError?: string } {
  // diff -u -N /tmp/LIVE-123/apps.v1.Deployment.NS.NAME /tmp/MERGED-456/apps.v1.Deployment.NS.NAME
  const kubectl = [...kubectlOut.matchAll(/^diff -u -N \S*\/LIVE-\d+\/(\S+) /gm)].map((m) => {
    const parts = m[1].split('.');
    const kind = parts.findIndex((p) => /^[A-Z]/.test(p));
    return `${parts[kind]}/${parts.slice(kind + 2).join('.')}`;
  });
  try {
    const records = JSON.parse(oursOut) as { kind: string; name: string; status: string }[];
    const ours = records.filter((r) => ['OutOfSync', 'Missing', 'Extra'].includes(r.status)).map((r) => `${r.kind}/${r.name}`);
    return { kubectl: kubectl.sort(), ours: ours.sort() };
  } catch {
    return { kubectl: kubectl.sort(), ours: [], oursError: oursOut.slice(0, 300) };
  }
}

function report(k: number[], o: number[], lastK: Timed, lastO: Timed, traced: Timed): void {
  const ratio = median(o) / median(k);
  const seen = differing(lastK.stdout, lastO.stdout);
  const same = !seen.oursError && seen.kubectl.join(',') === seen.ours.join(',');
  log(`  kubectl diff --server-side (exit ${lastK.code}): median ${ms(median(k))} (min ${ms(Math.min(...k))}, max ${ms(Math.max(...k))}); ${seen.kubectl.length} objects with a diff`);
  log(`  ours, diff --argocd-app, fresh process (exit ${lastO.code}): median ${ms(median(o))} (min ${ms(Math.min(...o))}, max ${ms(Math.max(...o))}); ${seen.oursError ? `no JSON: ${seen.oursError}` : `${seen.ours.length} objects differ`}`);
  if (lastO.code !== 1) log(`  ours, stderr: ${lastO.stderr.trim().slice(0, 1000)}`);
  log(`  the same objects differ for both: ${same ? 'yes' : `NO (kubectl: ${seen.kubectl.join(' ')}; ours: ${seen.ours.join(' ')})`}`);
  log('  ours, one more run with TANZU_GITOPS_TRACE=1:');
  for (const line of traced.stderr.split('\n').filter((l) => l.startsWith('[trace]'))) log(`    ${line}`);
  log(`cold diff of an Argo CD Application, 500 objects: ours ${ms(median(o))} vs kubectl diff --server-side ${ms(median(k))}: ratio ${ratio.toFixed(2)}x; target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'} (${k.length} runs each; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
}

/** 200 ConfigMaps, 100 Deployments with a Service and a ServiceAccount each; deterministic. */
function objects(): JsonObject[] {
  const labels = { bench: 'argocd' };
  const out: JsonObject[] = [];
  for (let i = 0; i < 200; i++) {
    out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${String(i).padStart(3, '0')}`, namespace: NS, labels }, data: { a: `value-${i}`, b: 'same', c: String(i * 7), 'app.properties': `server.port=${8000 + i}\nlog.level=info\n` } });
  }
  for (let i = 0; i < 100; i++) {
    const name = `web-${String(i).padStart(3, '0')}`;
    const app = { app: name };
    out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: NS, labels } });
    out.push({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: NS, labels },
      spec: {
        replicas: 2, selector: { matchLabels: app },
        template: {
          metadata: { labels: { ...labels, ...app } },
          spec: {
            serviceAccountName: name,
            containers: [{
              name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
              env: [{ name: 'CONFIG', value: `cm-${String(i).padStart(3, '0')}` }],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            }],
          },
        },
      },
    });
    out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS, labels }, spec: { selector: app, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } });
  }
  return out;
}

/** A bare repository (the Application's repoURL) and a clone of it with web/ committed and pushed. */
function writeRepos(tmp: string, all: JsonObject[]): { bare: string; work: string } {
  const bare = path.join(tmp, 'remote.git');
  const work = path.join(tmp, 'work');
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd, stdio: 'ignore', env: GIT_ENV });
  fs.mkdirSync(bare);
  git(bare, 'init', '-q', '--bare', '-b', 'main');
  git(tmp, 'clone', '-q', bare, work);
  git(work, 'symbolic-ref', 'HEAD', 'refs/heads/main');
  const web = path.join(work, 'web');
  fs.mkdirSync(web);
  for (let f = 0; f < 50; f++) fs.writeFileSync(path.join(web, `part-${String(f).padStart(2, '0')}.yaml`), all.slice(f * 10, f * 10 + 10).map((o) => stringify(o)).join('---\n'));
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'web');
  git(work, 'push', '-q', '-u', 'origin', 'main');
  return { bare, work };
}

/** The objects as Argo CD's server-side sync leaves them; then a person's changes and deletes. */
function seed(all: JsonObject[], apply: (manager: string, items: JsonObject[]) => string, kubectl: (args: string[]) => string): { changed: number; deleted: number } {
  const tracked = all.map((o) => {
    const meta = o.metadata as JsonObject;
    const group = (o.apiVersion as string).includes('/') ? (o.apiVersion as string).split('/')[0] : '';
    return { ...o, metadata: { ...meta, annotations: { 'argocd.argoproj.io/tracking-id': `${APP}:${group}/${o.kind as string}:${NS}/${meta.name as string}` } } };
  });
  apply('argocd-controller', tracked);
  const nameOf = (o: JsonObject) => (o.metadata as JsonObject).name as string;
  const cms = all.filter((o) => o.kind === 'ConfigMap').filter((_, i) => i % 20 === 3).map((o) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: nameOf(o), namespace: NS }, data: { b: 'changed by hand' } }));
  apply('kubectl-edit', cms);
  const deployments = all.filter((o) => o.kind === 'Deployment').filter((_, i) => i % 20 === 7).map((o) => `deployment/${nameOf(o)}`);
  kubectl(['scale', '-n', NS, '--replicas=5', ...deployments]);
  const deleted = ['configmap/cm-150', 'configmap/cm-151', 'configmap/cm-152', 'service/web-040', 'deployment/web-041'];
  kubectl(['delete', '-n', NS, ...deleted]);
  return { changed: cms.length + deployments.length, deleted: deleted.length };
}

await main();
