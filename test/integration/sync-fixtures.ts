/**
 * What the sync integration tests share: real Git repositories in temp folders (hermetic: no
 * global git configuration), sessions on the local Supervisor, and the namespace `tg-sync`, made
 * once and reused across runs (this server has no namespace controller: a deleted namespace stays
 * Terminating). `tg-sync` is set up as a vSphere Namespace: a VM class and a storage quota, so that
 * the live rules pass for clusters in it. Objects are named tg-sync-<run>-..., each test syncs a
 * target of its own name (prune only ever sees that target's objects), and they are deleted at
 * the end.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/cluster/client';
import { loadKubeconfig, type Kubeconfig } from '../../src/cluster/kubeconfig';
import { ConnectionSession } from '../../src/cluster/session';
import { TANZU_TARGET_LABEL, targetLabelValue } from '../../src/core/reconcile/ownership';
import type { DriftTarget } from '../../src/drift/types';
import { openRepository, type GitRepository } from '../../src/git/repository';
import { supervisor } from './supervisor';

export const NS = 'tg-sync';
export const RUN = `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
export const name = (s: string): string => `tg-sync-${RUN}-${s}`;
export const TEST_MANAGER = 'tanzu-gitops-test';

const base = mkdtempSync(join(tmpdir(), 'tg-sync-'));
writeFileSync(join(base, 'gitconfig'), '');
const GIT_ENV: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_GLOBAL: join(base, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };
Object.assign(process.env, { GIT_CONFIG_GLOBAL: GIT_ENV.GIT_CONFIG_GLOBAL, GIT_CONFIG_NOSYSTEM: '1' });

let counter = 0;
function tempDir(label: string): string {
  const d = join(base, `${label}-${++counter}`);
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

export function remove(root: string, rel: string): void {
  rmSync(join(root, rel), { force: true });
}

export function commitAll(root: string, message: string): void {
  git(root, 'add', '-A');
  git(root, '-c', 'user.name=Sync Test', '-c', 'user.email=sync@example.com', 'commit', '-q', '--allow-empty', '-m', message);
}

/** A Git repository with `files` committed on main. */
export async function makeRepo(files: Record<string, string>): Promise<{ root: string; repo: GitRepository }> {
  const root = join(tempDir('repo'), 'r');
  mkdirSync(root);
  git(root, 'init', '-q', '-b', 'main');
  for (const [rel, text] of Object.entries(files)) write(root, rel, text);
  commitAll(root, 'manifests');
  const repo = await openRepository(root);
  if (!repo) throw new Error(`no repository at ${root}`);
  return { root, repo };
}

export function cleanupTemp(): void {
  rmSync(base, { recursive: true, force: true });
}

// ---- the Supervisor ---------------------------------------------------------------------------

let kubeconfig: Kubeconfig | undefined;
export let kubeconfigPath = '';

export async function openSession(context: 'local-supervisor-admin' | 'local-supervisor-dev' = 'local-supervisor-admin', requestTimeoutMs = 10_000): Promise<ConnectionSession> {
  if (!kubeconfig) {
    kubeconfigPath = (await supervisor()).kubeconfig;
    kubeconfig = loadKubeconfig({ paths: [kubeconfigPath] });
  }
  return ConnectionSession.open({
    kubeconfig, context, allowExec: false, requestTimeoutMs,
    cacheDefaults: { backoff: { initialMs: 200, maxMs: 1500 }, watchTimeoutSeconds: 120 },
  });
}

/** The namespace tg-sync as a vSphere Namespace (VM class best-effort-small, storage class gold); made once. */
export async function ensureNamespace(session: ConnectionSession): Promise<void> {
  const apply = (o: KubeObject, subresource = false) => subresource
    ? session.client.connection.request({ method: 'PATCH', path: `/api/v1/namespaces/${NS}/resourcequotas/${NS}-storagequota/status`, query: { fieldManager: TEST_MANAGER, force: 'true' }, body: JSON.stringify(o), contentType: 'application/apply-patch+yaml' })
    : session.client.apply(o, { fieldManager: TEST_MANAGER, force: true });
  await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'tanzu-gitops.dev/vsphere-namespace': 'true' } } });
  const hard = { 'gold.storageclass.storage.k8s.io/requests.storage': '100Gi' };
  const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: `${NS}-storagequota`, namespace: NS } };
  await apply({ ...quota, spec: { hard } });
  await apply({ ...quota, status: { hard, used: { 'gold.storageclass.storage.k8s.io/requests.storage': '0' } } }, true);
  await apply({
    apiVersion: 'vmoperator.vmware.com/v1alpha6', kind: 'VirtualMachineClass', metadata: { name: 'best-effort-small', namespace: NS },
    spec: { hardware: { cpus: 2, memory: '4Gi' }, policies: { resources: { requests: {}, limits: {} } } },
  });
}

/** A target of its own (name and tracking label) over a folder of the repository. */
export function targetOf(targetName: string, path = '', namespace = NS): DriftTarget {
  return {
    name: targetName,
    origin: 'setting',
    path,
    source: { kind: 'worktree' },
    directory: { recurse: true },
    namespace,
    ignoreDifferences: [],
    ownership: { kind: 'tanzu-gitops', target: targetName },
  };
}

/** Deletes every object of these kinds that carries a target's label (what a test made), ignoring what is gone. */
export async function deleteTracked(session: ConnectionSession, targets: readonly string[], kinds: readonly { group: string; kind: string; version?: string }[], namespaces: readonly string[] = [NS]): Promise<void> {
  for (const t of targets) {
    for (const k of kinds) {
      for (const ns of namespaces) {
        const items = (await session.client.list(k, { namespace: ns, labelSelector: `${TANZU_TARGET_LABEL}=${targetLabelValue(t)}` }).catch(() => ({ items: [] as KubeObject[] }))).items;
        for (const o of items) await session.client.delete({ ...k, namespace: ns, name: o.metadata?.name ?? '' }).catch(() => undefined);
      }
    }
  }
}

export async function getOrUndefined(session: ConnectionSession, ref: { group: string; kind: string; version?: string; namespace?: string; name: string }): Promise<KubeObject | undefined> {
  try {
    return await session.client.get(ref);
  } catch {
    return undefined;
  }
}

// ---- manifests ----------------------------------------------------------------------------------

export function configMap(n: string, data: Record<string, string>, meta: Record<string, unknown> = {}, namespace = NS): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace, ...meta }, data };
}

export function tkc(n: string, over: { replicas?: number; services?: string; namespace?: string } = {}): KubeObject {
  return {
    apiVersion: 'run.tanzu.vmware.com/v1alpha2',
    kind: 'TanzuKubernetesCluster',
    metadata: { name: n, namespace: over.namespace ?? NS },
    spec: {
      topology: {
        controlPlane: { replicas: over.replicas ?? 3, vmClass: 'best-effort-small', storageClass: 'gold', tkr: { reference: { name: 'v1.25.7---vmware.3-fips.1-tkg.1' } } },
        nodePools: [{ name: 'workers', replicas: 2, vmClass: 'best-effort-small', storageClass: 'gold' }],
      },
      settings: { network: { cni: { name: 'antrea' }, pods: { cidrBlocks: ['192.168.0.0/16'] }, services: { cidrBlocks: [over.services ?? '10.96.0.0/12'] }, serviceDomain: 'cluster.local' } },
    },
  };
}

export function manifests(...objects: KubeObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

export const CM = { group: '', kind: 'ConfigMap' } as const;
export const TKC = { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', version: 'v1alpha2' } as const;
