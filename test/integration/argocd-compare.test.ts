/**
 * An Application compared as Argo CD compares it, on the local Supervisor: Argo CD's settings from
 * argocd-cm (tracking method, a custom instance label key, ignoreDifferences customizations with
 * jq), the Application's own ignoreDifferences, hooks, IgnoreExtraneous, another Application's
 * objects, and the three-way rule (a field Argo CD applied that left Git is drift; another
 * manager's is not). Live objects are seeded as Argo CD leaves them: server-side apply by
 * `argocd-controller`, or client-side `kubectl apply` (last-applied-configuration), with its
 * tracking annotation or label. Argo CD's namespaces here are tg-argocd-a (annotation tracking)
 * and tg-argocd-l (label tracking), made once and kept (no namespace controller runs here).
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
import type { DriftTarget, TargetDrift } from '../../src/drift/types';
import { applyAs, configMap, GIT_ENV, kubeconfigFile, makeRepos, manifests, name, openSession, remove, runCliProcess, tempDir, type Repos } from './drift-fixtures';
import { patchApp } from './argocd-controller';

const ANN_NS = 'tg-argocd-a';
const LABEL_NS = 'tg-argocd-l';
const LABEL_KEY = 'example.com/argo-app';
const KUBECTL = process.env.KUBECTL || 'kubectl';
const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');

let admin: ConnectionSession;
let repos: Repos;
const created: KubeObject[] = [];
const app = name('app');
const labelApp = name('lapp');
const n = {
  jq: name('jq'), ptr: name('ptr'), ssa: name('ssa'), csa: name('csa'), hook: name('hook'), liveHook: name('live-hook'),
  extraneous: name('extraneous'), other: name('other'), extra: name('extra'), lExtra: name('l-extra'), lDefault: name('l-default'),
  aggregated: name('aggregated'),
};
/** A ClusterRole whose rules the aggregation controller fills in (aggregationRule). */
const aggregatedRole = (rules: unknown[], labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: n.aggregated, ...(labels ? { labels } : {}) },
  aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } }] },
  rules,
});

const tracking = (obj: string, appName = app) => ({ 'argocd.argoproj.io/tracking-id': `${appName}:/ConfigMap:team-a/${obj}` });
const withAnn = (cm: KubeObject, annotations: Record<string, string>, labels?: Record<string, string>): KubeObject =>
  ({ ...cm, metadata: { ...(cm.metadata as object), annotations, ...(labels ? { labels } : {}) } });

/** As Argo CD's server-side apply leaves an object: field manager argocd-controller. */
async function argoApplied(obj: KubeObject): Promise<void> {
  created.push(await applyAs(admin, obj, 'argocd-controller'));
}

/** As a client-side apply leaves it (kubectl apply: last-applied-configuration). */
async function clientApplied(obj: KubeObject): Promise<void> {
  const file = join(tempDir('kubectl'), 'o.yaml');
  writeFileSync(file, manifests(obj));
  execFileSync(KUBECTL, ['--kubeconfig', await kubeconfigFile(), '--context', 'local-supervisor-admin', 'apply', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  created.push(obj);
}

async function ensureNamespace(ns: string): Promise<void> {
  await admin.client.get({ group: '', kind: 'Namespace', name: ns }).catch(() => applyAs(admin, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
}

function application(appName: string, namespace: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: appName, namespace },
    spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'team-a' }, source: { repoURL: `file://${repos.bare}`, path: 'deploy', targetRevision: 'HEAD' }, ...extra },
  };
}

async function targetOf(appName: string, ns: string): Promise<DriftTarget> {
  const { targets } = await discoverTargets({ repo: repos.repo, session: admin, applicationNamespaces: [ns] });
  const t = targets.find((x) => x.application?.name === appName);
  assert.ok(t, `targets: ${targets.map((x) => x.name).join(', ')}`);
  return t;
}

const statusOf = (d: TargetDrift, objName: string) => d.resources.find((r) => r.name === objName);

before(async () => {
  admin = await openSession('local-supervisor-admin');
  repos = await makeRepos({
    'deploy/objects.yaml': manifests(
      configMap(n.jq, { keep: '1', generated: 'from-git' }),
      configMap(n.ptr, { keep: '1', scaled: '3' }),
      configMap(n.ssa, { a: '1' }),
      configMap(n.csa, { a: '1' }),
      withAnn(configMap(n.hook, { step: 'migrate' }), { 'argocd.argoproj.io/hook': 'PreSync' }),
    ),
    'deploy-l/roles.yaml': manifests(aggregatedRole([])),
  });
  await ensureNamespace(ANN_NS);
  await ensureNamespace(LABEL_NS);
  for (const o of [
    configMap('argocd-cm', {
      'application.resourceTrackingMethod': 'annotation',
      'resource.customizations.ignoreDifferences.ConfigMap': 'jqPathExpressions:\n- .data | select(.keep == "1") | .generated\n',
    }, ANN_NS),
    configMap('argocd-cm', {
      'application.resourceTrackingMethod': 'label', 'application.instanceLabelKey': LABEL_KEY,
      'resource.compareoptions': 'ignoreAggregatedRoles: true\n',
    }, LABEL_NS),
    application(app, ANN_NS, { ignoreDifferences: [{ kind: 'ConfigMap', name: n.ptr, jsonPointers: ['/data/scaled'] }] }),
    application(labelApp, LABEL_NS, { source: { repoURL: `file://${repos.bare}`, path: 'deploy-l', targetRevision: 'HEAD' } }),
  ]) created.push(await applyAs(admin, o, 'argocd'));

  // in Git and live, as Argo CD synced them; then changed where the ignore rules look
  await argoApplied(withAnn(configMap(n.jq, { keep: '1', generated: 'rewritten-live' }), tracking(n.jq)));
  await argoApplied(withAnn(configMap(n.ptr, { keep: '1', scaled: '5' }), tracking(n.ptr)));
  // Argo CD applied `old`, which has since left Git; another manager added `added`
  await argoApplied(withAnn(configMap(n.ssa, { a: '1', old: 'x' }), tracking(n.ssa)));
  created.push(await admin.client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n.ssa, namespace: 'team-a' }, data: { added: 'by-someone' } }, { fieldManager: 'someone-else' }));
  // client-side: the last apply set `old`, Git no longer has it
  await clientApplied(withAnn(configMap(n.csa, { a: '1', old: 'x' }), tracking(n.csa)));
  // live, tracked, not in Git: a hook, one IgnoreExtraneous, another Application's, and a plain one (Extra)
  await argoApplied(withAnn(configMap(n.liveHook, { a: '1' }), { ...tracking(n.liveHook), 'helm.sh/hook': 'post-install' }));
  await argoApplied(withAnn(configMap(n.extraneous, { a: '1' }), { ...tracking(n.extraneous), 'argocd.argoproj.io/compare-options': 'IgnoreExtraneous' }));
  await argoApplied(withAnn(configMap(n.other, { a: '1' }), tracking(n.other, 'someone-elses-app'), { 'app.kubernetes.io/instance': app }));
  await argoApplied(withAnn(configMap(n.extra, { a: '1' }), tracking(n.extra)));
  // label tracking with a custom key: that key decides, not the default label
  await argoApplied({ ...configMap(n.lExtra, { a: '1' }), metadata: { name: n.lExtra, namespace: 'team-a', labels: { [LABEL_KEY]: labelApp } } });
  await argoApplied({ ...configMap(n.lDefault, { a: '1' }), metadata: { name: n.lDefault, namespace: 'team-a', labels: { 'app.kubernetes.io/instance': labelApp } } });
  // an aggregated ClusterRole as Argo CD synced it, then filled in by the aggregation controller
  await argoApplied(aggregatedRole([], { [LABEL_KEY]: labelApp }));
  await applyAs(admin, aggregatedRole([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]), 'clusterrole-aggregation-controller');
});

after(async () => {
  await remove(admin, created);
  admin?.dispose();
});

describe('an Application compared as Argo CD compares it', () => {
  it("takes argocd-cm's tracking and ignoreDifferences customizations before the Application's own", async () => {
    const t = await targetOf(app, ANN_NS);
    assert.deepEqual(t.ownership, { kind: 'argocd', appName: app, trackingMethod: 'annotation' });
    assert.deepEqual(t.ignoreDifferences.map((e) => [e.kind, e.jqPathExpressions?.length ?? 0, e.jsonPointers?.length ?? 0]), [['ConfigMap', 1, 0], ['ConfigMap', 0, 1]]);
  });

  it('jq from argocd-cm and a JSON pointer from the Application hide what they name; nothing else is hidden', async () => {
    const t = await targetOf(app, ANN_NS);
    const d = await computeDrift(admin, repos.repo, t);
    assert.equal(d.error, undefined);
    assert.equal(statusOf(d, n.jq)?.status, 'Synced', statusOf(d, n.jq)?.diff?.unified);
    assert.equal(statusOf(d, n.ptr)?.status, 'Synced', statusOf(d, n.ptr)?.diff?.unified);
    assert.ok(!d.warnings.some((w) => /jq/i.test(w)), d.warnings.join('\n'));
    const strict = await computeDrift(admin, repos.repo, { ...t, ignoreDifferences: [] });
    assert.deepEqual(statusOf(strict, n.jq)?.diff?.changedPaths, ['data.generated']);
    assert.deepEqual(statusOf(strict, n.ptr)?.diff?.changedPaths, ['data.scaled']);
  });

  it('a jq expression that does not compile is named in a warning; the rest still applies', async () => {
    const t = await targetOf(app, ANN_NS);
    const bad = { ...t, ignoreDifferences: [...t.ignoreDifferences, { kind: 'ConfigMap', jqPathExpressions: ['.data |||'] }] };
    const d = await computeDrift(admin, repos.repo, bad);
    assert.equal(statusOf(d, n.jq)?.status, 'Synced');
    assert.equal(d.warnings.filter((w) => w.includes('jqPathExpression ".data |||" is not applied')).length, 1, d.warnings.join('\n'));
  });

  it("three-way: a field Argo CD applied that left Git is drift (server-side and client-side apply); another manager's field is not", async () => {
    const d = await computeDrift(admin, repos.repo, await targetOf(app, ANN_NS));
    const ssa = statusOf(d, n.ssa);
    assert.equal(ssa?.status, 'OutOfSync');
    assert.deepEqual(ssa?.diff?.changedPaths, ['data.old']);
    const csa = statusOf(d, n.csa);
    assert.equal(csa?.status, 'OutOfSync');
    assert.deepEqual(csa?.diff?.changedPaths, ['data.old']);
  });

  it("hooks are not compared; IgnoreExtraneous and another Application's objects are never Extra", async () => {
    const d = await computeDrift(admin, repos.repo, await targetOf(app, ANN_NS));
    assert.equal(statusOf(d, n.hook), undefined, 'a Git hook is not Missing');
    assert.equal(statusOf(d, n.liveHook), undefined, 'a live Helm hook is not Extra');
    assert.equal(statusOf(d, n.extraneous), undefined);
    assert.equal(statusOf(d, n.other), undefined, 'its annotation names another Application, whatever its label says');
    assert.equal(statusOf(d, n.extra)?.status, 'Extra');
  });

  it('label tracking with a custom instance label key: that label decides Extra', async () => {
    const t = await targetOf(labelApp, LABEL_NS);
    assert.deepEqual(t.ownership, { kind: 'argocd', appName: labelApp, trackingMethod: 'label', instanceLabelKey: LABEL_KEY });
    const d = await computeDrift(admin, repos.repo, t);
    assert.equal(statusOf(d, n.lExtra)?.status, 'Extra');
    assert.equal(statusOf(d, n.lDefault), undefined, 'the default label is not this Argo CD\'s');
    assert.equal(statusOf(d, n.extra), undefined, 'annotation-tracked objects are not this label-tracking Application\'s');
  });

  it("argocd-cm resource.compareoptions ignoreAggregatedRoles: the rules the aggregation controller wrote are not drift; without it they are", async () => {
    const t = await targetOf(labelApp, LABEL_NS);
    assert.deepEqual(t.compareOptions, { ignoreAggregatedRoles: true, ignoreResourceStatusField: 'all' });
    const d = await computeDrift(admin, repos.repo, t);
    assert.equal(statusOf(d, n.aggregated)?.status, 'Synced', statusOf(d, n.aggregated)?.diff?.unified);
    const strict = await computeDrift(admin, repos.repo, { ...t, compareOptions: undefined });
    assert.equal(statusOf(strict, n.aggregated)?.status, 'OutOfSync');
    assert.ok(statusOf(strict, n.aggregated)?.diff?.changedPaths.every((p) => p.startsWith('rules')), statusOf(strict, n.aggregated)?.diff?.changedPaths.join(', '));
  });
});

describe('diff --argocd-app: the command line compares a checkout as the Application does', () => {
  const diff = async (...args: string[]) => runCliProcess(CLI, ['diff', ...args], { ...GIT_ENV, KUBECONFIG: await kubeconfigFile() });

  before(async () => {
    // Argo CD's last verdict, as its controller reports it in status (core kinds carry no group key)
    await patchApp(admin.client, { name: app, namespace: ANN_NS }, {
      status: {
        sync: { status: 'OutOfSync', revision: '4e1c2a0f9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e' },
        health: { status: 'Healthy' },
        resources: [{ version: 'v1', kind: 'ConfigMap', namespace: 'team-a', name: n.ssa, status: 'OutOfSync', health: { status: 'Healthy' } }],
      },
    });
  });

  it('JSON entries as diff gives them, plus argocd: {sync, health} where Argo CD reported one; exit 1 when something drifts', async () => {
    const run = await diff('--argocd-app', app, '--argocd-namespace', ANN_NS, '-o', 'json', repos.work);
    assert.equal(run.code, 1, run.stderr);
    const records = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    const byName = new Map(records.map((r) => [r.name, r]));
    assert.deepEqual(byName.get(n.ssa)?.argocd, { sync: 'OutOfSync', health: 'Healthy' });
    assert.equal(byName.get(n.ssa)?.status, 'OutOfSync');
    assert.equal(byName.get(n.jq)?.status, 'Synced');
    assert.equal(byName.get(n.jq)?.argocd, undefined, 'no verdict reported for it');
    assert.equal(byName.get(n.extra)?.status, 'Extra');
    assert.equal(byName.has(n.hook) || byName.has(n.extraneous) || byName.has(n.other), false);
    assert.ok(records.every((r) => r.target === app));
  });

  it("text: the diffs, and Argo CD's verdict beside ours", async () => {
    const run = await diff('--argocd-app', app, '--argocd-namespace', ANN_NS, repos.work);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, new RegExp(`\\+\\+\\+ git/ConfigMap/team-a/${n.ssa}`));
    assert.match(run.stderr, /Argo CD: OutOfSync at 4e1c2a0, Healthy; here: 3 resources differ from the working tree/);
  });

  it('an Application that is not there: exit 2, saying where it looked', async () => {
    const run = await diff('--argocd-app', 'no-such-app', '--argocd-namespace', ANN_NS, repos.work);
    assert.equal(run.code, 2);
    assert.match(run.stderr, new RegExp(`no Argo CD Application ${ANN_NS}/no-such-app on context "local-supervisor-admin"`));
    const usage = await diff('--argocd-namespace', ANN_NS, repos.work);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--argocd-namespace needs --argocd-app/);
  });
});
