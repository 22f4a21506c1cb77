/**
 * Applications in any namespace and ApplicationSets, on the local Supervisor, as Argo CD finds
 * them: Applications in Argo CD's own namespace (`argocd`) and in the namespaces that
 * argocd-cmd-params-cm's `application.namespaces` names are compared (one outside it is not, and
 * a warning says why); an Application outside Argo CD's namespace tracks its objects as
 * `<namespace>_<name>`; an ApplicationSet's Applications (owner reference to it) are compared
 * like any other and named `<ApplicationSet>/<Application>`. Objects are seeded as Argo CD's
 * server-side apply leaves them (field manager argocd-controller, tracking annotation).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/client';
import type { ConnectionSession } from '../../src/cluster/session';
import { computeDrift } from '../../src/drift/engine';
import { discoverTargets } from '../../src/drift/targets';
import type { DriftTarget } from '../../src/drift/types';
import { applyAs, configMap, GIT_ENV, kubeconfigFile, makeRepos, manifests, name, openSession, remove, runCliProcess, type Repos } from './drift-fixtures';

const ALLOWED_NS = 'tg-argo-apps-1';
const OTHER_NS = 'tg-argo-elsewhere';
const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');

let admin: ConnectionSession;
let repos: Repos;
const created: KubeObject[] = [];
const n = { home: name('home'), away: name('away'), denied: name('denied'), set: name('set'), child: name('child'), obj: name('obj'), childObj: name('child-obj'), extra: name('extra') };

const tracked = (obj: string, instance: string) => ({ ...configMap(obj, { a: '1' }), metadata: { name: obj, namespace: 'team-a', annotations: { 'argocd.argoproj.io/tracking-id': `${instance}:/ConfigMap:team-a/${obj}` } } });

function application(appName: string, namespace: string, path: string, owner?: KubeObject): KubeObject {
  const meta = owner?.metadata as { name: string; uid: string } | undefined;
  return {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application',
    metadata: { name: appName, namespace, ...(meta ? { ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', name: meta.name, uid: meta.uid, controller: true, blockOwnerDeletion: true }] } : {}) },
    spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'team-a' }, source: { repoURL: `file://${repos.bare}`, path, targetRevision: 'HEAD' } },
  };
}

async function ensureNamespace(ns: string): Promise<void> {
  await admin.client.get({ group: '', kind: 'Namespace', name: ns }).catch(() => applyAs(admin, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
}

let found: { targets: DriftTarget[]; warnings: string[] };
const byApp = (appName: string) => found.targets.find((t) => t.application?.name === appName);

before(async () => {
  admin = await openSession('local-supervisor-admin');
  repos = await makeRepos({ 'away/objects.yaml': manifests(configMap(n.obj, { a: '1' })), 'child/objects.yaml': manifests(configMap(n.childObj, { a: '1' })) });
  await ensureNamespace(ALLOWED_NS);
  await ensureNamespace(OTHER_NS);
  // Argo CD's settings in its own namespace: Applications may also live in tg-argo-apps-*
  for (const o of [
    configMap('argocd-cm', { 'application.resourceTrackingMethod': 'annotation' }, 'argocd'),
    configMap('argocd-cmd-params-cm', { 'application.namespaces': 'tg-argo-apps-*' }, 'argocd'),
  ]) created.push(await applyAs(admin, o, 'argocd'));
  const set = await applyAs(admin, {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: n.set, namespace: 'argocd' },
    spec: { generators: [{ list: { elements: [{ env: 'child' }] } }], template: { metadata: { name: '{{env}}' }, spec: { project: 'default' } } },
  }, 'argocd');
  created.push(set);
  for (const o of [
    application(n.home, 'argocd', 'away'),
    application(n.away, ALLOWED_NS, 'away'),
    application(n.denied, OTHER_NS, 'away'),
    application(n.child, 'argocd', 'child', set),
  ]) created.push(await applyAs(admin, o, 'argocd'));
  // as Argo CD synced them: the Application outside its namespace tracks as <namespace>_<name>
  for (const o of [tracked(n.obj, `${ALLOWED_NS}_${n.away}`), tracked(n.extra, `${ALLOWED_NS}_${n.away}`), tracked(n.childObj, n.child)]) {
    created.push(await applyAs(admin, o, 'argocd-controller'));
  }
  found = await discoverTargets({ repo: repos.repo, session: admin });
});

after(async () => {
  await remove(admin, created);
  admin?.dispose();
});

describe('Applications in any namespace', () => {
  it("finds Applications in Argo CD's namespace and in those application.namespaces names; not elsewhere, and says so", () => {
    assert.ok(byApp(n.home), found.targets.map((t) => t.name).join(', '));
    assert.equal(byApp(n.away)?.application?.namespace, ALLOWED_NS);
    assert.equal(byApp(n.denied), undefined);
    const why = found.warnings.filter((w) => w.includes(`${OTHER_NS}/${n.denied}`));
    assert.equal(why.length, 1, found.warnings.join('\n'));
    assert.match(why[0], /application\.namespaces of argocd-cmd-params-cm .* does not name: Argo CD does not reconcile it/);
  });

  it('an Application in a second namespace tracks as <namespace>_<name> and is compared like any other', async () => {
    const t = byApp(n.away);
    assert.ok(t);
    assert.deepEqual(t.ownership, { kind: 'argocd', appName: `${ALLOWED_NS}_${n.away}`, trackingMethod: 'annotation' });
    const d = await computeDrift(admin, repos.repo, t);
    assert.equal(d.error, undefined);
    assert.equal(d.resources.find((r) => r.name === n.obj)?.status, 'Synced');
    assert.equal(d.resources.find((r) => r.name === n.extra)?.status, 'Extra');
    assert.equal(d.resources.find((r) => r.name === n.childObj), undefined, "the ApplicationSet child's object is not this one's");
  });
});

describe("an ApplicationSet's Applications", () => {
  it('are named with their ApplicationSet and compared like any other', async () => {
    const t = byApp(n.child);
    assert.ok(t);
    assert.equal(t.name, `${n.set}/${n.child}`);
    assert.equal(t.application?.applicationSet, n.set);
    assert.equal(byApp(n.home)?.application?.applicationSet, undefined);
    const d = await computeDrift(admin, repos.repo, t);
    assert.deepEqual(d.resources.map((r) => [r.name, r.status]), [[n.childObj, 'Synced']]);
  });

  it('diff --argocd-app compares a child Application and names it with its ApplicationSet', async () => {
    const run = await runCliProcess(CLI, ['diff', '--argocd-app', n.child, '-o', 'json', repos.work], { ...GIT_ENV, KUBECONFIG: await kubeconfigFile() });
    assert.equal(run.code, 0, run.stderr);
    const records = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(records.map((r) => [r.target, r.name, r.status]), [[`${n.set}/${n.child}`, n.childObj, 'Synced']]);
  });
});
