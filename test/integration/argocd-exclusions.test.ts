/**
 * argocd-cm's resource.exclusions and resource.inclusions on the local Supervisor: a kind Argo CD
 * excludes is never listed, compared or pruned (a Git object of it is left out with a warning,
 * a live tracked one is never Extra), as Argo CD's resource filter does. Objects are seeded as
 * Argo CD's server-side apply leaves them (argocd-controller, tracking annotation). Argo CD's
 * namespaces here are tg-argocd-ex and tg-argocd-in, made once and kept.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/client';
import type { ConnectionSession } from '../../src/cluster/session';
import { computeDrift } from '../../src/drift/engine';
import { discoverTargets } from '../../src/drift/targets';
import type { DriftTarget } from '../../src/drift/types';
import { prepareSync } from '../../src/sync';
import { applyAs, configMap, makeRepos, manifests, name, openSession, remove, type Repos } from './drift-fixtures';

const EX_NS = 'tg-argocd-ex';
const IN_NS = 'tg-argocd-in';
let admin: ConnectionSession;
let repos: Repos;
const created: KubeObject[] = [];
const app = { ex: name('ex'), in: name('in') };
const n = { cmEx: name('cm-ex'), cmIn: name('cm-in'), sa: name('sa'), liveSa: name('live-sa'), liveCm: name('live-cm') };

const serviceAccount = (saName: string): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: saName, namespace: 'team-a' } });
const tracked = (o: KubeObject, appName: string): KubeObject =>
  ({ ...o, metadata: { ...(o.metadata as object), annotations: { 'argocd.argoproj.io/tracking-id': `${appName}:/${o.kind as string}:team-a/${(o.metadata as { name: string }).name}` } } });

function application(appName: string, namespace: string, path: string): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: appName, namespace },
    spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'team-a' }, source: { repoURL: `file://${repos.bare}`, path, targetRevision: 'HEAD' } },
  };
}

async function targetOf(appName: string, ns: string): Promise<DriftTarget> {
  const { targets } = await discoverTargets({ repo: repos.repo, session: admin, applicationNamespaces: [ns] });
  const t = targets.find((x) => x.application?.name === appName);
  assert.ok(t, targets.map((x) => x.name).join(', '));
  return t;
}

before(async () => {
  admin = await openSession('local-supervisor-admin');
  repos = await makeRepos({
    'ex/objects.yaml': manifests(configMap(n.cmEx, { a: '1' }), serviceAccount(n.sa)),
    'in/objects.yaml': manifests(configMap(n.cmIn, { a: '1' }), serviceAccount(n.sa)),
  });
  for (const ns of [EX_NS, IN_NS]) {
    await admin.client.get({ group: '', kind: 'Namespace', name: ns }).catch(() => applyAs(admin, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
  }
  for (const o of [
    configMap('argocd-cm', { 'application.resourceTrackingMethod': 'annotation', 'resource.exclusions': '- apiGroups: [""]\n  kinds: [ServiceAccount]\n  clusters: ["https://kubernetes.default.svc"]\n' }, EX_NS),
    configMap('argocd-cm', { 'application.resourceTrackingMethod': 'annotation', 'resource.inclusions': '- apiGroups: [""]\n  kinds: [ConfigMap]\n' }, IN_NS),
    application(app.ex, EX_NS, 'ex'),
    application(app.in, IN_NS, 'in'),
  ]) created.push(await applyAs(admin, o, 'argocd'));
  for (const [appName, cm] of [[app.ex, n.cmEx], [app.in, n.cmIn]]) {
    created.push(await applyAs(admin, tracked(configMap(cm, { a: '1' }), appName), 'argocd-controller'));
    created.push(await applyAs(admin, tracked(serviceAccount(`${n.liveSa}-${appName.slice(-2)}`), appName), 'argocd-controller'));
  }
  created.push(await applyAs(admin, tracked(configMap(n.liveCm, { a: '1' }), app.in), 'argocd-controller'));
});

after(async () => {
  await remove(admin, created);
  admin?.dispose();
});

describe('resource.exclusions and resource.inclusions', () => {
  it('an excluded kind is not compared from Git (a warning says so) nor Extra live; without the filter it would be', async () => {
    const t = await targetOf(app.ex, EX_NS);
    assert.equal(t.resourceFilter?.exclusions.length, 1);
    const d = await computeDrift(admin, repos.repo, t, { extra: true });
    assert.equal(d.error, undefined);
    assert.deepEqual(d.resources.map((r) => [r.kind, r.name, r.status]), [['ConfigMap', n.cmEx, 'Synced']]);
    assert.equal(d.warnings.filter((w) => w.includes(`ServiceAccount ${n.sa} is excluded by Argo CD's resource.exclusions`)).length, 1, d.warnings.join('\n'));
    const strict = await computeDrift(admin, repos.repo, { ...t, resourceFilter: undefined }, { extra: true });
    assert.equal(strict.resources.find((r) => r.name === n.sa)?.status, 'Missing');
    assert.equal(strict.resources.find((r) => r.kind === 'ServiceAccount' && r.status === 'Extra')?.name, `${n.liveSa}-${app.ex.slice(-2)}`);
  });

  it('a sync with prune neither applies nor deletes an excluded kind, and is not blocked by it', async () => {
    const { plan } = await prepareSync(admin, repos.repo, await targetOf(app.ex, EX_NS), { prune: true });
    assert.deepEqual(plan.blockers.map((b) => b.code), []);
    assert.equal(plan.items.filter((i) => i.kind === 'ServiceAccount').length, 0);
  });

  it('with inclusions, only the included kinds are compared: a tracked ConfigMap is Extra, a tracked ServiceAccount is not', async () => {
    const d = await computeDrift(admin, repos.repo, await targetOf(app.in, IN_NS), { extra: true });
    assert.deepEqual(d.resources.map((r) => [r.kind, r.name, r.status]).sort(), [['ConfigMap', n.cmIn, 'Synced'], ['ConfigMap', n.liveCm, 'Extra']].sort());
  });
});
