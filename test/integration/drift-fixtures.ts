/**
 * What the drift integration tests share: real Git repositories in temp folders (a bare "remote"
 * and the workspace's clone, commits with an explicit identity, no global git configuration
 * read), sessions on the local Supervisor for admin and dev, and objects put on the server as a
 * sync would have put them. Objects are named tg-drift-<run>-..., in the seeded namespaces, and
 * deleted at the end (the server has no namespace controller: namespaces are reused, not made).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/cluster/client';
import { loadKubeconfig, type Kubeconfig } from '../../src/cluster/kubeconfig';
import { ConnectionSession } from '../../src/cluster/session';
import { identityOf } from '../../src/core/reconcile/identity';
import { objectToApply, type Ownership } from '../../src/core/reconcile/ownership';
import type { TargetDrift } from '../../src/drift/types';
import type { DriftWatcher } from '../../src/drift/watcher';
import { openRepository, type GitRepository } from '../../src/git/repository';
import { supervisor } from './supervisor';

/** A short id of this run, so that parallel runs on the shared server do not meet. */
export const RUN = `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
export const name = (s: string): string => `tg-drift-${RUN}-${s}`;

// hermetic git: no global or system configuration (also for the git this process runs)
export const GIT_ENV: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };
Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' });

/** The run's temp folder, made on first use (node --test also loads this module on its own). */
let baseDir: string | undefined;
function base(): string {
  baseDir ??= mkdtempSync(join(tmpdir(), 'tg-drift-'));
  return baseDir;
}

let counter = 0;
export function tempDir(label: string): string {
  const d = join(base(), `${label}-${++counter}`);
  mkdirSync(d, { recursive: true });
  return d;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function write(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

export function commitAll(root: string, message: string): string {
  git(root, 'add', '-A');
  git(root, '-c', 'user.name=Drift Test', '-c', 'user.email=drift@example.com', 'commit', '-q', '-m', message);
  return git(root, 'rev-parse', 'HEAD');
}

export interface Repos {
  /** The bare remote (a path ending in .git). */
  readonly bare: string;
  /** The workspace's clone; its origin is the bare path as given to git clone. */
  readonly work: string;
  readonly repo: GitRepository;
}

/** A bare remote and a clone, with `files` committed and pushed to main. */
export async function makeRepos(files: Record<string, string>): Promise<Repos> {
  const bare = join(tempDir('remote'), 'r.git');
  mkdirSync(bare);
  git(bare, 'init', '-q', '--bare', '-b', 'main');
  const work = join(tempDir('work'), 'w');
  git(base(), 'clone', '-q', bare, work);
  git(work, 'symbolic-ref', 'HEAD', 'refs/heads/main');
  for (const [rel, text] of Object.entries(files)) write(work, rel, text);
  commitAll(work, 'manifests');
  git(work, 'push', '-q', '-u', 'origin', 'main');
  const repo = await openRepository(work, { fetchTimeoutMs: 10_000 });
  if (!repo) throw new Error(`no repository at ${work}`);
  return { bare, work, repo };
}

export function cleanupTemp(): void {
  if (baseDir) rmSync(baseDir, { recursive: true, force: true });
  baseDir = undefined;
}

// ---- the Supervisor ---------------------------------------------------------------------------

let kubeconfigPath = '';
let kubeconfig: Kubeconfig | undefined;

export async function kubeconfigFile(): Promise<string> {
  if (!kubeconfigPath) kubeconfigPath = (await supervisor()).kubeconfig;
  return kubeconfigPath;
}

export async function openSession(context: 'local-supervisor-admin' | 'local-supervisor-dev'): Promise<ConnectionSession> {
  kubeconfig ??= loadKubeconfig({ paths: [await kubeconfigFile()] });
  return ConnectionSession.open({
    kubeconfig, context, allowExec: false, requestTimeoutMs: 10_000,
    cacheDefaults: { backoff: { initialMs: 200, maxMs: 2000 }, watchTimeoutSeconds: 120 },
  });
}

/** A kubeconfig like the Supervisor's whose server is a closed port: every request is refused. */
export async function deadKubeconfig(): Promise<string> {
  const text = readFileSync(await kubeconfigFile(), 'utf8').replace(/server: "?https:\/\/127\.0\.0\.1:\d+"?/g, 'server: "https://127.0.0.1:9"');
  const file = join(tempDir('dead'), 'kubeconfig');
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** Puts `obj` on the server as a sync of this ownership would (server-side apply, field manager tanzu-gitops). */
export async function synced(session: ConnectionSession, obj: KubeObject, ownership: Ownership, defaultNamespace = 'team-a'): Promise<KubeObject> {
  const id = identityOf(obj, { defaultNamespace });
  if (!id) throw new Error('no identity');
  return session.client.apply(objectToApply(obj, id, ownership) as KubeObject, { fieldManager: 'tanzu-gitops', force: true });
}

/** Applies `obj` as another tool would (its own field manager), e.g. a person with kubectl. */
export function applyAs(session: ConnectionSession, obj: KubeObject, manager = 'kubectl'): Promise<KubeObject> {
  return session.client.apply(obj, { fieldManager: manager, force: true });
}

/** Deletes objects, ignoring those already gone. */
export async function remove(session: ConnectionSession, objects: readonly KubeObject[]): Promise<void> {
  await Promise.all(objects.map(async (o) => {
    const { group, version } = splitGv(o.apiVersion ?? '');
    try {
      await session.client.delete({ group, version, kind: o.kind ?? '', namespace: o.metadata?.namespace, name: o.metadata?.name ?? '' });
    } catch {
      // gone already
    }
  }));
}

function splitGv(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

// ---- manifests ----------------------------------------------------------------------------------

export function configMap(n: string, data: Record<string, string>, namespace = 'team-a', extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace, ...extra }, data };
}

export function tkc(n: string, workers = 3, namespace = 'team-a'): KubeObject {
  return {
    apiVersion: 'run.tanzu.vmware.com/v1alpha2',
    kind: 'TanzuKubernetesCluster',
    metadata: { name: n, namespace },
    spec: {
      topology: {
        controlPlane: { replicas: 3, vmClass: 'best-effort-small', storageClass: 'gold', tkr: { reference: { name: 'v1.25.7---vmware.3-fips.1-tkg.1' } } },
        nodePools: [{ name: 'workers', replicas: workers, vmClass: 'best-effort-small', storageClass: 'gold' }],
      },
      settings: { network: { cni: { name: 'antrea' }, pods: { cidrBlocks: ['192.168.0.0/16'] }, services: { cidrBlocks: ['10.96.0.0/12'] }, serviceDomain: 'cluster.local' } },
    },
  };
}

/** Objects as multi-document YAML. */
export function manifests(...objects: KubeObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

export interface CliRun { code: number | null; stdout: string; stderr: string }

/** Runs the command line (`node <cli> ...args`) as a process, asynchronously; its exit code and output. */
export function runCliProcess(cli: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The watcher's next result that satisfies `check`, with how long it took; rejects after
 * `timeoutMs` naming the last result's statuses.
 */
export function nextDrift(watcher: DriftWatcher, check: (d: TargetDrift) => boolean, timeoutMs: number): Promise<{ drift: TargetDrift; ms: number }> {
  const t0 = Date.now();
  let last: TargetDrift | undefined;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no matching result within ${timeoutMs} ms; last: ${JSON.stringify(last?.resources.map((r) => [r.kind, r.name, r.status]))}`));
    }, timeoutMs);
    const sub = watcher.onDidChange((d) => {
      last = d;
      if (!check(d)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve({ drift: d, ms: Date.now() - t0 });
    });
  });
}
