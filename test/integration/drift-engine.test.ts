/**
 * The drift engine against the real local Supervisor and real Git repositories: every status
 * (Synced, OutOfSync, Missing, Extra, Unknown for a kind not served, forbidden, unreachable,
 * defined twice), a Secret whose value never appears in any output, an Argo CD Application found
 * by its repoURL (another spelling than the clone's origin) with its ignoreDifferences and its
 * tracking method, a Helm Application reported as unsupported, and the restricted user dev.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/client';
import type { ConnectionSession } from '../../src/cluster/session';
import type { ResourceStatus } from '../../src/core/reconcile/types';
import { computeDrift } from '../../src/drift/engine';
import { discoverTargets, targetFromSetting } from '../../src/drift/targets';
import type { DriftTarget, TargetDrift } from '../../src/drift/types';
import {
  applyAs, cleanupTemp, commitAll, configMap, deadKubeconfig, makeRepos, manifests, name, openSession, remove, synced, tkc, write, type Repos,
} from './drift-fixtures';
import { loadKubeconfig } from '../../src/cluster/kubeconfig';
import { ConnectionSession as Session } from '../../src/cluster/session';

let admin: ConnectionSession;
let dev: ConnectionSession;
const created: KubeObject[] = [];

const GIT_SECRET = 'git-side-S3CRET-value-1f9a';
const LIVE_SECRET = 'live-side-S3CRET-value-77c2';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Every text a result can show: statuses, reasons, warnings, diffs, the objects. */
const everything = (d: TargetDrift) => JSON.stringify(d);

function assertNoSecret(text: string, what: string): void {
  for (const v of [GIT_SECRET, LIVE_SECRET, b64(GIT_SECRET), b64(LIVE_SECRET)]) {
    assert.ok(!text.includes(v), `${what} holds a Secret value`);
  }
}

const by = (d: TargetDrift) => new Map(d.resources.map((r) => [r.name, r]));
const statusOf = (d: TargetDrift, n: string): ResourceStatus | undefined => by(d).get(n);

before(async () => {
  admin = await openSession('local-supervisor-admin');
  dev = await openSession('local-supervisor-dev');
});

after(async () => {
  await remove(admin, created);
  admin?.dispose();
  dev?.dispose();
  cleanupTemp();
});

describe('a target from the setting, as admin', () => {
  const target = (): DriftTarget => targetFromSetting({ name: name('setting'), path: 'apps', namespace: 'team-a' }, 'default') as DriftTarget;
  let repos: Repos;
  let drift: TargetDrift;
  const n = {
    synced: name('synced'), drift: name('drift'), missing: name('missing'), extra: name('extra'), extraElsewhere: name('extra-b'), foreign: name('foreign'),
    secret: name('secret'), tkc: name('tkc'), twice: name('twice'), widget: name('widget'),
  };

  before(async () => {
    const t = target();
    const secretGit: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: n.secret, namespace: 'team-a' }, stringData: { password: GIT_SECRET, user: 'admin' } };
    repos = await makeRepos({
      'apps/config.yaml': manifests(
        configMap(n.synced, { a: '1' }),
        configMap(n.drift, { a: '2', b: 'same' }),
        configMap(n.missing, { a: '1' }),
      ),
      'apps/secret.yaml': manifests(secretGit),
      'apps/clusters/tkc.yaml': manifests(tkc(n.tkc, 3)),
      'apps/other.yaml': manifests(
        { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: n.widget } },
        configMap(n.twice, { a: '1' }),
      ),
      'apps/again.yaml': manifests(configMap(n.twice, { a: '2' })),
      'apps/README.json': '{"not": "a manifest"}\n',
    });
    // on the server: as a sync of this target left them, then changed by hand where it drifts
    const live = [
      await synced(admin, configMap(n.synced, { a: '1' }), t.ownership),
      await synced(admin, configMap(n.drift, { a: '1', b: 'same' }), t.ownership),
      await synced(admin, configMap(n.extra, { a: '1' }), t.ownership),
      await synced(admin, configMap(n.extraElsewhere, { a: '1' }, 'team-b'), t.ownership),
      await applyAs(admin, configMap(n.foreign, { a: '1' })),
      await synced(admin, { apiVersion: 'v1', kind: 'Secret', metadata: { name: n.secret, namespace: 'team-a' }, data: { password: b64(LIVE_SECRET), user: b64('admin') } }, t.ownership),
      await synced(admin, tkc(n.tkc, 3), t.ownership),
    ];
    created.push(...live);
    drift = await computeDrift(admin, repos.repo, t);
  });

  it('Synced, OutOfSync with the diff, Missing, Extra; live objects the target does not own are not listed', () => {
    assert.equal(drift.error, undefined);
    assert.equal(statusOf(drift, n.synced)?.status, 'Synced');
    assert.equal(statusOf(drift, n.synced)?.compared, 'dry-run');
    const d = statusOf(drift, n.drift);
    assert.equal(d?.status, 'OutOfSync');
    assert.deepEqual(d?.diff?.changedPaths, ['data.a']);
    assert.match(d?.diff?.unified ?? '', /^-\s+a: "1"$/m);
    assert.match(d?.diff?.unified ?? '', /^\+\s+a: "2"$/m);
    assert.equal(statusOf(drift, n.missing)?.status, 'Missing');
    assert.equal(statusOf(drift, n.extra)?.status, 'Extra');
    assert.equal(statusOf(drift, n.extraElsewhere)?.status, 'Extra', 'found by the owner label outside the namespaces Git names');
    assert.equal(statusOf(drift, n.extraElsewhere)?.namespace, 'team-b');
    assert.equal(statusOf(drift, n.foreign), undefined);
    assert.equal(drift.revision?.label, 'working tree');
    assert.equal(drift.revision?.branch, 'main');
  });

  it('a TKC written at v1alpha2 is read at v1alpha2 and compared through the dry-run: Synced', () => {
    const r = statusOf(drift, n.tkc);
    assert.equal(r?.status, 'Synced', r?.diff?.unified);
    assert.equal(r?.version, 'v1alpha2');
    assert.equal(r?.git?.source.file, 'apps/clusters/tkc.yaml');
  });

  it('Unknown: a kind the cluster does not serve, and an object defined twice in Git', () => {
    const w = statusOf(drift, n.widget);
    assert.equal(w?.status, 'Unknown');
    assert.equal(w?.unknownCause, 'not-served');
    assert.match(w?.reason ?? '', /not served/);
    const twice = statusOf(drift, n.twice);
    assert.equal(twice?.unknownCause, 'defined-twice');
    assert.match(twice?.reason ?? '', /apps\/again\.yaml:1 and apps\/other\.yaml:\d+|apps\/other\.yaml:\d+ and apps\/again\.yaml:1/);
    assert.ok(!drift.warnings.some((w) => w.includes('README.json')), 'a JSON file that is no Kubernetes object is left alone');
  });

  it('a changed Secret is OutOfSync with masked values; no value anywhere in the result', () => {
    const s = statusOf(drift, n.secret);
    assert.equal(s?.status, 'OutOfSync');
    assert.deepEqual(s?.diff?.changedPaths, ['data.password'], 'the unchanged key compares equal');
    assert.match(s?.diff?.unified ?? '', /^-\s+password: \+{8,}$/m);
    assert.match(s?.diff?.unified ?? '', /^\+\s+password: \+{8,}$/m);
    assertNoSecret(everything(drift), 'the TargetDrift');
  });

  it('counts by status and says what it cost', () => {
    assert.deepEqual(drift.counts, { Synced: 2, OutOfSync: 2, Missing: 1, Extra: 2, Unknown: 2 });
    // the synced ConfigMap and TKC: applying them is a no-op (this manager owns exactly Git's fields, same values)
    assert.equal(drift.stats?.dryRunsSkipped, 2, JSON.stringify(drift.stats));
    assert.equal(drift.stats?.dryRuns, 3, 'the drifted ConfigMap, the missing one, the Secret (stringData is never live)');
  });

  it('sparing no-op dry-runs gives exactly what dry-running everything gives', async () => {
    const all = await computeDrift(admin, repos.repo, target(), { skipNoOpDryRuns: false });
    assert.equal(all.stats?.dryRunsSkipped, 0);
    const view = (d: TargetDrift) => d.resources.map((r) => [r.key, r.status, r.reason ?? '', r.diff?.unified ?? '']);
    assert.deepEqual(view(drift), view(all));
  });

  it('reads HEAD and the remote revision as committed, not the working tree', async () => {
    write(repos.work, 'apps/config.yaml', manifests(configMap(n.synced, { a: 'uncommitted' }), configMap(n.drift, { a: '1', b: 'same' })));
    const worktree = await computeDrift(admin, repos.repo, target());
    assert.equal(statusOf(worktree, n.synced)?.status, 'OutOfSync');
    assert.equal(statusOf(worktree, n.drift)?.status, 'Synced');
    assert.equal(worktree.revision?.dirty, true);
    const head = await computeDrift(admin, repos.repo, { ...target(), source: { kind: 'head' } });
    assert.equal(statusOf(head, n.synced)?.status, 'Synced');
    assert.equal(head.revision?.label, 'HEAD');
    commitAll(repos.work, 'local only');
    const remote = await computeDrift(admin, repos.repo, { ...target(), source: { kind: 'revision', revision: 'main' } });
    assert.equal(statusOf(remote, n.synced)?.status, 'Synced', 'not pushed: origin/main still has a: "1"');
    assert.equal(remote.revision?.label, 'origin/main');
  });

  it('Unknown "unreachable" for everything, and an error, when the server does not answer', async () => {
    const dead = await Session.open({ kubeconfig: loadKubeconfig({ paths: [await deadKubeconfig()] }), allowExec: false, requestTimeoutMs: 3000 });
    try {
      const d = await computeDrift(dead, repos.repo, target());
      assert.match(d.error ?? '', /refused the connection|ECONNREFUSED/);
      assert.ok(d.resources.length > 0);
      for (const r of d.resources) {
        if (r.unknownCause === 'defined-twice') continue;
        assert.equal(r.status, 'Unknown', r.name);
        assert.equal(r.unknownCause, 'unreachable', r.name);
      }
    } finally {
      dead.dispose();
    }
  });

  it('names a Git error (a path that does not exist) without throwing', async () => {
    const d = await computeDrift(admin, repos.repo, { ...target(), path: 'nope' });
    assert.match(d.error ?? '', /^Git: path nope does not exist/);
    assert.deepEqual(d.resources, []);
  });
});

describe('the restricted user dev', () => {
  it('Unknown "forbidden" for a kind dev may not list (Role in team-a) and a namespace it may not read (team-b); team-a compares', async () => {
    const t = targetFromSetting({ name: name('dev'), path: '', namespace: 'team-a' }, 'team-a') as DriftTarget;
    const cm = configMap(name('dev-cm'), { a: '1' });
    const { repo } = await makeRepos({
      'all.yaml': manifests(
        cm,
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: name('role'), namespace: 'team-a' }, rules: [] },
        configMap(name('in-b'), { a: '1' }, 'team-b'),
      ),
    });
    created.push(await synced(admin, cm, t.ownership));
    const d = await computeDrift(dev, repo, t);
    assert.equal(d.error, undefined);
    const role = statusOf(d, name('role'));
    assert.equal(role?.status, 'Unknown');
    assert.equal(role?.unknownCause, 'forbidden');
    assert.match(role?.reason ?? '', /User "dev" may not list roles\.rbac\.authorization\.k8s\.io in namespace "team-a"/);
    const inB = statusOf(d, name('in-b'));
    assert.equal(inB?.unknownCause, 'forbidden');
    assert.match(inB?.reason ?? '', /team-b/);
    assert.equal(statusOf(d, name('dev-cm'))?.status, 'Synced', 'what dev may read still compares');
    assert.ok(d.warnings.some((w) => /could not be listed/.test(w)), 'says that owned objects elsewhere cannot be seen');
  });
});

describe('Argo CD Applications', () => {
  const app = name('app');
  const helmApp = name('helm');
  const otherApp = name('other');
  let repos: Repos;
  const n = { tkc: name('argo-tkc'), cm: name('argo-cm'), extra: name('argo-extra'), labelled: name('argo-label') };

  before(async () => {
    repos = await makeRepos({
      'deploy/clusters.yaml': manifests(tkc(n.tkc, 3), configMap(n.cm, { a: '1' })),
      'deploy/nested/ignored.yaml': manifests(configMap(name('not-recursed'), { a: '1' })),
    });
    const application = (appName: string, source: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: appName, namespace: 'team-c' },
      spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'team-a' }, source, ...extra },
    });
    // the clone's origin is the bare path; the Application names it as a file:// URL
    const objects: KubeObject[] = [
      application(app, { repoURL: `file://${repos.bare}`, path: 'deploy', targetRevision: 'HEAD' }, {
        ignoreDifferences: [{ group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', jsonPointers: ['/spec/topology/nodePools/0/replicas'] }],
      }),
      application(helmApp, { repoURL: `file://${repos.bare.replace(/\.git$/, '')}`, path: 'deploy', targetRevision: 'main', helm: { valueFiles: ['values.yaml'] } }),
      application(otherApp, { repoURL: 'https://github.com/example/elsewhere.git', path: 'deploy' }),
      // Argo CD's settings where these Applications live: tracking by annotation
      configMap('argocd-cm', { 'application.resourceTrackingMethod': 'annotation' }, 'team-c'),
    ];
    for (const o of objects) created.push(await applyAs(admin, o, 'argocd'));
    const argo = { kind: 'argocd' as const, appName: app, trackingMethod: 'annotation' as const };
    // live: the TKC scaled by someone (ignored), the ConfigMap as synced, one tracked object no longer in Git
    created.push(await synced(admin, tkc(n.tkc, 5), argo));
    created.push(await synced(admin, configMap(n.cm, { a: '1' }), argo));
    created.push(await synced(admin, configMap(n.extra, { a: '1' }), argo));
    // the instance label alone does not make an object the app's under annotation tracking
    created.push(await applyAs(admin, configMap(n.labelled, { a: '1' }, 'team-a', { labels: { 'app.kubernetes.io/instance': app } })));
  });

  it('finds the Application by its repoURL in another spelling, with its revision, namespace, ignoreDifferences and tracking', async () => {
    const { targets } = await discoverTargets({ repo: repos.repo, session: admin, applicationNamespaces: ['team-c'] });
    const t = targets.find((x) => x.name === app);
    assert.ok(t, `targets: ${targets.map((x) => x.name).join(', ')}`);
    assert.equal(t.origin, 'argocd');
    assert.equal(t.path, 'deploy');
    assert.deepEqual(t.source, { kind: 'revision', revision: 'HEAD', remote: 'origin' });
    assert.equal(t.namespace, 'team-a');
    assert.deepEqual(t.ownership, { kind: 'argocd', appName: app, trackingMethod: 'annotation' });
    assert.deepEqual(t.application, {
      name: app, namespace: 'team-c', repoURL: `file://${repos.bare}`, targetRevision: 'HEAD',
      project: 'default', destination: { server: 'https://kubernetes.default.svc' },
    });
    assert.equal(t.ignoreDifferences.length, 1);
    assert.equal(targets.some((x) => x.name === otherApp), false, 'another repository: not a target');
    assert.equal(targets.some((x) => x.origin === 'workspace'), false, 'Applications found: no workspace target');
  });

  it('a Helm Application on a folder without Chart.yaml: compared, the folder unread with the reason, never dropped', async () => {
    const { targets } = await discoverTargets({ repo: repos.repo, session: admin, applicationNamespaces: ['team-c'] });
    const h = targets.find((x) => x.name === helmApp);
    assert.ok(h);
    assert.equal(h.unsupported, undefined);
    const d = await computeDrift(admin, repos.repo, h);
    assert.equal(d.error, undefined);
    assert.deepEqual(d.unread, [{ path: 'deploy/Chart.yaml', reason: 'the Application sets spec.source.helm, but deploy has no Chart.yaml', rendering: true }]);
    assert.ok(d.resources.every((r) => r.status === 'Unknown'), 'nothing is compared, nothing is Extra');
  });

  it('compares at the remote default branch: ignoreDifferences hide the scaled pool; annotation tracking decides Extra', async () => {
    const { targets } = await discoverTargets({ repo: repos.repo, session: admin, applicationNamespaces: ['team-c'] });
    const t = targets.find((x) => x.name === app) as DriftTarget;
    const d = await computeDrift(admin, repos.repo, t);
    assert.equal(d.error, undefined);
    assert.equal(d.revision?.label, 'origin/main');
    assert.equal(statusOf(d, n.tkc)?.status, 'Synced', statusOf(d, n.tkc)?.diff?.unified);
    assert.equal(statusOf(d, n.cm)?.status, 'Synced', statusOf(d, n.cm)?.diff?.unified);
    assert.equal(statusOf(d, n.extra)?.status, 'Extra');
    assert.equal(statusOf(d, n.labelled), undefined);
    assert.equal(statusOf(d, name('not-recursed')), undefined, 'directory.recurse is off by default, as in Argo CD');
    // without the ignore rule, the pool's replicas are the difference
    const strict = await computeDrift(admin, repos.repo, { ...t, ignoreDifferences: [] });
    assert.deepEqual(statusOf(strict, n.tkc)?.diff?.changedPaths, ['spec.topology.nodePools[name=workers].replicas']);
  });
});
