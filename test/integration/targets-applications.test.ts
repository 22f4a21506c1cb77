/**
 * The workspace's targets beside Argo CD Applications of the same repository, against the real
 * local Supervisor and real Git: one target per path of the repository, as in Argo CD. An
 * Application deploying apps/web and one deploying the overlay overlays/prod keep their folders;
 * the workspace target (the plain manifests) and the other overlay stay, compared as before, and
 * none of them reads or prunes what an Application deploys. The Applications are made as Argo CD
 * users make them (client-side kubectl apply of the Application manifest); the live objects as
 * their owners left them (Argo CD's field manager and tracking annotation, another field manager).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/client';
import type { ConnectionSession } from '../../src/cluster/session';
import { computeDrift } from '../../src/drift/engine';
import { discoverTargets } from '../../src/drift/targets';
import type { DriftTarget } from '../../src/drift/types';
import { cleanupTemp, configMap, kubeconfigFile, makeRepos, manifests, name, openSession, remove, tempDir, type Repos } from './drift-fixtures';

const KUBECTL = process.env.KUBECTL || 'kubectl';
const NS = 'team-a';
const plain = name('plain');
const web = name('web');
const base = name('settings');
const webApp = name('app-web');
const prodApp = name('app-prod');

let admin: ConnectionSession;
let kubeconfig: string;
let repos: Repos;
/** Whether this test made Argo CD's settings (annotation tracking, Argo CD 3's default), and so removes them. */
let madeCm = false;

const kustomization = (o: Record<string, unknown>) => manifests({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...o } as KubeObject);
const cm = (n: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n }, data }) as KubeObject;

function kubectl(args: readonly string[], ...objects: KubeObject[]): string {
  const file = join(tempDir('kubectl'), 'objects.yaml');
  writeFileSync(file, manifests(...objects));
  return execFileSync(KUBECTL, ['--kubeconfig', kubeconfig, '--context', 'local-supervisor-admin', ...args, '-f', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function application(appName: string, path: string): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: appName, namespace: 'argocd' },
    spec: { project: 'default', source: { repoURL: `file://${repos.bare}`, path, targetRevision: 'main' }, destination: { server: 'https://kubernetes.default.svc', namespace: NS } },
  } as KubeObject;
}

const tracked = (appName: string, o: KubeObject): KubeObject => ({
  ...o, metadata: { ...o.metadata, namespace: NS, annotations: { 'argocd.argoproj.io/tracking-id': `${appName}:/ConfigMap:${NS}/${o.metadata?.name ?? ''}` } },
});

const statuses = (resources: readonly { name: string; status: string }[]) => resources.map((r) => `${r.name} ${r.status}`).sort();

before(async () => {
  admin = await openSession('local-supervisor-admin');
  kubeconfig = await kubeconfigFile();
  repos = await makeRepos({
    'clusters/apps.yaml': manifests(configMap(plain, { a: '1' })),
    'apps/web/web.yaml': manifests(configMap(web, { color: 'blue' })),
    'base/kustomization.yaml': kustomization({ resources: ['settings.yaml'] }),
    'base/settings.yaml': manifests(cm(base, { level: 'info' })),
    'overlays/dev/kustomization.yaml': kustomization({ resources: ['../../base'], namePrefix: 'dev-', namespace: NS }),
    'overlays/prod/kustomization.yaml': kustomization({ resources: ['../../base'], namePrefix: 'prod-', namespace: NS }),
  });
  madeCm = await admin.client.get({ group: '', kind: 'ConfigMap', namespace: 'argocd', name: 'argocd-cm' }).then(() => false, () => true);
  if (madeCm) kubectl(['apply', '--server-side', '--field-manager=argocd-test'], configMap('argocd-cm', { 'application.resourceTrackingMethod': 'annotation' }, 'argocd'));
  // the plain manifest as another tool applied it; the Applications' objects as Argo CD's sync left them
  kubectl(['apply', '--server-side', '--field-manager=someone-else'], configMap(plain, { a: '1' }));
  kubectl(['apply', '--server-side', '--field-manager=argocd-controller'], tracked(webApp, configMap(web, { color: 'green' })), tracked(prodApp, configMap(`prod-${base}`, { level: 'info' })));
  kubectl(['apply'], application(webApp, 'apps/web'), application(prodApp, './overlays/prod'));
});

after(async () => {
  try {
    kubectl(['delete', '--ignore-not-found'], application(webApp, ''), application(prodApp, ''));
  } catch {
    // a server that is gone has nothing left to delete
  }
  await remove(admin, [configMap(plain, {}), configMap(web, {}), configMap(`prod-${base}`, {}), ...(madeCm ? [configMap('argocd-cm', {}, 'argocd')] : [])]);
  admin?.dispose();
  cleanupTemp();
});

describe('the workspace\'s targets beside Applications of the same repository', () => {
  let targets: DriftTarget[] = [];
  const byName = (n: string) => targets.find((t) => t.name === n);

  before(async () => {
    targets = (await discoverTargets({ repo: repos.repo, session: admin, namespace: NS, applicationNamespaces: ['argocd'] })).targets;
  });

  it('each Application is the target of its own folder; the workspace target and the other overlay stay beside them', () => {
    assert.deepEqual(targets.map((t) => `${t.origin}:${t.name}:${t.path}`), [
      `argocd:${prodApp}:./overlays/prod`, `argocd:${webApp}:apps/web`, 'workspace:workspace:', 'workspace:overlays/dev:overlays/dev',
    ], 'overlays/prod is the Application\'s path: no second target for it');
  });

  it('the workspace target compares its plain manifests as before (Synced) and never reads an Application\'s folder', async () => {
    const ws = await computeDrift(admin, repos.repo, byName('workspace') as DriftTarget, { extra: true });
    assert.equal(ws.error, undefined);
    assert.deepEqual(statuses(ws.resources), [`${plain} Synced`]);
    const dev = await computeDrift(admin, repos.repo, byName('overlays/dev') as DriftTarget, { extra: true });
    assert.deepEqual(statuses(dev.resources), [`dev-${base} Missing`]);
  });

  it('each Application compares only its own folder, with its own drift', async () => {
    const w = await computeDrift(admin, repos.repo, byName(webApp) as DriftTarget, { extra: true });
    assert.equal(w.error, undefined);
    assert.deepEqual(statuses(w.resources), [`${web} OutOfSync`]);
    assert.match(w.resources[0].diff?.unified ?? '', /^- {2}color: green$/m);
    const p = await computeDrift(admin, repos.repo, byName(prodApp) as DriftTarget, { extra: true });
    assert.equal(p.error, undefined);
    assert.deepEqual(statuses(p.resources), [`prod-${base} Synced`], p.resources[0]?.diff?.unified);
  });
});
